import { describe, expect, it } from 'vitest';
import { DeferredError, HttpStatusError, MalformedResponseError } from '../net/errors';
import { createStubHttp, type StubAnswer, type StubRequest } from './stub-http';
import { TheAudioDbClient, THEAUDIODB_PUBLIC_KEY } from './theaudiodb';

function client(handler: (r: StubRequest) => StubAnswer, key?: string) {
  const http = createStubHttp('theaudiodb', handler);
  return { http, adb: new TheAudioDbClient(http, key) };
}

const album = (extra: Record<string, unknown> = {}) => ({
  idAlbum: '2162908',
  idArtist: '111492',
  strAlbum: 'Random Access Memories',
  strArtist: 'Daft Punk',
  intYearReleased: '2013',
  intScore: '8.7',
  strGenre: '',
  strMusicBrainzID: 'aa997ea0-2936-40bd-884d-3af8a0e064dc',
  ...extra,
});

describe('TheAudioDbClient', () => {
  it('uses the public key by default and the mb lookup paths', async () => {
    const { http, adb } = client(() => ({ body: { album: [album()] } }));
    const albums = await adb.albumByMbid('aa997ea0-2936-40bd-884d-3af8a0e064dc');
    expect(THEAUDIODB_PUBLIC_KEY).toBe('123');
    expect(http.requests[0]!.pathname).toBe('/api/v1/json/123/album-mb.php');
    expect(http.requests[0]!.query).toEqual({ i: 'aa997ea0-2936-40bd-884d-3af8a0e064dc' });
    expect(albums).toEqual([
      expect.objectContaining({ id: '2162908', name: 'Random Access Memories', year: 2013, score: 8.7, genre: null }),
    ]);
  });

  it('puts a custom key in the path, encoded', async () => {
    const { http, adb } = client(() => ({ body: { track: null } }), 'a/b');
    await adb.trackByMbid('x');
    expect(http.requests[0]!.pathname).toBe('/api/v1/json/a%2Fb/track-mb.php');
  });

  it('maps {"album": null}, {"track": null} and empty lists to null', async () => {
    expect(await client(() => ({ body: { album: null } })).adb.albumByMbid('x')).toBeNull();
    expect(await client(() => ({ body: { album: [] } })).adb.searchAlbum('x')).toBeNull();
    expect(await client(() => ({ body: { track: null } })).adb.searchTrack('a', 'b')).toBeNull();
    expect(await client(() => ({ body: { artists: null } })).adb.artistByMbid('x')).toBeNull();
  });

  it('parses numbers sent as strings, with 0 and "" as unknown', async () => {
    const { adb } = client(() => ({
      body: { album: [album({ intYearReleased: '0' }), album({ intYearReleased: '', intScore: null }), album({ intYearReleased: 1999 })] },
    }));
    const albums = await adb.searchAlbum('Daft Punk');
    expect(albums!.map((a) => a.year)).toEqual([null, null, 1999]);
    expect(albums![1]!.score).toBeNull();

    const { adb: tracks } = client(() => ({
      body: { track: [{ idTrack: '1', strTrack: 'T', intDuration: '231573', intTrackNumber: '0', intCD: null, strMusicVid: '' }] },
    }));
    expect((await tracks.searchTrack('a', 't'))![0]).toMatchObject({ durationMs: 231573, trackNumber: null, discNumber: null, musicVideo: null });
  });

  it('builds the search queries and leaves out an empty album', async () => {
    const { http, adb } = client(() => ({ body: { album: null } }));
    await adb.searchAlbum('Daft Punk', 'Discovery');
    await adb.searchAlbum('Daft Punk', ' ');
    const t = client(() => ({ body: { track: null } }));
    await t.adb.searchTrack('Coldplay', 'Yellow');
    expect(http.requests.map((r) => [r.pathname, r.query])).toEqual([
      ['/api/v1/json/123/searchalbum.php', { s: 'Daft Punk', a: 'Discovery' }],
      ['/api/v1/json/123/searchalbum.php', { s: 'Daft Punk' }],
    ]);
    expect(t.http.requests[0]!.query).toEqual({ s: 'Coldplay', t: 'Yellow' });
  });

  it('answers null on 404, throws on other statuses and bad bodies, passes DeferredError through', async () => {
    expect(await client(() => ({ status: 404 })).adb.albumByMbid('x')).toBeNull();
    await expect(client(() => ({ status: 401, body: 'Invalid API key' })).adb.albumByMbid('x')).rejects.toBeInstanceOf(HttpStatusError);
    await expect(client(() => ({ body: '' })).adb.albumByMbid('x')).rejects.toBeInstanceOf(MalformedResponseError);
    await expect(client(() => ({ body: { album: [{ idAlbum: '1' }] } })).adb.albumByMbid('x')).rejects.toThrow(/album\.0\.strAlbum/);
    const deferred = new DeferredError('theaudiodb', 'slow');
    await expect(
      client(() => {
        throw deferred;
      }).adb.albumByMbid('x'),
    ).rejects.toBe(deferred);
  });
});
