import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ApiEvent } from '../shared/api';
import type { RpcRequest, RpcServerMessage } from '../shared/rpc';
import type { SleeveCore } from '../core/app';
import { artworkCacheDir, resolveArtworkRequest } from '../core/artwork/serve';
import { libraryPathPolicy, type ClientPathCheck } from '../core/library/path-policy';
import { packageRoot } from '../core/version';
import { authenticate, isAllowedHost, isAllowedOrigin, TOKEN_COOKIE } from './auth';
import { DEFAULT_HOST, reachableUrls } from './exposure';
import { contentType, resolveStaticFile } from './static';

export interface WebServerOptions {
  core: SleeveCore;
  /** The built renderer (out/renderer). */
  staticDir: string;
  token: string;
  port: number;
  /** The address to listen on: 127.0.0.1 unless the user chose another (main.ts warns them). */
  host?: string;
  /** Folders the web UI may name besides the library's roots (--root). */
  roots?: readonly string[];
}

export interface WebServer {
  /** Where to open the UI, with the token. */
  url: string;
  /** Every address it answers at (for 0.0.0.0, each of this machine's), without the token. */
  urls: string[];
  port: number;
  close(): Promise<void>;
}

export const API_PATH = '/api';
/** Artwork from the cache: ART_PATH + 'thumb/<hash>' or 'image/<hash>'. */
export const ART_PATH = '/art/';
const MAX_MESSAGE_BYTES = 1024 * 1024;
/** The longest request target served (414 beyond); the UI's own are a few dozen characters. */
export const MAX_URL_LENGTH = 8 * 1024;
/** Request line and headers together (431 beyond). */
const MAX_HEADER_BYTES = 16 * 1024;
/** A client gets this long to send its headers, and the request as a whole (there is no body to wait for). */
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 20_000;

/**
 * The meta policy of src/renderer/index.html, less the desktop app's
 * sleeve-art: images, plus frame-ancestors (a header-only directive).
 * e2e/csp.spec.ts keeps the two alike and fails on any violation.
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-src 'none'",
  "worker-src 'none'",
  "frame-ancestors 'none'",
].join('; ');

function plain(res: http.ServerResponse, status: number, text: string, headers: http.OutgoingHttpHeaders = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
  res.end(`${text}\n`);
}

/**
 * What is refused before anything else is looked at, the token included:
 * only GET and HEAD are served, so a body is never read, and its sender is
 * told at once (with the connection closed, so the body is not drained).
 */
function refusedUpFront(req: http.IncomingMessage): [status: number, text: string] | null {
  if ((req.url ?? '').length > MAX_URL_LENGTH) return [414, 'The address is too long.'];
  const length = req.headers['content-length'];
  if ((length !== undefined && Number(length) !== 0) || req.headers['transfer-encoding'] !== undefined) {
    return [413, 'This server takes no request bodies.'];
  }
  return null;
}

/**
 * The local web UI: the renderer build and the Api over a WebSocket, on the
 * loopback interface unless told otherwise, behind a random access token,
 * with every path a client sends held to the library's roots.
 */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const { core, staticDir, token } = options;
  const host = options.host ?? DEFAULT_HOST;
  let port = options.port;
  // better-sqlite3 knows the file it opened; the cache lives beside it.
  const artDir = artworkCacheDir(core.db.name);
  const checkPaths = libraryPathPolicy(core.db, options.roots ?? []);

  const handle = (req: http.IncomingMessage, res: http.ServerResponse) => {
    try {
      serveRequest(req, res);
    } catch {
      // A request target no URL parser takes, say: the server itself carries on.
      if (res.headersSent) res.destroy();
      else plain(res, 400, 'Bad request.');
    }
  };
  const serveRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const refused = refusedUpFront(req);
    if (refused) return plain(res, refused[0], refused[1], { Connection: 'close' });
    if (!isAllowedHost(req.headers.host, port, host)) return plain(res, 403, 'Forbidden: unknown host name.');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
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
        // One leading slash: '//host' would send the browser to another site.
        Location: url.pathname.replace(/^\/+/, '/') + url.search,
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
    fs.createReadStream(file).on('error', () => res.destroy()).pipe(res);
  };

  const server = http.createServer(
    { maxHeaderSize: MAX_HEADER_BYTES, headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS },
    handle,
  );
  // Without this, Node answers 'Expect: 100-continue' itself and invites the body; here it gets its 413 first.
  server.on('checkContinue', handle);

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    const refuse = (status: number) => {
      socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    // The same order as a request: nothing, not even whether the path exists, is told before the token.
    const refused = refusedUpFront(req);
    if (refused) return refuse(refused[0]);
    if (!isAllowedHost(req.headers.host, port, host) || !isAllowedOrigin(req.headers.origin, port, host)) return refuse(403);
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://127.0.0.1');
    } catch {
      return refuse(400);
    }
    if (!authenticate(req, url, token)) return refuse(401);
    if (url.pathname !== API_PATH) return refuse(404);
    wss.handleUpgrade(req, socket, head, (ws) => serveSocket(ws, core, checkPaths));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const urls = reachableUrls(host, port);

  return {
    port,
    urls,
    url: `${urls[0]}?token=${token}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function serveSocket(ws: WebSocket, core: SleeveCore, checkPaths: ClientPathCheck): void {
  const send = (message: RpcServerMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  };
  const unsubscribe = core.api.subscribe((event: ApiEvent) => send(event));
  ws.on('close', unsubscribe);
  // A message over maxPayload or a broken frame: ws closes the socket itself (1009, 1002); unheard, the error would end the process.
  ws.on('error', () => undefined);
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
      // Every path a browser tab sends is held to the library's roots: the web shell is the one caller with a policy.
      const result = await core.api.call(request.method, request.args ?? [], { checkPaths });
      send({ id: request.id, result: result ?? null });
    } catch (err) {
      send({ id: request.id, error: { message: err instanceof Error ? err.message : String(err) } });
    }
  });
}

export function defaultStaticDir(): string {
  return path.join(packageRoot(), 'out/renderer');
}
