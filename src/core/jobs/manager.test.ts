import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobSnapshot } from '../../shared/jobs';
import { openLibrary, type Library } from '../db/library';
import { registerJobKinds } from './kinds';
import { JobManager } from './manager';
import { NodeWorkerHost, nodeWorkerEntry } from './node-host';

registerJobKinds();

let dir: string;
let libraryPath: string;
let db: Library;
let manager: JobManager;

function makeManager(options: Partial<ConstructorParameters<typeof JobManager>[0]> = {}): JobManager {
  return new JobManager({
    db,
    libraryPath,
    host: new NodeWorkerHost(),
    workerEntry: nodeWorkerEntry(),
    killAfterMs: 2000,
    ...options,
  });
}

function nextUpdate(m: JobManager, predicate: (job: JobSnapshot) => boolean): Promise<JobSnapshot> {
  return new Promise((resolve) => {
    const listener = (job: JobSnapshot) => {
      if (predicate(job)) {
        m.off('update', listener);
        resolve(job);
      }
    };
    m.on('update', listener);
  });
}

function storedState(id: number): string {
  return (db.prepare('SELECT state FROM jobs WHERE id = ?').get(id) as { state: string }).state;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-jobs-'));
  libraryPath = path.join(dir, 'library.sqlite');
  db = openLibrary(libraryPath);
  manager = makeManager();
});

afterEach(async () => {
  await manager.shutdown();
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('JobManager with real worker processes', () => {
  it('streams progress and ends with the final summary, kept in the history', async () => {
    const updates: JobSnapshot[] = [];
    manager.on('update', (job) => updates.push(job));
    const job = manager.start({ kind: 'count', params: { to: 15, delayMs: 20 } });
    const final = await manager.waitFor(job.id);

    expect(final.state).toBe('done');
    expect(final.counters).toEqual({ counted: 15 });
    expect(final.done).toBe(15);
    expect(final.error).toBeNull();
    const running = updates.filter((u) => u.state === 'running' && u.done > 0);
    expect(running.length).toBeGreaterThanOrEqual(2);
    expect(running.some((u) => u.rate > 0)).toBe(true);
    expect(updates.at(-1)).toMatchObject({ state: 'done', counters: { counted: 15 } });

    const [stored] = manager.list(1);
    expect(stored).toMatchObject({ id: job.id, kind: 'count', state: 'done', counters: { counted: 15 } });
    expect(stored!.startedAt).not.toBeNull();
    expect(stored!.endedAt).toBeGreaterThanOrEqual(stored!.startedAt!);
  });

  it('coalesces a flood of progress to at most ten messages a second', async () => {
    let messages = 0;
    manager.on('update', (job) => {
      if (job.state === 'running' && job.done > 0) messages++;
    });
    const job = manager.start({ kind: 'count', params: { to: 400, delayMs: 2 } });
    const first = await nextUpdate(manager, (u) => u.id === job.id && u.done > 0);
    const started = Date.now();
    void first;
    const final = await manager.waitFor(job.id);
    const seconds = (Date.now() - started) / 1000;
    expect(final.counters.counted).toBe(400);
    // Each message is one per interval at most: elapsed/100ms, plus the first and slack for scheduling.
    expect(messages).toBeLessThanOrEqual(Math.ceil(seconds * 10) + 2);
    expect(messages).toBeLessThan(400);
  });

  it('cancels cooperatively: the worker stops itself and keeps what it counted', async () => {
    const job = manager.start({ kind: 'count', params: { to: 100_000, delayMs: 10 } });
    const running = await nextUpdate(manager, (u) => u.id === job.id && u.done >= 3);
    manager.cancel(job.id);
    const final = await manager.waitFor(job.id);
    expect(final.state).toBe('cancelled');
    expect(final.error).toBeNull();
    expect(final.counters.counted).toBeGreaterThanOrEqual(3);
    expect(final.counters.counted).toBeLessThan(100_000);
    expect(storedState(job.id)).toBe('cancelled');
    expect(running.pid).toBeGreaterThan(0);
  });

  it('kills a worker that ignores cancel after the grace period and marks the job cancelled', async () => {
    await manager.shutdown();
    manager = makeManager({ killAfterMs: 300 });
    const job = manager.start({ kind: 'count', params: { to: 100_000, delayMs: 50, ignoreCancel: true } });
    const running = await nextUpdate(manager, (u) => u.id === job.id && u.pid !== null);
    manager.cancel(job.id);
    const final = await manager.waitFor(job.id);
    expect(final.state).toBe('cancelled');
    expect(isAlive(running.pid!)).toBe(false);
    expect(storedState(job.id)).toBe('cancelled');
  });

  it('marks a job failed with the reason when its worker is killed, and keeps running others', async () => {
    const job = manager.start({ kind: 'count', params: { to: 100_000, delayMs: 10 } });
    const running = await nextUpdate(manager, (u) => u.id === job.id && u.done >= 2);
    process.kill(running.pid!, 'SIGKILL');
    const final = await manager.waitFor(job.id);
    expect(final.state).toBe('failed');
    expect(final.error).toMatch(/killed \(SIGKILL\)/);
    expect(storedState(job.id)).toBe('failed');
    expect(db.prepare("SELECT COUNT(*) AS n FROM jobs WHERE state = 'running'").get()).toEqual({ n: 0 });

    const next = manager.start({ kind: 'count', params: { to: 3 } });
    expect((await manager.waitFor(next.id)).state).toBe('done');
  });

  it("ignores a terminal's Ctrl-C in the worker: cancel comes only from the manager", async () => {
    const job = manager.start({ kind: 'count', params: { to: 30, delayMs: 10 } });
    const running = await nextUpdate(manager, (u) => u.id === job.id && u.done >= 2);
    process.kill(running.pid!, 'SIGINT');
    const final = await manager.waitFor(job.id);
    expect(final.state).toBe('done');
    expect(final.counters.counted).toBe(30);
  });

  it('reports an error thrown by the pipeline as failed with its message', async () => {
    const job = manager.start({ kind: 'count', params: { to: 10, failAt: 3 } });
    const final = await manager.waitFor(job.id);
    expect(final.state).toBe('failed');
    expect(final.error).toBe('Asked to fail at 3');
    expect(final.counters.counted).toBe(2);
  });

  it('runs user-started jobs ahead of queued background jobs', async () => {
    await manager.shutdown();
    manager = makeManager({ maxConcurrent: 1 });
    const first = manager.start({ kind: 'count', params: { to: 5, delayMs: 20 }, priority: 'background' });
    const background = manager.start({ kind: 'count', params: { to: 1 }, priority: 'background' });
    const user = manager.start({ kind: 'count', params: { to: 1 }, priority: 'user' });
    const [a, b, c] = await Promise.all([first, background, user].map((j) => manager.waitFor(j.id)));
    expect(a!.state).toBe('done');
    expect(c!.startedAt!).toBeLessThanOrEqual(b!.startedAt!);
    expect(c!.endedAt!).toBeLessThanOrEqual(b!.startedAt!);
  });

  it('cancels a queued job without starting it', async () => {
    await manager.shutdown();
    manager = makeManager({ maxConcurrent: 1 });
    const first = manager.start({ kind: 'count', params: { to: 3, delayMs: 20 } });
    const queued = manager.start({ kind: 'count', params: { to: 3 } });
    expect(queued.state).toBe('queued');
    manager.cancel(queued.id);
    expect((await manager.waitFor(queued.id)).state).toBe('cancelled');
    expect(manager.get(queued.id)!.startedAt).toBeNull();
    expect((await manager.waitFor(first.id)).state).toBe('done');
  });

  it('rejects unknown kinds and bad params before anything runs', () => {
    expect(() => manager.start({ kind: 'nope' })).toThrow(/Unknown job kind 'nope'/);
    expect(() => manager.start({ kind: 'count', params: { to: -1 } })).toThrow(/Invalid parameters for 'count': to/);
    expect(manager.list()).toEqual([]);
  });

  it('closes jobs left running by a process that died', async () => {
    await manager.shutdown();
    const insert = db.prepare(
      "INSERT INTO jobs (kind, params, priority, state, created_at, owner_pid) VALUES ('count', '{}', 'user', ?, 0, ?)",
    );
    const deadPid = 2 ** 22 + 12345;
    const orphan = Number(insert.run('running', deadPid).lastInsertRowid);
    const neverStarted = Number(insert.run('queued', deadPid).lastInsertRowid);
    const otherLiveProcess = Number(insert.run('running', process.ppid).lastInsertRowid);
    manager = makeManager();
    expect(manager.get(orphan)).toMatchObject({ state: 'failed', error: expect.stringMatching(/stopped while/) });
    expect(manager.get(neverStarted)!.state).toBe('cancelled');
    expect(manager.get(otherLiveProcess)!.state).toBe('running');
    db.prepare("UPDATE jobs SET state = 'failed' WHERE id = ?").run(otherLiveProcess);
  });
});
