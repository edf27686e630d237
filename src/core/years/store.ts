import type { YearIds, YearScope, YearSource, YearState } from '../../shared/library';
import type { Library } from '../db/library';
import { scopeClause } from '../library/queries';

/** Something that wants a year: a library track or a listen from an imported history. */
export interface YearItem {
  kind: 'track' | 'listen';
  id: number;
  artist: string | null;
  title: string | null;
  album: string | null;
  durationMs: number | null;
  trackNumber: number | null;
  discNumber: number | null;
  /** The year in the file's tags: a remaster's or a reissue's, often. */
  tagYear: number | null;
  recordingId: string | null;
  releaseId: string | null;
}

export interface YearResult {
  state: YearState;
  year: number | null;
  albumYear: number | null;
  source: YearSource | null;
  score: number | null;
  ids: YearIds | null;
}

export interface LoadOptions {
  scope?: YearScope;
  /** Look again at items already found or not found (a refresh); a year the user set is never touched. */
  refresh?: boolean;
  /** Listens too (runs over the whole library do; a Library view's selection does not). */
  listens: boolean;
}

/**
 * Items still to look up, in a stable order (kind, then id) so that the
 * grouping, and so the result, never depends on timing. Without refresh,
 * only items never looked up or deferred: a cancelled or crashed run
 * resumes where it stopped.
 */
export function loadYearItems(db: Library, options: LoadOptions): YearItem[] {
  const pending = options.refresh ? '1' : "(year_state IS NULL OR year_state = 'deferred')";
  const scope = scopeClause(options.scope);
  const where = `${scope.sql ? `${scope.sql} AND` : 'WHERE'} ${pending} AND COALESCE(year_source, '') <> 'user'`;
  const tracks = db
    .prepare(
      `SELECT id, COALESCE(artist, album_artist) AS artist, title, album, duration_ms AS durationMs,
              track_no AS trackNumber, disc_no AS discNumber, tag_year AS tagYear, mb_recording_id AS recordingId, mb_release_id AS releaseId
       FROM tracks ${where} ORDER BY id`,
    )
    .all(...scope.args) as Array<Omit<YearItem, 'kind'>>;
  const items: YearItem[] = tracks.map((t) => ({ kind: 'track', ...t }));
  if (options.listens) {
    const listens = db
      .prepare(
        `SELECT id, artist, title, album, duration_ms AS durationMs, NULL AS trackNumber, NULL AS discNumber, NULL AS tagYear,
                mb_recording_id AS recordingId, mb_release_id AS releaseId
         FROM listens WHERE ${pending} AND COALESCE(year_source, '') <> 'user' ORDER BY id`,
      )
      .all() as Array<Omit<YearItem, 'kind'>>;
    for (const l of listens) items.push({ kind: 'listen', ...l });
  }
  return items;
}

/**
 * Writes results in one transaction. A lookup that found nothing keeps the
 * tag's year (it is better than none) and says so with its state; a year the
 * user set in the meantime wins.
 */
export function saveYearResults(db: Library, results: Array<{ item: YearItem; result: YearResult }>, now = Date.now()): void {
  const found = (table: string) =>
    db.prepare(
      `UPDATE ${table} SET year = @year, year_source = @source, year_score = @score, year_ids = @ids, album_year = @albumYear,
         year_state = 'found', year_checked_at = @now
       WHERE id = @id AND COALESCE(year_source, '') <> 'user'`,
    );
  const other = (table: string) =>
    db.prepare(
      `UPDATE ${table} SET year_state = @state, year_checked_at = @now, album_year = COALESCE(@albumYear, album_year)
       WHERE id = @id AND COALESCE(year_source, '') <> 'user'`,
    );
  const statements = {
    track: { found: found('tracks'), other: other('tracks') },
    listen: { found: found('listens'), other: other('listens') },
  };
  db.transaction(() => {
    for (const { item, result } of results) {
      const s = statements[item.kind];
      if (result.state === 'found') {
        s.found.run({
          id: item.id,
          year: result.year,
          source: result.source,
          score: result.score,
          ids: result.ids ? JSON.stringify(result.ids) : null,
          albumYear: result.albumYear,
          now,
        });
      } else {
        s.other.run({ id: item.id, state: result.state, albumYear: result.albumYear, now });
      }
    }
  })();
}
