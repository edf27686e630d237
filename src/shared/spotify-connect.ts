/** Whether Sleeve can act as the user's Spotify account, as the Settings view and the CLI show it. */
export interface SpotifyStatus {
  /** A refresh token is stored. */
  connected: boolean;
  /** The client ID of the user's Spotify app is stored. */
  clientIdSet: boolean;
  /** Who signed in, when Sleeve could tell at connect time. */
  account: string | null;
  /** A sign-in is waiting for the browser to come back. */
  pending: boolean;
  /** Why the last sign-in failed; null after a success, a cancel, or before any. */
  lastError: string | null;
}

/** What connectSpotify answers at once; the sign-in finishes in the background. */
export interface SpotifyConnectStart {
  /** The Spotify page to open in a browser on this machine. */
  authorizeUrl: string;
  /** The shell opened it already (the desktop app); otherwise the page or the user opens it. */
  opened: boolean;
}

/** The redirect URI to register in the Spotify app (any port: Spotify accepts loopback URIs on any port). */
export const SPOTIFY_REDIRECT_URI_HINT = 'http://127.0.0.1/callback';
