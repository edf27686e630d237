import type { MatchCandidate, MatchSource } from '../../shared/albums';
import { DeferredError } from '../net/errors';
import {
  DEFAULT_MARGIN,
  DEFAULT_THRESHOLD,
  normalizeAlbum,
  normalizeArtist,
  scoreRelease,
  searchText,
  textSimilarity,
  type AlbumQuery,
} from '../match';
import type { DiscogsClient, DiscogsSearchResult } from '../sources/discogs';
import { fieldPhrase } from '../sources/lucene';
import type { MbArtistCredit, MbRelease, MusicBrainzClient } from '../sources/musicbrainz';
import type { AudioDbAlbum, TheAudioDbClient } from '../sources/theaudiodb';

export interface EnrichTrack {
  id: number;
  title: string | null;
  artist: string | null;
  trackNumber: number | null;
  discNumber: number | null;
  durationMs: number | null;
}

export interface EnrichAlbum {
  id: number;
  title: string | null;
  artist: string | null;
  year: number | null;
  /** The release id most of the files are tagged with. */
  releaseId: string | null;
  tracks: EnrichTrack[];
}

/** What enrichment stores for one file. */
export interface TrackMatch {
  trackId: number;
  source: MatchSource;
  score: number | null;
  recordingId: string | null;
  trackMbid: string | null;
  releaseId: string | null;
  releaseGroupId: string | null;
  artistIds: string[];
  albumArtistIds: string[];
  title: string | null;
  artist: string | null;
  albumArtist: string | null;
  album: string | null;
  trackNumber: number | null;
  discNumber: number | null;
  isrc: string | null;
  genres: string[];
}

export type AlbumOutcome =
  | {
      state: 'matched';
      source: MatchSource;
      score: number;
      /** The source's id for what matched (release MBID, TheAudioDB album id, Discogs release id). */
      matchId: string;
      releaseId: string | null;
      releaseGroupId: string | null;
      candidates: MatchCandidate[];
      tracks: TrackMatch[];
    }
  | { state: 'review'; score: number; candidates: MatchCandidate[]; proposals: Proposal[]; why: string }
  | { state: 'notFound'; why: string }
  | { state: 'deferred'; why: string };

/** A candidate with the track matches it would give: what the user accepts in review, without a request. */
export interface Proposal {
  candidate: MatchCandidate;
  tracks: TrackMatch[];
}

export interface MatchClients {
  musicbrainz: MusicBrainzClient;
  theaudiodb: TheAudioDbClient | null;
  discogs: DiscogsClient | null;
}

export interface MatchOptions {
  threshold?: number;
  margin?: number;
  signal?: AbortSignal;
  /** Awaited before each MusicBrainz request of a batch, so urgent work can cut in line. */
  beforeRequest?: () => Promise<void>;
}

/** A release with a usable score below this is not worth a user's look: try the other services. */
export const REVIEW_FLOOR = 0.6;
/** How many albums share one release search: MusicBrainz allows one request a second. */
export const SEARCH_BATCH = 8;
/** Candidates shown side by side in review. */
const REVIEW_CANDIDATES = 3;
const RELEASE_INC = ['artist-credits', 'recordings', 'release-groups', 'isrcs', 'genres'] as const;

const creditName = (credit: readonly MbArtistCredit[]) => credit.map((c) => c.name + c.joinphrase).join('') || null;
const creditIds = (credit: readonly MbArtistCredit[]) => credit.map((c) => c.artist.id);

function albumQuery(album: EnrichAlbum): AlbumQuery {
  return {
    title: album.title ?? '',
    artist: album.artist ?? '',
    tracks: album.tracks.map((t) => ({ title: t.title ?? '', trackNumber: t.trackNumber, discNumber: t.discNumber, durationMs: t.durationMs })),
  };
}

function releaseTracks(release: MbRelease) {
  return release.media.flatMap((medium) =>
    medium.tracks.map((track) => ({
      ref: { track, medium: medium.position },
      title: track.title,
      position: track.position,
      discNumber: medium.position,
      durationMs: track.lengthMs ?? track.recording?.lengthMs ?? null,
    })),
  );
}

/** Scores a looked-up release against the files and says which file sits on which track. */
export function scoreLookedUp(album: EnrichAlbum, release: MbRelease): { candidate: MatchCandidate; placements: TrackMatch[] } {
  const tracks = releaseTracks(release);
  const scored = scoreRelease(albumQuery(album), {
    title: release.title,
    artists: [creditName(release.artistCredit) ?? '', ...release.artistCredit.map((c) => c.artist.name)],
    trackCount: release.trackCount,
    tracks,
  });
  const fileOn = new Map<(typeof tracks)[number]['ref'], number>();
  scored.placements.forEach((ref, i) => {
    if (ref) fileOn.set(ref, album.tracks[i]!.id);
  });
  return {
    candidate: {
      ...candidateHead(release),
      score: round(scored.score),
      parts: roundParts(scored.parts),
      tracks: tracks.map((t) => ({
        position: t.position,
        discNumber: t.discNumber,
        title: t.title,
        durationMs: t.durationMs,
        fileTrackId: fileOn.get(t.ref) ?? null,
      })),
    },
    placements: placementsOf(album, release, scored.placements),
  };
}

function placementsOf(album: EnrichAlbum, release: MbRelease, placements: ReadonlyArray<{ track: MbRelease['media'][number]['tracks'][number]; medium: number | null } | null>): TrackMatch[] {
  const albumArtist = creditName(release.artistCredit);
  const out: TrackMatch[] = [];
  placements.forEach((ref, i) => {
    if (!ref) return;
    const file = album.tracks[i]!;
    const credit = ref.track.artistCredit.length > 0 ? ref.track.artistCredit : release.artistCredit;
    out.push({
      trackId: file.id,
      source: 'musicbrainz',
      score: null,
      recordingId: ref.track.recording?.id ?? null,
      trackMbid: ref.track.id,
      releaseId: release.id,
      releaseGroupId: release.releaseGroup?.id ?? null,
      artistIds: creditIds(credit),
      albumArtistIds: creditIds(release.artistCredit),
      title: ref.track.title,
      artist: creditName(credit),
      albumArtist,
      album: release.title,
      trackNumber: ref.track.position,
      discNumber: ref.medium,
      isrc: ref.track.recording?.isrcs[0] ?? null,
      genres: release.genres,
    });
  });
  return out;
}

function candidateHead(release: MbRelease): Omit<MatchCandidate, 'score' | 'parts' | 'tracks'> {
  const formats = [...new Set(release.media.map((m) => m.format).filter((f): f is string => !!f))];
  return {
    source: 'musicbrainz',
    id: release.id,
    title: release.title,
    artist: creditName(release.artistCredit) ?? '',
    date: release.date,
    country: release.country,
    format: formats.length > 0 ? `${release.media.length > 1 ? `${release.media.length}×` : ''}${formats.join(' + ')}` : null,
    trackCount: release.trackCount,
    releaseGroupId: release.releaseGroup?.id ?? null,
  };
}

const round = (n: number) => Math.round(n * 1000) / 1000;
const roundParts = (p: MatchCandidate['parts']): MatchCandidate['parts'] => ({
  title: round(p.title),
  artist: round(p.artist),
  count: p.count === null ? null : round(p.count),
  tracks: p.tracks === null ? null : round(p.tracks),
});

/** One album's part of a batched search: both names as phrases, versions stripped. */
function albumClause(album: EnrichAlbum): string | null {
  if (!album.title || !album.artist) return null;
  const title = fieldPhrase('release', searchText(album.title));
  const artist = fieldPhrase('artist', searchText(album.artist));
  return title && artist ? `(${title} AND ${artist})` : null;
}

/**
 * Matches albums to releases with as few MusicBrainz requests as the answer
 * allows: a tagged release id costs one lookup; untagged albums share one
 * release search per SEARCH_BATCH albums, are ranked on what the search
 * tells (title, artist, track count, the files' year), and only the leader
 * is looked up to place the files on its tracks. More lookups are spent only
 * when that leader does not fit, and what is still unclear goes to review.
 */
export class AlbumMatcher {
  private readonly threshold: number;
  private readonly margin: number;
  /** Lookups shared by every album of the run: two folders of one release cost one request. */
  private readonly releases = new Map<string, Promise<MbRelease | null>>();

  constructor(
    private readonly clients: MatchClients,
    private readonly options: MatchOptions = {},
  ) {
    this.threshold = options.threshold ?? DEFAULT_THRESHOLD;
    this.margin = options.margin ?? DEFAULT_MARGIN;
  }

  /** Matches a batch; each album's outcome is reported as soon as it is known. */
  async matchBatch(albums: EnrichAlbum[], onOutcome: (album: EnrichAlbum, outcome: AlbumOutcome) => void): Promise<void> {
    const tagged = albums.filter((a) => a.releaseId);
    const searchable = albums.filter((a) => !a.releaseId && albumClause(a));
    for (const album of albums) {
      if (!album.releaseId && !albumClause(album)) {
        onOutcome(album, { state: 'notFound', why: 'The files have no album and artist tags to search by.' });
      }
    }
    const settle = async (album: EnrichAlbum, work: () => Promise<AlbumOutcome>) => {
      try {
        onOutcome(album, await work());
      } catch (err) {
        if (err instanceof DeferredError) onOutcome(album, { state: 'deferred', why: err.message });
        else throw err;
      }
    };
    for (const album of tagged) await settle(album, () => this.byReleaseId(album));
    if (searchable.length === 0) return;
    let results: MbRelease[] | null = null;
    try {
      await this.options.beforeRequest?.();
      const lucene = searchable.map((a) => albumClause(a)!).join(' OR ');
      results = (await this.clients.musicbrainz.searchReleases(lucene, { limit: 100 }, this.options.signal)).items;
    } catch (err) {
      if (!(err instanceof DeferredError)) throw err;
      for (const album of searchable) onOutcome(album, { state: 'deferred', why: err.message });
      return;
    }
    for (const album of searchable) await settle(album, () => this.fromSearch(album, results!));
  }

  private lookup(id: string): Promise<MbRelease | null> {
    const key = id.trim().toLowerCase();
    let pending = this.releases.get(key);
    if (!pending) {
      pending = (async () => {
        await this.options.beforeRequest?.();
        return this.clients.musicbrainz.lookupRelease(key, RELEASE_INC, this.options.signal);
      })();
      // A failed lookup is not remembered: the next album may ask again.
      pending.catch(() => this.releases.delete(key));
      this.releases.set(key, pending);
    }
    return pending;
  }

  private async byReleaseId(album: EnrichAlbum): Promise<AlbumOutcome> {
    const release = await this.lookup(album.releaseId!);
    if (!release) {
      // A release id MusicBrainz does not know (deleted, or a typo): match by name instead.
      return this.fromSearch({ ...album, releaseId: null }, null);
    }
    const { candidate, placements } = scoreLookedUp(album, release);
    return this.matched(candidate, placements);
  }

  private matched(candidate: MatchCandidate, placements: TrackMatch[], candidates: MatchCandidate[] = [candidate]): AlbumOutcome {
    return {
      state: 'matched',
      source: 'musicbrainz',
      score: candidate.score,
      matchId: candidate.id,
      releaseId: candidate.id,
      releaseGroupId: candidate.releaseGroupId,
      candidates,
      tracks: placements.map((t) => ({ ...t, score: candidate.score })),
    };
  }

  /** Ranks search results for one album by what a search answer carries. */
  private rank(album: EnrichAlbum, results: MbRelease[]) {
    const query = albumQuery(album);
    return results
      .map((release) => {
        const s = scoreRelease(query, {
          title: release.title,
          artists: [creditName(release.artistCredit) ?? '', ...release.artistCredit.map((c) => c.artist.name)],
          trackCount: release.trackCount,
        });
        // Among editions that look alike, the one dated as the files are tagged is the likelier.
        const sameYear = album.year !== null && release.date?.startsWith(String(album.year)) ? 0.01 : 0;
        return { release, score: s.score + sameYear, parts: s.parts };
      })
      .filter((r) => r.parts.title >= 0.7 && r.parts.artist >= 0.6)
      .sort((a, b) => b.score - a.score || (a.release.date ?? '9999').localeCompare(b.release.date ?? '9999') || a.release.id.localeCompare(b.release.id));
  }

  private async fromSearch(album: EnrichAlbum, batchResults: MbRelease[] | null): Promise<AlbumOutcome> {
    let ranked = batchResults ? this.rank(album, batchResults) : [];
    if (ranked.length === 0 && album.title && album.artist) {
      // The batch found nothing for this one: a search of its own, by album title alone, casts wider.
      await this.options.beforeRequest?.();
      const page = await this.clients.musicbrainz.searchReleases({ title: searchText(album.title) }, { limit: 25 }, this.options.signal);
      ranked = this.rank(album, page.items);
    }
    const fullyScored: Array<{ candidate: MatchCandidate; placements: TrackMatch[] }> = [];
    const scoreAt = async (i: number) => {
      const release = ranked[i] && (await this.lookup(ranked[i].release.id));
      if (release) fullyScored.push(scoreLookedUp(album, release));
    };
    if (ranked.length > 0) {
      await scoreAt(0);
      const leader = fullyScored[0];
      // A rival is a release of another release group that the search rates as highly: the
      // same songs under another name or label, which only a person can tell apart.
      const groupOf = (r: MbRelease) => r.releaseGroup?.id ?? r.id;
      const rivals = ranked.slice(1).filter((r) => groupOf(r.release) !== groupOf(ranked[0]!.release) && r.score >= ranked[0]!.score - this.margin);
      if (leader && leader.candidate.score >= this.threshold + this.margin && rivals.length === 0) {
        // A sure fit, and the runners-up are editions of the same album.
        return this.matched(leader.candidate, leader.placements);
      }
      const next = [...new Set([...rivals.map((r) => ranked.indexOf(r)), 1, 2])].filter((i) => i > 0 && i < ranked.length);
      for (const i of next.slice(0, REVIEW_CANDIDATES - 1)) await scoreAt(i);
      fullyScored.sort((a, b) => b.candidate.score - a.candidate.score || a.candidate.id.localeCompare(b.candidate.id));
      const [best, second] = fullyScored;
      if (best) {
        const sameTracklist = (a: MatchCandidate, b: MatchCandidate) =>
          a.releaseGroupId !== null && a.releaseGroupId === b.releaseGroupId && a.trackCount === b.trackCount;
        const rival = fullyScored.slice(1).find((c) => !sameTracklist(best.candidate, c.candidate));
        const clear = !rival || best.candidate.score - rival.candidate.score >= this.margin - 1e-9;
        if (best.candidate.score >= this.threshold - 1e-9 && clear) {
          return this.matched(best.candidate, best.placements, fullyScored.map((c) => c.candidate));
        }
        if (best.candidate.score >= REVIEW_FLOOR) {
          return {
            state: 'review',
            score: best.candidate.score,
            candidates: fullyScored.map((c) => c.candidate),
            proposals: fullyScored.map((c) => ({ candidate: c.candidate, tracks: c.placements.map((t) => ({ ...t, score: c.candidate.score })) })),
            why:
              best.candidate.score >= this.threshold
                ? `Two releases fit almost equally well (${best.candidate.score} and ${second?.candidate.score}).`
                : `The best release scores ${best.candidate.score}, below the ${this.threshold} needed to apply it unasked.`,
          };
        }
      }
    }
    return (await this.fallback(album)) ?? { state: 'notFound', why: 'No release on MusicBrainz, TheAudioDB or Discogs fits.' };
  }

  /** MusicBrainz had nothing that fits: TheAudioDB, then Discogs, by name. */
  private async fallback(album: EnrichAlbum): Promise<AlbumOutcome | null> {
    if (!album.title || !album.artist) return null;
    const title = normalizeAlbum(album.title);
    const artist = normalizeArtist(album.artist).key;
    const fits = (t: string, a: string) => {
      const parts = { title: textSimilarity(title, normalizeAlbum(t)), artist: textSimilarity(artist, normalizeArtist(a).key) };
      return { parts, score: round(0.6 * parts.title + 0.4 * parts.artist) };
    };
    const { theaudiodb, discogs } = this.clients;
    if (theaudiodb) {
      const albums = (await theaudiodb.searchAlbum(searchText(album.artist), searchText(album.title), this.options.signal)) ?? [];
      const best = albums
        .map((a) => ({ a, ...fits(a.name, a.artist ?? '') }))
        .sort((x, y) => y.score - x.score || x.a.id.localeCompare(y.a.id))[0];
      if (best && best.score >= this.threshold) return this.external(album, 'theaudiodb', best.a.id, best.score, best.parts, audioDbCandidate(best.a));
    }
    if (discogs) {
      const page = await discogs.search({ type: 'release', artist: searchText(album.artist), releaseTitle: searchText(album.title), perPage: 10 }, this.options.signal);
      const best = page.results
        .map((r) => {
          const [artistPart, ...titleParts] = r.title.split(' - ');
          return { r, ...fits(titleParts.join(' - ') || r.title, artistPart ?? '') };
        })
        .sort((x, y) => y.score - x.score || x.r.id - y.r.id)[0];
      if (best && best.score >= this.threshold) return this.external(album, 'discogs', String(best.r.id), best.score, best.parts, discogsCandidate(best.r));
    }
    return null;
  }

  /** A TheAudioDB or Discogs match names the album; the files keep their own track details. */
  private external(
    album: EnrichAlbum,
    source: MatchSource,
    id: string,
    score: number,
    parts: { title: number; artist: number },
    head: { title: string; artist: string; date: string | null; country: string | null; format: string | null; genres: string[] },
  ): AlbumOutcome {
    const candidate: MatchCandidate = {
      source,
      id,
      title: head.title,
      artist: head.artist,
      date: head.date,
      country: head.country,
      format: head.format,
      trackCount: null,
      score,
      parts: { title: round(parts.title), artist: round(parts.artist), count: null, tracks: null },
      releaseGroupId: null,
      tracks: [],
    };
    return {
      state: 'matched',
      source,
      score,
      matchId: id,
      releaseId: null,
      releaseGroupId: null,
      candidates: [candidate],
      tracks: album.tracks.map((t) => ({
        trackId: t.id,
        source,
        score,
        recordingId: null,
        trackMbid: null,
        releaseId: null,
        releaseGroupId: null,
        artistIds: [],
        albumArtistIds: [],
        title: t.title,
        artist: t.artist,
        albumArtist: head.artist,
        album: head.title,
        trackNumber: t.trackNumber,
        discNumber: t.discNumber,
        isrc: null,
        genres: head.genres,
      })),
    };
  }
}

function audioDbCandidate(a: AudioDbAlbum) {
  return {
    title: a.name,
    artist: a.artist ?? '',
    date: a.year ? String(a.year) : null,
    country: null,
    format: a.releaseFormat,
    genres: [a.genre, a.style].filter((g): g is string => !!g),
  };
}

function discogsCandidate(r: DiscogsSearchResult) {
  const [artist, ...title] = r.title.split(' - ');
  return {
    title: title.join(' - ') || r.title,
    artist: artist ?? '',
    date: r.year ? String(r.year) : null,
    country: r.country,
    format: r.formats[0] ?? null,
    genres: [...r.genres, ...r.styles],
  };
}
