import fs from 'node:fs';
import path from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { describeReadError } from './read-errors';
import { isAudioPath } from './formats';
import { TEMP_NAME } from '../tags/atomic';
import type { FoundFile } from './types';

export interface CrawlProblem {
  path: string;
  reason: string;
}

export interface CrawlCallbacks {
  file(found: FoundFile): void;
  problem(problem: CrawlProblem): void;
  /** Checked between folders, so a cancel stops the crawl promptly. */
  cancelled(): boolean;
}

/**
 * Names in a folder whose bytes are not valid UTF-8. Node turns such bytes
 * into U+FFFD, so a folder is re-read as bytes only when a name has one.
 */
function invalidUtf8Names(dir: string): Set<string> {
  const invalid = new Set<string>();
  for (const raw of fs.readdirSync(dir, { encoding: 'buffer' })) {
    const name = raw.toString('utf8');
    if (!Buffer.from(name, 'utf8').equals(raw)) invalid.add(name);
  }
  return invalid;
}

/**
 * Walks the roots depth first and reports every audio file with its size and
 * mtime. Written here rather than taken from fdir because a scan must report
 * what it could not enter (a folder it may not read, a symlink loop, a name
 * that is not UTF-8) as a failed entry, and fdir either drops those silently
 * or stops at the first one. Like fdir it reads folders with readdir's file
 * types, so it stats only the audio files.
 */
export async function crawl(roots: string[], on: CrawlCallbacks): Promise<void> {
  // Real paths of folders entered, so a symlink back up the tree is entered once.
  const entered = new Set<string>();
  // Each folder to visit with its real path. Only a symlink can make a loop, so a
  // plain subfolder's real path is its parent's plus its name: no syscall per folder.
  const stack: Array<{ dir: string; real: string | null }> = roots.map((dir) => ({ dir, real: null })).reverse();
  let lastYield = Date.now();
  while (stack.length > 0) {
    // readdir and stat are synchronous (fast, and what fdir does too), so let
    // progress out and a cancel in now and then.
    if (Date.now() - lastYield > 25) {
      await yieldToEventLoop();
      lastYield = Date.now();
    }
    if (on.cancelled()) return;
    const { dir, real: knownReal } = stack.pop()!;
    let real: string;
    let entries: fs.Dirent[];
    try {
      real = knownReal ?? fs.realpathSync(dir);
      if (entered.has(real)) {
        on.problem({ path: dir, reason: 'a symbolic link that loops back to a folder already scanned' });
        continue;
      }
      entered.add(real);
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      on.problem({ path: dir, reason: `cannot open this folder: ${describeReadError(err)}` });
      continue;
    }
    const subfolders: Array<{ dir: string; real: string | null }> = [];
    const invalid = entries.some((e) => e.name.includes('\uFFFD')) ? invalidUtf8Names(dir) : null;
    // dir is already normal, so plain concatenation; path.join would normalise every name again.
    const prefix = dir.endsWith(path.sep) ? dir : dir + path.sep;
    const realPrefix = real.endsWith(path.sep) ? real : real + path.sep;
    for (const entry of entries) {
      const name = entry.name;
      const full = prefix + name;
      if (invalid?.has(name)) {
        if (entry.isDirectory() || isAudioPath(name)) {
          on.problem({ path: full, reason: 'the name is not valid UTF-8; rename it so Sleeve can read it' });
        }
        continue;
      }
      if (entry.isDirectory()) {
        if (!name.startsWith('.')) subfolders.push({ dir: full, real: realPrefix + name });
        continue;
      }
      if (entry.isSymbolicLink()) {
        // A link to a folder is followed (its real path is resolved, for the loop check); one to a file is read.
        try {
          const target = fs.statSync(full);
          if (target.isDirectory()) {
            if (!name.startsWith('.')) subfolders.push({ dir: full, real: null });
            continue;
          }
          if (isAudioPath(name)) on.file({ path: full, size: target.size, mtimeMs: Math.trunc(target.mtimeMs) });
        } catch (err) {
          if (isAudioPath(name)) on.problem({ path: full, reason: describeReadError(err) });
        }
        continue;
      }
      // '._' are macOS resource forks; TEMP_NAME a write Sleeve was killed in the middle of.
      if (!entry.isFile() || !isAudioPath(name) || name.startsWith('._') || TEMP_NAME.test(name)) continue;
      try {
        const stat = fs.statSync(full);
        on.file({ path: full, size: stat.size, mtimeMs: Math.trunc(stat.mtimeMs) });
      } catch (err) {
        on.problem({ path: full, reason: describeReadError(err) });
      }
    }
    subfolders.sort((a, b) => (a.dir < b.dir ? 1 : a.dir > b.dir ? -1 : 0));
    stack.push(...subfolders);
  }
}
