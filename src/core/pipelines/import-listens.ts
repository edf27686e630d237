import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { JobDefinition } from '../jobs/types';
import { detectListenFormat, LISTEN_FORMATS, readListens } from '../listens/parse';
import { ListenWriter } from '../listens/store';
import { ListenFormatError, type ParsedListen } from '../listens/types';

const params = z.object({
  /** The export file. Absolute: the worker's working directory is not the caller's. */
  path: z
    .string()
    .min(1)
    .max(4096)
    .refine((p) => path.isAbsolute(p), 'must be an absolute path to the export file'),
});

/** read = imported + duplicates + skipped, once the job has finished. */
export const IMPORT_LISTENS_COUNTERS = ['read', 'imported', 'duplicates', 'skipped'];

/** Rows per transaction: big enough that commits cost nothing, small enough that cancel is quick. */
export const IMPORT_BATCH_ROWS = 500;
/** Problems logged one by one; past this only their number is, so a broken file cannot flood the log. */
const LOGGED_PROBLEMS = 20;

function errorCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | null)?.code;
}

/** The file's size, after checking that it is a file Sleeve may read; throws what to do otherwise. */
async function checkFile(file: string): Promise<number> {
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(file);
  } catch (err) {
    const code = errorCode(err);
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new Error(`${file} does not exist. Check the path and try again.`);
    if (code === 'EACCES' || code === 'EPERM') throw new Error(`Sleeve may not read ${file} (permission denied).`);
    throw new Error(`${file} cannot be read: ${(err as Error).message}`);
  }
  if (stat.isDirectory()) {
    throw new Error(
      `${file} is a folder. Choose the export file itself: a ListenBrainz .json or .jsonl file, or a Last.fm .csv file.`,
    );
  }
  if (!stat.isFile()) throw new Error(`${file} is not a regular file, so it cannot be an export.`);
  try {
    await fs.promises.access(file, fs.constants.R_OK);
  } catch {
    throw new Error(`Sleeve may not read ${file} (permission denied).`);
  }
  return stat.size;
}

/**
 * Import listens: streams a ListenBrainz or Last.fm export into `listens`,
 * in transactions of IMPORT_BATCH_ROWS rows. Rows already in the library
 * are counted as duplicates and left alone, so importing the same file twice
 * imports nothing the second time. Unreadable rows are skipped and logged
 * with their line. Progress counts bytes of the file. Cancel stops between
 * batches; what was committed stays.
 */
export const importListensJob: JobDefinition<z.infer<typeof params>> = {
  kind: 'import-listens',
  title: 'Import listens',
  description: 'Reads a ListenBrainz or Last.fm listening-history export into the library.',
  params,
  async run({ params, signal, progress, log, library }) {
    const file = params.path;
    const size = await checkFile(file);
    const format = await detectListenFormat(file);
    if (signal.aborted) return;
    const { source, label } = LISTEN_FORMATS[format];
    const writer = new ListenWriter(library());
    // One stamp for the whole import, so its rows can be told apart from other imports'.
    const importedAt = Date.now();
    progress.set(Object.fromEntries(IMPORT_LISTENS_COUNTERS.map((name) => [name, 0])));
    progress.setTotal(size);
    progress.setMessage(`Importing ${path.basename(file)} (${label})…`);
    log.info(`Importing ${file}: ${label}.`);

    const reader = readListens(file, format);
    let batch: ParsedListen[] = [];
    // Rows (listens and problems) since the last commit: a file of nothing but bad rows still checks for cancel.
    let rows = 0;
    let skipped = 0;
    let done = 0;
    const totals = { read: 0, imported: 0, duplicates: 0, skipped: 0 };
    const commit = () => {
      const listens = batch;
      batch = [];
      const written = writer.write(source, listens, importedAt);
      // Counters move once per batch, not per row: a row costs the parser, not the progress channel.
      progress.add('read', rows);
      progress.add('imported', written.imported);
      progress.add('duplicates', written.duplicates);
      progress.add('skipped', skipped);
      totals.read += rows;
      totals.imported += written.imported;
      totals.duplicates += written.duplicates;
      totals.skipped += skipped;
      rows = 0;
      skipped = 0;
      const bytes = Math.min(reader.bytesRead, size);
      if (bytes > done) {
        progress.advance(bytes - done);
        done = bytes;
      }
    };

    try {
      for await (const item of reader) {
        rows++;
        if (item.kind === 'listen') batch.push(item.listen);
        else {
          skipped++;
          if (totals.skipped + skipped <= LOGGED_PROBLEMS) log.warn(`Line ${item.line}: ${item.reason}`);
        }
        if (rows >= IMPORT_BATCH_ROWS) {
          commit();
          if (signal.aborted) break;
        }
      }
      commit();
    } catch (err) {
      // The file is damaged past some row: keep the rows read before it, as the message promises.
      if (err instanceof ListenFormatError) commit();
      throw err;
    }

    if (totals.skipped > LOGGED_PROBLEMS) {
      log.warn(`…and ${totals.skipped - LOGGED_PROBLEMS} more rows skipped (only the first ${LOGGED_PROBLEMS} are listed).`);
    }
    const summary =
      `${totals.read} rows read: ${totals.imported} listens imported, ${totals.duplicates} already in the library, ` +
      `${totals.skipped} skipped.`;
    log.info(signal.aborted ? `Cancelled part-way; what was imported stays. ${summary}` : summary);
    progress.setMessage(null);
  },
};
