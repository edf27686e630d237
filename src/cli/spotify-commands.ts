import type { SpotifyConnectStart, SpotifyStatus } from '../shared/spotify-connect';
import { SPOTIFY_REDIRECT_URI_HINT } from '../shared/spotify-connect';
import type { Command } from './commands';
import { UsageError } from './usage-error';

const POLL_MS = 200;

function printStatus(status: SpotifyStatus, out: NodeJS.WritableStream): void {
  if (status.connected) out.write(`Spotify: connected${status.account ? ` as ${status.account}` : ''}.\n`);
  else if (status.clientIdSet) out.write("Spotify: not connected. Run 'npm run cli -- spotify connect' to sign in.\n");
  else {
    out.write(
      `Spotify: not connected, and no client ID yet. Create an app at https://developer.spotify.com/dashboard with the redirect URI ${SPOTIFY_REDIRECT_URI_HINT}, then run 'npm run cli -- spotify connect --client-id ID'.\n`,
    );
  }
  if (status.pending) out.write('A sign-in is waiting for the browser.\n');
  if (status.lastError) out.write(`Last attempt: ${status.lastError}\n`);
}

export const SPOTIFY_COMMANDS: Command[] = [
  {
    name: 'spotify',
    synopsis: 'spotify [status | connect [--client-id ID] | disconnect]',
    summary: 'Connect Sleeve to your Spotify account (you sign in in a browser), show whether it is connected, or disconnect.',
    options: { 'client-id': { type: 'string' } },
    async run(core, values, positionals, out) {
      const [action = 'status', ...rest] = positionals;
      if (rest.length > 0) throw new UsageError(`spotify ${action} takes no more arguments`);
      if (action !== 'connect' && values['client-id'] !== undefined) throw new UsageError('--client-id goes with spotify connect');
      const call = <T>(method: 'spotifyStatus' | 'connectSpotify' | 'cancelSpotifyConnect' | 'disconnectSpotify', args: unknown[] = []) =>
        core.api.call(method, args) as Promise<T>;

      if (action === 'status') {
        const status = await call<SpotifyStatus>('spotifyStatus');
        if (values.json) out.stdout.write(`${JSON.stringify(status)}\n`);
        else printStatus(status, out.stdout);
        return 0;
      }
      if (action === 'disconnect') {
        const status = await call<SpotifyStatus>('disconnectSpotify');
        out.stdout.write(values.json ? `${JSON.stringify(status)}\n` : 'Disconnected: Sleeve forgot its Spotify token. The client ID stays for the next connect.\n');
        return 0;
      }
      if (action !== 'connect') throw new UsageError(`Unknown action '${action}': use 'spotify', 'spotify connect [--client-id ID]' or 'spotify disconnect'`);

      const clientId = typeof values['client-id'] === 'string' ? values['client-id'] : undefined;
      const start = await call<SpotifyConnectStart>('connectSpotify', clientId === undefined ? [] : [clientId]);
      if (values.json) out.stdout.write(`${JSON.stringify({ authorizeUrl: start.authorizeUrl })}\n`);
      else out.stdout.write(`Open this address in your browser to let Sleeve use your Spotify account:\n\n  ${start.authorizeUrl}\n\n`);
      out.stderr.write('Waiting for Spotify… (Ctrl-C to stop)\n');

      let interrupted = false;
      const onSigint = () => {
        interrupted = true;
      };
      process.on('SIGINT', onSigint);
      let status: SpotifyStatus;
      try {
        for (;;) {
          if (interrupted) {
            await call('cancelSpotifyConnect');
            out.stderr.write('Stopped: Spotify is not connected.\n');
            return 130;
          }
          status = await call<SpotifyStatus>('spotifyStatus');
          if (!status.pending) break;
          await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        }
      } finally {
        process.off('SIGINT', onSigint);
      }
      const ok = status.connected && status.lastError === null;
      if (values.json) out.stdout.write(`${JSON.stringify(status)}\n`);
      if (!ok) {
        out.stderr.write(`${status.lastError ?? 'Spotify is not connected.'}\n`);
        return 1;
      }
      if (!values.json) out.stdout.write(`Connected.${status.account ? ` Sleeve acts as ${status.account} on Spotify.` : ''}\n`);
      return 0;
    },
  },
];
