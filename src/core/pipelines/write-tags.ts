import { z } from 'zod';
import { ArtworkCache, artworkCacheDir } from '../artwork/cache';
import type { JobDefinition } from '../jobs/types';
import { WriteJournal } from '../tags/journal';
import { plannedFiles } from '../tags/plan';
import { countToWrite, settlePending, undoWrites, writePlanned } from '../tags/write';
import { WRITE_FIELDS } from '../../shared/write-back';

const ids = z.array(z.number().int().positive()).max(1_000_000);

export const writeScopeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('all') }),
  z.object({ kind: z.literal('albums'), albumIds: ids }),
  z.object({ kind: z.literal('tracks'), trackIds: ids }),
]);

export const writeSettingsSchema = z.object({
  fields: z.array(z.enum(WRITE_FIELDS)).max(WRITE_FIELDS.length),
  id3Version: z.union([z.literal(3), z.literal(4)]),
  coverFile: z.boolean(),
  keepMtime: z.boolean(),
});

export const undoScopeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('job'), jobId: z.number().int().positive() }),
  z.object({ kind: z.literal('album'), albumId: z.number().int().positive() }),
  z.object({ kind: z.literal('tracks'), trackIds: ids }),
]);

const params = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('write'), scope: writeScopeSchema, settings: writeSettingsSchema, excludeTrackIds: ids.optional() }),
  z.object({ mode: z.literal('undo'), undo: undoScopeSchema, settings: writeSettingsSchema }),
]);

export type WriteTagsParams = z.infer<typeof params>;

/**
 * Writes tags and covers into the files (or undoes a write). The settings
 * travel in the params, so the job does what the preview showed even if the
 * saved settings change while it waits in the queue.
 */
export const writeTagsJob: JobDefinition<WriteTagsParams> = {
  kind: 'write-tags',
  title: 'Write tags',
  description: 'Writes what Sleeve found into the files, through a checked copy, keeping the old values for Undo.',
  params,
  async run(ctx) {
    const { params: p, progress } = ctx;
    const db = ctx.library();
    const journal = new WriteJournal(db);
    const settled = await settlePending(db, journal);
    if (settled.written + settled.notWritten > 0) {
      ctx.log.info(`An earlier write was stopped mid-way: ${settled.written} of its files were written, ${settled.notWritten} left as they were.`);
    }
    const deps = {
      db,
      journal,
      cache: new ArtworkCache(artworkCacheDir(db.name)),
      settings: p.settings,
      jobId: ctx.jobId ?? null,
      signal: ctx.signal,
      progress,
      log: ctx.log,
    };
    if (p.mode === 'undo') {
      await undoWrites(journal.undoable(p.undo), deps);
    } else {
      const request = { scope: p.scope, settings: p.settings, excludeTrackIds: p.excludeTrackIds };
      await writePlanned(plannedFiles(db, request), deps, countToWrite(plannedFiles(db, request)));
    }
    progress.setMessage(null);
  },
};
