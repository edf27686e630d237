import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { PRIORITY } from '../../shared/albums';
import { groupAlbums } from '../albums/group';
import { WorkQueue } from '../albums/queue';
import type { JobDefinition } from '../jobs/types';
import { crawl } from '../scan/crawl';
import { isAudioPath } from '../scan/formats';
import { ParsePool } from '../scan/parse-pool';
import {
  listRoots,
  loadKnownTracks,
  missingByContentKey,
  normaliseRoots,
  rememberRoots,
  TrackWriter,
  type KnownTrack,
} from '../scan/store';
import type { FoundFile, ReadResult } from '../scan/types';
import { workerAsset } from '../workers/assets';

const params = z.object({
  /** Folders (remembered as library roots) or single files; none rescans every root. */
  paths: z.array(z.string().min(1).max(4096)).max(10_000).default([]),
  /** Parse threads; one per core by default. */
  workers: z.number().int().min(1).max(64).optional(),
});

const BATCH_FILES = 32;
// Small, frequent transactions: results then die young instead of piling up as
// old-generation garbage, and a WAL commit at synchronous=NORMAL costs no fsync.
const FLUSH_EVERY_MS = 100;
const FLUSH_EVERY_RESULTS = 64;

export const SCAN_COUNTERS = ['found', 'new', 'changed', 'unchanged', 'parsed', 'failed', 'moved', 'restored', 'missing'];

/**
 * Scan: crawl the roots, read the tags of new and changed files on every
 * core, and write them in batched transactions. Unchanged files (same size
 * and mtime) are not opened; vanished ones become 'missing'; a moved file
 * keeps its row.
 */
export const scanJob: JobDefinition<z.infer<typeof params>> = {
  kind: 'scan',
  title: 'Scan',
  description: 'Finds the music files in your folders and reads their tags.',
  params,
  async run({ params, signal, progress, library }) {
    const db = library();
    const now = Date.now();
    progress.set(Object.fromEntries(SCAN_COUNTERS.map((name) => [name, 0])));

    const folders: string[] = [];
    const singleFiles: FoundFile[] = [];
    const writer = new TrackWriter(db);
    for (const given of params.paths.map((p) => path.resolve(p))) {
      let stat: fs.Stats;
      try {
        stat = fs.statSync(given);
      } catch {
        throw new Error(`${given} does not exist or cannot be read. Check the path and try again.`);
      }
      if (stat.isDirectory()) folders.push(given);
      else if (isAudioPath(given)) singleFiles.push({ path: given, size: stat.size, mtimeMs: Math.trunc(stat.mtimeMs) });
      else throw new Error(`${given} is not a folder or an audio file Sleeve can read.`);
    }
    if (folders.length > 0) rememberRoots(db, normaliseRoots(folders));
    const roots = normaliseRoots(params.paths.length > 0 ? folders : listRoots(db));
    if (roots.length === 0 && singleFiles.length === 0) {
      throw new Error('There are no folders to scan yet. Add one with File → Add Folder… or `scan DIR`.');
    }

    // 1. Crawl, comparing each file with the library as it is found, so an
    // unchanged file costs a map lookup and nothing is kept for it.
    progress.setMessage(`Looking for music in ${roots.length === 1 ? roots[0] : `${roots.length} folders`}…`);
    // Whatever is still in `known` when the crawl ends was not found: it vanished.
    const known = loadKnownTracks(db, roots);
    const outsideRoots = singleFiles.filter((f) => !roots.some((root) => f.path.startsWith(root + path.sep)));
    for (const file of outsideRoots) {
      const row = db
        .prepare('SELECT id, size, mtime_ms AS mtimeMs, status, content_key AS contentKey FROM tracks WHERE path = ?')
        .get(file.path) as KnownTrack | undefined;
      if (row) known.set(file.path, row);
    }
    const toRead: FoundFile[] = [];
    // Why a file is read again when it is not new; 'retry' is a failure that has not changed, neither new nor changed.
    const readAgain = new Map<string, 'changed' | 'retry'>();
    const restored: number[] = [];
    const problems: Array<{ path: string; reason: string }> = [];
    const classify = (file: FoundFile) => {
      progress.add('found');
      const row = known.get(file.path);
      if (!row) return void toRead.push(file);
      known.delete(file.path);
      if (row.size !== file.size || row.mtimeMs !== file.mtimeMs) {
        toRead.push(file);
        readAgain.set(file.path, 'changed');
      } else if (row.status === 'failed') {
        toRead.push(file);
        readAgain.set(file.path, 'retry');
      } else if (row.status === 'missing') restored.push(row.id);
      else progress.add('unchanged');
    };
    outsideRoots.forEach(classify);
    await crawl(roots, {
      file: classify,
      problem: (problem) => {
        known.delete(problem.path);
        problems.push(problem);
      },
      cancelled: () => signal.aborted,
    });
    if (signal.aborted) return;

    // 2. What the crawl did not find may have moved: match it by content as new files are read.
    const vanished = [...known.values()].filter((row) => row.status !== 'missing');
    known.clear();
    const movable = missingByContentKey(db, vanished);
    const movedIds = new Set<number>();

    writer.batch(() => {
      for (const id of restored) writer.restore(id, now);
      for (const problem of problems) writer.writeFailure({ path: problem.path, size: 0, mtimeMs: 0 }, problem.reason, now);
    });
    progress.add('restored', restored.length);
    progress.add('failed', problems.length);

    // 3. Read tags on every core, writing as results come back.
    progress.setTotal(toRead.length);
    progress.setMessage(toRead.length > 0 ? `Reading tags of ${toRead.length} files…` : 'Nothing new to read.');
    let buffered: ReadResult[] = [];
    let lastFlush = Date.now();
    const flush = () => {
      if (buffered.length === 0) return;
      const results = buffered;
      buffered = [];
      lastFlush = Date.now();
      writer.batch(() => {
        for (const result of results) {
          const reason = readAgain.get(result.file.path) ?? 'new';
          const fresh = reason === 'new';
          const movedFrom = fresh && result.ok && result.contentKey ? movable.get(result.contentKey) : undefined;
          if (movedFrom !== undefined && !movedIds.has(movedFrom)) {
            movedIds.add(movedFrom);
            movable.delete(result.contentKey!);
            writer.move(movedFrom, result.file, now);
            progress.add('moved');
          } else {
            writer.writeResult(result, now);
            if (reason !== 'retry') progress.add(reason);
            progress.add(result.ok ? 'parsed' : 'failed');
          }
        }
      });
    };

    if (toRead.length > 0) {
      const pool = new ParsePool(workerAsset('scan-thread'), params.workers ?? os.availableParallelism());
      try {
        const files = toRead;
        let next = 0;
        const lane = async () => {
          while (next < files.length && !signal.aborted) {
            const batch = files.slice(next, next + BATCH_FILES);
            next += batch.length;
            const results = await pool.read(batch);
            buffered.push(...results);
            progress.advance(results.length);
            if (buffered.length >= FLUSH_EVERY_RESULTS || Date.now() - lastFlush >= FLUSH_EVERY_MS) flush();
          }
        };
        // Two batches queued per thread keep every thread busy while results are written.
        await Promise.all(Array.from({ length: pool.size * 2 }, lane));
      } finally {
        flush();
        await pool.close();
      }
    }

    // 4. What was not found is missing: kept with its tags, never deleted.
    // Only a finished scan knows what is gone; a cancelled one marks nothing.
    if (!signal.aborted) {
      const gone = vanished.filter((row) => !movedIds.has(row.id)).map((row) => row.id);
      // A failure entry that no longer happens (a folder now readable) never had tags to keep.
      db.transaction(() => {
        const drop = db.prepare("DELETE FROM tracks WHERE id = ? AND status = 'failed' AND parsed_at IS NULL");
        for (const id of gone) drop.run(id);
      })();
      progress.add('missing', writer.markMissing(gone, now));
    }
    // 5. Albums: new ones are queued for enrichment ahead of any backfill, so the
    // next enrichment run (or the one running now) matches them first.
    const counters = progress.snapshot().counters;
    const touched = ['new', 'changed', 'parsed', 'moved', 'restored', 'missing'].some((name) => (counters[name] ?? 0) > 0);
    // A rescan that changed nothing skips the pass over the library (after an upgrade, the first one makes the albums).
    if (touched || !db.prepare('SELECT 1 FROM albums LIMIT 1').get()) {
      progress.setMessage('Grouping albums…');
      const albums = groupAlbums(db, now);
      const queue = new WorkQueue(db);
      queue.enqueue('match', albums.created, PRIORITY.import);
      queue.enqueue('artwork', albums.created, PRIORITY.import);
    }
    progress.setMessage(null);
  },
};
