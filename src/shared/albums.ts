/** Albums, their matches and their artwork, as the UI and the CLI see them. */

export const MATCH_SOURCES = ['musicbrainz', 'theaudiodb', 'discogs'] as const;
export type MatchSource = (typeof MATCH_SOURCES)[number];

/** null: not tried yet. review: candidates too close to call, waiting for the user. */
export type MatchState = 'matched' | 'review' | 'notFound' | 'deferred';

/** Where a picture came from; the order is the default preference. */
export const ART_SOURCES = ['coverart-release', 'coverart-release-group', 'theaudiodb', 'discogs', 'embedded', 'folder'] as const;
export type ArtSource = (typeof ART_SOURCES)[number];

export const ART_SOURCE_LABELS: Record<ArtSource, string> = {
  'coverart-release': 'Cover Art Archive (release)',
  'coverart-release-group': 'Cover Art Archive (release group)',
  theaudiodb: 'TheAudioDB',
  discogs: 'Discogs',
  embedded: 'Embedded in the files',
  folder: 'Image in the album folder',
};

/** default: the suggestion, until the user picks; user: picked in the chooser; bulk: Accept Suggested. */
export type ArtChosenBy = 'default' | 'user' | 'bulk';

/** Work queue priorities: lower runs first. */
export const PRIORITY = { user: 0, import: 1, backfill: 2 } as const;

export interface AlbumSummary {
  id: number;
  title: string | null;
  artist: string | null;
  folder: string;
  trackCount: number;
  year: number | null;
  musicbrainz: { releaseId: string | null; releaseGroupId: string | null };
  match: {
    state: MatchState | null;
    source: MatchSource | null;
    score: number | null;
    confirmed: boolean;
    /** The matched album's title and artist as the source has them. */
    title: string | null;
    artist: string | null;
  };
  /** The picture chosen (or suggested) for the album. */
  artwork: {
    source: ArtSource | null;
    width: number | null;
    height: number | null;
    chosenBy: ArtChosenBy | null;
    hash: string | null;
  };
  /** Candidates found so far. */
  artCandidates: number;
  /** The files already carry a picture, or the folder has a cover image. */
  hasCurrentArt: boolean;
}

export const ALBUM_VIEWS = ['all', 'review', 'withoutArt', 'notFound', 'unmatched'] as const;
export type AlbumView = (typeof ALBUM_VIEWS)[number];

export interface AlbumListQuery {
  view?: AlbumView;
  filter?: string;
  offset?: number;
  limit?: number;
}

export interface AlbumListPage {
  total: number;
  offset: number;
  albums: AlbumSummary[];
}

/** A release (or a TheAudioDB/Discogs album) an album might be, with how well it fits. */
export interface MatchCandidate {
  source: MatchSource;
  /** The source's id: a MusicBrainz release MBID, a TheAudioDB album id, a Discogs release id. */
  id: string;
  title: string;
  artist: string;
  date: string | null;
  country: string | null;
  format: string | null;
  trackCount: number | null;
  score: number;
  parts: { title: number; artist: number; count: number | null; tracks: number | null };
  releaseGroupId: string | null;
  /** The candidate's tracks, when they were looked up, and which file sits on each. */
  tracks: Array<{ position: number | null; discNumber: number | null; title: string; durationMs: number | null; fileTrackId: number | null }>;
}

export interface AlbumDetail extends AlbumSummary {
  candidates: MatchCandidate[];
  tracks: Array<{
    id: number;
    path: string;
    title: string | null;
    trackNumber: number | null;
    discNumber: number | null;
    durationMs: number | null;
    matched: { title: string | null; trackNumber: number | null; discNumber: number | null; recordingId: string | null } | null;
  }>;
}

export interface ArtCandidate {
  id: number;
  source: ArtSource;
  /** Where it came from: a URL, or a file path for embedded and folder art. */
  ref: string;
  hash: string;
  mime: string;
  width: number;
  height: number;
  bytes: number;
  front: boolean;
  /** What Sleeve would pick: the Cover Art Archive front first. */
  suggested: boolean;
  chosen: boolean;
  /** The same picture as the one the files already carry. */
  matchesCurrent: boolean;
}

/** Which albums an enrichment run covers: all, some by id, or the albums of some tracks. */
export interface EnrichScope {
  albumIds?: number[];
  trackIds?: number[];
}

export interface EnrichStats {
  albums: number;
  matched: number;
  review: number;
  notFound: number;
  deferred: number;
  unmatched: number;
  withArt: number;
  withoutArt: number;
  queued: number;
}
