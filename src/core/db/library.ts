import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { LATEST_VERSION, MIGRATIONS } from './migrations';

export type Library = Database.Database;

/** 'SLEV' in ASCII: marks a SQLite file as a Sleeve library (PRAGMA application_id). */
export const SLEEVE_APPLICATION_ID = 0x534c4556;

/** A library file that cannot be used, with a message that says what to do. */
export class LibraryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LibraryError';
  }
}

export interface OpenLibraryOptions {
  /** Skip migrations; for processes that must not change the schema. */
  readonly?: boolean;
  /**
   * Run SQLite's quick_check (it reads the whole file: about 45 ms at 20,000
   * tracks). A shell checks once when it opens the library; its workers,
   * opening the same file a moment later, skip it.
   */
  verify?: boolean;
}

/**
 * The native binding to load. Electron runs a different Node ABI, so the
 * desktop shell points this at a copy of better-sqlite3 built for it.
 */
function nativeBinding(): string | undefined {
  return process.env.SLEEVE_SQLITE_BINDING || undefined;
}

/**
 * Opens (creating if needed) a library. Main and every worker call this; WAL
 * lets the workers write while main reads.
 */
export function openLibrary(file: string, options: OpenLibraryOptions = {}): Library {
  const existed = fs.existsSync(file) && fs.statSync(file).size > 0;
  if (!existed && !options.readonly) fs.mkdirSync(path.dirname(file), { recursive: true });

  let db: Library;
  try {
    db = new Database(file, { readonly: options.readonly ?? false, nativeBinding: nativeBinding() });
  } catch (err) {
    throw new LibraryError(`Cannot open the library at ${file}: ${(err as Error).message}`);
  }
  try {
    checkIdentity(db, file, existed, options.verify ?? true);
    db.pragma('busy_timeout = 10000');
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
    if (!options.readonly) migrate(db);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

function checkIdentity(db: Library, file: string, existed: boolean, verify: boolean): void {
  let applicationId: number;
  try {
    applicationId = db.pragma('application_id', { simple: true }) as number;
  } catch (err) {
    throw new LibraryError(
      `${file} is not a Sleeve library (${(err as Error).message}). ` +
        'Choose another file with --db, or move this one away to start a new library.',
    );
  }
  if (!existed) {
    db.pragma(`application_id = ${SLEEVE_APPLICATION_ID}`);
    return;
  }
  if (applicationId !== SLEEVE_APPLICATION_ID) {
    throw new LibraryError(
      `${file} is a SQLite database but not a Sleeve library. ` +
        'Choose another file with --db; Sleeve will not change a database it did not create.',
    );
  }
  const check = verify ? (db.pragma('quick_check', { simple: true }) as string) : 'ok';
  if (check !== 'ok') {
    throw new LibraryError(
      `The library at ${file} is damaged (${check}). Restore it from a backup, or move it away to start a new library.`,
    );
  }
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > LATEST_VERSION) {
    throw new LibraryError(
      `The library at ${file} was written by a newer Sleeve (schema ${version}, this one knows ${LATEST_VERSION}). Update Sleeve to open it.`,
    );
  }
}

function migrate(db: Library): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const pending = MIGRATIONS.filter((m) => m.version > current).sort((a, b) => a.version - b.version);
  if (pending.length === 0) return;
  // IMMEDIATE takes the write lock first, so two processes opening a new
  // library at once cannot both run the same migration.
  db.transaction(() => {
    const now = db.pragma('user_version', { simple: true }) as number;
    for (const m of pending) {
      if (m.version <= now) continue;
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }
  }).immediate();
}
