import fs from 'node:fs';
import path from 'node:path';

/**
 * Which machine's path rules apply. A parameter rather than process.platform
 * alone, so a playlist written on Windows can be read the way a Windows
 * machine would in tests on Linux, and the other way round.
 */
export type PathStyle = 'posix' | 'win32';

export const nativeStyle = (): PathStyle => (process.platform === 'win32' ? 'win32' : 'posix');
const pathsFor = (style: PathStyle) => (style === 'win32' ? path.win32 : path.posix);

/**
 * path: an absolute path on this machine. relative: written relative to the
 * playlist, already resolved against its folder. foreign: an absolute path
 * that cannot exist here (a drive letter on Linux), only good for its names.
 * url: a stream, kept but never fetched.
 */
export type LocationKind = 'path' | 'relative' | 'foreign' | 'url';

export interface M3uEntry {
  /** 1-based line of the path (the #EXTINF line, if any, is the one before). */
  line: number;
  /** The path or URL exactly as written, trimmed. */
  location: string;
  kind: LocationKind;
  /** Absolute for path and relative; the decoded foreign path; null for a URL. */
  path: string | null;
  artist: string | null;
  title: string | null;
  /** null when the playlist gave none, or -1 / 0 (players' "unknown"). */
  durationSeconds: number | null;
}

export type PlaylistEncoding = 'utf-8' | 'windows-1252' | 'utf-16le' | 'utf-16be';

export interface M3uPlaylist {
  /** From a #PLAYLIST: line, when there is one. */
  name: string | null;
  extended: boolean;
  encoding: PlaylistEncoding;
  entries: M3uEntry[];
  problems: Array<{ line: number; reason: string }>;
}

/** The file cannot be read as a playlist at all; the message says why and what would work. */
export class PlaylistFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlaylistFileError';
  }
}

const SUPPORTED = 'Sleeve imports M3U and M3U8 playlists (.m3u, .m3u8): text files with one path or URL a line.';

const utf8 = new TextDecoder('utf-8', { fatal: true });
// Players on Windows wrote plain .m3u in the ANSI code page for decades;
// windows-1252 is a superset of Latin-1 for everything printable.
const cp1252 = new TextDecoder('windows-1252');
// Node 20's decoder for this label is plain ISO-8859-1 and leaves 0x80-0x9F
// as C1 controls; these are the characters windows-1252 has there (the five
// holes stay as they are, as the WHATWG table has them).
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

function decodeBytes(bytes: Uint8Array): { text: string; encoding: 'utf-8' | 'windows-1252' } {
  try {
    return { text: utf8.decode(bytes), encoding: 'utf-8' };
  } catch {
    const text = cp1252.decode(bytes).replace(/[\u0080-\u009f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]!);
    return { text, encoding: 'windows-1252' };
  }
}

/** The text of a playlist file: BOMs honoured, invalid UTF-8 read as windows-1252, binary refused. */
export function decodePlaylist(bytes: Uint8Array, name = 'the playlist'): { text: string; encoding: PlaylistEncoding } {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'utf-16be' };
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  // No text playlist holds a NUL; audio files, images and archives all do.
  if (body.includes(0)) throw new PlaylistFileError(`${name} is not a playlist: it holds binary data. ${SUPPORTED}`);
  const decoded = decodeBytes(body);
  const head = decoded.text.trimStart().slice(0, 200).toLowerCase();
  if (head.startsWith('[playlist]')) throw new PlaylistFileError(`${name} is a PLS playlist, which Sleeve does not read yet. ${SUPPORTED}`);
  if (head.startsWith('<?xml') || head.startsWith('<playlist')) {
    throw new PlaylistFileError(`${name} is an XML playlist (XSPF, WPL), which Sleeve does not read yet. ${SUPPORTED}`);
  }
  return decoded;
}

// Runs of %XX become bytes first, so a URI written from a Latin-1 name
// (%E9 for é) decodes as well as a UTF-8 one (%C3%A9).
function percentDecode(s: string): string {
  return s.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
    const bytes = Uint8Array.from(run.slice(1).split('%'), (h) => parseInt(h, 16));
    return decodeBytes(bytes).text;
  });
}

const URL_RE = /^([a-z][a-z0-9+.-]+):\/\//i;
const WINDOWS_ABSOLUTE_RE = /^(?:[a-z]:[\\/]|\\)/i;

function fileUrlPath(location: string): string {
  const rest = location.replace(/^file:(?:\/\/)?/i, '');
  if (!/^file:\/\//i.test(location)) return percentDecode(rest);
  const slash = rest.indexOf('/');
  const host = slash < 0 ? rest : rest.slice(0, slash);
  const decoded = percentDecode(slash < 0 ? '/' : rest.slice(slash));
  if (host !== '' && host.toLowerCase() !== 'localhost') return `\\\\${host}${decoded.replace(/\//g, '\\')}`;
  return /^\/[a-z]:/i.test(decoded) ? decoded.slice(1) : decoded;
}

/** Where a playlist line points, by this machine's rules. */
export function classifyLocation(location: string, baseDir: string, style: PathStyle = nativeStyle()): Pick<M3uEntry, 'kind' | 'path'> {
  const scheme = URL_RE.exec(location)?.[1]?.toLowerCase();
  if (scheme !== undefined && scheme !== 'file') return { kind: 'url', path: null };
  const written = scheme === 'file' || /^file:/i.test(location) ? fileUrlPath(location) : location;
  const p = pathsFor(style);
  if (style === 'win32') {
    if (p.isAbsolute(written)) return { kind: 'path', path: p.resolve(baseDir, written) };
    return { kind: 'relative', path: p.resolve(baseDir, written) };
  }
  if (WINDOWS_ABSOLUTE_RE.test(written)) return { kind: 'foreign', path: written };
  if (written.startsWith('/')) return { kind: 'path', path: p.normalize(written) };
  // A relative path written on Windows uses backslashes; here they would be part of a file name.
  return { kind: 'relative', path: p.resolve(baseDir, written.replace(/\\/g, '/')) };
}

type Extinf = Pick<M3uEntry, 'artist' | 'title' | 'durationSeconds'>;

function parseExtinf(body: string): Extinf | string {
  const duration = /^\s*(-?\d+(?:\.\d+)?)/.exec(body);
  if (!duration) return `#EXTINF needs a duration in seconds first (#EXTINF:<seconds>,<Artist> - <Title>), got '${body.slice(0, 40)}'`;
  // Attributes (tvg-name="a, b") may hold commas; the display text starts at the first comma outside quotes.
  let quoted = false;
  let comma = -1;
  for (let i = duration[0].length; i < body.length; i++) {
    if (body[i] === '"') quoted = !quoted;
    else if (body[i] === ',' && !quoted) {
      comma = i;
      break;
    }
  }
  const seconds = Number(duration[1]);
  const display = comma < 0 ? '' : body.slice(comma + 1).trim();
  const dash = display.indexOf(' - ');
  return {
    durationSeconds: seconds > 0 ? seconds : null,
    artist: dash > 0 ? display.slice(0, dash).trim() || null : null,
    title: (dash > 0 ? display.slice(dash + 3).trim() : display) || null,
  };
}

export interface ParseM3uOptions {
  /** The playlist's folder: relative paths are resolved against it. */
  baseDir: string;
  /** For messages. */
  name?: string;
  style?: PathStyle;
}

/** Reads an M3U or M3U8 playlist; never throws on a line, only on a file that is not a playlist at all. */
export function parseM3u(input: Uint8Array | string, options: ParseM3uOptions): M3uPlaylist {
  const decoded = typeof input === 'string' ? { text: input.replace(/^\uFEFF/, ''), encoding: 'utf-8' as const } : decodePlaylist(input, options.name);
  const style = options.style ?? nativeStyle();
  const playlist: M3uPlaylist = { name: null, extended: false, encoding: decoded.encoding, entries: [], problems: [] };
  let pending: { line: number; info: Extinf } | null = null;
  let seenContent = false;
  const lines = decoded.text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1;
    const text = lines[i]!.trim();
    if (text === '') continue;
    const first = !seenContent;
    seenContent = true;
    if (text.startsWith('#')) {
      if (first && /^#EXTM3U\b/i.test(text)) playlist.extended = true;
      else if (/^#EXTINF:/i.test(text)) {
        if (pending) playlist.problems.push({ line: pending.line, reason: '#EXTINF with no path after it' });
        const info = parseExtinf(text.slice('#EXTINF:'.length));
        if (typeof info === 'string') {
          playlist.problems.push({ line, reason: info });
          pending = null;
        } else pending = { line, info };
      } else if (/^#PLAYLIST:/i.test(text)) playlist.name = text.slice('#PLAYLIST:'.length).trim() || null;
      continue;
    }
    const info = pending?.info ?? { artist: null, title: null, durationSeconds: null };
    pending = null;
    playlist.entries.push({ line, location: text, ...classifyLocation(text, options.baseDir, style), ...info });
  }
  if (pending) playlist.problems.push({ line: pending.line, reason: '#EXTINF with no path after it' });
  return playlist;
}

/** parseM3u on a file, with the errors a user can act on for a path that is not a readable file. */
export function readM3uFile(file: string, style: PathStyle = nativeStyle()): M3uPlaylist {
  const absolute = path.resolve(file);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(absolute);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new PlaylistFileError(`No such file: ${file}`);
    throw new PlaylistFileError(`Cannot read ${file}: ${(err as Error).message}`);
  }
  if (stat.isDirectory()) throw new PlaylistFileError(`${file} is a folder; give the playlist file inside it. ${SUPPORTED}`);
  if (!stat.isFile()) throw new PlaylistFileError(`${file} is not a regular file. ${SUPPORTED}`);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(absolute);
  } catch (err) {
    throw new PlaylistFileError(`Cannot read ${file}: ${(err as Error).message}`);
  }
  return parseM3u(bytes, { baseDir: path.dirname(absolute), name: file, style });
}

export interface M3uWriteEntry {
  /** An absolute path, a URL, or anything else to be written as it is. */
  location: string;
  artist: string | null;
  title: string | null;
  durationSeconds: number | null;
}

const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ').trim();

/**
 * An M3U8 playlist for outFile: paths under its folder relative (so the
 * folder can move or be copied to a player as a whole), others absolute.
 */
export function formatM3u8(entries: readonly M3uWriteEntry[], outFile: string, style: PathStyle = nativeStyle()): string {
  const p = pathsFor(style);
  const dir = p.dirname(p.resolve(outFile));
  const lines = ['#EXTM3U'];
  for (const e of entries) {
    const artist = e.artist ? oneLine(e.artist) : '';
    const title = e.title ? oneLine(e.title) : '';
    if (e.durationSeconds !== null || artist || title) {
      const seconds = e.durationSeconds !== null && e.durationSeconds > 0 ? Math.round(e.durationSeconds) : -1;
      lines.push(`#EXTINF:${seconds},${artist && title ? `${artist} - ${title}` : title || artist}`);
    }
    lines.push(writtenLocation(oneLine(e.location), dir, style));
  }
  return `${lines.join('\n')}\n`;
}

function writtenLocation(location: string, dir: string, style: PathStyle): string {
  const p = pathsFor(style);
  if (URL_RE.test(location) || !p.isAbsolute(location)) return location;
  const relative = p.relative(dir, location);
  const outside = relative === '' || relative === '..' || relative.startsWith(`..${p.sep}`) || p.isAbsolute(relative);
  if (outside) return location;
  // A line starting with '#' would be read back as a comment.
  return relative.startsWith('#') ? `.${p.sep}${relative}` : relative;
}
