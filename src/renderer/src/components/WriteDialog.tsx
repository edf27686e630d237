import { useEffect, useLayoutEffect, useRef } from 'react';
import { formatBytes, formatCount } from '../../../shared/format';
import { isFinished, type JobSnapshot } from '../../../shared/jobs';
import {
  UNDO_COUNTERS,
  WRITE_COUNTERS,
  WRITE_FIELD_GROUPS,
  WRITE_FIELD_LABELS,
  WRITE_FIELDS,
  type FieldChange,
  type WriteField,
  type WritePreviewFile,
  type WriteProblemItem,
  type WriteSettings,
} from '../../../shared/write-back';
import { shortcut } from '../keys';
import { useJobsStore } from '../stores/jobs';
import { filesToWrite, plural, useWriteActions, useWriteStore, writeBusy } from '../stores/write';
import { ActiveJob } from './ActiveJob';
import { ErrorBanner } from './ErrorBanner';
import { Thumb } from './Thumb';

const fileName = (path: string) => path.split(/[\\/]/).pop() ?? path;
const COUNTER_LABELS = { bytes: 'data written' };
const COUNTER_FORMATS = { bytes: formatBytes };

function writeEnded(job: JobSnapshot): string {
  const c = job.counters;
  const written = c.written ?? 0;
  const left = (c.skipped ?? 0) + (c.failed ?? 0);
  if (job.state === 'failed') return 'The write failed';
  if (job.state === 'cancelled') return `Stopped after writing ${plural(written, 'file')}; Undo puts them back`;
  const rest = [
    (c.unchanged ?? 0) > 0 ? `${formatCount(c.unchanged!)} already held these values` : null,
    left > 0 ? `${formatCount(left)} left as ${left === 1 ? 'it was' : 'they were'}` : null,
  ].filter(Boolean);
  return `Wrote ${plural(written, 'file')}${rest.length ? `; ${rest.join(', ')}` : ''}`;
}

function undoEnded(job: JobSnapshot): string {
  const restored = job.counters.restored ?? 0;
  if (job.state === 'failed') return 'The undo failed';
  if (job.state === 'cancelled') return `Stopped after putting back ${plural(restored, 'file')}`;
  const left = (job.counters.skipped ?? 0) + (job.counters.failed ?? 0);
  return `Put the old tags back in ${plural(restored, 'file')}${left > 0 ? `; ${formatCount(left)} left as ${left === 1 ? 'it was' : 'they were'}` : ''}`;
}

/** Library → Write Tags to Files…: choose what to write, see every change file by file, write, and undo. */
export function WriteDialog() {
  const s = useWriteStore();
  const actions = useWriteActions();
  const job = useJobsStore((j) => (s.jobId === null ? null : (j.byId[s.jobId] ?? null)));
  const undoJob = useJobsStore((j) => (s.undoJobId === null ? null : (j.byId[s.undoJobId] ?? null)));
  const busy = useJobsStore((j) => writeBusy(s, j.byId));
  const dialogRef = useRef<HTMLDivElement>(null);

  // The jobs go on while the dialog is hidden: their ends are caught here either way.
  useEffect(() => {
    if (job && isFinished(job.state)) void actions.finished(job);
  }, [job?.state, job?.id]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => {
    if (undoJob && isFinished(undoJob.state)) void actions.finished(undoJob);
  }, [undoJob?.state, undoJob?.id]); // eslint-disable-line react-hooks/exhaustive-deps

  // The element that had the focus gets it back when the dialog closes.
  useEffect(() => {
    if (!s.open) return;
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    return () => before?.focus({ preventScroll: true });
  }, [s.open]);

  useEffect(() => {
    if (!s.open) return;
    // Escape steps back from the confirmation, else hides the dialog (a running write goes on), wherever focus went.
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      e.preventDefault();
      if (useWriteStore.getState().phase === 'confirm') actions.back();
      else actions.close();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [s.open, actions]);

  // On opening, and when the buttons that had the focus go away (the confirmation, a finished job), the dialog takes it so the keys still work.
  useLayoutEffect(() => {
    if (s.open && s.phase !== 'confirm') dialogRef.current?.focus();
  }, [s.open, s.phase]);

  if (!s.open) return null;
  const totals = s.totals;
  const inScope = totals ? totals.changed + totals.unchanged + totals.problems : null;
  const scopeName = s.target.name ?? (inScope === null ? 'All files' : `All ${plural(inScope, 'file')}`);
  const toWrite = filesToWrite(s);
  const locked = s.phase === 'confirm' || s.phase === 'writing';

  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && actions.close()}>
      <div ref={dialogRef} className="dialog write-dialog" role="dialog" aria-modal="true" aria-label="Write Tags" tabIndex={-1}>
        <header className="dialog-head">
          <div className="dialog-title">
            <h2>Write Tags to Files</h2>
            <span className="muted" data-testid="write-scope">
              {scopeName}
            </span>
          </div>
          <span className="spacer" />
          <div className="segmented" role="tablist" aria-label="Write Tags sections">
            {(['preview', 'history'] as const).map((tab) => (
              <button key={tab} type="button" role="tab" aria-selected={s.tab === tab} onClick={() => actions.setTab(tab)}>
                {tab === 'preview' ? 'Preview' : 'History'}
              </button>
            ))}
          </div>
          <button type="button" className="icon" aria-label="Close" onClick={actions.close}>
            ✕
          </button>
        </header>

        {s.error && (
          <div className="write-error">
            <ErrorBanner message={s.error} onDismiss={actions.dismissError} />
          </div>
        )}

        {s.tab === 'history' ? (
          <HistoryTab undoJob={undoJob} busy={busy} />
        ) : (
          <div className="write-body">
            <SettingsPane settings={s.settings} locked={locked} />
            <section className="write-main" aria-label={s.phase === 'writing' || s.phase === 'written' ? 'Write progress' : 'Preview'}>
              {s.phase === 'writing' || s.phase === 'written' ? (
                <>
                  {job && (
                    <ActiveJob
                      job={job}
                      label="Writing tags"
                      runningText="Writing tags…"
                      counters={WRITE_COUNTERS}
                      labels={COUNTER_LABELS}
                      formats={COUNTER_FORMATS}
                      cancelLabel="Cancel Write"
                      endedText={writeEnded}
                    />
                  )}
                  {s.problems && <ProblemList problems={s.problems} label="Files not written" />}
                  {s.phase === 'written' && job && (
                    <div className="write-undo-line">
                      <span className="muted">Sleeve kept the old values of every file it wrote.</span>
                      <button
                        type="button"
                        onClick={() => void actions.undo({ kind: 'job', jobId: job.id })}
                        disabled={busy || (job.counters.written ?? 0) === 0 || s.history?.find((h) => h.jobId === job.id)?.undoable === 0}
                      >
                        Undo This Write
                      </button>
                    </div>
                  )}
                  <UndoProgress undoJob={undoJob} />
                </>
              ) : (
                <PreviewPane />
              )}
            </section>
          </div>
        )}

        {s.phase === 'confirm' && s.tab === 'preview' && <ConfirmBar count={toWrite} />}

        <footer className="dialog-foot">
          <span className="muted">
            {busy ? 'Closing this window does not stop the job; Cancel does.' : `Library → Write Tags to Files… (${shortcut('Shift+E')})`}
          </span>
          <span className="spacer" />
          {s.tab === 'preview' && s.phase === 'written' && (
            <button type="button" onClick={() => void actions.refresh()} disabled={busy}>
              Preview Again
            </button>
          )}
          {s.tab === 'preview' && (s.phase === 'preview' || s.phase === 'confirm') ? (
            <button
              type="button"
              className="primary"
              onClick={actions.askToWrite}
              disabled={s.phase !== 'preview' || s.loading || toWrite === 0}
              title={toWrite === 0 ? 'Nothing to write with these settings.' : undefined}
            >
              Write {plural(toWrite, 'File')}
            </button>
          ) : (
            <button type="button" onClick={actions.close}>
              {busy ? 'Hide' : 'Done'}
            </button>
          )}
        </footer>
      </div>
    </div>
  );
}

/** Inside the dialog, over its footer: the last word before files change. Enter confirms. */
function ConfirmBar({ count }: { count: number }) {
  const { back, write } = useWriteActions();
  const confirm = useRef<HTMLButtonElement>(null);
  useLayoutEffect(() => confirm.current?.focus(), []);
  return (
    <div className="write-confirm" role="group" aria-label="Confirm the write">
      <p>
        <strong>This changes {plural(count, 'file')} on disk.</strong> Sleeve keeps the old values so you can undo.
      </p>
      <span className="spacer" />
      <button type="button" onClick={back}>
        Back
      </button>
      <button ref={confirm} type="button" className="primary" onClick={() => void write()}>
        Yes, Write {plural(count, 'File')}
      </button>
    </div>
  );
}

/** A checkbox whose third state says some of its fields are ticked. */
function GroupBox({ checked, mixed, label, onChange }: { checked: boolean; mixed: boolean; label: string; onChange(on: boolean): void }) {
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = mixed;
  }, [mixed]);
  return (
    <label>
      <input ref={ref} type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} /> {label}
    </label>
  );
}

function SettingsPane({ settings, locked }: { settings: WriteSettings | null; locked: boolean }) {
  const { changeSettings } = useWriteActions();
  if (!settings) return <aside className="write-settings muted">Loading the settings…</aside>;
  const on = new Set(settings.fields);
  // The saved order is WRITE_FIELDS' order, whatever order the boxes were ticked in.
  const setFields = (fields: ReadonlySet<WriteField>) => void changeSettings({ fields: WRITE_FIELDS.filter((f) => fields.has(f)) });
  const flip = (fields: readonly WriteField[], value: boolean) => {
    const next = new Set(on);
    for (const f of fields) {
      if (value) next.add(f);
      else next.delete(f);
    }
    setFields(next);
  };
  return (
    <aside className="write-settings" aria-label="Write settings">
      <fieldset disabled={locked}>
        <h3>What to write</h3>
        {WRITE_FIELD_GROUPS.map((group) => {
          const ticked = group.fields.filter((f) => on.has(f)).length;
          return (
            <fieldset key={group.label} className="write-group">
              <legend>
                {group.fields.length === 1 ? (
                  <span>{group.label}</span>
                ) : (
                  <GroupBox
                    label={group.label}
                    checked={ticked === group.fields.length}
                    mixed={ticked > 0 && ticked < group.fields.length}
                    onChange={(value) => flip(group.fields, value)}
                  />
                )}
              </legend>
              {group.fields.map((field) => (
                <label key={field} className="write-field">
                  <input type="checkbox" aria-label={WRITE_FIELD_LABELS[field]} checked={on.has(field)} onChange={(e) => flip([field], e.target.checked)} />{' '}
                  {/* The group names the MusicBrainz IDs once; the box keeps the whole name. */}
                  {WRITE_FIELD_LABELS[field].replace(/^MusicBrainz (\w)/, (_, c: string) => c.toUpperCase())}
                </label>
              ))}
            </fieldset>
          );
        })}
        <h3>MP3 tags</h3>
        <label>
          <input type="radio" name="write-id3" checked={settings.id3Version === 4} onChange={() => void changeSettings({ id3Version: 4 })} /> ID3v2.4
        </label>
        <label>
          <input type="radio" name="write-id3" checked={settings.id3Version === 3} onChange={() => void changeSettings({ id3Version: 3 })} /> ID3v2.3, for old
          players
        </label>
        <h3>Files</h3>
        <label>
          <input type="checkbox" checked={settings.coverFile} onChange={(e) => void changeSettings({ coverFile: e.target.checked })} /> Also save the cover as
          cover.jpg in album folders
        </label>
        <label>
          <input type="checkbox" checked={settings.keepMtime} onChange={(e) => void changeSettings({ keepMtime: e.target.checked })} /> Keep file modification
          times
        </label>
      </fieldset>
    </aside>
  );
}

function PreviewPane() {
  const { totals, files, loading, excluded, phase } = useWriteStore();
  const { loadMore, toggleFile } = useWriteActions();
  const listRef = useRef<HTMLOListElement>(null);
  const moreRef = useRef<HTMLLIElement>(null);
  const listed = totals ? totals.changed + totals.problems : 0;
  const more = listed - files.length;

  // The next page loads as the end of the list scrolls into view; Show more does the same by hand.
  useEffect(() => {
    const target = moreRef.current;
    if (!target || more <= 0) return;
    const observer = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && void loadMore(), { root: listRef.current });
    observer.observe(target);
    return () => observer.disconnect();
  }, [more, files.length, loadMore]);

  if (!totals) return <p className="write-summary muted">{loading ? 'Comparing the library with its files…' : ''}</p>;
  const fields = (Object.entries(totals.byField) as Array<[WriteField, number]>).filter(([, n]) => n > 0);
  return (
    <>
      <p className="write-summary" data-testid="write-summary" aria-busy={loading || undefined}>
        {plural(totals.changed, 'file')} will change · {formatCount(totals.unchanged)} already {totals.unchanged === 1 ? 'holds' : 'hold'} these values ·{' '}
        {formatCount(totals.problems)} cannot be written
        {excluded.size > 0 && <span className="muted"> · {formatCount(excluded.size)} unticked</span>}
      </p>
      {fields.length > 0 && (
        <ul className="write-fields" aria-label="Changes by field">
          {fields.map(([field, n]) => (
            <li key={field} data-field={field}>
              {WRITE_FIELD_LABELS[field]} <strong>{formatCount(n)}</strong>
            </li>
          ))}
        </ul>
      )}
      {listed === 0 ? (
        <p className="write-empty muted">Nothing to write: every file in scope already holds these values.</p>
      ) : (
        <ol ref={listRef} className="write-files" aria-label="Files that would change">
          {files.map((file) => (
            <FileRow key={file.trackId} file={file} included={!excluded.has(file.trackId)} locked={phase !== 'preview'} onToggle={toggleFile} />
          ))}
          {more > 0 && (
            <li ref={moreRef} className="write-more">
              <button type="button" onClick={() => void loadMore()} disabled={loading}>
                {loading ? 'Loading…' : `Show more (${formatCount(more)} left)`}
              </button>
            </li>
          )}
        </ol>
      )}
      <p className="write-note muted">
        Counted from the tags as last scanned. Just before writing, Sleeve reads each file again and writes only what really differs, so more files may turn
        out unchanged.
      </p>
    </>
  );
}

function FileRow({ file, included, locked, onToggle }: { file: WritePreviewFile; included: boolean; locked: boolean; onToggle(id: number): void }) {
  const name = [file.artist, file.title].filter(Boolean).join(' – ') || fileName(file.path);
  return (
    <li className={`write-file ${file.problem ? 'problem' : included ? '' : 'excluded'}`} data-track-id={file.trackId}>
      <div className="write-file-head">
        {file.problem ? (
          <span className="write-file-mark" aria-hidden="true">
            ⚠
          </span>
        ) : (
          <input type="checkbox" aria-label={`Write ${name}`} checked={included} disabled={locked} onChange={() => onToggle(file.trackId)} />
        )}
        <span className="write-file-name">{name}</span>
        {file.format && <span className="write-file-format">{file.format}</span>}
        <span className="path-tail muted" title={file.path}>
          <bdi>{file.path}</bdi>
        </span>
      </div>
      {file.problem && <p className="write-file-problem">Not written: {file.problem}</p>}
      <dl className="write-changes">
        {file.changes.map((change) => (
          <div key={change.field} className="write-change" data-field={change.field}>
            <dt>{WRITE_FIELD_LABELS[change.field]}</dt>
            <dd>
              <Value change={change} side="old" />
              <span className="write-arrow" aria-label="becomes">
                →
              </span>
              <Value change={change} side="new" />
            </dd>
          </div>
        ))}
      </dl>
    </li>
  );
}

/** One side of a change: text, or for the cover its thumbnail. */
function Value({ change, side }: { change: FieldChange; side: 'old' | 'new' }) {
  const artBaseUrl = useWriteStore((s) => s.artBaseUrl);
  const value = change[side];
  const Tag = side === 'old' ? 'del' : 'ins';
  if (value === null) return <span className="write-none">{side === 'old' ? 'none' : 'removed'}</span>;
  if (change.field !== 'cover') return <Tag className={`write-${side}`}>{value}</Tag>;
  if (value === 'embedded') {
    return (
      <Tag className={`write-${side} write-cover`} title="The file has a picture; Sleeve has not seen which">
        <Thumb hash={null} artBaseUrl={artBaseUrl} size={36} alt="a picture of its own" /> its own picture
      </Tag>
    );
  }
  return (
    <Tag className={`write-${side} write-cover`}>
      <Thumb hash={value} artBaseUrl={artBaseUrl} size={36} alt={side === 'old' ? 'the picture it has' : 'the cover to write'} />
    </Tag>
  );
}

function ProblemList({ problems, label }: { problems: WriteProblemItem[]; label: string }) {
  if (problems.length === 0) return null;
  return (
    <section className="write-problems" aria-label={label}>
      <h3>
        {label} ({formatCount(problems.length)})
      </h3>
      <ul>
        {problems.map((p, i) => (
          <li key={`${p.path}-${i}`} data-state={p.state}>
            <span className="path-tail" title={p.path}>
              <bdi>{p.path}</bdi>
            </span>
            <span className="write-problem-reason">
              {p.state}: {p.error}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function UndoProgress({ undoJob }: { undoJob: JobSnapshot | null }) {
  const undoProblems = useWriteStore((s) => s.undoProblems);
  if (!undoJob) return null;
  return (
    <>
      <ActiveJob
        job={undoJob}
        label="Undoing the write"
        runningText="Putting the old tags back…"
        counters={UNDO_COUNTERS}
        labels={COUNTER_LABELS}
        formats={COUNTER_FORMATS}
        cancelLabel="Cancel Undo"
        endedText={undoEnded}
      />
      {undoProblems && <ProblemList problems={undoProblems} label="Files not put back" />}
    </>
  );
}

function HistoryTab({ undoJob, busy }: { undoJob: JobSnapshot | null; busy: boolean }) {
  const history = useWriteStore((s) => s.history);
  const { undo } = useWriteActions();
  return (
    <section className="write-history" aria-label="Write history">
      <UndoProgress undoJob={undoJob} />
      {history === null ? (
        <p className="muted">Loading…</p>
      ) : history.length === 0 ? (
        <p className="write-empty muted">No writes yet. Each write is kept here with the old values, so it can be undone.</p>
      ) : (
        <table className="write-history-table">
          <thead>
            <tr>
              <th scope="col">Job</th>
              <th scope="col">Written on</th>
              <th scope="col" className="num">Files written</th>
              <th scope="col" className="num">Undone</th>
              <th scope="col" className="num">Can undo</th>
              <th scope="col" aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {history.map((h) => (
              <tr key={h.jobId} data-job-id={h.jobId}>
                <td>#{h.jobId}</td>
                <td>{new Date(h.at).toLocaleString()}</td>
                <td className="num">{formatCount(h.written)}</td>
                <td className="num">{formatCount(h.undone)}</td>
                <td className="num">{formatCount(h.undoable)}</td>
                <td>
                  <button
                    type="button"
                    aria-label={`Undo write #${h.jobId}`}
                    disabled={busy || h.undoable === 0}
                    title={h.undoable === 0 ? 'Nothing left to undo: undone already, or the files changed since.' : `Puts back the old tags in ${plural(h.undoable, 'file')}`}
                    onClick={() => void undo({ kind: 'job', jobId: h.jobId })}
                  >
                    Undo
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
