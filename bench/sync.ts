/**
 * Playlist sync benchmark: a 200-track playlist matched against the Spotify
 * fake answering each request after 2 s, with Spotify's limit set to
 * 3 requests a second (the fake counts every request over it as a
 * violation). The same playlist is matched one track at a time and then with
 * the default 5 workers, each in a fresh library so nothing is remembered,
 * through the CLI as a user runs it (`sync --dry-run`).
 * Run: npm run bench:sync [-- --tracks N]. The last line is the JSON summary.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openLibrary } from '../src/core/db/library';
import { fakeServiceEnv, generateCatalog, startFakes, type Fakes } from '../src/core/testing/fakes';
import { fillLibraryFromCatalog } from '../src/core/years/testing/catalog-library';

const round = (x: number, digits = 3) => Number(x.toFixed(digits));
const LATENCY_MS = 2000;
const RATE = 3;

function argValue(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** A library with one playlist of `tracks` tracks; returns its path. */
function makeLibrary(dir: string, name: string, tracks: number): string {
  const file = path.join(dir, `${name}.sqlite`);
  const db = openLibrary(file);
  const catalog = generateCatalog({ seed: 47, artists: 40 });
  const rows = fillLibraryFromCatalog(db, catalog, { tracks, mbidShare: 0.3, seed: 4, messy: true });
  const now = Date.now();
  const id = Number(db.prepare("INSERT INTO playlists (name, created_at, updated_at) VALUES ('Bench', ?, ?)").run(now, now).lastInsertRowid);
  const insert = db.prepare("INSERT INTO playlist_entries (playlist_id, position, track_id, location, resolution) SELECT ?, ?, id, path, 'path' FROM tracks WHERE id = ?");
  rows.forEach((r, i) => insert.run(id, i, r.id));
  db.close();
  return file;
}

function cliSync(libraryPath: string, fakes: Fakes, workers: number, secretsFile: string) {
  return new Promise<{ counters: Record<string, number>; elapsedMs: number }>((resolve, reject) => {
    const cli = path.resolve(import.meta.dirname, '../src/cli/main.ts');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', cli, 'sync', 'Bench', '--to', 'spotify', '--dry-run', '--workers', String(workers), '--db', libraryPath, '--json', '--no-cache', '--spotify-api-rate', String(RATE)],
      { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...fakeServiceEnv(fakes.urls), SLEEVE_SECRETS: secretsFile, SLEEVE_HTTP_RETRIES: '3' } },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`sync exited ${code}: ${out}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1)!) as { counters: Record<string, number>; elapsedMs: number });
    });
  });
}

async function main(): Promise<void> {
  const tracks = argValue('--tracks', 200);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-bench-sync-'));
  const fakes = await startFakes({ catalog: generateCatalog({ seed: 47, artists: 40 }) });
  try {
    const issued = fakes.spotify.state.issueToken();
    const secretsFile = path.join(dir, 'secrets.json');
    fs.writeFileSync(secretsFile, JSON.stringify({ spotifyClientId: fakes.spotify.state.settings.clientId, spotifyRefreshToken: issued.refreshToken }), { mode: 0o600 });
    fakes.spotify.switches.latencyMs = LATENCY_MS;
    fakes.spotify.switches.rateLimit = { limit: RATE, windowMs: 1000, reject: false, style: '429', retryAfter: 'auto' };

    const results: Record<string, { ms: number; requests: number; matched: number; violations: number; maxInSecond: number }> = {};
    for (const [name, workers] of [
      ['sequential', 1],
      ['parallel', 5],
    ] as const) {
      fakes.resetStats();
      const run = await cliSync(makeLibrary(dir, name, tracks), fakes, workers, secretsFile);
      results[name] = {
        ms: run.elapsedMs,
        requests: run.counters.requests ?? 0,
        matched: run.counters.matched ?? 0,
        violations: fakes.spotify.stats.violations,
        maxInSecond: fakes.spotify.stats.maxInWindow(1000),
      };
      console.info(
        `${name} (${workers} worker${workers === 1 ? '' : 's'}): ${tracks} tracks, ${results[name].matched} matched, ` +
          `${results[name].requests} requests in ${(run.elapsedMs / 1000).toFixed(1)} s, ${results[name].violations} violations`,
      );
    }
    const seq = results.sequential!;
    const par = results.parallel!;
    const ratio = par.ms / seq.ms;
    const figures = {
      tracks,
      latencyMs: LATENCY_MS,
      rateLimitPerSecond: RATE,
      sequentialMs: seq.ms,
      parallelMs: par.ms,
      ratio: round(ratio),
      sequentialRequests: seq.requests,
      parallelRequests: par.requests,
      matchedSequential: seq.matched,
      matchedParallel: par.matched,
      violations: seq.violations + par.violations,
      parallelMaxInAnySecond: par.maxInSecond,
    };
    const targets = { ratio: '<= 0.25', violations: '0', sameMatches: 'matchedParallel == matchedSequential' };
    const met = ratio <= 0.25 && figures.violations === 0 && par.matched === seq.matched;
    console.info(JSON.stringify({ bench: 'sync', figures, targets, met }));
    process.exitCode = met ? 0 : 1;
  } finally {
    await fakes.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
