import { describe, expect, it } from 'vitest';
import type { SpotifyClient, SpotifyTrack } from '../sources/spotify';
import { matchAll, SpotifyMatcher, type SyncTrack } from './spotify-match';
import { DeferredError } from '../net/errors';

let n = 0;
function track(name: string, artist: string, durationMs: number, album = 'Album'): SpotifyTrack {
  n += 1;
  const id = `id${String(n).padStart(20, '0')}`;
  return {
    id,
    uri: `spotify:track:${id}`,
    name,
    durationMs,
    artists: [{ id: `a${artist}`, name: artist }],
    album: { id: 'al', name: album, albumType: 'album', releaseDate: null, releaseDatePrecision: null, totalTracks: null, artists: [], images: [], uri: null },
    discNumber: 1,
    trackNumber: 1,
    explicit: false,
  };
}

/** A client whose search answers from a table of queries; it records what was asked. */
function fakeClient(answers: (q: string) => SpotifyTrack[] | Error) {
  const asked: string[] = [];
  const client = {
    async searchTracks(q: string) {
      asked.push(q);
      const a = answers(q);
      if (a instanceof Error) throw a;
      return { total: a.length, offset: 0, limit: 10, hasNext: false, items: a };
    },
  } as unknown as SpotifyClient;
  return { client, asked };
}

const local = (title: string, artist: string, durationMs: number | null, extra: Partial<SyncTrack> = {}): SyncTrack => ({
  trackId: 1,
  title,
  artist,
  album: 'Album',
  durationMs,
  isrc: null,
  knownUri: null,
  ...extra,
});

describe('SpotifyMatcher', () => {
  it('takes a known URI without asking, and an ISRC before names', async () => {
    const hit = track('Song', 'Band', 200_000);
    const { client, asked } = fakeClient((q) => (q.startsWith('isrc:') ? [hit] : []));
    const m = new SpotifyMatcher(client);
    expect(await m.match(local('Song', 'Band', 200_000, { knownUri: 'spotify:track:x' }))).toMatchObject({ reason: 'id', uri: 'spotify:track:x' });
    expect(asked).toEqual([]);
    expect(await m.match(local('Song', 'Band', 200_500, { isrc: 'GBAYE7900004' }))).toMatchObject({ reason: 'isrc', uri: hit.uri });
    expect(asked).toEqual(['isrc:GBAYE7900004']);
  });

  it('calls a clean name match exact and a close one fuzzy, and the duration guard refuses another take', async () => {
    const album = track('Wonderwall', 'Oasis', 258_000);
    const live = track('Wonderwall', 'Oasis', 300_000);
    const { client } = fakeClient(() => [live, album]);
    const m = new SpotifyMatcher(client);
    expect(await m.match(local('Wonderwall', 'Oasis', 259_000))).toMatchObject({ state: 'matched', reason: 'exact', uri: album.uri });
    expect(await m.match(local('Wonderwal', 'Oasis', 259_000))).toMatchObject({ state: 'matched', reason: 'fuzzy', uri: album.uri });
    // Only the live take's length: not this recording.
    const { client: liveOnly } = fakeClient(() => [live]);
    expect(await new SpotifyMatcher(liveOnly).match(local('Wonderwall', 'Oasis', 200_000))).toMatchObject({ state: 'notFound' });
  });

  it('sends a close call between two recordings to review with its candidates, and tries free text when fields find nothing', async () => {
    const a = track('Intro', 'Band', 60_000);
    const b = track('Intro', 'Band', 66_000);
    const { client } = fakeClient(() => [a, b]);
    const r = await new SpotifyMatcher(client).match(local('Intro', 'Band', 63_000));
    expect(r.state).toBe('review');
    expect(r.candidates.map((c) => c.uri).sort()).toEqual([a.uri, b.uri].sort());

    const hit = track('AC/DC Song', 'AC/DC', 100_000);
    const { client: picky, asked } = fakeClient((q) => (q.includes('track:') ? [] : [hit]));
    expect(await new SpotifyMatcher(picky).match(local('AC/DC Song', 'AC/DC', 100_000))).toMatchObject({ state: 'matched', uri: hit.uri });
    expect(asked).toHaveLength(2);
  });
});

describe('matchAll', () => {
  it('runs workers at once and retries deferred tracks once, one at a time, at the end', async () => {
    let inFlight = 0;
    let peak = 0;
    let failures = 3;
    const order: string[] = [];
    const client = {
      async searchTracks(q: string) {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight -= 1;
        order.push(q);
        if (failures > 0) {
          failures -= 1;
          throw new DeferredError('spotify', 'Spotify is overloaded');
        }
        return { total: 0, offset: 0, limit: 10, hasNext: false, items: [] };
      },
    } as unknown as SpotifyClient;
    const tracks = Array.from({ length: 12 }, (_, i) => local(`Song ${i}`, 'Band', 100_000, { trackId: i }));
    const settled: Array<[number, boolean]> = [];
    const out = await matchAll(new SpotifyMatcher(client), tracks, {
      workers: 4,
      signal: new AbortController().signal,
      onSettled: (t, _m, retried) => settled.push([t.trackId!, retried]),
    });
    expect(peak).toBe(4);
    expect(settled.filter(([, retried]) => retried)).toHaveLength(3);
    expect([...out.values()].every((m) => m.state === 'notFound')).toBe(true);
  });

  it('holds the final retry until the time the service named, so it does not meet the held-off host again', async () => {
    let backAt = 0;
    const askedAt: number[] = [];
    const client = {
      async searchTracks() {
        askedAt.push(Date.now());
        if (backAt === 0) {
          backAt = Date.now() + 300;
          throw new DeferredError('spotify', 'Spotify said 429', backAt);
        }
        return { total: 0, offset: 0, limit: 10, hasNext: false, items: [] };
      },
    } as unknown as SpotifyClient;
    const out = await matchAll(new SpotifyMatcher(client), [local('Song', 'Band', 100_000)], { workers: 1, signal: new AbortController().signal });
    expect([...out.values()][0]?.state).toBe('notFound');
    expect(askedAt.length).toBeGreaterThanOrEqual(2);
    expect(askedAt[1]).toBeGreaterThanOrEqual(backAt);
  });

  it('sends no more searches once one fails for good (the sync fails with it)', async () => {
    let asked = 0;
    const client = {
      async searchTracks() {
        asked += 1;
        await new Promise((r) => setTimeout(r, 5));
        throw new Error('Spotify refused the request (403 Forbidden)');
      },
    } as unknown as SpotifyClient;
    const tracks = Array.from({ length: 30 }, (_, i) => local(`Song ${i}`, 'Band', 100_000, { trackId: i }));
    await expect(matchAll(new SpotifyMatcher(client), tracks, { workers: 3, signal: new AbortController().signal })).rejects.toThrow(/403/);
    await new Promise((r) => setTimeout(r, 100));
    // The three in flight when the first failed, at most: not the other 27.
    expect(asked).toBeLessThanOrEqual(3);
  });
});

