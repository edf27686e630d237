/**
 * When to try again. Retry-After comes as seconds ('120', '0') or as an HTTP
 * date; anything else is ignored and the caller backs off on its own.
 * Returns the absolute time in ms, or null.
 */
export function parseRetryAfter(value: string | undefined, now: number): number | null {
  if (value === undefined) return null;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return now + Math.round(Number(trimmed) * 1000);
  // A date needs at least a day and a year; Date.parse alone accepts plain numbers like '5'.
  if (!/[a-z]/i.test(trimmed)) return null;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(now, at);
}

export interface RetryPolicy {
  /** Tries after the first. */
  retries: number;
  /** The first backoff; each retry doubles it. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A service that asks for a longer pause than this defers the item instead of holding the job. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  retries: 4,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
};

/**
 * Exponential backoff with 'equal jitter': half the step is fixed, half is
 * random, so processes that failed together do not come back together.
 */
export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return step / 2 + random() * (step / 2);
}

/** Statuses that mean 'not now' rather than 'no'. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 408 || (status >= 500 && status <= 599 && status !== 501 && status !== 505);
}
