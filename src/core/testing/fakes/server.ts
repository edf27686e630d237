/**
 * Shared machinery of the fake services: an HTTP server on 127.0.0.1 port 0
 * whose misbehaviour (latency, rate limits, storms, random failures,
 * malformed bodies, hanging connections) is switched at runtime, and which
 * counts what clients did (requests, routes, rate-limit violations, arrival
 * times, headers) so tests can assert on client behaviour.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Prng } from './prng';

export interface MatchInfo {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  route: string;
}

export type RequestMatcher = (request: MatchInfo) => boolean;

/** Seconds (0 allowed), a Date (sent in HTTP-date form), or the header text as is. */
export type RetryAfter = number | Date | string;

export interface RateLimitSwitch {
  /** Requests allowed per window; one more inside the window is a violation. */
  limit: number;
  windowMs: number;
  /** false: only count violations and answer normally; true: answer violations with the limiter's error. */
  reject: boolean;
  /** 'musicbrainz': 503 with MusicBrainz's JSON body; '429': 429 Too Many Requests. */
  style: 'musicbrainz' | '429';
  /** 'auto': seconds until the window has room again. Default: 'auto' for 429, none for 'musicbrainz'. */
  retryAfter?: RetryAfter | 'auto' | null;
  body?: string;
  contentType?: string;
  /** Separate windows per key with their own limit (Discogs: 60 authenticated, 25 anonymous). */
  bucket?: (request: MatchInfo) => { key: string; limit: number };
  /** Only these requests are counted and limited. */
  match?: RequestMatcher;
}

export interface StormSwitch {
  /** Default 503. */
  status?: number;
  /** Requests left to answer this way; undefined: until the switch is turned off. */
  count?: number;
  retryAfter?: RetryAfter;
  body?: string;
  contentType?: string;
  match?: RequestMatcher;
}

export interface FailureSwitch {
  /** Chance per request, drawn from the server's seeded generator. */
  rate: number;
  /** Default 500; 'reset' destroys the connection without an answer. */
  status?: number | 'reset';
  body?: string;
  contentType?: string;
  match?: RequestMatcher;
}

export interface MalformedSwitch {
  /** 'truncated-json': the real answer cut in half; 'html-200': a proxy's HTML error page with status 200. */
  kind: 'truncated-json' | 'html-200';
  /** Chance per request; default 1. */
  rate?: number;
  count?: number;
  match?: RequestMatcher;
}

export interface HangSwitch {
  /** Chance per request; default 1 (every matching request). */
  rate?: number;
  count?: number;
  match?: RequestMatcher;
}

export type Latency = number | { min: number; max: number };

export interface FakeSwitches {
  latencyMs: Latency;
  rateLimit: RateLimitSwitch | null;
  storm: StormSwitch | null;
  failure: FailureSwitch | null;
  malformed: MalformedSwitch | null;
  hang: HangSwitch | null;
}

export interface RateInfo {
  key: string;
  limit: number;
  windowMs: number;
  /** Requests in the window, this one included. */
  used: number;
  remaining: number;
  violation: boolean;
  /** Until the window has room for one more request. */
  retryAfterMs: number;
}

export interface FakeRequest extends MatchInfo {
  url: URL;
  body: Buffer;
  baseUrl: string;
  /** Milliseconds since the epoch, sub-millisecond precision. */
  arrivedAt: number;
  rate: RateInfo | null;
}

export interface FakeResponse {
  status: number;
  headers?: Record<string, string | number>;
  body?: string | Buffer | null;
}

export type FakeHandler = (request: FakeRequest) => FakeResponse | Promise<FakeResponse>;

export type Outcome = 'answered' | 'hung' | 'reset' | 'rate-limited' | 'storm' | 'failure' | 'malformed';

export interface RecordedRequest {
  at: number;
  method: string;
  /** Path and query as sent. */
  path: string;
  route: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  status: number | null;
  outcome: Outcome;
}

export const MUSICBRAINZ_RATE_LIMIT_BODY = JSON.stringify({
  error:
    'Your requests are exceeding the allowable rate limit. Please see https://musicbrainz.org/doc/MusicBrainz_API/Rate_Limiting for more information.',
});

const HTML_ERROR_PAGE =
  '<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n<body><center><h1>502 Bad Gateway</h1></center>\n<hr><center>nginx</center></body></html>\n';

export function json(status: number, body: unknown, headers: Record<string, string | number> = {}): FakeResponse {
  return { status, headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(body) };
}

export function text(status: number, body: string, contentType = 'text/plain; charset=utf-8', headers: Record<string, string | number> = {}): FakeResponse {
  return { status, headers: { 'Content-Type': contentType, ...headers }, body };
}

export function formatRetryAfter(value: RetryAfter): string {
  if (value instanceof Date) return value.toUTCString();
  if (typeof value === 'number') return String(Math.max(0, Math.ceil(value)));
  return value;
}

export class FakeStats {
  total = 0;
  byRoute: Record<string, number> = {};
  byMethod: Record<string, number> = {};
  byStatus: Record<string, number> = {};
  /** Requests that arrived while more than `limit` had started within the last `windowMs`, rejected or not. */
  violations = 0;
  /** Requests answered by the rate limiter (reject: true). */
  rateLimited = 0;
  hung = 0;
  /** Arrival times in ms since the epoch, every request. */
  arrivals: number[] = [];
  /** The latest requests with their headers and bodies (capped). */
  requests: RecordedRequest[] = [];

  constructor(private readonly maxRecorded: number) {}

  record(entry: RecordedRequest): void {
    this.total++;
    this.byRoute[entry.route] = (this.byRoute[entry.route] ?? 0) + 1;
    this.byMethod[entry.method] = (this.byMethod[entry.method] ?? 0) + 1;
    this.arrivals.push(entry.at);
    this.requests.push(entry);
    if (this.requests.length > this.maxRecorded) this.requests.splice(0, this.requests.length - this.maxRecorded);
  }

  answered(entry: RecordedRequest, status: number, outcome: Outcome): void {
    entry.status = status;
    entry.outcome = outcome;
    this.byStatus[status] = (this.byStatus[status] ?? 0) + 1;
  }

  /** The most requests that arrived within any `windowMs` span (a sliding window). */
  maxInWindow(windowMs: number): number {
    const times = [...this.arrivals].sort((a, b) => a - b);
    let best = 0;
    let start = 0;
    for (let end = 0; end < times.length; end++) {
      while (times[end]! - times[start]! >= windowMs) start++;
      best = Math.max(best, end - start + 1);
    }
    return best;
  }

  /** Requests per second between the first and the last arrival. */
  achievedRate(): { count: number; spanMs: number; perSecond: number } {
    const count = this.arrivals.length;
    if (count < 2) return { count, spanMs: 0, perSecond: 0 };
    const spanMs = Math.max(...this.arrivals) - Math.min(...this.arrivals);
    return { count, spanMs, perSecond: spanMs > 0 ? ((count - 1) * 1000) / spanMs : Infinity };
  }

  userAgents(): string[] {
    return this.requests.map((r) => String(r.headers['user-agent'] ?? ''));
  }

  reset(): void {
    this.total = 0;
    this.byRoute = {};
    this.byMethod = {};
    this.byStatus = {};
    this.violations = 0;
    this.rateLimited = 0;
    this.hung = 0;
    this.arrivals = [];
    this.requests = [];
  }
}

export interface FakeServer {
  /** 'http://127.0.0.1:PORT', no trailing slash. */
  url: string;
  stats: FakeStats;
  /** Change any field at runtime; the next request sees it. */
  switches: FakeSwitches;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Names a request for stats.byRoute; default: the path with ids replaced by ':id'. */
  routeOf?: (method: string, url: URL) => string;
  seed?: number | string;
  switches?: Partial<FakeSwitches>;
  /** How many requests stats.requests keeps. Default 5000. */
  maxRecorded?: number;
}

const UUID_SEGMENT = /\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?=\/|$)/gi;

export function defaultRouteOf(_method: string, url: URL): string {
  return url.pathname.replace(UUID_SEGMENT, '/:mbid').replace(/\/\d+(?=\/|$)/g, '/:id');
}

export function emptySwitches(): FakeSwitches {
  return { latencyMs: 0, rateLimit: null, storm: null, failure: null, malformed: null, hang: null };
}

/** Starts a fake on 127.0.0.1 with an OS-chosen port. */
export async function startFakeServer(handler: FakeHandler, options: StartOptions = {}): Promise<FakeServer> {
  const rng = new Prng(`server:${options.seed ?? 1}`);
  const routeOf = options.routeOf ?? defaultRouteOf;
  const stats = new FakeStats(options.maxRecorded ?? 5000);
  const switches: FakeSwitches = { ...emptySwitches(), ...options.switches };
  const windows = new Map<string, number[]>();
  const hanging = new Set<Socket>();
  const sleepers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  let closed = false;
  let baseUrl = '';

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (ms <= 0 || closed) return resolve();
      const sleeper = {
        resolve,
        timer: setTimeout(() => {
          sleepers.delete(sleeper);
          resolve();
        }, ms),
      };
      sleepers.add(sleeper);
    });

  const fires = (sw: { rate?: number; count?: number; match?: RequestMatcher } | null, info: MatchInfo): boolean => {
    if (!sw) return false;
    if (sw.count !== undefined && sw.count <= 0) return false;
    if (sw.match && !sw.match(info)) return false;
    return sw.rate === undefined || rng.next() < sw.rate;
  };

  const consume = (key: 'storm' | 'malformed' | 'hang') => {
    const sw = switches[key];
    if (sw && sw.count !== undefined) {
      sw.count--;
      if (sw.count <= 0) switches[key] = null;
    }
  };

  const arrive = (info: MatchInfo, at: number): RateInfo | null => {
    const limit = switches.rateLimit;
    if (!limit || (limit.match && !limit.match(info))) return null;
    const bucket = limit.bucket ? limit.bucket(info) : { key: 'all', limit: limit.limit };
    const log = windows.get(bucket.key) ?? [];
    // Sliding window on arrival: everything that started less than windowMs ago.
    while (log.length > 0 && at - log[0]! >= limit.windowMs) log.shift();
    log.push(at);
    windows.set(bucket.key, log);
    const used = log.length;
    const violation = used > bucket.limit;
    if (violation) stats.violations++;
    const oldestToExpire = log[Math.max(0, used - bucket.limit)];
    const retryAfterMs = violation && oldestToExpire !== undefined ? Math.max(0, oldestToExpire + limit.windowMs - at) : 0;
    return { key: bucket.key, limit: bucket.limit, windowMs: limit.windowMs, used, remaining: Math.max(0, bucket.limit - used), violation, retryAfterMs };
  };

  const latency = (): number => {
    const l = switches.latencyMs;
    if (typeof l === 'number') return l;
    return l.min + rng.next() * Math.max(0, l.max - l.min);
  };

  const limiterResponse = (limit: RateLimitSwitch, rate: RateInfo): FakeResponse => {
    const headers: Record<string, string> = {};
    const retryAfter = limit.retryAfter === undefined ? (limit.style === '429' ? 'auto' : null) : limit.retryAfter;
    if (retryAfter === 'auto') headers['Retry-After'] = String(Math.max(1, Math.ceil(rate.retryAfterMs / 1000)));
    else if (retryAfter !== null) headers['Retry-After'] = formatRetryAfter(retryAfter);
    if (limit.style === 'musicbrainz') {
      return text(503, limit.body ?? MUSICBRAINZ_RATE_LIMIT_BODY, limit.contentType ?? 'application/json; charset=utf-8', headers);
    }
    return text(429, limit.body ?? JSON.stringify({ error: 'Too Many Requests' }), limit.contentType ?? 'application/json; charset=utf-8', headers);
  };

  const send = (res: http.ServerResponse, response: FakeResponse) => {
    if (closed || res.destroyed) return;
    const body = response.body === undefined || response.body === null ? Buffer.alloc(0) : Buffer.isBuffer(response.body) ? response.body : Buffer.from(response.body);
    const headers: Record<string, string | number> = { ...response.headers };
    if (response.status !== 204 && response.status !== 304) headers['Content-Length'] = body.length;
    res.writeHead(response.status, headers);
    res.end(body);
  };

  const readBody = (req: http.IncomingMessage) =>
    new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => resolve(Buffer.concat(chunks)));
      req.on('error', () => resolve(Buffer.concat(chunks)));
    });

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const arrivedAt = performance.timeOrigin + performance.now();
    const url = new URL(req.url ?? '/', baseUrl);
    const method = (req.method ?? 'GET').toUpperCase();
    const route = `${method} ${routeOf(method, url)}`;
    const info: MatchInfo = { method, path: url.pathname, query: url.searchParams, headers: req.headers, route };
    const entry: RecordedRequest = { at: arrivedAt, method, path: url.pathname + url.search, route, headers: { ...req.headers }, body: '', status: null, outcome: 'answered' };
    stats.record(entry);
    const rate = arrive(info, arrivedAt);
    const body = await readBody(req);
    if (body.length <= 65_536) entry.body = body.toString('utf8');

    if (fires(switches.hang, info)) {
      consume('hang');
      stats.hung++;
      entry.outcome = 'hung';
      hanging.add(req.socket);
      req.socket.once('close', () => hanging.delete(req.socket));
      return;
    }
    await sleep(latency());
    if (closed) return;

    let outcome: Outcome = 'answered';
    let response: FakeResponse;
    const storm = switches.storm;
    const limit = switches.rateLimit;
    const failure = switches.failure;
    if (storm && fires({ ...storm, rate: undefined }, info)) {
      consume('storm');
      outcome = 'storm';
      const status = storm.status ?? 503;
      const headers: Record<string, string> = {};
      if (storm.retryAfter !== undefined) headers['Retry-After'] = formatRetryAfter(storm.retryAfter);
      response = text(status, storm.body ?? `${status} Service Unavailable\n`, storm.contentType ?? 'text/plain; charset=utf-8', headers);
    } else if (limit && limit.reject && rate?.violation) {
      outcome = 'rate-limited';
      stats.rateLimited++;
      response = limiterResponse(limit, rate);
    } else if (failure && fires(failure, info)) {
      if (failure.status === 'reset') {
        entry.outcome = 'reset';
        req.socket.destroy();
        return;
      }
      outcome = 'failure';
      const status = failure.status ?? 500;
      response = text(status, failure.body ?? `${status} Internal Server Error\n`, failure.contentType ?? 'text/plain; charset=utf-8');
    } else {
      try {
        response = await handler({ ...info, url, body, baseUrl, arrivedAt, rate });
      } catch (error) {
        response = text(500, `fake handler error: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
      }
      if (fires(switches.malformed, info)) {
        const kind = switches.malformed!.kind;
        consume('malformed');
        outcome = 'malformed';
        if (kind === 'html-200') {
          response = text(200, HTML_ERROR_PAGE, 'text/html; charset=utf-8');
        } else {
          const whole = response.body === undefined || response.body === null ? Buffer.alloc(0) : Buffer.from(response.body);
          response = { ...response, body: whole.subarray(0, Math.max(1, Math.floor(whole.length / 2))) };
        }
      }
    }
    if (closed) return;
    stats.answered(entry, response.status, outcome);
    send(res, response);
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent && !res.destroyed) send(res, text(500, String(error)));
    });
  });
  // A hung request must stay hung for as long as a test wants, not until Node's own timeouts.
  server.requestTimeout = 0;
  server.headersTimeout = 0;
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: baseUrl,
    stats,
    switches,
    close: async () => {
      if (closed) return;
      closed = true;
      for (const sleeper of sleepers) {
        clearTimeout(sleeper.timer);
        sleeper.resolve();
      }
      sleepers.clear();
      for (const socket of hanging) socket.destroy();
      hanging.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The name the brief gives it: start(handler) → { url, close(), stats, switches }. */
export const start = startFakeServer;
