import type { Counters, JobProgress } from '../../shared/jobs';

export type Clock = () => number;

/** Rate is measured over this window, so a stall shows within seconds. */
const RATE_WINDOW_MS = 5000;

/**
 * What a pipeline reports through ctx.progress. Calls are cheap (no message
 * per call); the worker sends a coalesced snapshot at most ten times a second.
 */
export class ProgressTracker {
  private readonly counters: Counters = {};
  private done = 0;
  private total: number | null = null;
  private message: string | null = null;
  private samples: Array<{ at: number; done: number }> = [];
  private changed = false;

  constructor(
    private readonly clock: Clock = Date.now,
    private readonly onChange: () => void = () => {},
  ) {
    this.samples.push({ at: clock(), done: 0 });
  }

  /** Adds to a named counter. */
  add(name: string, by = 1): void {
    this.counters[name] = (this.counters[name] ?? 0) + by;
    this.touch();
  }

  /** Sets named counters to absolute values. */
  set(counters: Counters): void {
    Object.assign(this.counters, counters);
    this.touch();
  }

  /** Marks items finished; the basis of rate and ETA. */
  advance(by = 1): void {
    this.done += by;
    this.touch();
  }

  setTotal(total: number | null): void {
    this.total = total;
    this.touch();
  }

  setMessage(message: string | null): void {
    this.message = message;
    this.touch();
  }

  get hasChanges(): boolean {
    return this.changed;
  }

  snapshot(): JobProgress {
    this.changed = false;
    const now = this.clock();
    this.samples.push({ at: now, done: this.done });
    while (this.samples.length > 2 && now - this.samples[1]!.at >= RATE_WINDOW_MS) this.samples.shift();
    const oldest = this.samples[0]!;
    const elapsed = now - oldest.at;
    const rate = elapsed > 0 ? ((this.done - oldest.done) * 1000) / elapsed : 0;
    const remaining = this.total === null ? null : Math.max(0, this.total - this.done);
    const etaMs = remaining === null ? null : remaining === 0 ? 0 : rate > 0 ? (remaining / rate) * 1000 : null;
    return { counters: { ...this.counters }, done: this.done, total: this.total, rate, etaMs, message: this.message };
  }

  private touch(): void {
    this.changed = true;
    this.onChange();
  }
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * Sends progress at most once per interval: the first change goes out at
 * once, later ones are folded into one trailing message. flush() sends the
 * final summary.
 */
export class ProgressCoalescer {
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private pending: unknown = null;

  constructor(
    private readonly send: () => void,
    private readonly intervalMs = 100,
    private readonly clock: Clock = Date.now,
    private readonly timers: Timers = realTimers,
  ) {}

  changed(): void {
    if (this.pending !== null) return;
    const wait = this.lastSentAt + this.intervalMs - this.clock();
    if (wait <= 0) {
      this.emit();
      return;
    }
    this.pending = this.timers.setTimeout(() => {
      this.pending = null;
      this.emit();
    }, wait);
  }

  flush(): void {
    if (this.pending !== null) {
      this.timers.clearTimeout(this.pending);
      this.pending = null;
    }
    this.emit();
  }

  private emit(): void {
    this.lastSentAt = this.clock();
    this.send();
  }
}
