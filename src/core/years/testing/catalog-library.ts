/**
 * Test and benchmark support: a library whose tracks come from the fake
 * catalog's releases, tagged the way real collections are: remaster
 * suffixes, stripped accents, 'The' dropped, featured artists in the title,
 * deluxe editions, shouting case, and MusicBrainz ids on only some albums.
 * Each track knows its right year (the recording's first release).
 */
import type { Library } from '../../db/library';
import type { Catalog } from '../../testing/fakes';
import { Prng } from '../../testing/fakes/prng';
import { yearOf } from '../../sources/musicbrainz';

export interface CatalogTrack {
  id: number;
  recordingId: string;
  releaseId: string;
  expectedYear: number;
  /** The year of the release the file comes from: what its tags say. */
  albumYear: number | null;
  tagged: boolean;
}

export interface CatalogLibraryOptions {
  /** Stop after this many tracks. */
  tracks: number;
  /** Share of albums whose tags carry MusicBrainz ids. */
  mbidShare: number;
  seed?: number;
  /** Dirty the names as people's tags are. */
  messy?: boolean;
}

const stripAccents = (s: string) => s.normalize('NFKD').replace(/\p{M}/gu, '');
const TITLE_SUFFIXES = [' (Remastered 2011)', ' - 2009 Remaster', ' (Mono Version)', ' [Remastered]', ' - Single Version'];

export function fillLibraryFromCatalog(db: Library, catalog: Catalog, options: CatalogLibraryOptions): CatalogTrack[] {
  const rng = new Prng(options.seed ?? 1);
  const random = () => rng.next();
  const out: CatalogTrack[] = [];
  const insert = db.prepare(
    `INSERT INTO tracks (path, folder, size, mtime_ms, status, title, artist, album, album_artist, track_no, disc_no, duration_ms,
       tag_year, year, year_source, mb_recording_id, mb_release_id, first_seen, last_seen)
     VALUES (@path, @folder, 1, 0, 'ok', @title, @artist, @album, @albumArtist, @trackNo, @discNo, @durationMs,
       @tagYear, @tagYear, CASE WHEN @tagYear IS NULL THEN NULL ELSE 'tag' END, @recordingId, @releaseId, 0, 0)`,
  );
  const creditText = (credit: Array<{ name: string; joinphrase: string }>) => credit.map((c) => `${c.name}${c.joinphrase}`).join('');
  const releases = [...catalog.releases.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  db.transaction(() => {
    for (const release of releases) {
      if (out.length >= options.tracks) break;
      const tagged = random() < options.mbidShare;
      const albumArtist = creditText(release.credit);
      let album = release.title;
      if (options.messy && random() < 0.2) album += ' (Deluxe Edition)';
      const folder = `/music/${release.id}`;
      for (const medium of release.media) {
        for (const track of medium.tracks) {
          if (out.length >= options.tracks) break;
          const expected = yearOf(catalog.recordingFirstReleaseDate(track.recordingId));
          if (expected === null) continue;
          let title = track.title;
          let artist = creditText(track.credit);
          if (options.messy) {
            const feat = artist.match(/^(.*?) (?:feat\.|ft\.|featuring) (.*)$/i);
            if (feat && random() < 0.5) {
              artist = feat[1]!;
              title = `${title} (feat. ${feat[2]})`;
            }
            if (random() < 0.25) title += TITLE_SUFFIXES[Math.floor(random() * TITLE_SUFFIXES.length)];
            if (random() < 0.2) {
              title = stripAccents(title);
              artist = stripAccents(artist);
            }
            if (random() < 0.15) artist = artist.replace(/^The /, '');
            if (random() < 0.05) title = title.toUpperCase();
          }
          const info = insert.run({
            path: `${folder}/${medium.position}-${track.position}.flac`,
            folder,
            title,
            artist,
            album,
            albumArtist,
            trackNo: track.position,
            discNo: release.media.length > 1 ? medium.position : null,
            durationMs: track.length === null ? null : track.length + Math.round((random() - 0.5) * 2000),
            tagYear: yearOf(release.date),
            recordingId: tagged ? track.recordingId : null,
            releaseId: tagged ? release.id : null,
          });
          out.push({
            id: Number(info.lastInsertRowid),
            recordingId: track.recordingId,
            releaseId: release.id,
            expectedYear: expected,
            albumYear: yearOf(release.date),
            tagged,
          });
        }
      }
    }
  })();
  return out;
}
