import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openLibrary, type Library } from '../db/library';
import { ProgressTracker } from '../jobs/progress';
import { parseM3u } from '../playlists/m3u';
import { SYNC_COUNTERS, targetKey, type SyncPlan } from '../../shared/sync';
import { FolderSyncError, syncToFolder } from './folder';
import { rememberRoots } from '../scan/store';
import { TEMP_NAME } from '../tags/atomic';
import { findSyncTarget, loadSyncPlan, syncedItems } from './targets';

let root: string;
let music: string;
let dest: string;
let db: Library;

const created: string[] = [];
afterAll(() => {
  for (const dir of created) fs.rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-folder-sync-'));
  created.push(root);
  music = path.join(root, 'Music');
  dest = path.join(root, 'Phone', 'Music');
  fs.mkdirSync(path.join(root, 'Phone'));
  db = openLibrary(path.join(root, 'library.sqlite'));
});
afterEach(() => {
  vi.restoreAllMocks();
  db.close();
});

interface Tags {
  title: string;
  artist?: string;
  album?: string;
  albumArtist?: string;
  track?: number;
  disc?: number;
  bytes?: number;
}

/** A file in the library: the copy tests need bytes, not audio. */
function addTrack(relative: string, tags: Tags): number {
  const file = path.join(music, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, Buffer.alloc(tags.bytes ?? 2048, `${relative}:`));
  const past = new Date(Date.UTC(2020, 0, 2, 3, 4, 5));
  fs.utimesSync(file, past, past);
  const stat = fs.statSync(file);
  const now = Date.now();
  return Number(
    db
      .prepare(
        `INSERT INTO tracks (path, folder, size, mtime_ms, status, format, title, artist, album, album_artist, track_no, disc_no, duration_ms, first_seen, last_seen)
         VALUES (?, ?, ?, ?, 'ok', ?, ?, ?, ?, ?, ?, ?, 180000, ?, ?)`,
      )
      .run(
        file,
        path.dirname(file),
        stat.size,
        Math.round(stat.mtimeMs),
        path.extname(file).slice(1),
        tags.title,
        tags.artist ?? 'Ann',
        tags.album ?? 'First',
        tags.albumArtist ?? null,
        tags.track ?? null,
        tags.disc ?? null,
        now,
        now,
      ).lastInsertRowid,
  );
}

function makePlaylist(name: string, trackIds: Array<number | null>): number {
  const now = Date.now();
  const id = Number(db.prepare('INSERT INTO playlists (name, created_at, updated_at) VALUES (?, ?, ?)').run(name, now, now).lastInsertRowid);
  setEntries(id, trackIds);
  return id;
}

function setEntries(playlistId: number, trackIds: Array<number | null>): void {
  db.prepare('DELETE FROM playlist_entries WHERE playlist_id = ?').run(playlistId);
  const insert = db.prepare(
    `INSERT INTO playlist_entries (playlist_id, position, track_id, location, extinf_artist, extinf_title, resolution) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  trackIds.forEach((t, i) => {
    if (t === null) insert.run(playlistId, i, null, '/gone/Lost Song.mp3', 'Nobody', 'Lost Song', 'missing');
    else insert.run(playlistId, i, t, (db.prepare('SELECT path FROM tracks WHERE id = ?').get(t) as { path: string }).path, null, null, 'path');
  });
}

interface RunOptions {
  dryRun?: boolean;
  workers?: number;
  signal?: AbortSignal;
  folder?: string;
  onProgress?: (progress: ProgressTracker) => void;
}

async function sync(playlistIds: number[], options: RunOptions = {}) {
  const warnings: string[] = [];
  let progress: ProgressTracker;
  // eslint-disable-next-line prefer-const
  progress = new ProgressTracker(Date.now, () => options.onProgress?.(progress));
  // As the sync job starts every run.
  progress.set(Object.fromEntries(SYNC_COUNTERS.map((c) => [c, 0])));
  const plans = await syncToFolder({
    db,
    playlistIds,
    folder: options.folder ?? dest,
    dryRun: options.dryRun ?? false,
    workers: options.workers ?? 3,
    replayGain: false,
    signal: options.signal ?? new AbortController().signal,
    progress,
    log: { info() {}, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) },
  });
  return { plans, counters: progress.snapshot().counters, warnings };
}

/** Every file under dir, relative with '/'. */
function filesIn(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((d) => d.isFile())
    .map((d) => path.relative(dir, path.join(d.parentPath, d.name)).split(path.sep).join('/'))
    .sort();
}

const playlistLines = (name: string) =>
  fs
    .readFileSync(path.join(dest, name), 'utf8')
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'));

const planOf = (plans: SyncPlan[], id: number) => plans.find((p) => p.playlistId === id)!;

function library() {
  const a = addTrack('Ann/First/01.flac', { title: 'Alpha', track: 1 });
  const b = addTrack('Ann/First/02.mp3', { title: 'Beta', track: 2 });
  const shared = addTrack('Bob/Second/01.ogg', { title: 'Shared: Song?', artist: 'Bob', album: 'Second', track: 1 });
  const c = addTrack('Cy/Third/1-05.m4a', { title: 'Gamma', artist: 'Cy feat. Di', albumArtist: 'Cy', album: 'Third', track: 5, disc: 1 });
  db.prepare('UPDATE tracks SET disc_total = 2 WHERE id = ?').run(c);
  const roadTrip = makePlaylist('Road Trip', [b, shared, a]);
  const gym = makePlaylist('Gym/Run', [shared, c, null]);
  return { a, b, shared, c, roadTrip, gym };
}

describe('syncToFolder', () => {
  it('copies a two-playlist library once, with playlists in order and relative paths', async () => {
    const { a, shared, roadTrip, gym } = library();
    const run = await sync([roadTrip, gym]);

    expect(filesIn(dest)).toEqual([
      'Ann/First/01 Alpha.flac',
      'Ann/First/02 Beta.mp3',
      'Bob/Second/01 Shared_ Song_.ogg',
      'Cy/Third/1-05 Gamma.m4a',
      'Gym_Run.m3u8',
      'Road Trip.m3u8',
    ]);
    expect(run.counters).toMatchObject({ tracks: 6, copied: 4, unchanged: 0, notFound: 1, removed: 0, playlists: 2 });
    expect(playlistLines('Road Trip.m3u8')).toEqual(['Ann/First/02 Beta.mp3', 'Bob/Second/01 Shared_ Song_.ogg', 'Ann/First/01 Alpha.flac']);
    // The entry with no local file is left out.
    expect(playlistLines('Gym_Run.m3u8')).toEqual(['Bob/Second/01 Shared_ Song_.ogg', 'Cy/Third/1-05 Gamma.m4a']);
    const parsed = parseM3u(fs.readFileSync(path.join(dest, 'Road Trip.m3u8')), { baseDir: dest, style: 'posix' });
    expect(parsed.entries[0]).toMatchObject({ kind: 'relative', artist: 'Ann', title: 'Beta', durationSeconds: 180 });
    expect(parsed.entries.map((e) => fs.existsSync(e.path!))).toEqual([true, true, true]);

    // Copies are whole and keep the source's time.
    const source = path.join(music, 'Ann/First/01.flac');
    const copy = path.join(dest, 'Ann/First/01 Alpha.flac');
    expect(fs.readFileSync(copy)).toEqual(fs.readFileSync(source));
    expect(Math.abs(fs.statSync(copy).mtimeMs - fs.statSync(source).mtimeMs)).toBeLessThan(1000);

    // The shared file is recorded for both playlists, the plans say what happened.
    const key = targetKey({ kind: 'folder', path: dest });
    const items = (id: number) => [...syncedItems(db, findSyncTarget(db, id, key)!.id).keys()].sort();
    expect(items(roadTrip)).toContain('Bob/Second/01 Shared_ Song_.ogg');
    expect(items(gym)).toContain('Bob/Second/01 Shared_ Song_.ogg');
    expect(planOf(run.plans, roadTrip).counts).toMatchObject({ add: 3, unchanged: 0, unmatched: 0 });
    expect(planOf(run.plans, gym).items.map((i) => [i.action, i.item, i.reason])).toEqual([
      ['add', 'Bob/Second/01 Shared_ Song_.ogg', 'new'],
      ['add', 'Cy/Third/1-05 Gamma.m4a', 'new'],
      ['unmatched', null, 'missing file'],
      ['update', 'Gym_Run.m3u8', 'new playlist file'],
    ]);
    expect(loadSyncPlan(db, gym, key)?.counts.unmatched).toBe(1);
    expect(planOf(run.plans, roadTrip).items.find((i) => i.trackId === a)?.item).toBe('Ann/First/01 Alpha.flac');
    expect(shared).toBeGreaterThan(0);
  });

  it('copies nothing on a second run, and counts the copies unchanged', async () => {
    const { roadTrip, gym } = library();
    await sync([roadTrip, gym]);
    const m3u = path.join(dest, 'Road Trip.m3u8');
    const before = fs.statSync(m3u).mtimeMs;
    const again = await sync([roadTrip, gym], { workers: 1 });
    expect(again.counters).toMatchObject({ copied: 0, unchanged: 4, removed: 0, notFound: 1 });
    expect(planOf(again.plans, roadTrip).counts).toMatchObject({ add: 0, remove: 0, update: 0, unchanged: 3 });
    expect(fs.statSync(m3u).mtimeMs).toBe(before);
  });

  it('copies again a file whose source changed, or whose copy is gone', async () => {
    const { a, b, roadTrip } = library();
    await sync([roadTrip]);
    fs.appendFileSync(path.join(music, 'Ann/First/01.flac'), 'more');
    fs.rmSync(path.join(dest, 'Ann/First/02 Beta.mp3'));
    const again = await sync([roadTrip]);
    expect(again.counters).toMatchObject({ copied: 2, unchanged: 1 });
    const reasons = new Map(planOf(again.plans, roadTrip).items.map((i) => [i.trackId, i.reason]));
    expect(reasons.get(a)).toBe('source changed');
    expect(reasons.get(b)).toBe('copy missing');
    expect(fs.readFileSync(path.join(dest, 'Ann/First/01 Alpha.flac'))).toEqual(fs.readFileSync(path.join(music, 'Ann/First/01.flac')));
  });

  it('removes a copy only when no playlist in the folder wants it, and never a file it did not copy', async () => {
    const { a, b, shared, c, roadTrip, gym } = library();
    await sync([roadTrip, gym]);
    fs.writeFileSync(path.join(dest, 'notes.txt'), 'mine');
    fs.writeFileSync(path.join(dest, 'Bob/Second/cover.jpg'), 'mine too');

    // The shared track leaves one playlist: the other still has it, so it stays.
    setEntries(roadTrip, [b, a]);
    const first = await sync([roadTrip]);
    expect(first.counters.removed).toBe(0);
    expect(fs.existsSync(path.join(dest, 'Bob/Second/01 Shared_ Song_.ogg'))).toBe(true);
    const removal = planOf(first.plans, roadTrip).items.find((i) => i.action === 'remove')!;
    expect(removal).toMatchObject({ trackId: shared, item: 'Bob/Second/01 Shared_ Song_.ogg' });
    expect(removal.reason).toMatch(/another playlist/);
    expect(playlistLines('Road Trip.m3u8')).toEqual(['Ann/First/02 Beta.mp3', 'Ann/First/01 Alpha.flac']);

    // Gone from both: deleted, but the folder holds someone's cover, so it stays.
    setEntries(gym, [c]);
    const second = await sync([gym]);
    expect(second.counters.removed).toBe(1);
    expect(fs.existsSync(path.join(dest, 'Bob/Second/01 Shared_ Song_.ogg'))).toBe(false);
    expect(fs.existsSync(path.join(dest, 'Bob/Second/cover.jpg'))).toBe(true);

    // A track whose folders Sleeve made, removed: its folders go too.
    setEntries(gym, []);
    const third = await sync([gym]);
    expect(third.counters.removed).toBe(1);
    expect(fs.existsSync(path.join(dest, 'Cy'))).toBe(false);
    expect(filesIn(dest)).toEqual(['Ann/First/01 Alpha.flac', 'Ann/First/02 Beta.mp3', 'Bob/Second/cover.jpg', 'Gym_Run.m3u8', 'Road Trip.m3u8', 'notes.txt']);
    expect(playlistLines('Gym_Run.m3u8')).toEqual([]);
  });

  it('never overwrites a file it did not copy, and takes over one that is the very same file', async () => {
    const a = addTrack('Ann/First/01.flac', { title: 'Alpha', track: 1 });
    const b = addTrack('Ann/First/02.flac', { title: 'Beta', track: 2 });
    const list = makePlaylist('List', [a, b]);
    fs.mkdirSync(path.join(dest, 'Ann/First'), { recursive: true });
    fs.writeFileSync(path.join(dest, 'Ann/First/01 Alpha.flac'), 'a different file');
    fs.copyFileSync(path.join(music, 'Ann/First/02.flac'), path.join(dest, 'Ann/First/02 Beta.flac'));
    const source = fs.statSync(path.join(music, 'Ann/First/02.flac'));
    fs.utimesSync(path.join(dest, 'Ann/First/02 Beta.flac'), source.atime, source.mtime);

    const run = await sync([list]);
    expect(fs.readFileSync(path.join(dest, 'Ann/First/01 Alpha.flac'), 'utf8')).toBe('a different file');
    expect(playlistLines('List.m3u8')).toEqual(['Ann/First/01 Alpha (2).flac', 'Ann/First/02 Beta.flac']);
    expect(run.counters).toMatchObject({ copied: 1, unchanged: 1 });
  });

  it('gives two tracks with the same path distinct names, and one track in two playlists one file', async () => {
    const one = addTrack('x/1.mp3', { title: 'Intro', artist: 'Same', album: 'Same', track: 1 });
    const two = addTrack('y/1.mp3', { title: 'intro', artist: 'Same', album: 'Same', track: 1 });
    const p1 = makePlaylist('P1', [one, two]);
    const p2 = makePlaylist('P2', [two, one, two]);
    const run = await sync([p1, p2]);
    expect(filesIn(dest)).toEqual(['P1.m3u8', 'P2.m3u8', 'Same/Same/01 Intro.mp3', 'Same/Same/01 intro (2).mp3']);
    expect(run.counters.copied).toBe(2);
    expect(playlistLines('P2.m3u8')).toEqual(['Same/Same/01 intro (2).mp3', 'Same/Same/01 Intro.mp3', 'Same/Same/01 intro (2).mp3']);
  });

  it('writes nothing in a dry run, not even the folder, and keeps the plan', async () => {
    const { roadTrip, gym } = library();
    const run = await sync([roadTrip, gym], { dryRun: true });
    expect(fs.existsSync(dest)).toBe(false);
    expect(run.counters).toMatchObject({ copied: 0, notFound: 1, tracks: 6 });
    expect(planOf(run.plans, roadTrip).counts.add).toBe(3);
    expect(loadSyncPlan(db, roadTrip, targetKey({ kind: 'folder', path: dest }))?.items.map((i) => i.item)).toEqual([
      'Ann/First/02 Beta.mp3',
      'Bob/Second/01 Shared_ Song_.ogg',
      'Ann/First/01 Alpha.flac',
      'Road Trip.m3u8',
    ]);
  });

  it('stops taking files on cancel, leaves no temp file, and a rerun copies only the rest', async () => {
    const ids = Array.from({ length: 12 }, (_, i) => addTrack(`Band/Album/${i}.flac`, { title: `Song ${i}`, artist: 'Band', album: 'Album', track: i + 1, bytes: 256 * 1024 }));
    const list = makePlaylist('Long', ids);
    const controller = new AbortController();
    const first = await sync([list], {
      workers: 2,
      signal: controller.signal,
      onProgress: (p) => {
        if ((p.snapshot().counters.copied ?? 0) >= 3) controller.abort();
      },
    });
    const copiedFirst = first.counters.copied!;
    expect(copiedFirst).toBeGreaterThanOrEqual(3);
    expect(copiedFirst).toBeLessThan(12);
    const afterCancel = filesIn(dest);
    expect(afterCancel.filter((f) => TEMP_NAME.test(path.posix.basename(f)))).toEqual([]);
    // Whatever is there is whole, and listed.
    for (const f of afterCancel.filter((x) => x.endsWith('.flac'))) expect(fs.statSync(path.join(dest, f)).size).toBe(256 * 1024);
    expect(playlistLines('Long.m3u8')).toHaveLength(copiedFirst);

    const second = await sync([list]);
    expect(second.counters).toMatchObject({ copied: 12 - copiedFirst, unchanged: copiedFirst });
    expect(playlistLines('Long.m3u8')).toHaveLength(12);
    expect(filesIn(dest).filter((f) => f.endsWith('.flac'))).toHaveLength(12);
  });

  it('cleans up temp files a killed session left', async () => {
    const a = addTrack('Ann/First/01.flac', { title: 'Alpha', track: 1 });
    const list = makePlaylist('List', [a]);
    fs.mkdirSync(path.join(dest, 'Ann/First'), { recursive: true });
    fs.writeFileSync(path.join(dest, 'Ann/First/.sleeve-0123abcd-01 Alpha.flac'), 'half');
    fs.writeFileSync(path.join(dest, 'Ann/First/.hidden-by-someone'), 'keep');
    await sync([list]);
    expect(filesIn(dest)).toEqual(['Ann/First/.hidden-by-someone', 'Ann/First/01 Alpha.flac', 'List.m3u8']);
  });

  it('reports a source file that vanished and goes on with the rest', async () => {
    const ids = Array.from({ length: 4 }, (_, i) => addTrack(`Band/Album/${i}.flac`, { title: `Song ${i}`, artist: 'Band', album: 'Album', track: i + 1 }));
    const gone = path.join(music, 'Band/Album/0.flac');
    fs.rmSync(gone);
    const vanishing = path.join(music, 'Band/Album/3.flac');
    const list = makePlaylist('List', ids);
    // One file is gone before the sync, one goes while it runs.
    const run = await sync([list], {
      workers: 1,
      onProgress: (p) => {
        if (p.snapshot().counters.copied === 1) fs.rmSync(vanishing, { force: true });
      },
    });
    expect(run.counters).toMatchObject({ copied: 2, notFound: 2 });
    expect(run.warnings.some((w) => w.includes(gone))).toBe(true);
    expect(run.warnings.some((w) => w.includes(vanishing))).toBe(true);
    expect(playlistLines('List.m3u8')).toEqual(['Band/Album/02 Song 1.flac', 'Band/Album/03 Song 2.flac']);
    expect(planOf(run.plans, list).items[0]).toMatchObject({ action: 'unmatched', reason: 'missing file' });
  });

  it('keeps an earlier copy when the library file is missing (an unplugged library disk)', async () => {
    const { roadTrip } = library();
    await sync([roadTrip]);
    fs.rmSync(music, { recursive: true });
    const run = await sync([roadTrip]);
    expect(run.counters).toMatchObject({ copied: 0, removed: 0, notFound: 3 });
    expect(playlistLines('Road Trip.m3u8')).toHaveLength(3);
    expect(filesIn(dest)).toHaveLength(4);
  });

  it('says what to do when the folder cannot be used', async () => {
    const { roadTrip } = library();
    const unmounted = path.join(root, 'media', 'phone', 'Music');
    await expect(sync([roadTrip], { folder: unmounted })).rejects.toThrow(/does not exist\. Check that the device is mounted/);
    expect(fs.existsSync(path.join(root, 'media'))).toBe(false);
    const file = path.join(root, 'a-file');
    fs.writeFileSync(file, '');
    await expect(sync([roadTrip], { folder: file })).rejects.toThrow(FolderSyncError);
    // Only the last part missing: made.
    await sync([roadTrip]);
    expect(fs.existsSync(path.join(dest, 'Road Trip.m3u8'))).toBe(true);
  });

  it('stops with a clear message when the disk is full, leaving no temp file', async () => {
    const ids = Array.from({ length: 6 }, (_, i) => addTrack(`Band/Album/${i}.flac`, { title: `Song ${i}`, artist: 'Band', album: 'Album', track: i + 1 }));
    const list = makePlaylist('List', ids);
    const real = fs.createWriteStream;
    let writes = 0;
    vi.spyOn(fs, 'createWriteStream').mockImplementation(((file: fs.PathLike, options?: Parameters<typeof real>[1]) => {
      writes += 1;
      if (writes <= 2) return real(file, options);
      // The device fills up part way through this copy.
      fs.writeFileSync(file, 'partial');
      return new Writable({
        write(_chunk, _enc, done) {
          done(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', path: String(file) }));
        },
      });
    }) as typeof fs.createWriteStream);
    await expect(sync([list], { workers: 1 })).rejects.toThrow(/is full\. Free some space/);
    vi.restoreAllMocks();
    const files = filesIn(dest);
    expect(files.filter((f) => TEMP_NAME.test(path.posix.basename(f)))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.flac'))).toHaveLength(2);
    // Space again: the rest is copied.
    const again = await sync([list]);
    expect(again.counters).toMatchObject({ copied: 4, unchanged: 2 });
  });
});

describe('syncToFolder, around what is not Sleeve\'s', () => {
  it('refuses a folder that is, lies in or holds a library folder, even through a link, and writes nothing', async () => {
    const { roadTrip } = library();
    rememberRoots(db, [music]);
    const link = path.join(root, 'Phone', 'link-to-music');
    fs.symlinkSync(music, link);
    const before = filesIn(music);
    for (const folder of [music, path.join(music, 'Ann'), path.join(music, 'New', 'Phone'), link, root]) {
      await expect(sync([roadTrip], { folder }), folder).rejects.toThrow(FolderSyncError);
    }
    await expect(sync([roadTrip], { folder: path.join(music, 'Ann') })).rejects.toThrow(/inside the library folder .*Choose a folder outside the library/);
    await expect(sync([roadTrip], { folder: root })).rejects.toThrow(/holds the library folder/);
    expect(filesIn(music)).toEqual(before);
    // Beside the library is fine.
    await expect(sync([roadTrip], { folder: path.join(root, 'Music-copies') })).resolves.toBeTruthy();
  });

  it('lists a file already there but never records, removes or replaces it', async () => {
    const { a, b, roadTrip } = library();
    // The user copied Beta by hand, to the very place Sleeve would (same bytes, same time).
    const own = path.join(dest, 'Ann/First/02 Beta.mp3');
    fs.mkdirSync(path.dirname(own), { recursive: true });
    fs.copyFileSync(path.join(music, 'Ann/First/02.mp3'), own);
    const past = fs.statSync(path.join(music, 'Ann/First/02.mp3')).mtime;
    fs.utimesSync(own, past, past);

    const run = await sync([roadTrip]);
    expect(planOf(run.plans, roadTrip).items.find((i) => i.trackId === b)).toMatchObject({ action: 'unchanged', item: 'Ann/First/02 Beta.mp3', reason: expect.stringMatching(/not copied by Sleeve/) });
    expect(playlistLines('Road Trip.m3u8')).toContain('Ann/First/02 Beta.mp3');
    const key = targetKey({ kind: 'folder', path: dest });
    expect([...syncedItems(db, findSyncTarget(db, roadTrip, key)!.id).keys()]).not.toContain('Ann/First/02 Beta.mp3');

    // Beta leaves the playlist: Sleeve's own copies would go, the user's file stays.
    setEntries(roadTrip, [a]);
    const after = await sync([roadTrip]);
    expect(after.counters.removed).toBe(1);
    expect(fs.existsSync(own)).toBe(true);
    expect(filesIn(dest)).toEqual(['Ann/First/01 Alpha.flac', 'Ann/First/02 Beta.mp3', 'Road Trip.m3u8']);
  });

  it('plans a new order as an update to the playlist file alone, and applies it', async () => {
    const { a, b, shared, roadTrip } = library();
    await sync([roadTrip]);
    setEntries(roadTrip, [a, b, shared]);
    const dry = await sync([roadTrip], { dryRun: true });
    expect(planOf(dry.plans, roadTrip).counts).toMatchObject({ add: 0, remove: 0, update: 1, unchanged: 3 });
    expect(planOf(dry.plans, roadTrip).items.find((i) => i.action === 'update')).toMatchObject({ item: 'Road Trip.m3u8', reason: 'the playlist file changes (order or entries)' });
    expect(playlistLines('Road Trip.m3u8')[0]).toBe('Ann/First/02 Beta.mp3');

    const run = await sync([roadTrip]);
    expect(run.counters.copied).toBe(0);
    expect(playlistLines('Road Trip.m3u8')).toEqual(['Ann/First/01 Alpha.flac', 'Ann/First/02 Beta.mp3', 'Bob/Second/01 Shared_ Song_.ogg']);
    const again = await sync([roadTrip], { dryRun: true });
    expect(planOf(again.plans, roadTrip).counts.update).toBe(0);
  });

  it("keeps the user's own playlist file of the same name and writes its own beside it", async () => {
    const { roadTrip } = library();
    fs.mkdirSync(dest, { recursive: true });
    const own = path.join(dest, 'road trip.M3U8');
    fs.writeFileSync(own, '#EXTM3U\nmine/song.mp3\n');
    await sync([roadTrip]);
    expect(fs.readFileSync(own, 'utf8')).toBe('#EXTM3U\nmine/song.mp3\n');
    expect(playlistLines('Road Trip (2).m3u8')).toHaveLength(3);
    // Its own name is kept from then on, and the user's file is never touched.
    const again = await sync([roadTrip]);
    expect(planOf(again.plans, roadTrip).counts.update).toBe(0);
    expect(filesIn(dest).filter((f) => f.toLowerCase().endsWith('.m3u8'))).toEqual(['Road Trip (2).m3u8', 'road trip.M3U8']);
  });
});
