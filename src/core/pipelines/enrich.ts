import pLimit from 'p-limit';
import { z } from 'zod';
import { PRIORITY } from '../../shared/albums';
import { groupAlbums } from '../albums/group';
import { WorkQueue, type WorkItem } from '../albums/queue';
import { queueEnrichment } from '../albums/plan';
import { loadArtworkAlbum, loadEnrichAlbums, matchStateOf, saveOutcome } from '../albums/store';
import { ArtworkCache, artworkCacheDir } from '../artwork/cache';
import { gatherArtwork, imageFetcher, type GatherDeps } from '../artwork/gather';
import { saveArtCandidates } from '../artwork/store';
import { AlbumMatcher, SEARCH_BATCH, type AlbumOutcome, type EnrichAlbum } from '../enrich/match';
import type { JobContext, JobDefinition } from '../jobs/types';
import { networkParamsSchema } from '../net/config';
import { openJobNetwork, type Network } from '../net/network';
import { CoverArtClient } from '../sources/coverart';
import { DiscogsClient } from '../sources/discogs';
import { MusicBrainzClient } from '../sources/musicbrainz';
import { TheAudioDbClient } from '../sources/theaudiodb';

const params = z.object({
  network: networkParamsSchema.optional(),
  /** These albums (or the albums of these tracks) first; without it, every album not yet matched. */
  scope: z
    .object({
      albumIds: z.array(z.number().int().positive()).max(100_000).optional(),
      trackIds: z.array(z.number().int().positive()).max(100_000).optional(),
    })
    .optional(),
  /** Match again what was matched (a confirmed match stays) and look for artwork again. */
  refresh: z.boolean().optional(),
  /** Skip the artwork stage (matching only). */
  noArtwork: z.boolean().optional(),
  /** Only the artwork stage: pictures for albums as they are matched now. */
  artworkOnly: z.boolean().optional(),
  /** Albums whose artwork is gathered at once; each asks every source in parallel. */
  artworkConcurrency: z.number().int().min(1).max(16).optional(),
});

type EnrichParams = z.infer<typeof params>;

export const ENRICH_COUNTERS = ['albums', 'matched', 'review', 'notFound', 'deferred', 'artworkFound', 'requests', 'cacheHits'] as const;

const COUNTER_OF: Record<AlbumOutcome['state'], (typeof ENRICH_COUNTERS)[number]> = {
  matched: 'matched',
  review: 'review',
  notFound: 'notFound',
  deferred: 'deferred',
};

/**
 * Enrichment: groups the library's tracks into albums, matches each album to
 * a release (MusicBrainz, then TheAudioDB, then Discogs) and gathers its
 * artwork from every source at once. Works through the durable queue, most
 * urgent first, and takes newly queued urgent albums even mid-run, so an
 * album dropped in during a long backfill is matched next.
 */
export const enrichJob: JobDefinition<EnrichParams> = {
  kind: 'enrich',
  title: 'Enrich albums',
  description: 'Matches albums to MusicBrainz releases (then TheAudioDB and Discogs) and finds their cover art.',
  params,
  secrets: ['discogsToken', 'theaudiodbKey'],
  async run(ctx) {
    const db = ctx.library();
    const queue = new WorkQueue(db);
    ctx.progress.set(Object.fromEntries(ENRICH_COUNTERS.map((c) => [c, 0])));
    queue.recover();
    ctx.progress.setMessage('Grouping tracks into albums…');
    const grouped = groupAlbums(db);
    if (grouped.created.length > 0) queue.enqueue('match', grouped.created, PRIORITY.backfill);
    queueEnrichment(db, ctx.params);
    const waiting = queue.counts();
    if (ctx.params.artworkOnly) waiting.match.queued = 0;
    ctx.progress.setTotal(waiting.match.queued);
    ctx.progress.setMessage(null);
    if (waiting.match.queued === 0 && waiting.artwork.queued === 0) {
      ctx.progress.setMessage('Every album has been matched; Match Again (or `enrich --refresh`) looks again.');
      return;
    }
    const net = openJobNetwork(ctx);
    const discogsToken = ctx.secrets.discogsToken ?? null;
    const musicbrainz = new MusicBrainzClient(net.http('musicbrainz'));
    const theaudiodb = new TheAudioDbClient(net.http('theaudiodb'), ctx.secrets.theaudiodbKey);
    const discogs = discogsToken ? new DiscogsClient(net.http('discogs'), discogsToken) : null;

    // The lanes end together: while one works, the other waits for what it may queue
    // (a match brings artwork ids; an album imported meanwhile brings a match).
    const lanes: Lanes = { matchIdle: ctx.params.artworkOnly ?? false, artworkDone: ctx.params.noArtwork ?? false };
    const matching = ctx.params.artworkOnly
      ? Promise.resolve()
      : runMatchLane(ctx, queue, new MatchLane(ctx, queue, { musicbrainz, theaudiodb, discogs }), lanes);
    const artwork = ctx.params.noArtwork
      ? Promise.resolve()
      : runArtworkLane(ctx, queue, net, { theaudiodb, discogs }, lanes).finally(() => {
          lanes.artworkDone = true;
        });
    await Promise.all([matching, artwork]);
  },
};

class MatchLane {
  readonly matcher: AlbumMatcher;
  private urgentRunning = false;
  /** The priority of the batch in flight: only more urgent work cuts in. */
  current: number = PRIORITY.backfill;

  constructor(
    private readonly ctx: JobContext<EnrichParams>,
    private readonly queue: WorkQueue,
    clients: ConstructorParameters<typeof AlbumMatcher>[0],
  ) {
    this.matcher = new AlbumMatcher(clients, { signal: ctx.signal, beforeRequest: () => this.serveUrgent() });
  }

  /** Before each request of a batch: albums queued since, more urgent than the batch, are matched first. */
  private async serveUrgent(): Promise<void> {
    if (this.urgentRunning || this.ctx.signal.aborted) return;
    const next = this.queue.peekPriority('match');
    if (next === null || next >= this.current) return;
    this.urgentRunning = true;
    try {
      let items: WorkItem[];
      while (!this.ctx.signal.aborted && (items = this.queue.take('match', 1)).length > 0 && items[0]!.priority < this.current) {
        await this.process(items);
      }
      // take() marked it running; one not urgent after all goes back in line.
      if (items! && items.length > 0 && items[0]!.priority >= this.current) this.queue.release(items[0]!);
    } finally {
      this.urgentRunning = false;
    }
  }

  /** Matches the items' albums; what the library already matched is reused without a request. */
  async process(items: WorkItem[]): Promise<void> {
    const { ctx, queue } = this;
    const db = ctx.library();
    const byAlbum = new Map(items.map((i) => [i.albumId, i]));
    const toMatch: EnrichAlbum[] = [];
    for (const item of items) {
      const known = matchStateOf(db, item.albumId);
      const settled = known && (known.confirmed || (!item.refresh && (known.state === 'matched' || known.state === 'review' || known.state === 'notFound')));
      if (!known || known.tracks === 0 || settled) {
        if (known && known.tracks > 0) {
          ctx.progress.add('albums');
          ctx.progress.add(COUNTER_OF[known.state ?? 'notFound']);
        }
        queue.finish(item, 'done');
        ctx.progress.advance(1);
        continue;
      }
      toMatch.push(...loadEnrichAlbums(db, [item.albumId]));
    }
    if (toMatch.length === 0) return;
    const settledIds = new Set<number>();
    try {
      await this.matcher.matchBatch(toMatch, (album, outcome) => {
        const item = byAlbum.get(album.id)!;
        saveOutcome(db, album.id, outcome);
        queue.finish(item, outcome.state === 'deferred' ? 'deferred' : 'done', outcome.state === 'matched' ? undefined : outcome.why);
        settledIds.add(album.id);
        ctx.progress.add('albums');
        ctx.progress.add(COUNTER_OF[outcome.state]);
        ctx.progress.advance(1);
        // A match brings ids the artwork sources answer to: look again, at the album's own priority.
        if (outcome.state === 'matched' && !ctx.params.noArtwork) queue.enqueue('artwork', [album.id], item.priority, { refresh: true });
      });
    } finally {
      // A cancel leaves the rest of the batch queued as it was.
      for (const item of items) if (!settledIds.has(item.albumId) && toMatch.some((a) => a.id === item.albumId)) queue.release(item);
    }
  }
}

interface Lanes {
  /** The match lane has nothing to do (and waits only for what the artwork lane might still bring). */
  matchIdle: boolean;
  artworkDone: boolean;
}

const LANE_POLL_MS = 100;
export const ARTWORK_ALBUMS_AT_ONCE = 4;

/** How the rate-limited artwork sources take turns across the albums gathered at once. */
export function artworkTurns(): NonNullable<GatherDeps['turns']> {
  return { theaudiodb: pLimit(1), discogs: pLimit(1), 'coverart-release': pLimit(2) };
}

async function runMatchLane(ctx: JobContext<EnrichParams>, queue: WorkQueue, lane: MatchLane, lanes: Lanes): Promise<void> {
  while (!ctx.signal.aborted) {
    const next = queue.peekPriority('match');
    if (next === null) {
      lanes.matchIdle = true;
      if (lanes.artworkDone) break;
      await new Promise((r) => setTimeout(r, LANE_POLL_MS));
      continue;
    }
    lanes.matchIdle = false;
    // Urgent work goes one album at a time, so it is not held up by a batch.
    const items = queue.take('match', next < PRIORITY.backfill ? 1 : SEARCH_BATCH);
    if (items.length === 0) break;
    lane.current = Math.min(...items.map((i) => i.priority));
    // Albums queued mid-run (a scan's new imports) count toward the total as they arrive.
    ctx.progress.setTotal(ctx.progress.snapshot().done + items.length + queue.counts().match.queued);
    await lane.process(items);
  }
}

async function runArtworkLane(
  ctx: JobContext<EnrichParams>,
  queue: WorkQueue,
  net: Network,
  clients: { theaudiodb: TheAudioDbClient; discogs: DiscogsClient | null },
  lanes: Lanes,
): Promise<void> {
  const db = ctx.library();
  const cache = new ArtworkCache(artworkCacheDir(db.name));
  const coverart = new CoverArtClient(net.http('coverart'));
  // TheAudioDB's and Discogs' pictures live on CDNs (r2.theaudiodb.com, i.discogs.com), outside
  // their APIs' limits: downloads go at the pace the archive's image downloads go, each host on its own gate.
  const fetchImage = imageFetcher(() => net.http('coverart'));
  // Several albums at once, each asking every source at once; the rate-limited sources take
  // turns across albums (TheAudioDB's free key answers one request every 2 s), and a source's
  // 5 s start with its turn. Urgent albums (a selection, a new import) do not wait for a slot.
  const limit = pLimit(ctx.params.artworkConcurrency ?? ARTWORK_ALBUMS_AT_ONCE);
  const turns = artworkTurns();
  const inFlight = new Set<Promise<void>>();
  const gatherOne = async (item: WorkItem) => {
    const album = loadArtworkAlbum(db, item.albumId);
    if (!album) {
      queue.finish(item, 'done');
      return;
    }
    try {
      const result = await gatherArtwork(
        album,
        {
          coverart,
          theaudiodb: clients.theaudiodb,
          discogs: clients.discogs,
          fetchImage,
          cache,
          turns,
          // Shown as it arrives; the full set below settles the suggestion and what went stale.
          onCandidate: (candidate) => saveArtCandidates(db, item.albumId, [candidate], { deferred: true }),
        },
        ctx.signal,
      );
      if (ctx.signal.aborted) {
        queue.release(item);
        return;
      }
      saveArtCandidates(db, item.albumId, result.candidates, { deferred: result.deferred, answered: result.answered });
      if (result.candidates.length > 0) ctx.progress.add('artworkFound');
      for (const message of result.errors.slice(0, 3)) ctx.log.warn(message);
      queue.finish(item, result.deferred ? 'deferred' : 'done');
    } catch (err) {
      if (ctx.signal.aborted) {
        queue.release(item);
        return;
      }
      ctx.log.warn(`Artwork for album ${item.albumId}: ${(err as Error).message}`);
      queue.finish(item, 'failed', (err as Error).message);
    }
  };
  while (!ctx.signal.aborted) {
    const items = queue.take('artwork', 1);
    if (items.length === 0) {
      // Matching may still queue albums for artwork: wait for it before calling the lane done.
      if (lanes.matchIdle && inFlight.size === 0 && queue.peekPriority('match') === null) break;
      await Promise.race([...inFlight, new Promise((r) => setTimeout(r, LANE_POLL_MS))]);
      continue;
    }
    const item = items[0]!;
    const urgent = item.priority < PRIORITY.backfill;
    const task = (urgent ? gatherOne(item) : limit(() => gatherOne(item))).finally(() => inFlight.delete(task));
    inFlight.add(task);
    if (!urgent && limit.activeCount + limit.pendingCount >= limit.concurrency) {
      // Wait for a backfill slot, but wake for urgent work queued meanwhile.
      while (!ctx.signal.aborted && limit.activeCount + limit.pendingCount >= limit.concurrency) {
        const next = queue.peekPriority('artwork');
        if (next !== null && next < PRIORITY.backfill) break;
        await Promise.race([...inFlight, new Promise((r) => setTimeout(r, LANE_POLL_MS))]);
      }
    }
  }
  await Promise.all(inFlight);
}
