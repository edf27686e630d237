import type { Library } from '../db/library';
import type { ListenSource, ParsedListen } from './types';

export interface WriteResult {
  imported: number;
  /** Rows already in the library under the same (listened_at, artist, title). */
  duplicates: number;
}

/**
 * Writes parsed listens into `listens`. INSERT OR IGNORE against the table's
 * UNIQUE (listened_at, artist, title) is the whole of deduplication: a
 * listen imported before, from either service or the same file twice, is
 * counted and left alone, so an import can always be run again.
 */
export class ListenWriter {
  private readonly insert;
  private readonly writeAll;

  constructor(db: Library) {
    this.insert = db.prepare(
      `INSERT OR IGNORE INTO listens
         (source, listened_at, artist, title, album, duration_ms, mb_recording_id, mb_release_id, imported_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.writeAll = db.transaction((source: ListenSource, listens: readonly ParsedListen[], importedAt: number) => {
      let imported = 0;
      for (const l of listens) {
        imported += this.insert.run(source, l.listenedAt, l.artist, l.title, l.album, l.durationMs, l.recordingMbid, l.releaseMbid, importedAt).changes;
      }
      return imported;
    });
  }

  /** Writes one batch in one transaction: all of it is committed, or none. */
  write(source: ListenSource, listens: readonly ParsedListen[], importedAt: number): WriteResult {
    if (listens.length === 0) return { imported: 0, duplicates: 0 };
    const imported = this.writeAll(source, listens, importedAt);
    return { imported, duplicates: listens.length - imported };
  }
}
