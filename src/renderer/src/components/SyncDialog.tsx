import { useEffect, useMemo, useRef, useState } from 'react';
import { formatCount, formatDuration } from '../../../shared/format';
import { isFinished } from '../../../shared/jobs';
import { countPlan, SYNC_ACTIONS, type SyncAction, type SyncPlan, type SyncPlanItem } from '../../../shared/sync';
import { shortcut } from '../keys';
import { useJobsStore } from '../stores/jobs';
import { usePlaylistsStore } from '../stores/playlists';
import { useSyncActions, useSyncStore } from '../stores/sync';
import { ActiveJob } from './ActiveJob';

const TABS: ReadonlyArray<{ action: SyncAction; label: string }> = [
  { action: 'add', label: 'To add' },
  { action: 'remove', label: 'To remove' },
  { action: 'update', label: 'To update' },
  { action: 'review', label: 'Needs review' },
  { action: 'unmatched', label: 'Unmatched' },
  { action: 'unchanged', label: 'Unchanged' },
];
const SPOTIFY_COUNTERS = ['tracks', 'matched', 'review', 'notFound', 'deferred', 'added', 'removed', 'requests'] as const;
const FOLDER_COUNTERS = ['tracks', 'copied', 'unchanged', 'removed', 'notFound', 'gained'] as const;
const LABELS = { notFound: 'not found', gained: 'ReplayGain' };
/** A long plan shows its first rows; the counts above it are complete. */
const SHOWN_ROWS = 500;

const REASON: Record<string, string> = {
  id: 'named in the playlist',
  isrc: 'same ISRC',
  exact: 'exact',
  fuzzy: 'close match',
  manual: 'your choice',
  review: 'needs review',
  notFound: 'not found',
  deferred: 'Spotify did not answer; next sync tries again',
};

function reasonText(item: SyncPlanItem): string {
  const base = item.reason ? (REASON[item.reason] ?? item.reason) : '';
  return item.score !== null && (item.reason === 'fuzzy' || item.reason === 'review' || item.reason === 'notFound') ? `${base} ${Math.round(item.score * 100)}%` : base;
}

/** Playlists → Sync…: choose playlists and a target, preview the plan, settle what needs review, apply. */
export function SyncDialog() {
  const s = useSyncStore();
  const actions = useSyncActions();
  const playlists = usePlaylistsStore((p) => p.playlists) ?? [];
  const job = useJobsStore((j) => (s.jobId === null ? null : (j.byId[s.jobId] ?? null)));
  const dialogRef = useRef<HTMLDivElement>(null);
  const [tab, setTab] = useState<SyncAction>('add');

  useEffect(() => {
    if (job && isFinished(job.state)) void actions.finished(job);
  }, [job?.state, job?.id]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    if (!s.open) return;
    dialogRef.current?.focus();
    // Escape closes it wherever focus went (a button that became disabled leaves it on the page).
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      e.preventDefault();
      actions.close();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [s.open, actions]);

  const totals = useMemo(() => {
    const sum = countPlan([]);
    for (const plan of s.plans) for (const a of SYNC_ACTIONS) sum[a] += plan.counts[a];
    return sum;
  }, [s.plans]);

  if (!s.open) return null;
  const running = s.phase === 'planning' || s.phase === 'applying';
  const spotify = s.targetKind === 'spotify';
  const spotifyBlocked = spotify && s.options !== null && !s.options.spotifyConnected;
  const rg = s.options?.replayGain;
  const nothingToDo = s.phase === 'planned' && totals.add === 0 && totals.remove === 0 && totals.update === 0;

  const toggle = (id: number) => actions.set({ playlistIds: s.playlistIds.includes(id) ? s.playlistIds.filter((p) => p !== id) : [...s.playlistIds, id] });

  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && actions.close()}>
      <div
        ref={dialogRef}
        className="dialog sync-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="sync-heading"
        tabIndex={-1}
      >
        <header className="dialog-head">
          <div className="dialog-title">
            <h2 id="sync-heading">Sync Playlists</h2>
            <span className="muted">Nothing changes until you apply the plan.</span>
          </div>
          <span className="spacer" />
          <button type="button" className="icon" aria-label="Close" onClick={actions.close}>
            ✕
          </button>
        </header>

        <div className="sync-body">
          <fieldset className="sync-choose" disabled={running}>
            <legend>Playlists</legend>
            {playlists.length === 0 && <p className="muted">No playlists yet: import one, or make one in the Playlists view.</p>}
            <ul className="sync-playlists">
              {playlists.map((p) => (
                <li key={p.id}>
                  <label>
                    <input type="checkbox" checked={s.playlistIds.includes(p.id)} onChange={() => toggle(p.id)} /> {p.name}{' '}
                    <span className="muted">({formatCount(p.entryCount)})</span>
                  </label>
                </li>
              ))}
            </ul>
          </fieldset>

          <fieldset className="sync-choose" disabled={running}>
            <legend>Target</legend>
            <label>
              <input type="radio" name="sync-target" checked={spotify} onChange={() => actions.set({ targetKind: 'spotify' })} /> Spotify
            </label>
            {spotifyBlocked && (
              <p className="muted sync-note">
                Spotify is not connected. <a href="#settings" onClick={actions.close}>Connect it in Settings</a> first.
              </p>
            )}
            {spotify && (
              <label className="sync-option">
                <input type="checkbox" checked={s.mirror} onChange={(e) => actions.set({ mirror: e.target.checked })} /> Mirror: also remove tracks
                added on Spotify by hand
              </label>
            )}
            <label>
              <input type="radio" name="sync-target" checked={!spotify} onChange={() => actions.set({ targetKind: 'folder' })} /> A folder (phone, USB
              player, NAS)
            </label>
            {!spotify && (
              <>
                <div className="sync-folder">
                  <input
                    type="text"
                    aria-label="Target folder"
                    placeholder="/media/phone/Music"
                    value={s.folder}
                    onChange={(e) => actions.set({ folder: e.target.value })}
                  />
                  <button type="button" onClick={() => void actions.chooseFolder()}>
                    Choose…
                  </button>
                </div>
                <label className="sync-option" title={rg && !rg.available ? rg.reason : undefined}>
                  <input
                    type="checkbox"
                    disabled={!rg?.available}
                    checked={s.replayGain && Boolean(rg?.available)}
                    onChange={(e) => actions.set({ replayGain: e.target.checked })}
                  />{' '}
                  Normalise loudness (ReplayGain 2.0 tags on the copies)
                </label>
                {rg && !rg.available && <p className="muted sync-note">{rg.reason}</p>}
              </>
            )}
            <label className="sync-option">
              {spotify ? 'Searches' : 'Copies'} at once{' '}
              <input
                type="number"
                min={1}
                max={16}
                className="sync-workers"
                value={s.workers ?? (spotify ? s.options?.defaultWorkers.spotify : s.options?.defaultWorkers.folder) ?? ''}
                onChange={(e) => actions.set({ workers: e.target.value === '' ? null : Math.max(1, Math.min(16, Number(e.target.value))) })}
              />
            </label>
          </fieldset>
        </div>

        {s.error && (
          <p className="sync-error" role="alert">
            {s.error}
          </p>
        )}
        {job && running && (
          <ActiveJob
            job={job}
            label={s.phase === 'planning' ? 'Planning the sync' : 'Applying the sync'}
            runningText={s.phase === 'planning' ? 'Matching…' : 'Syncing…'}
            counters={spotify ? SPOTIFY_COUNTERS : FOLDER_COUNTERS}
            extraCounters={['failed']}
            labels={LABELS}
            cancelLabel="Cancel sync"
          />
        )}

        {s.plans.length > 0 && (s.phase === 'planned' || s.phase === 'applied') && (
          <section className="sync-plan" aria-label="Sync plan">
            <p className="sync-summary" data-testid="sync-summary">
              {s.phase === 'applied' && job ? (
                appliedSummary(job.counters, spotify, totals)
              ) : (
                <>
                  Plan: {formatCount(totals.add)} to add, {formatCount(totals.remove)} to remove, {formatCount(totals.unchanged)} unchanged,{' '}
                  {formatCount(totals.unmatched)} unmatched, {formatCount(totals.review)} to review
                  {totals.update > 0 && `, ${formatCount(totals.update)} to update`}
                  {nothingToDo && ' — already in sync, nothing to write'}
                </>
              )}
            </p>
            <div className="tabs" role="tablist">
              {/* Spotify has no update: an order already there is left as it is. */}
              {TABS.filter((t) => t.action !== 'update' || !spotify).map((t) => (
                <button key={t.action} type="button" role="tab" aria-selected={tab === t.action} onClick={() => setTab(t.action)}>
                  {t.label} ({formatCount(totals[t.action])})
                </button>
              ))}
            </div>
            {tab === 'review' && s.review.length > 0 ? (
              <ReviewList />
            ) : (
              <PlanList plans={s.plans} action={tab} />
            )}
          </section>
        )}

        <footer className="dialog-foot">
          <span className="muted">Playlists → Sync… ({shortcut('Shift+S')})</span>
          <span className="spacer" />
          {running ? (
            <button type="button" onClick={() => void actions.cancel()}>
              Cancel
            </button>
          ) : (
            <>
              <button type="button" onClick={() => void actions.preview()} disabled={spotifyBlocked || s.playlistIds.length === 0}>
                {s.phase === 'planned' || s.phase === 'applied' ? 'Preview Again' : 'Preview'}
              </button>
              <button
                type="button"
                className="primary"
                onClick={() => void actions.apply()}
                disabled={s.phase !== 'planned' || nothingToDo}
                title={s.phase !== 'planned' ? 'Preview first: the plan shows what will change.' : undefined}
              >
                Apply
              </button>
            </>
          )}
        </footer>
      </div>
    </div>
  );
}

/** What the run did, from its counters: the plan said what it would, a copy or a request can still fail. */
function appliedSummary(counters: Record<string, number>, spotify: boolean, totals: Record<SyncAction, number>): string {
  const n = (name: string) => formatCount(counters[name] ?? 0);
  const done = spotify ? `${n('added')} added` : `${n('copied')} copied`;
  const failed = (counters.failed ?? 0) > 0 ? `, ${n('failed')} failed (the job's log in the Jobs panel says why)` : '';
  return `Synced: ${done}, ${n('removed')} removed, ${formatCount(totals.unchanged)} unchanged, ${formatCount(totals.unmatched)} unmatched, ${formatCount(totals.review)} to review${failed}`;
}

function PlanList({ plans, action }: { plans: SyncPlan[]; action: SyncAction }) {
  const rows = plans.flatMap((p) => p.items.filter((i) => i.action === action).map((item) => ({ plan: p, item })));
  if (rows.length === 0) return <p className="muted sync-empty">Nothing here.</p>;
  return (
    <ol className="sync-items" data-action={action}>
      {rows.slice(0, SHOWN_ROWS).map(({ plan, item }, i) => (
        <li key={`${plan.playlistId}-${i}`}>
          <span className="sync-item-name">{[item.artist, item.title].filter(Boolean).join(' – ') || item.item}</span>
          {plans.length > 1 && <span className="muted">{plan.playlistName}</span>}
          <span className="muted sync-item-reason">{reasonText(item)}</span>
        </li>
      ))}
      {rows.length > SHOWN_ROWS && <li className="muted">…and {formatCount(rows.length - SHOWN_ROWS)} more</li>}
    </ol>
  );
}

function ReviewList() {
  const review = useSyncStore((s) => s.review);
  const { resolve } = useSyncActions();
  return (
    <ul className="sync-review">
      {review.map((r) => (
        <li key={r.trackId} data-track-id={r.trackId}>
          <div>
            <strong>{[r.artist, r.title].filter(Boolean).join(' – ')}</strong>{' '}
            <span className="muted">
              {r.album ?? ''} {r.durationMs !== null ? `· ${formatDuration(r.durationMs)}` : ''}
            </span>
          </div>
          <div className="sync-candidates">
            {r.candidates.map((c) => (
              <button type="button" key={c.uri} onClick={() => void resolve(r.trackId, c.uri)}>
                {c.artists.join(', ')} – {c.name} <span className="muted">({c.album}, {formatDuration(c.durationMs)}, {Math.round(c.score * 100)}%)</span>
              </button>
            ))}
            <button type="button" onClick={() => void resolve(r.trackId, null)}>
              Not on Spotify
            </button>
          </div>
        </li>
      ))}
      <li className="muted">Your choices are remembered; Preview Again shows the plan with them.</li>
    </ul>
  );
}
