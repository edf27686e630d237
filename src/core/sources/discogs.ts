import { z } from 'zod';
import { HttpStatusError, parseJsonBody, unexpectedStatus } from '../net/errors';
import type { HttpRequest, HttpResponse, SourceHttp } from '../net/types';
import { clampInt, isSuccess, jsonErrorMessage, numericString, optString, optText, stringList } from './shared';

export interface DiscogsRateLimit {
  /** Requests allowed per minute window. */
  limit: number | null;
  used: number | null;
  remaining: number | null;
  /** When these values were read (ms since epoch). */
  seenAt: number;
}

export interface DiscogsArtist {
  id: number;
  name: string;
  /** 'Artist name variation': the name as credited on this release. */
  anv: string | null;
  join: string | null;
}

export interface DiscogsImage {
  type: string | null;
  uri: string | null;
  uri150: string | null;
  width: number | null;
  height: number | null;
}

export interface DiscogsTrack {
  position: string;
  /** 'track', 'heading' or 'index'. */
  type: string;
  title: string;
  /** As Discogs writes it ('5:48'); null when missing. */
  duration: string | null;
  durationSeconds: number | null;
}

export interface DiscogsRelease {
  id: number;
  title: string;
  year: number | null;
  /** Free-form release date ('1987', '1987-03-00'). */
  released: string | null;
  country: string | null;
  masterId: number | null;
  artists: DiscogsArtist[];
  artistsSort: string | null;
  genres: string[];
  styles: string[];
  formats: Array<{ name: string; qty: string | null; descriptions: string[] }>;
  labels: Array<{ id: number | null; name: string; catno: string | null }>;
  images: DiscogsImage[];
  thumb: string | null;
  tracklist: DiscogsTrack[];
  uri: string | null;
}

export interface DiscogsMaster {
  id: number;
  title: string;
  year: number | null;
  mainRelease: number | null;
  artists: DiscogsArtist[];
  genres: string[];
  styles: string[];
  images: DiscogsImage[];
  tracklist: DiscogsTrack[];
  uri: string | null;
}

export interface DiscogsSearchResult {
  id: number;
  type: string;
  /** 'Artist - Title'. */
  title: string;
  year: number | null;
  masterId: number | null;
  country: string | null;
  formats: string[];
  labels: string[];
  genres: string[];
  styles: string[];
  barcodes: string[];
  catno: string | null;
  coverImage: string | null;
  thumb: string | null;
  uri: string | null;
  resourceUrl: string | null;
}

export interface DiscogsSearchPage {
  page: number;
  pages: number;
  perPage: number;
  items: number;
  results: DiscogsSearchResult[];
}

export interface DiscogsSearchParams {
  type?: 'release' | 'master';
  artist?: string;
  releaseTitle?: string;
  track?: string;
  q?: string;
  barcode?: string;
  /** 1-based. */
  page?: number;
  /** 1–100, default 10. */
  perPage?: number;
}

/** '5:48' → 348, '1:02:03' → 3723; null for '' or anything unreadable. */
export function parseDiscogsDuration(duration: string | null | undefined): number | null {
  if (!duration) return null;
  const parts = duration.trim().split(':');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !/^\d+$/.test(p))) return null;
  const total = parts.map(Number).reduce((acc, n) => acc * 60 + n, 0);
  return total > 0 ? total : null;
}

const id = z.number().int();
const optId = z
  .number()
  .int()
  .nullish()
  .transform((v) => (v ? v : null));
const zeroIsNull = numericString(true);

const artistSchema = z
  .object({ id, name: z.string(), anv: optText, join: optText })
  .transform((a): DiscogsArtist => ({ id: a.id, name: a.name, anv: a.anv, join: a.join }));
const artists = z
  .array(artistSchema)
  .nullish()
  .transform((a) => a ?? []);

const imageSchema = z
  .object({
    type: optString,
    uri: optText,
    uri150: optText,
    width: numericString(true),
    height: numericString(true),
  })
  .transform((i): DiscogsImage => ({ type: i.type, uri: i.uri, uri150: i.uri150, width: i.width, height: i.height }));
const images = z
  .array(imageSchema)
  .nullish()
  .transform((i) => i ?? []);

const trackSchema = z
  .object({
    position: z.string().nullish(),
    type_: z.string().nullish(),
    title: z.string(),
    duration: optText,
  })
  .transform(
    (t): DiscogsTrack => ({
      position: t.position ?? '',
      type: t.type_ ?? 'track',
      title: t.title,
      duration: t.duration,
      durationSeconds: parseDiscogsDuration(t.duration),
    }),
  );
const tracklist = z
  .array(trackSchema)
  .nullish()
  .transform((t) => t ?? []);

export const releaseSchema = z
  .object({
    id,
    title: z.string(),
    year: zeroIsNull,
    released: optText,
    country: optText,
    master_id: optId,
    artists,
    artists_sort: optText,
    genres: stringList,
    styles: stringList,
    formats: z
      .array(z.object({ name: z.string(), qty: optString, descriptions: stringList }))
      .nullish()
      .transform((f) => f ?? []),
    labels: z
      .array(z.object({ id: optId, name: z.string(), catno: optText }))
      .nullish()
      .transform((l) => l ?? []),
    images,
    thumb: optText,
    tracklist,
    uri: optText,
  })
  .transform(
    (r): DiscogsRelease => ({
      id: r.id,
      title: r.title,
      year: r.year,
      released: r.released,
      country: r.country,
      masterId: r.master_id,
      artists: r.artists,
      artistsSort: r.artists_sort,
      genres: r.genres,
      styles: r.styles,
      formats: r.formats,
      labels: r.labels,
      images: r.images,
      thumb: r.thumb,
      tracklist: r.tracklist,
      uri: r.uri,
    }),
  );

export const masterSchema = z
  .object({
    id,
    title: z.string(),
    year: zeroIsNull,
    main_release: optId,
    artists,
    genres: stringList,
    styles: stringList,
    images,
    tracklist,
    uri: optText,
  })
  .transform(
    (m): DiscogsMaster => ({
      id: m.id,
      title: m.title,
      year: m.year,
      mainRelease: m.main_release,
      artists: m.artists,
      genres: m.genres,
      styles: m.styles,
      images: m.images,
      tracklist: m.tracklist,
      uri: m.uri,
    }),
  );

const searchResultSchema = z
  .object({
    id,
    type: z.string(),
    title: z.string(),
    year: zeroIsNull,
    master_id: optId,
    country: optText,
    format: stringList,
    label: stringList,
    genre: stringList,
    style: stringList,
    barcode: stringList,
    catno: optText,
    cover_image: optText,
    thumb: optText,
    uri: optText,
    resource_url: optText,
  })
  .transform(
    (r): DiscogsSearchResult => ({
      id: r.id,
      type: r.type,
      title: r.title,
      year: r.year,
      masterId: r.master_id,
      country: r.country,
      formats: r.format,
      labels: r.label,
      genres: r.genre,
      styles: r.style,
      barcodes: r.barcode,
      catno: r.catno,
      coverImage: r.cover_image,
      thumb: r.thumb,
      uri: r.uri,
      resourceUrl: r.resource_url,
    }),
  );

export const searchSchema = z
  .object({
    pagination: z.object({ page: z.number(), pages: z.number(), per_page: z.number(), items: z.number() }),
    results: z.array(searchResultSchema),
  })
  .transform(
    (s): DiscogsSearchPage => ({
      page: s.pagination.page,
      pages: s.pagination.pages,
      perPage: s.pagination.per_page,
      items: s.pagination.items,
      results: s.results,
    }),
  );

/** Reads X-Discogs-Ratelimit(-Used/-Remaining); null when the answer carried none. */
export function parseRateLimit(headers: Record<string, string>, now: number = Date.now()): DiscogsRateLimit | null {
  const read = (name: string): number | null => {
    const raw = headers[name];
    if (raw === undefined || raw.trim() === '') return null;
    const n = Number(raw.trim());
    return Number.isFinite(n) ? n : null;
  };
  const limit = read('x-discogs-ratelimit');
  const used = read('x-discogs-ratelimit-used');
  const remaining = read('x-discogs-ratelimit-remaining');
  if (limit === null && used === null && remaining === null) return null;
  return { limit, used, remaining, seenAt: now };
}

export const DISCOGS_TOKEN_ADVICE = 'Add a Discogs personal access token in Settings.';

const errorBodySchema = z.object({ message: z.string().min(1) });

export class DiscogsClient {
  private rateLimit: DiscogsRateLimit | null = null;

  constructor(
    private readonly http: SourceHttp,
    private readonly token: string | null = null,
  ) {}

  /** The rate-limit headers of the last answer that had them. */
  get lastRateLimit(): DiscogsRateLimit | null {
    return this.rateLimit;
  }

  get hasToken(): boolean {
    return this.token !== null && this.token.trim() !== '';
  }

  /**
   * /database/search. Discogs only answers it with a token, so without one
   * this throws (status 401, no request sent) telling the user to add one.
   */
  async search(params: DiscogsSearchParams, signal?: AbortSignal): Promise<DiscogsSearchPage> {
    if (!this.hasToken) {
      throw new HttpStatusError('discogs', 401, `Discogs search needs a personal access token. ${DISCOGS_TOKEN_ADVICE}`);
    }
    const text = (v: string | undefined) => (v && v.trim() !== '' ? v.trim() : undefined);
    const what = 'the Discogs search';
    const response = await this.send(
      {
        path: '/database/search',
        query: {
          type: params.type,
          artist: text(params.artist),
          release_title: text(params.releaseTitle),
          track: text(params.track),
          q: text(params.q),
          barcode: text(params.barcode),
          page: params.page !== undefined ? clampInt(params.page, 1, 10_000, 1) : undefined,
          per_page: clampInt(params.perPage, 1, 100, 10),
        },
      },
      signal,
    );
    // The search has no 'not found': an unknown query is an empty page.
    if (response.status === 404) return { page: 1, pages: 0, perPage: 0, items: 0, results: [] };
    this.check(response, what);
    return parseJsonBody('discogs', response, searchSchema, what);
  }

  async release(releaseId: number, signal?: AbortSignal): Promise<DiscogsRelease | null> {
    return this.entity(`/releases/${Math.trunc(releaseId)}`, releaseSchema, `the release ${releaseId}`, signal);
  }

  async master(masterId: number, signal?: AbortSignal): Promise<DiscogsMaster | null> {
    return this.entity(`/masters/${Math.trunc(masterId)}`, masterSchema, `the master ${masterId}`, signal);
  }

  private async entity<T>(path: string, schema: z.ZodType<T>, what: string, signal?: AbortSignal): Promise<T | null> {
    const response = await this.send({ path }, signal);
    if (response.status === 404) return null;
    this.check(response, what);
    return parseJsonBody('discogs', response, schema, what);
  }

  private async send(request: Omit<HttpRequest, 'method' | 'headers'>, signal?: AbortSignal): Promise<HttpResponse> {
    const headers: Record<string, string> = {};
    if (this.hasToken) headers['Authorization'] = `Discogs token=${this.token!.trim()}`;
    const response = await this.http.request({ ...request, method: 'GET', headers }, signal);
    this.rateLimit = parseRateLimit(response.headers) ?? this.rateLimit;
    return response;
  }

  private check(response: HttpResponse, what: string): void {
    if (isSuccess(response.status)) return;
    const detail = jsonErrorMessage(response, (json) => {
      const parsed = errorBodySchema.safeParse(json);
      return parsed.success ? parsed.data.message : null;
    });
    const advice =
      response.status === 401 || response.status === 403
        ? this.hasToken
          ? 'Check the Discogs token in Settings.'
          : DISCOGS_TOKEN_ADVICE
        : undefined;
    throw unexpectedStatus('discogs', response, what, detail, advice);
  }
}
