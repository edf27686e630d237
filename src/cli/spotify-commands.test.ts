import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fakeServiceEnv, startFakes, type Fakes } from '../core/testing/fakes';
import { CLI_ENTRY, ROOT, runCli, type CliRun } from './testing/run-cli';

let dir: string;
let db: string;
let secretsFile: string;
let fakes: Fakes;

beforeAll(async () => {
  fakes = await startFakes({ seed: 5, catalogOptions: { artists: 2 } });
});
afterAll(() => fakes.close());
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-cli-spotify-'));
  db = path.join(dir, 'library.sqlite');
  secretsFile = path.join(dir, 'secrets.json');
});
afterEach(() => {
  fakes.spotifyAccounts.state.settings.denyAuthorization = false;
  fs.rmSync(dir, { recursive: true, force: true });
});

const env = () => ({ ...fakeServiceEnv(fakes.urls), SLEEVE_SECRETS: secretsFile });
const cli = (args: string[]) => runCli([...args, '--db', db], { env: env() });
const clientId = () => fakes.spotifyAccounts.state.settings.clientId;

/**
 * `spotify connect` waits for the browser: start it, read the address from
 * its stdout, open it as a browser would (fetch follows the fake's redirect
 * to the loopback callback), then wait for the exit.
 */
function connect(args: string[]): Promise<CliRun & { page: { status: number; text: string } | null }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI_ENTRY, 'spotify', 'connect', ...args, '--db', db], {
      cwd: ROOT,
      env: { ...process.env, ...env() },
    });
    let stdout = '';
    let stderr = '';
    let browser: Promise<{ status: number; text: string } | null> | null = null;
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      // Printed on a line of its own, or as {"authorizeUrl": …} with --json.
      const url = /(http[^\s"]+\/authorize\?[^\s"]+)/.exec(stdout)?.[1];
      if (url && !browser) browser = fetch(url).then(async (res) => ({ status: res.status, text: await res.text() }));
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdin.end();
    // Never leave a CLI waiting the full five minutes behind a failed test.
    const guard = setTimeout(() => child.kill(), 40_000);
    child.on('exit', async (status) => {
      clearTimeout(guard);
      resolve({ status, stdout, stderr, page: await (browser ?? Promise.resolve(null)) });
    });
  });
}

describe('spotify commands', () => {
  it('connects with a client ID, shows the status, and disconnects', async () => {
    const before = await cli(['spotify', 'status']);
    expect(before.status).toBe(0);
    expect(before.stdout).toMatch(/not connected, and no client ID yet.*http:\/\/127\.0\.0\.1\/callback/);

    const run = await connect(['--client-id', clientId()]);
    expect(run.stderr).toContain('Waiting for Spotify');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Open this address in your browser to let Sleeve use your Spotify account:');
    expect(run.stdout).toMatch(/^Connected\./m);
    expect(run.page).toMatchObject({ status: 200, text: expect.stringContaining('Sleeve is connected to Spotify') });
    const saved = JSON.parse(fs.readFileSync(secretsFile, 'utf8')) as Record<string, string>;
    expect(fakes.spotifyAccounts.state.refreshTokens.has(saved.spotifyRefreshToken!)).toBe(true);
    // Never printed.
    expect(run.stdout + run.stderr).not.toContain(saved.spotifyRefreshToken);

    const status = await cli(['spotify', 'status', '--json']);
    expect(JSON.parse(status.stdout.trim())).toMatchObject({ connected: true, clientIdSet: true, account: 'Fake User' });

    const off = await cli(['spotify', 'disconnect']);
    expect(off.status).toBe(0);
    expect((await cli(['spotify'])).stdout).toMatch(/^Spotify: not connected\. Run/);
  }, 60_000);

  it('fails with the reason when the user declines, and refuses bad usage', async () => {
    // No client ID given or saved yet: nothing to sign in with.
    const noId = await cli(['spotify', 'connect']);
    expect(noId.status).toBe(2);
    expect(noId.stderr).toMatch(/client ID of your Spotify app/);
    expect((await cli(['spotify', 'dance'])).status).toBe(2);

    fakes.spotifyAccounts.state.settings.denyAuthorization = true;
    const run = await connect(['--client-id', clientId(), '--json']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('Spotify sign-in was declined.');
    expect(JSON.parse(run.stdout.trim().split('\n').at(-1)!)).toMatchObject({ connected: false, lastError: 'Spotify sign-in was declined.' });
  }, 60_000);
});
