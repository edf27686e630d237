import type { JobProgress } from '../../shared/jobs';
import type { SecretName, Secrets } from '../net/secrets';

/** Messages between the job manager and a worker process. */
export type ParentToWorker =
  | { type: 'start'; jobId: number; kind: string; params: unknown; libraryPath: string; secrets: Secrets }
  | { type: 'cancel' };

export type WorkerEndState = 'done' | 'cancelled' | 'failed';

export type WorkerToParent =
  | { type: 'progress'; progress: JobProgress }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  | { type: 'secret'; name: SecretName; value: string }
  | { type: 'end'; state: WorkerEndState; progress: JobProgress; error: string | null };
