/**
 * The one migration list. Append only: a shipped migration is never edited,
 * because libraries out there have already run it.
 */
export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'job history and settings',
    sql: `
      CREATE TABLE jobs (
        id          INTEGER PRIMARY KEY,
        kind        TEXT    NOT NULL,
        params      TEXT    NOT NULL,
        priority    TEXT    NOT NULL CHECK (priority IN ('user', 'background')),
        state       TEXT    NOT NULL CHECK (state IN ('queued', 'running', 'done', 'cancelled', 'failed')),
        created_at  INTEGER NOT NULL,
        started_at  INTEGER,
        ended_at    INTEGER,
        progress    TEXT,
        error       TEXT,
        owner_pid   INTEGER
      );
      CREATE INDEX jobs_by_state ON jobs (state);

      CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `,
  },
];

export const LATEST_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);
