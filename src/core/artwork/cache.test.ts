import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArtworkCache, ArtworkImageError, artworkCacheDir, sameImage } from './cache';
import { drawPicture, type PictureSpec } from './testing';

let dir: string;
let cache: ArtworkCache;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-artwork-cache-'));
  cache = new ArtworkCache(path.join(dir, 'library.sqlite-artwork'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const cover: Omit<PictureSpec, 'width' | 'height'> = {
  background: [0x22, 0x55, 0x99],
  block: { colour: [0xee, 0xcc, 0x11], left: 0.2, top: 0.5, size: 0.3 },
};

function filesUnder(root: string): string[] {
  return fs.readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

describe('ArtworkCache', () => {
  it('puts the library beside its cache', () => {
    expect(artworkCacheDir('/music/library.sqlite')).toBe('/music/library.sqlite-artwork');
  });

  it('keeps the original and a thumbnail of at most 300 px, named by the content hash', async () => {
    const bytes = await drawPicture({ ...cover, width: 1200, height: 800, format: 'png' });
    const stored = await cache.put(bytes);
    expect(stored).toMatchObject({ hash: sha256(bytes), mime: 'image/png', width: 1200, height: 800, bytes: bytes.length });
    expect(stored.fingerprint).toMatch(/^[0-9a-f]{384}$/);

    const image = cache.imagePath(stored.hash);
    expect(image).toBe(path.join(cache.dir, 'images', `${stored.hash}.png`));
    expect(fs.readFileSync(image!).equals(bytes)).toBe(true);

    const thumb = cache.thumbPath(stored.hash);
    expect(thumb).toBe(path.join(cache.dir, 'thumbs', `${stored.hash}.jpg`));
    const meta = await sharp(fs.readFileSync(thumb!)).metadata();
    expect(meta.format).toBe('jpeg');
    expect(meta.width).toBe(300);
    expect(meta.height).toBe(200);
    expect(cache.get(stored.hash)).toEqual(stored);
    // No temp files left behind.
    expect(filesUnder(cache.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('does not enlarge a small picture for its thumbnail', async () => {
    const stored = await cache.put(await drawPicture({ ...cover, width: 120, height: 90 }));
    const meta = await sharp(fs.readFileSync(cache.thumbPath(stored.hash)!)).metadata();
    expect([meta.width, meta.height]).toEqual([120, 90]);
  });

  it('stores the same bytes once, whether put again later or twice at once', async () => {
    const bytes = await drawPicture({ ...cover, width: 600, height: 600 });
    const [a, b] = await Promise.all([cache.put(bytes), cache.put(bytes)]);
    expect(b).toEqual(a);
    const files = filesUnder(cache.dir).sort();
    expect(files).toHaveLength(3);
    const mtimes = files.map((f) => fs.statSync(f).mtimeMs);

    const again = await new ArtworkCache(cache.dir).put(Buffer.from(bytes));
    expect(again).toEqual(a);
    expect(filesUnder(cache.dir).sort()).toEqual(files);
    expect(files.map((f) => fs.statSync(f).mtimeMs)).toEqual(mtimes);
  });

  it('refuses what is not a usable picture, with a message that says why', async () => {
    const jpeg = await drawPicture({ ...cover, width: 800, height: 800 });
    const truncated = jpeg.subarray(0, Math.floor(jpeg.length / 2));
    await expect(cache.put(truncated)).rejects.toThrow(ArtworkImageError);
    await expect(cache.put(truncated)).rejects.toThrow(/damaged and cannot be decoded/);
    await expect(cache.put(Buffer.from('<html><body>Not found</body></html>'))).rejects.toThrow(/Not a readable image/);
    await expect(cache.put(Buffer.alloc(0))).rejects.toThrow(/empty/);
    await expect(cache.put(Buffer.alloc(41 * 1024 * 1024, 1))).rejects.toThrow(/41\.0 MB; Sleeve keeps images up to 40\.0 MB/);
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>');
    await expect(cache.put(svg)).rejects.toThrow(/this one is svg/);
    const wide = await sharp({ create: { width: 12_001, height: 4, channels: 3, background: '#000' } }).png().toBuffer();
    await expect(cache.put(wide)).rejects.toThrow(/12001 x 4 pixels; Sleeve keeps images up to 12000 pixels a side/);
    // Nothing of the refused images was kept.
    expect(fs.existsSync(cache.dir) ? filesUnder(cache.dir) : []).toEqual([]);
  });

  it('gives the same picture the same fingerprint at any size and encoding, and another picture another', async () => {
    const large = await cache.put(await drawPicture({ ...cover, width: 1200, height: 1200 }));
    const small = await cache.put(await drawPicture({ ...cover, width: 250, height: 250, format: 'png' }));
    const webp = await cache.put(await drawPicture({ ...cover, width: 500, height: 500, format: 'webp' }));
    expect(large.hash).not.toBe(small.hash);
    expect(sameImage(large.fingerprint, small.fingerprint)).toBe(true);
    expect(sameImage(large.fingerprint, webp.fingerprint)).toBe(true);

    const moved = await cache.put(await drawPicture({ ...cover, block: { ...cover.block!, left: 0.6 }, width: 1200, height: 1200 }));
    const recoloured = await cache.put(await drawPicture({ ...cover, background: [0x99, 0x22, 0x55], width: 1200, height: 1200 }));
    expect(sameImage(large.fingerprint, moved.fingerprint)).toBe(false);
    expect(sameImage(large.fingerprint, recoloured.fingerprint)).toBe(false);
    expect(sameImage(large.fingerprint, null)).toBe(false);
    expect(sameImage('zz', 'zz')).toBe(false);
  });

  it('finds files only under a well-formed hash that it holds', async () => {
    const stored = await cache.put(await drawPicture({ ...cover, width: 64, height: 64 }));
    expect(cache.thumbPath(stored.hash)).not.toBeNull();
    expect(cache.thumbPath(stored.hash.toUpperCase())).toBeNull();
    expect(cache.thumbPath(`../${stored.hash.slice(3)}`)).toBeNull();
    expect(cache.imagePath('0'.repeat(64))).toBeNull();
    expect(cache.get('0'.repeat(64))).toBeNull();
  });
});
