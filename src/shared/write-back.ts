/** Writing what Sleeve found back into the files, as the UI and the CLI see it. */

/**
 * What Sleeve can write. Each goes to its format's standard tag in Picard's
 * mapping (src/core/tags/fields.ts), so other tools read what we write.
 */
export const WRITE_FIELDS = [
  'title',
  'artist',
  'album',
  'albumArtist',
  'year',
  'originalYear',
  'track',
  'disc',
  'isrc',
  'genre',
  'mbRecordingId',
  'mbTrackId',
  'mbReleaseId',
  'mbReleaseGroupId',
  'mbArtistId',
  'mbAlbumArtistId',
  'cover',
] as const;
export type WriteField = (typeof WRITE_FIELDS)[number];

export const WRITE_FIELD_LABELS: Record<WriteField, string> = {
  title: 'Title',
  artist: 'Artist',
  album: 'Album',
  albumArtist: 'Album artist',
  year: 'Year (date)',
  originalYear: 'Original year',
  track: 'Track number',
  disc: 'Disc number',
  isrc: 'ISRC',
  genre: 'Genre',
  mbRecordingId: 'MusicBrainz recording ID',
  mbTrackId: 'MusicBrainz track ID',
  mbReleaseId: 'MusicBrainz release ID',
  mbReleaseGroupId: 'MusicBrainz release group ID',
  mbArtistId: 'MusicBrainz artist ID',
  mbAlbumArtistId: 'MusicBrainz album artist ID',
  cover: 'Front cover',
};

/** The settings list fields in these groups. */
export const WRITE_FIELD_GROUPS: ReadonlyArray<{ label: string; fields: readonly WriteField[] }> = [
  { label: 'Names', fields: ['title', 'artist', 'album', 'albumArtist'] },
  { label: 'Years', fields: ['year', 'originalYear'] },
  { label: 'Numbers', fields: ['track', 'disc'] },
  { label: 'ISRC and genre', fields: ['isrc', 'genre'] },
  { label: 'MusicBrainz IDs', fields: ['mbRecordingId', 'mbTrackId', 'mbReleaseId', 'mbReleaseGroupId', 'mbArtistId', 'mbAlbumArtistId'] },
  { label: 'Artwork', fields: ['cover'] },
];

/** Fields that hold several values; they travel joined by MULTI_VALUE_SEPARATOR. */
export const MULTI_VALUE_FIELDS: ReadonlySet<WriteField> = new Set(['genre', 'mbArtistId', 'mbAlbumArtistId']);
export const MULTI_VALUE_SEPARATOR = '; ';

/**
 * Tag values as text: a missing key is a tag the file does not have. Years
 * are the year ('1977'), numbers the number ('3'), cover the sha256 of the
 * front picture's bytes (the artwork cache's key).
 */
export type TagValues = Partial<Record<WriteField, string>>;

export interface WriteSettings {
  fields: WriteField[];
  /** ID3v2.4 (the default) or 2.3 for old players; MP3 only. */
  id3Version: 3 | 4;
  /** Also put the chosen cover in the album's folder as cover.jpg (or .png), where none is there. */
  coverFile: boolean;
  /** Give written files back their modification times, so players that sort by them are not upset. */
  keepMtime: boolean;
}

export const DEFAULT_WRITE_SETTINGS: WriteSettings = {
  fields: [...WRITE_FIELDS],
  id3Version: 4,
  coverFile: false,
  keepMtime: false,
};

/** Which files a write (or its preview) looks at. */
export type WriteScope = { kind: 'all' } | { kind: 'albums'; albumIds: number[] } | { kind: 'tracks'; trackIds: number[] };

export interface WriteRequest {
  scope: WriteScope;
  /** Over the saved settings. */
  settings?: Partial<WriteSettings>;
  /** Files the user unticked in the preview. */
  excludeTrackIds?: number[];
}

export interface FieldChange {
  field: WriteField;
  old: string | null;
  new: string | null;
}

export interface WritePreviewFile {
  trackId: number;
  albumId: number | null;
  path: string;
  title: string | null;
  artist: string | null;
  album: string | null;
  format: string | null;
  changes: FieldChange[];
  /** Why the file will not be written as it stands (a format Sleeve does not write, missing since the scan). */
  problem: string | null;
}

export interface WritePreview {
  files: WritePreviewFile[];
  /** Files in scope with at least one change (files holds a page of them). */
  changed: number;
  unchanged: number;
  /** Files that would be skipped (problem set). */
  problems: number;
  /** How many files of each field would change. */
  byField: Partial<Record<WriteField, number>>;
  offset: number;
}

export const WRITE_COUNTERS = ['files', 'written', 'unchanged', 'skipped', 'failed', 'bytes'] as const;
export const UNDO_COUNTERS = ['files', 'restored', 'skipped', 'failed', 'bytes'] as const;

/** What Undo puts back: a whole write job, an album, or files. */
export type UndoScope = { kind: 'job'; jobId: number } | { kind: 'album'; albumId: number } | { kind: 'tracks'; trackIds: number[] };

/** A write job that left something to undo. */
export interface WriteHistoryEntry {
  jobId: number;
  at: number;
  /** Files it wrote that are still as it left them (undo would restore them). */
  undoable: number;
  written: number;
  undone: number;
}

/** A file a write did not write, and why (it is as it was). */
export interface WriteProblemItem {
  path: string;
  state: 'skipped' | 'failed';
  error: string;
}
