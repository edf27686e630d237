import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLibrary, type Library } from '../db/library';
import { registerJobKinds } from '../jobs/kinds';
import { JobManager } from '../jobs/manager';
import { NodeWorkerHost, nodeWorkerEntry } from '../jobs/node-host';
import type { SyncParams } from '../pipelines/sync';
import { rememberRoots } from '../scan/store';
import { startSync, SyncBusyError, syncParams, SyncTargetError } from './request';

registerJobKinds();

let dir: string;
let db: Library;
let manager: JobManager;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-sync-request-'));
  db = openLibrary(path.join(dir, 'library.sqlite'));
  // Nothing runs: the jobs stay queued, as a sync waiting behind a scan would.
  manager = new JobManager({ db, libraryPath: path.join(dir, 'library.sqlite'), host: new NodeWorkerHost(), workerEntry: nodeWorkerEntry(), maxConcurrent: 0 });
});

afterEach(async () => {
  await manager.shutdown();
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const phone = () => `folder:${path.join(dir, 'Phone')}`;
const params = (extra: Partial<SyncParams> = {}): SyncParams => ({ playlistIds: [1, 2], target: phone(), ...extra });

function storeJobOf(pid: number, p: SyncParams): void {
  db.prepare("INSERT INTO jobs (kind, params, priority, state, created_at, owner_pid) VALUES ('sync', ?, 'user', 'running', 0, ?)").run(JSON.stringify(p), pid);
}

describe('syncParams', () => {
  it('refuses a folder inside the library before any job starts', () => {
    const music = path.join(dir, 'Music');
    fs.mkdirSync(music);
    rememberRoots(db, [music]);
    const id = Number(db.prepare("INSERT INTO playlists (name, created_at, updated_at) VALUES ('Mix', 0, 0)").run().lastInsertRowid);
    const request = (folder: string) => ({ playlistIds: [id], target: { kind: 'folder' as const, path: folder } });
    expect(() => syncParams(db, request(path.join(music, 'Phone')), {})).toThrow(SyncTargetError);
    expect(() => syncParams(db, request(path.join(music, 'Phone')), {})).toThrow(/inside the library folder/);
    expect(syncParams(db, request(path.join(dir, 'Phone')), {})).toMatchObject({ playlistIds: [id], target: phone() });
  });
});

describe('startSync', () => {
  it('gives back the same run for the same work asked twice in this process', () => {
    const first = startSync(manager, params());
    expect(startSync(manager, params({ playlistIds: [2, 1], workers: 8 })).id).toBe(first.id);
  });

  it('refuses a second run into the same folder, or the same work with other options', () => {
    const first = startSync(manager, params());
    expect(() => startSync(manager, params({ replayGain: true }))).toThrow(SyncBusyError);
    expect(() => startSync(manager, params({ playlistIds: [3] }))).toThrow(new RegExp(`Sleeve is already syncing to .*Phone \\(job ${first.id}\\)`));
    // A preview writes nothing, and another folder is another place.
    expect(startSync(manager, params({ dryRun: true })).id).not.toBe(first.id);
    expect(startSync(manager, params({ target: `folder:${path.join(dir, 'Stick')}` })).id).not.toBe(first.id);
  });

  it('lets two Spotify runs go on at once when they share no playlist', () => {
    startSync(manager, { playlistIds: [1], target: 'spotify' });
    expect(() => startSync(manager, { playlistIds: [1, 2], target: 'spotify' })).toThrow(/these Spotify playlists/);
    expect(startSync(manager, { playlistIds: [2], target: 'spotify' }).state).toBe('queued');
  });

  it("refuses to join another live process's run (it could never be waited for here), and ignores a dead one's", () => {
    // The test runner's parent is alive for as long as this test runs.
    storeJobOf(process.ppid, params());
    expect(() => startSync(manager, params())).toThrow(/Another Sleeve window or command is already syncing/);
    db.prepare('DELETE FROM jobs').run();
    const gone = spawnSync(process.execPath, ['-e', '']).pid!;
    storeJobOf(gone, params());
    expect(startSync(manager, params()).state).toBe('queued');
  });
});
