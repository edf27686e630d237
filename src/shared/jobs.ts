/** Named numbers a pipeline reports: found, parsed, failed, requests, cacheHits... */
export type Counters = Record<string, number>;

export type JobState = 'queued' | 'running' | 'done' | 'cancelled' | 'failed';

/** User-started work runs ahead of background work. */
export type JobPriority = 'user' | 'background';

export const FINISHED_STATES: readonly JobState[] = ['done', 'cancelled', 'failed'];

export function isFinished(state: JobState): boolean {
  return FINISHED_STATES.includes(state);
}

/** What a worker reports while it runs; the last one it sends is the final summary. */
export interface JobProgress {
  counters: Counters;
  /** Items finished so far, the basis of rate and ETA. */
  done: number;
  /** Items in all, when known. */
  total: number | null;
  /** Items per second over the last few seconds. */
  rate: number;
  /** Milliseconds left at the current rate, when the total is known. */
  etaMs: number | null;
  /** A short line on what the job is doing now. */
  message: string | null;
}

export interface JobSnapshot extends JobProgress {
  id: number;
  kind: string;
  params: unknown;
  priority: JobPriority;
  state: JobState;
  createdAt: number;
  startedAt: number | null;
  endedAt: number | null;
  /** Why the job failed, in words a user can act on. */
  error: string | null;
  /** The worker's process id while it runs. */
  pid: number | null;
}

export interface JobKindInfo {
  kind: string;
  title: string;
  description: string;
}

export const EMPTY_PROGRESS: JobProgress = {
  counters: {},
  done: 0,
  total: null,
  rate: 0,
  etaMs: null,
  message: null,
};
