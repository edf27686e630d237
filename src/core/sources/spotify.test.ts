import { describe, expect, it } from 'vitest';
import { DeferredError, HttpStatusError, MalformedResponseError } from '../net/errors';
import {
  codeChallengeS256,
  createCodeVerifier,
  createState,
  loopbackRedirectUri,
  SPOTIFY_SCOPES,
  SpotifyAccountsClient,
  SpotifyClient,
} from './spotify';
import { createStubHttp, type StubAnswer, type StubRequest } from './stub-http';

function client(handler: (r: StubRequest) => StubAnswer) {
  const http = createStubHttp('spotify', handler);
  let calls = 0;
  const spotify = new SpotifyClient(http, {
    accessToken: async () => {
      calls++;
      return `tok${calls}`;
    },
  });
  return { http, spotify };
}

function trackJson(id: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    uri: `spotify:track:${id}`,
    name: `Track ${id}`,
    duration_ms: 251667,
    artists: [{ id: 'a1', name: 'Lady Gaga', type: 'artist' }],
    album: { id: 'al1', name: 'Die With A Smile', release_date: '2024-08-16', release_date_precision: 'day', images: [] },
    disc_number: 1,
    track_number: 1,
    ...extra,
  };
}

const page = (items: unknown[], extra: Record<string, unknown> = {}) => ({
  href: 'x',
  total: items.length,
  offset: 0,
  limit: 10,
  next: null,
  previous: null,
  items,
  ...extra,
});

describe('SpotifyClient search', () => {
  it('never asks for more than 10 results and caches the answer', async () => {
    const { http, spotify } = client(() => ({ body: { tracks: page([trackJson('t1')]) } }));
    await spotify.searchTracks('  isrc:USUM72409273 ', { limit: 50 });
    await spotify.searchTracks('artist:x track:y');
    await spotify.searchTracks('x', { limit: 0, offset: 20 });
    expect(http.requests.map((r) => r.query['limit'])).toEqual(['10', '10', '1']);
    expect(http.requests[0]!.query).toEqual({ q: 'isrc:USUM72409273', type: 'track', limit: '10', offset: '0' });
    expect(http.requests[2]!.query['offset']).toBe('20');
    expect(http.requests.every((r) => r.cache && r.pathname === '/v1/search' && r.account === undefined)).toBe(true);
    expect(http.requests[0]!.headers['Authorization']).toBe('Bearer tok1');
  });

  it('parses tracks without the fields Development Mode no longer gets', async () => {
    const { spotify } = client(() => ({ body: { tracks: page([trackJson('t1'), trackJson('t2', { external_ids: { isrc: 'USUM72409273' } })]) } }));
    const result = await spotify.searchTracks('x');
    expect(result.items[0]).toEqual({
      id: 't1',
      uri: 'spotify:track:t1',
      name: 'Track t1',
      durationMs: 251667,
      artists: [{ id: 'a1', name: 'Lady Gaga' }],
      album: {
        id: 'al1',
        name: 'Die With A Smile',
        albumType: null,
        releaseDate: '2024-08-16',
        releaseDatePrecision: 'day',
        totalTracks: null,
        artists: [],
        images: [],
        uri: null,
      },
      discNumber: 1,
      trackNumber: 1,
      explicit: null,
    });
    expect(result.items[0]).not.toHaveProperty('isrc');
    expect(result.items[1]!.isrc).toBe('USUM72409273');
  });

  it('searches albums and skips empty queries', async () => {
    const { http, spotify } = client(() => ({ body: { albums: page([{ id: 'al1', name: 'A', release_date: '2024', release_date_precision: 'year' }]) } }));
    expect((await spotify.searchAlbums('upc:00602475093060')).items[0]).toMatchObject({ releaseDatePrecision: 'year' });
    expect(await spotify.searchAlbums(' ')).toEqual({ total: 0, offset: 0, limit: 0, hasNext: false, items: [] });
    expect(http.requests).toHaveLength(1);
    expect(http.requests[0]!.query['type']).toBe('album');
  });
});

describe('SpotifyClient reads', () => {
  it('gets a track and an album uncached; null on 404', async () => {
    const { http, spotify } = client((r) =>
      r.pathname === '/v1/tracks/t1'
        ? { body: trackJson('t1') }
        : r.pathname === '/v1/albums/al1'
          ? { body: { id: 'al1', name: 'A', external_ids: { upc: '00602475093060' }, tracks: page([{ id: 't1', uri: 'spotify:track:t1', name: 'T', duration_ms: 1 }]) } }
          : { status: 404, body: { error: { status: 404, message: 'Non existing id' } } },
    );
    expect((await spotify.track('t1'))!.id).toBe('t1');
    const album = await spotify.album('al1');
    expect(album).toMatchObject({ id: 'al1', upc: '00602475093060', label: null });
    expect(album!.tracks.items[0]).toMatchObject({ id: 't1', durationMs: 1 });
    expect(await spotify.track('nope')).toBeNull();
    expect(http.requests.every((r) => r.cache === false)).toBe(true);
  });

  it('reads the current user and their playlists (items.total or tracks.total)', async () => {
    const { http, spotify } = client((r) =>
      r.pathname === '/v1/me'
        ? { body: { id: 'u1', display_name: 'Ann', uri: 'spotify:user:u1' } }
        : {
            body: page([
              { id: 'p1', name: 'New', owner: { id: 'u1' }, public: false, snapshot_id: 's', items: { href: 'h', total: 3 } },
              { id: 'p2', name: 'Old', owner: { id: 'u2' }, collaborative: true, tracks: { href: 'h', total: 7 } },
            ]),
          },
    );
    expect(await spotify.me()).toEqual({ id: 'u1', displayName: 'Ann', uri: 'spotify:user:u1' });
    const playlists = await spotify.myPlaylists({ limit: 99 });
    expect(http.requests[1]!.query).toEqual({ limit: '50', offset: '0' });
    expect(playlists.items.map((p) => [p.id, p.itemCount, p.ownerId, p.collaborative])).toEqual([
      ['p1', 3, 'u1', false],
      ['p2', 7, 'u2', true],
    ]);
  });

  it('reads playlist entries from /items, under `item` or the older `track`', async () => {
    const { http, spotify } = client(() => ({
      body: page([
        { added_at: '2026-03-01T00:00:00Z', is_local: false, item: trackJson('t1') },
        { added_at: null, is_local: false, track: trackJson('t2') },
        { added_at: null, is_local: true, item: { id: null, uri: 'spotify:local:a:b:c:1', name: 'c', is_local: true, type: 'track' } },
        { added_at: null, is_local: false, item: { id: 'e1', uri: 'spotify:episode:e1', type: 'episode', name: 'E' } },
        { added_at: null, is_local: false, item: { id: null, uri: null, type: 'track' } },
        { added_at: null, is_local: false, item: null },
      ]),
    }));
    const entries = await spotify.playlistItems('p 1', { limit: 100, offset: 50 });
    expect(http.requests[0]!.pathname).toBe('/v1/playlists/p%201/items');
    expect(http.requests[0]!.query).toEqual({ limit: '50', offset: '50' });
    expect(entries!.items.map((e) => [e.track?.id ?? null, e.uri, e.isLocal])).toEqual([
      ['t1', 'spotify:track:t1', false],
      ['t2', 'spotify:track:t2', false],
      [null, 'spotify:local:a:b:c:1', true],
      [null, 'spotify:episode:e1', false],
      [null, null, false],
      [null, null, false],
    ]);
    expect(entries!.items[0]!.addedAt).toBe('2026-03-01T00:00:00Z');
  });

  it('reports a malformed track inside a playlist page', async () => {
    const { spotify } = client(() => ({ body: page([{ item: { id: 't1', type: 'track', uri: 'u' } }]) }));
    await expect(spotify.playlistItems('p')).rejects.toBeInstanceOf(MalformedResponseError);
  });
});

describe('SpotifyClient writes', () => {
  it('creates a playlist with POST /v1/me/playlists', async () => {
    const { http, spotify } = client(() => ({ status: 201, body: { id: 'p9', name: 'Sleeve', public: false, snapshot_id: 's0', items: { total: 0 } } }));
    const created = await spotify.createPlaylist({ name: 'Sleeve', description: 'Synced' });
    expect(http.requests[0]).toMatchObject({ method: 'POST', pathname: '/v1/me/playlists', cache: false });
    expect(JSON.parse(http.requests[0]!.body!)).toEqual({ name: 'Sleeve', description: 'Synced', public: false });
    expect(http.requests[0]!.headers['Content-Type']).toBe('application/json');
    expect(created).toMatchObject({ id: 'p9', itemCount: 0, snapshotId: 's0' });
  });

  it('adds items 100 at a time and returns the last snapshot', async () => {
    let n = 0;
    const { http, spotify } = client(() => ({ status: 201, body: { snapshot_id: `s${++n}` } }));
    const uris = Array.from({ length: 250 }, (_, i) => `spotify:track:${i}`);
    expect(await spotify.addPlaylistItems('p1', uris)).toEqual({ snapshotId: 's3' });
    expect(http.requests.map((r) => (JSON.parse(r.body!) as { uris: string[] }).uris.length)).toEqual([100, 100, 50]);
    expect(http.requests.every((r) => r.method === 'POST' && r.pathname === '/v1/playlists/p1/items')).toBe(true);
    expect(await spotify.addPlaylistItems('p1', [])).toEqual({ snapshotId: null });
    expect(http.requests).toHaveLength(3);
  });

  it('removes items with DELETE /items, chaining snapshots', async () => {
    let n = 0;
    const { http, spotify } = client(() => ({ body: { snapshot_id: `s${++n}` } }));
    const uris = Array.from({ length: 101 }, (_, i) => `spotify:track:${i}`);
    expect(await spotify.removePlaylistItems('p1', uris, 's0')).toEqual({ snapshotId: 's2' });
    const bodies = http.requests.map((r) => JSON.parse(r.body!) as { items: Array<{ uri: string }>; snapshot_id?: string });
    expect(http.requests.every((r) => r.method === 'DELETE' && r.pathname === '/v1/playlists/p1/items')).toBe(true);
    expect(bodies.map((b) => [b.items.length, b.snapshot_id])).toEqual([
      [100, 's0'],
      [1, 's1'],
    ]);
    expect(bodies[0]!.items[0]).toEqual({ uri: 'spotify:track:0' });
  });

  it('answers null when the playlist is gone', async () => {
    const { http, spotify } = client(() => ({ status: 404, body: { error: { status: 404, message: 'Not found.' } } }));
    expect(await spotify.addPlaylistItems('p1', ['a', 'b'])).toBeNull();
    expect(await spotify.removePlaylistItems('p1', ['a'])).toBeNull();
    expect(http.requests).toHaveLength(2);
  });
});

describe('SpotifyClient errors', () => {
  it('asks the user to reconnect on 401', async () => {
    const { spotify } = client(() => ({ status: 401, body: { error: { status: 401, message: 'The access token expired' } } }));
    const error = await spotify.me().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpStatusError);
    expect((error as HttpStatusError).status).toBe(401);
    expect((error as HttpStatusError).message).toMatch(/Reconnect Spotify/);
  });

  it('reports the Web API error message of other statuses', async () => {
    const { spotify } = client(() => ({ status: 403, body: { error: { status: 403, message: 'Insufficient client scope' } } }));
    await expect(spotify.addPlaylistItems('p', ['u'])).rejects.toThrow(/403: Insufficient client scope.*Reconnect Spotify/);
  });

  it('lets DeferredError and token failures through', async () => {
    const deferred = new DeferredError('spotify', 'quota', Date.now() + 1000);
    const { spotify } = client(() => {
      throw deferred;
    });
    await expect(spotify.searchTracks('x')).rejects.toBe(deferred);
    const http = createStubHttp('spotify', () => ({ body: {} }));
    const broken = new SpotifyClient(http, { accessToken: () => Promise.reject(new Error('no token')) });
    await expect(broken.me()).rejects.toThrow('no token');
    expect(http.requests).toHaveLength(0);
  });
});

describe('PKCE helpers', () => {
  it('matches the RFC 7636 S256 test vector', () => {
    expect(codeChallengeS256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('makes unique verifiers of valid length and alphabet', () => {
    const a = createCodeVerifier();
    const b = createCodeVerifier();
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[A-Za-z0-9\-._~]{43,128}$/);
    expect(createState()).toMatch(/^[A-Za-z0-9_-]{16,}$/);
  });

  it('builds the loopback redirect URI', () => {
    expect(loopbackRedirectUri(8888)).toBe('http://127.0.0.1:8888/callback');
    expect(() => loopbackRedirectUri(0)).toThrow();
    expect(() => loopbackRedirectUri(70000)).toThrow();
  });
});

describe('SpotifyAccountsClient', () => {
  function accounts(handler: (r: StubRequest) => StubAnswer) {
    const http = createStubHttp('spotifyAccounts', handler);
    return { http, accounts: new SpotifyAccountsClient(http) };
  }

  it('builds the authorize URL with PKCE and the playlist scopes', () => {
    const { accounts: a } = accounts(() => ({}));
    const url = new URL(
      a.authorizeUrl({ clientId: 'cid', redirectUri: loopbackRedirectUri(5173), codeChallenge: 'ch', state: 'st' }),
    );
    expect(url.origin + url.pathname).toBe('https://accounts.spotify.com/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: 'cid',
      response_type: 'code',
      redirect_uri: 'http://127.0.0.1:5173/callback',
      code_challenge_method: 'S256',
      code_challenge: 'ch',
      state: 'st',
      scope: 'playlist-read-private playlist-modify-private playlist-modify-public',
    });
    expect(SPOTIFY_SCOPES).toHaveLength(3);
  });

  it('exchanges a code with a form-encoded POST', async () => {
    const { http, accounts: a } = accounts(() => ({
      body: { access_token: 'AT', token_type: 'Bearer', scope: 'playlist-read-private', expires_in: 3600, refresh_token: 'RT' },
    }));
    const tokens = await a.exchangeCode('CODE', 'VERIFIER', 'http://127.0.0.1:1/callback', 'cid');
    expect(tokens).toEqual({ accessToken: 'AT', expiresIn: 3600, refreshToken: 'RT', scope: 'playlist-read-private' });
    const req = http.requests[0]!;
    expect(req).toMatchObject({ method: 'POST', pathname: '/api/token', cache: false });
    expect(req.headers['Content-Type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(req.body))).toEqual({
      grant_type: 'authorization_code',
      code: 'CODE',
      redirect_uri: 'http://127.0.0.1:1/callback',
      client_id: 'cid',
      code_verifier: 'VERIFIER',
    });
  });

  it('refreshes, keeping refreshToken absent when Spotify does not rotate it', async () => {
    const { http, accounts: a } = accounts(() => ({ body: { access_token: 'AT2', token_type: 'Bearer', expires_in: 3600 } }));
    expect(await a.refresh('RT', 'cid')).toEqual({ accessToken: 'AT2', expiresIn: 3600, scope: '' });
    expect(Object.fromEntries(new URLSearchParams(http.requests[0]!.body))).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'RT',
      client_id: 'cid',
    });
  });

  it('turns OAuth error bodies into clear errors', async () => {
    const { accounts: a } = accounts(() => ({ status: 400, body: { error: 'invalid_grant', error_description: 'Refresh token revoked' } }));
    const error = await a.refresh('RT', 'cid').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpStatusError);
    expect((error as HttpStatusError).source).toBe('spotifyAccounts');
    expect((error as HttpStatusError).message).toMatch(/400: invalid_grant \(Refresh token revoked\).*Reconnect Spotify in Settings/);
    await expect(accounts(() => ({ body: { token_type: 'Bearer' } })).accounts.refresh('RT', 'cid')).rejects.toBeInstanceOf(
      MalformedResponseError,
    );
  });
});
