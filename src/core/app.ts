import { openLibrary, type Library } from './db/library';
import type { WorkerHost } from './jobs/host';
import { registerJobKinds } from './jobs/kinds';
import { JobManager } from './jobs/manager';
import { createApiService, type ApiService, type ShellHooks } from './api/service';
import { PRIORITY } from '../shared/albums';
import type { AppInfo } from '../shared/api';
import type { JobSnapshot } from '../shared/jobs';
import { WorkQueue } from './albums/queue';
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
  /** Start enrichment when a scan brings new albums (default; SLEEVE_ENRICH_AFTER_SCAN=0 turns it off). */
  enrichAfterScan?: boolean;
}

/**
 * A scan that brought new albums queues them ahead of any backfill; this
 * starts the enrichment that works the queue, in the background, unless one
 * runs already (it takes them next).
 */
function enrichAfterScans(jobs: JobManager, db: Library): void {
  jobs.on('update', (job: JobSnapshot) => {
    if (job.kind !== 'scan' || job.state !== 'done') return;
    const waiting = new WorkQueue(db).peekPriority('match');
    if (waiting === null || waiting > PRIORITY.import) return;
    if (jobs.list(50).some((j) => j.kind === 'enrich' && (j.state === 'running' || j.state === 'queued'))) return;
    jobs.start({ kind: 'enrich', params: {}, priority: 'background' });
  });
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
  if (options.enrichAfterScan ?? process.env.SLEEVE_ENRICH_AFTER_SCAN !== '0') enrichAfterScans(jobs, db);
  return {
    db,
    jobs,
    api,
    async close() {
      api.close();
      await jobs.shutdown();
      db.close();
    },
  };
}
