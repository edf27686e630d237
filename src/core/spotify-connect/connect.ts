/**
 * Connecting Sleeve to a Spotify account: OAuth 2 Authorization Code with
 * PKCE (S256) and a loopback redirect, as Spotify asks of desktop apps.
 *
 * A one-shot HTTP server listens on 127.0.0.1 at a port the system picks;
 * the user opens the authorize URL in a browser, Spotify sends the browser
 * back to http://127.0.0.1:<port>/callback with a code, Sleeve trades the
 * code (and the PKCE verifier) for tokens and closes the server. Neither the
 * code nor a token is ever logged or put in an error message.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  codeChallengeS256,
  createCodeVerifier,
  createState,
  loopbackRedirectUri,
  SPOTIFY_SCOPES,
  type SpotifyAccountsClient,
} from '../sources/spotify';

export const SPOTIFY_CONNECT_TIMEOUT_MS = 5 * 60_000;

export type SpotifyConnectFailure = 'declined' | 'refused' | 'exchange' | 'timeout' | 'cancelled';

/** Why a connection did not happen, in words fit to show the user. */
export class SpotifyConnectError extends Error {
  constructor(
    readonly reason: SpotifyConnectFailure,
    message: string,
  ) {
    super(message);
    this.name = 'SpotifyConnectError';
  }
}

export interface SpotifyConnectResult {
  refreshToken: string;
  /** The scopes Spotify granted, space-separated. */
  scope: string;
  /** Who signed in (a display name or user id), when whoAmI could tell. */
  userHint?: string;
}

export interface SpotifyConnectOptions {
  /** The client ID of the user's Spotify app. */
  clientId: string;
  accounts: SpotifyAccountsClient;
  /** Cancels the flow like cancel(). */
  signal?: AbortSignal;
  /** How long to wait for the browser; 5 minutes by default. */
  timeoutMs?: number;
  scopes?: readonly string[];
  /** Names the account that signed in (optional; a failure here does not fail the connection). */
  whoAmI?: (accessToken: string, signal: AbortSignal) => Promise<string | null>;
}

export interface SpotifyConnect {
  /** Open this in a browser. */
  authorizeUrl: string;
  /** http://127.0.0.1:<port>/callback */
  redirectUri: string;
  /** Settles once: the tokens, or a SpotifyConnectError. The server is closed either way. */
  done: Promise<SpotifyConnectResult>;
  /** Stops waiting: done rejects with reason 'cancelled' (a no-op once settled). */
  cancel(): void;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function page(title: string, message: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:34em;margin:4em auto;padding:0 1em;color:#222}h1{font-size:1.3em}</style>
</head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></body></html>
`;
}

function minutes(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} minute${ms === 60_000 ? '' : 's'}`;
  return `${Math.max(1, Math.round(ms / 1000))} seconds`;
}

/**
 * Starts the sign-in: resolves once the loopback server listens, with the
 * URL to open. `done` settles when the browser comes back (or on timeout,
 * cancel or abort).
 */
export async function startSpotifyConnect(options: SpotifyConnectOptions): Promise<SpotifyConnect> {
  const timeoutMs = options.timeoutMs ?? SPOTIFY_CONNECT_TIMEOUT_MS;
  if (options.signal?.aborted) throw new SpotifyConnectError('cancelled', 'Connecting Spotify was cancelled.');
  const verifier = createCodeVerifier();
  const state = createState();
  const abort = new AbortController();
  let settled = false;
  // Once a callback with the right state arrived, later ones are told it is taken.
  let claimed = false;
  let resolveDone!: (result: SpotifyConnectResult) => void;
  let rejectDone!: (error: Error) => void;
  const done = new Promise<SpotifyConnectResult>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  // A caller that only awaits done later must not see an unhandled rejection in between.
  done.catch(() => undefined);

  const server = http.createServer();
  let timer: NodeJS.Timeout | null = null;
  const onAbort = () => fail(new SpotifyConnectError('cancelled', 'Connecting Spotify was cancelled.'));

  const shutdown = () => {
    if (timer) clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    abort.abort();
    server.close();
    // A browser keeps its connection open; the page was sent with Connection: close, so nothing is lost.
    server.closeIdleConnections();
    setImmediate(() => server.closeAllConnections());
  };
  function succeed(result: SpotifyConnectResult) {
    if (settled) return;
    settled = true;
    shutdown();
    resolveDone(result);
  }
  function fail(error: SpotifyConnectError) {
    if (settled) return;
    settled = true;
    shutdown();
    rejectDone(error);
  }

  const send = (res: http.ServerResponse, status: number, title: string, message: string) => {
    const body = page(title, message);
    res.writeHead(status, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
      'Cache-Control': 'no-store',
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
      // The callback URL holds the code: never send it on as a referrer.
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
      Connection: 'close',
    });
    return new Promise<void>((resolve) => res.end(body, () => resolve()));
  };

  let redirectUri = '';

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://127.0.0.1');
    } catch {
      return send(res, 400, 'Bad request', 'Sleeve could not read this address.');
    }
    if (req.method !== 'GET' || url.pathname !== '/callback') {
      return send(res, 404, 'Not found', 'Sleeve only waits here for Spotify to send you back.');
    }
    const q = url.searchParams;
    if (q.get('state') !== state) {
      // Not the sign-in this window started (an old tab, or another page): ignore it and keep waiting.
      return send(
        res,
        400,
        'This sign-in does not match',
        'This page does not belong to the Spotify sign-in Sleeve is waiting for. Close it and use the address Sleeve showed you last.',
      );
    }
    if (settled || claimed) {
      return send(res, 409, 'Already handled', 'Sleeve has already handled this sign-in. You can close this tab.');
    }
    claimed = true;
    const error = q.get('error');
    if (error) {
      const failure =
        error === 'access_denied'
          ? new SpotifyConnectError('declined', 'Spotify sign-in was declined.')
          : new SpotifyConnectError(
              'refused',
              `Spotify refused the sign-in: ${error}${q.get('error_description') ? ` (${q.get('error_description')})` : ''}.`,
            );
      await send(res, 400, 'Sleeve is not connected to Spotify', `${failure.message} You can close this tab and try again from Sleeve.`);
      return fail(failure);
    }
    const code = q.get('code');
    if (!code) {
      const failure = new SpotifyConnectError('refused', 'Spotify sent the browser back without a sign-in code.');
      await send(res, 400, 'Sleeve is not connected to Spotify', `${failure.message} You can close this tab and try again from Sleeve.`);
      return fail(failure);
    }
    let result: SpotifyConnectResult;
    try {
      const tokens = await options.accounts.exchangeCode(code, verifier, redirectUri, options.clientId, abort.signal);
      if (!tokens.refreshToken) throw new Error('Spotify sent no refresh token.');
      result = { refreshToken: tokens.refreshToken, scope: tokens.scope };
      if (options.whoAmI) {
        try {
          const who = await options.whoAmI(tokens.accessToken, abort.signal);
          if (who) result.userHint = who;
        } catch {
          // The name is a nicety; the connection stands without it.
        }
      }
    } catch (err) {
      if (settled) return send(res, 410, 'Cancelled', 'Sleeve stopped waiting for this sign-in. You can close this tab.');
      const failure = new SpotifyConnectError('exchange', `Sleeve could not finish the Spotify sign-in: ${(err as Error).message}`);
      await send(res, 502, 'Sleeve is not connected to Spotify', `${failure.message} You can close this tab and try again from Sleeve.`);
      return fail(failure);
    }
    if (settled) return send(res, 410, 'Cancelled', 'Sleeve stopped waiting for this sign-in. You can close this tab.');
    await send(res, 200, 'Connected', 'Sleeve is connected to Spotify. You can close this tab.');
    succeed(result);
  };

  server.on('request', (req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { Connection: 'close' });
      res.end();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  redirectUri = loopbackRedirectUri((server.address() as AddressInfo).port);
  const authorizeUrl = options.accounts.authorizeUrl({
    clientId: options.clientId,
    redirectUri,
    codeChallenge: codeChallengeS256(verifier),
    state,
    scopes: options.scopes ?? SPOTIFY_SCOPES,
  });

  timer = setTimeout(
    () =>
      fail(
        new SpotifyConnectError(
          'timeout',
          `Spotify sign-in timed out: no answer from the browser within ${minutes(timeoutMs)}. Start again when you are ready.`,
        ),
      ),
    timeoutMs,
  );
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort();

  return { authorizeUrl, redirectUri, done, cancel: onAbort };
}
