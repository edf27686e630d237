/**
 * Network benchmark: MusicBrainz throughput under its 1 request/s limit when
 * answers are slow, against the way many taggers pace themselves (wait for
 * the answer, then sleep a second), measured in the same run against the
 * same fake server. Also: two processes sharing the gate, and what one gate
 * reservation costs.
 * Run: npm run bench:network. The last line is the JSON summary.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openLibrary } from '../src/core/db/library';
import { RateGate } from '../src/core/net/gate';
import { startFakes } from '../src/core/testing/fakes';

const round = (x: number, digits = 2) => Number(x.toFixed(digits));
const LATENCY_MS = 700;
const WINDOW_MS = 20_000;
const LOAD_SCRIPT = path.resolve(import.meta.dirname, '../src/core/net/testing/musicbrainz-load.ts');

function load(libraryPath: string, url: string, until: number, ids: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', LOAD_SCRIPT, libraryPath, url, String(until), ...ids], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`load exited ${code}`))));
  });
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-bench-net-'));
  const fakes = await startFakes({ seed: 5, latencyMs: LATENCY_MS });
  const mb = fakes.musicbrainz;
  const ids = [...fakes.catalog.recordings.keys()];
  try {
    // Baseline: one request at a time, a one-second sleep after each answer.
    mb.stats.reset();
    const baselineUntil = Date.now() + WINDOW_MS;
    for (let i = 0; Date.now() < baselineUntil; i++) {
      const res = await fetch(`${mb.url}/ws/2/recording/${ids[i % ids.length]}?fmt=json`);
      await res.arrayBuffer();
      await new Promise((r) => setTimeout(r, 1000));
    }
    const baseline = mb.stats.achievedRate();
    const baselineViolations = mb.stats.violations;

    // Sleeve: two processes, each a pipeline with 4 requests in flight, one gate in the shared library.
    mb.stats.reset();
    const libraryPath = path.join(dir, 'library.sqlite');
    openLibrary(libraryPath).close();
    const until = Date.now() + WINDOW_MS;
    await Promise.all([load(libraryPath, mb.url, until, ids.slice(0, 200)), load(libraryPath, mb.url, until, ids.slice(200, 400))]);
    const gated = mb.stats.achievedRate();
    const violations = mb.stats.violations;

    // The cost of one reservation: a write transaction in the library.
    const db = openLibrary(path.join(dir, 'gate-cost.sqlite'));
    const gate = new RateGate(db);
    const n = 2000;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) gate.reserve('bench.example', { rate: 1000 });
    const reserveUs = ((performance.now() - t0) * 1000) / n;
    db.close();

    const figures = {
      latencyMs: LATENCY_MS,
      baselineRequestsPerSecond: round(baseline.perSecond),
      baselineViolations,
      sleeveRequestsPerSecond: round(gated.perSecond),
      sleeveRequests: gated.count,
      violations,
      maxInAnySecond: mb.stats.maxInWindow(1000),
      throughputRatio: round(gated.perSecond / baseline.perSecond),
      gateReserveUs: round(reserveUs, 1),
    };
    const targets = { sleeveRequestsPerSecond: '>= 0.9', violations: '0', throughputRatio: '>= 1.4', gateReserveUs: '< 1000' };
    const met = gated.perSecond >= 0.9 && violations === 0 && figures.throughputRatio >= 1.4 && reserveUs < 1000;
    console.info(
      `MusicBrainz at ${LATENCY_MS} ms an answer: sleep-after-answer ${figures.baselineRequestsPerSecond}/s, ` +
        `Sleeve (2 processes, 1 gate) ${figures.sleeveRequestsPerSecond}/s (${figures.throughputRatio}x), ` +
        `${violations} violations; a reservation costs ${figures.gateReserveUs} µs`,
    );
    console.info(JSON.stringify({ bench: 'network', figures, targets, met }));
    process.exitCode = met ? 0 : 1;
  } finally {
    await fakes.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
