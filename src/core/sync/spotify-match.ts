import pLimit from 'p-limit';
import type { Library } from '../db/library';
import { normalizeArtist, normalizeTitle, scoreCandidate, searchText, pickBest, type MatchQuery } from '../match';
import { DeferredError, MalformedResponseError } from '../net/errors';
import { sleep } from '../net/sleep';
import type { SpotifyClient, SpotifyTrack } from '../sources/spotify';
import type { MatchReason, SpotifyCandidate, SpotifyMatchState, SyncReviewItem } from '../../shared/sync';

/** A playlist entry as the matcher sees it: the track's tags, or what the playlist line said. */
export interface SyncTrack {
  trackId: number | null;
  title: string | null;
  artist: string | null;
  album: string | null;
  durationMs: number | null;
  isrc: string | null;
  /** A Spotify URI the entry already names (a spotify: or open.spotify.com location). */
  knownUri: string | null;
}

export interface SpotifyMatch {
  state: SpotifyMatchState;
  uri: string | null;
  reason: MatchReason;
  score: number | null;
  candidates: SpotifyCandidate[];
}

/** A fuzzy match is taken from here, with a margin over a different recording. */
export const MATCH_THRESHOLD = 0.86;
export const MATCH_MARGIN = 0.06;
/** Below the threshold, down to here, the user decides. */
export const REVIEW_FLOOR = 0.6;
/** Durations further apart than this are other recordings (a radio edit, a live take), whatever the names say. */
export const DURATION_GUARD_MS = 10_000;
const REVIEW_CANDIDATES = 5;

const TRACK_URI = /^spotify:track:([0-9A-Za-z]{22})$/;
const TRACK_URL = /^https?:\/\/open\.spotify\.com\/(?:intl-[a-z-]+\/)?track\/([0-9A-Za-z]{22})/;

/** The spotify:track: URI a playlist location names, if it names one. */
export function spotifyUriOf(location: string | null | undefined): string | null {
  if (!location) return null;
  const text = location.trim();
  const id = TRACK_URI.exec(text)?.[1] ?? TRACK_URL.exec(text)?.[1];
  return id ? `spotify:track:${id}` : null;
}

/** The tags a match was made from: when they change, the track is matched again. */
export function fingerprintOf(track: SyncTrack): string {
  return JSON.stringify([track.title ?? '', track.artist ?? '', track.album ?? '', Math.round((track.durationMs ?? 0) / 1000), track.isrc ?? '']);
}

const quote = (text: string) => `"${text.replace(/"/g, ' ').trim()}"`;

function candidateOf(t: SpotifyTrack, score: number): SpotifyCandidate {
  return { uri: t.uri, name: t.name, artists: t.artists.map((a) => a.name), album: t.album.name, durationMs: t.durationMs, score: Math.round(score * 1000) / 1000 };
}

function withinGuard(track: SyncTrack, candidate: SpotifyTrack): boolean {
  return track.durationMs === null || track.durationMs <= 0 || Math.abs(track.durationMs - candidate.durationMs) <= DURATION_GUARD_MS;
}

/** Same title, artist and length: the album track, the single and the compilation are one answer. */
function sameRecording(a: SpotifyTrack, b: SpotifyTrack): boolean {
  return (
    normalizeTitle(a.name).key === normalizeTitle(b.name).key &&
    normalizeArtist(a.artists[0]?.name ?? '').key === normalizeArtist(b.artists[0]?.name ?? '').key &&
    Math.abs(a.durationMs - b.durationMs) <= 3_000
  );
}

/**
 * Finds the Spotify track for one playlist entry: the URI it names, then its
 * ISRC, then a title and artist search (album to rank), each candidate
 * scored on names with a duration guard. Only a clear winner is taken; a
 * close call goes to review with its candidates, so the user's choice costs
 * no request.
 */
export class SpotifyMatcher {
  constructor(
    private readonly client: SpotifyClient,
    private readonly signal?: AbortSignal,
  ) {}

  async match(track: SyncTrack): Promise<SpotifyMatch> {
    if (track.knownUri) return { state: 'matched', uri: track.knownUri, reason: 'id', score: 1, candidates: [] };
    const title = track.title?.trim() ?? '';
    const artist = track.artist?.trim() ?? '';
    if (track.isrc) {
      const found = await this.client.searchTracks(`isrc:${track.isrc}`, {}, this.signal);
      const byIsrc = found.items.filter((t) => withinGuard(track, t));
      if (byIsrc.length > 0) {
        // One ISRC can sit on an album, a single and a compilation: the names pick among them.
        const ranked = title ? this.rank(track, byIsrc) : byIsrc.map((item) => ({ item, score: 1 }));
        const best = ranked[0]!;
        return { state: 'matched', uri: best.item.uri, reason: 'isrc', score: round(best.score), candidates: [] };
      }
    }
    if (title === '') return { state: 'notFound', uri: null, reason: 'notFound', score: null, candidates: [] };

    const fielded = [`track:${quote(searchText(title))}`, artist ? `artist:${quote(normalizeArtist(artist).primary || artist)}` : ''].join(' ');
    let outcome = this.decide(track, (await this.client.searchTracks(fielded, {}, this.signal)).items);
    if (outcome.state === 'notFound') {
      // Field filters miss spellings Spotify's free text forgives ('AC/DC' against 'ACDC').
      const free = `${searchText(title)} ${artist}`.trim();
      outcome = this.decide(track, (await this.client.searchTracks(free, {}, this.signal)).items);
    }
    return outcome;
  }

  private rank(track: SyncTrack, items: readonly SpotifyTrack[]) {
    const query: MatchQuery = { title: track.title ?? '', artist: track.artist ?? '', album: track.album, durationMs: track.durationMs };
    return items
      .map((item) => ({
        item,
        score: scoreCandidate(query, { title: item.name, artists: item.artists.map((a) => a.name), albums: [item.album.name], durationMs: item.durationMs }).score,
      }))
      .sort((a, b) => b.score - a.score || (a.item.uri < b.item.uri ? -1 : 1));
  }

  private decide(track: SyncTrack, items: readonly SpotifyTrack[]): SpotifyMatch {
    const ranked = this.rank(
      track,
      items.filter((t) => withinGuard(track, t)),
    );
    const pick = pickBest(ranked, { threshold: MATCH_THRESHOLD, margin: MATCH_MARGIN, sameAnswer: sameRecording, key: (t) => t.uri });
    if (pick.winner) {
      const parts = scoreCandidate(
        { title: track.title ?? '', artist: track.artist ?? '', album: null, durationMs: track.durationMs },
        { title: pick.winner.name, artists: pick.winner.artists.map((a) => a.name), albums: [], durationMs: pick.winner.durationMs },
      ).parts;
      const exact = parts.title === 1 && parts.artist === 1 && (parts.duration === null || parts.duration === 1);
      return { state: 'matched', uri: pick.winner.uri, reason: exact ? 'exact' : 'fuzzy', score: round(pick.score), candidates: [] };
    }
    if (ranked.length === 0 || pick.score < REVIEW_FLOOR) return { state: 'notFound', uri: null, reason: 'notFound', score: ranked.length ? round(pick.score) : null, candidates: [] };
    return {
      state: 'review',
      uri: null,
      reason: 'review',
      score: round(pick.score),
      candidates: ranked.slice(0, REVIEW_CANDIDATES).map((r) => candidateOf(r.item, r.score)),
    };
  }
}

const round = (score: number) => Math.round(score * 1000) / 1000;

/** The longest the final retry waits for a Retry-After; beyond it the tracks stay deferred for the next sync. */
const MAX_RETRY_WAIT_MS = 60_000;

const DEFERRED: SpotifyMatch = { state: 'deferred', uri: null, reason: 'deferred', score: null, candidates: [] };

/** Service trouble leaves a track deferred for the retry (and the next sync); anything else is a real failure. */
function isTransient(err: unknown): boolean {
  return err instanceof DeferredError || err instanceof MalformedResponseError;
}

export interface MatchRunOptions {
  workers: number;
  signal: AbortSignal;
  /** After each settled track (also the retried ones). */
  onSettled?: (track: SyncTrack, match: SpotifyMatch, retried: boolean) => void;
}

/**
 * Matches tracks in parallel (workers at once; the Spotify gate paces the
 * requests), then retries the deferred ones once, one at a time, when the
 * service has had the rest of the run to recover.
 */
export async function matchAll(matcher: SpotifyMatcher, tracks: readonly SyncTrack[], options: MatchRunOptions): Promise<Map<SyncTrack, SpotifyMatch>> {
  const results = new Map<SyncTrack, SpotifyMatch>();
  let backAt = 0;
  let failed = false;
  const limit = pLimit(Math.max(1, options.workers));
  const attempt = async (track: SyncTrack): Promise<SpotifyMatch> => {
    try {
      return await matcher.match(track);
    } catch (err) {
      if (err instanceof DeferredError && err.retryAt) backAt = Math.max(backAt, err.retryAt);
      if (options.signal.aborted || isTransient(err)) return DEFERRED;
      // The sync fails with this error: the searches still queued would only spend requests nobody waits for.
      failed = true;
      throw err;
    }
  };
  await Promise.all(
    tracks.map((track) =>
      limit(async () => {
        if (options.signal.aborted || failed) return;
        const match = await attempt(track);
        results.set(track, match);
        if (!options.signal.aborted || match.state !== 'deferred') options.onSettled?.(track, match, false);
      }),
    ),
  );
  const deferred = tracks.filter((track) => results.get(track)?.state === 'deferred');
  // Retrying before the time Spotify named would only meet the held-off host again.
  const wait = backAt - Date.now();
  if (deferred.length > 0 && wait > 0 && wait <= MAX_RETRY_WAIT_MS) await sleep(wait, options.signal).catch(() => undefined);
  for (const track of deferred) {
    if (options.signal.aborted) break;
    const match = await attempt(track);
    results.set(track, match);
    options.onSettled?.(track, match, true);
  }
  return results;
}

// ---------------------------------------------------------------------------
// Stored matches

interface MatchRecord {
  track_id: number;
  state: SpotifyMatchState;
  uri: string | null;
  reason: MatchReason;
  score: number | null;
  candidates: string | null;
  fingerprint: string;
}

export interface StoredMatch extends SpotifyMatch {
  fingerprint: string;
}

export function storedMatches(db: Library, trackIds: readonly number[]): Map<number, StoredMatch> {
  const out = new Map<number, StoredMatch>();
  const select = db.prepare('SELECT * FROM spotify_matches WHERE track_id = ?');
  for (const id of new Set(trackIds)) {
    const r = select.get(id) as MatchRecord | undefined;
    if (!r) continue;
    out.set(id, {
      state: r.state,
      uri: r.uri,
      reason: r.reason,
      score: r.score,
      candidates: r.candidates ? (JSON.parse(r.candidates) as SpotifyCandidate[]) : [],
      fingerprint: r.fingerprint,
    });
  }
  return out;
}

/** A stored match still holds when the user made it or the tags it came from are unchanged; deferred ones are asked again. */
export function stillHolds(stored: StoredMatch | undefined, track: SyncTrack): stored is StoredMatch {
  if (!stored || stored.state === 'deferred') return false;
  return stored.reason === 'manual' || stored.fingerprint === fingerprintOf(track);
}

export function saveMatch(db: Library, trackId: number, match: SpotifyMatch, fingerprint: string, at = Date.now()): void {
  // A choice the user made is never replaced by a run; only the user changes it.
  db.prepare(
    `INSERT INTO spotify_matches (track_id, state, uri, reason, score, candidates, fingerprint, matched_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (track_id) DO UPDATE SET state = excluded.state, uri = excluded.uri, reason = excluded.reason, score = excluded.score,
       candidates = excluded.candidates, fingerprint = excluded.fingerprint, matched_at = excluded.matched_at
     WHERE spotify_matches.reason <> 'manual' OR excluded.reason = 'manual'`,
  ).run(trackId, match.state, match.uri, match.reason, match.score, match.candidates.length ? JSON.stringify(match.candidates) : null, fingerprint, at);
}

export class ManualMatchError extends Error {}

/**
 * The user's answer for a track: a URI (one of its candidates or pasted), or
 * null for 'not on Spotify'. Remembered for every later sync.
 */
export function setManualMatch(db: Library, trackId: number, uri: string | null): StoredMatch {
  const exists = db.prepare('SELECT 1 FROM tracks WHERE id = ?').get(trackId);
  if (!exists) throw new ManualMatchError(`There is no track ${trackId}.`);
  const normalized = uri === null ? null : spotifyUriOf(uri);
  if (uri !== null && !normalized) throw new ManualMatchError(`'${uri}' is not a Spotify track: paste a spotify:track: URI or an open.spotify.com/track/ link.`);
  const previous = storedMatches(db, [trackId]).get(trackId);
  const match: SpotifyMatch = {
    state: normalized ? 'matched' : 'notFound',
    uri: normalized,
    reason: 'manual',
    score: null,
    candidates: previous?.candidates ?? [],
  };
  saveMatch(db, trackId, match, previous?.fingerprint ?? '');
  return { ...match, fingerprint: previous?.fingerprint ?? '' };
}

/** The playlist's tracks whose match waits for the user, each once, in playlist order. */
export function reviewItems(db: Library, playlistId: number): SyncReviewItem[] {
  const rows = db
    .prepare(
      `SELECT t.id, t.title, t.artist, t.album, t.duration_ms, m.candidates, MIN(e.position) AS first
       FROM playlist_entries e JOIN tracks t ON t.id = e.track_id JOIN spotify_matches m ON m.track_id = t.id
       WHERE e.playlist_id = ? AND m.state = 'review'
       GROUP BY t.id ORDER BY first`,
    )
    .all(playlistId) as Array<{ id: number; title: string | null; artist: string | null; album: string | null; duration_ms: number | null; candidates: string | null }>;
  return rows.map((r) => ({
    trackId: r.id,
    title: r.title,
    artist: r.artist,
    album: r.album,
    durationMs: r.duration_ms,
    candidates: r.candidates ? (JSON.parse(r.candidates) as SpotifyCandidate[]) : [],
  }));
}
