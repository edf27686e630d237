import type { Statement } from 'better-sqlite3';
import type { Library } from '../db/library';
import {
  foldText,
  normalizeAlbum,
  normalizeArtist,
  normalizeTitle,
  RECORDING_TAGS,
  type NormalizedTitle,
  type VersionTag,
} from '../match/normalize';
import type { Resolution } from '../../shared/playlists';
import type { M3uEntry } from './m3u';

/** How far an #EXTINF duration may be from the file's: players round, and some count the gap. */
export const DURATION_TOLERANCE_SECONDS = 3;

export interface EntryResolution {
  trackId: number | null;
  resolution: Resolution;
  /** Why an entry is missing; null when it resolved. */
  reason: string | null;
}

interface Candidate {
  id: number;
  title: string;
  artist: string | null;
  albumArtist: string | null;
  album: string | null;
  durationMs: number | null;
  // Filled the first time a lookup reaches this track's bucket: most of a
  // big library is never looked at by one playlist, and normalising every
  // title up front costs two seconds at 100k tracks.
  norm?: NormalizedTitle;
  artistKeys?: Set<string>;
  artistNames?: Set<string>;
  albumKey?: string;
}

interface Hints {
  titles: Array<{ key: string; norm: NormalizedTitle; buckets: string[] }>;
  artists: Array<{ key: string; all: string[] }>;
  albums: Set<string>;
  durationSeconds: number | null;
  /** The #EXTINF named an artist: then a candidate must agree on one. */
  artistRequired: boolean;
}

/**
 * The bucket a title falls in: the first folded word. It is a cheap
 * stand-in for normalizeTitle's key (which only drops suffixes and bracketed
 * parts, so it starts with the same word), computed for every track while the
 * full normalisation is done for the few in the buckets a playlist asks for.
 */
function bucketOf(title: string): string {
  // Most first words are plain ASCII, where foldText is only lower-casing;
  // skipping it for them halves the index's build time.
  const first = /^[A-Za-z0-9]+(?=\s|$)/.exec(title);
  if (first) return first[0].toLowerCase();
  for (const word of title.split(/\s+/, 8)) {
    const folded = foldText(word);
    if (folded !== '') return folded.split(' ')[0]!;
  }
  return '';
}

function sameTags(a: Set<VersionTag>, b: Set<VersionTag>, only?: ReadonlySet<VersionTag>): boolean {
  const pick = (s: Set<VersionTag>) => [...s].filter((t) => !only || only.has(t)).sort().join(',');
  return pick(a) === pick(b);
}

// The segments of a path written on any machine: a playlist from Windows
// read on Linux still names its folders.
const segmentsOf = (p: string) => p.split(/[\\/]+/).filter((s) => s !== '');

const TRACK_NUMBER_RE = /^\s*(?:\d{1,2}[-.])?\d{1,3}(?:\s*[-._]\s*|\s+)/;

function hintsOf(entry: M3uEntry): Hints {
  const titles: string[] = [];
  const artists: string[] = [];
  const albums: string[] = [];
  if (entry.title) titles.push(entry.title);
  if (entry.artist) artists.push(entry.artist);
  if (entry.path !== null) {
    const segments = segmentsOf(entry.path);
    const file = segments.at(-1) ?? '';
    const stem = file.includes('.') ? file.slice(0, file.lastIndexOf('.')) : file;
    const unnumbered = stem.replace(TRACK_NUMBER_RE, '');
    titles.push(unnumbered);
    // '99 Luftballons' is a title that starts with a number, not track 99.
    if (unnumbered !== stem) titles.push(stem);
    const dash = unnumbered.indexOf(' - ');
    if (dash > 0) {
      artists.push(unnumbered.slice(0, dash));
      titles.push(unnumbered.slice(dash + 3));
    }
    // Artist/Album/NN - Title.ext, or 'Artist - Album'/NN - Title.ext.
    const parent = segments.at(-2);
    const grandparent = segments.at(-3);
    if (parent) {
      albums.push(parent);
      artists.push(parent);
      const split = parent.indexOf(' - ');
      if (split > 0) {
        artists.push(parent.slice(0, split));
        albums.push(parent.slice(split + 3));
      }
    }
    if (grandparent) artists.push(grandparent);
  }
  const seenTitles = new Set<string>();
  const hints: Hints = {
    titles: [],
    artists: [],
    albums: new Set(albums.map(normalizeAlbum).filter((k) => k !== '')),
    durationSeconds: entry.durationSeconds,
    artistRequired: entry.artist !== null,
  };
  for (const title of titles) {
    const norm = normalizeTitle(title);
    if (norm.key === '' || seenTitles.has(norm.key)) continue;
    seenTitles.add(norm.key);
    hints.titles.push({ key: norm.key, norm, buckets: [...new Set([bucketOf(title), norm.key.split(' ')[0]!])] });
  }
  for (const artist of artists) {
    const n = normalizeArtist(artist);
    if (n.key !== '') hints.artists.push({ key: n.key, all: n.all });
  }
  return hints;
}

/**
 * The tracks of one first word, by normalised title key: built the first
 * time the bucket is asked for, so a common first word ('the', 'love') is
 * normalised once per import rather than scanned for every entry.
 */
interface Bucket {
  tracks: Candidate[];
  byKey: Map<string, Array<Required<Candidate>>> | null;
}

const NO_TRACKS = new Map<string, Array<Required<Candidate>>>();

function byKey(bucket: Bucket | undefined): Map<string, Array<Required<Candidate>>> {
  if (!bucket) return NO_TRACKS;
  if (!bucket.byKey) {
    bucket.byKey = new Map();
    for (const track of bucket.tracks) {
      const c = prepare(track);
      const list = bucket.byKey.get(c.norm.key);
      if (list) list.push(c);
      else bucket.byKey.set(c.norm.key, [c]);
    }
  }
  return bucket.byKey;
}

function prepare(c: Candidate): Required<Candidate> {
  if (!c.norm) {
    c.norm = normalizeTitle(c.title);
    const credits = [c.artist, c.albumArtist].filter((a): a is string => !!a).map(normalizeArtist);
    c.artistKeys = new Set(credits.map((n) => n.key).filter((k) => k !== ''));
    c.artistNames = new Set(credits.flatMap((n) => n.all));
    c.albumKey = c.album ? normalizeAlbum(c.album) : '';
  }
  return c as Required<Candidate>;
}

/**
 * Finds the library track for each playlist entry. Make one per import (or
 * per batch of imports): the in-memory title index is built the first time
 * an entry needs matching by tags, and reused for every entry after.
 */
export class TrackResolver {
  private readonly byPath: Statement<[string], { id: number; status: string }>;
  private index: Map<string, Bucket> | null = null;

  constructor(private readonly db: Library) {
    this.byPath = db.prepare('SELECT id, status FROM tracks WHERE path = ?');
  }

  resolve(entry: M3uEntry): EntryResolution {
    if (entry.kind === 'url') return { trackId: null, resolution: 'missing', reason: 'a stream URL: Sleeve keeps it but never fetches it' };
    let stale: EntryResolution | null = null;
    if (entry.path !== null && entry.kind !== 'foreign') {
      const row = this.byPath.get(entry.path);
      const resolution = entry.kind === 'relative' ? 'relative' : 'path';
      if (row?.status === 'ok') return { trackId: row.id, resolution, reason: null };
      // The library knows the path but not the file there now: the tags may
      // find where it went, and the old row is better than nothing if not.
      if (row) stale = { trackId: row.id, resolution, reason: null };
    }
    const byTags = this.byTags(entry);
    if (byTags.trackId !== null) return byTags;
    return stale ?? byTags;
  }

  private byTags(entry: M3uEntry): EntryResolution {
    const hints = hintsOf(entry);
    if (hints.titles.length === 0) return { trackId: null, resolution: 'missing', reason: 'not in the library, and no title to match by' };
    const index = this.titleIndex();
    const scored = new Map<number, number>();
    for (const title of hints.titles) {
      for (const bucket of title.buckets) {
        for (const candidate of byKey(index.get(bucket)).get(title.key) ?? []) {
          if (scored.has(candidate.id)) continue;
          const score = this.score(candidate, title.norm, hints);
          if (score !== null) scored.set(candidate.id, score);
        }
      }
    }
    const ranked = [...scored].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    const [best, second] = ranked;
    if (!best) return { trackId: null, resolution: 'missing', reason: 'not in the library, and no track matches its tags' };
    if (second && second[1] === best[1]) {
      const tied = ranked.filter(([, s]) => s === best[1]).map(([id]) => id);
      const shown = tied.slice(0, 5).join(', ') + (tied.length > 5 ? ', …' : '');
      return { trackId: null, resolution: 'missing', reason: `${tied.length} library tracks match its tags equally (ids ${shown})` };
    }
    return { trackId: best[0], resolution: 'tags', reason: null };
  }

  /** null: not this track. Otherwise higher is a better match. */
  private score(c: Required<Candidate>, title: NormalizedTitle, hints: Hints): number | null {
    // A live take or a remix is another recording, even under the same title.
    if (!sameTags(c.norm.tags, title.tags, RECORDING_TAGS)) return null;
    let artist = 0;
    for (const hint of hints.artists) {
      if (c.artistKeys.has(hint.key)) artist = Math.max(artist, 3);
      else if (hint.all.some((name) => c.artistNames.has(name))) artist = Math.max(artist, 2);
    }
    if (hints.artistRequired && artist === 0) return null;
    let duration = 0;
    if (hints.durationSeconds !== null && c.durationMs !== null) {
      if (Math.abs(c.durationMs / 1000 - hints.durationSeconds) > DURATION_TOLERANCE_SECONDS) return null;
      duration = 2;
    }
    const album = c.albumKey !== '' && hints.albums.has(c.albumKey) ? 1 : 0;
    // A title alone is too little: 'Intro' is on half the albums in a library.
    if (artist === 0 && album === 0 && duration === 0) return null;
    const version = sameTags(c.norm.tags, title.tags) && c.norm.versionDetail === title.versionDetail ? 1 : 0;
    return artist + duration + album + version;
  }

  private titleIndex(): Map<string, Bucket> {
    if (this.index) return this.index;
    const index = new Map<string, Bucket>();
    const rows = this.db
      // '+status' keeps SQLite off the status index: nearly every row is 'ok',
      // and a walk of the index with a lookup per row is slower than a scan.
      .prepare("SELECT id, title, artist, album_artist, album, duration_ms FROM tracks WHERE +status = 'ok' AND title IS NOT NULL")
      .raw(true)
      // all() rather than iterate(): a third of the time at 100k rows, and the rows are kept anyway.
      .all() as Array<[number, string, string | null, string | null, string | null, number | null]>;
    for (const [id, title, artist, albumArtist, album, durationMs] of rows) {
      const bucket = bucketOf(title);
      const candidate: Candidate = { id, title, artist, albumArtist, album, durationMs };
      const found = index.get(bucket);
      if (found) found.tracks.push(candidate);
      else index.set(bucket, { tracks: [candidate], byKey: null });
    }
    this.index = index;
    return index;
  }
}
