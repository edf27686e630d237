/**
 * Real image bytes for the fake image hosts (the Cover Art Archive's
 * archive.org nodes, TheAudioDB's and Discogs' CDNs). Each picture is keyed
 * (a release's image, an album, a source) and drawn from a hash of the key:
 * a background and a square in its own colours and place, so fingerprints
 * tell pictures apart, while the sizes of one key are the same picture.
 * Made with sharp on demand and memoised; if sharp fails, a solid PNG built
 * with zlib stands in.
 */
import zlib from 'node:zlib';
import sharp from 'sharp';
import { Prng } from './prng';

export type CoverSize = 'original' | 250 | 500 | 1200;

export interface CoverImageBytes {
  body: Buffer;
  contentType: 'image/jpeg' | 'image/png';
  width: number;
  height: number;
}

type Rgb = [number, number, number];

const COVER_PIXELS: Record<string, number> = { original: 1000, 250: 250, 500: 500, 1200: 1200 };
/** Enough for a test's albums at every size; a benchmark cycling through more only pays to redraw. */
const MEMO_LIMIT = 1024;
const memory = new Map<string, Promise<CoverImageBytes>>();

export interface FakePicture {
  background: Rgb;
  square: Rgb;
  /** The square's top-left corner and side, as fractions of the picture's side. */
  left: number;
  top: number;
  side: number;
}

/** The picture a key stands for, the same at every size. */
export function fakePicture(key: string): FakePicture {
  const rng = new Prng(`picture:${key}`);
  const colour = (): Rgb => [rng.int(0, 255), rng.int(0, 255), rng.int(0, 255)];
  const background = colour();
  let square = colour();
  // A square the colour of its background would leave a solid picture of one colour.
  while (square.reduce((d, c, i) => d + Math.abs(c - background[i]!), 0) < 150) square = colour();
  return { background, square, left: 0.1 + rng.next() * 0.4, top: 0.1 + rng.next() * 0.4, side: 0.4 };
}

let crcTable: Uint32Array | null = null;
function crc32(data: Buffer): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const byte of data) crc = crcTable[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** A solid-colour RGB PNG; valid enough for any decoder. */
export function solidPng(width: number, height: number, [r, g, b]: [number, number, number]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'ascii');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
    return Buffer.concat([head, data, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const row = Buffer.alloc(1 + width * 3);
  for (let x = 0; x < width; x++) row.set([r, g, b], 1 + x * 3);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

async function draw(key: string, px: number): Promise<CoverImageBytes> {
  const picture = fakePicture(key);
  const rgb = ([r, g, b]: Rgb) => ({ r, g, b });
  try {
    const side = Math.max(1, Math.round(px * picture.side));
    const body = await sharp({ create: { width: px, height: px, channels: 3, background: rgb(picture.background) } })
      .composite([
        {
          input: { create: { width: side, height: side, channels: 3, background: rgb(picture.square) } },
          left: Math.round(px * picture.left),
          top: Math.round(px * picture.top),
        },
      ])
      .jpeg({ quality: 85 })
      .toBuffer();
    return { body, contentType: 'image/jpeg', width: px, height: px };
  } catch {
    return { body: solidPng(px, px, picture.background), contentType: 'image/png', width: px, height: px };
  }
}

/** A square picture of px pixels for a key; memoised. */
export function fakeImageBytes(key: string, px: number): Promise<CoverImageBytes> {
  const memoKey = `${px}:${key}`;
  let pending = memory.get(memoKey);
  if (!pending) {
    if (memory.size >= MEMO_LIMIT) memory.delete(memory.keys().next().value!);
    pending = draw(key, px);
    memory.set(memoKey, pending);
  }
  return pending;
}

/** A Cover Art Archive image (key: release and image id) at one of its sizes. */
export function coverImageBytes(size: CoverSize, key = 'coverart'): Promise<CoverImageBytes> {
  return fakeImageBytes(`coverart:${key}`, COVER_PIXELS[String(size)]!);
}
