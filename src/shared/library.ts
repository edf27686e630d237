export type TrackStatus = 'ok' | 'failed' | 'missing';

export const YEAR_SOURCES = ['tag', 'mbid', 'fuzzy-mb', 'theaudiodb', 'discogs', 'user'] as const;
export type YearSource = (typeof YEAR_SOURCES)[number];
export type YearState = 'found' | 'notFound' | 'deferred';

export interface YearIds {
  recordingId?: string;
  releaseId?: string;
  releaseGroupId?: string;
  theaudiodbTrackId?: string;
  discogsMasterId?: number;
}

/** Tracks and listens per year, for the Years view. */
export interface YearStats {
  tracks: Array<{ year: number; count: number }>;
  listens: Array<{ year: number; count: number }>;
  trackTotal: number;
  tracksWithYear: number;
  listenTotal: number;
  listensWithYear: number;
  /** Tracks per year source, and 'none'. */
  trackSources: Record<string, number>;
  /** Items a years run would look at now: not looked up, or deferred. */
  pending: number;
}

/** Which tracks a years run covers: all, or those a Library view shows. */
export interface YearScope {
  filter?: string;
  album?: AlbumKey;
  trackIds?: number[];
}

/** One track as the CLI and the UI see it. */
export interface Track {
  id: number;
  path: string;
  title: string | null;
  artist: string | null;
  album: string | null;
  albumArtist: string | null;
  trackNumber: number | null;
  discNumber: number | null;
  /** The original year: the recording's first release, not this album's reissue. */
  year: number | null;
  yearSource: YearSource | null;
  /** The year of the release in hand (a remaster's, a compilation's). */
  albumYear: number | null;
  /** How sure the lookup was, 0 to 1; 1 for an id lookup or a year the user set. */
  yearScore: number | null;
  /** What the year was taken from. */
  yearIds: YearIds | null;
  /** The lookup's outcome: null until looked up. */
  yearState: YearState | null;
  durationMs: number | null;
  format: string | null;
  codec: string | null;
  bitrate: number | null;
  sampleRate: number | null;
  genre: string | null;
  isrc: string | null;
  hasArt: boolean;
  status: TrackStatus;
  error: string | null;
  musicbrainz: {
    recordingId: string | null;
    trackId: string | null;
    releaseId: string | null;
    releaseGroupId: string | null;
    artistIds: string[];
  };
}

export const TRACK_SORTS = ['artist', 'album', 'title', 'track', 'year', 'format', 'duration', 'path'] as const;
export type TrackSort = (typeof TRACK_SORTS)[number];

export interface TrackQuery {
  /** Words that must all appear in the title, artist, album or path. */
  filter?: string;
  sort?: TrackSort;
  descending?: boolean;
  /** Only this album, as an AlbumRow names it. */
  album?: AlbumKey;
  status?: TrackStatus;
  offset?: number;
  limit?: number;
}

export interface TrackPage {
  total: number;
  offset: number;
  tracks: Track[];
}

/** An album: its artist and title tags, or, for tracks with no album tag, their folder. */
export interface AlbumKey {
  artist: string | null;
  title: string | null;
  /** Set when the tracks have no album tag: the folder stands in for the album. */
  folder: string | null;
}

export interface AlbumRow extends AlbumKey {
  year: number | null;
  tracks: number;
  durationMs: number;
  formats: string;
}

export interface AlbumPage {
  total: number;
  offset: number;
  albums: AlbumRow[];
}

export interface LibraryStats {
  tracks: number;
  albums: number;
  failed: number;
  missing: number;
  roots: string[];
}
