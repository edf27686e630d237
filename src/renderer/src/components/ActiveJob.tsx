import { counterLabel, formatCount, formatDuration, formatRate } from '../../../shared/format';
import { isFinished, type JobSnapshot } from '../../../shared/jobs';
import { useJobsActions } from '../stores/jobs';

interface Props {
  job: JobSnapshot;
  /** The card's accessible name: 'Scan in progress'. */
  label: string;
  /** The first line while it runs, when the job says nothing itself. */
  runningText: string;
  /** Counters to show, in this order, even at 0; without it, every counter the job reports. */
  counters?: readonly string[];
  /** Counters shown only once they are above 0 (rare outcomes). */
  extraCounters?: readonly string[];
  /** Words for counters whose camelCase name reads badly. */
  labels?: Readonly<Record<string, string>>;
  /** How to show counters that are not plain counts (bytes). */
  formats?: Readonly<Record<string, (value: number) => string>>;
  cancelLabel: string;
  /** The first line once it ended: the card stays (with Dismiss when onDismiss is given). */
  endedText?(job: JobSnapshot): string;
  onDismiss?(): void;
}

/**
 * A running job above the table it fills: the line it reports, progress,
 * rate and ETA, its live counters and Cancel. Once it ends it can stay as a
 * summary with Dismiss.
 */
export function ActiveJob({ job, label, runningText, counters, extraCounters = [], labels = {}, formats = {}, cancelLabel, endedText, onDismiss }: Props) {
  const { cancel } = useJobsActions();
  const finished = isFinished(job.state);
  if (finished && !endedText) return null;
  const percent = job.total ? Math.min(100, (job.done / job.total) * 100) : null;
  const shown = [...(counters ?? Object.keys(job.counters)), ...extraCounters.filter((name) => (job.counters[name] ?? 0) > 0)];
  const elapsed = job.startedAt === null ? null : (job.endedAt ?? Date.now()) - job.startedAt;
  return (
    <div
      className={`active-scan active-job job-${job.state}`}
      role="status"
      aria-label={label}
      data-job-id={job.id}
      data-state={job.state}
    >
      <div className="active-scan-line">
        <strong>{finished ? endedText!(job) : job.state === 'queued' ? 'Waiting for another job to finish…' : (job.message ?? runningText)}</strong>
        <span className="spacer" />
        {job.total !== null && (
          <span className="muted" data-progress>
            {formatCount(job.done)} of {formatCount(job.total)}
          </span>
        )}
        {finished ? (
          <>
            <span className="muted">took {formatDuration(elapsed)}</span>
            {onDismiss && (
              <button type="button" onClick={onDismiss}>
                Dismiss
              </button>
            )}
          </>
        ) : (
          <>
            <span>{formatRate(job.rate)}</span>
            <span>ETA {formatDuration(job.etaMs)}</span>
            <button type="button" onClick={() => void cancel(job.id)}>
              {cancelLabel}
            </button>
          </>
        )}
      </div>
      <div
        className={`progress ${percent === null && !finished ? 'progress-indeterminate' : ''}`}
        role="progressbar"
        aria-label={`${label}: progress`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent === null ? undefined : Math.round(percent)}
      >
        <div className="progress-fill" style={{ width: `${percent ?? (job.state === 'done' ? 100 : 0)}%` }} />
      </div>
      <dl className="job-stats">
        {shown.map((name) => (
          <div key={name} className="stat" data-counter={name}>
            <dt>{labels[name] ?? counterLabel(name)}</dt>
            <dd>{(formats[name] ?? formatCount)(job.counters[name] ?? 0)}</dd>
          </div>
        ))}
      </dl>
      {job.error && (
        <p className="job-error" role="alert">
          {job.error}
        </p>
      )}
    </div>
  );
}
