import { z } from 'zod';
import { API_METHODS, type Api, type ApiEvent, type ApiMethod, type AppInfo } from '../../shared/api';
import { ALBUM_VIEWS, PRIORITY } from '../../shared/albums';
import { TRACK_SORTS } from '../../shared/library';
import { WorkQueue } from '../albums/queue';
import { albumDetail, albumSummary, enrichStats, listAlbums, resolveReview } from '../albums/store';
import { acceptSuggestedArt, chooseArt, listArtCandidates } from '../artwork/store';
import { queueEnrichment } from '../albums/plan';
import {
  deletePlaylist,
  exportPlaylist,
  importPlaylist,
  listPlaylists,
  playlistDetail,
  PlaylistFileError,
  renamePlaylist,
  TrackResolver,
} from '../playlists/store';
import { addTracksToPlaylist, createPlaylist, moveEntries, PlaylistEditError, removeEntries } from '../playlists/edit';
import { SECRET_NAMES, SOURCE_NAMES } from '../../shared/network';
import { ResponseCache } from '../net/cache';
import { SourceSettingError } from '../net/config';
import type { SecretStore } from '../net/secrets';
import { applyNetworkSettingsChange, networkSettingsView } from '../net/settings-view';
import type { JobSnapshot } from '../../shared/jobs';
import type { Library } from '../db/library';
import { listJobKinds } from '../jobs/registry';
import { DEFAULT_FOLDER_WORKERS } from '../pipelines/sync';
import { replayGainAvailability } from '../sync/replaygain';
import { resolveTarget, startSync, syncParams } from '../sync/request';
import { ManualMatchError, reviewItems, setManualMatch } from '../sync/spotify-match';
import { DEFAULT_SPOTIFY_WORKERS } from '../sync/spotify-sync';
import { loadSyncPlan } from '../sync/targets';
import { parseTargetKey, SyncTargetError, targetKey } from '../../shared/sync';
import { undoScopeSchema, writeScopeSchema, writeSettingsSchema } from '../pipelines/write-tags';
import { WriteJournal } from '../tags/journal';
import { loadWriteSettings, saveWriteSettings, WritePreviewer } from '../tags/plan';
import { undoJobParams, writeJobParams } from '../tags/request';
import type { JobManager } from '../jobs/manager';
import { libraryStats, queryAlbums, queryTracks, setTrackYear, yearStats } from '../library/queries';
import { SpotifyConnectSetupError, SpotifyConnector } from '../spotify-connect/connector';
import { PathRefusedError, type ClientPathCheck } from '../library/path-policy';
import { checkClientPaths } from './client-paths';

const page = { offset: z.number().int().min(0).optional(), limit: z.number().int().min(1).max(1000).optional() };
const filter = z.string().max(500).optional();

const id = z.number().int().positive();
const filePath = z.string().min(1).max(4096);
const albumIds = z.array(id).max(100_000);
const enrichScope = z.object({ albumIds: albumIds.optional(), trackIds: albumIds.optional() });

const yearScope = z.object({
  filter,
  album: z.object({ artist: z.string().nullable(), title: z.string().nullable(), folder: z.string().nullable() }).optional(),
  trackIds: z.array(z.number().int().positive()).max(100_000).optional(),
});

const writeRequest = z.object({
  scope: writeScopeSchema,
  settings: writeSettingsSchema.partial().optional(),
  excludeTrackIds: z.array(id).max(1_000_000).optional(),
});

const playlistIdArg = z.number('A playlist id is a number (see listPlaylists)').int('A playlist id is a whole number').positive('A playlist id is positive');
const trackIdArg = z.number('A track id is a number (see queryTracks)').int('A track id is a whole number').positive('A track id is positive');
const positionArg = z.number('A position is a number: 0 for the first entry').int('A position is a whole number: 0 for the first entry').min(0, 'Positions count from 0 for the first entry');
const positionsArg = z.array(positionArg, 'Positions come as a list').min(1, 'Give at least one position').max(100_000, 'At most 100,000 positions at a time');

const argsSchemas: { [M in ApiMethod]: z.ZodType<Parameters<Api[M]>> } = {
  appInfo: z.tuple([]),
  listJobKinds: z.tuple([]),
  listJobs: z.union([z.tuple([]), z.tuple([z.number().int().min(1).max(10_000).optional()])]),
  startJob: z.tuple([
    z.object({
      kind: z.string().min(1).max(64),
      params: z.unknown().optional(),
      priority: z.enum(['user', 'background']).optional(),
    }),
  ]),
  cancelJob: z.tuple([z.number().int().positive()]),
  scan: z.tuple([z.array(z.string().min(1).max(4096)).max(10_000)]),
  pickFolders: z.tuple([]),
  queryTracks: z.tuple([
    z.object({
      filter,
      sort: z.enum(TRACK_SORTS).optional(),
      descending: z.boolean().optional(),
      album: z.object({ artist: z.string().nullable(), title: z.string().nullable(), folder: z.string().nullable() }).optional(),
      status: z.enum(['ok', 'failed', 'missing']).optional(),
      ...page,
    }),
  ]),
  queryAlbums: z.tuple([z.object({ filter, ...page })]),
  libraryStats: z.tuple([]),
  findYears: z.union([
    z.tuple([]),
    // JSON has no undefined: a WebSocket client sends a skipped scope as null.
    z.tuple([yearScope.nullish().transform((v) => v ?? undefined)]),
    z.tuple([yearScope.nullish().transform((v) => v ?? undefined), z.object({ refresh: z.boolean().optional() }).optional()]),
  ]),
  yearStats: z.tuple([]),
  setTrackYear: z.tuple([z.number().int().positive(), z.number().int().min(1000).max(2100).nullable()]),
  importListens: z.tuple([z.string().min(1).max(4096)]),
  pickListensFile: z.tuple([]),
  networkSettings: z.tuple([]),
  saveNetworkSettings: z.tuple([
    z.object({
      sources: z
        .partialRecord(
          z.enum(SOURCE_NAMES),
          z.object({
            baseUrl: z.string().max(2048).nullable().optional(),
            rate: z.number().nullable().optional(),
            concurrency: z.number().nullable().optional(),
          }),
        )
        .optional(),
      contact: z.string().max(2048).nullable().optional(),
    }),
  ]),
  setSecret: z.tuple([z.enum(SECRET_NAMES), z.string().max(4096).nullable()]),
  clearHttpCache: z.union([z.tuple([]), z.tuple([z.enum(SOURCE_NAMES).optional()])]),
  enrich: z.union([
    z.tuple([]),
    z.tuple([enrichScope.nullish().transform((v) => v ?? undefined)]),
    z.tuple([enrichScope.nullish().transform((v) => v ?? undefined), z.object({ refresh: z.boolean().optional() }).nullish().transform((v) => v ?? undefined)]),
  ]),
  enrichStats: z.tuple([]),
  listAlbums: z.tuple([z.object({ view: z.enum(ALBUM_VIEWS).optional(), filter, ...page })]),
  albumDetail: z.tuple([id]),
  resolveReview: z.tuple([id, z.union([z.number().int().min(0).max(100), z.literal('none')])]),
  artCandidates: z.tuple([id]),
  chooseArt: z.tuple([id, id]),
  acceptSuggestedArt: z.union([z.tuple([]), z.tuple([albumIds.nullish().transform((v) => v ?? undefined)])]),
  listPlaylists: z.tuple([]),
  playlistDetail: z.tuple([id]),
  importPlaylists: z.tuple([z.array(filePath).min(1).max(1000)]),
  exportPlaylist: z.tuple([id, filePath]),
  renamePlaylist: z.tuple([id, z.string().trim().min(1).max(500)]),
  deletePlaylist: z.tuple([id]),
  createPlaylist: z.tuple([z.string('A playlist name is text').trim().min(1, 'A playlist needs a name').max(200, 'A playlist name has at most 200 characters')]),
  addToPlaylist: z.tuple([playlistIdArg, z.array(trackIdArg, 'Track ids come as a list').min(1, 'Give at least one track id to add').max(100_000, 'Add at most 100,000 tracks at a time'), positionArg.nullish().transform((v) => v ?? undefined)]),
  moveInPlaylist: z.tuple([playlistIdArg, positionsArg, positionArg]),
  removeFromPlaylist: z.tuple([playlistIdArg, positionsArg]),
  pickPlaylistFiles: z.tuple([]),
  pickPlaylistExportPath: z.tuple([z.string().max(500)]),
  spotifyStatus: z.tuple([]),
  // JSON has no undefined: a WebSocket client sends a skipped client ID as null.
  connectSpotify: z.union([z.tuple([]), z.tuple([z.string().max(200).nullish().transform((v) => v ?? undefined)])]),
  cancelSpotifyConnect: z.tuple([]),
  disconnectSpotify: z.tuple([]),
  syncPlaylists: z.tuple([
    z.object({
      playlistIds: z.array(id).min(1).max(1000),
      target: z.discriminatedUnion('kind', [z.object({ kind: z.literal('spotify') }), z.object({ kind: z.literal('folder'), path: filePath })]),
      dryRun: z.boolean().optional(),
      workers: z.number().int().min(1).max(16).optional(),
      mirror: z.boolean().optional(),
      replayGain: z.boolean().optional(),
    }),
  ]),
  syncPlan: z.tuple([id, z.string().min(1).max(4200)]),
  syncReview: z.tuple([id]),
  setSpotifyMatch: z.tuple([id, z.string().trim().min(1).max(500).nullable()]),
  syncOptions: z.tuple([]),
  writePreview: z.union([
    z.tuple([writeRequest]),
    z.tuple([writeRequest, z.number().int().min(0).nullish().transform((v) => v ?? undefined)]),
    z.tuple([writeRequest, z.number().int().min(0).nullish().transform((v) => v ?? undefined), z.number().int().min(1).max(1000).nullish().transform((v) => v ?? undefined)]),
  ]),
  writeTags: z.tuple([writeRequest]),
  writeSettings: z.tuple([]),
  saveWriteSettings: z.tuple([writeSettingsSchema]),
  writeHistory: z.tuple([]),
  writeProblems: z.tuple([id]),
  undoWrite: z.tuple([undoScopeSchema]),
};

/** What only some shells can do: the desktop app has a folder dialog, a browser tab does not. */
export interface ShellHooks {
  pickFolders?: () => Promise<string[] | null>;
  pickListensFile?: () => Promise<string | null>;
  pickPlaylistFiles?: () => Promise<string[] | null>;
  pickPlaylistExportPath?: (suggestedName: string) => Promise<string | null>;
  /** Where the page loads artwork from: the desktop app's custom protocol; the web server's /art/ by default. */
  artBaseUrl?: string;
  /** Where keys and tokens are kept: safeStorage in the desktop app, a 0600 file headless. */
  secrets?: SecretStore;
  /** Opens an address in the user's browser (the desktop app: the Spotify sign-in page). */
  openExternal?: (url: string) => Promise<void>;
}

/** Jobs whose progress means the library's rows changed. */
const WRITES_LIBRARY = new Set(['scan', 'years', 'import-listens', 'enrich', 'write-tags']);
const LIBRARY_CHANGE_EVERY_MS = 500;

/** A request a shell could not serve, with a message safe to show the user. */
export class ApiRequestError extends Error {}

/** A playlist edit that makes no sense (an unknown track, a position past the end) comes back saying what to do; nothing was written. */
function playlistEdit<T>(run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof PlaylistEditError) throw new ApiRequestError(err.message);
    throw err;
  }
}

/** Who is calling, for what only some callers get. */
export interface ApiCallOptions {
  /**
   * Checks every file and folder path in the arguments before the method
   * acts, and gives the paths to use (see core/library/path-policy.ts). Only
   * the web server passes one: its clients are browser tabs, reached by
   * whoever got its URL. The Electron shell and the CLI call without it and
   * keep accepting any path: theirs come from system dialogs or the user's
   * own shell.
   */
  checkPaths?: ClientPathCheck;
}

export interface ApiService {
  call(method: string, args: unknown, options?: ApiCallOptions): Promise<unknown>;
  subscribe(listener: (event: ApiEvent) => void): () => void;
  /** Lets go of what the service holds open (a Spotify sign-in waiting for the browser). */
  close(): void;
}

/**
 * The Api implemented once over the core, shared by the Electron IPC handlers
 * and the web server. Every payload is checked here, since neither a
 * renderer nor a browser tab is trusted.
 */
export function createApiService(
  manager: JobManager,
  db: Library,
  info: Omit<AppInfo, 'shell' | 'artBaseUrl'>,
  shell: AppInfo['shell'],
  hooks: ShellHooks = {},
): ApiService {
  const spotify = new SpotifyConnector({ db, secrets: hooks.secrets, openExternal: hooks.openExternal });
  const previewer = new WritePreviewer(db);
  const spotifyCall = async <T>(work: () => T | Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (err) {
      if (err instanceof SpotifyConnectSetupError) throw new ApiRequestError(err.message);
      throw err;
    }
  };
  const handlers: { [M in ApiMethod]: (...args: Parameters<Api[M]>) => ReturnType<Api[M]> } = {
    appInfo: async () => ({ ...info, artBaseUrl: hooks.artBaseUrl ?? '/art/', shell }),
    listJobKinds: async () => listJobKinds(),
    listJobs: async (limit) => manager.list(limit),
    startJob: async (request) => manager.start(request),
    cancelJob: async (id) => manager.cancel(id),
    scan: async (paths) => manager.start({ kind: 'scan', params: { paths } }),
    pickFolders: async () => (hooks.pickFolders ? hooks.pickFolders() : null),
    queryTracks: async (query) => queryTracks(db, query),
    queryAlbums: async (query) => queryAlbums(db, query),
    libraryStats: async () => libraryStats(db),
    findYears: async (scope, options) =>
      manager.start({
        kind: 'years',
        params: { ...(scope ? { scope } : {}), ...(options?.refresh ? { refresh: true, network: { noCache: true } } : {}) },
        priority: 'user',
      }),
    yearStats: async () => yearStats(db),
    setTrackYear: async (id, year) => setTrackYear(db, id, year),
    importListens: async (file) => manager.start({ kind: 'import-listens', params: { path: file }, priority: 'user' }),
    pickListensFile: async () => (hooks.pickListensFile ? hooks.pickListensFile() : null),
    networkSettings: async () => networkSettingsView(db, hooks.secrets),
    saveNetworkSettings: async (change) => {
      try {
        applyNetworkSettingsChange(db, change);
      } catch (err) {
        if (err instanceof SourceSettingError) throw new ApiRequestError(err.message);
        throw err;
      }
      return networkSettingsView(db, hooks.secrets);
    },
    setSecret: async (name, value) => {
      if (!hooks.secrets) throw new ApiRequestError('This shell has no place to keep keys.');
      hooks.secrets.set(name, value);
      return networkSettingsView(db, hooks.secrets);
    },
    clearHttpCache: async (source) => new ResponseCache(db).clear(source),
    enrich: async (scope, options) => {
      // One enrichment job at a time: one already running takes the new albums from the queue, most urgent first.
      const running = manager.list(50).find((j) => j.kind === 'enrich' && (j.state === 'running' || j.state === 'queued'));
      if (running) {
        queueEnrichment(db, { scope, refresh: options?.refresh });
        return running;
      }
      return manager.start({
        kind: 'enrich',
        params: { ...(scope ? { scope } : {}), ...(options?.refresh ? { refresh: true, network: { noCache: true } } : {}) },
        priority: 'user',
      });
    },
    enrichStats: async () => enrichStats(db),
    listAlbums: async (query) => listAlbums(db, query),
    albumDetail: async (albumId) => albumDetail(db, albumId),
    resolveReview: async (albumId, choice) => {
      if (!resolveReview(db, albumId, choice)) throw new ApiRequestError('That album is not waiting for review, or has no such candidate.');
      // The release now known leads to its cover art: look again, ahead of any backfill.
      new WorkQueue(db).enqueue('artwork', [albumId], PRIORITY.user, { refresh: true });
      return albumSummary(db, albumId);
    },
    artCandidates: async (albumId) => listArtCandidates(db, albumId),
    chooseArt: async (albumId, candidateId) => {
      if (!chooseArt(db, albumId, candidateId, 'user')) throw new ApiRequestError('That picture is not one of the album’s candidates.');
      return albumSummary(db, albumId);
    },
    acceptSuggestedArt: async (ids) => acceptSuggestedArt(db, ids),
    listPlaylists: async () => listPlaylists(db),
    playlistDetail: async (playlistId) => playlistDetail(db, playlistId),
    importPlaylists: async (paths) => {
      // One resolver for every file: its title index over the library is built once.
      const resolver = new TrackResolver(db);
      try {
        return paths.map((file) => importPlaylist(db, file, { resolver }));
      } catch (err) {
        if (err instanceof PlaylistFileError) throw new ApiRequestError(err.message);
        throw err;
      }
    },
    exportPlaylist: async (playlistId, file) => {
      try {
        const written = exportPlaylist(db, playlistId, file);
        if (!written) throw new ApiRequestError(`There is no playlist ${playlistId}.`);
        return written;
      } catch (err) {
        if (err instanceof ApiRequestError) throw err;
        throw new ApiRequestError(`Sleeve could not write ${file}: ${(err as Error).message}`);
      }
    },
    renamePlaylist: async (playlistId, name) => renamePlaylist(db, playlistId, name),
    deletePlaylist: async (playlistId) => deletePlaylist(db, playlistId),
    createPlaylist: async (name) => playlistEdit(() => createPlaylist(db, name)),
    addToPlaylist: async (playlistId, trackIds, position) => playlistEdit(() => addTracksToPlaylist(db, playlistId, trackIds, position)),
    moveInPlaylist: async (playlistId, positions, to) => playlistEdit(() => moveEntries(db, playlistId, positions, to)),
    removeFromPlaylist: async (playlistId, positions) => playlistEdit(() => removeEntries(db, playlistId, positions)),
    pickPlaylistFiles: async () => (hooks.pickPlaylistFiles ? hooks.pickPlaylistFiles() : null),
    pickPlaylistExportPath: async (name) => (hooks.pickPlaylistExportPath ? hooks.pickPlaylistExportPath(name) : null),
    spotifyStatus: async () => spotify.status(),
    connectSpotify: (clientId) => spotifyCall(() => spotify.connect(clientId)),
    cancelSpotifyConnect: async () => spotify.cancel(),
    disconnectSpotify: () => spotifyCall(() => spotify.disconnect()),
    syncPlaylists: async (request) => {
      try {
        return startSync(manager, syncParams(db, request, hooks.secrets?.all() ?? {}));
      } catch (err) {
        if (err instanceof SyncTargetError) throw new ApiRequestError(err.message);
        throw err;
      }
    },
    syncPlan: async (playlistId, target) => {
      try {
        return loadSyncPlan(db, playlistId, targetKey(resolveTarget(parseTargetKey(target))));
      } catch (err) {
        if (err instanceof SyncTargetError) throw new ApiRequestError(err.message);
        throw err;
      }
    },
    syncReview: async (playlistId) => reviewItems(db, playlistId),
    setSpotifyMatch: async (trackId, uri) => {
      try {
        setManualMatch(db, trackId, uri);
      } catch (err) {
        if (err instanceof ManualMatchError) throw new ApiRequestError(err.message);
        throw err;
      }
    },
    syncOptions: async () => {
      const secrets = hooks.secrets?.all() ?? {};
      return {
        spotifyConnected: Boolean(secrets.spotifyClientId && secrets.spotifyRefreshToken),
        replayGain: await replayGainAvailability(),
        defaultWorkers: { spotify: DEFAULT_SPOTIFY_WORKERS, folder: DEFAULT_FOLDER_WORKERS },
      };
    },
    writePreview: async (request, offset, limit) => previewer.preview(request, offset, limit),
    writeTags: async (request) => manager.start({ kind: 'write-tags', params: writeJobParams(db, request), priority: 'user' }),
    writeSettings: async () => loadWriteSettings(db),
    saveWriteSettings: async (settings) => saveWriteSettings(db, settings),
    writeHistory: async () => new WriteJournal(db).history(),
    writeProblems: async (jobId) => new WriteJournal(db).problems(jobId),
    undoWrite: async (scope) => manager.start({ kind: 'write-tags', params: undoJobParams(db, scope), priority: 'user' }),
  };
  return {
    async call(method, args, options = {}) {
      if (!(API_METHODS as readonly string[]).includes(method)) throw new ApiRequestError(`Unknown method '${method}'`);
      const parsed = argsSchemas[method as ApiMethod].safeParse(args);
      if (!parsed.success) throw new ApiRequestError(`Invalid arguments for ${method}: ${parsed.error.issues[0]?.message}`);
      let checked = parsed.data as unknown[];
      if (options.checkPaths) {
        try {
          checked = checkClientPaths(method as ApiMethod, checked, options.checkPaths);
        } catch (err) {
          if (err instanceof PathRefusedError) throw new ApiRequestError(err.message);
          throw err;
        }
      }
      const handler = handlers[method as ApiMethod] as (...a: unknown[]) => Promise<unknown>;
      return handler(...checked);
    },
    subscribe(listener) {
      // While a scan writes, tell the page at most twice a second, and once more at the end.
      let lastChange = 0;
      let trailing: NodeJS.Timeout | null = null;
      const libraryChanged = () => {
        trailing = null;
        lastChange = Date.now();
        listener({ event: 'libraryChange', data: null });
      };
      const onUpdate = (job: JobSnapshot) => {
        listener({ event: 'jobUpdate', data: job });
        if (!WRITES_LIBRARY.has(job.kind) || job.state === 'queued') return;
        if (job.state !== 'running') {
          if (trailing) clearTimeout(trailing);
          libraryChanged();
        } else if (!trailing) {
          trailing = setTimeout(libraryChanged, Math.max(0, lastChange + LIBRARY_CHANGE_EVERY_MS - Date.now()));
        }
      };
      manager.on('update', onUpdate);
      return () => {
        if (trailing) clearTimeout(trailing);
        manager.off('update', onUpdate);
      };
    },
    close() {
      spotify.close();
    },
  };
}
