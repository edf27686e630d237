export type TrackStatus = 'ok' | 'failed' | 'missing';

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
  year: number | null;
  yearSource: string | null;
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
