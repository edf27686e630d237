import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const cliArgs = ['--import', 'tsx', path.join(root, 'src/cli/main.ts')];
let dir: string;
let db: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-cli-'));
  db = path.join(dir, 'library.sqlite');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function cli(...args: string[]) {
  return spawnSync(process.execPath, [...cliArgs, ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
}

function lastJsonLine(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines.at(-1)!) as Record<string, unknown>;
}

describe('sleeve CLI', () => {
  it('runs a job and prints the result as the last JSON line', () => {
    const run = cli('count', '12', '--delay', '5', '--db', db, '--json');
    expect(run.status).toBe(0);
    const result = lastJsonLine(run.stdout);
    expect(result).toMatchObject({ job: 'count', state: 'done', counters: { counted: 12 } });
    expect(typeof result.elapsedMs).toBe('number');
  });

  it('exits non-zero with the reason when the job fails', () => {
    const run = cli('count', '5', '--fail-at', '2', '--db', db, '--json');
    expect(run.status).toBe(1);
    expect(lastJsonLine(run.stdout)).toMatchObject({ state: 'failed', error: 'Asked to fail at 2' });
  });

  it('lists the job history', () => {
    cli('count', '3', '--db', db);
    const run = cli('jobs', '--db', db, '--json');
    expect(run.status).toBe(0);
    const { jobs } = lastJsonLine(run.stdout) as { jobs: Array<{ kind: string; state: string }> };
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ kind: 'count', state: 'done' });
  });

  it('explains usage errors and a file that is not a library', () => {
    const unknown = cli('frobnicate', '--db', db);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown command 'frobnicate'/);
    const badFlag = cli('count', '3', '--bogus', '--db', db);
    expect(badFlag.status).toBe(2);
    expect(badFlag.stderr).toMatch(/Usage: npm run cli -- count N/);

    const notes = path.join(dir, 'notes.txt');
    fs.writeFileSync(notes, 'not a database'.repeat(100));
    const notLibrary = cli('jobs', '--db', notes);
    expect(notLibrary.status).toBe(3);
    expect(notLibrary.stderr).toMatch(/is not a Sleeve library/);
  });

  it('cancels cleanly on Ctrl-C sent to the whole process group, as a terminal does', async () => {
    const child = spawn(process.execPath, [...cliArgs, 'count', '100000', '--delay', '10', '--db', db, '--json'], {
      cwd: root,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // Wait until the worker has counted, so the signal lands mid-job.
    for (let i = 0; i < 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const check = cli('jobs', '--db', db, '--json');
      const { jobs } = lastJsonLine(check.stdout) as { jobs: Array<{ state: string; counters: { counted?: number } }> };
      if ((jobs[0]?.counters.counted ?? 0) > 0) break;
    }
    process.kill(-child.pid!, 'SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(stderr).toMatch(/Cancelling count/);
    expect(code).toBe(130);
    expect(lastJsonLine(stdout)).toMatchObject({ state: 'cancelled' });
  });
});
