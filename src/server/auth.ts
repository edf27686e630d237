import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

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
 * Only our own host names are served: a page elsewhere that rebinds its DNS
 * name to 127.0.0.1 sends its own Host header and is turned away.
 */
export function isAllowedHost(hostHeader: string | undefined, port: number): boolean {
  if (!hostHeader) return false;
  return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(hostHeader.toLowerCase());
}

/** A WebSocket may only be opened by our own page. */
export function isAllowedOrigin(origin: string | undefined, port: number): boolean {
  if (origin === undefined) return true; // not a browser: the token alone decides
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' && isAllowedHost(url.host, port);
  } catch {
    return false;
  }
}
