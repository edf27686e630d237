import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openLibrary, type Library } from '../db/library';
import { MusicBrainzClient } from '../sources/musicbrainz';
import { startFakes, type Fakes } from '../testing/fakes';
import { SLEEVE_VERSION } from '../version';
import { DeferredError, MalformedResponseError } from './errors';
import { openNetwork, type Network } from './network';

const LOAD_SCRIPT = path.join(import.meta.dirname, 'testing', 'musicbrainz-load.ts');
/** Fast retries, so storms end in seconds, not minutes. */
const TEST_ENV = { SLEEVE_HTTP_RETRY_BASE_MS: '50', SLEEVE_HTTP_RETRIES: '3', SLEEVE_HTTP_TIMEOUT_MS: '1500' };

function runLoad(libraryPath: string, mbUrl: string, until: number, ids: string[]): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', LOAD_SCRIPT, libraryPath, mbUrl, String(until), ...ids], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...TEST_ENV },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)!)) : reject(new Error(`load exited ${code}: ${err}`))));
  });
}

describe('network layer against the fake services', () => {
  let fakes: Fakes;
  let dir: string;
  let db: Library;
  let counters: Record<string, number>;
  let recordingIds: string[];

  const network = (noCache = false): Network =>
    openNetwork({
      db,
      env: TEST_ENV,
      params: { sources: { musicbrainz: { baseUrl: fakes.urls.musicbrainz, rate: 0 } }, noCache },
      count: (name, by = 1) => (counters[name] = (counters[name] ?? 0) + by),
    });

  beforeAll(async () => {
    fakes = await startFakes({ seed: 7 });
    recordingIds = [...fakes.catalog.recordings.keys()];
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-net-'));
  });
  afterAll(async () => {
    await fakes.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    fakes.resetStats();
    fakes.musicbrainz.switches.storm = null;
    fakes.musicbrainz.switches.hang = null;
    fakes.musicbrainz.switches.malformed = null;
    counters = {};
    db?.close();
    db = openLibrary(path.join(dir, `${Math.random().toString(36).slice(2)}.sqlite`));
  });

  it('two pipelines in two processes share the 1 request/s gate: no violation, and together close to the limit', async () => {
    const libraryPath = path.join(dir, 'shared.sqlite');
    openLibrary(libraryPath).close();
    const until = Date.now() + 9000;
    const ids = recordingIds.slice(0, 40);
    const [a, b] = await Promise.all([runLoad(libraryPath, fakes.urls.musicbrainz, until, ids), runLoad(libraryPath, fakes.urls.musicbrainz, until, ids.slice().reverse())]);
    const stats = fakes.musicbrainz.stats;
    expect(a!.requests).toBeGreaterThan(2);
    expect(b!.requests).toBeGreaterThan(2);
    expect(a!.errors! + b!.errors! + a!.deferred! + b!.deferred!).toBe(0);
    expect(stats.violations).toBe(0);
    expect(stats.maxInWindow(1000)).toBe(1);
    expect(stats.achievedRate().perSecond).toBeGreaterThanOrEqual(0.9);
  }, 40_000);

  it('sends Sleeve/<version> ( contact ) as its User-Agent', async () => {
    await new MusicBrainzClient(network().http('musicbrainz')).lookupRecording(recordingIds[0]!);
    expect(fakes.musicbrainz.stats.userAgents()).toEqual([`Sleeve/${SLEEVE_VERSION} ( https://github.com/sleeve-music/sleeve )`]);
  });

  it('answers a second run from the cache: nearly request-free, and the counters say so', async () => {
    const ids = recordingIds.slice(0, 30);
    const first = await new MusicBrainzClient(network().http('musicbrainz')).recordingsByIds(ids);
    const requestsFirst = fakes.musicbrainz.stats.total;
    expect([...first.values()].filter(Boolean)).toHaveLength(30);
    counters = {};
    const second = await new MusicBrainzClient(network().http('musicbrainz')).recordingsByIds(ids);
    expect(fakes.musicbrainz.stats.total).toBe(requestsFirst);
    expect(counters.cacheHits).toBeGreaterThan(0);
    expect(counters.requests ?? 0).toBe(0);
    expect([...second.keys()]).toEqual([...first.keys()]);
    // --no-cache asks again.
    await new MusicBrainzClient(network(true).http('musicbrainz')).recordingsByIds(ids);
    expect(fakes.musicbrainz.stats.total).toBeGreaterThan(requestsFirst);
  });

  it('respects Retry-After from a rate-limited server', async () => {
    fakes.musicbrainz.switches.storm = { status: 503, count: 1, retryAfter: 1 };
    const recording = await new MusicBrainzClient(network().http('musicbrainz')).lookupRecording(recordingIds[1]!);
    expect(recording?.id).toBe(recordingIds[1]);
    const [first, second] = fakes.musicbrainz.stats.arrivals;
    expect(second! - first!).toBeGreaterThanOrEqual(950);
  });

  it('ends a 503 storm with the item deferred, never "not found"', async () => {
    fakes.musicbrainz.switches.storm = { status: 503 };
    const mb = new MusicBrainzClient(network().http('musicbrainz'));
    const outcome = await mb.lookupRecording(recordingIds[2]!).then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    expect('error' in outcome && outcome.error).toBeInstanceOf(DeferredError);
    expect(fakes.musicbrainz.stats.total).toBe(4);
    // The rest of the run fails fast instead of hammering a service that is down.
    await expect(mb.lookupRecording(recordingIds[3]!)).rejects.toBeInstanceOf(DeferredError);
    expect(fakes.musicbrainz.stats.total).toBe(4);
  });

  it('times out a hanging connection and defers the item', async () => {
    fakes.musicbrainz.switches.hang = {};
    await expect(new MusicBrainzClient(network().http('musicbrainz')).lookupRecording(recordingIds[4]!)).rejects.toThrow(/no answer within 2 s/);
    expect(fakes.musicbrainz.stats.hung).toBeGreaterThan(0);
  }, 40_000);

  it('turns a malformed body into a clear error for that item alone', async () => {
    fakes.musicbrainz.switches.malformed = { kind: 'truncated-json', count: 1 };
    const mb = new MusicBrainzClient(network().http('musicbrainz'));
    const bad = await mb.lookupRecording(recordingIds[5]!).catch((err: unknown) => err);
    expect(bad).toBeInstanceOf(MalformedResponseError);
    expect((bad as Error).message).toMatch(/MusicBrainz sent .* not JSON/);
    expect((await mb.lookupRecording(recordingIds[6]!))?.id).toBe(recordingIds[6]);
    // A malformed answer is not cached: asking again gets the real one.
    expect((await mb.lookupRecording(recordingIds[5]!))?.id).toBe(recordingIds[5]);
  });
});
