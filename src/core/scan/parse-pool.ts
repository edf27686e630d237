import type { Worker } from 'node:worker_threads';
import { startThread } from '../workers/assets';
import type { FoundFile, ReadResult } from './types';

interface Pending {
  resolve(results: ReadResult[]): void;
  reject(err: Error): void;
}

/**
 * Threads that read tags in parallel, one per core by default. A batch goes
 * to the thread with the least work queued.
 */
export class ParsePool {
  private readonly threads: Array<{ worker: Worker; queued: number; pending: Map<number, Pending> }>;
  private nextId = 1;

  constructor(entry: URL, size: number) {
    this.threads = Array.from({ length: Math.max(1, size) }, () => {
      const thread = { worker: startThread(entry), queued: 0, pending: new Map<number, Pending>() };
      thread.worker.on('message', (message: { id: number; results: ReadResult[] }) => {
        const pending = thread.pending.get(message.id);
        thread.pending.delete(message.id);
        thread.queued--;
        pending?.resolve(message.results);
      });
      const failAll = (err: Error) => {
        for (const p of thread.pending.values()) p.reject(err);
        thread.pending.clear();
      };
      thread.worker.on('error', failAll);
      thread.worker.on('exit', (code) => failAll(new Error(`a scan thread stopped (exit code ${code})`)));
      return thread;
    });
  }

  get size(): number {
    return this.threads.length;
  }

  read(files: FoundFile[]): Promise<ReadResult[]> {
    const thread = this.threads.reduce((a, b) => (b.queued < a.queued ? b : a));
    const id = this.nextId++;
    thread.queued++;
    return new Promise((resolve, reject) => {
      thread.pending.set(id, { resolve, reject });
      thread.worker.postMessage({ id, files });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
  }
}
