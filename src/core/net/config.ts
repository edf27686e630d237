import { z } from 'zod';
import type { Library } from '../db/library';
import { readSetting, writeSetting } from '../db/settings';
import { SOURCE_LABELS } from './errors';
import type { SettingOrigin } from '../../shared/network';
import { SOURCE_NAMES, type SourceName } from './types';

/** How Sleeve talks to one service. */
export interface SourceSettings {
  baseUrl: string;
  /** Requests a second, shared by every job and process; 0 = no limit (a self-hosted mirror). */
  rate: number;
  /** Requests in flight at once from one job. */
  concurrency: number;
}

export type SourceOverrides = Partial<Record<SourceName, Partial<SourceSettings>>>;

export interface SourceDefaults extends SourceSettings {
  /** How long an answer stays in the response cache. */
  cacheTtlMs: number;
  /** Widen the spacing on 429 instead of trusting a fixed rate. */
  adaptive: boolean;
}

const DAY = 24 * 60 * 60 * 1000;

export const SOURCE_DEFAULTS: Record<SourceName, SourceDefaults> = {
  // https://musicbrainz.org/doc/MusicBrainz_API/Rate_Limiting: one request a second per client.
  musicbrainz: { baseUrl: 'https://musicbrainz.org', rate: 1, concurrency: 4, cacheTtlMs: 30 * DAY, adaptive: false },
  // The archive asks for no fixed rate; a few a second is courteous to a donation-funded service.
  coverart: { baseUrl: 'https://coverartarchive.org', rate: 4, concurrency: 4, cacheTtlMs: 30 * DAY, adaptive: false },
  // 30 requests a minute on the free key.
  theaudiodb: { baseUrl: 'https://www.theaudiodb.com', rate: 0.5, concurrency: 2, cacheTtlMs: 30 * DAY, adaptive: false },
  // 60 a minute with a token; without one the limit is 25 (see effectiveRate).
  discogs: { baseUrl: 'https://api.discogs.com', rate: 1, concurrency: 2, cacheTtlMs: 30 * DAY, adaptive: false },
  // Spotify publishes no number: start brisk and back off on every 429.
  spotify: { baseUrl: 'https://api.spotify.com', rate: 10, concurrency: 5, cacheTtlMs: 1 * DAY, adaptive: true },
  spotifyAccounts: { baseUrl: 'https://accounts.spotify.com', rate: 1, concurrency: 1, cacheTtlMs: 0, adaptive: false },
};

/** Discogs allows 25 requests a minute to unauthenticated clients. */
export const DISCOGS_ANONYMOUS_RATE = 25 / 60;

/**
 * Command-line flag and environment variable stem per source:
 * --musicbrainz-url / SLEEVE_MUSICBRAINZ_URL, --spotify-api-rate / SLEEVE_SPOTIFY_API_RATE...
 */
export const SOURCE_FLAG_STEMS: Record<SourceName, string> = {
  musicbrainz: 'musicbrainz',
  coverart: 'coverart',
  theaudiodb: 'theaudiodb',
  discogs: 'discogs',
  spotify: 'spotify-api',
  spotifyAccounts: 'spotify-accounts',
};

export const SETTING_FIELDS = ['url', 'rate', 'concurrency'] as const;
type SettingField = (typeof SETTING_FIELDS)[number];

export function envName(source: SourceName, field: SettingField): string {
  return `SLEEVE_${SOURCE_FLAG_STEMS[source].toUpperCase().replace(/-/g, '_')}_${field.toUpperCase()}`;
}

export function flagName(source: SourceName, field: SettingField): string {
  return `${SOURCE_FLAG_STEMS[source]}-${field}`;
}

export class SourceSettingError extends Error {}

/**
 * Checks and normalises one value from a flag, a variable or the Settings
 * view. A MusicBrainz URL given with /ws/2 has it dropped, since the base
 * is the server, not the API path.
 */
export function parseSourceValue(source: SourceName, field: SettingField, raw: string, where: string): Partial<SourceSettings> {
  const label = SOURCE_LABELS[source];
  if (field === 'url') {
    let url: URL;
    try {
      url = new URL(raw.trim());
    } catch {
      throw new SourceSettingError(`${where}: '${raw}' is not a URL. Give ${label}'s address, like ${SOURCE_DEFAULTS[source].baseUrl}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new SourceSettingError(`${where}: ${label}'s address must start with http:// or https://`);
    }
    if (url.search || url.hash) throw new SourceSettingError(`${where}: ${label}'s address takes no ?query or #fragment`);
    let path = url.pathname.replace(/\/+$/, '');
    if (source === 'musicbrainz') path = path.replace(/\/ws\/2$/, '');
    return { baseUrl: `${url.origin}${path}` };
  }
  const n = Number(raw);
  if (field === 'rate') {
    if (raw.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1000) {
      throw new SourceSettingError(`${where}: the rate is requests a second, from 0 (no limit, for your own mirror) to 1000; got '${raw}'`);
    }
    return { rate: n };
  }
  if (!Number.isInteger(n) || n < 1 || n > 64) {
    throw new SourceSettingError(`${where}: concurrency is a whole number from 1 to 64; got '${raw}'`);
  }
  return { concurrency: n };
}

const storedSchema = z.record(
  z.string(),
  z.object({ baseUrl: z.string().optional(), rate: z.number().optional(), concurrency: z.number().optional() }).partial(),
);

const SETTINGS_KEY = 'sources';

/** What the user saved in Settings (checked again on read: the file may be old or edited). */
export function readSavedSourceSettings(db: Library): SourceOverrides {
  const parsed = storedSchema.safeParse(readSetting(db, SETTINGS_KEY) ?? {});
  if (!parsed.success) return {};
  const out: SourceOverrides = {};
  for (const source of SOURCE_NAMES) {
    const saved = parsed.data[source];
    if (!saved) continue;
    const clean: Partial<SourceSettings> = {};
    try {
      if (saved.baseUrl !== undefined) Object.assign(clean, parseSourceValue(source, 'url', saved.baseUrl, 'saved settings'));
      if (saved.rate !== undefined) Object.assign(clean, parseSourceValue(source, 'rate', String(saved.rate), 'saved settings'));
      if (saved.concurrency !== undefined) {
        Object.assign(clean, parseSourceValue(source, 'concurrency', String(saved.concurrency), 'saved settings'));
      }
    } catch {
      continue;
    }
    out[source] = clean;
  }
  return out;
}

/** Saves the user's changes; a field set to null goes back to its default. */
export function saveSourceSettings(
  db: Library,
  changes: Partial<Record<SourceName, { baseUrl?: string | null; rate?: number | null; concurrency?: number | null }>>,
): void {
  const saved = readSavedSourceSettings(db);
  for (const source of SOURCE_NAMES) {
    const change = changes[source];
    if (!change) continue;
    const next: Partial<SourceSettings> = { ...saved[source] };
    const where = `${SOURCE_LABELS[source]} settings`;
    if (change.baseUrl === null) delete next.baseUrl;
    else if (change.baseUrl !== undefined) Object.assign(next, parseSourceValue(source, 'url', change.baseUrl, where));
    if (change.rate === null) delete next.rate;
    else if (change.rate !== undefined) Object.assign(next, parseSourceValue(source, 'rate', String(change.rate), where));
    if (change.concurrency === null) delete next.concurrency;
    else if (change.concurrency !== undefined) {
      Object.assign(next, parseSourceValue(source, 'concurrency', String(change.concurrency), where));
    }
    saved[source] = next;
  }
  writeSetting(db, SETTINGS_KEY, saved);
}

/** SLEEVE_* variables; a bad value is an error that names the variable, not a silent default. */
export function sourceSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): SourceOverrides {
  const out: SourceOverrides = {};
  for (const source of SOURCE_NAMES) {
    for (const field of SETTING_FIELDS) {
      const raw = env[envName(source, field)];
      if (raw === undefined || raw === '') continue;
      out[source] = { ...out[source], ...parseSourceValue(source, field, raw, envName(source, field)) };
    }
  }
  return out;
}


export interface ResolvedSource extends SourceDefaults {
  origin: Record<keyof SourceSettings, SettingOrigin>;
}

/**
 * The settings a job uses: the command line over the environment over what
 * was saved over the defaults.
 */
export function resolveSourceSettings(
  saved: SourceOverrides,
  env: SourceOverrides,
  commandLine: SourceOverrides = {},
): Record<SourceName, ResolvedSource> {
  const out = {} as Record<SourceName, ResolvedSource>;
  for (const source of SOURCE_NAMES) {
    const resolved: ResolvedSource = {
      ...SOURCE_DEFAULTS[source],
      origin: { baseUrl: 'default', rate: 'default', concurrency: 'default' },
    };
    const layers: Array<[SettingOrigin, Partial<SourceSettings> | undefined]> = [
      ['saved', saved[source]],
      ['environment', env[source]],
      ['command line', commandLine[source]],
    ];
    for (const [origin, layer] of layers) {
      for (const field of ['baseUrl', 'rate', 'concurrency'] as const) {
        const value = layer?.[field];
        if (value === undefined) continue;
        (resolved as unknown as Record<string, unknown>)[field] = value;
        resolved.origin[field] = origin;
      }
    }
    out[source] = resolved;
  }
  return out;
}

/** The rate the gate enforces: Discogs without a token gets its lower limit. */
export function effectiveRate(source: SourceName, settings: SourceSettings, hasDiscogsToken: boolean): number {
  if (source === 'discogs' && !hasDiscogsToken && settings.rate > 0) return Math.min(settings.rate, DISCOGS_ANONYMOUS_RATE);
  return settings.rate;
}

/** Overrides as job parameters: what a CLI flag changes for one run. */
export const sourceOverridesSchema = z.partialRecord(
  z.enum(SOURCE_NAMES),
  z.object({
    baseUrl: z.url().optional(),
    rate: z.number().min(0).max(1000).optional(),
    concurrency: z.number().int().min(1).max(64).optional(),
  }),
);

/** The part of a network job's parameters that says how to reach the services. */
export const networkParamsSchema = z.object({
  sources: sourceOverridesSchema.optional(),
  /** Ask the services again instead of using cached answers. */
  noCache: z.boolean().optional(),
});
export type NetworkParams = z.infer<typeof networkParamsSchema>;
