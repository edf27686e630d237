import { describe, expect, it } from 'vitest';
import { DeferredError, HttpStatusError, MalformedResponseError } from '../net/errors';
import { CoverArtClient, frontUrl } from './coverart';
import { createStubHttp, type StubAnswer, type StubRequest } from './stub-http';

const MBID = '76df3287-6cda-33eb-8e9a-044b5e15ffdd';

function client(handler: (r: StubRequest) => StubAnswer) {
  const http = createStubHttp('coverart', handler);
  return { http, caa: new CoverArtClient(http) };
}

describe('frontUrl', () => {
  it('builds front paths with optional thumbnail sizes', () => {
    expect(frontUrl('release', MBID)).toBe(`/release/${MBID}/front`);
    expect(frontUrl('release-group', MBID.toUpperCase(), 250)).toBe(`/release-group/${MBID}/front-250`);
    expect(frontUrl('release', MBID, 1200)).toBe(`/release/${MBID}/front-1200`);
  });

  it('keeps a hostile id inside its path segment', () => {
    expect(frontUrl('release', '../x?y')).toBe('/release/..%2Fx%3Fy/front');
  });
});

describe('CoverArtClient.releaseIndex', () => {
  it('parses images, accepting numeric ids and missing thumbnail sizes', async () => {
    const { http, caa } = client(() => ({
      headers: { 'content-type': 'application/json' },
      body: {
        images: [
          {
            id: 38212409834,
            front: true,
            back: false,
            types: ['Front'],
            approved: true,
            image: 'https://coverartarchive.org/release/x/38212409834.jpg',
            thumbnails: { '250': 'a-250.jpg', '500': 'a-500.jpg', '1200': 'a-1200.jpg', small: 'a-250.jpg', large: 'a-500.jpg' },
          },
          { id: '2', types: [], image: 'b.jpg', thumbnails: { small: 'b-small.jpg', large: 'b-large.jpg' } },
        ],
        release: `https://musicbrainz.org/release/${MBID}`,
      },
    }));
    const index = await caa.releaseIndex(MBID);
    expect(http.requests[0]!.pathname).toBe(`/release/${MBID}`);
    expect(index!.release).toBe(`https://musicbrainz.org/release/${MBID}`);
    expect(index!.images[0]).toMatchObject({ id: '38212409834', front: true, approved: true });
    expect(index!.images[0]!.thumbnails['1200']).toBe('a-1200.jpg');
    expect(index!.images[1]).toMatchObject({ id: '2', front: false, back: false, approved: false, comment: '' });
    expect(index!.images[1]!.thumbnails).toEqual({
      '250': 'b-small.jpg',
      '500': 'b-large.jpg',
      '1200': null,
      small: 'b-small.jpg',
      large: 'b-large.jpg',
    });
  });

  it('follows the redirect chain to archive.org', async () => {
    const { http, caa } = client((r) => {
      if (r.url.startsWith('https://coverartarchive.org/')) {
        return { status: 307, headers: { location: `https://archive.org/download/mbid-${MBID}/index.json` } };
      }
      if (r.url.startsWith('https://archive.org/')) {
        return { status: 302, headers: { location: `https://ia800000.us.archive.org/1/items/mbid-${MBID}/index.json` } };
      }
      return { body: { images: [], release: null } };
    });
    expect(await caa.releaseGroupIndex(MBID)).toEqual({ images: [], release: null });
    expect(http.requests).toHaveLength(3);
    expect(http.requests[0]!.pathname).toBe(`/release-group/${MBID}`);
  });

  it('answers null on the HTML 404', async () => {
    const { caa } = client(() => ({ status: 404, headers: { 'content-type': 'text/html' }, body: '<title>404</title><p>No cover art found</p>' }));
    expect(await caa.releaseIndex(MBID)).toBeNull();
  });

  it('turns the HTML 400 into an HttpStatusError with the page text', async () => {
    const { caa } = client(() => ({
      status: 400,
      headers: { 'content-type': 'text/html' },
      body: '<!DOCTYPE HTML><title>400 Bad Request</title>\n<h1>Bad Request</h1>\n<p>invalid MBID specified</p>',
    }));
    const error = await caa.releaseIndex('xyz').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpStatusError);
    expect((error as HttpStatusError).status).toBe(400);
    expect((error as HttpStatusError).message).toMatch(/refused the cover art of release xyz with 400: invalid MBID specified/);
  });

  it('reports a non-JSON 200 as malformed and passes DeferredError through', async () => {
    const { caa } = client(() => ({ body: '<html>maintenance</html>' }));
    await expect(caa.releaseIndex(MBID)).rejects.toBeInstanceOf(MalformedResponseError);
    const deferred = new DeferredError('coverart', 'timeout');
    const { caa: caa2 } = client(() => {
      throw deferred;
    });
    await expect(caa2.releaseIndex(MBID)).rejects.toBe(deferred);
  });
});

describe('CoverArtClient.fetchImage and frontLocation', () => {
  it('downloads an image uncached and reports the final URL and type', async () => {
    const bytes = Buffer.from([0xff, 0xd8, 0xff, 0xe0]);
    const { http, caa } = client((r) =>
      r.url.includes('coverartarchive.org')
        ? { status: 307, headers: { location: 'https://archive.org/download/x/y.jpg' } }
        : { headers: { 'content-type': 'image/jpeg; charset=binary' }, body: bytes },
    );
    const image = await caa.fetchImage(frontUrl('release', MBID, 500));
    expect(image).toEqual({ bytes, contentType: 'image/jpeg', url: 'https://archive.org/download/x/y.jpg' });
    expect(http.requests.every((r) => r.cache === false)).toBe(true);
  });

  it('accepts absolute URLs', async () => {
    const { http, caa } = client(() => ({ headers: { 'content-type': 'image/png' }, body: Buffer.from('png') }));
    await caa.fetchImage('https://i.scdn.co/image/abc');
    expect(http.requests[0]!.url).toBe('https://i.scdn.co/image/abc');
  });

  it('answers null on 404 and refuses HTML or empty bodies', async () => {
    expect(await client(() => ({ status: 404 })).caa.fetchImage('/release/x/front')).toBeNull();
    await expect(
      client(() => ({ headers: { 'content-type': 'text/html' }, body: '<html></html>' })).caa.fetchImage('/x'),
    ).rejects.toBeInstanceOf(MalformedResponseError);
    await expect(client(() => ({ headers: { 'content-type': 'image/jpeg' } })).caa.fetchImage('/x')).rejects.toThrow(/empty body/);
    await expect(client(() => ({ status: 403, body: 'no' })).caa.fetchImage('/x')).rejects.toBeInstanceOf(HttpStatusError);
  });

  it('finds the front image location with a HEAD request', async () => {
    const { http, caa } = client((r) =>
      r.url.includes('coverartarchive.org')
        ? { status: 307, headers: { location: 'https://archive.org/download/mbid-x/mbid-x-1.jpg' } }
        : { headers: { 'content-type': 'image/jpeg' } },
    );
    expect(await caa.frontLocation('release', MBID)).toBe('https://archive.org/download/mbid-x/mbid-x-1.jpg');
    expect(http.requests[0]!.method).toBe('HEAD');
    expect(await client(() => ({ status: 404 })).caa.frontLocation('release-group', MBID, 250)).toBeNull();
  });
});
