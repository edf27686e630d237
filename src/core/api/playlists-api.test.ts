import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlaylistDetail, PlaylistImportResult, PlaylistSummary } from '../../shared/playlists';
import { openSleeveCore, type SleeveCore } from '../app';
import { NodeWorkerHost, nodeWorkerEntry } from '../jobs/node-host';

let dir: string;
let core: SleeveCore;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-playlists-api-'));
  core = openSleeveCore({ libraryPath: path.join(dir, 'library.sqlite'), host: new NodeWorkerHost(), workerEntry: nodeWorkerEntry(), shell: 'web' });
  const insert = core.db.prepare(
    `INSERT INTO tracks (path, folder, size, mtime_ms, status, title, artist, album, duration_ms, first_seen, last_seen)
     VALUES (?, ?, 1, 0, 'ok', ?, 'Band', 'Record', 200000, 0, 0)`,
  );
  for (const title of ['One', 'Two']) {
    const file = path.join(dir, 'music', `${title}.flac`);
    insert.run(file, path.dirname(file), title);
  }
});
afterAll(async () => {
  await core.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('playlists through the Api', () => {
  it('imports, lists, shows, exports, renames and deletes, with clear errors for bad paths and ids', async () => {
    const list = path.join(dir, 'music', 'mix.m3u8');
    fs.mkdirSync(path.dirname(list), { recursive: true });
    fs.writeFileSync(list, '#EXTM3U\n#EXTINF:200,Band - Two\nTwo.flac\n#EXTINF:200,Band - One\nOne.flac\nGone.flac\n');
    const [result] = (await core.api.call('importPlaylists', [[list]])) as PlaylistImportResult[];
    expect(result!.counts).toMatchObject({ relative: 2, missing: 1 });
    const [summary] = (await core.api.call('listPlaylists', [])) as PlaylistSummary[];
    expect(summary).toMatchObject({ name: 'mix', entryCount: 3, missingCount: 1 });
    const detail = (await core.api.call('playlistDetail', [summary!.id])) as PlaylistDetail;
    expect(detail.entries.map((e) => e.track?.title ?? null)).toEqual(['Two', 'One', null]);

    const out = path.join(dir, 'phone', 'mix.m3u8');
    fs.mkdirSync(path.dirname(out));
    expect(await core.api.call('exportPlaylist', [summary!.id, out])).toMatchObject({ entries: 3, missing: 1 });
    expect(fs.readFileSync(out, 'utf8')).toMatch(/^#EXTM3U\n/);

    expect(await core.api.call('renamePlaylist', [summary!.id, 'Road Trip'])).toMatchObject({ name: 'Road Trip' });
    await expect(core.api.call('importPlaylists', [[path.join(dir, 'nope.m3u')]])).rejects.toThrow(/nope\.m3u/);
    await expect(core.api.call('exportPlaylist', [999, out])).rejects.toThrow(/no playlist 999/);
    await expect(core.api.call('exportPlaylist', [summary!.id, path.join(dir, 'missing-folder', 'x.m3u8')])).rejects.toThrow(/could not write/);
    await expect(core.api.call('importPlaylists', [[]])).rejects.toThrow(/Invalid arguments/);
    expect(await core.api.call('deletePlaylist', [summary!.id])).toBe(true);
    expect(await core.api.call('listPlaylists', [])).toEqual([]);
    // A browser has no file dialog: the page asks for a path itself.
    expect(await core.api.call('pickPlaylistFiles', [])).toBeNull();
  });
});
