import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import zlib from 'node:zlib';
import { startCoverArt } from './coverart';
import { solidPng } from './images';
import { diffShapes, readFixture, readFixtureText, shapeOf } from './keypaths';
import type { FakeServer } from './server';
import { richCatalog, type RichCatalog } from './test-catalog';

let rich: RichCatalog;
let caa: FakeServer;

beforeAll(async () => {
  rich = richCatalog();
  caa = await startCoverArt(rich.catalog);
});
afterAll(() => caa.close());

const manual = (url: string, method = 'GET') => fetch(url, { redirect: 'manual', method });

describe('fake Cover Art Archive', () => {
  it('redirects a release 307 to archive.org, which redirects 302 to the index JSON', async () => {
    const release = rich.album.releases[0]!;
    const first = await manual(`${caa.url}/release/${release.id}`);
    expect(first.status).toBe(307);
    const archive = first.headers.get('location')!;
    expect(archive).toBe(`${caa.url}/download/mbid-${release.id}/index.json`);
    expect(first.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await first.text()).toBe(`See: ${archive}\n`);

    const second = await manual(archive);
    expect(second.status).toBe(302);
    const node = second.headers.get('location')!;
    expect(node).toMatch(new RegExp(`/ia\\d+/\\d+/items/mbid-${release.id}/index\\.json$`));

    const index = await manual(node);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('application/json');
    const body = (await index.json()) as { images: Array<{ front: boolean; image: string }>; release: string };
    const diff = diffShapes(shapeOf(body), shapeOf(readFixture('coverartarchive/release-index.json')));
    expect(diff.missing).toEqual([]);
    // The live service has numbered thumbnails next to the captured small/large.
    expect(diff.extra).toEqual(['.images[].thumbnails.1200', '.images[].thumbnails.250', '.images[].thumbnails.500']);
    expect(diff.types).toEqual([]);
    expect(body.release).toBe(`https://musicbrainz.org/release/${release.id}`);
    expect(body.images.length).toBe(release.coverArt.length);
    expect(body.images.filter((i) => i.front)).toHaveLength(1);

    const followed = await fetch(`${caa.url}/release/${release.id}`);
    expect(followed.status).toBe(200);
    expect(((await followed.json()) as { images: unknown[] }).images.length).toBe(release.coverArt.length);
  });

  it('redirects a release group to the index of its earliest release with art', async () => {
    const response = await manual(`${caa.url}/release-group/${rich.album.releaseGroup.id}`);
    expect(response.status).toBe(307);
    expect(response.headers.get('location')).toContain(`mbid-${rich.album.releases[0]!.id}/index.json`);
    const followed = await fetch(`${caa.url}/release-group/${rich.album.releaseGroup.id}`);
    expect(((await followed.json()) as { release: string }).release).toBe(`https://musicbrainz.org/release/${rich.album.releases[0]!.id}`);
  });

  it('serves real JPEG bytes for front, front-250, front-500 and front-1200 through the same chain', async () => {
    const release = rich.album.releases[0]!;
    const front = release.coverArt.find((i) => i.front)!;
    const lengths: number[] = [];
    for (const suffix of ['', '-250', '-500', '-1200']) {
      const first = await manual(`${caa.url}/release/${release.id}/front${suffix}`);
      expect(first.status).toBe(307);
      const size = suffix ? `_thumb${suffix.slice(1)}` : '';
      expect(first.headers.get('location')).toBe(`${caa.url}/download/mbid-${release.id}/mbid-${release.id}-${front.id}${size}.jpg`);
      const image = await fetch(`${caa.url}/release/${release.id}/front${suffix}`);
      expect(image.status).toBe(200);
      const bytes = Buffer.from(await image.arrayBuffer());
      if (image.headers.get('content-type') === 'image/jpeg') expect([...bytes.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
      else expect(bytes.subarray(1, 4).toString()).toBe('PNG');
      lengths.push(bytes.length);
    }
    expect(new Set(lengths).size).toBe(4);
    const head = await manual(`${caa.url}/release/${release.id}/front-500`, 'HEAD');
    expect(head.status).toBe(307);
    expect(await head.text()).toBe('');
    const byId = await fetch(`${caa.url}/release/${release.id}/${front.id}-250.jpg`);
    expect(byId.status).toBe(200);
  });

  it('answers a release without art with the captured 404 page', async () => {
    const release = rich.noArt.releases[0]!;
    const response = await manual(`${caa.url}/release/${release.id}`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('text/html');
    const captured = readFixtureText('coverartarchive/release-404-no-art.html').replace('e95361ed-0bf7-4824-8b11-6978f05de1f3', release.id);
    expect(await response.text()).toBe(captured);
    expect((await manual(`${caa.url}/release/${release.id}/front`)).status).toBe(404);
    expect((await manual(`${caa.url}/release/00000000-0000-4000-8000-000000000000`)).status).toBe(404);
    expect((await manual(`${caa.url}/release-group/${rich.noArt.releaseGroup.id}`)).status).toBe(404);
  });

  it('answers an invalid MBID with the captured 400 page', async () => {
    const response = await manual(`${caa.url}/release/xyz`);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('text/html');
    expect(await response.text()).toBe(readFixtureText('coverartarchive/release-400-invalid-mbid.html'));
  });

  it('has a valid PNG to fall back on when ffmpeg is missing', () => {
    const png = solidPng(2, 3, [1, 2, 3]);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.readUInt32BE(16)).toBe(2);
    expect(png.readUInt32BE(20)).toBe(3);
    const idatLength = png.readUInt32BE(33);
    const pixels = zlib.inflateSync(png.subarray(41, 41 + idatLength));
    expect([...pixels]).toEqual([0, 1, 2, 3, 1, 2, 3, 0, 1, 2, 3, 1, 2, 3, 0, 1, 2, 3, 1, 2, 3]);
  });
});
