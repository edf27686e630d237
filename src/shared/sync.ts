/** Playlist sync as the UI and the CLI see it: targets, plans and counters. */

/** Where a playlist goes: the user's Spotify account, or a folder (a phone, a USB player, a NAS share). */
export type SyncTargetSpec = { kind: 'spotify' } | { kind: 'folder'; path: string };

/** The stored form of a target: 'spotify' or 'folder:' and the folder's absolute path. */
export function targetKey(target: SyncTargetSpec): string {
  return target.kind === 'spotify' ? 'spotify' : `folder:${target.path}`;
}

export class SyncTargetError extends Error {}

/** Reads `spotify` or `folder:PATH` as the CLI and the stored rows write them. */
export function parseTargetKey(text: string): SyncTargetSpec {
  const value = text.trim();
  if (value.toLowerCase() === 'spotify') return { kind: 'spotify' };
  if (value.toLowerCase().startsWith('folder:')) {
    const folder = value.slice('folder:'.length).trim();
    if (folder === '') throw new SyncTargetError('folder: needs a path, as in folder:/media/phone/Music.');
    return { kind: 'folder', path: folder };
  }
  throw new SyncTargetError(`Unknown sync target '${text}': use spotify or folder:PATH.`);
}

/**
 * update: a folder's own change that copies or removes no track, such as a
 * playlist file in a new order, or ReplayGain tags for copies made before.
 */
export const SYNC_ACTIONS = ['add', 'remove', 'update', 'unchanged', 'unmatched', 'review'] as const;
export type SyncAction = (typeof SYNC_ACTIONS)[number];

/**
 * Why a track is the Spotify track it is (a known id, its ISRC, an exact or a
 * fuzzy name match, the user's choice), or why it has none.
 */
export const MATCH_REASONS = ['id', 'isrc', 'exact', 'fuzzy', 'manual', 'review', 'notFound', 'deferred'] as const;
export type MatchReason = (typeof MATCH_REASONS)[number];

export type SpotifyMatchState = 'matched' | 'review' | 'notFound' | 'deferred';

export interface SyncPlanItem {
  action: SyncAction;
  trackId: number | null;
  /** A Spotify URI, or the file's path under the target folder. */
  item: string | null;
  title: string | null;
  artist: string | null;
  /** A MatchReason for Spotify; for a folder, why a file is copied or left. */
  reason: string | null;
  score: number | null;
}

export interface SyncPlan {
  playlistId: number;
  playlistName: string;
  /** targetKey() of the target. */
  target: string;
  /** The Spotify playlist id, once Sleeve has made one. */
  remoteId: string | null;
  items: SyncPlanItem[];
  counts: Record<SyncAction, number>;
}

export function countPlan(items: readonly SyncPlanItem[]): Record<SyncAction, number> {
  const counts = Object.fromEntries(SYNC_ACTIONS.map((a) => [a, 0])) as Record<SyncAction, number>;
  for (const item of items) counts[item.action] += 1;
  return counts;
}

export const SYNC_COUNTERS = [
  'playlists',
  'tracks',
  'matched',
  'review',
  'notFound',
  'deferred',
  'added',
  'removed',
  'unchanged',
  'copied',
  'gained',
  'failed',
  'requests',
] as const;
export type SyncCounter = (typeof SYNC_COUNTERS)[number];

/** A Spotify track offered for a track that needs review. */
export interface SpotifyCandidate {
  uri: string;
  name: string;
  artists: string[];
  album: string;
  durationMs: number;
  score: number;
}

export interface SyncReviewItem {
  trackId: number;
  title: string | null;
  artist: string | null;
  album: string | null;
  durationMs: number | null;
  candidates: SpotifyCandidate[];
}

export interface SyncRequest {
  playlistIds: number[];
  target: SyncTargetSpec;
  /** Plan only: nothing is written anywhere. */
  dryRun?: boolean;
  /** Spotify searches (or file copies) at once. */
  workers?: number;
  /** Spotify: also remove entries Sleeve did not add. */
  mirror?: boolean;
  /** Folder: measure ReplayGain 2.0 with ffmpeg and tag the copies. */
  replayGain?: boolean;
}

export interface SyncOptions {
  spotifyConnected: boolean;
  replayGain: { available: true } | { available: false; reason: string };
  defaultWorkers: { spotify: number; folder: number };
}
