/** Playlists imported from M3U/M3U8 files, as the UI and the CLI see them. */
import type { Track } from './library';

/**
 * How an entry found its track: the path as written, the path taken relative
 * to the playlist's folder, the tags (the file moved, or the playlist came
 * from another machine), or not at all.
 */
export const RESOLUTIONS = ['path', 'relative', 'tags', 'missing'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

export interface PlaylistSummary {
  id: number;
  name: string;
  /** The file it was imported from; a re-import of that file updates this playlist. */
  sourcePath: string | null;
  createdAt: number;
  updatedAt: number;
  entryCount: number;
  missingCount: number;
}

export interface PlaylistEntry {
  /** 0-based place in the playlist; the same track may sit at several. */
  position: number;
  /** 1-based line of the source file the entry was read from. */
  line: number | null;
  /** The path or URL exactly as the playlist wrote it. */
  location: string;
  resolution: Resolution;
  trackId: number | null;
  /** What the #EXTINF line said, if there was one. */
  extinf: { artist: string | null; title: string | null; durationSeconds: number | null };
  track: Track | null;
}

export interface PlaylistDetail extends PlaylistSummary {
  entries: PlaylistEntry[];
}

/** An entry left without a track, with the reason, for the import report. */
export interface UnresolvedEntry {
  line: number;
  location: string;
  reason: string;
}

export interface PlaylistImportResult {
  playlist: PlaylistSummary;
  /** false when the file had been imported before and its playlist was updated. */
  created: boolean;
  counts: Record<Resolution, number>;
  missing: UnresolvedEntry[];
  /** Lines that could not be read as written (a malformed #EXTINF); their entries are still kept. */
  problems: Array<{ line: number; reason: string }>;
}
