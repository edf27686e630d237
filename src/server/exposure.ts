import net from 'node:net';
import os from 'node:os';

/** Where the server listens unless told otherwise: this machine only. */
export const DEFAULT_HOST = '127.0.0.1';

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/** 0.0.0.0 or :: (every interface). */
export function isWildcardHost(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}

export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost' || bare === '::1') return true;
  const v4 = bare.startsWith('::ffff:') ? bare.slice('::ffff:'.length) : bare;
  return net.isIPv4(v4) && v4.startsWith('127.');
}

/** An address as it stands in a URL or a Host header: IPv6 in brackets. */
export function urlHost(host: string): string {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  return net.isIPv6(bare) ? `[${bare.toLowerCase()}]` : bare.toLowerCase();
}

/** This machine's own addresses, for a server bound to every interface. */
function interfaceAddresses(): string[] {
  return Object.values(os.networkInterfaces())
    .flatMap((list) => list ?? [])
    .map((info) => urlHost(info.address));
}

/**
 * The host names (no port) a Host header may carry: the loopback names
 * always (an SSH tunnel arrives as localhost), and the literal address the
 * server is bound to, or for 0.0.0.0 and :: each address of this machine.
 * A DNS name that an attacker's page rebinds to us is never among them.
 */
export function servedHostNames(boundHost: string = DEFAULT_HOST): string[] {
  const names = new Set(LOOPBACK_NAMES);
  for (const name of isWildcardHost(boundHost) ? interfaceAddresses() : [urlHost(boundHost)]) names.add(name);
  return [...names];
}

/** The URLs a server bound to host can be opened at, the one to print first. */
export function reachableUrls(host: string, port: number): string[] {
  if (!isWildcardHost(host)) return [`http://${urlHost(host)}:${port}/`];
  const others = interfaceAddresses().filter((a) => !isLoopbackHost(a) && !a.startsWith('[fe80:'));
  return [`http://127.0.0.1:${port}/`, ...others.map((a) => `http://${a}:${port}/`)];
}

/** What a user who binds beyond the loopback interface must know, for stderr. */
export function exposureWarning(host: string, port: number): string {
  const where = isWildcardHost(host) ? `every network interface (${host})` : host;
  return [
    `WARNING: Sleeve is serving on ${where}, not only on this machine.`,
    'Anyone on that network who gets the URL reaches your library: its tags, playlists and settings, and the files',
    'under its folders, which the web UI can scan, write tags into and copy out. The access token is still required,',
    'but it travels over plain HTTP, so anyone who can watch the network can read it.',
    `Prefer an SSH tunnel: keep the default (${DEFAULT_HOST}) and run \`ssh -L ${port}:127.0.0.1:${port} THIS_MACHINE\``,
    `where your browser is, then open the printed URL there.`,
  ].join('\n');
}
