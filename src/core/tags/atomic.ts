/**
 * Replacing a user's file without ever leaving it half written: the change is
 * made to a copy beside it, flushed, read back and checked (the audio must be
 * byte for byte what it was), and only then renamed over the original. A
 * crash or a kill at any moment leaves the original as it was, or the new
 * file whole; at worst a hidden temp copy stays behind, which sweepTemps
 * removes.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { audioDataDigest } from './audio-data';

/** A hidden name beside target, unique, ending in the target's own name (so its type is still known by extension). */
export function tempNameFor(target: string): string {
  return path.join(path.dirname(target), `.sleeve-${crypto.randomBytes(4).toString('hex')}-${path.basename(target)}`);
}

/** The temp files Sleeve leaves only when killed mid-write. */
export const TEMP_NAME = /^\.sleeve-[0-9a-f]{8}-/;

/** Removes the temp copies a killed write left in these folders; returns how many. */
export function sweepTemps(folders: Iterable<string>): number {
  let removed = 0;
  for (const folder of new Set(folders)) {
    let names: string[];
    try {
      names = fs.readdirSync(folder);
    } catch {
      continue;
    }
    for (const name of names) {
      if (!TEMP_NAME.test(name)) continue;
      try {
        fs.rmSync(path.join(folder, name), { force: true });
        removed += 1;
      } catch {
        // Left for the next sweep; it is hidden and never read as music.
      }
    }
  }
  return removed;
}

export const WRITE_PROBLEMS = ['missing', 'changed', 'readOnly', 'folderReadOnly', 'locked', 'diskFull', 'verify', 'unsupported', 'error'] as const;
export type WriteProblemKind = (typeof WRITE_PROBLEMS)[number];

/** Why one file was not written. The message says what to do; the file is as it was. */
export class WriteProblem extends Error {
  constructor(
    readonly kind: WriteProblemKind,
    message: string,
  ) {
    super(message);
    this.name = 'WriteProblem';
  }
}

const LOCKED = 'another program has the file open and locked: close it (a player, an editor) and write again';

/** Turns a file-system error into what it means for the user. */
export function describeFsError(err: unknown, file: string): WriteProblem {
  if (err instanceof WriteProblem) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const folder = path.dirname(file);
  switch (code) {
    case 'ENOENT':
      return new WriteProblem('missing', 'the file is gone: it was moved or deleted since the scan; rescan the folder');
    case 'ENOSPC':
    case 'EDQUOT':
      return new WriteProblem('diskFull', `the disk holding ${folder} is full: free some space and write again`);
    case 'EROFS':
      return new WriteProblem('folderReadOnly', `${folder} is on a read-only disk`);
    case 'EACCES':
    case 'EPERM':
      return new WriteProblem('folderReadOnly', `Sleeve may not create files in ${folder}: check the folder's permissions`);
    case 'EBUSY':
    case 'ETXTBSY':
    case 'EAGAIN':
      return new WriteProblem('locked', LOCKED);
    default:
      return new WriteProblem('error', err instanceof Error ? err.message : String(err));
  }
}

/** The file operations a rewrite makes, replaceable so tests can stage a full disk or a locked file. */
export interface FileOps {
  copyFile(from: string, to: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
}

export const NODE_FILE_OPS: FileOps = {
  copyFile: (from, to) => fs.promises.copyFile(from, to, fs.constants.COPYFILE_EXCL),
  rename: (from, to) => fs.promises.rename(from, to),
};

export interface FileStamp {
  size: number;
  /** Whole milliseconds, as the scan keeps them. */
  mtimeMs: number;
}

export const stampOf = (stat: fs.Stats): FileStamp => ({ size: stat.size, mtimeMs: Math.trunc(stat.mtimeMs) });
const sameStamp = (a: FileStamp, b: FileStamp) => a.size === b.size && a.mtimeMs === b.mtimeMs;

export interface RewriteOptions {
  /** Changes the temp copy in place. */
  edit(temp: string): void | Promise<void>;
  /** Reads the written copy back; throws (any error) when it is not what was meant. */
  verify?(temp: string): void | Promise<void>;
  /** The file as Sleeve last saw it: a file changed since is not touched. */
  expected?: FileStamp;
  /** Give the new file the old one's modification time. */
  keepMtime?: boolean;
  signal?: AbortSignal;
  ops?: FileOps;
}

export interface RewriteResult {
  /** The file written (a link is followed to the file it names). */
  path: string;
  before: FileStamp;
  after: FileStamp;
}

async function fsyncPath(file: string, flags: string): Promise<void> {
  const handle = await fs.promises.open(file, flags);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Rewrites file through a checked temp copy (see the top of this file).
 * Throws a WriteProblem, with the original untouched, when it cannot.
 */
export async function rewriteFile(file: string, options: RewriteOptions): Promise<RewriteResult> {
  const ops = options.ops ?? NODE_FILE_OPS;
  let target: string;
  let stat: fs.Stats;
  try {
    // Through a link to the file itself: renaming over the link would replace it with a copy.
    target = await fs.promises.realpath(file);
    stat = await fs.promises.stat(target);
  } catch (err) {
    throw describeFsError(err, file);
  }
  const before = stampOf(stat);
  if (options.expected && !sameStamp(before, options.expected)) {
    throw new WriteProblem('changed', 'the file changed on disk since the last scan: rescan it, check the preview, and write again');
  }
  // Checked by its mode, not access(): an administrator may write anything, but a read-only file is the owner's wish.
  if ((stat.mode & 0o222) === 0) throw new WriteProblem('readOnly', 'the file is read-only: allow writing to it (its properties or chmod u+w) to have it tagged');
  try {
    await fs.promises.access(target, fs.constants.W_OK);
  } catch {
    throw new WriteProblem('readOnly', 'Sleeve may not write to this file: check its permissions');
  }

  const audioBefore = await audioDataDigest(target, options.signal);
  if (!audioBefore) throw new WriteProblem('unsupported', 'Sleeve cannot check the audio of this file, so it does not write to it');

  const temp = tempNameFor(target);
  try {
    await ops.copyFile(target, temp);
    options.signal?.throwIfAborted();
    await options.edit(temp);
    await fsyncPath(temp, 'r+');
    const audioAfter = await audioDataDigest(temp, options.signal);
    if (!audioAfter || audioAfter.digest !== audioBefore.digest || audioAfter.bytes !== audioBefore.bytes) {
      throw new WriteProblem('verify', 'writing the tags would have changed the audio data, so the file was left as it was');
    }
    try {
      await options.verify?.(temp);
    } catch (err) {
      throw new WriteProblem('verify', `the written tags did not read back as written (${err instanceof Error ? err.message : String(err)}); the file was left as it was`);
    }
    if (options.keepMtime) await fs.promises.utimes(temp, stat.atime, stat.mtime);
    options.signal?.throwIfAborted();
    const now = stampOf(await fs.promises.stat(target));
    if (!sameStamp(now, before)) throw new WriteProblem('changed', 'another program changed the file while Sleeve wrote it; it was left as that program made it');
    try {
      await ops.rename(temp, target);
    } catch (err) {
      // Windows refuses to replace a file another program holds open, with EPERM or EACCES (EBUSY elsewhere).
      const code = (err as NodeJS.ErrnoException | undefined)?.code;
      if (code === 'EPERM' || code === 'EACCES' || code === 'EBUSY') throw new WriteProblem('locked', LOCKED);
      throw err;
    }
  } catch (err) {
    await fs.promises.rm(temp, { force: true }).catch(() => undefined);
    if (err instanceof Error && err.name === 'AbortError') throw err;
    throw describeFsError(err, target);
  }
  // The rename is in the folder's entry: flush it too, where the system allows opening a folder.
  if (process.platform !== 'win32') await fsyncPath(path.dirname(target), 'r').catch(() => undefined);
  return { path: target, before, after: stampOf(await fs.promises.stat(target)) };
}
