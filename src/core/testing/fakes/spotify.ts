/**
 * Fake Spotify: the accounts service (/authorize that redirects straight back
 * with a code, /api/token for PKCE and refresh grants) and the Web API
 * (/v1/search, /v1/tracks, /v1/albums, /v1/me, playlists and their items), as
 * a Development Mode app sees them since February 2026: search limit at most
 * 10, /playlists/{id}/items with 'items'/'item' fields, no available_markets
 * or popularity. Playlist state lives in memory for tests to inspect.
 */
import { createHash } from 'node:crypto';
import type { Catalog, SpotifyAlbum, SpotifyTrack } from './catalog';
import { analyze } from './lucene';
import { Prng } from './prng';
import { json, startFakeServer, text, type FakeHandler, type FakeRequest, type FakeResponse, type FakeServer, type FakeSwitches, type RateLimitSwitch } from './server';

export const SPOTIFY_SCOPES = ['playlist-read-private', 'playlist-read-collaborative', 'playlist-modify-private', 'playlist-modify-public', 'user-read-private'];

export interface SpotifyUser {
  id: string;
  displayName: string;
  country: string;
  email: string;
}

export interface PlaylistEntry {
  uri: string;
  addedAt: string;
  addedBy: string;
}

export interface Playlist {
  id: string;
  ownerId: string;
  name: string;
  description: string;
  public: boolean;
  collaborative: boolean;
  items: PlaylistEntry[];
  snapshotId: string;
  /** Successful writes to this playlist (create, add, replace, reorder, remove). */
  writes: number;
  createdAt: number;
}

export interface SpotifySettings {
  clientId: string;
  /** Registered redirect URIs; null accepts any loopback (127.0.0.1 / [::1]) URI on any port. */
  redirectUris: string[] | null;
  tokenTtlSec: number;
  /** Development Mode fields and limits (default); false gives the extended-quota shapes of the captures. */
  devMode: boolean;
  /** A refresh answers with a new refresh token and retires the old one. */
  rotateRefreshTokens: boolean;
  /** /authorize redirects back with error=access_denied. */
  denyAuthorization: boolean;
  /** Who logs in at /authorize (a request may pick another with the fake-only ?fake_user=). */
  loginAs: string;
}

interface AccessToken {
  userId: string;
  clientId: string;
  scope: string[];
  expiresAt: number;
}

interface AuthCode {
  userId: string;
  clientId: string;
  redirectUri: string;
  challenge: string;
  scope: string[];
  expiresAt: number;
}

export class SpotifyState {
  readonly settings: SpotifySettings;
  readonly users = new Map<string, SpotifyUser>();
  readonly playlists = new Map<string, Playlist>();
  readonly accessTokens = new Map<string, AccessToken>();
  readonly refreshTokens = new Map<string, Omit<AccessToken, 'expiresAt'>>();
  private readonly codes = new Map<string, AuthCode>();
  /** Successful playlist writes across all users. */
  writes = 0;
  private readonly rng: Prng;

  constructor(seed: number | string, settings: Partial<SpotifySettings> = {}) {
    this.rng = new Prng(`spotify-state:${seed}`);
    this.settings = {
      clientId: 'fake-spotify-client-id',
      redirectUris: null,
      tokenTtlSec: 3600,
      devMode: true,
      rotateRefreshTokens: true,
      denyAuthorization: false,
      loginAs: 'fakeuser',
      ...settings,
    };
  }

  user(id: string): SpotifyUser {
    let user = this.users.get(id);
    if (!user) {
      user = { id, displayName: id === 'fakeuser' ? 'Fake User' : id, country: 'SE', email: `${id}@example.invalid` };
      this.users.set(id, user);
    }
    return user;
  }

  /** Tokens without the browser flow, for tests that start already signed in. */
  issueToken(userId = this.settings.loginAs, scope: string[] = SPOTIFY_SCOPES, clientId = this.settings.clientId): { accessToken: string; refreshToken: string; expiresIn: number } {
    this.user(userId);
    const accessToken = `BQ${this.rng.base62(120)}`;
    const refreshToken = `AQ${this.rng.base62(130)}`;
    this.accessTokens.set(accessToken, { userId, clientId, scope, expiresAt: Date.now() + this.settings.tokenTtlSec * 1000 });
    this.refreshTokens.set(refreshToken, { userId, clientId, scope });
    return { accessToken, refreshToken, expiresIn: this.settings.tokenTtlSec };
  }

  /** Makes every access token issued so far expired (refresh tokens stay valid). */
  expireAccessTokens(): void {
    for (const token of this.accessTokens.values()) token.expiresAt = 0;
  }

  newCode(code: AuthCode): string {
    const id = `AQ${this.rng.base62(60)}`;
    this.codes.set(id, code);
    return id;
  }

  takeCode(id: string): AuthCode | undefined {
    const code = this.codes.get(id);
    this.codes.delete(id);
    return code && code.expiresAt > Date.now() ? code : undefined;
  }

  newId(): string {
    return this.rng.base62(22);
  }

  newSnapshot(): string {
    return this.rng.base62(32);
  }

  playlistsOf(userId: string): Playlist[] {
    return [...this.playlists.values()].filter((p) => p.ownerId === userId).sort((a, b) => b.createdAt - a.createdAt);
  }

  /** Creates a playlist directly (test setup); counts no write. */
  createPlaylist(ownerId: string, name: string, uris: string[] = [], options: Partial<Pick<Playlist, 'description' | 'public' | 'collaborative'>> = {}): Playlist {
    this.user(ownerId);
    const now = new Date().toISOString();
    const playlist: Playlist = {
      id: this.newId(),
      ownerId,
      name,
      description: options.description ?? '',
      public: options.public ?? true,
      collaborative: options.collaborative ?? false,
      items: uris.map((uri) => ({ uri, addedAt: now, addedBy: ownerId })),
      snapshotId: this.newSnapshot(),
      writes: 0,
      createdAt: this.playlists.size,
    };
    this.playlists.set(playlist.id, playlist);
    return playlist;
  }
}

const apiError = (status: number, message: string, headers: Record<string, string> = {}): FakeResponse => json(status, { error: { status, message } }, headers);
const authError = (error: string, description: string): FakeResponse => json(400, { error, error_description: description });

export function spotifyRateLimit(reject = false): RateLimitSwitch {
  return {
    limit: 100,
    windowMs: 30_000,
    reject,
    style: '429',
    retryAfter: 'auto',
    body: JSON.stringify({ error: { status: 429, message: 'API rate limit exceeded' } }),
    contentType: 'application/json; charset=utf-8',
  };
}

function isLoopback(uri: string): boolean {
  try {
    const u = new URL(uri);
    return u.protocol === 'http:' && (u.hostname === '127.0.0.1' || u.hostname === '[::1]');
  } catch {
    return false;
  }
}

function redirectAllowed(settings: SpotifySettings, uri: string): boolean {
  if (settings.redirectUris === null) return isLoopback(uri);
  return settings.redirectUris.some((allowed) => {
    if (allowed === uri) return true;
    // Loopback redirect URIs may use any port.
    if (!isLoopback(allowed) || !isLoopback(uri)) return false;
    const a = new URL(allowed);
    const b = new URL(uri);
    return a.hostname === b.hostname && a.pathname === b.pathname;
  });
}

export function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

export function spotifyAccountsHandler(state: SpotifyState): FakeHandler {
  return (request) => {
    const settings = state.settings;
    if (request.path === '/authorize' && request.method === 'GET') {
      const q = request.query;
      if (q.get('client_id') !== settings.clientId) return text(400, 'INVALID_CLIENT: Invalid client', 'text/html; charset=utf-8');
      const redirectUri = q.get('redirect_uri') ?? '';
      if (!redirectAllowed(settings, redirectUri)) return text(400, 'INVALID_CLIENT: Invalid redirect URI', 'text/html; charset=utf-8');
      const back = new URL(redirectUri);
      const stateParam = q.get('state');
      const fail = (error: string, description?: string): FakeResponse => {
        back.searchParams.set('error', error);
        if (description) back.searchParams.set('error_description', description);
        if (stateParam !== null) back.searchParams.set('state', stateParam);
        return { status: 302, headers: { Location: back.toString() } };
      };
      if (q.get('response_type') !== 'code') return fail('unsupported_response_type');
      const challenge = q.get('code_challenge');
      if (!challenge || q.get('code_challenge_method') !== 'S256') return fail('invalid_request', 'code_challenge and code_challenge_method=S256 are required');
      if (settings.denyAuthorization) return fail('access_denied');
      const userId = q.get('fake_user') ?? settings.loginAs;
      state.user(userId);
      const code = state.newCode({
        userId,
        clientId: settings.clientId,
        redirectUri,
        challenge,
        scope: (q.get('scope') ?? '').split(/\s+/).filter(Boolean),
        expiresAt: Date.now() + 10 * 60_000,
      });
      back.searchParams.set('code', code);
      if (stateParam !== null) back.searchParams.set('state', stateParam);
      return { status: 302, headers: { Location: back.toString() } };
    }

    if (request.path === '/api/token' && request.method === 'POST') {
      const form = new URLSearchParams(request.body.toString('utf8'));
      const grant = form.get('grant_type');
      if (!grant) return authError('unsupported_grant_type', 'grant_type parameter is missing');
      const clientId = form.get('client_id');
      if (!clientId || clientId !== settings.clientId) return authError('invalid_client', 'Invalid client');
      if (grant === 'authorization_code') {
        const verifier = form.get('code_verifier');
        if (!verifier) return authError('invalid_request', 'code_verifier required');
        const code = state.takeCode(form.get('code') ?? '');
        if (!code || code.clientId !== clientId) return authError('invalid_grant', 'Invalid authorization code');
        if (form.get('redirect_uri') !== code.redirectUri) return authError('invalid_grant', 'Invalid redirect URI');
        if (s256(verifier) !== code.challenge) return authError('invalid_grant', 'code_verifier was incorrect');
        const issued = state.issueToken(code.userId, code.scope, clientId);
        return json(200, { access_token: issued.accessToken, token_type: 'Bearer', expires_in: issued.expiresIn, refresh_token: issued.refreshToken, scope: code.scope.join(' ') });
      }
      if (grant === 'refresh_token') {
        const old = form.get('refresh_token') ?? '';
        const known = state.refreshTokens.get(old);
        if (!known || known.clientId !== clientId) return authError('invalid_grant', 'Invalid refresh token');
        const issued = state.issueToken(known.userId, known.scope, clientId);
        if (settings.rotateRefreshTokens) {
          state.refreshTokens.delete(old);
        } else {
          state.refreshTokens.delete(issued.refreshToken);
        }
        return json(200, {
          access_token: issued.accessToken,
          token_type: 'Bearer',
          expires_in: issued.expiresIn,
          ...(settings.rotateRefreshTokens ? { refresh_token: issued.refreshToken } : {}),
          scope: known.scope.join(' '),
        });
      }
      return authError('unsupported_grant_type', 'grant_type must be client_credentials, authorization_code or refresh_token');
    }
    return text(404, 'Not Found', 'text/html; charset=utf-8');
  };
}

const TRACK_URI = /^spotify:track:([0-9A-Za-z]{22})$/;
const MARKETS = ['DE', 'GB', 'SE', 'US'];

interface SearchTerms {
  filters: Array<{ field: string; value: string }>;
  free: string[];
}

/** Spotify's q: free words plus field filters (track:, artist:, album:, isrc:, year:, upc:), values quoted or not. */
export function parseSpotifyQuery(q: string): SearchTerms {
  const terms: SearchTerms = { filters: [], free: [] };
  const re = /(\w+):"([^"]*)"|(\w+):(\S+)|"([^"]*)"|(\S+)/g;
  const known = new Set(['track', 'artist', 'album', 'isrc', 'year', 'upc', 'genre', 'tag']);
  for (const m of q.matchAll(re)) {
    const field = (m[1] ?? m[3])?.toLowerCase();
    const value = m[2] ?? m[4];
    if (field && value !== undefined && known.has(field)) terms.filters.push({ field, value });
    else terms.free.push(m[0].replace(/"/g, ''));
  }
  return terms;
}

const covers = (have: ReadonlySet<string> | string, needle: string) => {
  const tokens = typeof have === 'string' ? new Set(analyze(have)) : have;
  return analyze(needle).every((t) => tokens.has(t));
};

/** A track's tokens, computed once per catalog version: search scans every track. */
interface TrackEntry {
  track: SpotifyTrack;
  album: SpotifyAlbum;
  name: Set<string>;
  nameKey: string;
  artists: Set<string>;
  artistKeys: string[];
  albumName: Set<string>;
  all: Set<string>;
}

export function spotifyApiHandler(catalog: Catalog, state: SpotifyState): FakeHandler {
  let indexVersion = -1;
  let index: TrackEntry[] = [];
  const trackIndex = (): TrackEntry[] => {
    if (indexVersion !== catalog.version) {
      index = [...catalog.spotify.tracks.values()].map((track) => {
        const album = catalog.spotify.albums.get(track.albumId)!;
        const artistNames = track.artistIds.map((id) => catalog.spotify.artists.get(id)?.name ?? '');
        const name = new Set(analyze(track.name));
        const artists = new Set(artistNames.flatMap((n) => analyze(n)));
        const albumName = new Set(analyze(album.name));
        return {
          track,
          album,
          name,
          nameKey: analyze(track.name).join(' '),
          artists,
          artistKeys: artistNames.map((n) => analyze(n).join(' ')),
          albumName,
          all: new Set([...name, ...artists, ...albumName]),
        };
      });
      indexVersion = catalog.version;
    }
    return index;
  };
  const artistJson = (id: string, base: string) => {
    const artist = catalog.spotify.artists.get(id);
    return { external_urls: { spotify: `https://open.spotify.com/artist/${id}` }, href: `${base}/v1/artists/${id}`, id, name: artist?.name ?? '', type: 'artist', uri: `spotify:artist:${id}` };
  };
  const imagesJson = (album: SpotifyAlbum) => [640, 300, 64].map((px) => ({ height: px, url: `https://i.scdn.co/image/fake-${album.id}-${px}`, width: px }));
  const albumHead = (album: SpotifyAlbum, base: string) => {
    const out: Record<string, unknown> = {
      album_type: album.albumType,
      artists: album.artistIds.map((id) => artistJson(id, base)),
    };
    if (!state.settings.devMode) out.available_markets = MARKETS;
    Object.assign(out, {
      external_urls: { spotify: `https://open.spotify.com/album/${album.id}` },
      href: `${base}/v1/albums/${album.id}`,
      id: album.id,
      images: imagesJson(album),
      name: album.name,
      release_date: album.releaseDate,
      release_date_precision: album.releaseDatePrecision,
      total_tracks: album.totalTracks,
      type: 'album',
      uri: `spotify:album:${album.id}`,
    });
    return out;
  };
  const trackJson = (track: SpotifyTrack, base: string, withAlbum = true) => {
    const out: Record<string, unknown> = {};
    if (withAlbum) out.album = albumHead(catalog.spotify.albums.get(track.albumId)!, base);
    out.artists = track.artistIds.map((id) => artistJson(id, base));
    if (!state.settings.devMode) out.available_markets = MARKETS;
    Object.assign(out, { disc_number: track.discNumber, duration_ms: track.durationMs, explicit: track.explicit });
    if (withAlbum) out.external_ids = track.isrc ? { isrc: track.isrc } : {};
    Object.assign(out, {
      external_urls: { spotify: `https://open.spotify.com/track/${track.id}` },
      href: `${base}/v1/tracks/${track.id}`,
      id: track.id,
      is_local: false,
      name: track.name,
    });
    if (withAlbum && !state.settings.devMode) out.popularity = 30 + (track.durationMs % 60);
    Object.assign(out, { preview_url: null, track_number: track.trackNumber, type: 'track', uri: `spotify:track:${track.id}` });
    return out;
  };
  const userJson = (userId: string, base: string, full: boolean) => {
    const user = state.user(userId);
    const out: Record<string, unknown> = {
      display_name: user.displayName,
      external_urls: { spotify: `https://open.spotify.com/user/${user.id}` },
      href: `${base}/v1/users/${user.id}`,
      id: user.id,
      type: 'user',
      uri: `spotify:user:${user.id}`,
    };
    if (full) {
      out.images = [];
      if (!state.settings.devMode) Object.assign(out, { country: user.country, email: user.email, explicit_content: { filter_enabled: false, filter_locked: false }, followers: { href: null, total: 0 }, product: 'premium' });
    }
    return out;
  };
  const itemsKey = () => (state.settings.devMode ? 'items' : 'tracks');
  const entryJson = (entry: PlaylistEntry, base: string) => {
    const id = TRACK_URI.exec(entry.uri)?.[1];
    const track = id ? catalog.spotify.tracks.get(id) : undefined;
    return {
      added_at: entry.addedAt,
      added_by: userJson(entry.addedBy, base, false),
      is_local: false,
      primary_color: null,
      [state.settings.devMode ? 'item' : 'track']: track ? trackJson(track, base) : null,
      video_thumbnail: { url: null },
    };
  };
  const paging = <T>(href: string, all: T[], limit: number, offset: number, toJson: (t: T) => unknown) => {
    const link = (o: number) => {
      const u = new URL(href);
      u.searchParams.set('offset', String(o));
      u.searchParams.set('limit', String(limit));
      return u.toString();
    };
    return {
      href: link(offset),
      items: all.slice(offset, offset + limit).map(toJson),
      limit,
      next: offset + limit < all.length ? link(offset + limit) : null,
      offset,
      previous: offset > 0 ? link(Math.max(0, offset - limit)) : null,
      total: all.length,
    };
  };
  const playlistJson = (playlist: Playlist, base: string, full: boolean) => {
    const href = `${base}/v1/playlists/${playlist.id}/${itemsKey()}`;
    const out: Record<string, unknown> = {
      collaborative: playlist.collaborative,
      description: playlist.description,
      external_urls: { spotify: `https://open.spotify.com/playlist/${playlist.id}` },
    };
    if (full) out.followers = { href: null, total: 0 };
    Object.assign(out, {
      href: `${base}/v1/playlists/${playlist.id}`,
      id: playlist.id,
      images: [],
      name: playlist.name,
      owner: userJson(playlist.ownerId, base, false),
      primary_color: null,
      public: playlist.public,
      snapshot_id: playlist.snapshotId,
      [itemsKey()]: full ? paging(href, playlist.items, 100, 0, (e) => entryJson(e, base)) : { href, total: playlist.items.length },
      type: 'playlist',
      uri: `spotify:playlist:${playlist.id}`,
    });
    return out;
  };

  const intParam = (raw: string | null, fallback: number): number | null => {
    if (raw === null) return fallback;
    if (!/^\d+$/.test(raw.trim())) return null;
    return Number(raw);
  };

  const readJson = (request: FakeRequest): Record<string, unknown> | null => {
    if (request.body.length === 0) return {};
    try {
      const parsed: unknown = JSON.parse(request.body.toString('utf8'));
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  };

  const search = (request: FakeRequest): FakeResponse => {
    const q = request.query.get('q');
    if (!q) return apiError(400, 'No search query');
    const types = (request.query.get('type') ?? '').split(',').filter(Boolean);
    if (types.length === 0) return apiError(400, 'Missing parameter type');
    if (!types.every((t) => ['track', 'album', 'artist', 'playlist', 'show', 'episode', 'audiobook'].includes(t))) return apiError(400, 'Bad search type field');
    const devMode = state.settings.devMode;
    const limit = intParam(request.query.get('limit'), devMode ? 5 : 20);
    if (limit === null || limit < 1 || limit > (devMode ? 10 : 50)) return apiError(400, 'Invalid limit');
    const offset = intParam(request.query.get('offset'), 0);
    if (offset === null || offset > 1000) return apiError(400, 'Invalid offset');
    const terms = parseSpotifyQuery(q);
    const href = `${request.baseUrl}/v1/search?query=${encodeURIComponent(q)}&type=${types.join(',')}`;
    const body: Record<string, unknown> = {};
    if (types.includes('track')) {
      const hits: Array<{ track: SpotifyTrack; rank: number }> = [];
      const key = (text: string) => analyze(text).join(' ');
      for (const entry of trackIndex()) {
        const { track, album } = entry;
        let ok = true;
        let rank = 0;
        for (const { field, value } of terms.filters) {
          if (field === 'track') {
            ok &&= covers(entry.name, value);
            if (entry.nameKey === key(value)) rank += 2;
          } else if (field === 'artist') {
            ok &&= covers(entry.artists, value);
            if (entry.artistKeys.includes(key(value))) rank += 1;
          } else if (field === 'album') {
            ok &&= covers(entry.albumName, value);
          } else if (field === 'isrc') {
            ok &&= (track.isrc ?? '').toUpperCase() === value.toUpperCase();
          } else if (field === 'year') {
            const year = Number(album.releaseDate.slice(0, 4));
            const [from, to = from] = value.split('-').map(Number);
            ok &&= year >= from! && year <= to!;
          } else if (field === 'upc') {
            ok &&= album.upc === value;
          }
          if (!ok) break;
        }
        if (ok && terms.free.length > 0) ok = covers(entry.all, terms.free.join(' '));
        if (ok) hits.push({ track, rank });
      }
      hits.sort((a, b) => b.rank - a.rank);
      body.tracks = paging(href, hits, limit, offset, (h) => trackJson(h.track, request.baseUrl));
    }
    if (types.includes('album')) {
      const hits = [...catalog.spotify.albums.values()].filter((album) => {
        const artists = album.artistIds.map((id) => catalog.spotify.artists.get(id)?.name ?? '').join(' ');
        return (
          terms.filters.every(({ field, value }) =>
            field === 'album' ? covers(album.name, value) : field === 'artist' ? covers(artists, value) : field === 'upc' ? album.upc === value : field === 'year' ? album.releaseDate.startsWith(value) : field !== 'track' && field !== 'isrc',
          ) && (terms.free.length === 0 || covers(`${album.name} ${artists}`, terms.free.join(' ')))
        );
      });
      body.albums = paging(href, hits, limit, offset, (a) => albumHead(a, request.baseUrl));
    }
    return json(200, body);
  };

  const writeItems = (request: FakeRequest, playlist: Playlist, userId: string): FakeResponse => {
    const body = readJson(request);
    if (body === null) return apiError(400, 'Error parsing JSON.');
    const validate = (uris: string[]): FakeResponse | null => {
      for (const uri of uris) {
        const id = TRACK_URI.exec(uri)?.[1];
        if (!id) return apiError(400, 'Invalid base62 id');
        if (!catalog.spotify.tracks.has(id)) return apiError(400, 'Payload contains a non-existing ID');
      }
      return null;
    };
    const done = (status: number) => {
      playlist.snapshotId = state.newSnapshot();
      playlist.writes++;
      state.writes++;
      return json(status, { snapshot_id: playlist.snapshotId });
    };
    const now = new Date().toISOString();
    if (request.method === 'POST') {
      const fromQuery = request.query.get('uris');
      const uris = Array.isArray(body.uris) ? (body.uris as unknown[]).map(String) : fromQuery ? fromQuery.split(',') : null;
      if (!uris) return apiError(400, 'Missing uris');
      if (uris.length > 100) return apiError(400, 'You can add a maximum of 100 tracks per request.');
      const invalid = validate(uris);
      if (invalid) return invalid;
      const rawPosition = body.position ?? request.query.get('position');
      const position = rawPosition === undefined || rawPosition === null ? playlist.items.length : Number(rawPosition);
      if (!Number.isInteger(position) || position < 0 || position > playlist.items.length) return apiError(400, 'Index out of bounds');
      playlist.items.splice(position, 0, ...uris.map((uri) => ({ uri, addedAt: now, addedBy: userId })));
      return done(201);
    }
    if (request.method === 'PUT') {
      if (typeof body.range_start === 'number') {
        const start = body.range_start;
        const length = typeof body.range_length === 'number' ? body.range_length : 1;
        const before = Number(body.insert_before);
        if (start < 0 || start + length > playlist.items.length || !Number.isInteger(before) || before < 0 || before > playlist.items.length) return apiError(400, 'Index out of bounds');
        const moved = playlist.items.splice(start, length);
        playlist.items.splice(before > start ? before - length : before, 0, ...moved);
        return done(200);
      }
      const fromQuery = request.query.get('uris');
      const uris = Array.isArray(body.uris) ? (body.uris as unknown[]).map(String) : fromQuery ? fromQuery.split(',') : [];
      if (uris.length > 100) return apiError(400, 'You can add a maximum of 100 tracks per request.');
      const invalid = validate(uris);
      if (invalid) return invalid;
      playlist.items = uris.map((uri) => ({ uri, addedAt: now, addedBy: userId }));
      return done(200);
    }
    // DELETE: 'items' since 2026, 'tracks' before.
    const list = Array.isArray(body.items) ? body.items : Array.isArray(body.tracks) ? body.tracks : null;
    if (!list) return apiError(400, 'Missing items');
    if (list.length > 100) return apiError(400, 'You can remove a maximum of 100 tracks per request.');
    const removals = (list as unknown[]).map((entry) => {
      const e = entry as { uri?: unknown; positions?: unknown };
      return { uri: String(e.uri ?? ''), positions: Array.isArray(e.positions) ? (e.positions as unknown[]).map(Number) : null };
    });
    const invalid = validate(removals.map((r) => r.uri));
    if (invalid) return invalid;
    playlist.items = playlist.items.filter((item, index) => !removals.some((r) => r.uri === item.uri && (r.positions === null || r.positions.includes(index))));
    return done(200);
  };

  return (request) => {
    const base = request.baseUrl;
    const parts = request.path.split('/').filter(Boolean);
    if (parts[0] !== 'v1') return apiError(404, 'Service not found');
    const header = String(request.headers.authorization ?? '');
    if (!header) return apiError(401, 'No token provided');
    const bearer = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    const token = bearer ? state.accessTokens.get(bearer) : undefined;
    if (!token) return apiError(401, 'Invalid access token', { 'WWW-Authenticate': 'Bearer realm="spotify", error="invalid_token", error_description="Invalid access token"' });
    if (token.expiresAt <= Date.now()) {
      return apiError(401, 'The access token expired', { 'WWW-Authenticate': 'Bearer realm="spotify", error="invalid_token", error_description="The access token expired"' });
    }
    const userId = token.userId;
    const [, resource, id, sub] = parts;
    const method = request.method;

    if (resource === 'search' && method === 'GET') return search(request);
    if (resource === 'tracks' && id && method === 'GET') {
      const track = catalog.spotify.tracks.get(id);
      return track ? json(200, trackJson(track, base)) : apiError(id.length === 22 ? 404 : 400, id.length === 22 ? 'Resource not found' : 'Invalid base62 id');
    }
    if (resource === 'albums' && id && method === 'GET') {
      const album = catalog.spotify.albums.get(id);
      if (!album) return apiError(id.length === 22 ? 404 : 400, id.length === 22 ? 'Resource not found' : 'Invalid base62 id');
      const tracks = album.trackIds.map((t) => catalog.spotify.tracks.get(t)!);
      const out = albumHead(album, base);
      Object.assign(out, {
        copyrights: [{ text: `${album.releaseDate.slice(0, 4)} ${album.label}`, type: 'C' }],
        external_ids: album.upc ? { upc: album.upc } : {},
        label: album.label,
        tracks: paging(`${base}/v1/albums/${album.id}/tracks`, tracks, 50, 0, (t) => trackJson(t, base, false)),
      });
      if (!state.settings.devMode) out.popularity = 40;
      return json(200, out);
    }
    if (resource === 'me' && id === undefined && method === 'GET') return json(200, userJson(userId, base, true));
    if (resource === 'me' && id === 'playlists' && sub === undefined) {
      if (method === 'GET') {
        const limit = intParam(request.query.get('limit'), 20);
        const offset = intParam(request.query.get('offset'), 0);
        if (limit === null || limit < 1 || limit > 50) return apiError(400, 'Invalid limit');
        if (offset === null || offset > 100_000) return apiError(400, 'Invalid offset');
        return json(200, paging(`${base}/v1/me/playlists`, state.playlistsOf(userId), limit, offset, (p) => playlistJson(p, base, false)));
      }
      if (method === 'POST') {
        if (!token.scope.some((s) => s.startsWith('playlist-modify'))) return apiError(403, 'Insufficient client scope');
        const body = readJson(request);
        if (body === null) return apiError(400, 'Error parsing JSON.');
        if (typeof body.name !== 'string' || body.name === '') return apiError(400, 'Missing required field: name');
        const playlist = state.createPlaylist(userId, body.name, [], {
          description: typeof body.description === 'string' ? body.description : '',
          public: typeof body.public === 'boolean' ? body.public : true,
          collaborative: body.collaborative === true,
        });
        playlist.writes++;
        state.writes++;
        return json(201, playlistJson(playlist, base, true));
      }
      return apiError(405, 'Method not allowed');
    }
    if (resource === 'playlists' && id) {
      const playlist = state.playlists.get(id);
      if (!playlist) return apiError(404, 'Resource not found');
      if (sub === undefined && method === 'GET') return json(200, playlistJson(playlist, base, true));
      // Development Mode apps lost /tracks in March 2026: it answers 403.
      if (sub === 'tracks' && state.settings.devMode) return apiError(403, 'Forbidden');
      if (sub === 'items' || sub === 'tracks') {
        if (method === 'GET') {
          const limit = intParam(request.query.get('limit'), 100);
          const offset = intParam(request.query.get('offset'), 0);
          if (limit === null || limit < 1 || limit > 100) return apiError(400, 'Invalid limit');
          if (offset === null) return apiError(400, 'Invalid offset');
          return json(200, paging(`${base}/v1/playlists/${playlist.id}/${sub}`, playlist.items, limit, offset, (e) => entryJson(e, base)));
        }
        if (method === 'POST' || method === 'PUT' || method === 'DELETE') {
          if (!token.scope.some((s) => s.startsWith('playlist-modify'))) return apiError(403, 'Insufficient client scope');
          if (playlist.ownerId !== userId && !playlist.collaborative) return apiError(403, 'Forbidden');
          return writeItems(request, playlist, userId);
        }
        return apiError(405, 'Method not allowed');
      }
    }
    return apiError(404, 'Service not found');
  };
}

export function spotifyRouteOf(_method: string, url: URL): string {
  return url.pathname.replace(/\/(tracks|albums|playlists|users|artists)\/[^/]+/, '/$1/:id');
}

export interface SpotifyOptions {
  seed?: number | string;
  switches?: Partial<FakeSwitches>;
  accountsSwitches?: Partial<FakeSwitches>;
  settings?: Partial<SpotifySettings>;
}

export interface SpotifyFakes {
  api: FakeServer;
  accounts: FakeServer;
  state: SpotifyState;
}

export async function startSpotify(catalog: Catalog, options: SpotifyOptions = {}): Promise<SpotifyFakes> {
  const state = new SpotifyState(options.seed ?? 1, options.settings);
  const api = await startFakeServer(spotifyApiHandler(catalog, state), {
    seed: `spotify:${options.seed ?? 1}`,
    routeOf: spotifyRouteOf,
    switches: { rateLimit: spotifyRateLimit(false), ...options.switches },
  });
  const accounts = await startFakeServer(spotifyAccountsHandler(state), { seed: `spotify-accounts:${options.seed ?? 1}`, switches: options.accountsSwitches });
  return { api, accounts, state };
}
