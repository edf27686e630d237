import type { StartJobRequest } from '../shared/api';
import type { JobSnapshot } from '../shared/jobs';
import type { SleeveCore } from '../core/app';
import { renderProgressLine, summaryLine } from './progress-line';

export interface JobOutput {
  json: boolean;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

/** The result line a script reads: the last line of stdout with --json. */
export function jobResultJson(job: JobSnapshot): string {
  const elapsedMs = job.startedAt !== null && job.endedAt !== null ? job.endedAt - job.startedAt : 0;
  return JSON.stringify({
    job: job.kind,
    id: job.id,
    state: job.state,
    counters: job.counters,
    elapsedMs,
    ...(job.error ? { error: job.error } : {}),
  });
}

export function exitCodeFor(job: JobSnapshot): number {
  if (job.state === 'done') return 0;
  if (job.state === 'cancelled') return 130;
  return 1;
}

/**
 * Runs one job to its end in the foreground: a live progress line on a TTY,
 * Ctrl-C to cancel, and a final summary. Every job command goes through here.
 */
export async function runJobInForeground(
  core: SleeveCore,
  /** What to start, or a job the Api started (or found already running). */
  request: StartJobRequest | JobSnapshot,
  out: JobOutput,
  /** Writes what the job found worth listing, before the result line. */
  report?: (final: JobSnapshot) => void,
): Promise<number> {
  const job = 'id' in request ? request : core.jobs.start(request);
  const drawBar = !out.json && out.stdout.isTTY;
  let lastLine = '';
  const onUpdate = (update: JobSnapshot) => {
    if (update.id !== job.id || !drawBar || update.state !== 'running') return;
    lastLine = renderProgressLine(update, out.stdout.columns || 80);
    out.stdout.write(`\r\x1b[K${lastLine}`);
  };
  core.jobs.on('update', onUpdate);

  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) {
      out.stderr.write(`\nCancelling ${request.kind}… (work finished so far is kept)\n`);
      core.jobs.cancel(job.id);
    } else {
      out.stderr.write('Still stopping: the worker is stopped for good within 2 seconds.\n');
    }
  };
  process.on('SIGINT', onSigint);
  try {
    const final = await core.jobs.waitFor(job.id);
    if (drawBar && lastLine) out.stdout.write('\r\x1b[K');
    report?.(final);
    if (out.json) out.stdout.write(`${jobResultJson(final)}\n`);
    else (final.state === 'failed' ? out.stderr : out.stdout).write(`${summaryLine(final)}\n`);
    return exitCodeFor(final);
  } finally {
    process.off('SIGINT', onSigint);
    core.jobs.off('update', onUpdate);
  }
}
