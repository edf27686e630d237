import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ArtSource } from '../../shared/albums';
import { openLibrary, type Library } from '../db/library';
import { acceptSuggestedArt, chooseArt, listArtCandidates, saveArtCandidates, suggestedCandidate, type ArtCandidateInput } from './store';

let dir: string;
let db: Library;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-artwork-store-'));
  db = openLibrary(path.join(dir, 'library.sqlite'));
});
afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function addAlbum(key: string): number {
  return Number(db.prepare('INSERT INTO albums (group_key, title, artist, folder, created_at) VALUES (?, ?, ?, ?, 0)').run(key, key, 'Artist', `/music/${key}`).lastInsertRowid);
}

/** A fingerprint of one flat level: levels a few apart are the same picture, far apart another. */
const flat = (level: number) => Buffer.alloc(192, level).toString('hex');
const hashOf = (name: string) => createHash('sha256').update(name).digest('hex');

function candidate(source: ArtSource, name: string, size: number, extra: Partial<ArtCandidateInput> = {}): ArtCandidateInput {
  return { source, ref: `https://example.org/${name}.jpg`, hash: hashOf(name), mime: 'image/jpeg', width: size, height: size, bytes: size * 10, fingerprint: flat(size % 250), front: true, ...extra };
}

const albumRow = (id: number) =>
  db.prepare('SELECT art_state, art_checked_at, art_choice, art_chosen_by FROM albums WHERE id = ?').get(id) as {
    art_state: string | null;
    art_checked_at: number | null;
    art_choice: string | null;
    art_chosen_by: string | null;
  };

describe('artwork store', () => {
  it('chooses the Cover Art Archive release front by default, whatever the sizes', () => {
    const id = addAlbum('a');
    const found = [
      candidate('folder', 'f1', 1400, { ref: '/music/a/cover.jpg' }),
      candidate('discogs', 'd1', 600),
      candidate('coverart-release-group', 'b1', 1200),
      candidate('coverart-release', 'c1', 500),
      candidate('theaudiodb', 'e1', 700),
    ];
    saveArtCandidates(db, id, found, { deferred: false, now: 1234 });
    expect(albumRow(id)).toEqual({ art_state: 'done', art_checked_at: 1234, art_choice: hashOf('c1'), art_chosen_by: 'default' });

    const listed = listArtCandidates(db, id);
    expect(listed.map((c) => c.source)).toEqual(['coverart-release', 'coverart-release-group', 'theaudiodb', 'discogs', 'folder']);
    expect(listed.map((c) => c.suggested)).toEqual([true, false, false, false, false]);
    expect(listed.map((c) => c.chosen)).toEqual([true, false, false, false, false]);
    expect(listed[0]).toMatchObject({ hash: hashOf('c1'), mime: 'image/jpeg', width: 500, height: 500, bytes: 5000, front: true, ref: 'https://example.org/c1.jpg' });
  });

  it('prefers a front to other pictures, then the larger, within a source', () => {
    const rows = [
      { id: 1, source: 'theaudiodb', width: 500, height: 500, front: true },
      { id: 2, source: 'theaudiodb', width: 900, height: 900, front: true },
      { id: 3, source: 'theaudiodb', width: 2000, height: 2000, front: false },
      { id: 4, source: 'discogs', width: 3000, height: 3000, front: true },
    ];
    expect(suggestedCandidate(rows)?.id).toBe(2);
    expect(suggestedCandidate([])).toBeNull();
  });

  it('marks what matches the picture the album already has', () => {
    const id = addAlbum('a');
    saveArtCandidates(
      db,
      id,
      [
        candidate('coverart-release', 'c1', 1200, { fingerprint: flat(100) }),
        candidate('theaudiodb', 'e1', 700, { fingerprint: flat(200) }),
        candidate('embedded', 'm1', 300, { ref: '/music/a/01.mp3', fingerprint: flat(103) }),
      ],
      { deferred: false },
    );
    const byRef = Object.fromEntries(listArtCandidates(db, id).map((c) => [c.source, c.matchesCurrent]));
    expect(byRef).toEqual({ 'coverart-release': true, theaudiodb: false, embedded: true });
  });

  it('keeps a choice the user made through later runs, and refuses another album\'s candidate', () => {
    const id = addAlbum('a');
    const other = addAlbum('b');
    saveArtCandidates(db, other, [candidate('discogs', 'x1', 600)], { deferred: false });
    saveArtCandidates(db, id, [candidate('theaudiodb', 'e1', 700), candidate('discogs', 'd1', 600)], { deferred: true });
    expect(albumRow(id)).toMatchObject({ art_state: 'deferred', art_choice: hashOf('e1'), art_chosen_by: 'default' });

    const discogs = listArtCandidates(db, id).find((c) => c.source === 'discogs')!;
    const foreign = listArtCandidates(db, other)[0]!;
    expect(chooseArt(db, id, foreign.id, 'user')).toBe(false);
    expect(albumRow(id).art_chosen_by).toBe('default');
    expect(chooseArt(db, id, discogs.id, 'user')).toBe(true);

    // A later run finds the archive's picture, which would be the default.
    saveArtCandidates(db, id, [candidate('coverart-release', 'c1', 1200), candidate('theaudiodb', 'e1', 700), candidate('discogs', 'd1', 600)], { deferred: false });
    expect(albumRow(id)).toMatchObject({ art_state: 'done', art_choice: hashOf('d1'), art_chosen_by: 'user' });
    const listed = listArtCandidates(db, id);
    expect(listed).toHaveLength(3);
    expect(listed.find((c) => c.chosen)?.source).toBe('discogs');
    expect(listed.find((c) => c.suggested)?.source).toBe('coverart-release');
  });

  it('updates a candidate found again under the same source and address instead of adding one', () => {
    const id = addAlbum('a');
    saveArtCandidates(db, id, [candidate('theaudiodb', 'e1', 700)], { deferred: false });
    saveArtCandidates(db, id, [candidate('theaudiodb', 'e2', 800, { ref: 'https://example.org/e1.jpg' })], { deferred: false });
    const listed = listArtCandidates(db, id);
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ hash: hashOf('e2'), width: 800, chosen: true });
  });

  it('drops what a source that answered in full no longer has, except the picture someone chose', () => {
    const id = addAlbum('a');
    saveArtCandidates(db, id, [candidate('folder', 'f1', 500, { ref: '/music/a/cover.jpg' }), candidate('theaudiodb', 'e1', 700), candidate('discogs', 'd1', 600)], { deferred: false });
    chooseArt(db, id, listArtCandidates(db, id).find((c) => c.source === 'discogs')!.id, 'user');
    // The cover was deleted; TheAudioDB timed out (not answered); Discogs answered with nothing.
    saveArtCandidates(db, id, [], { deferred: true, answered: ['folder', 'discogs', 'embedded'] });
    expect(listArtCandidates(db, id).map((c) => c.source)).toEqual(['theaudiodb', 'discogs']);
    // With nothing left, a default choice is cleared rather than left pointing nowhere.
    const other = addAlbum('b');
    saveArtCandidates(db, other, [candidate('folder', 'f2', 500, { ref: '/music/b/cover.jpg' })], { deferred: false });
    saveArtCandidates(db, other, [], { deferred: false, answered: ['folder'] });
    expect(albumRow(other)).toMatchObject({ art_choice: null, art_chosen_by: null });
  });

  it('accepts the suggestion only for albums without art of their own and without a choice', () => {
    const plain = addAlbum('plain');
    const withFolderArt = addAlbum('folder-art');
    const userChose = addAlbum('user');
    const tagged = addAlbum('tagged');
    const nothing = addAlbum('nothing');
    saveArtCandidates(db, plain, [candidate('discogs', 'p2', 600), candidate('coverart-release', 'p1', 500)], { deferred: false });
    saveArtCandidates(db, withFolderArt, [candidate('coverart-release', 'w1', 500), candidate('folder', 'w2', 500, { ref: '/music/w/cover.jpg' })], { deferred: false });
    saveArtCandidates(db, userChose, [candidate('coverart-release', 'u1', 500), candidate('discogs', 'u2', 600)], { deferred: false });
    chooseArt(db, userChose, listArtCandidates(db, userChose).find((c) => c.source === 'discogs')!.id, 'user');
    saveArtCandidates(db, tagged, [candidate('coverart-release', 't1', 500)], { deferred: false });
    // The scan saw a picture in one of its files, though the artwork stage could not read it.
    db.prepare(
      "INSERT INTO tracks (path, folder, size, mtime_ms, status, has_art, first_seen, last_seen, album_id) VALUES ('/music/t/01.flac', '/music/t', 1, 1, 'ok', 1, 0, 0, ?)",
    ).run(tagged);

    expect(acceptSuggestedArt(db, [withFolderArt, userChose, tagged, nothing])).toBe(0);
    expect(acceptSuggestedArt(db, [])).toBe(0);
    expect(acceptSuggestedArt(db)).toBe(1);
    expect(albumRow(plain)).toMatchObject({ art_choice: hashOf('p1'), art_chosen_by: 'bulk' });
    expect(albumRow(withFolderArt)).toMatchObject({ art_chosen_by: 'default' });
    expect(albumRow(userChose)).toMatchObject({ art_choice: hashOf('u2'), art_chosen_by: 'user' });
    expect(albumRow(tagged)).toMatchObject({ art_chosen_by: 'default' });
    expect(albumRow(nothing)).toMatchObject({ art_choice: null, art_chosen_by: null });
    // Accepted once is a choice: a later run does not replace it, and accepting again does nothing.
    saveArtCandidates(db, plain, [candidate('coverart-release', 'p3', 1200, { ref: 'https://example.org/new.jpg' })], { deferred: false });
    expect(albumRow(plain)).toMatchObject({ art_choice: hashOf('p1'), art_chosen_by: 'bulk' });
    expect(acceptSuggestedArt(db)).toBe(0);
  });

  it('refuses candidates for an album that does not exist', () => {
    expect(() => saveArtCandidates(db, 999, [candidate('discogs', 'd1', 600)], { deferred: false })).toThrow(/no album 999/);
  });
});
