import type { SpotifyConnectStart, SpotifyStatus } from '../../shared/spotify-connect';
import type { Library } from '../db/library';
import { readSetting, writeSetting } from '../db/settings';
import { readSavedSourceSettings, resolveSourceSettings, sourceSettingsFromEnv } from '../net/config';
import { openNetwork } from '../net/network';
import type { SecretStore } from '../net/secrets';
import { SpotifyAccountsClient, SpotifyClient } from '../sources/spotify';
import { SpotifyConnectError, startSpotifyConnect, type SpotifyConnect } from './connect';

/** Who signed in, kept beside the library (a name is not a secret). */
export const SPOTIFY_ACCOUNT_SETTING = 'spotifyAccount';

/** A request the user can fix (no place for keys, no client ID). */
export class SpotifyConnectSetupError extends Error {}

/** Where the accounts service is, as every Sleeve process resolves it: environment over saved setting over default. */
export function spotifyAccountsBaseUrl(db: Library, env: NodeJS.ProcessEnv = process.env): string {
  return resolveSourceSettings(readSavedSourceSettings(db), sourceSettingsFromEnv(env)).spotifyAccounts.baseUrl;
}

const CLIENT_ID = /^[A-Za-z0-9._-]{1,200}$/;

export interface SpotifyConnectorOptions {
  db: Library;
  secrets: SecretStore | undefined;
  /** Opens the authorize URL in the user's browser (the desktop app). */
  openExternal?: (url: string) => Promise<void>;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

interface Flow {
  connect: SpotifyConnect;
  /** Settles when the outcome is stored (never rejects). */
  finished: Promise<void>;
}

/**
 * The one sign-in a Sleeve process may have waiting, and what came of the
 * last one. Connecting stores the refresh token (and the client ID) in the
 * shell's secret store; the renderer only ever sees whether they are set.
 */
export class SpotifyConnector {
  private flow: Flow | null = null;
  private lastError: string | null = null;

  constructor(private readonly options: SpotifyConnectorOptions) {}

  status(): SpotifyStatus {
    const secrets = this.options.secrets?.all() ?? {};
    const connected = Boolean(secrets.spotifyRefreshToken);
    return {
      connected,
      clientIdSet: Boolean(secrets.spotifyClientId),
      account: connected ? (readSetting<string>(this.options.db, SPOTIFY_ACCOUNT_SETTING) ?? null) : null,
      pending: this.flow !== null,
      lastError: this.lastError,
    };
  }

  /**
   * Starts a sign-in (a waiting one is dropped for it) and answers with the
   * URL at once; the outcome lands in status(). Given a client ID, stores it.
   */
  async connect(clientId?: string): Promise<SpotifyConnectStart> {
    const store = this.options.secrets;
    if (!store) throw new SpotifyConnectSetupError('This Sleeve has no place to keep the Spotify token.');
    const given = clientId?.trim();
    if (given !== undefined && given !== '' && !CLIENT_ID.test(given)) {
      throw new SpotifyConnectSetupError('That does not look like a Spotify client ID: copy it from your app in the Spotify developer dashboard.');
    }
    const id = given || store.get('spotifyClientId');
    if (!id) {
      throw new SpotifyConnectSetupError(
        'Enter the client ID of your Spotify app first (create one at https://developer.spotify.com/dashboard with the redirect URI http://127.0.0.1/callback).',
      );
    }
    if (given) store.set('spotifyClientId', given);
    this.dropFlow();
    this.lastError = null;

    const net = openNetwork({ db: this.options.db, secrets: store.all(), env: this.options.env });
    const connect = await startSpotifyConnect({
      clientId: id,
      accounts: new SpotifyAccountsClient(net.http('spotifyAccounts')),
      timeoutMs: this.options.timeoutMs,
      whoAmI: async (accessToken, signal) => {
        const me = await new SpotifyClient(net.http('spotify'), { accessToken: async () => accessToken }).me(signal);
        return me.displayName ?? me.id;
      },
    });
    const flow: Flow = {
      connect,
      finished: connect.done.then(
        (result) => {
          if (this.flow !== flow) return;
          this.flow = null;
          try {
            store.set('spotifyClientId', id);
            store.set('spotifyRefreshToken', result.refreshToken);
            writeSetting(this.options.db, SPOTIFY_ACCOUNT_SETTING, result.userHint ?? null);
            this.lastError = null;
          } catch (err) {
            this.lastError = `Sleeve signed in to Spotify but could not keep the token: ${(err as Error).message}`;
          }
        },
        (err: unknown) => {
          if (this.flow !== flow) return;
          this.flow = null;
          // Cancelling is the user's own choice, not a failure to show.
          const cancelled = err instanceof SpotifyConnectError && err.reason === 'cancelled';
          this.lastError = cancelled ? null : err instanceof Error ? err.message : String(err);
        },
      ),
    };
    this.flow = flow;

    let opened = false;
    if (this.options.openExternal) {
      try {
        await this.options.openExternal(connect.authorizeUrl);
        opened = true;
      } catch {
        // The page shows the address to open by hand.
      }
    }
    return { authorizeUrl: connect.authorizeUrl, opened };
  }

  /** Stops waiting for the browser. */
  cancel(): SpotifyStatus {
    this.dropFlow();
    this.lastError = null;
    return this.status();
  }

  /** Forgets the refresh token (the client ID stays, for the next connect). */
  disconnect(): SpotifyStatus {
    if (!this.options.secrets) throw new SpotifyConnectSetupError('This Sleeve has no place to keep the Spotify token.');
    this.dropFlow();
    this.lastError = null;
    this.options.secrets.set('spotifyRefreshToken', null);
    this.options.db.prepare('DELETE FROM settings WHERE key = ?').run(SPOTIFY_ACCOUNT_SETTING);
    return this.status();
  }

  /** Closes a waiting sign-in's server (the app is closing). */
  close(): void {
    this.dropFlow();
  }

  private dropFlow(): void {
    const flow = this.flow;
    this.flow = null;
    flow?.connect.cancel();
  }
}
