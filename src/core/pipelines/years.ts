import { z } from 'zod';
import type { JobDefinition } from '../jobs/types';
import { networkParamsSchema } from '../net/config';
import { openJobNetwork } from '../net/network';
import { DiscogsClient } from '../sources/discogs';
import { MusicBrainzClient } from '../sources/musicbrainz';
import { TheAudioDbClient } from '../sources/theaudiodb';
import { resolveYears } from '../years/resolve';
import { loadYearItems, saveYearResults, type YearItem, type YearResult } from '../years/store';

const albumKey = z.object({ artist: z.string().nullable(), title: z.string().nullable(), folder: z.string().nullable() });

const params = z.object({
  network: networkParamsSchema.optional(),
  /** Only these tracks (a Library view); without it, every track and every listen. */
  scope: z
    .object({ filter: z.string().max(500).optional(), album: albumKey.optional(), trackIds: z.array(z.number().int()).max(100_000).optional() })
    .optional(),
  /** Look again at items already found or not found. */
  refresh: z.boolean().optional(),
  /** Id batches in flight at once; default: MusicBrainz's concurrency setting. */
  pass1Concurrency: z.number().int().min(1).max(64).optional(),
  /** Name searches in flight at once; default: MusicBrainz's concurrency setting. */
  pass2Concurrency: z.number().int().min(1).max(64).optional(),
});

/** Settled results are written this often, so a crash loses at most a moment's work. */
const SAVE_EVERY_MS = 250;

const COUNTER_FOR: Record<string, string> = {
  mbid: 'mbidFound',
  'fuzzy-mb': 'fuzzyFound',
  theaudiodb: 'theaudiodbFound',
  discogs: 'discogsFound',
};

/**
 * Release years for the library's tracks and imported listens: MusicBrainz
 * ids first, then names, then TheAudioDB and Discogs. Each item's outcome is
 * saved as it settles; a cancelled or crashed run resumes with what is left.
 */
export const yearsJob: JobDefinition<z.infer<typeof params>> = {
  kind: 'years',
  title: 'Find release years',
  description: 'Finds the original release year of every track and listen: by MusicBrainz id, then by name.',
  params,
  secrets: ['discogsToken', 'theaudiodbKey'],
  async run(ctx) {
    const db = ctx.library();
    const items = loadYearItems(db, { scope: ctx.params.scope, refresh: ctx.params.refresh, listens: !ctx.params.scope });
    ctx.progress.setTotal(items.length);
    ctx.progress.set({ processed: 0, mbidFound: 0, fuzzyFound: 0, notFound: 0, deferred: 0, requests: 0, cacheHits: 0 });
    if (items.length === 0) {
      ctx.progress.setMessage('Every item has been looked up; Look Again in Years (or `years --refresh`) looks again.');
      return;
    }
    const net = openJobNetwork(ctx);
    const discogsToken = ctx.secrets.discogsToken ?? null;
    const clients = {
      musicbrainz: new MusicBrainzClient(net.http('musicbrainz')),
      theaudiodb: new TheAudioDbClient(net.http('theaudiodb'), ctx.secrets.theaudiodbKey),
      discogs: discogsToken ? new DiscogsClient(net.http('discogs'), discogsToken) : null,
    };
    const concurrency = net.settings.musicbrainz.concurrency;

    let pending: Array<{ item: YearItem; result: YearResult }> = [];
    let lastSave = Date.now();
    const save = () => {
      if (pending.length === 0) return;
      saveYearResults(db, pending);
      pending = [];
      lastSave = Date.now();
    };
    let errors = 0;
    // Whatever settled is saved, also when a cancel ends the run with an AbortError.
    try {
      await resolveYears(items, clients, {
        pass1Concurrency: ctx.params.pass1Concurrency ?? concurrency,
        pass2Concurrency: ctx.params.pass2Concurrency ?? concurrency,
        signal: ctx.signal,
        onResults(results) {
          for (const { result } of results) {
            ctx.progress.add('processed');
            ctx.progress.add(result.state === 'found' ? COUNTER_FOR[result.source!]! : result.state);
          }
          ctx.progress.advance(results.length);
          pending.push(...results);
          if (Date.now() - lastSave >= SAVE_EVERY_MS) save();
        },
        onError(message) {
          errors++;
          if (errors <= 20) ctx.log.warn(message);
          ctx.progress.add('errors');
        },
      });
    } finally {
      save();
    }
    if (errors > 20) ctx.log.warn(`${errors - 20} more errors like these`);
  },
};
