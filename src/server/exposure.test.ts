import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../core/version';
import { isAllowedHost, isAllowedOrigin } from './auth';
import { exposureWarning, isLoopbackHost, reachableUrls, servedHostNames, urlHost } from './exposure';

function serve(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', path.join('src', 'server', 'main.ts'), ...args], {
    cwd: packageRoot(),
    encoding: 'utf8',
  });
}

describe('where the server listens', () => {
  it('answers to the loopback names, and to the address it was bound to, but to no DNS name', () => {
    expect(isAllowedHost('127.0.0.1:4785', 4785)).toBe(true);
    expect(isAllowedHost('LOCALHOST:4785', 4785)).toBe(true);
    expect(isAllowedHost('[::1]:4785', 4785)).toBe(true);
    expect(isAllowedHost('127.0.0.1:4786', 4785)).toBe(false);
    expect(isAllowedHost('192.168.1.5:4785', 4785)).toBe(false);
    expect(isAllowedHost('192.168.1.5:4785', 4785, '192.168.1.5')).toBe(true);
    expect(isAllowedHost('localhost:4785', 4785, '192.168.1.5')).toBe(true);
    expect(isAllowedHost('evil.example:4785', 4785, '192.168.1.5')).toBe(false);
    expect(isAllowedHost('[fd00::5]:4785', 4785, 'fd00::5')).toBe(true);
    expect(isAllowedHost('192.168.1.5', 80, '192.168.1.5')).toBe(true);
    expect(isAllowedHost('192.168.1.5', 4785, '192.168.1.5')).toBe(false);
    expect(isAllowedHost(undefined, 4785)).toBe(false);
    expect(isAllowedOrigin('http://192.168.1.5:4785', 4785, '192.168.1.5')).toBe(true);
    expect(isAllowedOrigin('http://192.168.1.5:4785', 4785)).toBe(false);
    expect(isAllowedOrigin('https://192.168.1.5:4785', 4785, '192.168.1.5')).toBe(false);
  });

  it("on every interface, answers to this machine's own addresses only", () => {
    const names = servedHostNames('0.0.0.0');
    expect(names).toContain('127.0.0.1');
    expect(names.every((n) => n === 'localhost' || /^[\d.]+$|^\[[\da-f:.]+\]$/.test(n))).toBe(true);
    expect(reachableUrls('0.0.0.0', 4785)[0]).toBe('http://127.0.0.1:4785/');
    expect(reachableUrls('fd00::5', 4785)).toEqual(['http://[fd00::5]:4785/']);
  });

  it('knows loopback addresses from the rest', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '192.168.1.5', 'nas.local', '128.0.0.1']) expect(isLoopbackHost(host), host).toBe(false);
    expect(urlHost('FD00::5')).toBe('[fd00::5]');
  });

  it('warns what binding elsewhere means, and points to an SSH tunnel', () => {
    const warning = exposureWarning('0.0.0.0', 4785);
    expect(warning).toMatch(/^WARNING/);
    expect(warning).toMatch(/Anyone on that network who gets the URL reaches your library/);
    expect(warning).toMatch(/token is still required/);
    expect(warning).toContain('ssh -L 4785:127.0.0.1:4785');
  });
});

describe('npm run serve', () => {
  it('documents --root and --host', () => {
    const help = serve('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/--root PATH/);
    expect(help.stdout).toMatch(/--host ADDR/);
    expect(help.stdout).toMatch(/SSH tunnel/);
  });

  it('refuses a --root that is no folder', () => {
    const run = serve('--db', path.join('no', 'such', 'library.sqlite'), '--port', '0', '--root', path.join(packageRoot(), 'no-such-folder'));
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/--root .*no-such-folder: there is no such folder/);
  });
});
