import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArtworkCache, type StoredImage } from './cache';
import { resolveArtworkRequest } from './serve';
import { drawPicture } from './testing';

let dir: string;
let cache: ArtworkCache;
let png: StoredImage;
let outside: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-artwork-serve-'));
  cache = new ArtworkCache(path.join(dir, 'library.sqlite-artwork'));
  png = await cache.put(await drawPicture({ width: 400, height: 400, background: [10, 200, 30], format: 'png' }));
  outside = path.join(dir, 'secret.jpg');
  fs.writeFileSync(outside, 'not for the renderer');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('resolveArtworkRequest', () => {
  it('serves a thumbnail and an original by hash, with their types', () => {
    expect(resolveArtworkRequest(cache.dir, `thumb/${png.hash}`)).toEqual({ file: fs.realpathSync(cache.thumbPath(png.hash)!), contentType: 'image/jpeg' });
    expect(resolveArtworkRequest(cache.dir, `/thumb/${png.hash}`)).toEqual({ file: fs.realpathSync(cache.thumbPath(png.hash)!), contentType: 'image/jpeg' });
    expect(resolveArtworkRequest(cache.dir, `image/${png.hash}`)).toEqual({ file: fs.realpathSync(cache.imagePath(png.hash)!), contentType: 'image/png' });
  });

  it('refuses anything but a well-formed hash the cache holds', () => {
    const h = png.hash;
    const hostile = [
      '',
      '/',
      'thumb/',
      `meta/${h}`,
      `thumbs/${h}.jpg`,
      `thumb/${h}.jpg`,
      `thumb/${h}/`,
      `thumb/${h}?x=1`,
      `thumb/${h.toUpperCase()}`,
      `thumb/${h.slice(1)}`,
      `thumb/${'0'.repeat(64)}`,
      `thumb/../thumbs/${h}.jpg`,
      `../thumb/${h}`,
      `thumb/..%2f..%2f${h}`,
      `%2e%2e/thumb/${h}`,
      `thumb%2F${h}`,
      `thumb%2f${h}`,
      `thumb\\${h}`,
      `thumb/${h}%00`,
      `//thumb/${h}`,
      '/etc/passwd',
      outside,
      `${cache.dir}/thumbs/${h}.jpg`,
      'image/../../secret.jpg',
    ];
    for (const pathname of hostile) expect(resolveArtworkRequest(cache.dir, pathname), pathname).toBeNull();
  });

  it('does not follow a link planted in the cache out of it', () => {
    const planted = 'a'.repeat(64);
    fs.symlinkSync(outside, path.join(cache.dir, 'thumbs', `${planted}.jpg`));
    fs.symlinkSync(outside, path.join(cache.dir, 'images', `${planted}.jpg`));
    expect(resolveArtworkRequest(cache.dir, `thumb/${planted}`)).toBeNull();
    expect(resolveArtworkRequest(cache.dir, `image/${planted}`)).toBeNull();
  });
});
