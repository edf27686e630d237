/**
 * Where a track goes in a sync folder, and names every file system a phone,
 * a USB player or a share may use will take: FAT32, exFAT, NTFS, Android MTP.
 *
 *   <Album Artist or Artist>/<Album>/<disc-track> <Title>.<ext>
 *
 * Paths here are items: relative to the folder, '/' between components.
 */

/** The byte limit of one component; FAT32 and exFAT allow 255 UTF-16 units, this leaves room for temp names. */
export const MAX_COMPONENT_BYTES = 120;

const WINDOWS_ILLEGAL = /[<>:"/\\|?*]/g;
// C0 and C1 controls, DEL, and the Unicode line and paragraph separators.
const CONTROLS = /[\p{Cc}\u2028\u2029]/gu;
// Reserved device names, with or without an extension (CON.mp3 is as bad as CON).
const RESERVED = /^(con|conin\$|conout\$|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(?=\.|$)/i;

const utf8Bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/** The longest prefix of s (whole code points) within maxBytes of UTF-8. */
function truncateBytes(s: string, maxBytes: number): string {
  if (utf8Bytes(s) <= maxBytes) return s;
  let out = '';
  let bytes = 0;
  for (const ch of s) {
    const size = utf8Bytes(ch);
    if (bytes + size > maxBytes) break;
    out += ch;
    bytes += size;
  }
  return out;
}

// Windows drops trailing dots and spaces (so 'Vol. ' and 'Vol' would clash);
// a leading dot hides the file, and Android's media scanner skips hidden folders.
const trimEnds = (s: string) => s.replace(/^[\s.]+/, '').replace(/[\s.]+$/, '');

/**
 * One path component, safe on every file system Sleeve syncs to: NFC, no
 * characters Windows refuses, no controls, no leading or trailing dots and
 * spaces, no reserved device name, at most maxBytes of UTF-8. An empty result
 * becomes fallback.
 */
export function safeComponent(name: string | null | undefined, fallback: string, maxBytes = MAX_COMPONENT_BYTES): string {
  let s = (name ?? '').normalize('NFC').replace(CONTROLS, ' ').replace(WINDOWS_ILLEGAL, '_').replace(/\s+/g, ' ');
  s = trimEnds(s);
  if (s === '') s = fallback;
  s = s.replace(RESERVED, '$1_');
  s = trimEnds(truncateBytes(s, maxBytes));
  return s === '' ? fallback : s;
}

/** A safe file extension: lower case, letters and digits only; '' for none. */
export function safeExtension(ext: string): string {
  return ext
    .replace(/^\./, '')
    .normalize('NFC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '')
    .slice(0, 16);
}

/** stem.ext as one safe component, the extension kept whole and the stem shortened to fit. */
export function safeFileName(stem: string | null | undefined, ext: string, fallback = 'Untitled', maxBytes = MAX_COMPONENT_BYTES): string {
  const e = safeExtension(ext);
  const suffix = e === '' ? '' : `.${e}`;
  return `${safeComponent(stem, fallback, maxBytes - utf8Bytes(suffix))}${suffix}`;
}

export interface LayoutTrack {
  trackId: number;
  /** The source file: its extension is the copy's, its name the title of last resort. */
  sourcePath: string;
  title: string | null;
  artist: string | null;
  albumArtist: string | null;
  album: string | null;
  trackNumber: number | null;
  discNumber: number | null;
  discTotal: number | null;
  /** Tagged as a compilation: with no album artist, its tracks share one 'Various Artists' folder. */
  compilation?: boolean;
}

const VARIOUS_ARTISTS = 'Various Artists';

function splitName(file: string): { stem: string; ext: string } {
  const base = file.split(/[\\/]/).pop() ?? file;
  const dot = base.lastIndexOf('.');
  return dot > 0 ? { stem: base.slice(0, dot), ext: base.slice(dot + 1) } : { stem: base, ext: '' };
}

const nonBlank = (s: string | null) => (s !== null && s.trim() !== '' ? s : null);

/** '01', or '1-03' on a multi-disc album; null without a track number. */
export function trackPrefix(t: Pick<LayoutTrack, 'trackNumber' | 'discNumber' | 'discTotal'>): string | null {
  if (t.trackNumber === null || !Number.isFinite(t.trackNumber) || t.trackNumber < 0) return null;
  const track = String(Math.trunc(t.trackNumber)).padStart(2, '0');
  const multiDisc = (t.discTotal ?? 0) > 1 || (t.discNumber ?? 0) > 1;
  return multiDisc && t.discNumber !== null && t.discNumber > 0 ? `${Math.trunc(t.discNumber)}-${track}` : track;
}

/** The path a track would have with no other file in the way. */
export function idealItem(t: LayoutTrack): string {
  const { stem, ext } = splitName(t.sourcePath);
  const artist = safeComponent(nonBlank(t.albumArtist) ?? (t.compilation ? VARIOUS_ARTISTS : nonBlank(t.artist)), 'Unknown Artist');
  const album = safeComponent(t.album, 'Unknown Album');
  const title = nonBlank(t.title) ?? stem;
  const prefix = trackPrefix(t);
  const file = safeFileName(prefix === null ? title : `${prefix} ${title}`, ext);
  return `${artist}/${album}/${file}`;
}

/** The playlist file's name in the folder: 'Road Trip.m3u8'. */
export function playlistFileName(name: string, n = 1): string {
  return n === 1 ? safeFileName(name, 'm3u8', 'Playlist') : withSuffix(safeFileName(name, 'm3u8', 'Playlist'), n);
}

/**
 * The item with ' (n)' before its extension, shortened to stay within the
 * byte limit; n = 1 is the item itself.
 */
export function withSuffix(item: string, n: number): string {
  if (n <= 1) return item;
  const slash = item.lastIndexOf('/');
  const dir = slash < 0 ? '' : item.slice(0, slash + 1);
  const { stem, ext } = splitName(item.slice(slash + 1));
  const tail = ` (${n})${ext === '' ? '' : `.${ext}`}`;
  const room = MAX_COMPONENT_BYTES - utf8Bytes(tail);
  return `${dir}${trimEnds(truncateBytes(stem, room)) || 'Untitled'}${tail}`;
}

/**
 * How two items compare on the file systems Sleeve syncs to: FAT, exFAT and
 * NTFS do not tell case apart, so 'ABBA/Gold' and 'Abba/Gold' are one folder.
 */
export const foldItem = (item: string) => item.normalize('NFC').toLowerCase();

const dirOf = (item: string) => {
  const slash = item.lastIndexOf('/');
  return slash < 0 ? '' : item.slice(0, slash);
};

export interface AssignOptions {
  /** The item each track had after the last sync to this folder, if any: kept while it still fits. */
  previous?: ReadonlyMap<number, string>;
  /** Items in the folder that Sleeve did not put there: never overwritten, so a track takes a suffix. */
  occupied?: (item: string, trackId: number) => boolean;
}

/**
 * One item per track, distinct (ignoring case) across all of them. Two
 * tracks with one ideal path get ' (2)', ' (3)'... in track id order, and a
 * track keeps the suffix it had before, so a later sync with other playlists
 * does not swap two files. A folder is spelt one way for every file in it.
 */
export function assignItems(tracks: readonly LayoutTrack[], options: AssignOptions = {}): Map<number, string> {
  const previous = options.previous ?? new Map<number, string>();
  const occupied = options.occupied ?? (() => false);
  // First spelling of each folder wins; folders that already hold copies keep theirs.
  const dirSpelling = new Map<string, string>();
  const spell = (dir: string) => {
    const parts = dir.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const prefix = parts.slice(0, i).join('/');
      const key = foldItem(prefix);
      const known = dirSpelling.get(key);
      if (known === undefined) dirSpelling.set(key, prefix);
      else parts.splice(0, i, ...known.split('/'));
    }
    return parts.join('/');
  };
  for (const item of previous.values()) spell(dirOf(item));

  const ideal = new Map<number, string>();
  for (const t of tracks) {
    const item = idealItem(t);
    const dir = spell(dirOf(item));
    ideal.set(t.trackId, `${dir}/${item.slice(item.lastIndexOf('/') + 1)}`);
  }

  const taken = new Set<string>();
  const out = new Map<number, string>();
  const ordered = [...tracks].sort((a, b) => a.trackId - b.trackId);
  // Tracks whose earlier copy still has the right name (suffix and all) keep it.
  for (const t of ordered) {
    const before = previous.get(t.trackId);
    const want = ideal.get(t.trackId)!;
    if (before === undefined || out.has(t.trackId)) continue;
    const key = foldItem(before);
    if (taken.has(key)) continue;
    for (let n = 1; n <= 99; n++) {
      if (foldItem(withSuffix(want, n)) === key) {
        out.set(t.trackId, before);
        taken.add(key);
        break;
      }
    }
  }
  for (const t of ordered) {
    if (out.has(t.trackId)) continue;
    const want = ideal.get(t.trackId)!;
    for (let n = 1; ; n++) {
      const candidate = withSuffix(want, n);
      const key = foldItem(candidate);
      if (taken.has(key) || occupied(candidate, t.trackId)) continue;
      out.set(t.trackId, candidate);
      taken.add(key);
      break;
    }
  }
  return out;
}
