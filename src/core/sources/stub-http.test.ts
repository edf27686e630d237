import { describe, expect, it } from 'vitest';
import { createStubHttp } from './stub-http';

describe('createStubHttp', () => {
  it('builds URLs from the base, leaves out undefined query values and records requests', async () => {
    const http = createStubHttp('musicbrainz', () => ({ body: { ok: true } }));
    const response = await http.request({ path: '/ws/2/recording', query: { query: 'a b', limit: 5, offset: undefined } });
    expect(http.source).toBe('musicbrainz');
    expect(http.requests).toEqual([
      {
        method: 'GET',
        url: 'https://musicbrainz.org/ws/2/recording?query=a+b&limit=5',
        pathname: '/ws/2/recording',
        query: { query: 'a b', limit: '5' },
        headers: {},
        body: undefined,
        cache: true,
        account: undefined,
      },
    ]);
    expect(response).toMatchObject({ status: 200, url: 'https://musicbrainz.org/ws/2/recording?query=a+b&limit=5', fromCache: false });
    expect(JSON.parse(response.body.toString())).toEqual({ ok: true });
  });

  it('defaults cache to false for writes and lower-cases answer headers', async () => {
    const http = createStubHttp('spotify', () => ({ status: 201, headers: { 'Content-Type': 'application/json', 'X-Gone': undefined }, body: '{}' }));
    const response = await http.request({ method: 'POST', path: 'https://api.spotify.com/v1/me/playlists', body: '{}' });
    expect(http.requests[0]!.cache).toBe(false);
    expect(response.headers).toEqual({ 'content-type': 'application/json' });
  });

  it('follows redirects like the HTTP layer unless told not to', async () => {
    const handler = (r: { pathname: string }) =>
      r.pathname === '/old' ? { status: 301, headers: { Location: '/new' } } : { body: 'here' };
    const following = createStubHttp('coverart', handler);
    const followed = await following.request({ path: '/old' });
    expect(followed.url).toBe('https://coverartarchive.org/new');
    expect(following.requests.map((r) => r.pathname)).toEqual(['/old', '/new']);

    const stopping = createStubHttp('coverart', handler, { followRedirects: false });
    expect((await stopping.request({ path: '/old' })).status).toBe(301);
  });

  it('honours an aborted signal', async () => {
    const http = createStubHttp('discogs', () => ({ body: '' }));
    const controller = new AbortController();
    controller.abort();
    await expect(http.request({ path: '/x' }, controller.signal)).rejects.toThrow();
    expect(http.requests).toHaveLength(0);
  });
});
