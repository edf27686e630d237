import { afterEach, describe, expect, it } from 'vitest';
import { json, MUSICBRAINZ_RATE_LIMIT_BODY, startFakeServer, type FakeServer, type StartOptions } from './server';

const servers: FakeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(options: StartOptions = {}): Promise<FakeServer> {
  const server = await startFakeServer((request) => json(200, { ok: true, path: request.path }), options);
  servers.push(server);
  return server;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('fake server machinery', () => {
  it('counts requests per route, method and status and records headers and bodies', async () => {
    const server = await serve();
    for (const id of [1, 2, 3]) await fetch(`${server.url}/a/${id}?x=1`, { headers: { 'User-Agent': 'Sleeve-test/1.0 (test@example.invalid)' } });
    await fetch(`${server.url}/b`, { method: 'POST', body: 'hello' });
    const { stats } = server;
    expect(stats.total).toBe(4);
    expect(stats.byRoute).toEqual({ 'GET /a/:id': 3, 'POST /b': 1 });
    expect(stats.byMethod).toEqual({ GET: 3, POST: 1 });
    expect(stats.byStatus).toEqual({ 200: 4 });
    expect(stats.arrivals).toHaveLength(4);
    expect(stats.requests[0]).toMatchObject({ method: 'GET', path: '/a/1?x=1', status: 200, outcome: 'answered' });
    expect(stats.userAgents().slice(0, 3)).toEqual(Array(3).fill('Sleeve-test/1.0 (test@example.invalid)'));
    expect(stats.requests[3]!.body).toBe('hello');
    stats.reset();
    expect(stats.total).toBe(0);
    expect(stats.arrivals).toEqual([]);
  });

  it('delays answers by a fixed or ranged latency', async () => {
    const server = await serve({ switches: { latencyMs: 120 } });
    let started = performance.now();
    await fetch(server.url);
    expect(performance.now() - started).toBeGreaterThanOrEqual(100);
    server.switches.latencyMs = { min: 60, max: 80 };
    started = performance.now();
    await fetch(server.url);
    expect(performance.now() - started).toBeGreaterThanOrEqual(50);
  });

  it('answers a storm of N requests with its status and Retry-After, then recovers', async () => {
    const server = await serve();
    server.switches.storm = { status: 503, count: 2, retryAfter: 0 };
    const first = await fetch(server.url);
    const second = await fetch(server.url);
    const third = await fetch(server.url);
    expect([first.status, second.status, third.status]).toEqual([503, 503, 200]);
    expect(first.headers.get('retry-after')).toBe('0');
    expect(server.switches.storm).toBeNull();
  });

  it('keeps a storm on until it is turned off, with Retry-After as an HTTP date or seconds', async () => {
    const server = await serve();
    const when = new Date(Date.now() + 30_000);
    server.switches.storm = { status: 429, retryAfter: when };
    for (let i = 0; i < 3; i++) {
      const response = await fetch(server.url);
      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBe(when.toUTCString());
    }
    server.switches.storm = { retryAfter: 7, match: (r) => r.path === '/only' };
    expect((await fetch(`${server.url}/only`)).headers.get('retry-after')).toBe('7');
    expect((await fetch(`${server.url}/other`)).status).toBe(200);
    server.switches.storm = null;
    expect((await fetch(server.url)).status).toBe(200);
  });

  it('rejects over-limit requests the MusicBrainz way: 503 with its JSON body', async () => {
    const server = await serve({ switches: { rateLimit: { limit: 1, windowMs: 60_000, reject: true, style: 'musicbrainz' } } });
    const first = await fetch(server.url);
    const second = await fetch(server.url);
    expect(first.status).toBe(200);
    expect(second.status).toBe(503);
    expect(second.headers.get('content-type')).toContain('application/json');
    expect(await second.text()).toBe(MUSICBRAINZ_RATE_LIMIT_BODY);
    expect(JSON.parse(MUSICBRAINZ_RATE_LIMIT_BODY)).toEqual({
      error: 'Your requests are exceeding the allowable rate limit. Please see https://musicbrainz.org/doc/MusicBrainz_API/Rate_Limiting for more information.',
    });
    expect(second.headers.get('retry-after')).toBeNull();
    expect(server.stats.violations).toBe(1);
    expect(server.stats.rateLimited).toBe(1);
  });

  it('rejects over-limit requests with 429 and a Retry-After in seconds until the window frees', async () => {
    const server = await serve({ switches: { rateLimit: { limit: 2, windowMs: 5_000, reject: true, style: '429' } } });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 3; i++) {
      const response = await fetch(server.url);
      statuses.push(response.status);
      if (response.status === 429) retryAfter = response.headers.get('retry-after');
    }
    expect(statuses).toEqual([200, 200, 429]);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(retryAfter)).toBeLessThanOrEqual(5);
    server.switches.rateLimit = { limit: 1, windowMs: 60_000, reject: true, style: '429', retryAfter: new Date(Date.now() + 60_000) };
    expect((await fetch(server.url)).headers.get('retry-after')).toMatch(/GMT$/);
  });

  it('counts violations of a sliding window while still answering', async () => {
    const server = await serve({ switches: { rateLimit: { limit: 1, windowMs: 250, reject: false, style: 'musicbrainz' } } });
    const burst = await Promise.all(Array.from({ length: 5 }, () => fetch(server.url)));
    expect(burst.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(server.stats.violations).toBeGreaterThan(0);
    expect(server.stats.maxInWindow(250)).toBeGreaterThan(1);
  });

  it('counts no violation for a client that paces itself', async () => {
    const server = await serve({ switches: { rateLimit: { limit: 2, windowMs: 200, reject: true, style: 'musicbrainz' } } });
    for (let i = 0; i < 6; i++) {
      expect((await fetch(server.url)).status).toBe(200);
      if (i % 2 === 1) await sleep(350);
    }
    expect(server.stats.violations).toBe(0);
    expect(server.stats.maxInWindow(200)).toBeLessThanOrEqual(2);
    const rate = server.stats.achievedRate();
    expect(rate.count).toBe(6);
    expect(rate.perSecond).toBeLessThan(20);
  });

  it('fails a seeded share of requests, the same share for the same seed', async () => {
    const outcomes = async () => {
      const server = await serve({ seed: 'fixed', switches: { failure: { rate: 0.5 } } });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) statuses.push((await fetch(server.url)).status);
      return statuses;
    };
    const a = await outcomes();
    const b = await outcomes();
    expect(a).toEqual(b);
    expect(a).toContain(500);
    expect(a).toContain(200);
  });

  it('can reset connections instead of answering', async () => {
    const server = await serve({ switches: { failure: { rate: 1, status: 'reset' } } });
    await expect(fetch(server.url)).rejects.toThrow();
    server.switches.failure = null;
    expect((await fetch(server.url)).status).toBe(200);
  });

  it('sends truncated JSON or an HTML error page with status 200 when told to', async () => {
    const server = await serve();
    server.switches.malformed = { kind: 'truncated-json', count: 1 };
    const truncated = await fetch(`${server.url}/x`);
    expect(truncated.status).toBe(200);
    const text = await truncated.text();
    expect(() => JSON.parse(text)).toThrow();
    expect(JSON.stringify({ ok: true, path: '/x' }).startsWith(text)).toBe(true);
    expect(await (await fetch(`${server.url}/x`)).json()).toEqual({ ok: true, path: '/x' });
    server.switches.malformed = { kind: 'html-200' };
    const html = await fetch(server.url);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toContain('text/html');
    expect(await html.text()).toMatch(/^<!DOCTYPE html>/);
  });

  it('hangs matching requests and destroys them on close', async () => {
    const server = await startFakeServer(() => json(200, {}), { switches: { hang: { match: (r) => r.path.startsWith('/hang') } } });
    await expect(fetch(`${server.url}/hang/1`, { signal: AbortSignal.timeout(300) })).rejects.toThrow();
    expect((await fetch(`${server.url}/fine`)).status).toBe(200);
    const pending = fetch(`${server.url}/hang/2`).then(
      () => 'answered',
      () => 'failed',
    );
    await sleep(100);
    expect(server.stats.hung).toBe(2);
    await server.close();
    expect(await pending).toBe('failed');
  });

  it('hangs a counted number of requests', async () => {
    const server = await serve({ switches: { hang: { count: 1 } } });
    await expect(fetch(server.url, { signal: AbortSignal.timeout(300) })).rejects.toThrow();
    expect((await fetch(server.url)).status).toBe(200);
    expect(server.switches.hang).toBeNull();
  });
});
