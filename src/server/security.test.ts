import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArtworkCache, artworkCacheDir } from '../core/artwork/cache';
import { drawPicture } from '../core/artwork/testing';
import { MAX_URL_LENGTH } from './server';
import { openSocket, rawRequest, rpcClient, startTestServer, type TestServer } from './testing';

let t: TestServer;
let port: number;
let artHash: string;

beforeAll(async () => {
  t = await startTestServer();
  port = t.server.port;
  const picture = await drawPicture({ width: 64, height: 64, background: [1, 2, 3], format: 'png' });
  artHash = (await new ArtworkCache(artworkCacheDir(t.core.db.name)).put(picture)).hash;
});

afterAll(async () => {
  await t?.close();
});

/** Writes bytes on a bare socket and gives back all the server answers before it closes. */
function rawSocket(bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(bytes));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
    socket.setTimeout(5000, () => socket.destroy());
  });
}

describe('nothing is served before the token', () => {
  it('refuses the page, static files, artwork, unknown paths and HEAD without it', async () => {
    for (const p of ['/', '/index.html', '/assets/app.js', '/no/such/page', `/art/thumb/${artHash}`, `/art/image/${artHash}`, '/art/nothing', '/api']) {
      const res = await rawRequest(port, p);
      expect(res.status, p).toBe(401);
      expect(res.body, p).not.toMatch(/<title>|console\.log/);
      expect(res.headers['content-type'], p).toMatch(/^text\/plain/);
    }
    expect((await rawRequest(port, '/', { method: 'HEAD' })).status).toBe(401);
    expect((await rawRequest(port, '/', { method: 'DELETE' })).status).toBe(401);
    // With it, the same requests are served (an unknown path gets the page, for the app's own routes).
    expect((await rawRequest(port, `/art/thumb/${artHash}`, { headers: t.cookie })).status).toBe(200);
    expect((await rawRequest(port, '/no/such/page', { headers: t.cookie })).body).toContain('<title>Sleeve</title>');
    expect((await rawRequest(port, '/art/nothing', { headers: t.cookie })).status).toBe(404);
    expect((await rawRequest(port, '/', { method: 'DELETE', headers: t.cookie })).status).toBe(405);
  });

  it('refuses a WebSocket without it, whatever the path, and only then says a path is unknown', async () => {
    await expect(openSocket(port, {})).rejects.toThrow(/401/);
    await expect(openSocket(port, {}, '/elsewhere')).rejects.toThrow(/401/);
    await expect(openSocket(port, { cookie: 'sleeve_token=wrong' })).rejects.toThrow(/401/);
    await expect(openSocket(port, t.cookie, '/elsewhere')).rejects.toThrow(/404/);
    await expect(openSocket(port, { ...t.cookie, host: 'evil.example:80' })).rejects.toThrow(/403/);
    const ws = await openSocket(port, { authorization: `Bearer ${t.token}` });
    ws.close();
  });

  it('swaps the token in the URL for a cookie without redirecting to another site', async () => {
    const res = await rawRequest(port, `/.//evil.example/?token=${t.token}`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/evil.example/');
  });
});

describe('request limits', () => {
  it('refuses a body with 413 before reading it, token or not', async () => {
    // The header promises a megabyte that is never sent: the answer comes anyway.
    const declared = await rawRequest(port, '/', { method: 'POST', headers: { 'content-length': String(1024 * 1024) } });
    expect(declared.status).toBe(413);
    expect(declared.headers.connection).toBe('close');
    const chunked = await rawRequest(port, '/', { method: 'GET', headers: { ...t.cookie, 'transfer-encoding': 'chunked' }, body: 'hello' });
    expect(chunked.status).toBe(413);
    const put = await rawRequest(port, '/', { method: 'PUT', headers: t.cookie, body: 'x' });
    expect(put.status).toBe(413);
  });

  it("does not invite a body with '100 Continue'", async () => {
    const answer = await rawSocket(
      `POST / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nCookie: ${t.cookie.cookie}\r\nContent-Length: 100000\r\nExpect: 100-continue\r\n\r\n`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).not.toContain('100 Continue');
  });

  it('refuses an overlong address with 414, and overlong headers with 431', async () => {
    const long = `/?${'a'.repeat(MAX_URL_LENGTH)}`;
    expect((await rawRequest(port, long, { headers: t.cookie })).status).toBe(414);
    expect((await rawRequest(port, `/?${'a'.repeat(MAX_URL_LENGTH - 100)}`, { headers: t.cookie })).status).toBe(200);
    await expect(openSocket(port, t.cookie, `/api?${'a'.repeat(MAX_URL_LENGTH)}`)).rejects.toThrow(/414/);
    const big = await rawSocket(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Big: ${'b'.repeat(20 * 1024)}\r\n\r\n`);
    expect(big).toMatch(/^HTTP\/1\.1 431 /);
  });

  it('answers 400 to a request target no URL parser takes, and carries on', async () => {
    const answer = await rawSocket(`GET http://[oops/ HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect((await rawRequest(port, '/', { headers: t.cookie })).status).toBe(200);
  });

  it('closes a WebSocket that sends more than a mebibyte (1009), and the server stays up', async () => {
    const ws = await openSocket(port, t.cookie);
    const closed = new Promise<number>((resolve) => ws.once('close', resolve));
    ws.on('error', () => undefined);
    ws.send(JSON.stringify({ id: 1, method: 'scan', args: [['x'.repeat(1024 * 1024)]] }));
    expect(await closed).toBe(1009);
    const again = await openSocket(port, t.cookie);
    expect(await rpcClient(again).call('listJobKinds')).toMatchObject({ id: 1, result: expect.any(Array) });
    again.close();
  });
});
