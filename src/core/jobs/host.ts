import type { ParentToWorker, WorkerToParent } from './protocol';

export interface WorkerExit {
  code: number | null;
  signal: string | null;
}

export interface WorkerEvents {
  onMessage(message: WorkerToParent): void;
  onExit(exit: WorkerExit): void;
}

export interface WorkerHandle {
  readonly pid: number | null;
  send(message: ParentToWorker): void;
  /** Ends the process at once; used when cooperative cancel did not finish in time. */
  kill(): void;
}

/**
 * How worker processes are started: Electron's utilityProcess.fork in the
 * desktop app, child_process.fork under Node (CLI, web server, tests). The
 * worker entry is the same file in both.
 */
export interface WorkerHost {
  fork(entry: string, events: WorkerEvents, options: { name: string; env: Record<string, string> }): WorkerHandle;
}

export function describeExit({ code, signal }: WorkerExit): string {
  if (signal) return `the worker process was killed (${signal})`;
  if (code === null) return 'the worker process ended unexpectedly';
  return `the worker process exited with code ${code} before reporting a result`;
}
