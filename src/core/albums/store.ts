import type {
  AlbumDetail,
  AlbumListPage,
  AlbumListQuery,
  AlbumSummary,
  AlbumView,
  ArtChosenBy,
  ArtSource,
  EnrichStats,
  MatchSource,
  MatchState,
} from '../../shared/albums';
import type { ArtworkAlbum } from '../artwork/gather';
import type { Library } from '../db/library';
import type { AlbumOutcome, EnrichAlbum, Proposal, TrackMatch } from '../enrich/match';

interface AlbumRecord {
  id: number;
  title: string | null;
  artist: string | null;
  folder: string;
  track_count: number;
  year: number | null;
  match_state: MatchState | null;
  match_source: MatchSource | null;
  match_score: number | null;
  match_confirmed: number;
  match_id: string | null;
  mb_release_id: string | null;
  mb_release_group_id: string | null;
  match_candidates: string | null;
  art_choice: string | null;
  art_chosen_by: ArtChosenBy | null;
  art_source: ArtSource | null;
  art_width: number | null;
  art_height: number | null;
  art_candidates: number;
  current_art: number;
}

/** The album columns plus its chosen picture and whether the files carry one, in one row. */
const ALBUM_SELECT = `
  SELECT a.*,
    c.source AS art_source, c.width AS art_width, c.height AS art_height,
    (SELECT COUNT(*) FROM art_candidates x WHERE x.album_id = a.id) AS art_candidates,
    (EXISTS (SELECT 1 FROM art_candidates x WHERE x.album_id = a.id AND x.source IN ('embedded', 'folder'))
      OR EXISTS (SELECT 1 FROM tracks t WHERE t.album_id = a.id AND t.has_art = 1)) AS current_art
  FROM albums a
  LEFT JOIN art_candidates c ON c.id = (
    SELECT id FROM art_candidates y WHERE y.album_id = a.id AND y.content_hash = a.art_choice ORDER BY y.id LIMIT 1)`;

function proposalsOf(record: Pick<AlbumRecord, 'match_candidates'>): Proposal[] {
  return record.match_candidates ? (JSON.parse(record.match_candidates) as Proposal[]) : [];
}

function toSummary(r: AlbumRecord): AlbumSummary {
  const matchedCandidate = r.match_id ? proposalsOf(r).find((p) => p.candidate.id === r.match_id)?.candidate : undefined;
  return {
    id: r.id,
    title: r.title,
    artist: r.artist,
    folder: r.folder,
    trackCount: r.track_count,
    year: r.year,
    musicbrainz: { releaseId: r.mb_release_id, releaseGroupId: r.mb_release_group_id },
    match: {
      state: r.match_state,
      source: r.match_source,
      score: r.match_score,
      confirmed: r.match_confirmed === 1,
      title: matchedCandidate?.title ?? null,
      artist: matchedCandidate?.artist ?? null,
    },
    artwork: {
      source: r.art_source,
      width: r.art_width,
      height: r.art_height,
      chosenBy: r.art_choice ? r.art_chosen_by : null,
      hash: r.art_choice,
    },
    artCandidates: r.art_candidates,
    hasCurrentArt: r.current_art === 1,
  };
}

const VIEW_WHERE: Record<AlbumView, string> = {
  all: 'a.track_count > 0',
  review: "a.track_count > 0 AND a.match_state = 'review'",
  notFound: "a.track_count > 0 AND a.match_state = 'notFound'",
  unmatched: "a.track_count > 0 AND (a.match_state IS NULL OR a.match_state = 'deferred')",
  withoutArt: `a.track_count > 0 AND a.art_chosen_by IS NOT 'user' AND a.art_chosen_by IS NOT 'bulk'
    AND NOT EXISTS (SELECT 1 FROM art_candidates x WHERE x.album_id = a.id AND x.source IN ('embedded', 'folder'))
    AND NOT EXISTS (SELECT 1 FROM tracks t WHERE t.album_id = a.id AND t.has_art = 1)`,
};

export function listAlbums(db: Library, query: AlbumListQuery = {}): AlbumListPage {
  const parts = [VIEW_WHERE[query.view ?? 'all']];
  const args: unknown[] = [];
  for (const word of (query.filter ?? '').trim().split(/\s+/).filter(Boolean).slice(0, 8)) {
    const like = `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    parts.push(`(a.title LIKE ? ESCAPE '\\' OR a.artist LIKE ? ESCAPE '\\' OR a.folder LIKE ? ESCAPE '\\')`);
    args.push(like, like, like);
  }
  const where = `WHERE ${parts.join(' AND ')}`;
  const offset = Math.max(query.offset ?? 0, 0);
  const limit = Math.min(Math.max(query.limit ?? 100, 1), 1000);
  const total = (db.prepare(`SELECT COUNT(*) AS n FROM albums a ${where}`).get(...args) as { n: number }).n;
  const rows = db
    .prepare(`${ALBUM_SELECT} ${where} ORDER BY a.artist COLLATE NOCASE, a.title COLLATE NOCASE, a.id LIMIT ? OFFSET ?`)
    .all(...args, limit, offset) as AlbumRecord[];
  return { total, offset, albums: rows.map(toSummary) };
}

/** Every album with tracks, a row at a time, for `albums --json` on any size of library. */
export function* iterateAlbums(db: Library): Generator<AlbumSummary> {
  const rows = db.prepare(`${ALBUM_SELECT} WHERE a.track_count > 0 ORDER BY a.artist COLLATE NOCASE, a.title COLLATE NOCASE, a.id`).iterate();
  for (const row of rows as Iterable<AlbumRecord>) yield toSummary(row);
}

export function albumSummary(db: Library, id: number): AlbumSummary | null {
  const row = db.prepare(`${ALBUM_SELECT} WHERE a.id = ?`).get(id) as AlbumRecord | undefined;
  return row ? toSummary(row) : null;
}

export function albumDetail(db: Library, id: number): AlbumDetail | null {
  const row = db.prepare(`${ALBUM_SELECT} WHERE a.id = ?`).get(id) as AlbumRecord | undefined;
  if (!row) return null;
  const tracks = db
    .prepare(
      `SELECT t.id, t.path, t.title, t.track_no, t.disc_no, t.duration_ms,
         m.track_id AS matched, m.title AS m_title, m.track_no AS m_track_no, m.disc_no AS m_disc_no, m.mb_recording_id AS m_recording
       FROM tracks t LEFT JOIN track_matches m ON m.track_id = t.id
       WHERE t.album_id = ? AND t.status = 'ok' ORDER BY t.disc_no, t.track_no, t.path`,
    )
    .all(id) as Array<{
    id: number;
    path: string;
    title: string | null;
    track_no: number | null;
    disc_no: number | null;
    duration_ms: number | null;
    matched: number | null;
    m_title: string | null;
    m_track_no: number | null;
    m_disc_no: number | null;
    m_recording: string | null;
  }>;
  return {
    ...toSummary(row),
    candidates: proposalsOf(row).map((p) => p.candidate),
    tracks: tracks.map((t) => ({
      id: t.id,
      path: t.path,
      title: t.title,
      trackNumber: t.track_no,
      discNumber: t.disc_no,
      durationMs: t.duration_ms,
      matched: t.matched === null ? null : { title: t.m_title, trackNumber: t.m_track_no, discNumber: t.m_disc_no, recordingId: t.m_recording },
    })),
  };
}

export function enrichStats(db: Library): EnrichStats {
  const row = db
    .prepare(
      `SELECT COUNT(*) AS albums,
         COALESCE(SUM(match_state = 'matched'), 0) AS matched,
         COALESCE(SUM(match_state = 'review'), 0) AS review,
         COALESCE(SUM(match_state = 'notFound'), 0) AS notFound,
         COALESCE(SUM(match_state = 'deferred'), 0) AS deferred,
         COALESCE(SUM(match_state IS NULL), 0) AS unmatched,
         COALESCE(SUM(art_choice IS NOT NULL), 0) AS withArt
       FROM albums WHERE track_count > 0`,
    )
    .get() as Omit<EnrichStats, 'withoutArt' | 'queued'>;
  const withoutArt = (db.prepare(`SELECT COUNT(*) AS n FROM albums a WHERE ${VIEW_WHERE.withoutArt}`).get() as { n: number }).n;
  const queued = (db.prepare(`SELECT COUNT(*) AS n FROM work_queue WHERE state IN ('queued', 'running')`).get() as { n: number }).n;
  return { ...row, withoutArt, queued };
}

/** The albums and their tracks as the matcher needs them. */
export function loadEnrichAlbums(db: Library, ids: readonly number[]): EnrichAlbum[] {
  const album = db.prepare('SELECT id, title, artist, year FROM albums WHERE id = ?');
  const tracks = db.prepare(
    `SELECT id, title, artist, track_no AS trackNumber, disc_no AS discNumber, duration_ms AS durationMs, mb_release_id AS releaseId
     FROM tracks WHERE album_id = ? AND status = 'ok' ORDER BY disc_no, track_no, path`,
  );
  const out: EnrichAlbum[] = [];
  for (const id of ids) {
    const a = album.get(id) as { id: number; title: string | null; artist: string | null; year: number | null } | undefined;
    if (!a) continue;
    const rows = tracks.all(id) as Array<EnrichAlbum['tracks'][number] & { releaseId: string | null }>;
    const releaseIds = rows.map((r) => r.releaseId?.trim().toLowerCase()).filter((r): r is string => !!r);
    const releaseId = releaseIds.length > rows.length / 2 ? releaseIds.sort()[Math.floor(releaseIds.length / 2)]! : null;
    out.push({ ...a, releaseId, tracks: rows.map(({ releaseId: _r, ...t }) => t) });
  }
  return out;
}

/** What the library already knows about an album: whether a run needs to ask anyone. */
export function matchStateOf(db: Library, albumId: number): { state: MatchState | null; confirmed: boolean; tracks: number } | null {
  const row = db.prepare('SELECT match_state, match_confirmed, track_count FROM albums WHERE id = ?').get(albumId) as
    | { match_state: MatchState | null; match_confirmed: number; track_count: number }
    | undefined;
  return row ? { state: row.match_state, confirmed: row.match_confirmed === 1, tracks: row.track_count } : null;
}

function writeTrackMatches(db: Library, albumId: number, tracks: TrackMatch[], now: number): void {
  db.prepare('DELETE FROM track_matches WHERE album_id = ?').run(albumId);
  const insert = db.prepare(
    `INSERT OR REPLACE INTO track_matches (track_id, album_id, source, score, mb_recording_id, mb_track_id, mb_release_id,
       mb_release_group_id, mb_artist_ids, mb_album_artist_ids, title, artist, album_artist, album, track_no, disc_no, isrc, genres, matched_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const t of tracks) {
    insert.run(
      t.trackId,
      albumId,
      t.source,
      t.score,
      t.recordingId,
      t.trackMbid,
      t.releaseId,
      t.releaseGroupId,
      JSON.stringify(t.artistIds),
      JSON.stringify(t.albumArtistIds),
      t.title,
      t.artist,
      t.albumArtist,
      t.album,
      t.trackNumber,
      t.discNumber,
      t.isrc,
      JSON.stringify(t.genres),
      now,
    );
  }
}

/**
 * Records a match outcome. A match the user confirmed is never replaced by a
 * run; a deferred outcome keeps whatever the album had, so a service that is
 * down never undoes a match.
 */
export function saveOutcome(db: Library, albumId: number, outcome: AlbumOutcome, now = Date.now()): void {
  db.transaction(() => {
    const current = matchStateOf(db, albumId);
    if (!current || current.confirmed) return;
    if (outcome.state === 'deferred') {
      if (current.state === null) db.prepare(`UPDATE albums SET match_state = 'deferred' WHERE id = ?`).run(albumId);
      return;
    }
    if (outcome.state === 'matched') {
      db.prepare(
        `UPDATE albums SET match_state = 'matched', match_source = ?, match_score = ?, match_id = ?, mb_release_id = ?,
           mb_release_group_id = ?, match_candidates = ?, matched_at = ? WHERE id = ?`,
      ).run(
        outcome.source,
        outcome.score,
        outcome.matchId,
        outcome.releaseId,
        outcome.releaseGroupId,
        JSON.stringify(outcome.candidates.map((candidate) => ({ candidate, tracks: [] }))),
        now,
        albumId,
      );
      writeTrackMatches(db, albumId, outcome.tracks, now);
      return;
    }
    db.prepare(
      `UPDATE albums SET match_state = ?, match_source = NULL, match_score = ?, match_id = NULL, mb_release_id = NULL,
         mb_release_group_id = NULL, match_candidates = ?, matched_at = ? WHERE id = ?`,
    ).run(outcome.state, outcome.state === 'review' ? outcome.score : null, outcome.state === 'review' ? JSON.stringify(outcome.proposals) : null, now, albumId);
    db.prepare('DELETE FROM track_matches WHERE album_id = ?').run(albumId);
  })();
}

/**
 * Settles an album in review with the user's pick (an index into its
 * candidates) or 'none'; the pick is confirmed, so no later run replaces it.
 * Returns false when the album is not in review or the index is out of range.
 */
export function resolveReview(db: Library, albumId: number, choice: number | 'none', now = Date.now()): boolean {
  return db.transaction(() => {
    const row = db.prepare('SELECT match_state, match_candidates FROM albums WHERE id = ?').get(albumId) as
      | { match_state: MatchState | null; match_candidates: string | null }
      | undefined;
    if (!row || row.match_state !== 'review') return false;
    if (choice === 'none') {
      db.prepare(`UPDATE albums SET match_state = 'notFound', match_confirmed = 1, match_score = NULL, matched_at = ? WHERE id = ?`).run(now, albumId);
      return true;
    }
    const proposal = proposalsOf(row)[choice];
    if (!proposal) return false;
    const { candidate } = proposal;
    db.prepare(
      `UPDATE albums SET match_state = 'matched', match_confirmed = 1, match_source = ?, match_score = ?, match_id = ?,
         mb_release_id = ?, mb_release_group_id = ?, matched_at = ? WHERE id = ?`,
    ).run(
      candidate.source,
      candidate.score,
      candidate.id,
      candidate.source === 'musicbrainz' ? candidate.id : null,
      candidate.releaseGroupId,
      now,
      albumId,
    );
    writeTrackMatches(db, albumId, proposal.tracks, now);
    return true;
  })();
}

/** Albums a scope names: by id, or the albums of some tracks. */
export function albumIdsOf(db: Library, scope: { albumIds?: number[]; trackIds?: number[] }): number[] {
  const ids = new Set<number>(scope.albumIds ?? []);
  if (scope.trackIds && scope.trackIds.length > 0) {
    const rows = db
      .prepare(`SELECT DISTINCT album_id AS id FROM tracks WHERE album_id IS NOT NULL AND id IN (SELECT value FROM json_each(?))`)
      .all(JSON.stringify(scope.trackIds)) as Array<{ id: number }>;
    for (const r of rows) ids.add(r.id);
  }
  return [...ids].sort((a, b) => a - b);
}

/** Albums a run over the whole library has to look at: never matched, or deferred (or all of them, to match again). */
export function albumsToMatch(db: Library, refresh: boolean): number[] {
  const where = refresh ? 'match_confirmed = 0' : "(match_state IS NULL OR match_state = 'deferred')";
  return (db.prepare(`SELECT id FROM albums WHERE track_count > 0 AND ${where} ORDER BY id`).all() as Array<{ id: number }>).map((r) => r.id);
}

/**
 * What the artwork stage needs of an album: where its files are (those with
 * embedded art first) and the ids its match gave.
 */
export function loadArtworkAlbum(db: Library, albumId: number): ArtworkAlbum | null {
  const album = db
    .prepare('SELECT id, title, artist, folder, match_source, match_id, mb_release_id, mb_release_group_id, track_count FROM albums WHERE id = ?')
    .get(albumId) as
    | {
        id: number;
        title: string | null;
        artist: string | null;
        folder: string;
        match_source: string | null;
        match_id: string | null;
        mb_release_id: string | null;
        mb_release_group_id: string | null;
        track_count: number;
      }
    | undefined;
  if (!album || album.track_count === 0) return null;
  const tracks = db
    .prepare(
      `SELECT path, mb_release_id, mb_release_group_id FROM tracks WHERE album_id = ? AND status = 'ok'
       ORDER BY has_art DESC, disc_no, track_no, path LIMIT 50`,
    )
    .all(albumId) as Array<{ path: string; mb_release_id: string | null; mb_release_group_id: string | null }>;
  // Before a match, the ids the files are tagged with already lead to the Cover Art Archive.
  const tagged = (key: 'mb_release_id' | 'mb_release_group_id') => tracks.find((t) => t[key])?.[key]?.trim().toLowerCase() ?? null;
  return {
    id: album.id,
    folder: album.folder,
    trackPaths: tracks.map((t) => t.path),
    title: album.title,
    artist: album.artist,
    mbReleaseId: album.mb_release_id ?? tagged('mb_release_id'),
    mbReleaseGroupId: album.mb_release_group_id ?? tagged('mb_release_group_id'),
    theaudiodbAlbumId: album.match_source === 'theaudiodb' ? album.match_id : null,
    discogsReleaseId: album.match_source === 'discogs' ? album.match_id : null,
  };
}
