import { openLibrary, type Library } from './db/library';
import type { WorkerHost } from './jobs/host';
import { registerJobKinds } from './jobs/kinds';
import { JobManager } from './jobs/manager';
import { createApiService, type ApiService, type ShellHooks } from './api/service';
import type { AppInfo } from '../shared/api';
import { SLEEVE_VERSION } from './version';

export interface SleeveCore {
  db: Library;
  jobs: JobManager;
  api: ApiService;
  close(): Promise<void>;
}

export interface SleeveCoreOptions {
  libraryPath: string;
  host: WorkerHost;
  workerEntry: string;
  shell: AppInfo['shell'];
  workerEnv?: Record<string, string>;
  hooks?: ShellHooks;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

/** Everything a shell (desktop main, web server, CLI) needs, wired once. */
export function openSleeveCore(options: SleeveCoreOptions): SleeveCore {
  registerJobKinds();
  const db = openLibrary(options.libraryPath);
  const jobs = new JobManager({
    db,
    libraryPath: options.libraryPath,
    host: options.host,
    workerEntry: options.workerEntry,
    workerEnv: options.workerEnv,
    secrets: options.hooks?.secrets,
    log: options.log,
  });
  const api = createApiService(
    jobs,
    db,
    { version: SLEEVE_VERSION, libraryPath: options.libraryPath },
    options.shell,
    options.hooks,
  );
  return {
    db,
    jobs,
    api,
    async close() {
      await jobs.shutdown();
      db.close();
    },
  };
}
