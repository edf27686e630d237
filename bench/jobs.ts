/**
 * Job engine benchmark: how fast cancel takes effect, how many progress
 * messages a flooding job sends, and what ctx.progress costs a pipeline per
 * item, each against a baseline measured in the same run.
 * Run: npm run bench:jobs. The last line is the JSON summary.
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openLibrary } from '../src/core/db/library';
import { registerJobKinds } from '../src/core/jobs/kinds';
import { JobManager } from '../src/core/jobs/manager';
import { NodeWorkerHost, nodeWorkerEntry } from '../src/core/jobs/node-host';
import { ProgressTracker } from '../src/core/jobs/progress';
import type { JobSnapshot } from '../src/shared/jobs';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number, digits = 1) => Number(x.toFixed(digits));

/** Baseline: a bare parent→child→parent IPC round trip, the floor under any cancel. */
async function ipcRoundTripMs(dir: string, samples: number): Promise<number> {
  const echo = path.join(dir, 'echo.cjs');
  fs.writeFileSync(echo, "process.on('message', (m) => process.send(m));");
  const child = fork(echo, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'advanced' });
  await new Promise((r) => child.once('spawn', r));
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    await new Promise<void>((resolve) => {
      child.once('message', () => resolve());
      child.send(i);
    });
    times.push(performance.now() - t0);
  }
  child.kill();
  return median(times);
}

function waitForProgress(manager: JobManager, id: number, predicate: (j: JobSnapshot) => boolean): Promise<JobSnapshot> {
  return new Promise((resolve) => {
    const listener = (job: JobSnapshot) => {
      if (job.id === id && predicate(job)) {
        manager.off('update', listener);
        resolve(job);
      }
    };
    manager.on('update', listener);
  });
}

async function main(): Promise<void> {
  registerJobKinds();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-bench-'));
  const libraryPath = path.join(dir, 'library.sqlite');
  const db = openLibrary(libraryPath);
  const killAfterMs = 2000;
  const manager = new JobManager({ db, libraryPath, host: new NodeWorkerHost(), workerEntry: nodeWorkerEntry(), killAfterMs });

  const ipcMs = await ipcRoundTripMs(dir, 30);

  const cancelTimes: number[] = [];
  for (let i = 0; i < 5; i++) {
    const job = manager.start({ kind: 'count', params: { to: 1_000_000, delayMs: 5 } });
    await waitForProgress(manager, job.id, (j) => j.done > 0);
    const t0 = performance.now();
    manager.cancel(job.id);
    const final = await manager.waitFor(job.id);
    if (final.state !== 'cancelled') throw new Error(`cancel ended as ${final.state}`);
    cancelTimes.push(performance.now() - t0);
  }
  const cancelMs = median(cancelTimes);

  const stubborn = manager.start({ kind: 'count', params: { to: 1_000_000, delayMs: 20, ignoreCancel: true } });
  // Its busy loop blocks its event loop, so it may never send progress: wait on the pid.
  await waitForProgress(manager, stubborn.id, (j) => j.pid !== null);
  await new Promise((r) => setTimeout(r, 300));
  const k0 = performance.now();
  manager.cancel(stubborn.id);
  await manager.waitFor(stubborn.id);
  const hardKillMs = performance.now() - k0;

  let messages = 0;
  // About a thousand changes a second for a few seconds: the worker must fold them into ten messages a second.
  const flood = manager.start({ kind: 'count', params: { to: 4000, delayMs: 1 } });
  const counting = (job: JobSnapshot) => {
    if (job.id === flood.id && job.state === 'running' && job.done > 0) messages++;
  };
  await waitForProgress(manager, flood.id, (j) => j.done > 0);
  const f0 = performance.now();
  manager.on('update', counting);
  const floodFinal = await manager.waitFor(flood.id);
  manager.off('update', counting);
  const floodSeconds = (performance.now() - f0) / 1000;
  const messagesPerSecond = messages / floodSeconds;
  const changesPerSecond = floodFinal.done / floodSeconds;

  await manager.shutdown();
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });

  // Per-item cost of reporting progress, against a plain counter increment.
  const items = 5_000_000;
  const plain: Record<string, number> = {};
  let b0 = performance.now();
  for (let i = 0; i < items; i++) plain.parsed = (plain.parsed ?? 0) + 1;
  const baselineNs = ((performance.now() - b0) * 1e6) / items;
  let changes = 0;
  const tracker = new ProgressTracker(Date.now, () => changes++);
  b0 = performance.now();
  for (let i = 0; i < items; i++) {
    tracker.add('parsed');
    tracker.advance();
  }
  const trackerNs = ((performance.now() - b0) * 1e6) / items;

  const figures = {
    ipcRoundTripMs: round(ipcMs, 2),
    cancelMs: round(cancelMs),
    cancelOverIpcRatio: round(cancelMs / ipcMs),
    hardKillMs: round(hardKillMs),
    floodItems: floodFinal.done,
    floodSeconds: round(floodSeconds, 2),
    progressChangesPerSecond: round(changesPerSecond),
    progressMessagesPerSecond: round(messagesPerSecond, 2),
    changesPerMessageRatio: round(changesPerSecond / messagesPerSecond),
    progressCostNsPerItem: round(trackerNs, 1),
    plainCounterNsPerItem: round(baselineNs, 1),
    progressOverPlainRatio: round(trackerNs / baselineNs),
  };
  const targets = {
    cancelMs: '<= 250',
    hardKillMs: `<= ${killAfterMs + 500}`,
    progressMessagesPerSecond: '5 to 11 (live, but coalesced)',
    progressCostNsPerItem: '<= 200',
  };
  const met =
    figures.cancelMs <= 250 &&
    figures.hardKillMs <= killAfterMs + 500 &&
    figures.progressMessagesPerSecond <= 11 &&
    figures.progressMessagesPerSecond >= 5 &&
    figures.progressCostNsPerItem <= 200;

  console.info(`IPC round trip (baseline)    ${figures.ipcRoundTripMs} ms`);
  console.info(`cooperative cancel (median)  ${figures.cancelMs} ms  (${figures.cancelOverIpcRatio}x the round trip)`);
  console.info(`hard kill after grace        ${figures.hardKillMs} ms  (grace ${killAfterMs} ms)`);
  console.info(
    `progress messages            ${figures.progressMessagesPerSecond}/s for ${figures.progressChangesPerSecond} changes/s over ${figures.floodSeconds}s (${figures.changesPerMessageRatio} changes a message)`,
  );
  console.info(`progress cost per item       ${figures.progressCostNsPerItem} ns  (${figures.progressOverPlainRatio}x a plain counter, ${figures.plainCounterNsPerItem} ns)`);
  console.info(JSON.stringify({ bench: 'jobs', figures, targets, met }));
  process.exitCode = met ? 0 : 1;
}

void main();
