import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLibrary, type Library } from '../db/library';
import { ResponseCache } from './cache';
import { DeferredError } from './errors';
import { RateGate } from './gate';
import { createSourceHttp, type SourceHttpOptions } from './http';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, n: number) => void;

interface TestServer {
  url: string;
  arrivals: Array<{ at: number; url: string; userAgent: string | undefined }>;
  close(): Promise<void>;
}

async function serve(handler: Handler): Promise<TestServer> {
  const arrivals: TestServer['arrivals'] = [];
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => {
    arrivals.push({ at: Date.now(), url: req.url ?? '', userAgent: req.headers['user-agent'] });
    handler(req, res, arrivals.length);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    arrivals,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

describe('createSourceHttp', () => {
  let dir: string;
  let db: Library;
  let server: TestServer | null = null;
  let counters: Record<string, number>;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-http-'));
    db = openLibrary(path.join(dir, 'library.sqlite'));
    counters = {};
  });
  afterEach(async () => {
    await server?.close();
    server = null;
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const client = (overrides: Partial<SourceHttpOptions> = {}) =>
    createSourceHttp({
      source: 'musicbrainz',
      baseUrl: server!.url,
      userAgent: 'Sleeve/test ( https://example.org )',
      gate: new RateGate(db),
      policy: { rate: 0 },
      concurrency: 4,
      cache: new ResponseCache(db),
      cacheTtlMs: 60_000,
      timeoutMs: 2000,
      retry: { retries: 3, baseDelayMs: 20, maxDelayMs: 100, maxRetryAfterMs: 5000 },
      count: (name, by = 1) => {
        counters[name] = (counters[name] ?? 0) + by;
      },
      ...overrides,
    });

  it('sends our User-Agent, and a second identical request is answered from the cache', async () => {
    server = await serve((_req, res) => json(res, 200, { id: 'x' }));
    const mb = client();
    const first = await mb.request({ path: '/ws/2/recording/x', query: { fmt: 'json', inc: undefined } });
    expect(first.status).toBe(200);
    expect(JSON.parse(first.body.toString())).toEqual({ id: 'x' });
    expect(server.arrivals[0]!.userAgent).toBe('Sleeve/test ( https://example.org )');
    expect(server.arrivals[0]!.url).toBe('/ws/2/recording/x?fmt=json');
    const second = await mb.request({ path: '/ws/2/recording/x', query: { fmt: 'json' } });
    expect(second.fromCache).toBe(true);
    expect(server.arrivals).toHaveLength(1);
    expect(counters).toMatchObject({ requests: 1, cacheMisses: 1, cacheHits: 1 });
    // --no-cache asks again, and refreshes the stored answer.
    await client({ bypassCache: true }).request({ path: '/ws/2/recording/x', query: { fmt: 'json' } });
    expect(server.arrivals).toHaveLength(2);
  });

  it('returns a 404 as an answer, not an error, and remembers it', async () => {
    server = await serve((_req, res) => json(res, 404, { error: 'Not Found' }));
    const mb = client();
    expect((await mb.request({ path: '/ws/2/recording/missing' })).status).toBe(404);
    expect((await mb.request({ path: '/ws/2/recording/missing' })).fromCache).toBe(true);
    expect(server.arrivals).toHaveLength(1);
  });

  it('waits as long as Retry-After says, in seconds', async () => {
    server = await serve((_req, res, n) => (n === 1 ? json(res, 503, { error: 'slow down' }, { 'retry-after': '1' }) : json(res, 200, {})));
    const response = await client().request({ path: '/x' });
    expect(response.status).toBe(200);
    expect(server.arrivals[1]!.at - server.arrivals[0]!.at).toBeGreaterThanOrEqual(950);
    expect(counters).toMatchObject({ requests: 2, retries: 1, rateLimited: 1 });
  });

  it('waits until the HTTP date Retry-After gives, and retries at once on Retry-After: 0', async () => {
    server = await serve((_req, res, n) => {
      if (n === 1) json(res, 429, {}, { 'retry-after': new Date(Date.now() + 2000).toUTCString() });
      else if (n === 2) json(res, 429, {}, { 'retry-after': '0' });
      else json(res, 200, {});
    });
    const response = await client({ retry: { retries: 3, baseDelayMs: 5000, maxDelayMs: 5000, maxRetryAfterMs: 5000 } }).request({ path: '/x' });
    expect(response.status).toBe(200);
    // HTTP dates have whole seconds, so the wait is between 1 and 2 s.
    expect(server.arrivals[1]!.at - server.arrivals[0]!.at).toBeGreaterThanOrEqual(900);
    // 0 means now: not the 2.5 s or more of our own backoff.
    expect(server.arrivals[2]!.at - server.arrivals[1]!.at).toBeLessThan(2500);
  });

  it('makes every caller of the host wait out a Retry-After, not just the one that got it', async () => {
    server = await serve((req, res, n) => (n === 1 ? json(res, 503, {}, { 'retry-after': '1' }) : json(res, 200, { url: req.url })));
    const mb = client();
    const first = mb.request({ path: '/a' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = mb.request({ path: '/b' });
    await Promise.all([first, second]);
    const later = server.arrivals.slice(1);
    expect(later.every((arrival) => arrival.at - server!.arrivals[0]!.at >= 950)).toBe(true);
  });

  it('defers, never "not found", when a 503 storm outlasts the retries, and fails fast after that', async () => {
    server = await serve((_req, res) => json(res, 503, { error: 'Your requests are exceeding the allowable rate limit.' }));
    const mb = client();
    const failure = await mb.request({ path: '/ws/2/recording/a' }).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(DeferredError);
    expect((failure as Error).message).toMatch(/did not answer .* \(503.*\) in 4 tries/);
    expect(server.arrivals).toHaveLength(4);
    const next = await mb.request({ path: '/ws/2/recording/b' }).catch((err: unknown) => err);
    expect(next).toBeInstanceOf(DeferredError);
    expect(server.arrivals).toHaveLength(4);
  });

  it('defers when a service asks for a pause longer than a job should hold', async () => {
    server = await serve((_req, res) => json(res, 429, {}, { 'retry-after': '3600' }));
    const failure = await client().request({ path: '/x' }).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(DeferredError);
    expect((failure as DeferredError).retryAt).toBeGreaterThan(Date.now() + 3000_000);
    expect(server.arrivals).toHaveLength(1);
  });

  it('times out a server that accepts and never answers', async () => {
    server = await serve(() => {});
    const failure = await client({ timeoutMs: 200, retry: { retries: 1, baseDelayMs: 10, maxDelayMs: 10, maxRetryAfterMs: 0 } })
      .request({ path: '/hang' })
      .catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(DeferredError);
    expect((failure as Error).message).toMatch(/no answer within/);
    expect(server.arrivals).toHaveLength(2);
  });

  it('never sends a POST again once it may have landed (a timeout, a 500), but does after a 429 or 503', async () => {
    let calls = 0;
    server = await serve((_req, res) => {
      calls += 1;
      if (calls === 1) json(res, 503, {});
      else if (calls === 2) json(res, 500, {});
    });
    const failure = await client({ timeoutMs: 300 })
      .request({ path: '/items', method: 'POST', body: '{}' })
      .catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(DeferredError);
    expect((failure as Error).message).toMatch(/\(500.*\) in 2 tries; not sent again, as it may have been acted on/);
    expect(server.arrivals).toHaveLength(2);

    server.arrivals.length = 0;
    const hung = await client({ timeoutMs: 200 }).request({ path: '/other', method: 'POST', body: '{}' }).catch((err: unknown) => err);
    expect((hung as Error).message).toMatch(/no answer within/);
    expect(server.arrivals).toHaveLength(1);
  });

  it('defers when nothing listens at the address', async () => {
    server = await serve(() => {});
    const url = server.url;
    await server.close();
    server = null;
    const failure = await createSourceHttp({
      source: 'musicbrainz',
      baseUrl: url,
      userAgent: 'x',
      gate: null,
      policy: { rate: 0 },
      concurrency: 1,
      cache: null,
      cacheTtlMs: 0,
      retry: { retries: 1, baseDelayMs: 10, maxDelayMs: 10, maxRetryAfterMs: 0 },
    })
      .request({ path: '/x' })
      .catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(DeferredError);
    expect((failure as Error).message).toMatch(/ECONNREFUSED/);
  });

  it('follows a redirect chain hop by hop, caching each, so a second run asks nothing', async () => {
    server = await serve((req, res) => {
      if (req.url === '/ws/2/recording/old?fmt=json') res.writeHead(301, { location: '/ws/2/recording/new?fmt=json' }).end();
      else if (req.url === '/ws/2/recording/new?fmt=json') res.writeHead(307, { location: `${server!.url}/final` }).end();
      else json(res, 200, { id: 'new' });
    });
    const first = await client().request({ path: '/ws/2/recording/old', query: { fmt: 'json' } });
    expect(first.url).toBe(`${server.url}/final`);
    expect(JSON.parse(first.body.toString())).toEqual({ id: 'new' });
    expect(server.arrivals).toHaveLength(3);
    const second = await client().request({ path: '/ws/2/recording/old', query: { fmt: 'json' } });
    expect(second.fromCache).toBe(true);
    expect(server.arrivals).toHaveLength(3);
  });

  it('masks keys in the URLs it reports and stores', async () => {
    server = await serve((_req, res) => json(res, 503, {}));
    const tadb = client({ source: 'theaudiodb', secrets: ['s3cret-key'], retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 0 } });
    const failure = (await tadb.request({ path: '/api/v1/json/s3cret-key/album-mb.php', query: { i: 'x' } }).catch((e: unknown) => e)) as Error;
    expect(failure.message).toContain('/api/v1/json/***/album-mb.php');
    expect(failure.message).not.toContain('s3cret-key');
    await server.close();
    server = await serve((_req, res) => json(res, 200, { album: null }));
    const ok = await client({ source: 'theaudiodb', secrets: ['s3cret-key'] }).request({ path: '/api/v1/json/s3cret-key/album-mb.php' });
    expect(ok.url).not.toContain('s3cret-key');
    const keys = db.prepare('SELECT key FROM http_cache').pluck().all() as string[];
    expect(keys.some((key) => key.includes('s3cret-key'))).toBe(false);
  });

  it('paces request starts through the gate: slow answers overlap', async () => {
    let inFlight = 0;
    let mostInFlight = 0;
    server = await serve((_req, res) => {
      mostInFlight = Math.max(mostInFlight, ++inFlight);
      setTimeout(() => {
        inFlight--;
        json(res, 200, {});
      }, 600);
    });
    const mb = client({ policy: { rate: 5 }, cache: null });
    await Promise.all(Array.from({ length: 5 }, (_, i) => mb.request({ path: `/slow/${i}` })));
    const starts = server.arrivals.map((a) => a.at);
    const gaps = starts.slice(1).map((s, i) => s - starts[i]!);
    // Each start waits for its slot (about 220 ms) ...
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(150);
    // ... not for the previous 600 ms answer: the slow answers overlap at the server.
    expect(mostInFlight).toBeGreaterThan(1);
  });

  it('stops waiting at once when the job is cancelled', async () => {
    server = await serve(() => {});
    const controller = new AbortController();
    const pending = client({ timeoutMs: 60_000 }).request({ path: '/hang' }, controller.signal);
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});
