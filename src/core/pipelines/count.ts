import { setImmediate as yieldToEventLoop, setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { JobDefinition } from '../jobs/types';

const params = z.object({
  to: z.number().int().min(1).max(10_000_000),
  delayMs: z.number().int().min(0).max(60_000).default(0),
  /** Throws at this count, to show how a failing pipeline is reported. */
  failAt: z.number().int().min(1).optional(),
  /** Ignores cancel, to show the hard kill after the grace period. */
  ignoreCancel: z.boolean().default(false),
});

function busyWait(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // Deliberately blocks the event loop: this models a pipeline stuck in synchronous work.
  }
}

/**
 * Counts to N with a delay: the smallest real pipeline, used to check
 * streaming, cancel and crash handling end to end.
 */
export const countJob: JobDefinition<z.infer<typeof params>> = {
  kind: 'count',
  title: 'Test job: count',
  description: 'Counts to N with a pause between numbers. Checks that jobs stream, cancel and fail cleanly.',
  params,
  async run({ params, signal, progress }) {
    progress.setTotal(params.to);
    for (let n = 1; n <= params.to; n++) {
      if (params.ignoreCancel) busyWait(params.delayMs);
      else if (signal.aborted) return;
      else if (params.delayMs > 0) await sleep(params.delayMs, undefined, { signal }).catch(() => undefined);
      // Without a pause, yield now and then so progress goes out and cancel gets in.
      else if (n % 1024 === 0) await yieldToEventLoop();
      if (signal.aborted && !params.ignoreCancel) return;
      if (params.failAt === n) throw new Error(`Asked to fail at ${n}`);
      progress.add('counted');
      progress.advance();
    }
  },
};
