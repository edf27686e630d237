import { describe, expect, it } from 'vitest';
import { DeferredError, HttpStatusError, MalformedResponseError } from '../net/errors';
import { DiscogsClient, parseDiscogsDuration, parseRateLimit } from './discogs';
import { createStubHttp, type StubAnswer, type StubRequest } from './stub-http';

function client(handler: (r: StubRequest) => StubAnswer, token: string | null = 'TOKEN') {
  const http = createStubHttp('discogs', handler);
  return { http, discogs: new DiscogsClient(http, token) };
}

const rateHeaders = { 'X-Discogs-Ratelimit': '60', 'X-Discogs-Ratelimit-Used': '3', 'X-Discogs-Ratelimit-Remaining': '57' };

describe('parseDiscogsDuration', () => {
  it('reads m:ss and h:mm:ss', () => {
    expect(parseDiscogsDuration('5:48')).toBe(348);
    expect(parseDiscogsDuration('1:02:03')).toBe(3723);
    expect(parseDiscogsDuration('65:00')).toBe(3900);
  });

  it('is null for empty or odd values', () => {
    expect(parseDiscogsDuration('')).toBeNull();
    expect(parseDiscogsDuration(null)).toBeNull();
    expect(parseDiscogsDuration('5')).toBeNull();
    expect(parseDiscogsDuration('5:4x')).toBeNull();
    expect(parseDiscogsDuration('0:00')).toBeNull();
  });
});

describe('parseRateLimit', () => {
  it('reads the three headers and is null without them', () => {
    expect(parseRateLimit({ 'x-discogs-ratelimit': '60', 'x-discogs-ratelimit-remaining': '59' }, 5)).toEqual({
      limit: 60,
      used: null,
      remaining: 59,
      seenAt: 5,
    });
    expect(parseRateLimit({})).toBeNull();
  });
});

describe('DiscogsClient.search', () => {
  it('refuses to search without a token, sending nothing', async () => {
    for (const token of [null, '', '  ']) {
      const { http, discogs } = client(() => ({ status: 500 }), token);
      const error = await discogs.search({ q: 'x' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HttpStatusError);
      expect((error as HttpStatusError).message).toMatch(/add a Discogs personal access token in Settings/i);
      expect(http.requests).toHaveLength(0);
    }
  });

  it('sends the token header and maps the parameters and results', async () => {
    const { http, discogs } = client(() => ({
      headers: rateHeaders,
      body: {
        pagination: { page: 1, pages: 1, per_page: 5, items: 2, urls: {} },
        results: [
          { id: 96559, type: 'master', title: 'Rick Astley - Never Gonna Give You Up', year: '1987', master_id: 96559, cover_image: 'c.jpg', thumb: '' },
          { id: 1503102, type: 'release', title: 'Rick Astley - Never Gonna Give You Up', master_id: 0, format: ['Vinyl', '12"'], barcode: [] },
        ],
      },
    }));
    const page = await discogs.search({ type: 'master', artist: 'Rick Astley', releaseTitle: 'Never Gonna Give You Up', track: ' ', perPage: 500 });
    expect(http.requests[0]!.pathname).toBe('/database/search');
    expect(http.requests[0]!.headers).toEqual({ Authorization: 'Discogs token=TOKEN' });
    expect(http.requests[0]!.query).toEqual({
      type: 'master',
      artist: 'Rick Astley',
      release_title: 'Never Gonna Give You Up',
      per_page: '100',
    });
    expect(page).toMatchObject({ page: 1, pages: 1, perPage: 5, items: 2 });
    expect(page.results[0]).toMatchObject({ id: 96559, year: 1987, masterId: 96559, coverImage: 'c.jpg', thumb: null });
    expect(page.results[1]).toMatchObject({ year: null, masterId: null, formats: ['Vinyl', '12"'] });
    expect(discogs.lastRateLimit).toMatchObject({ limit: 60, used: 3, remaining: 57 });
  });

  it('explains a rejected token', async () => {
    const { discogs } = client(() => ({ status: 401, body: { message: 'You must authenticate to access this resource.' } }));
    await expect(discogs.search({ q: 'x' })).rejects.toThrow(/401: You must authenticate.*Check the Discogs token in Settings/);
  });
});

describe('DiscogsClient.release and master', () => {
  it('parses a release, with 0 years as unknown and durations in seconds', async () => {
    const { http, discogs } = client(() => ({
      body: {
        id: 1,
        title: 'T',
        year: 0,
        artists: [{ id: 2, name: 'A (2)', anv: '', join: ',' }],
        tracklist: [
          { position: '', type_: 'heading', title: 'Side A', duration: '' },
          { position: 'A1', type_: 'track', title: 'S', duration: '3:32' },
        ],
      },
    }));
    const release = await discogs.release(1);
    expect(http.requests[0]!.pathname).toBe('/releases/1');
    expect(release).toMatchObject({ id: 1, year: null, masterId: null, images: [], genres: [] });
    expect(release!.artists).toEqual([{ id: 2, name: 'A (2)', anv: null, join: ',' }]);
    expect(release!.tracklist).toEqual([
      { position: '', type: 'heading', title: 'Side A', duration: null, durationSeconds: null },
      { position: 'A1', type: 'track', title: 'S', duration: '3:32', durationSeconds: 212 },
    ]);
  });

  it('parses a master', async () => {
    const { http, discogs } = client(() => ({
      headers: rateHeaders,
      body: {
        id: 96559,
        title: 'Never Gonna Give You Up',
        year: 1987,
        main_release: 249504,
        artists: [{ id: 72872, name: 'Rick Astley' }],
        images: [{ type: 'primary', uri: 'u.jpg', uri150: 'u150.jpg', width: 600, height: 600 }],
        tracklist: [{ position: 'A', title: 'Never Gonna Give You Up', duration: '3:32' }],
      },
    }));
    const master = await discogs.master(96559);
    expect(http.requests[0]!.pathname).toBe('/masters/96559');
    expect(master).toMatchObject({ id: 96559, year: 1987, mainRelease: 249504 });
    expect(master!.images[0]).toEqual({ type: 'primary', uri: 'u.jpg', uri150: 'u150.jpg', width: 600, height: 600 });
    expect(master!.tracklist[0]!.type).toBe('track');
    expect(discogs.lastRateLimit!.remaining).toBe(57);
  });

  it('works without a token for entities, sending no Authorization', async () => {
    const { http, discogs } = client(() => ({ status: 404, body: { message: 'Release not found.' } }), null);
    expect(await discogs.release(42)).toBeNull();
    expect(http.requests[0]!.headers).toEqual({});
    expect(discogs.lastRateLimit).toBeNull();
  });

  it('keeps the last rate limit seen when an answer has none', async () => {
    let n = 0;
    const { discogs } = client(() => (n++ === 0 ? { headers: rateHeaders, status: 404 } : { status: 404 }));
    await discogs.master(1);
    await discogs.master(2);
    expect(discogs.lastRateLimit!.used).toBe(3);
  });

  it('reports statuses, bodies and deferrals', async () => {
    await expect(client(() => ({ status: 500, body: { message: 'oops' } })).discogs.release(1)).rejects.toThrow(/with 500: oops/);
    await expect(client(() => ({ body: { id: 'x' } })).discogs.release(1)).rejects.toBeInstanceOf(MalformedResponseError);
    const deferred = new DeferredError('discogs', 'rate limited', Date.now() + 60_000);
    await expect(
      client(() => {
        throw deferred;
      }).discogs.master(1),
    ).rejects.toBe(deferred);
  });
});
