import fs from 'node:fs';
import path from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { describeReadError } from './read-file';
import { isAudioPath } from './formats';
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

function isValidUtf8(name: Buffer): boolean {
  return Buffer.from(name.toString('utf8'), 'utf8').equals(name);
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
  const stack: string[] = [...roots].reverse();
  let lastYield = Date.now();
  while (stack.length > 0) {
    // readdir and stat are synchronous (fast, and what fdir does too), so let
    // progress out and a cancel in now and then.
    if (Date.now() - lastYield > 25) {
      await yieldToEventLoop();
      lastYield = Date.now();
    }
    if (on.cancelled()) return;
    const dir = stack.pop()!;
    let real: string;
    let entries: fs.Dirent<Buffer>[];
    try {
      real = fs.realpathSync(dir);
      if (entered.has(real)) {
        if (dir !== real) on.problem({ path: dir, reason: 'a symbolic link that loops back to a folder already scanned' });
        continue;
      }
      entered.add(real);
      entries = fs.readdirSync(dir, { withFileTypes: true, encoding: 'buffer' });
    } catch (err) {
      on.problem({ path: dir, reason: `cannot open this folder: ${describeReadError(err)}` });
      continue;
    }
    const subfolders: string[] = [];
    for (const entry of entries) {
      const name = entry.name.toString('utf8');
      const full = path.join(dir, name);
      if (!isValidUtf8(entry.name)) {
        if (entry.isDirectory() || isAudioPath(name)) {
          on.problem({ path: full, reason: 'the name is not valid UTF-8; rename it so Sleeve can read it' });
        }
        continue;
      }
      if (entry.isDirectory()) {
        if (!name.startsWith('.')) subfolders.push(full);
        continue;
      }
      if (!isAudioPath(name) || name.startsWith('._')) continue;
      if (!entry.isFile() && !entry.isSymbolicLink()) continue;
      try {
        const stat = fs.statSync(full);
        if (stat.isDirectory()) {
          subfolders.push(full);
          continue;
        }
        on.file({ path: full, size: stat.size, mtimeMs: Math.trunc(stat.mtimeMs) });
      } catch (err) {
        on.problem({ path: full, reason: describeReadError(err) });
      }
    }
    // Symlinked folders show up as links: follow them, the loop check above keeps it finite.
    for (const entry of entries) {
      if (!entry.isSymbolicLink()) continue;
      const name = entry.name.toString('utf8');
      if (isAudioPath(name)) continue; // already followed above
      const full = path.join(dir, name);
      try {
        if (fs.statSync(full).isDirectory()) subfolders.push(full);
      } catch {
        // A dangling or looping link to something that is not audio: nothing to report.
      }
    }
    subfolders.sort().reverse();
    stack.push(...subfolders);
  }
}
