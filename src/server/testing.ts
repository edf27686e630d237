import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import type { JobSnapshot } from '../shared/jobs';
import type { RpcServerMessage } from '../shared/rpc';
import { openSleeveCore, type SleeveCore } from '../core/app';
import { NodeWorkerHost, nodeWorkerEntry } from '../core/jobs/node-host';
import { startWebServer, type WebServer } from './server';

/** Test helpers for a server on 127.0.0.1: raw HTTP, the WebSocket and its RPC. */

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Sends the request exactly as written: fetch() would resolve '..', set its own Host and refuse some headers. */
export function rawRequest(
  port: number,
  rawPath: string,
  options: { method?: string; headers?: http.OutgoingHttpHeaders; body?: string } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: rawPath, method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

export function openSocket(port: number, headers: Record<string, string>, urlPath = '/api'): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${urlPath}`, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

export function rpcClient(ws: WebSocket) {
  let nextId = 1;
  const pending = new Map<number, (m: RpcServerMessage) => void>();
  const events: JobSnapshot[] = [];
  ws.on('message', (data) => {
    const message = JSON.parse(data.toString()) as RpcServerMessage;
    if ('event' in message) {
      if (message.event === 'jobUpdate') events.push(message.data);
    } else pending.get(message.id)?.(message);
  });
  return {
    events,
    call(method: string, ...args: unknown[]): Promise<RpcServerMessage> {
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        ws.send(JSON.stringify({ id, method, args }));
      });
    },
  };
}

export interface TestServer {
  /** A temp folder holding the library, the renderer build and whatever the test adds. */
  dir: string;
  core: SleeveCore;
  server: WebServer;
  token: string;
  /** The token as the browser sends it. */
  cookie: { cookie: string };
  close(): Promise<void>;
}

/** A web server over a fresh library in a temp folder, with a two-file renderer build, on 127.0.0.1. */
export async function startTestServer(options: { roots?: (dir: string) => string[] } = {}): Promise<TestServer> {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-server-test-')));
  const staticDir = path.join(dir, 'renderer');
  fs.mkdirSync(path.join(staticDir, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>Sleeve</title>');
  fs.writeFileSync(path.join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  const core = openSleeveCore({
    libraryPath: path.join(dir, 'library.sqlite'),
    host: new NodeWorkerHost(),
    workerEntry: nodeWorkerEntry(),
    shell: 'web',
    enrichAfterScan: false,
  });
  const token = 'test-token-' + 'x'.repeat(24);
  const server = await startWebServer({ core, staticDir, token, port: 0, roots: options.roots?.(dir) });
  return {
    dir,
    core,
    server,
    token,
    cookie: { cookie: `sleeve_token=${token}` },
    async close() {
      await server.close();
      await core.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
