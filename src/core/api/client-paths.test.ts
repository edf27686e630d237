import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobSnapshot } from '../../shared/jobs';
import type { PlaylistDetail } from '../../shared/playlists';
import { openSleeveCore, type SleeveCore } from '../app';
import { NodeWorkerHost, nodeWorkerEntry } from '../jobs/node-host';
import { listJobKinds } from '../jobs/registry';
import { libraryPathPolicy, type ClientPathCheck } from '../library/path-policy';
import { rememberRoots } from '../scan/store';
import { JOB_KINDS_WITH_PATH_CHECK } from './client-paths';

let dir: string;
let music: string;
let extra: string;
let elsewhere: string;
let core: SleeveCore;
let checkPaths: ClientPathCheck;
let playlistId: number;

beforeAll(async () => {
  dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-client-paths-')));
  music = path.join(dir, 'music');
  extra = path.join(dir, 'extra');
  elsewhere = path.join(dir, 'elsewhere');
  for (const folder of [music, extra, elsewhere]) fs.mkdirSync(folder);
  core = openSleeveCore({ libraryPath: path.join(dir, 'library.sqlite'), host: new NodeWorkerHost(), workerEntry: nodeWorkerEntry(), shell: 'web', enrichAfterScan: false });
  rememberRoots(core.db, [music]);
  checkPaths = libraryPathPolicy(core.db, [extra]);
  playlistId = ((await core.api.call('createPlaylist', ['Mix'])) as PlaylistDetail).id;
});

afterAll(async () => {
  await core.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const web = (method: string, ...args: unknown[]) => core.api.call(method, args, { checkPaths });
const refused = /only reaches folders under the library's roots/;

describe('paths from a checked client', () => {
  it('knows, for every job kind, which of its parameters are paths', () => {
    expect(listJobKinds().map((k) => k.kind).sort()).toEqual([...JOB_KINDS_WITH_PATH_CHECK].sort());
  });

  it('refuses each path-taking method outside the roots, before it acts', async () => {
    const out = path.join(elsewhere, 'mix.m3u8');
    await expect(web('scan', [elsewhere])).rejects.toThrow(refused);
    await expect(web('scan', [music, elsewhere])).rejects.toThrow(refused);
    await expect(web('importPlaylists', [path.join(elsewhere, 'a.m3u')])).rejects.toThrow(refused);
    await expect(web('exportPlaylist', playlistId, out)).rejects.toThrow(refused);
    await expect(web('importListens', path.join(elsewhere, 'listens.json'))).rejects.toThrow(refused);
    await expect(web('syncPlaylists', { playlistIds: [playlistId], target: { kind: 'folder', path: elsewhere } })).rejects.toThrow(refused);
    await expect(web('exportPlaylist', playlistId, 'mix.m3u8')).rejects.toThrow(/whole paths/);
    expect(fs.readdirSync(elsewhere)).toEqual([]);
    expect(core.jobs.list(100)).toEqual([]);
  });

  it('refuses the same paths through startJob', async () => {
    await expect(web('startJob', { kind: 'scan', params: { paths: [elsewhere] } })).rejects.toThrow(refused);
    await expect(web('startJob', { kind: 'import-listens', params: { path: path.join(elsewhere, 'l.json') } })).rejects.toThrow(refused);
    await expect(web('startJob', { kind: 'sync', params: { playlistIds: [playlistId], target: `folder:${elsewhere}` } })).rejects.toThrow(refused);
    await expect(web('startJob', { kind: 'sync', params: { playlistIds: [playlistId], target: 'folder:phone' } })).rejects.toThrow(/whole paths/);
    await expect(web('startJob', { kind: 'no-such-kind' })).rejects.toThrow(/Unknown job kind/);
    expect(core.jobs.list(100)).toEqual([]);
  });

  it("accepts the library's roots and the server's own, and acts on the normalised path", async () => {
    const written = (await web('exportPlaylist', playlistId, `${extra}/new/../mix.m3u8`)) as { path: string };
    expect(written.path).toBe(path.join(extra, 'mix.m3u8'));
    // Encoded separators are characters of a name: the file lands inside the root, named as given.
    expect(await web('exportPlaylist', playlistId, `${music}/..%2f..%2fescape.m3u8`)).toMatchObject({ path: path.join(music, '..%2f..%2fescape.m3u8') });
    expect(fs.readdirSync(music)).toContain('..%2f..%2fescape.m3u8');
    expect(fs.readdirSync(dir).filter((f) => f.includes('escape'))).toEqual([]);
    const job = (await web('startJob', { kind: 'sync', params: { playlistIds: [playlistId], target: `folder:${music}/phone/..`, dryRun: true } })) as JobSnapshot;
    expect(job.params).toMatchObject({ target: `folder:${music}` });
    await core.jobs.waitFor(job.id);
    const pathFree = (await web('startJob', { kind: 'count', params: { to: 1 } })) as JobSnapshot;
    await core.jobs.waitFor(pathFree.id);
  });

  it('lets the desktop app and the CLI name any path: they call without a check', async () => {
    const out = path.join(elsewhere, 'desktop.m3u8');
    expect(await core.api.call('exportPlaylist', [playlistId, out])).toMatchObject({ path: out });
    fs.rmSync(out);
  });
});
