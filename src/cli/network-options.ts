import type { ParseArgsConfig } from 'node:util';
import { SOURCE_NAMES, type SourceName } from '../shared/network';
import { flagName, parseSourceValue, SETTING_FIELDS, SourceSettingError, type SourceOverrides } from '../core/net/config';
import type { NetworkParams } from '../core/net/config';

type Options = NonNullable<ParseArgsConfig['options']>;
type Values = Record<string, string | boolean | undefined>;

/**
 * Flags every command that talks to the services takes: --musicbrainz-url,
 * --musicbrainz-rate, --musicbrainz-concurrency, the same for coverart,
 * theaudiodb, discogs, spotify-api and spotify-accounts, and --no-cache.
 * They change one run only; `sources set` saves.
 */
export const NETWORK_OPTIONS: Options = {
  ...Object.fromEntries(
    SOURCE_NAMES.flatMap((source) => SETTING_FIELDS.map((field) => [flagName(source, field), { type: 'string' as const }])),
  ),
  'no-cache': { type: 'boolean', default: false },
};

export const NETWORK_USAGE = [
  'Options for commands that use the network:',
  '  --musicbrainz-url URL      a MusicBrainz server, e.g. your mirror (without /ws/2); also SLEEVE_MUSICBRAINZ_URL',
  '  --musicbrainz-rate N       requests a second (0: no limit, for your own mirror); also SLEEVE_MUSICBRAINZ_RATE',
  '  --musicbrainz-concurrency N  requests at once',
  '  --coverart-url, --theaudiodb-url, --discogs-url, --spotify-api-url, --spotify-accounts-url URL',
  '                             the other services, with -rate and -concurrency too; SLEEVE_COVERART_URL and so on',
  '  --no-cache                 ask the services again instead of using answers cached in the library',
].join('\n');

export class NetworkOptionError extends Error {}

export function networkParamsFromFlags(values: Values): NetworkParams {
  const sources: SourceOverrides = {};
  for (const source of SOURCE_NAMES) {
    for (const field of SETTING_FIELDS) {
      const raw = values[flagName(source, field)];
      if (typeof raw !== 'string') continue;
      try {
        sources[source as SourceName] = { ...sources[source], ...parseSourceValue(source, field, raw, `--${flagName(source, field)}`) };
      } catch (err) {
        if (err instanceof SourceSettingError) throw new NetworkOptionError(err.message);
        throw err;
      }
    }
  }
  const params: NetworkParams = {};
  if (Object.keys(sources).length > 0) params.sources = sources;
  if (values['no-cache']) params.noCache = true;
  return params;
}
