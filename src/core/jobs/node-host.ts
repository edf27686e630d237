import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { WorkerEvents, WorkerHandle, WorkerHost } from './host';
import type { WorkerToParent } from './protocol';

/**
 * The worker entry for headless shells: the TypeScript source when this code
 * runs from source (tests, tsx), the bundled job-worker.js beside it when it
 * runs from out/node (scripts/run-node.mjs).
 */
export function nodeWorkerEntry(): string {
  const fromSource = import.meta.url.endsWith('.ts');
  return fileURLToPath(new URL(fromSource ? '../workers/job-worker.ts' : './job-worker.js', import.meta.url));
}

function tsxLoader(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
}

/**
 * V8 flags for every worker process. Jobs churn through short-lived objects
 * (one per file), and V8's defaults let that garbage take tens of megabytes
 * before collecting it. The young generation is capped, and the worker is
 * tuned for size: a 100,000-file scan peaks at 238 MB for the whole process
 * tree instead of 360 MB (the target is 300), at the cost of scanning about
 * 1.8x slower (still about four times the naive loop). See PERFORMANCE.md.
 */
export const WORKER_NODE_FLAGS = ['--max-semi-space-size=4', '--optimize-for-size'];

/** child_process.fork: the headless host. */
export class NodeWorkerHost implements WorkerHost {
  fork(entry: string, events: WorkerEvents, options: { name: string; env: Record<string, string> }): WorkerHandle {
    const child = fork(entry, [], {
      execArgv: [...(entry.endsWith('.ts') ? ['--import', tsxLoader()] : []), ...WORKER_NODE_FLAGS],
      env: { ...process.env, ...options.env, SLEEVE_WORKER_NAME: options.name },
      // A worker's own output goes to stderr, so it never mixes into a CLI's --json stdout.
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    child.stdout?.pipe(process.stderr, { end: false });
    child.stderr?.pipe(process.stderr, { end: false });
    child.on('message', (message) => events.onMessage(message as WorkerToParent));
    let exited = false;
    const exit = (code: number | null, signal: string | null) => {
      if (exited) return;
      exited = true;
      events.onExit({ code, signal });
    };
    child.on('exit', (code, signal) => exit(code, signal));
    child.on('error', () => {
      if (child.exitCode === null && child.signalCode === null && child.pid === undefined) exit(null, null);
    });
    return {
      pid: child.pid ?? null,
      send: (message) => {
        if (child.connected) child.send(message);
      },
      kill: () => {
        child.kill('SIGKILL');
      },
    };
  }
}
