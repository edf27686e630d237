import type { z } from 'zod';
import { SOURCE_LABELS } from '../../shared/network';
import type { HttpResponse, SourceName } from './types';

export { SOURCE_LABELS };

/**
 * The service could not answer now: offline, timed out, overloaded or still
 * rate-limiting after the retries. The item is retried by a later run; it is
 * never recorded as 'not found'.
 */
export class DeferredError extends Error {
  constructor(
    readonly source: SourceName,
    message: string,
    /** When the service said to come back (Retry-After), if it did. */
    readonly retryAt: number | null = null,
  ) {
    super(message);
    this.name = 'DeferredError';
  }
}

/** A final answer Sleeve cannot use for this item (400, 401, 403...): a per-item error. */
export class HttpStatusError extends Error {
  constructor(
    readonly source: SourceName,
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpStatusError';
  }
}

/** The body is not what the service's format says: a per-item error, never a crash. */
export class MalformedResponseError extends Error {
  constructor(
    readonly source: SourceName,
    message: string,
  ) {
    super(message);
    this.name = 'MalformedResponseError';
  }
}

/**
 * Parses a JSON body with a schema. Whatever is wrong with it (not JSON, a
 * missing field, a wrong type) becomes one clear MalformedResponseError.
 */
export function parseJsonBody<T>(source: SourceName, response: HttpResponse, schema: z.ZodType<T>, what: string): T {
  let json: unknown;
  try {
    json = JSON.parse(response.body.toString('utf8'));
  } catch {
    response.discard?.();
    const start = response.body.toString('utf8', 0, 40).replace(/\s+/g, ' ');
    throw new MalformedResponseError(
      source,
      `${SOURCE_LABELS[source]} sent ${what} that is not JSON (status ${response.status}, starts '${start}') from ${response.url}`,
    );
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    response.discard?.();
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    throw new MalformedResponseError(
      source,
      `${SOURCE_LABELS[source]} sent ${what} Sleeve cannot read${where}: ${issue?.message ?? 'unexpected shape'} (${response.url})`,
    );
  }
  return parsed.data;
}

/**
 * A final non-2xx answer the caller did not expect, as a per-item error: in
 * the service's own words when the caller could read them (detail),
 * otherwise the start of the body, and with advice on what to do.
 */
export function unexpectedStatus(
  source: SourceName,
  response: HttpResponse,
  what: string,
  detail: string | null = null,
  advice?: string,
): HttpStatusError {
  const text = detail ?? response.body.toString('utf8', 0, 200).replace(/\s+/g, ' ').trim();
  return new HttpStatusError(
    source,
    response.status,
    `${SOURCE_LABELS[source]} refused ${what} with ${response.status}${text ? `: ${text}` : ''} (${response.url})${advice ? `. ${advice}` : ''}`,
  );
}
