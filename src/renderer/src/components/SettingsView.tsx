import { useEffect, useState, type FormEvent } from 'react';
import { formatBytes, formatRequestRate } from '../../../shared/format';
import type { SecretName, SourceSettingsChange, SourceSettingsView } from '../../../shared/network';
import { useSettingsStore } from '../stores/settings';
import { ErrorBanner } from './ErrorBanner';
import { SpotifySection } from './SpotifySection';

type Draft = { baseUrl: string; rate: string; concurrency: string };

const draftOf = (s: SourceSettingsView): Draft => ({ baseUrl: s.baseUrl, rate: String(s.rate), concurrency: String(s.concurrency) });

const plural = (n: number, word: string) => `${n.toLocaleString()} ${word}${n === 1 ? '' : 's'}`;

const ORIGIN_NOTE = { environment: 'set by the environment', 'command line': 'set on the command line' } as const;

function SourceRow({ source }: { source: SourceSettingsView }) {
  const { save, clearCache } = useSettingsStore((s) => s.actions);
  const [draft, setDraft] = useState<Draft>(() => draftOf(source));
  useEffect(() => setDraft(draftOf(source)), [source]);
  const dirty = draft.baseUrl !== source.baseUrl || draft.rate !== String(source.rate) || draft.concurrency !== String(source.concurrency);
  const locked = (field: keyof Draft) => source.origin[field] === 'environment' || source.origin[field] === 'command line';
  const hasSaved = (['baseUrl', 'rate', 'concurrency'] as const).some((f) => source.origin[f] === 'saved');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const change: SourceSettingsChange = {};
    if (draft.baseUrl !== source.baseUrl) change.baseUrl = draft.baseUrl;
    if (draft.rate !== String(source.rate)) change.rate = Number(draft.rate);
    if (draft.concurrency !== String(source.concurrency)) change.concurrency = Number(draft.concurrency);
    void save({ sources: { [source.source]: change } });
  };
  const reset = () => void save({ sources: { [source.source]: { baseUrl: null, rate: null, concurrency: null } } });
  const check = source.check;
  const rateHint =
    source.effectiveRate !== source.rate
      ? `${formatRequestRate(source.effectiveRate)} until you add a token`
      : source.adaptive
        ? 'slows down by itself when told to (429)'
        : '0 = no limit, for your own mirror';

  return (
    <form className="source" onSubmit={submit} aria-label={source.label}>
      <div className="source-head">
        <h3>{source.label}</h3>
        {check && (
          <span className={`check check-${check.outcome}`} title={new Date(check.at).toLocaleString()}>
            {check.outcome === 'ok' ? `Answered in ${check.latencyMs} ms` : check.message}
          </span>
        )}
      </div>
      <div className="source-fields">
        <label className="grow">
          Address
          <input
            value={draft.baseUrl}
            disabled={locked('baseUrl')}
            spellCheck={false}
            onChange={(e) => setDraft({ ...draft, baseUrl: e.target.value })}
          />
          <small>{locked('baseUrl') ? ORIGIN_NOTE[source.origin.baseUrl as keyof typeof ORIGIN_NOTE] : `default ${source.defaults.baseUrl}`}</small>
        </label>
        <label>
          Requests a second
          <input
            type="number"
            min={0}
            step="any"
            value={draft.rate}
            disabled={locked('rate')}
            onChange={(e) => setDraft({ ...draft, rate: e.target.value })}
          />
          <small>{locked('rate') ? ORIGIN_NOTE[source.origin.rate as keyof typeof ORIGIN_NOTE] : rateHint}</small>
        </label>
        <label>
          At once
          <input
            type="number"
            min={1}
            max={64}
            value={draft.concurrency}
            disabled={locked('concurrency')}
            onChange={(e) => setDraft({ ...draft, concurrency: e.target.value })}
          />
          <small>requests in flight</small>
        </label>
      </div>
      <div className="source-foot">
        <span className="muted">
          Cache: {plural(source.cache.entries, 'answer')}, {formatBytes(source.cache.bytes)}
          {source.cacheTtlDays > 0 ? `, kept ${plural(source.cacheTtlDays, 'day')}` : ', not cached'}
        </span>
        <button type="button" onClick={() => void clearCache(source.source)} disabled={source.cache.entries === 0}>
          Clear cache
        </button>
        <button type="button" onClick={reset} disabled={!hasSaved} title="Forget the values saved here">
          Use defaults
        </button>
        <button type="submit" className="primary" disabled={!dirty}>
          Save
        </button>
      </div>
    </form>
  );
}

function SecretRow({ name, label, set }: { name: SecretName; label: string; set: boolean }) {
  const { setSecret } = useSettingsStore((s) => s.actions);
  const [value, setValue] = useState('');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await setSecret(name, value)) setValue('');
  };
  return (
    <form className="secret" onSubmit={(e) => void submit(e)} aria-label={label}>
      <span className="secret-label">{label}</span>
      <span className={set ? 'secret-set' : 'muted'}>{set ? 'Set' : 'Not set'}</span>
      <input
        type="password"
        autoComplete="off"
        placeholder={set ? 'Enter a new value to replace it' : 'Paste it here'}
        value={value}
        onChange={(e) => setValue(e.target.value)}
        aria-label={`New ${label}`}
      />
      <button type="submit" className="primary" disabled={value.trim() === ''}>
        Save
      </button>
      <button type="button" disabled={!set} onClick={() => void setSecret(name, null)}>
        Remove
      </button>
    </form>
  );
}

function ContactForm({ contact, userAgent }: { contact: string; userAgent: string }) {
  const { save } = useSettingsStore((s) => s.actions);
  const [value, setValue] = useState(contact);
  useEffect(() => setValue(contact), [contact]);
  return (
    <form className="contact" onSubmit={(e) => (e.preventDefault(), void save({ contact: value }))} aria-label="Contact">
      <label className="grow">
        Contact sent to the services (MusicBrainz asks for one)
        <input value={value} onChange={(e) => setValue(e.target.value)} spellCheck={false} />
        <small>User-Agent: {userAgent}</small>
      </label>
      <button type="submit" className="primary" disabled={value === contact}>
        Save
      </button>
    </form>
  );
}

/** Settings: how Sleeve reaches each service, the keys it uses, and the answers it keeps. */
export function SettingsView() {
  const { view, error, checkJobId } = useSettingsStore();
  const actions = useSettingsStore((s) => s.actions);
  useEffect(() => void actions.load(), [actions]);

  return (
    <section className="panel settings" aria-labelledby="settings-heading">
      <header className="panel-head">
        <h1 id="settings-heading">Settings</h1>
        <div className="actions">
          <button type="button" onClick={() => void actions.clearCache()}>
            Clear all cached answers
          </button>
          <button type="button" className="primary" onClick={() => void actions.checkConnections()} disabled={checkJobId !== null}>
            {checkJobId !== null ? 'Checking…' : 'Check connections'}
          </button>
        </div>
      </header>
      {error && <ErrorBanner message={error} onDismiss={actions.dismissError} />}
      {!view ? (
        <p className="empty">Loading…</p>
      ) : (
        <>
          <h2>Services</h2>
          <p className="muted">
            Every job and every Sleeve process shares one limit per service, so two jobs at once never go faster than it allows.
          </p>
          <div className="sources">
            {view.sources.map((source) => (
              <SourceRow key={source.source} source={source} />
            ))}
          </div>
          <h2>Spotify</h2>
          <SpotifySection />
          <h2>Keys</h2>
          <p className="muted">Kept in {view.secretsLocation}. Sleeve never shows them again, and never writes them to a log.</p>
          <div className="secrets">
            {view.secrets.map((secret) => (
              <SecretRow key={secret.name} {...secret} />
            ))}
          </div>
          <h2>Identity</h2>
          <ContactForm contact={view.contact} userAgent={view.userAgent} />
        </>
      )}
    </section>
  );
}
