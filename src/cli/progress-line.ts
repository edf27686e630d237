import { counterLabel, formatCount, formatDuration, formatRate } from '../shared/format';
import type { JobSnapshot } from '../shared/jobs';

/** One terminal line: bar, percentage, counters, rate and ETA. */
export function renderProgressLine(job: JobSnapshot, columns: number): string {
  const counters = Object.entries(job.counters)
    .map(([name, value]) => `${counterLabel(name)} ${formatCount(value)}`)
    .join(' · ');
  const tail = [counters, formatRate(job.rate), `ETA ${formatDuration(job.etaMs)}`].filter(Boolean).join(' · ');
  if (job.total === null || job.total === 0) return truncate(`${job.kind} ${job.state} · ${tail}`, columns);
  const fraction = Math.min(1, job.done / job.total);
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  const barWidth = Math.max(10, Math.min(30, columns - tail.length - job.kind.length - 12));
  const filled = Math.round(fraction * barWidth);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}]`;
  return truncate(`${job.kind} ${bar} ${percent} · ${tail}`, columns);
}

function truncate(line: string, columns: number): string {
  return line.length <= columns ? line : `${line.slice(0, Math.max(0, columns - 1))}…`;
}

export function summaryLine(job: JobSnapshot): string {
  const elapsed = job.endedAt !== null && job.startedAt !== null ? job.endedAt - job.startedAt : null;
  const counters = Object.entries(job.counters)
    .map(([name, value]) => `${counterLabel(name)} ${formatCount(value)}`)
    .join(', ');
  const reason = job.error ? `: ${job.error}` : '';
  return `${job.kind} ${job.state} in ${formatDuration(elapsed)}${counters ? ` (${counters})` : ''}${reason}`;
}
