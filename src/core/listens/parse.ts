import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { CsvSplitter, type CsvRecord } from './csv';
import { JsonArraySplitter, type ArrayPiece } from './json-array';
import { LastfmRows } from './lastfm';
import { listenFromListenBrainz } from './listenbrainz';
import { ListenFormatError, type ListenItem, type ListenSource } from './types';

export { ListenFormatError };
export type { ListenItem, ListenProblem, ListenSource, ParsedListen } from './types';

export type ListenFormat = 'listenbrainz-json' | 'listenbrainz-jsonl' | 'lastfm-csv';

export const LISTEN_FORMATS: Record<ListenFormat, { source: ListenSource; label: string }> = {
  'listenbrainz-json': { source: 'listenbrainz', label: 'ListenBrainz export (JSON array)' },
  'listenbrainz-jsonl': { source: 'listenbrainz', label: 'ListenBrainz export (JSON Lines)' },
  'lastfm-csv': { source: 'lastfm', label: 'Last.fm scrobbles (CSV)' },
};

export const SUPPORTED_FORMATS =
  'Sleeve imports ListenBrainz exports (a .json file holding an array of listens, or the .jsonl files ' +
  'with one listen per line) and Last.fm scrobble exports (.csv, either artist,album,title,date without ' +
  'a header or with a header such as uts,utc_time,artist,album,track).';

export const ZIPPED_EXPORT =
  'This is a zipped ListenBrainz export: unzip it and import the listens .json/.jsonl files inside';

/** Enough of the file to tell the formats apart and check a JSON Lines file's first line. */
const SNIFF_BYTES = 64 * 1024;
/** Stream chunk size: large enough to be fast, small enough that memory stays flat. */
const CHUNK_BYTES = 64 * 1024;

const COMPRESSED: Array<[string, number[]]> = [
  ['gzip', [0x1f, 0x8b]],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
  ['bzip2', [0x42, 0x5a, 0x68]],
];

function startsWith(head: Buffer, bytes: number[]): boolean {
  return head.length >= bytes.length && bytes.every((b, i) => head[i] === b);
}

/**
 * Which export a file is, from its extension and first bytes. Throws a
 * ListenFormatError that says what to do for a zip, a compressed file, an
 * empty file or anything else.
 */
export async function detectListenFormat(file: string): Promise<ListenFormat> {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.zip') throw new ListenFormatError(ZIPPED_EXPORT);
  const handle = await fs.promises.open(file, 'r');
  try {
    const head = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(head, 0, SNIFF_BYTES, 0);
    return detectFromHead(path.basename(file), head.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

/** detectListenFormat on bytes already read: the file name only lends its extension. */
export function detectFromHead(name: string, head: Buffer): ListenFormat {
  const ext = path.extname(name).toLowerCase();
  if (ext === '.zip') throw new ListenFormatError(ZIPPED_EXPORT);
  if (head.length === 0) throw new ListenFormatError(`${name} is empty. ${SUPPORTED_FORMATS}`);
  // PK\3\4 starts a zip, PK\5\6 an empty one, PK\7\8 a spanned one.
  if (head[0] === 0x50 && head[1] === 0x4b && [0x03, 0x05, 0x07].includes(head[2]!)) {
    throw new ListenFormatError(ZIPPED_EXPORT);
  }
  const compressed = COMPRESSED.find(([, magic]) => startsWith(head, magic));
  if (compressed) {
    throw new ListenFormatError(`${name} is compressed (${compressed[0]}): decompress it, then import the file inside.`);
  }
  const unknown = () => new ListenFormatError(`Sleeve cannot tell what kind of file ${name} is. ${SUPPORTED_FORMATS}`);
  if (head.includes(0)) throw unknown();

  const text = head.toString('utf8').replace(/^\uFEFF/, '');
  const body = text.trimStart();
  // An extension of .csv wins: '[unknown]' is a real artist name, and it could start a CSV.
  if (ext === '.csv') return 'lastfm-csv';
  if (/^\[\s*(\{|\]|$)/.test(body)) return 'listenbrainz-json';
  if (body.startsWith('{')) {
    const newline = body.indexOf('\n');
    if (newline >= 0 && !isJsonObject(body.slice(0, newline))) {
      throw new ListenFormatError(
        `${name} starts like JSON, but its first line is not a whole listen: Sleeve reads JSON Lines ` +
          '(one listen per line, as in the listens folder of a ListenBrainz export) or a JSON array of listens.',
      );
    }
    return 'listenbrainz-jsonl';
  }
  if (['.json', '.jsonl', '.ndjson'].includes(ext)) throw unknown();
  const firstLine = body.split(/\r\n|\r|\n/, 1)[0] ?? '';
  if (firstLine.includes(',')) return 'lastfm-csv';
  throw unknown();
}

function isJsonObject(line: string): boolean {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

type Text = AsyncIterable<string> | Iterable<string>;

function fromListenBrainz(line: number, value: unknown): ListenItem {
  const result = listenFromListenBrainz(value);
  return typeof result === 'string' ? { kind: 'problem', line, reason: result } : { kind: 'listen', line, listen: result };
}

function parseJson(line: number, json: string): ListenItem {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    return { kind: 'problem', line, reason: `not valid JSON (${(err as Error).message.slice(0, 100)})` };
  }
  return fromListenBrainz(line, value);
}

/** A classic ListenBrainz export: one JSON array of listens, fed in chunks of any size. */
export async function* parseListenBrainzArray(chunks: Text): AsyncGenerator<ListenItem> {
  const splitter = new JsonArraySplitter();
  const pieces: ArrayPiece[] = [];
  const drain = function* (): Generator<ListenItem> {
    for (const piece of pieces) {
      yield 'problem' in piece ? { kind: 'problem', line: piece.line, reason: piece.problem } : parseJson(piece.line, piece.text);
    }
    pieces.length = 0;
  };
  for await (const chunk of chunks) {
    splitter.push(chunk, pieces);
    yield* drain();
  }
  splitter.end(pieces);
  yield* drain();
}

/** ListenBrainz JSON Lines (the listens/*.jsonl of the newer export): one listen per line. */
export async function* parseListenBrainzLines(lines: Text): AsyncGenerator<ListenItem> {
  let line = 0;
  for await (const raw of lines) {
    line++;
    const json = (line === 1 ? raw.replace(/^\uFEFF/, '') : raw).trim();
    if (json === '') continue;
    yield parseJson(line, json);
  }
}

/** A Last.fm scrobble CSV, headerless or with a header, fed in chunks of any size. */
export async function* parseLastfmCsv(chunks: Text): AsyncGenerator<ListenItem> {
  const splitter = new CsvSplitter();
  const rows = new LastfmRows();
  const records: CsvRecord[] = [];
  const drain = function* (): Generator<ListenItem> {
    for (const record of records) {
      const result = rows.read(record);
      if (result === null) continue;
      yield typeof result === 'string'
        ? { kind: 'problem', line: record.line, reason: result }
        : { kind: 'listen', line: record.line, listen: result };
    }
    records.length = 0;
  };
  for await (const chunk of chunks) {
    splitter.push(chunk, records);
    yield* drain();
  }
  splitter.end(records);
  yield* drain();
}

/** The listens of one export file, read as a stream; see readListens. */
export interface ListenReader extends AsyncIterable<ListenItem> {
  readonly format: ListenFormat;
  readonly source: ListenSource;
  /** Bytes of the file read so far: at most one chunk ahead of the last item yielded. */
  readonly bytesRead: number;
}

/**
 * Streams the listens of an export file in the given format, one item per
 * row: a listen or a problem with its line number. Memory stays at one chunk
 * and one row whatever the file's size. Stopping the iteration early (break,
 * return) closes the file.
 */
export function readListens(file: string, format: ListenFormat): ListenReader {
  let stream: fs.ReadStream | null = null;
  const open = () => (stream = fs.createReadStream(file, { encoding: 'utf8', highWaterMark: CHUNK_BYTES }));
  async function* items(): AsyncGenerator<ListenItem> {
    const input = open();
    try {
      if (format === 'listenbrainz-jsonl') {
        const lines = readline.createInterface({ input, crlfDelay: Infinity });
        try {
          yield* parseListenBrainzLines(lines);
        } finally {
          lines.close();
        }
      } else if (format === 'listenbrainz-json') yield* parseListenBrainzArray(input as AsyncIterable<string>);
      else yield* parseLastfmCsv(input as AsyncIterable<string>);
    } finally {
      input.destroy();
    }
  }
  return {
    format,
    source: LISTEN_FORMATS[format].source,
    get bytesRead() {
      return stream?.bytesRead ?? 0;
    },
    [Symbol.asyncIterator]: items,
  };
}

