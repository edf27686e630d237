import { describe, expect, it } from 'vitest';
import { backoffMs, DEFAULT_RETRY_POLICY, isRetryableStatus, parseRetryAfter } from './retry';

describe('parseRetryAfter', () => {
  const now = Date.UTC(2026, 10, 22, 12, 0, 0);

  it('reads seconds, including 0', () => {
    expect(parseRetryAfter('120', now)).toBe(now + 120_000);
    expect(parseRetryAfter('0', now)).toBe(now);
    expect(parseRetryAfter(' 3 ', now)).toBe(now + 3000);
  });

  it('reads an HTTP date, and a date in the past means now', () => {
    expect(parseRetryAfter('Sun, 22 Nov 2026 12:00:30 GMT', now)).toBe(now + 30_000);
    expect(parseRetryAfter('Sun, 22 Nov 2026 11:00:00 GMT', now)).toBe(now);
  });

  it('ignores what it cannot read', () => {
    expect(parseRetryAfter(undefined, now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter('-5', now)).toBeNull();
    expect(parseRetryAfter('', now)).toBeNull();
  });
});

describe('backoffMs', () => {
  it('doubles each attempt, with jitter inside the upper half of the step, and is capped', () => {
    const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffMs(0, policy, () => 0)).toBe(50);
    expect(backoffMs(0, policy, () => 1)).toBe(100);
    expect(backoffMs(2, policy, () => 0.5)).toBe(300);
    expect(backoffMs(10, policy, () => 1)).toBe(1000);
  });
});

describe('isRetryableStatus', () => {
  it('retries overload and server errors, not client errors', () => {
    for (const status of [429, 500, 502, 503, 504, 408]) expect(isRetryableStatus(status)).toBe(true);
    for (const status of [200, 301, 400, 401, 403, 404, 501]) expect(isRetryableStatus(status)).toBe(false);
  });
});
