import { useState, type FormEvent } from 'react';
import { useJobIds, useJobsActions, useJobsError } from '../stores/jobs';
import { ErrorBanner } from './ErrorBanner';
import { JobRow } from './JobRow';

/** Starts the built-in test job: a way to see the job machinery work. */
function TestJobForm() {
  const { start } = useJobsActions();
  const [to, setTo] = useState(200);
  const [delayMs, setDelayMs] = useState(50);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void start({ kind: 'count', params: { to, delayMs } });
  };
  return (
    <form className="test-job" onSubmit={submit} aria-label="Test job">
      <label>
        Count to
        <input type="number" min={1} max={10_000_000} value={to} onChange={(e) => setTo(e.target.valueAsNumber || 1)} />
      </label>
      <label>
        Pause (ms)
        <input type="number" min={0} max={60_000} value={delayMs} onChange={(e) => setDelayMs(e.target.valueAsNumber || 0)} />
      </label>
      <button type="submit">Run test job</button>
    </form>
  );
}

export function JobsPanel() {
  const ids = useJobIds();
  const error = useJobsError();
  const { dismissError } = useJobsActions();
  return (
    <section className="panel" aria-labelledby="jobs-heading">
      <header className="panel-head">
        <h1 id="jobs-heading">Jobs</h1>
        <TestJobForm />
      </header>
      {error && <ErrorBanner message={error} onDismiss={dismissError} />}
      {ids.length === 0 ? (
        <p className="empty">No jobs yet. Scans, enrichment and syncs will show here with live counters.</p>
      ) : (
        <ul className="job-list" aria-label="Jobs">
          {ids.map((id) => (
            <JobRow key={id} id={id} />
          ))}
        </ul>
      )}
    </section>
  );
}
