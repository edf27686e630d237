import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLibrary, type Library } from '../db/library';
import type { PlaylistDetail } from '../../shared/playlists';
import { addTracksToPlaylist, createPlaylist, moveEntries, PlaylistEditError, removeEntries } from './edit';
import { exportPlaylist, importPlaylist, listPlaylists, playlistDetail } from './store';

let dir: string;
let music: string;
let db: Library;
/** Track ids by title. */
let ids: Record<string, number>;

const TRACKS = [
  { title: 'One', artist: 'Band', seconds: 200 },
  { title: 'Two', artist: 'Band', seconds: 150.5 },
  { title: 'Three', artist: 'Other', seconds: null },
  { title: 'Four', artist: null, seconds: 61 },
  { title: 'Five', artist: 'Band', seconds: 90 },
];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-playlist-edit-'));
  music = path.join(dir, 'music');
  fs.mkdirSync(music, { recursive: true });
  db = openLibrary(path.join(dir, 'library.sqlite'));
  const insert = db.prepare(
    `INSERT INTO tracks (path, folder, size, mtime_ms, status, title, artist, duration_ms, first_seen, last_seen)
     VALUES (?, ?, 1, 1, 'ok', ?, ?, ?, 0, 0)`,
  );
  ids = {};
  for (const t of TRACKS) {
    const file = path.join(music, `${t.title}.flac`);
    ids[t.title] = Number(insert.run(file, music, t.title, t.artist, t.seconds === null ? null : t.seconds * 1000).lastInsertRowid);
  }
});
afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const titles = (d: PlaylistDetail | null) => d!.entries.map((e) => e.track?.title ?? e.location);
const positions = (d: PlaylistDetail | null) => d!.entries.map((e) => e.position);
const add = (id: number, names: string[], at?: number) => addTracksToPlaylist(db, id, names.map((n) => ids[n]!), at);

/** Sets updated_at far in the past, so a bump shows without reading a clock. */
const age = (id: number) => db.prepare('UPDATE playlists SET updated_at = 0 WHERE id = ?').run(id);
const updatedAt = (id: number) => (db.prepare('SELECT updated_at FROM playlists WHERE id = ?').get(id) as { updated_at: number }).updated_at;

describe('making and editing playlists in Sleeve', () => {
  it('creates an empty playlist with a trimmed name, and refuses an empty or overlong one', () => {
    const made = createPlaylist(db, '  Road Trip \n');
    expect(made).toMatchObject({ name: 'Road Trip', sourcePath: null, entryCount: 0, missingCount: 0, entries: [] });
    expect(listPlaylists(db).map((p) => p.name)).toEqual(['Road Trip']);
    // Names need not be unique: two playlists made in Sleeve may share one, as two files may.
    expect(createPlaylist(db, 'Road Trip').id).not.toBe(made.id);
    expect(() => createPlaylist(db, '   ')).toThrow(new PlaylistEditError('A playlist needs a name'));
    expect(() => createPlaylist(db, 'x'.repeat(201))).toThrow('at most 200 characters; this one has 201');
    expect(createPlaylist(db, 'x'.repeat(200)).name).toHaveLength(200);
    expect(listPlaylists(db)).toHaveLength(3);
  });

  it('adds tracks at the end or at a position, each written as the track is, the same track twice if asked', () => {
    const { id } = createPlaylist(db, 'Mix');
    expect(titles(add(id, ['One', 'Two']))).toEqual(['One', 'Two']);
    expect(titles(add(id, ['Three', 'Four'], 1))).toEqual(['One', 'Three', 'Four', 'Two']);
    expect(titles(add(id, ['Five'], 0))).toEqual(['Five', 'One', 'Three', 'Four', 'Two']);
    const detail = add(id, ['One'], 5)!;
    expect(titles(detail)).toEqual(['Five', 'One', 'Three', 'Four', 'Two', 'One']);
    expect(positions(detail)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(detail).toMatchObject({ entryCount: 6, missingCount: 0 });
    const two = detail.entries[4]!;
    expect(two).toMatchObject({
      location: path.join(music, 'Two.flac'),
      resolution: 'path',
      line: null,
      trackId: ids.Two,
      extinf: { artist: 'Band', title: 'Two', durationSeconds: 150.5 },
    });
    expect(detail.entries[2]!.extinf).toEqual({ artist: 'Other', title: 'Three', durationSeconds: null });
    expect(detail.entries[3]!.extinf).toEqual({ artist: null, title: 'Four', durationSeconds: 61 });
  });

  it('adds nothing when a track id is unknown or the position is outside the playlist', () => {
    const { id } = createPlaylist(db, 'Mix');
    add(id, ['One']);
    age(id);
    expect(() => addTracksToPlaylist(db, id, [ids.Two!, 9999, 8888])).toThrow('No track with id 9999, 8888 in the library; nothing was added');
    expect(() => add(id, ['Two'], 2)).toThrow('Cannot insert at position 2: the playlist has 1 entry, so it must be from 0 to 1');
    expect(() => add(id, ['Two'], -1)).toThrow(PlaylistEditError);
    expect(() => addTracksToPlaylist(db, id, [])).toThrow('No tracks were given');
    expect(titles(playlistDetail(db, id))).toEqual(['One']);
    expect(updatedAt(id)).toBe(0);
    expect(add(999, ['One'])).toBeNull();
  });

  it('moves a block of entries, keeping their order, with positions dense afterwards', () => {
    const { id } = createPlaylist(db, 'Mix');
    add(id, ['One', 'Two', 'Three', 'Four', 'Five']);
    age(id);
    // Two and Three, dragged below Four.
    let detail = moveEntries(db, id, [1, 2], 2);
    expect(titles(detail)).toEqual(['One', 'Four', 'Two', 'Three', 'Five']);
    expect(updatedAt(id)).toBeGreaterThan(0);
    // Scattered, given out of order: gathered at the top in playlist order.
    detail = moveEntries(db, id, [4, 1], 0);
    expect(titles(detail)).toEqual(['Four', 'Five', 'One', 'Two', 'Three']);
    detail = moveEntries(db, id, [0], 4);
    expect(titles(detail)).toEqual(['Five', 'One', 'Two', 'Three', 'Four']);
    expect(positions(detail)).toEqual([0, 1, 2, 3, 4]);
    // Where it already is: nothing changes.
    expect(titles(moveEntries(db, id, [1, 2], 1))).toEqual(['Five', 'One', 'Two', 'Three', 'Four']);

    age(id);
    expect(() => moveEntries(db, id, [1, 2], 4)).toThrow('Cannot move 2 entries to position 4: it must be from 0 to 3');
    expect(() => moveEntries(db, id, [5], 0)).toThrow('No entry at position 5: positions run from 0 to 4');
    expect(() => moveEntries(db, id, [], 0)).toThrow(PlaylistEditError);
    expect(titles(playlistDetail(db, id))).toEqual(['Five', 'One', 'Two', 'Three', 'Four']);
    expect(updatedAt(id)).toBe(0);
    expect(moveEntries(db, 999, [0], 0)).toBeNull();
  });

  it('removes entries and closes up the gaps', () => {
    const { id } = createPlaylist(db, 'Mix');
    add(id, ['One', 'Two', 'Three', 'Four', 'Five', 'One']);
    age(id);
    let detail = removeEntries(db, id, [1, 3, 3]);
    expect(titles(detail)).toEqual(['One', 'Three', 'Five', 'One']);
    expect(positions(detail)).toEqual([0, 1, 2, 3]);
    expect(updatedAt(id)).toBeGreaterThan(0);
    detail = removeEntries(db, id, [3]);
    expect(titles(detail)).toEqual(['One', 'Three', 'Five']);
    expect(() => removeEntries(db, id, [3])).toThrow('No entry at position 3');
    detail = removeEntries(db, id, [0, 1, 2]);
    expect(detail).toMatchObject({ entryCount: 0, entries: [] });
    // The tracks stay in the library.
    expect((db.prepare('SELECT COUNT(*) AS n FROM tracks').get() as { n: number }).n).toBe(TRACKS.length);
    expect(removeEntries(db, 999, [0])).toBeNull();
  });

  it('keeps positions right over many edits of a longer playlist', () => {
    const { id } = createPlaylist(db, 'Long');
    const names = Object.keys(ids);
    const expected: string[] = [];
    for (let i = 0; i < 200; i++) expected.push(names[i % names.length]!);
    add(id, expected);
    // A deterministic walk of moves, inserts and removals, checked against the same edits on an array.
    let seed = 7;
    const next = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    for (let round = 0; round < 60; round++) {
      const count = expected.length;
      const picked = [...new Set(Array.from({ length: 1 + next(5) }, () => next(count)))].sort((a, b) => a - b);
      const kind = round % 3;
      let detail: PlaylistDetail | null;
      if (kind === 0) {
        const to = next(count - picked.length + 1);
        const block = picked.map((p) => expected[p]!);
        const rest = expected.filter((_, i) => !picked.includes(i));
        expected.splice(0, expected.length, ...rest.slice(0, to), ...block, ...rest.slice(to));
        detail = moveEntries(db, id, picked, to);
      } else if (kind === 1) {
        const at = next(count + 1);
        const adding = picked.map((p) => names[p % names.length]!);
        expected.splice(at, 0, ...adding);
        detail = add(id, adding, at);
      } else {
        for (const p of [...picked].reverse()) expected.splice(p, 1);
        detail = removeEntries(db, id, picked);
      }
      expect(titles(detail)).toEqual(expected);
      expect(positions(detail)).toEqual(expected.map((_, i) => i));
    }
  });

  it('edits an imported playlist, which stays tied to its file: a re-import replaces the entries', () => {
    const file = path.join(music, 'mix.m3u8');
    fs.writeFileSync(file, '#EXTM3U\nOne.flac\nTwo.flac\n');
    const { playlist } = importPlaylist(db, file);
    add(playlist.id, ['Five'], 0);
    const detail = removeEntries(db, playlist.id, [2])!;
    expect(titles(detail)).toEqual(['Five', 'One']);
    expect(detail.sourcePath).toBe(file);
    expect(detail.entries.map((e) => e.resolution)).toEqual(['path', 'relative']);

    // Export writes the edited order; a re-import of the source file puts its own entries back.
    const out = path.join(music, 'edited.m3u8');
    exportPlaylist(db, playlist.id, out);
    expect(fs.readFileSync(out, 'utf8')).toBe('#EXTM3U\n#EXTINF:90,Band - Five\nFive.flac\n#EXTINF:200,Band - One\nOne.flac\n');
    const again = importPlaylist(db, file);
    expect(again).toMatchObject({ created: false, playlist: { id: playlist.id } });
    expect(titles(playlistDetail(db, playlist.id))).toEqual(['One', 'Two']);
  });
});
