/**
 * Scoring a library track or a listen against MusicBrainz candidates, and
 * choosing one only when the choice is clear. Pure: no I/O, no clock, no
 * randomness, and the same answer whatever order the candidates come in.
 */
import { distance } from 'fastest-levenshtein';
import {
  normalizeAlbum,
  normalizeArtist,
  normalizeTitle,
  RECORDING_TAGS,
  type NormalizedArtist,
  type NormalizedTitle,
  type VersionTag,
} from './normalize';

/**
 * Minimum score for pickBest to accept a candidate. Above 0.85 so that a
 * live or remixed recording is never accepted for a studio one even when
 * everything else agrees (1 - VERSION_MISMATCH_PENALTY); see the calibration
 * table in score.test.ts.
 */
export const DEFAULT_THRESHOLD = 0.86;
/** Minimum lead over the best different answer for pickBest to accept. */
export const DEFAULT_MARGIN = 0.06;

export const WEIGHTS = { title: 0.45, artist: 0.3, duration: 0.15, album: 0.1 } as const;
/** Subtracted once when the two sides are different recordings (live vs studio, remix…). */
export const VERSION_MISMATCH_PENALTY = 0.15;

// ---------------------------------------------------------------------------
// Text similarity

// Beyond this, strings are garbage rather than titles; clipping keeps the
// cost bounded without changing the answer for anything real.
const MAX_COMPARED_CHARS = 512;
// Fuzzy token pairing is quadratic; longer texts get exact token matching.
const MAX_FUZZY_TOKENS = 48;
// Tokens shorter than this must match exactly: one edit in 'love' gives 'lose'.
const MIN_FUZZY_TOKEN_LENGTH = 5;
const MIN_FUZZY_TOKEN_RATIO = 0.8;
// Different numbers usually mean a different work ("Song 2", "Part 3").
const NUMBER_MISMATCH_FACTOR = 0.7;
const STOPWORD_WEIGHT = 0.25;
const STOPWORDS = new Set([
  'the',
  'a',
  'an',
  'and',
  'of',
  'to',
  'in',
  'on',
  'de',
  'la',
  'le',
  'les',
  'el',
  'los',
  'die',
  'der',
  'das',
  'et',
  'und',
  'y',
  // Credit joiners: "A x B" and "A vs B" name the same artists as "A & B".
  'x',
  'vs',
]);

function levenshteinRatio(a: string, b: string): number {
  const longest = Math.max(a.length, b.length);
  if (longest === 0) return 1;
  return 1 - distance(a, b) / longest;
}

function tokenWeight(token: string): number {
  return STOPWORDS.has(token) ? STOPWORD_WEIGHT : 1;
}

function fuzzyTokenRatio(a: string, b: string): number {
  if (a.length < MIN_FUZZY_TOKEN_LENGTH || b.length < MIN_FUZZY_TOKEN_LENGTH) return 0;
  if (/\d/.test(a) || /\d/.test(b)) return 0;
  const r = levenshteinRatio(a, b);
  return r >= MIN_FUZZY_TOKEN_RATIO ? r : 0;
}

/**
 * Weighted Dice coefficient over token multisets: order does not matter, a
 * missing 'the' costs little, a missing real word costs a lot.
 */
function tokenSimilarity(a: string[], b: string[]): number {
  const totalA = a.reduce((sum, t) => sum + tokenWeight(t), 0);
  const totalB = b.reduce((sum, t) => sum + tokenWeight(t), 0);
  if (totalA + totalB === 0) return 0;
  let matched = 0;
  const restB = new Map<string, number>();
  for (const t of b) restB.set(t, (restB.get(t) ?? 0) + 1);
  const restA: string[] = [];
  for (const t of a) {
    const n = restB.get(t) ?? 0;
    if (n > 0) {
      restB.set(t, n - 1);
      matched += 2 * tokenWeight(t);
    } else {
      restA.push(t);
    }
  }
  const leftB = [...restB].flatMap(([t, n]) => Array<string>(n).fill(t));
  if (restA.length > 0 && leftB.length > 0 && restA.length <= MAX_FUZZY_TOKENS && leftB.length <= MAX_FUZZY_TOKENS) {
    const pairs: Array<{ i: number; j: number; r: number }> = [];
    restA.forEach((x, i) =>
      leftB.forEach((y, j) => {
        const r = fuzzyTokenRatio(x, y);
        if (r > 0) pairs.push({ i, j, r });
      }),
    );
    // Ties in r are broken by position so the pairing is deterministic.
    pairs.sort((p, q) => q.r - p.r || p.i - q.i || p.j - q.j);
    const usedA = new Set<number>();
    const usedB = new Set<number>();
    for (const p of pairs) {
      if (usedA.has(p.i) || usedB.has(p.j)) continue;
      usedA.add(p.i);
      usedB.add(p.j);
      matched += p.r * (tokenWeight(restA[p.i]!) + tokenWeight(leftB[p.j]!));
    }
  }
  return matched / (totalA + totalB);
}

// Track and part numbers are written '01' as often as '1'.
function withoutLeadingZeros(n: string): string {
  return n.replace(/^0+(?=\d)/, '');
}

function tokensOf(s: string): string[] {
  return s
    .split(' ')
    .filter((t) => t !== '')
    .map((t) => (/^\d+$/.test(t) ? withoutLeadingZeros(t) : t));
}

function numbersOf(s: string): string {
  return (s.match(/\d+/g) ?? [])
    .map(withoutLeadingZeros)
    .sort()
    .join(' ');
}

function clamp01(x: number): number {
  if (!Number.isFinite(x)) return 0;
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

/**
 * Similarity of two folded strings in [0, 1]: 1 when equal, otherwise the
 * better of a token comparison (word order, stray 'the', small typos in long
 * words) and a squared character-level Levenshtein ratio (spacing
 * differences such as 'acdc' / 'ac dc'). The square keeps unrelated short
 * strings, which still share a few letters, near zero.
 */
export function textSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  if (typeof a !== 'string' || typeof b !== 'string' || a === '' || b === '') return 0;
  const x = a.length > MAX_COMPARED_CHARS ? a.slice(0, MAX_COMPARED_CHARS) : a;
  const y = b.length > MAX_COMPARED_CHARS ? b.slice(0, MAX_COMPARED_CHARS) : b;
  const tokensX = tokensOf(x);
  const tokensY = tokensOf(y);
  const compactX = tokensX.join('');
  const compactY = tokensY.join('');
  const chars = Math.max(levenshteinRatio(x, y), levenshteinRatio(compactX, compactY));
  let score = Math.max(tokenSimilarity(tokensX, tokensY), chars * chars);
  if (numbersOf(x) !== numbersOf(y)) score *= NUMBER_MISMATCH_FACTOR;
  // Clipped strings that agree on their first characters are still not equal.
  if (score >= 1 && (x !== a || y !== b)) score = 0.999;
  return clamp01(score);
}

// ---------------------------------------------------------------------------
// Duration

const DURATION_EXACT_MS = 3_000;
const DURATION_ZERO_MS = 15_000;

function knownDuration(ms: number | null | undefined): ms is number {
  return typeof ms === 'number' && Number.isFinite(ms) && ms > 0;
}

/** 1 within 3 s, falling linearly to 0 at 15 s apart; null when either is unknown. */
export function durationSimilarity(aMs: number | null | undefined, bMs: number | null | undefined): number | null {
  if (!knownDuration(aMs) || !knownDuration(bMs)) return null;
  const diff = Math.abs(aMs - bMs);
  if (diff <= DURATION_EXACT_MS) return 1;
  if (diff >= DURATION_ZERO_MS) return 0;
  return 1 - (diff - DURATION_EXACT_MS) / (DURATION_ZERO_MS - DURATION_EXACT_MS);
}

// ---------------------------------------------------------------------------
// Candidates

export interface MatchQuery {
  title: string;
  artist: string;
  album?: string | null;
  durationMs?: number | null;
}

export interface MatchCandidate {
  title: string;
  /** Credited artist names; the joined credit ("A feat. B") may be given too. */
  artists: readonly string[];
  /** Titles of the releases the recording appears on. */
  albums: readonly string[];
  durationMs: number | null;
}

export interface ScoreParts {
  title: number;
  artist: number;
  album: number | null;
  duration: number | null;
}

export interface CandidateScore {
  score: number;
  parts: ScoreParts;
  /** True when the version penalty was applied (live vs studio, different remixes…). */
  versionMismatch: boolean;
}

// Messy tags sometimes carry the artist or the track number in the title:
// "Oasis - Live Forever", "03 - Wonderwall", "03. Wonderwall".
const DASHED_PREFIX_RE = /^(.+?)\s+[-–—]+\s+(.+)$/u;
const TRACK_NUMBER_PREFIX_RE = /^\d{1,3}\s*(?:[-.)]|\s-)\s*(\S.*)$/u;

function titleKeys(rawTitle: string, normalized: NormalizedTitle, artist: NormalizedArtist): string[] {
  const keys = [normalized.key];
  const numbered = TRACK_NUMBER_PREFIX_RE.exec(rawTitle.trim());
  if (numbered?.[1]) keys.push(normalizeTitle(numbered[1]).key);
  const dashed = DASHED_PREFIX_RE.exec(rawTitle.trim());
  if (dashed?.[1] && dashed[2] && artist.key !== '') {
    const prefix = normalizeArtist(dashed[1]).key;
    if (textSimilarity(prefix, artist.key) >= 0.9) keys.push(normalizeTitle(dashed[2]).key);
  }
  return keys.filter((k) => k !== '');
}

function recordingTags(tags: ReadonlySet<VersionTag>): string {
  return [...tags]
    .filter((t) => RECORDING_TAGS.has(t))
    .sort()
    .join(' ');
}

function versionMismatch(q: NormalizedTitle, c: NormalizedTitle): boolean {
  const qTags = recordingTags(q.tags);
  if (qTags !== recordingTags(c.tags)) return true;
  // Same kind of version: two live recordings from different nights or two
  // remixes by different people are still different recordings.
  if (qTags === '' || q.versionDetail === '' || c.versionDetail === '') return false;
  return textSimilarity(q.versionDetail, c.versionDetail) < 0.5;
}

function creditKeys(artists: readonly NormalizedArtist[]): string[] {
  const keys = new Set<string>();
  for (const a of artists) if (a.key !== '') keys.add(a.key);
  // The whole credit with the featured artists, for a query that spells them
  // as part of the credit.
  const everyone = [...new Set(artists.flatMap((a) => a.all))].join(' ');
  if (everyone !== '') keys.add(everyone);
  return [...keys];
}

function artistSimilarity(query: NormalizedArtist, candidate: readonly NormalizedArtist[]): number {
  const queryKeys = creditKeys([query]);
  const candidateKeys = creditKeys(candidate);
  let best = 0;
  for (const q of queryKeys) for (const c of candidateKeys) best = Math.max(best, textSimilarity(q, c));
  return best;
}

function albumSimilarity(queryAlbum: string | null | undefined, albums: readonly string[]): number | null {
  const q = normalizeAlbum(queryAlbum ?? '');
  if (q === '') return null;
  let best: number | null = null;
  for (const album of albums ?? []) {
    const c = normalizeAlbum(album);
    if (c !== '') best = Math.max(best ?? 0, textSimilarity(q, c));
  }
  return best;
}

/**
 * Scores a candidate recording against a query in [0, 1]. Parts are
 * weighted title 0.45, artist 0.30, duration 0.15, album 0.10; unknown
 * duration or album drop out and the rest are renormalised. A mismatch in
 * recording-level version tags (live, remix, edit, instrumental, acoustic,
 * demo) then costs VERSION_MISMATCH_PENALTY.
 */
export function scoreCandidate(query: MatchQuery, candidate: MatchCandidate): CandidateScore {
  const queryArtist = normalizeArtist(query.artist ?? '');
  const candidateArtists = (candidate.artists ?? []).map((a) => normalizeArtist(a));
  const queryTitle = normalizeTitle(query.title ?? '');
  const candidateTitle = normalizeTitle(candidate.title ?? '');

  let title = 0;
  if (candidateTitle.key !== '') {
    for (const key of titleKeys(query.title ?? '', queryTitle, queryArtist)) {
      title = Math.max(title, textSimilarity(key, candidateTitle.key));
    }
  }
  const artist = artistSimilarity(queryArtist, candidateArtists);
  const album = albumSimilarity(query.album, candidate.albums);
  const duration = durationSimilarity(query.durationMs, candidate.durationMs);

  let weighted = WEIGHTS.title * title + WEIGHTS.artist * artist;
  let total = WEIGHTS.title + WEIGHTS.artist;
  if (duration !== null) {
    weighted += WEIGHTS.duration * duration;
    total += WEIGHTS.duration;
  }
  if (album !== null) {
    weighted += WEIGHTS.album * album;
    total += WEIGHTS.album;
  }
  const mismatch = versionMismatch(queryTitle, candidateTitle);
  const score = clamp01(weighted / total - (mismatch ? VERSION_MISMATCH_PENALTY : 0));
  return { score, parts: { title, artist, album, duration }, versionMismatch: mismatch };
}

// ---------------------------------------------------------------------------
// Choosing

export interface Scored<T> {
  item: T;
  score: number;
}

export interface PickOptions<T> {
  threshold: number;
  margin: number;
  /** True when two items give the same answer (same release year…), so their closeness is no ambiguity. */
  sameAnswer?: (a: T, b: T) => boolean;
  /**
   * A stable identity (an MBID) used to order equal scores, so the result
   * does not depend on input order. Without it, equal scores keep input
   * order, which only matters when they are the same answer.
   */
  key?: (item: T) => string;
}

export type PickReason = 'accepted' | 'below-threshold' | 'ambiguous' | 'no-candidates';

export interface PickResult<T> {
  winner: T | null;
  /** The top score, 0 when there were no candidates. */
  score: number;
  reason: PickReason;
}

// Scores are sums of products of floats; 0.88 - 0.82 is 0.0600000000000005.
const EPSILON = 1e-9;

/**
 * Accepts the best-scoring item only when it reaches the threshold and leads
 * the best runner-up that is a different answer by at least the margin.
 */
export function pickBest<T>(scored: ReadonlyArray<Scored<T>>, options: PickOptions<T>): PickResult<T> {
  const { threshold, margin, sameAnswer, key } = options;
  const keys = new Map<Scored<T>, string>();
  const keyOf = (s: Scored<T>): string => {
    let k = keys.get(s);
    if (k === undefined) {
      k = key ? key(s.item) : '';
      keys.set(s, k);
    }
    return k;
  };
  const ranked = (scored ?? [])
    .filter((s) => typeof s.score === 'number' && !Number.isNaN(s.score))
    .sort((a, b) => {
      if (a.score !== b.score) return b.score - a.score;
      const ka = keyOf(a);
      const kb = keyOf(b);
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
  const top = ranked[0];
  if (!top) return { winner: null, score: 0, reason: 'no-candidates' };
  if (top.score + EPSILON < threshold) return { winner: null, score: top.score, reason: 'below-threshold' };
  const rival = ranked.slice(1).find((s) => !sameAnswer || !sameAnswer(top.item, s.item));
  if (rival && top.score - rival.score + EPSILON < margin) {
    return { winner: null, score: top.score, reason: 'ambiguous' };
  }
  return { winner: top.item, score: top.score, reason: 'accepted' };
}
