/**
 * Writing and undoing, one file at a time (cancel lands between files): the
 * file is read as it is now, only what differs is written, the old values go
 * to the journal first, and the file is replaced through a checked copy.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseFile } from 'music-metadata';
import type { Library } from '../db/library';
import type { ArtworkCache } from '../artwork/cache';
import type { JobLogger } from '../jobs/types';
import type { ProgressTracker } from '../jobs/progress';
import { readAudioFile } from '../scan/read-file';
import { TrackWriter } from '../scan/store';
import { UNDO_COUNTERS, WRITE_COUNTERS, type TagValues, type WriteField, type WriteSettings } from '../../shared/write-back';
import { describeFsError, rewriteFile, stampOf, sweepTemps, tempNameFor, WriteProblem, type FileOps, type WriteProblemKind } from './atomic';
import { afterTaglibSave, isOggPath, oggSequenceGaps } from './ogg-pages';
import { readFileTags, sameValue, withFrontCover, writeFileTags, type EmbeddedPicture, type FileTags, type TagChanges } from './fields';
import type { JournalEntry, WriteJournal } from './journal';
import type { PlannedFile } from './plan';

export interface WriteDeps {
  db: Library;
  journal: WriteJournal;
  cache: ArtworkCache;
  settings: WriteSettings;
  jobId: number | null;
  signal: AbortSignal;
  progress: ProgressTracker;
  log: JobLogger;
  ops?: FileOps;
}

/** The file's own condition: skipped. The write going wrong: failed. Either way the file is as it was. */
const SKIP_KINDS: ReadonlySet<WriteProblemKind> = new Set(['missing', 'changed', 'readOnly', 'folderReadOnly', 'unsupported']);

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

function asProblem(err: unknown, file: string): WriteProblem {
  if (err instanceof WriteProblem) return err;
  if (err instanceof Error && err.name === 'TagFormatError') return new WriteProblem('unsupported', err.message);
  if ((err as NodeJS.ErrnoException | undefined)?.code) return describeFsError(err, file);
  return new WriteProblem('error', messageOf(err));
}

/** Puts what the file now holds into its track row, as a rescan would. */
async function refreshTrack(db: Library, file: string): Promise<void> {
  const stat = await fs.promises.stat(file);
  const result = await readAudioFile({ path: file, size: stat.size, mtimeMs: Math.trunc(stat.mtimeMs) });
  new TrackWriter(db).writeResult(result, Date.now());
}

async function writeTagsInto(temp: string, changes: TagChanges, signal?: AbortSignal): Promise<void> {
  writeFileTags(temp, changes);
  await afterTaglibSave(temp, signal);
}

/** A written copy must parse as audio, count its Ogg pages without a hole, and hold exactly the values meant. */
async function verifyTags(temp: string, expected: Partial<Record<WriteField, string | null>>, pictures?: EmbeddedPicture[]): Promise<void> {
  await parseFile(temp, { duration: false, skipCovers: true });
  if (isOggPath(temp) && (await oggSequenceGaps(temp)) > 0) throw new Error('its Ogg pages are out of sequence after writing');
  const back = readFileTags(temp);
  for (const [field, value] of Object.entries(expected) as Array<[WriteField, string | null]>) {
    if (field === 'cover') continue;
    if (!sameValue(field, back.values[field], value)) throw new Error(`${field} reads '${back.values[field] ?? ''}', not '${value ?? ''}'`);
  }
  if (pictures) {
    const hashes = (list: EmbeddedPicture[]) => list.map((p) => createHash('sha256').update(p.data).digest('hex')).join(',');
    if (hashes(back.pictures) !== hashes(pictures)) throw new Error('the pictures did not read back as written');
  }
}

function coverPicture(cache: ArtworkCache, hash: string): EmbeddedPicture | null {
  const file = cache.imagePath(hash);
  const meta = cache.get(hash);
  if (!file || !meta) return null;
  return { type: 3, mime: meta.mime, description: '', data: fs.readFileSync(file) };
}

/** What this file needs: each wanted field whose value differs from what the file holds now. */
function changesFor(current: FileTags, proposed: TagValues, settings: WriteSettings): Partial<Record<WriteField, string>> {
  const out: Partial<Record<WriteField, string>> = {};
  for (const field of settings.fields) {
    const value = proposed[field];
    if (value === undefined) continue;
    if (field === 'cover' ? current.values.cover === value : sameValue(field, current.values[field], value)) continue;
    out[field] = value;
  }
  return out;
}

function pick(values: TagValues, fields: Iterable<string>): TagValues {
  const out: TagValues = {};
  for (const field of fields) {
    const value = values[field as WriteField];
    if (value !== undefined) out[field as WriteField] = value;
  }
  return out;
}

function report(deps: WriteDeps, file: string, problem: WriteProblem, journalId: number | null, planned?: PlannedFile): void {
  const state = SKIP_KINDS.has(problem.kind) ? 'skipped' : 'failed';
  deps.progress.add(state);
  deps.log.warn(`${file}: ${problem.message}`);
  if (journalId !== null) deps.journal.notWritten(journalId, state, problem.message);
  else deps.journal.problem({ jobId: deps.jobId, kind: 'tags', trackId: planned?.trackId ?? null, albumId: planned?.albumId ?? null, path: file }, state, problem.message);
}

/** Writes one planned file. Never throws for the file's sake: its outcome goes to the counters and the journal. */
async function writeOne(planned: PlannedFile, deps: WriteDeps): Promise<void> {
  const { settings, journal, progress } = deps;
  if (planned.preview.problem) {
    report(deps, planned.path, new WriteProblem(planned.preview.problem.startsWith('the file is missing') ? 'missing' : 'unsupported', planned.preview.problem), null, planned);
    return;
  }
  let current: FileTags;
  try {
    current = readFileTags(planned.path);
  } catch (err) {
    report(deps, planned.path, asProblem(err, planned.path), null, planned);
    return;
  }
  const wanted = changesFor(current, planned.proposed, settings);
  let pictures: EmbeddedPicture[] | undefined;
  if (wanted.cover) {
    const cover = coverPicture(deps.cache, wanted.cover);
    if (cover) pictures = withFrontCover(current.pictures, cover);
    else {
      deps.log.warn(`${planned.path}: the chosen cover is no longer in the artwork cache; look for artwork again to write it`);
      delete wanted.cover;
    }
  }
  if (Object.keys(wanted).length === 0) {
    progress.add('unchanged');
    return;
  }
  const id3Version = current.id3Version !== null && current.id3Version !== settings.id3Version ? settings.id3Version : undefined;
  const changes: TagChanges = { values: wanted, pictures, id3Version: planned.path.toLowerCase().endsWith('.mp3') ? settings.id3Version : undefined };
  const journalId = journal.begin({
    jobId: deps.jobId,
    kind: 'tags',
    trackId: planned.trackId,
    albumId: planned.albumId,
    path: planned.path,
    oldValues: pick(current.values, Object.keys(wanted)),
    newValues: wanted,
    oldPictures: pictures ? current.pictures : null,
    oldId3v1: current.id3v1,
    oldId3Version: id3Version !== undefined ? current.id3Version : null,
    before: { size: planned.size, mtimeMs: planned.mtimeMs },
  });
  try {
    const result = await rewriteFile(planned.path, {
      expected: { size: planned.size, mtimeMs: planned.mtimeMs },
      keepMtime: settings.keepMtime,
      signal: deps.signal,
      ops: deps.ops,
      edit: (temp) => writeTagsInto(temp, changes, deps.signal),
      verify: (temp) => verifyTags(temp, wanted, pictures),
    });
    journal.written(journalId, result.after);
    progress.add('written');
    progress.add('bytes', result.after.size);
    await refreshTrack(deps.db, planned.path).catch((err) => deps.log.warn(`${planned.path}: written, but reading it back for the library failed: ${messageOf(err)}`));
  } catch (err) {
    if (err instanceof Error && err.name === 'AbortError') {
      journal.notWritten(journalId, 'skipped', 'cancelled before it was written');
      throw err;
    }
    report(deps, planned.path, asProblem(err, planned.path), journalId);
  }
}

const COVER_FILE_RE = /^(cover|folder|front|albumart)\.(jpe?g|png|webp)$/i;

/** cover.jpg beside the album's files, where no cover image is there yet. Never replaces one. */
async function writeCoverFile(folder: string, albumId: number | null, hash: string, deps: WriteDeps): Promise<void> {
  let names: string[];
  try {
    names = await fs.promises.readdir(folder);
  } catch {
    return;
  }
  if (names.some((n) => COVER_FILE_RE.test(n))) return;
  const cover = coverPicture(deps.cache, hash);
  if (!cover) return;
  const target = path.join(folder, cover.mime === 'image/png' ? 'cover.png' : cover.mime === 'image/webp' ? 'cover.webp' : 'cover.jpg');
  const id = deps.journal.begin({ jobId: deps.jobId, kind: 'coverFile', trackId: null, albumId, path: target, oldValues: {}, newValues: { cover: hash } });
  const temp = tempNameFor(target);
  try {
    await fs.promises.writeFile(temp, cover.data, { flag: 'wx' });
    // A link, not a rename: it fails if a cover appeared meanwhile, instead of replacing it.
    await fs.promises.link(temp, target);
    deps.journal.written(id, stampOf(await fs.promises.stat(target)));
  } catch (err) {
    const problem = describeFsError(err, target);
    deps.journal.notWritten(id, SKIP_KINDS.has(problem.kind) ? 'skipped' : 'failed', problem.message);
    deps.log.warn(`${target}: ${problem.message}`);
  } finally {
    await fs.promises.rm(temp, { force: true });
  }
}

/**
 * Writes the planned files in order; stops between files on cancel. Files
 * whose scanned tags already hold every value are counted, not opened.
 */
export async function writePlanned(files: Iterable<PlannedFile>, deps: WriteDeps, total: number | null = null): Promise<void> {
  for (const counter of WRITE_COUNTERS) deps.progress.add(counter, 0);
  deps.progress.setTotal(total);
  const swept = new Set<string>();
  const coverFolders = new Set<string>();
  for (const planned of files) {
    if (deps.signal.aborted) return;
    deps.progress.add('files');
    if (planned.preview.changes.length === 0) {
      deps.progress.add('unchanged');
    } else {
      // What a killed write left in this folder goes before anything new is written there.
      if (!swept.has(planned.folder)) sweepTemps([planned.folder]);
      swept.add(planned.folder);
      deps.progress.setMessage(planned.path);
      try {
        await writeOne(planned, deps);
      } catch (err) {
        if (err instanceof Error && err.name === 'AbortError') return;
        throw err;
      }
      deps.progress.advance();
    }
    const cover = planned.proposed.cover;
    if (deps.settings.coverFile && cover && !coverFolders.has(planned.folder) && planned.preview.problem === null) {
      coverFolders.add(planned.folder);
      await writeCoverFile(planned.folder, planned.albumId, cover, deps);
    }
  }
}

/** How many files a write will open: the progress bar's total. */
export function countToWrite(files: Iterable<PlannedFile>): number {
  let n = 0;
  for (const f of files) if (f.preview.changes.length > 0) n += 1;
  return n;
}

// ---------------------------------------------------------------------------
// Undo

async function undoOne(entry: JournalEntry, deps: WriteDeps): Promise<void> {
  const { journal, progress } = deps;
  if (entry.kind === 'coverFile') {
    try {
      const data = await fs.promises.readFile(entry.path);
      if (createHash('sha256').update(data).digest('hex') !== entry.newValues.cover) {
        throw new WriteProblem('changed', 'the cover file was replaced since Sleeve wrote it, so it is kept');
      }
      await fs.promises.rm(entry.path);
      journal.undone(entry.id, deps.jobId);
      progress.add('restored');
    } catch (err) {
      const problem = asProblem(err, entry.path);
      progress.add(SKIP_KINDS.has(problem.kind) ? 'skipped' : 'failed');
      deps.log.warn(`${entry.path}: ${problem.message}`);
    }
    return;
  }
  try {
    const current = readFileTags(entry.path);
    for (const [field, value] of Object.entries(entry.newValues) as Array<[WriteField, string | null]>) {
      const holds = field === 'cover' ? current.values.cover === value : sameValue(field, current.values[field], value);
      if (!holds) {
        throw new WriteProblem('changed', `its ${field} was changed since Sleeve wrote it (now '${current.values[field] ?? ''}'); undo would overwrite that, so the file is left as it is`);
      }
    }
    const values: Partial<Record<WriteField, string | null>> = {};
    for (const field of Object.keys(entry.newValues) as WriteField[]) if (field !== 'cover') values[field] = entry.oldValues[field] ?? null;
    const changes: TagChanges = {
      values,
      pictures: entry.oldPictures ?? undefined,
      id3v1: entry.oldId3v1 ?? undefined,
      id3Version: entry.oldId3Version === 3 || entry.oldId3Version === 4 ? entry.oldId3Version : undefined,
    };
    const result = await rewriteFile(entry.path, {
      keepMtime: deps.settings.keepMtime,
      signal: deps.signal,
      ops: deps.ops,
      edit: (temp) => writeTagsInto(temp, changes, deps.signal),
      verify: (temp) => verifyTags(temp, values, entry.oldPictures ?? undefined),
    });
    journal.undone(entry.id, deps.jobId);
    progress.add('restored');
    progress.add('bytes', result.after.size);
    await refreshTrack(deps.db, entry.path).catch((err) => deps.log.warn(`${entry.path}: restored, but reading it back for the library failed: ${messageOf(err)}`));
  } catch (err) {
    if (err instanceof Error && err.name === 'AbortError') throw err;
    const problem = asProblem(err, entry.path);
    progress.add(SKIP_KINDS.has(problem.kind) ? 'skipped' : 'failed');
    deps.log.warn(`${entry.path}: ${problem.message}`);
  }
}

/** Puts the old values back, newest write first; stops between files on cancel. */
export async function undoWrites(entries: readonly JournalEntry[], deps: WriteDeps): Promise<void> {
  for (const counter of UNDO_COUNTERS) deps.progress.add(counter, 0);
  deps.progress.setTotal(entries.length);
  sweepTemps(entries.map((e) => path.dirname(e.path)));
  for (const entry of entries) {
    if (deps.signal.aborted) return;
    deps.progress.add('files');
    deps.progress.setMessage(entry.path);
    try {
      await undoOne(entry, deps);
    } catch (err) {
      if (err instanceof Error && err.name === 'AbortError') return;
      throw err;
    }
    deps.progress.advance();
  }
}

/**
 * Settles the entries a writer that died left pending: the file holds the
 * new values (the rename happened) or it does not (it is as it was). Either
 * way nothing is half written; this only puts the journal right.
 */
export async function settlePending(db: Library, journal: WriteJournal): Promise<{ written: number; notWritten: number }> {
  const outcome = { written: 0, notWritten: 0 };
  const pending = journal.pending();
  sweepTemps(pending.map((e) => path.dirname(e.path)));
  for (const entry of pending) {
    let holds = false;
    try {
      if (entry.kind === 'coverFile') {
        holds = createHash('sha256').update(fs.readFileSync(entry.path)).digest('hex') === entry.newValues.cover;
      } else {
        const current = readFileTags(entry.path);
        holds = (Object.entries(entry.newValues) as Array<[WriteField, string | null]>).every(([field, value]) =>
          field === 'cover' ? current.values.cover === value : sameValue(field, current.values[field], value),
        );
      }
    } catch {
      holds = false;
    }
    if (holds) {
      journal.written(entry.id, stampOf(fs.statSync(entry.path)));
      outcome.written += 1;
      // Killed before the library heard of the new tags: without this the next write would think the file changed behind its back.
      if (entry.kind === 'tags') await refreshTrack(db, entry.path).catch(() => undefined);
    } else {
      journal.notWritten(entry.id, 'failed', 'Sleeve was stopped while writing this file; it was left as it was');
      outcome.notWritten += 1;
    }
  }
  return outcome;
}

