import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openLibrary, type Library } from '../db/library';
import { ProgressTracker } from '../jobs/progress';
import { ResponseCache } from '../net/cache';
import { openNetwork } from '../net/network';
import { generateCatalog, startFakes, type Fakes } from '../testing/fakes';
import { fillLibraryFromCatalog, type CatalogTrack } from '../years/testing/catalog-library';
import { setManualMatch, spotifyUriOf, storedMatches, type SpotifyMatch, type SyncTrack } from './spotify-match';
import { spotifySession } from './spotify-session';
import { planSpotify, SPOTIFY_TARGET, syncToSpotify } from './spotify-sync';
import { findSyncTarget, loadSyncPlan, syncedItems } from './targets';
import type { SpotifyClient } from '../sources/spotify';

const TEST_ENV = { SLEEVE_HTTP_RETRY_BASE_MS: '20', SLEEVE_HTTP_RETRIES: '2' };
const catalog = generateCatalog({ seed: 83, artists: 10 });
let fakes: Fakes;
let dir: string;
let db: Library;
let tracks: CatalogTrack[];
const silent = { info() {}, warn() {}, error() {} };

beforeAll(async () => {
  fakes = await startFakes({ catalog, latencyMs: { min: 1, max: 5 } });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-spotify-sync-'));
});
afterAll(async () => {
  db?.close();
  await fakes.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  db?.close();
  db = openLibrary(path.join(dir, `${Math.random().toString(36).slice(2)}.sqlite`));
  tracks = fillLibraryFromCatalog(db, catalog, { tracks: 120, mbidShare: 0.3, seed: 9, messy: true });
  // Enrichment knows the ISRC of some tracks.
  const isrcOf = db.prepare('UPDATE tracks SET isrc = ? WHERE id = ?');
  tracks.forEach((t, i) => {
    const isrc = catalog.recordings.get(t.recordingId)?.isrcs[0];
    if (isrc && i % 3 === 0) isrcOf.run(isrc, t.id);
  });
  fakes.resetStats();
  fakes.spotify.state.playlists.clear();
});

function makePlaylist(name: string, trackIds: number[]): number {
  const now = Date.now();
  const id = Number(db.prepare('INSERT INTO playlists (name, created_at, updated_at) VALUES (?, ?, ?)').run(name, now, now).lastInsertRowid);
  const insert = db.prepare(
    "INSERT INTO playlist_entries (playlist_id, position, track_id, location, resolution) VALUES (?, ?, ?, (SELECT path FROM tracks WHERE id = ?), 'path')",
  );
  trackIds.forEach((t, i) => insert.run(id, i, t, t));
  return id;
}

function setEntries(playlistId: number, trackIds: number[]): void {
  db.prepare('DELETE FROM playlist_entries WHERE playlist_id = ?').run(playlistId);
  const insert = db.prepare(
    "INSERT INTO playlist_entries (playlist_id, position, track_id, location, resolution) VALUES (?, ?, ?, (SELECT path FROM tracks WHERE id = ?), 'path')",
  );
  trackIds.forEach((t, i) => insert.run(playlistId, i, t, t));
}

function client(secrets = connect(), saved: Record<string, string> = {}): SpotifyClient {
  const sources = Object.fromEntries(Object.entries(fakes.urls).map(([name, baseUrl]) => [name, { baseUrl, rate: 0 }]));
  const net = openNetwork({ db, env: TEST_ENV, params: { sources }, secrets, count: () => {} });
  return spotifySession(net, secrets, (name, value) => (saved[name] = value));
}

function connect() {
  const issued = fakes.spotify.state.issueToken();
  return { spotifyClientId: fakes.spotify.state.settings.clientId, spotifyRefreshToken: issued.refreshToken };
}

async function sync(playlistId: number, options: { dryRun?: boolean; mirror?: boolean; signal?: AbortSignal; api?: SpotifyClient } = {}) {
  const progress = new ProgressTracker();
  const plan = await syncToSpotify({
    db,
    client: options.api ?? client(),
    playlistId,
    dryRun: options.dryRun ?? false,
    mirror: options.mirror ?? false,
    workers: 5,
    signal: options.signal ?? new AbortController().signal,
    progress,
    log: silent,
  });
  return { plan, counters: progress.snapshot().counters };
}

const remotePlaylist = () => [...fakes.spotify.state.playlists.values()];
const writes = () => (fakes.spotify.stats.byMethod.POST ?? 0) + (fakes.spotify.stats.byMethod.DELETE ?? 0) + (fakes.spotify.stats.byMethod.PUT ?? 0);
const searches = () => fakes.spotify.stats.byRoute['/v1/search'] ?? 0;

describe('sync to Spotify', () => {
  it('plans without writing, applies in playlist order, matches no wrong recording, and a second sync writes nothing', async () => {
    const ids = tracks.slice(0, 80).map((t) => t.id);
    const playlistId = makePlaylist('Road Trip', ids);

    const dry = await sync(playlistId, { dryRun: true });
    expect(remotePlaylist()).toHaveLength(0);
    expect(writes()).toBe(0);
    expect(dry.plan.counts.add).toBeGreaterThan(50);
    expect(dry.plan.counts.add + dry.plan.counts.unmatched + dry.plan.counts.review).toBe(80);
    expect(dry.counters.tracks).toBe(80);
    expect(loadSyncPlan(db, playlistId, SPOTIFY_TARGET)?.counts).toEqual(dry.plan.counts);

    // Every match is the recording the file came from.
    const byTrack = new Map(tracks.map((t) => [t.id, t.recordingId]));
    const matches = storedMatches(db, ids);
    const wrong = [...matches].filter(([id, m]) => {
      if (m.state !== 'matched') return false;
      const spotifyId = m.uri!.split(':')[2]!;
      return catalog.spotify.tracks.get(spotifyId)?.mbRecordingId !== byTrack.get(id);
    });
    expect(wrong).toEqual([]);
    const reasons = new Set([...matches.values()].filter((m) => m.state === 'matched').map((m) => m.reason));
    expect(reasons).toContain('isrc');
    expect(reasons).toContain('exact');
    expect([...reasons].every((r) => ['isrc', 'exact', 'fuzzy'].includes(r))).toBe(true);

    fakes.resetStats();
    const applied = await sync(playlistId);
    expect(searches()).toBe(0); // The dry run's matches are kept.
    const [remote] = remotePlaylist();
    const expected = applied.plan.items.filter((i) => i.action === 'add').map((i) => i.item);
    expect(remote!.items.map((i) => i.uri)).toEqual(expected);
    expect(remote!.name).toBe('Road Trip');
    expect(applied.counters.added).toBe(expected.length);
    // One create, then adds in runs of at most 100.
    expect(fakes.spotify.stats.byMethod.POST).toBe(1 + Math.ceil(expected.length / 100));

    fakes.resetStats();
    const again = await sync(playlistId);
    expect(writes()).toBe(0);
    expect(searches()).toBe(0);
    expect(again.plan.counts.add).toBe(0);
    expect(again.plan.counts.unchanged).toBe(expected.length);
    expect(remotePlaylist()).toHaveLength(1);
  });

  it('removes only what Sleeve added (or everything else in a mirror) and inserts new tracks where they belong', async () => {
    const ids = tracks.slice(0, 30).map((t) => t.id);
    const playlistId = makePlaylist('Edits', ids);
    await sync(playlistId);
    const [remote] = remotePlaylist();
    const before = remote!.items.map((i) => i.uri);
    // The user adds a song on Spotify by hand.
    const foreign = `spotify:track:${[...catalog.spotify.tracks.keys()].find((id) => !before.includes(`spotify:track:${id}`))}`;
    remote!.items.push({ uri: foreign, addedAt: new Date().toISOString(), addedBy: 'someone' });

    const matched = storedMatches(db, ids);
    const uriOf = (id: number) => matched.get(id)?.uri ?? null;
    const dropped = ids.find((id) => uriOf(id) !== null)!;
    const newcomer = tracks.slice(40).find((t) => !ids.includes(t.id))!.id;
    const next = ids.filter((id) => id !== dropped);
    next.splice(5, 0, newcomer);
    setEntries(playlistId, next);

    fakes.resetStats();
    const { plan } = await sync(playlistId);
    expect(plan.items.filter((i) => i.action === 'remove').map((i) => i.item)).toEqual([uriOf(dropped)]);
    const after = remote!.items.map((i) => i.uri);
    expect(after).toContain(foreign);
    expect(after).not.toContain(uriOf(dropped));
    const newUri = storedMatches(db, [newcomer]).get(newcomer)?.uri;
    if (newUri) {
      // Right after the entry before it in the local playlist.
      const previous = next.slice(0, 5).reverse().map(uriOf).find((u) => u !== null);
      expect(after.indexOf(newUri)).toBe(after.indexOf(previous!) + 1);
    }
    const now = storedMatches(db, next);
    expect(after.filter((u) => u !== foreign)).toEqual(next.map((id) => now.get(id)?.uri ?? null).filter((u) => u !== null));

    await sync(playlistId, { mirror: true });
    expect(remote!.items.map((i) => i.uri)).not.toContain(foreign);
  });

  it('a cancel between batches leaves whole batches, and the next sync finishes in order', async () => {
    const ids = tracks.slice(0, 120).map((t) => t.id);
    const playlistId = makePlaylist('Long', ids);
    await sync(playlistId, { dryRun: true });
    const abort = new AbortController();
    const api = client();
    const add = api.addPlaylistItems.bind(api);
    api.addPlaylistItems = async (...args) => {
      const done = await add(...args);
      abort.abort();
      return done;
    };
    await sync(playlistId, { signal: abort.signal, api });
    const [remote] = remotePlaylist();
    expect(remote!.items).toHaveLength(100);
    const target = findSyncTarget(db, playlistId, SPOTIFY_TARGET)!;
    expect(syncedItems(db, target.id).size).toBe(100);

    const { plan } = await sync(playlistId);
    const wanted = plan.items.filter((i) => i.action === 'add' || i.action === 'unchanged').map((i) => i.item);
    expect(remote!.items.map((i) => i.uri)).toEqual(wanted);
  });

  it('remembers a manual match, and keeps a rotated refresh token', async () => {
    const ids = tracks.slice(0, 5).map((t) => t.id);
    const playlistId = makePlaylist('Manual', ids);
    const someTrack = [...catalog.spotify.tracks.keys()][3]!;
    setManualMatch(db, ids[0]!, `https://open.spotify.com/track/${someTrack}?si=abc`);
    expect(() => setManualMatch(db, ids[1]!, 'not a link')).toThrow(/Spotify track/);
    fakes.spotify.state.settings.rotateRefreshTokens = true;
    const saved: Record<string, string> = {};
    const secrets = connect();
    try {
      const { plan } = await sync(playlistId, { api: client(secrets, saved) });
      expect(plan.items[0]).toMatchObject({ item: `spotify:track:${someTrack}`, reason: 'manual' });
      expect(saved.spotifyRefreshToken).toBeDefined();
      expect(saved.spotifyRefreshToken).not.toBe(secrets.spotifyRefreshToken);
    } finally {
      fakes.spotify.state.settings.rotateRefreshTokens = false;
    }
  });

  it('waits out 429 Too Many Requests as Retry-After says and loses no track to it', async () => {
    const ids = tracks.slice(0, 10).map((t) => t.id);
    const calm = await sync(makePlaylist('Calm', ids), { dryRun: true });
    // Forget the matches and the cached answers, so every search is asked again.
    db.prepare('DELETE FROM spotify_matches').run();
    new ResponseCache(db).clear('spotify');
    fakes.spotify.switches.rateLimit = { limit: 3, windowMs: 1000, reject: true, style: '429', retryAfter: 1 };
    try {
      fakes.resetStats();
      const busy = await sync(makePlaylist('Busy', ids), { dryRun: true });
      expect(fakes.spotify.stats.byStatus['429'] ?? 0).toBeGreaterThan(0);
      expect(busy.counters.deferred ?? 0).toBe(0);
      expect(busy.plan.items.map((i) => i.item)).toEqual(calm.plan.items.map((i) => i.item));
    } finally {
      fakes.spotify.switches.rateLimit = null;
    }
  }, 60_000);

  it("keeps a track's earlier match, and its place on Spotify, while Spotify does not answer for it", async () => {
    const ids = tracks.slice(0, 6).map((t) => t.id);
    const playlistId = makePlaylist('Kept', ids);
    await sync(playlistId);
    const before = remotePlaylist()[0]!.items.map((i) => i.uri);
    const matchedBefore = storedMatches(db, ids);
    // A matched track with no ISRC (its search would come from the response cache) gets new tags,
    // so it is searched again, and every search now fails.
    const changed = ids.find((id) => matchedBefore.get(id)?.state === 'matched' && !(db.prepare('SELECT isrc FROM tracks WHERE id = ?').get(id) as { isrc: string | null }).isrc)!;
    db.prepare("UPDATE tracks SET title = title || ' Live at Kew' WHERE id = ?").run(changed);
    fakes.spotify.switches.storm = { status: 429, retryAfter: 0, match: (r) => r.path === '/v1/search' && (r.query.get('q') ?? '').includes('Kew') };
    try {
      // The network layer holds Spotify off for the rest of the run, so reading the playlist fails too: nothing is written.
      await expect(sync(playlistId)).rejects.toThrow(/Spotify is unreachable/);
    } finally {
      fakes.spotify.switches.storm = null;
    }
    expect(remotePlaylist()[0]!.items.map((i) => i.uri)).toEqual(before);
    expect(storedMatches(db, [changed]).get(changed)).toMatchObject({ state: 'matched', uri: matchedBefore.get(changed)!.uri });
  }, 60_000);

  it('defers tracks while Spotify fails and retries them once at the end', async () => {
    const ids = tracks.slice(0, 20).map((t) => t.id);
    const playlistId = makePlaylist('Flaky', ids);
    fakes.spotify.switches.storm = { status: 503, count: 6, match: (r) => r.path === '/v1/search' };
    try {
      const { counters } = await sync(playlistId, { dryRun: true });
      expect(counters.deferred ?? 0).toBe(0);
      expect((counters.matched ?? 0) + (counters.notFound ?? 0) + (counters.review ?? 0)).toBe(20);
    } finally {
      fakes.spotify.switches.storm = null;
    }
  });
});

describe('planSpotify removals', () => {
  const track = (id: number): SyncTrack => ({ trackId: id, title: `Song ${id}`, artist: 'Ann', album: null, durationMs: null, isrc: null, knownUri: null });
  const uri = (id: number) => `spotify:track:${id}`;
  const matched = (id: number): SpotifyMatch => ({ state: 'matched', uri: uri(id), reason: 'exact', score: 1, candidates: [] });
  const remote = (ids: number[]) => ids.map((id) => ({ uri: uri(id), track: null }) as unknown as Parameters<typeof planSpotify>[5][number]);
  const plan = (matches: Array<[SyncTrack, SpotifyMatch]>, there: number[], ours: number[], mirror = false) =>
    planSpotify('P', 1, 'remote', matches.map(([t], i) => ({ entry: { position: i, trackId: t.trackId }, track: t })), new Map(matches), remote(there), new Set(ours.map(uri)), mirror);

  it("removes what Sleeve added and the playlist no longer has, but nothing while a track's answer is outstanding", () => {
    const [a, b] = [track(1), track(2)];
    expect(plan([[a, matched(1)]], [1, 9], [1, 9]).removals).toEqual([uri(9)]);
    // b: Spotify did not answer now; 9 may be b's entry, so it stays this time, mirror or not.
    const deferred: SpotifyMatch = { state: 'deferred', uri: null, reason: 'deferred', score: null, candidates: [] };
    const held = plan([[a, matched(1)], [b, deferred]], [1, 9, 8], [1, 9], true);
    expect(held.removals).toEqual([]);
    expect(held.held).toBe(2);
  });

  it('keeps an entry a track waiting for review may turn out to be', () => {
    const b = track(2);
    const review: SpotifyMatch = {
      state: 'review',
      uri: null,
      reason: 'review',
      score: 0.7,
      candidates: [{ uri: uri(9), name: 'Song 2', artists: ['Ann'], album: 'X', durationMs: 1, score: 0.7 }],
    };
    expect(plan([[b, review]], [9, 8], [9, 8]).removals).toEqual([uri(8)]);
  });
});

describe('spotifyUriOf', () => {
  it('reads spotify: URIs and open.spotify.com links, nothing else', () => {
    expect(spotifyUriOf('spotify:track:4uLU6hMCjMI75M1A2tKUQC')).toBe('spotify:track:4uLU6hMCjMI75M1A2tKUQC');
    expect(spotifyUriOf('https://open.spotify.com/intl-de/track/4uLU6hMCjMI75M1A2tKUQC?si=x')).toBe('spotify:track:4uLU6hMCjMI75M1A2tKUQC');
    expect(spotifyUriOf('/music/a.flac')).toBeNull();
    expect(spotifyUriOf('spotify:album:4uLU6hMCjMI75M1A2tKUQC')).toBeNull();
  });
});
