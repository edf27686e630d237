/**
 * Release-years benchmark, two parts, each against a baseline in the same run:
 * (a) MusicBrainz as a self-hosted mirror (no rate limit, 150 ms ± 50 % an
 *     answer), 200 items: one request at a time against many in flight;
 * (b) MusicBrainz as the public service (1 request a second), 2,000 tracks
 *     in albums of about 10, 60 % carrying MusicBrainz ids: requests per
 *     resolved track, against one search per track.
 * Run: npm run bench:years [-- --skip-public]. The last line is the JSON summary.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openLibrary, type Library } from '../src/core/db/library';
import { openNetwork } from '../src/core/net/network';
import { MusicBrainzClient } from '../src/core/sources/musicbrainz';
import { generateCatalog, startFakes, type Catalog, type Fakes } from '../src/core/testing/fakes';
import { resolveYears } from '../src/core/years/resolve';
import { loadYearItems, saveYearResults } from '../src/core/years/store';
import { fillLibraryFromCatalog } from '../src/core/years/testing/catalog-library';

const round = (x: number, digits = 3) => Number(x.toFixed(digits));

async function run(fakes: Fakes, db: Library, rate: number, concurrency: number) {
  const counters: Record<string, number> = {};
  const net = openNetwork({
    db,
    env: {},
    params: { sources: { musicbrainz: { baseUrl: fakes.urls.musicbrainz, rate, concurrency } }, noCache: true },
    count: (name, by = 1) => (counters[name] = (counters[name] ?? 0) + by),
  });
  const items = loadYearItems(db, { listens: true });
  let found = 0;
  const started = performance.now();
  await resolveYears(
    items,
    { musicbrainz: new MusicBrainzClient(net.http('musicbrainz')), theaudiodb: null, discogs: null },
    {
      pass1Concurrency: concurrency,
      pass2Concurrency: concurrency,
      signal: new AbortController().signal,
      onResults: (results) => {
        found += results.filter((r) => r.result.state === 'found').length;
        saveYearResults(db, results);
      },
    },
  );
  return { ms: performance.now() - started, requests: counters.requests ?? 0, found, items: items.length };
}

/**
 * Runs `years` through the CLI, as a user would: the job in its own worker,
 * so the fake's clock (in this process) sees arrivals as a server would, not
 * delayed by the client's own work on a shared event loop.
 */
function cliYears(libraryPath: string, fakes: Fakes): Promise<{ counters: Record<string, number>; elapsedMs: number }> {
  return new Promise((resolve, reject) => {
    const cli = path.resolve(import.meta.dirname, '../src/cli/main.ts');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', cli, 'years', '--db', libraryPath, '--json', '--no-cache', '--musicbrainz-url', fakes.urls.musicbrainz, '--musicbrainz-rate', '1'],
      { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, SLEEVE_SECRETS: path.join(path.dirname(libraryPath), 'secrets.json'), SLEEVE_THEAUDIODB_URL: fakes.urls.theaudiodb } },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`years exited ${code}: ${out}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1)!) as { counters: Record<string, number>; elapsedMs: number });
    });
  });
}

function library(dir: string, name: string, catalog: Catalog, tracks: number): Library {
  const db = openLibrary(path.join(dir, `${name}.sqlite`));
  fillLibraryFromCatalog(db, catalog, { tracks, mbidShare: 0.6, seed: 3, messy: true });
  return db;
}

async function main(): Promise<void> {
  const skipPublic = process.argv.includes('--skip-public');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-bench-years-'));
  const catalog = generateCatalog({ seed: 31, artists: 60, tracksPerAlbum: [9, 11] });
  const fakes = await startFakes({ catalog, latencyMs: { min: 75, max: 225 } });
  try {
    // (a) a mirror: sequential against parallel, same items, same answers.
    const sequential = await run(fakes, library(dir, 'seq', catalog, 200), 0, 1);
    const parallel = await run(fakes, library(dir, 'par', catalog, 200), 0, 16);
    const mirrorRatio = parallel.ms / sequential.ms;
    console.info(
      `mirror, 200 items: sequential ${(sequential.ms / 1000).toFixed(1)} s (${sequential.requests} requests), ` +
        `16 in flight ${(parallel.ms / 1000).toFixed(1)} s (${parallel.requests} requests): ${round(mirrorRatio, 2)} of sequential`,
    );

    // (b) public MusicBrainz: every request costs a second, so what counts is how few are made.
    let perTrack: number | null = null;
    let publicFigures: Record<string, number> = {};
    if (!skipPublic) {
      fakes.musicbrainz.switches.latencyMs = 0;
      fakes.musicbrainz.stats.reset();
      library(dir, 'public', catalog, 2000).close();
      const result = await cliYears(path.join(dir, 'public.sqlite'), fakes);
      const c = result.counters;
      const found = (c.mbidFound ?? 0) + (c.fuzzyFound ?? 0) + (c.theaudiodbFound ?? 0) + (c.discogsFound ?? 0);
      perTrack = (c.requests ?? 0) / Math.max(1, found);
      publicFigures = {
        publicTracks: c.processed ?? 0,
        publicResolved: found,
        publicRequests: c.requests ?? 0,
        publicRequestsPerResolvedTrack: round(perTrack),
        publicSeconds: round(result.elapsedMs / 1000, 1),
        publicViolations: fakes.musicbrainz.stats.violations,
        publicMaxInAnySecond: fakes.musicbrainz.stats.maxInWindow(1000),
        baselineRequestsPerTrack: 1,
      };
      console.info(
        `public MusicBrainz, ${publicFigures.publicTracks} tracks: ${publicFigures.publicRequests} requests for ${found} years ` +
          `(${round(perTrack)} a track, against 1 for a search per track), ${publicFigures.publicViolations} violations, ${publicFigures.publicSeconds} s`,
      );
    }
    const figures = {
      mirrorItems: sequential.items,
      mirrorSequentialMs: Math.round(sequential.ms),
      mirrorParallelMs: Math.round(parallel.ms),
      mirrorRatio: round(mirrorRatio),
      mirrorRequests: sequential.requests,
      mirrorResolved: parallel.found,
      ...publicFigures,
    };
    const targets = { mirrorRatio: '<= 0.15', publicRequestsPerResolvedTrack: '<= 0.2', publicViolations: '0' };
    const met = mirrorRatio <= 0.15 && (perTrack === null || (perTrack <= 0.2 && publicFigures.publicViolations === 0));
    console.info(JSON.stringify({ bench: 'years', figures, targets, met }));
    process.exitCode = met ? 0 : 1;
  } finally {
    await fakes.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
