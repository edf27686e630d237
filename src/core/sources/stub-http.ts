import type { HttpMethod, HttpRequest, HttpResponse, SourceHttp, SourceName } from '../net/types';

/** Test support: a SourceHttp answered by a function, recording every request. */

export interface StubRequest {
  method: HttpMethod;
  /** Full URL: base URL + path (or the absolute path) + query. */
  url: string;
  pathname: string;
  /** Query parameters as sent (after leaving out undefined values). */
  query: Record<string, string>;
  headers: Record<string, string>;
  body: string | undefined;
  cache: boolean;
  account: string | undefined;
}

export interface StubAnswer {
  status?: number;
  /** Undefined values are left out. */
  headers?: Record<string, string | undefined>;
  /** A string or Buffer is sent as is; anything else as JSON. */
  body?: string | Buffer | object | null;
}

export type StubHandler = (request: StubRequest, signal?: AbortSignal) => StubAnswer | Promise<StubAnswer>;

export interface StubHttp extends SourceHttp {
  /** Every request made, including redirect hops, in order. */
  readonly requests: StubRequest[];
}

export interface StubOptions {
  baseUrl?: string;
  /** Follow 301/302/303/307/308 with a Location header like the real HTTP layer. Default true. */
  followRedirects?: boolean;
}

const DEFAULT_BASES: Record<SourceName, string> = {
  musicbrainz: 'https://musicbrainz.org',
  coverart: 'https://coverartarchive.org',
  theaudiodb: 'https://www.theaudiodb.com',
  discogs: 'https://api.discogs.com',
  spotify: 'https://api.spotify.com',
  spotifyAccounts: 'https://accounts.spotify.com',
};

function buildUrl(baseUrl: string, request: HttpRequest): URL {
  const url = /^https?:\/\//i.test(request.path) ? new URL(request.path) : new URL(baseUrl.replace(/\/+$/, '') + request.path);
  for (const [key, value] of Object.entries(request.query ?? {})) {
    if (value !== undefined) url.searchParams.append(key, String(value));
  }
  return url;
}

function lowerKeys(headers: Record<string, string | undefined> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) if (v !== undefined) out[k.toLowerCase()] = v;
  return out;
}

function toBuffer(body: StubAnswer['body']): Buffer {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  return Buffer.from(JSON.stringify(body), 'utf8');
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export function createStubHttp(source: SourceName, handler: StubHandler, options: StubOptions = {}): StubHttp {
  const baseUrl = options.baseUrl ?? DEFAULT_BASES[source];
  const follow = options.followRedirects ?? true;
  const requests: StubRequest[] = [];

  async function request(req: HttpRequest, signal?: AbortSignal): Promise<HttpResponse> {
    const method = req.method ?? 'GET';
    let url = buildUrl(baseUrl, req);
    for (let hop = 0; ; hop++) {
      signal?.throwIfAborted();
      const recorded: StubRequest = {
        method,
        url: url.toString(),
        pathname: url.pathname,
        query: Object.fromEntries(url.searchParams.entries()),
        headers: { ...(req.headers ?? {}) },
        body: req.body,
        cache: req.cache ?? (method === 'GET' || method === 'HEAD'),
        account: req.account,
      };
      requests.push(recorded);
      const answer = await handler(recorded, signal);
      const status = answer.status ?? 200;
      const headers = lowerKeys(answer.headers);
      const location = headers['location'];
      if (follow && REDIRECTS.has(status) && location && hop < 10) {
        url = new URL(location, url);
        continue;
      }
      return { status, url: url.toString(), headers, body: toBuffer(answer.body), fromCache: false };
    }
  }

  return { source, baseUrl, requests, request };
}
