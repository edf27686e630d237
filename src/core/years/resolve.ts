import pLimit from 'p-limit';
import type { YearIds, YearSource } from '../../shared/library';
import {
  type AlbumQuery,
  normalizeAlbum,
  normalizeArtist,
  normalizeTitle,
  pickBest,
  scoreCandidate,
  scoreRelease,
  splitFeaturing,
  searchText,
  textSimilarity,
  DEFAULT_MARGIN,
  DEFAULT_THRESHOLD,
} from '../match';
import { DeferredError } from '../net/errors';
import type { DiscogsClient } from '../sources/discogs';
import { isMbid, yearOf, type MbRecording, type MbRelease, type MbReleaseGroup, type MusicBrainzClient } from '../sources/musicbrainz';
import type { TheAudioDbClient } from '../sources/theaudiodb';
import type { YearItem, YearResult } from './store';

export interface YearSourcesClients {
  musicbrainz: MusicBrainzClient;
  theaudiodb: TheAudioDbClient | null;
  discogs: DiscogsClient | null;
}

export interface ResolveOptions {
  /** Id batches in flight at once (pass 1). */
  pass1Concurrency: number;
  /** Searches in flight at once (pass 2). */
  pass2Concurrency: number;
  signal: AbortSignal;
  /** Receives results as they are settled, a group at a time. */
  onResults(results: Array<{ item: YearItem; result: YearResult }>): void;
  /** A per-item error that is not 'deferred' (a malformed answer): the item goes on as not found. */
  onError?(message: string): void;
  threshold?: number;
  margin?: number;
}

const BATCH = 50;
const SEARCH_LIMIT = 25;
/** An album group smaller than this is searched track by track: one search each either way. */
const MIN_ALBUM_GROUP = 3;

const NOT_FOUND: YearResult = { state: 'notFound', year: null, albumYear: null, source: null, score: null, ids: null };
const DEFERRED: YearResult = { state: 'deferred', year: null, albumYear: null, source: null, score: null, ids: null };

function found(year: number, source: YearSource, score: number, ids: YearIds, albumYear: number | null): YearResult {
  return { state: 'found', year, albumYear, source, score: Math.round(score * 1000) / 1000, ids };
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const minYear = (years: Array<number | null | undefined>): number | null => {
  const known = years.filter((y): y is number => typeof y === 'number');
  return known.length > 0 ? Math.min(...known) : null;
};

/** A recording's original year: its first release, whatever release of it we hold. */
function recordingYear(recording: MbRecording): number | null {
  return minYear([yearOf(recording.firstReleaseDate), ...recording.releases.map((r) => yearOf(r.releaseGroup?.firstReleaseDate ?? r.date))]);
}

const creditNames = (credit: MbRecording['artistCredit']): string[] => {
  const joined = credit.map((c) => `${c.name}${c.joinphrase}`).join('').trim();
  return [...new Set([joined, ...credit.map((c) => c.name)])].filter(Boolean);
};

/**
 * Finds the original year of every item, in two passes.
 *
 * Pass 1 uses the MusicBrainz ids in the tags: recordings 50 to a search,
 * then the albums' releases and release groups, each id asked once however
 * many items share it. Pass 2 matches the rest by name: whole albums first
 * (one release search and one lookup serve every track of it), then track
 * by track, then TheAudioDB, then Discogs.
 *
 * Deterministic by construction: items are grouped before anything is
 * asked, each group's answer depends only on what the services say for it,
 * and ties are broken by id, so any concurrency gives the same result.
 */
export async function resolveYears(items: readonly YearItem[], clients: YearSourcesClients, options: ResolveOptions): Promise<void> {
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  const margin = options.margin ?? DEFAULT_MARGIN;
  const mb = clients.musicbrainz;
  const { signal } = options;

  // ---- pass 1: by id ----
  const withIds = items.filter((i) => (i.recordingId && isMbid(i.recordingId)) || (i.releaseId && isMbid(i.releaseId)));
  const byName = items.filter((i) => !withIds.includes(i));
  const recordings = new Map<string, MbRecording | null | 'deferred'>();
  const releases = new Map<string, MbRelease | null | 'deferred'>();
  const groups = new Map<string, MbReleaseGroup | null | 'deferred'>();

  const pass1Limit = pLimit(Math.max(1, options.pass1Concurrency));
  const fetchAll = async <T>(
    ids: string[],
    into: Map<string, T | null | 'deferred'>,
    fetch: (batch: string[]) => Promise<Map<string, T | null>>,
  ) => {
    await Promise.all(
      chunks(ids, BATCH).map((batch) =>
        pass1Limit(async () => {
          if (signal.aborted) return;
          try {
            const answer = await fetch(batch);
            for (const id of batch) into.set(id, answer.get(id) ?? null);
          } catch (err) {
            if (signal.aborted) return;
            if (!(err instanceof DeferredError)) options.onError?.((err as Error).message);
            for (const id of batch) into.set(id, err instanceof DeferredError ? 'deferred' : null);
          }
        }),
      ),
    );
  };
  const unique = (values: Array<string | null>) => [...new Set(values.filter((v): v is string => !!v && isMbid(v)).map((v) => v.toLowerCase()))].sort();

  const limit = pLimit(Math.max(1, options.pass2Concurrency));
  // Items without ids need nothing from pass 1: their searches start at once, beside it.
  const [fallthrough] = await Promise.all([passOne(), passTwo(byName)]);
  if (signal.aborted) return;
  await passTwo(fallthrough);

  /** Years from the ids in the tags; returns the items it could not settle, for pass 2. */
  async function passOne(): Promise<YearItem[]> {
    await Promise.all([
      fetchAll(unique(withIds.map((i) => i.recordingId)), recordings, (batch) => mb.recordingsByIds(batch, signal)),
      fetchAll(unique(withIds.map((i) => i.releaseId)), releases, (batch) => mb.releasesByIds(batch, signal)),
    ]);
    // A release group is asked for only where the recording gave no year: it is the fallback.
    const recordingYearOf = (item: YearItem) => {
      const rec = item.recordingId ? recordings.get(item.recordingId.toLowerCase()) : undefined;
      return rec && rec !== 'deferred' ? yearOf(rec.firstReleaseDate) : null;
    };
    const groupIds = unique(
      withIds
        .filter((item) => recordingYearOf(item) === null && item.releaseId)
        .map((item) => {
          const r = releases.get(item.releaseId!.toLowerCase());
          return r && r !== 'deferred' && r.releaseGroup && !r.releaseGroup.firstReleaseDate ? r.releaseGroup.id : null;
        }),
    );
    await fetchAll(groupIds, groups, (batch) => mb.releaseGroupsByIds(batch, signal));
    if (signal.aborted) return [];

    const rest: YearItem[] = [];
    const settled: Array<{ item: YearItem; result: YearResult }> = [];
    for (const item of withIds) {
      const rec = item.recordingId ? recordings.get(item.recordingId.toLowerCase()) : undefined;
      const rel = item.releaseId ? releases.get(item.releaseId.toLowerCase()) : undefined;
      if (rec === 'deferred' || rel === 'deferred') {
        settled.push({ item, result: DEFERRED });
        continue;
      }
      const recYear = rec ? yearOf(rec.firstReleaseDate) : null;
      const groupRef = rel?.releaseGroup ?? null;
      const group = groupRef ? (groupRef.firstReleaseDate || recYear !== null ? groupRef : groups.get(groupRef.id.toLowerCase())) : null;
      if (group === 'deferred') {
        settled.push({ item, result: DEFERRED });
        continue;
      }
      const year = recYear ?? yearOf(group?.firstReleaseDate ?? null);
      if (year === null) {
        rest.push(item);
        continue;
      }
      const ids: YearIds = {};
      if (rec) ids.recordingId = rec.id;
      if (rel) ids.releaseId = rel.id;
      if (group) ids.releaseGroupId = group.id;
      settled.push({ item, result: found(year, 'mbid', 1, ids, yearOf(rel?.date ?? null)) });
    }
    if (settled.length > 0) options.onResults(settled);
    return rest;
  }

  /** Years from names: whole albums first, then the rest track by track. */
  async function passTwo(list: YearItem[]): Promise<void> {
    const albumGroups = new Map<string, YearItem[]>();
    const loose: YearItem[] = [];
    for (const item of list) {
      if (!item.title || !item.artist) {
        options.onResults([{ item, result: NOT_FOUND }]);
        continue;
      }
      const album = item.album ? normalizeAlbum(item.album) : '';
      if (!album) {
        loose.push(item);
        continue;
      }
      const key = `${normalizeArtist(item.artist).key}\u0000${album}`;
      albumGroups.set(key, [...(albumGroups.get(key) ?? []), item]);
    }
    const albumJobs: Array<Promise<void>> = [];
    // Tracks an album match could not place are searched one by one afterwards: a search
    // queued from inside an album's slot would wait for a slot it holds.
    const unplaced: YearItem[][] = [];
    for (const [, members] of [...albumGroups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (members.length < MIN_ALBUM_GROUP) {
        loose.push(...members);
        continue;
      }
      albumJobs.push(
        limit(async () => {
          if (signal.aborted) return;
          const leftover = await resolveAlbum(members);
          if (leftover === 'deferred') options.onResults(members.map((item) => ({ item, result: DEFERRED })));
          else unplaced.push(leftover);
        }),
      );
    }
    await Promise.all(albumJobs);
    // Sorted, so the loose searches are grouped the same whichever album finished first.
    const leftovers = unplaced.flat().sort((a, b) => (a.kind === b.kind ? a.id - b.id : a.kind < b.kind ? -1 : 1));
    await resolveLoose([...loose, ...leftovers]);
  }

  /** Matches a whole album: returns the items it could not place on the release it found. */
  async function resolveAlbum(members: YearItem[]): Promise<YearItem[] | 'deferred'> {
    const first = members[0]!;
    try {
      const page = await mb.searchReleases({ artist: searchText(first.artist!), title: searchText(first.album!) }, { limit: SEARCH_LIMIT }, signal);
      const query: AlbumQuery = {
        title: first.album!,
        artist: first.artist!,
        tracks: members.map((m) => ({ title: m.title!, trackNumber: m.trackNumber, discNumber: m.discNumber, durationMs: m.durationMs })),
      };
      const scored = page.items.map((release) => ({
        item: release,
        score: scoreRelease(query, {
          title: release.title,
          artists: creditNames(release.artistCredit),
          trackCount: release.trackCount ?? (release.media.reduce((n, m) => n + (m.trackCount ?? 0), 0) || null),
        }).score,
      }));
      const best = pickBest(scored, {
        threshold,
        margin,
        key: (r) => r.id,
        // Two releases of one release group (an original and its reissue) give the same years.
        sameAnswer: (a, b) => !!a.releaseGroup && a.releaseGroup.id === b.releaseGroup?.id,
      });
      if (!best.winner) return members;
      const release = await mb.lookupRelease(releaseInHand(best.winner, scored, best.score, members).id, ['recordings', 'release-groups', 'artist-credits'], signal);
      if (!release) return members;
      const groupYear = yearOf(release.releaseGroup?.firstReleaseDate ?? null);
      const full = scoreRelease(query, {
        title: release.title,
        artists: creditNames(release.artistCredit),
        trackCount: release.trackCount,
        tracks: release.media.flatMap((m) =>
          m.tracks
            .filter((t) => t.recording)
            .map((t) => ({ ref: t, title: t.title, position: t.position, discNumber: m.position, durationMs: t.lengthMs })),
        ),
      });
      const placed: Array<{ item: YearItem; result: YearResult }> = [];
      const leftover: YearItem[] = [];
      members.forEach((item, index) => {
        const recording = full.placements[index]?.recording;
        const year = recording ? (yearOf(recording.firstReleaseDate) ?? groupYear) : null;
        if (!recording || year === null) {
          leftover.push(item);
          return;
        }
        placed.push({
          item,
          result: found(
            year,
            'fuzzy-mb',
            full.score,
            { recordingId: recording.id, releaseId: release.id, ...(release.releaseGroup ? { releaseGroupId: release.releaseGroup.id } : {}) },
            yearOf(release.date),
          ),
        });
      });
      if (placed.length > 0) options.onResults(placed);
      return leftover;
    } catch (err) {
      if (err instanceof DeferredError) return 'deferred';
      if (signal.aborted) throw err;
      options.onError?.((err as Error).message);
      return members;
    }
  }

  /** Track by track, identical searches made once. */
  async function resolveLoose(list: YearItem[]): Promise<void> {
    const byKey = new Map<string, YearItem[]>();
    for (const item of list) {
      const key = `${normalizeArtist(item.artist!).key}\u0000${normalizeTitle(item.title!).key}\u0000${item.album ? normalizeAlbum(item.album) : ''}`;
      byKey.set(key, [...(byKey.get(key) ?? []), item]);
    }
    await Promise.all(
      [...byKey.values()].map((members) =>
        limit(async () => {
          if (signal.aborted) return;
          const result = await resolveTrack(members[0]!);
          if (signal.aborted) return;
          options.onResults(members.map((item) => ({ item, result })));
        }),
      ),
    );
  }

  async function resolveTrack(item: YearItem): Promise<YearResult> {
    try {
      const artist = normalizeArtist(item.artist!);
      const first = firstArtist(item.artist!);
      const byRecording =
        (await searchRecording(item, item.artist!)) ?? (artist.primary !== artist.key && first ? await searchRecording(item, first) : null);
      if (byRecording) return byRecording;
      return (await fromAudioDb(item)) ?? (await fromDiscogs(item)) ?? NOT_FOUND;
    } catch (err) {
      if (err instanceof DeferredError) return DEFERRED;
      if (signal.aborted) throw err;
      options.onError?.((err as Error).message);
      return NOT_FOUND;
    }
  }

  async function searchRecording(item: YearItem, artist: string): Promise<YearResult | null> {
    const page = await mb.searchRecordings({ artist: searchText(artist), title: searchText(item.title!) }, { limit: SEARCH_LIMIT }, signal);
    const scored = page.items.map((recording) => ({
      item: recording,
      score: scoreCandidate(
        { title: item.title!, artist: item.artist!, album: item.album ?? undefined, durationMs: item.durationMs },
        {
          // MusicBrainz marks a live or remixed recording in its disambiguation, rarely in the title.
          title: recording.disambiguation ? `${recording.title} (${recording.disambiguation})` : recording.title,
          artists: creditNames(recording.artistCredit),
          albums: recording.releases.map((r) => r.title),
          durationMs: recording.lengthMs,
        },
      ).score,
    }));
    const best = pickBest(scored, {
      threshold,
      margin,
      key: (r) => r.id,
      // The same song on several recordings (a remaster, a single) is no ambiguity if they agree on the year.
      sameAnswer: (a, b) => recordingYear(a) === recordingYear(b),
    });
    if (!best.winner) return null;
    const year = recordingYear(best.winner);
    if (year === null) return null;
    const earliest = [...best.winner.releases]
      .filter((r) => yearOf(r.releaseGroup?.firstReleaseDate ?? r.date) === year)
      .sort((a, b) => (a.id < b.id ? -1 : 1))[0];
    return found(
      year,
      'fuzzy-mb',
      best.score,
      { recordingId: best.winner.id, ...(earliest ? { releaseId: earliest.id } : {}), ...(earliest?.releaseGroup ? { releaseGroupId: earliest.releaseGroup.id } : {}) },
      null,
    );
  }

  async function fromAudioDb(item: YearItem): Promise<YearResult | null> {
    const audiodb = clients.theaudiodb;
    if (!audiodb) return null;
    const tracks = (await audiodb.searchTrack(item.artist!, searchText(item.title!), signal)) ?? [];
    const scored = tracks.map((t) => ({
      item: t,
      score: scoreCandidate(
        { title: item.title!, artist: item.artist!, album: item.album ?? undefined, durationMs: item.durationMs },
        { title: t.name, artists: t.artist ? [t.artist] : [], albums: t.album ? [t.album] : [], durationMs: t.durationMs },
      ).score,
    }));
    const best = pickBest(scored, { threshold, margin, key: (t) => t.id, sameAnswer: (a, b) => a.album === b.album });
    if (!best.winner?.album) return null;
    const albums = (await audiodb.searchAlbum(best.winner.artist ?? item.artist!, best.winner.album, signal)) ?? [];
    const year = minYear(albums.filter((a) => textSimilarity(normalizeAlbum(a.name), normalizeAlbum(best.winner!.album!)) >= threshold).map((a) => a.year));
    if (year === null) return null;
    return found(year, 'theaudiodb', best.score, { theaudiodbTrackId: best.winner.id }, null);
  }

  async function fromDiscogs(item: YearItem): Promise<YearResult | null> {
    const discogs = clients.discogs;
    if (!discogs?.hasToken) return null;
    const page = await discogs.search({ type: 'master', artist: item.artist!, track: searchText(item.title!), perPage: 25 }, signal);
    const artistKey = normalizeArtist(item.artist!).key;
    const albumKey = item.album ? normalizeAlbum(item.album) : null;
    const matching = page.results
      .map((r) => {
        const [artistPart = '', ...titleParts] = r.title.split(' - ');
        return {
          r,
          artist: textSimilarity(artistKey, normalizeArtist(artistPart).key),
          album: albumKey ? textSimilarity(albumKey, normalizeAlbum(titleParts.join(' - '))) : 1,
        };
      })
      // Discogs lists every master with a track of that name: without the album to confirm it, only the earliest is safe.
      .filter((m) => m.artist >= threshold && m.album >= threshold && m.r.year !== null)
      .sort((a, b) => a.r.year! - b.r.year! || a.r.id - b.r.id);
    const first = matching[0];
    if (!first) return null;
    return found(first.r.year!, 'discogs', first.artist, { discogsMasterId: first.r.id }, null);
  }
}

/** The first artist of a credit as written ('Åkesson & Tanaka' → 'Åkesson'), for the retry; null for a single artist. */
function firstArtist(credit: string): string | null {
  const parts = splitFeaturing(credit).main.split(/\s+(?:&|and|x|vs\.?|\/|;)\s+|,\s+/i);
  return parts.length > 1 && parts[0]!.trim() ? parts[0]!.trim() : null;
}

/**
 * The original and its reissues give the same years, but only one is the
 * release in hand: among the winner's release group, as good a match as it,
 * the one dated as the files are tagged (a 2011 remaster says 2011).
 */
function releaseInHand(winner: MbRelease, scored: Array<{ item: MbRelease; score: number }>, score: number, members: YearItem[]): MbRelease {
  const tagged = members.map((m) => m.tagYear).filter((y): y is number => y !== null);
  if (tagged.length === 0 || !winner.releaseGroup) return winner;
  const counts = new Map<number, number>();
  for (const y of tagged) counts.set(y, (counts.get(y) ?? 0) + 1);
  const tagYear = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]![0];
  if (yearOf(winner.date) === tagYear) return winner;
  const sibling = scored
    .filter((s) => s.item.releaseGroup?.id === winner.releaseGroup!.id && s.score >= score - 0.02 && yearOf(s.item.date) === tagYear)
    .sort((a, b) => b.score - a.score || (a.item.id < b.item.id ? -1 : 1))[0];
  return sibling?.item ?? winner;
}

/**
 * What we send a search engine: the words as written, without version
 * suffixes and featured artists. Not the folded key: a search index keeps
 * '&' as '&' (or drops it), so 'and' in a phrase would find nothing.
 */
