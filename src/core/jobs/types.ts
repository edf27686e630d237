import type { z } from 'zod';
import type { Library } from '../db/library';
import type { SecretName, Secrets } from '../net/secrets';
import type { ProgressTracker } from './progress';

export interface JobLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface JobContext<P> {
  params: P;
  /** The job's row in the history: what a journal ties its records to. */
  jobId?: number;
  /** Aborted on cancel: stop starting new work, finish or drop what is in flight. */
  signal: AbortSignal;
  progress: ProgressTracker;
  log: JobLogger;
  /** The worker's own connection to the library, opened on first use. */
  library(): Library;
  /** The keys and tokens the job declared, handed over at start and never stored with the job. */
  secrets: Secrets;
  /**
   * Keeps a new value of a declared secret in the shell's store (Spotify
   * rotates its refresh token, and the old one stops working).
   */
  saveSecret?: (name: SecretName, value: string) => void;
}

/**
 * A pipeline: one function run(ctx) in a worker process. Returning normally
 * with the signal aborted means 'cancelled'; throwing means 'failed'.
 */
export interface JobDefinition<P = unknown> {
  kind: string;
  title: string;
  description: string;
  params: z.ZodType<P>;
  /** Keys and tokens the job needs from the shell's secret store. */
  secrets?: readonly SecretName[];
  run(ctx: JobContext<P>): Promise<void>;
}
