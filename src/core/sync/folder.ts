/**
 * Playlists to a folder: a phone, a USB player, a NAS share. Every playlist
 * of a session shares one queue of files (a track in two playlists is copied
 * once), copies land whole or not at all, and each finished copy is recorded
 * at once so a cancelled or crashed session picks up where it stopped. The
 * playlist files are written at the end, in playlist order, with paths
 * relative to the folder. Only what Sleeve copied is ever removed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import pLimit from 'p-limit';
import type { Library } from '../db/library';
import { isUnderRoot, realLocation } from '../library/path-policy';
import { listRoots } from '../scan/store';
import type { ProgressTracker } from '../jobs/progress';
import type { JobLogger } from '../jobs/types';
import { formatM3u8, type M3uWriteEntry } from '../playlists/m3u';
import { playlistDetail } from '../playlists/store';
import type { PlaylistDetail } from '../../shared/playlists';
import { countPlan, targetKey, type SyncPlan, type SyncPlanItem } from '../../shared/sync';
import { TEMP_NAME, tempNameFor } from '../tags/atomic';
import { assignItems, foldItem, playlistFileName, type LayoutTrack } from './layout';
import {
  gainOf,
  measureLoudness,
  readReplayGain,
  replayGainAvailability,
  writeReplayGain,
  type Loudness,
  type ReplayGainAvailability,
  type ReplayGainValues,
} from './replaygain';
import { ensureSyncTarget, forgetSyncedItems, markSynced, recordSyncedItems, saveSyncPlan, syncedItems, targetsOn, type SyncTargetRow } from './targets';

export { replayGainAvailability };

export interface FolderSyncSession {
  db: Library;
  playlistIds: number[];
  /** Absolute, already resolved by the caller. */
  folder: string;
  /** Plan only: the plan is saved and returned; nothing is written to the folder. */
  dryRun: boolean;
  /** Files copied (and measured) at once. */
  workers: number;
  /** Measure ReplayGain 2.0 with ffmpeg and tag the copies. */
  replayGain: boolean;
  signal: AbortSignal;
  progress: ProgressTracker;
  log: JobLogger;
}

/** The folder cannot be synced to at all; the message says what to do. */
export class FolderSyncError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FolderSyncError';
  }
}

export const DEFAULT_WORKERS = 4;
/** FAT keeps modification times to 2 s. */
const MTIME_SLACK_MS = 2000;

type ErrnoError = NodeJS.ErrnoException;
const codeOf = (err: unknown) => (err as ErrnoError | null)?.code;
const isAbort = (err: unknown) => (err as Error | null)?.name === 'AbortError';

/** What the copies share: the source file, where it goes, and what became of it. */
interface FileJob {
  trackId: number;
  source: string;
  size: number;
  mtimeMs: number;
  atime: Date;
  mtime: Date;
  item: string;
  dest: string;
  action: 'add' | 'unchanged';
  reason: string;
  /** The file at dest before this session (an older copy, say). */
  existed: boolean;
  /**
   * A file Sleeve did not copy that is already this track (same size and
   * time): listed, but never recorded as Sleeve's, so never removed or tagged.
   */
  adopted: boolean;
  /** Target rows (playlists of this session) that want this file. */
  rows: Set<number>;
  /** Playlist entries that point at it, for notFound when the source is gone. */
  entries: number;
  state: 'pending' | 'done' | 'failed';
  albumKey: string;
  /** ReplayGain the copy carries already (unchanged copies only). */
  tags: ReturnType<typeof readReplayGain> | null;
}

/** A copy whose source is gone from the library: kept, and still listed. */
interface KeptCopy {
  item: string;
  record: RecordedItem;
}

interface RecordedItem {
  item: string;
  trackId: number | null;
  sourceSize: number | null;
  sourceMtimeMs: number | null;
  rowId: number;
}

interface TrackExtra {
  disc_total: number | null;
  album_id: number | null;
  compilation: number;
}

interface SessionPlaylist {
  detail: PlaylistDetail;
  row: SyncTargetRow;
  fileName: string;
  items: SyncPlanItem[];
  /** Items (folded) this playlist keeps in the folder, its playlist file too. */
  wanted: Set<string>;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function describeWriteError(folder: string, err: unknown): string {
  const code = codeOf(err);
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return `Cannot write to ${folder}: permission denied. Check that the device is mounted and writable.`;
    case 'EROFS':
      return `Cannot write to ${folder}: the device is mounted read-only. Check that it is mounted writable (and not locked).`;
    case 'ENOSPC':
    case 'EDQUOT':
      return `The disk at ${folder} is full. Free some space there (or sync fewer playlists) and sync again; the files copied so far stay.`;
    case 'ENOENT':
    case 'ENODEV':
    case 'EIO':
      return `Cannot write to ${folder}: the device went away (${code}). Check that it is still connected and mounted, then sync again.`;
    case 'ENOTDIR':
      return `Cannot write to ${folder}: part of the path is a file, not a folder. Choose another folder.`;
    default:
      return `Cannot write to ${folder}: ${(err as Error).message}. Check that the device is mounted and writable.`;
  }
}

/**
 * Refuses a folder that is, holds or lies in a library folder: copies would
 * land among the originals (and be scanned in as duplicates), and an original
 * at a copy's place could be taken for it and later removed. Links are
 * followed on both sides, so a second name for the library is caught too.
 */
export function checkFolderOutsideLibrary(db: Library, folder: string): void {
  const real = (p: string) => {
    try {
      return realLocation(path.resolve(p));
    } catch {
      // A path that cannot be followed (no permission on the way) is judged as written.
      return path.resolve(p);
    }
  };
  const target = real(folder);
  for (const root of listRoots(db)) {
    const libraryFolder = real(root);
    if (isUnderRoot(libraryFolder, target)) {
      throw new FolderSyncError(
        `Cannot sync to ${folder}: it is ${libraryFolder === target ? 'the library folder' : 'inside the library folder'} ${root}, so the copies would mix with your own files. Choose a folder outside the library (a phone, a USB drive, a NAS share).`,
      );
    }
    if (isUnderRoot(target, libraryFolder)) {
      throw new FolderSyncError(
        `Cannot sync to ${folder}: it holds the library folder ${root}, so the copies could land among your own files. Choose a folder outside the library, or a folder inside ${folder} that is not part of it.`,
      );
    }
  }
}

/** Errors writing to the folder that make every further copy fail too. */
const FATAL_WRITE = new Set(['ENOSPC', 'EDQUOT', 'EACCES', 'EPERM', 'EROFS', 'ENODEV', 'EIO']);

/**
 * The folder, there and writable: made if only its last part is missing (an
 * unmounted device must not turn into a folder on the system disk).
 */
async function prepareFolder(folder: string): Promise<void> {
  let stat: fs.Stats | null = null;
  try {
    stat = await fs.promises.stat(folder);
  } catch (err) {
    if (codeOf(err) !== 'ENOENT') throw new FolderSyncError(describeWriteError(folder, err));
  }
  if (stat && !stat.isDirectory()) throw new FolderSyncError(`${folder} is a file, not a folder; choose a folder to sync to.`);
  if (!stat) {
    const parent = path.dirname(folder);
    if (!fs.existsSync(parent)) {
      throw new FolderSyncError(`Cannot sync to ${folder}: ${parent} does not exist. Check that the device is mounted, or create the folder first.`);
    }
    try {
      await fs.promises.mkdir(folder);
    } catch (err) {
      if (codeOf(err) !== 'EEXIST') throw new FolderSyncError(describeWriteError(folder, err));
    }
  }
  // Permission bits lie on FAT and MTP mounts: only writing tells.
  const probe = tempNameFor(path.join(folder, 'write-test'));
  try {
    await fs.promises.writeFile(probe, '', { flag: 'wx' });
  } catch (err) {
    throw new FolderSyncError(describeWriteError(folder, err));
  } finally {
    await fs.promises.rm(probe, { force: true });
  }
}

/** Lists folders of the target once each, ignoring case as the device does. */
class FolderListing {
  private readonly dirs = new Map<string, { dir: string; names: Map<string, string> | null }>();
  constructor(private readonly root: string) {}

  /** Entry names of the folder item dir (relative), by folded name; null when there is no such folder. */
  list(dir: string): Map<string, string> | null {
    const key = foldItem(dir);
    const known = this.dirs.get(key);
    if (known) return known.names;
    let names: Map<string, string> | null = null;
    try {
      names = new Map(fs.readdirSync(this.abs(dir)).map((n) => [foldItem(n), n]));
    } catch {
      names = null;
    }
    this.dirs.set(key, { dir, names });
    return names;
  }

  /** The name item has on disk, or null. */
  find(item: string): string | null {
    const slash = item.lastIndexOf('/');
    const dir = slash < 0 ? '' : item.slice(0, slash);
    const found = this.list(dir)?.get(foldItem(item.slice(slash + 1)));
    return found === undefined ? null : dir === '' ? found : `${dir}/${found}`;
  }

  abs(item: string): string {
    return item === '' ? this.root : path.join(this.root, ...item.split('/'));
  }

  /** The folders listed so far that exist. */
  listed(): string[] {
    return [...this.dirs.values()].filter((d) => d.names !== null).map((d) => d.dir);
  }
}

const sameTime = (a: number, b: number | null) => b !== null && Math.abs(a - b) <= MTIME_SLACK_MS;

function albumKeyOf(trackId: number, extra: TrackExtra | undefined, albumArtist: string | null, album: string | null): string {
  if (extra !== undefined && extra.album_id !== null) return `id:${extra.album_id}`;
  if (album !== null && album.trim() !== '') return `tag:${foldItem((albumArtist ?? '').trim())}\u0000${foldItem(album.trim())}`;
  return `track:${trackId}`;
}

/**
 * Syncs the playlists to the folder; one plan per playlist (also saved for
 * the Sync dialog). Throws FolderSyncError when the folder cannot be written
 * to, or fills up.
 */
export async function syncToFolder(session: FolderSyncSession): Promise<SyncPlan[]> {
  const { db, folder, progress, log, signal } = session;
  const workers = Math.max(1, Math.floor(session.workers || DEFAULT_WORKERS));
  const key = targetKey({ kind: 'folder', path: folder });
  checkFolderOutsideLibrary(db, folder);

  // The playlists, each with its row for this folder.
  const playlists: SessionPlaylist[] = [];
  for (const id of new Set(session.playlistIds)) {
    const detail = playlistDetail(db, id);
    if (!detail) {
      log.warn(`There is no playlist ${id}; it may have been deleted. The others are synced.`);
      continue;
    }
    playlists.push({ detail, row: ensureSyncTarget(db, id, key), fileName: '', items: [], wanted: new Set() });
  }
  const sessionRows = new Set(playlists.map((p) => p.row.id));

  // What Sleeve put in this folder before, for every playlist synced to it.
  const rowsOnFolder = targetsOn(db, key);
  const recordedByRow = new Map<number, RecordedItem[]>();
  const recordedByItem = new Map<string, RecordedItem[]>();
  const previous = new Map<number, string>();
  for (const row of rowsOnFolder) {
    const list: RecordedItem[] = [];
    for (const r of syncedItems(db, row.id).values()) {
      const rec: RecordedItem = { item: r.item, trackId: r.trackId, sourceSize: r.sourceSize, sourceMtimeMs: r.sourceMtimeMs, rowId: row.id };
      list.push(rec);
      const k = foldItem(r.item);
      recordedByItem.set(k, [...(recordedByItem.get(k) ?? []), rec]);
      if (r.trackId !== null && !previous.has(r.trackId) && r.item.includes('/')) previous.set(r.trackId, r.item);
    }
    recordedByRow.set(row.id, list);
  }

  // Playlist file names: distinct in the folder, the lowest playlist id keeping the plain name,
  // and never the name of a playlist file Sleeve did not write (the user's own, or another app's).
  const listing = new FolderListing(folder);
  const foreign = (name: string) => !recordedByItem.has(foldItem(name)) && listing.find(name) !== null;
  const names = db.prepare('SELECT id, name FROM playlists WHERE id = ?');
  const byId = [...new Set([...rowsOnFolder.map((r) => r.playlistId), ...playlists.map((p) => p.detail.id)])].sort((a, b) => a - b);
  const fileNames = new Map<number, string>();
  const usedNames = new Set<string>();
  for (const id of byId) {
    const row = names.get(id) as { id: number; name: string } | undefined;
    if (!row) continue;
    for (let n = 1; ; n++) {
      const candidate = playlistFileName(row.name, n);
      if (usedNames.has(foldItem(candidate)) || foreign(candidate)) continue;
      usedNames.add(foldItem(candidate));
      fileNames.set(id, candidate);
      break;
    }
  }
  for (const p of playlists) p.fileName = fileNames.get(p.detail.id) ?? playlistFileName(p.detail.name);

  // The source files, looked at now: the library's sizes and times may be stale.
  const tracks = new Map<number, NonNullable<PlaylistDetail['entries'][number]['track']>>();
  for (const p of playlists) for (const e of p.detail.entries) if (e.track) tracks.set(e.track.id, e.track);
  const extraOf = db.prepare('SELECT disc_total, album_id, compilation FROM tracks WHERE id = ?');
  const sources = new Map<number, fs.Stats>();
  const unreadable = new Map<number, string>();
  const statLimit = pLimit(16);
  await Promise.all(
    [...tracks.values()].map((t) =>
      statLimit(async () => {
        try {
          const stat = await fs.promises.stat(t.path);
          if (stat.isFile()) sources.set(t.id, stat);
          else unreadable.set(t.id, 'not a file');
        } catch (err) {
          unreadable.set(t.id, codeOf(err) === 'ENOENT' || codeOf(err) === 'ENOTDIR' ? 'missing file' : `unreadable file (${codeOf(err) ?? (err as Error).message})`);
        }
      }),
    ),
  );

  // Where each file goes: the layout, around files Sleeve did not put there.
  const layoutTracks: LayoutTrack[] = [];
  const extras = new Map<number, TrackExtra>();
  for (const t of tracks.values()) {
    if (!sources.has(t.id)) continue;
    const extra = extraOf.get(t.id) as TrackExtra | undefined;
    if (extra) extras.set(t.id, extra);
    layoutTracks.push({
      trackId: t.id,
      sourcePath: t.path,
      title: t.title,
      artist: t.artist,
      albumArtist: t.albumArtist,
      album: t.album,
      trackNumber: t.trackNumber,
      discNumber: t.discNumber,
      discTotal: extra?.disc_total ?? null,
      compilation: extra?.compilation === 1,
    });
  }
  const statOf = (item: string): fs.Stats | null => {
    const found = listing.find(item);
    if (found === null) return null;
    try {
      return fs.statSync(listing.abs(found));
    } catch {
      return null;
    }
  };
  // Tracks without a local file whose earlier copy is still in the folder: kept (the library may be on an unplugged disk).
  const kept = new Map<number, KeptCopy>();
  for (const t of tracks.values()) {
    if (sources.has(t.id)) continue;
    const item = previous.get(t.id);
    if (item === undefined || statOf(item) === null) continue;
    kept.set(t.id, { item, record: recordedByItem.get(foldItem(item))![0]! });
  }
  const keptItems = new Set([...kept.values()].map((k) => foldItem(k.item)));
  const occupied = (item: string, trackId: number) => {
    if (keptItems.has(foldItem(item))) return true;
    const records = recordedByItem.get(foldItem(item));
    // Another track's copy that a playlist outside this session lists.
    if (records?.some((r) => !sessionRows.has(r.rowId) && r.trackId !== trackId)) return true;
    if (records !== undefined || listing.find(item) === null) return false;
    // A file that is this very source's copy (same size and time) is taken over, not avoided.
    const there = statOf(item);
    const src = sources.get(trackId)!;
    return !(there?.isFile() && there.size === src.size && sameTime(there.mtimeMs, src.mtimeMs));
  };
  const items = assignItems(layoutTracks, { previous, occupied });

  const jobs = new Map<number, FileJob>();
  for (const t of layoutTracks) {
    const src = sources.get(t.trackId)!;
    const item = items.get(t.trackId)!;
    const there = statOf(item);
    if (there && there.ino !== 0 && there.dev === src.dev && there.ino === src.ino) {
      // The library's own file, reached through a link or a second mount the root check cannot see.
      throw new FolderSyncError(`Cannot sync to ${folder}: ${t.sourcePath} is there already, as ${item}; the folder is part of the library. Choose a folder outside the library.`);
    }
    const onDisk = listing.find(item) ?? item;
    const records = recordedByItem.get(foldItem(item)) ?? [];
    const mtimeMs = Math.round(src.mtimeMs);
    const matching = records.some((r) => (r.trackId === null || r.trackId === t.trackId) && r.sourceSize === src.size && r.sourceMtimeMs === mtimeMs);
    // A copy Sleeve tagged has another size; its time is still the source's.
    const intact = there !== null && there.isFile() && (there.size === src.size || sameTime(there.mtimeMs, src.mtimeMs));
    let action: FileJob['action'] = 'add';
    let reason: string;
    if (there && matching && intact) {
      action = 'unchanged';
      reason = 'copied before';
    } else if (there && records.length === 0 && intact && there.size === src.size) {
      action = 'unchanged';
      reason = 'already in the folder, not copied by Sleeve: it stays as it is';
    } else if (!there) reason = records.length > 0 ? 'copy missing' : 'new';
    else if (!matching && records.length > 0) reason = 'source changed';
    else reason = 'copy changed';
    const track = tracks.get(t.trackId)!;
    jobs.set(t.trackId, {
      trackId: t.trackId,
      source: track.path,
      size: src.size,
      mtimeMs,
      atime: src.atime,
      mtime: src.mtime,
      item: onDisk,
      dest: listing.abs(onDisk),
      action,
      reason,
      existed: there !== null,
      adopted: action === 'unchanged' && records.length === 0,
      rows: new Set(),
      entries: 0,
      state: action === 'unchanged' ? 'done' : 'pending',
      albumKey: albumKeyOf(t.trackId, extras.get(t.trackId), track.albumArtist, track.album),
      tags: null,
    });
  }

  const gone = [...unreadable.entries()];
  for (const [id, why] of gone.slice(0, 20)) {
    const copy = kept.get(id);
    log.warn(`${tracks.get(id)!.path}: ${why}; ${copy ? `the copy made before (${copy.item}) stays` : 'it is left out of the sync'}.`);
  }
  if (gone.length > 20) log.warn(`${gone.length - 20} more files of these playlists are missing or unreadable; they are left out too.`);

  // With ReplayGain asked for, copies already there that lack its tags are part of the plan too.
  const gainAvailability = session.replayGain ? await replayGainAvailability() : null;
  if (gainAvailability?.available) {
    for (const job of jobs.values()) {
      if (job.action !== 'unchanged' || job.adopted) continue;
      try {
        job.tags = readReplayGain(job.dest);
      } catch {
        job.tags = null;
      }
    }
  }
  const needsTags = (job: FileJob) => gainAvailability?.available === true && job.action === 'unchanged' && !job.adopted && !hasAllGains(job.tags);

  // The plans, in playlist order.
  let notFound = 0;
  let entryCount = 0;
  for (const p of playlists) {
    const seen = new Set<string>();
    p.wanted.add(foldItem(p.fileName));
    for (const e of p.detail.entries) {
      entryCount += 1;
      const t = e.track;
      const title = t?.title ?? e.extinf.title;
      const artist = t?.artist ?? e.extinf.artist;
      const job = t ? jobs.get(t.id) : undefined;
      if (job) {
        job.rows.add(p.row.id);
        job.entries += 1;
        const k = foldItem(job.item);
        p.wanted.add(k);
        if (seen.has(k)) continue;
        seen.add(k);
        if (needsTags(job)) p.items.push({ action: 'update', trackId: job.trackId, item: job.item, title, artist, reason: 'ReplayGain tags to write', score: null });
        else p.items.push({ action: job.action, trackId: job.trackId, item: job.item, title, artist, reason: job.reason, score: null });
        continue;
      }
      notFound += 1;
      const keep = t ? kept.get(t.id) : undefined;
      if (keep) {
        const k = foldItem(keep.item);
        p.wanted.add(k);
        if (seen.has(k)) continue;
        seen.add(k);
        p.items.push({ action: 'unchanged', trackId: t!.id, item: keep.item, title, artist, reason: 'source missing: the earlier copy stays', score: null });
        continue;
      }
      const reason = t ? (unreadable.get(t.id) ?? 'missing file') : 'missing file';
      p.items.push({ action: 'unmatched', trackId: e.trackId, item: null, title, artist, reason, score: null });
    }
    // A new order, or a track gone from it, shows only here: no file is copied or removed for it.
    const before = currentPlaylistText(session, p);
    if (before !== playlistText(session, p, jobs, kept, true)) {
      const reason = before === null ? 'new playlist file' : 'the playlist file changes (order or entries)';
      p.items.push({ action: 'update', trackId: null, item: p.fileName, title: null, artist: null, reason, score: null });
    }
  }

  // Removals: what Sleeve copied for a playlist that it no longer has. The
  // file goes only when no other playlist synced here still wants it.
  const wantedElsewhere = new Set<string>();
  for (const p of playlists) for (const k of p.wanted) wantedElsewhere.add(k);
  for (const row of rowsOnFolder) {
    if (sessionRows.has(row.id)) continue;
    for (const r of recordedByRow.get(row.id) ?? []) wantedElsewhere.add(foldItem(r.item));
  }
  const trackInfo = db.prepare('SELECT title, artist FROM tracks WHERE id = ?');
  const removals: Array<{ row: number; item: string; delete: boolean }> = [];
  for (const p of playlists) {
    for (const r of recordedByRow.get(p.row.id) ?? []) {
      const k = foldItem(r.item);
      if (p.wanted.has(k)) continue;
      const stays = wantedElsewhere.has(k);
      removals.push({ row: p.row.id, item: r.item, delete: !stays });
      const isPlaylistFile = !r.item.includes('/');
      if (isPlaylistFile) continue;
      const info = r.trackId === null ? undefined : (trackInfo.get(r.trackId) as { title: string | null; artist: string | null } | undefined);
      p.items.push({
        action: 'remove',
        trackId: r.trackId,
        item: r.item,
        title: info?.title ?? null,
        artist: info?.artist ?? null,
        reason: stays ? 'no longer in the playlist; another playlist in the folder still has it, so the file stays' : 'no longer in the playlist',
        score: null,
      });
    }
  }

  const plans: SyncPlan[] = playlists.map((p) => ({
    playlistId: p.detail.id,
    playlistName: p.detail.name,
    target: key,
    remoteId: null,
    items: p.items,
    counts: countPlan(p.items),
  }));
  for (const p of playlists) saveSyncPlan(db, p.row.id, p.items);

  const adds = [...jobs.values()].filter((j) => j.action === 'add');
  const unchanged = [...jobs.values()].filter((j) => j.action === 'unchanged');
  progress.add('tracks', entryCount);
  progress.add('notFound', notFound);
  progress.add('unchanged', unchanged.length);
  if (session.dryRun || signal.aborted) {
    progress.add('playlists', playlists.length);
    return plans;
  }

  // From here on the folder changes.
  progress.setMessage(`Checking ${folder}…`);
  await prepareFolder(folder);

  // Temp files left by a session that was killed mid-copy.
  listing.list('');
  for (const dir of listing.listed()) {
    for (const name of listing.list(dir)?.values() ?? []) {
      if (TEMP_NAME.test(name)) fs.rmSync(path.join(listing.abs(dir), name), { force: true });
    }
  }

  // Copies already there that a playlist of this session now shares.
  for (const j of unchanged) {
    if (j.adopted) continue;
    const have = new Set((recordedByItem.get(foldItem(j.item)) ?? []).filter((r) => r.sourceSize === j.size && r.sourceMtimeMs === j.mtimeMs).map((r) => r.rowId));
    for (const row of j.rows) if (!have.has(row)) recordSyncedItems(db, row, [{ item: j.item, trackId: j.trackId, sourceSize: j.size, sourceMtimeMs: j.mtimeMs }]);
  }
  for (const [trackId, k] of kept) {
    for (const p of playlists) {
      if (!p.wanted.has(foldItem(k.item))) continue;
      if ((recordedByRow.get(p.row.id) ?? []).some((r) => foldItem(r.item) === foldItem(k.item))) continue;
      recordSyncedItems(db, p.row.id, [{ item: k.item, trackId, sourceSize: k.record.sourceSize, sourceMtimeMs: k.record.sourceMtimeMs }]);
    }
  }

  await removeFiles(session, listing, removals);

  // Every folder the copies need, made once.
  const dirs = new Set<string>();
  for (const j of adds) dirs.add(path.dirname(j.dest));
  const failedDirs = new Set<string>();
  for (const dir of [...dirs].sort()) {
    try {
      await fs.promises.mkdir(dir, { recursive: true });
    } catch (err) {
      if (FATAL_WRITE.has(codeOf(err) ?? '')) throw new FolderSyncError(describeWriteError(folder, err));
      log.warn(`Cannot make the folder ${dir} (${(err as Error).message}); its files are left out.`);
      failedDirs.add(dir);
    }
  }

  // The file queue: copies, then loudness, all within the same worker limit.
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  let fatal: Error | null = null;
  const fail = (err: Error) => {
    fatal ??= err;
    stop.abort();
  };
  const limit = pLimit(workers);
  const gain = gainAvailability ? replayGainPlan(session, gainAvailability, jobs, stop.signal) : null;
  progress.setTotal(adds.length + (gain?.writes ?? 0));
  if (adds.length > 0) progress.setMessage(`Copying ${plural(adds.length, 'file')} to ${folder}…`);

  const copyOne = async (job: FileJob): Promise<void> => {
    if (stop.signal.aborted) return;
    if (failedDirs.has(path.dirname(job.dest))) {
      job.state = 'failed';
      progress.advance();
      return;
    }
    const temp = tempNameFor(job.dest);
    try {
      await pipeline(fs.createReadStream(job.source), fs.createWriteStream(temp, { flags: 'wx' }), { signal: stop.signal });
      // The source's time, as a copy made by hand keeps it (MTP mounts may refuse: no matter).
      await fs.promises.utimes(temp, job.atime, job.mtime).catch(() => {});
      await fs.promises.rename(temp, job.dest);
    } catch (err) {
      await fs.promises.rm(temp, { force: true }).catch(() => {});
      if (isAbort(err) || stop.signal.aborted) return;
      const fromSource = (err as ErrnoError).path === job.source;
      if (!fromSource && FATAL_WRITE.has(codeOf(err) ?? '')) {
        fail(new FolderSyncError(describeWriteError(folder, err)));
        return;
      }
      job.state = 'failed';
      progress.advance();
      if (fromSource && (codeOf(err) === 'ENOENT' || codeOf(err) === 'ENOTDIR')) {
        log.warn(`${job.source} is gone from the library folder; it is left out of the sync.`);
        progress.add('notFound', job.entries);
      } else if (fromSource) {
        log.warn(`Cannot read ${job.source} (${(err as Error).message}); it is left out of the sync.`);
        progress.add('failed');
      } else {
        log.warn(`Cannot copy ${job.source} to ${job.dest} (${(err as Error).message}); it is left out of the sync.`);
        progress.add('failed');
      }
      return;
    }
    job.state = 'done';
    // Recorded at once: a session stopped after this never copies the file again.
    for (const row of job.rows) recordSyncedItems(db, row, [{ item: job.item, trackId: job.trackId, sourceSize: job.size, sourceMtimeMs: job.mtimeMs }]);
    progress.add('copied');
    progress.advance();
  };

  const tasks = [...jobs.values()].map(async (job) => {
    try {
      if (job.action === 'add') await limit(() => copyOne(job));
      if (gain) await gain.fileDone(job, limit);
    } catch (err) {
      // Not a file's own trouble (those are logged and skipped): stop, and say so once all have settled.
      fail(err as Error);
    }
  });
  await Promise.all(tasks);
  signal.removeEventListener('abort', onAbort);

  // The playlist files, once, with the files that are there now.
  progress.setMessage('Writing the playlist files…');
  let playlistError: Error | null = null;
  for (const p of playlists) {
    try {
      writePlaylistFile(session, p, jobs, kept);
      recordSyncedItems(db, p.row.id, [{ item: p.fileName, trackId: null }]);
      progress.add('playlists');
    } catch (err) {
      playlistError ??= err as Error;
    }
  }
  if (fatal) throw fatal;
  if (playlistError) throw new FolderSyncError(describeWriteError(folder, playlistError));
  if (!signal.aborted) for (const p of playlists) markSynced(db, p.row.id);
  return plans;
}

async function removeFiles(session: FolderSyncSession, listing: FolderListing, removals: Array<{ row: number; item: string; delete: boolean }>): Promise<void> {
  const { db, folder, log, progress } = session;
  const emptied = new Set<string>();
  const deleted = new Set<string>();
  if (removals.some((r) => r.delete)) progress.setMessage(`Removing files from ${folder}…`);
  for (const r of removals) {
    const k = foldItem(r.item);
    if (r.delete && !deleted.has(k)) {
      const file = listing.abs(r.item);
      try {
        const stat = await fs.promises.lstat(file);
        if (stat.isFile()) {
          await fs.promises.rm(file);
          progress.add('removed');
        }
      } catch (err) {
        if (codeOf(err) !== 'ENOENT') {
          if (FATAL_WRITE.has(codeOf(err) ?? '')) throw new FolderSyncError(describeWriteError(folder, err));
          log.warn(`Cannot remove ${file} (${(err as Error).message}); it stays.`);
          continue;
        }
      }
      deleted.add(k);
      for (let dir = path.posix.dirname(r.item); dir !== '.' && dir !== ''; dir = path.posix.dirname(dir)) emptied.add(dir);
    }
    forgetSyncedItems(db, r.row, [r.item]);
  }
  // Folders Sleeve made that the removals left empty, deepest first; never the target itself.
  for (const dir of [...emptied].sort((a, b) => b.split('/').length - a.split('/').length)) {
    try {
      await fs.promises.rmdir(listing.abs(dir));
    } catch {
      // Not empty (a cover someone put there, a file Sleeve did not copy): it stays.
    }
  }
}

/**
 * The playlist file's text. Planned: as it will be if every copy succeeds;
 * otherwise with the files that are in the folder now.
 */
function playlistText(session: FolderSyncSession, p: SessionPlaylist, jobs: Map<number, FileJob>, kept: Map<number, KeptCopy>, planned: boolean): string {
  const entries: M3uWriteEntry[] = [];
  for (const e of p.detail.entries) {
    const t = e.track;
    if (!t) continue;
    const job = jobs.get(t.id);
    let item: string | null = null;
    if (job && (planned || job.state === 'done' || (job.state === 'pending' && job.existed))) item = job.item;
    else if (!job) item = kept.get(t.id)?.item ?? null;
    if (item === null) continue;
    const stem = path.basename(t.path, path.extname(t.path));
    entries.push({
      // A line starting with '#' would be read back as a comment.
      location: item.startsWith('#') ? `./${item}` : item,
      artist: t.artist ?? e.extinf.artist,
      title: t.title ?? e.extinf.title ?? stem,
      durationSeconds: t.durationMs !== null ? t.durationMs / 1000 : e.extinf.durationSeconds,
    });
  }
  return formatM3u8(entries, path.join(session.folder, p.fileName), 'posix');
}

/** The playlist file as it is in the folder, or null. */
function currentPlaylistText(session: FolderSyncSession, p: SessionPlaylist): string | null {
  try {
    return fs.readFileSync(path.join(session.folder, p.fileName), 'utf8');
  } catch {
    return null;
  }
}

function writePlaylistFile(session: FolderSyncSession, p: SessionPlaylist, jobs: Map<number, FileJob>, kept: Map<number, KeptCopy>): void {
  const target = path.join(session.folder, p.fileName);
  const text = playlistText(session, p, jobs, kept, false);
  if (currentPlaylistText(session, p) === text) return;
  const temp = tempNameFor(target);
  try {
    fs.writeFileSync(temp, text, { encoding: 'utf8', flag: 'wx' });
    fs.renameSync(temp, target);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw err;
  }
}

interface AlbumGroup {
  members: FileJob[];
  remaining: number;
  measured: Map<FileJob, Loudness>;
  needsWork: boolean;
}

interface GainPlan {
  /** Copies that will get tags written (the progress total). */
  writes: number;
  /** Called once per file of the session, after its copy (if any). */
  fileDone(job: FileJob, limit: ReturnType<typeof pLimit>): Promise<void>;
}

const hasAllGains = (tags: FileJob['tags']) =>
  tags !== null && tags.trackGain !== null && tags.trackPeak !== null && tags.albumGain !== null && tags.albumPeak !== null;

const same = (a: number | null, b: number | null, digits: number) => a !== null && b !== null && a.toFixed(digits) === b.toFixed(digits);

/**
 * ReplayGain 2.0 for the session's copies: each file's track gain measured as
 * its copy is done, the album gain once when the album's last file is, then
 * the tags written to every copy of that album. An album whose copies all
 * carry their gains already is left alone. The sources are measured: they
 * hold the same bytes and are read far faster than a phone.
 */
function replayGainPlan(session: FolderSyncSession, available: ReplayGainAvailability, jobs: Map<number, FileJob>, stop: AbortSignal): GainPlan | null {
  const { log, progress } = session;
  if (!available.available) {
    log.warn(`Loudness is not normalised: ${available.reason}.`);
    return null;
  }
  const groups = new Map<string, AlbumGroup>();
  for (const job of jobs.values()) {
    // Files Sleeve did not copy are the user's: never tagged.
    if (job.adopted) continue;
    const g: AlbumGroup = groups.get(job.albumKey) ?? { members: [], remaining: 0, measured: new Map(), needsWork: false };
    g.members.push(job);
    g.remaining += 1;
    if (job.action === 'add' || !hasAllGains(job.tags)) g.needsWork = true;
    groups.set(job.albumKey, g);
  }
  let writes = 0;
  for (const g of groups.values()) if (g.needsWork) writes += g.members.length;

  const finishAlbum = async (g: AlbumGroup, limit: ReturnType<typeof pLimit>) => {
    const done = g.members.filter((m) => g.measured.has(m));
    if (done.length === 0 || stop.aborted) return;
    let album: Loudness;
    try {
      album = done.length === 1 ? g.measured.get(done[0]!)! : await limit(() => measureLoudness(done.map((m) => m.source), stop));
    } catch (err) {
      if (!stop.aborted) log.warn(`Cannot measure the album loudness of ${path.dirname(done[0]!.dest)}: ${(err as Error).message}`);
      progress.advance(g.members.length);
      return;
    }
    const albumGain = gainOf(album);
    const albumPeak = Math.max(...done.map((m) => g.measured.get(m)!.peak));
    progress.setMessage('Writing ReplayGain tags…');
    await Promise.all(
      g.members.map((m) =>
        limit(async () => {
          if (stop.aborted) return;
          const loud = g.measured.get(m);
          if (!loud) {
            progress.advance();
            return;
          }
          const values: ReplayGainValues = { trackGain: m.tags?.trackGain ?? gainOf(loud), trackPeak: m.tags?.trackPeak ?? loud.peak, albumGain, albumPeak };
          const t = m.tags;
          const upToDate =
            t !== null && same(t.trackGain, values.trackGain, 2) && same(t.trackPeak, values.trackPeak, 6) && same(t.albumGain, albumGain, 2) && same(t.albumPeak, albumPeak, 6);
          if (!upToDate) {
            try {
              await writeReplayGain(m.dest, values, { mtime: m.mtime, signal: stop });
              progress.add('gained');
            } catch (err) {
              if (!stop.aborted) log.warn(`Cannot write ReplayGain tags to ${m.dest}: ${(err as Error).message}`);
            }
          }
          progress.advance();
        }),
      ),
    );
  };

  return {
    writes,
    async fileDone(job, limit) {
      const g = groups.get(job.albumKey);
      if (job.adopted || !g?.needsWork) return;
      if (job.state === 'done' && !stop.aborted) {
        const t = job.tags;
        if (t && t.trackGain !== null && t.trackPeak !== null) {
          // Its own gain is known; only the album's may have changed.
          g.measured.set(job, { integrated: -18 - t.trackGain, peak: t.trackPeak });
        } else {
          if (job.action === 'add') progress.setMessage('Measuring loudness…');
          try {
            g.measured.set(job, await limit(() => measureLoudness([job.source], stop)));
          } catch (err) {
            if (!stop.aborted) log.warn(`Cannot measure the loudness of ${job.source}: ${(err as Error).message}`);
          }
        }
      }
      g.remaining -= 1;
      if (g.remaining === 0) await finishAlbum(g, limit);
    },
  };
}
