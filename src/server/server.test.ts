import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import type { JobSnapshot } from '../shared/jobs';
import { openSleeveCore, type SleeveCore } from '../core/app';
import { NodeWorkerHost, nodeWorkerEntry } from '../core/jobs/node-host';
import { startWebServer, type WebServer } from './server';
import { resolveStaticFile } from './static';
import { openSocket as openSocketOn, rpcClient } from './testing';

const TOKEN = 'test-token-0123456789abcdef';
let dir: string;
let staticDir: string;
let core: SleeveCore;
let server: WebServer;
let base: string;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-server-'));
  staticDir = path.join(dir, 'renderer');
  fs.mkdirSync(path.join(staticDir, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>Sleeve</title>');
  fs.writeFileSync(path.join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'outside the web root');
  core = openSleeveCore({
    libraryPath: path.join(dir, 'library.sqlite'),
    host: new NodeWorkerHost(),
    workerEntry: nodeWorkerEntry(),
    shell: 'web',
  });
  server = await startWebServer({ core, staticDir, token: TOKEN, port: 0 });
  base = `http://127.0.0.1:${server.port}`;
});

afterEach(async () => {
  await server.close();
  await core.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const withCookie = { headers: { cookie: `sleeve_token=${TOKEN}` } };

function openSocket(headers: Record<string, string> = { cookie: `sleeve_token=${TOKEN}` }): Promise<WebSocket> {
  return openSocketOn(server.port, headers);
}

describe('web server access', () => {
  it('refuses HTTP requests without the token, or with a wrong one', async () => {
    expect((await fetch(`${base}/`)).status).toBe(401);
    expect((await fetch(`${base}/?token=wrong`)).status).toBe(401);
    expect((await fetch(`${base}/assets/app.js`)).status).toBe(401);
    expect(await (await fetch(`${base}/`)).text()).toMatch(/needs its access token/);
  });

  it('trades the token in the URL for an HttpOnly cookie, then serves the UI with a CSP', async () => {
    const first = await fetch(`${base}/?token=${TOKEN}`, { redirect: 'manual' });
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/');
    expect(first.headers.get('set-cookie')).toMatch(/sleeve_token=.+; HttpOnly; SameSite=Strict/);
    const page = await fetch(`${base}/`, withCookie);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Sleeve</title>');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await (await fetch(`${base}/assets/app.js`, withCookie)).text()).toBe('console.log(1)');
  });

  it('turns away other host names (DNS rebinding)', async () => {
    // fetch() may not set Host, so this one goes through node:http.
    const status = await new Promise<number | undefined>((resolve, reject) => {
      http
        .get(`${base}/`, { headers: { ...withCookie.headers, host: 'evil.example:80' } }, (res) => {
          res.resume();
          resolve(res.statusCode);
        })
        .on('error', reject);
    });
    expect(status).toBe(403);
  });

  it('never serves a file outside the web root', async () => {
    for (const p of ['/../secret.txt', '/..%2fsecret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt']) {
      const body = await (await fetch(`${base}${p}`, withCookie)).text();
      expect(body, p).not.toContain('outside the web root');
    }
    fs.symlinkSync(path.join(dir, 'secret.txt'), path.join(staticDir, 'link.txt'));
    expect(resolveStaticFile(staticDir, '/link.txt')).toBeNull();
    expect(resolveStaticFile(staticDir, '/%00index.html')).toBeNull();
    expect(resolveStaticFile(staticDir, '/assets/app.js')).toBe(fs.realpathSync(path.join(staticDir, 'assets/app.js')));
  });

  it('refuses a WebSocket without the token or from another origin', async () => {
    await expect(openSocket({})).rejects.toThrow(/401/);
    await expect(openSocket({ cookie: `sleeve_token=${TOKEN}`, origin: 'http://evil.example' })).rejects.toThrow(/403/);
    const ok = await openSocket({ cookie: `sleeve_token=${TOKEN}`, origin: base });
    ok.close();
  });
});

describe('Api over the WebSocket', () => {
  it('starts a job and streams its updates to the end', async () => {
    const ws = await openSocket();
    const rpc = rpcClient(ws);
    const kinds = await rpc.call('listJobKinds');
    expect(kinds).toMatchObject({ result: expect.arrayContaining([expect.objectContaining({ kind: 'count' })]) });
    const started = (await rpc.call('startJob', { kind: 'count', params: { to: 5, delayMs: 10 } })) as {
      result: JobSnapshot;
    };
    const final = await core.jobs.waitFor(started.result.id);
    expect(final.state).toBe('done');
    await new Promise((r) => setTimeout(r, 50));
    expect(rpc.events.at(-1)).toMatchObject({ id: started.result.id, state: 'done', counters: { counted: 5 } });
    const list = (await rpc.call('listJobs')) as { result: JobSnapshot[] };
    expect(list.result[0]).toMatchObject({ id: started.result.id, state: 'done' });
    ws.close();
  });

  it('answers bad calls with an error and closes on malformed messages', async () => {
    const ws = await openSocket();
    const rpc = rpcClient(ws);
    expect(await rpc.call('dropTables')).toMatchObject({ error: { message: "Unknown method 'dropTables'" } });
    expect(await rpc.call('cancelJob', 'x')).toMatchObject({ error: { message: expect.stringMatching(/Invalid arguments/) } });
    expect(await rpc.call('startJob', { kind: 'count', params: { to: 'many' } })).toMatchObject({
      error: { message: expect.stringMatching(/Invalid parameters for 'count'/) },
    });
    const closed = new Promise<number>((resolve) => ws.once('close', resolve));
    ws.send('{not json');
    expect(await closed).toBe(1003);
  });
});
