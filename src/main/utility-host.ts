import { utilityProcess } from 'electron';
import type { WorkerEvents, WorkerHandle, WorkerHost } from '../core/jobs/host';
import { WORKER_NODE_FLAGS } from '../core/jobs/node-host';
import type { WorkerToParent } from '../core/jobs/protocol';

/** Workers as Electron utility processes: the desktop host. */
export class UtilityProcessHost implements WorkerHost {
  fork(entry: string, events: WorkerEvents, options: { name: string; env: Record<string, string> }): WorkerHandle {
    const child = utilityProcess.fork(entry, [], {
      serviceName: options.name,
      env: { ...process.env, ...options.env } as Record<string, string>,
      stdio: 'inherit',
      execArgv: WORKER_NODE_FLAGS,
    });
    child.on('message', (message) => events.onMessage(message as WorkerToParent));
    child.on('exit', (code) => events.onExit({ code, signal: null }));
    return {
      get pid() {
        return child.pid ?? null;
      },
      send: (message) => child.postMessage(message),
      kill: () => {
        child.kill();
      },
    };
  }
}
