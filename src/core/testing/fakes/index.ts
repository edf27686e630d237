/**
 * All fake services over one catalog, for tests and benchmarks (never
 * shipped): startFakes() starts MusicBrainz, the Cover Art Archive,
 * TheAudioDB, Discogs and Spotify (Web API and accounts) on 127.0.0.1.
 */
import type { SourceName } from '../../net/types';
import { generateCatalog, type Catalog, type CatalogOptions } from './catalog';
import { startCoverArt } from './coverart';
import { startDiscogs } from './discogs';
import { startMusicBrainz } from './musicbrainz';
import type { FakeServer, Latency } from './server';
import { startSpotify, type SpotifySettings, type SpotifyState } from './spotify';
import { startTheAudioDb } from './theaudiodb';

export interface StartFakesOptions {
  seed?: number | string;
  /** Serve this catalog instead of generating one from the seed. */
  catalog?: Catalog;
  /** Sizes and rates of the generated catalog. */
  catalogOptions?: Omit<CatalogOptions, 'seed'>;
  /** Answer over-limit requests with each service's rate-limit error; default: only count violations. */
  enforceRateLimits?: boolean;
  latencyMs?: Latency;
  spotify?: Partial<SpotifySettings>;
  /** Discogs tokens accepted; default: any. */
  discogsTokens?: string[];
}

export type SpotifyFake = FakeServer & { state: SpotifyState };

export interface Fakes {
  seed: number | string;
  catalog: Catalog;
  musicbrainz: FakeServer;
  coverart: FakeServer;
  theaudiodb: FakeServer;
  discogs: FakeServer;
  spotify: SpotifyFake;
  spotifyAccounts: SpotifyFake;
  /** Base URLs keyed like the network layer's sources. */
  urls: Record<SourceName, string>;
  resetStats(): void;
  close(): Promise<void>;
}

export async function startFakes(options: StartFakesOptions = {}): Promise<Fakes> {
  const seed = options.seed ?? 1;
  const catalog = options.catalog ?? generateCatalog({ ...options.catalogOptions, seed });
  const started: FakeServer[] = [];
  const keep = <T extends FakeServer>(server: T): T => {
    started.push(server);
    return server;
  };
  try {
    const musicbrainz = keep(await startMusicBrainz(catalog, { seed }));
    const coverart = keep(await startCoverArt(catalog, { seed }));
    const theaudiodb = keep(await startTheAudioDb(catalog, { seed }));
    const discogs = keep(await startDiscogs(catalog, { seed, tokens: options.discogsTokens }));
    const sp = await startSpotify(catalog, { seed, settings: options.spotify });
    const spotify = keep(Object.assign(sp.api, { state: sp.state }));
    const spotifyAccounts = keep(Object.assign(sp.accounts, { state: sp.state }));
    for (const server of started) {
      if (options.latencyMs !== undefined) server.switches.latencyMs = options.latencyMs;
      if (options.enforceRateLimits && server.switches.rateLimit) server.switches.rateLimit.reject = true;
    }
    return {
      seed,
      catalog,
      musicbrainz,
      coverart,
      theaudiodb,
      discogs,
      spotify,
      spotifyAccounts,
      urls: {
        musicbrainz: musicbrainz.url,
        coverart: coverart.url,
        theaudiodb: theaudiodb.url,
        discogs: discogs.url,
        spotify: spotify.url,
        spotifyAccounts: spotifyAccounts.url,
      },
      resetStats: () => started.forEach((s) => s.stats.reset()),
      close: async () => {
        await Promise.all(started.map((s) => s.close()));
      },
    };
  } catch (error) {
    await Promise.all(started.map((s) => s.close()));
    throw error;
  }
}

/**
 * Environment for a Sleeve process (a CLI, a server, a job worker) that
 * sends every service to these fakes, unthrottled (rate 0, as a mirror),
 * with quick retries so a test that makes a service fail does not wait.
 */
export function fakeServiceEnv(urls: Record<SourceName, string>): Record<string, string> {
  return {
    SLEEVE_MUSICBRAINZ_URL: urls.musicbrainz,
    SLEEVE_MUSICBRAINZ_RATE: '0',
    SLEEVE_COVERART_URL: urls.coverart,
    SLEEVE_COVERART_RATE: '0',
    SLEEVE_THEAUDIODB_URL: urls.theaudiodb,
    SLEEVE_THEAUDIODB_RATE: '0',
    SLEEVE_DISCOGS_URL: urls.discogs,
    SLEEVE_DISCOGS_RATE: '0',
    SLEEVE_SPOTIFY_API_URL: urls.spotify,
    SLEEVE_SPOTIFY_ACCOUNTS_URL: urls.spotifyAccounts,
    SLEEVE_HTTP_RETRIES: '1',
    SLEEVE_HTTP_RETRY_BASE_MS: '20',
  };
}

export { generateCatalog, Catalog } from './catalog';
export type * from './catalog';
export { startFakeServer, start, FakeStats, json, text, MUSICBRAINZ_RATE_LIMIT_BODY } from './server';
export type * from './server';
export { SpotifyState, SPOTIFY_SCOPES, s256 } from './spotify';
export type { Playlist, PlaylistEntry, SpotifySettings, SpotifyUser } from './spotify';
