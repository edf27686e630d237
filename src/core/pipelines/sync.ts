import { z } from 'zod';
import type { JobDefinition } from '../jobs/types';
import { networkParamsSchema } from '../net/config';
import { openJobNetwork } from '../net/network';
import { DEFAULT_WORKERS as DEFAULT_FOLDER_WORKERS, syncToFolder } from '../sync/folder';
import { spotifySession } from '../sync/spotify-session';
import { DEFAULT_SPOTIFY_WORKERS, syncToSpotify } from '../sync/spotify-sync';
import { parseTargetKey, SYNC_COUNTERS } from '../../shared/sync';

const params = z.object({
  network: networkParamsSchema.optional(),
  playlistIds: z.array(z.number().int().positive()).min(1).max(1000),
  /** 'spotify' or 'folder:' and an absolute path. */
  target: z.string().min(1).max(4096),
  dryRun: z.boolean().optional(),
  workers: z.number().int().min(1).max(16).optional(),
  mirror: z.boolean().optional(),
  replayGain: z.boolean().optional(),
});

export type SyncParams = z.infer<typeof params>;

export { DEFAULT_FOLDER_WORKERS };

/**
 * Playlists to Spotify or to a folder. A dry run only plans (the plan is
 * kept for the Sync dialog and `sync --dry-run`); otherwise the plan is
 * applied at once, recomputed against the target as it is now.
 */
export const syncJob: JobDefinition<SyncParams> = {
  kind: 'sync',
  title: 'Sync playlists',
  description: 'Matches playlists to Spotify or copies them to a folder, after showing what would change.',
  params,
  secrets: ['spotifyClientId', 'spotifyRefreshToken'],
  async run(ctx) {
    const { params: p, progress } = ctx;
    progress.set(Object.fromEntries(SYNC_COUNTERS.map((c) => [c, 0])));
    const target = parseTargetKey(p.target);
    const db = ctx.library();
    if (target.kind === 'folder') {
      await syncToFolder({
        db,
        playlistIds: p.playlistIds,
        folder: target.path,
        dryRun: p.dryRun ?? false,
        workers: p.workers ?? DEFAULT_FOLDER_WORKERS,
        replayGain: p.replayGain ?? false,
        signal: ctx.signal,
        progress,
        log: ctx.log,
      });
      progress.setMessage(null);
      return;
    }
    const net = openJobNetwork(ctx);
    const client = spotifySession(net, ctx.secrets, (name, value) => ctx.saveSecret?.(name, value), ctx.signal);
    for (const playlistId of p.playlistIds) {
      if (ctx.signal.aborted) break;
      await syncToSpotify({
        db,
        client,
        playlistId,
        dryRun: p.dryRun ?? false,
        mirror: p.mirror ?? false,
        workers: p.workers ?? DEFAULT_SPOTIFY_WORKERS,
        signal: ctx.signal,
        progress,
        log: ctx.log,
      });
      progress.add('playlists');
    }
    progress.setMessage(null);
  },
};
