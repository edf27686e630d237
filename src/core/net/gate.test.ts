import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLibrary, type Library } from '../db/library';
import { baseIntervalMs, RateGate } from './gate';

describe('RateGate', () => {
  let dir: string;
  let file: string;
  const open: Library[] = [];
  const library = () => {
    const db = openLibrary(file);
    open.push(db);
    return db;
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-gate-'));
    file = path.join(dir, 'library.sqlite');
  });
  afterEach(() => {
    for (const db of open.splice(0)) db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('spaces reserved start times by the rate, whatever the callers', () => {
    let now = 1_000_000;
    const gate = new RateGate(library(), () => now);
    const policy = { rate: 1 };
    const step = baseIntervalMs(policy);
    expect(step).toBeGreaterThanOrEqual(1000);
    expect([gate.reserve('mb', policy), gate.reserve('mb', policy), gate.reserve('mb', policy)]).toEqual([
      now,
      now + step,
      now + 2 * step,
    ]);
    // Idle time is not saved up as a burst.
    now += 60_000;
    expect(gate.reserve('mb', policy)).toBe(now);
    expect(gate.reserve('mb', policy)).toBe(now + step);
  });

  it('is shared by separate connections to the library, as separate processes have', () => {
    const now = 5_000_000;
    const a = new RateGate(library(), () => now);
    const b = new RateGate(library(), () => now);
    const policy = { rate: 2 };
    const starts = [a.reserve('h', policy), b.reserve('h', policy), a.reserve('h', policy), b.reserve('h', policy)];
    const gaps = starts.slice(1).map((s, i) => s - starts[i]!);
    expect(gaps.every((gap) => gap === baseIntervalMs(policy))).toBe(true);
    // Another host has its own gate.
    expect(a.reserve('other', policy)).toBe(now);
  });

  it('holds every caller back while the host asked for a pause', () => {
    const now = 1_000;
    const gate = new RateGate(library(), () => now);
    gate.pauseUntil('h', now + 30_000);
    expect(gate.reserve('h', { rate: 1 })).toBe(now + 30_000);
    // A shorter pause does not cut a longer one short.
    gate.pauseUntil('h', now + 5_000);
    expect(gate.state('h')!.paused_until).toBe(now + 30_000);
  });

  it('lets a self-hosted mirror (rate 0) through at once', async () => {
    const gate = new RateGate(library());
    await gate.acquire('mirror', { rate: 0 });
    await gate.acquire('mirror', { rate: 0 });
    // Nothing was booked, so nobody waits for a slot.
    expect(gate.state('mirror')).toBeUndefined();
  });

  it('widens an adaptive gate on 429 and narrows it back on success', () => {
    const now = 0;
    const gate = new RateGate(library(), () => now);
    const policy = { rate: 10, adaptive: true };
    gate.reserve('spotify', policy);
    gate.slowDown('spotify', policy);
    gate.slowDown('spotify', policy);
    const slowed = gate.state('spotify')!.interval_ms;
    expect(slowed).toBeGreaterThanOrEqual(4 * baseIntervalMs(policy) - 1);
    for (let i = 0; i < 100; i++) gate.recover('spotify', policy);
    expect(gate.state('spotify')!.interval_ms).toBe(baseIntervalMs(policy));
  });

  it('starts again from now when the clock jumped back', () => {
    let now = 10_000_000_000;
    const gate = new RateGate(library(), () => now);
    gate.reserve('h', { rate: 1 });
    now = 1_000;
    expect(gate.reserve('h', { rate: 1 })).toBe(now);
  });

  it('wakes a waiting caller with AbortError when the job is cancelled', async () => {
    const gate = new RateGate(library());
    gate.pauseUntil('h', Date.now() + 60_000);
    const controller = new AbortController();
    const waiting = gate.acquire('h', { rate: 1 }, controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
  });
});
