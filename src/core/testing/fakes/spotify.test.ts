import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffShapes, readFixture, shapeOf } from './keypaths';
import { spotifyRateLimit, startSpotify, type SpotifyFakes } from './spotify';
import { richCatalog, type RichCatalog } from './test-catalog';

let rich: RichCatalog;
let sp: SpotifyFakes;
const REDIRECT = 'http://127.0.0.1:43210/callback';

beforeAll(async () => {
  rich = richCatalog();
  sp = await startSpotify(rich.catalog);
});
afterAll(async () => {
  await sp.api.close();
  await sp.accounts.close();
});

function pkce() {
  const verifier = randomBytes(48).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

async function authorize(challenge: string, extra: Record<string, string> = {}) {
  const params = new URLSearchParams({
    client_id: sp.state.settings.clientId,
    response_type: 'code',
    redirect_uri: REDIRECT,
    code_challenge_method: 'S256',
    code_challenge: challenge,
    state: 'st-123',
    scope: 'playlist-modify-private playlist-read-private',
    ...extra,
  });
  return fetch(`${sp.accounts.url}/authorize?${params}`, { redirect: 'manual' });
}

async function token(form: Record<string, string>) {
  const response = await fetch(`${sp.accounts.url}/api/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function api(path: string, accessToken: string, init: RequestInit = {}) {
  const response = await fetch(sp.api.url + path, { ...init, headers: { Authorization: `Bearer ${accessToken}`, 'Content-Type': 'application/json', ...init.headers } });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

describe('fake Spotify accounts: PKCE', () => {
  it('completes the authorization-code flow with PKCE and refreshes the token', async () => {
    const { verifier, challenge } = pkce();
    const redirect = await authorize(challenge);
    expect(redirect.status).toBe(302);
    const back = new URL(redirect.headers.get('location')!);
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
    expect(back.searchParams.get('state')).toBe('st-123');
    const code = back.searchParams.get('code')!;

    const clientId = sp.state.settings.clientId;
    const granted = await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: clientId, code_verifier: verifier });
    expect(granted.status).toBe(200);
    expect(granted.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'playlist-modify-private playlist-read-private' });
    const access = granted.body.access_token as string;
    const refresh = granted.body.refresh_token as string;
    expect((await api('/v1/me', access)).body).toMatchObject({ id: 'fakeuser', type: 'user' });

    const reused = await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: clientId, code_verifier: verifier });
    expect(reused).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'Invalid authorization code' } });

    const refreshed = await token({ grant_type: 'refresh_token', refresh_token: refresh, client_id: clientId });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.access_token).not.toBe(access);
    expect(refreshed.body.refresh_token).not.toBe(refresh);
    const stale = await token({ grant_type: 'refresh_token', refresh_token: refresh, client_id: clientId });
    expect(stale).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'Invalid refresh token' } });
  });

  it('rejects a wrong code_verifier, a wrong client and a wrong redirect URI', async () => {
    const { challenge } = pkce();
    const code = new URL((await authorize(challenge)).headers.get('location')!).searchParams.get('code')!;
    const clientId = sp.state.settings.clientId;
    expect(await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: clientId, code_verifier: pkce().verifier })).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'code_verifier was incorrect' },
    });
    expect(await token({ grant_type: 'authorization_code', code: 'x', redirect_uri: REDIRECT, client_id: 'someone-else', code_verifier: 'v' })).toEqual({
      status: 400,
      body: { error: 'invalid_client', error_description: 'Invalid client' },
    });
    expect((await token({})).body.error).toBe('unsupported_grant_type');

    const badRedirect = await authorize(challenge, { redirect_uri: 'https://evil.example/callback' });
    expect(badRedirect.status).toBe(400);
    expect(await badRedirect.text()).toBe('INVALID_CLIENT: Invalid redirect URI');
    expect((await authorize(challenge, { client_id: 'nope' })).status).toBe(400);
  });

  it('redirects back with error=access_denied when the user says no', async () => {
    sp.state.settings.denyAuthorization = true;
    try {
      const back = new URL((await authorize(pkce().challenge)).headers.get('location')!);
      expect(back.searchParams.get('error')).toBe('access_denied');
      expect(back.searchParams.get('state')).toBe('st-123');
      expect(back.searchParams.get('code')).toBeNull();
    } finally {
      sp.state.settings.denyAuthorization = false;
    }
  });
});

describe('fake Spotify Web API', () => {
  it('checks the bearer token', async () => {
    const missing = await fetch(`${sp.api.url}/v1/me`);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ error: { status: 401, message: 'No token provided' } });
    expect((await api('/v1/me', 'bogus')).body).toEqual({ error: { status: 401, message: 'Invalid access token' } });
    const { accessToken } = sp.state.issueToken();
    expect((await api('/v1/me', accessToken)).status).toBe(200);
    sp.state.expireAccessTokens();
    expect(await api('/v1/me', accessToken)).toMatchObject({ status: 401, body: { error: { status: 401, message: 'The access token expired' } } });
  });

  it('searches tracks with track:, artist:, album: and isrc: filters', async () => {
    const { accessToken } = sp.state.issueToken();
    const q = encodeURIComponent('track:"Burn the Witch" artist:"The Velvet Lanterns"');
    const { status, body } = await api(`/v1/search?type=track&q=${q}`, accessToken);
    expect(status).toBe(200);
    const page = body.tracks as { items: Array<Record<string, unknown>>; limit: number; total: number; next: string | null };
    expect(page.limit).toBe(5);
    expect(page.items[0]).toMatchObject({ name: 'Burn the Witch', duration_ms: expect.any(Number) as number, external_ids: { isrc: 'GBAYE7900001' } });
    expect(page.total).toBeGreaterThanOrEqual(3);

    const byIsrc = await api(`/v1/search?type=track&q=${encodeURIComponent('isrc:GBAYE7900001')}`, accessToken);
    const items = (byIsrc.body.tracks as { items: Array<{ external_ids: { isrc: string } }> }).items;
    expect(items.length).toBeGreaterThanOrEqual(1);
    expect(items.every((t) => t.external_ids.isrc === 'GBAYE7900001')).toBe(true);

    const byAlbum = await api(`/v1/search?type=track&q=${encodeURIComponent('album:"Café Noir" track:Mirror')}`, accessToken);
    expect((byAlbum.body.tracks as { items: Array<{ name: string }> }).items.map((t) => t.name)).toContain("What's a Mirror?");
  });

  it('answers limit above 10 with 400 Invalid limit', async () => {
    const { accessToken } = sp.state.issueToken();
    const q = encodeURIComponent('artist:"The Velvet Lanterns"');
    const tooMany = await api(`/v1/search?type=track&limit=11&q=${q}`, accessToken);
    expect(tooMany).toMatchObject({ status: 400, body: { error: { status: 400, message: 'Invalid limit' } } });
    const ten = await api(`/v1/search?type=track&limit=10&q=${q}`, accessToken);
    expect(ten.status).toBe(200);
    expect((ten.body.tracks as { limit: number }).limit).toBe(10);
  });

  it('returns track objects in the captured shape, minus what Development Mode drops', async () => {
    const { accessToken } = sp.state.issueToken();
    const fixture = shapeOf((readFixture('spotify/tracks-by-ids.json') as { tracks: unknown[] }).tracks[0]);
    const search = async () =>
      ((await api(`/v1/search?type=track&q=${encodeURIComponent('isrc:GBAYE7900001')}`, accessToken)).body.tracks as { items: unknown[] }).items[0];
    expect(diffShapes(shapeOf(await search()), fixture)).toEqual({ missing: ['.album.available_markets', '.available_markets', '.popularity'], extra: [], types: [] });
    sp.state.settings.devMode = false;
    try {
      expect(diffShapes(shapeOf(await search()), fixture)).toEqual({ missing: [], extra: [], types: [] });
    } finally {
      sp.state.settings.devMode = true;
    }
  });

  it('keeps playlists in memory: create, add at most 100 per write, new snapshot per write, remove, replace', async () => {
    const { accessToken } = sp.state.issueToken('syncer');
    const created = await api('/v1/me/playlists', accessToken, { method: 'POST', body: JSON.stringify({ name: 'Sleeve: Favourites', public: false }) });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Sleeve: Favourites', public: false, owner: { id: 'syncer' }, items: { total: 0 } });
    const id = created.body.id as string;

    const uris = [...rich.catalog.spotify.tracks.keys()].map((t) => `spotify:track:${t}`);
    const many = Array.from({ length: 101 }, (_, i) => uris[i % uris.length]!);
    const tooMany = await api(`/v1/playlists/${id}/items`, accessToken, { method: 'POST', body: JSON.stringify({ uris: many }) });
    expect(tooMany).toMatchObject({ status: 400, body: { error: { status: 400, message: 'You can add a maximum of 100 tracks per request.' } } });

    const snapshots = new Set<string>([created.body.snapshot_id as string]);
    const added = await api(`/v1/playlists/${id}/items`, accessToken, { method: 'POST', body: JSON.stringify({ uris: many.slice(0, 100) }) });
    expect(added.status).toBe(201);
    expect(Object.keys(added.body)).toEqual(['snapshot_id']);
    snapshots.add(added.body.snapshot_id as string);
    const more = await api(`/v1/playlists/${id}/items`, accessToken, { method: 'POST', body: JSON.stringify({ uris: [uris[0]], position: 0 }) });
    snapshots.add(more.body.snapshot_id as string);

    const listed = await api(`/v1/playlists/${id}/items?limit=50&offset=0`, accessToken);
    expect(listed.body).toMatchObject({ total: 101, limit: 50, offset: 0 });
    const first = (listed.body.items as Array<{ item: { uri: string }; added_by: { id: string } }>)[0]!;
    expect(first.item.uri).toBe(uris[0]);
    expect(first.added_by.id).toBe('syncer');

    const removed = await api(`/v1/playlists/${id}/items`, accessToken, { method: 'DELETE', body: JSON.stringify({ items: [{ uri: uris[0] }] }) });
    expect(removed.status).toBe(200);
    snapshots.add(removed.body.snapshot_id as string);
    const replaced = await api(`/v1/playlists/${id}/items`, accessToken, { method: 'PUT', body: JSON.stringify({ uris: uris.slice(1, 4) }) });
    snapshots.add(replaced.body.snapshot_id as string);
    expect(snapshots.size).toBe(5);

    const playlist = sp.state.playlists.get(id)!;
    expect(playlist.items.map((i) => i.uri)).toEqual(uris.slice(1, 4));
    expect(playlist.writes).toBe(5);
    expect(sp.state.playlistsOf('syncer').map((p) => p.id)).toEqual([id]);
    expect(sp.api.stats.byRoute['POST /v1/playlists/:id/items']).toBe(3);

    const mine = await api('/v1/me/playlists', accessToken);
    expect(mine.body).toMatchObject({ total: 1, items: [{ id, items: { total: 3 } }] });
  });

  it('refuses bad uris, other users and the retired /tracks path', async () => {
    const owner = sp.state.issueToken('owner');
    const other = sp.state.issueToken('other');
    const playlist = sp.state.createPlaylist('owner', 'Mine');
    const bad = await api(`/v1/playlists/${playlist.id}/items`, owner.accessToken, { method: 'POST', body: JSON.stringify({ uris: ['spotify:track:nope'] }) });
    expect(bad.body).toEqual({ error: { status: 400, message: 'Invalid base62 id' } });
    const uri = `spotify:track:${[...rich.catalog.spotify.tracks.keys()][0]}`;
    expect((await api(`/v1/playlists/${playlist.id}/items`, other.accessToken, { method: 'POST', body: JSON.stringify({ uris: [uri] }) })).status).toBe(403);
    expect((await api(`/v1/playlists/${playlist.id}/tracks`, owner.accessToken)).status).toBe(403);
    const removeTooMany = await api(`/v1/playlists/${playlist.id}/items`, owner.accessToken, { method: 'DELETE', body: JSON.stringify({ items: Array(101).fill({ uri }) }) });
    expect(removeTooMany.body).toEqual({ error: { status: 400, message: 'You can remove a maximum of 100 tracks per request.' } });
    expect(playlist.writes).toBe(0);
  });

  it('answers 429 with Retry-After when over its rolling-window limit', async () => {
    const limited = await startSpotify(rich.catalog, { switches: { rateLimit: { ...spotifyRateLimit(true), limit: 2 } } });
    try {
      const { accessToken } = limited.state.issueToken();
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 3; i++) {
        const response = await fetch(`${limited.api.url}/v1/me`, { headers: { Authorization: `Bearer ${accessToken}` } });
        statuses.push(response.status);
        if (response.status === 429) {
          retryAfter = response.headers.get('retry-after');
          expect(await response.json()).toEqual({ error: { status: 429, message: 'API rate limit exceeded' } });
        }
      }
      expect(statuses).toEqual([200, 200, 429]);
      expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
      expect(Number(retryAfter)).toBeLessThanOrEqual(30);
    } finally {
      await limited.api.close();
      await limited.accounts.close();
    }
  });
});
