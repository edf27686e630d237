import { WriteJournal } from '../core/tags/journal';
import { plannedFiles } from '../core/tags/plan';
import { undoJobParams, writeJobParams } from '../core/tags/request';
import {
  WRITE_FIELD_LABELS,
  WRITE_FIELDS,
  type FieldChange,
  type UndoScope,
  type WriteField,
  type WritePreviewFile,
  type WriteRequest,
  type WriteScope,
  type WriteSettings,
} from '../shared/write-back';
import type { Command } from './commands';
import { runJobInForeground, type JobOutput } from './run-job';
import { UsageError } from './usage-error';

function idList(value: string | boolean | undefined, flag: string): number[] {
  const parts = String(value).split(',').map((p) => p.trim()).filter(Boolean);
  const ids = parts.map(Number);
  if (parts.length === 0 || ids.some((n) => !Number.isInteger(n) || n <= 0)) {
    throw new UsageError(`--${flag} takes ids separated by commas, as in --${flag} 12,15; got '${String(value)}'`);
  }
  return ids;
}

function fieldList(value: string | boolean | undefined): WriteField[] {
  const names = String(value).split(',').map((p) => p.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(WRITE_FIELDS as readonly string[]).includes(n));
  if (names.length === 0 || unknown.length > 0) {
    throw new UsageError(`--fields takes field names separated by commas (${WRITE_FIELDS.join(', ')}); unknown: ${unknown.join(', ') || '(none given)'}`);
  }
  return names as WriteField[];
}

function scopeFrom(values: Record<string, string | boolean | undefined>): WriteScope {
  if (values.albums !== undefined && values.tracks !== undefined) throw new UsageError('give --albums or --tracks, not both');
  if (values.albums !== undefined) return { kind: 'albums', albumIds: idList(values.albums, 'albums') };
  if (values.tracks !== undefined) return { kind: 'tracks', trackIds: idList(values.tracks, 'tracks') };
  return { kind: 'all' };
}

const shown = (change: FieldChange, side: 'old' | 'new') => {
  const value = change[side];
  if (value === null) return '(none)';
  if (change.field === 'cover') return value === 'embedded' ? 'a picture' : `picture ${value.slice(0, 12)}`;
  return `'${value}'`;
};

function fileReport(file: WritePreviewFile): string {
  const lines = [`${file.path}\n`];
  if (file.problem) lines.push(`    skipped: ${file.problem}\n`);
  else for (const c of file.changes) lines.push(`    ${WRITE_FIELD_LABELS[c.field]}: ${shown(c, 'old')} → ${shown(c, 'new')}\n`);
  return lines.join('');
}

export const WRITE_COMMANDS: Command[] = [
  {
    name: 'write',
    synopsis: 'write [--dry-run] [--albums ID,...|--tracks ID,...] [--fields F,...] [--id3v2.3] [--cover-file] [--keep-mtime] [--all]',
    summary: 'Write tags and covers into the files (without --dry-run it does not ask: it is for scripts); old values are kept for write-undo.',
    options: {
      'dry-run': { type: 'boolean', default: false },
      albums: { type: 'string' },
      tracks: { type: 'string' },
      fields: { type: 'string' },
      'id3v2.3': { type: 'boolean', default: false },
      'cover-file': { type: 'boolean', default: false },
      'keep-mtime': { type: 'boolean', default: false },
      all: { type: 'boolean', default: false },
    },
    async run(core, values, positionals, out: JobOutput) {
      if (positionals.length > 0) throw new UsageError(`write takes no names: choose files with --albums or --tracks (got '${positionals.join(' ')}')`);
      const settings: Partial<WriteSettings> = {};
      if (values.fields !== undefined) settings.fields = fieldList(values.fields);
      if (values['id3v2.3']) settings.id3Version = 3;
      if (values['cover-file']) settings.coverFile = true;
      if (values['keep-mtime']) settings.keepMtime = true;
      const request: WriteRequest = { scope: scopeFrom(values), settings };
      if (values['dry-run']) {
        const limit = values.all || values.json ? Infinity : 50;
        const summary = { changed: 0, unchanged: 0, problems: 0 };
        for (const { preview } of plannedFiles(core.db, request)) {
          if (preview.changes.length === 0) {
            summary.unchanged += 1;
            continue;
          }
          if (summary.changed + summary.problems < limit) out.stdout.write(values.json ? `${JSON.stringify(preview)}\n` : fileReport(preview));
          summary[preview.problem ? 'problems' : 'changed'] += 1;
        }
        const listed = summary.changed + summary.problems;
        if (listed > limit) out.stdout.write(`… and ${listed - limit} more files (--all lists every one)\n`);
        const { problems, unchanged } = summary;
        if (values.json) out.stdout.write(`${JSON.stringify({ dryRun: summary })}\n`);
        else out.stdout.write(`${summary.changed} files would change, ${unchanged} already hold these values, ${problems} would be skipped (dry run: nothing written)\n`);
        return 0;
      }
      const params = writeJobParams(core.db, request);
      return runJobInForeground(core, { kind: 'write-tags', params, priority: 'user' }, out, (final) => {
        const problems = new WriteJournal(core.db).problems(final.id);
        if (values.json) for (const p of problems) out.stdout.write(`${JSON.stringify({ problem: p })}\n`);
        else for (const p of problems.slice(0, 100)) out.stderr.write(`${p.state}: ${p.path}: ${p.error}\n`);
        if (!values.json && final.state === 'done' && (final.counters.written ?? 0) > 0) {
          out.stdout.write(`write-undo --job ${final.id} puts the old values back.\n`);
        }
      });
    },
  },
  {
    name: 'write-undo',
    synopsis: 'write-undo --job N | --album N | --tracks ID,...',
    summary: 'Put back the tags a write replaced: a whole write job, an album, or files.',
    options: { job: { type: 'string' }, album: { type: 'string' }, tracks: { type: 'string' } },
    async run(core, values, _positionals, out: JobOutput) {
      const given = ['job', 'album', 'tracks'].filter((k) => values[k] !== undefined);
      if (given.length !== 1) throw new UsageError('write-undo takes one of --job N, --album N or --tracks ID,... (write-history lists the jobs)');
      let scope: UndoScope;
      if (values.job !== undefined) scope = { kind: 'job', jobId: idList(values.job, 'job')[0]! };
      else if (values.album !== undefined) scope = { kind: 'album', albumId: idList(values.album, 'album')[0]! };
      else scope = { kind: 'tracks', trackIds: idList(values.tracks, 'tracks') };
      if (new WriteJournal(core.db).undoable(scope).length === 0) {
        out.stderr.write('Nothing to undo there: no file holds values Sleeve wrote and has not put back (write-history lists the write jobs).\n');
        return 1;
      }
      return runJobInForeground(core, { kind: 'write-tags', params: undoJobParams(core.db, scope), priority: 'user' }, out, (final) => {
        for (const p of new WriteJournal(core.db).problems(final.id)) out.stderr.write(`${p.state}: ${p.path}: ${p.error}\n`);
      });
    },
  },
  {
    name: 'write-history',
    synopsis: 'write-history',
    summary: 'List the write jobs, newest first, with how many files write-undo would restore.',
    options: {},
    async run(core, values, _positionals, out: JobOutput) {
      const history = new WriteJournal(core.db).history();
      if (values.json) {
        for (const h of history) out.stdout.write(`${JSON.stringify(h)}\n`);
        return 0;
      }
      if (history.length === 0) out.stdout.write('No write jobs yet.\n');
      for (const h of history) {
        out.stdout.write(`job ${h.jobId}  ${new Date(h.at).toISOString().slice(0, 16).replace('T', ' ')}  ${h.written} written, ${h.undone} undone, ${h.undoable} undoable\n`);
      }
      return 0;
    },
  },
];
