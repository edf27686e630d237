/**
 * A digest of a file's audio alone, blind to every tag and metadata region,
 * so a tag rewrite can be proven to have left the audio byte for byte as it
 * was. Each container is parsed just far enough to tell its tags from its
 * audio, in one streaming pass: files can be several GB.
 */
import { createHash, type Hash } from 'node:crypto';
import fs from 'node:fs';

export type AudioContainer = 'mp3' | 'flac' | 'ogg' | 'm4a';

export interface AudioData {
  container: AudioContainer;
  /** sha256 hex over the audio payload */
  digest: string;
  /** payload bytes hashed */
  bytes: number;
}

/** Thrown when the file claims a supported container but its structure is broken (truncated, bad sizes). Message says what is wrong, in plain words. */
export class AudioDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AudioDataError';
  }
}

const CHUNK = 1024 * 1024;

/** The digest of the audio payload, or null when the file is not a container this knows (WAV, AIFF, WMA... or not audio). Detect by content (magic bytes), never by extension. */
export async function audioDataDigest(file: string, signal?: AbortSignal): Promise<AudioData | null> {
  signal?.throwIfAborted();
  const handle = await fs.promises.open(file, 'r');
  try {
    const source = new Source(handle, (await handle.stat()).size, signal);
    const head = await source.bytesAt(0, 16);
    if (head.length >= 8 && ascii(head, 4, 8) === 'ftyp') return await mp4Digest(source);
    if (ascii(head, 0, 4) === 'OggS') return await oggDigest(source);
    if (ascii(head, 0, 4) === 'fLaC') return await flacDigest(source, 0);
    if (ascii(head, 0, 3) === 'ID3' || ascii(head, 0, 8) === 'APETAGEX') {
      const start = await skipStartTags(source);
      const after = await source.bytesAt(start, 4);
      if (ascii(after, 0, 4) === 'fLaC') return await flacDigest(source, start);
      // Raw AAC (ADTS) also gets ID3 tags; it is not a container this knows.
      if (isAdtsHeader(after)) return null;
      // Anything else behind an ID3 tag is taken for MP3, junk included, so
      // whatever the tag writer keeps after the tag is held to be unchanged.
      return await mp3Digest(source, start);
    }
    if (isMpegAudioHeader(head)) return await mp3Digest(source, 0);
    return null;
  } finally {
    await handle.close();
  }
}

/** Positioned reads of one open file, checking the abort signal before each. */
class Source {
  private hashBuffers: [Buffer, Buffer] | null = null;

  constructor(
    private readonly handle: fs.promises.FileHandle,
    readonly size: number,
    private readonly signal: AbortSignal | undefined,
  ) {}

  /** Up to length bytes at position: fewer only where the file ends. */
  async bytesAt(position: number, length: number): Promise<Buffer> {
    const buffer = Buffer.alloc(Math.max(0, Math.min(length, this.size - position)));
    const read = await this.fill(buffer, position, buffer.length);
    return buffer.subarray(0, read);
  }

  /** Reads into buffer until length bytes or the end of the file; returns how many. */
  async fill(buffer: Buffer, position: number, length: number): Promise<number> {
    this.signal?.throwIfAborted();
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.handle.read(buffer, done, length - done, position + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done;
  }

  /** Feeds [start, end) to hash. The next chunk is read while this one is hashed, so disk and CPU overlap. */
  async hashRange(hash: Hash, start: number, end: number): Promise<void> {
    this.hashBuffers ??= [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)];
    let [current, next] = this.hashBuffers;
    const readChunk = async (buffer: Buffer, position: number): Promise<number> => {
      const wanted = Math.min(CHUNK, end - position);
      const read = await this.fill(buffer, position, wanted);
      if (read < wanted) throw new AudioDataError(`the file got shorter while it was being read (at byte ${position + read})`);
      return read;
    };
    let position = start;
    let pending = position < end ? readChunk(current, position) : null;
    while (pending) {
      const read = await pending;
      position += read;
      pending = position < end ? readChunk(next, position) : null;
      hash.update(current.subarray(0, read));
      [current, next] = [next, current];
    }
  }
}

function ascii(bytes: Buffer, start: number, end: number): string {
  return end <= bytes.length ? bytes.toString('latin1', start, end) : '';
}

/** An MPEG-1/2/2.5 audio frame header; the reserved values rule out random bytes that happen to start with a sync. */
function isMpegAudioHeader(bytes: Buffer): boolean {
  if (bytes.length < 4 || bytes[0] !== 0xff || (bytes[1]! & 0xe0) !== 0xe0) return false;
  const version = (bytes[1]! >> 3) & 3;
  const layer = (bytes[1]! >> 1) & 3;
  const bitrate = bytes[2]! >> 4;
  const sampleRate = (bytes[2]! >> 2) & 3;
  return version !== 1 && layer !== 0 && bitrate !== 15 && sampleRate !== 3;
}

/** ADTS shares the MPEG sync but has layer 0, which MPEG audio never uses. */
function isAdtsHeader(bytes: Buffer): boolean {
  return bytes.length >= 2 && bytes[0] === 0xff && (bytes[1]! & 0xf6) === 0xf0;
}

function synchsafe(bytes: Buffer, offset: number): number | null {
  let value = 0;
  for (let i = 0; i < 4; i++) {
    const byte = bytes[offset + i]!;
    if (byte & 0x80) return null;
    value = value * 128 + byte;
  }
  return value;
}

const ID3V2_HEADER = 10;
const APE_FOOTER = 32;
const APE_HAS_HEADER = 0x80000000;

/** Where the tags at the start end: ID3v2 and APEv2 tags, any number back to back, as taglib reads them. */
async function skipStartTags(source: Source): Promise<number> {
  let position = 0;
  for (;;) {
    const header = await source.bytesAt(position, APE_FOOTER);
    if (ascii(header, 0, 3) === 'ID3') {
      position += id3v2Length(header, position, source.size);
    } else if (ascii(header, 0, 8) === 'APETAGEX') {
      // A leading APE tag begins with its header; its size counts items and footer, not the header.
      const length = APE_FOOTER + header.readUInt32LE(12);
      if (position + length > source.size) throw new AudioDataError(`the APE tag at byte ${position} claims ${length} bytes, more than the file holds`);
      position += length;
    } else {
      return position;
    }
  }
}

/** The whole size of an ID3v2 tag (header, body, footer) from its 10-byte header or footer. */
function id3v2Length(header: Buffer, position: number, fileSize: number): number {
  if (header.length < ID3V2_HEADER) throw new AudioDataError(`the file ends inside the ID3v2 tag header at byte ${position}`);
  const body = synchsafe(header, 6);
  if (body === null || header[3] === 0xff || header[4] === 0xff) throw new AudioDataError(`the ID3v2 tag at byte ${position} has a malformed header`);
  const length = ID3V2_HEADER + body + (header[5]! & 0x10 ? ID3V2_HEADER : 0);
  if (position + length > fileSize) throw new AudioDataError(`the ID3v2 tag at byte ${position} claims ${length} bytes, but the file ends ${fileSize - position} bytes after its start`);
  return length;
}

const ID3V1 = 128;
const ID3V1_ENHANCED = 227;
const LYRICS3V2_TRAILER = 15;

/**
 * Where the tags at the end begin. They come in any order, so each pass
 * strips whichever is last until none is: APEv2, ID3v2 with a footer,
 * ID3v1 (with an enhanced "TAG+" block before it) and Lyrics3v2.
 */
async function stripEndTags(source: Source, start: number, end: number): Promise<number> {
  for (;;) {
    const tailStart = Math.max(start, end - ID3V1);
    const tail = await source.bytesAt(tailStart, end - tailStart);
    const at = (fromEnd: number, text: string) => fromEnd <= tail.length && ascii(tail, tail.length - fromEnd, tail.length - fromEnd + text.length) === text;

    if (at(APE_FOOTER, 'APETAGEX')) {
      const footer = tail.subarray(tail.length - APE_FOOTER);
      const flags = footer.readUInt32LE(20);
      const length = footer.readUInt32LE(12) + (flags & APE_HAS_HEADER ? APE_FOOTER : 0);
      if (length < APE_FOOTER || length > end - start) throw new AudioDataError(`the APE tag ending at byte ${end} claims ${length} bytes, more than there is before it`);
      if (flags & APE_HAS_HEADER && ascii(await source.bytesAt(end - length, 8), 0, 8) !== 'APETAGEX') {
        throw new AudioDataError(`the APE tag ending at byte ${end} says it has a header, but there is none at byte ${end - length}`);
      }
      end -= length;
    } else if (at(ID3V2_HEADER, '3DI')) {
      const footer = tail.subarray(tail.length - ID3V2_HEADER);
      const body = synchsafe(footer, 6);
      const length = body === null ? -1 : body + 2 * ID3V2_HEADER;
      if (length < 0 || length > end - start) throw new AudioDataError(`the ID3v2 tag ending at byte ${end} has a malformed footer or claims more bytes than there are before it`);
      if (ascii(await source.bytesAt(end - length, 3), 0, 3) !== 'ID3') throw new AudioDataError(`the ID3v2 footer ending at byte ${end} does not point back to an ID3v2 header`);
      end -= length;
    } else if (at(ID3V1, 'TAG')) {
      end -= ID3V1;
      if (end - start >= ID3V1_ENHANCED && ascii(await source.bytesAt(end - ID3V1_ENHANCED, 4), 0, 4) === 'TAG+') end -= ID3V1_ENHANCED;
    } else if (at(9, 'LYRICS200')) {
      const digits = ascii(tail, tail.length - LYRICS3V2_TRAILER, tail.length - 9);
      // The 6-digit size counts from "LYRICSBEGIN" up to itself; the size and "LYRICS200" come on top.
      const length = /^\d{6}$/.test(digits) ? Number(digits) + LYRICS3V2_TRAILER : -1;
      if (length < 0 || length > end - start) throw new AudioDataError(`the Lyrics3 tag ending at byte ${end} has a malformed size or claims more bytes than there are before it`);
      if (ascii(await source.bytesAt(end - length, 11), 0, 11) !== 'LYRICSBEGIN') throw new AudioDataError(`the Lyrics3 tag ending at byte ${end} does not start where its size says`);
      end -= length;
    } else {
      return end;
    }
  }
}

/** MP3: the bytes between the leading and trailing tags, which is the MPEG frames (a Xing/LAME header is a frame too). */
async function mp3Digest(source: Source, start: number): Promise<AudioData> {
  const end = await stripEndTags(source, start, source.size);
  if (end <= start) throw new AudioDataError('the file holds tags but no audio');
  const hash = createHash('sha256');
  await source.hashRange(hash, start, end);
  return { container: 'mp3', digest: hash.digest('hex'), bytes: end - start };
}

const FLAC_STREAMINFO = 0;
const FLAC_LAST_BLOCK = 0x80;

/**
 * FLAC: the STREAMINFO body, then the frames after the last metadata block.
 * Taglib rewrites every other block (comments, pictures, padding) and the
 * STREAMINFO's own block header (its last-block flag), so those are left out.
 */
async function flacDigest(source: Source, start: number): Promise<AudioData> {
  let position = start + 4;
  let streamInfo: { start: number; end: number } | null = null;
  for (let index = 0; ; index++) {
    const header = await source.bytesAt(position, 4);
    if (header.length < 4) throw new AudioDataError(`the file ends inside the FLAC metadata, before its last block (at byte ${position})`);
    const type = header[0]! & 0x7f;
    const length = header.readUIntBE(1, 3);
    const bodyEnd = position + 4 + length;
    if (index === 0 && type !== FLAC_STREAMINFO) throw new AudioDataError('the first FLAC metadata block is not the STREAMINFO block');
    if (type === 127) throw new AudioDataError(`the FLAC metadata block at byte ${position} has an invalid type`);
    if (bodyEnd > source.size) throw new AudioDataError(`the FLAC metadata block at byte ${position} claims ${length} bytes, but the file ends ${source.size - position - 4} bytes into it`);
    if (type === FLAC_STREAMINFO) {
      if (streamInfo) throw new AudioDataError('the FLAC file has more than one STREAMINFO block');
      streamInfo = { start: position + 4, end: bodyEnd };
    }
    position = bodyEnd;
    if (header[0]! & FLAC_LAST_BLOCK) break;
  }
  const framesEnd = await stripEndTags(source, position, source.size);
  if (framesEnd > position) {
    const sync = await source.bytesAt(position, 2);
    // Checked so that a wrong block size cannot pass for audio: frames start with the 14-bit sync 0xFFF8.
    if (sync[0] !== 0xff || (sync[1]! & 0xfe) !== 0xf8) throw new AudioDataError(`the FLAC audio frames do not start where the metadata ends (byte ${position})`);
  }
  const hash = createHash('sha256');
  await source.hashRange(hash, streamInfo!.start, streamInfo!.end);
  await source.hashRange(hash, position, framesEnd);
  return { container: 'flac', digest: hash.digest('hex'), bytes: streamInfo!.end - streamInfo!.start + framesEnd - position };
}

/**
 * MP4: the payload of every top-level 'mdat', in file order. Taglib grows,
 * moves and pads 'moov', 'udta' and 'free' boxes, so only media data counts.
 */
async function mp4Digest(source: Source): Promise<AudioData> {
  const hash = createHash('sha256');
  let bytes = 0;
  let mediaBoxes = 0;
  for (let position = 0; position < source.size; ) {
    const header = await source.bytesAt(position, 16);
    if (header.length < 8) throw new AudioDataError(`the file ends inside an MP4 box header at byte ${position}`);
    const type = header.toString('latin1', 4, 8);
    let headerLength = 8;
    let length = header.readUInt32BE(0);
    if (length === 1) {
      if (header.length < 16) throw new AudioDataError(`the file ends inside the MP4 '${type}' box header at byte ${position}`);
      const large = header.readBigUInt64BE(8);
      if (large > BigInt(Number.MAX_SAFE_INTEGER)) throw new AudioDataError(`the MP4 '${type}' box at byte ${position} claims an impossible size`);
      length = Number(large);
      headerLength = 16;
    } else if (length === 0) {
      length = source.size - position;
    }
    if (length < headerLength) throw new AudioDataError(`the MP4 '${type}' box at byte ${position} claims ${length} bytes, less than its own header`);
    if (position + length > source.size) throw new AudioDataError(`the MP4 '${type}' box at byte ${position} claims ${length} bytes, but the file ends ${source.size - position} bytes after its start`);
    if (type === 'mdat') {
      await source.hashRange(hash, position + headerLength, position + length);
      bytes += length - headerLength;
      mediaBoxes += 1;
    }
    position += length;
  }
  if (mediaBoxes === 0) throw new AudioDataError("the MP4 file has no media data ('mdat' box)");
  return { container: 'm4a', digest: hash.digest('hex'), bytes };
}

const OGG_PAGE_HEADER = 27;
const OGG_MAX_PAGE = OGG_PAGE_HEADER + 255 + 255 * 255;
const OGG_CONTINUED = 0x01;
const OGG_FIRST_PAGE = 0x02;
const OGG_LAST_PAGE = 0x04;
/** Identification headers are tens of bytes; a bigger first packet means the stream is not what it claims. */
const OGG_MAX_FIRST_PACKET = 64 * 1024;

/**
 * One logical Ogg stream, hashed packet by packet with each packet's length
 * after it, so how packets are cut into pages does not count but their
 * contents and boundaries do. The comment header is left out: taglib
 * rewrites it and re-pages everything around it.
 */
class OggStream {
  readonly hash = createHash('sha256');
  bytes = 0;
  ended = false;
  /** A packet is open across the page boundary, so the next page must continue it. */
  inPacket = false;
  private packetIndex = 0;
  private packetLength = 0;
  private packetMode: 'first' | 'hash' | 'skip' | null = null;
  private firstPacket: Buffer[] = [];
  private isFlac = false;
  private flacAudioStarted = false;
  private readonly lengthBytes = Buffer.alloc(8);

  /** Adds a run of bytes of the current packet; complete says it ends the packet. */
  add(data: Buffer, complete: boolean): void {
    this.packetMode ??= this.modeFor(data);
    this.packetLength += data.length;
    if (this.packetMode === 'first') {
      if (this.packetLength > OGG_MAX_FIRST_PACKET) throw new AudioDataError(`the first packet of an Ogg stream is over ${OGG_MAX_FIRST_PACKET} bytes, too big for a codec header`);
      this.firstPacket.push(Buffer.from(data));
    } else if (this.packetMode === 'hash') {
      this.hash.update(data);
    }
    this.inPacket = !complete;
    if (complete) this.finishPacket();
  }

  private modeFor(data: Buffer): 'first' | 'hash' | 'skip' {
    if (this.packetIndex === 0) return 'first';
    if (this.isFlac) {
      // Ogg FLAC carries each metadata block (comments, pictures, padding) as its own header packet before the first frame.
      if (!this.flacAudioStarted && data[0] !== 0xff) return 'skip';
      this.flacAudioStarted = true;
      return 'hash';
    }
    // Vorbis, Opus, Speex and Theora all put the comment header second.
    return this.packetIndex === 1 ? 'skip' : 'hash';
  }

  private finishPacket(): void {
    if (this.packetMode === 'first') {
      const packet = Buffer.concat(this.firstPacket);
      this.firstPacket = [];
      this.isFlac = packet.length >= 9 && packet.toString('latin1', 0, 5) === '\x7fFLAC';
      // Ogg FLAC's header count (bytes 7-8) changes when a tagger adds or drops a metadata block.
      if (this.isFlac) packet.fill(0, 7, 9);
      this.hash.update(packet);
    }
    if (this.packetMode !== 'skip') {
      this.lengthBytes.writeBigUInt64LE(BigInt(this.packetLength));
      this.hash.update(this.lengthBytes);
      this.bytes += this.packetLength;
    }
    this.packetIndex += 1;
    this.packetLength = 0;
    this.packetMode = null;
  }
}

/**
 * Ogg: every packet of every logical stream but the comment header. Page
 * headers never count: taglib renumbers and re-checksums pages whenever the
 * comment header changes size.
 */
async function oggDigest(source: Source): Promise<AudioData> {
  const window = new PageWindow(source);
  const streams: OggStream[] = [];
  const bySerial = new Map<number, OggStream>();
  for (let position = 0; position < source.size; ) {
    let page = await window.view(position, OGG_PAGE_HEADER);
    if (page.length < OGG_PAGE_HEADER) throw new AudioDataError(`the file ends inside an Ogg page header at byte ${position}`);
    if (ascii(page, 0, 4) !== 'OggS' || page[4] !== 0) throw new AudioDataError(`there is no Ogg page where one should start (byte ${position})`);
    const flags = page[5]!;
    const serial = page.readUInt32LE(14);
    const segments = page[26]!;
    page = await window.view(position, OGG_PAGE_HEADER + segments);
    if (page.length < OGG_PAGE_HEADER + segments) throw new AudioDataError(`the file ends inside an Ogg page header at byte ${position}`);
    let bodyLength = 0;
    for (let i = 0; i < segments; i++) bodyLength += page[OGG_PAGE_HEADER + i]!;
    const pageLength = OGG_PAGE_HEADER + segments + bodyLength;
    page = await window.view(position, pageLength);
    if (page.length < pageLength) throw new AudioDataError(`the Ogg page at byte ${position} is cut short: it claims ${pageLength} bytes, but the file ends ${source.size - position} bytes after its start`);

    let stream = bySerial.get(serial);
    if (flags & OGG_FIRST_PAGE) {
      if (stream && !stream.ended) throw new AudioDataError(`a second Ogg stream starts at byte ${position} with the serial number of one still running`);
      stream = new OggStream();
      bySerial.set(serial, stream);
      streams.push(stream);
    } else if (!stream || stream.ended) {
      throw new AudioDataError(`the Ogg page at byte ${position} belongs to a stream that has not started or has already ended`);
    }
    if (Boolean(flags & OGG_CONTINUED) !== stream.inPacket) {
      throw new AudioDataError(`the Ogg page at byte ${position} ${stream.inPacket ? 'does not continue the packet the page before it left open' : 'continues a packet that never started'}`);
    }

    // Consecutive segments of one packet are fed to the hash in a single run.
    let runStart = OGG_PAGE_HEADER + segments;
    let offset = runStart;
    for (let i = 0; i < segments; i++) {
      const lacing = page[OGG_PAGE_HEADER + i]!;
      offset += lacing;
      if (lacing < 255) {
        stream.add(page.subarray(runStart, offset), true);
        runStart = offset;
      }
    }
    if (offset > runStart) stream.add(page.subarray(runStart, offset), false);

    if (flags & OGG_LAST_PAGE) {
      if (stream.inPacket) throw new AudioDataError(`the Ogg stream ends at byte ${position + pageLength} in the middle of a packet`);
      stream.ended = true;
    }
    position += pageLength;
  }
  if (streams.length === 0) throw new AudioDataError('the Ogg file has no pages');
  if (streams.some((stream) => stream.inPacket)) throw new AudioDataError('the Ogg file ends in the middle of a packet');
  const combined = createHash('sha256');
  for (const stream of streams) combined.update(stream.hash.digest());
  return { container: 'ogg', digest: combined.digest('hex'), bytes: streams.reduce((sum, stream) => sum + stream.bytes, 0) };
}

/** A 1 MiB window over the file, so Ogg's small pages cost one read per MiB rather than three per page. */
class PageWindow {
  private readonly buffer = Buffer.allocUnsafe(CHUNK);
  private start = 0;
  private length = 0;

  constructor(private readonly source: Source) {}

  /** The bytes [position, position + length), fewer where the file ends; valid until the next call. */
  async view(position: number, length: number): Promise<Buffer> {
    if (length > OGG_MAX_PAGE) throw new Error(`an Ogg page is at most ${OGG_MAX_PAGE} bytes`);
    if (position < this.start || position + length > this.start + this.length) {
      this.start = position;
      this.length = await this.source.fill(this.buffer, position, Math.min(CHUNK, this.source.size - position));
    }
    const offset = position - this.start;
    return this.buffer.subarray(offset, Math.min(offset + length, this.length));
  }
}
