import { useJobsStore } from '../stores/jobs';
import { ActiveJob } from './ActiveJob';

const SHOWN = ['found', 'parsed', 'unchanged', 'new', 'changed', 'missing', 'failed'];

/** The running scan, above the table it fills, with its counters and Cancel. */
export function ActiveScan() {
  const scan = useJobsStore((s) => {
    const id = s.ids.find((i) => s.byId[i]?.kind === 'scan' && (s.byId[i]?.state === 'running' || s.byId[i]?.state === 'queued'));
    return id === undefined ? undefined : s.byId[id];
  });
  if (!scan) return null;
  return <ActiveJob job={scan} label="Scan in progress" runningText="Scanning…" counters={SHOWN} cancelLabel="Cancel scan" />;
}
