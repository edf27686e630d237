import { counterLabel, formatCount, formatDuration, formatRate } from '../../../shared/format';
import { isFinished } from '../../../shared/jobs';
import { useJob, useJobsActions, useJobKinds } from '../stores/jobs';

const STATE_LABEL = {
  queued: 'Queued',
  running: 'Running',
  done: 'Done',
  cancelled: 'Cancelled',
  failed: 'Failed',
} as const;

export function JobRow({ id }: { id: number }) {
  const job = useJob(id);
  const kinds = useJobKinds();
  const { cancel } = useJobsActions();
  if (!job) return null;
  const title = kinds.find((k) => k.kind === job.kind)?.title ?? job.kind;
  const finished = isFinished(job.state);
  const percent = job.total ? Math.min(100, (job.done / job.total) * 100) : null;
  const elapsed = job.startedAt === null ? null : (job.endedAt ?? Date.now()) - job.startedAt;

  return (
    <li className={`job job-${job.state}`} data-job-id={job.id} data-state={job.state} data-pid={job.pid ?? ''}>
      <div className="job-head">
        <span className="job-title">{title}</span>
        <span className="job-id">#{job.id}</span>
        {job.priority === 'background' && <span className="job-tag">background</span>}
        <span className={`job-state state-${job.state}`} role="status">
          {STATE_LABEL[job.state]}
        </span>
        {!finished && (
          <button type="button" className="job-cancel" onClick={() => void cancel(job.id)} aria-label={`Cancel job ${job.id}`}>
            Cancel
          </button>
        )}
      </div>
      <div
        className={`progress ${percent === null && !finished ? 'progress-indeterminate' : ''}`}
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent === null ? undefined : Math.round(percent)}
      >
        <div className="progress-fill" style={{ width: `${percent ?? (job.state === 'done' ? 100 : 0)}%` }} />
      </div>
      <dl className="job-stats">
        {Object.entries(job.counters).map(([name, value]) => (
          <div key={name} className="stat" data-counter={name}>
            <dt>{counterLabel(name)}</dt>
            <dd>{formatCount(value)}</dd>
          </div>
        ))}
        {job.total !== null && (
          <div className="stat">
            <dt>progress</dt>
            <dd>
              {formatCount(job.done)} / {formatCount(job.total)}
            </dd>
          </div>
        )}
        {!finished && (
          <>
            <div className="stat">
              <dt>rate</dt>
              <dd>{formatRate(job.rate)}</dd>
            </div>
            <div className="stat">
              <dt>ETA</dt>
              <dd>{formatDuration(job.etaMs)}</dd>
            </div>
          </>
        )}
        <div className="stat">
          <dt>{finished ? 'took' : 'elapsed'}</dt>
          <dd>{formatDuration(elapsed)}</dd>
        </div>
      </dl>
      {job.message && <p className="job-message">{job.message}</p>}
      {job.error && (
        <p className="job-error" role="alert">
          {job.error}
        </p>
      )}
    </li>
  );
}
