/**
 * Serves the fakes until interrupted, for manual runs and benchmarks against
 * a separate process: npx tsx src/core/testing/fakes/run.ts --seed 1
 * Options: --seed N, --artists N, --latency MS, --enforce-rate-limits.
 * Prints the base URLs as one JSON line on stdout.
 */
import { startFakes } from './index';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const seedArg = arg('seed');
const seed = seedArg === undefined ? 1 : /^\d+$/.test(seedArg) ? Number(seedArg) : seedArg;
const artists = arg('artists');
const latency = arg('latency');

const fakes = await startFakes({
  seed,
  catalogOptions: artists ? { artists: Number(artists) } : undefined,
  latencyMs: latency ? Number(latency) : undefined,
  enforceRateLimits: process.argv.includes('--enforce-rate-limits'),
});
const c = fakes.catalog;
process.stdout.write(
  `${JSON.stringify({
    seed,
    urls: fakes.urls,
    catalog: { artists: c.artists.size, releaseGroups: c.releaseGroups.size, releases: c.releases.size, recordings: c.recordings.size },
  })}\n`,
);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await fakes.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
