import { parseArgs, type ParseArgsConfig } from 'node:util';
import path from 'node:path';
import type { SleeveCore } from '../core/app';
import { failuresSince, iterateTracks } from '../core/library/queries';
import { formatDuration } from '../shared/format';
import { summaryLine } from './progress-line';
import { ALBUM_COMMANDS } from './album-commands';
import { NETWORK_COMMANDS } from './network-commands';
import { PLAYLIST_COMMANDS } from './playlist-commands';
import { SPOTIFY_COMMANDS } from './spotify-commands';
import { SYNC_COMMANDS } from './sync-commands';
import { WRITE_COMMANDS } from './write-commands';
import { NETWORK_OPTIONS, NETWORK_USAGE, networkParamsFromFlags } from './network-options';
import { runJobInForeground, type JobOutput } from './run-job';
import { UsageError } from './usage-error';

export { UsageError };

type Options = NonNullable<ParseArgsConfig['options']>;
type Values = Record<string, string | boolean | undefined>;

export interface Command {
  name: string;
  synopsis: string;
  summary: string;
  options: Options;
  run(core: SleeveCore, values: Values, positionals: string[], out: JobOutput): Promise<number>;
}

/** Options every command takes. */
export const GLOBAL_OPTIONS: Options = {
  db: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
};

function positiveInt(value: string | boolean | undefined, name: string, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${name} must be a whole number, got '${String(value)}'`);
  return n;
}

export const COMMANDS: Command[] = [
  {
    name: 'count',
    synopsis: 'count N [--delay MS] [--fail-at N]',
    summary: 'Run the test job: count to N with a pause between numbers.',
    options: { delay: { type: 'string' }, 'fail-at': { type: 'string' } },
    run(core, values, positionals, out) {
      if (positionals.length !== 1) throw new UsageError('count takes one number: how far to count');
      const params: Record<string, unknown> = {
        to: positiveInt(positionals[0], 'N'),
        delayMs: positiveInt(values.delay, '--delay', 0),
      };
      if (values['fail-at'] !== undefined) params.failAt = positiveInt(values['fail-at'], '--fail-at');
      return runJobInForeground(core, { kind: 'count', params }, out);
    },
  },
  {
    name: 'scan',
    synopsis: 'scan [DIR|FILE...] [--workers N]',
    summary: 'Scan folders into the library (remembered); with none, rescan every folder added before.',
    options: { workers: { type: 'string' } },
    run(core, values, positionals, out) {
      const params: Record<string, unknown> = { paths: positionals.map((p) => path.resolve(p)) };
      if (values.workers !== undefined) params.workers = positiveInt(values.workers, '--workers');
      return runJobInForeground(core, { kind: 'scan', params }, out, (final) => {
        const failures = final.startedAt === null ? [] : failuresSince(core.db, final.startedAt);
        for (const failure of failures) {
          out.stdout.write(values.json ? `${JSON.stringify({ failed: failure })}\n` : `failed: ${failure.path}: ${failure.reason}\n`);
        }
      });
    },
  },
  {
    name: 'years',
    synopsis: 'years [--concurrency N] [--refresh] [--filter TEXT] [--musicbrainz-url URL] [--musicbrainz-rate N]',
    summary: 'Find the original release year of every track and listen: by MusicBrainz id, then by name.',
    options: {
      concurrency: { type: 'string' },
      'pass1-concurrency': { type: 'string' },
      'pass2-concurrency': { type: 'string' },
      refresh: { type: 'boolean', default: false },
      filter: { type: 'string' },
      ...NETWORK_OPTIONS,
    },
    run(core, values, positionals, out) {
      if (positionals.length > 0) throw new UsageError('years takes no arguments; use --filter TEXT to look up some tracks only');
      const both = values.concurrency === undefined ? undefined : positiveInt(values.concurrency, '--concurrency');
      const params: Record<string, unknown> = { network: networkParamsFromFlags(values) };
      const pass1 = values['pass1-concurrency'] === undefined ? both : positiveInt(values['pass1-concurrency'], '--pass1-concurrency');
      const pass2 = values['pass2-concurrency'] === undefined ? both : positiveInt(values['pass2-concurrency'], '--pass2-concurrency');
      if (pass1 !== undefined) params.pass1Concurrency = Math.max(1, pass1);
      if (pass2 !== undefined) params.pass2Concurrency = Math.max(1, pass2);
      if (values.refresh) params.refresh = true;
      if (typeof values.filter === 'string') params.scope = { filter: values.filter };
      return runJobInForeground(core, { kind: 'years', params }, out);
    },
  },
  {
    name: 'set-year',
    synopsis: 'set-year TRACK_ID YEAR|auto',
    summary: 'Set a track\'s year by hand (never replaced by a lookup); auto gives it back to the lookups.',
    options: {},
    async run(core, values, positionals, out) {
      const [id, year] = positionals;
      if (positionals.length !== 2) throw new UsageError('set-year takes a track id (see tracks --json) and a year, or auto');
      const value = year === 'auto' ? null : positiveInt(year, 'YEAR');
      if (value !== null && (value < 1000 || value > 2100)) throw new UsageError(`A year from 1000 to 2100, got ${value}`);
      const track = await core.api.call('setTrackYear', [positiveInt(id, 'TRACK_ID'), value]);
      if (!track) throw new UsageError(`No track with id ${id}`);
      out.stdout.write(values.json ? `${JSON.stringify(track)}\n` : `Track ${id}: ${value === null ? 'year from lookups again' : `year ${value}, set by you`}\n`);
      return 0;
    },
  },
  {
    name: 'import-listens',
    synopsis: 'import-listens FILE',
    summary: 'Import listening history: a ListenBrainz export (.json, .jsonl) or a Last.fm scrobble CSV.',
    options: {},
    run(core, _values, positionals, out) {
      if (positionals.length !== 1) throw new UsageError('import-listens takes one file');
      return runJobInForeground(core, { kind: 'import-listens', params: { path: path.resolve(positionals[0]!) } }, out);
    },
  },
  {
    name: 'tracks',
    synopsis: 'tracks',
    summary: 'Print every track: one JSON object a line with --json.',
    options: {},
    async run(core, values, _positionals, out) {
      for (const track of iterateTracks(core.db)) {
        if (values.json) {
          out.stdout.write(`${JSON.stringify(track)}\n`);
          continue;
        }
        const year = track.year === null ? null : `${track.year}${track.yearSource && track.yearSource !== 'tag' ? ` by ${track.yearSource}` : ''}`;
        const where = [track.album, year].filter((x) => x !== null).join(', ');
        const status = track.status === 'ok' ? '' : ` [${track.status}${track.error ? `: ${track.error}` : ''}]`;
        out.stdout.write(
          `${track.artist ?? '?'} — ${track.title ?? path.basename(track.path)}${where ? ` (${where})` : ''} ` +
            `${track.format ?? ''} ${formatDuration(track.durationMs)}${status}\n    ${track.path}\n`,
        );
      }
      return 0;
    },
  },
  {
    name: 'jobs',
    synopsis: 'jobs [--limit N]',
    summary: 'List the job history, newest first.',
    options: { limit: { type: 'string' } },
    async run(core, values, _positionals, out) {
      const jobs = core.jobs.list(positiveInt(values.limit, '--limit', 20));
      if (values.json) {
        out.stdout.write(`${JSON.stringify({ jobs })}\n`);
        return 0;
      }
      if (jobs.length === 0) out.stdout.write('No jobs yet.\n');
      for (const job of jobs) {
        const when = new Date(job.createdAt).toISOString().replace('T', ' ').slice(0, 19);
        out.stdout.write(`#${job.id}  ${when}  ${summaryLine(job)}\n`);
      }
      return 0;
    },
  },
  ...ALBUM_COMMANDS,
  ...NETWORK_COMMANDS,
  ...PLAYLIST_COMMANDS,
  ...SPOTIFY_COMMANDS,
  ...WRITE_COMMANDS,
  ...SYNC_COMMANDS,
];

export function usage(): string {
  // Synopses run to 170 characters, so a padded column would wrap every line of an 80-column terminal.
  return [
    'Usage: npm run cli -- <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.flatMap((c) => [`  ${c.synopsis}`, `      ${c.summary}`]),
    '',
    'Options for every command:',
    '  --db PATH   the library file (default: the app-data folder, or $SLEEVE_DB)',
    '  --json      print one JSON object as the last line of stdout',
    '  -h, --help  show this help',
    '',
    NETWORK_USAGE,
    '',
    'Exit codes: 0 done, 1 failed, 2 usage error, 3 library cannot be opened, 130 cancelled.',
  ].join('\n');
}

export function parseCommandLine(argv: string[]): { command: Command; values: Values; positionals: string[] } | null {
  const name = argv[0];
  if (!name || name === 'help' || name === '--help' || name === '-h') return null;
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) throw new UsageError(`Unknown command '${name}'. Run 'npm run cli -- help' for the list.`);
  try {
    const { values, positionals } = parseArgs({
      args: argv.slice(1),
      options: { ...GLOBAL_OPTIONS, ...command.options },
      allowPositionals: true,
      strict: true,
    });
    return { command, values: values as Values, positionals };
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\nUsage: npm run cli -- ${command.synopsis}`);
  }
}
