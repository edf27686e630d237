import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PRIORITY } from '../../shared/albums';
import { openLibrary, type Library } from '../db/library';
import type { AlbumOutcome } from '../enrich/match';
import { albumFolder, albumGroupKey, groupAlbums, VARIOUS_ARTISTS } from './group';
import { WorkQueue } from './queue';
import { albumDetail, enrichStats, listAlbums, resolveReview, saveOutcome } from './store';

let dir: string;
let db: Library;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-albums-'));
  db = openLibrary(path.join(dir, 'library.sqlite'));
});
afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

let n = 0;
function track(t: { folder: string; album?: string | null; albumArtist?: string | null; artist?: string | null; releaseId?: string | null; title?: string; no?: number; status?: string }) {
  n++;
  return Number(
    db
      .prepare(
        `INSERT INTO tracks (path, folder, size, mtime_ms, status, title, artist, album, album_artist, track_no, mb_release_id, first_seen, last_seen)
         VALUES (?, ?, 1, 0, ?, ?, ?, ?, ?, ?, ?, 0, 0)`,
      )
      .run(`${t.folder}/${n}.flac`, t.folder, t.status ?? 'ok', t.title ?? `Song ${n}`, t.artist ?? null, t.album ?? null, t.albumArtist ?? null, t.no ?? n, t.releaseId ?? null)
      .lastInsertRowid,
  );
}

const albumOf = (trackId: number) => (db.prepare('SELECT album_id FROM tracks WHERE id = ?').get(trackId) as { album_id: number | null }).album_id;

describe('grouping tracks into albums', () => {
  it('keys by release id, else folder + album tag + album artist, else folder; disc folders join their parent', () => {
    expect(albumFolder('/m/Abbey Road/CD2')).toBe('/m/Abbey Road');
    expect(albumFolder('/m/Abbey Road/Disc 1')).toBe('/m/Abbey Road');
    expect(albumFolder('/m/CD Collection')).toBe('/m/CD Collection');
    const byId = albumGroupKey({ folder: '/a', album: 'X', album_artist: null, mb_release_id: 'ABC' });
    expect(byId).toBe(albumGroupKey({ folder: '/b', album: 'Y', album_artist: 'Z', mb_release_id: 'abc' }));
    expect(albumGroupKey({ folder: '/m/a', album: null, album_artist: null, mb_release_id: null })).toBe('folder:/m/a');
    expect(albumGroupKey({ folder: '/m/x/CD1', album: 'Abbey Road', album_artist: null, mb_release_id: null })).toBe(
      albumGroupKey({ folder: '/m/x/cd2', album: 'ABBEY ROAD', album_artist: null, mb_release_id: null }),
    );
  });

  it('a compilation stays one album; two albums in one folder are two; a rescan keeps ids and counts', () => {
    const va = [1, 2, 3].map((i) => track({ folder: '/m/va', album: 'Hits', artist: `Artist ${i}` }));
    const a = track({ folder: '/m/flat', album: 'One', artist: 'A' });
    const b = track({ folder: '/m/flat', album: 'Two', artist: 'A' });
    const loose = track({ folder: '/m/loose', artist: 'B' });
    const first = groupAlbums(db);
    expect(first.created).toHaveLength(4);
    expect(new Set(va.map(albumOf)).size).toBe(1);
    expect(albumOf(a)).not.toBe(albumOf(b));
    const page = listAlbums(db);
    expect(page.albums.find((x) => x.title === 'Hits')).toMatchObject({ artist: VARIOUS_ARTISTS, trackCount: 3 });
    expect(page.albums.find((x) => x.folder === '/m/loose')).toMatchObject({ title: null, trackCount: 1 });

    const again = groupAlbums(db);
    expect(again.created).toHaveLength(0);
    expect(again.moved).toBe(0);
    expect(albumOf(loose)).toBe(page.albums.find((x) => x.folder === '/m/loose')!.id);

    // A file gone missing leaves its album, which keeps its row (and its choices) at zero tracks.
    db.prepare(`UPDATE tracks SET status = 'missing' WHERE id = ?`).run(loose);
    groupAlbums(db);
    expect(albumOf(loose)).toBeNull();
    expect(listAlbums(db).albums.some((x) => x.folder === '/m/loose')).toBe(false);
    expect(listAlbums(db).total).toBe(3);
  });
});

describe('work queue', () => {
  it('takes the most urgent first, never queues an album twice, and a higher priority raises a waiting row', () => {
    const queue = new WorkQueue(db);
    [1, 2, 3].forEach((i) => track({ folder: `/m/${i}`, album: `A${i}`, artist: 'X' }));
    groupAlbums(db);
    const ids = (db.prepare('SELECT id FROM albums ORDER BY id').all() as Array<{ id: number }>).map((r) => r.id);
    queue.enqueue('match', ids, PRIORITY.backfill);
    expect(queue.enqueue('match', ids, PRIORITY.backfill)).toBe(0);
    expect(queue.enqueue('match', [ids[2]!], PRIORITY.user)).toBe(1);
    expect((db.prepare('SELECT COUNT(*) AS n FROM work_queue').get() as { n: number }).n).toBe(3);
    const [first] = queue.take('match');
    expect(first!.albumId).toBe(ids[2]);
    expect(queue.take('match', 10).map((i) => i.albumId)).toEqual([ids[0], ids[1]]);
    expect(queue.take('match')).toEqual([]);

    // A crash leaves items running: the next run puts them back in line.
    expect(queue.counts().match.running).toBe(3);
    expect(queue.recover()).toBe(3);
    expect(queue.counts().match.queued).toBe(3);
  });

  it('an album asked for again while it runs goes round once more', () => {
    const queue = new WorkQueue(db);
    track({ folder: '/m/again', album: 'Again', artist: 'X' });
    groupAlbums(db);
    const [albumId] = (db.prepare('SELECT id FROM albums').all() as Array<{ id: number }>).map((r) => r.id);
    queue.enqueue('artwork', [albumId!], PRIORITY.import);
    const [running] = queue.take('artwork');
    queue.enqueue('artwork', [albumId!], PRIORITY.import, { refresh: true });
    queue.finish(running!, 'done');
    const [again] = queue.take('artwork');
    expect(again).toMatchObject({ albumId, refresh: true });
    queue.finish(again!, 'done');
    expect(queue.take('artwork')).toEqual([]);
  });

  it('holds backfill artwork until the album is matched, but not a new import', () => {
    const queue = new WorkQueue(db);
    [1, 2].forEach((i) => track({ folder: `/m/${i}`, album: `A${i}`, artist: 'X' }));
    groupAlbums(db);
    const [old, fresh] = (db.prepare('SELECT id FROM albums ORDER BY id').all() as Array<{ id: number }>).map((r) => r.id);
    queue.enqueue('match', [old!], PRIORITY.backfill);
    queue.enqueue('artwork', [old!], PRIORITY.backfill);
    queue.enqueue('match', [fresh!], PRIORITY.import);
    queue.enqueue('artwork', [fresh!], PRIORITY.import);
    expect(queue.take('artwork', 5).map((i) => i.albumId)).toEqual([fresh]);
    const [match] = queue.take('match').filter((i) => i.albumId === fresh);
    expect(match).toBeDefined();
    const [oldMatch] = queue.take('match');
    queue.finish(oldMatch!, 'done');
    expect(queue.take('artwork', 5).map((i) => i.albumId)).toEqual([old]);
  });
});

describe('match outcomes', () => {
  const candidate = (id: string, score: number) => ({
    source: 'musicbrainz' as const,
    id,
    title: 'One',
    artist: 'A',
    date: '1990',
    country: 'GB',
    format: 'CD',
    trackCount: 1,
    score,
    parts: { title: 1, artist: 1, count: 1, tracks: score },
    releaseGroupId: `rg-${id}`,
    tracks: [],
  });

  it('a review is resolved by the user and then never replaced by a run', () => {
    const t = track({ folder: '/m/one', album: 'One', artist: 'A' });
    groupAlbums(db);
    const albumId = albumOf(t)!;
    const trackMatch = (releaseId: string) => ({
      trackId: t,
      source: 'musicbrainz' as const,
      score: 0.9,
      recordingId: `rec-${releaseId}`,
      trackMbid: null,
      releaseId,
      releaseGroupId: `rg-${releaseId}`,
      artistIds: [],
      albumArtistIds: [],
      title: 'Song',
      artist: 'A',
      albumArtist: 'A',
      album: 'One',
      trackNumber: 1,
      discNumber: 1,
      isrc: null,
      genres: [],
    });
    const review: AlbumOutcome = {
      state: 'review',
      score: 0.9,
      why: 'close',
      candidates: [candidate('r1', 0.9), candidate('r2', 0.88)],
      proposals: [
        { candidate: candidate('r1', 0.9), tracks: [trackMatch('r1')] },
        { candidate: candidate('r2', 0.88), tracks: [trackMatch('r2')] },
      ],
    };
    saveOutcome(db, albumId, review);
    expect(enrichStats(db)).toMatchObject({ albums: 1, review: 1, matched: 0 });
    expect(listAlbums(db, { view: 'review' }).total).toBe(1);
    expect(albumDetail(db, albumId)!.candidates.map((c) => c.id)).toEqual(['r1', 'r2']);
    expect(resolveReview(db, albumId, 5)).toBe(false);
    expect(resolveReview(db, albumId, 1)).toBe(true);
    const detail = albumDetail(db, albumId)!;
    expect(detail.match).toMatchObject({ state: 'matched', confirmed: true, score: 0.88 });
    expect(detail.musicbrainz.releaseId).toBe('r2');
    expect(detail.tracks[0]!.matched?.recordingId).toBe('rec-r2');
    expect(resolveReview(db, albumId, 0)).toBe(false);

    saveOutcome(db, albumId, { state: 'notFound', why: 'a later run' });
    expect(albumDetail(db, albumId)!.musicbrainz.releaseId).toBe('r2');
  });

  it('a deferred outcome never undoes a match', () => {
    const t = track({ folder: '/m/two', album: 'Two', artist: 'A' });
    groupAlbums(db);
    const albumId = albumOf(t)!;
    saveOutcome(db, albumId, {
      state: 'matched',
      source: 'theaudiodb',
      score: 0.95,
      matchId: '2115888',
      releaseId: null,
      releaseGroupId: null,
      candidates: [{ ...candidate('2115888', 0.95), source: 'theaudiodb' }],
      tracks: [],
    });
    saveOutcome(db, albumId, { state: 'deferred', why: 'MusicBrainz is down' });
    expect(albumDetail(db, albumId)!.match).toMatchObject({ state: 'matched', source: 'theaudiodb', score: 0.95 });
  });
});
