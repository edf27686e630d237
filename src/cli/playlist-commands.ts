import path from 'node:path';
import type { PlaylistDetail, PlaylistImportResult, PlaylistSummary } from '../shared/playlists';
import { formatDuration } from '../shared/format';
import {
  deletePlaylist,
  exportPlaylist,
  importPlaylist,
  listPlaylists,
  playlistDetail,
  PlaylistFileError,
  playlistSummary,
  renamePlaylist,
  TrackResolver,
} from '../core/playlists/store';
import { readM3uFile } from '../core/playlists/m3u';
import { addTracksToPlaylist, createPlaylist, moveEntries, PlaylistEditError, removeEntries } from '../core/playlists/edit';
import type { Command } from './commands';
import type { JobOutput } from './run-job';
import { UsageError } from './usage-error';

const SUBCOMMANDS =
  'playlists [import FILE... | show ID | export ID FILE | rename ID NAME | delete ID | create NAME | add ID TRACK... [--at POS] | move ID POS... --to POS | remove ID POS...]';

/** Positions as `playlists show` numbers them, from 1; the core counts from 0. */
const EDIT_USAGE = [
  'Positions are the numbers `playlists show ID` prints, from 1; FROM-TO names a run of them.',
  '  playlists create NAME                  a new, empty playlist',
  '  playlists add ID TRACK... [--at POS]   add tracks (ids from `tracks --json`, or paths) at POS, or at the end',
  '  playlists move ID POS... --to POS      move those entries, in order, so the first lands at --to',
  '  playlists remove ID POS...             remove those entries',
].join('\n');

function playlistId(value: string | undefined): number {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n) || n <= 0) {
    throw new UsageError(`A playlist id (see 'playlists') is needed, got '${value ?? ''}'`);
  }
  return n;
}

const unknownId = (id: number) => new UsageError(`No playlist with id ${id}; 'playlists' lists them`);

type Core = Parameters<Command['run']>[0];

const entries = (n: number) => `${n} entr${n === 1 ? 'y' : 'ies'}`;

/** The playlist's entry count, or a usage error naming the id. */
function countOf(core: Core, id: number): number {
  const summary = playlistSummary(core.db, id);
  if (!summary) throw unknownId(id);
  return summary.entryCount;
}

/** A 1-based position from 1 to max, as a 0-based one. */
function positionArg(value: string, max: number, what: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > max) {
    throw new UsageError(max === 0 ? `${what} '${value}': the playlist has no entries` : `${what} must be from 1 to ${max}, got '${value}'`);
  }
  return n - 1;
}

/** POS and FROM-TO arguments (1-based, as `show` prints them) as 0-based positions, in the order given. */
function positionsArg(args: string[], count: number, sub: string): number[] {
  if (args.length === 0) throw new UsageError(`playlists ${sub} needs the positions of the entries, e.g. ${sub} 3 2 5-7\n${EDIT_USAGE}`);
  const positions: number[] = [];
  for (const arg of args) {
    const range = /^(\d+)-(\d+)$/.exec(arg);
    if (!range) {
      positions.push(positionArg(arg, count, 'A position'));
      continue;
    }
    const from = positionArg(range[1]!, count, 'A position');
    const to = positionArg(range[2]!, count, 'A position');
    for (let p = Math.min(from, to); p <= Math.max(from, to); p++) positions.push(p);
  }
  return positions;
}

/** Track ids, or paths of tracks in the library. */
function trackIdsArg(core: Core, args: string[]): number[] {
  if (args.length === 0) throw new UsageError(`playlists add needs tracks: their ids (see tracks --json) or paths\n${EDIT_USAGE}`);
  const byPath = core.db.prepare('SELECT id FROM tracks WHERE path = ?');
  return args.map((arg) => {
    if (/^\d+$/.test(arg)) return Number(arg);
    const row = byPath.get(path.resolve(arg)) as { id: number } | undefined;
    if (!row) throw new UsageError(`No track in the library at ${path.resolve(arg)}; give a track id (see tracks --json) or the path of a scanned file`);
    return row.id;
  });
}

/** Runs an edit; what the core refuses comes back as a usage error, and nothing was written. */
function edited(id: number, run: () => PlaylistDetail | null): PlaylistDetail {
  let detail: PlaylistDetail | null;
  try {
    detail = run();
  } catch (err) {
    if (err instanceof PlaylistEditError) throw new UsageError(err.message);
    throw err;
  }
  if (!detail) throw unknownId(id);
  return detail;
}

const span = (from: number, count: number) => (count === 1 ? `${from + 1}` : `${from + 1}–${from + count}`);

function editCommand(core: Core, sub: string, args: string[], values: Record<string, unknown>, out: JobOutput): number {
  const at = typeof values.at === 'string' ? values.at : undefined;
  const to = typeof values.to === 'string' ? values.to : undefined;
  const report = (detail: PlaylistDetail, text: string) =>
    out.stdout.write(out.json ? `${JSON.stringify(detail)}\n` : `${text}\n${summaryLine(detail)}`);

  if (sub === 'create') {
    const name = args.join(' ').trim();
    if (name === '') throw new UsageError(`playlists create takes the new playlist's name, e.g. create Road Trip\n${EDIT_USAGE}`);
    const detail = edited(0, () => createPlaylist(core.db, name));
    out.stdout.write(out.json ? `${JSON.stringify(detail)}\n` : `Created ${summaryLine(detail)}`);
    return 0;
  }
  const id = playlistId(args[0]);
  const count = countOf(core, id);
  const rest = args.slice(1);
  if (sub === 'add') {
    const tracks = trackIdsArg(core, rest);
    const position = at === undefined ? count : positionArg(at, count + 1, '--at');
    const detail = edited(id, () => addTracksToPlaylist(core.db, id, tracks, position));
    report(detail, `Added ${tracks.length === 1 ? '1 track' : `${tracks.length} tracks`} at ${span(position, tracks.length)}:`);
    return 0;
  }
  if (sub === 'move') {
    const positions = positionsArg(rest, count, 'move');
    if (to === undefined) throw new UsageError(`playlists move needs --to POS: where the first of the entries lands, e.g. move ${id} ${rest.join(' ')} --to 1`);
    const block = new Set(positions).size;
    const target = positionArg(to, count - block + 1, '--to');
    const detail = edited(id, () => moveEntries(core.db, id, positions, target));
    report(detail, `Moved ${entries(block)} to ${span(target, block)}:`);
    return 0;
  }
  const positions = positionsArg(rest, count, 'remove');
  const detail = edited(id, () => removeEntries(core.db, id, positions));
  report(detail, `Removed ${entries(new Set(positions).size)}; the tracks stay in the library:`);
  return 0;
}

function summaryLine(p: PlaylistSummary): string {
  const missing = p.missingCount > 0 ? `, ${p.missingCount} missing` : '';
  return `#${p.id}  ${p.name}  (${p.entryCount} entr${p.entryCount === 1 ? 'y' : 'ies'}${missing})\n`;
}

function importReport(r: PlaylistImportResult): string {
  const c = r.counts;
  const lines = [
    `${r.created ? 'Imported' : 'Updated'} #${r.playlist.id} ${r.playlist.name}: ${r.playlist.entryCount} entries — ` +
      `${c.path} by path, ${c.relative} relative, ${c.tags} by tags, ${c.missing} missing`,
    ...r.missing.map((m) => `  missing, line ${m.line}: ${m.location} (${m.reason})`),
    ...r.problems.map((p) => `  line ${p.line}: ${p.reason}`),
  ];
  return `${lines.join('\n')}\n`;
}

function detailText(d: PlaylistDetail): string {
  const lines = [summaryLine(d).trimEnd()];
  if (d.sourcePath) lines.push(`  from ${d.sourcePath}`);
  for (const e of d.entries) {
    const n = String(e.position + 1).padStart(3);
    if (e.track) {
      const t = e.track;
      lines.push(`${n}. ${t.artist ?? '?'} — ${t.title ?? path.basename(t.path)}  ${formatDuration(t.durationMs)}  [${e.resolution}]`);
      lines.push(`     ${t.path}`);
    } else {
      const named = [e.extinf.artist, e.extinf.title].filter(Boolean).join(' — ');
      lines.push(`${n}. ${named || e.location}  [missing${e.line === null ? '' : `, line ${e.line}`}]`);
      if (named) lines.push(`     ${e.location}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Each file is read and checked before any is stored, so a typo in the third name does not leave two imported. */
function importFiles(core: Parameters<Command['run']>[0], files: string[], out: JobOutput): number {
  if (files.length === 0) throw new UsageError(`playlists import takes one or more .m3u/.m3u8 files\nUsage: npm run cli -- ${SUBCOMMANDS}`);
  const unreadable: string[] = [];
  for (const file of files) {
    try {
      readM3uFile(file);
    } catch (err) {
      if (!(err instanceof PlaylistFileError)) throw err;
      unreadable.push(err.message);
    }
  }
  if (unreadable.length > 0) throw new UsageError(`${unreadable.join('\n')}\nNothing was imported.`);
  const resolver = new TrackResolver(core.db);
  for (const file of files) {
    let result: PlaylistImportResult;
    try {
      result = importPlaylist(core.db, file, { resolver });
    } catch (err) {
      if (err instanceof PlaylistFileError) throw new UsageError(err.message);
      throw err;
    }
    out.stdout.write(out.json ? `${JSON.stringify(result)}\n` : importReport(result));
  }
  return 0;
}

export const PLAYLIST_COMMANDS: Command[] = [
  {
    name: 'playlists',
    synopsis: SUBCOMMANDS,
    summary: 'List playlists; import M3U/M3U8 files (matching entries to the library), show one, export it as M3U8, or make and edit one.',
    options: { at: { type: 'string' }, to: { type: 'string' } },
    async run(core, values, positionals, out) {
      const [sub, ...args] = positionals;
      if (sub !== 'add' && values.at !== undefined) throw new UsageError(`--at is for playlists add\n${EDIT_USAGE}`);
      if (sub !== 'move' && values.to !== undefined) throw new UsageError(`--to is for playlists move\n${EDIT_USAGE}`);
      const json = Boolean(values.json);
      switch (sub) {
        case undefined: {
          const playlists = listPlaylists(core.db);
          if (json) playlists.forEach((p) => out.stdout.write(`${JSON.stringify(p)}\n`));
          else if (playlists.length === 0) out.stdout.write("No playlists yet: 'playlists import FILE' or 'playlists create NAME' adds one.\n");
          else playlists.forEach((p) => out.stdout.write(summaryLine(p)));
          return 0;
        }
        case 'import':
          return importFiles(core, args, out);
        case 'show': {
          if (args.length !== 1) throw new UsageError('playlists show takes one playlist id');
          const id = playlistId(args[0]);
          const detail = playlistDetail(core.db, id);
          if (!detail) throw unknownId(id);
          out.stdout.write(json ? `${JSON.stringify(detail)}\n` : detailText(detail));
          return 0;
        }
        case 'export': {
          if (args.length !== 2) throw new UsageError('playlists export takes a playlist id and the file to write, e.g. export 3 road-trip.m3u8');
          const id = playlistId(args[0]);
          let result;
          try {
            result = exportPlaylist(core.db, id, args[1]!);
          } catch (err) {
            if (err instanceof PlaylistFileError) throw new UsageError(err.message);
            throw err;
          }
          if (!result) throw unknownId(id);
          const missing = result.missing > 0 ? ` (${result.missing} without a library track, written as the playlist had them)` : '';
          out.stdout.write(json ? `${JSON.stringify(result)}\n` : `Wrote ${result.entries} entries to ${result.path}${missing}\n`);
          return 0;
        }
        case 'rename': {
          if (args.length !== 2 || args[1]!.trim() === '') throw new UsageError('playlists rename takes a playlist id and the new name');
          const id = playlistId(args[0]);
          const renamed = renamePlaylist(core.db, id, args[1]!);
          if (!renamed) throw unknownId(id);
          out.stdout.write(json ? `${JSON.stringify(renamed)}\n` : summaryLine(renamed));
          return 0;
        }
        case 'delete': {
          if (args.length !== 1) throw new UsageError('playlists delete takes one playlist id');
          const id = playlistId(args[0]);
          if (!deletePlaylist(core.db, id)) throw unknownId(id);
          out.stdout.write(json ? `${JSON.stringify({ deleted: id })}\n` : `Deleted playlist #${id}; its tracks stay in the library.\n`);
          return 0;
        }
        case 'create':
        case 'add':
        case 'move':
        case 'remove':
          return editCommand(core, sub, args, values, out);
        default:
          throw new UsageError(`Unknown playlists subcommand '${sub}'\nUsage: npm run cli -- ${SUBCOMMANDS}`);
      }
    },
  },
];
