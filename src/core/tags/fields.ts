/**
 * Sleeve's write fields in each format's own tag, in the mapping Picard uses
 * (https://picard-docs.musicbrainz.org/en/appendices/tag_mapping.html), so
 * players, Picard and beets read what Sleeve writes. node-taglib-sharp does
 * the frame and atom work; this file only says which tag is which field.
 *
 * MP3: ID3v2.4, or 2.3 (TDOR becomes TORY, multiple values join with '/').
 * FLAC, Ogg Vorbis, Opus: Vorbis comments (FLAC pictures in their own blocks).
 * MP4/M4A: iTunes atoms and '----:com.apple.iTunes:' freeform atoms.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import {
  ByteVector,
  File,
  Id3v2FrameClassType,
  Id3v2FrameIdentifiers,
  Id3v2Settings,
  Id3v2Tag,
  Id3v2UniqueFileIdentifierFrame,
  Id3v2UserTextInformationFrame,
  Mpeg4AppleTag,
  MpegAudioFileSettings,
  Picture,
  PictureType,
  ReadStyle,
  StringType,
  TagTypes,
  XiphComment,
  type IPicture,
  type Tag,
} from 'node-taglib-sharp';
import { MULTI_VALUE_FIELDS, MULTI_VALUE_SEPARATOR, WRITE_FIELDS, type TagValues, type WriteField } from '../../shared/write-back';

// taglib would add an ID3v1 tag to every MP3 it saves (the file gains 128 bytes
// no one asked for, and undo could not take them away): only tags on disk.
MpegAudioFileSettings.defaultTagTypes = TagTypes.Id3v2;
// Genres as names ('Rock'), as Picard writes them, not ID3v1 numbers ('(17)').
Id3v2Settings.useNumericGenres = false;

/** The formats Sleeve writes, by extension. Others are reported, never touched. */
const WRITABLE_EXTENSIONS: Record<string, WritableFormat> = {
  '.mp3': 'mp3',
  '.flac': 'flac',
  '.m4a': 'm4a',
  '.mp4': 'm4a',
  '.m4b': 'm4a',
  '.ogg': 'ogg',
  '.oga': 'ogg',
  '.opus': 'opus',
};
export type WritableFormat = 'mp3' | 'flac' | 'm4a' | 'ogg' | 'opus';

export function writableFormatOf(file: string): WritableFormat | null {
  return WRITABLE_EXTENSIONS[path.extname(file).toLowerCase()] ?? null;
}

export class TagFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TagFormatError';
  }
}

/** An embedded picture, whole: what the undo journal keeps and puts back. */
export interface EmbeddedPicture {
  type: number;
  mime: string;
  description: string;
  data: Buffer;
}

export interface FileTags {
  values: TagValues;
  /** Every embedded picture, in order (not only the front cover). */
  pictures: EmbeddedPicture[];
  /** 3 or 4 for MP3 (null where the file has no ID3v2 tag yet); null for other formats. */
  id3Version: number | null;
  /** MP3: what an ID3v1 tag at the end holds, or null where there is none. */
  id3v1: TagValues | null;
}

export interface TagChanges {
  /** New values; a field set to null is removed from the file. */
  values: Partial<Record<WriteField, string | null>>;
  /** The whole picture list to leave in the file, when the cover changes (or undo puts pictures back). */
  pictures?: EmbeddedPicture[];
  /** MP3: the ID3v2 version to save as. */
  id3Version?: 3 | 4;
  /**
   * MP3 with an ID3v1 tag: its values (undo puts back what it held). Without
   * this, the v1 fields follow the new values, since readers that prefer v1
   * for a year or a track number would otherwise still see the old one.
   */
  id3v1?: Partial<Record<WriteField, string | null>>;
}

/** What an ID3v1 tag can hold of the write fields. */
const ID3V1_FIELDS: ReadonlySet<WriteField> = new Set(['title', 'artist', 'album', 'year', 'track', 'genre']);

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** The front cover's key: the sha256 of its bytes, as the artwork cache names pictures. */
export function frontCoverHash(pictures: readonly EmbeddedPicture[]): string | null {
  const front = pictures.find((p) => p.type === PictureType.FrontCover) ?? (pictures.length === 1 ? pictures[0] : undefined);
  return front ? sha256(front.data) : null;
}

/** The picture list with every front cover replaced by this one, placed first. */
export function withFrontCover(pictures: readonly EmbeddedPicture[], cover: EmbeddedPicture): EmbeddedPicture[] {
  const others = pictures.filter((p) => p.type !== PictureType.FrontCover && !(pictures.length === 1 && p.type === PictureType.Other));
  return [{ ...cover, type: PictureType.FrontCover }, ...others];
}

// ---------------------------------------------------------------------------
// Values as text

const firstNumber = (text: string | null | undefined): string | null => {
  const n = Number.parseInt(String(text ?? '').trim(), 10);
  return Number.isFinite(n) && n > 0 ? String(n) : null;
};
const yearOf = (text: string | null | undefined): string | null => {
  const match = /^\s*(\d{4})/.exec(String(text ?? ''));
  return match && Number(match[1]) > 0 ? match[1]! : null;
};
const clean = (values: readonly string[]): string[] => values.map((v) => v.replace(/\0+$/, '').trim()).filter((v) => v !== '');
const joined = (values: readonly string[]): string | null => {
  const kept = clean(values);
  return kept.length > 0 ? kept.join(MULTI_VALUE_SEPARATOR) : null;
};
export const splitValues = (value: string): string[] => clean(value.split(MULTI_VALUE_SEPARATOR));

/** Two values mean the same tag (a date '1977-05-25' holds the year '1977'; MBIDs ignore case). */
export function sameValue(field: WriteField, a: string | null | undefined, b: string | null | undefined): boolean {
  const x = a ?? null;
  const y = b ?? null;
  if (x === null || y === null) return x === y;
  if (field === 'year' || field === 'originalYear') return yearOf(x) === yearOf(y);
  if (field === 'track' || field === 'disc') return firstNumber(x) === firstNumber(y);
  if (field.startsWith('mb')) return x.toLowerCase() === y.toLowerCase();
  return x === y;
}

// ---------------------------------------------------------------------------
// One adapter per tag family

interface TagAdapter {
  get(field: Exclude<WriteField, 'cover'>): string | null;
  set(field: Exclude<WriteField, 'cover'>, value: string | null): void;
}

const XIPH_KEYS: Record<Exclude<WriteField, 'cover'>, readonly string[]> = {
  title: ['TITLE'],
  artist: ['ARTIST'],
  album: ['ALBUM'],
  albumArtist: ['ALBUMARTIST'],
  year: ['DATE'],
  originalYear: ['ORIGINALDATE', 'ORIGINALYEAR'],
  track: ['TRACKNUMBER'],
  disc: ['DISCNUMBER'],
  isrc: ['ISRC'],
  genre: ['GENRE'],
  mbRecordingId: ['MUSICBRAINZ_TRACKID'],
  mbTrackId: ['MUSICBRAINZ_RELEASETRACKID'],
  mbReleaseId: ['MUSICBRAINZ_ALBUMID'],
  mbReleaseGroupId: ['MUSICBRAINZ_RELEASEGROUPID'],
  mbArtistId: ['MUSICBRAINZ_ARTISTID'],
  mbAlbumArtistId: ['MUSICBRAINZ_ALBUMARTISTID'],
};

function xiphAdapter(comment: XiphComment): TagAdapter {
  return {
    get(field) {
      for (const key of XIPH_KEYS[field]) {
        const values = clean(comment.getField(key));
        if (values.length === 0) continue;
        if (field === 'track' || field === 'disc') return firstNumber(values[0]);
        return MULTI_VALUE_FIELDS.has(field) ? joined(values) : values[0]!;
      }
      return null;
    },
    set(field, value) {
      const keys = XIPH_KEYS[field];
      if (value === null) {
        for (const key of keys) comment.removeField(key);
        return;
      }
      if (field === 'track' || field === 'disc') {
        // 'n/total' in one field is common: keep the total where the file had one.
        const old = comment.getFieldFirstValue(keys[0]!);
        const total = /\/\s*(\d+)/.exec(old ?? '')?.[1];
        comment.setFieldAsStrings(keys[0]!, total ? `${value}/${total}` : value);
        return;
      }
      const values = MULTI_VALUE_FIELDS.has(field) ? splitValues(value) : [value];
      for (const key of keys) comment.setFieldAsStrings(key, ...values);
    },
  };
}

const ITUNES = 'com.apple.iTunes';
/** Freeform '----:com.apple.iTunes:NAME' atoms, as Picard names them. */
const APPLE_FREEFORM: Partial<Record<WriteField, string>> = {
  originalYear: 'ORIGINALDATE',
  isrc: 'ISRC',
  mbRecordingId: 'MusicBrainz Track Id',
  mbTrackId: 'MusicBrainz Release Track Id',
  mbReleaseId: 'MusicBrainz Album Id',
  mbReleaseGroupId: 'MusicBrainz Release Group Id',
  mbArtistId: 'MusicBrainz Artist Id',
  mbAlbumArtistId: 'MusicBrainz Album Artist Id',
};

function appleAdapter(tag: Mpeg4AppleTag): TagAdapter {
  return {
    get(field) {
      const freeform = APPLE_FREEFORM[field];
      if (freeform) {
        const values = clean(tag.getItunesStrings(ITUNES, freeform));
        if (field === 'originalYear') return yearOf(values[0]) ?? yearOf(tag.getFirstItunesString(ITUNES, 'ORIGINALYEAR'));
        return MULTI_VALUE_FIELDS.has(field) ? joined(values) : (values[0] ?? null);
      }
      return genericGet(tag, field);
    },
    set(field, value) {
      const freeform = APPLE_FREEFORM[field];
      if (freeform) {
        const values = value === null ? [] : MULTI_VALUE_FIELDS.has(field) ? splitValues(value) : [value];
        tag.setItunesStrings(ITUNES, freeform, ...values);
        if (field === 'originalYear') tag.setItunesStrings(ITUNES, 'ORIGINALYEAR', ...values.map((v) => yearOf(v) ?? v));
        return;
      }
      genericSet(tag, field, value);
    },
  };
}

const MUSICBRAINZ_UFID_OWNER = 'http://musicbrainz.org';
/** The original release time frame: TDOR in 2.4, which taglib renders as TORY in 2.3. */
const TDOR = Id3v2FrameIdentifiers.TDOR!;
/** TXXX descriptions, as Picard writes them. */
const ID3_USER_TEXT: Partial<Record<WriteField, string>> = {
  mbTrackId: 'MusicBrainz Release Track Id',
  mbReleaseId: 'MusicBrainz Album Id',
  mbReleaseGroupId: 'MusicBrainz Release Group Id',
  mbArtistId: 'MusicBrainz Artist Id',
  mbAlbumArtistId: 'MusicBrainz Album Artist Id',
};

function id3Adapter(tag: Id3v2Tag): TagAdapter {
  const userFrames = () => tag.getFramesByClassType<Id3v2UserTextInformationFrame>(Id3v2FrameClassType.UserTextInformationFrame);
  return {
    get(field) {
      const description = ID3_USER_TEXT[field];
      if (description) {
        const frame = Id3v2UserTextInformationFrame.findUserTextInformationFrame(userFrames(), description, false);
        // 2.3 has no multiple values: Picard joins them with '/'.
        const values = clean(frame?.text ?? []).flatMap((v) => (MULTI_VALUE_FIELDS.has(field) ? v.split('/') : [v]));
        return MULTI_VALUE_FIELDS.has(field) ? joined(values) : (values[0] ?? null);
      }
      if (field === 'mbRecordingId') {
        const frames = tag.getFramesByClassType<Id3v2UniqueFileIdentifierFrame>(Id3v2FrameClassType.UniqueFileIdentifierFrame);
        const frame = Id3v2UniqueFileIdentifierFrame.find(frames, MUSICBRAINZ_UFID_OWNER);
        return frame ? clean([frame.identifier.toString(StringType.Latin1)])[0] ?? null : null;
      }
      if (field === 'originalYear') return yearOf(tag.getTextAsString(TDOR));
      return genericGet(tag, field);
    },
    set(field, value) {
      const description = ID3_USER_TEXT[field];
      if (description) {
        for (const frame of userFrames().filter((f) => f.description.toLowerCase() === description.toLowerCase())) tag.removeFrame(frame);
        if (value === null) return;
        const frame = Id3v2UserTextInformationFrame.fromDescription(description);
        const values = MULTI_VALUE_FIELDS.has(field) ? splitValues(value) : [value];
        frame.text = tag.version < 4 ? [values.join('/')] : values;
        tag.addFrame(frame);
        return;
      }
      if (field === 'mbRecordingId') {
        const frames = tag.getFramesByClassType<Id3v2UniqueFileIdentifierFrame>(Id3v2FrameClassType.UniqueFileIdentifierFrame);
        for (const frame of frames.filter((f) => f.owner === MUSICBRAINZ_UFID_OWNER)) tag.removeFrame(frame);
        if (value !== null) tag.addFrame(Id3v2UniqueFileIdentifierFrame.fromData(MUSICBRAINZ_UFID_OWNER, ByteVector.fromString(value, StringType.Latin1)));
        return;
      }
      if (field === 'originalYear') {
        tag.removeFrames(TDOR);
        if (value !== null) tag.setTextFrame(TDOR, value);
        return;
      }
      genericSet(tag, field, value);
    },
  };
}

/** Fields every taglib tag maps to its format's standard place (TIT2, ©nam, TRCK, trkn...). */
function genericGet(tag: Tag, field: Exclude<WriteField, 'cover'>): string | null {
  switch (field) {
    case 'title':
      return clean([tag.title ?? ''])[0] ?? null;
    case 'artist':
      return joined(tag.performers ?? []);
    case 'album':
      return clean([tag.album ?? ''])[0] ?? null;
    case 'albumArtist':
      return joined(tag.albumArtists ?? []);
    case 'year':
      return tag.year > 0 ? String(tag.year) : null;
    case 'track':
      return tag.track > 0 ? String(tag.track) : null;
    case 'disc':
      return tag.disc > 0 ? String(tag.disc) : null;
    case 'isrc':
      return clean([tag.isrc ?? ''])[0] ?? null;
    case 'genre':
      return joined(tag.genres ?? []);
    case 'mbRecordingId':
      return clean([tag.musicBrainzTrackId ?? ''])[0] ?? null;
    case 'mbReleaseId':
      return clean([tag.musicBrainzReleaseId ?? ''])[0] ?? null;
    case 'mbReleaseGroupId':
      return clean([tag.musicBrainzReleaseGroupId ?? ''])[0] ?? null;
    default:
      return null;
  }
}

function genericSet(tag: Tag, field: Exclude<WriteField, 'cover'>, value: string | null): void {
  const text = value ?? undefined;
  switch (field) {
    case 'title':
      tag.title = text as string;
      return;
    case 'artist':
      // One canonical credit ('A feat. B'), as MusicBrainz writes it.
      tag.performers = value === null ? [] : [value];
      return;
    case 'album':
      tag.album = text as string;
      return;
    case 'albumArtist':
      tag.albumArtists = value === null ? [] : [value];
      return;
    case 'year':
      tag.year = value === null ? 0 : Number(yearOf(value) ?? 0);
      return;
    case 'track':
      tag.track = value === null ? 0 : Number(firstNumber(value) ?? 0);
      return;
    case 'disc':
      tag.disc = value === null ? 0 : Number(firstNumber(value) ?? 0);
      return;
    case 'isrc':
      tag.isrc = text as string;
      return;
    case 'genre':
      tag.genres = value === null ? [] : splitValues(value);
      return;
    case 'mbRecordingId':
      tag.musicBrainzTrackId = text as string;
      return;
    case 'mbReleaseId':
      tag.musicBrainzReleaseId = text as string;
      return;
    case 'mbReleaseGroupId':
      tag.musicBrainzReleaseGroupId = text as string;
      return;
    default:
      throw new TagFormatError(`${field} has no standard tag in this format`);
  }
}

// ---------------------------------------------------------------------------
// Files

interface OpenTags {
  format: WritableFormat;
  adapter: TagAdapter;
  /** Where the pictures live: the combined tag (FLAC blocks, APIC, covr, METADATA_BLOCK_PICTURE). */
  pictureTag: Tag;
  id3: Id3v2Tag | null;
  id3v1: Tag | null;
}

function openTags(file: File, format: WritableFormat, create: boolean): OpenTags | null {
  if (format === 'mp3') {
    const id3 = file.getTag(TagTypes.Id3v2, create) as Id3v2Tag | undefined;
    const id3v1 = file.tagTypesOnDisk & TagTypes.Id3v1 ? ((file.getTag(TagTypes.Id3v1, false) as Tag | undefined) ?? null) : null;
    return id3 ? { format, adapter: id3Adapter(id3), pictureTag: id3, id3, id3v1 } : null;
  }
  if (format === 'm4a') {
    const apple = file.getTag(TagTypes.Apple, create) as Mpeg4AppleTag | undefined;
    return apple ? { format, adapter: appleAdapter(apple), pictureTag: apple, id3: null, id3v1: null } : null;
  }
  const xiph = file.getTag(TagTypes.Xiph, create) as XiphComment | undefined;
  if (!xiph) return null;
  // FLAC keeps pictures in blocks of their own, which the file's combined tag reaches.
  return { format, adapter: xiphAdapter(xiph), pictureTag: format === 'flac' ? file.tag : xiph, id3: null, id3v1: null };
}

function toEmbedded(picture: IPicture): EmbeddedPicture {
  return {
    type: picture.type,
    mime: picture.mimeType ?? '',
    description: picture.description ?? '',
    data: Buffer.from(picture.data.toByteArray()),
  };
}

function toTaglib(picture: EmbeddedPicture): IPicture {
  return Picture.fromFullData(ByteVector.fromByteArray(picture.data), picture.type as PictureType, picture.mime, picture.description);
}

function openFile(file: string): { handle: File; format: WritableFormat } {
  const format = writableFormatOf(file);
  if (!format) throw new TagFormatError(`Sleeve does not write tags to ${path.extname(file) || 'extension-less'} files yet`);
  let handle: File;
  try {
    handle = File.createFromPath(file, undefined, ReadStyle.None);
  } catch (err) {
    throw new TagFormatError(`the tags cannot be read: ${err instanceof Error ? err.message : String(err)}`);
  }
  return { handle, format };
}

function readOpen(handle: File, format: WritableFormat): FileTags {
  const tags = openTags(handle, format, false);
  const values: TagValues = {};
  if (tags) {
    for (const field of WRITE_FIELDS) {
      if (field === 'cover') continue;
      const value = tags.adapter.get(field);
      if (value !== null) values[field] = value;
    }
  }
  const pictures = (tags?.pictureTag ?? handle.tag).pictures.map(toEmbedded);
  const cover = frontCoverHash(pictures);
  if (cover) values.cover = cover;
  let id3v1: TagValues | null = null;
  if (tags?.id3v1) {
    id3v1 = {};
    for (const field of ID3V1_FIELDS) {
      const value = genericGet(tags.id3v1, field as Exclude<WriteField, 'cover'>);
      if (value !== null) id3v1[field] = value;
    }
  }
  return { values, pictures, id3Version: tags?.id3?.version ?? null, id3v1 };
}

/** The write fields as the file holds them now, with its pictures. */
export function readFileTags(file: string): FileTags {
  const { handle, format } = openFile(file);
  try {
    return readOpen(handle, format);
  } finally {
    handle.dispose();
  }
}

/** Changes the file's tags in place: meant for a temp copy (see atomic.ts), never the user's file. */
export function writeFileTags(file: string, changes: TagChanges): void {
  const { handle, format } = openFile(file);
  try {
    const tags = openTags(handle, format, true);
    if (!tags) throw new TagFormatError(`this ${format} file cannot hold tags`);
    if (tags.id3 && changes.id3Version) tags.id3.version = changes.id3Version;
    for (const [field, value] of Object.entries(changes.values) as Array<[WriteField, string | null]>) {
      if (field === 'cover') continue;
      tags.adapter.set(field, value);
    }
    if (tags.id3v1) {
      const v1 = changes.id3v1 ?? changes.values;
      for (const [field, value] of Object.entries(v1) as Array<[WriteField, string | null]>) {
        if (ID3V1_FIELDS.has(field)) genericSet(tags.id3v1, field as Exclude<WriteField, 'cover'>, value);
      }
    }
    if (changes.pictures) tags.pictureTag.pictures = changes.pictures.map(toTaglib);
    handle.save();
  } finally {
    handle.dispose();
  }
}
