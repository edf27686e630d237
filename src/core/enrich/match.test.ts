import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLibrary, type Library } from '../db/library';
import { openNetwork } from '../net/network';
import { MusicBrainzClient } from '../sources/musicbrainz';
import { TheAudioDbClient } from '../sources/theaudiodb';
import { Catalog, startFakes, type Fakes } from '../testing/fakes';
import { AlbumMatcher, type AlbumOutcome, type EnrichAlbum } from './match';

const catalog = new Catalog(3);
const tracks = (titles: string[]) => titles.map((title, i) => ({ title, length: 180_000 + i * 17_000 }));
const clear = catalog.addAlbum({ artist: 'Alpha Centauri', title: 'Orbital Songs', date: '1994-03-01', tracks: tracks(['Dawn', 'Perihelion', 'Drift', 'Signal', 'Home']) });
// Two different albums with the same name and the same songs: nothing in the files tells them apart.
const twinA = catalog.addAlbum({ artist: 'Beta Ray', title: 'Twins', date: '2001-01-01', tracks: tracks(['One', 'Two', 'Three', 'Four']) });
catalog.addAlbum({
  artist: 'Beta Ray',
  title: 'Twins',
  date: '2003-01-01',
  tracks: twinA.recordings.map((r) => ({ recording: r, length: r.length })),
});
const audiodbOnly = catalog.addAudioDbAlbum({ title: 'Basement Tapes Vol 3', artist: 'Gamma Ghost', idArtist: '199001' });

let fakes: Fakes;
let dir: string;
let db: Library;

beforeAll(async () => {
  fakes = await startFakes({ catalog });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-match-'));
  db = openLibrary(path.join(dir, 'library.sqlite'));
});
afterAll(async () => {
  db.close();
  await fakes.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function matcher() {
  const net = openNetwork({
    db,
    env: { SLEEVE_HTTP_RETRY_BASE_MS: '10', SLEEVE_HTTP_RETRIES: '1' },
    params: {
      noCache: true,
      sources: {
        musicbrainz: { baseUrl: fakes.urls.musicbrainz, rate: 0 },
        theaudiodb: { baseUrl: fakes.urls.theaudiodb, rate: 0 },
      },
    },
  });
  return new AlbumMatcher({ musicbrainz: new MusicBrainzClient(net.http('musicbrainz')), theaudiodb: new TheAudioDbClient(net.http('theaudiodb')), discogs: null });
}

let nextId = 1;
function albumFrom(title: string, artist: string, titles: string[], extra: Partial<EnrichAlbum> = {}): EnrichAlbum {
  return {
    id: nextId++,
    title,
    artist,
    year: null,
    releaseId: null,
    tracks: titles.map((t, i) => ({ id: nextId * 100 + i, title: t, artist, trackNumber: i + 1, discNumber: null, durationMs: 180_000 + i * 17_000 + 800 })),
    ...extra,
  };
}

async function run(albums: EnrichAlbum[]): Promise<Map<number, AlbumOutcome>> {
  const out = new Map<number, AlbumOutcome>();
  await matcher().matchBatch(albums, (album, outcome) => out.set(album.id, outcome));
  return out;
}

describe('album matching against the MusicBrainz fake', () => {
  it('applies a clear winner, sends look-alikes to review, falls back to TheAudioDB, and says when nothing fits', async () => {
    const sure = albumFrom('Orbital Songs', 'Alpha Centauri', ['Dawn', 'Perihelion', 'Drift', 'Signal', 'Home']);
    const twins = albumFrom('Twins', 'Beta Ray', ['One', 'Two', 'Three', 'Four']);
    const elsewhere = albumFrom('Basement Tapes Vol 3', 'Gamma Ghost', ['Hiss']);
    const nowhere = albumFrom('Completely Unknown Record', 'Nobody At All', ['Nothing']);
    const untagged = { ...albumFrom('x', 'y', ['a']), title: null };
    fakes.musicbrainz.stats.reset();
    const outcomes = await run([sure, twins, elsewhere, nowhere, untagged]);

    const matched = outcomes.get(sure.id)!;
    expect(matched.state).toBe('matched');
    if (matched.state !== 'matched') return;
    expect(matched.releaseId).toBe(clear.releases[0]!.id);
    expect(matched.score).toBeGreaterThan(0.9);
    expect(matched.tracks.map((t) => t.recordingId)).toEqual(clear.recordings.map((r) => r.id));
    expect(matched.tracks[0]).toMatchObject({ album: 'Orbital Songs', albumArtist: 'Alpha Centauri', trackNumber: 1 });

    const review = outcomes.get(twins.id)!;
    expect(review.state).toBe('review');
    if (review.state !== 'review') return;
    expect(review.candidates.length).toBeGreaterThanOrEqual(2);
    expect(new Set(review.candidates.map((c) => c.releaseGroupId)).size).toBeGreaterThanOrEqual(2);
    // Each candidate keeps the track matches it would give, so the user's pick needs no request.
    expect(review.proposals.every((p) => p.tracks.length === 4)).toBe(true);

    const fallback = outcomes.get(elsewhere.id)!;
    expect(fallback).toMatchObject({ state: 'matched', source: 'theaudiodb', matchId: audiodbOnly.idAlbum });

    expect(outcomes.get(nowhere.id)).toMatchObject({ state: 'notFound' });
    expect(outcomes.get(untagged.id)).toMatchObject({ state: 'notFound' });
    // One search for the four searchable albums, plus the lookups and one wider search for the unknown.
    expect(fakes.musicbrainz.stats.byRoute['/ws/2/release'] ?? 0).toBeLessThanOrEqual(3);
  });

  it('a tagged release id costs one lookup and no search', async () => {
    fakes.musicbrainz.stats.reset();
    const tagged = albumFrom('Orbital Songs', 'Alpha Centauri', ['Dawn', 'Perihelion', 'Drift', 'Signal', 'Home'], { releaseId: clear.releases[0]!.id });
    const outcome = (await run([tagged])).get(tagged.id)!;
    expect(outcome).toMatchObject({ state: 'matched', releaseId: clear.releases[0]!.id });
    expect(fakes.musicbrainz.stats.total).toBe(1);
  });

  it('a service that cannot answer defers the albums, never calls them not found', async () => {
    fakes.musicbrainz.switches.failure = { status: 503, rate: 1 };
    try {
      const album = albumFrom('Orbital Songs', 'Alpha Centauri', ['Dawn']);
      expect((await run([album])).get(album.id)).toMatchObject({ state: 'deferred' });
    } finally {
      fakes.musicbrainz.switches.failure = null;
    }
  });
});
