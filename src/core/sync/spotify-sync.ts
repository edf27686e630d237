import type { Library } from '../db/library';
import type { JobLogger } from '../jobs/types';
import type { ProgressTracker } from '../jobs/progress';
import { playlistDetail } from '../playlists/store';
import { SPOTIFY_ITEMS_PER_WRITE, SPOTIFY_PAGE_MAX_LIMIT, type SpotifyClient, type SpotifyPlaylistEntry } from '../sources/spotify';
import { countPlan, targetKey, type SyncPlan, type SyncPlanItem } from '../../shared/sync';
import { fingerprintOf, matchAll, saveMatch, SpotifyMatcher, spotifyUriOf, stillHolds, storedMatches, type SpotifyMatch, type SyncTrack } from './spotify-match';
import { ensureSyncTarget, forgetSyncedItems, markSynced, recordSyncedItems, saveSyncPlan, setRemoteId, syncedItems } from './targets';

export const SPOTIFY_TARGET = targetKey({ kind: 'spotify' });
export const DEFAULT_SPOTIFY_WORKERS = 5;

export interface SpotifySyncSession {
  db: Library;
  client: SpotifyClient;
  playlistId: number;
  dryRun: boolean;
  /** Remove every entry the local playlist lacks, not only those Sleeve added. */
  mirror: boolean;
  workers: number;
  signal: AbortSignal;
  progress: ProgressTracker;
  log: JobLogger;
}

export class SyncPlaylistGoneError extends Error {}

interface TrackRow {
  id: number;
  title: string | null;
  artist: string | null;
  album: string | null;
  duration_ms: number | null;
  isrc: string | null;
}

/** What the matcher searches with: enrichment's canonical names and ISRC where there are some, else the file's tags. */
function loadSyncTracks(db: Library, trackIds: readonly number[]): Map<number, SyncTrack> {
  const select = db.prepare(`
    SELECT t.id, COALESCE(m.title, t.title) AS title, COALESCE(m.artist, t.artist) AS artist, COALESCE(m.album, t.album) AS album,
           t.duration_ms, COALESCE(m.isrc, t.isrc) AS isrc
    FROM tracks t LEFT JOIN track_matches m ON m.track_id = t.id WHERE t.id = ?`);
  const out = new Map<number, SyncTrack>();
  for (const id of new Set(trackIds)) {
    const r = select.get(id) as TrackRow | undefined;
    if (!r) continue;
    const isrc = r.isrc?.trim().toUpperCase().replace(/[^A-Z0-9]/g, '') || null;
    out.set(id, { trackId: id, title: r.title, artist: r.artist, album: r.album, durationMs: r.duration_ms, isrc, knownUri: null });
  }
  return out;
}

interface Slot {
  entry: { position: number; trackId: number | null };
  track: SyncTrack;
}

/** The playlist's entries as matcher input, in order; entries sharing a track share one SyncTrack. */
function slotsOf(db: Library, playlistId: number): { name: string; slots: Slot[] } {
  const detail = playlistDetail(db, playlistId);
  if (!detail) throw new SyncPlaylistGoneError(`There is no playlist ${playlistId}; it may have been deleted.`);
  const tracks = loadSyncTracks(
    db,
    detail.entries.flatMap((e) => (e.trackId === null ? [] : [e.trackId])),
  );
  const slots = detail.entries.map((e): Slot => {
    const known = e.trackId === null ? undefined : tracks.get(e.trackId);
    if (known) return { entry: e, track: known };
    // No file in the library: the line itself may name a Spotify track, or its #EXTINF the song.
    const durationMs = e.extinf.durationSeconds !== null && e.extinf.durationSeconds > 0 ? Math.round(e.extinf.durationSeconds * 1000) : null;
    return {
      entry: e,
      track: { trackId: null, title: e.extinf.title, artist: e.extinf.artist, album: null, durationMs, isrc: null, knownUri: spotifyUriOf(e.location) },
    };
  });
  return { name: detail.name, slots };
}

const MATCH_COUNTER: Record<SpotifyMatch['state'], 'matched' | 'review' | 'notFound' | 'deferred'> = {
  matched: 'matched',
  review: 'review',
  notFound: 'notFound',
  deferred: 'deferred',
};

/** Matches every entry (stored matches first, the rest in parallel) and keeps the answers. */
async function matchSlots(session: SpotifySyncSession, slots: readonly Slot[]): Promise<Map<SyncTrack, SpotifyMatch>> {
  const { db, progress } = session;
  const unique = [...new Set(slots.map((s) => s.track))];
  const stored = storedMatches(
    db,
    unique.flatMap((t) => (t.trackId === null ? [] : [t.trackId])),
  );
  progress.setTotal((progress.snapshot().total ?? 0) + unique.length);
  const results = new Map<SyncTrack, SpotifyMatch>();
  // Spotify not answering now says nothing about the answer it gave before: that one is kept, and stays stored.
  const answerOf = (track: SyncTrack, match: SpotifyMatch): SpotifyMatch => {
    const earlier = track.trackId === null ? undefined : stored.get(track.trackId);
    return match.state === 'deferred' && earlier?.state === 'matched' ? earlier : match;
  };
  const pending: SyncTrack[] = [];
  for (const track of unique) {
    const known = track.trackId === null ? undefined : stored.get(track.trackId);
    if (!track.knownUri && stillHolds(known, track)) {
      results.set(track, known);
      progress.add(MATCH_COUNTER[known.state]);
      progress.advance();
    } else {
      pending.push(track);
    }
  }
  if (pending.length > 0) progress.setMessage(`Matching ${pending.length} track${pending.length === 1 ? '' : 's'} on Spotify…`);
  const matcher = new SpotifyMatcher(session.client, session.signal);
  const matched = await matchAll(matcher, pending, {
    workers: session.workers,
    signal: session.signal,
    onSettled: (track, match, retried) => {
      if (track.trackId !== null && answerOf(track, match) === match) saveMatch(db, track.trackId, match, fingerprintOf(track));
      if (retried) {
        // The first attempt counted it deferred.
        progress.add('deferred', -1);
      } else {
        progress.advance();
      }
      progress.add(MATCH_COUNTER[match.state]);
    },
  });
  for (const [track, match] of matched) results.set(track, answerOf(track, match));
  return results;
}

async function remoteEntries(client: SpotifyClient, playlistId: string, signal: AbortSignal): Promise<SpotifyPlaylistEntry[] | null> {
  const entries: SpotifyPlaylistEntry[] = [];
  for (let offset = 0; ; offset += SPOTIFY_PAGE_MAX_LIMIT) {
    const page = await client.playlistItems(playlistId, { offset, limit: SPOTIFY_PAGE_MAX_LIMIT }, signal);
    if (page === null) return null;
    entries.push(...page.items);
    if (!page.hasNext || page.items.length === 0) return entries;
  }
}

const describe = (t: SyncTrack) => ({ title: t.title, artist: t.artist });

/** A remote entry still in place, claimed by at most one local entry. */
interface RemoteSlot {
  uri: string;
  claimed: boolean;
}

export interface SpotifyPlanResult {
  plan: SyncPlan;
  /** The remote playlist after removals, in order, with what each add goes after. */
  adds: Array<{ uri: string; after: RemoteSlot | null; trackId: number | null }>;
  remaining: RemoteSlot[];
  removals: string[];
  /** Entries that would go, kept because a track Spotify did not answer for may be one of them. */
  held: number;
}

/**
 * The diff between the local playlist and the remote one. Each local entry
 * claims an equal remote entry (unchanged) or is added after the entry before
 * it; a remote entry nobody claims is removed only if Sleeve added it, or in
 * mirror mode.
 */
export function planSpotify(
  name: string,
  playlistId: number,
  remoteId: string | null,
  slots: readonly Slot[],
  matches: ReadonlyMap<SyncTrack, SpotifyMatch>,
  remote: readonly SpotifyPlaylistEntry[],
  ours: ReadonlySet<string>,
  mirror: boolean,
): SpotifyPlanResult {
  const wanted = new Set<string>();
  // What a track waiting for the user's choice may turn out to be: kept until they choose.
  const undecided = new Set<string>();
  // A track Spotify did not answer for may be any entry there: nothing is removed until it does.
  let unanswered = false;
  for (const s of slots) {
    const m = matches.get(s.track);
    if (m?.state === 'matched' && m.uri) wanted.add(m.uri);
    else if (m?.state === 'review') for (const c of m.candidates) undecided.add(c.uri);
    else if (!m || m.state === 'deferred') unanswered = true;
  }
  const removals = new Set<string>();
  const removedItems: SyncPlanItem[] = [];
  const held = new Set<string>();
  for (const e of remote) {
    if (!e.uri || wanted.has(e.uri) || undecided.has(e.uri) || removals.has(e.uri)) continue;
    if (!mirror && !ours.has(e.uri)) continue;
    if (unanswered) {
      held.add(e.uri);
      continue;
    }
    removals.add(e.uri);
    removedItems.push({
      action: 'remove',
      trackId: null,
      item: e.uri,
      title: e.track?.name ?? null,
      artist: e.track?.artists.map((a) => a.name).join(', ') ?? null,
      reason: ours.has(e.uri) ? 'added by Sleeve' : 'mirror',
      score: null,
    });
  }
  const remaining: RemoteSlot[] = remote.filter((e) => e.uri && !removals.has(e.uri)).map((e) => ({ uri: e.uri!, claimed: false }));
  const byUri = new Map<string, RemoteSlot[]>();
  for (const slot of remaining) byUri.set(slot.uri, [...(byUri.get(slot.uri) ?? []), slot]);

  const items: SyncPlanItem[] = [];
  const adds: SpotifyPlanResult['adds'] = [];
  let previous: RemoteSlot | null = null;
  let previousAdd: SpotifyPlanResult['adds'][number] | null = null;
  for (const s of slots) {
    const m = matches.get(s.track);
    const base = { trackId: s.track.trackId, ...describe(s.track) };
    if (!m || m.state !== 'matched' || !m.uri) {
      const state = m?.state ?? 'notFound';
      items.push({ ...base, action: state === 'review' ? 'review' : 'unmatched', item: null, reason: state, score: m?.score ?? null });
      continue;
    }
    const free = byUri.get(m.uri)?.find((r) => !r.claimed);
    if (free) {
      free.claimed = true;
      previous = free;
      previousAdd = null;
      items.push({ ...base, action: 'unchanged', item: m.uri, reason: m.reason, score: m.score });
    } else {
      const add: SpotifyPlanResult['adds'][number] = { uri: m.uri, after: previousAdd ? previousAdd.after : previous, trackId: s.track.trackId };
      adds.push(add);
      previousAdd = add;
      items.push({ ...base, action: 'add', item: m.uri, reason: m.reason, score: m.score });
    }
  }
  const planItems = [...items, ...removedItems];
  return {
    plan: { playlistId, playlistName: name, target: SPOTIFY_TARGET, remoteId, items: planItems, counts: countPlan(planItems) },
    adds,
    remaining,
    removals: [...removals],
    held: held.size,
  };
}

/**
 * One playlist to Spotify: match, plan, then (unless a dry run) one pass of
 * writes: removals, then the additions in playlist order in runs of at most
 * 100 inserted where they belong. Each write is recorded as it lands and
 * none is cancelled half-way, so a cancelled sync leaves a consistent
 * playlist and the next one carries on from it. The playlist is made once
 * and then only ever updated.
 */
export async function syncToSpotify(session: SpotifySyncSession): Promise<SyncPlan> {
  const { db, client, signal, progress, log } = session;
  const { name, slots } = slotsOf(db, session.playlistId);
  progress.add('tracks', slots.length);
  const matches = await matchSlots(session, slots);
  const target = ensureSyncTarget(db, session.playlistId, SPOTIFY_TARGET);
  let remoteId = target.remoteId;
  let remote: SpotifyPlaylistEntry[] = [];
  if (remoteId && !signal.aborted) {
    progress.setMessage(`Reading the Spotify playlist '${name}'…`);
    const entries = await remoteEntries(client, remoteId, signal);
    if (entries === null) {
      log.warn(`The Spotify playlist Sleeve made for '${name}' is gone; the sync makes a new one.`);
      if (!session.dryRun) {
        setRemoteId(db, target.id, null);
        forgetSyncedItems(db, target.id, [...syncedItems(db, target.id).keys()]);
      }
      remoteId = null;
    } else {
      remote = entries;
    }
  }
  const ours = new Set(syncedItems(db, target.id).keys());
  const planned = planSpotify(name, session.playlistId, remoteId, slots, matches, remote, ours, session.mirror);
  saveSyncPlan(db, target.id, planned.plan.items);
  progress.add('unchanged', planned.plan.counts.unchanged);
  if (planned.held > 0) {
    log.warn(
      `'${name}': ${planned.held} ${planned.held === 1 ? 'entry' : 'entries'} Sleeve added would be removed, but Spotify did not answer for some tracks and they may be among them; the next sync removes what is still not wanted.`,
    );
  }
  if (session.dryRun || signal.aborted) return planned.plan;

  if (!remoteId) {
    progress.setMessage(`Making the Spotify playlist '${name}'…`);
    const made = await client.createPlaylist({ name, description: 'Synced from Sleeve.' });
    remoteId = made.id;
    // Kept before any item goes in, so a crash now cannot make a second playlist.
    setRemoteId(db, target.id, remoteId);
    planned.plan.remoteId = remoteId;
  }

  if (planned.removals.length > 0) progress.setMessage(`Removing ${planned.removals.length} entries from '${name}'…`);
  for (let i = 0; i < planned.removals.length && !signal.aborted; i += SPOTIFY_ITEMS_PER_WRITE) {
    const part = planned.removals.slice(i, i + SPOTIFY_ITEMS_PER_WRITE);
    // No signal: a write in flight completes, so no batch is ever half-applied.
    const done = await client.removePlaylistItems(remoteId, part);
    if (done === null) throw new SyncPlaylistGoneError(`The Spotify playlist for '${name}' was deleted during the sync; sync again to make a new one.`);
    forgetSyncedItems(db, target.id, part);
    progress.add('removed', part.length);
  }

  // Consecutive additions after the same remote entry go in as one run.
  const runs: Array<{ after: RemoteSlot | null; adds: SpotifyPlanResult['adds'] }> = [];
  for (const add of planned.adds) {
    const last = runs[runs.length - 1];
    if (last && last.after === add.after) last.adds.push(add);
    else runs.push({ after: add.after, adds: [add] });
  }
  const current: Array<RemoteSlot> = [...planned.remaining];
  if (planned.adds.length > 0) progress.setMessage(`Adding ${planned.adds.length} tracks to '${name}'…`);
  for (const run of runs) {
    let position = run.after === null ? 0 : current.indexOf(run.after) + 1;
    for (let i = 0; i < run.adds.length; i += SPOTIFY_ITEMS_PER_WRITE) {
      if (signal.aborted) return planned.plan;
      const part = run.adds.slice(i, i + SPOTIFY_ITEMS_PER_WRITE);
      const uris = part.map((a) => a.uri);
      // Appending needs no position; an insertion names it.
      const at = position >= current.length ? undefined : position;
      const done = await client.addPlaylistItems(remoteId, uris, undefined, at);
      if (done === null) throw new SyncPlaylistGoneError(`The Spotify playlist for '${name}' was deleted during the sync; sync again to make a new one.`);
      recordSyncedItems(db, target.id, part.map((a) => ({ item: a.uri, trackId: a.trackId })));
      const placed = uris.map((uri) => ({ uri, claimed: true }));
      current.splice(position, 0, ...placed);
      position += placed.length;
      progress.add('added', part.length);
    }
  }
  markSynced(db, target.id);
  return planned.plan;
}

export { loadSyncTracks };
