import path from 'node:path';
import type { Library } from '../db/library';
import type { JobManager } from '../jobs/manager';
import type { Secrets } from '../net/secrets';
import type { JobSnapshot } from '../../shared/jobs';
import { parseTargetKey, SyncTargetError, targetKey, type SyncRequest, type SyncTargetSpec } from '../../shared/sync';
import type { SyncParams } from '../pipelines/sync';

export { SyncTargetError };

/** A target as given (a relative folder from the CLI, 'folder:~/x'...) made absolute. */
export function resolveTarget(target: SyncTargetSpec, cwd = process.cwd()): SyncTargetSpec {
  if (target.kind === 'spotify') return target;
  const home = process.env.HOME ?? process.env.USERPROFILE;
  const expanded = home && /^~(?=$|[/\\])/.test(target.path) ? path.join(home, target.path.slice(1)) : target.path;
  return { kind: 'folder', path: path.resolve(cwd, expanded) };
}

/**
 * The job parameters of a sync request, checked where a user can still act
 * on the answer: playlists that exist, a connected Spotify account.
 */
export function syncParams(db: Library, request: SyncRequest, secrets: Secrets, cwd?: string): SyncParams {
  const ids = [...new Set(request.playlistIds)];
  if (ids.length === 0) throw new SyncTargetError('Choose at least one playlist to sync.');
  const known = db.prepare('SELECT id FROM playlists WHERE id = ?');
  const missing = ids.filter((id) => !known.get(id));
  if (missing.length > 0) throw new SyncTargetError(`There is no playlist ${missing.join(', ')}; run 'playlists' to see their ids.`);
  const target = resolveTarget(typeof request.target === 'string' ? parseTargetKey(request.target) : request.target, cwd);
  if (target.kind === 'spotify' && (!secrets.spotifyClientId || !secrets.spotifyRefreshToken)) {
    throw new SyncTargetError('Spotify is not connected: connect it in Settings (or run `npm run cli -- spotify connect`) first.');
  }
  const params: SyncParams = { playlistIds: ids, target: targetKey(target) };
  if (request.dryRun) params.dryRun = true;
  if (request.workers !== undefined) params.workers = request.workers;
  if (request.mirror) params.mirror = true;
  if (request.replayGain) params.replayGain = true;
  return params;
}

const sameWork = (a: SyncParams, b: SyncParams) =>
  a.target === b.target && Boolean(a.dryRun) === Boolean(b.dryRun) && [...a.playlistIds].sort().join() === [...b.playlistIds].sort().join();

/**
 * Starts the sync, unless the same one (playlists, target, dry or not) is
 * queued or running: a second click, or the menu and the CLI at once, then
 * get that job rather than a second run racing it.
 */
export function startSync(manager: JobManager, params: SyncParams): JobSnapshot {
  const same = manager
    .list(100)
    .find((j) => j.kind === 'sync' && (j.state === 'queued' || j.state === 'running') && sameWork(j.params as SyncParams, params));
  return same ?? manager.start({ kind: 'sync', params, priority: 'user' });
}
