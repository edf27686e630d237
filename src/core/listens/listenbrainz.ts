import { dateProblem, durationFrom, firstMbid, numberFrom, quote, text } from './fields';
import type { ParsedListen } from './types';

type Json = Record<string, unknown>;

function object(value: unknown): Json | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : null;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/**
 * listened_at is Unix seconds in every ListenBrainz export; a numeric string
 * or an ISO date (as some third-party exporters write) is read too.
 */
function listenedAt(value: unknown): number | string {
  const seconds = numberFrom(value);
  if (seconds !== null) return dateProblem(seconds * 1000, String(value)) ?? Math.round(seconds * 1000);
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value.trim())) {
    const ms = Date.parse(value.trim());
    return dateProblem(ms, value) ?? ms;
  }
  if (value === undefined || value === null || value === '') return 'no date (listened_at is missing)';
  return `unreadable date ${quote(typeof value === 'string' ? value : JSON.stringify(value) ?? String(value))}`;
}

/**
 * One listen from a ListenBrainz export (an element of the classic JSON
 * array, or a line of the newer JSON Lines files), or the reason it cannot
 * be used. The names are kept as the user's player submitted them; the
 * MusicBrainz ids ListenBrainz matched (mbid_mapping) win over the ones the
 * player sent (additional_info), which are more often stale or wrong.
 */
export function listenFromListenBrainz(value: unknown): ParsedListen | string {
  const listen = object(value);
  if (!listen) return `not a listen (expected an object, found ${describe(value)})`;
  const meta = object(listen.track_metadata);
  if (!meta) return 'not a listen (track_metadata is missing)';
  const info = object(meta.additional_info) ?? {};
  const mapping = object(meta.mbid_mapping) ?? {};

  const artist = text(meta.artist_name);
  if (artist === null) return 'no artist name';
  const title = text(meta.track_name);
  if (title === null) return 'no track title';
  const at = listenedAt(listen.listened_at);
  if (typeof at === 'string') return at;

  const durationMs = numberFrom(info.duration_ms);
  const durationS = numberFrom(info.duration);
  return {
    listenedAt: at,
    artist,
    title,
    album: text(meta.release_name),
    durationMs: durationFrom(durationMs) ?? durationFrom(durationS === null ? null : durationS * 1000),
    recordingMbid: firstMbid(mapping.recording_mbid, info.recording_mbid),
    releaseMbid: firstMbid(mapping.release_mbid, info.release_mbid),
  };
}
