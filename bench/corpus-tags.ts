/**
 * Tag writers for the benchmark corpus. ffmpeg is far too slow to run once per
 * file, so mp3, flac and m4a files are built from untagged templates with their
 * tags written here, byte by byte, the way MusicBrainz Picard lays them out.
 */

export interface MusicBrainzIds {
  albumId: string;
  releaseGroupId: string;
  albumArtistId: string;
  artistId: string;
  /** The recording: UFID in ID3, MUSICBRAINZ_TRACKID in Vorbis comments (a historical misnomer). */
  recordingId: string;
  releaseTrackId: string;
}

export interface TrackTags {
  title: string;
  artist: string;
  album: string;
  albumArtist: string;
  track: number;
  trackTotal: number;
  disc: number;
  discTotal: number;
  /** 'YYYY' or 'YYYY-MM-DD', as Picard writes it. */
  date: string;
  genre: string;
  compilation: boolean;
  isrc?: string;
  mb?: MusicBrainzIds;
}

export interface Picture {
  mime: 'image/jpeg' | 'image/png';
  width: number;
  height: number;
  data: Buffer;
}

export const yearOf = (tags: TrackTags): number => Number(tags.date.slice(0, 4));

// ---------------------------------------------------------------- ID3v2.3

// Without the u flag, characters outside the BMP appear as surrogates, which this range also catches.
const isLatin1 = (s: string): boolean => !/[\u0100-\uffff]/.test(s);

/** ID3v2.3 has no UTF-8: Latin-1 where it fits, else UTF-16 with a BOM (what Picard does in v2.3 mode). */
function id3Encoding(...values: string[]): 0 | 1 {
  return values.every(isLatin1) ? 0 : 1;
}

function id3String(value: string, encoding: 0 | 1, terminate: boolean): Buffer {
  if (encoding === 0) return Buffer.from(terminate ? `${value}\0` : value, 'latin1');
  const parts = [Buffer.from([0xff, 0xfe]), Buffer.from(value, 'utf16le')];
  if (terminate) parts.push(Buffer.alloc(2));
  return Buffer.concat(parts);
}

function id3Frame(id: string, body: Buffer): Buffer {
  const header = Buffer.alloc(10);
  header.write(id, 0, 'latin1');
  // v2.3 frame sizes are plain 32-bit; only the tag header size is syncsafe.
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

function textFrame(id: string, value: string): Buffer {
  const encoding = id3Encoding(value);
  return id3Frame(id, Buffer.concat([Buffer.from([encoding]), id3String(value, encoding, false)]));
}

function txxxFrame(description: string, value: string): Buffer {
  const encoding = id3Encoding(description, value);
  return id3Frame(
    'TXXX',
    Buffer.concat([Buffer.from([encoding]), id3String(description, encoding, true), id3String(value, encoding, false)]),
  );
}

function syncsafe(n: number): Buffer {
  return Buffer.from([(n >> 21) & 0x7f, (n >> 14) & 0x7f, (n >> 7) & 0x7f, n & 0x7f]);
}

/** A whole ID3v2.3 tag, with zero padding after the frames as taggers leave room to edit in place. */
export function id3v23Tag(tags: TrackTags, picture: Picture | null, padding: number): Buffer {
  const frames: Buffer[] = [
    textFrame('TIT2', tags.title),
    textFrame('TPE1', tags.artist),
    textFrame('TALB', tags.album),
    textFrame('TPE2', tags.albumArtist),
    textFrame('TRCK', `${tags.track}/${tags.trackTotal}`),
    textFrame('TPOS', `${tags.disc}/${tags.discTotal}`),
    textFrame('TYER', tags.date.slice(0, 4)),
    textFrame('TCON', tags.genre),
  ];
  if (tags.date.length === 10) frames.push(textFrame('TDAT', `${tags.date.slice(8, 10)}${tags.date.slice(5, 7)}`));
  if (tags.compilation) frames.push(textFrame('TCMP', '1'));
  if (tags.isrc) frames.push(textFrame('TSRC', tags.isrc));
  const mb = tags.mb;
  if (mb) {
    frames.push(
      txxxFrame('MusicBrainz Album Id', mb.albumId),
      txxxFrame('MusicBrainz Release Group Id', mb.releaseGroupId),
      txxxFrame('MusicBrainz Artist Id', mb.artistId),
      txxxFrame('MusicBrainz Album Artist Id', mb.albumArtistId),
      txxxFrame('MusicBrainz Release Track Id', mb.releaseTrackId),
      txxxFrame('MusicBrainz Album Type', 'album'),
      txxxFrame('MusicBrainz Album Status', 'official'),
      id3Frame('UFID', Buffer.from(`http://musicbrainz.org\0${mb.recordingId}`, 'latin1')),
    );
  }
  if (picture) {
    const head = Buffer.from(`\0${picture.mime}\0\x03\0`, 'latin1'); // Latin-1, mime, front cover, empty description
    frames.push(id3Frame('APIC', Buffer.concat([head, picture.data])));
  }
  const body = Buffer.concat([...frames, Buffer.alloc(padding)]);
  return Buffer.concat([Buffer.from('ID3\x03\x00\x00', 'latin1'), syncsafe(body.length), body]);
}

/** ID3v1 at the end of the file, as old rippers left it; Latin-1 only, fields cut at 30 bytes. */
export function id3v1Tag(tags: TrackTags): Buffer {
  const out = Buffer.alloc(128);
  out.write('TAG', 0, 'latin1');
  const field = (value: string, offset: number, length: number) =>
    out.write(value.slice(0, length), offset, length, 'latin1');
  field(tags.title, 3, 30);
  field(tags.artist, 33, 30);
  field(tags.album, 63, 30);
  field(tags.date.slice(0, 4), 93, 4);
  out[126] = Math.min(tags.track, 255); // ID3v1.1: zero byte at 125, then the track
  out[127] = 255; // genre: none
  return out;
}

export function canWriteId3v1(tags: TrackTags): boolean {
  return [tags.title, tags.artist, tags.album].every(isLatin1);
}

// ---------------------------------------------------------------- FLAC

const FLAC_STREAMINFO = 0;
const FLAC_PADDING = 1;
const FLAC_VORBIS_COMMENT = 4;
const FLAC_PICTURE = 6;

export interface FlacTemplate {
  /** Metadata blocks kept from the encoder's file (STREAMINFO first), without their headers. */
  blocks: { type: number; body: Buffer }[];
  audio: Buffer;
}

export function splitFlac(file: Buffer): FlacTemplate {
  if (file.toString('latin1', 0, 4) !== 'fLaC') throw new Error('not a FLAC file');
  const blocks: FlacTemplate['blocks'] = [];
  let offset = 4;
  for (;;) {
    const header = file[offset]!;
    const length = file.readUIntBE(offset + 1, 3);
    const type = header & 0x7f;
    // Tags, cover and padding are rewritten per file; everything else (seek table…) stays.
    if (type !== FLAC_VORBIS_COMMENT && type !== FLAC_PICTURE && type !== FLAC_PADDING) {
      blocks.push({ type, body: file.subarray(offset + 4, offset + 4 + length) });
    }
    offset += 4 + length;
    if (header & 0x80) break;
  }
  if (blocks[0]?.type !== FLAC_STREAMINFO) throw new Error('FLAC template does not start with STREAMINFO');
  return { blocks, audio: file.subarray(offset) };
}

function flacBlock(type: number, body: Buffer, last: boolean): Buffer {
  const header = Buffer.alloc(4);
  header[0] = (last ? 0x80 : 0) | type;
  header.writeUIntBE(body.length, 1, 3);
  return Buffer.concat([header, body]);
}

/** Vorbis comment fields the way Picard names them (shared by FLAC and Ogg). */
export function vorbisFields(tags: TrackTags): [string, string][] {
  const fields: [string, string][] = [
    ['TITLE', tags.title],
    ['ARTIST', tags.artist],
    ['ALBUM', tags.album],
    ['ALBUMARTIST', tags.albumArtist],
    ['TRACKNUMBER', String(tags.track)],
    ['TRACKTOTAL', String(tags.trackTotal)],
    ['TOTALTRACKS', String(tags.trackTotal)],
    ['DISCNUMBER', String(tags.disc)],
    ['DISCTOTAL', String(tags.discTotal)],
    ['TOTALDISCS', String(tags.discTotal)],
    ['DATE', tags.date],
    ['GENRE', tags.genre],
  ];
  if (tags.compilation) fields.push(['COMPILATION', '1']);
  if (tags.isrc) fields.push(['ISRC', tags.isrc]);
  const mb = tags.mb;
  if (mb) {
    fields.push(
      ['MUSICBRAINZ_ALBUMID', mb.albumId],
      ['MUSICBRAINZ_RELEASEGROUPID', mb.releaseGroupId],
      ['MUSICBRAINZ_ARTISTID', mb.artistId],
      ['MUSICBRAINZ_ALBUMARTISTID', mb.albumArtistId],
      ['MUSICBRAINZ_TRACKID', mb.recordingId],
      ['MUSICBRAINZ_RELEASETRACKID', mb.releaseTrackId],
      ['RELEASETYPE', 'album'],
      ['RELEASESTATUS', 'official'],
    );
  }
  return fields;
}

function vorbisComment(tags: TrackTags): Buffer {
  const entries = [Buffer.from('reference libFLAC 1.4.3 20230623', 'utf8'), ...vorbisFields(tags).map(([k, v]) => Buffer.from(`${k}=${v}`, 'utf8'))];
  const parts: Buffer[] = [];
  entries.forEach((entry, i) => {
    const length = Buffer.alloc(4);
    length.writeUInt32LE(entry.length);
    parts.push(length, entry);
    if (i === 0) {
      const count = Buffer.alloc(4);
      count.writeUInt32LE(entries.length - 1);
      parts.push(count);
    }
  });
  return Buffer.concat(parts);
}

function flacPicture(picture: Picture): Buffer {
  const mime = Buffer.from(picture.mime, 'latin1');
  const head = Buffer.alloc(8 + mime.length + 4 + 16 + 4);
  let o = head.writeUInt32BE(3, 0); // front cover
  o = head.writeUInt32BE(mime.length, o);
  o += mime.copy(head, o);
  o = head.writeUInt32BE(0, o); // empty description
  o = head.writeUInt32BE(picture.width, o);
  o = head.writeUInt32BE(picture.height, o);
  o = head.writeUInt32BE(24, o); // colour depth
  o = head.writeUInt32BE(0, o); // not indexed
  head.writeUInt32BE(picture.data.length, o);
  return Buffer.concat([head, picture.data]);
}

/** STREAMINFO, VORBIS_COMMENT, the template's other blocks, PICTURE, then PADDING carrying the last-block flag. */
export function flacFile(template: FlacTemplate, tags: TrackTags, picture: Picture | null, padding: number): Buffer {
  const [streamInfo, ...rest] = template.blocks;
  const blocks: { type: number; body: Buffer }[] = [streamInfo!, { type: FLAC_VORBIS_COMMENT, body: vorbisComment(tags) }, ...rest];
  if (picture) blocks.push({ type: FLAC_PICTURE, body: flacPicture(picture) });
  blocks.push({ type: FLAC_PADDING, body: Buffer.alloc(padding) });
  return Buffer.concat([
    Buffer.from('fLaC', 'latin1'),
    ...blocks.map((b, i) => flacBlock(b.type, b.body, i === blocks.length - 1)),
    template.audio,
  ]);
}

// ---------------------------------------------------------------- MP4 (m4a)

function box(type: string, ...children: Buffer[]): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + children.reduce((n, c) => n + c.length, 0));
  header.write(type, 4, 'latin1');
  return Buffer.concat([header, ...children]);
}

/** A `data` atom: 4-byte type (1 = UTF-8, 0 = implicit binary, 21 = signed int), 4-byte locale, payload. */
function dataAtom(type: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(type, 0);
  return box('data', head, payload);
}

const textAtom = (type: string, value: string) => box(type, dataAtom(1, Buffer.from(value, 'utf8')));

function pairAtom(type: 'trkn' | 'disk', no: number, of: number): Buffer {
  const payload = Buffer.alloc(type === 'trkn' ? 8 : 6);
  payload.writeUInt16BE(no, 2);
  payload.writeUInt16BE(of, 4);
  return box(type, dataAtom(0, payload));
}

/** iTunes freeform atom, where Picard puts the MusicBrainz ids in MP4. */
function freeformAtom(name: string, value: string): Buffer {
  const flags = Buffer.alloc(4);
  return box(
    '----',
    box('mean', flags, Buffer.from('com.apple.iTunes', 'latin1')),
    box('name', flags, Buffer.from(name, 'utf8')),
    dataAtom(1, Buffer.from(value, 'utf8')),
  );
}

function ilst(tags: TrackTags, picture: Picture | null): Buffer {
  const atoms = [
    textAtom('\xa9nam', tags.title),
    textAtom('\xa9ART', tags.artist),
    textAtom('\xa9alb', tags.album),
    textAtom('aART', tags.albumArtist),
    pairAtom('trkn', tags.track, tags.trackTotal),
    pairAtom('disk', tags.disc, tags.discTotal),
    textAtom('\xa9day', tags.date),
    textAtom('\xa9gen', tags.genre),
  ];
  if (tags.compilation) atoms.push(box('cpil', dataAtom(21, Buffer.from([1]))));
  if (tags.isrc) atoms.push(freeformAtom('ISRC', tags.isrc));
  const mb = tags.mb;
  if (mb) {
    atoms.push(
      freeformAtom('MusicBrainz Album Id', mb.albumId),
      freeformAtom('MusicBrainz Release Group Id', mb.releaseGroupId),
      freeformAtom('MusicBrainz Artist Id', mb.artistId),
      freeformAtom('MusicBrainz Album Artist Id', mb.albumArtistId),
      freeformAtom('MusicBrainz Track Id', mb.recordingId),
      freeformAtom('MusicBrainz Release Track Id', mb.releaseTrackId),
    );
  }
  if (picture) atoms.push(box('covr', dataAtom(picture.mime === 'image/png' ? 14 : 13, picture.data)));
  return box('ilst', ...atoms);
}

export interface Mp4Template {
  /** Everything before moov (ftyp, mdat…): untouched, so the chunk offsets in stco stay valid. */
  head: Buffer;
  /** moov's children other than udta. */
  moovChildren: Buffer[];
}

export function splitMp4(file: Buffer): Mp4Template {
  let offset = 0;
  let moov: Buffer | null = null;
  let moovAt = -1;
  while (offset + 8 <= file.length) {
    const size = file.readUInt32BE(offset);
    if (size < 8) throw new Error('MP4 template uses 64-bit or open-ended boxes, which this writer does not handle');
    if (file.toString('latin1', offset + 4, offset + 8) === 'moov') {
      moov = file.subarray(offset, offset + size);
      moovAt = offset;
    }
    offset += size;
  }
  // Rewriting moov in place is only safe when nothing after it is addressed by offset.
  if (!moov || moovAt + moov.length !== file.length) throw new Error('MP4 template must end with its moov box');
  const moovChildren: Buffer[] = [];
  for (let o = 8; o < moov.length; ) {
    const size = moov.readUInt32BE(o);
    if (moov.toString('latin1', o + 4, o + 8) !== 'udta') moovChildren.push(moov.subarray(o, o + size));
    o += size;
  }
  return { head: file.subarray(0, moovAt), moovChildren };
}

export function mp4File(template: Mp4Template, tags: TrackTags, picture: Picture | null): Buffer {
  const hdlr = Buffer.alloc(25); // version/flags, pre_defined, 'mdir', 'appl', reserved ×2, empty name
  hdlr.write('mdir', 8, 'latin1');
  hdlr.write('appl', 12, 'latin1');
  const meta = box('meta', Buffer.alloc(4), box('hdlr', hdlr), ilst(tags, picture));
  return Buffer.concat([template.head, box('moov', ...template.moovChildren, box('udta', meta))]);
}

// ---------------------------------------------------------------- Ogg (Vorbis, Opus)

const CRC_TABLE = new Uint32Array(256).map((_, i) => {
  let r = i << 24;
  for (let k = 0; k < 8; k++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
  return r >>> 0;
});

/** Ogg's CRC-32: polynomial 0x04c11db7, not reflected, zero initial value, over the page with its CRC field zeroed. */
function setOggCrc(page: Buffer): void {
  page.writeUInt32LE(0, 22);
  let crc = 0;
  for (const byte of page) crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ byte) & 0xff]!) >>> 0;
  page.writeUInt32LE(crc, 22);
}

export interface OggTemplate {
  codec: 'vorbis' | 'opus';
  serial: number;
  /** The identification header's page: always alone on page 0, so it is kept byte for byte. */
  firstPage: Buffer;
  /** Header packets after the comment header (Vorbis' setup header), kept as they are. */
  trailingHeaders: Buffer[];
  /** Audio pages, which by the spec start on a fresh page after the headers. */
  audioPages: Buffer[];
  /** Sequence number of the first audio page in the template, to know whether renumbering is needed. */
  audioStartSeq: number;
}

export function splitOgg(file: Buffer): OggTemplate {
  const pages: Buffer[] = [];
  for (let o = 0; o < file.length; ) {
    if (file.toString('latin1', o, o + 4) !== 'OggS') throw new Error(`Ogg template: no page at byte ${o}`);
    const segments = file[o + 26]!;
    let length = 27 + segments;
    for (let i = 0; i < segments; i++) length += file[o + 27 + i]!;
    pages.push(file.subarray(o, o + length));
    o += length;
  }
  const codec = pages[0]!.toString('latin1', 28, 36) === 'OpusHead' ? 'opus' : 'vorbis';
  const headerCount = codec === 'opus' ? 2 : 3;
  const packets: Buffer[] = [];
  let pending: Buffer[] = [];
  let pageIndex = 0;
  while (packets.length < headerCount) {
    const page = pages[pageIndex++];
    if (!page) throw new Error('Ogg template ends inside its headers');
    const segments = page[26]!;
    let o = 27 + segments;
    for (let i = 0; i < segments; i++) {
      const size = page[27 + i]!;
      pending.push(page.subarray(o, o + size));
      o += size;
      if (size < 255) {
        packets.push(Buffer.concat(pending));
        pending = [];
      }
    }
  }
  if (pending.length > 0) throw new Error('Ogg template: audio shares a page with the headers');
  return {
    codec,
    serial: pages[0]!.readUInt32LE(14),
    firstPage: pages[0]!,
    trailingHeaders: packets.slice(2),
    audioPages: pages.slice(pageIndex),
    audioStartSeq: pageIndex,
  };
}

function oggCommentPacket(codec: 'vorbis' | 'opus', tags: TrackTags): Buffer {
  const vendor = codec === 'opus' ? 'libopus 1.3.1' : 'Xiph.Org libVorbis I 20200704 (Reducing Environment)';
  const entries = [vendor, ...vorbisFields(tags).map(([k, v]) => `${k}=${v}`)].map((s) => Buffer.from(s, 'utf8'));
  const parts: Buffer[] = [codec === 'opus' ? Buffer.from('OpusTags', 'latin1') : Buffer.from('\x03vorbis', 'latin1')];
  entries.forEach((entry, i) => {
    const length = Buffer.alloc(4);
    length.writeUInt32LE(entry.length);
    parts.push(length, entry);
    if (i === 0) {
      const count = Buffer.alloc(4);
      count.writeUInt32LE(entries.length - 1);
      parts.push(count);
    }
  });
  if (codec === 'vorbis') parts.push(Buffer.from([1])); // framing bit
  return Buffer.concat(parts);
}

/** Lays header packets onto pages of at most 255 segments; header pages carry granule position 0. */
function paginate(packets: Buffer[], serial: number, firstSeq: number): Buffer[] {
  const pages: Buffer[] = [];
  let lacing: number[] = [];
  let body: Buffer[] = [];
  let continued = false;
  let packetEnded = false;
  const flush = (nextContinued: boolean) => {
    const page = Buffer.alloc(27 + lacing.length);
    page.write('OggS', 0, 'latin1');
    page[5] = continued ? 1 : 0;
    // A page on which no packet ends has granule -1.
    if (packetEnded) page.writeBigInt64LE(0n, 6);
    else page.writeBigInt64LE(-1n, 6);
    page.writeUInt32LE(serial, 14);
    page.writeUInt32LE(firstSeq + pages.length, 18);
    page[26] = lacing.length;
    lacing.forEach((l, i) => (page[27 + i] = l));
    const full = Buffer.concat([page, ...body]);
    setOggCrc(full);
    pages.push(full);
    lacing = [];
    body = [];
    continued = nextContinued;
    packetEnded = false;
  };
  for (const packet of packets) {
    let o = 0;
    for (;;) {
      const size = Math.min(255, packet.length - o);
      lacing.push(size);
      body.push(packet.subarray(o, o + size));
      o += size;
      const ends = size < 255;
      if (ends) packetEnded = true;
      if (lacing.length === 255) flush(!ends);
      if (ends) break;
    }
  }
  if (lacing.length > 0) flush(false);
  return pages;
}

export function oggFile(template: OggTemplate, tags: TrackTags): Buffer {
  const headerPages = paginate([oggCommentPacket(template.codec, tags), ...template.trailingHeaders], template.serial, 1);
  const audioStartSeq = 1 + headerPages.length;
  let audioPages = template.audioPages;
  if (audioStartSeq !== template.audioStartSeq) {
    // Page sequence numbers must stay contiguous, and each renumbered page needs a fresh CRC.
    audioPages = audioPages.map((original, i) => {
      const page = Buffer.from(original);
      page.writeUInt32LE(audioStartSeq + i, 18);
      setOggCrc(page);
      return page;
    });
  }
  return Buffer.concat([template.firstPage, ...headerPages, ...audioPages]);
}
