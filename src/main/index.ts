import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  nativeTheme,
  net,
  protocol,
  screen,
  session,
  shell,
  type IpcMainInvokeEvent,
  type OpenDialogOptions,
} from 'electron';
import { desktopSecretStore } from './secrets';
import { openSleeveCore, type SleeveCore } from '../core/app';
import { artworkCacheDir, resolveArtworkRequest } from '../core/artwork/serve';
import { appDataDir, APP_NAME } from '../core/paths';
import { spotifyAccountsBaseUrl } from '../core/spotify-connect/connector';
import { IPC_CALL, IPC_EVENT, type IpcReply } from '../shared/ipc';
import { MIN_WINDOW_SIZE, readDesktopState, restoreWindow, writeDesktopState, type DesktopState, type Theme } from './desktop-state';
import { launchPaths } from './launch-args';
import { menuTemplate } from './menu';
import { UtilityProcessHost } from './utility-host';

app.setName(APP_NAME);
// One app-data folder for the desktop app, the CLI and the web server.
app.setPath('userData', appDataDir());

/**
 * Artwork reaches the page as sleeve-art://art/thumb/<hash> (or image/<hash>),
 * served from the artwork cache only: the page never gets file:// access.
 * Privileges must be declared before the app is ready.
 */
const ART_SCHEME = 'sleeve-art';
const ART_ORIGIN = `${ART_SCHEME}://art/`;
protocol.registerSchemesAsPrivileged([{ scheme: ART_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

function serveArtwork(cacheDir: string): void {
  const notFound = () => new Response('No such artwork.', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  protocol.handle(ART_SCHEME, async (request) => {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || !request.url.startsWith(ART_ORIGIN)) return notFound();
    // Matched as it came, never decoded: resolveArtworkRequest refuses anything but a hash.
    const art = resolveArtworkRequest(cacheDir, request.url.slice(ART_ORIGIN.length).split(/[?#]/)[0]!);
    if (!art) return notFound();
    const file = await net.fetch(pathToFileURL(art.file).toString());
    if (!file.ok) return notFound();
    return new Response(request.method === 'HEAD' ? null : file.body, {
      headers: { 'content-type': art.contentType, 'cache-control': 'max-age=31536000, immutable', 'x-content-type-options': 'nosniff' },
    });
  });
}

/** better-sqlite3 built for Electron's ABI by `npm start` (scripts/start.mjs), when present. */
function electronSqliteBinding(): Record<string, string> {
  const built = path.join(app.getAppPath(), 'node_modules/.cache/sleeve-electron/better_sqlite3.node');
  if (process.env.SLEEVE_SQLITE_BINDING) return { SLEEVE_SQLITE_BINDING: process.env.SLEEVE_SQLITE_BINDING };
  return fs.existsSync(built) ? { SLEEVE_SQLITE_BINDING: built } : {};
}

function libraryPathFromArgs(): string {
  const i = process.argv.indexOf('--db');
  const given = i >= 0 ? process.argv[i + 1] : undefined;
  return path.resolve(given ?? process.env.SLEEVE_DB ?? path.join(app.getPath('userData'), 'library.sqlite'));
}

let core: SleeveCore | null = null;

async function pickFolders(): Promise<string[] | null> {
  const options: OpenDialogOptions = { title: 'Add music folders', properties: ['openDirectory', 'multiSelections'] };
  const result = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
  return result.canceled ? [] : result.filePaths;
}

/** A listening-history file from the system dialog; '' when the user closes it (null would mean 'no dialog here'). */
async function pickListensFile(): Promise<string> {
  const options: OpenDialogOptions = {
    title: 'Import listening history',
    buttonLabel: 'Import',
    properties: ['openFile'],
    filters: [
      { name: 'ListenBrainz or Last.fm export', extensions: ['json', 'jsonl', 'csv'] },
      { name: 'All files', extensions: ['*'] },
    ],
  };
  const result = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
  return result.canceled ? '' : (result.filePaths[0] ?? '');
}
/** Playlist files from the system dialog; [] when the user closes it. */
async function pickPlaylistFiles(): Promise<string[]> {
  const options: OpenDialogOptions = {
    title: 'Import playlists',
    buttonLabel: 'Import',
    properties: ['openFile', 'multiSelections'],
    filters: [
      { name: 'Playlists', extensions: ['m3u', 'm3u8'] },
      { name: 'All files', extensions: ['*'] },
    ],
  };
  const result = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
  return result.canceled ? [] : result.filePaths;
}

/** Where to export a playlist; '' when the user closes the dialog. */
async function pickPlaylistExportPath(suggestedName: string): Promise<string> {
  const options = {
    title: 'Export playlist',
    defaultPath: `${suggestedName.replace(/[\\/:*?"<>|]+/g, ' ').trim() || 'Playlist'}.m3u8`,
    filters: [{ name: 'M3U8 playlist', extensions: ['m3u8'] }],
  };
  const result = mainWindow ? await dialog.showSaveDialog(mainWindow, options) : await dialog.showSaveDialog(options);
  return result.canceled ? '' : (result.filePath ?? '');
}

/**
 * Opens the Spotify sign-in page in the user's browser: https only, or the
 * accounts address configured for Sleeve (a self-hosted or test service).
 */
async function openExternal(url: string): Promise<void> {
  const target = new URL(url);
  const accounts = core ? new URL(spotifyAccountsBaseUrl(core.db)) : null;
  if (target.protocol !== 'https:' && target.origin !== accounts?.origin) {
    throw new Error(`Sleeve opens only https addresses in the browser, not ${target.origin}`);
  }
  // electronegativity-reviewed OPEN_EXTERNAL_JS_CHECK: only https, or the configured Spotify accounts origin, gets past the check above
  await shell.openExternal(target.toString());
}

let mainWindow: BrowserWindow | null = null;

/** Runs a command in the page, which knows what it shows (the section, the Library's filter). */
function inPage(script: string): boolean {
  if (!mainWindow) return false;
  void mainWindow.webContents.executeJavaScript(script);
  return true;
}

function isOwnPage(event: IpcMainInvokeEvent): boolean {
  const url = event.senderFrame?.url ?? '';
  if (event.sender !== mainWindow?.webContents) return false;
  // By origin, not prefix: http://localhost:5173 must not also admit http://localhost:51730.
  if (process.env.ELECTRON_RENDERER_URL) return URL.canParse(url) && new URL(url).origin === new URL(process.env.ELECTRON_RENDERER_URL).origin;
  return url.startsWith('file://');
}

const desktopStateFile = path.join(app.getPath('userData'), 'desktop-state.json');
const desktopState: DesktopState = readDesktopState(desktopStateFile);

function saveDesktopState(): void {
  try {
    writeDesktopState(desktopStateFile, desktopState);
  } catch (err) {
    console.error(`Sleeve could not keep the window's place: ${(err as Error).message}`);
  }
}

/** Remembers the window's place as the user leaves it; the normal bounds, so a maximised window un-maximises to where it was. */
function trackWindowState(win: BrowserWindow): void {
  let timer: NodeJS.Timeout | undefined;
  const remember = () => {
    if (win.isDestroyed() || win.isMinimized()) return;
    const { x, y, width, height } = win.getNormalBounds();
    desktopState.window = { bounds: { x, y, width, height }, maximized: win.isMaximized(), fullScreen: win.isFullScreen() };
  };
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      remember();
      saveDesktopState();
    }, 500);
  };
  win.on('resize', later);
  win.on('move', later);
  win.on('maximize', later);
  win.on('unmaximize', later);
  win.on('enter-full-screen', later);
  win.on('leave-full-screen', later);
  win.on('close', () => {
    clearTimeout(timer);
    remember();
    saveDesktopState();
  });
}

function applyTheme(theme: Theme): void {
  nativeTheme.themeSource = theme;
}

function createWindow(): BrowserWindow {
  const restored = restoreWindow(desktopState.window, [screen.getPrimaryDisplay(), ...screen.getAllDisplays()].map((d) => d.workArea));
  // electronegativity-reviewed AUXCLICK_JS_CHECK: a middle-click opens its link through the setWindowOpenHandler every web contents gets (see web-contents-created), which denies every window
  const win = new BrowserWindow({
    ...restored.bounds,
    minWidth: MIN_WINDOW_SIZE.width,
    minHeight: MIN_WINDOW_SIZE.height,
    title: APP_NAME,
    show: false,
    // The page's own background, so the window does not flash white in the dark theme before it paints.
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#1b1b1d' : '#f6f6f4',
    webPreferences: {
      // electronegativity-reviewed PRELOAD_JS_CHECK: the sandboxed preload (src/preload) exposes one IPC call/subscribe pair and pathForFile, never ipcRenderer or Node
      preload: path.join(__dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    },
  });
  win.once('ready-to-show', () => {
    if (restored.maximized) win.maximize();
    if (restored.fullScreen) win.setFullScreen(true);
    win.show();
  });
  trackWindowState(win);
  // What was opened before the page could take it (a file association at launch) goes in once it has loaded.
  win.webContents.on('did-finish-load', () => deliverOpenedPaths());
  if (process.env.ELECTRON_RENDERER_URL) void win.loadURL(process.env.ELECTRON_RENDERER_URL);
  else void win.loadFile(path.join(__dirname, '../renderer/index.html'));
  return win;
}

/** Paths given to Sleeve from outside (launch arguments, a second launch, macOS open-file) waiting for the page. */
const openedPaths: string[] = [];

/**
 * Hands opened paths to the page, which treats them exactly as a drop on the
 * window (folders and audio scanned, playlists imported, with its report).
 * They are queued in the page too, so one that arrives before the page's
 * listener is mounted is picked up when it is.
 */
function deliverOpenedPaths(): void {
  if (openedPaths.length === 0 || !mainWindow || mainWindow.webContents.isLoading()) return;
  const paths = openedPaths.splice(0);
  inPage(`window.__sleeveOpened = (window.__sleeveOpened ?? []).concat(${JSON.stringify(paths)}); window.dispatchEvent(new Event('sleeve:opened'))`);
}

function openPaths(paths: readonly string[]): void {
  if (paths.length === 0) return;
  openedPaths.push(...paths);
  if (!mainWindow && core && app.isReady()) mainWindow = createMainWindow();
  deliverOpenedPaths();
}

async function start(): Promise<void> {
  applyTheme(desktopState.theme);
  const env = electronSqliteBinding();
  Object.assign(process.env, env);
  const libraryPath = libraryPathFromArgs();
  try {
    core = openSleeveCore({
      libraryPath,
      host: new UtilityProcessHost(),
      workerEntry: path.join(__dirname, 'job-worker.js'),
      shell: 'electron',
      workerEnv: env,
      hooks: {
        pickFolders: () => pickFolders(),
        pickListensFile: () => pickListensFile(),
        pickPlaylistFiles: () => pickPlaylistFiles(),
        pickPlaylistExportPath: (name) => pickPlaylistExportPath(name),
        secrets: desktopSecretStore(app.getPath('userData')),
        artBaseUrl: `${ART_SCHEME}://art/`,
        openExternal: (url) => openExternal(url),
      },
      log: (level, message) => (level === 'error' ? console.error(message) : console.info(message)),
    });
  } catch (err) {
    dialog.showErrorBox('Sleeve cannot open its library', (err as Error).message);
    app.exit(3);
    return;
  }
  const api = core.api;
  serveArtwork(artworkCacheDir(core.db.name));
  // Sleeve's page needs no permission (camera, notifications, clipboard reads...): every request and check is refused.
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  ipcMain.handle(IPC_CALL, async (event, method: unknown, args: unknown): Promise<IpcReply> => {
    if (!isOwnPage(event)) return { ok: false, message: 'Refused: the request did not come from Sleeve.' };
    try {
      return { ok: true, result: await api.call(String(method), args) };
    } catch (err) {
      return { ok: false, message: (err as Error).message };
    }
  });
  api.subscribe((event) => mainWindow?.webContents.send(IPC_EVENT, event));
  const scan = (paths: string[]) => {
    try {
      core?.jobs.start({ kind: 'scan', params: { paths } });
    } catch (err) {
      dialog.showErrorBox('Sleeve could not start the scan', (err as Error).message);
    }
  };
  const setMenu = () =>
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        menuTemplate(
          { platform: process.platform, appName: APP_NAME, theme: desktopState.theme, developer: !app.isPackaged },
          {
            // Chosen folders and playlists go the way dropped ones do, so the page shows the scan and the import report.
            addFolder: async () => openPaths((await pickFolders()) ?? []),
            importListens: async () => {
              const file = await pickListensFile();
              if (!file) return;
              try {
                await api.call('importListens', [file]);
                inPage("location.hash = '#years'");
              } catch (err) {
                dialog.showErrorBox('Sleeve could not import the listening history', (err as Error).message);
              }
            },
            rescanAll: () => scan([]),
            // The page decides the scope (a filtered Library view narrows the run); with no window, everything.
            findYears: () => {
              if (inPage("window.dispatchEvent(new CustomEvent('sleeve:command', { detail: 'find-years' }))")) return;
              api.call('findYears', []).catch((err: Error) => dialog.showErrorBox('Sleeve could not find release years', err.message));
            },
            // The name is asked for in the page, as the button there does.
            newPlaylist: () => inPage("location.hash = '#playlists'; window.dispatchEvent(new CustomEvent('sleeve:command', { detail: 'new-playlist' }))"),
            importPlaylists: async () => openPaths(await pickPlaylistFiles()),
            // The dialog lives in the page: plan, review and apply need the window.
            syncPlaylists: () => inPage("window.dispatchEvent(new CustomEvent('sleeve:command', { detail: 'sync' }))"),
            // The preview, the confirmation and Undo live in the page, as the Sync dialog does.
            writeTags: () => inPage("window.dispatchEvent(new CustomEvent('sleeve:command', { detail: 'write-tags' }))"),
            enrich: () => {
              // The page knows the selection; without a page, every album.
              if (inPage("window.dispatchEvent(new CustomEvent('sleeve:command', { detail: 'enrich' }))")) return;
              api.call('enrich', []).catch((err: Error) => dialog.showErrorBox('Sleeve could not start enrichment', err.message));
            },
            // The renderer routes by hash, so the menu opens a section the way a link in the page would.
            openSettings: () => inPage("location.hash = '#settings'"),
            openLibraryFolder: () => {
              void shell.openPath(path.dirname(libraryPath)).then((problem) => {
                if (problem) dialog.showErrorBox('Sleeve could not open the library folder', `${path.dirname(libraryPath)}: ${problem}`);
              });
            },
            about: () => showAbout(),
            setTheme: (theme) => {
              desktopState.theme = theme;
              applyTheme(theme);
              saveDesktopState();
              setMenu();
            },
          },
        ),
      ),
    );
  setMenu();
  app.setAboutPanelOptions({ applicationName: APP_NAME, applicationVersion: app.getVersion(), copyright: ABOUT.copyright, credits: ABOUT.credits });
  mainWindow = createMainWindow();
  // What this launch was given: a playlist opened from the file manager, folders after the command.
  openPaths(launchPaths(process.argv, { cwd: process.cwd(), skip: process.defaultApp ? 2 : 1 }));
}

const ABOUT = {
  copyright: 'MIT licence',
  credits: 'Metadata from MusicBrainz, TheAudioDB and Discogs; cover art from the Cover Art Archive and others.',
};

/** The system's About panel on macOS and Linux; Windows has none, so a message box says the same. */
function showAbout(): void {
  if (process.platform !== 'win32') return app.showAboutPanel();
  const options = { type: 'info' as const, title: `About ${APP_NAME}`, message: `${APP_NAME} ${app.getVersion()}`, detail: `${ABOUT.credits}\n${ABOUT.copyright}` };
  void (mainWindow ? dialog.showMessageBox(mainWindow, options) : dialog.showMessageBox(options));
}

function createMainWindow(): BrowserWindow {
  const win = createWindow();
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  return win;
}

/**
 * Every web contents, the main window's and any other (devtools, a future
 * view), may neither open windows, navigate away from Sleeve's page, nor
 * attach a <webview>. Set once here so no window can be created without it.
 */
app.on('web-contents-created', (_event, contents) => {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
});

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  // A second launch (a playlist opened from the file manager while Sleeve runs) hands its paths here and quits.
  app.on('second-instance', (_event, argv, workingDirectory) => {
    if (mainWindow?.isMinimized()) mainWindow.restore();
    mainWindow?.focus();
    openPaths(launchPaths(argv, { cwd: workingDirectory, skip: process.defaultApp ? 2 : 1 }));
  });
  // macOS opens files through an event, also before the app is ready; they wait in the queue.
  app.on('open-file', (event, file) => {
    event.preventDefault();
    openPaths([file]);
  });
  app.whenReady().then(start);
  app.on('activate', () => {
    if (core && !mainWindow) mainWindow = createMainWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  let closing = false;
  app.on('before-quit', (event) => {
    if (!core || closing) return;
    closing = true;
    event.preventDefault();
    // Cancel running jobs so none is left 'running', then quit for real.
    void core.close().finally(() => app.quit());
  });
}
