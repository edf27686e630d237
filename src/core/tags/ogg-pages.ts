/**
 * Ogg page structure, checked and put right after taglib saves a file.
 * node-taglib-sharp 6.0.3 gets two things wrong when it rewrites the comment
 * header:
 *
 * - It never renumbers the pages after a comment header that grew or shrank
 *   by a page (an inverted check in OggPage.overwriteSequenceNumbers), so its
 *   output counts 0,1,2,3,4,2,3... The audio and every page checksum are
 *   intact and ffmpeg plays it, but libogg-based players report a hole in
 *   the stream and may drop audio there.
 * - When the comment packet's length is a multiple of 255 (one tag size in
 *   255), it leaves out the zero lacing value that must end such a packet, so
 *   the header runs on into the first audio page: the audio check refuses the
 *   copy, and the file could never be tagged.
 *
 * Only page headers are parsed, from 1 MiB reads in file order: files can be
 * several GB, and the page bodies never need to be looked at, except the one
 * page a missing zero is added to.
 */
import fs from 'node:fs';
import { formatFromExtension } from '../scan/formats';
import { tempNameFor } from './atomic';

const CHUNK = 1024 * 1024;
const PAGE_HEADER = 27;
const SEQUENCE_OFFSET = 18;
const CRC_OFFSET = 22;
const CONTINUED = 0x01;
const FIRST_PAGE = 0x02;
const MAX_SEGMENTS = 255;

interface PageHeader {
  position: number;
  length: number;
  flags: number;
  serial: number;
  sequence: number;
  crc: number;
  segments: number;
  /** The last lacing value is 255: the page's last packet goes on past it. */
  endsInPacket: boolean;
}

/** Page sequence numbers out of order in an Ogg file: how many pages break each stream's count (0 = fine). Streams pages, never loads the file whole. */
export async function oggSequenceGaps(file: string, signal?: AbortSignal): Promise<number> {
  signal?.throwIfAborted();
  const handle = await fs.promises.open(file, 'r');
  try {
    return (await countGaps(handle, signal)).gaps;
  } finally {
    await handle.close();
  }
}

/**
 * Renumbers every page of each logical stream (by serial number) so each
 * stream counts up by one from its first page's number, rewriting the 4-byte
 * sequence field and the page CRC in place (positioned writes), only for
 * pages that need it. Returns pages seen and pages rewritten. Throws a plain
 * Error with a clear message if the file is not a well-formed Ogg (bad
 * capture pattern, truncated page).
 */
export async function repairOggSequence(file: string, signal?: AbortSignal): Promise<{ pages: number; renumbered: number }> {
  signal?.throwIfAborted();
  const handle = await fs.promises.open(file, 'r+');
  try {
    // The whole file is checked before a byte is written, so a malformed file
    // is refused untouched rather than left half renumbered.
    const { pages, gaps } = await countGaps(handle, signal);
    if (gaps === 0) return { pages, renumbered: 0 };

    const next = new Map<number, number>();
    let renumbered = 0;
    await scanPages(handle, signal, async (batch) => {
      const writes: Promise<unknown>[] = [];
      for (const page of batch) {
        const expected = next.get(page.serial);
        const wanted = expected === undefined || page.flags & FIRST_PAGE ? page.sequence : expected;
        next.set(page.serial, (wanted + 1) >>> 0);
        if (wanted === page.sequence) continue;
        const field = Buffer.allocUnsafe(8);
        field.writeUInt32LE(wanted, 0);
        field.writeUInt32LE(updatedCrc(page, wanted), 4);
        writes.push(handle.write(field, 0, 8, page.position + SEQUENCE_OFFSET));
        renumbered += 1;
      }
      // Settled, not all: a failed write must not leave others running once the handle closes.
      const results = await Promise.allSettled(writes);
      const failed = results.find((result) => result.status === 'rejected');
      if (failed) throw failed.reason;
    });
    return { pages, renumbered };
  } finally {
    await handle.close();
  }
}

/** A break is what libogg reports as a hole: a page whose number is not its predecessor's plus one. A stream's first page starts a new count. */
async function countGaps(handle: fs.promises.FileHandle, signal: AbortSignal | undefined): Promise<{ pages: number; gaps: number }> {
  const last = new Map<number, number>();
  let gaps = 0;
  const pages = await scanPages(handle, signal, async (batch) => {
    for (const page of batch) {
      const previous = last.get(page.serial);
      if (previous !== undefined && !(page.flags & FIRST_PAGE) && page.sequence !== (previous + 1) >>> 0) gaps += 1;
      last.set(page.serial, page.sequence);
    }
  });
  return { pages, gaps };
}

/**
 * Walks the page headers in file order, handing them over a window at a
 * time so the caller's writes for one window run together. Returns how many
 * pages there are; throws on anything that is not a page where one should be.
 */
async function scanPages(handle: fs.promises.FileHandle, signal: AbortSignal | undefined, visit: (batch: PageHeader[]) => Promise<void>): Promise<number> {
  const size = (await handle.stat()).size;
  if (size === 0) throw new Error('not an Ogg file: the file is empty');
  const buffer = Buffer.allocUnsafe(CHUNK);
  let pages = 0;
  let start = 0;
  while (start < size) {
    signal?.throwIfAborted();
    const length = Math.min(CHUNK, size - start);
    await readFully(handle, buffer, start, length);
    const batch: PageHeader[] = [];
    let offset = 0;
    while (start + offset < size) {
      const position = start + offset;
      // A header cut by the window is read again at the start of the next one.
      if (offset + PAGE_HEADER > length) {
        if (position + PAGE_HEADER > size) throw new Error(`not a well-formed Ogg file: it ends inside the page header at byte ${position}`);
        break;
      }
      if (buffer.toString('latin1', offset, offset + 4) !== 'OggS' || buffer[offset + 4] !== 0) {
        throw new Error(position === 0 ? 'not an Ogg file: it does not start with an Ogg page' : `not a well-formed Ogg file: there is no Ogg page where one should start (byte ${position})`);
      }
      const segments = buffer[offset + 26]!;
      if (offset + PAGE_HEADER + segments > length) {
        if (position + PAGE_HEADER + segments > size) throw new Error(`not a well-formed Ogg file: it ends inside the page header at byte ${position}`);
        break;
      }
      let bodyLength = 0;
      for (let i = 0; i < segments; i++) bodyLength += buffer[offset + PAGE_HEADER + i]!;
      const pageLength = PAGE_HEADER + segments + bodyLength;
      if (position + pageLength > size) {
        throw new Error(`not a well-formed Ogg file: the page at byte ${position} is cut short (it claims ${pageLength} bytes, the file ends ${size - position} bytes after its start)`);
      }
      batch.push({
        position,
        length: pageLength,
        flags: buffer[offset + 5]!,
        serial: buffer.readUInt32LE(offset + 14),
        sequence: buffer.readUInt32LE(offset + SEQUENCE_OFFSET),
        crc: buffer.readUInt32LE(offset + CRC_OFFSET),
        segments,
        endsInPacket: segments > 0 && buffer[offset + PAGE_HEADER + segments - 1] === 255,
      });
      // The body is never needed: skip it, reading past the window only when the next header lies beyond it.
      offset += pageLength;
    }
    pages += batch.length;
    await visit(batch);
    start += offset;
  }
  return pages;
}

async function readFully(handle: fs.promises.FileHandle, buffer: Buffer, position: number, length: number): Promise<void> {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buffer, done, length - done, position + done);
    if (bytesRead === 0) throw new Error(`the Ogg file got shorter while it was being read (at byte ${position + done})`);
    done += bytesRead;
  }
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let crc = n << 24;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x80000000 ? (crc << 1) ^ 0x04c11db7 : crc << 1;
    table[n] = crc >>> 0;
  }
  return table;
})();

/**
 * The page's checksum once its sequence number is changed. The Ogg CRC
 * (no reflection, zero initial value, no final xor) is linear, so the new
 * checksum is the stored one xor the checksum of the change alone: the body
 * need not be read, and a page that was already damaged stays detectably
 * damaged instead of being given a checksum that vouches for it.
 */
function updatedCrc(page: PageHeader, sequence: number): number {
  const change = (page.sequence ^ sequence) >>> 0;
  // Leading zero bytes leave a zero CRC at zero, so the change starts at its own offset.
  let crc = 0;
  for (let i = 0; i < 4; i++) crc = (crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ (change >>> (8 * i))) & 0xff]!;
  for (let i = SEQUENCE_OFFSET + 4; i < page.length; i++) crc = (crc << 8) ^ CRC_TABLE[crc >>> 24]!;
  return (page.crc ^ crc) >>> 0;
}

/** The CRC of a whole page, its own CRC field counted as zero. */
function pageCrc(page: Buffer): number {
  let crc = 0;
  for (let i = 0; i < page.length; i++) {
    const byte = i >= CRC_OFFSET && i < CRC_OFFSET + 4 ? 0 : page[i]!;
    crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ byte) & 0xff]!) >>> 0;
  }
  return crc;
}

/** Pages that leave a packet open although their stream's next page starts a new one: where the ending zero lacing value is missing. */
async function openPacketEnds(handle: fs.promises.FileHandle, signal: AbortSignal | undefined): Promise<PageHeader[]> {
  const open = new Map<number, PageHeader>();
  const found: PageHeader[] = [];
  await scanPages(handle, signal, async (batch) => {
    for (const page of batch) {
      const before = open.get(page.serial);
      if (before && !(page.flags & CONTINUED) && !(page.flags & FIRST_PAGE)) found.push(before);
      if (page.endsInPacket) open.set(page.serial, page);
      else open.delete(page.serial);
    }
  });
  return found;
}

/** The page with its packet ended: a zero lacing value in its own table if there is room, else a page of its own after it. */
function withPacketEnded(page: Buffer): Buffer {
  const segments = page[26]!;
  if (segments < MAX_SEGMENTS) {
    const fixed = Buffer.concat([page.subarray(0, PAGE_HEADER + segments), Buffer.from([0]), page.subarray(PAGE_HEADER + segments)]);
    fixed[26] = segments + 1;
    fixed.writeUInt32LE(pageCrc(fixed), CRC_OFFSET);
    return fixed;
  }
  // Same stream and granule position, the next number (the renumbering after this moves the rest up), one empty segment.
  const ending = Buffer.alloc(PAGE_HEADER + 1);
  page.copy(ending, 0, 0, PAGE_HEADER);
  ending[5] = CONTINUED;
  ending.writeUInt32LE((page.readUInt32LE(SEQUENCE_OFFSET) + 1) >>> 0, SEQUENCE_OFFSET);
  ending[26] = 1;
  ending[PAGE_HEADER] = 0;
  ending.writeUInt32LE(pageCrc(ending), CRC_OFFSET);
  return Buffer.concat([page, ending]);
}

/**
 * Adds the zero lacing value taglib left out (see the top of this file).
 * Everything after the page moves, so the file is copied once, page fixed
 * on the way, into a temp beside it that then replaces it; a file with
 * nothing to fix is not touched. Returns how many packets were ended.
 */
export async function endOpenPackets(file: string, signal?: AbortSignal): Promise<number> {
  signal?.throwIfAborted();
  const source = await fs.promises.open(file, 'r');
  let fixes: PageHeader[];
  const temp = tempNameFor(file);
  try {
    fixes = await openPacketEnds(source, signal);
    if (fixes.length === 0) return 0;
    const size = (await source.stat()).size;
    const target = await fs.promises.open(temp, 'wx');
    try {
      const buffer = Buffer.allocUnsafe(CHUNK);
      const copyRange = async (from: number, to: number) => {
        for (let at = from; at < to; ) {
          signal?.throwIfAborted();
          const length = Math.min(CHUNK, to - at);
          await readFully(source, buffer, at, length);
          await target.write(buffer, 0, length);
          at += length;
        }
      };
      let cursor = 0;
      for (const page of fixes) {
        await copyRange(cursor, page.position);
        const bytes = Buffer.allocUnsafe(page.length);
        await readFully(source, bytes, page.position, page.length);
        await target.write(withPacketEnded(bytes));
        cursor = page.position + page.length;
      }
      await copyRange(cursor, size);
    } finally {
      await target.close();
    }
  } catch (err) {
    await fs.promises.rm(temp, { force: true });
    throw err;
  } finally {
    await source.close();
  }
  await fs.promises.rename(temp, file);
  return fixes.length;
}

/** Whether the path names an Ogg container (Vorbis, Opus, Speex), by the extensions the scan knows. */
export function isOggPath(file: string): boolean {
  const format = formatFromExtension(file);
  return format === 'ogg' || format === 'opus';
}

/** Puts right what taglib's save may have left in an Ogg file (see above); other formats are left alone. */
export async function afterTaglibSave(file: string, signal?: AbortSignal): Promise<void> {
  if (!isOggPath(file)) return;
  await endOpenPackets(file, signal);
  await repairOggSequence(file, signal);
}
