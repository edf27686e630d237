import type { Library } from '../db/library';
import type {
  AlbumPage,
  AlbumRow,
  LibraryStats,
  Track,
  TrackPage,
  TrackQuery,
  TrackSort,
  TrackStatus,
  YearIds,
  YearScope,
  YearSource,
  YearState,
  YearStats,
} from '../../shared/library';
import { listRoots } from '../scan/store';

interface TrackRecord {
  id: number;
  path: string;
  title: string | null;
  artist: string | null;
  album: string | null;
  album_artist: string | null;
  track_no: number | null;
  disc_no: number | null;
  year: number | null;
  year_source: YearSource | null;
  album_year: number | null;
  year_score: number | null;
  year_ids: string | null;
  year_state: YearState | null;
  duration_ms: number | null;
  format: string | null;
  codec: string | null;
  bitrate: number | null;
  sample_rate: number | null;
  genre: string | null;
  isrc: string | null;
  has_art: number;
  status: TrackStatus;
  error: string | null;
  mb_recording_id: string | null;
  mb_track_id: string | null;
  mb_release_id: string | null;
  mb_release_group_id: string | null;
  mb_artist_ids: string | null;
}

export function toTrack(r: TrackRecord): Track {
  return {
    id: r.id,
    path: r.path,
    title: r.title,
    artist: r.artist,
    album: r.album,
    albumArtist: r.album_artist,
    trackNumber: r.track_no,
    discNumber: r.disc_no,
    year: r.year,
    yearSource: r.year_source,
    albumYear: r.album_year,
    yearScore: r.year_score,
    yearIds: r.year_ids ? (JSON.parse(r.year_ids) as YearIds) : null,
    yearState: r.year_state,
    durationMs: r.duration_ms,
    format: r.format,
    codec: r.codec,
    bitrate: r.bitrate,
    sampleRate: r.sample_rate,
    genre: r.genre,
    isrc: r.isrc,
    hasArt: r.has_art === 1,
    status: r.status,
    error: r.error,
    musicbrainz: {
      recordingId: r.mb_recording_id,
      trackId: r.mb_track_id,
      releaseId: r.mb_release_id,
      releaseGroupId: r.mb_release_group_id,
      artistIds: r.mb_artist_ids ? (JSON.parse(r.mb_artist_ids) as string[]) : [],
    },
  };
}

/** Sort orders, each matching an index so a page deep in 100k rows stays quick. */
const ORDER_BY: Record<TrackSort, (dir: string) => string> = {
  artist: (d) => `artist COLLATE NOCASE ${d}, album COLLATE NOCASE ${d}, disc_no ${d}, track_no ${d}, id`,
  album: (d) => `album COLLATE NOCASE ${d}, disc_no ${d}, track_no ${d}, id`,
  title: (d) => `title COLLATE NOCASE ${d}, id`,
  track: (d) => `track_no ${d}, id`,
  year: (d) => `year ${d}, id`,
  format: (d) => `format ${d}, id`,
  duration: (d) => `duration_ms ${d}, id`,
  path: (d) => `path ${d}`,
};

const ALBUM_ARTIST = 'COALESCE(album_artist, artist)';

export function whereClause(query: TrackQuery): { sql: string; args: unknown[] } {
  const parts: string[] = [];
  const args: unknown[] = [];
  if (query.status) {
    parts.push('status = ?');
    args.push(query.status);
  } else {
    // The library shows what it can play; failures and missing files have their own views.
    parts.push("status = 'ok'");
  }
  for (const word of (query.filter ?? '').trim().split(/\s+/).filter(Boolean).slice(0, 8)) {
    const like = `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    parts.push(
      "(title LIKE ? ESCAPE '\\' OR artist LIKE ? ESCAPE '\\' OR album LIKE ? ESCAPE '\\' OR album_artist LIKE ? ESCAPE '\\' OR path LIKE ? ESCAPE '\\')",
    );
    args.push(like, like, like, like, like);
  }
  if (query.album) {
    parts.push(`${ALBUM_ARTIST} IS ? COLLATE NOCASE AND album IS ? COLLATE NOCASE`);
    args.push(query.album.artist, query.album.title);
    if (query.album.title === null) {
      parts.push('folder = ?');
      args.push(query.album.folder);
    }
  }
  return { sql: parts.length > 0 ? `WHERE ${parts.join(' AND ')}` : '', args };
}

const clampLimit = (limit: number | undefined) => Math.min(Math.max(limit ?? 100, 1), 1000);

export function queryTracks(db: Library, query: TrackQuery = {}): TrackPage {
  const where = whereClause(query);
  const order = ORDER_BY[query.sort ?? 'artist'](query.descending ? 'DESC' : 'ASC');
  const offset = Math.max(query.offset ?? 0, 0);
  const total = (db.prepare(`SELECT COUNT(*) AS n FROM tracks ${where.sql}`).get(...where.args) as { n: number }).n;
  const rows = db
    .prepare(`SELECT * FROM tracks ${where.sql} ORDER BY ${order} LIMIT ? OFFSET ?`)
    .all(...where.args, clampLimit(query.limit), offset) as TrackRecord[];
  return { total, offset, tracks: rows.map(toTrack) };
}

/** Every track, in path order, a row at a time: for `tracks --json` on any size of library. */
export function* iterateTracks(db: Library): Generator<Track> {
  for (const row of db.prepare('SELECT * FROM tracks ORDER BY path').iterate() as Iterable<TrackRecord>) {
    yield toTrack(row);
  }
}

export function queryAlbums(db: Library, query: Pick<TrackQuery, 'filter' | 'offset' | 'limit'> = {}): AlbumPage {
  const where = whereClause({ filter: query.filter });
  // Tracks without an album tag are grouped by folder, which is how most untagged music is kept.
  const grouped = `SELECT ${ALBUM_ARTIST} AS artist, album AS title, CASE WHEN album IS NULL THEN folder END AS folder,
      MIN(year) AS year, COUNT(*) AS tracks, COALESCE(SUM(duration_ms), 0) AS durationMs,
      GROUP_CONCAT(DISTINCT format) AS formats
    FROM tracks ${where.sql} GROUP BY ${ALBUM_ARTIST} COLLATE NOCASE, COALESCE(album, folder) COLLATE NOCASE`;
  const total = (db.prepare(`SELECT COUNT(*) AS n FROM (${grouped})`).get(...where.args) as { n: number }).n;
  const albums = db
    .prepare(`${grouped} ORDER BY artist COLLATE NOCASE, COALESCE(title, folder) COLLATE NOCASE LIMIT ? OFFSET ?`)
    .all(...where.args, clampLimit(query.limit), Math.max(query.offset ?? 0, 0)) as Array<
    AlbumRow & { formats: string | null }
  >;
  return { total, offset: query.offset ?? 0, albums: albums.map((a) => ({ ...a, formats: a.formats ?? '' })) };
}

export function libraryStats(db: Library): LibraryStats {
  const counts = db
    .prepare(
      `SELECT SUM(status = 'ok') AS tracks, SUM(status = 'failed') AS failed, SUM(status = 'missing') AS missing
       FROM tracks`,
    )
    .get() as { tracks: number | null; failed: number | null; missing: number | null };
  const albums = db
    .prepare(
      `SELECT COUNT(*) AS n FROM (SELECT 1 FROM tracks WHERE status = 'ok' GROUP BY ${ALBUM_ARTIST} COLLATE NOCASE, COALESCE(album, folder) COLLATE NOCASE)`,
    )
    .get() as { n: number };
  return {
    tracks: counts.tracks ?? 0,
    failed: counts.failed ?? 0,
    missing: counts.missing ?? 0,
    albums: albums.n,
    roots: listRoots(db),
  };
}

/** Failed entries touched since a time (a scan's start), for `scan --json`. */
export function failuresSince(db: Library, since: number): Array<{ path: string; reason: string }> {
  return db
    .prepare("SELECT path, error AS reason FROM tracks WHERE status = 'failed' AND last_seen >= ? ORDER BY path")
    .all(since) as Array<{ path: string; reason: string }>;
}

/** Tracks a years run covers: the scope's filter or album, or its ids; all playable tracks without one. */
export function scopeClause(scope: YearScope | undefined): { sql: string; args: unknown[] } {
  if (scope?.trackIds) {
    const ids = scope.trackIds.filter((id) => Number.isInteger(id));
    return { sql: `WHERE status = 'ok' AND id IN (SELECT value FROM json_each(?))`, args: [JSON.stringify(ids)] };
  }
  return whereClause({ filter: scope?.filter, album: scope?.album });
}

/** What the Years view draws: tracks and listens per year, and where the years came from. */
export function yearStats(db: Library): YearStats {
  const tracks = db
    .prepare("SELECT year, COUNT(*) AS count FROM tracks WHERE status = 'ok' AND year IS NOT NULL GROUP BY year ORDER BY year")
    .all() as Array<{ year: number; count: number }>;
  const listens = db
    .prepare('SELECT year, COUNT(*) AS count FROM listens WHERE year IS NOT NULL GROUP BY year ORDER BY year')
    .all() as Array<{ year: number; count: number }>;
  const counts = db
    .prepare(
      `SELECT (SELECT COUNT(*) FROM tracks WHERE status = 'ok') AS trackTotal,
              (SELECT COUNT(*) FROM tracks WHERE status = 'ok' AND year IS NOT NULL) AS tracksWithYear,
              (SELECT COUNT(*) FROM listens) AS listenTotal,
              (SELECT COUNT(*) FROM listens WHERE year IS NOT NULL) AS listensWithYear,
              (SELECT COUNT(*) FROM tracks WHERE status = 'ok' AND (year_state IS NULL OR year_state = 'deferred')
                 AND COALESCE(year_source, '') <> 'user')
            + (SELECT COUNT(*) FROM listens WHERE (year_state IS NULL OR year_state = 'deferred')
                 AND COALESCE(year_source, '') <> 'user') AS pending`,
    )
    .get() as Omit<YearStats, 'tracks' | 'listens' | 'trackSources'>;
  const trackSources: Record<string, number> = {};
  for (const row of db
    .prepare("SELECT COALESCE(year_source, 'none') AS source, COUNT(*) AS n FROM tracks WHERE status = 'ok' GROUP BY 1")
    .all() as Array<{ source: string; n: number }>) {
    trackSources[row.source] = row.n;
  }
  return { ...counts, tracks, listens, trackSources };
}

/**
 * The user's own year: kept over every lookup, for good. null hands the
 * track back to the lookups (and the tag's year until then).
 */
export function setTrackYear(db: Library, id: number, year: number | null): Track | null {
  if (year === null) {
    db.prepare(
      `UPDATE tracks SET year = tag_year, year_source = CASE WHEN tag_year IS NULL THEN NULL ELSE 'tag' END,
         year_score = NULL, year_ids = NULL, year_state = NULL, year_checked_at = NULL
       WHERE id = ? AND year_source = 'user'`,
    ).run(id);
  } else {
    db.prepare(
      `UPDATE tracks SET year = ?, year_source = 'user', year_score = 1, year_ids = NULL, year_state = 'found', year_checked_at = ?
       WHERE id = ?`,
    ).run(year, Date.now(), id);
  }
  const row = db.prepare('SELECT * FROM tracks WHERE id = ?').get(id) as TrackRecord | undefined;
  return row ? toTrack(row) : null;
}
