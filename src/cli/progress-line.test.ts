import { describe, expect, it } from 'vitest';
import { EMPTY_PROGRESS, type JobSnapshot } from '../shared/jobs';
import { renderProgressLine, summaryLine } from './progress-line';

const job = (patch: Partial<JobSnapshot>): JobSnapshot => ({
  ...EMPTY_PROGRESS,
  id: 1,
  kind: 'scan',
  params: {},
  priority: 'user',
  state: 'running',
  createdAt: 0,
  startedAt: 0,
  endedAt: null,
  error: null,
  pid: 1,
  ...patch,
});

describe('renderProgressLine', () => {
  it('draws a bar, the percentage, counters, rate and ETA', () => {
    const line = renderProgressLine(
      job({ done: 50, total: 200, counters: { parsed: 50, cacheHits: 3 }, rate: 25, etaMs: 6000 }),
      120,
    );
    expect(line).toContain(' 25%');
    expect(line).toMatch(/\[#+-+\]/);
    expect(line).toContain('parsed 50');
    expect(line).toContain('cache hits 3');
    expect(line).toContain('25.0/s');
    expect(line).toContain('ETA 6s');
  });

  it('fits the terminal width', () => {
    const line = renderProgressLine(job({ done: 1, total: 2, counters: { aVeryLongCounterName: 123456789 } }), 40);
    expect(line.length).toBeLessThanOrEqual(40);
  });

  it('shows counters without a bar when the total is unknown', () => {
    expect(renderProgressLine(job({ counters: { found: 7 } }), 80)).toBe('scan running · found 7 · — · ETA —');
  });
});

describe('summaryLine', () => {
  it('names the state, the time taken, counters and any reason', () => {
    expect(summaryLine(job({ state: 'failed', startedAt: 0, endedAt: 65_000, counters: { parsed: 2 }, error: 'disk full' }))).toBe(
      'scan failed in 1m 05s (parsed 2): disk full',
    );
  });
});
