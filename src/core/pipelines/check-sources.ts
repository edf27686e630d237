import { z } from 'zod';
import { SOURCE_LABELS, type SourceCheck, type SourceName } from '../../shared/network';
import type { JobDefinition } from '../jobs/types';
import { networkParamsSchema } from '../net/config';
import { DeferredError, HttpStatusError, MalformedResponseError } from '../net/errors';
import { openJobNetwork, type Network } from '../net/network';
import type { Secrets } from '../net/secrets';
import { writeSourceCheck } from '../net/settings-view';
import { DiscogsClient } from '../sources/discogs';
import { SpotifyAccountsClient, SpotifyClient } from '../sources/spotify';
import { TheAudioDbClient } from '../sources/theaudiodb';

const CHECKED = ['musicbrainz', 'coverart', 'theaudiodb', 'discogs', 'spotify'] as const;
type Checked = (typeof CHECKED)[number];

const params = z.object({
  network: networkParamsSchema.optional(),
  sources: z.array(z.enum(CHECKED)).min(1).optional(),
});

/** MusicBrainz's 'Various Artists': an id every server, mirror or not, has. */
const VARIOUS_ARTISTS = '89ad4ac3-39f7-470e-963a-56509c546377';
/** A syntactically valid id no release has: any answer, even 404, proves the archive is there. */
const NO_SUCH_RELEASE = '00000000-0000-4000-8000-000000000000';

type Probe = (net: Network, secrets: Secrets, signal: AbortSignal) => Promise<string | { skipped: string }>;

const PROBES: Record<Checked, Probe> = {
  async musicbrainz(net, _secrets, signal) {
    const res = await net.http('musicbrainz').request({ path: `/ws/2/artist/${VARIOUS_ARTISTS}`, query: { fmt: 'json' } }, signal);
    if (res.status !== 200 && res.status !== 404) throw new HttpStatusError('musicbrainz', res.status, `answered ${res.status}`);
    return res.status === 200 ? 'answered a lookup' : 'answered, but has no Various Artists: is this a MusicBrainz server?';
  },
  async coverart(net, _secrets, signal) {
    const res = await net.http('coverart').request({ path: `/release/${NO_SUCH_RELEASE}` }, signal);
    if (res.status >= 500 || (res.status !== 404 && res.status !== 200 && res.status !== 400)) {
      throw new HttpStatusError('coverart', res.status, `answered ${res.status}`);
    }
    return 'answered';
  },
  async theaudiodb(net, secrets, signal) {
    const client = new TheAudioDbClient(net.http('theaudiodb'), secrets.theaudiodbKey);
    await client.artistByMbid(VARIOUS_ARTISTS, signal);
    return secrets.theaudiodbKey ? 'answered with your key' : 'answered with the free public key';
  },
  async discogs(net, secrets, signal) {
    const client = new DiscogsClient(net.http('discogs'), secrets.discogsToken ?? null);
    if (!client.hasToken) {
      await client.release(1, signal);
      return 'answered; without a token Discogs allows 25 requests a minute and no search';
    }
    await client.search({ q: 'Sleeve', type: 'release', perPage: 1 }, signal);
    return 'answered a search with your token';
  },
  async spotify(net, secrets, signal) {
    if (!secrets.spotifyClientId || !secrets.spotifyRefreshToken) return { skipped: 'not connected: connect Spotify to sync playlists' };
    const accounts = new SpotifyAccountsClient(net.http('spotifyAccounts'));
    const tokens = await accounts.refresh(secrets.spotifyRefreshToken, secrets.spotifyClientId, signal);
    const me = await new SpotifyClient(net.http('spotify'), { accessToken: async () => tokens.accessToken }).me(signal);
    return `signed in as ${me.displayName ?? me.id}`;
  },
};

/**
 * Asks each service one cheap question and records what happened, so the
 * Settings view can say whether a mirror URL or a key works before a long
 * job finds out.
 */
export const checkSourcesJob: JobDefinition<z.infer<typeof params>> = {
  kind: 'check-sources',
  title: 'Check connections',
  description: 'Asks each web service one question and shows whether it answers, with your settings and keys.',
  params,
  secrets: ['discogsToken', 'theaudiodbKey', 'spotifyClientId', 'spotifyRefreshToken'],
  async run(ctx) {
    const net = openJobNetwork(ctx);
    const sources = ctx.params.sources ?? CHECKED;
    ctx.progress.setTotal(sources.length);
    await Promise.all(
      sources.map(async (source: SourceName & Checked) => {
        const started = Date.now();
        let check: SourceCheck;
        try {
          const result = await PROBES[source](net, ctx.secrets, ctx.signal);
          check =
            typeof result === 'string'
              ? { at: Date.now(), outcome: 'ok', message: result, latencyMs: Date.now() - started }
              : { at: Date.now(), outcome: 'skipped', message: result.skipped, latencyMs: null };
        } catch (err) {
          if (ctx.signal.aborted) return;
          const outcome = err instanceof DeferredError ? 'deferred' : 'error';
          const known = err instanceof DeferredError || err instanceof HttpStatusError || err instanceof MalformedResponseError;
          check = { at: Date.now(), outcome, message: known ? (err as Error).message : `failed: ${String(err)}`, latencyMs: null };
        }
        writeSourceCheck(ctx.library(), source, check);
        ctx.progress.add(check.outcome === 'ok' ? 'reachable' : check.outcome === 'deferred' ? 'unreachable' : check.outcome === 'error' ? 'refused' : 'skipped');
        ctx.progress.advance();
        ctx.log.info(`${SOURCE_LABELS[source]}: ${check.outcome}, ${check.message}`);
      }),
    );
  },
};
