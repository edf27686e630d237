import pLimit from 'p-limit';
import { ResponseCache } from './cache';
import { DeferredError, SOURCE_LABELS } from './errors';
import { RateGate, type GatePolicy } from './gate';
import { backoffMs, DEFAULT_RETRY_POLICY, isRetryableStatus, parseRetryAfter, type RetryPolicy } from './retry';
import { abortError, sleep } from './sleep';
import type { HttpRequest, HttpResponse, SourceHttp, SourceName } from './types';

/** Names of the counters every network job reports. */
export type NetCounter = 'requests' | 'cacheHits' | 'cacheMisses' | 'retries' | 'rateLimited';

export interface SourceHttpOptions {
  source: SourceName;
  baseUrl: string;
  userAgent: string;
  gate: RateGate | null;
  policy: GatePolicy;
  /** Requests in flight at once from this process. */
  concurrency: number;
  cache: ResponseCache | null;
  cacheTtlMs: number;
  /** Skip cached answers (they are still refreshed): --no-cache, the Refresh action. */
  bypassCache?: boolean;
  timeoutMs?: number;
  retry?: RetryPolicy;
  /** Values masked wherever a URL is shown or stored: API keys in paths, tokens. */
  secrets?: readonly string[];
  count?: (counter: NetCounter, by?: number) => void;
  fetch?: typeof fetch;
  random?: () => number;
}

const DEFAULT_TIMEOUT_MS = 20_000;
const MAX_REDIRECTS = 10;
/**
 * The first request to a host opens a connection (DNS, TCP, maybe TLS), so
 * it reaches the server later after its slot than the ones that reuse it;
 * the slot after it is held back by this much so the two do not arrive
 * closer than the limit.
 */
const NEW_CONNECTION_ALLOWANCE_MS = 150;
/** After a source proved unreachable, items fail fast as deferred for this long instead of each waiting through retries. */
const UNREACHABLE_HOLD_MS = 30_000;

/**
 * Node loads its fetch implementation on first use, which delays the first
 * request by tens of milliseconds. Paid before the first gate slot, so the
 * request leaves on time and does not crowd the next one at the server.
 */
let fetchWarmed: Promise<void> | null = null;
function warmFetch(): Promise<void> {
  fetchWarmed ??= fetch('data:,').then(
    (res) => res.arrayBuffer().then(() => undefined),
    () => undefined,
  );
  return fetchWarmed;
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

function headerRecord(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    out[name.toLowerCase()] = value;
  });
  return out;
}

/** Why a fetch threw, in words: node's fetch hides the useful part in err.cause. */
function describeNetworkError(err: unknown, timedOut: boolean, timeoutMs: number): string {
  if (timedOut) return `no answer within ${Math.round(timeoutMs / 1000)} s`;
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return `${cause.code}${cause.message ? ` (${cause.message})` : ''}`;
  if (cause?.message) return cause.message;
  return err instanceof Error ? err.message : String(err);
}

/**
 * The one HTTP client every source uses: paced by the host's gate, retried
 * with backoff on 429/5xx and network errors, Retry-After honoured,
 * redirects followed hop by hop (each through the gate and the cache), and
 * every answer cached. What cannot be had now is a DeferredError.
 */
export function createSourceHttp(options: SourceHttpOptions): SourceHttp {
  const base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
  const limit = pLimit(Math.max(1, options.concurrency));
  const retry = options.retry ?? DEFAULT_RETRY_POLICY;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const doFetch = options.fetch ?? fetch;
  const random = options.random ?? Math.random;
  const count = options.count ?? (() => {});
  const label = SOURCE_LABELS[options.source];
  const secrets = (options.secrets ?? []).filter((s) => s.length > 0);
  const connectedHosts = new Set<string>();
  // Per host: an image CDN that is down must not hold back the API beside it.
  const unreachable = new Map<string, { until: number; reason: string }>();

  const mask = (text: string): string => secrets.reduce((out, secret) => out.split(secret).join('***'), text);

  function resolveUrl(request: HttpRequest): URL {
    const url = /^https?:\/\//i.test(request.path) ? new URL(request.path) : new URL(request.path.replace(/^\//, ''), base);
    for (const [name, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    return url;
  }

  async function fetchOnce(url: URL, request: HttpRequest, signal: AbortSignal | undefined): Promise<HttpResponse> {
    const method = request.method ?? 'GET';
    const shownUrl = mask(url.href);
    const useCache = options.cache !== null && options.cacheTtlMs > 0 && (request.cache ?? (method === 'GET' || method === 'HEAD'));
    const key = ResponseCache.key(method, shownUrl, request.account);
    if (useCache && !options.bypassCache) {
      const hit = options.cache!.get(key, shownUrl);
      if (hit) {
        count('cacheHits');
        return { ...hit, discard: () => options.cache!.delete(key) };
      }
    }
    if (useCache) count('cacheMisses');

    const host = url.host;
    const down = unreachable.get(host);
    if (down && Date.now() < down.until) {
      throw new DeferredError(options.source, `${label} is unreachable (${down.reason}); try again later`, down.until);
    }

    if (!options.fetch) await warmFetch();
    let lastProblem = '';
    let retryAt: number | null = null;
    // A POST that timed out or met a server error may have landed: sent again, it could add a playlist's tracks twice.
    // Only 429 and 503 say the request was not acted on.
    const replayable = method !== 'POST';
    let tries = 0;
    for (let attempt = 0; attempt <= retry.retries; attempt++) {
      if (attempt > 0) count('retries');
      tries += 1;
      const firstToHost = !connectedHosts.has(host);
      connectedHosts.add(host);
      await options.gate?.acquire(host, options.policy, signal, firstToHost ? NEW_CONNECTION_ALLOWANCE_MS : 0);
      if (signal?.aborted) throw abortError(signal);
      count('requests');
      const timeout = AbortSignal.timeout(timeoutMs);
      const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
      let response: Response;
      let body: Buffer;
      try {
        response = await doFetch(url, {
          method,
          headers: { 'user-agent': options.userAgent, accept: 'application/json', ...request.headers },
          body: request.body,
          redirect: 'manual',
          signal: combined,
        });
        body = Buffer.from(await response.arrayBuffer());
      } catch (err) {
        if (signal?.aborted) throw abortError(signal);
        lastProblem = describeNetworkError(err, timeout.aborted, timeoutMs);
        if (!replayable) break;
        if (attempt < retry.retries) await sleep(backoffMs(attempt, retry, random), signal);
        continue;
      }
      const headers = headerRecord(response.headers);
      if (isRetryableStatus(response.status)) {
        const now = Date.now();
        const asked = parseRetryAfter(headers['retry-after'], now);
        if (response.status === 429 || response.status === 503) count('rateLimited');
        lastProblem = `${response.status} ${response.statusText || ''}`.trim();
        if (!replayable && response.status !== 429 && response.status !== 503) break;
        if (asked !== null && asked - now > retry.maxRetryAfterMs) {
          options.gate?.pauseUntil(host, asked);
          retryAt = asked;
          lastProblem += `, asked to wait ${Math.round((asked - now) / 1000)} s`;
          break;
        }
        if (response.status === 429 && options.policy.adaptive) options.gate?.slowDown(host, options.policy);
        const resumeAt = asked ?? now + backoffMs(attempt, retry, random);
        retryAt = resumeAt;
        // Everyone backs off from an overloaded host, not just this request.
        options.gate?.pauseUntil(host, resumeAt);
        if (attempt < retry.retries) await sleep(resumeAt - Date.now(), signal);
        continue;
      }
      if (options.policy.adaptive) options.gate?.recover(host, options.policy);
      const result: HttpResponse = { status: response.status, url: shownUrl, headers, body, fromCache: false };
      if (useCache) {
        options.cache!.put(key, options.source, result, options.cacheTtlMs);
        result.discard = () => options.cache!.delete(key);
      }
      return result;
    }
    unreachable.set(host, { until: retryAt === null || retryAt <= Date.now() ? Date.now() + UNREACHABLE_HOLD_MS : retryAt, reason: lastProblem });
    throw new DeferredError(
      options.source,
      `${label} did not answer ${method} ${shownUrl} (${lastProblem}) in ${tries} ${tries === 1 ? 'try' : 'tries'}${replayable || tries > retry.retries ? '' : '; not sent again, as it may have been acted on'}`,
      retryAt,
    );
  }

  async function follow(request: HttpRequest, signal: AbortSignal | undefined): Promise<HttpResponse> {
    let url = resolveUrl(request);
    let current = request;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const response = await fetchOnce(url, current, signal);
      const location = response.headers.location;
      const method = current.method ?? 'GET';
      if (!isRedirect(response.status) || !location || (method !== 'GET' && method !== 'HEAD')) return response;
      url = new URL(location, url);
      current = { ...current, path: url.href, query: undefined };
    }
    throw new DeferredError(options.source, `${label} redirected more than ${MAX_REDIRECTS} times from ${mask(resolveUrl(request).href)}`);
  }

  return {
    source: options.source,
    baseUrl: base.href.replace(/\/$/, ''),
    request: (request, signal) => limit(() => follow(request, signal)),
  };
}
