import { PRIORITY } from '../../shared/albums';
import type { Library } from '../db/library';

export type WorkStage = 'match' | 'artwork';

export interface WorkItem {
  id: number;
  stage: WorkStage;
  albumId: number;
  priority: number;
  refresh: boolean;
  attempts: number;
  /** When the row was last asked for; a later request while it runs sends it round again. */
  requestedAt: number;
}

/**
 * The durable queue behind enrichment: one row per album and stage, in the
 * library, so a restart resumes where the last run stopped and a request for
 * an album already waiting only raises its priority (lower runs first).
 */
export class WorkQueue {
  constructor(private readonly db: Library) {}

  /**
   * Queues albums for a stage. An album already queued keeps one row, at the
   * higher of the two priorities; one that is done or deferred is queued
   * again. Returns how many rows were added or raised.
   */
  enqueue(stage: WorkStage, albumIds: readonly number[], priority: number, options: { refresh?: boolean } = {}): number {
    const now = Date.now();
    const upsert = this.db.prepare(
      `INSERT INTO work_queue (stage, album_id, priority, state, refresh, enqueued_at, updated_at)
       VALUES (@stage, @albumId, @priority, 'queued', @refresh, @now, @now)
       ON CONFLICT (stage, album_id) DO UPDATE SET
         priority = CASE WHEN state IN ('queued', 'running') THEN MIN(priority, excluded.priority) ELSE excluded.priority END,
         refresh = MAX(refresh, excluded.refresh),
         state = CASE WHEN state = 'running' THEN 'running' ELSE 'queued' END,
         attempts = CASE WHEN state IN ('queued', 'running') THEN attempts ELSE 0 END,
         -- Asked again while running (a match brought new ids): finish() puts it back in line.
         enqueued_at = CASE WHEN state = 'running' AND excluded.refresh = 1 THEN MAX(excluded.enqueued_at, enqueued_at + 1) ELSE enqueued_at END,
         updated_at = excluded.updated_at
       WHERE state NOT IN ('queued', 'running') OR priority > excluded.priority OR refresh < excluded.refresh
         OR (state = 'running' AND excluded.refresh = 1)`,
    );
    let changed = 0;
    this.db.transaction(() => {
      for (const albumId of albumIds) {
        changed += upsert.run({ stage, albumId, priority, refresh: options.refresh ? 1 : 0, now }).changes;
      }
    })();
    return changed;
  }

  /**
   * Takes the most urgent queued items of a stage and marks them running, in
   * one transaction, so two workers never take the same album.
   */
  take(stage: WorkStage, limit = 1): WorkItem[] {
    // Backfill artwork waits for the album's match, whose ids the sources answer to; a new
    // import's does not, so the art in its files shows at once.
    const ready =
      stage === 'artwork'
        ? `AND (priority < ${PRIORITY.backfill} OR NOT EXISTS (SELECT 1 FROM work_queue m
             WHERE m.stage = 'match' AND m.album_id = work_queue.album_id AND m.state IN ('queued', 'running')))`
        : '';
    return this.db.transaction(() => {
      const rows = this.db
        .prepare(
          `SELECT id, stage, album_id AS albumId, priority, refresh, attempts, enqueued_at AS requestedAt FROM work_queue
           WHERE stage = ? AND state = 'queued' ${ready} ORDER BY priority, id LIMIT ?`,
        )
        .all(stage, limit) as Array<Omit<WorkItem, 'refresh'> & { refresh: number }>;
      const mark = this.db.prepare(`UPDATE work_queue SET state = 'running', attempts = attempts + 1, updated_at = ? WHERE id = ?`);
      const now = Date.now();
      for (const row of rows) mark.run(now, row.id);
      return rows.map((r) => ({ ...r, refresh: r.refresh === 1 }));
    }).immediate();
  }

  /** The best priority waiting in a stage, or null when nothing waits. */
  peekPriority(stage: WorkStage): number | null {
    const row = this.db.prepare(`SELECT MIN(priority) AS p FROM work_queue WHERE stage = ? AND state = 'queued'`).get(stage) as {
      p: number | null;
    };
    return row.p;
  }

  finish(item: Pick<WorkItem, 'id' | 'requestedAt'>, state: 'done' | 'deferred' | 'failed', error?: string): void {
    this.db
      .prepare(
        `UPDATE work_queue SET
           state = CASE WHEN enqueued_at > @requestedAt THEN 'queued' ELSE @state END,
           refresh = CASE WHEN enqueued_at > @requestedAt OR @state = 'deferred' THEN refresh ELSE 0 END,
           error = @error, updated_at = @now
         WHERE id = @id`,
      )
      .run({ state, error: error ?? null, requestedAt: item.requestedAt, now: Date.now(), id: item.id });
  }

  /** Puts an item a cancelled run had taken back in line, as it was. */
  release(item: Pick<WorkItem, 'id'>): void {
    this.db.prepare(`UPDATE work_queue SET state = 'queued', attempts = MAX(attempts - 1, 0), updated_at = ? WHERE id = ? AND state = 'running'`).run(Date.now(), item.id);
  }

  /**
   * Items left 'running' by a run that crashed go back in line. Called when a
   * run starts; only one enrichment job runs at a time.
   */
  recover(): number {
    return this.db.prepare(`UPDATE work_queue SET state = 'queued', updated_at = ? WHERE state = 'running'`).run(Date.now()).changes;
  }

  /** Deferred items (a service could not answer) get another go. */
  retryDeferred(stage?: WorkStage): number {
    return this.db
      .prepare(`UPDATE work_queue SET state = 'queued', updated_at = ? WHERE state = 'deferred' AND (? IS NULL OR stage = ?)`)
      .run(Date.now(), stage ?? null, stage ?? null).changes;
  }

  counts(): Record<WorkStage, { queued: number; running: number; deferred: number }> {
    const out: Record<WorkStage, { queued: number; running: number; deferred: number }> = {
      match: { queued: 0, running: 0, deferred: 0 },
      artwork: { queued: 0, running: 0, deferred: 0 },
    };
    const rows = this.db
      .prepare(`SELECT stage, state, COUNT(*) AS n FROM work_queue WHERE state IN ('queued', 'running', 'deferred') GROUP BY stage, state`)
      .all() as Array<{ stage: WorkStage; state: 'queued' | 'running' | 'deferred'; n: number }>;
    for (const r of rows) out[r.stage][r.state] = r.n;
    return out;
  }
}
