import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  detectFromHead,
  detectListenFormat,
  ListenFormatError,
  parseLastfmCsv,
  parseListenBrainzArray,
  readListens,
  ZIPPED_EXPORT,
  type ListenFormat,
  type ListenItem,
  type ParsedListen,
} from './parse';
import { parseLastfmDate } from './lastfm';

const testdata = fileURLToPath(new URL('./testdata/', import.meta.url));
const fixture = (name: string) => path.join(testdata, name);

async function collect(items: AsyncIterable<ListenItem>) {
  const all: ListenItem[] = [];
  for await (const item of items) all.push(item);
  return {
    all,
    listens: all.flatMap((item) => (item.kind === 'listen' ? [item.listen] : [])),
    problems: all.flatMap((item) => (item.kind === 'problem' ? [{ line: item.line, reason: item.reason }] : [])),
    lines: all.map((item) => item.line),
  };
}

const readFixture = async (name: string, format?: ListenFormat) =>
  collect(readListens(fixture(name), format ?? (await detectListenFormat(fixture(name)))));

/** The same text cut into pieces of the given sizes, in turn: splits land inside strings, escapes and CRLFs. */
function* cut(text: string, sizes: number[]): Generator<string> {
  let at = 0;
  for (let i = 0; at < text.length; i++) {
    const size = sizes[i % sizes.length]!;
    yield text.slice(at, at + size);
    at += size;
  }
}

const listen = (fields: Partial<ParsedListen>): ParsedListen => ({
  listenedAt: 0,
  artist: '',
  title: '',
  album: null,
  durationMs: null,
  recordingMbid: null,
  releaseMbid: null,
  ...fields,
});

describe('ListenBrainz JSON array', () => {
  it('reads nested objects, escapes and unicode, prefers mbid_mapping ids, and reports bad rows by line', async () => {
    const { listens, problems, lines } = await readFixture('listenbrainz.json');
    expect(listens).toEqual([
      listen({
        listenedAt: 1612096440000,
        artist: 'Sigur Rós',
        title: 'Hoppípolla',
        album: 'Takk...',
        durationMs: 268000,
        recordingMbid: '22222222-2222-4222-8222-222222222222',
        releaseMbid: '33333333-3333-4333-8333-333333333333',
      }),
      listen({
        listenedAt: 1612096700000,
        artist: 'The "Quoted" Band',
        title: 'Back\\slash & été 🎵',
        durationMs: 201500,
        releaseMbid: '44444444-4444-4444-8444-444444444444',
      }),
      listen({ listenedAt: 1612096900000, artist: '坂本龍一', title: 'Merry Christmas Mr. Lawrence', album: 'Coda' }),
    ]);
    expect(problems).toEqual([
      { line: 27, reason: 'no artist name' },
      { line: 28, reason: 'unreadable date "yesterday"' },
    ]);
    expect(lines).toEqual([2, 26, 27, 28, 29]);
  });

  it('gives the same answer however the text is cut into chunks', async () => {
    const text = fs.readFileSync(fixture('listenbrainz.json'), 'utf8');
    const whole = await collect(parseListenBrainzArray([text]));
    for (const sizes of [[1], [2, 3], [7, 1, 13], [64]]) {
      expect(await collect(parseListenBrainzArray(cut(text, sizes)))).toEqual(whole);
    }
  });

  it('keeps the listens of a file cut short, and says where it stops', async () => {
    const text = fs.readFileSync(fixture('listenbrainz.json'), 'utf8');
    const truncated = text.slice(0, text.indexOf('坂本龍一'));
    const { listens, problems } = await collect(parseListenBrainzArray([truncated]));
    expect(listens).toHaveLength(2);
    expect(problems.at(-1)).toEqual({ line: 29, reason: 'the file ends in the middle of this listen (is it cut short?)' });
  });

  it('turns an element that is not JSON into a problem and reads on', async () => {
    const text = '[\n{"listened_at": 1, "track_metadata": {"artist_name": "A", "track_name": "B"}},\n{"listened_at": 2, oops},\n' +
      '{"listened_at": 3, "track_metadata": {"artist_name": "C", "track_name": "D"}}\n]';
    const { listens, problems } = await collect(parseListenBrainzArray([text]));
    expect(listens.map((l) => l.artist)).toEqual(['A', 'C']);
    expect(problems).toEqual([{ line: 3, reason: expect.stringMatching(/^not valid JSON/) }]);
  });
});

describe('ListenBrainz JSON Lines', () => {
  it('reads one listen per line, CRLF and blank lines included', async () => {
    const { listens, problems } = await readFixture('listenbrainz.jsonl');
    expect(listens).toEqual([
      listen({
        listenedAt: 1700000000000,
        artist: 'Björk',
        title: 'Jóga',
        album: 'Homogenic',
        durationMs: 305000,
        recordingMbid: '55555555-5555-4555-8555-555555555555',
      }),
      listen({ listenedAt: 1700000100000, artist: 'Massive Attack', title: 'Teardrop', releaseMbid: '66666666-6666-4666-8666-666666666666' }),
      listen({ listenedAt: 1700000300000, artist: 'Portishead', title: 'Roads' }),
    ]);
    expect(problems).toEqual([
      { line: 4, reason: expect.stringMatching(/^not valid JSON/) },
      { line: 5, reason: 'not a listen (expected an object, found an array)' },
    ]);
  });
});

describe('Last.fm CSV', () => {
  it('reads the headerless artist,album,title,date form with proper quoting', async () => {
    const { listens, problems } = await readFixture('lastfm-plain.csv');
    expect(listens).toEqual([
      listen({ listenedAt: Date.UTC(2021, 0, 31, 12, 34), artist: 'Radiohead', title: 'Paranoid Android', album: 'OK Computer' }),
      listen({ listenedAt: Date.UTC(2021, 0, 31, 12, 40), artist: 'Crosby, Stills, Nash & Young', title: 'Teach Your Children', album: 'Déjà Vu' }),
      listen({ listenedAt: Date.UTC(2021, 1, 1, 9, 5), artist: 'The "Band"', title: 'A title\nover two lines', album: 'Album, with comma' }),
      listen({ listenedAt: Date.UTC(2021, 1, 2, 23, 59), artist: 'Air', title: "La Femme d'Argent", album: 'Moon Safari' }),
    ]);
    expect(problems).toEqual([
      { line: 5, reason: 'no track title' },
      { line: 6, reason: 'no date (a track still playing when the export was made?)' },
      { line: 7, reason: 'unreadable date "31 Feb 2021 10:00"' },
      { line: 8, reason: 'expected 4 columns (artist, album, title, date), found 3' },
      { line: 9, reason: 'no artist name' },
    ]);
  });

  it('reads the header form in any column order, with BOM, CRLF and MBIDs', async () => {
    const { listens, problems } = await readFixture('lastfm-header.csv');
    expect(listens).toEqual([
      listen({
        listenedAt: 1612137600000,
        artist: 'Aphex Twin',
        title: 'Windowlicker',
        album: 'Windowlicker',
        recordingMbid: '77777777-7777-4777-8777-777777777777',
        releaseMbid: '88888888-8888-4888-8888-888888888888',
      }),
      listen({ listenedAt: Date.UTC(2021, 1, 1, 0, 5), artist: 'The Beatles', title: 'Hello, Goodbye', album: 'Magical Mystery Tour' }),
      listen({ listenedAt: 1612138000000, artist: 'Nick Cave & The Bad Seeds', title: 'Quote "inside"' }),
    ]);
    expect(problems).toEqual([{ line: 5, reason: 'unreadable date "not a date"' }]);
  });

  it('gives the same answer however the text is cut into chunks', async () => {
    for (const name of ['lastfm-plain.csv', 'lastfm-header.csv']) {
      const text = fs.readFileSync(fixture(name), 'utf8');
      const whole = await collect(parseLastfmCsv([text]));
      for (const sizes of [[1], [2, 5], [3, 1, 11]]) expect(await collect(parseLastfmCsv(cut(text, sizes)))).toEqual(whole);
    }
  });

  it('says which columns a header lacks', async () => {
    await expect(collect(parseLastfmCsv(['artist,album,track\nA,B,C\n']))).rejects.toThrow(/no uts or utc_time column/);
  });

  it('reads the date shapes Last.fm exporters write, in UTC, and refuses dates that do not exist', () => {
    expect(parseLastfmDate('31 Jan 2021 12:34')).toBe(Date.UTC(2021, 0, 31, 12, 34));
    expect(parseLastfmDate('1 February 2021, 07:08:09')).toBe(Date.UTC(2021, 1, 1, 7, 8, 9));
    expect(parseLastfmDate('2021-01-31T12:34:00Z')).toBe(Date.UTC(2021, 0, 31, 12, 34));
    expect(parseLastfmDate('2021-01-31 14:34+02:00')).toBe(Date.UTC(2021, 0, 31, 12, 34));
    expect(parseLastfmDate('1612096440')).toBe(1612096440000);
    expect(parseLastfmDate('29 Feb 2021 10:00')).toBeNaN();
    expect(parseLastfmDate('31 Jan 2021 24:00')).toBeNaN();
    expect(parseLastfmDate('31 Foo 2021 12:00')).toBeNaN();
    expect(parseLastfmDate('')).toBeNaN();
  });
});

describe('detectListenFormat', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-listens-detect-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, content: string | Buffer) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    return file;
  };

  it('tells the fixtures apart', async () => {
    expect(await detectListenFormat(fixture('listenbrainz.json'))).toBe('listenbrainz-json');
    expect(await detectListenFormat(fixture('listenbrainz.jsonl'))).toBe('listenbrainz-jsonl');
    expect(await detectListenFormat(fixture('lastfm-plain.csv'))).toBe('lastfm-csv');
    expect(await detectListenFormat(fixture('lastfm-header.csv'))).toBe('lastfm-csv');
  });

  it('goes by content when the extension says nothing', async () => {
    expect(await detectListenFormat(write('a', '\uFEFF  [\n  {"listened_at": 1}]'))).toBe('listenbrainz-json');
    expect(await detectListenFormat(write('b.txt', '[]'))).toBe('listenbrainz-json');
    expect(await detectListenFormat(write('c.json', '{"listened_at": 1}\n{"listened_at": 2}\n'))).toBe('listenbrainz-jsonl');
    // '[unknown]' is a real MusicBrainz artist: a CSV that starts with it is still a CSV.
    expect(await detectListenFormat(write('d.txt', '[unknown],Album,Title,31 Jan 2021 12:34\n'))).toBe('lastfm-csv');
    expect(await detectListenFormat(write('e', 'uts,artist,track\n1,A,B\n'))).toBe('lastfm-csv');
  });

  it('explains a zipped export, by extension or by its first bytes', async () => {
    await expect(detectListenFormat(fixture('zip-magic.json'))).rejects.toThrow(ZIPPED_EXPORT);
    await expect(detectListenFormat(write('export.zip', 'anything'))).rejects.toThrow(ZIPPED_EXPORT);
    await expect(detectListenFormat(fixture('zip-magic.json'))).rejects.toBeInstanceOf(ListenFormatError);
  });

  it('names the supported formats for anything else', async () => {
    await expect(detectListenFormat(write('x.bin', Buffer.from([0, 1, 2, 3])))).rejects.toThrow(/ListenBrainz exports .* Last\.fm scrobble exports/);
    await expect(detectListenFormat(write('notes.txt', 'just some words\n'))).rejects.toThrow(/cannot tell what kind of file notes\.txt is/);
    await expect(detectListenFormat(write('y.json', 'null'))).rejects.toThrow(/cannot tell/);
    await expect(detectListenFormat(write('empty.csv', ''))).rejects.toThrow(/empty\.csv is empty/);
    await expect(detectListenFormat(write('z.gz', Buffer.from([0x1f, 0x8b, 8, 0])))).rejects.toThrow(/compressed \(gzip\)/);
    expect(() => detectFromHead('pretty.json', Buffer.from('{\n  "listened_at": 1\n}\n'))).toThrow(/first line is not a whole listen/);
  });
});
