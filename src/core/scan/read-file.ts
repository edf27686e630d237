import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { fileTypeFromBuffer } from 'file-type';
import { parseFromTokenizer, type IAudioMetadata } from 'music-metadata';
import { describeReadError } from './read-errors';
import { formatFromExtension, formatFromMime } from './formats';
import { SyncFileTokenizer } from './sync-file-tokenizer';
import type { FoundFile, ReadResult, TrackTags } from './types';

const EDGE_BYTES = 64 * 1024;

/** music-metadata options: nothing that reads the whole file or decodes an image. */
const PARSE_OPTIONS = { duration: false, skipCovers: false, includeChapters: false } as const;

interface FileEdges {
  head: Buffer;
  contentKey: string;
}

/**
 * The first and last 64 KiB and a key over them and the size: the same bytes
 * at a new path are the same file moved, so it keeps its row.
 */
function readEdges(fd: number, size: number): FileEdges {
  const head = Buffer.alloc(Math.min(EDGE_BYTES, size));
  const headRead = fs.readSync(fd, head, 0, head.length, 0);
  const hash = createHash('sha1').update(String(size)).update(head.subarray(0, headRead));
  if (size > EDGE_BYTES) {
    const tail = Buffer.alloc(Math.min(EDGE_BYTES, size - EDGE_BYTES));
    const tailRead = fs.readSync(fd, tail, 0, tail.length, size - tail.length);
    hash.update(tail.subarray(0, tailRead));
  }
  return { head: head.subarray(0, headRead), contentKey: hash.digest('base64url').slice(0, 22) };
}

const first = <T>(values: T[] | undefined): T | null => values?.[0] ?? null;
const text = (value: string | null | undefined): string | null => {
  const trimmed = value?.replace(/\0+$/, '').trim();
  return trimmed ? trimmed : null;
};
const positive = (n: number | null | undefined): number | null => (n && n > 0 ? n : null);

function toTrackTags(meta: IAudioMetadata, format: string): TrackTags {
  const { common, format: stream } = meta;
  return {
    format,
    codec: stream.codec ?? null,
    lossless: stream.lossless ?? null,
    bitrate: stream.bitrate ? Math.round(stream.bitrate) : null,
    sampleRate: stream.sampleRate ?? null,
    bitsPerSample: stream.bitsPerSample ?? null,
    channels: stream.numberOfChannels ?? null,
    durationMs: stream.duration ? Math.round(stream.duration * 1000) : null,
    title: text(common.title),
    artist: text(common.artist),
    album: text(common.album),
    albumArtist: text(common.albumartist),
    trackNo: positive(common.track.no),
    trackTotal: positive(common.track.of),
    discNo: positive(common.disk.no),
    discTotal: positive(common.disk.of),
    year: positive(common.year ?? (common.date ? Number.parseInt(common.date, 10) : null)),
    originalYear: positive(common.originalyear ?? (common.originaldate ? Number.parseInt(common.originaldate, 10) : null)),
    genre: text(first(common.genre)),
    isrc: text(first(common.isrc)),
    compilation: common.compilation ?? false,
    mbRecordingId: text(common.musicbrainz_recordingid),
    mbTrackId: text(common.musicbrainz_trackid),
    mbReleaseId: text(common.musicbrainz_albumid),
    mbReleaseGroupId: text(common.musicbrainz_releasegroupid),
    mbArtistIds: common.musicbrainz_artistid ?? [],
    mbAlbumArtistIds: common.musicbrainz_albumartistid ?? [],
    hasArt: (common.picture?.length ?? 0) > 0,
  };
}

/**
 * A header that promises far more audio than the file holds means the file
 * was cut short (an interrupted copy or download). The floors are well under
 * any real encoding (about 4 kbit/s lossy, 8 kbit/s lossless), so only a
 * clearly cut file is flagged.
 */
function truncation(file: FoundFile, tags: TrackTags): string | null {
  if (!tags.durationMs) return null;
  const seconds = tags.durationMs / 1000;
  const floorBytesPerSecond = tags.lossless ? 1000 : 500;
  if (file.size >= seconds * floorBytesPerSecond) return null;
  return `the file is truncated: it holds ${file.size} bytes but its header promises ${seconds.toFixed(1)} s of audio`;
}

/**
 * Reads one file's tags. Never throws: a file that cannot be read becomes a
 * failed result with the reason, and the scan goes on.
 */
export async function readAudioFile(file: FoundFile): Promise<ReadResult> {
  if (file.size === 0) return { ok: false, file, contentKey: null, error: 'the file is empty (0 bytes)' };
  // One open per file: the content key, the sniffing and the parser all read through this tokenizer's descriptor.
  let tokenizer: SyncFileTokenizer;
  try {
    tokenizer = SyncFileTokenizer.open(file.path, file.size);
  } catch (err) {
    return { ok: false, file, contentKey: null, error: describeReadError(err) };
  }
  try {
    return await readOpenFile(file, tokenizer);
  } finally {
    await tokenizer.close();
  }
}

async function readOpenFile(file: FoundFile, tokenizer: SyncFileTokenizer): Promise<ReadResult> {
  let edges: FileEdges;
  try {
    edges = readEdges(tokenizer.fd, file.size);
  } catch (err) {
    return { ok: false, file, contentKey: null, error: describeReadError(err) };
  }
  const { contentKey } = edges;
  // The content decides the parser, not the name: a FLAC file called .mp3 is read as FLAC.
  const sniffed = await fileTypeFromBuffer(edges.head, { mpegOffsetTolerance: 10 }).catch(() => undefined);
  const sniffedFormat = sniffed ? formatFromMime(sniffed.mime) : null;
  if (sniffed && !sniffedFormat) {
    return { ok: false, file, contentKey, error: `not an audio file: its content is ${sniffed.mime} (.${sniffed.ext})` };
  }
  const format = sniffedFormat ?? formatFromExtension(file.path) ?? 'unknown';
  try {
    if (sniffed) tokenizer.fileInfo.mimeType = sniffed.mime;
    const meta = await parseFromTokenizer(tokenizer, PARSE_OPTIONS);
    if (!sniffed && meta.format.hasAudio === false) {
      return { ok: false, file, contentKey, error: 'not an audio file: no audio stream found' };
    }
    if (!sniffed && !meta.format.codec && !meta.format.sampleRate) {
      return { ok: false, file, contentKey, error: 'not an audio file: no audio format recognised in its content' };
    }
    const tags = toTrackTags(meta, format);
    const truncated = truncation(file, tags);
    if (truncated) return { ok: false, file, contentKey, error: truncated };
    return { ok: true, file, contentKey, tags };
  } catch (err) {
    const reason = describeReadError(err);
    // No known signature and the parser for its extension gave up: most likely not audio at all.
    if (!sniffed && reason.startsWith('could not read the tags')) {
      return {
        ok: false,
        file,
        contentKey,
        error: `not an audio file, or a damaged one: its content is not ${format.toUpperCase()} (${(err as Error).message})`,
      };
    }
    return { ok: false, file, contentKey, error: reason };
  }
}
