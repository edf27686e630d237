import type { Worker } from 'node:worker_threads';
import { startThread } from '../workers/assets';
import type { FoundFile, ReadResult } from './types';

interface Pending {
  files: FoundFile[];
  resolve(results: ReadResult[]): void;
}

interface Thread {
  worker: Worker;
  pending: Map<number, Pending>;
}

/**
 * Heap limits for a scan thread. A thread reads one file's tags at a time
 * (four in flight), so it needs little; without a limit V8 lets garbage grow
 * to gigabytes before collecting, and the whole scan's memory with it.
 */
const THREAD_LIMITS = { maxOldGenerationSizeMb: 96, maxYoungGenerationSizeMb: 8 };

/**
 * Threads that read tags in parallel, one per core by default. A batch goes
 * to the thread with the least work queued. A thread that dies (a file that
 * exhausts its memory, a parser crash) is replaced, and the files it held
 * come back as failed with the reason, so one bad file never stops a scan.
 */
export class ParsePool {
  private readonly threads: Thread[] = [];
  private nextId = 1;
  private closing = false;

  constructor(
    private readonly entry: URL,
    size: number,
  ) {
    for (let i = 0; i < Math.max(1, size); i++) this.threads.push(this.spawn());
  }

  get size(): number {
    return this.threads.length;
  }

  private spawn(): Thread {
    const thread: Thread = { worker: startThread(this.entry, THREAD_LIMITS), pending: new Map() };
    thread.worker.on('message', (message: { id: number; results: ReadResult[] }) => {
      const pending = thread.pending.get(message.id);
      thread.pending.delete(message.id);
      pending?.resolve(message.results);
    });
    let died = false;
    const die = (reason: string) => {
      if (died || this.closing) return;
      died = true;
      const index = this.threads.indexOf(thread);
      if (index >= 0) this.threads[index] = this.spawn();
      for (const { files, resolve } of thread.pending.values()) {
        resolve(files.map((file) => ({ ok: false, file, contentKey: null, error: `reading this file stopped the scan thread (${reason})` })));
      }
      thread.pending.clear();
    };
    thread.worker.on('error', (err) => die(err.message));
    thread.worker.on('exit', (code) => die(`exit code ${code}`));
    return thread;
  }

  read(files: FoundFile[]): Promise<ReadResult[]> {
    const thread = this.threads.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    const id = this.nextId++;
    return new Promise((resolve) => {
      thread.pending.set(id, { files, resolve });
      thread.worker.postMessage({ id, files });
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
  }
}
