import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArtworkCache, sameImage, type StoredImage } from '../../artwork/cache';
import { startCoverArt } from './coverart';
import { discogsRateLimit, startDiscogs } from './discogs';
import { fakePicture } from './images';
import type { FakeServer } from './server';
import { richCatalog, type RichCatalog } from './test-catalog';
import { startTheAudioDb, theAudioDbRateLimit } from './theaudiodb';

/*
 * The fakes' image hosts: every picture a real JPEG on the fake itself, one
 * picture per release or album (told apart by fingerprint), the sizes of one
 * picture the same picture, and none of it counted against an API's limit.
 */

let rich: RichCatalog;
let caa: FakeServer;
let adb: FakeServer;
let discogs: FakeServer;
let dir: string;
let cache: ArtworkCache;
const AUTH = { Authorization: 'Discogs token=fake-token' };

beforeAll(async () => {
  rich = richCatalog();
  // Strict limits that answer 429: an image counted against them would fail.
  caa = await startCoverArt(rich.catalog);
  adb = await startTheAudioDb(rich.catalog, { switches: { rateLimit: { ...theAudioDbRateLimit(true), limit: 2 } } });
  discogs = await startDiscogs(rich.catalog, { switches: { rateLimit: { ...discogsRateLimit(true), bucket: () => ({ key: 'all', limit: 2 }) } } });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-fake-images-'));
  cache = new ArtworkCache(dir);
});
afterAll(async () => {
  await Promise.all([caa?.close(), adb?.close(), discogs?.close()]);
  fs.rmSync(dir, { recursive: true, force: true });
});

async function image(url: string, headers: Record<string, string> = {}): Promise<StoredImage & { type: string | null }> {
  const response = await fetch(url, { headers });
  expect(response.status, url).toBe(200);
  const stored = await cache.put(Buffer.from(await response.arrayBuffer()));
  return { ...stored, type: response.headers.get('content-type') };
}

describe('fake image hosts', () => {
  it('draws a picture per key, not one flat colour', () => {
    const a = fakePicture('coverart:x/1');
    expect(fakePicture('coverart:x/1')).toEqual(a);
    expect(fakePicture('coverart:y/1')).not.toEqual(a);
    expect(a.square).not.toEqual(a.background);
  });

  it('serves each Cover Art Archive release its own picture, the same at every size', async () => {
    const [original, reissue] = rich.album.releases;
    const sizes = await Promise.all(['', '-250', '-500', '-1200'].map((s) => image(`${caa.url}/release/${original!.id}/front${s}`)));
    expect(sizes.map((s) => s.width)).toEqual([1000, 250, 500, 1200]);
    for (const s of sizes.slice(1)) expect(sameImage(sizes[0]!.fingerprint, s.fingerprint)).toBe(true);
    const other = await image(`${caa.url}/release/${reissue!.id}/front`);
    expect(sameImage(sizes[0]!.fingerprint, other.fingerprint)).toBe(false);
    // The release group's picture is its chosen release's.
    const group = await image(`${caa.url}/release-group/${rich.album.releaseGroup.id}/front`);
    expect(group.hash).toBe(sizes[0]!.hash);
  });

  it('points TheAudioDB thumbnails at the fake and serves them, apart from the API limit', async () => {
    const withThumb = [...rich.catalog.audiodb.albums.values()].filter((a) => a.thumb).slice(0, 2);
    expect(withThumb).toHaveLength(2);
    const urls: string[] = [];
    for (const album of withThumb) {
      const response = await fetch(`${adb.url}/api/v1/json/2/album.php?m=${album.idAlbum}`);
      const thumb = ((await response.json()) as { album: Array<{ strAlbumThumb: string }> }).album[0]!.strAlbumThumb;
      expect(thumb).toMatch(new RegExp(`^${adb.url}/images/media/album/thumb/[a-z0-9]+\\.jpg$`));
      urls.push(thumb);
    }
    const pictures = [];
    for (let i = 0; i < 3; i++) for (const url of urls) pictures.push(await image(url));
    expect(pictures[0]).toMatchObject({ width: 700, type: 'image/jpeg' });
    expect(sameImage(pictures[0]!.fingerprint, pictures[1]!.fingerprint)).toBe(false);
    expect(pictures[2]!.hash).toBe(pictures[0]!.hash);
    expect(adb.stats.rateLimited).toBe(0);
    expect((await fetch(`${adb.url}/images/media/album/thumb/nosuchthumb.jpg`)).status).toBe(404);
    const artist = [...rich.catalog.audiodb.artists.values()][0]!;
    expect((await image(`${adb.url}/images/media/artist/thumb/${artist.idArtist}.jpg`)).width).toBe(400);
  });

  it('points Discogs images at the fake and serves them, apart from the API limit', async () => {
    const [first, second] = rich.album.discogsReleases;
    const release = (await (await fetch(`${discogs.url}/releases/${first!.id}`, { headers: AUTH })).json()) as {
      images: Array<{ uri: string; uri150: string }>;
      thumb: string;
      artists: Array<{ thumbnail_url: string }>;
    };
    expect(release.images[0]!.uri).toBe(`${discogs.url}/images/discogs/R-${first!.id}-primary.jpeg`);
    expect(release.thumb).toBe(`${discogs.url}/images/discogs/R-${first!.id}-150.jpeg`);
    expect(release.artists[0]!.thumbnail_url).toMatch(new RegExp(`^${discogs.url}/images/discogs/A-\\d+\\.jpeg$`));
    const search = (await (await fetch(`${discogs.url}/database/search?type=release&release_title=${encodeURIComponent('Café Noir')}`, { headers: AUTH })).json()) as {
      results: Array<{ id: number; cover_image: string }>;
    };
    const hit = search.results.find((r) => r.id === second!.id)!;
    expect(hit.cover_image).toBe(`${discogs.url}/images/discogs/R-${second!.id}-primary.jpeg`);

    const primary = await image(release.images[0]!.uri);
    const small = await image(release.images[0]!.uri150);
    const other = await image(hit.cover_image);
    await image(hit.cover_image);
    await image(release.artists[0]!.thumbnail_url);
    expect([primary.width, small.width]).toEqual([600, 150]);
    expect(sameImage(primary.fingerprint, small.fingerprint)).toBe(true);
    expect(sameImage(primary.fingerprint, other.fingerprint)).toBe(false);
    expect(discogs.stats.rateLimited).toBe(0);
    expect(discogs.stats.byRoute['GET /images/discogs/:file']).toBe(5);
    expect((await fetch(`${discogs.url}/images/discogs/R-999999999-primary.jpeg`)).status).toBe(404);
    expect((await fetch(`${discogs.url}/images/discogs/R-${first!.id}.jpeg`)).status).toBe(404);
  });

  it('gives the same album a different picture at each source', async () => {
    const adbAlbum = rich.album.audiodbAlbum!;
    const thumbName = adbAlbum.thumb?.split('/').pop();
    const pictures = [await image(`${caa.url}/release/${rich.album.releases[0]!.id}/front`), await image(`${discogs.url}/images/discogs/R-${rich.album.discogsReleases[0]!.id}-primary.jpeg`)];
    if (thumbName) pictures.push(await image(`${adb.url}/images/media/album/thumb/${thumbName}`));
    for (let i = 0; i < pictures.length; i++) for (let j = i + 1; j < pictures.length; j++) expect(sameImage(pictures[i]!.fingerprint, pictures[j]!.fingerprint)).toBe(false);
  });
});
