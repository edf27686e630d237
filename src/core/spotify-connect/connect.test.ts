import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSourceHttp } from '../net/http';
import type { SourceName } from '../net/types';
import { SpotifyAccountsClient, SpotifyClient } from '../sources/spotify';
import { generateCatalog } from '../testing/fakes';
import { startSpotify, type SpotifyFakes } from '../testing/fakes/spotify';
import { SpotifyConnectError, startSpotifyConnect, type SpotifyConnect } from './connect';

let fakes: SpotifyFakes;
const started: SpotifyConnect[] = [];

beforeAll(async () => {
  fakes = await startSpotify(generateCatalog({ seed: 7, artists: 2 }), { seed: 7 });
});
afterAll(async () => {
  await fakes.api.close();
  await fakes.accounts.close();
});
afterEach(() => {
  for (const flow of started.splice(0)) flow.cancel();
  fakes.state.settings.denyAuthorization = false;
});

const http = (source: SourceName, baseUrl: string) =>
  createSourceHttp({
    source,
    baseUrl,
    userAgent: 'Sleeve/test ( https://example.org )',
    gate: null,
    policy: { rate: 0 },
    concurrency: 2,
    cache: null,
    cacheTtlMs: 0,
    timeoutMs: 5000,
    retry: { retries: 0, baseDelayMs: 10, maxDelayMs: 10, maxRetryAfterMs: 100 },
  });

async function start(options: { timeoutMs?: number; signal?: AbortSignal; whoAmI?: boolean } = {}): Promise<SpotifyConnect> {
  const flow = await startSpotifyConnect({
    clientId: fakes.state.settings.clientId,
    accounts: new SpotifyAccountsClient(http('spotifyAccounts', fakes.accounts.url)),
    timeoutMs: options.timeoutMs,
    signal: options.signal,
    whoAmI: options.whoAmI
      ? async (token, signal) => (await new SpotifyClient(http('spotify', fakes.api.url), { accessToken: async () => token }).me(signal)).displayName
      : undefined,
  });
  started.push(flow);
  return flow;
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected the connection to fail');
    },
    (err: unknown) => err as SpotifyConnectError,
  );

describe('startSpotifyConnect', () => {
  it('asks with PKCE S256 and a loopback redirect, trades the code and tells the browser it is done', async () => {
    const flow = await start({ whoAmI: true });
    const url = new URL(flow.authorizeUrl);
    expect(url.origin).toBe(fakes.accounts.url);
    expect(url.pathname).toBe('/authorize');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{16,}$/);
    expect(url.searchParams.get('redirect_uri')).toBe(flow.redirectUri);
    expect(flow.redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);

    // The fake signs in at once and redirects to the callback; fetch follows it.
    const page = await fetch(flow.authorizeUrl);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('Sleeve is connected to Spotify. You can close this tab.');
    const result = await flow.done;
    expect(fakes.state.refreshTokens.has(result.refreshToken)).toBe(true);
    expect(result.scope.split(' ')).toContain('playlist-modify-private');
    expect(result.userHint).toBe('Fake User');

    // One-shot: the server is gone.
    await expect(fetch(flow.redirectUri)).rejects.toThrow();
  });

  it('fails clearly when the user declines, and says so in the browser', async () => {
    fakes.state.settings.denyAuthorization = true;
    const flow = await start();
    const page = await fetch(flow.authorizeUrl);
    expect(page.status).toBe(400);
    expect(await page.text()).toContain('Spotify sign-in was declined');
    const err = await failure(flow.done);
    expect(err).toBeInstanceOf(SpotifyConnectError);
    expect(err.reason).toBe('declined');
    expect(err.message).toBe('Spotify sign-in was declined.');
  });

  it('answers a callback of another sign-in with 400 and anything else with 404, and keeps waiting', async () => {
    const flow = await start();
    const stranger = await fetch(`${flow.redirectUri}?code=not-ours&state=someone-else`);
    expect(stranger.status).toBe(400);
    expect(await stranger.text()).toContain('does not belong to the Spotify sign-in');
    const noState = await fetch(`${flow.redirectUri}?error=access_denied`);
    expect(noState.status).toBe(400);
    const origin = new URL(flow.redirectUri).origin;
    expect((await fetch(`${origin}/`)).status).toBe(404);
    expect((await fetch(`${origin}/callback/../other`)).status).toBe(404);
    expect((await fetch(flow.redirectUri, { method: 'POST', body: 'x' })).status).toBe(404);

    const page = await fetch(flow.authorizeUrl);
    expect(page.status).toBe(200);
    await expect(flow.done).resolves.toMatchObject({ refreshToken: expect.any(String) });
  });

  it('fails with the service\'s reason when the code is refused, without repeating the code', async () => {
    const flow = await start();
    const state = new URL(flow.authorizeUrl).searchParams.get('state')!;
    const page = await fetch(`${flow.redirectUri}?code=forged-code-123&state=${state}`);
    expect(page.status).toBe(502);
    const err = await failure(flow.done);
    expect(err.reason).toBe('exchange');
    expect(err.message).toMatch(/could not finish the Spotify sign-in.*invalid_grant/);
    expect(err.message).not.toContain('forged-code-123');
    expect(await page.text()).not.toContain('forged-code-123');
  });

  it('times out with a clear message, and stops on cancel or abort', async () => {
    const slow = await start({ timeoutMs: 30 });
    const timedOut = await failure(slow.done);
    expect(timedOut.reason).toBe('timeout');
    expect(timedOut.message).toMatch(/^Spotify sign-in timed out/);
    await expect(fetch(slow.redirectUri)).rejects.toThrow();

    const cancelled = await start();
    cancelled.cancel();
    expect((await failure(cancelled.done)).reason).toBe('cancelled');

    const controller = new AbortController();
    const aborted = await start({ signal: controller.signal });
    controller.abort();
    expect((await failure(aborted.done)).reason).toBe('cancelled');
  });
});
