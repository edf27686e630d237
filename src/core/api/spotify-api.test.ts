import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SpotifyConnectStart, SpotifyStatus } from '../../shared/spotify-connect';
import { openSleeveCore, type SleeveCore } from '../app';
import { NodeWorkerHost, nodeWorkerEntry } from '../jobs/node-host';
import { FileSecretStore } from '../net/secrets';
import type { ShellHooks } from './service';
import { startFakes, type Fakes } from '../testing/fakes';

let fakes: Fakes;
let dir: string;
let secretsFile: string;
let core: SleeveCore;

beforeAll(async () => {
  fakes = await startFakes({ seed: 11, catalogOptions: { artists: 2 } });
});
afterAll(() => fakes.close());

async function open(hooks: ShellHooks = {}): Promise<SleeveCore> {
  const opened = openSleeveCore({
    libraryPath: path.join(dir, 'library.sqlite'),
    host: new NodeWorkerHost(),
    workerEntry: nodeWorkerEntry(),
    shell: 'web',
    enrichAfterScan: false,
    hooks: { secrets: new FileSecretStore(secretsFile), ...hooks },
  });
  // Point Sleeve at the fakes the way a user points it at a mirror: saved settings.
  await opened.api.call('saveNetworkSettings', [
    { sources: { spotify: { baseUrl: fakes.urls.spotify, rate: 0 }, spotifyAccounts: { baseUrl: fakes.urls.spotifyAccounts, rate: 0 } } },
  ]);
  return opened;
}

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-spotify-api-'));
  secretsFile = path.join(dir, 'secrets.json');
  core = await open();
});
afterEach(async () => {
  await core.close();
  fakes.spotifyAccounts.state.settings.denyAuthorization = false;
  fs.rmSync(dir, { recursive: true, force: true });
});

const status = async (c = core) => (await c.api.call('spotifyStatus', [])) as SpotifyStatus;
const storedSecrets = () => JSON.parse(fs.readFileSync(secretsFile, 'utf8')) as Record<string, string>;
const clientId = () => fakes.spotifyAccounts.state.settings.clientId;

/** The sign-in finishes in the background, as the Settings view sees it: poll until it is no longer waiting. */
async function settled(c = core): Promise<SpotifyStatus> {
  for (let i = 0; i < 500; i++) {
    const now = await status(c);
    if (!now.pending) return now;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('The Spotify sign-in is still waiting');
}

describe('connecting Spotify through the Api', () => {
  it('connects against the fake: stores the client ID and refresh token, shows the account, and disconnects', async () => {
    expect(await status()).toEqual({ connected: false, clientIdSet: false, account: null, pending: false, lastError: null });

    const start = (await core.api.call('connectSpotify', [clientId()])) as SpotifyConnectStart;
    expect(start.opened).toBe(false);
    expect(start.authorizeUrl.startsWith(`${fakes.urls.spotifyAccounts}/authorize?`)).toBe(true);
    expect(await status()).toMatchObject({ pending: true, clientIdSet: true, connected: false });

    // The browser: the fake signs in at once and sends it back to the loopback callback.
    const page = await fetch(start.authorizeUrl);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Sleeve is connected to Spotify');

    expect(await settled()).toEqual({ connected: true, clientIdSet: true, account: 'Fake User', pending: false, lastError: null });
    const saved = storedSecrets();
    expect(saved.spotifyClientId).toBe(clientId());
    expect(fakes.spotifyAccounts.state.refreshTokens.has(saved.spotifyRefreshToken!)).toBe(true);
    // The renderer only ever learns that the token is set.
    expect(JSON.stringify(await core.api.call('networkSettings', []))).not.toContain(saved.spotifyRefreshToken);

    expect(await core.api.call('disconnectSpotify', [])).toMatchObject({ connected: false, clientIdSet: true, account: null });
    expect(storedSecrets().spotifyRefreshToken).toBeUndefined();
    expect(storedSecrets().spotifyClientId).toBe(clientId());
  });

  it('reports a declined sign-in and stays disconnected', async () => {
    fakes.spotifyAccounts.state.settings.denyAuthorization = true;
    // A client ID stored earlier is used when none is given (null, as a WebSocket client sends it).
    await core.api.call('setSecret', ['spotifyClientId', clientId()]);
    const start = (await core.api.call('connectSpotify', [null])) as SpotifyConnectStart;
    const page = await fetch(start.authorizeUrl);
    expect(page.status).toBe(400);
    expect(await settled()).toMatchObject({ connected: false, pending: false, lastError: 'Spotify sign-in was declined.' });
    expect(storedSecrets().spotifyRefreshToken).toBeUndefined();
  });

  it('ignores a callback with the wrong state, keeps waiting, and cancels cleanly', async () => {
    const start = (await core.api.call('connectSpotify', [clientId()])) as SpotifyConnectStart;
    const redirectUri = new URL(start.authorizeUrl).searchParams.get('redirect_uri')!;
    const forged = await fetch(`${redirectUri}?code=forged&state=not-the-one`);
    expect(forged.status).toBe(400);
    expect(await status()).toMatchObject({ pending: true, connected: false, lastError: null });

    expect(await core.api.call('cancelSpotifyConnect', [])).toMatchObject({ pending: false, connected: false, lastError: null });
    await expect(fetch(redirectUri)).rejects.toThrow();
  });

  it('asks for a client ID first, refuses a malformed one, and needs a place for the token', async () => {
    await expect(core.api.call('connectSpotify', [])).rejects.toThrow(/client ID of your Spotify app/);
    await expect(core.api.call('connectSpotify', ['has spaces in it'])).rejects.toThrow(/does not look like a Spotify client ID/);
    await expect(core.api.call('connectSpotify', [42])).rejects.toThrow(/Invalid arguments/);
    const bare = openSleeveCore({ libraryPath: path.join(dir, 'bare.sqlite'), host: new NodeWorkerHost(), workerEntry: nodeWorkerEntry(), shell: 'web' });
    try {
      await expect(bare.api.call('connectSpotify', ['abc'])).rejects.toThrow(/no place to keep/);
      expect(await status(bare)).toMatchObject({ connected: false, clientIdSet: false });
    } finally {
      await bare.close();
    }
  });

  it('lets the shell open the page itself (the desktop app) and says so', async () => {
    await core.close();
    const openedUrls: string[] = [];
    // Stands in for shell.openExternal: the "browser" follows the page to the callback.
    core = await open({ openExternal: async (url) => void openedUrls.push(url) });
    const start = (await core.api.call('connectSpotify', [clientId()])) as SpotifyConnectStart;
    expect(start.opened).toBe(true);
    expect(openedUrls).toEqual([start.authorizeUrl]);
    await fetch(openedUrls[0]!);
    expect(await settled()).toMatchObject({ connected: true, lastError: null });
  });
});
