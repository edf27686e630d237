import { counterLabel, formatCount, formatDuration, formatRate } from '../../../shared/format';
import { useJobsActions, useJobsStore } from '../stores/jobs';

const SHOWN = ['found', 'parsed', 'unchanged', 'new', 'changed', 'missing', 'failed'];

/** The running scan, above the table it fills, with its counters and Cancel. */
export function ActiveScan() {
  const scan = useJobsStore((s) => {
    const id = s.ids.find((i) => s.byId[i]?.kind === 'scan' && (s.byId[i]?.state === 'running' || s.byId[i]?.state === 'queued'));
    return id === undefined ? undefined : s.byId[id];
  });
  const { cancel } = useJobsActions();
  if (!scan) return null;
  const percent = scan.total ? Math.min(100, (scan.done / scan.total) * 100) : null;
  return (
    <div className="active-scan" role="status" aria-label="Scan in progress" data-job-id={scan.id}>
      <div className="active-scan-line">
        <strong>{scan.message ?? 'Scanning…'}</strong>
        <span className="spacer" />
        <span>{formatRate(scan.rate)}</span>
        <span>ETA {formatDuration(scan.etaMs)}</span>
        <button type="button" onClick={() => void cancel(scan.id)}>
          Cancel scan
        </button>
      </div>
      <div className={`progress ${percent === null ? 'progress-indeterminate' : ''}`}>
        <div className="progress-fill" style={{ width: `${percent ?? 0}%` }} />
      </div>
      <dl className="job-stats">
        {SHOWN.map((name) => (
          <div key={name} className="stat" data-counter={name}>
            <dt>{counterLabel(name)}</dt>
            <dd>{formatCount(scan.counters[name] ?? 0)}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
