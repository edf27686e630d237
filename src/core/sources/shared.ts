import { z } from 'zod';
import { parseJsonBody, unexpectedStatus } from '../net/errors';
import type { HttpRequest, HttpResponse, SourceHttp } from '../net/types';

export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

/**
 * Reads the service's own error message from a JSON error body (each service
 * has its shape; `pick` extracts it). Null when the body is not such JSON.
 */
export function jsonErrorMessage(response: HttpResponse, pick: (json: unknown) => string | null): string | null {
  try {
    return pick(JSON.parse(response.body.toString('utf8')));
  } catch {
    return null;
  }
}

/**
 * One request whose 2xx body is JSON: 404 → null, other non-2xx → error,
 * body problems → MalformedResponseError. DeferredError and AbortError from
 * the HTTP layer pass through untouched.
 */
export async function requestJson<T>(
  http: SourceHttp,
  request: HttpRequest,
  schema: z.ZodType<T>,
  what: string,
  signal?: AbortSignal,
): Promise<T | null> {
  const response = await http.request(request, signal);
  if (response.status === 404) return null;
  if (!isSuccess(response.status)) {
    throw unexpectedStatus(http.source, response, what);
  }
  return parseJsonBody(http.source, response, schema, what);
}

/** Strips HTML tags and collapses whitespace, for services that answer errors in HTML. */
export function htmlText(html: string): string {
  return html
    .replace(/<title>[\s\S]*?<\/title>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function clampInt(value: number | undefined, min: number, max: number, fallback: number): number {
  if (value === undefined || !Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, Math.trunc(value)));
}

/** A string that may be missing or null; '' is kept. */
export const optString = z
  .string()
  .nullish()
  .transform((v) => v ?? null);

/** A string where '' means nothing too. */
export const optText = z
  .string()
  .nullish()
  .transform((v) => (v === undefined || v === null || v.trim() === '' ? null : v));

export const optNumber = z
  .number()
  .nullish()
  .transform((v) => v ?? null);

export const optBoolean = z
  .boolean()
  .nullish()
  .transform((v) => v ?? null);

export const stringList = z
  .array(z.string())
  .nullish()
  .transform((v) => v ?? []);

/**
 * A number the service sends as a string ("2016"), a number or nothing.
 * `zeroIsNull` for fields where 0 stands for 'unknown' (years, durations).
 */
export function numericString(zeroIsNull: boolean) {
  return z
    .union([z.string(), z.number()])
    .nullish()
    .transform((v): number | null => {
      if (v === undefined || v === null) return null;
      const n = typeof v === 'number' ? v : v.trim() === '' ? Number.NaN : Number(v.trim());
      if (!Number.isFinite(n)) return null;
      if (zeroIsNull && n === 0) return null;
      return n;
    });
}

/** An id some services send as a number and others as a string. */
export const idString = z.union([z.string().min(1), z.number()]).transform((v) => String(v));
