/**
 * Wall time and peak memory of a spawned command, counting every process it
 * starts: the scan forks workers, and their memory is the scan's memory too.
 * Linux only (reads /proc); elsewhere peak RSS is reported as null.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';

export interface Measured {
  wallMs: number;
  /** Largest sum of VmRSS over the process tree seen by any poll, in KiB; null without /proc. */
  peakRssKb: number | null;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  /** The last few KiB of stderr, for error messages. */
  stderr: string;
}

const HAS_PROC = fs.existsSync('/proc/self/status');
// /proc/<pid>/task/<tid>/children needs CONFIG_PROC_CHILDREN; without it, build the tree from every process' ppid.
const HAS_CHILDREN_FILES = fs.existsSync(`/proc/${process.pid}/task/${process.pid}/children`);

function readOrNull(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null; // the process exited between listing and reading
  }
}

function childrenFromTaskFiles(pid: number): number[] {
  const out: number[] = [];
  let tasks: string[];
  try {
    tasks = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tasks) {
    const text = readOrNull(`/proc/${pid}/task/${tid}/children`);
    if (text) for (const child of text.trim().split(/\s+/)) if (child) out.push(Number(child));
  }
  return out;
}

/**
 * Sums VmRSS over a process and its descendants. Parent ids are cached by pid, so
 * each poll reads /proc/<pid>/stat only for processes it has not seen before:
 * reading all of them every 50 ms would cost the machine under test a few percent of a core.
 */
export class ProcessTreeSampler {
  private readonly parentOf = new Map<number, number>();

  constructor(private readonly root: number) {}

  private childrenByParent(): Map<number, number[]> {
    const map = new Map<number, number[]>();
    const alive = new Set<number>();
    for (const name of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      const pid = Number(name);
      alive.add(pid);
      let ppid = this.parentOf.get(pid);
      if (ppid === undefined) {
        const stat = readOrNull(`/proc/${name}/stat`);
        if (!stat) continue;
        // The command name may hold spaces and parentheses: the fields resume after the last ')'.
        ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        this.parentOf.set(pid, ppid);
      }
      const siblings = map.get(ppid) ?? [];
      siblings.push(pid);
      map.set(ppid, siblings);
    }
    // A pid can be reused by an unrelated process once its owner exits.
    for (const pid of this.parentOf.keys()) if (!alive.has(pid)) this.parentOf.delete(pid);
    return map;
  }

  rssKb(): number {
    const byParent = HAS_CHILDREN_FILES ? null : this.childrenByParent();
    let total = 0;
    const queue = [this.root];
    const seen = new Set<number>();
    while (queue.length > 0) {
      const pid = queue.pop()!;
      if (seen.has(pid)) continue;
      seen.add(pid);
      const status = readOrNull(`/proc/${pid}/status`);
      const match = status && /^VmRSS:\s+(\d+) kB/m.exec(status);
      if (match) total += Number(match[1]);
      queue.push(...(byParent ? (byParent.get(pid) ?? []) : childrenFromTaskFiles(pid)));
    }
    return total;
  }
}

const TAIL_CHARS = 16_384;

/** Runs a command to its end: wall time from spawn to exit, peak tree RSS polled every `pollMs`. */
export function measure(command: string, args: string[], options: { cwd: string; pollMs?: number }): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      // Only the last lines matter; keep a long tail so a huge progress log cannot exhaust memory.
      if (stdout.length > 4 * TAIL_CHARS * 64) stdout = stdout.slice(-TAIL_CHARS * 64);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-TAIL_CHARS);
    });
    let peak: number | null = null;
    let exited: { wallMs: number; code: number | null; signal: NodeJS.Signals | null } | null = null;
    const sampler = HAS_PROC && child.pid !== undefined ? new ProcessTreeSampler(child.pid) : null;
    const poll = () => {
      if (!sampler || exited) return;
      peak = Math.max(peak ?? 0, sampler.rssKb());
    };
    poll();
    const timer = setInterval(poll, options.pollMs ?? 50);
    child.on('error', (err) => {
      clearInterval(timer);
      reject(new Error(`cannot run ${command}: ${err.message}`));
    });
    child.on('exit', (code, signal) => {
      exited = { wallMs: performance.now() - started, code, signal };
      clearInterval(timer);
    });
    // 'close' comes after 'exit' once stdout and stderr are drained.
    child.on('close', () => {
      if (!exited) return;
      resolve({ ...exited, peakRssKb: peak, stdout, stderr });
    });
  });
}
