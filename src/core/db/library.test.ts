import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LibraryError, openLibrary } from './library';
import { LATEST_VERSION } from './migrations';
import { readSetting, writeSetting } from './settings';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-db-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('openLibrary', () => {
  it('creates a new library in WAL mode at the latest schema, making folders as needed', () => {
    const file = path.join(dir, 'nested', 'library.sqlite');
    const db = openLibrary(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    db.close();
  });

  it('reopens its own library and keeps the data', () => {
    const file = path.join(dir, 'library.sqlite');
    const db = openLibrary(file);
    writeSetting(db, 'roots', ['/music']);
    db.close();
    const again = openLibrary(file);
    expect(readSetting(again, 'roots')).toEqual(['/music']);
    again.close();
  });

  it('refuses a file that is not SQLite, and leaves it untouched', () => {
    const file = path.join(dir, 'notes.sqlite');
    fs.writeFileSync(file, 'these are my notes, not a database '.repeat(200));
    const before = fs.readFileSync(file);
    expect(() => openLibrary(file)).toThrow(LibraryError);
    expect(() => openLibrary(file)).toThrow(/is not a Sleeve library/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it("refuses another program's SQLite database", () => {
    const file = path.join(dir, 'other.sqlite');
    const other = new Database(file);
    other.exec('CREATE TABLE t (x)');
    other.close();
    expect(() => openLibrary(file)).toThrow(/SQLite database but not a Sleeve library/);
  });

  it('refuses a library written by a newer Sleeve', () => {
    const file = path.join(dir, 'library.sqlite');
    const db = openLibrary(file);
    db.pragma(`user_version = ${LATEST_VERSION + 1}`);
    db.close();
    expect(() => openLibrary(file)).toThrow(/newer Sleeve/);
  });
});
