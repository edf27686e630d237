import path from 'node:path';
import type { Library } from '../db/library';
import { foldText } from '../match';

interface GroupRow {
  id: number;
  folder: string;
  album: string | null;
  album_artist: string | null;
  artist: string | null;
  mb_release_id: string | null;
  year: number | null;
  album_id: number | null;
}

/** 'CD1', 'Disc 2', 'disk_3': a medium of an album kept in its own subfolder. */
const DISC_FOLDER = /^(?:cd|dis[ck])[\s._-]*\d{1,2}$/i;

/** The folder that stands for the album: a disc subfolder belongs to its parent. */
export function albumFolder(folder: string): string {
  return DISC_FOLDER.test(path.basename(folder)) ? path.dirname(folder) : folder;
}

/**
 * Which album a track belongs to. A MusicBrainz release id is the surest
 * sign, whatever the folders; else the album tag within its folder, with the
 * album artist when the files have one (a compilation's track artists differ,
 * so the track artist is no part of it); untagged files group by folder.
 */
export function albumGroupKey(track: Pick<GroupRow, 'folder' | 'album' | 'album_artist' | 'mb_release_id'>): string {
  const release = track.mb_release_id?.trim().toLowerCase();
  if (release) return `release:${release}`;
  const folder = albumFolder(track.folder);
  const album = track.album ? foldText(track.album) : '';
  if (!album) return `folder:${folder}`;
  const albumArtist = track.album_artist ? foldText(track.album_artist) : '';
  return `album:${folder}\u0000${albumArtist}\u0000${album}`;
}

function mostCommon(values: Array<string | null>): string | null {
  const counts = new Map<string, number>();
  for (const v of values) if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: string | null = null;
  let bestCount = 0;
  for (const [v, n] of counts) {
    if (n > bestCount || (n === bestCount && best !== null && v < best)) {
      best = v;
      bestCount = n;
    }
  }
  return best;
}

export const VARIOUS_ARTISTS = 'Various Artists';

function displayArtist(rows: GroupRow[]): string | null {
  const albumArtist = mostCommon(rows.map((r) => r.album_artist));
  if (albumArtist) return albumArtist;
  const artists = new Set(rows.map((r) => (r.artist ? foldText(r.artist) : '')).filter(Boolean));
  return artists.size > 1 ? VARIOUS_ARTISTS : mostCommon(rows.map((r) => r.artist));
}

export interface GroupResult {
  albums: number;
  /** Albums that did not exist before this pass: what a scan just brought in. */
  created: number[];
  /** Tracks whose album changed. */
  moved: number;
}

/**
 * Brings the albums table in line with the tracks: every playable track gets
 * the album its key names, an album row is made for a new key and refreshed
 * for an old one. Rows are never deleted, so an album that loses its tracks
 * (a moved folder) keeps its match and artwork choice for when they return.
 * One pass over the library in one transaction; on 100k tracks well under a
 * second of SQL.
 */
export function groupAlbums(db: Library, now = Date.now()): GroupResult {
  const rows = db
    .prepare(`SELECT id, folder, album, album_artist, artist, mb_release_id, year, album_id FROM tracks WHERE status = 'ok'`)
    .all() as GroupRow[];
  const groups = new Map<string, GroupRow[]>();
  for (const row of rows) {
    const key = albumGroupKey(row);
    const members = groups.get(key);
    if (members) members.push(row);
    else groups.set(key, [row]);
  }
  const existing = new Map(
    (db.prepare('SELECT id, group_key FROM albums').all() as Array<{ id: number; group_key: string }>).map((a) => [a.group_key, a.id]),
  );
  const insert = db.prepare(
    `INSERT INTO albums (group_key, title, artist, folder, track_count, year, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const update = db.prepare(
    `UPDATE albums SET title = ?, artist = ?, folder = ?, track_count = ?, year = ?
     WHERE id = ? AND (title IS NOT ? OR artist IS NOT ? OR folder IS NOT ? OR track_count IS NOT ? OR year IS NOT ?)`,
  );
  const assign = db.prepare('UPDATE tracks SET album_id = ? WHERE id = ?');
  const result: GroupResult = { albums: groups.size, created: [], moved: 0 };
  db.transaction(() => {
    const live = new Set<number>();
    for (const [key, members] of groups) {
      const title = mostCommon(members.map((m) => m.album));
      const artist = displayArtist(members);
      const folder = albumFolder(mostCommon(members.map((m) => m.folder))!);
      const years = members.map((m) => m.year).filter((y): y is number => y !== null);
      const year = years.length > 0 ? Math.min(...years) : null;
      let id = existing.get(key);
      if (id === undefined) {
        id = Number(insert.run(key, title, artist, folder, members.length, year, now).lastInsertRowid);
        result.created.push(id);
      } else {
        update.run(title, artist, folder, members.length, year, id, title, artist, folder, members.length, year);
      }
      live.add(id);
      for (const m of members) {
        if (m.album_id === id) continue;
        assign.run(id, m.id);
        result.moved++;
      }
    }
    // Albums whose tracks all left (or went missing) show as empty, not deleted.
    const empty = db.prepare('UPDATE albums SET track_count = 0 WHERE id = ? AND track_count != 0');
    for (const id of existing.values()) if (!live.has(id)) empty.run(id);
    db.prepare(`UPDATE tracks SET album_id = NULL WHERE status != 'ok' AND album_id IS NOT NULL`).run();
  })();
  return result;
}
