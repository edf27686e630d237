import { useEffect, useState, type FormEvent } from 'react';
import { SPOTIFY_REDIRECT_URI_HINT } from '../../../shared/spotify-connect';
import { useSpotifyStore } from '../stores/spotify';
import { ErrorBanner } from './ErrorBanner';

/** Settings → Spotify: the client ID of the user's Spotify app, and the browser sign-in that connects it. */
export function SpotifySection() {
  const { status, shell, authorizeUrl, starting, error } = useSpotifyStore();
  const actions = useSpotifyStore((s) => s.actions);
  const [clientId, setClientId] = useState('');
  useEffect(() => void actions.load(), [actions]);

  const pending = status?.pending ?? false;
  const connected = status?.connected ?? false;
  const canConnect = !starting && !pending && (clientId.trim() !== '' || (status?.clientIdSet ?? false));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!canConnect) return;
    void actions.connect(clientId).then(() => setClientId(''));
  };

  let state: string;
  if (!status) state = 'Loading…';
  else if (pending) state = 'Waiting for Spotify… Sign in in the browser tab that opened.';
  else if (connected) state = status.account ? `Connected as ${status.account}` : 'Connected';
  else if (status.lastError) state = status.lastError;
  else state = 'Not connected';

  return (
    <form className="source spotify-connect" onSubmit={submit} aria-label="Spotify connection">
      <div className="source-head">
        <h3>Spotify account</h3>
        <span
          className={`check ${connected && !pending ? 'check-ok' : status?.lastError && !pending ? 'check-error' : 'check-skipped'}`}
          role="status"
        >
          {state}
        </span>
      </div>
      {error && <ErrorBanner message={error} onDismiss={actions.dismissError} />}
      <p className="muted">
        Sleeve signs in through your own Spotify app: create one at developer.spotify.com/dashboard with the redirect URI{' '}
        <code>{SPOTIFY_REDIRECT_URI_HINT}</code> (any port), and paste its client ID here.
        {shell === 'web' && ' Sign in from a browser on the machine that runs Sleeve: Spotify sends the browser back to it.'}
      </p>
      <div className="source-fields">
        <label className="grow">
          Client ID
          <input
            value={clientId}
            spellCheck={false}
            autoComplete="off"
            disabled={pending}
            placeholder={status?.clientIdSet ? 'Saved; enter another to replace it' : 'The client ID of your Spotify app'}
            onChange={(e) => setClientId(e.target.value)}
          />
          <small>{status?.clientIdSet ? 'A client ID is saved' : 'Not set yet'}</small>
        </label>
      </div>
      {pending && authorizeUrl && (
        <p className="muted">
          No tab opened?{' '}
          <a href={authorizeUrl} target="_blank" rel="noreferrer">
            Open the Spotify sign-in page
          </a>{' '}
          or copy this address into a browser on this machine: <code style={{ wordBreak: 'break-all', userSelect: 'all' }}>{authorizeUrl}</code>
        </p>
      )}
      <div className="source-foot">
        <span className="muted">Sleeve keeps the token with your other keys, never in the library or a log.</span>
        {pending ? (
          <button type="button" onClick={() => void actions.cancel()}>
            Cancel
          </button>
        ) : (
          <button type="submit" className="primary" disabled={!canConnect}>
            {starting ? 'Starting…' : connected ? 'Reconnect' : 'Connect Spotify'}
          </button>
        )}
        <button type="button" disabled={!connected || pending} onClick={() => void actions.disconnect()}>
          Disconnect
        </button>
      </div>
    </form>
  );
}
