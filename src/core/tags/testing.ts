/**
 * A small library of real audio files (made by ffmpeg) with what enrichment
 * and the years lookup would have found for them, for the write-back tests.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ArtworkCache, artworkCacheDir } from '../artwork/cache';
import { drawPicture } from '../artwork/testing';
import { openLibrary, type Library } from '../db/library';
import { makeAudioFile, type TestFormat } from '../scan/testing/audio';
import { readAudioFile } from '../scan/read-file';
import { TrackWriter } from '../scan/store';
import type { TagValues } from '../../shared/write-back';

export const WRITE_TEST_FORMATS = ['mp3', 'flac', 'm4a', 'ogg', 'opus'] as const satisfies readonly TestFormat[];

export interface WriteFixture {
  db: Library;
  libraryPath: string;
  music: string;
  albumId: number;
  coverHash: string;
  tracks: Array<{ id: number; path: string; format: TestFormat }>;
  /** What each file should hold once written (by track id). */
  expected: Map<number, TagValues>;
}

/** Scans one file into the library as the scan would. */
export async function scanInto(db: Library, file: string): Promise<number> {
  const stat = fs.statSync(file);
  const result = await readAudioFile({ path: file, size: stat.size, mtimeMs: Math.trunc(stat.mtimeMs) });
  new TrackWriter(db).writeResult(result, Date.now());
  return (db.prepare('SELECT id FROM tracks WHERE path = ?').get(file) as { id: number }).id;
}

/**
 * One album folder with a file per format (repeated to reach count), old
 * tags as a careless ripper left them, a MusicBrainz match, a looked-up year
 * and a chosen cover.
 */
export async function makeWriteFixture(dir: string, options: { count?: number; formats?: readonly TestFormat[] } = {}): Promise<WriteFixture> {
  const formats = options.formats ?? WRITE_TEST_FORMATS;
  const count = options.count ?? formats.length;
  const music = path.join(dir, 'Music', 'Band', 'Album');
  fs.mkdirSync(music, { recursive: true });
  const libraryPath = path.join(dir, 'library.sqlite');
  const db = openLibrary(libraryPath);
  const cache = new ArtworkCache(artworkCacheDir(libraryPath));
  const cover = await cache.put(await drawPicture({ width: 500, height: 500, background: [200, 40, 40], block: { colour: [20, 20, 220], left: 0.2, top: 0.2, size: 0.4 }, grain: true }));
  const albumId = Number(
    db
      .prepare(`INSERT INTO albums (group_key, title, artist, folder, track_count, created_at, match_state, art_choice, art_chosen_by) VALUES (?, ?, ?, ?, ?, 0, 'matched', ?, 'user')`)
      .run(`fixture:${music}`, 'album', 'band', music, count, cover.hash).lastInsertRowid,
  );
  const tracks: WriteFixture['tracks'] = [];
  const expected = new Map<number, TagValues>();
  for (let i = 0; i < count; i++) {
    const format = formats[i % formats.length]!;
    const n = i + 1;
    const file = makeAudioFile(path.join(music, `${String(n).padStart(2, '0')} track.${format}`), format, { title: `track ${n}`, artist: 'band', album: 'album', date: '2009', track: `${n}` }, 1);
    const id = await scanInto(db, file);
    tracks.push({ id, path: file, format });
    const recording = `0000000${n}-aaaa-4bbb-8ccc-${String(n).padStart(12, '0')}`;
    db.prepare('UPDATE tracks SET album_id = ?, year = 1977, year_source = ?, album_year = 1999, year_state = ? WHERE id = ?').run(albumId, 'mbid', 'found', id);
    db.prepare(
      `INSERT INTO track_matches (track_id, album_id, source, score, mb_recording_id, mb_track_id, mb_release_id, mb_release_group_id,
         mb_artist_ids, mb_album_artist_ids, title, artist, album_artist, album, track_no, disc_no, isrc, genres, matched_at)
       VALUES (?, ?, 'musicbrainz', 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, 0)`,
    ).run(
      id,
      albumId,
      recording,
      `1111111${n}-aaaa-4bbb-8ccc-${String(n).padStart(12, '0')}`,
      '22222222-aaaa-4bbb-8ccc-000000000001',
      '33333333-aaaa-4bbb-8ccc-000000000001',
      JSON.stringify(['44444444-aaaa-4bbb-8ccc-000000000001', '44444444-aaaa-4bbb-8ccc-000000000002']),
      JSON.stringify(['44444444-aaaa-4bbb-8ccc-000000000001']),
      `Track ${n}`,
      'The Band',
      'The Band',
      'The Album',
      n,
      `GBAYE99000${String(n).padStart(2, '0')}`,
      JSON.stringify(['Rock', 'Post-Punk']),
    );
    expected.set(id, {
      title: `Track ${n}`,
      artist: 'The Band',
      album: 'The Album',
      albumArtist: 'The Band',
      year: '1999',
      originalYear: '1977',
      track: String(n),
      disc: '1',
      isrc: `GBAYE99000${String(n).padStart(2, '0')}`,
      genre: 'Rock; Post-Punk',
      mbRecordingId: recording,
      cover: cover.hash,
    });
  }
  return { db, libraryPath, music, albumId, coverHash: cover.hash, tracks, expected };
}
