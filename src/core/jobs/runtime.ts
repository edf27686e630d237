import { openLibrary, type Library } from '../db/library';
import { ProgressCoalescer, ProgressTracker } from './progress';
import type { ParentToWorker, WorkerEndState, WorkerToParent } from './protocol';
import { getJobDefinition, parseJobParams } from './registry';
import type { JobLogger } from './types';

/** The worker's side of the channel to the job manager. */
export interface WorkerPort {
  send(message: WorkerToParent): Promise<void>;
  onMessage(listener: (message: ParentToWorker) => void): void;
}

interface ElectronParentPort {
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

/**
 * Electron's utility process has process.parentPort; a Node child has
 * process.send. The worker needs nothing else from its host.
 */
export function processPort(): WorkerPort {
  const parentPort = (process as unknown as { parentPort?: ElectronParentPort }).parentPort;
  if (parentPort) {
    return {
      send: async (message) => parentPort.postMessage(message),
      onMessage: (listener) => parentPort.on('message', (event) => listener(event.data as ParentToWorker)),
    };
  }
  if (!process.send) throw new Error('This file is a Sleeve worker: it must be started by the job manager.');
  return {
    send: (message) =>
      new Promise((resolve) => {
        if (!process.connected) return resolve();
        process.send!(message, undefined, {}, () => resolve());
      }),
    onMessage: (listener) => process.on('message', (message) => listener(message as ParentToWorker)),
  };
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Runs the one job a worker process is started for, then exits. */
export function serveWorker(port: WorkerPort, exit: (code: number) => void = (code) => process.exit(code)): void {
  const abort = new AbortController();
  let started = false;
  let finishing: Promise<void> | null = null;
  let tracker = new ProgressTracker();

  const finish = (state: WorkerEndState, error: string | null): Promise<void> => {
    finishing ??= port
      .send({ type: 'end', state, progress: tracker.snapshot(), error })
      .then(() => exit(state === 'failed' ? 1 : 0));
    return finishing;
  };

  // Ctrl-C in a terminal signals the whole process group; cancel reaches a
  // worker only from its parent, so the job ends 'cancelled', not killed.
  process.on('SIGINT', () => {});
  process.on('uncaughtException', (err) => void finish('failed', errorMessage(err)));
  process.on('unhandledRejection', (err) => void finish('failed', errorMessage(err)));

  port.onMessage((message) => {
    if (message.type === 'cancel') {
      abort.abort();
      return;
    }
    if (started) return;
    started = true;
    void run(message);
  });

  async function run(start: Extract<ParentToWorker, { type: 'start' }>): Promise<void> {
    let library = null as Library | null;
    const coalescer = new ProgressCoalescer(() => {
      if (!finishing) void port.send({ type: 'progress', progress: tracker.snapshot() });
    });
    tracker = new ProgressTracker(Date.now, () => coalescer.changed());
    const log: JobLogger = {
      info: (m) => void port.send({ type: 'log', level: 'info', message: m }),
      warn: (m) => void port.send({ type: 'log', level: 'warn', message: m }),
      error: (m) => void port.send({ type: 'log', level: 'error', message: m }),
    };
    try {
      const definition = getJobDefinition(start.kind);
      const params = parseJobParams(start.kind, start.params);
      await definition.run({
        params,
        jobId: start.jobId,
        signal: abort.signal,
        progress: tracker,
        log,
        library: () => (library ??= openLibrary(start.libraryPath, { verify: false })),
        secrets: start.secrets ?? {},
        saveSecret: (name, value) => void port.send({ type: 'secret', name, value }),
      });
      await finish(abort.signal.aborted ? 'cancelled' : 'done', null);
    } catch (err) {
      if (abort.signal.aborted && (err as Error)?.name === 'AbortError') await finish('cancelled', null);
      else await finish('failed', errorMessage(err));
    } finally {
      library?.close();
    }
  }
}
