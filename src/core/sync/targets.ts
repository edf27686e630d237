import type { Library } from '../db/library';
import { countPlan, type SyncAction, type SyncPlan, type SyncPlanItem } from '../../shared/sync';

/** A playlist's row for one target: the remote playlist Sleeve made there, if any. */
export interface SyncTargetRow {
  id: number;
  playlistId: number;
  target: string;
  remoteId: string | null;
  lastSyncedAt: number | null;
}

interface TargetRecord {
  id: number;
  playlist_id: number;
  target: string;
  remote_id: string | null;
  last_synced_at: number | null;
}

const toTarget = (r: TargetRecord): SyncTargetRow => ({
  id: r.id,
  playlistId: r.playlist_id,
  target: r.target,
  remoteId: r.remote_id,
  lastSyncedAt: r.last_synced_at,
});

export function findSyncTarget(db: Library, playlistId: number, target: string): SyncTargetRow | null {
  const row = db.prepare('SELECT * FROM sync_targets WHERE playlist_id = ? AND target = ?').get(playlistId, target) as TargetRecord | undefined;
  return row ? toTarget(row) : null;
}

export function ensureSyncTarget(db: Library, playlistId: number, target: string): SyncTargetRow {
  db.prepare('INSERT INTO sync_targets (playlist_id, target) VALUES (?, ?) ON CONFLICT (playlist_id, target) DO NOTHING').run(playlistId, target);
  return findSyncTarget(db, playlistId, target)!;
}

export function setRemoteId(db: Library, targetId: number, remoteId: string | null): void {
  db.prepare('UPDATE sync_targets SET remote_id = ? WHERE id = ?').run(remoteId, targetId);
}

export function markSynced(db: Library, targetId: number, at = Date.now()): void {
  db.prepare('UPDATE sync_targets SET last_synced_at = ? WHERE id = ?').run(at, targetId);
}

/** Every target row on this target key (every playlist synced to one folder, say). */
export function targetsOn(db: Library, target: string): SyncTargetRow[] {
  return (db.prepare('SELECT * FROM sync_targets WHERE target = ?').all(target) as TargetRecord[]).map(toTarget);
}

export interface SyncedItem {
  item: string;
  trackId: number | null;
  sourceSize: number | null;
  sourceMtimeMs: number | null;
  addedAt: number;
}

interface ItemRecord {
  item: string;
  track_id: number | null;
  source_size: number | null;
  source_mtime_ms: number | null;
  added_at: number;
}

/** What Sleeve put in the target for this playlist, by item (URI or path under the folder). */
export function syncedItems(db: Library, targetId: number): Map<string, SyncedItem> {
  const rows = db.prepare('SELECT item, track_id, source_size, source_mtime_ms, added_at FROM sync_items WHERE sync_target_id = ?').all(targetId) as ItemRecord[];
  return new Map(
    rows.map((r) => [r.item, { item: r.item, trackId: r.track_id, sourceSize: r.source_size, sourceMtimeMs: r.source_mtime_ms, addedAt: r.added_at }]),
  );
}

export function recordSyncedItems(
  db: Library,
  targetId: number,
  items: ReadonlyArray<{ item: string; trackId?: number | null; sourceSize?: number | null; sourceMtimeMs?: number | null }>,
  at = Date.now(),
): void {
  const insert = db.prepare(`
    INSERT INTO sync_items (sync_target_id, item, track_id, source_size, source_mtime_ms, added_at) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (sync_target_id, item) DO UPDATE SET track_id = excluded.track_id, source_size = excluded.source_size, source_mtime_ms = excluded.source_mtime_ms`);
  db.transaction(() => {
    for (const i of items) insert.run(targetId, i.item, i.trackId ?? null, i.sourceSize ?? null, i.sourceMtimeMs ?? null, at);
  })();
}

export function forgetSyncedItems(db: Library, targetId: number, items: readonly string[]): void {
  const remove = db.prepare('DELETE FROM sync_items WHERE sync_target_id = ? AND item = ?');
  db.transaction(() => {
    for (const item of items) remove.run(targetId, item);
  })();
}

/** Keeps the plan of the last run (dry or not) for the Sync dialog and `sync --dry-run`. */
export function saveSyncPlan(db: Library, targetId: number, items: readonly SyncPlanItem[]): void {
  const insert = db.prepare(`
    INSERT INTO sync_plan_items (sync_target_id, seq, action, track_id, item, title, artist, reason, score)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  db.transaction(() => {
    db.prepare('DELETE FROM sync_plan_items WHERE sync_target_id = ?').run(targetId);
    items.forEach((i, seq) => insert.run(targetId, seq, i.action, i.trackId, i.item, i.title, i.artist, i.reason, i.score));
  })();
}

interface PlanRecord {
  action: SyncAction;
  track_id: number | null;
  item: string | null;
  title: string | null;
  artist: string | null;
  reason: string | null;
  score: number | null;
}

export function loadSyncPlan(db: Library, playlistId: number, target: string): SyncPlan | null {
  const row = findSyncTarget(db, playlistId, target);
  if (!row) return null;
  const name = db.prepare('SELECT name FROM playlists WHERE id = ?').get(playlistId) as { name: string } | undefined;
  if (!name) return null;
  const records = db
    .prepare('SELECT action, track_id, item, title, artist, reason, score FROM sync_plan_items WHERE sync_target_id = ? ORDER BY seq')
    .all(row.id) as PlanRecord[];
  const items = records.map(
    (r): SyncPlanItem => ({ action: r.action, trackId: r.track_id, item: r.item, title: r.title, artist: r.artist, reason: r.reason, score: r.score }),
  );
  return { playlistId, playlistName: name.name, target, remoteId: row.remoteId, items, counts: countPlan(items) };
}
