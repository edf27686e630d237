import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseFile } from 'music-metadata';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArtworkCache, artworkCacheDir } from '../artwork/cache';
import { ProgressTracker } from '../jobs/progress';
import { DEFAULT_WRITE_SETTINGS, type WriteRequest, type WriteSettings } from '../../shared/write-back';
import { audioDataDigest } from './audio-data';
import { NODE_FILE_OPS, type FileOps } from './atomic';
import { readFileTags, writeFileTags } from './fields';
import { WriteJournal } from './journal';
import { isOggPath, oggSequenceGaps } from './ogg-pages';
import { planWrite, previewWrite, WritePreviewer } from './plan';
import { makeWriteFixture, scanInto, type WriteFixture } from './testing';
import { settlePending, undoWrites, writePlanned, type WriteDeps } from './write';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

let fx: WriteFixture;
beforeEach(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-write-'));
  dirs.push(dir);
  fx = await makeWriteFixture(dir);
});
afterEach(() => {
  for (const t of fx.tracks) fs.chmodSync(t.path, 0o644);
  fx.db.close();
});

const ALL: WriteRequest = { scope: { kind: 'all' } };
const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
const fileHash = (file: string) => sha256(fs.readFileSync(file));

function depsFor(options: { settings?: Partial<WriteSettings>; ops?: FileOps; signal?: AbortSignal; jobId?: number } = {}) {
  const warnings: string[] = [];
  const progress = new ProgressTracker(Date.now, () => undefined);
  const deps: WriteDeps = {
    db: fx.db,
    journal: new WriteJournal(fx.db),
    cache: new ArtworkCache(artworkCacheDir(fx.libraryPath)),
    settings: { ...DEFAULT_WRITE_SETTINGS, ...options.settings },
    jobId: options.jobId ?? 1,
    signal: options.signal ?? new AbortController().signal,
    progress,
    log: { info: () => undefined, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) },
    ops: options.ops,
  };
  return { deps, warnings, counters: () => progress.snapshot().counters };
}

async function write(options: Parameters<typeof depsFor>[0] = {}, request: WriteRequest = ALL) {
  const run = depsFor(options);
  await writePlanned(planWrite(fx.db, { ...request, settings: run.deps.settings }), run.deps);
  return run;
}

describe('write-back', () => {
  it('previews each file with old and new values, from the library alone', () => {
    const preview = previewWrite(fx.db, ALL);
    expect(preview.changed).toBe(5);
    const first = preview.files[0]!;
    expect(first.changes).toContainEqual({ field: 'title', old: 'track 1', new: 'Track 1' });
    expect(first.changes).toContainEqual({ field: 'year', old: '2009', new: '1999' });
    expect(first.changes.find((c) => c.field === 'cover')).toMatchObject({ old: null, new: fx.coverHash });
    expect(preview.byField.originalYear).toBe(5);
    const fewer = previewWrite(fx.db, { scope: { kind: 'all' }, settings: { fields: ['year'] }, excludeTrackIds: [fx.tracks[0]!.id] });
    expect(fewer.changed).toBe(4);
    expect(fewer.files.every((f) => f.changes.every((c) => c.field === 'year'))).toBe(true);
    const pages = new WritePreviewer(fx.db);
    expect(pages.preview(ALL, 0, 2).files.map((f) => f.trackId)).toEqual(fx.tracks.slice(0, 2).map((t) => t.id));
    expect(pages.preview(ALL, 2, 2).files.map((f) => f.trackId)).toEqual(fx.tracks.slice(2, 4).map((t) => t.id));
    expect(pages.preview(ALL, 4, 2)).toMatchObject({ changed: 5, offset: 4, files: [expect.objectContaining({ trackId: fx.tracks[4]!.id })] });
  });

  it('writes every field where other tools read it, in each format, and leaves the audio bytes as they were', async () => {
    const audioBefore = new Map(await Promise.all(fx.tracks.map(async (t) => [t.id, await audioDataDigest(t.path)] as const)));
    const { counters, warnings } = await write();
    expect(warnings).toEqual([]);
    expect(counters()).toMatchObject({ files: 5, written: 5, skipped: 0, failed: 0 });
    expect(counters().bytes).toBeGreaterThan(0);
    for (const t of fx.tracks) {
      const want = fx.expected.get(t.id)!;
      const { common } = await parseFile(t.path);
      expect({ format: t.format, title: common.title, artist: common.artist, album: common.album, albumartist: common.albumartist }).toEqual({
        format: t.format,
        title: want.title,
        artist: want.artist,
        album: want.album,
        albumartist: want.albumArtist,
      });
      expect(common.year).toBe(1999);
      expect(common.originalyear ?? Number(common.originaldate?.slice(0, 4))).toBe(1977);
      expect(common.track.no).toBe(Number(want.track));
      expect(common.disk.no).toBe(1);
      expect(common.isrc).toEqual([want.isrc]);
      expect(common.genre?.flatMap((g) => g.split('; '))).toEqual(['Rock', 'Post-Punk']);
      expect(common.musicbrainz_recordingid).toBe(want.mbRecordingId);
      expect(common.musicbrainz_albumid).toBe('22222222-aaaa-4bbb-8ccc-000000000001');
      expect(common.musicbrainz_releasegroupid).toBe('33333333-aaaa-4bbb-8ccc-000000000001');
      expect(common.musicbrainz_artistid).toEqual(['44444444-aaaa-4bbb-8ccc-000000000001', '44444444-aaaa-4bbb-8ccc-000000000002']);
      expect(common.musicbrainz_trackid).toMatch(/^1111111/);
      expect(common.picture).toHaveLength(1);
      expect(sha256(common.picture![0]!.data)).toBe(fx.coverHash);
      expect(await audioDataDigest(t.path)).toEqual(audioBefore.get(t.id));
      // The cover grows the comment header by pages; players built on libogg need the pages after it renumbered.
      if (isOggPath(t.path)) expect(await oggSequenceGaps(t.path)).toBe(0);
    }
    // The library now shows what the files hold, and a preview finds nothing left to write but the cover (which it cannot see).
    const row = fx.db.prepare('SELECT title, tag_year, tag_original_year FROM tracks WHERE id = ?').get(fx.tracks[0]!.id);
    expect(row).toEqual({ title: 'Track 1', tag_year: 1999, tag_original_year: 1977 });
  });

  it('writes ID3v2.3 when asked, which old players read', async () => {
    const run = await write({ settings: { id3Version: 3 } });
    expect(run.warnings).toEqual([]);
    const mp3 = fx.tracks.find((t) => t.format === 'mp3')!;
    const meta = await parseFile(mp3.path);
    expect(Object.keys(meta.native)).toContain('ID3v2.3');
    expect(meta.common.year).toBe(1999);
    expect(meta.common.originalyear).toBe(1977);
    expect(readFileTags(mp3.path).id3Version).toBe(3);
  });

  it('a second write finds every file already holds the values and touches none', async () => {
    await write();
    const hashes = fx.tracks.map((t) => fileHash(t.path));
    const { counters } = await write();
    expect(counters()).toMatchObject({ written: 0, unchanged: 5, failed: 0 });
    expect(fx.tracks.map((t) => fileHash(t.path))).toEqual(hashes);
  });

  it('undo restores the exact old tags and pictures, per job, after the journal outlived the process', async () => {
    const before = new Map(fx.tracks.map((t) => [t.id, readFileTags(t.path)]));
    await write({ jobId: 7 });
    // A new journal object over the same database: what a restart sees.
    const journal = new WriteJournal(fx.db);
    expect(journal.history()).toEqual([expect.objectContaining({ jobId: 7, written: 5, undoable: 5, undone: 0 })]);
    const run = depsFor({ jobId: 8 });
    await undoWrites(journal.undoable({ kind: 'job', jobId: 7 }), run.deps);
    expect(run.warnings).toEqual([]);
    expect(run.counters()).toMatchObject({ restored: 5, failed: 0 });
    for (const t of fx.tracks) expect(readFileTags(t.path)).toEqual(before.get(t.id));
    for (const t of fx.tracks.filter((t) => isOggPath(t.path))) expect(await oggSequenceGaps(t.path)).toBe(0);
    expect(journal.undoable({ kind: 'job', jobId: 7 })).toEqual([]);
    const row = fx.db.prepare('SELECT title, tag_year FROM tracks WHERE id = ?').get(fx.tracks[0]!.id);
    expect(row).toEqual({ title: 'track 1', tag_year: 2009 });
  });

  it('adds no ID3v1 tag to an MP3 that had none, keeps one that was there in step, and undo puts it back', async () => {
    const endsWithV1 = (file: string) => {
      const bytes = fs.readFileSync(file);
      return bytes.subarray(bytes.length - 128, bytes.length - 125).toString('latin1') === 'TAG';
    };
    const mp3 = fx.tracks.find((t) => t.format === 'mp3')!;
    const plain = path.join(fx.music, 'plain.mp3');
    fs.copyFileSync(mp3.path, plain);
    const plainId = await scanInto(fx.db, plain);
    expect(endsWithV1(mp3.path)).toBe(false);
    // ID3v1 as old rippers left it: 'TAG', title, artist, album (30 bytes each), year, comment, track, genre.
    const field = (text: string, size: number) => Buffer.concat([Buffer.from(text, 'latin1'), Buffer.alloc(size - text.length)]);
    const v1 = Buffer.concat([Buffer.from('TAG'), field('track 1', 30), field('band', 30), field('album', 30), Buffer.from('2009'), field('', 28), Buffer.from([0, 1, 17])]);
    fs.appendFileSync(mp3.path, v1);
    await scanInto(fx.db, mp3.path);
    const old = readFileTags(mp3.path);
    expect(old.id3v1).toMatchObject({ title: 'track 1', year: '2009' });
    await write({ jobId: 5 }, { scope: { kind: 'tracks', trackIds: [mp3.id, plainId] } });
    expect(endsWithV1(plain)).toBe(false);
    const meta = await parseFile(mp3.path);
    expect(meta.native.ID3v1).toEqual(expect.arrayContaining([{ id: 'title', value: 'Track 1' }, { id: 'year', value: '1999' }]));
    const run = depsFor();
    await undoWrites(run.deps.journal.undoable({ kind: 'tracks', trackIds: [mp3.id] }), run.deps);
    expect(readFileTags(mp3.path)).toEqual(old);
  });

  it('undo by album and by file, and never over a change made since', async () => {
    const before = new Map(fx.tracks.map((t) => [t.id, readFileTags(t.path)]));
    await write();
    const [a, b] = fx.tracks;
    // Another program retitles one file after Sleeve wrote it.
    writeFileTags(a!.path, { values: { title: 'Edited elsewhere' } });
    const byFile = depsFor();
    await undoWrites(byFile.deps.journal.undoable({ kind: 'tracks', trackIds: [a!.id, b!.id] }), byFile.deps);
    expect(byFile.counters()).toMatchObject({ restored: 1, skipped: 1 });
    expect(byFile.warnings[0]).toMatch(/changed since Sleeve wrote it/);
    expect(readFileTags(a!.path).values.title).toBe('Edited elsewhere');
    expect(readFileTags(b!.path)).toEqual(before.get(b!.id));
    const byAlbum = depsFor();
    await undoWrites(byAlbum.deps.journal.undoable({ kind: 'album', albumId: fx.albumId }), byAlbum.deps);
    expect(byAlbum.counters()).toMatchObject({ restored: 3, skipped: 1 });
  });

  it('reports read-only, changed, locked and full-disk files one by one, loses none, and writes the rest', async () => {
    const [readOnly, changed, locked, full, fine] = fx.tracks;
    fs.chmodSync(readOnly!.path, 0o444);
    const later = new Date(Date.now() + 60_000);
    fs.utimesSync(changed!.path, later, later);
    const hashes = new Map(fx.tracks.map((t) => [t.id, fileHash(t.path)]));
    const ops: FileOps = {
      copyFile: async (from, to) => {
        if (from === full!.path) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
        return NODE_FILE_OPS.copyFile(from, to);
      },
      rename: async (from, to) => {
        if (to === locked!.path) throw Object.assign(new Error('resource busy or locked'), { code: 'EBUSY' });
        return NODE_FILE_OPS.rename(from, to);
      },
    };
    const { counters, deps } = await write({ ops, jobId: 3 });
    expect(counters()).toMatchObject({ files: 5, written: 1, skipped: 2, failed: 2 });
    for (const t of [readOnly, changed, locked, full]) expect(fileHash(t!.path)).toBe(hashes.get(t!.id));
    expect(fileHash(fine!.path)).not.toBe(hashes.get(fine!.id));
    const problems = deps.journal.problems(3);
    const reason = (file: string) => problems.find((p) => p.path === file)?.error;
    expect(reason(readOnly!.path)).toMatch(/read-only/);
    expect(reason(changed!.path)).toMatch(/changed on disk since the last scan/);
    expect(reason(locked!.path)).toMatch(/another program has the file open/);
    expect(reason(full!.path)).toMatch(/disk .* is full/);
    expect(fs.readdirSync(fx.music).filter((n) => n.startsWith('.sleeve-'))).toEqual([]);
  });

  it('stops between files on cancel', async () => {
    const controller = new AbortController();
    const ops: FileOps = {
      ...NODE_FILE_OPS,
      rename: async (from, to) => {
        await NODE_FILE_OPS.rename(from, to);
        controller.abort();
      },
    };
    const { counters } = await write({ ops, signal: controller.signal });
    expect(counters()).toMatchObject({ written: 1 });
    // The cover is a change the library cannot see in the files, so count titles.
    expect(planWrite(fx.db, ALL).filter((p) => p.preview.changes.some((c) => c.field === 'title'))).toHaveLength(4);
  });

  it('puts the cover in the folder as cover.jpg when asked (embedded or not), never over one there, and undo takes it away', async () => {
    await write({ settings: { coverFile: true, fields: ['year'] }, jobId: 4 });
    const cover = path.join(fx.music, 'cover.jpg');
    expect(fileHash(cover)).toBe(fx.coverHash);
    expect((await parseFile(fx.tracks[0]!.path)).common.picture).toBeUndefined();
    fs.writeFileSync(cover, 'the user replaced it');
    await write({ settings: { coverFile: true }, jobId: 6 });
    expect(fs.readFileSync(cover, 'utf8')).toBe('the user replaced it');
    fs.rmSync(cover);
    await write({ settings: { coverFile: true }, jobId: 4 });
    expect(fileHash(cover)).toBe(fx.coverHash);
    const run = depsFor();
    await undoWrites(run.deps.journal.undoable({ kind: 'job', jobId: 4 }), run.deps);
    expect(fs.existsSync(cover)).toBe(false);
  });

  it('settles what a killed writer left pending: written where the file holds the new values, else untouched', async () => {
    const journal = new WriteJournal(fx.db);
    const [done, untouched] = fx.tracks;
    const old = readFileTags(done!.path);
    const start = (t: (typeof fx.tracks)[number]) =>
      journal.begin({ jobId: 9, kind: 'tags', trackId: t.id, albumId: fx.albumId, path: t.path, oldValues: { title: readFileTags(t.path).values.title! }, newValues: { title: 'New' } });
    start(done!);
    start(untouched!);
    writeFileTags(done!.path, { values: { title: 'New' } });
    expect(await settlePending(fx.db, journal)).toEqual({ written: 1, notWritten: 1 });
    expect(journal.undoable({ kind: 'job', jobId: 9 }).map((e) => e.path)).toEqual([done!.path]);
    expect(journal.problems(9)).toEqual([expect.objectContaining({ path: untouched!.path, state: 'failed' })]);
    expect(old.values.title).toBe('track 1');
  });
});
