import { normalizeAlbum, normalizeArtist, normalizeTitle } from './normalize';
import { durationSimilarity, textSimilarity } from './score';

/** An album as the files have it. */
export interface AlbumQuery {
  title: string;
  artist: string;
  tracks: ReadonlyArray<{ title: string; trackNumber?: number | null; discNumber?: number | null; durationMs?: number | null }>;
}

/** A release as a service has it; tracks are known after a lookup, not from a search. */
export interface ReleaseCandidate<T> {
  title: string;
  artists: readonly string[];
  trackCount: number | null;
  tracks?: ReadonlyArray<{ ref: T; title: string; position: number | null; discNumber: number | null; durationMs: number | null }>;
}

export interface ReleaseScore<T> {
  score: number;
  parts: { title: number; artist: number; count: number | null; tracks: number | null };
  /** For each query track (by index), the release track it sits on, when it found one. */
  placements: Array<T | null>;
}

/** How one file's track compares with one release track: name first, then length, then place. */
function trackSimilarity(
  query: AlbumQuery['tracks'][number],
  candidate: NonNullable<ReleaseCandidate<unknown>['tracks']>[number],
): number {
  const title = textSimilarity(normalizeTitle(query.title).key, normalizeTitle(candidate.title).key);
  const duration = durationSimilarity(query.durationMs, candidate.durationMs);
  const samePlace =
    query.trackNumber !== null && query.trackNumber !== undefined && candidate.position !== null
      ? query.trackNumber === candidate.position && (query.discNumber ?? 1) === (candidate.discNumber ?? 1)
        ? 1
        : 0
      : null;
  const parts: Array<[number, number | null]> = [
    [0.7, title],
    [0.2, duration],
    [0.1, samePlace],
  ];
  const weight = parts.reduce((sum, [w, v]) => sum + (v === null ? 0 : w), 0);
  return parts.reduce((sum, [w, v]) => sum + (v === null ? 0 : w * v), 0) / weight;
}

/** Below this a file's track is not placed on a release track at all. */
const PLACEMENT_THRESHOLD = 0.8;

/**
 * Places the files' tracks on the release's tracks, each release track used
 * once: best pairs first, ties broken by index, so the result never depends
 * on the order anything arrived in.
 */
function place<T>(query: AlbumQuery, tracks: NonNullable<ReleaseCandidate<T>['tracks']>): { placements: Array<T | null>; score: number } {
  const pairs: Array<{ q: number; c: number; s: number }> = [];
  query.tracks.forEach((qt, q) =>
    tracks.forEach((ct, c) => {
      const s = trackSimilarity(qt, ct);
      if (s >= PLACEMENT_THRESHOLD) pairs.push({ q, c, s });
    }),
  );
  pairs.sort((a, b) => b.s - a.s || a.q - b.q || a.c - b.c);
  const placements: Array<T | null> = query.tracks.map(() => null);
  const usedQuery = new Set<number>();
  const usedCandidate = new Set<number>();
  let total = 0;
  for (const pair of pairs) {
    if (usedQuery.has(pair.q) || usedCandidate.has(pair.c)) continue;
    usedQuery.add(pair.q);
    usedCandidate.add(pair.c);
    placements[pair.q] = tracks[pair.c]!.ref;
    total += pair.s;
  }
  // Unplaced files count as 0, and so do release tracks no file sits on, so a
  // 20-track deluxe edition does not win over the 10-track album in hand.
  const span = Math.max(query.tracks.length, tracks.length);
  return { placements, score: span > 0 ? total / span : 0 };
}

/**
 * How well a release fits an album: its title and artist, its track count,
 * and, when its tracks are known, how the files' tracks sit on them (titles,
 * lengths, positions). Missing parts drop out and the rest are reweighted.
 */
export function scoreRelease<T>(query: AlbumQuery, candidate: ReleaseCandidate<T>): ReleaseScore<T> {
  const title = textSimilarity(normalizeAlbum(query.title), normalizeAlbum(candidate.title));
  const queryArtist = normalizeArtist(query.artist).key;
  const artist = Math.max(0, ...candidate.artists.map((a) => textSimilarity(queryArtist, normalizeArtist(a).key)));
  const count =
    candidate.trackCount && candidate.trackCount > 0 && query.tracks.length > 0
      ? 1 - Math.abs(candidate.trackCount - query.tracks.length) / Math.max(candidate.trackCount, query.tracks.length)
      : null;
  const placed = candidate.tracks && candidate.tracks.length > 0 ? place(query, candidate.tracks) : null;
  const parts: Array<[number, number | null]> = [
    [0.3, title],
    [0.2, artist],
    [0.1, count],
    [0.4, placed?.score ?? null],
  ];
  const weight = parts.reduce((sum, [w, v]) => sum + (v === null ? 0 : w), 0);
  const score = parts.reduce((sum, [w, v]) => sum + (v === null ? 0 : w * v), 0) / weight;
  return {
    score,
    parts: { title, artist, count, tracks: placed?.score ?? null },
    placements: placed?.placements ?? query.tracks.map(() => null),
  };
}
