import type { Library } from '../db/library';
import { sleep } from './sleep';

/**
 * One rate gate per remote host, kept in the library database.
 *
 * Why the database and not a broker in the main process: every process that
 * can make requests already opens the library (the desktop app's workers,
 * the web server's, a CLI run started while the app is open), so a row per
 * host is shared by all of them with no extra channel, and the same code
 * works in every shell. A pause a service asked for (Retry-After) is on disk,
 * so an app restarted a moment later does not hammer the host again. The cost
 * is one small write transaction per request: tens of microseconds, against
 * services that allow one request a second.
 *
 * The gate paces request starts, not completions: a caller reserves the next
 * free start time and waits for it, so slow answers overlap and do not lower
 * the throughput.
 */
export interface GatePolicy {
  /** Requests a second; 0 means no limit (a self-hosted mirror). */
  rate: number;
  /** Widen the spacing on 429 and narrow it back on success (Spotify publishes no fixed rate). */
  adaptive?: boolean;
}

/**
 * Start times are spaced a little wider than the limit, since a server
 * measures arrivals and a request does not leave exactly when its slot
 * comes (a new connection, a busy event loop): 1 request a second becomes
 * one every 1050 ms.
 */
const SAFETY_MARGIN_MS = 50;
/**
 * A caller that wakes later than this after its slot (a GC pause, a busy
 * machine) would start too close to the next caller's slot: it gives the
 * slot up and books again, unless nobody is booked after it.
 */
const LATE_TOLERANCE_MS = 20;
/** How far an adaptive gate may slow down, and how fast it recovers. */
const ADAPTIVE_MAX_INTERVAL_MS = 10_000;
const ADAPTIVE_RECOVERY = 0.9;
/** A slot further ahead than this can only come from a clock that jumped back: start again from now. */
const MAX_RESERVATION_AHEAD_MS = 10 * 60_000;

interface GateRow {
  next_at: number;
  interval_ms: number;
  paused_until: number;
}

export function baseIntervalMs(policy: GatePolicy): number {
  return policy.rate > 0 ? 1000 / policy.rate + SAFETY_MARGIN_MS : 0;
}

export class RateGate {
  private readonly select;
  private readonly upsert;
  private readonly reserveTx;

  constructor(
    private readonly db: Library,
    private readonly clock: () => number = Date.now,
  ) {
    this.select = db.prepare<[string], GateRow>('SELECT next_at, interval_ms, paused_until FROM rate_gates WHERE host = ?');
    this.upsert = db.prepare<[string, number, number, number]>(
      `INSERT INTO rate_gates (host, next_at, interval_ms, paused_until) VALUES (?, ?, ?, ?)
       ON CONFLICT (host) DO UPDATE SET next_at = excluded.next_at, interval_ms = excluded.interval_ms,
         paused_until = excluded.paused_until`,
    );
    // IMMEDIATE takes the write lock before reading, so two processes never reserve the same slot.
    this.reserveTx = db.transaction((host: string, policy: GatePolicy, extraMs: number): number => {
      const now = this.clock();
      const base = baseIntervalMs(policy);
      const row = this.select.get(host);
      let interval = policy.adaptive && row ? Math.max(base, Math.min(row.interval_ms, ADAPTIVE_MAX_INTERVAL_MS)) : base;
      if (!Number.isFinite(interval)) interval = base;
      const pausedUntil = row && row.paused_until - now <= MAX_RESERVATION_AHEAD_MS ? row.paused_until : 0;
      let start = Math.max(now, row?.next_at ?? 0, pausedUntil);
      if (start - now > MAX_RESERVATION_AHEAD_MS) start = now;
      this.upsert.run(host, start + interval + extraMs, interval, pausedUntil);
      return start;
    });
  }

  /**
   * Books the next free start time for the host and returns it. extraMs
   * holds the following slot back further, for a request that may leave
   * late (the first on a new connection).
   */
  reserve(host: string, policy: GatePolicy, extraMs = 0): number {
    return this.reserveTx.immediate(host, policy, extraMs);
  }

  /** Waits until this caller may start a request to the host. */
  async acquire(host: string, policy: GatePolicy, signal?: AbortSignal, extraMs = 0): Promise<void> {
    if (policy.rate <= 0) {
      // A host without a rate (a mirror) reserves nothing, but a pause it asked for still holds.
      const wait = (this.select.get(host)?.paused_until ?? 0) - this.clock();
      if (wait > 0) await sleep(wait, signal);
      return;
    }
    for (;;) {
      const start = this.reserve(host, policy, extraMs);
      const wait = start - this.clock();
      if (wait > 0) await sleep(wait, signal);
      if (this.clock() - start <= LATE_TOLERANCE_MS || this.startLate(host, start)) return;
    }
  }

  /** Woke late for the slot at start: go now if nobody is booked after it, pushing the next slot back. */
  private startLate(host: string, start: number): boolean {
    return this.db
      .transaction(() => {
        const row = this.select.get(host);
        if (!row || row.next_at > start + row.interval_ms + 1) return false;
        const now = this.clock();
        this.upsert.run(host, now + row.interval_ms, row.interval_ms, row.paused_until);
        return true;
      })
      .immediate();
  }

  /**
   * The host said to wait (Retry-After, or a 503 we back off from): nobody,
   * in any process, starts a request to it before then.
   */
  pauseUntil(host: string, until: number): void {
    this.update(host, (row) => ({ ...row, paused_until: Math.max(row.paused_until, until) }));
  }

  /** An adaptive host answered 429: double the spacing. */
  slowDown(host: string, policy: GatePolicy): void {
    const base = Math.max(baseIntervalMs(policy), 50);
    this.update(host, (row) => ({ ...row, interval_ms: Math.min(ADAPTIVE_MAX_INTERVAL_MS, Math.max(base, row.interval_ms) * 2) }));
  }

  /** An adaptive host answered: narrow the spacing back toward its base. */
  recover(host: string, policy: GatePolicy): void {
    const base = baseIntervalMs(policy);
    const row = this.select.get(host);
    if (!row || row.interval_ms <= base) return;
    this.update(host, (r) => ({ ...r, interval_ms: Math.max(base, r.interval_ms * ADAPTIVE_RECOVERY) }));
  }

  /** The gate's state, for tests and the Settings view. */
  state(host: string): GateRow | undefined {
    return this.select.get(host);
  }

  private update(host: string, change: (row: GateRow) => GateRow): void {
    this.db
      .transaction(() => {
        const row = this.select.get(host) ?? { next_at: 0, interval_ms: 0, paused_until: 0 };
        const next = change(row);
        this.upsert.run(host, next.next_at, next.interval_ms, next.paused_until);
      })
      .immediate();
  }
}
