import { describe, expect, it } from 'vitest';
import { ProgressCoalescer, ProgressTracker, type Timers } from './progress';

function fakeTime() {
  let now = 0;
  const queue: Array<{ at: number; fn: () => void; id: number }> = [];
  let nextId = 1;
  const timers: Timers = {
    setTimeout: (fn, ms) => {
      const id = nextId++;
      queue.push({ at: now + ms, fn, id });
      return id;
    },
    clearTimeout: (id) => {
      const i = queue.findIndex((t) => t.id === id);
      if (i >= 0) queue.splice(i, 1);
    },
  };
  return {
    clock: () => now,
    timers,
    advance(ms: number) {
      const until = now + ms;
      for (;;) {
        queue.sort((a, b) => a.at - b.at);
        const next = queue[0];
        if (!next || next.at > until) break;
        queue.shift();
        now = next.at;
        next.fn();
      }
      now = until;
    },
  };
}

describe('ProgressTracker', () => {
  it('keeps named counters, done and total', () => {
    const t = new ProgressTracker(() => 0);
    t.add('parsed');
    t.add('parsed', 2);
    t.set({ failed: 4 });
    t.setTotal(10);
    t.advance(3);
    const s = t.snapshot();
    expect(s.counters).toEqual({ parsed: 3, failed: 4 });
    expect(s.done).toBe(3);
    expect(s.total).toBe(10);
  });

  it('derives rate and ETA from the items done', () => {
    const time = fakeTime();
    const t = new ProgressTracker(time.clock);
    t.setTotal(100);
    time.advance(2000);
    t.advance(20);
    const s = t.snapshot();
    expect(s.rate).toBeCloseTo(10);
    expect(s.etaMs).toBeCloseTo(8000);
  });

  it('measures rate over a recent window, so a stall shows', () => {
    const time = fakeTime();
    const t = new ProgressTracker(time.clock);
    t.setTotal(1000);
    for (let i = 0; i < 10; i++) {
      time.advance(1000);
      t.advance(50);
      t.snapshot();
    }
    for (let i = 0; i < 10; i++) {
      time.advance(1000);
      t.snapshot();
    }
    const stalled = t.snapshot();
    expect(stalled.rate).toBe(0);
    expect(stalled.etaMs).toBeNull();
  });

  it('has no ETA without a total, and zero once everything is done', () => {
    const t = new ProgressTracker(() => 0);
    t.advance(5);
    expect(t.snapshot().etaMs).toBeNull();
    t.setTotal(5);
    expect(t.snapshot().etaMs).toBe(0);
  });
});

describe('ProgressCoalescer', () => {
  it('sends the first change at once and folds a burst into one trailing message', () => {
    const time = fakeTime();
    let sent = 0;
    const c = new ProgressCoalescer(() => sent++, 100, time.clock, time.timers);
    c.changed();
    expect(sent).toBe(1);
    for (let i = 0; i < 1000; i++) c.changed();
    expect(sent).toBe(1);
    time.advance(100);
    expect(sent).toBe(2);
  });

  it('never sends more than ten messages a second under a steady flood', () => {
    const time = fakeTime();
    let sent = 0;
    const c = new ProgressCoalescer(() => sent++, 100, time.clock, time.timers);
    for (let ms = 0; ms < 5000; ms++) {
      c.changed();
      time.advance(1);
    }
    expect(sent).toBeLessThanOrEqual(51);
    expect(sent).toBeGreaterThanOrEqual(49);
  });

  it('flush sends now and drops the pending trailing message', () => {
    const time = fakeTime();
    let sent = 0;
    const c = new ProgressCoalescer(() => sent++, 100, time.clock, time.timers);
    c.changed();
    c.changed();
    c.flush();
    expect(sent).toBe(2);
    time.advance(500);
    expect(sent).toBe(2);
  });
});
