import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Switches of ours that take the next argument as their value. */
const WITH_VALUE = new Set(['--db']);

/**
 * The paths a launch was given: what a file manager passes when the user
 * opens a playlist with Sleeve, or what a user types after the command.
 * Switches (ours and Chromium's) are skipped, relative paths are taken from
 * the launch's own working directory. `skip` leaves out the executable and,
 * when Electron runs an app folder or script (process.defaultApp), that too.
 */
export function launchPaths(argv: readonly string[], options: { cwd: string; skip: number }): string[] {
  const paths: string[] = [];
  for (let i = options.skip; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') continue;
    if (arg.startsWith('-')) {
      if (WITH_VALUE.has(arg)) i++;
      continue;
    }
    // A file association on Windows may hand over a file:// URL.
    const local = arg.startsWith('file://') ? fileUrlPath(arg) : arg;
    if (local) paths.push(path.resolve(options.cwd, local));
  }
  return [...new Set(paths)];
}

function fileUrlPath(url: string): string | null {
  try {
    return fileURLToPath(url);
  } catch {
    return null;
  }
}
