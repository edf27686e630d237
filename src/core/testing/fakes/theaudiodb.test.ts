import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffShapes, readFixture, shapeOf } from './keypaths';
import type { FakeServer } from './server';
import { richCatalog, type RichCatalog } from './test-catalog';
import { startTheAudioDb, theAudioDbRateLimit } from './theaudiodb';

let rich: RichCatalog;
let adb: FakeServer;

beforeAll(async () => {
  rich = richCatalog();
  adb = await startTheAudioDb(rich.catalog);
});
afterAll(() => adb.close());

const get = async (path: string) => {
  const response = await fetch(`${adb.url}/api/v1/json/2/${path}`);
  return { status: response.status, type: response.headers.get('content-type'), body: (await response.json()) as Record<string, Array<Record<string, unknown>> | null> };
};

function expectSameShape(fake: unknown, fixture: string) {
  const diff = diffShapes(shapeOf(fake), shapeOf(readFixture(fixture)));
  expect(diff).toEqual({ missing: [], extra: [], types: [] });
}

describe('fake TheAudioDB', () => {
  it('answers album-mb.php by release-group MBID in the captured shape, numbers as strings', async () => {
    const { status, type, body } = await get(`album-mb.php?i=${rich.album.releaseGroup.id}`);
    expect(status).toBe(200);
    expect(type).toBe('application/json');
    expectSameShape(body, 'theaudiodb/album-mb.json');
    const album = body.album![0]!;
    expect(album).toMatchObject({ strAlbum: 'Café Noir', strArtist: 'The Velvet Lanterns', intYearReleased: '1979', strMusicBrainzID: rich.album.releaseGroup.id });
    expect(Object.keys(album)).toEqual(Object.keys((readFixture('theaudiodb/album-mb.json') as { album: object[] }).album[0]!));
  });

  it('answers track-mb.php by recording MBID', async () => {
    const recording = rich.album.recordings[0]!;
    const { body } = await get(`track-mb.php?i=${recording.id}`);
    expectSameShape(body, 'theaudiodb/track-mb.json');
    expect(body.track![0]).toMatchObject({ strTrack: 'Burn the Witch', intDuration: '285546', intTrackNumber: '1', strMusicBrainzID: recording.id, strMusicBrainzAlbumID: rich.album.releaseGroup.id });
  });

  it('answers artist-mb.php by artist MBID', async () => {
    const { body } = await get(`artist-mb.php?i=${rich.lanterns.id}`);
    expectSameShape(body, 'theaudiodb/artist-mb.json');
    expect(body.artists![0]).toMatchObject({ strArtist: 'The Velvet Lanterns', strMusicBrainzID: rich.lanterns.id, intFormedYear: '1975' });
  });

  it('answers a miss with null, not an empty list', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await get(`album-mb.php?i=${unknown}`)).body).toEqual({ album: null });
    expect((await get(`track-mb.php?i=${unknown}`)).body).toEqual({ track: null });
    expect((await get(`artist-mb.php?i=${unknown}`)).body).toEqual({ artists: null });
    expect((await get(`searchalbum.php?s=Nobody&a=Nothing`)).body).toEqual({ album: null });
    expect((await get(`searchtrack.php?s=Nobody&t=Nothing`)).body).toEqual({ track: null });
  });

  it('searches albums and tracks by artist and title', async () => {
    const albums = await get(`searchalbum.php?s=${encodeURIComponent('the velvet lanterns')}&a=${encodeURIComponent('Café_Noir')}`);
    expect(albums.body.album!.map((a) => a.strMusicBrainzID)).toEqual([rich.album.releaseGroup.id]);
    const byArtist = await get(`searchalbum.php?s=${encodeURIComponent('The Velvet Lanterns')}`);
    expect(byArtist.body.album).toHaveLength(1);
    const tracks = await get(`searchtrack.php?s=${encodeURIComponent('The Velvet Lanterns')}&t=${encodeURIComponent('Burn the Witch')}`);
    expect(tracks.body.track!.map((t) => t.strMusicBrainzID)).toEqual([rich.album.recordings[0]!.id]);
  });

  it('answers 429 beyond the free-tier limit when rate limits are enforced', async () => {
    const limited = await startTheAudioDb(rich.catalog, { switches: { rateLimit: { ...theAudioDbRateLimit(true), limit: 3 } } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await fetch(`${limited.url}/api/v1/json/2/album-mb.php?i=x`)).status);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      expect(limited.stats.violations).toBe(2);
      expect(theAudioDbRateLimit()).toMatchObject({ limit: 30, windowMs: 60_000, style: '429' });
    } finally {
      await limited.close();
    }
  });
});
