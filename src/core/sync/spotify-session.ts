import type { Network } from '../net/network';
import type { Secrets } from '../net/secrets';
import { SpotifyAccountsClient, SpotifyClient } from '../sources/spotify';
import type { SecretName } from '../../shared/network';

export class SpotifyNotConnectedError extends Error {
  constructor() {
    super('Spotify is not connected: connect it in Settings (or run `npm run cli -- spotify connect`) before syncing to Spotify.');
    this.name = 'SpotifyNotConnectedError';
  }
}

// Refresh a minute early: a token that expires between the check and the request costs a 401.
const EARLY_MS = 60_000;

/**
 * A Web API client whose access token comes from the stored refresh token,
 * refreshed once for every request in flight when it nears expiry. When
 * Spotify rotates the refresh token, the new one is kept at once: the old
 * one no longer works.
 */
export function spotifySession(
  net: Network,
  secrets: Secrets,
  saveSecret: (name: SecretName, value: string) => void,
  signal?: AbortSignal,
): SpotifyClient {
  const clientId = secrets.spotifyClientId;
  let refreshToken = secrets.spotifyRefreshToken;
  if (!clientId || !refreshToken) throw new SpotifyNotConnectedError();
  const accounts = new SpotifyAccountsClient(net.http('spotifyAccounts'));
  let current: { token: string; expiresAt: number } | null = null;
  let pending: Promise<string> | null = null;
  const accessToken = async (): Promise<string> => {
    if (current && current.expiresAt - EARLY_MS > Date.now()) return current.token;
    pending ??= accounts
      .refresh(refreshToken!, clientId, signal)
      .then((tokens) => {
        if (tokens.refreshToken && tokens.refreshToken !== refreshToken) {
          refreshToken = tokens.refreshToken;
          saveSecret('spotifyRefreshToken', tokens.refreshToken);
        }
        current = { token: tokens.accessToken, expiresAt: Date.now() + tokens.expiresIn * 1000 };
        return tokens.accessToken;
      })
      .finally(() => {
        pending = null;
      });
    return pending;
  };
  return new SpotifyClient(net.http('spotify'), { accessToken });
}
