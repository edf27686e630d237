import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Track } from '../shared/library';
import { openLibrary } from '../core/db/library';
import { generateCatalog, startFakes, type Fakes } from '../core/testing/fakes';
import { runCli, type CliRun } from './testing/run-cli';
import { fillLibraryFromCatalog, type CatalogTrack } from '../core/years/testing/catalog-library';

let fakes: Fakes;
let dir: string;
const catalog = generateCatalog({ seed: 8, artists: 6 });

beforeAll(async () => {
  fakes = await startFakes({ catalog });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-cli-years-'));
});
afterAll(async () => {
  await fakes.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function cli(db: string, args: string[]): Promise<CliRun> {
  return runCli([...args, '--db', db], {
    env: {
      SLEEVE_SECRETS: path.join(dir, 'secrets.json'),
      SLEEVE_THEAUDIODB_URL: fakes.urls.theaudiodb,
      SLEEVE_THEAUDIODB_RATE: '0',
      SLEEVE_DISCOGS_URL: fakes.urls.discogs,
    },
  });
}

const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1)!) as { job: string; state: string; counters: Record<string, number> };

function library(name: string): { db: string; tracks: CatalogTrack[] } {
  const file = path.join(dir, `${name}.sqlite`);
  const db = openLibrary(file);
  const tracks = fillLibraryFromCatalog(db, catalog, { tracks: 120, mbidShare: 0.5, seed: 2, messy: true });
  db.close();
  return { db: file, tracks };
}

describe('npm run cli -- years', () => {
  it('finds years with provenance, reports albumYear and yearSource, and keeps a year set by hand', async () => {
    const { db, tracks } = library('provenance');
    const mb = ['--musicbrainz-url', fakes.urls.musicbrainz, '--musicbrainz-rate', '0'];
    const run = await cli(db, ['years', '--concurrency', '4', '--json', ...mb]);
    expect(run.status, run.stderr).toBe(0);
    const result = lastJson(run.stdout);
    expect(result).toMatchObject({ job: 'years', state: 'done' });
    expect(result.counters.processed).toBe(tracks.length);
    expect(result.counters.mbidFound).toBeGreaterThan(0);
    expect(result.counters.fuzzyFound).toBeGreaterThan(0);
    expect(result.counters.requests).toBeGreaterThan(0);

    const listed = (await cli(db, ['tracks', '--json'])).stdout.trim().split('\n').map((l) => JSON.parse(l) as Track);
    const byId = new Map(listed.map((t) => [t.id, t]));
    const tagged = tracks.find((t) => t.tagged)!;
    expect(byId.get(tagged.id)).toMatchObject({ year: tagged.expectedYear, yearSource: 'mbid', yearState: 'found' });
    expect(byId.get(tagged.id)!.albumYear).toBeTypeOf('number');
    expect(byId.get(tagged.id)!.yearIds?.recordingId).toBe(tagged.recordingId);

    const mine = tracks[0]!;
    expect((await cli(db, ['set-year', String(mine.id), '1901'])).status).toBe(0);
    const again = await cli(db, ['years', '--refresh', '--json', ...mb]);
    expect(again.status).toBe(0);
    expect(lastJson(again.stdout).counters.processed).toBe(tracks.length - 1);
    // The second run is answered from the cache.
    expect(lastJson(again.stdout).counters.cacheHits).toBeGreaterThan(0);
    expect(lastJson(again.stdout).counters.requests ?? 0).toBe(0);
    const after = (await cli(db, ['tracks', '--json'])).stdout.trim().split('\n').map((l) => JSON.parse(l) as Track);
    expect(after.find((t) => t.id === mine.id)).toMatchObject({ year: 1901, yearSource: 'user' });
  }, 120_000);

  it('defers everything while MusicBrainz is down, never "not found", and the next run finishes the job', async () => {
    const { db, tracks } = library('storm');
    const mb = ['--musicbrainz-url', fakes.urls.musicbrainz, '--musicbrainz-rate', '0'];
    fakes.musicbrainz.switches.storm = { status: 503 };
    const down = await cli(db, ['years', '--json', ...mb]);
    fakes.musicbrainz.switches.storm = null;
    expect(down.status).toBe(0);
    const counters = lastJson(down.stdout).counters;
    expect(counters.deferred).toBeGreaterThan(0);
    expect(counters.mbidFound! + counters.fuzzyFound!).toBe(0);
    // Only what had no name to search with can be 'not found' without asking.
    expect(counters.notFound ?? 0).toBe(0);

    const up = await cli(db, ['years', '--json', ...mb]);
    const upCounters = lastJson(up.stdout).counters;
    expect(upCounters.processed).toBe(counters.deferred);
    expect(upCounters.deferred).toBe(0);
    expect(upCounters.mbidFound! + upCounters.fuzzyFound!).toBeGreaterThan(tracks.length * 0.9);
  }, 120_000);
});
