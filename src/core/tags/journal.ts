/**
 * The undo journal: before a file is written, its old values (and, when the
 * cover changes, every old picture) go into the library database, so Undo
 * can put them back after a restart, a crash or a week.
 */
import { createHash } from 'node:crypto';
import type { Library } from '../db/library';
import type { TagValues, UndoScope, WriteField, WriteHistoryEntry, WriteProblemItem } from '../../shared/write-back';
import type { EmbeddedPicture } from './fields';
import type { FileStamp } from './atomic';

export type JournalState = 'pending' | 'written' | 'undone' | 'skipped' | 'failed';
export type JournalKind = 'tags' | 'coverFile';

export interface JournalEntry {
  id: number;
  jobId: number | null;
  kind: JournalKind;
  trackId: number | null;
  albumId: number | null;
  path: string;
  state: JournalState;
  oldValues: TagValues;
  newValues: Partial<Record<WriteField, string | null>>;
  oldPictures: EmbeddedPicture[] | null;
  oldId3v1: TagValues | null;
  oldId3Version: number | null;
  after: FileStamp | null;
  error: string | null;
}

interface JournalRow {
  id: number;
  job_id: number | null;
  kind: JournalKind;
  track_id: number | null;
  album_id: number | null;
  path: string;
  state: JournalState;
  old_values: string;
  new_values: string;
  old_pictures: string | null;
  old_id3v1: string | null;
  old_id3_version: number | null;
  after_size: number | null;
  after_mtime_ms: number | null;
  error: string | null;
}

interface StoredPicture {
  type: number;
  mime: string;
  description: string;
  blob: string;
}

export interface NewEntry {
  jobId: number | null;
  kind: JournalKind;
  trackId: number | null;
  albumId: number | null;
  path: string;
  oldValues: TagValues;
  newValues: Partial<Record<WriteField, string | null>>;
  oldPictures?: EmbeddedPicture[] | null;
  oldId3v1?: TagValues | null;
  oldId3Version?: number | null;
  before?: FileStamp | null;
}

export class WriteJournal {
  constructor(private readonly db: Library) {}

  /** Records what a file holds before it is touched; the entry is 'pending' until the write settles. */
  begin(entry: NewEntry, now = Date.now()): number {
    return this.db.transaction(() => {
      let pictures: StoredPicture[] | null = null;
      if (entry.oldPictures) {
        const keep = this.db.prepare('INSERT OR IGNORE INTO journal_blobs (hash, data) VALUES (?, ?)');
        pictures = entry.oldPictures.map((p) => {
          const blob = createHash('sha256').update(p.data).digest('hex');
          keep.run(blob, p.data);
          return { type: p.type, mime: p.mime, description: p.description, blob };
        });
      }
      const result = this.db
        .prepare(
          `INSERT INTO write_journal (job_id, kind, track_id, album_id, path, state, old_values, new_values, old_pictures, old_id3v1,
             old_id3_version, before_size, before_mtime_ms, created_at)
           VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          entry.jobId,
          entry.kind,
          entry.trackId,
          entry.albumId,
          entry.path,
          JSON.stringify(entry.oldValues),
          JSON.stringify(entry.newValues),
          pictures ? JSON.stringify(pictures) : null,
          entry.oldId3v1 ? JSON.stringify(entry.oldId3v1) : null,
          entry.oldId3Version ?? null,
          entry.before?.size ?? null,
          entry.before?.mtimeMs ?? null,
          now,
        );
      return Number(result.lastInsertRowid);
    })();
  }

  written(id: number, after: FileStamp, now = Date.now()): void {
    this.db
      .prepare(`UPDATE write_journal SET state = 'written', after_size = ?, after_mtime_ms = ?, written_at = ?, error = NULL WHERE id = ?`)
      .run(after.size, after.mtimeMs, now, id);
  }

  /** The file was left as it was: state skipped (its own condition) or failed (the write went wrong). */
  notWritten(id: number, state: 'skipped' | 'failed', error: string): void {
    this.db.prepare('UPDATE write_journal SET state = ?, error = ? WHERE id = ?').run(state, error, id);
  }

  /** A file Sleeve did not get as far as journaling (missing, read-only...): reported with the job all the same. */
  problem(entry: Omit<NewEntry, 'oldValues' | 'newValues'>, state: 'skipped' | 'failed', error: string, now = Date.now()): void {
    this.db
      .prepare(
        `INSERT INTO write_journal (job_id, kind, track_id, album_id, path, state, old_values, new_values, error, created_at)
         VALUES (?, ?, ?, ?, ?, ?, '{}', '{}', ?, ?)`,
      )
      .run(entry.jobId, entry.kind, entry.trackId, entry.albumId, entry.path, state, error, now);
  }

  undone(id: number, undoJobId: number | null, now = Date.now()): void {
    this.db.prepare(`UPDATE write_journal SET state = 'undone', undone_at = ?, undo_job_id = ? WHERE id = ?`).run(now, undoJobId, id);
  }

  pending(): JournalEntry[] {
    return (this.db.prepare(`SELECT * FROM write_journal WHERE state = 'pending' ORDER BY id`).all() as JournalRow[]).map((r) => this.toEntry(r));
  }

  /**
   * What Undo would put back in this scope: for each file, the newest write
   * not yet undone (an older one becomes undoable once the newer is undone).
   */
  undoable(scope: UndoScope): JournalEntry[] {
    const filter =
      scope.kind === 'job'
        ? { sql: 'w.job_id = ?', args: [scope.jobId] }
        : scope.kind === 'album'
          ? { sql: 'w.album_id = ?', args: [scope.albumId] }
          : { sql: `w.track_id IN (${scope.trackIds.map(() => '?').join(', ') || 'NULL'})`, args: scope.trackIds };
    const rows = this.db
      .prepare(
        `SELECT w.* FROM write_journal w
         WHERE w.state = 'written' AND ${filter.sql}
           AND NOT EXISTS (SELECT 1 FROM write_journal n WHERE n.path = w.path AND n.state = 'written' AND n.id > w.id)
         ORDER BY w.id DESC`,
      )
      .all(...filter.args) as JournalRow[];
    return rows.map((r) => this.toEntry(r));
  }

  /** Files a job did not write, with why. */
  problems(jobId: number): WriteProblemItem[] {
    return this.db
      .prepare(`SELECT path, state, error FROM write_journal WHERE job_id = ? AND state IN ('skipped', 'failed') ORDER BY id`)
      .all(jobId) as WriteProblemItem[];
  }

  /** Write jobs, newest first, with how much of each Undo would still restore. */
  history(limit = 50): WriteHistoryEntry[] {
    const rows = this.db
      .prepare(
        `SELECT job_id AS jobId, MIN(created_at) AS at,
                SUM(CASE WHEN state IN ('written', 'undone') THEN 1 ELSE 0 END) AS written,
                SUM(CASE WHEN state = 'undone' THEN 1 ELSE 0 END) AS undone
         FROM write_journal WHERE job_id IS NOT NULL AND kind = 'tags'
         GROUP BY job_id HAVING written > 0 ORDER BY job_id DESC LIMIT ?`,
      )
      .all(limit) as Array<Omit<WriteHistoryEntry, 'undoable'>>;
    return rows.map((r) => ({ ...r, undoable: this.undoable({ kind: 'job', jobId: r.jobId }).filter((e) => e.kind === 'tags').length }));
  }

  private toEntry(row: JournalRow): JournalEntry {
    let oldPictures: EmbeddedPicture[] | null = null;
    if (row.old_pictures) {
      const blob = this.db.prepare('SELECT data FROM journal_blobs WHERE hash = ?');
      oldPictures = (JSON.parse(row.old_pictures) as StoredPicture[]).map((p) => {
        const data = (blob.get(p.blob) as { data: Buffer } | undefined)?.data;
        if (!data) throw new Error(`the undo journal lost a picture of ${row.path}`);
        return { type: p.type, mime: p.mime, description: p.description, data };
      });
    }
    return {
      id: row.id,
      jobId: row.job_id,
      kind: row.kind,
      trackId: row.track_id,
      albumId: row.album_id,
      path: row.path,
      state: row.state,
      oldValues: JSON.parse(row.old_values) as TagValues,
      newValues: JSON.parse(row.new_values) as Partial<Record<WriteField, string | null>>,
      oldPictures,
      oldId3v1: row.old_id3v1 ? (JSON.parse(row.old_id3v1) as TagValues) : null,
      oldId3Version: row.old_id3_version,
      after: row.after_size !== null && row.after_mtime_ms !== null ? { size: row.after_size, mtimeMs: row.after_mtime_ms } : null,
      error: row.error,
    };
  }
}
