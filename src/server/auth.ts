import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { servedHostNames } from './exposure';

export const TOKEN_COOKIE = 'sleeve_token';

export function newAccessToken(): string {
  return randomBytes(24).toString('base64url');
}

function sameToken(given: string | undefined | null, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

export type AuthResult = 'cookie' | 'query' | 'header' | null;

/** Where the request proved it holds the token, or null if it did not. */
export function authenticate(req: IncomingMessage, url: URL, token: string): AuthResult {
  if (sameToken(cookieValue(req.headers.cookie, TOKEN_COOKIE), token)) return 'cookie';
  if (sameToken(url.searchParams.get('token'), token)) return 'query';
  const bearer = req.headers.authorization?.match(/^Bearer (.+)$/)?.[1];
  if (sameToken(bearer, token)) return 'header';
  return null;
}

/**
 * Only our own host names are served (the loopback names, and the address
 * given with --host): a page elsewhere that rebinds its DNS name to our
 * address sends its own Host header and is turned away.
 */
export function isAllowedHost(hostHeader: string | undefined, port: number, boundHost?: string): boolean {
  if (!hostHeader) return false;
  const given = hostHeader.toLowerCase();
  // A browser leaves out the port when it is HTTP's own.
  return servedHostNames(boundHost).some((name) => given === `${name}:${port}` || (port === 80 && given === name));
}

/** A WebSocket may only be opened by our own page. */
export function isAllowedOrigin(origin: string | undefined, port: number, boundHost?: string): boolean {
  if (origin === undefined) return true; // not a browser: the token alone decides
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' && isAllowedHost(url.host, port, boundHost);
  } catch {
    return false;
  }
}
