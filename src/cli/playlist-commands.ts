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
  renamePlaylist,
  TrackResolver,
} from '../core/playlists/store';
import { readM3uFile } from '../core/playlists/m3u';
import type { Command } from './commands';
import type { JobOutput } from './run-job';
import { UsageError } from './usage-error';

const SUBCOMMANDS = 'playlists [import FILE... | show ID | export ID FILE | rename ID NAME | delete ID]';

function playlistId(value: string | undefined): number {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n) || n <= 0) {
    throw new UsageError(`A playlist id (see 'playlists') is needed, got '${value ?? ''}'`);
  }
  return n;
}

const unknownId = (id: number) => new UsageError(`No playlist with id ${id}; 'playlists' lists them`);

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
    summary: 'List playlists; import M3U/M3U8 files (matching entries to the library), show one, or export it as M3U8.',
    options: {},
    async run(core, values, positionals, out) {
      const [sub, ...args] = positionals;
      const json = Boolean(values.json);
      switch (sub) {
        case undefined: {
          const playlists = listPlaylists(core.db);
          if (json) playlists.forEach((p) => out.stdout.write(`${JSON.stringify(p)}\n`));
          else if (playlists.length === 0) out.stdout.write("No playlists yet: 'playlists import FILE' adds one.\n");
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
        default:
          throw new UsageError(`Unknown playlists subcommand '${sub}'\nUsage: npm run cli -- ${SUBCOMMANDS}`);
      }
    },
  },
];
