import { parseArgs, type ParseArgsConfig } from 'node:util';
import path from 'node:path';
import type { SleeveCore } from '../core/app';
import { failuresSince, iterateTracks } from '../core/library/queries';
import { formatDuration } from '../shared/format';
import { summaryLine } from './progress-line';
import { NETWORK_COMMANDS } from './network-commands';
import { NETWORK_USAGE } from './network-options';
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
        const where = [track.album, track.year].filter((x) => x !== null).join(', ');
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
  ...NETWORK_COMMANDS,
];

export function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.synopsis.length));
  return [
    'Usage: npm run cli -- <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.synopsis.padEnd(width)}  ${c.summary}`),
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
