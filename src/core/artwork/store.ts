/**
 * Artwork candidates and the album's choice in the library. The choice is a
 * content hash, so the same picture found again by a later run (even under
 * another URL) is still the choice, and a choice the user or Accept
 * Suggested made is never replaced by the default.
 */
import { ART_SOURCES, type ArtCandidate, type ArtChosenBy, type ArtSource } from '../../shared/albums';
import type { Library } from '../db/library';
import { sameImage } from './fingerprint';

export interface ArtCandidateInput {
  source: ArtSource;
  ref: string;
  hash: string;
  mime: string;
  width: number;
  height: number;
  bytes: number;
  fingerprint: string | null;
  front: boolean;
}

export interface SaveArtOptions {
  /** Some source could not answer: the album is looked at again later. */
  deferred: boolean;
  /**
   * Sources that answered in full this run (GatherResult.answered): their
   * earlier candidates not found again are dropped, so a cover removed from
   * the folder or the files stops counting as the album's current art.
   */
  answered?: readonly ArtSource[];
  now?: number;
}

interface CandidateRow {
  id: number;
  album_id: number;
  source: string;
  ref: string;
  content_hash: string;
  mime: string;
  width: number;
  height: number;
  bytes: number;
  fingerprint: string | null;
  front: number;
}

const LOCAL_SOURCES: ReadonlySet<string> = new Set<ArtSource>(['embedded', 'folder']);
const KEPT_CHOICES = "('user', 'bulk')";

function sourceRank(source: string): number {
  const i = (ART_SOURCES as readonly string[]).indexOf(source);
  return i < 0 ? ART_SOURCES.length : i;
}

type Rankable = { source: string; width: number; height: number; front?: boolean | number; id?: number };

/** Preference order: source (ART_SOURCES), front before other pictures, larger area, then earlier found. */
function compareCandidates(a: Rankable, b: Rankable): number {
  return (
    sourceRank(a.source) - sourceRank(b.source) ||
    Number(!a.front) - Number(!b.front) ||
    b.width * b.height - a.width * a.height ||
    (a.id ?? 0) - (b.id ?? 0)
  );
}

/**
 * What Sleeve suggests: the Cover Art Archive release front, then its
 * release group's, TheAudioDB, Discogs, the embedded picture, a folder
 * image; among pictures of one source the largest.
 */
export function suggestedCandidate<T extends Rankable>(rows: readonly T[]): T | null {
  let best: T | null = null;
  for (const row of rows) if (best === null || compareCandidates(row, best) < 0) best = row;
  return best;
}

function candidateRows(db: Library, albumId: number): CandidateRow[] {
  return db.prepare('SELECT * FROM art_candidates WHERE album_id = ? ORDER BY id').all(albumId) as CandidateRow[];
}

const asRankable = (r: CandidateRow) => ({ ...r, front: r.front === 1 });

function albumChoice(db: Library, albumId: number): { art_choice: string | null; art_chosen_by: ArtChosenBy | null } | undefined {
  return db.prepare('SELECT art_choice, art_chosen_by FROM albums WHERE id = ?').get(albumId) as
    | { art_choice: string | null; art_chosen_by: ArtChosenBy | null }
    | undefined;
}

/**
 * Records what a run found for an album (upserting by source and ref), its
 * art state, and the default choice, unless the user or Accept Suggested
 * already chose.
 */
export function saveArtCandidates(db: Library, albumId: number, candidates: readonly ArtCandidateInput[], options: SaveArtOptions): void {
  const now = options.now ?? Date.now();
  const upsert = db.prepare(
    `INSERT INTO art_candidates (album_id, source, ref, content_hash, mime, width, height, bytes, fingerprint, front, fetched_at)
     VALUES (@albumId, @source, @ref, @hash, @mime, @width, @height, @bytes, @fingerprint, @front, @now)
     ON CONFLICT (album_id, source, ref) DO UPDATE SET
       content_hash = excluded.content_hash, mime = excluded.mime, width = excluded.width, height = excluded.height,
       bytes = excluded.bytes, fingerprint = excluded.fingerprint, front = excluded.front, fetched_at = excluded.fetched_at`,
  );
  const remove = db.prepare('DELETE FROM art_candidates WHERE id = ?');
  db.transaction(() => {
    const album = albumChoice(db, albumId);
    if (!album) throw new Error(`There is no album ${albumId} in the library.`);
    for (const c of candidates) {
      upsert.run({
        albumId,
        source: c.source,
        ref: c.ref,
        hash: c.hash,
        mime: c.mime,
        width: c.width,
        height: c.height,
        bytes: c.bytes,
        fingerprint: c.fingerprint,
        front: c.front ? 1 : 0,
        now,
      });
    }
    const answered = new Set<string>(options.answered ?? []);
    if (answered.size > 0) {
      const found = new Set(candidates.map((c) => `${c.source}\n${c.ref}`));
      // A picture someone chose stays listed even when its source moved on.
      const kept = album.art_chosen_by === 'user' || album.art_chosen_by === 'bulk' ? album.art_choice : null;
      for (const row of candidateRows(db, albumId)) {
        if (answered.has(row.source) && !found.has(`${row.source}\n${row.ref}`) && row.content_hash !== kept) remove.run(row.id);
      }
    }
    db.prepare('UPDATE albums SET art_state = ?, art_checked_at = ? WHERE id = ?').run(options.deferred ? 'deferred' : 'done', now, albumId);
    if (album.art_chosen_by !== 'user' && album.art_chosen_by !== 'bulk') {
      const suggested = suggestedCandidate(candidateRows(db, albumId).map(asRankable));
      db.prepare('UPDATE albums SET art_choice = ?, art_chosen_by = ? WHERE id = ?').run(
        suggested?.content_hash ?? null,
        suggested ? 'default' : null,
        albumId,
      );
    }
  })();
}

/** The album's candidates, the suggested one first, with what the UI shows about each. */
export function listArtCandidates(db: Library, albumId: number): ArtCandidate[] {
  const rows = candidateRows(db, albumId).map(asRankable).sort(compareCandidates);
  const choice = albumChoice(db, albumId)?.art_choice ?? null;
  const suggested = suggestedCandidate(rows);
  const current = rows.filter((r) => LOCAL_SOURCES.has(r.source));
  return rows.map(
    (r): ArtCandidate => ({
      id: r.id,
      source: r.source as ArtSource,
      ref: r.ref,
      hash: r.content_hash,
      mime: r.mime,
      width: r.width,
      height: r.height,
      bytes: r.bytes,
      front: r.front,
      suggested: r.id === suggested?.id,
      chosen: choice !== null && r.content_hash === choice,
      matchesCurrent: LOCAL_SOURCES.has(r.source) || current.some((c) => c.content_hash === r.content_hash || sameImage(c.fingerprint, r.fingerprint)),
    }),
  );
}

/** Makes a candidate the album's picture; false when the candidate is not one of the album's. */
export function chooseArt(db: Library, albumId: number, candidateId: number, by: 'user' | 'bulk'): boolean {
  const row = db.prepare('SELECT content_hash FROM art_candidates WHERE id = ? AND album_id = ?').get(candidateId, albumId) as
    | { content_hash: string }
    | undefined;
  if (!row) return false;
  return db.prepare('UPDATE albums SET art_choice = ?, art_chosen_by = ? WHERE id = ?').run(row.content_hash, by, albumId).changes > 0;
}

/**
 * Accept Suggested: albums (all, or the ones given) that have no picture of
 * their own (none in the files or the folder, as found by the artwork stage
 * or flagged by the scan) and no choice by the user get the suggestion,
 * marked 'bulk'. Returns how many albums it set.
 */
export function acceptSuggestedArt(db: Library, albumIds?: readonly number[]): number {
  const scoped = albumIds !== undefined;
  if (scoped && albumIds.length === 0) return 0;
  const eligible = db.prepare(
    `SELECT c.* FROM art_candidates c JOIN albums a ON a.id = c.album_id
     WHERE (a.art_chosen_by IS NULL OR a.art_chosen_by NOT IN ${KEPT_CHOICES})
       ${scoped ? 'AND a.id IN (SELECT value FROM json_each(@ids))' : ''}
       AND NOT EXISTS (SELECT 1 FROM art_candidates l WHERE l.album_id = a.id AND l.source IN ('embedded', 'folder'))
       AND NOT EXISTS (SELECT 1 FROM tracks t WHERE t.album_id = a.id AND t.has_art = 1 AND t.status <> 'missing')
     ORDER BY c.album_id, c.id`,
  );
  const set = db.prepare("UPDATE albums SET art_choice = ?, art_chosen_by = 'bulk' WHERE id = ?");
  return db.transaction(() => {
    const rows = (scoped ? eligible.all({ ids: JSON.stringify(albumIds) }) : eligible.all()) as CandidateRow[];
    const byAlbum = new Map<number, CandidateRow[]>();
    for (const row of rows) {
      const list = byAlbum.get(row.album_id);
      if (list) list.push(row);
      else byAlbum.set(row.album_id, [row]);
    }
    let count = 0;
    for (const [albumId, list] of byAlbum) {
      const suggested = suggestedCandidate(list.map(asRankable));
      if (suggested) count += set.run(suggested.content_hash, albumId).changes;
    }
    return count;
  })();
}
