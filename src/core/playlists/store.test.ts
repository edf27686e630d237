import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLibrary, type Library } from '../db/library';
import { parseM3u, readM3uFile } from './m3u';
import { TrackResolver } from './resolve';
import { deletePlaylist, exportPlaylist, importPlaylist, listPlaylists, playlistDetail, renamePlaylist } from './store';

let dir: string;
let music: string;
let db: Library;

interface T {
  path: string;
  title: string | null;
  artist?: string;
  album?: string;
  seconds?: number;
  status?: 'ok' | 'missing';
}

function addTracks(tracks: T[]): Map<string, number> {
  const insert = db.prepare(
    `INSERT INTO tracks (path, folder, size, mtime_ms, status, title, artist, album, duration_ms, first_seen, last_seen)
     VALUES (?, ?, 1, 1, ?, ?, ?, ?, ?, 0, 0)`,
  );
  const ids = new Map<string, number>();
  for (const t of tracks) {
    const p = path.join(music, t.path);
    const id = insert.run(p, path.dirname(p), t.status ?? 'ok', t.title, t.artist ?? null, t.album ?? null, t.seconds === undefined ? null : t.seconds * 1000);
    ids.set(t.path, Number(id.lastInsertRowid));
  }
  return ids;
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-playlists-'));
  music = path.join(dir, 'music');
  fs.mkdirSync(path.join(music, 'lists'), { recursive: true });
  db = openLibrary(path.join(dir, 'library.sqlite'));
});
afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const LIBRARY: T[] = [
  { path: 'Artist A/Album X/01 - Song One.flac', title: 'Song One', artist: 'Artist A', album: 'Album X', seconds: 200 },
  { path: 'Artist A/Album X/02 - Song Two.flac', title: 'Song Two', artist: 'Artist A', album: 'Album X', seconds: 150 },
  { path: 'Artist B/Best Of/03 - Hello.mp3', title: 'Hello', artist: 'Artist B', album: 'Best Of', seconds: 180 },
  { path: 'Artist B/Live/05 - Hello (Live).mp3', title: 'Hello (Live)', artist: 'Artist B', album: 'Live', seconds: 240 },
  { path: 'Artist C/One/01 - Twin.mp3', title: 'Twin', artist: 'Artist C', album: 'One', seconds: 240 },
  { path: 'Artist C/Two/07 - Twin.mp3', title: 'Twin', artist: 'Artist C', album: 'Two', seconds: 241 },
  // The same file before and after it moved: the scan marked the old row missing.
  { path: 'old/Moved.mp3', title: 'Moved Song', artist: 'The Artist D', album: 'M', seconds: 100, status: 'missing' },
  { path: 'new/Artist D/M/Moved.mp3', title: 'Moved Song', artist: 'The Artist D', album: 'M', seconds: 100 },
  { path: 'Artist E/Album/01 - Intro.mp3', title: 'Intro', artist: 'Artist E', album: 'Album', seconds: 60 },
];

function playlistText(): string {
  return [
    '#EXTM3U',
    '#EXTINF:200,Artist A - Song One',
    path.join(music, 'Artist A/Album X/01 - Song One.flac'),
    '#EXTINF:-1,Artist A - Song Two',
    '../Artist A/Album X/02 - Song Two.flac',
    '#EXTINF:181,Artist B - Hello',
    'D:\\Users\\bob\\Music\\Artist B\\Best Of\\03 - Hello.mp3',
    '../Artist A/Album X/01 - Song One.flac',
    '#EXTINF:240,Artist C - Twin',
    'C:\\Music\\Twin.mp3',
    '#EXTINF:100,Artist D - Moved Song',
    path.join(music, 'old/Moved.mp3'),
    'E:\\Music\\Artist B\\Live\\05 - Hello (Live).mp3',
    'https://radio.example/stream',
    '#EXTINF:300,Artist A - Song One',
    'C:\\Music\\Song One.flac',
    '#EXTINF:-1,Intro',
    'C:\\Music\\Intro.mp3',
    '',
  ].join('\n');
}

describe('resolving entries', () => {
  it('by path, relative path and tags; leaves the ambiguous, the far-off and streams missing', () => {
    const ids = addTracks(LIBRARY);
    const file = path.join(music, 'lists/mix.m3u8');
    fs.writeFileSync(file, playlistText());
    const result = importPlaylist(db, file);

    expect(result.created).toBe(true);
    expect(result.counts).toEqual({ path: 1, relative: 2, tags: 3, missing: 4 });
    expect(result.missing.map((m) => [m.line, m.location])).toEqual([
      [10, 'C:\\Music\\Twin.mp3'],
      [14, 'https://radio.example/stream'],
      [16, 'C:\\Music\\Song One.flac'],
      [18, 'C:\\Music\\Intro.mp3'],
    ]);
    expect(result.missing[0]!.reason).toMatch(/2 library tracks match its tags equally/);
    expect(result.missing[1]!.reason).toMatch(/stream URL/);

    const detail = playlistDetail(db, result.playlist.id)!;
    expect(detail.entries.map((e) => [e.position, e.resolution, e.trackId])).toEqual([
      [0, 'path', ids.get('Artist A/Album X/01 - Song One.flac')],
      [1, 'relative', ids.get('Artist A/Album X/02 - Song Two.flac')],
      // The studio take: the live one is another recording.
      [2, 'tags', ids.get('Artist B/Best Of/03 - Hello.mp3')],
      // The same track twice.
      [3, 'relative', ids.get('Artist A/Album X/01 - Song One.flac')],
      [4, 'missing', null],
      // Moved: found where it went, not tied to the stale row.
      [5, 'tags', ids.get('new/Artist D/M/Moved.mp3')],
      // No #EXTINF: the file name and its folders.
      [6, 'tags', ids.get('Artist B/Live/05 - Hello (Live).mp3')],
      [7, 'missing', null],
      // 300 s is not the 200 s track.
      [8, 'missing', null],
      // A title alone is too little: 'Intro' is on many albums.
      [9, 'missing', null],
    ]);
    expect(detail.entries[0]!.track).toMatchObject({ title: 'Song One', artist: 'Artist A', durationMs: 200_000 });
    expect(detail.entries[2]!.extinf).toEqual({ artist: 'Artist B', title: 'Hello', durationSeconds: 181 });
    expect(detail.entries[4]!.line).toBe(10);
    expect(detail).toMatchObject({ name: 'mix', sourcePath: file, entryCount: 10, missingCount: 4 });
  });

  it('matches a title and duration alone only when no other track has that title', () => {
    addTracks(LIBRARY);
    const resolver = new TrackResolver(db);
    const entry = (title: string, seconds: number) => parseM3u(`#EXTINF:${seconds},${title}\nC:\\x\\y.mp3\n`, { baseDir: music, style: 'posix' }).entries[0]!;
    expect(resolver.resolve(entry('Song Two', 151))).toMatchObject({ resolution: 'tags' });
    expect(resolver.resolve(entry('Twin', 240))).toMatchObject({ resolution: 'missing' });
    expect(resolver.resolve(entry('Song Two', 170))).toMatchObject({ resolution: 'missing' });
  });

  it('keeps a stale row found by path when the tags find nothing better', () => {
    const ids = addTracks([{ path: 'gone/x.mp3', title: null, status: 'missing' }]);
    const file = path.join(music, 'lists/stale.m3u');
    fs.writeFileSync(file, path.join(music, 'gone/x.mp3'));
    expect(importPlaylist(db, file).counts.path).toBe(1);
    expect(playlistDetail(db, listPlaylists(db)[0]!.id)!.entries[0]!.trackId).toBe(ids.get('gone/x.mp3'));
  });

  it('finds a track by its tags in a large library through one index', () => {
    const many: T[] = [];
    for (let i = 0; i < 20_000; i++) many.push({ path: `bulk/${i}.mp3`, title: `Song ${i}`, artist: `Artist ${i % 500}`, seconds: 100 + (i % 50) });
    db.transaction(() => addTracks(many))();
    const resolver = new TrackResolver(db);
    const lines = ['#EXTM3U'];
    for (let i = 0; i < 2_000; i += 7) lines.push(`#EXTINF:${100 + (i % 50)},Artist ${i % 500} - Song ${i}`, `X:\\elsewhere\\${i}.mp3`);
    const parsed = parseM3u(lines.join('\n'), { baseDir: music, style: 'posix' });
    const resolved = parsed.entries.map((e) => resolver.resolve(e));
    expect(resolved.every((r) => r.resolution === 'tags')).toBe(true);
    expect(resolved.map((r) => r.trackId)).toEqual(parsed.entries.map((_, k) => k * 7 + 1));
  });
});

describe('the playlist store', () => {
  it('updates the same playlist when the same file is imported again', () => {
    addTracks(LIBRARY);
    const file = path.join(music, 'lists/mix.m3u8');
    fs.writeFileSync(file, playlistText());
    const first = importPlaylist(db, file);
    renamePlaylist(db, first.playlist.id, 'Road trip');
    fs.writeFileSync(file, '#EXTM3U\n../Artist A/Album X/02 - Song Two.flac\n');
    const again = importPlaylist(db, path.relative(process.cwd(), file));
    expect(again.created).toBe(false);
    expect(again.playlist).toMatchObject({ id: first.playlist.id, name: 'Road trip', entryCount: 1, missingCount: 0 });
    expect(listPlaylists(db)).toHaveLength(1);
    expect(playlistDetail(db, first.playlist.id)!.entries.map((e) => e.resolution)).toEqual(['relative']);
  });

  it('exports M3U8 atomically, relative under its folder, and the export reads back resolved', () => {
    const ids = addTracks(LIBRARY);
    const file = path.join(music, 'lists/mix.m3u8');
    fs.writeFileSync(file, playlistText());
    const { playlist } = importPlaylist(db, file);
    const out = path.join(music, 'out.m3u8');
    expect(exportPlaylist(db, playlist.id, out)).toEqual({ path: out, entries: 10, missing: 4 });
    expect(fs.readdirSync(music).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    const text = fs.readFileSync(out, 'utf8');
    expect(text.split('\n').slice(0, 5)).toEqual([
      '#EXTM3U',
      '#EXTINF:200,Artist A - Song One',
      'Artist A/Album X/01 - Song One.flac',
      '#EXTINF:150,Artist A - Song Two',
      'Artist A/Album X/02 - Song Two.flac',
    ]);
    expect(text).toContain('#EXTINF:240,Artist C - Twin\nC:\\Music\\Twin.mp3\n');
    expect(text).toContain('https://radio.example/stream\n');

    const back = readM3uFile(out, 'posix').entries;
    expect(back.map((e) => e.location)).toContain('new/Artist D/M/Moved.mp3');
    const reimported = importPlaylist(db, out);
    expect(reimported.counts).toEqual({ path: 0, relative: 6, tags: 0, missing: 4 });
    expect(playlistDetail(db, reimported.playlist.id)!.entries[5]!.trackId).toBe(ids.get('new/Artist D/M/Moved.mp3'));

    expect(exportPlaylist(db, 999, out)).toBeNull();
    expect(() => exportPlaylist(db, playlist.id, path.join(dir, 'no/such/folder/x.m3u8'))).toThrow(/No folder/);
    expect(() => exportPlaylist(db, playlist.id, music)).toThrow(/is a folder/);
  });

  it('writes a missing relative entry so it still points where it did', () => {
    const file = path.join(music, 'lists/rel.m3u');
    fs.writeFileSync(file, '#EXTINF:10,Nobody - Nothing\nsub/nothing.mp3\n');
    const { playlist } = importPlaylist(db, file);
    fs.mkdirSync(path.join(dir, 'elsewhere'));
    const out = path.join(dir, 'elsewhere/rel.m3u8');
    exportPlaylist(db, playlist.id, out);
    expect(fs.readFileSync(out, 'utf8')).toBe(`#EXTM3U\n#EXTINF:10,Nobody - Nothing\n${path.join(music, 'lists/sub/nothing.mp3')}\n`);
  });

  it('renames and deletes, and reports an unknown id', () => {
    const file = path.join(music, 'lists/x.m3u');
    fs.writeFileSync(file, 'a.mp3\nb.mp3\n');
    const { playlist } = importPlaylist(db, file);
    expect(renamePlaylist(db, playlist.id, '  New name ')).toMatchObject({ name: 'New name', entryCount: 2, missingCount: 2 });
    expect(() => renamePlaylist(db, playlist.id, ' ')).toThrow(/needs a name/);
    expect(renamePlaylist(db, 999, 'x')).toBeNull();
    expect(deletePlaylist(db, playlist.id)).toBe(true);
    expect(deletePlaylist(db, playlist.id)).toBe(false);
    expect(listPlaylists(db)).toEqual([]);
    expect((db.prepare('SELECT COUNT(*) AS n FROM playlist_entries').get() as { n: number }).n).toBe(0);
    expect(playlistDetail(db, playlist.id)).toBeNull();
  });
});
