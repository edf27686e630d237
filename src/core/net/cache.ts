import type { Library } from '../db/library';
import type { HttpResponse, SourceName } from './types';

/** Headers worth keeping with a cached answer; the rest describe the connection, not the content. */
const KEPT_HEADERS = ['content-type', 'location', 'last-modified', 'etag'];

/** Final answers worth remembering: content, 'there is none', and where something moved. */
const CACHEABLE_STATUSES = new Set([200, 203, 204, 301, 302, 303, 307, 308, 404, 410]);

export interface CacheStats {
  source: string;
  entries: number;
  bytes: number;
  expired: number;
}

interface CacheRow {
  status: number;
  headers: string;
  body: Buffer;
  expires_at: number;
}

/** The HTTP response cache in the library database. */
export class ResponseCache {
  private readonly getStmt;
  private readonly putStmt;

  constructor(
    private readonly db: Library,
    private readonly clock: () => number = Date.now,
  ) {
    this.getStmt = db.prepare<[string], CacheRow>('SELECT status, headers, body, expires_at FROM http_cache WHERE key = ?');
    this.putStmt = db.prepare(
      `INSERT INTO http_cache (key, source, status, headers, body, fetched_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET source = excluded.source, status = excluded.status, headers = excluded.headers,
         body = excluded.body, fetched_at = excluded.fetched_at, expires_at = excluded.expires_at`,
    );
  }

  static key(method: string, url: string, account?: string): string {
    return `${method} ${url}${account ? ` @${account}` : ''}`;
  }

  static cacheable(status: number): boolean {
    return CACHEABLE_STATUSES.has(status);
  }

  get(key: string, url: string): HttpResponse | null {
    const row = this.getStmt.get(key);
    if (!row || row.expires_at <= this.clock()) return null;
    return { status: row.status, url, headers: JSON.parse(row.headers) as Record<string, string>, body: row.body, fromCache: true };
  }

  put(key: string, source: SourceName, response: HttpResponse, ttlMs: number): void {
    if (ttlMs <= 0 || !ResponseCache.cacheable(response.status)) return;
    const headers: Record<string, string> = {};
    for (const name of KEPT_HEADERS) if (response.headers[name] !== undefined) headers[name] = response.headers[name];
    const now = this.clock();
    this.putStmt.run(key, source, response.status, JSON.stringify(headers), response.body, now, now + ttlMs);
  }

  delete(key: string): void {
    this.db.prepare('DELETE FROM http_cache WHERE key = ?').run(key);
  }

  /** Forgets every answer, or one source's. Returns how many were dropped. */
  clear(source?: SourceName): number {
    const result = source
      ? this.db.prepare('DELETE FROM http_cache WHERE source = ?').run(source)
      : this.db.prepare('DELETE FROM http_cache').run();
    return result.changes;
  }

  /** Drops expired answers, a bounded batch at a time so a worker never holds the write lock for long. */
  prune(batch = 5000): number {
    return this.db
      .prepare('DELETE FROM http_cache WHERE rowid IN (SELECT rowid FROM http_cache WHERE expires_at <= ? LIMIT ?)')
      .run(this.clock(), batch).changes;
  }

  stats(): CacheStats[] {
    return this.db
      .prepare(
        `SELECT source, COUNT(*) AS entries, COALESCE(SUM(LENGTH(body)), 0) AS bytes,
                SUM(CASE WHEN expires_at <= ? THEN 1 ELSE 0 END) AS expired
         FROM http_cache GROUP BY source ORDER BY source`,
      )
      .all(this.clock()) as CacheStats[];
  }
}
