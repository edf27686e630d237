import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { YearIds } from '../../shared/library';
import { openLibrary, type Library } from '../db/library';
import { openNetwork } from '../net/network';
import { DiscogsClient } from '../sources/discogs';
import { MusicBrainzClient } from '../sources/musicbrainz';
import { TheAudioDbClient } from '../sources/theaudiodb';
import { generateCatalog, startFakes, type Fakes } from '../testing/fakes';
import { resolveYears } from './resolve';
import { loadYearItems, saveYearResults } from './store';
import { fillLibraryFromCatalog, type CatalogTrack } from './testing/catalog-library';

interface Row {
  id: number;
  year: number | null;
  year_source: string | null;
  year_state: string | null;
  year_score: number | null;
  year_ids: string | null;
}

async function runYears(fakes: Fakes, db: Library, concurrency: number): Promise<{ requests: number }> {
  const counters: Record<string, number> = {};
  const net = openNetwork({
    db,
    env: { SLEEVE_HTTP_RETRY_BASE_MS: '20' },
    params: {
      sources: {
        musicbrainz: { baseUrl: fakes.urls.musicbrainz, rate: 0, concurrency },
        theaudiodb: { baseUrl: fakes.urls.theaudiodb, rate: 0, concurrency },
        discogs: { baseUrl: fakes.urls.discogs, rate: 0, concurrency },
      },
    },
    secrets: { discogsToken: 'test-token' },
    count: (name, by = 1) => (counters[name] = (counters[name] ?? 0) + by),
  });
  const items = loadYearItems(db, { listens: true });
  await resolveYears(
    items,
    {
      musicbrainz: new MusicBrainzClient(net.http('musicbrainz')),
      theaudiodb: new TheAudioDbClient(net.http('theaudiodb')),
      discogs: new DiscogsClient(net.http('discogs'), 'test-token'),
    },
    {
      pass1Concurrency: concurrency,
      pass2Concurrency: concurrency,
      signal: new AbortController().signal,
      onResults: (results) => saveYearResults(db, results),
    },
  );
  return { requests: counters.requests ?? 0 };
}

const rows = (db: Library) => db.prepare('SELECT id, year, year_source, year_state, year_score, year_ids FROM tracks ORDER BY id').all() as Row[];

describe('release years against the fake MusicBrainz', () => {
  let fakes: Fakes;
  let dir: string;
  const catalog = generateCatalog({ seed: 21, artists: 40 });

  beforeAll(async () => {
    fakes = await startFakes({ catalog, latencyMs: { min: 0, max: 12 } });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-years-'));
  });
  afterAll(async () => {
    await fakes.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function library(name: string): { db: Library; tracks: CatalogTrack[] } {
    const db = openLibrary(path.join(dir, `${name}.sqlite`));
    const tracks = fillLibraryFromCatalog(db, catalog, { tracks: 1200, mbidShare: 0.6, seed: 5, messy: true });
    return { db, tracks };
  }

  it('finds at least 95 % of years right on messy tags, and pass 1 is never wrong', async () => {
    const { db, tracks } = library('accuracy');
    await runYears(fakes, db, 8);
    const byId = new Map(rows(db).map((r) => [r.id, r]));
    let right = 0;
    const wrongById: string[] = [];
    for (const track of tracks) {
      const row = byId.get(track.id)!;
      if (row.year === track.expectedYear && row.year_state === 'found') right++;
      else if (row.year_state === 'found') wrongById.push(`${track.id}: ${row.year} by ${row.year_source}, expected ${track.expectedYear}`);
      if (row.year_source === 'mbid') expect(row.year, `track ${track.id} by id`).toBe(track.expectedYear);
    }
    const share = right / tracks.length;
    // The release in hand: the one the files came from, not its original or another reissue.
    const albumYears = db.prepare('SELECT id, album_year FROM tracks').all() as Array<{ id: number; album_year: number | null }>;
    const albumYearById = new Map(albumYears.map((r) => [r.id, r.album_year]));
    const withAlbumYear = tracks.filter((t) => albumYearById.get(t.id) !== null);
    const albumYearRight = withAlbumYear.filter((t) => albumYearById.get(t.id) === t.albumYear).length;
    expect(albumYearRight / withAlbumYear.length, `album year right for ${albumYearRight} of ${withAlbumYear.length}`).toBeGreaterThanOrEqual(0.95);
    if (process.env.SLEEVE_YEARS_REPORT) console.info(`right ${right}/${tracks.length}; wrong ${wrongById.length}:`, wrongById.slice(0, 15));
    expect(tracks.length).toBeGreaterThanOrEqual(1000);
    expect(share, `right ${right} of ${tracks.length}; wrong: ${wrongById.slice(0, 10).join('; ')}`).toBeGreaterThanOrEqual(0.95);
    const sources = db.prepare("SELECT year_source AS s, COUNT(*) AS n FROM tracks WHERE year_state = 'found' GROUP BY 1").all();
    expect(sources).toContainEqual(expect.objectContaining({ s: 'mbid' }));
    expect(sources).toContainEqual(expect.objectContaining({ s: 'fuzzy-mb' }));
    db.close();
  }, 120_000);

  it('gives exactly the same years, sources, scores and ids in parallel as one at a time', async () => {
    const sequential = library('sequential');
    const parallel = library('parallel');
    await runYears(fakes, sequential.db, 1);
    await runYears(fakes, parallel.db, 12);
    const a = rows(sequential.db);
    const b = rows(parallel.db);
    expect(a.length).toBeGreaterThanOrEqual(1000);
    expect(b).toEqual(a);
    expect(a.filter((r) => r.year_state === 'found').length).toBeGreaterThan(1000 * 0.9);
    for (const row of a.filter((r) => r.year_ids)) expect(JSON.parse(row.year_ids!) as YearIds).toBeTypeOf('object');
    sequential.db.close();
    parallel.db.close();
  }, 180_000);
});
