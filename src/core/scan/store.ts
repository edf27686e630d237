import path from 'node:path';
import type { Library } from '../db/library';
import type { FoundFile, ReadResult, TrackTags } from './types';

export interface KnownTrack {
  id: number;
  size: number;
  mtimeMs: number;
  status: 'ok' | 'failed' | 'missing';
  contentKey: string | null;
}

/** Roots with any root that sits inside another dropped, so no folder is crawled twice. */
export function normaliseRoots(roots: string[]): string[] {
  const sorted = [...new Set(roots.map((r) => path.resolve(r)))].sort();
  return sorted.filter((root, i) => !sorted.slice(0, i).some((outer) => root.startsWith(outer + path.sep)));
}

export function rememberRoots(db: Library, roots: string[]): void {
  const insert = db.prepare('INSERT OR IGNORE INTO roots (path, added_at) VALUES (?, ?)');
  const now = Date.now();
  db.transaction(() => roots.forEach((root) => insert.run(root, now)))();
}

export function listRoots(db: Library): string[] {
  return (db.prepare('SELECT path FROM roots ORDER BY path').all() as Array<{ path: string }>).map((r) => r.path);
}

/** Every track Sleeve knows under the roots, by path. */
export function loadKnownTracks(db: Library, roots: string[]): Map<string, KnownTrack> {
  const known = new Map<string, KnownTrack>();
  // Raw rows: a rescan of a big library loads every row, and objects per column cost more than the query.
  const query = db
    .prepare('SELECT path, id, size, mtime_ms, status, content_key FROM tracks WHERE path >= ? AND path < ?')
    .raw(true);
  for (const root of roots) {
    // A range over the path index: everything that starts with root + separator.
    const prefix = root.endsWith(path.sep) ? root : root + path.sep;
    const upper = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
    for (const [p, id, size, mtimeMs, status, contentKey] of query.all(prefix, upper) as Array<
      [string, number, number, number, KnownTrack['status'], string | null]
    >) {
      known.set(p, { id, size, mtimeMs, status, contentKey });
    }
  }
  return known;
}

/** Rows that can be matched to a moved file: missing ones, with a content key that only one of them has. */
export function missingByContentKey(db: Library, alsoVanished: KnownTrack[]): Map<string, number> {
  const candidates = new Map<string, number | null>();
  const add = (key: string | null, id: number) => {
    if (!key) return;
    candidates.set(key, candidates.has(key) && candidates.get(key) !== id ? null : id);
  };
  for (const row of db
    .prepare("SELECT id, content_key AS contentKey FROM tracks WHERE status = 'missing' AND content_key IS NOT NULL")
    .iterate() as Iterable<{ id: number; contentKey: string }>) {
    add(row.contentKey, row.id);
  }
  for (const track of alsoVanished) add(track.contentKey, track.id);
  const unique = new Map<string, number>();
  for (const [key, id] of candidates) if (id !== null) unique.set(key, id);
  return unique;
}

const TAG_COLUMNS = [
  'format',
  'codec',
  'lossless',
  'bitrate',
  'sample_rate',
  'bits_per_sample',
  'channels',
  'duration_ms',
  'title',
  'artist',
  'album',
  'album_artist',
  'track_no',
  'track_total',
  'disc_no',
  'disc_total',
  'tag_year',
  'tag_original_year',
  'genre',
  'isrc',
  'compilation',
  'mb_recording_id',
  'mb_track_id',
  'mb_release_id',
  'mb_release_group_id',
  'mb_artist_ids',
  'mb_album_artist_ids',
  'has_art',
] as const;

function tagValues(tags: TrackTags): Record<(typeof TAG_COLUMNS)[number], string | number | null> {
  const json = (ids: string[]) => (ids.length > 0 ? JSON.stringify(ids) : null);
  const bool = (b: boolean | null) => (b === null ? null : b ? 1 : 0);
  return {
    format: tags.format,
    codec: tags.codec,
    lossless: bool(tags.lossless),
    bitrate: tags.bitrate,
    sample_rate: tags.sampleRate,
    bits_per_sample: tags.bitsPerSample,
    channels: tags.channels,
    duration_ms: tags.durationMs,
    title: tags.title,
    artist: tags.artist,
    album: tags.album,
    album_artist: tags.albumArtist,
    track_no: tags.trackNo,
    track_total: tags.trackTotal,
    disc_no: tags.discNo,
    disc_total: tags.discTotal,
    tag_year: tags.year,
    tag_original_year: tags.originalYear,
    genre: tags.genre,
    isrc: tags.isrc,
    compilation: tags.compilation ? 1 : 0,
    mb_recording_id: tags.mbRecordingId,
    mb_track_id: tags.mbTrackId,
    mb_release_id: tags.mbReleaseId,
    mb_release_group_id: tags.mbReleaseGroupId,
    mb_artist_ids: json(tags.mbArtistIds),
    mb_album_artist_ids: json(tags.mbAlbumArtistIds),
    has_art: tags.hasArt ? 1 : 0,
  };
}

/**
 * The year shown is the tag's until something better (a lookup, the user)
 * sets it; a rescan never overwrites those. A changed file is looked up
 * again by the next years run, since its tags may carry new ids; a year the
 * user set stays settled.
 */
const YEAR_FROM_TAG = `
  year = CASE WHEN tracks.year_source IS NULL OR tracks.year_source = 'tag' THEN excluded.tag_year ELSE tracks.year END,
  year_source = CASE WHEN tracks.year_source IS NULL OR tracks.year_source = 'tag'
                     THEN (CASE WHEN excluded.tag_year IS NULL THEN NULL ELSE 'tag' END) ELSE tracks.year_source END,
  year_state = CASE WHEN tracks.year_source = 'user' THEN tracks.year_state ELSE NULL END`;

/** Writes scan results: prepared once, run in batched transactions by the caller. */
export class TrackWriter {
  private readonly upsertOk;
  private readonly upsertFailed;
  private readonly moveRow;
  private readonly restoreRow;
  private readonly markMissingRow;

  constructor(private readonly db: Library) {
    const columns = ['path', 'folder', 'size', 'mtime_ms', 'content_key', ...TAG_COLUMNS];
    const placeholders = columns.map((c) => `@${c}`).join(', ');
    this.upsertOk = db.prepare(
      `INSERT INTO tracks (${columns.join(', ')}, status, year, year_source, first_seen, last_seen, parsed_at)
       VALUES (${placeholders}, 'ok', @tag_year, CASE WHEN @tag_year IS NULL THEN NULL ELSE 'tag' END, @now, @now, @now)
       ON CONFLICT (path) DO UPDATE SET
         ${['size', 'mtime_ms', 'content_key', ...TAG_COLUMNS].map((c) => `${c} = excluded.${c}`).join(', ')},
         status = 'ok', error = NULL, last_seen = @now, parsed_at = @now, missing_since = NULL,
         ${YEAR_FROM_TAG}`,
    );
    this.upsertFailed = db.prepare(
      `INSERT INTO tracks (path, folder, size, mtime_ms, content_key, status, error, first_seen, last_seen)
       VALUES (@path, @folder, @size, @mtime_ms, @content_key, 'failed', @error, @now, @now)
       ON CONFLICT (path) DO UPDATE SET size = excluded.size, mtime_ms = excluded.mtime_ms,
         content_key = excluded.content_key, status = 'failed', error = excluded.error, last_seen = @now,
         missing_since = NULL`,
    );
    // A moved file keeps its row, and with it every enrichment and choice tied to the id.
    this.moveRow = db.prepare(
      `UPDATE tracks SET path = @path, folder = @folder, size = @size, mtime_ms = @mtime_ms, status = 'ok',
         error = NULL, last_seen = @now, missing_since = NULL WHERE id = @id`,
    );
    this.restoreRow = db.prepare(
      "UPDATE tracks SET status = 'ok', missing_since = NULL, last_seen = ? WHERE id = ? AND status = 'missing'",
    );
    this.markMissingRow = db.prepare(
      "UPDATE tracks SET status = 'missing', missing_since = ? WHERE id = ? AND status != 'missing'",
    );
  }

  writeResult(result: ReadResult, now: number): void {
    const base = {
      path: result.file.path,
      folder: path.dirname(result.file.path),
      size: result.file.size,
      mtime_ms: result.file.mtimeMs,
      content_key: result.contentKey,
      now,
    };
    if (result.ok) this.upsertOk.run({ ...base, ...tagValues(result.tags) });
    else this.upsertFailed.run({ ...base, error: result.error });
  }

  writeFailure(file: FoundFile, error: string, now: number): void {
    this.writeResult({ ok: false, file, contentKey: null, error }, now);
  }

  move(id: number, file: FoundFile, now: number): void {
    this.moveRow.run({ id, path: file.path, folder: path.dirname(file.path), size: file.size, mtime_ms: file.mtimeMs, now });
  }

  restore(id: number, now: number): void {
    this.restoreRow.run(now, id);
  }

  markMissing(ids: number[], now: number): number {
    let changed = 0;
    this.db.transaction(() => {
      for (const id of ids) changed += this.markMissingRow.run(now, id).changes;
    })();
    return changed;
  }

  /** Runs writes as one transaction: one fsync for a whole batch. */
  batch(write: () => void): void {
    this.db.transaction(write)();
  }
}
