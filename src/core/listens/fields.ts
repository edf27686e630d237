/** Field clean-up shared by every export format. */

const MBID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Latest date accepted: later ones are almost always seconds taken for milliseconds. */
const LATEST_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * The first value that has the shape of a MusicBrainz id, lower-cased so the
 * same id always compares equal; exports carry placeholders ('', 'null', '0').
 */
export function firstMbid(...candidates: unknown[]): string | null {
  for (const candidate of candidates) {
    if (typeof candidate !== 'string') continue;
    const trimmed = candidate.trim();
    if (MBID.test(trimmed)) return trimmed.toLowerCase();
  }
  return null;
}

/** Trimmed text, or null when there is none: an empty album is no album. */
export function text(value: unknown): string | null {
  if (typeof value === 'string') {
    const trimmed = value.trim();
    return trimmed.length > 0 ? trimmed : null;
  }
  // Some scrobblers send numbers for names (a band called 1975, a track called 22).
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

/** A number from a number or a numeric string; exports are not consistent about which. */
export function numberFrom(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return null;
}

/** A positive duration in whole milliseconds, or null. */
export function durationFrom(ms: number | null): number | null {
  if (ms === null || !(ms > 0)) return null;
  return Math.round(ms);
}

/** Why a date in milliseconds cannot be stored, or null when it can. */
export function dateProblem(ms: number, shown: string): string | null {
  if (!Number.isFinite(ms)) return `unreadable date ${quote(shown)}`;
  if (ms < 0 || ms > LATEST_MS) return `date out of range ${quote(shown)}`;
  return null;
}

/** A value quoted for a problem message, cut short so one bad row cannot flood the log. */
export function quote(value: string): string {
  const short = value.length > 60 ? `${value.slice(0, 57)}…` : value;
  return JSON.stringify(short);
}
