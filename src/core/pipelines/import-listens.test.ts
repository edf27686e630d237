import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobProgress } from '../../shared/jobs';
import { openLibrary, type Library } from '../db/library';
import { ProgressTracker } from '../jobs/progress';
import { ZIPPED_EXPORT } from '../listens/parse';
import { IMPORT_BATCH_ROWS, importListensJob } from './import-listens';

// A worker only runs kinds registered in src/core/jobs/kinds.ts, and this job is
// registered there separately, so these tests call run() with a context made here,
// on a real library: the calls a worker makes, without the fork.

const testdata = fileURLToPath(new URL('../listens/testdata/', import.meta.url));

let dir: string;
let db: Library;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-import-listens-'));
  db = openLibrary(path.join(dir, 'library.sqlite'));
});

afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Run {
  progress: JobProgress;
  logs: Array<{ level: 'info' | 'warn' | 'error'; message: string }>;
}

/** A tracker that lets a test act after each committed batch (advance is called once per commit). */
class WatchedProgress extends ProgressTracker {
  constructor(private readonly afterCommit: (done: number) => void) {
    super();
  }
  override advance(by = 1): void {
    super.advance(by);
    this.afterCommit(this.snapshot().done);
  }
}

async function runImport(file: string, options: { signal?: AbortSignal; afterCommit?: () => void } = {}): Promise<Run> {
  const logs: Run['logs'] = [];
  const progress = new WatchedProgress(options.afterCommit ?? (() => {}));
  await importListensJob.run({
    params: importListensJob.params.parse({ path: file }),
    signal: options.signal ?? new AbortController().signal,
    progress,
    log: {
      info: (message) => logs.push({ level: 'info', message }),
      warn: (message) => logs.push({ level: 'warn', message }),
      error: (message) => logs.push({ level: 'error', message }),
    },
    library: () => db,
    secrets: {},
  });
  return { progress: progress.snapshot(), logs };
}

const count = () => (db.prepare('SELECT COUNT(*) AS n FROM listens').get() as { n: number }).n;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
function lastfmDate(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** A headerless Last.fm CSV of `rows` distinct scrobbles, one minute apart, written in pieces. */
function writeLastfmCsv(file: string, rows: number, padding = ''): void {
  const fd = fs.openSync(file, 'w');
  try {
    const start = Date.UTC(2015, 0, 1);
    let piece = '';
    for (let i = 0; i < rows; i++) {
      piece += `"Artist ${i % 997}, and friends",Album ${i % 313}${padding},Title ${i},${lastfmDate(start + i * 60_000)}\n`;
      if (piece.length > 1 << 16) {
        fs.writeSync(fd, piece);
        piece = '';
      }
    }
    fs.writeSync(fd, piece);
  } finally {
    fs.closeSync(fd);
  }
}

describe('import-listens job', () => {
  it('imports a ListenBrainz export, counts every row, and reports the bad ones by line', async () => {
    const file = path.join(testdata, 'listenbrainz.json');
    const { progress, logs } = await runImport(file);
    expect(progress.counters).toEqual({ read: 5, imported: 3, duplicates: 0, skipped: 2 });
    expect(progress.total).toBe(fs.statSync(file).size);
    expect(progress.done).toBe(progress.total);
    expect(logs.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual([
      'Line 27: no artist name',
      'Line 28: unreadable date "yesterday"',
    ]);
    expect(logs.at(-1)).toEqual({
      level: 'info',
      message: '5 rows read: 3 listens imported, 0 already in the library, 2 skipped.',
    });

    const rows = db.prepare('SELECT * FROM listens ORDER BY listened_at').all() as Array<Record<string, unknown>>;
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({
      source: 'listenbrainz',
      listened_at: 1612096440000,
      artist: 'Sigur Rós',
      title: 'Hoppípolla',
      album: 'Takk...',
      duration_ms: 268000,
      mb_recording_id: '22222222-2222-4222-8222-222222222222',
      mb_release_id: '33333333-3333-4333-8333-333333333333',
      year: null,
      year_state: null,
    });
    expect(rows[0]!.imported_at).toEqual(expect.any(Number));
    expect(new Set(rows.map((r) => r.imported_at)).size).toBe(1);
  });

  it('imports nothing the second time the same file is imported', async () => {
    const file = path.join(testdata, 'lastfm-plain.csv');
    const first = await runImport(file);
    expect(first.progress.counters).toEqual({ read: 9, imported: 4, duplicates: 0, skipped: 5 });
    const second = await runImport(file);
    expect(second.progress.counters).toEqual({ read: 9, imported: 0, duplicates: 4, skipped: 5 });
    expect(count()).toBe(4);
    expect(db.prepare("SELECT COUNT(*) AS n FROM listens WHERE source = 'lastfm'").get()).toEqual({ n: 4 });
  });

  it('imports every supported format', async () => {
    const counters = async (name: string) => (await runImport(path.join(testdata, name))).progress.counters;
    expect(await counters('listenbrainz.jsonl')).toEqual({ read: 5, imported: 3, duplicates: 0, skipped: 2 });
    expect(await counters('lastfm-header.csv')).toEqual({ read: 4, imported: 3, duplicates: 0, skipped: 1 });
    expect(count()).toBe(6);
  });

  it('logs the first 20 problems one by one and only the number of the rest', async () => {
    const file = path.join(dir, 'broken.csv');
    const good = 'A,B,C,01 Jan 2020 10:00\n';
    fs.writeFileSync(file, good + 'no date,x,y,\n'.repeat(25));
    const { progress, logs } = await runImport(file);
    expect(progress.counters).toEqual({ read: 26, imported: 1, duplicates: 0, skipped: 25 });
    const warnings = logs.filter((l) => l.level === 'warn').map((l) => l.message);
    expect(warnings).toHaveLength(21);
    expect(warnings[0]).toBe('Line 2: no date (a track still playing when the export was made?)');
    expect(warnings[19]).toMatch(/^Line 21: /);
    expect(warnings[20]).toBe('…and 5 more rows skipped (only the first 20 are listed).');
  });

  it('stops between batches when cancelled, keeps what it committed, and a second run imports the rest', async () => {
    const file = path.join(dir, 'scrobbles.csv');
    writeLastfmCsv(file, 5000);
    const abort = new AbortController();
    const cancelled = await runImport(file, { signal: abort.signal, afterCommit: () => abort.abort() });
    expect(cancelled.progress.counters).toEqual({ read: IMPORT_BATCH_ROWS, imported: IMPORT_BATCH_ROWS, duplicates: 0, skipped: 0 });
    expect(count()).toBe(IMPORT_BATCH_ROWS);
    expect(cancelled.logs.at(-1)!.message).toMatch(/^Cancelled part-way; what was imported stays\./);

    const resumed = await runImport(file);
    expect(resumed.progress.counters).toEqual({
      read: 5000,
      imported: 5000 - IMPORT_BATCH_ROWS,
      duplicates: IMPORT_BATCH_ROWS,
      skipped: 0,
    });
    expect(count()).toBe(5000);
  });

  it('says what is wrong with a path that is not an export it can read', async () => {
    const zip = path.join(dir, 'export.zip');
    fs.writeFileSync(zip, 'PK\u0003\u0004');
    await expect(runImport(zip)).rejects.toThrow(ZIPPED_EXPORT);
    await expect(runImport(path.join(testdata, 'zip-magic.json'))).rejects.toThrow(ZIPPED_EXPORT);
    await expect(runImport(path.join(dir, 'nope.csv'))).rejects.toThrow(/nope\.csv does not exist/);
    await expect(runImport(dir)).rejects.toThrow(/is a folder\. Choose the export file itself/);
    expect(() => importListensJob.params.parse({ path: 'relative/listens.csv' })).toThrow(/absolute path/);
    expect(count()).toBe(0);
  });

  it.skipIf(process.getuid?.() === 0)('says when it may not read the file (skipped as root, who may read anything)', async () => {
    const file = path.join(dir, 'locked.csv');
    fs.writeFileSync(file, 'A,B,C,01 Jan 2020 10:00\n');
    fs.chmodSync(file, 0o000);
    await expect(runImport(file)).rejects.toThrow(/may not read .*locked\.csv \(permission denied\)/);
  });

  it('streams a 100,000-row export with memory that stays flat', async () => {
    const file = path.join(dir, 'big.csv');
    // Padded rows make the file (about 20 MB) much larger than the bound below,
    // so holding the file or its rows in memory would fail the test.
    writeLastfmCsv(file, 100_000, ' '.repeat(120));
    expect(fs.statSync(file).size).toBeGreaterThan(18_000_000);

    // Retained heap, not allocation: collect before each sample so garbage does not count.
    v8.setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    const before = process.memoryUsage().heapUsed;
    let peak = 0;
    let commits = 0;
    const { progress } = await runImport(file, {
      afterCommit: () => {
        if (++commits % 20 !== 0) return;
        gc();
        peak = Math.max(peak, process.memoryUsage().heapUsed - before);
      },
    });
    expect(progress.counters).toEqual({ read: 100_000, imported: 100_000, duplicates: 0, skipped: 0 });
    expect(count()).toBe(100_000);
    expect(commits).toBeGreaterThanOrEqual(200);
    expect(peak).toBeLessThan(8 * 1024 * 1024);
  });
});
