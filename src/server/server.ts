import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ApiEvent } from '../shared/api';
import type { RpcRequest, RpcServerMessage } from '../shared/rpc';
import type { SleeveCore } from '../core/app';
import { artworkCacheDir, resolveArtworkRequest } from '../core/artwork/serve';
import { packageRoot } from '../core/version';
import { authenticate, isAllowedHost, isAllowedOrigin, TOKEN_COOKIE } from './auth';
import { contentType, resolveStaticFile } from './static';

export interface WebServerOptions {
  core: SleeveCore;
  /** The built renderer (out/renderer). */
  staticDir: string;
  token: string;
  port: number;
}

export interface WebServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export const API_PATH = '/api';
/** Artwork from the cache: ART_PATH + 'thumb/<hash>' or 'image/<hash>'. */
export const ART_PATH = '/art/';
const MAX_MESSAGE_BYTES = 1024 * 1024;

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

function plain(res: http.ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(`${text}\n`);
}

/**
 * The local web UI: the renderer build and the Api over a WebSocket, on the
 * loopback interface only, behind a random access token.
 */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const { core, staticDir, token } = options;
  let port = options.port;
  // better-sqlite3 knows the file it opened; the cache lives beside it.
  const artDir = artworkCacheDir(core.db.name);

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!isAllowedHost(req.headers.host, port)) return plain(res, 403, 'Forbidden: unknown host name.');
    const auth = authenticate(req, url, token);
    if (!auth) {
      return plain(
        res,
        401,
        'This Sleeve server needs its access token. Open the full URL it printed when it started (it ends in ?token=…).',
      );
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'Method not allowed.');
    if (auth === 'query') {
      // Swap the token in the URL for a cookie, so it leaves the address bar and the history.
      url.searchParams.delete('token');
      res.writeHead(303, {
        Location: url.pathname + url.search,
        'Set-Cookie': `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        'Cache-Control': 'no-store',
      });
      return res.end();
    }
    // The raw path, not url.pathname: the URL parser would resolve '..' and '%2e%2e' before they could be refused.
    const rawPath = (req.url ?? '/').split('?')[0]!;
    if (rawPath.startsWith(ART_PATH)) {
      const art = resolveArtworkRequest(artDir, rawPath.slice(ART_PATH.length));
      if (!art) return plain(res, 404, 'No such artwork.');
      res.writeHead(200, {
        'Content-Type': art.contentType,
        'X-Content-Type-Options': 'nosniff',
        // Named by content hash: the bytes behind a URL never change.
        'Cache-Control': 'private, max-age=31536000, immutable',
      });
      if (req.method === 'HEAD') return res.end();
      fs.createReadStream(art.file).on('error', () => res.destroy()).pipe(res);
      return;
    }
    const file = resolveStaticFile(staticDir, url.pathname) ?? resolveStaticFile(staticDir, '/index.html');
    if (!file) return plain(res, 503, `The web UI is not built (${staticDir} has no index.html). Run 'npm run build' first.`);
    const headers: http.OutgoingHttpHeaders = {
      'Content-Type': contentType(file),
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': file.endsWith('.html') ? 'no-store' : 'max-age=3600',
    };
    if (file.endsWith('.html')) headers['Content-Security-Policy'] = CSP;
    res.writeHead(200, headers);
    if (req.method === 'HEAD') return res.end();
    fs.createReadStream(file).pipe(res);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const refuse = (status: string) => {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (url.pathname !== API_PATH) return refuse('404 Not Found');
    if (!isAllowedHost(req.headers.host, port) || !isAllowedOrigin(req.headers.origin, port)) return refuse('403 Forbidden');
    if (!authenticate(req, url, token)) return refuse('401 Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => serveSocket(ws, core));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    port,
    url: `http://127.0.0.1:${port}/?token=${token}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function serveSocket(ws: WebSocket, core: SleeveCore): void {
  const send = (message: RpcServerMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  };
  const unsubscribe = core.api.subscribe((event: ApiEvent) => send(event));
  ws.on('close', unsubscribe);
  ws.on('message', async (data) => {
    let request: RpcRequest;
    try {
      request = JSON.parse(data.toString()) as RpcRequest;
      if (typeof request.id !== 'number' || typeof request.method !== 'string') throw new Error('bad request');
    } catch {
      ws.close(1003, 'Malformed request');
      return;
    }
    try {
      const result = await core.api.call(request.method, request.args ?? []);
      send({ id: request.id, result: result ?? null });
    } catch (err) {
      send({ id: request.id, error: { message: err instanceof Error ? err.message : String(err) } });
    }
  });
}

export function defaultStaticDir(): string {
  return path.join(packageRoot(), 'out/renderer');
}
