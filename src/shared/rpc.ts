import type { Api, ApiEvent, ApiMethod } from './api';

/** How a renderer reaches the app: IPC in Electron, a WebSocket in a browser. */
export interface ApiTransport {
  call(method: ApiMethod, args: unknown[]): Promise<unknown>;
  subscribe(listener: (event: ApiEvent) => void): () => void;
}

/** Wire messages of the WebSocket transport. */
export interface RpcRequest {
  id: number;
  method: ApiMethod;
  args: unknown[];
}

export type RpcResponse =
  | { id: number; result: unknown }
  | { id: number; error: { message: string } };

export type RpcServerMessage = RpcResponse | ApiEvent;

/** Builds the typed Api on top of any transport, so both shells share one client. */
export function createApi(transport: ApiTransport): Api {
  const call = <T>(method: ApiMethod, ...args: unknown[]) => transport.call(method, args) as Promise<T>;
  return {
    appInfo: () => call('appInfo'),
    listJobKinds: () => call('listJobKinds'),
    listJobs: (limit) => call('listJobs', limit),
    startJob: (request) => call('startJob', request),
    cancelJob: (id) => call('cancelJob', id),
    scan: (paths) => call('scan', paths),
    pickFolders: () => call('pickFolders'),
    queryTracks: (query) => call('queryTracks', query),
    queryAlbums: (query) => call('queryAlbums', query),
    libraryStats: () => call('libraryStats'),
    findYears: (scope, options) => call('findYears', scope, options),
    yearStats: () => call('yearStats'),
    setTrackYear: (id, year) => call('setTrackYear', id, year),
    importListens: (path) => call('importListens', path),
    pickListensFile: () => call('pickListensFile'),
    networkSettings: () => call('networkSettings'),
    saveNetworkSettings: (change) => call('saveNetworkSettings', change),
    setSecret: (name, value) => call('setSecret', name, value),
    clearHttpCache: (source) => call('clearHttpCache', source),
    enrich: (scope, options) => call('enrich', scope, options),
    enrichStats: () => call('enrichStats'),
    listAlbums: (query) => call('listAlbums', query),
    albumDetail: (id) => call('albumDetail', id),
    resolveReview: (albumId, choice) => call('resolveReview', albumId, choice),
    artCandidates: (albumId) => call('artCandidates', albumId),
    chooseArt: (albumId, candidateId) => call('chooseArt', albumId, candidateId),
    acceptSuggestedArt: (albumIds) => call('acceptSuggestedArt', albumIds),
    listPlaylists: () => call('listPlaylists'),
    playlistDetail: (id) => call('playlistDetail', id),
    importPlaylists: (paths) => call('importPlaylists', paths),
    exportPlaylist: (id, path) => call('exportPlaylist', id, path),
    renamePlaylist: (id, name) => call('renamePlaylist', id, name),
    deletePlaylist: (id) => call('deletePlaylist', id),
    createPlaylist: (name) => call('createPlaylist', name),
    addToPlaylist: (playlistId, trackIds, position) => call('addToPlaylist', playlistId, trackIds, position),
    moveInPlaylist: (playlistId, positions, to) => call('moveInPlaylist', playlistId, positions, to),
    removeFromPlaylist: (playlistId, positions) => call('removeFromPlaylist', playlistId, positions),
    pickPlaylistFiles: () => call('pickPlaylistFiles'),
    pickPlaylistExportPath: (name) => call('pickPlaylistExportPath', name),
    spotifyStatus: () => call('spotifyStatus'),
    connectSpotify: (clientId) => call('connectSpotify', clientId),
    cancelSpotifyConnect: () => call('cancelSpotifyConnect'),
    disconnectSpotify: () => call('disconnectSpotify'),
    syncPlaylists: (request) => call('syncPlaylists', request),
    syncPlan: (playlistId, target) => call('syncPlan', playlistId, target),
    syncReview: (playlistId) => call('syncReview', playlistId),
    setSpotifyMatch: (trackId, uri) => call('setSpotifyMatch', trackId, uri),
    syncOptions: () => call('syncOptions'),
    writePreview: (request, offset, limit) => call('writePreview', request, offset ?? null, limit ?? null),
    writeTags: (request) => call('writeTags', request),
    writeSettings: () => call('writeSettings'),
    saveWriteSettings: (settings) => call('saveWriteSettings', settings),
    writeHistory: () => call('writeHistory'),
    writeProblems: (jobId) => call('writeProblems', jobId),
    undoWrite: (scope) => call('undoWrite', scope),
    onJobUpdate: (listener) =>
      transport.subscribe((event) => {
        if (event.event === 'jobUpdate') listener(event.data);
      }),
    onLibraryChange: (listener) =>
      transport.subscribe((event) => {
        if (event.event === 'libraryChange') listener();
      }),
  };
}
