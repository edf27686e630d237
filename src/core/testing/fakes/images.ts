/**
 * Real image bytes for the fake Cover Art Archive: one solid-colour JPEG per
 * size, made once by ffmpeg into a temp cache shared by test processes. If
 * ffmpeg is missing, a valid PNG is built with zlib so the fakes still work.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';

export type CoverSize = 'original' | 250 | 500 | 1200;

export interface CoverImageBytes {
  body: Buffer;
  contentType: 'image/jpeg' | 'image/png';
  width: number;
  height: number;
}

const PIXELS: Record<string, number> = { original: 1000, 250: 250, 500: 500, 1200: 1200 };
const COLOURS: Record<string, [number, number, number]> = { original: [0x33, 0x66, 0xaa], 250: [0xaa, 0x33, 0x66], 500: [0x66, 0xaa, 0x33], 1200: [0x99, 0x77, 0x22] };
const CACHE_DIR = path.join(os.tmpdir(), 'sleeve-fake-coverart-v1');
const memory = new Map<string, Promise<CoverImageBytes>>();

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

function runFfmpeg(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => execFile('ffmpeg', args, { timeout: 30_000 }, (error) => (error ? reject(error) : resolve())));
}

async function make(size: CoverSize): Promise<CoverImageBytes> {
  const px = PIXELS[String(size)]!;
  const colour = COLOURS[String(size)]!;
  const file = path.join(CACHE_DIR, `${size}.jpg`);
  try {
    return { body: await fs.promises.readFile(file), contentType: 'image/jpeg', width: px, height: px };
  } catch {
    // Not cached yet: make it below.
  }
  try {
    await fs.promises.mkdir(CACHE_DIR, { recursive: true });
    // Several test processes may race here; each writes its own file and renames atomically.
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp.jpg`;
    const hex = colour.map((c) => c.toString(16).padStart(2, '0')).join('');
    await runFfmpeg(['-v', 'error', '-y', '-f', 'lavfi', '-i', `color=c=0x${hex}:s=${px}x${px}`, '-frames:v', '1', '-q:v', '4', tmp]);
    await fs.promises.rename(tmp, file);
    return { body: await fs.promises.readFile(file), contentType: 'image/jpeg', width: px, height: px };
  } catch {
    return { body: solidPng(px, px, colour), contentType: 'image/png', width: px, height: px };
  }
}

export function coverImageBytes(size: CoverSize): Promise<CoverImageBytes> {
  const key = String(size);
  let pending = memory.get(key);
  if (!pending) {
    pending = make(size);
    memory.set(key, pending);
  }
  return pending;
}
