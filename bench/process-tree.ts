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

function childrenByParent(): Map<number, number[]> {
  const map = new Map<number, number[]>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readOrNull(`/proc/${name}/stat`);
    if (!stat) continue;
    // The command name may hold spaces and parentheses: the fields resume after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const siblings = map.get(ppid) ?? [];
    siblings.push(Number(name));
    map.set(ppid, siblings);
  }
  return map;
}

export function processTreeRssKb(root: number): number {
  const byParent = HAS_CHILDREN_FILES ? null : childrenByParent();
  let total = 0;
  const queue = [root];
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
    const poll = () => {
      if (!HAS_PROC || child.pid === undefined || exited) return;
      peak = Math.max(peak ?? 0, processTreeRssKb(child.pid));
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
