import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { HttpStatusError, parseJsonBody, unexpectedStatus } from '../net/errors';
import type { HttpRequest, HttpResponse, SourceHttp } from '../net/types';
import { chunk, clampInt, isSuccess, jsonErrorMessage, optBoolean, optNumber, optString, optText } from './shared';

/*
 * The Spotify Web API as Development-Mode apps see it since February 2026:
 * search returns at most 10 items, playlists are read and written through
 * /playlists/{id}/items (entries carry `item`, formerly `track`), and
 * available_markets, popularity and external_ids may be missing.
 */

export interface SpotifyArtistRef {
  id: string;
  name: string;
}

export type ReleaseDatePrecision = 'year' | 'month' | 'day';

export interface SpotifyAlbumRef {
  id: string;
  name: string;
  albumType: string | null;
  releaseDate: string | null;
  releaseDatePrecision: ReleaseDatePrecision | null;
  totalTracks: number | null;
  artists: SpotifyArtistRef[];
  images: SpotifyImage[];
  uri: string | null;
}

export interface SpotifyImage {
  url: string;
  width: number | null;
  height: number | null;
}

export interface SpotifyTrack {
  id: string;
  uri: string;
  name: string;
  durationMs: number;
  artists: SpotifyArtistRef[];
  album: SpotifyAlbumRef;
  discNumber: number | null;
  trackNumber: number | null;
  explicit: boolean | null;
  /** Only when Spotify still sends external_ids (not to Development-Mode apps). */
  isrc?: string;
}

export interface SpotifyAlbumTrack {
  id: string;
  uri: string;
  name: string;
  durationMs: number;
  artists: SpotifyArtistRef[];
  discNumber: number | null;
  trackNumber: number | null;
}

export interface SpotifyAlbum extends SpotifyAlbumRef {
  label: string | null;
  /** Only when Spotify still sends external_ids. */
  upc?: string;
  tracks: SpotifyPage<SpotifyAlbumTrack>;
}

export interface SpotifyPage<T> {
  total: number;
  offset: number;
  limit: number;
  hasNext: boolean;
  items: T[];
}

export interface SpotifyUser {
  id: string;
  displayName: string | null;
  uri: string | null;
}

export interface SpotifyPlaylist {
  id: string;
  name: string;
  description: string | null;
  ownerId: string | null;
  public: boolean | null;
  collaborative: boolean;
  snapshotId: string | null;
  /** Number of entries (from `items.total`, formerly `tracks.total`). */
  itemCount: number | null;
  uri: string | null;
}

export interface SpotifyPlaylistEntry {
  addedAt: string | null;
  /** The entry's URI, also for local files and episodes. */
  uri: string | null;
  isLocal: boolean;
  /** Null for local files, episodes and unavailable entries. */
  track: SpotifyTrack | null;
}

const artistRef = z.object({ id: z.string().min(1), name: z.string() }).transform((a): SpotifyArtistRef => ({ id: a.id, name: a.name }));
const artistRefs = z
  .array(artistRef)
  .nullish()
  .transform((a) => a ?? []);

const image = z
  .object({ url: z.string().min(1), width: optNumber, height: optNumber })
  .transform((i): SpotifyImage => ({ url: i.url, width: i.width, height: i.height }));
const images = z
  .array(image)
  .nullish()
  .transform((i) => i ?? []);

const precision = z
  .enum(['year', 'month', 'day'])
  .nullish()
  .catch(null)
  .transform((p) => p ?? null);

const albumFields = {
  id: z.string().min(1),
  name: z.string(),
  album_type: optString,
  release_date: optText,
  release_date_precision: precision,
  total_tracks: optNumber,
  artists: artistRefs,
  images,
  uri: optString,
};

type AlbumWire = {
  id: string;
  name: string;
  album_type: string | null;
  release_date: string | null;
  release_date_precision: ReleaseDatePrecision | null;
  total_tracks: number | null;
  artists: SpotifyArtistRef[];
  images: SpotifyImage[];
  uri: string | null;
};

function toAlbumRef(a: AlbumWire): SpotifyAlbumRef {
  return {
    id: a.id,
    name: a.name,
    albumType: a.album_type,
    releaseDate: a.release_date,
    releaseDatePrecision: a.release_date_precision,
    totalTracks: a.total_tracks,
    artists: a.artists,
    images: a.images,
    uri: a.uri,
  };
}

const albumRefSchema = z.object(albumFields).transform(toAlbumRef);

const externalIds = z
  .object({ isrc: z.string().nullish(), upc: z.string().nullish() })
  .nullish()
  .transform((e) => ({ isrc: e?.isrc?.trim() || undefined, upc: e?.upc?.trim() || undefined }));

export const trackSchema = z
  .object({
    id: z.string().min(1),
    uri: z.string().min(1),
    name: z.string(),
    duration_ms: z.number(),
    artists: artistRefs,
    album: albumRefSchema,
    disc_number: optNumber,
    track_number: optNumber,
    explicit: optBoolean,
    external_ids: externalIds,
  })
  .transform((t): SpotifyTrack => {
    const track: SpotifyTrack = {
      id: t.id,
      uri: t.uri,
      name: t.name,
      durationMs: t.duration_ms,
      artists: t.artists,
      album: t.album,
      discNumber: t.disc_number,
      trackNumber: t.track_number,
      explicit: t.explicit,
    };
    if (t.external_ids.isrc) track.isrc = t.external_ids.isrc;
    return track;
  });

function pageSchema<T>(item: z.ZodType<T>) {
  return z
    .object({
      total: z.number(),
      offset: z.number(),
      limit: z.number(),
      next: z.string().nullish(),
      items: z.array(item),
    })
    .transform(
      (p): SpotifyPage<T> => ({ total: p.total, offset: p.offset, limit: p.limit, hasNext: !!p.next, items: p.items }),
    );
}

const albumTrackSchema = z
  .object({
    id: z.string().min(1),
    uri: z.string().min(1),
    name: z.string(),
    duration_ms: z.number(),
    artists: artistRefs,
    disc_number: optNumber,
    track_number: optNumber,
  })
  .transform(
    (t): SpotifyAlbumTrack => ({
      id: t.id,
      uri: t.uri,
      name: t.name,
      durationMs: t.duration_ms,
      artists: t.artists,
      discNumber: t.disc_number,
      trackNumber: t.track_number,
    }),
  );

export const albumSchema = z
  .object({
    ...albumFields,
    label: optText,
    external_ids: externalIds,
    tracks: pageSchema(albumTrackSchema),
  })
  .transform((a): SpotifyAlbum => {
    const album: SpotifyAlbum = { ...toAlbumRef(a), label: a.label, tracks: a.tracks };
    if (a.external_ids.upc) album.upc = a.external_ids.upc;
    return album;
  });

export const trackSearchSchema = z.object({ tracks: pageSchema(trackSchema) }).transform((s) => s.tracks);
export const albumSearchSchema = z.object({ albums: pageSchema(albumRefSchema) }).transform((s) => s.albums);

export const userSchema = z
  .object({ id: z.string().min(1), display_name: optText, uri: optString })
  .transform((u): SpotifyUser => ({ id: u.id, displayName: u.display_name, uri: u.uri }));

const countRef = z
  .object({ total: optNumber })
  .nullish()
  .transform((c) => c?.total ?? null);

export const playlistSchema = z
  .object({
    id: z.string().min(1),
    name: z.string(),
    description: optText,
    owner: z.object({ id: z.string() }).nullish(),
    public: optBoolean,
    collaborative: optBoolean,
    snapshot_id: optString,
    items: countRef,
    tracks: countRef,
    uri: optString,
  })
  .transform(
    (p): SpotifyPlaylist => ({
      id: p.id,
      name: p.name,
      description: p.description,
      ownerId: p.owner?.id ?? null,
      public: p.public,
      collaborative: p.collaborative ?? false,
      snapshotId: p.snapshot_id,
      itemCount: p.items ?? p.tracks,
      uri: p.uri,
    }),
  );

export const playlistPageSchema = pageSchema(playlistSchema);

// Local files, episodes and unavailable tracks (id null) are entries we keep but cannot match.
const nonTrack = (o: { uri: string | null }, isLocal: boolean) => ({ uri: o.uri, isLocal, track: null });

const entryItemSchema = z.union([
  z.object({ is_local: z.literal(true), uri: optString }).transform((o) => nonTrack(o, true)),
  z.object({ type: z.literal('episode'), uri: optString }).transform((o) => nonTrack(o, false)),
  z.object({ id: z.null(), uri: optString }).transform((o) => nonTrack(o, false)),
  trackSchema.transform((t) => ({ uri: t.uri, isLocal: false, track: t })),
]);

const playlistEntrySchema = z
  .object({
    added_at: optString,
    is_local: optBoolean,
    item: entryItemSchema.nullish(),
    // The pre-2026 name of `item`, still sent during the deprecation window.
    track: entryItemSchema.nullish(),
  })
  .transform((e): SpotifyPlaylistEntry => {
    const inner = e.item ?? e.track ?? null;
    return {
      addedAt: e.added_at,
      uri: inner?.uri ?? null,
      isLocal: (e.is_local ?? false) || (inner?.isLocal ?? false),
      track: inner?.track ?? null,
    };
  });

export const playlistItemsSchema = pageSchema(playlistEntrySchema);

const snapshotSchema = z.object({ snapshot_id: z.string() }).transform((s) => s.snapshot_id);

const apiErrorSchema = z.object({
  error: z.object({ status: z.number().optional(), message: z.string().optional(), reason: z.string().optional() }),
});

/** The message of a Web API error body ({"error": {"status", "message"}}). */
export function spotifyErrorMessage(response: HttpResponse): string | null {
  return jsonErrorMessage(response, (json) => {
    const parsed = apiErrorSchema.safeParse(json);
    if (!parsed.success) return null;
    const { message, reason } = parsed.data.error;
    return [message, reason].filter(Boolean).join(' — ') || null;
  });
}

export const SPOTIFY_SEARCH_MAX_LIMIT = 10;
export const SPOTIFY_PAGE_MAX_LIMIT = 50;
export const SPOTIFY_ITEMS_PER_WRITE = 100;

export interface SpotifyClientOptions {
  /** A valid access token (the caller refreshes it). */
  accessToken: () => Promise<string>;
}

export interface SpotifyPageOptions {
  limit?: number;
  offset?: number;
}

export class SpotifyClient {
  constructor(
    private readonly http: SourceHttp,
    private readonly options: SpotifyClientOptions,
  ) {}

  /** Track search; the limit is clamped to 10, Spotify's Development-Mode maximum. */
  searchTracks(
    query: string,
    page: SpotifyPageOptions & { market?: string } = {},
    signal?: AbortSignal,
  ): Promise<SpotifyPage<SpotifyTrack>> {
    return this.search('track', query, page, trackSearchSchema, signal);
  }

  searchAlbums(
    query: string,
    page: SpotifyPageOptions & { market?: string } = {},
    signal?: AbortSignal,
  ): Promise<SpotifyPage<SpotifyAlbumRef>> {
    return this.search('album', query, page, albumSearchSchema, signal);
  }

  async track(id: string, signal?: AbortSignal): Promise<SpotifyTrack | null> {
    return this.json({ path: `/v1/tracks/${encodeURIComponent(id)}` }, trackSchema, `the track ${id}`, signal);
  }

  async album(id: string, signal?: AbortSignal): Promise<SpotifyAlbum | null> {
    return this.json({ path: `/v1/albums/${encodeURIComponent(id)}` }, albumSchema, `the album ${id}`, signal);
  }

  async me(signal?: AbortSignal): Promise<SpotifyUser> {
    const user = await this.json({ path: '/v1/me' }, userSchema, 'the current user', signal);
    if (!user) throw new HttpStatusError('spotify', 404, 'Spotify does not know the connected account. Reconnect Spotify in Settings.');
    return user;
  }

  async myPlaylists(page: SpotifyPageOptions = {}, signal?: AbortSignal): Promise<SpotifyPage<SpotifyPlaylist>> {
    const result = await this.json(
      { path: '/v1/me/playlists', query: this.pageQuery(page, SPOTIFY_PAGE_MAX_LIMIT) },
      playlistPageSchema,
      'the playlists of the current user',
      signal,
    );
    return result ?? { total: 0, offset: 0, limit: 0, hasNext: false, items: [] };
  }

  async createPlaylist(
    input: { name: string; description?: string; public?: boolean },
    signal?: AbortSignal,
  ): Promise<SpotifyPlaylist> {
    const body = JSON.stringify({ name: input.name, description: input.description, public: input.public ?? false });
    const playlist = await this.json({ method: 'POST', path: '/v1/me/playlists', body }, playlistSchema, 'creating a playlist', signal);
    if (!playlist) throw new HttpStatusError('spotify', 404, 'Spotify could not create the playlist (404). Reconnect Spotify in Settings.');
    return playlist;
  }

  /** One page of a playlist's entries (limit ≤ 50); null when the playlist is gone. */
  playlistItems(playlistId: string, page: SpotifyPageOptions = {}, signal?: AbortSignal): Promise<SpotifyPage<SpotifyPlaylistEntry> | null> {
    return this.json(
      { path: `/v1/playlists/${encodeURIComponent(playlistId)}/items`, query: this.pageQuery(page, SPOTIFY_PAGE_MAX_LIMIT) },
      playlistItemsSchema,
      `the items of playlist ${playlistId}`,
      signal,
    );
  }

  /**
   * Appends the URIs (or inserts them at position) in calls of at most 100. Null when the playlist is gone
   * (404); otherwise the snapshot id of the last call (null if there was
   * nothing to send).
   */
  async addPlaylistItems(
    playlistId: string,
    uris: readonly string[],
    signal?: AbortSignal,
    position?: number,
  ): Promise<{ snapshotId: string | null } | null> {
    let snapshotId: string | null = null;
    let at = position;
    for (const part of chunk(uris, SPOTIFY_ITEMS_PER_WRITE)) {
      const body = JSON.stringify(at === undefined ? { uris: part } : { uris: part, position: at });
      snapshotId = await this.json(
        { method: 'POST', path: `/v1/playlists/${encodeURIComponent(playlistId)}/items`, body },
        snapshotSchema,
        `adding items to playlist ${playlistId}`,
        signal,
      );
      if (snapshotId === null) return null;
      if (at !== undefined) at += part.length;
    }
    return { snapshotId };
  }

  /** Removes every occurrence of the URIs, in calls of at most 100; results as addPlaylistItems. */
  async removePlaylistItems(
    playlistId: string,
    uris: readonly string[],
    snapshotId?: string,
    signal?: AbortSignal,
  ): Promise<{ snapshotId: string | null } | null> {
    let last: string | null = null;
    let against = snapshotId;
    for (const part of chunk(uris, SPOTIFY_ITEMS_PER_WRITE)) {
      const body = JSON.stringify({ items: part.map((uri) => ({ uri })), snapshot_id: against });
      last = await this.json(
        { method: 'DELETE', path: `/v1/playlists/${encodeURIComponent(playlistId)}/items`, body },
        snapshotSchema,
        `removing items from playlist ${playlistId}`,
        signal,
      );
      if (last === null) return null;
      against = last;
    }
    return { snapshotId: last };
  }

  private pageQuery(page: SpotifyPageOptions, max: number) {
    return { limit: clampInt(page.limit, 1, max, max), offset: Math.max(0, Math.trunc(page.offset ?? 0)) };
  }

  private async search<T>(
    type: 'track' | 'album',
    query: string,
    page: SpotifyPageOptions & { market?: string },
    schema: z.ZodType<SpotifyPage<T>>,
    signal?: AbortSignal,
  ): Promise<SpotifyPage<T>> {
    const q = query.replace(/\s+/g, ' ').trim();
    if (q === '') return { total: 0, offset: 0, limit: 0, hasNext: false, items: [] };
    const result = await this.json(
      {
        path: '/v1/search',
        query: {
          q,
          type,
          market: page.market,
          limit: clampInt(page.limit, 1, SPOTIFY_SEARCH_MAX_LIMIT, SPOTIFY_SEARCH_MAX_LIMIT),
          offset: Math.max(0, Math.trunc(page.offset ?? 0)),
        },
        // Search answers do not depend on the account: share them in the cache.
        cache: true,
      },
      schema,
      `the ${type} search`,
      signal,
    );
    return result ?? { total: 0, offset: 0, limit: 0, hasNext: false, items: [] };
  }

  private async json<T>(
    request: Omit<HttpRequest, 'headers'>,
    schema: z.ZodType<T>,
    what: string,
    signal?: AbortSignal,
  ): Promise<T | null> {
    const token = await this.options.accessToken();
    const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
    if (request.body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await this.http.request({ method: 'GET', cache: false, ...request, headers }, signal);
    if (response.status === 404) return null;
    if (response.status === 401) {
      throw new HttpStatusError(
        'spotify',
        401,
        `Spotify no longer accepts Sleeve's access (401 on ${what}). Reconnect Spotify in Settings.`,
      );
    }
    if (!isSuccess(response.status)) {
      const advice = response.status === 403 ? 'Reconnect Spotify in Settings to grant the playlist permissions.' : undefined;
      throw unexpectedStatus('spotify', response, what, spotifyErrorMessage(response), advice);
    }
    return parseJsonBody('spotify', response, schema, what);
  }
}

export const SPOTIFY_SCOPES = ['playlist-read-private', 'playlist-modify-private', 'playlist-modify-public'] as const;

/** A PKCE code verifier: 64 random bytes, base64url (86 characters, within 43–128). */
export function createCodeVerifier(): string {
  return randomBytes(64).toString('base64url');
}

export function codeChallengeS256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** A random `state` value to tie the callback to the request. */
export function createState(): string {
  return randomBytes(16).toString('base64url');
}

/** The loopback redirect URI registered for Sleeve. */
export function loopbackRedirectUri(port: number): string {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`Not a TCP port: ${port}`);
  return `http://127.0.0.1:${port}/callback`;
}

export interface AuthorizeUrlInput {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  state: string;
  scopes?: readonly string[];
}

export interface SpotifyTokens {
  accessToken: string;
  /** Seconds from now. */
  expiresIn: number;
  /** Spotify may rotate it on refresh; absent means keep the old one. */
  refreshToken?: string;
  scope: string;
}

const tokenSchema = z
  .object({
    access_token: z.string().min(1),
    token_type: z.string().optional(),
    expires_in: z.number(),
    refresh_token: z.string().nullish(),
    scope: z.string().nullish(),
  })
  .transform((t): SpotifyTokens => {
    const tokens: SpotifyTokens = { accessToken: t.access_token, expiresIn: t.expires_in, scope: t.scope ?? '' };
    if (t.refresh_token) tokens.refreshToken = t.refresh_token;
    return tokens;
  });

const oauthErrorSchema = z.object({ error: z.string().min(1), error_description: z.string().nullish() });

export class SpotifyAccountsClient {
  constructor(private readonly http: SourceHttp) {}

  authorizeUrl(input: AuthorizeUrlInput): string {
    const url = new URL('/authorize', this.http.baseUrl);
    url.search = new URLSearchParams({
      client_id: input.clientId,
      response_type: 'code',
      redirect_uri: input.redirectUri,
      code_challenge_method: 'S256',
      code_challenge: input.codeChallenge,
      state: input.state,
      scope: (input.scopes ?? SPOTIFY_SCOPES).join(' '),
    }).toString();
    return url.toString();
  }

  exchangeCode(code: string, verifier: string, redirectUri: string, clientId: string, signal?: AbortSignal): Promise<SpotifyTokens> {
    return this.token(
      { grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: clientId, code_verifier: verifier },
      'the sign-in code',
      signal,
    );
  }

  refresh(refreshToken: string, clientId: string, signal?: AbortSignal): Promise<SpotifyTokens> {
    return this.token({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId }, 'the token refresh', signal);
  }

  private async token(form: Record<string, string>, what: string, signal?: AbortSignal): Promise<SpotifyTokens> {
    const response = await this.http.request(
      {
        method: 'POST',
        path: '/api/token',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
        cache: false,
      },
      signal,
    );
    if (!isSuccess(response.status)) {
      const detail = jsonErrorMessage(response, (json) => {
        const parsed = oauthErrorSchema.safeParse(json);
        if (!parsed.success) return null;
        const { error, error_description: description } = parsed.data;
        return description ? `${error} (${description})` : error;
      });
      const advice = response.status === 400 || response.status === 401 ? 'Reconnect Spotify in Settings.' : undefined;
      throw unexpectedStatus('spotifyAccounts', response, what, detail, advice);
    }
    return parseJsonBody('spotifyAccounts', response, tokenSchema, what);
  }
}
