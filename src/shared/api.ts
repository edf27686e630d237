import type { AlbumDetail, AlbumListPage, AlbumListQuery, AlbumSummary, ArtCandidate, EnrichScope, EnrichStats } from './albums';
import type { PlaylistDetail, PlaylistImportResult, PlaylistSummary } from './playlists';
import type { JobKindInfo, JobPriority, JobSnapshot } from './jobs';
import type { AlbumPage, LibraryStats, Track, TrackPage, TrackQuery, YearScope, YearStats } from './library';
import type { NetworkSettingsChange, NetworkSettingsView, SecretName, SourceName } from './network';
import type { SpotifyConnectStart, SpotifyStatus } from './spotify-connect';
import type { SyncOptions, SyncPlan, SyncRequest, SyncReviewItem } from './sync';
import type { UndoScope, WriteHistoryEntry, WritePreview, WriteProblemItem, WriteRequest, WriteSettings } from './write-back';

export interface StartJobRequest {
  kind: string;
  params?: unknown;
  priority?: JobPriority;
}

export interface AppInfo {
  version: string;
  libraryPath: string;
  /** Which shell serves the Api: the desktop app, the local web server or the CLI. */
  shell: 'electron' | 'web' | 'cli';
  /**
   * Where artwork thumbnails and images are served from: append
   * 'thumb/<hash>' or 'image/<hash>'. A custom protocol in the desktop app, a
   * path on the web server; both serve only the artwork cache.
   */
  artBaseUrl: string;
}

/**
 * Everything the renderer may ask of the app. The desktop app serves it over
 * IPC through the preload, the local web server over a WebSocket; the
 * renderer cannot tell which.
 */
export interface Api {
  appInfo(): Promise<AppInfo>;
  listJobKinds(): Promise<JobKindInfo[]>;
  listJobs(limit?: number): Promise<JobSnapshot[]>;
  startJob(request: StartJobRequest): Promise<JobSnapshot>;
  cancelJob(id: number): Promise<void>;
  /** Scans folders or files (remembered as roots); no paths rescans every root. */
  scan(paths: string[]): Promise<JobSnapshot>;
  /**
   * Asks the user for folders with the system dialog. Null where the shell
   * has none (a browser), and the page asks for a path itself.
   */
  pickFolders(): Promise<string[] | null>;
  queryTracks(query: TrackQuery): Promise<TrackPage>;
  queryAlbums(query: Pick<TrackQuery, 'filter' | 'offset' | 'limit'>): Promise<AlbumPage>;
  libraryStats(): Promise<LibraryStats>;
  /**
   * Starts the release-years job over all tracks and listens, or the tracks
   * of a Library view. refresh looks again at everything (a year set by hand
   * stays) and asks the services afresh instead of using cached answers.
   */
  findYears(scope?: YearScope, options?: { refresh?: boolean }): Promise<JobSnapshot>;
  yearStats(): Promise<YearStats>;
  /** Sets a track's year by hand (kept over every lookup); null gives it back to the lookups. */
  setTrackYear(id: number, year: number | null): Promise<Track | null>;
  /** Imports a ListenBrainz or Last.fm export at this path (on the machine running Sleeve). */
  importListens(path: string): Promise<JobSnapshot>;
  /**
   * Asks the user for a listening-history file with the system dialog: '' when
   * they cancel, null where the shell has no dialog (a browser asks for a path).
   */
  pickListensFile(): Promise<string | null>;
  /** How Sleeve reaches each service, where each value came from, and which keys are set (never their values). */
  networkSettings(): Promise<NetworkSettingsView>;
  saveNetworkSettings(change: NetworkSettingsChange): Promise<NetworkSettingsView>;
  /** Stores a key or token in the shell's secret store; null removes it. Write-only: no method reads one back. */
  setSecret(name: SecretName, value: string | null): Promise<NetworkSettingsView>;
  /** Forgets cached answers, of one source or all; returns how many. */
  clearHttpCache(source?: SourceName): Promise<number>;
  /**
   * Queues albums for enrichment (all, or a selection first) and starts the
   * enrichment job. refresh matches again what was matched (a confirmed match
   * and a chosen picture stay) and asks the services afresh.
   */
  enrich(scope?: EnrichScope, options?: { refresh?: boolean }): Promise<JobSnapshot>;
  enrichStats(): Promise<EnrichStats>;
  listAlbums(query: AlbumListQuery): Promise<AlbumListPage>;
  /** An album with its tracks and, for one in review, its candidates side by side. */
  albumDetail(id: number): Promise<AlbumDetail | null>;
  /**
   * Settles an album in review: applies one of its candidates (by index in
   * AlbumDetail.candidates) as a confirmed match, or 'none' marks it not found.
   */
  resolveReview(albumId: number, choice: number | 'none'): Promise<AlbumSummary | null>;
  artCandidates(albumId: number): Promise<ArtCandidate[]>;
  /** Picks an album's picture; a choice made here is never replaced by a later run. */
  chooseArt(albumId: number, candidateId: number): Promise<AlbumSummary | null>;
  /** Takes the suggested picture for every album (or these) that has none chosen and no art of its own; returns how many. */
  acceptSuggestedArt(albumIds?: number[]): Promise<number>;
  listPlaylists(): Promise<PlaylistSummary[]>;
  playlistDetail(id: number): Promise<PlaylistDetail | null>;
  /** Imports M3U/M3U8 files at these paths (on the machine running Sleeve); a file imported before updates its playlist. */
  importPlaylists(paths: string[]): Promise<PlaylistImportResult[]>;
  /** Writes the playlist as M3U8 at this path, paths relative to it; returns where, and how many entries had no track. */
  exportPlaylist(id: number, path: string): Promise<{ path: string; entries: number; missing: number }>;
  renamePlaylist(id: number, name: string): Promise<PlaylistSummary | null>;
  deletePlaylist(id: number): Promise<boolean>;
  /** A new, empty playlist made in Sleeve; the name is trimmed, 1 to 200 characters. */
  createPlaylist(name: string): Promise<PlaylistDetail>;
  /** Adds library tracks (in this order) so the first lands at position (0-based); at the end without one. Null: no such playlist. */
  addToPlaylist(playlistId: number, trackIds: number[], position?: number): Promise<PlaylistDetail | null>;
  /** Moves the entries at positions as one block, in their order, so the first lands at to (counted after the move). */
  moveInPlaylist(playlistId: number, positions: number[], to: number): Promise<PlaylistDetail | null>;
  /** Removes the entries at positions; the rest close up. The tracks stay in the library. */
  removeFromPlaylist(playlistId: number, positions: number[]): Promise<PlaylistDetail | null>;
  /**
   * Asks for playlist files with the system dialog: [] when the user cancels,
   * null where the shell has none (a browser asks for a path).
   */
  pickPlaylistFiles(): Promise<string[] | null>;
  /** Asks where to save a playlist, with a suggested file name: '' on cancel, null without a dialog. */
  pickPlaylistExportPath(suggestedName: string): Promise<string | null>;
  /** Whether Spotify is connected (no network): a refresh token and a client ID stored, a sign-in waiting, the last failure. */
  spotifyStatus(): Promise<SpotifyStatus>;
  /**
   * Starts the Spotify sign-in (PKCE, loopback redirect) and answers at once
   * with the page to open on this machine; the token is stored when the
   * browser comes back, and spotifyStatus() shows the outcome. A client ID
   * given here is stored first.
   */
  connectSpotify(clientId?: string): Promise<SpotifyConnectStart>;
  /** Stops waiting for a sign-in started by connectSpotify. */
  cancelSpotifyConnect(): Promise<SpotifyStatus>;
  /** Forgets the Spotify refresh token (the client ID stays). */
  disconnectSpotify(): Promise<SpotifyStatus>;
  /**
   * Syncs playlists to Spotify or a folder: a dry run only plans (see
   * syncPlan). The same sync asked for while it is queued or running answers
   * with that job instead of starting a second.
   */
  syncPlaylists(request: SyncRequest): Promise<JobSnapshot>;
  /** The plan of the last sync (dry or not) of this playlist to this target ('spotify' or 'folder:PATH'). */
  syncPlan(playlistId: number, target: string): Promise<SyncPlan | null>;
  /** The playlist's tracks whose Spotify match waits for the user, with their candidates. */
  syncReview(playlistId: number): Promise<SyncReviewItem[]>;
  /** The user's Spotify match for a track: a URI or open.spotify.com link, or null for 'not on Spotify'. Remembered for later syncs. */
  setSpotifyMatch(trackId: number, uri: string | null): Promise<void>;
  /** What the Sync dialog can offer here: Spotify connected or not, ReplayGain (ffmpeg) or why not, default workers. */
  syncOptions(): Promise<SyncOptions>;
  /**
   * What writing tags would change, file by file (a page of the files that
   * would change, from offset), with totals over the whole scope.
   */
  writePreview(request: WriteRequest, offset?: number, limit?: number): Promise<WritePreview>;
  /** Writes tags (and covers) into the files: a job, with the old values journaled for undo. */
  writeTags(request: WriteRequest): Promise<JobSnapshot>;
  writeSettings(): Promise<WriteSettings>;
  saveWriteSettings(settings: WriteSettings): Promise<WriteSettings>;
  /** Write jobs, newest first, with how many files Undo would restore. */
  writeHistory(): Promise<WriteHistoryEntry[]>;
  /** The files a write (or undo) job did not write, and why. */
  writeProblems(jobId: number): Promise<WriteProblemItem[]>;
  /** Puts back the tags a write job, an album's writes or some files' writes replaced: a job. */
  undoWrite(scope: UndoScope): Promise<JobSnapshot>;
  /** Live job updates; returns the unsubscribe function. */
  onJobUpdate(listener: (job: JobSnapshot) => void): () => void;
  /** The library's contents changed (a scan wrote tracks); at most a few times a second. */
  onLibraryChange(listener: () => void): () => void;
}

/** The request/response methods, i.e. every Api member except subscriptions. */
export type ApiMethod = Exclude<keyof Api, 'onJobUpdate' | 'onLibraryChange'>;

export const API_METHODS: readonly ApiMethod[] = [
  'appInfo',
  'listJobKinds',
  'listJobs',
  'startJob',
  'cancelJob',
  'scan',
  'pickFolders',
  'queryTracks',
  'queryAlbums',
  'libraryStats',
  'findYears',
  'yearStats',
  'setTrackYear',
  'importListens',
  'pickListensFile',
  'networkSettings',
  'saveNetworkSettings',
  'setSecret',
  'clearHttpCache',
  'enrich',
  'enrichStats',
  'listAlbums',
  'albumDetail',
  'resolveReview',
  'artCandidates',
  'chooseArt',
  'acceptSuggestedArt',
  'listPlaylists',
  'playlistDetail',
  'importPlaylists',
  'exportPlaylist',
  'renamePlaylist',
  'deletePlaylist',
  'createPlaylist',
  'addToPlaylist',
  'moveInPlaylist',
  'removeFromPlaylist',
  'pickPlaylistFiles',
  'pickPlaylistExportPath',
  'spotifyStatus',
  'connectSpotify',
  'cancelSpotifyConnect',
  'disconnectSpotify',
  'syncPlaylists',
  'syncPlan',
  'syncReview',
  'setSpotifyMatch',
  'syncOptions',
  'writePreview',
  'writeTags',
  'writeSettings',
  'saveWriteSettings',
  'writeHistory',
  'writeProblems',
  'undoWrite',
];

/** Events the app pushes to the renderer. */
export interface ApiEvents {
  jobUpdate: JobSnapshot;
  libraryChange: null;
}

export type ApiEvent = { [K in keyof ApiEvents]: { event: K; data: ApiEvents[K] } }[keyof ApiEvents];
