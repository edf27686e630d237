import { EventEmitter } from 'node:events';
import type { StartJobRequest } from '../../shared/api';
import { EMPTY_PROGRESS, isFinished, type JobProgress, type JobSnapshot, type JobState } from '../../shared/jobs';
import type { Library } from '../db/library';
import { describeExit, type WorkerExit, type WorkerHandle, type WorkerHost } from './host';
import type { WorkerToParent } from './protocol';
import { getJobDefinition, parseJobParams } from './registry';
import type { SecretStore, Secrets } from '../net/secrets';

export interface JobManagerOptions {
  db: Library;
  libraryPath: string;
  host: WorkerHost;
  workerEntry: string;
  /** Jobs running at once across kinds; one per kind in any case. */
  maxConcurrent?: number;
  /** How long a cancelled worker may take to stop before it is killed. */
  killAfterMs?: number;
  /** Extra environment for workers (the Electron shell sets the SQLite binding). */
  workerEnv?: Record<string, string>;
  /** Where the shell keeps keys and tokens; a job gets only those it declares. */
  secrets?: SecretStore;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

interface Running {
  worker: WorkerHandle;
  cancelRequested: boolean;
  killTimer: NodeJS.Timeout | null;
  ended: boolean;
  lastPersistAt: number;
}

interface JobRow {
  id: number;
  kind: string;
  params: string;
  priority: JobSnapshot['priority'];
  state: JobState;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
  progress: string | null;
  error: string | null;
  owner_pid: number | null;
}

const PERSIST_EVERY_MS = 1000;

function rowToSnapshot(row: JobRow): JobSnapshot {
  const progress: JobProgress = row.progress ? JSON.parse(row.progress) : EMPTY_PROGRESS;
  return {
    ...progress,
    id: row.id,
    kind: row.kind,
    params: JSON.parse(row.params),
    priority: row.priority,
    state: row.state,
    createdAt: row.created_at,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    error: row.error,
    pid: null,
  };
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Owns the jobs of one process (desktop main, web server or CLI): queues them
 * by priority, runs each in its own worker, streams their progress to
 * listeners and keeps their history in the library.
 */
export class JobManager extends EventEmitter<{ update: [JobSnapshot] }> {
  private readonly live = new Map<number, JobSnapshot>();
  private readonly running = new Map<number, Running>();
  private readonly waiters = new Map<number, Array<(job: JobSnapshot) => void>>();
  private readonly maxConcurrent: number;
  private readonly killAfterMs: number;
  private closed = false;

  constructor(private readonly options: JobManagerOptions) {
    super();
    this.maxConcurrent = options.maxConcurrent ?? 2;
    this.killAfterMs = options.killAfterMs ?? 2000;
    this.recoverAbandonedJobs();
  }

  start(request: StartJobRequest): JobSnapshot {
    if (this.closed) throw new Error('Sleeve is shutting down; the job was not started.');
    const params = parseJobParams(request.kind, request.params);
    const priority = request.priority ?? 'user';
    const createdAt = Date.now();
    const { lastInsertRowid } = this.options.db
      .prepare(
        `INSERT INTO jobs (kind, params, priority, state, created_at, progress, owner_pid)
         VALUES (?, ?, ?, 'queued', ?, ?, ?)`,
      )
      .run(request.kind, JSON.stringify(params), priority, createdAt, JSON.stringify(EMPTY_PROGRESS), process.pid);
    const job: JobSnapshot = {
      ...EMPTY_PROGRESS,
      id: Number(lastInsertRowid),
      kind: request.kind,
      params,
      priority,
      state: 'queued',
      createdAt,
      startedAt: null,
      endedAt: null,
      error: null,
      pid: null,
    };
    this.live.set(job.id, job);
    this.emit('update', job);
    this.pump();
    return this.live.get(job.id) ?? job;
  }

  cancel(id: number): void {
    const job = this.live.get(id);
    if (!job || isFinished(job.state)) return;
    if (job.state === 'queued') {
      this.finish(id, 'cancelled', job, null);
      return;
    }
    const run = this.running.get(id);
    if (!run || run.cancelRequested) return;
    run.cancelRequested = true;
    run.worker.send({ type: 'cancel' });
    run.killTimer = setTimeout(() => run.worker.kill(), this.killAfterMs);
  }

  get(id: number): JobSnapshot | undefined {
    const live = this.live.get(id);
    if (live) return live;
    const row = this.options.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
    return row ? rowToSnapshot(row) : undefined;
  }

  /** Newest first: live jobs of this process over the stored history. */
  list(limit = 100): JobSnapshot[] {
    const rows = this.options.db.prepare('SELECT * FROM jobs ORDER BY id DESC LIMIT ?').all(limit) as JobRow[];
    return rows.map((row) => this.live.get(row.id) ?? rowToSnapshot(row));
  }

  /**
   * Queued and running jobs of a kind, in this process (here) or in another
   * live one sharing the library (the desktop app while the CLI runs, say).
   */
  active(kind: string): Array<{ job: JobSnapshot; here: boolean }> {
    const rows = this.options.db
      .prepare("SELECT * FROM jobs WHERE kind = ? AND state IN ('queued', 'running') ORDER BY id")
      .all(kind) as JobRow[];
    const found: Array<{ job: JobSnapshot; here: boolean }> = [];
    for (const row of rows) {
      const live = this.live.get(row.id);
      if (live) {
        if (!isFinished(live.state)) found.push({ job: live, here: true });
        continue;
      }
      // A row whose process is gone is only waiting for the next start to close it.
      if (row.owner_pid !== null && row.owner_pid !== process.pid && processIsAlive(row.owner_pid)) found.push({ job: rowToSnapshot(row), here: false });
    }
    return found;
  }

  /** Resolves with the job once it has finished. */
  waitFor(id: number): Promise<JobSnapshot> {
    const job = this.get(id);
    if (!job) return Promise.reject(new Error(`No job ${id}`));
    if (isFinished(job.state)) return Promise.resolve(job);
    return new Promise((resolve) => {
      const list = this.waiters.get(id) ?? [];
      list.push(resolve);
      this.waiters.set(id, list);
    });
  }

  /** Cancels everything and waits for the workers to end. */
  async shutdown(): Promise<void> {
    this.closed = true;
    const ids = [...this.live.keys()];
    for (const id of ids) this.cancel(id);
    await Promise.all(ids.map((id) => this.waitFor(id)));
  }

  private pump(): void {
    if (this.closed) return;
    const queued = [...this.live.values()]
      .filter((job) => job.state === 'queued')
      .sort((a, b) => (a.priority === b.priority ? a.id - b.id : a.priority === 'user' ? -1 : 1));
    for (const job of queued) {
      if (this.running.size >= this.maxConcurrent) return;
      const kindBusy = [...this.running.keys()].some((id) => this.live.get(id)?.kind === job.kind);
      if (!kindBusy) this.launch(job);
    }
  }

  private launch(job: JobSnapshot): void {
    let secrets: Secrets;
    try {
      secrets = this.secretsFor(job.kind);
    } catch (err) {
      this.finish(job.id, 'failed', job, (err as Error).message);
      return;
    }
    const run: Running = { worker: null!, cancelRequested: false, killTimer: null, ended: false, lastPersistAt: 0 };
    this.running.set(job.id, run);
    try {
      run.worker = this.options.host.fork(
        this.options.workerEntry,
        {
          onMessage: (message) => this.onWorkerMessage(job.id, message),
          onExit: (exit) => this.onWorkerExit(job.id, exit),
        },
        { name: `sleeve-${job.kind}-${job.id}`, env: this.options.workerEnv ?? {} },
      );
    } catch (err) {
      this.running.delete(job.id);
      this.finish(job.id, 'failed', job, `Could not start a worker: ${(err as Error).message}`);
      return;
    }
    const startedAt = Date.now();
    this.options.db.prepare("UPDATE jobs SET state = 'running', started_at = ? WHERE id = ?").run(startedAt, job.id);
    this.update(job.id, { state: 'running', startedAt, pid: run.worker.pid });
    run.worker.send({
      type: 'start',
      jobId: job.id,
      kind: job.kind,
      params: job.params,
      libraryPath: this.options.libraryPath,
      secrets,
    });
  }

  private secretsFor(kind: string): Secrets {
    const wanted = getJobDefinition(kind).secrets ?? [];
    if (wanted.length === 0 || !this.options.secrets) return {};
    const all = this.options.secrets.all();
    return Object.fromEntries(wanted.filter((name) => all[name]).map((name) => [name, all[name]]));
  }

  private onWorkerMessage(id: number, message: WorkerToParent): void {
    const run = this.running.get(id);
    if (!run || run.ended) return;
    if (message.type === 'log') {
      this.options.log?.(message.level, `[job ${id}] ${message.message}`);
      return;
    }
    if (message.type === 'secret') {
      // Only a secret the job was given may be replaced by it.
      const kind = this.live.get(id)?.kind;
      const declared = kind ? (getJobDefinition(kind).secrets ?? []) : [];
      if (declared.includes(message.name)) this.options.secrets?.set(message.name, message.value);
      return;
    }
    if (message.type === 'progress') {
      const job = this.update(id, message.progress);
      const now = Date.now();
      if (job && now - run.lastPersistAt >= PERSIST_EVERY_MS) {
        run.lastPersistAt = now;
        this.options.db.prepare('UPDATE jobs SET progress = ? WHERE id = ?').run(JSON.stringify(message.progress), id);
      }
      return;
    }
    run.ended = true;
    this.finish(id, message.state, message.progress, message.error);
  }

  private onWorkerExit(id: number, exit: WorkerExit): void {
    const run = this.running.get(id);
    if (!run) return;
    if (run.killTimer) clearTimeout(run.killTimer);
    this.running.delete(id);
    if (!run.ended) {
      run.ended = true;
      const job = this.live.get(id);
      if (run.cancelRequested) this.finish(id, 'cancelled', job ?? EMPTY_PROGRESS, null);
      else this.finish(id, 'failed', job ?? EMPTY_PROGRESS, `The job stopped because ${describeExit(exit)}.`);
    }
    this.pump();
  }

  private finish(id: number, state: JobState, progress: JobProgress, error: string | null): void {
    const endedAt = Date.now();
    const final: JobProgress = {
      counters: progress.counters,
      done: progress.done,
      total: progress.total,
      rate: progress.rate,
      etaMs: state === 'done' ? 0 : null,
      message: progress.message,
    };
    this.options.db
      .prepare('UPDATE jobs SET state = ?, ended_at = ?, progress = ?, error = ? WHERE id = ?')
      .run(state, endedAt, JSON.stringify(final), error, id);
    const job = this.update(id, { ...final, state, endedAt, error, pid: null });
    this.live.delete(id);
    if (job) for (const resolve of this.waiters.get(id) ?? []) resolve(job);
    this.waiters.delete(id);
    // A worker that reported its end but lingers is not kept around.
    const run = this.running.get(id);
    if (run && !run.killTimer) run.killTimer = setTimeout(() => run.worker.kill(), this.killAfterMs);
    this.pump();
  }

  private update(id: number, patch: Partial<JobSnapshot>): JobSnapshot | undefined {
    const current = this.live.get(id);
    if (!current) return undefined;
    const next = { ...current, ...patch };
    this.live.set(id, next);
    this.emit('update', next);
    return next;
  }

  /**
   * Jobs left 'queued' or 'running' by a process that is gone (a crash, a
   * kill) are closed, so none stays 'running' for ever. Jobs of another live
   * process sharing the library are left alone.
   */
  private recoverAbandonedJobs(): void {
    const rows = this.options.db
      .prepare("SELECT id, state, owner_pid FROM jobs WHERE state IN ('queued', 'running')")
      .all() as Array<Pick<JobRow, 'id' | 'state' | 'owner_pid'>>;
    const update = this.options.db.prepare('UPDATE jobs SET state = ?, ended_at = ?, error = ? WHERE id = ?');
    const now = Date.now();
    this.options.db.transaction(() => {
      for (const row of rows) {
        if (row.owner_pid !== null && row.owner_pid !== process.pid && processIsAlive(row.owner_pid)) continue;
        if (row.state === 'running') {
          update.run('failed', now, 'Sleeve stopped while this job was running. Start it again to continue.', row.id);
        } else {
          update.run('cancelled', now, 'Sleeve stopped before this job started.', row.id);
        }
      }
    })();
  }
}
