import type { CsvRecord } from './csv';
import { dateProblem, firstMbid, numberFrom, text } from './fields';
import { ListenFormatError, type ParsedListen } from './types';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

// '31 Jan 2021 12:34' (lastfm-to-csv) or '31 Jan 2021, 12:34' (other exporters), seconds optional, full month names too.
const DAY_MONTH_YEAR = /^(\d{1,2}) ([a-z]{3})[a-z]*\.? (\d{4}),? (\d{1,2}):(\d{2})(?::(\d{2}))?$/i;
const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * A Last.fm date in milliseconds, or NaN. Last.fm shows and exports times in
 * UTC, so a date without a zone is UTC. A date that does not exist
 * (31 Feb) is unreadable rather than rolled over into March.
 */
export function parseLastfmDate(value: string): number {
  const s = value.trim();
  if (/^\d{9,11}$/.test(s)) return Number(s) * 1000;
  let m = DAY_MONTH_YEAR.exec(s);
  if (m) {
    const month = MONTHS.indexOf(m[2]!.toLowerCase());
    if (month < 0) return Number.NaN;
    return utc(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
  }
  m = ISO.exec(s);
  if (m) {
    const local = utc(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
    const zone = m[7];
    if (!zone || zone.toUpperCase() === 'Z' || Number.isNaN(local)) return local;
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    return local - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return Number.NaN;
}

function utc(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
  if (hour > 23 || minute > 59 || second > 59) return Number.NaN;
  const ms = Date.UTC(year, month, day, hour, minute, second);
  const d = new Date(ms);
  // Date.UTC rolls 31 Feb over to 3 Mar; a real date comes back unchanged.
  return d.getUTCFullYear() === year && d.getUTCMonth() === month && d.getUTCDate() === day ? ms : Number.NaN;
}

/** The columns of the header form, as exported by the Last.fm export tools that write one. */
const HEADER_COLUMNS = ['uts', 'utc_time', 'artist', 'artist_mbid', 'album', 'album_mbid', 'track', 'track_mbid'] as const;
type Column = (typeof HEADER_COLUMNS)[number];

/** Which field holds which column; -1 when the file has no such column. */
type Layout = Record<Column, number>;

/**
 * Turns the records of a Last.fm scrobble CSV into listens. Two shapes are
 * read: the headerless four columns `artist,album,title,date` written by
 * lastfm-to-csv, and files with a header naming some of uts, utc_time,
 * artist, artist_mbid, album, album_mbid, track, track_mbid in any order.
 * The first record decides which.
 */
export class LastfmRows {
  /** undefined until the first record; null for the headerless form. */
  private layout: Layout | null | undefined = undefined;

  /** A listen, a reason the row cannot be used, or null for a row with nothing in it (or the header). */
  read(record: CsvRecord): ParsedListen | string | null {
    const fields = record.fields;
    if (fields.every((f) => f.trim() === '')) return null;
    if (this.layout === undefined) {
      this.layout = headerLayout(fields);
      if (this.layout) return null;
    }
    return this.layout ? fromHeaderRow(fields, this.layout) : fromPlainRow(fields);
  }
}

function headerLayout(fields: string[]): Layout | null {
  const names = fields.map((f) => f.trim().toLowerCase());
  const known = names.filter((name): name is Column => (HEADER_COLUMNS as readonly string[]).includes(name));
  // Two known names is a header: no listen has an artist called 'artist' and an album called 'album'.
  if (known.length < 2) return null;
  const layout = Object.fromEntries(HEADER_COLUMNS.map((column) => [column, names.indexOf(column)])) as Layout;
  const missing = [
    layout.artist < 0 ? 'artist' : null,
    layout.track < 0 ? 'track' : null,
    layout.uts < 0 && layout.utc_time < 0 ? 'uts or utc_time' : null,
  ].filter((name) => name !== null);
  if (missing.length > 0) {
    throw new ListenFormatError(
      `The CSV header has no ${missing.join(', no ')} column: Sleeve needs the artist, the track and the time of each scrobble. ` +
        `Columns found: ${names.join(', ')}.`,
    );
  }
  return layout;
}

function fromPlainRow(fields: string[]): ParsedListen | string {
  if (fields.length !== 4) {
    return `expected 4 columns (artist, album, title, date), found ${fields.length}`;
  }
  const [artistField, albumField, titleField, dateField] = fields as [string, string, string, string];
  return listen(artistField, titleField, albumField, dateField, null, null);
}

function fromHeaderRow(fields: string[], layout: Layout): ParsedListen | string {
  const at = (column: Column): string => (layout[column] >= 0 ? (fields[layout[column]] ?? '') : '');
  // uts (Unix seconds) is exact; utc_time is the same moment for people, used when uts is missing.
  const uts = numberFrom(at('uts'));
  const date = uts !== null ? String(uts) : at('utc_time');
  return listen(at('artist'), at('track'), at('album'), date, at('track_mbid'), at('album_mbid'), uts);
}

function listen(
  artistField: string,
  titleField: string,
  albumField: string,
  dateField: string,
  trackMbid: string | null,
  albumMbid: string | null,
  uts: number | null = null,
): ParsedListen | string {
  const artist = text(artistField);
  if (artist === null) return 'no artist name';
  const title = text(titleField);
  if (title === null) return 'no track title';
  if (dateField.trim() === '') return 'no date (a track still playing when the export was made?)';
  const listenedAt = uts !== null ? uts * 1000 : parseLastfmDate(dateField);
  const problem = dateProblem(listenedAt, dateField.trim());
  if (problem) return problem;
  return {
    listenedAt: Math.round(listenedAt),
    artist,
    title,
    album: text(albumField),
    durationMs: null,
    // Last.fm's track mbid is a MusicBrainz recording id, its album mbid a release id.
    recordingMbid: firstMbid(trackMbid),
    releaseMbid: firstMbid(albumMbid),
  };
}

