import { z } from 'zod';
import { MalformedResponseError, parseJsonBody, unexpectedStatus } from '../net/errors';
import type { HttpRequest, HttpResponse, SourceHttp } from '../net/types';
import { andTerms, fieldPhrase, idListQuery, rangeTerm } from './lucene';
import {
  clampInt,
  isSuccess,
  jsonErrorMessage,
  optBoolean,
  optNumber,
  optString,
  optText,
  stringList,
} from './shared';

/** A MusicBrainz partial date as MB writes it: '1997', '1997-05' or '1997-05-21'. */
export type MbDate = string;

export interface MbArtistCredit {
  /** The name as credited (falls back to the artist's name). */
  name: string;
  joinphrase: string;
  artist: { id: string; name: string; sortName: string | null };
}

export interface MbReleaseGroupRef {
  id: string;
  /** Search answers nest release groups without a title. */
  title: string | null;
  primaryType: string | null;
  secondaryTypes: string[];
  firstReleaseDate: MbDate | null;
}

export interface MbTrackRecording {
  id: string;
  title: string;
  lengthMs: number | null;
  firstReleaseDate: MbDate | null;
  /** With inc=isrcs on a release lookup. */
  isrcs: string[];
}

export interface MbTrack {
  id: string;
  /** 1-based position on the medium (search answers give only an offset; derived from it). */
  position: number | null;
  /** The number printed on the release ('A1', '2'). */
  number: string | null;
  title: string;
  lengthMs: number | null;
  recording: MbTrackRecording | null;
  /** The track's own credit (a compilation's differs from the release's); empty when not asked for. */
  artistCredit: MbArtistCredit[];
}

export interface MbMedium {
  position: number | null;
  format: string | null;
  title: string | null;
  trackCount: number | null;
  /** Lookups list every track (with inc=recordings); searches only the matching ones. */
  tracks: MbTrack[];
}

export interface MbReleaseSummary {
  id: string;
  title: string;
  date: MbDate | null;
  status: string | null;
  country: string | null;
  releaseGroup: MbReleaseGroupRef | null;
  media: MbMedium[];
}

export interface MbRecording {
  id: string;
  title: string;
  disambiguation: string;
  lengthMs: number | null;
  firstReleaseDate: MbDate | null;
  artistCredit: MbArtistCredit[];
  isrcs: string[];
  releases: MbReleaseSummary[];
  /** Present on search results (0–100). */
  score?: number;
}

export interface MbCoverArtArchive {
  front: boolean;
  back: boolean;
  count: number;
  artwork: boolean;
  darkened: boolean;
}

export interface MbRelease {
  id: string;
  title: string;
  disambiguation: string;
  date: MbDate | null;
  country: string | null;
  status: string | null;
  /** '' means 'has no barcode' in MusicBrainz; null means unknown. */
  barcode: string | null;
  trackCount: number | null;
  artistCredit: MbArtistCredit[];
  releaseGroup: MbReleaseGroupRef | null;
  media: MbMedium[];
  /** Lookups only; searches do not say. */
  coverArtArchive: MbCoverArtArchive | null;
  /** With inc=genres: the release's genres, most voted first. */
  genres: string[];
  score?: number;
}

export interface MbReleaseGroup {
  id: string;
  title: string;
  disambiguation: string;
  primaryType: string | null;
  secondaryTypes: string[];
  firstReleaseDate: MbDate | null;
  artistCredit: MbArtistCredit[];
  /** With inc=releases on a lookup; a few summaries on search results. */
  releases?: MbReleaseSummary[];
  score?: number;
}

export interface MbWork {
  id: string;
  title: string;
  type: string | null;
  iswcs: string[];
  languages: string[];
}

export interface MbSearchPage<T> {
  count: number;
  offset: number;
  items: Array<T & { score: number }>;
}

export interface MbBrowsePage<T> {
  count: number;
  offset: number;
  items: T[];
}

const MBID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isMbid(value: string): boolean {
  return MBID.test(value.trim());
}

/** The year of a MusicBrainz date ('1997-05-21' → 1997); null when absent or unreadable. */
export function yearOf(date: string | null | undefined): number | null {
  if (!date) return null;
  const m = /^(\d{4})(?:-|$)/.exec(date.trim());
  if (!m) return null;
  const year = Number(m[1]);
  return year > 0 ? year : null;
}

const mbDate = optText;

const artistCreditSchema = z
  .array(
    z.object({
      name: z.string().nullish(),
      joinphrase: z.string().nullish(),
      artist: z.object({
        id: z.string().min(1),
        name: z.string(),
        'sort-name': z.string().nullish(),
      }),
    }),
  )
  .nullish()
  .transform((credits): MbArtistCredit[] =>
    (credits ?? []).map((c) => ({
      name: c.name ?? c.artist.name,
      joinphrase: c.joinphrase ?? '',
      artist: { id: c.artist.id, name: c.artist.name, sortName: c.artist['sort-name'] ?? null },
    })),
  );

const releaseGroupRefSchema = z
  .object({
    id: z.string().min(1),
    title: z.string().nullish(),
    'primary-type': optString,
    'secondary-types': stringList,
    'first-release-date': mbDate,
  })
  .transform(
    (g): MbReleaseGroupRef => ({
      id: g.id,
      title: g.title ?? null,
      primaryType: g['primary-type'],
      secondaryTypes: g['secondary-types'],
      firstReleaseDate: g['first-release-date'],
    }),
  );

const trackRecordingSchema = z
  .object({
    id: z.string().min(1),
    title: z.string(),
    length: optNumber,
    'first-release-date': mbDate,
    isrcs: stringList,
  })
  .transform(
    (r): MbTrackRecording => ({
      id: r.id,
      title: r.title,
      lengthMs: r.length,
      firstReleaseDate: r['first-release-date'],
      isrcs: r.isrcs,
    }),
  );

const trackSchema = z.object({
  id: z.string().min(1),
  position: optNumber,
  number: optString,
  title: z.string(),
  length: optNumber,
  recording: trackRecordingSchema.nullish(),
  'artist-credit': artistCreditSchema,
});

const genresSchema = z
  .array(z.object({ name: z.string(), count: optNumber }))
  .nullish()
  .transform((g) => [...(g ?? [])].sort((a, b) => (b.count ?? 0) - (a.count ?? 0)).map((x) => x.name));

const mediumSchema = z
  .object({
    position: optNumber,
    format: optString,
    title: optText,
    'track-count': optNumber,
    'track-offset': optNumber,
    // Lookups say "tracks", searches say "track".
    tracks: z.array(trackSchema).nullish(),
    track: z.array(trackSchema).nullish(),
  })
  .transform((m): MbMedium => {
    const raw = m.tracks ?? m.track ?? [];
    const fromSearch = !m.tracks && !!m.track;
    const offset = m['track-offset'];
    return {
      position: m.position,
      format: m.format,
      title: m.title,
      trackCount: m['track-count'],
      tracks: raw.map((t, i) => ({
        id: t.id,
        position: t.position ?? (fromSearch && offset !== null ? offset + i + 1 : null),
        number: t.number,
        title: t.title,
        lengthMs: t.length,
        recording: t.recording ?? null,
        artistCredit: t['artist-credit'],
      })),
    };
  });

const mediaSchema = z
  .array(mediumSchema)
  .nullish()
  .transform((m) => m ?? []);

const releaseSummarySchema = z
  .object({
    id: z.string().min(1),
    title: z.string(),
    date: mbDate,
    status: optString,
    country: optString,
    'release-group': releaseGroupRefSchema.nullish(),
    media: mediaSchema,
  })
  .transform(
    (r): MbReleaseSummary => ({
      id: r.id,
      title: r.title,
      date: r.date,
      status: r.status,
      country: r.country,
      releaseGroup: r['release-group'] ?? null,
      media: r.media,
    }),
  );

const releaseSummaries = z
  .array(releaseSummarySchema)
  .nullish()
  .transform((r) => r ?? []);

const score = z.number().optional();

function withScore<T extends object>(value: T, s: number | undefined): T & { score?: number } {
  return s === undefined ? value : { ...value, score: s };
}

export const recordingSchema = z
  .object({
    id: z.string().min(1),
    title: z.string(),
    disambiguation: z.string().nullish(),
    length: optNumber,
    'first-release-date': mbDate,
    'artist-credit': artistCreditSchema,
    isrcs: stringList,
    releases: releaseSummaries,
    score,
  })
  .transform(
    (r): MbRecording =>
      withScore(
        {
          id: r.id,
          title: r.title,
          disambiguation: r.disambiguation ?? '',
          lengthMs: r.length,
          firstReleaseDate: r['first-release-date'],
          artistCredit: r['artist-credit'],
          isrcs: r.isrcs,
          releases: r.releases,
        },
        r.score,
      ),
  );

const coverArtArchiveSchema = z
  .object({
    front: optBoolean,
    back: optBoolean,
    count: optNumber,
    artwork: optBoolean,
    darkened: optBoolean,
  })
  .transform(
    (c): MbCoverArtArchive => ({
      front: c.front ?? false,
      back: c.back ?? false,
      count: c.count ?? 0,
      artwork: c.artwork ?? false,
      darkened: c.darkened ?? false,
    }),
  );

export const releaseSchema = z
  .object({
    id: z.string().min(1),
    title: z.string(),
    disambiguation: z.string().nullish(),
    date: mbDate,
    country: optString,
    status: optString,
    barcode: optString,
    'track-count': optNumber,
    'artist-credit': artistCreditSchema,
    'release-group': releaseGroupRefSchema.nullish(),
    media: mediaSchema,
    'cover-art-archive': coverArtArchiveSchema.nullish(),
    genres: genresSchema,
    score,
  })
  .transform((r): MbRelease => {
    const counted = r.media.map((m) => m.trackCount);
    const trackCount =
      r['track-count'] ??
      (counted.length > 0 && counted.every((c) => c !== null) ? counted.reduce<number>((a, c) => a + (c ?? 0), 0) : null);
    return withScore(
      {
        id: r.id,
        title: r.title,
        disambiguation: r.disambiguation ?? '',
        date: r.date,
        country: r.country,
        status: r.status,
        barcode: r.barcode,
        trackCount,
        artistCredit: r['artist-credit'],
        releaseGroup: r['release-group'] ?? null,
        media: r.media,
        coverArtArchive: r['cover-art-archive'] ?? null,
        genres: r.genres,
      },
      r.score,
    );
  });

export const releaseGroupSchema = z
  .object({
    id: z.string().min(1),
    title: z.string(),
    disambiguation: z.string().nullish(),
    'primary-type': optString,
    'secondary-types': stringList,
    'first-release-date': mbDate,
    'artist-credit': artistCreditSchema,
    releases: z.array(releaseSummarySchema).nullish(),
    score,
  })
  .transform((g): MbReleaseGroup => {
    const base: MbReleaseGroup = {
      id: g.id,
      title: g.title,
      disambiguation: g.disambiguation ?? '',
      primaryType: g['primary-type'],
      secondaryTypes: g['secondary-types'],
      firstReleaseDate: g['first-release-date'],
      artistCredit: g['artist-credit'],
    };
    if (g.releases) base.releases = g.releases;
    return withScore(base, g.score);
  });

export const workSchema = z
  .object({
    id: z.string().min(1),
    title: z.string(),
    type: optString,
    iswcs: stringList,
    languages: stringList,
    language: optString,
  })
  .transform(
    (w): MbWork => ({
      id: w.id,
      title: w.title,
      type: w.type,
      iswcs: w.iswcs,
      languages: w.languages.length > 0 ? w.languages : w.language ? [w.language] : [],
    }),
  );

const count = z.number().int().nonnegative();

export const recordingSearchSchema = z
  .object({ count, offset: count, recordings: z.array(recordingSchema).nullish() })
  .transform((p) => ({ count: p.count, offset: p.offset, items: p.recordings ?? [] }));

export const releaseSearchSchema = z
  .object({ count, offset: count, releases: z.array(releaseSchema).nullish() })
  .transform((p) => ({ count: p.count, offset: p.offset, items: p.releases ?? [] }));

export const releaseGroupSearchSchema = z
  .object({ count, offset: count, 'release-groups': z.array(releaseGroupSchema).nullish() })
  .transform((p) => ({ count: p.count, offset: p.offset, items: p['release-groups'] ?? [] }));

export const recordingBrowseSchema = z
  .object({ 'recording-count': count, 'recording-offset': count, recordings: z.array(recordingSchema).nullish() })
  .transform(
    (p): MbBrowsePage<MbRecording> => ({
      count: p['recording-count'],
      offset: p['recording-offset'],
      items: p.recordings ?? [],
    }),
  );

const errorBodySchema = z.object({ error: z.string().min(1), help: z.string().nullish() });

/** The MusicBrainz error text of an error body ({"error": "...", "help": "..."}), if it is one. */
export function musicBrainzErrorMessage(response: HttpResponse): string | null {
  return jsonErrorMessage(response, (json) => {
    const parsed = errorBodySchema.safeParse(json);
    return parsed.success ? parsed.data.error : null;
  });
}

export interface RecordingQuery {
  artist?: string;
  title?: string;
  album?: string;
  /** Adds a required `dur:[ms ± tolerance]` clause. */
  durationMs?: number;
  /** Default 5000 ms: tag lengths and MusicBrainz lengths differ by a few seconds across rips. */
  durationToleranceMs?: number;
  isrc?: string;
}

export interface ReleaseQuery {
  artist?: string;
  title?: string;
  barcode?: string;
  catalogNumber?: string;
}

export interface ReleaseGroupQuery {
  artist?: string;
  title?: string;
  primaryType?: string;
}

export interface PageOptions {
  /** 1–100, default 25. */
  limit?: number;
  offset?: number;
}

export function recordingLucene(q: RecordingQuery): string {
  const tolerance = q.durationToleranceMs ?? 5000;
  return andTerms([
    fieldPhrase('artist', q.artist),
    fieldPhrase('recording', q.title),
    fieldPhrase('release', q.album),
    fieldPhrase('isrc', q.isrc),
    q.durationMs !== undefined && Number.isFinite(q.durationMs) && q.durationMs > 0
      ? rangeTerm('dur', Math.max(0, q.durationMs - tolerance), q.durationMs + tolerance)
      : null,
  ]);
}

export function releaseLucene(q: ReleaseQuery): string {
  return andTerms([
    fieldPhrase('artist', q.artist),
    fieldPhrase('release', q.title),
    fieldPhrase('barcode', q.barcode),
    fieldPhrase('catno', q.catalogNumber),
  ]);
}

export function releaseGroupLucene(q: ReleaseGroupQuery): string {
  return andTerms([
    fieldPhrase('artist', q.artist),
    fieldPhrase('releasegroup', q.title),
    fieldPhrase('primarytype', q.primaryType),
  ]);
}

export const MB_BATCH_SIZE = 50;

export const DEFAULT_RECORDING_INC = ['artist-credits', 'isrcs', 'releases', 'release-groups'] as const;
export const DEFAULT_RELEASE_INC = ['artist-credits', 'recordings', 'release-groups'] as const;
export const DEFAULT_RELEASE_GROUP_INC = ['artist-credits'] as const;

type Entity = 'recording' | 'release' | 'release-group' | 'work';

export type BrowseRecordingsBy = { artist: string } | { release: string };

export class MusicBrainzClient {
  constructor(private readonly http: SourceHttp) {}

  lookupRecording(id: string, inc: readonly string[] = DEFAULT_RECORDING_INC, signal?: AbortSignal): Promise<MbRecording | null> {
    return this.lookup('recording', id, inc, recordingSchema, signal);
  }

  lookupRelease(id: string, inc: readonly string[] = DEFAULT_RELEASE_INC, signal?: AbortSignal): Promise<MbRelease | null> {
    return this.lookup('release', id, inc, releaseSchema, signal);
  }

  lookupReleaseGroup(
    id: string,
    inc: readonly string[] = DEFAULT_RELEASE_GROUP_INC,
    signal?: AbortSignal,
  ): Promise<MbReleaseGroup | null> {
    return this.lookup('release-group', id, inc, releaseGroupSchema, signal);
  }

  lookupWork(id: string, inc: readonly string[] = [], signal?: AbortSignal): Promise<MbWork | null> {
    return this.lookup('work', id, inc, workSchema, signal);
  }

  searchRecordings(query: RecordingQuery | string, page: PageOptions = {}, signal?: AbortSignal): Promise<MbSearchPage<MbRecording>> {
    const lucene = typeof query === 'string' ? query : recordingLucene(query);
    return this.search('recording', lucene, page, recordingSearchSchema, signal);
  }

  searchReleases(query: ReleaseQuery | string, page: PageOptions = {}, signal?: AbortSignal): Promise<MbSearchPage<MbRelease>> {
    const lucene = typeof query === 'string' ? query : releaseLucene(query);
    return this.search('release', lucene, page, releaseSearchSchema, signal);
  }

  searchReleaseGroups(
    query: ReleaseGroupQuery | string,
    page: PageOptions = {},
    signal?: AbortSignal,
  ): Promise<MbSearchPage<MbReleaseGroup>> {
    const lucene = typeof query === 'string' ? query : releaseGroupLucene(query);
    return this.search('release-group', lucene, page, releaseGroupSearchSchema, signal);
  }

  /** Null when the artist or release itself is unknown (404). */
  async browseRecordings(
    by: BrowseRecordingsBy,
    page: PageOptions & { inc?: readonly string[] } = {},
    signal?: AbortSignal,
  ): Promise<MbBrowsePage<MbRecording> | null> {
    const [key, id] = 'artist' in by ? (['artist', by.artist] as const) : (['release', by.release] as const);
    if (!isMbid(id)) return null;
    const inc = page.inc ?? ['artist-credits', 'isrcs'];
    const what = `the recordings of ${key} ${id}`;
    const response = await this.get(
      {
        path: '/ws/2/recording',
        query: {
          [key]: id.trim().toLowerCase(),
          inc: inc.length > 0 ? inc.join('+') : undefined,
          limit: clampInt(page.limit, 1, 100, 25),
          offset: Math.max(0, Math.trunc(page.offset ?? 0)),
        },
      },
      signal,
    );
    if (response.status === 404) return null;
    this.check(response, what);
    return parseJsonBody('musicbrainz', response, recordingBrowseSchema, what);
  }

  recordingsByIds(ids: readonly string[], signal?: AbortSignal): Promise<Map<string, MbRecording | null>> {
    return this.byIds(ids, 'rid', 'recording', recordingSearchSchema, (id) => this.lookupRecording(id, undefined, signal), signal);
  }

  releasesByIds(ids: readonly string[], signal?: AbortSignal): Promise<Map<string, MbRelease | null>> {
    return this.byIds(ids, 'reid', 'release', releaseSearchSchema, (id) => this.lookupRelease(id, undefined, signal), signal);
  }

  releaseGroupsByIds(ids: readonly string[], signal?: AbortSignal): Promise<Map<string, MbReleaseGroup | null>> {
    return this.byIds(
      ids,
      'rgid',
      'release-group',
      releaseGroupSearchSchema,
      (id) => this.lookupReleaseGroup(id, undefined, signal),
      signal,
    );
  }

  private get(request: Omit<HttpRequest, 'method'>, signal?: AbortSignal): Promise<HttpResponse> {
    return this.http.request({ ...request, method: 'GET', query: { ...request.query, fmt: 'json' } }, signal);
  }

  private check(response: HttpResponse, what: string): void {
    if (isSuccess(response.status)) return;
    throw unexpectedStatus('musicbrainz', response, what, musicBrainzErrorMessage(response));
  }

  /**
   * Null on 404, and for ids that are not MBIDs (MusicBrainz answers those
   * with 400; no such entity can exist). The returned entity's id is the one
   * the server answered with: a merged MBID redirects to its new id.
   */
  private async lookup<T>(
    entity: Entity,
    id: string,
    inc: readonly string[],
    schema: z.ZodType<T>,
    signal?: AbortSignal,
  ): Promise<T | null> {
    if (!isMbid(id)) return null;
    const mbid = id.trim().toLowerCase();
    const what = `the ${entity} ${mbid}`;
    const response = await this.get(
      { path: `/ws/2/${entity}/${mbid}`, query: { inc: inc.length > 0 ? inc.join('+') : undefined } },
      signal,
    );
    if (response.status === 404) return null;
    this.check(response, what);
    return parseJsonBody('musicbrainz', response, schema, what);
  }

  private async search<T>(
    entity: Entity,
    lucene: string,
    page: PageOptions,
    schema: z.ZodType<{ count: number; offset: number; items: T[] }>,
    signal?: AbortSignal,
  ): Promise<MbSearchPage<T>> {
    const offset = Math.max(0, Math.trunc(page.offset ?? 0));
    // An empty query finds nothing; MusicBrainz would answer 400.
    if (lucene.trim() === '') return { count: 0, offset, items: [] };
    const what = `the ${entity} search`;
    const response = await this.get(
      { path: `/ws/2/${entity}`, query: { query: lucene, limit: clampInt(page.limit, 1, 100, 25), offset } },
      signal,
    );
    this.check(response, what);
    const parsed = parseJsonBody('musicbrainz', response, schema, what);
    const items = parsed.items.map((item) => {
      const s = (item as { score?: unknown }).score;
      if (typeof s !== 'number') {
        response.discard?.();
        throw new MalformedResponseError('musicbrainz', `MusicBrainz sent a ${entity} search result without a score (${response.url})`);
      }
      return item as T & { score: number };
    });
    return { count: parsed.count, offset: parsed.offset, items };
  }

  /**
   * Fetches many entities with one search per 50 ids, then looks up each id
   * the search did not return (the search index lags behind the database,
   * and a merged MBID only resolves through a lookup's redirect).
   */
  private async byIds<T extends { id: string }>(
    ids: readonly string[],
    field: 'rid' | 'reid' | 'rgid',
    entity: Entity,
    schema: z.ZodType<{ count: number; offset: number; items: T[] }>,
    lookupOne: (id: string) => Promise<T | null>,
    signal?: AbortSignal,
  ): Promise<Map<string, T | null>> {
    const result = new Map<string, T | null>();
    const requested = [...new Set(ids)];
    const byKey = new Map<string, string[]>();
    for (const id of requested) {
      if (!isMbid(id)) {
        result.set(id, null);
        continue;
      }
      const key = id.trim().toLowerCase();
      byKey.set(key, [...(byKey.get(key) ?? []), id]);
    }
    const keys = [...byKey.keys()];
    const found = new Map<string, T>();
    for (let i = 0; i < keys.length; i += MB_BATCH_SIZE) {
      const batch = keys.slice(i, i + MB_BATCH_SIZE);
      const page = await this.search(entity, idListQuery(field, batch), { limit: batch.length }, schema, signal);
      for (const item of page.items) {
        const key = item.id.toLowerCase();
        if (byKey.has(key) && !found.has(key)) found.set(key, item);
      }
    }
    for (const key of keys) {
      const entityValue = found.get(key) ?? (await lookupOne(key));
      for (const id of byKey.get(key) ?? []) result.set(id, entityValue);
    }
    return new Map(requested.map((id) => [id, result.get(id) ?? null]));
  }
}
