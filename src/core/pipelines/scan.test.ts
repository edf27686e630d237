import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { JobSnapshot } from '../../shared/jobs';
import { openLibrary, type Library } from '../db/library';
import { registerJobKinds } from '../jobs/kinds';
import { JobManager } from '../jobs/manager';
import { NodeWorkerHost, nodeWorkerEntry } from '../jobs/node-host';
import { libraryStats, queryTracks } from '../library/queries';
import { makeAudioFile } from '../scan/testing/audio';

registerJobKinds();

let templates: string;
let dir: string;
let music: string;
let db: Library;
let manager: JobManager;

beforeAll(() => {
  templates = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-scan-templates-'));
  makeAudioFile(path.join(templates, 'a.mp3'), 'mp3', { title: 'Alpha', artist: 'Ann', album: 'First', track: '1', date: '2001' });
  makeAudioFile(path.join(templates, 'b.flac'), 'flac', { title: 'Beta', artist: 'Ann', album: 'First', track: '2', date: '2001' });
  makeAudioFile(path.join(templates, 'c.ogg'), 'ogg', { title: 'Gamma', artist: 'Bob', album: 'Second', track: '1' });
});

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-scan-'));
  music = path.join(dir, 'Music');
  fs.mkdirSync(path.join(music, 'Ann', 'First'), { recursive: true });
  fs.mkdirSync(path.join(music, 'Bob', 'Second'), { recursive: true });
  fs.copyFileSync(path.join(templates, 'a.mp3'), path.join(music, 'Ann', 'First', '01 Alpha.mp3'));
  fs.copyFileSync(path.join(templates, 'b.flac'), path.join(music, 'Ann', 'First', '02 Beta.flac'));
  fs.copyFileSync(path.join(templates, 'c.ogg'), path.join(music, 'Bob', 'Second', '01 Gamma.ogg'));
  fs.writeFileSync(path.join(music, 'Ann', 'First', 'cover.jpg'), 'not scanned: not audio by name');
  const libraryPath = path.join(dir, 'library.sqlite');
  db = openLibrary(libraryPath);
  manager = new JobManager({ db, libraryPath, host: new NodeWorkerHost(), workerEntry: nodeWorkerEntry() });
});

afterEach(async () => {
  await manager.shutdown();
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

afterAll(() => fs.rmSync(templates, { recursive: true, force: true }));

async function scan(params: Record<string, unknown> = { paths: [music] }): Promise<JobSnapshot> {
  const job = manager.start({ kind: 'scan', params });
  return manager.waitFor(job.id);
}

const titles = () => queryTracks(db, { sort: 'path' }).tracks.map((t) => t.title);

describe('scan job', () => {
  it('reads every audio file into the library and remembers the folder', async () => {
    const final = await scan();
    expect(final.state).toBe('done');
    expect(final.counters).toMatchObject({ found: 3, new: 3, parsed: 3, failed: 0, unchanged: 0, missing: 0 });
    expect(titles()).toEqual(['Alpha', 'Beta', 'Gamma']);
    const alpha = queryTracks(db, { filter: 'alpha' }).tracks[0]!;
    expect(alpha).toMatchObject({ artist: 'Ann', album: 'First', trackNumber: 1, year: 2001, yearSource: 'tag', format: 'mp3' });
    expect(libraryStats(db)).toMatchObject({ tracks: 3, albums: 2, roots: [music] });
  });

  it('rescans without opening unchanged files, and reads changed ones again', async () => {
    await scan();
    const again = await scan({ paths: [] });
    expect(again.counters).toMatchObject({ found: 3, unchanged: 3, parsed: 0, new: 0, changed: 0 });

    const beta = path.join(music, 'Ann', 'First', '02 Beta.flac');
    fs.copyFileSync(path.join(templates, 'c.ogg'), beta); // different content under the same name
    const changed = await scan({ paths: [] });
    expect(changed.counters).toMatchObject({ changed: 1, unchanged: 2, parsed: 1 });
    expect(queryTracks(db, { filter: 'Beta.flac' }).tracks[0]!.title).toBe('Gamma');
  });

  it('marks vanished files missing, keeps their rows, and restores them when they come back', async () => {
    await scan();
    const gamma = path.join(music, 'Bob', 'Second', '01 Gamma.ogg');
    const aside = path.join(dir, 'aside.ogg');
    fs.renameSync(gamma, aside);
    const gone = await scan({ paths: [] });
    expect(gone.counters).toMatchObject({ missing: 1, unchanged: 2 });
    expect(libraryStats(db)).toMatchObject({ tracks: 2, missing: 1 });
    expect(queryTracks(db, { status: 'missing' }).tracks[0]).toMatchObject({ title: 'Gamma', path: gamma });

    fs.renameSync(aside, gamma);
    const back = await scan({ paths: [] });
    expect(back.counters).toMatchObject({ restored: 1, missing: 0 });
    expect(libraryStats(db)).toMatchObject({ tracks: 3, missing: 0 });
  });

  it('keeps the row, and with it what the user chose, when a file is moved or renamed', async () => {
    await scan();
    const before = queryTracks(db, { filter: 'Alpha' }).tracks[0]!;
    db.prepare("UPDATE tracks SET year = 1969, year_source = 'user' WHERE id = ?").run(before.id);
    const moved = path.join(music, 'Elsewhere', 'Renamed Alpha.mp3');
    fs.mkdirSync(path.dirname(moved));
    fs.renameSync(before.path, moved);

    const final = await scan({ paths: [] });
    expect(final.counters).toMatchObject({ moved: 1, missing: 0, new: 0 });
    const after = queryTracks(db, { filter: 'Alpha' }).tracks;
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ id: before.id, path: moved, year: 1969, yearSource: 'user' });
  });

  it('turns every kind of bad input into a failed entry with a reason, and finishes the scan', async () => {
    const bad = path.join(music, 'Bad');
    fs.mkdirSync(bad);
    fs.writeFileSync(path.join(bad, 'zero.mp3'), '');
    fs.writeFileSync(path.join(bad, 'readme.flac'), 'Not audio at all.\n'.repeat(100));
    const long = makeAudioFile(path.join(dir, 'long.flac'), 'flac', { title: 'Long' }, 20);
    fs.writeFileSync(path.join(bad, 'cut.flac'), fs.readFileSync(long).subarray(0, 6000));
    fs.copyFileSync(path.join(templates, 'b.flac'), path.join(bad, 'really-flac.mp3'));
    fs.symlinkSync(music, path.join(bad, 'loop'));
    fs.writeFileSync(Buffer.from(`${bad}/caf\xe9.mp3`, 'latin1'), fs.readFileSync(path.join(templates, 'a.mp3')));
    fs.symlinkSync(path.join(bad, 'dangling-target.mp3'), path.join(bad, 'dangling.mp3'));

    const final = await scan();
    expect(final.state).toBe('done');
    const failures = Object.fromEntries(
      queryTracks(db, { status: 'failed' }).tracks.map((t) => [path.relative(music, t.path), t.error]),
    );
    expect(failures['Bad/zero.mp3']).toBe('the file is empty (0 bytes)');
    expect(failures['Bad/readme.flac']).toMatch(/not an audio file/);
    expect(failures['Bad/cut.flac']).toMatch(/truncated/);
    expect(failures['Bad/loop']).toMatch(/loops back/);
    expect(failures['Bad/dangling.mp3']).toMatch(/vanished|cannot/);
    expect(Object.entries(failures).find(([p]) => p.startsWith('Bad/caf'))?.[1]).toMatch(/not valid UTF-8/);
    expect(queryTracks(db, { filter: 'really-flac' }).tracks[0]).toMatchObject({ format: 'flac', title: 'Beta' });
    expect(final.counters.parsed).toBe(4);
    expect(final.counters.failed).toBe(Object.keys(failures).length);
  });

  it.skipIf(process.getuid?.() === 0)('reports a file it may not read (skipped as root, who may read anything)', async () => {
    const locked = path.join(music, 'locked.mp3');
    fs.copyFileSync(path.join(templates, 'a.mp3'), locked);
    fs.chmodSync(locked, 0o000);
    const final = await scan();
    expect(final.state).toBe('done');
    expect(queryTracks(db, { status: 'failed' }).tracks[0]).toMatchObject({ path: locked, error: expect.stringMatching(/permission denied/) });
  });

  it('keeps what it parsed when cancelled half-way, and marks nothing missing', async () => {
    const many = path.join(music, 'Many');
    fs.mkdirSync(many);
    const source = fs.readFileSync(path.join(templates, 'b.flac'));
    for (let i = 0; i < 1500; i++) {
      // One byte of difference per file keeps the content keys apart.
      fs.writeFileSync(path.join(many, `${String(i).padStart(4, '0')}.flac`), Buffer.concat([source, Buffer.from([i % 256, i >> 8])]));
    }
    const job = manager.start({ kind: 'scan', params: { paths: [music], workers: 1 } });
    await new Promise<void>((resolve) => {
      const onUpdate = (u: JobSnapshot) => {
        if (u.id === job.id && (u.counters.parsed ?? 0) >= 50) {
          manager.off('update', onUpdate);
          resolve();
        }
      };
      manager.on('update', onUpdate);
    });
    manager.cancel(job.id);
    const final = await manager.waitFor(job.id);
    expect(final.state).toBe('cancelled');
    const stored = (db.prepare('SELECT COUNT(*) AS n FROM tracks').get() as { n: number }).n;
    expect(stored).toBeGreaterThanOrEqual(50);
    expect(stored).toBeLessThan(1503);
    expect(stored).toBe(final.counters.parsed! + final.counters.failed!);
    expect(libraryStats(db).missing).toBe(0);

    const resumed = await scan({ paths: [] });
    expect(resumed.counters).toMatchObject({ unchanged: stored, new: 1503 - stored });
  });

  it('says what to do when there is nothing to scan or the folder does not exist', async () => {
    expect((await scan({ paths: [] })).error).toMatch(/no folders to scan yet/);
    expect((await scan({ paths: [path.join(dir, 'nope')] })).error).toMatch(/does not exist/);
  });
});
