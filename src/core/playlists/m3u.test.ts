import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatM3u8, parseM3u, PlaylistFileError, readM3uFile, type M3uWriteEntry } from './m3u';

const base = '/home/ann/Music/lists';
const parse = (text: string | Uint8Array, style: 'posix' | 'win32' = 'posix', baseDir = base) => parseM3u(text, { baseDir, style });

describe('parseM3u', () => {
  it('reads #EXTM3U, #EXTINF, comments, blank lines and CRLF, with the line of each path', () => {
    const text = [
      '#EXTM3U',
      '#PLAYLIST:Road trip',
      '# a comment',
      '',
      '#EXTINF:215,Daft Punk - One More Time',
      '/home/ann/Music/Daft Punk/Discovery/01 - One More Time.flac',
      '   ',
      '#EXTINF:-1,Untitled Thing',
      '../Other/song.mp3',
      'plain.mp3',
    ].join('\r\n');
    const p = parse(text);
    expect(p.extended).toBe(true);
    expect(p.name).toBe('Road trip');
    expect(p.problems).toEqual([]);
    expect(p.entries).toEqual([
      {
        line: 6,
        location: '/home/ann/Music/Daft Punk/Discovery/01 - One More Time.flac',
        kind: 'path',
        path: '/home/ann/Music/Daft Punk/Discovery/01 - One More Time.flac',
        artist: 'Daft Punk',
        title: 'One More Time',
        durationSeconds: 215,
      },
      { line: 9, location: '../Other/song.mp3', kind: 'relative', path: '/home/ann/Music/Other/song.mp3', artist: null, title: 'Untitled Thing', durationSeconds: null },
      { line: 10, location: 'plain.mp3', kind: 'relative', path: '/home/ann/Music/lists/plain.mp3', artist: null, title: null, durationSeconds: null },
    ]);
  });

  it('reads a plain M3U with no header, lone CR line ends, and a title holding " - "', () => {
    const p = parse('#EXTINF:100,Blur - Song 2 - 2012 Remaster\ra.mp3\rb.mp3\r');
    expect(p.extended).toBe(false);
    expect(p.entries.map((e) => [e.line, e.location, e.artist, e.title])).toEqual([
      [2, 'a.mp3', 'Blur', 'Song 2 - 2012 Remaster'],
      [3, 'b.mp3', null, null],
    ]);
  });

  it('reads #EXTINF attributes, commas inside quotes, and fractional durations', () => {
    const p = parse('#EXTM3U\n#EXTINF:61.5 tvg-name="a, b" group-title="x",Artist - Title, with comma\nx.mp3\n');
    expect(p.entries[0]).toMatchObject({ artist: 'Artist', title: 'Title, with comma', durationSeconds: 61.5 });
  });

  it('reports a malformed #EXTINF and one with no path by line, and keeps the entries', () => {
    const p = parse('#EXTM3U\n#EXTINF:abc,Artist - Title\na.mp3\n#EXTINF:10,Lost - Entry\n#EXTINF:20,B - C\nb.mp3\n#EXTINF:5,End - Less\n');
    expect(p.problems).toEqual([
      { line: 2, reason: expect.stringMatching(/duration in seconds/) },
      { line: 4, reason: '#EXTINF with no path after it' },
      { line: 7, reason: '#EXTINF with no path after it' },
    ]);
    expect(p.entries.map((e) => [e.location, e.artist, e.title])).toEqual([
      ['a.mp3', null, null],
      ['b.mp3', 'B', 'C'],
    ]);
  });

  it('strips a UTF-8 BOM, in text and in bytes', () => {
    const text = '\uFEFF#EXTM3U\n#EXTINF:1,Sigur Rós - Hoppípolla\nx.mp3\n';
    for (const input of [text, Buffer.from(text, 'utf8')]) {
      const p = parse(input);
      expect(p.extended).toBe(true);
      expect(p.entries[0]).toMatchObject({ artist: 'Sigur Rós', title: 'Hoppípolla' });
    }
  });

  it('reads invalid UTF-8 as windows-1252 (old Windows .m3u files)', () => {
    const bytes = Buffer.concat([
      Buffer.from('#EXTINF:1,Beyonc'),
      Buffer.from([0xe9]),
      Buffer.from(' - Caf'),
      Buffer.from([0xe9, 0x20, 0x80]),
      Buffer.from('\nM:\\M'),
      Buffer.from([0xfc]),
      Buffer.from('sik\\x.mp3\n'),
    ]);
    const p = parse(bytes);
    expect(p.encoding).toBe('windows-1252');
    expect(p.entries[0]).toMatchObject({ artist: 'Beyoncé', title: 'Café €', location: 'M:\\Müsik\\x.mp3' });
    expect(parse(Buffer.from('#EXTINF:1,Beyoncé - Café\nx.mp3\n', 'utf8')).encoding).toBe('utf-8');
  });

  it('reads a UTF-16 file with its BOM', () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('#EXTM3U\r\n#EXTINF:3,Å - Ö\r\nx.mp3\r\n', 'utf16le')]);
    expect(parse(bytes).entries[0]).toMatchObject({ artist: 'Å', title: 'Ö', location: 'x.mp3' });
  });

  it('keeps Windows paths as foreign on Linux and resolves them on Windows', () => {
    const text = 'C:\\Music\\a.mp3\nD:/Music/b.mp3\n\\\\nas\\share\\c.mp3\nSub\\Dir\\d.mp3\n';
    expect(parse(text).entries.map((e) => [e.kind, e.path])).toEqual([
      ['foreign', 'C:\\Music\\a.mp3'],
      ['foreign', 'D:/Music/b.mp3'],
      ['foreign', '\\\\nas\\share\\c.mp3'],
      ['relative', '/home/ann/Music/lists/Sub/Dir/d.mp3'],
    ]);
    expect(parse(text, 'win32', 'E:\\Lists').entries.map((e) => [e.kind, e.path])).toEqual([
      ['path', 'C:\\Music\\a.mp3'],
      ['path', 'D:\\Music\\b.mp3'],
      ['path', '\\\\nas\\share\\c.mp3'],
      ['relative', 'E:\\Lists\\Sub\\Dir\\d.mp3'],
    ]);
  });

  it('percent-decodes file:// URIs (UTF-8 and Latin-1 escapes), local, Windows and on a host', () => {
    const text = [
      'file:///home/ann/My%20Music/caf%C3%A9.mp3',
      'file://localhost/home/ann/caf%E9.mp3',
      'file:///C:/Music/A%20B.mp3',
      'file://nas/share/x%23y.mp3',
      'FILE:///home/ann/%2523.mp3',
    ].join('\n');
    expect(parse(text).entries.map((e) => [e.kind, e.path])).toEqual([
      ['path', '/home/ann/My Music/café.mp3'],
      ['path', '/home/ann/café.mp3'],
      ['foreign', 'C:/Music/A B.mp3'],
      ['foreign', '\\\\nas\\share\\x#y.mp3'],
      ['path', '/home/ann/%23.mp3'],
    ]);
  });

  it('keeps http(s) and other stream URLs as URLs', () => {
    const p = parse('#EXTINF:-1,Radio - Live\nhttps://radio.example/stream?x=1\nhttp://a.example/b.mp3\nrtsp://c.example/d\n');
    expect(p.entries.map((e) => [e.kind, e.path, e.location])).toEqual([
      ['url', null, 'https://radio.example/stream?x=1'],
      ['url', null, 'http://a.example/b.mp3'],
      ['url', null, 'rtsp://c.example/d'],
    ]);
    expect(p.entries[0]).toMatchObject({ artist: 'Radio', title: 'Live' });
  });

  it('refuses binary files and says what PLS and XSPF files are', () => {
    expect(() => parse(Buffer.from([0x49, 0x44, 0x33, 0x04, 0x00, 0x00]))).toThrow(/binary data/);
    expect(() => parse(Buffer.from('[playlist]\nFile1=a.mp3\n'))).toThrow(/PLS playlist/);
    expect(() => parse(Buffer.from('<?xml version="1.0"?><playlist/>'))).toThrow(/XML playlist/);
  });
});

describe('readM3uFile', () => {
  let dir: string;
  beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-m3u-'))));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('resolves relative paths against the file, and names a missing file, a folder and a binary file', () => {
    const file = path.join(dir, 'list.m3u');
    fs.writeFileSync(file, 'a/b.mp3\n');
    expect(readM3uFile(file, 'posix').entries[0]!.path).toBe(path.join(dir, 'a/b.mp3'));
    expect(() => readM3uFile(path.join(dir, 'nope.m3u'))).toThrow(new PlaylistFileError(`No such file: ${path.join(dir, 'nope.m3u')}`));
    expect(() => readM3uFile(dir)).toThrow(/is a folder/);
    fs.writeFileSync(path.join(dir, 'song.mp3'), Buffer.from([0xff, 0xfb, 0x90, 0x00, 0x00]));
    expect(() => readM3uFile(path.join(dir, 'song.mp3'))).toThrow(/binary data/);
  });
});

describe('formatM3u8', () => {
  const entries: M3uWriteEntry[] = [
    { location: '/music/Artist/Album/01 - Song.flac', artist: 'Artist', title: 'Song', durationSeconds: 201 },
    { location: '/music/#1 Hits/x.mp3', artist: null, title: 'X', durationSeconds: null },
    { location: '/elsewhere/Ünïcode név.mp3', artist: 'Ärtist', title: 'Tïtle - Remix', durationSeconds: 60 },
    { location: 'https://radio.example/stream', artist: 'Radio', title: 'Live', durationSeconds: null },
    { location: '/music/Artist/Album/01 - Song.flac', artist: 'Artist', title: 'Song', durationSeconds: 201 },
  ];

  it('writes #EXTM3U, #EXTINF and paths relative under the folder, absolute elsewhere', () => {
    expect(formatM3u8(entries, '/music/list.m3u8', 'posix')).toBe(
      [
        '#EXTM3U',
        '#EXTINF:201,Artist - Song',
        'Artist/Album/01 - Song.flac',
        '#EXTINF:-1,X',
        './#1 Hits/x.mp3',
        '#EXTINF:60,Ärtist - Tïtle - Remix',
        '/elsewhere/Ünïcode név.mp3',
        '#EXTINF:-1,Radio - Live',
        'https://radio.example/stream',
        '#EXTINF:201,Artist - Song',
        'Artist/Album/01 - Song.flac',
        '',
      ].join('\n'),
    );
  });

  it('round-trips: what it writes parses back to the same entries', () => {
    const text = formatM3u8(entries, '/music/list.m3u8', 'posix');
    const back = parseM3u(Buffer.from(text, 'utf8'), { baseDir: '/music', style: 'posix' }).entries;
    expect(back.map((e) => ({ location: e.path ?? e.location, artist: e.artist, title: e.title, durationSeconds: e.durationSeconds }))).toEqual(entries);
  });

  it('uses the native separators of Windows there', () => {
    const text = formatM3u8([{ location: 'D:\\Music\\a.mp3', artist: null, title: null, durationSeconds: null }], 'D:\\Music\\l.m3u8', 'win32');
    expect(text).toBe('#EXTM3U\na.mp3\n');
  });
});
