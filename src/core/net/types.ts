/**
 * The network contract every source client is written against. One
 * SourceHttp per remote service; it owns the base URL, the host's rate gate,
 * retries, redirects, the response cache and the request counters, so a
 * source client only builds paths and parses bodies.
 */

export { SOURCE_NAMES, type SourceName } from '../../shared/network';
import type { SourceName } from '../../shared/network';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';

export interface HttpRequest {
  method?: HttpMethod;
  /**
   * A path under the source's base URL ('/ws/2/recording/ID'), or an absolute
   * http(s) URL (an image a previous answer pointed to).
   */
  path: string;
  /** Query parameters; undefined values are left out. */
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
  body?: string;
  /** Look in and fill the response cache. Default: true for GET and HEAD, false otherwise. */
  cache?: boolean;
  /** Partitions the cache for answers that depend on who asks (a Spotify user). */
  account?: string;
}

export interface HttpResponse {
  status: number;
  /** The URL finally answered, after redirects, with secrets masked. */
  url: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: Buffer;
  fromCache: boolean;
  /** Drops the answer from the cache: a body that turned out unreadable must not be served again. */
  discard?: () => void;
}

/**
 * What a source client holds. request() resolves with any final answer,
 * 2xx or 4xx (a 404 is an answer: 'not found'). It throws DeferredError when
 * the service could not answer now (offline, timeouts, 5xx or rate limits
 * that outlasted the retries) and AbortError when the job is cancelled.
 */
export interface SourceHttp {
  readonly source: SourceName;
  readonly baseUrl: string;
  request(request: HttpRequest, signal?: AbortSignal): Promise<HttpResponse>;
}
