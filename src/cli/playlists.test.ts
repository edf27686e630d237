import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlaylistDetail, PlaylistImportResult, PlaylistSummary } from '../shared/playlists';
import { openLibrary } from '../core/db/library';
import { jsonLines, runCli, type CliRun } from './testing/run-cli';

let dir: string;
let music: string;
let db: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-cli-playlists-'));
  music = path.join(dir, 'music');
  fs.mkdirSync(path.join(music, 'lists'), { recursive: true });
  db = path.join(dir, 'cli.sqlite');
  const library = openLibrary(db);
  const insert = library.prepare(
    `INSERT INTO tracks (path, folder, size, mtime_ms, status, title, artist, album, duration_ms, first_seen, last_seen)
     VALUES (?, ?, 1, 1, 'ok', ?, ?, ?, ?, 0, 0)`,
  );
  for (const [file, title, artist, album, ms] of [
    ['Artist A/Album X/01 - Song One.flac', 'Song One', 'Artist A', 'Album X', 200_000],
    ['Artist A/Album X/02 - Song Two.flac', 'Song Two', 'Artist A', 'Album X', 150_000],
    ['Artist B/Best Of/03 - Hello.mp3', 'Hello', 'Artist B', 'Best Of', 180_000],
  ] as const) {
    const p = path.join(music, file);
    insert.run(p, path.dirname(p), title, artist, album, ms);
  }
  library.close();
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const cli = (args: string[]): Promise<CliRun> => runCli([...args, '--db', db]);
const lines = jsonLines;

describe('npm run cli -- playlists', () => {
  it('imports, shows, exports, and the exported file imports back with every entry relative', async () => {
    const file = path.join(music, 'lists/mix.m3u');
    fs.writeFileSync(
      file,
      [
        '#EXTM3U',
        '#EXTINF:200,Artist A - Song One',
        path.join(music, 'Artist A/Album X/01 - Song One.flac'),
        '..\\Artist A\\Album X\\02 - Song Two.flac',
        '#EXTINF:179,Artist B - Hello',
        'file:///C:/Users/bob/Music/Artist%20B/Best%20Of/03%20-%20Hello.mp3',
        '../Artist A/Album X/01 - Song One.flac',
      ].join('\r\n'),
    );

    const imported = await cli(['playlists', 'import', file, '--json']);
    expect(imported.status, imported.stderr).toBe(0);
    const [result] = lines<PlaylistImportResult>(imported.stdout);
    expect(result).toMatchObject({ created: true, counts: { path: 1, relative: 2, tags: 1, missing: 0 }, missing: [] });

    const shown = await cli(['playlists', 'show', String(result!.playlist.id), '--json']);
    expect(shown.status, shown.stderr).toBe(0);
    const detail = lines<PlaylistDetail>(shown.stdout)[0]!;
    expect(detail.entries.map((e) => [e.resolution, e.track?.title])).toEqual([
      ['path', 'Song One'],
      ['relative', 'Song Two'],
      ['tags', 'Hello'],
      ['relative', 'Song One'],
    ]);

    const out = path.join(music, 'exported.m3u8');
    const exported = await cli(['playlists', 'export', String(detail.id), out]);
    expect(exported.status, exported.stderr).toBe(0);
    expect(exported.stdout).toContain(`Wrote 4 entries to ${out}`);

    const again = await cli(['playlists', 'import', out, file]);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/Imported #\d+ exported: 4 entries — 0 by path, 4 relative, 0 by tags, 0 missing/);
    expect(again.stdout).toMatch(new RegExp(`Updated #${detail.id} mix: 4 entries`));

    const listed = await cli(['playlists', '--json']);
    expect(lines<PlaylistSummary>(listed.stdout).map((p) => [p.name, p.entryCount, p.missingCount])).toEqual([
      ['exported', 4, 0],
      ['mix', 4, 0],
    ]);
  }, 120_000);

  it('reports missing entries by line, and says what is wrong with a bad file or id', async () => {
    const file = path.join(music, 'lists/gaps.m3u8');
    fs.writeFileSync(file, '#EXTM3U\n\n#EXTINF:100,Nobody - Nothing\n/nowhere/nothing.mp3\nhttp://radio.example/live\n');
    const imported = await cli(['playlists', 'import', file]);
    expect(imported.status, imported.stderr).toBe(0);
    expect(imported.stdout).toContain('0 by path, 0 relative, 0 by tags, 2 missing');
    expect(imported.stdout).toContain('missing, line 4: /nowhere/nothing.mp3');
    expect(imported.stdout).toContain('missing, line 5: http://radio.example/live (a stream URL');

    const binary = path.join(dir, 'song.mp3');
    fs.writeFileSync(binary, Buffer.from([0x49, 0x44, 0x33, 0x04, 0x00, 0x00, 0x00]));
    const bad = await cli(['playlists', 'import', path.join(dir, 'nope.m3u'), music, binary]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain(`No such file: ${path.join(dir, 'nope.m3u')}`);
    expect(bad.stderr).toContain(`${music} is a folder`);
    expect(bad.stderr).toContain(`${binary} is not a playlist: it holds binary data`);
    expect(bad.stderr).toContain('Nothing was imported.');

    const unknown = await cli(['playlists', 'show', '999']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('No playlist with id 999');
    const unknownExport = await cli(['playlists', 'export', '999', path.join(dir, 'x.m3u8')]);
    expect(unknownExport.status).toBe(2);
    expect(unknownExport.stderr).toContain('No playlist with id 999');
    const notAnId = await cli(['playlists', 'show', 'abc']);
    expect(notAnId.status).toBe(2);
    expect(notAnId.stderr).toContain("A playlist id (see 'playlists') is needed, got 'abc'");
  }, 120_000);

  it('creates a playlist and adds, moves and removes entries by the positions show prints', async () => {
    const tracks = (await cli(['tracks', '--json'])).stdout;
    const id = Object.fromEntries(lines<{ id: number; title: string }>(tracks).map((t) => [t.title, t.id]));
    const order = (run: CliRun) => {
      expect(run.status, run.stderr).toBe(0);
      return lines<PlaylistDetail>(run.stdout)[0]!.entries.map((e) => e.track!.title);
    };

    const created = await cli(['playlists', 'create', 'Road', 'Trip']);
    expect(created.status, created.stderr).toBe(0);
    const made = /^Created #(\d+) {2}Road Trip {2}\(0 entries\)$/m.exec(created.stdout);
    expect(made, created.stdout).not.toBeNull();
    const pid = made![1]!;

    // By id or by path; --at counts from 1.
    const add = [String(id['Song One']), String(id['Song Two']), path.join(music, 'Artist B/Best Of/03 - Hello.mp3')];
    expect(order(await cli(['playlists', 'add', pid, ...add, '--json']))).toEqual(['Song One', 'Song Two', 'Hello']);
    const inserted = await cli(['playlists', 'add', pid, String(id.Hello), '--at', '1']);
    expect(inserted.status, inserted.stderr).toBe(0);
    expect(inserted.stdout).toContain('Added 1 track at 1:');
    expect(inserted.stdout).toContain(`#${pid}  Road Trip  (4 entries)`);
    const shown = (await cli(['playlists', 'show', pid])).stdout;
    expect(shown).toMatch(/ {2}1\. Artist B — Hello {2}3m 00s {2}\[path\]/);
    expect(shown).toMatch(/ {2}4\. Artist B — Hello /);

    // Entries 2 and 3 (Song One, Song Two) to the end: the first of them lands at 3.
    const moved = await cli(['playlists', 'move', pid, '2-3', '--to', '3']);
    expect(moved.status, moved.stderr).toBe(0);
    expect(moved.stdout).toContain('Moved 2 entries to 3–4:');
    expect(order(await cli(['playlists', 'move', pid, '4', '--to', '1', '--json']))).toEqual(['Song Two', 'Hello', 'Hello', 'Song One']);
    const removed = await cli(['playlists', 'remove', pid, '3', '2']);
    expect(removed.status, removed.stderr).toBe(0);
    expect(removed.stdout).toContain('Removed 2 entries; the tracks stay in the library:');

    // Usage errors say what to type, exit 2, and change nothing.
    const cases: Array<[string[], string]> = [
      [['playlists', 'create'], "playlists create takes the new playlist's name"],
      [['playlists', 'add', pid, '99999'], 'No track with id 99999 in the library; nothing was added'],
      [['playlists', 'add', pid, String(id.Hello), '--at', '4'], "--at must be from 1 to 3, got '4'"],
      [['playlists', 'move', pid, '1'], 'playlists move needs --to POS'],
      [['playlists', 'move', pid, '1', '2', '--to', '2'], "--to must be from 1 to 1, got '2'"],
      [['playlists', 'remove', pid, '0'], "A position must be from 1 to 2, got '0'"],
      [['playlists', 'remove', pid, '1', '--to', '2'], '--to is for playlists move'],
    ];
    for (const [args, message] of cases) {
      const run = await cli(args);
      expect(run.status, `${args.join(' ')}: ${run.stderr}`).toBe(2);
      expect(run.stderr).toContain(message);
    }
    expect(order(await cli(['playlists', 'show', pid, '--json']))).toEqual(['Song Two', 'Song One']);
  }, 180_000);
});
