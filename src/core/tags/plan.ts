/**
 * What a write would put in each file, from what Sleeve knows: the album's
 * match (track_matches), the years, the chosen cover. The preview compares it
 * with the tags as last scanned; the writer compares it with the file itself
 * just before writing, so a value the scan could not see is still caught.
 */
import type { Library } from '../db/library';
import { readSetting, writeSetting } from '../db/settings';
import {
  DEFAULT_WRITE_SETTINGS,
  MULTI_VALUE_SEPARATOR,
  WRITE_FIELDS,
  type FieldChange,
  type TagValues,
  type WriteField,
  type WritePreview,
  type WritePreviewFile,
  type WriteRequest,
  type WriteScope,
  type WriteSettings,
} from '../../shared/write-back';
import { sameValue, writableFormatOf } from './fields';

const SETTINGS_KEY = 'writeBack';

export function loadWriteSettings(db: Library): WriteSettings {
  const saved = readSetting<Partial<WriteSettings>>(db, SETTINGS_KEY) ?? {};
  const fields = (saved.fields ?? DEFAULT_WRITE_SETTINGS.fields).filter((f) => (WRITE_FIELDS as readonly string[]).includes(f));
  return { ...DEFAULT_WRITE_SETTINGS, ...saved, fields };
}

export function saveWriteSettings(db: Library, settings: WriteSettings): WriteSettings {
  writeSetting(db, SETTINGS_KEY, settings);
  return loadWriteSettings(db);
}

export function effectiveSettings(db: Library, request: Pick<WriteRequest, 'settings'>): WriteSettings {
  return { ...loadWriteSettings(db), ...(request.settings ?? {}) };
}

interface PlanRow {
  id: number;
  path: string;
  folder: string;
  status: string;
  size: number;
  mtime_ms: number;
  album_id: number | null;
  format: string | null;
  title: string | null;
  artist: string | null;
  album: string | null;
  album_artist: string | null;
  track_no: number | null;
  disc_no: number | null;
  tag_year: number | null;
  tag_original_year: number | null;
  year: number | null;
  year_source: string | null;
  album_year: number | null;
  genre: string | null;
  isrc: string | null;
  mb_recording_id: string | null;
  mb_track_id: string | null;
  mb_release_id: string | null;
  mb_release_group_id: string | null;
  mb_artist_ids: string | null;
  mb_album_artist_ids: string | null;
  has_art: number;
  art_choice: string | null;
  embedded_art: string | null;
  m_title: string | null;
  m_artist: string | null;
  m_album: string | null;
  m_album_artist: string | null;
  m_track_no: number | null;
  m_disc_no: number | null;
  m_isrc: string | null;
  m_genres: string | null;
  m_recording_id: string | null;
  m_track_id: string | null;
  m_release_id: string | null;
  m_release_group_id: string | null;
  m_artist_ids: string | null;
  m_album_artist_ids: string | null;
}

const PLAN_SELECT = `
  SELECT t.id, t.path, t.folder, t.status, t.size, t.mtime_ms, t.album_id, t.format, t.title, t.artist, t.album, t.album_artist,
         t.track_no, t.disc_no, t.tag_year, t.tag_original_year, t.year, t.year_source, t.album_year, t.genre, t.isrc,
         t.mb_recording_id, t.mb_track_id, t.mb_release_id, t.mb_release_group_id, t.mb_artist_ids, t.mb_album_artist_ids, t.has_art,
         a.art_choice,
         (SELECT c.content_hash FROM art_candidates c WHERE c.album_id = t.album_id AND c.source = 'embedded' ORDER BY c.id LIMIT 1) AS embedded_art,
         m.title AS m_title, m.artist AS m_artist, m.album AS m_album, m.album_artist AS m_album_artist, m.track_no AS m_track_no,
         m.disc_no AS m_disc_no, m.isrc AS m_isrc, m.genres AS m_genres, m.mb_recording_id AS m_recording_id, m.mb_track_id AS m_track_id,
         m.mb_release_id AS m_release_id, m.mb_release_group_id AS m_release_group_id, m.mb_artist_ids AS m_artist_ids,
         m.mb_album_artist_ids AS m_album_artist_ids
  FROM tracks t
  LEFT JOIN albums a ON a.id = t.album_id
  LEFT JOIN track_matches m ON m.track_id = t.id`;

const list = (json: string | null): string | null => {
  if (!json) return null;
  try {
    const values = (JSON.parse(json) as unknown[]).filter((v): v is string => typeof v === 'string' && v.trim() !== '');
    return values.length > 0 ? values.join(MULTI_VALUE_SEPARATOR) : null;
  } catch {
    return null;
  }
};
const str = (n: number | null | undefined) => (n === null || n === undefined || n <= 0 ? null : String(n));
const text = (s: string | null | undefined) => (s && s.trim() !== '' ? s : null);

/**
 * The values Sleeve would write. The year tag ('date') gets the year of the
 * release in hand, as Picard writes it, or the year the user set by hand;
 * where the file has no year at all, the original year fills it. The
 * original year goes to its own tag whenever a lookup or the user found it.
 */
function proposedValues(row: PlanRow): TagValues {
  const values: TagValues = {};
  const set = (field: WriteField, value: string | null) => {
    if (value !== null) values[field] = value;
  };
  set('title', text(row.m_title));
  set('artist', text(row.m_artist));
  set('album', text(row.m_album));
  set('albumArtist', text(row.m_album_artist));
  set('track', str(row.m_track_no));
  set('disc', str(row.m_disc_no));
  set('isrc', text(row.m_isrc));
  set('genre', list(row.m_genres));
  set('mbRecordingId', text(row.m_recording_id));
  set('mbTrackId', text(row.m_track_id));
  set('mbReleaseId', text(row.m_release_id));
  set('mbReleaseGroupId', text(row.m_release_group_id));
  set('mbArtistId', list(row.m_artist_ids));
  set('mbAlbumArtistId', list(row.m_album_artist_ids));
  const looked = row.year_source !== null && row.year_source !== 'tag';
  if (row.year_source === 'user') set('year', str(row.year));
  else if (row.album_year) set('year', str(row.album_year));
  else if (looked && row.tag_year === null) set('year', str(row.year));
  if (looked) set('originalYear', str(row.year));
  set('cover', text(row.art_choice));
  return values;
}

/** The tags as last scanned, in write-field terms. The cover is the album's embedded picture, when known. */
function scannedValues(row: PlanRow): TagValues {
  const values: TagValues = {};
  const set = (field: WriteField, value: string | null) => {
    if (value !== null) values[field] = value;
  };
  set('title', text(row.title));
  set('artist', text(row.artist));
  set('album', text(row.album));
  set('albumArtist', text(row.album_artist));
  set('track', str(row.track_no));
  set('disc', str(row.disc_no));
  set('year', str(row.tag_year));
  set('originalYear', str(row.tag_original_year));
  set('isrc', text(row.isrc));
  set('genre', text(row.genre));
  set('mbRecordingId', text(row.mb_recording_id));
  set('mbTrackId', text(row.mb_track_id));
  set('mbReleaseId', text(row.mb_release_id));
  set('mbReleaseGroupId', text(row.mb_release_group_id));
  set('mbArtistId', list(row.mb_artist_ids));
  set('mbAlbumArtistId', list(row.mb_album_artist_ids));
  if (row.has_art === 1) values.cover = row.embedded_art ?? 'embedded';
  return values;
}

/**
 * Only what Sleeve knows is ever written: a field it has no value for is left
 * as the file has it, never cleared.
 */
export function changesBetween(old: TagValues, proposed: TagValues, fields: readonly WriteField[]): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const field of fields) {
    const value = proposed[field];
    if (value === undefined) continue;
    if (sameValue(field, old[field], value)) continue;
    changes.push({ field, old: old[field] ?? null, new: value });
  }
  return changes;
}

export interface PlannedFile {
  trackId: number;
  albumId: number | null;
  path: string;
  folder: string;
  /** The file as the scan saw it. */
  size: number;
  mtimeMs: number;
  proposed: TagValues;
  preview: WritePreviewFile;
}

function scopeWhere(scope: WriteScope): { sql: string; args: number[] } {
  switch (scope.kind) {
    case 'all':
      return { sql: '1 = 1', args: [] };
    case 'albums':
      return { sql: `t.album_id IN (${scope.albumIds.map(() => '?').join(', ') || 'NULL'})`, args: scope.albumIds };
    case 'tracks':
      return { sql: `t.id IN (${scope.trackIds.map(() => '?').join(', ') || 'NULL'})`, args: scope.trackIds };
  }
}

/** Rows are read this many at a time, by id, so a library of any size is planned in bounded memory and no read is held open while the writer writes. */
const PLAN_CHUNK = 500;

function plannedFrom(row: PlanRow, fields: readonly WriteField[]): PlannedFile {
  const proposed = proposedValues(row);
  const changes = changesBetween(scannedValues(row), proposed, fields);
  const problem =
    row.status === 'missing'
      ? 'the file is missing since the last scan'
      : writableFormatOf(row.path) === null
        ? `Sleeve does not write tags to ${row.format ?? 'these'} files yet`
        : null;
  return {
    trackId: row.id,
    albumId: row.album_id,
    path: row.path,
    folder: row.folder,
    size: row.size,
    mtimeMs: row.mtime_ms,
    proposed,
    preview: {
      trackId: row.id,
      albumId: row.album_id,
      path: row.path,
      title: row.title,
      artist: row.artist,
      album: row.album,
      format: row.format,
      changes,
      problem: changes.length > 0 ? problem : null,
    },
  };
}

/** Every file in scope, in id order (the order the scan met them), with what would change in it. */
export function* plannedFiles(db: Library, request: WriteRequest): Generator<PlannedFile> {
  const settings = effectiveSettings(db, request);
  const excluded = new Set(request.excludeTrackIds ?? []);
  const where = scopeWhere(request.scope);
  const chunk = db.prepare(`${PLAN_SELECT} WHERE t.status != 'failed' AND t.id > ? AND ${where.sql} ORDER BY t.id LIMIT ${PLAN_CHUNK}`);
  let after = 0;
  for (;;) {
    const rows = chunk.all(after, ...where.args) as PlanRow[];
    if (rows.length === 0) return;
    after = rows[rows.length - 1]!.id;
    for (const row of rows) if (!excluded.has(row.id)) yield plannedFrom(row, settings.fields);
  }
}

/** The whole plan at once, for small scopes and tests. */
export function planWrite(db: Library, request: WriteRequest): PlannedFile[] {
  return [...plannedFiles(db, request)];
}

export const PREVIEW_PAGE = 200;

interface PreviewPass {
  key: string;
  /** The files that would change (or cannot be written), in plan order. */
  ids: number[];
  changed: number;
  unchanged: number;
  problems: number;
  byField: Partial<Record<WriteField, number>>;
}

/**
 * Previews a write a page at a time. The first page walks the whole scope
 * once (the totals need it) and keeps only the ids of the files that would
 * change; the pages after it read just their own rows.
 */
export class WritePreviewer {
  private pass: PreviewPass | null = null;

  constructor(private readonly db: Library) {}

  preview(request: WriteRequest, offset = 0, limit = PREVIEW_PAGE): WritePreview {
    const settings = effectiveSettings(this.db, request);
    const key = JSON.stringify([request.scope, settings, request.excludeTrackIds ?? []]);
    // A preview starts at offset 0: always from the library as it is now.
    if (offset === 0 || this.pass?.key !== key) this.pass = this.walk(request, key);
    const pass = this.pass;
    const pageIds = pass.ids.slice(offset, offset + Math.max(1, Math.min(limit, 1000)));
    const byId = new Map<number, WritePreviewFile>();
    if (pageIds.length > 0) {
      for (const planned of plannedFiles(this.db, { scope: { kind: 'tracks', trackIds: pageIds }, settings })) byId.set(planned.trackId, planned.preview);
    }
    const files = pageIds.map((id) => byId.get(id)).filter((f): f is WritePreviewFile => f !== undefined);
    return { files, changed: pass.changed, unchanged: pass.unchanged, problems: pass.problems, byField: pass.byField, offset };
  }

  private walk(request: WriteRequest, key: string): PreviewPass {
    const pass: PreviewPass = { key, ids: [], changed: 0, unchanged: 0, problems: 0, byField: {} };
    for (const { preview } of plannedFiles(this.db, request)) {
      if (preview.changes.length === 0) {
        pass.unchanged += 1;
        continue;
      }
      pass.ids.push(preview.trackId);
      if (preview.problem) {
        pass.problems += 1;
        continue;
      }
      pass.changed += 1;
      for (const c of preview.changes) pass.byField[c.field] = (pass.byField[c.field] ?? 0) + 1;
    }
    return pass;
  }
}

/** One preview page, without keeping anything for the next. */
export function previewWrite(db: Library, request: WriteRequest, offset = 0, limit = PREVIEW_PAGE): WritePreview {
  return new WritePreviewer(db).preview(request, offset, limit);
}
