/** The web services Sleeve talks to. */
export const SOURCE_NAMES = ['musicbrainz', 'coverart', 'theaudiodb', 'discogs', 'spotify', 'spotifyAccounts'] as const;
export type SourceName = (typeof SOURCE_NAMES)[number];

export const SOURCE_LABELS: Record<SourceName, string> = {
  musicbrainz: 'MusicBrainz',
  coverart: 'Cover Art Archive',
  theaudiodb: 'TheAudioDB',
  discogs: 'Discogs',
  spotify: 'Spotify',
  spotifyAccounts: 'Spotify accounts',
};

/** Keys and tokens a job may need. Their values never reach the renderer, a log or the job history. */
export const SECRET_NAMES = ['discogsToken', 'theaudiodbKey', 'spotifyClientId', 'spotifyRefreshToken'] as const;
export type SecretName = (typeof SECRET_NAMES)[number];

export const SECRET_LABELS: Record<SecretName, string> = {
  discogsToken: 'Discogs personal access token',
  theaudiodbKey: 'TheAudioDB API key',
  spotifyClientId: 'Spotify client ID',
  spotifyRefreshToken: 'Spotify refresh token',
};

export type SettingOrigin = 'default' | 'saved' | 'environment' | 'command line';

export interface SourceSettingsView {
  source: SourceName;
  label: string;
  baseUrl: string;
  /** Requests a second; 0 = no limit. */
  rate: number;
  /** The rate the gate applies (Discogs without a token is slower). */
  effectiveRate: number;
  concurrency: number;
  adaptive: boolean;
  cacheTtlDays: number;
  origin: Record<'baseUrl' | 'rate' | 'concurrency', SettingOrigin>;
  defaults: { baseUrl: string; rate: number; concurrency: number };
  cache: { entries: number; bytes: number };
  /** The last connection check, if any. */
  check: SourceCheck | null;
}

export interface SourceCheck {
  at: number;
  /** ok: it answered; deferred: unreachable or rate-limited now; error: it answered but refused (a bad key); skipped: nothing to check with. */
  outcome: 'ok' | 'deferred' | 'error' | 'skipped';
  message: string;
  latencyMs: number | null;
}

export interface NetworkSettingsView {
  sources: SourceSettingsView[];
  secrets: Array<{ name: SecretName; label: string; set: boolean }>;
  /** Where the keys are kept, in words. */
  secretsLocation: string;
  userAgent: string;
  contact: string;
}

export interface SourceSettingsChange {
  /** null puts the field back to its default. */
  baseUrl?: string | null;
  rate?: number | null;
  concurrency?: number | null;
}

export interface NetworkSettingsChange {
  sources?: Partial<Record<SourceName, SourceSettingsChange>>;
  contact?: string | null;
}
