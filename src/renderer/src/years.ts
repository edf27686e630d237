/** How the renderer names release years: provenance badges and the Year cell's tooltip. */
import type { Track, YearScope, YearSource, YearState } from '../../shared/library';
import type { LibraryMode } from './stores/library';

/** The short badge next to a year, and what it means in words. */
export const YEAR_BADGES: Record<YearSource, { badge: string; meaning: string }> = {
  tag: { badge: 'tag', meaning: "from the file's tags" },
  mbid: { badge: 'id', meaning: 'from MusicBrainz, by the ids in the tags' },
  'fuzzy-mb': { badge: 'fuzzy', meaning: 'from MusicBrainz, matched by name' },
  theaudiodb: { badge: 'adb', meaning: 'from TheAudioDB, matched by name' },
  discogs: { badge: 'discogs', meaning: 'from Discogs, matched by name' },
  user: { badge: 'you', meaning: 'set by you; no lookup changes it' },
};

/** Sources in the order the Years view lists them: the surest first. */
export const SOURCE_ORDER: readonly YearSource[] = ['user', 'mbid', 'fuzzy-mb', 'theaudiodb', 'discogs', 'tag'];

const STATE_TEXT: Record<YearState, string> = {
  found: 'found',
  notFound: 'not found: no service knew this track',
  deferred: 'deferred: a service could not answer; the next run tries again',
};

/** The Year cell's tooltip: the year's source, the album's own year, the score, the ids and the lookup's state. */
export function yearTooltip(track: Track): string {
  const lines: string[] = [];
  if (track.year !== null) {
    const source = track.yearSource ? YEAR_BADGES[track.yearSource].meaning : 'source unknown';
    lines.push(`${track.year}, ${source}`);
  } else {
    lines.push('No year');
  }
  if (track.albumYear !== null && track.albumYear !== track.year) lines.push(`This release: ${track.albumYear}`);
  else if (track.albumYear !== null) lines.push(`This release: ${track.albumYear} (the original)`);
  // A score says how sure a name match was; an id lookup or the user's own year is not a match.
  const matched = track.yearSource === 'fuzzy-mb' || track.yearSource === 'theaudiodb' || track.yearSource === 'discogs';
  if (track.yearScore !== null && matched) lines.push(`Match score: ${track.yearScore.toFixed(2)}`);
  const ids = track.yearIds;
  if (ids?.recordingId) lines.push(`MusicBrainz recording: ${ids.recordingId}`);
  if (ids?.releaseId) lines.push(`MusicBrainz release: ${ids.releaseId}`);
  if (ids?.releaseGroupId) lines.push(`MusicBrainz release group: ${ids.releaseGroupId}`);
  if (ids?.theaudiodbTrackId) lines.push(`TheAudioDB track: ${ids.theaudiodbTrackId}`);
  if (ids?.discogsMasterId) lines.push(`Discogs master: ${ids.discogsMasterId}`);
  lines.push(`Lookup: ${track.yearState ? STATE_TEXT[track.yearState] : 'not looked up yet'}`);
  lines.push(track.yearSource === 'user' ? 'Enter or F2 to change; empty gives it back to the lookups' : 'Enter or F2 to set it yourself');
  return lines.join('\n');
}

/** The tracks a Library view shows, as a years run's scope; undefined when it shows them all. */
export function libraryScope(view: { mode: LibraryMode; filter: string; album: YearScope['album'] | null }): YearScope | undefined {
  const filter = view.filter.trim();
  // The Problems view lists tracks that cannot be looked up; a run from there covers the library.
  if (view.mode === 'problems') return undefined;
  const album = view.mode === 'tracks' ? view.album : null;
  if (!filter && !album) return undefined;
  return { ...(filter ? { filter } : {}), ...(album ? { album } : {}) };
}

/** Job kinds whose end changes years: the Years view and the table reload then. */
export const YEAR_JOB_KINDS: readonly string[] = ['years', 'import-listens'];
