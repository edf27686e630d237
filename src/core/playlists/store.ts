import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Library } from '../db/library';
import { toTrack } from '../library/queries';
import type { Track } from '../../shared/library';
import {
  RESOLUTIONS,
  type PlaylistDetail,
  type PlaylistEntry,
  type PlaylistImportResult,
  type PlaylistSummary,
  type Resolution,
  type UnresolvedEntry,
} from '../../shared/playlists';
import { classifyLocation, formatM3u8, nativeStyle, PlaylistFileError, readM3uFile, type M3uWriteEntry, type PathStyle } from './m3u';
import { TrackResolver } from './resolve';

export { PlaylistFileError, TrackResolver };

interface SummaryRow {
  id: number;
  name: string;
  source_path: string | null;
  created_at: number;
  updated_at: number;
  entry_count: number;
  missing_count: number;
}

const SUMMARY_SQL = `
  SELECT p.id, p.name, p.source_path, p.created_at, p.updated_at,
         (SELECT COUNT(*) FROM playlist_entries e WHERE e.playlist_id = p.id) AS entry_count,
         (SELECT COUNT(*) FROM playlist_entries e WHERE e.playlist_id = p.id AND e.track_id IS NULL) AS missing_count
  FROM playlists p`;

const toSummary = (r: SummaryRow): PlaylistSummary => ({
  id: r.id,
  name: r.name,
  sourcePath: r.source_path,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  entryCount: r.entry_count,
  missingCount: r.missing_count,
});

export function listPlaylists(db: Library): PlaylistSummary[] {
  return (db.prepare(`${SUMMARY_SQL} ORDER BY p.name COLLATE NOCASE, p.id`).all() as SummaryRow[]).map(toSummary);
}

export function playlistSummary(db: Library, id: number): PlaylistSummary | null {
  const row = db.prepare(`${SUMMARY_SQL} WHERE p.id = ?`).get(id) as SummaryRow | undefined;
  return row ? toSummary(row) : null;
}

export interface ImportOptions {
  /** Share one across several imports so the library's title index is built once. */
  resolver?: TrackResolver;
  style?: PathStyle;
}

/**
 * Reads an M3U/M3U8 file and stores it as a playlist, each entry tied to a
 * library track where one can be found. Importing a file imported before
 * replaces that playlist's entries and keeps its id and name.
 */
export function importPlaylist(db: Library, file: string, options: ImportOptions = {}): PlaylistImportResult {
  const source = path.resolve(file);
  const parsed = readM3uFile(source, options.style);
  const resolver = options.resolver ?? new TrackResolver(db);
  const resolved = parsed.entries.map((entry) => ({ entry, ...resolver.resolve(entry) }));

  const now = Date.now();
  let created = false;
  const id = db.transaction(() => {
    const existing = db.prepare('SELECT id FROM playlists WHERE source_path = ?').get(source) as { id: number } | undefined;
    let playlistId: number;
    if (existing) {
      playlistId = existing.id;
      db.prepare('UPDATE playlists SET updated_at = ? WHERE id = ?').run(now, playlistId);
      db.prepare('DELETE FROM playlist_entries WHERE playlist_id = ?').run(playlistId);
    } else {
      const name = parsed.name ?? path.basename(source, path.extname(source));
      playlistId = Number(
        db.prepare('INSERT INTO playlists (name, source_path, created_at, updated_at) VALUES (?, ?, ?, ?)').run(name, source, now, now)
          .lastInsertRowid,
      );
      created = true;
    }
    const insert = db.prepare(
      `INSERT INTO playlist_entries (playlist_id, position, track_id, location, line, extinf_artist, extinf_title, extinf_seconds, resolution)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    resolved.forEach(({ entry, trackId, resolution }, position) => {
      insert.run(playlistId, position, trackId, entry.location, entry.line, entry.artist, entry.title, entry.durationSeconds, resolution);
    });
    return playlistId;
  })();

  const counts = Object.fromEntries(RESOLUTIONS.map((r) => [r, 0])) as Record<Resolution, number>;
  const missing: UnresolvedEntry[] = [];
  for (const r of resolved) {
    counts[r.resolution]++;
    if (r.resolution === 'missing') missing.push({ line: r.entry.line, location: r.entry.location, reason: r.reason ?? 'not found' });
  }
  return { playlist: playlistSummary(db, id)!, created, counts, missing, problems: parsed.problems };
}

interface EntryRow {
  position: number;
  track_id: number | null;
  location: string;
  line: number | null;
  extinf_artist: string | null;
  extinf_title: string | null;
  extinf_seconds: number | null;
  resolution: Resolution;
}

export function playlistDetail(db: Library, id: number): PlaylistDetail | null {
  const summary = playlistSummary(db, id);
  if (!summary) return null;
  const rows = db.prepare('SELECT * FROM playlist_entries WHERE playlist_id = ? ORDER BY position').all(id) as EntryRow[];
  const tracks = new Map<number, Track>();
  const trackRows = db
    .prepare('SELECT * FROM tracks WHERE id IN (SELECT track_id FROM playlist_entries WHERE playlist_id = ? AND track_id IS NOT NULL)')
    .all(id) as Array<Parameters<typeof toTrack>[0]>;
  for (const row of trackRows) tracks.set(row.id, toTrack(row));
  const entries: PlaylistEntry[] = rows.map((r) => ({
    position: r.position,
    line: r.line,
    location: r.location,
    // A track row removed since the import leaves the entry without one, whatever found it then.
    resolution: r.track_id === null ? 'missing' : r.resolution,
    trackId: r.track_id,
    extinf: { artist: r.extinf_artist, title: r.extinf_title, durationSeconds: r.extinf_seconds },
    track: r.track_id === null ? null : (tracks.get(r.track_id) ?? null),
  }));
  return { ...summary, entries };
}

const stemOf = (p: string) => path.basename(p, path.extname(p));

function writeEntry(entry: PlaylistEntry, sourceDir: string | null, style: PathStyle): M3uWriteEntry {
  const { track, extinf } = entry;
  if (track) {
    return {
      location: track.path,
      artist: track.artist ?? extinf.artist,
      title: track.title ?? extinf.title ?? stemOf(track.path),
      durationSeconds: track.durationMs !== null ? track.durationMs / 1000 : extinf.durationSeconds,
    };
  }
  // A relative path meant the source file's folder; written elsewhere it must
  // still point at the same place.
  const where = sourceDir === null ? null : classifyLocation(entry.location, sourceDir, style);
  const location = where?.kind === 'relative' && where.path !== null ? where.path : entry.location;
  return { location, artist: extinf.artist, title: extinf.title, durationSeconds: extinf.durationSeconds };
}

export interface ExportResult {
  path: string;
  entries: number;
  missing: number;
}

/**
 * Writes a playlist as M3U8. The file appears whole or not at all: a player
 * watching the folder never reads half a playlist, and a failed write leaves
 * the previous file as it was.
 */
export function exportPlaylist(db: Library, id: number, outFile: string, style: PathStyle = nativeStyle()): ExportResult | null {
  const detail = playlistDetail(db, id);
  if (!detail) return null;
  const target = path.resolve(outFile);
  const dir = path.dirname(target);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new PlaylistFileError(`No folder ${dir} to write ${path.basename(target)} into`);
  if (fs.existsSync(target) && fs.statSync(target).isDirectory()) throw new PlaylistFileError(`${outFile} is a folder; give a file name such as ${path.join(outFile, `${detail.name}.m3u8`)}`);
  const sourceDir = detail.sourcePath === null ? null : path.dirname(detail.sourcePath);
  const text = formatM3u8(
    detail.entries.map((e) => writeEntry(e, sourceDir, style)),
    target,
    style,
  );
  const temp = path.join(dir, `.${path.basename(target)}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`);
  try {
    fs.writeFileSync(temp, text, { encoding: 'utf8', flag: 'wx' });
    fs.renameSync(temp, target);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw new PlaylistFileError(`Cannot write ${outFile}: ${(err as Error).message}`);
  }
  return { path: target, entries: detail.entries.length, missing: detail.entries.filter((e) => e.track === null).length };
}

export function renamePlaylist(db: Library, id: number, name: string): PlaylistSummary | null {
  const trimmed = name.trim();
  if (trimmed === '') throw new RangeError('A playlist needs a name');
  const changed = db.prepare('UPDATE playlists SET name = ?, updated_at = ? WHERE id = ?').run(trimmed, Date.now(), id).changes;
  return changed === 0 ? null : playlistSummary(db, id);
}

/** false when there was no such playlist. The tracks stay: only the list goes. */
export function deletePlaylist(db: Library, id: number): boolean {
  return db.prepare('DELETE FROM playlists WHERE id = ?').run(id).changes > 0;
}
