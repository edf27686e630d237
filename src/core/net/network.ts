import type { Library } from '../db/library';
import { readSetting } from '../db/settings';
import type { JobContext } from '../jobs/types';
import { SLEEVE_VERSION } from '../version';
import { ResponseCache } from './cache';
import {
  effectiveRate,
  readSavedSourceSettings,
  resolveSourceSettings,
  sourceSettingsFromEnv,
  type NetworkParams,
  type ResolvedSource,
} from './config';
import { RateGate } from './gate';
import { createSourceHttp, type NetCounter } from './http';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry';
import type { Secrets } from './secrets';
import type { SourceHttp, SourceName } from './types';

/** MusicBrainz asks every client for a way to reach its author: https://musicbrainz.org/doc/MusicBrainz_API/Rate_Limiting */
export const DEFAULT_CONTACT = 'https://github.com/sleeve-music/sleeve';
export const CONTACT_SETTING = 'contact';

export function userAgent(db: Library): string {
  const contact = readSetting<string>(db, CONTACT_SETTING)?.trim() || DEFAULT_CONTACT;
  return `Sleeve/${SLEEVE_VERSION} ( ${contact} )`;
}

/**
 * Operational knobs read from the environment, for a slow mirror on a NAS
 * (a longer timeout) and for tests that cannot wait seconds per retry.
 */
function tuningFromEnv(env: NodeJS.ProcessEnv): { timeoutMs?: number; retry: RetryPolicy } {
  const number = (name: string) => {
    const value = Number(env[name]);
    return env[name] !== undefined && Number.isFinite(value) && value >= 0 ? value : undefined;
  };
  const retry = { ...DEFAULT_RETRY_POLICY };
  const base = number('SLEEVE_HTTP_RETRY_BASE_MS');
  if (base !== undefined) {
    retry.baseDelayMs = base;
    retry.maxDelayMs = Math.max(base, Math.min(retry.maxDelayMs, base * 16));
  }
  const retries = number('SLEEVE_HTTP_RETRIES');
  if (retries !== undefined) retry.retries = Math.floor(retries);
  return { timeoutMs: number('SLEEVE_HTTP_TIMEOUT_MS'), retry };
}

export interface Network {
  settings: Record<SourceName, ResolvedSource>;
  http(source: SourceName): SourceHttp;
  cache: ResponseCache;
  gate: RateGate;
}

export interface OpenNetworkOptions {
  db: Library;
  params?: NetworkParams;
  secrets?: Secrets;
  count?: (counter: NetCounter, by?: number) => void;
  env?: NodeJS.ProcessEnv;
  fetch?: typeof fetch;
}

/**
 * Everything a job needs to talk to the services, from one library
 * connection: settings resolved (command line, environment, saved,
 * defaults), one client per source sharing the database gate and cache.
 */
export function openNetwork(options: OpenNetworkOptions): Network {
  const env = options.env ?? process.env;
  const settings = resolveSourceSettings(readSavedSourceSettings(options.db), sourceSettingsFromEnv(env), options.params?.sources);
  const gate = new RateGate(options.db);
  const cache = new ResponseCache(options.db);
  const tuning = tuningFromEnv(env);
  const agent = userAgent(options.db);
  const secrets = Object.values(options.secrets ?? {}).filter((s): s is string => typeof s === 'string');
  const clients = new Map<SourceName, SourceHttp>();
  return {
    settings,
    cache,
    gate,
    http(source) {
      let client = clients.get(source);
      if (!client) {
        const s = settings[source];
        client = createSourceHttp({
          source,
          baseUrl: s.baseUrl,
          userAgent: agent,
          gate,
          policy: { rate: effectiveRate(source, s, Boolean(options.secrets?.discogsToken)), adaptive: s.adaptive },
          concurrency: s.concurrency,
          cache,
          cacheTtlMs: s.cacheTtlMs,
          bypassCache: options.params?.noCache,
          timeoutMs: tuning.timeoutMs,
          retry: tuning.retry,
          secrets,
          count: options.count,
          fetch: options.fetch,
        });
        clients.set(source, client);
      }
      return client;
    },
  };
}

/** A job's network: counters go to its progress, secrets are the ones it was handed. */
export function openJobNetwork(ctx: JobContext<{ network?: NetworkParams }>): Network {
  return openNetwork({
    db: ctx.library(),
    params: ctx.params.network,
    secrets: ctx.secrets,
    count: (counter, by = 1) => ctx.progress.add(counter, by),
  });
}
