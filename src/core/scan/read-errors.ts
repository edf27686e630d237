// Kept apart from read-file.ts so the crawler, the CLI and the job worker can
// word errors without loading the tag parsers, which only scan threads need.

/** An fs or parser error as a reason a user can act on. */
export function describeReadError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e?.code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied: Sleeve cannot read this file';
    case 'ENOENT':
      return 'the file vanished while scanning';
    case 'EISDIR':
      return 'a folder with an audio file name';
    case 'ELOOP':
      return 'a symbolic link that loops back on itself';
    case 'EIO':
      return 'the disk reported a read error';
  }
  const message = e?.message ?? String(err);
  if (/end.of.stream|EndOfStream/i.test(message)) return 'the file is truncated (it ends before its audio data does)';
  return `could not read the tags: ${message}`;
}
