/** How the renderer words albums, their matches and their pictures. */
import { ART_SOURCE_LABELS, type AlbumSummary, type AlbumView, type ArtCandidate, type ArtSource, type EnrichStats, type MatchCandidate, type MatchSource } from '../../shared/albums';

export const MATCH_SOURCE_LABELS: Record<MatchSource, string> = { musicbrainz: 'MusicBrainz', theaudiodb: 'TheAudioDB', discogs: 'Discogs' };

export const VIEW_LABELS: Record<AlbumView, string> = {
  all: 'All',
  review: 'Review',
  withoutArt: 'Without Art',
  notFound: 'Not Found',
  unmatched: 'Unmatched',
};

/** The tab's count: how many albums the view holds, from the stats. */
export function viewCount(view: AlbumView, stats: EnrichStats): number {
  switch (view) {
    case 'all':
      return stats.albums;
    case 'review':
      return stats.review;
    case 'withoutArt':
      return stats.withoutArt;
    case 'notFound':
      return stats.notFound;
    case 'unmatched':
      return stats.unmatched;
  }
}

/** An album's title, or for untagged files the folder they sit in. */
export function albumTitle(album: Pick<AlbumSummary, 'title' | 'folder'>): string {
  if (album.title) return album.title;
  const name = album.folder.split(/[\\/]/).filter(Boolean).pop();
  return name ? `${name} (folder)` : 'Unknown album';
}

export const score = (value: number) => value.toFixed(2);

/** The match column: 'MusicBrainz 0.97 ✓confirmed', or what kept it from one. */
export function matchText(match: AlbumSummary['match']): string {
  switch (match.state) {
    case null:
      return 'Not matched yet';
    case 'review':
      return 'Waiting for review';
    case 'notFound':
      return 'Not found';
    case 'deferred':
      return 'Deferred';
    case 'matched': {
      const parts = [match.source ? MATCH_SOURCE_LABELS[match.source] : 'Matched'];
      if (match.score !== null) parts.push(score(match.score));
      if (match.confirmed) parts.push('✓confirmed');
      return parts.join(' ');
    }
  }
}

/** The match column's tooltip: what was matched, and what the state means. */
export function matchTooltip(album: AlbumSummary): string {
  const m = album.match;
  const lines: string[] = [];
  if (m.state === 'matched') {
    if (m.title || m.artist) lines.push(`Matched to ${m.title ?? '?'} by ${m.artist ?? '?'}`);
    lines.push(m.confirmed ? 'Confirmed by you: no later run changes it' : 'Matched by Sleeve: Match Again may change it');
    if (album.musicbrainz.releaseId) lines.push(`MusicBrainz release: ${album.musicbrainz.releaseId}`);
    if (album.musicbrainz.releaseGroupId) lines.push(`MusicBrainz release group: ${album.musicbrainz.releaseGroupId}`);
  } else if (m.state === 'review') {
    lines.push('Several releases fit about as well: pick one in the Review tab');
  } else if (m.state === 'notFound') {
    lines.push('No service knew this album, or you chose none of the candidates');
  } else if (m.state === 'deferred') {
    lines.push('A service could not answer: the next run tries again');
  } else {
    lines.push('Not looked up yet: Enrich matches it');
  }
  return lines.join('\n');
}

export const pixelSize = (width: number | null, height: number | null) => (width && height ? `${width}×${height}` : '');

/** Sources as a table cell has room for; the tooltip and the chooser say them in full. */
const ART_SOURCE_SHORT: Record<ArtSource, string> = {
  'coverart-release': 'Cover Art Archive',
  'coverart-release-group': 'Cover Art Archive (group)',
  theaudiodb: 'TheAudioDB',
  discogs: 'Discogs',
  embedded: 'Embedded',
  folder: 'Folder image',
};

/** The artwork column: where the picture came from and how big it is. */
export function artText(album: AlbumSummary): string {
  const art = album.artwork;
  if (!art.source) return album.hasCurrentArt ? 'Own art only' : 'No artwork';
  const size = pixelSize(art.width, art.height);
  return size ? `${ART_SOURCE_SHORT[art.source]} · ${size}` : ART_SOURCE_SHORT[art.source];
}

export function artTooltip(album: AlbumSummary): string {
  const art = album.artwork;
  const lines: string[] = [art.source ? `${ART_SOURCE_LABELS[art.source]} ${pixelSize(art.width, art.height)}`.trim() : artText(album)];
  if (art.chosenBy === 'user') lines.push('Chosen by you: no later run replaces it');
  else if (art.chosenBy === 'bulk') lines.push('Set by Accept Suggested');
  else if (art.source) lines.push('Suggested by Sleeve: not yet chosen');
  if (album.hasCurrentArt) lines.push('The files or the folder already carry a picture');
  lines.push(`${album.artCandidates} ${album.artCandidates === 1 ? 'picture' : 'pictures'} found`);
  return lines.join('\n');
}

/** A candidate's first line in the chooser. */
export function candidateLabel(candidate: ArtCandidate): string {
  return ART_SOURCE_LABELS[candidate.source];
}

/** 'mm:ss' for a track, or nothing. */
export function clock(ms: number | null): string {
  if (ms === null) return '';
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** A release's facts on one line: 1971 · GB · CD · 10 tracks. */
export function releaseFacts(candidate: MatchCandidate): string {
  return [
    candidate.date,
    candidate.country,
    candidate.format,
    candidate.trackCount === null ? null : `${candidate.trackCount} ${candidate.trackCount === 1 ? 'track' : 'tracks'}`,
  ]
    .filter(Boolean)
    .join(' · ');
}

/** A track's place on a release: '3', or '2-3' on a set of several discs. */
export function trackPosition(position: number | null, disc: number | null, discs: number): string {
  if (position === null) return '';
  return discs > 1 && disc !== null ? `${disc}-${position}` : String(position);
}
