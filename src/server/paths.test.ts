import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import type { JobSnapshot } from '../shared/jobs';
import type { PlaylistDetail } from '../shared/playlists';
import type { RpcServerMessage } from '../shared/rpc';
import { makeAudioFile } from '../core/scan/testing/audio';
import { openSocket, rpcClient, startTestServer, type TestServer } from './testing';

/**
 * The path policy as a browser meets it: the real WebSocket RPC of a real
 * server started with --root music; 'outside' is no root at all.
 */
let t: TestServer;
let music: string;
let outside: string;
let ws: WebSocket;
let rpc: ReturnType<typeof rpcClient>;

beforeAll(async () => {
  t = await startTestServer({ roots: (dir) => [path.join(dir, 'music')] });
  music = path.join(t.dir, 'music');
  outside = path.join(t.dir, 'outside');
  makeAudioFile(path.join(music, 'Band', 'One.wav'), 'wav', { title: 'One', artist: 'Band' }, 1);
  makeAudioFile(path.join(outside, 'Other', 'Two.wav'), 'wav', { title: 'Two', artist: 'Other' }, 1);
  fs.mkdirSync(path.join(t.dir, 'music2'));
  fs.symlinkSync(path.join(music, 'Band'), path.join(outside, 'link-in'));
  ws = await openSocket(t.server.port, t.cookie);
  rpc = rpcClient(ws);
});

afterAll(async () => {
  ws?.close();
  await t?.close();
});

function errorOf(message: RpcServerMessage): string {
  if (!('error' in message)) throw new Error(`accepted: ${JSON.stringify(message)}`);
  return message.error.message;
}

async function scanned(message: RpcServerMessage): Promise<JobSnapshot> {
  if (!('result' in message)) throw new Error(`refused: ${JSON.stringify(message)}`);
  return t.core.jobs.waitFor((message.result as JobSnapshot).id);
}

const tracks = () => (t.core.db.prepare('SELECT path FROM tracks ORDER BY path').all() as Array<{ path: string }>).map((r) => r.path);

describe('paths over the WebSocket RPC', () => {
  it('scans a folder under a --root, and refuses one elsewhere with what to do', async () => {
    expect((await scanned(await rpc.call('scan', [music]))).state).toBe('done');
    expect(tracks()).toEqual([path.join(music, 'Band', 'One.wav')]);
    expect(errorOf(await rpc.call('scan', [outside]))).toBe(
      `The web UI only reaches folders under the library's roots (${music}). To use ${outside}, start the server with --root ${outside}.`,
    );
  });

  it("refuses '..', relative paths, a lookalike root and a link out; nothing outside is read", async () => {
    // Made after the scan above: a crawl of a root follows the links its owner put in it, which is the owner's choice.
    fs.symlinkSync(outside, path.join(music, 'link-out'));
    expect(errorOf(await rpc.call('scan', [`${music}/../outside`]))).toMatch(/--root/);
    expect(errorOf(await rpc.call('scan', ['music']))).toMatch(/whole paths/);
    expect(errorOf(await rpc.call('scan', [path.join(t.dir, 'music2')]))).toMatch(/--root/);
    expect(errorOf(await rpc.call('scan', [path.join(music, 'link-out', 'Other')]))).toMatch(/through a symbolic link/);
    expect(errorOf(await rpc.call('startJob', { kind: 'scan', params: { paths: [outside] } }))).toMatch(/--root/);
    expect(errorOf(await rpc.call('importListens', '/etc/passwd'))).toMatch(/--root \/etc/);
    expect(tracks().some((p) => p.includes('Two.wav'))).toBe(false);
  });

  it('accepts a link outside that leads into a root', async () => {
    expect((await scanned(await rpc.call('scan', [path.join(outside, 'link-in')]))).state).toBe('done');
  });

  it('exports to a new file under a root, never outside it, and decodes nothing', async () => {
    const made = (await rpc.call('createPlaylist', 'Mix')) as { result: PlaylistDetail };
    const id = made.result.id;
    expect(await rpc.call('exportPlaylist', id, path.join(music, 'lists', '..', 'mix.m3u8'))).toMatchObject({
      result: { path: path.join(music, 'mix.m3u8') },
    });
    expect(errorOf(await rpc.call('exportPlaylist', id, path.join(outside, 'mix.m3u8')))).toContain(`--root ${outside}.`);
    expect(errorOf(await rpc.call('exportPlaylist', id, path.join(music, 'link-out', 'mix.m3u8')))).toMatch(/symbolic link/);
    // '%2F' arrives in a JSON string as three characters, and stays a part of the file's name.
    expect(await rpc.call('exportPlaylist', id, `${music}/..%2F..%2Foutside%2Fmix.m3u8`)).toMatchObject({
      result: { path: path.join(music, '..%2F..%2Foutside%2Fmix.m3u8') },
    });
    expect(fs.readdirSync(outside).sort()).toEqual(['Other', 'link-in']);
    expect(errorOf(await rpc.call('syncPlaylists', { playlistIds: [id], target: { kind: 'folder', path: path.join(outside, 'phone') } }))).toMatch(/--root/);
    expect(fs.existsSync(path.join(outside, 'phone'))).toBe(false);
  });
});
