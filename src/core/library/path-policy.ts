import fs from 'node:fs';
import path from 'node:path';
import type { Library } from '../db/library';
import { listRoots } from '../scan/store';

/**
 * Which folders a client that is not the user's own shell may name.
 *
 * The web server's clients are browser tabs, reached by whoever got its URL;
 * the paths they send (to scan, to import or export a playlist, to import
 * listens, to sync into) must lie under the library's roots or the roots the
 * server was started with. The desktop app and the CLI install no policy:
 * their paths come from system dialogs or the user's own shell.
 *
 * The rule is the path's real location: every symbolic link on the way is
 * followed, as the kernel would, and what it lands on must be inside a root
 * whose real location is taken the same way. So a link inside a root that
 * leads out is refused, and a link outside that leads into a root is
 * accepted: what it reaches is the library. A path that does not exist yet
 * (an export target, a new sync folder) is judged by the real location of
 * its nearest existing ancestor plus the rest, and a dangling link on the way
 * is followed to where it would create its file.
 */

/**
 * What a client path is for; it shapes the advice in a refusal. No string
 * here may end with the word import: the CommonJS shim of electron-vite
 * takes such a string and the next quote in the bundle for an import
 * statement, and the build breaks.
 */
export type ClientPathPurpose = 'scan' | 'import playlist' | 'export playlist' | 'import listens' | 'sync folder';

/** Checks paths a client sent and gives back the ones to act on (absolute, normalised); throws PathRefusedError. */
export type ClientPathCheck = (paths: readonly string[], purpose: ClientPathPurpose) => string[];

/** A path a client may not use, with a message that says what to do. */
export class PathRefusedError extends Error {}

/** As many links as Linux follows before ELOOP. */
const MAX_LINKS = 40;
const ROOTS_SHOWN = 5;

function caseInsensitiveFileSystem(platform: NodeJS.Platform): boolean {
  return platform === 'win32' || platform === 'darwin';
}

/**
 * Whether candidate is root or lies under it. Both must be absolute and
 * normalised; '/music2' is not under '/music'.
 */
export function isUnderRoot(root: string, candidate: string, caseInsensitive = caseInsensitiveFileSystem(process.platform)): boolean {
  const r = caseInsensitive ? root.toLowerCase() : root;
  const c = caseInsensitive ? candidate.toLowerCase() : candidate;
  if (c === r) return true;
  return c.startsWith(r.endsWith(path.sep) ? r : r + path.sep);
}

function components(p: string): string[] {
  return p.split(path.sep === '\\' ? /[\\/]+/ : /\/+/).filter((part) => part !== '' && part !== '.');
}

/**
 * Where an absolute path really leads: symbolic links followed one
 * component at a time; the part that does not exist yet is kept as given
 * (a '..' in it steps back lexically, as it would once the folders exist).
 */
export function realLocation(absolute: string): string {
  let existing = path.parse(absolute).root;
  const missing: string[] = [];
  const pending = components(absolute.slice(existing.length));
  let links = 0;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (missing.length > 0 || part === '..') {
      if (part !== '..') missing.push(part);
      else if (missing.length > 0) missing.pop();
      else existing = path.dirname(existing);
      continue;
    }
    const next = path.join(existing, part);
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(next);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw new PathRefusedError(`Sleeve cannot check ${absolute}: ${code ?? (err as Error).message}.`);
      missing.push(part);
      continue;
    }
    if (!stat.isSymbolicLink()) {
      existing = next;
      continue;
    }
    if (++links > MAX_LINKS) throw new PathRefusedError(`${absolute} goes through too many symbolic links.`);
    const target = fs.readlinkSync(next);
    if (path.isAbsolute(target)) existing = path.parse(target).root;
    pending.unshift(...components(path.isAbsolute(target) ? target.slice(path.parse(target).root.length) : target));
  }
  // Only real folders are left in `existing`; this settles the letter case and short names a file system may answer with.
  let real = existing;
  try {
    real = fs.realpathSync.native(existing);
  } catch {
    // Gone between the two looks: judged as walked.
  }
  return missing.length > 0 ? path.join(real, ...missing) : real;
}

function shellWord(p: string): string {
  if (/^[\w@%+=:,./\\-]+$/.test(p)) return p;
  return process.platform === 'win32' ? `"${p}"` : `'${p.replace(/'/g, `'\\''`)}'`;
}

function rootList(roots: readonly string[]): string {
  const shown = roots.slice(0, ROOTS_SHOWN).join(', ');
  return roots.length > ROOTS_SHOWN ? `${shown} and ${roots.length - ROOTS_SHOWN} more` : shown;
}

function refusal(given: string, normalised: string, purpose: ClientPathPurpose, roots: readonly string[], viaLink: boolean): PathRefusedError {
  // A file's folder is what a root names; a folder to scan or sync into names itself.
  const folder = purpose === 'scan' || purpose === 'sync folder' ? normalised : path.dirname(normalised);
  const reach =
    roots.length === 0
      ? "The web UI only reaches folders under the library's roots, and there are none yet."
      : `The web UI only reaches folders under the library's roots (${rootList(roots)}).`;
  const link = viaLink ? ` ${given} leads outside them through a symbolic link.` : '';
  return new PathRefusedError(`${reach}${link} To use ${folder}, start the server with --root ${shellWord(folder)}.`);
}

/**
 * Checks client paths against roots (see the rule above): each must be
 * absolute, without a NUL, and really lie under a root. Returns the paths
 * normalised ('..' and '.' resolved by name), which is what the caller must
 * act on: the place that was checked. The user's spelling of a folder is
 * kept (a library reached through a linked folder keeps its paths).
 */
export function checkPathsUnderRoots(
  paths: readonly string[],
  roots: readonly string[],
  purpose: ClientPathPurpose,
  platform: NodeJS.Platform = process.platform,
): string[] {
  const insensitive = caseInsensitiveFileSystem(platform);
  const realRoots = roots.map((root) => realLocation(path.resolve(root)));
  return paths.map((given) => {
    if (given.includes('\0')) throw new PathRefusedError('A path cannot contain a NUL character.');
    if (!path.isAbsolute(given)) {
      throw new PathRefusedError(`The web UI takes whole paths, from the top of the disk: '${given}' is relative to nothing it can know.`);
    }
    const normalised = path.resolve(given);
    if (realRoots.some((root) => isUnderRoot(root, realLocation(normalised), insensitive))) return normalised;
    const byName = roots.some((root) => isUnderRoot(path.resolve(root), normalised, insensitive));
    throw refusal(given, normalised, purpose, roots, byName);
  });
}

/**
 * The web server's policy: the library's roots (read at each call, so a
 * folder scanned a moment ago counts) plus the roots it was started with.
 */
export function libraryPathPolicy(db: Library, extraRoots: readonly string[]): ClientPathCheck {
  return (paths, purpose) => {
    const roots = [...new Set([...listRoots(db), ...extraRoots.map((root) => path.resolve(root))])];
    return checkPathsUnderRoots(paths, roots, purpose);
  };
}
