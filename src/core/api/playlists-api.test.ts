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

  it('creates a playlist, adds, moves and removes entries, and says what to do with bad input', async () => {
    const tracks = (core.db.prepare('SELECT id, title FROM tracks ORDER BY title').all() as Array<{ id: number; title: string }>).map((t) => t.id);
    const [one, two] = tracks as [number, number];
    const made = (await core.api.call('createPlaylist', ['  Road Trip  '])) as PlaylistDetail;
    expect(made).toMatchObject({ name: 'Road Trip', sourcePath: null, entries: [] });
    const titles = (d: unknown) => (d as PlaylistDetail).entries.map((e) => e.track?.title);

    expect(titles(await core.api.call('addToPlaylist', [made.id, [one, two, one]]))).toEqual(['One', 'Two', 'One']);
    // A WebSocket client sends a skipped position as null.
    expect(titles(await core.api.call('addToPlaylist', [made.id, [two], null]))).toEqual(['One', 'Two', 'One', 'Two']);
    expect(titles(await core.api.call('addToPlaylist', [made.id, [two], 0]))).toEqual(['Two', 'One', 'Two', 'One', 'Two']);
    expect(titles(await core.api.call('moveInPlaylist', [made.id, [3, 4], 0]))).toEqual(['One', 'Two', 'Two', 'One', 'Two']);
    const after = (await core.api.call('removeFromPlaylist', [made.id, [1, 2]])) as PlaylistDetail;
    expect(titles(after)).toEqual(['One', 'One', 'Two']);
    expect(after.entries.map((e) => e.position)).toEqual([0, 1, 2]);
    expect(after.entries[2]).toMatchObject({ resolution: 'path', line: null, extinf: { artist: 'Band', title: 'Two', durationSeconds: 200 } });
    expect(await core.api.call('listPlaylists', [])).toMatchObject([{ name: 'Road Trip', entryCount: 3 }]);

    // Unknown playlists answer null, as playlistDetail does; bad input says what to do, and nothing changes.
    expect(await core.api.call('addToPlaylist', [999, [one]])).toBeNull();
    expect(await core.api.call('moveInPlaylist', [999, [0], 0])).toBeNull();
    await expect(core.api.call('addToPlaylist', [made.id, [one, 424242]])).rejects.toThrow('No track with id 424242 in the library; nothing was added');
    await expect(core.api.call('addToPlaylist', [made.id, [one], 9])).rejects.toThrow('must be from 0 to 3');
    await expect(core.api.call('moveInPlaylist', [made.id, [0, 1], 2])).rejects.toThrow('Cannot move 2 entries to position 2: it must be from 0 to 1');
    await expect(core.api.call('removeFromPlaylist', [made.id, [3]])).rejects.toThrow('No entry at position 3: positions run from 0 to 2');
    await expect(core.api.call('createPlaylist', ['   '])).rejects.toThrow('A playlist needs a name');
    await expect(core.api.call('createPlaylist', ['x'.repeat(201)])).rejects.toThrow('at most 200 characters');
    await expect(core.api.call('addToPlaylist', [made.id, []])).rejects.toThrow('Give at least one track id to add');
    await expect(core.api.call('addToPlaylist', [made.id, [1.5]])).rejects.toThrow('A track id is a whole number');
    await expect(core.api.call('addToPlaylist', [0, [one]])).rejects.toThrow('A playlist id is positive');
    await expect(core.api.call('moveInPlaylist', [made.id, [-1], 0])).rejects.toThrow('Positions count from 0 for the first entry');
    await expect(core.api.call('removeFromPlaylist', [made.id, new Array(100_001).fill(0)])).rejects.toThrow('At most 100,000 positions');
    expect(titles(await core.api.call('playlistDetail', [made.id]))).toEqual(['One', 'One', 'Two']);
  });
});
