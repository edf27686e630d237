import type { Library } from '../db/library';
import type { PlaylistDetail } from '../../shared/playlists';
import { moveOrder, PLAYLIST_NAME_MAX, PositionError, removeOrder } from '../../shared/playlist-edits';
import { playlistDetail } from './store';

/** An edit Sleeve cannot make: the message says what to do instead. Nothing was written. */
export class PlaylistEditError extends Error {}

/** A name as stored: trimmed, not empty, at most PLAYLIST_NAME_MAX characters. */
export function playlistName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '') throw new PlaylistEditError('A playlist needs a name');
  if (trimmed.length > PLAYLIST_NAME_MAX) throw new PlaylistEditError(`A playlist name has at most ${PLAYLIST_NAME_MAX} characters; this one has ${trimmed.length}`);
  return trimmed;
}

/** A new, empty playlist made in Sleeve (no source file). */
export function createPlaylist(db: Library, name: string): PlaylistDetail {
  const stored = playlistName(name);
  const now = Date.now();
  const id = Number(
    db.prepare('INSERT INTO playlists (name, source_path, created_at, updated_at) VALUES (?, NULL, ?, ?)').run(stored, now, now).lastInsertRowid,
  );
  return playlistDetail(db, id)!;
}

const entryCount = (db: Library, playlistId: number) =>
  (db.prepare('SELECT COUNT(*) AS n FROM playlist_entries WHERE playlist_id = ?').get(playlistId) as { n: number }).n;

const exists = (db: Library, playlistId: number) => db.prepare('SELECT 1 FROM playlists WHERE id = ?').get(playlistId) !== undefined;

const touch = (db: Library, playlistId: number) => db.prepare('UPDATE playlists SET updated_at = ? WHERE id = ?').run(Date.now(), playlistId);

/**
 * Runs one edit in a transaction: null when there is no such playlist, a
 * PlaylistEditError (and nothing written) when the edit makes no sense.
 */
function edit(db: Library, playlistId: number, change: (count: number) => void): PlaylistDetail | null {
  try {
    const found = db.transaction(() => {
      if (!exists(db, playlistId)) return false;
      change(entryCount(db, playlistId));
      touch(db, playlistId);
      return true;
    })();
    return found ? playlistDetail(db, playlistId) : null;
  } catch (err) {
    if (err instanceof PositionError) throw new PlaylistEditError(err.message);
    throw err;
  }
}

/**
 * Gives the entries new positions: order[i] is the old position of the
 * entry that goes to i. Only the stretch that changes is touched, and it
 * goes through negative positions first, so no two rows ever share a
 * (playlist, position) key on the way.
 */
function renumber(db: Library, playlistId: number, order: readonly number[]): void {
  let first = 0;
  while (first < order.length && order[first] === first) first++;
  if (first === order.length) return;
  let last = order.length - 1;
  while (order[last] === last) last--;
  let lowest = Infinity;
  let highest = -Infinity;
  for (let i = first; i <= last; i++) {
    lowest = Math.min(lowest, order[i]!);
    highest = Math.max(highest, order[i]!);
  }
  db.prepare('UPDATE playlist_entries SET position = -1 - position WHERE playlist_id = ? AND position BETWEEN ? AND ?').run(playlistId, lowest, highest);
  const place = db.prepare('UPDATE playlist_entries SET position = ? WHERE playlist_id = ? AND position = ?');
  for (let i = first; i <= last; i++) place.run(i, playlistId, -1 - order[i]!);
}

interface TrackRow {
  id: number;
  path: string;
  artist: string | null;
  title: string | null;
  duration_ms: number | null;
}

/**
 * Adds library tracks, in the order given (the same track may come twice),
 * so that the first lands at position; at the end without one. Each entry
 * is written as a player would write it: the track's path, with its artist,
 * title and length as the #EXTINF.
 */
export function addTracksToPlaylist(db: Library, playlistId: number, trackIds: readonly number[], position?: number): PlaylistDetail | null {
  if (trackIds.length === 0) throw new PlaylistEditError('No tracks were given: name at least one track id');
  return edit(db, playlistId, (count) => {
    const at = position ?? count;
    if (!Number.isInteger(at) || at < 0 || at > count) {
      throw new PlaylistEditError(`Cannot insert at position ${at}: the playlist has ${count} entr${count === 1 ? 'y' : 'ies'}, so it must be from 0 to ${count}`);
    }
    const tracks = new Map<number, TrackRow>();
    const lookup = db.prepare('SELECT id, path, artist, title, duration_ms FROM tracks WHERE id = ?');
    for (const id of new Set(trackIds)) {
      const row = lookup.get(id) as TrackRow | undefined;
      if (row) tracks.set(id, row);
    }
    const unknown = [...new Set(trackIds)].filter((id) => !tracks.has(id));
    if (unknown.length > 0) {
      const shown = unknown.slice(0, 10).join(', ') + (unknown.length > 10 ? ` and ${unknown.length - 10} more` : '');
      throw new PlaylistEditError(`No track with id ${shown} in the library; nothing was added`);
    }
    // Make room: the entries from at onward step aside by the number added, through negative positions.
    db.prepare('UPDATE playlist_entries SET position = -1 - position WHERE playlist_id = ? AND position >= ?').run(playlistId, at);
    db.prepare('UPDATE playlist_entries SET position = -1 - position + ? WHERE playlist_id = ? AND position < 0').run(trackIds.length, playlistId);
    const insert = db.prepare(
      `INSERT INTO playlist_entries (playlist_id, position, track_id, location, line, extinf_artist, extinf_title, extinf_seconds, resolution)
       VALUES (?, ?, ?, ?, NULL, ?, ?, ?, 'path')`,
    );
    trackIds.forEach((id, i) => {
      const t = tracks.get(id)!;
      insert.run(playlistId, at + i, t.id, t.path, t.artist, t.title, t.duration_ms === null ? null : t.duration_ms / 1000);
    });
  });
}

/**
 * Moves the entries at positions as one block, keeping their order, so the
 * first of them lands at toPosition (counted in the playlist after the
 * move). What dragging a multi-selection does.
 */
export function moveEntries(db: Library, playlistId: number, positions: readonly number[], toPosition: number): PlaylistDetail | null {
  return edit(db, playlistId, (count) => renumber(db, playlistId, moveOrder(count, positions, toPosition)));
}

/** Removes the entries at positions; the rest close up. The tracks stay in the library. */
export function removeEntries(db: Library, playlistId: number, positions: readonly number[]): PlaylistDetail | null {
  return edit(db, playlistId, (count) => {
    const rest = removeOrder(count, positions);
    const remove = db.prepare('DELETE FROM playlist_entries WHERE playlist_id = ? AND position = ?');
    for (const p of new Set(positions)) remove.run(playlistId, p);
    renumber(db, playlistId, rest);
  });
}
