import path from 'node:path';
import type { Library } from '../db/library';
import type { JobManager } from '../jobs/manager';
import type { Secrets } from '../net/secrets';
import type { JobSnapshot } from '../../shared/jobs';
import { parseTargetKey, SyncTargetError, targetKey, type SyncRequest, type SyncTargetSpec } from '../../shared/sync';
import type { SyncParams } from '../pipelines/sync';
import { checkFolderOutsideLibrary, FolderSyncError } from './folder';

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
  if (target.kind === 'folder') {
    try {
      checkFolderOutsideLibrary(db, target.path);
    } catch (err) {
      if (err instanceof FolderSyncError) throw new SyncTargetError(err.message);
      throw err;
    }
  }
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

/** Another sync is doing this work, or writing to the same folder; the message says which and what to do. */
export class SyncBusyError extends SyncTargetError {}

const sameWork = (a: SyncParams, b: SyncParams) =>
  a.target === b.target &&
  Boolean(a.dryRun) === Boolean(b.dryRun) &&
  Boolean(a.mirror) === Boolean(b.mirror) &&
  Boolean(a.replayGain) === Boolean(b.replayGain) &&
  [...a.playlistIds].sort().join() === [...b.playlistIds].sort().join();

/** Two runs that would change the same place at once: the same Spotify playlists, or any two into one folder. */
function clashes(a: SyncParams, b: SyncParams): boolean {
  if (a.target !== b.target || a.dryRun || b.dryRun) return false;
  // Two sessions in one folder would sweep each other's half-made copies and race for the same names.
  if (a.target.startsWith('folder:')) return true;
  return a.playlistIds.some((id) => b.playlistIds.includes(id));
}

/**
 * Starts the sync, unless this process is running the same one (a second
 * click, the menu and a button at once): then that job is given back rather
 * than a second run racing it. Throws SyncBusyError when another run, here or
 * in another Sleeve process, is changing the same place.
 */
export function startSync(manager: JobManager, params: SyncParams): JobSnapshot {
  const active = manager.active('sync');
  const same = active.find((a) => a.here && sameWork(a.job.params as SyncParams, params));
  if (same) return same.job;
  const busy = active.find((a) => sameWork(a.job.params as SyncParams, params) || clashes(a.job.params as SyncParams, params));
  if (busy) {
    const where = params.target === 'spotify' ? 'these Spotify playlists' : params.target.slice('folder:'.length);
    const who = busy.here ? 'Sleeve is already syncing' : 'Another Sleeve window or command is already syncing';
    throw new SyncBusyError(`${who} to ${where} (job ${busy.job.id}). Wait for it to finish, or cancel it, then sync again.`);
  }
  return manager.start({ kind: 'sync', params, priority: 'user' });
}
