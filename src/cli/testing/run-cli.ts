import { spawn } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../../..');

/**
 * The CLI as `npm run cli` runs it: the esbuild bundle in out/node, which the
 * test run's global setup (scripts/test-setup.mjs) brings up to date first.
 * Under tsx every start and every job worker compiled the sources again,
 * about a second and a half each, which was most of the CLI tests' time.
 */
export const CLI_ENTRY = path.join(ROOT, 'out/node/cli.js');

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `npm run cli -- ARGS` as a child process without blocking this one,
 * which may be serving the fakes the CLI talks to. env adds variables;
 * retries are quick so a test that makes a service fail does not wait.
 */
export function runCli(args: string[], options: { env?: Record<string, string>; input?: string } = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI_ENTRY, ...args], {
      cwd: ROOT,
      env: { ...process.env, SLEEVE_HTTP_RETRY_BASE_MS: '20', SLEEVE_HTTP_RETRIES: '1', ...options.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdin.end(options.input ?? '');
    child.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Every line of a --json output, parsed. */
export function jsonLines<T>(stdout: string): T[] {
  return stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as T);
}
