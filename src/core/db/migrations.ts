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
  {
    version: 2,
    description: 'library roots and tracks',
    sql: `
      CREATE TABLE roots (
        id        INTEGER PRIMARY KEY,
        path      TEXT    NOT NULL UNIQUE,
        added_at  INTEGER NOT NULL
      );

      -- One row per audio file Sleeve has seen. A row is never deleted by a
      -- scan: a vanished file becomes 'missing', a moved one keeps its row.
      CREATE TABLE tracks (
        id                  INTEGER PRIMARY KEY,
        path                TEXT    NOT NULL UNIQUE,
        folder              TEXT    NOT NULL,
        size                INTEGER NOT NULL,
        mtime_ms            INTEGER NOT NULL,
        status              TEXT    NOT NULL CHECK (status IN ('ok', 'failed', 'missing')),
        error               TEXT,
        content_key         TEXT,
        format              TEXT,
        codec               TEXT,
        lossless            INTEGER,
        bitrate             INTEGER,
        sample_rate         INTEGER,
        bits_per_sample     INTEGER,
        channels            INTEGER,
        duration_ms         INTEGER,
        title               TEXT,
        artist              TEXT,
        album               TEXT,
        album_artist        TEXT,
        track_no            INTEGER,
        track_total         INTEGER,
        disc_no             INTEGER,
        disc_total          INTEGER,
        tag_year            INTEGER,
        year                INTEGER,
        year_source         TEXT,
        genre               TEXT,
        isrc                TEXT,
        compilation         INTEGER NOT NULL DEFAULT 0,
        mb_recording_id     TEXT,
        mb_track_id         TEXT,
        mb_release_id       TEXT,
        mb_release_group_id TEXT,
        mb_artist_ids       TEXT,
        mb_album_artist_ids TEXT,
        has_art             INTEGER NOT NULL DEFAULT 0,
        first_seen          INTEGER NOT NULL,
        last_seen           INTEGER NOT NULL,
        parsed_at           INTEGER,
        missing_since       INTEGER
      );
      CREATE INDEX tracks_by_folder ON tracks (folder);
      CREATE INDEX tracks_by_content_key ON tracks (content_key) WHERE content_key IS NOT NULL;
      CREATE INDEX tracks_by_status ON tracks (status);
      CREATE INDEX tracks_by_artist ON tracks (artist COLLATE NOCASE, album COLLATE NOCASE, disc_no, track_no);
      CREATE INDEX tracks_by_album ON tracks (album COLLATE NOCASE, disc_no, track_no);
      CREATE INDEX tracks_by_title ON tracks (title COLLATE NOCASE);
      CREATE INDEX tracks_by_year ON tracks (year);
    `,
  },
  {
    version: 3,
    description: 'network: response cache and per-host rate gates',
    sql: `
      -- Answers from the web services, so a second run over the same library
      -- makes next to no requests. key is 'METHOD URL' (secrets masked), plus
      -- ' @account' where the answer depends on who asks.
      CREATE TABLE http_cache (
        key         TEXT    PRIMARY KEY,
        source      TEXT    NOT NULL,
        status      INTEGER NOT NULL,
        headers     TEXT    NOT NULL,
        body        BLOB    NOT NULL,
        fetched_at  INTEGER NOT NULL,
        expires_at  INTEGER NOT NULL
      );
      CREATE INDEX http_cache_by_expiry ON http_cache (expires_at);
      CREATE INDEX http_cache_by_source ON http_cache (source);

      -- One row per remote host: when the next request may start. Every
      -- process that opens the library reserves its slots here.
      CREATE TABLE rate_gates (
        host          TEXT    PRIMARY KEY,
        next_at       REAL    NOT NULL,
        interval_ms   REAL    NOT NULL,
        paused_until  REAL    NOT NULL DEFAULT 0
      );
    `,
  },
  {
    version: 4,
    description: 'release years with provenance, and listening history',
    sql: `
      -- year is the original year (what sorting and charts use); album_year
      -- the year of the release in hand. year_source says where year came
      -- from: tag, mbid, fuzzy-mb, theaudiodb, discogs or user (never replaced).
      -- year_state is the lookup's outcome: NULL (not looked up), found,
      -- notFound or deferred (the service could not answer: try again).
      ALTER TABLE tracks ADD COLUMN album_year INTEGER;
      ALTER TABLE tracks ADD COLUMN year_score REAL;
      ALTER TABLE tracks ADD COLUMN year_ids TEXT;
      ALTER TABLE tracks ADD COLUMN year_state TEXT;
      ALTER TABLE tracks ADD COLUMN year_checked_at INTEGER;
      CREATE INDEX tracks_by_year_state ON tracks (year_state);

      CREATE TABLE listens (
        id               INTEGER PRIMARY KEY,
        source           TEXT    NOT NULL CHECK (source IN ('listenbrainz', 'lastfm')),
        listened_at      INTEGER NOT NULL,
        artist           TEXT    NOT NULL,
        title            TEXT    NOT NULL,
        album            TEXT,
        duration_ms      INTEGER,
        mb_recording_id  TEXT,
        mb_release_id    TEXT,
        year             INTEGER,
        year_source      TEXT,
        year_score       REAL,
        year_ids         TEXT,
        album_year       INTEGER,
        year_state       TEXT,
        year_checked_at  INTEGER,
        imported_at      INTEGER NOT NULL,
        UNIQUE (listened_at, artist, title)
      );
      CREATE INDEX listens_by_year ON listens (year);
      CREATE INDEX listens_by_year_state ON listens (year_state);
    `,
  },
  {
    version: 5,
    description: 'albums, their matches and artwork, and the enrichment work queue',
    sql: `
      -- An album is a group of tracks (by release id, else folder, album tag
      -- and album artist, else folder). A row outlives its tracks, so a match
      -- the user confirmed and an artwork choice are never lost to a rescan.
      CREATE TABLE albums (
        id                   INTEGER PRIMARY KEY,
        group_key            TEXT    NOT NULL UNIQUE,
        title                TEXT,
        artist               TEXT,
        folder               TEXT    NOT NULL,
        track_count          INTEGER NOT NULL DEFAULT 0,
        year                 INTEGER,
        created_at           INTEGER NOT NULL,
        -- match_state: NULL (not tried), matched, review, notFound, deferred.
        match_state          TEXT,
        match_source         TEXT,
        match_score          REAL,
        match_confirmed      INTEGER NOT NULL DEFAULT 0,
        match_id             TEXT,
        mb_release_id        TEXT,
        mb_release_group_id  TEXT,
        match_candidates     TEXT,
        matched_at           INTEGER,
        -- art_state: NULL (not looked for), done, deferred. The choice is a
        -- content hash: the same picture from a later run is the same choice.
        art_state            TEXT,
        art_checked_at       INTEGER,
        art_choice           TEXT,
        art_chosen_by        TEXT CHECK (art_chosen_by IN ('default', 'user', 'bulk'))
      );
      CREATE INDEX albums_by_match_state ON albums (match_state);
      CREATE INDEX albums_by_artist ON albums (artist COLLATE NOCASE, title COLLATE NOCASE);

      ALTER TABLE tracks ADD COLUMN album_id INTEGER REFERENCES albums (id);
      CREATE INDEX tracks_by_album_id ON tracks (album_id);

      -- What enrichment found for a track: kept apart from the tags the file
      -- has, so write-back can show old against new.
      CREATE TABLE track_matches (
        track_id            INTEGER PRIMARY KEY REFERENCES tracks (id) ON DELETE CASCADE,
        album_id            INTEGER NOT NULL REFERENCES albums (id),
        source              TEXT    NOT NULL,
        score               REAL,
        mb_recording_id     TEXT,
        mb_track_id         TEXT,
        mb_release_id       TEXT,
        mb_release_group_id TEXT,
        mb_artist_ids       TEXT,
        mb_album_artist_ids TEXT,
        title               TEXT,
        artist              TEXT,
        album_artist        TEXT,
        album               TEXT,
        track_no            INTEGER,
        disc_no             INTEGER,
        isrc                TEXT,
        genres              TEXT,
        matched_at          INTEGER NOT NULL
      );
      CREATE INDEX track_matches_by_album ON track_matches (album_id);

      -- Every picture found for an album; the image and its thumbnail live
      -- in the artwork cache under content_hash.
      CREATE TABLE art_candidates (
        id            INTEGER PRIMARY KEY,
        album_id      INTEGER NOT NULL REFERENCES albums (id),
        source        TEXT    NOT NULL,
        ref           TEXT    NOT NULL,
        content_hash  TEXT    NOT NULL,
        mime          TEXT    NOT NULL,
        width         INTEGER NOT NULL,
        height        INTEGER NOT NULL,
        bytes         INTEGER NOT NULL,
        fingerprint   TEXT,
        front         INTEGER NOT NULL DEFAULT 1,
        fetched_at    INTEGER NOT NULL,
        UNIQUE (album_id, source, ref)
      );
      CREATE INDEX art_candidates_by_hash ON art_candidates (content_hash);

      -- The durable queue behind enrichment. One row per album and stage, so
      -- asking again only raises the priority (0 user, 1 new import, 2 backfill).
      CREATE TABLE work_queue (
        id           INTEGER PRIMARY KEY,
        stage        TEXT    NOT NULL CHECK (stage IN ('match', 'artwork')),
        album_id     INTEGER NOT NULL REFERENCES albums (id),
        priority     INTEGER NOT NULL,
        state        TEXT    NOT NULL CHECK (state IN ('queued', 'running', 'done', 'deferred', 'failed')),
        refresh      INTEGER NOT NULL DEFAULT 0,
        attempts     INTEGER NOT NULL DEFAULT 0,
        enqueued_at  INTEGER NOT NULL,
        updated_at   INTEGER NOT NULL,
        error        TEXT,
        UNIQUE (stage, album_id)
      );
      CREATE INDEX work_queue_next ON work_queue (stage, state, priority, id);
    `,
  },
  {
    version: 6,
    description: 'playlists imported from M3U/M3U8 files',
    sql: `
      -- source_path is the file a playlist came from: importing that file
      -- again updates this playlist rather than adding a second one. NULL
      -- for a playlist made in Sleeve (SQLite lets many rows share NULL).
      CREATE TABLE playlists (
        id           INTEGER PRIMARY KEY,
        name         TEXT    NOT NULL,
        source_path  TEXT    UNIQUE,
        created_at   INTEGER NOT NULL,
        updated_at   INTEGER NOT NULL
      );

      -- Keyed by position, not by track: a playlist may hold a track twice.
      -- location is the path or URL as the file wrote it, and the #EXTINF
      -- parts are kept, so an entry whose track is missing today can still
      -- be found by a later import or written back out unchanged.
      CREATE TABLE playlist_entries (
        playlist_id       INTEGER NOT NULL REFERENCES playlists (id) ON DELETE CASCADE,
        position          INTEGER NOT NULL,
        track_id          INTEGER REFERENCES tracks (id) ON DELETE SET NULL,
        location          TEXT    NOT NULL,
        line              INTEGER,
        extinf_artist     TEXT,
        extinf_title      TEXT,
        extinf_seconds    REAL,
        resolution        TEXT    NOT NULL CHECK (resolution IN ('path', 'relative', 'tags', 'missing')),
        PRIMARY KEY (playlist_id, position)
      );
      CREATE INDEX playlist_entries_by_track ON playlist_entries (track_id) WHERE track_id IS NOT NULL;
    `,
  },
  {
    version: 7,
    description: 'playlist sync: Spotify matches, sync targets and what Sleeve put there',
    sql: `
      -- One row per track: the Spotify track it is, or why not. fingerprint
      -- is the tags the match was made from: when they change, the track is
      -- matched again, unless the user chose (reason 'manual').
      CREATE TABLE spotify_matches (
        track_id     INTEGER PRIMARY KEY REFERENCES tracks (id) ON DELETE CASCADE,
        state        TEXT    NOT NULL CHECK (state IN ('matched', 'review', 'notFound', 'deferred')),
        uri          TEXT,
        reason       TEXT    NOT NULL CHECK (reason IN ('id', 'isrc', 'exact', 'fuzzy', 'manual', 'review', 'notFound', 'deferred')),
        score        REAL,
        candidates   TEXT,
        fingerprint  TEXT    NOT NULL,
        matched_at   INTEGER NOT NULL
      );

      -- A playlist synced to one place: 'spotify', or 'folder:' and an
      -- absolute path. remote_id is the Spotify playlist Sleeve made, so a
      -- later sync updates it and never makes a second one.
      CREATE TABLE sync_targets (
        id              INTEGER PRIMARY KEY,
        playlist_id     INTEGER NOT NULL REFERENCES playlists (id) ON DELETE CASCADE,
        target          TEXT    NOT NULL,
        remote_id       TEXT,
        last_synced_at  INTEGER,
        UNIQUE (playlist_id, target)
      );

      -- What Sleeve put in a target: Spotify URIs it added, or files it
      -- copied (item is the path under the folder). Only these are ever
      -- removed, unless the user asks for a mirror.
      CREATE TABLE sync_items (
        sync_target_id  INTEGER NOT NULL REFERENCES sync_targets (id) ON DELETE CASCADE,
        item            TEXT    NOT NULL,
        track_id        INTEGER REFERENCES tracks (id) ON DELETE SET NULL,
        source_size     INTEGER,
        source_mtime_ms INTEGER,
        added_at        INTEGER NOT NULL,
        PRIMARY KEY (sync_target_id, item)
      );

      -- The plan a dry run made, shown in the Sync dialog until the next run.
      CREATE TABLE sync_plan_items (
        sync_target_id  INTEGER NOT NULL REFERENCES sync_targets (id) ON DELETE CASCADE,
        seq             INTEGER NOT NULL,
        action          TEXT    NOT NULL CHECK (action IN ('add', 'remove', 'unchanged', 'unmatched', 'review')),
        track_id        INTEGER REFERENCES tracks (id) ON DELETE SET NULL,
        item            TEXT,
        title           TEXT,
        artist          TEXT,
        reason          TEXT,
        score           REAL,
        PRIMARY KEY (sync_target_id, seq)
      );
    `,
  },
  {
    version: 8,
    description: 'write-back: the undo journal, and the original year a file carries',
    sql: `
      -- The file's own original-year tag (TDOR, ORIGINALDATE...), so the
      -- write preview can tell it from the year Sleeve found.
      ALTER TABLE tracks ADD COLUMN tag_original_year INTEGER;

      -- One row per file a write job meant to change, before it is touched:
      -- the old values of the fields it changes, so Undo can put them back.
      -- kind 'coverFile' is a cover.jpg Sleeve put in a folder (undo removes it).
      -- state: pending (being written, or the writer died), written, undone,
      -- skipped or failed (error says why; the file is as it was).
      CREATE TABLE write_journal (
        id               INTEGER PRIMARY KEY,
        job_id           INTEGER,
        kind             TEXT    NOT NULL DEFAULT 'tags' CHECK (kind IN ('tags', 'coverFile')),
        track_id         INTEGER REFERENCES tracks (id) ON DELETE SET NULL,
        album_id         INTEGER,
        path             TEXT    NOT NULL,
        state            TEXT    NOT NULL CHECK (state IN ('pending', 'written', 'undone', 'skipped', 'failed')),
        old_values       TEXT    NOT NULL,
        new_values       TEXT    NOT NULL,
        -- JSON [{type, mime, description, blob}] when the pictures change; blob names a journal_blobs row.
        old_pictures     TEXT,
        old_id3v1        TEXT,
        old_id3_version  INTEGER,
        before_size      INTEGER,
        before_mtime_ms  INTEGER,
        after_size       INTEGER,
        after_mtime_ms   INTEGER,
        error            TEXT,
        created_at       INTEGER NOT NULL,
        written_at       INTEGER,
        undone_at        INTEGER,
        undo_job_id      INTEGER
      );
      CREATE INDEX write_journal_by_job ON write_journal (job_id);
      CREATE INDEX write_journal_by_track ON write_journal (track_id);
      CREATE INDEX write_journal_by_album ON write_journal (album_id);
      CREATE INDEX write_journal_by_state ON write_journal (state);

      -- Old embedded pictures, once per content (an album's files share one cover).
      CREATE TABLE journal_blobs (
        hash  TEXT PRIMARY KEY,
        data  BLOB NOT NULL
      );
    `,
  },
  {
    version: 9,
    description: "sync plans: the 'update' action (a playlist file or ReplayGain tags that change with no file copied)",
    // A saved plan only lasts until the next preview, so the table is remade rather than copied.
    sql: `
      DROP TABLE sync_plan_items;
      CREATE TABLE sync_plan_items (
        sync_target_id  INTEGER NOT NULL REFERENCES sync_targets (id) ON DELETE CASCADE,
        seq             INTEGER NOT NULL,
        action          TEXT    NOT NULL CHECK (action IN ('add', 'remove', 'update', 'unchanged', 'unmatched', 'review')),
        track_id        INTEGER REFERENCES tracks (id) ON DELETE SET NULL,
        item            TEXT,
        title           TEXT,
        artist          TEXT,
        reason          TEXT,
        score           REAL,
        PRIMARY KEY (sync_target_id, seq)
      );
    `,
  },
];

export const LATEST_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);
