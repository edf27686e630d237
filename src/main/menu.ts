import type { MenuItemConstructorOptions } from 'electron';
import type { Theme } from './desktop-state';

export interface MenuActions {
  addFolder(): void;
  importListens(): void;
  rescanAll(): void;
  findYears(): void;
  importPlaylists(): void;
  /** New Playlist…: the page asks for the name. */
  newPlaylist(): void;
  /** Opens the Sync dialog in the page, with the playlist in view ticked. */
  syncPlaylists(): void;
  /** Enrich Albums: the page narrows it to the Albums view's selection, as its key does. */
  enrich(): void;
  /** Opens the Write Tags dialog in the page, on the view's selection or every file. */
  writeTags(): void;
  openSettings(): void;
  openLibraryFolder(): void;
  about(): void;
  setTheme(theme: Theme): void;
}

export interface MenuOptions {
  platform: NodeJS.Platform;
  appName: string;
  theme: Theme;
  /** Reload and the developer tools are for a development build, not for users. */
  developer: boolean;
}

const THEME_LABELS: Record<Theme, string> = { system: 'Use System Setting', light: 'Light', dark: 'Dark' };

/**
 * The application menu: the standard menus and roles of each platform, and
 * each of Sleeve's commands, which also have a button or a key in the window.
 * Ids name the commands for the desktop end-to-end specs. Pure, so it is
 * tested under Node for every platform.
 */
export function menuTemplate(options: MenuOptions, actions: MenuActions): MenuItemConstructorOptions[] {
  const isMac = options.platform === 'darwin';
  const settings: MenuItemConstructorOptions = { id: 'settings', label: isMac ? 'Settings…' : '&Settings…', accelerator: 'CmdOrCtrl+,', click: () => actions.openSettings() };
  const about: MenuItemConstructorOptions = { id: 'about', label: `About ${options.appName}`, click: () => actions.about() };
  return [
    ...(isMac
      ? [
          {
            label: options.appName,
            submenu: [
              about,
              { type: 'separator' },
              settings,
              { type: 'separator' },
              { role: 'services' },
              { type: 'separator' },
              { role: 'hide' },
              { role: 'hideOthers' },
              { role: 'unhide' },
              { type: 'separator' },
              { role: 'quit' },
            ],
          } satisfies MenuItemConstructorOptions,
        ]
      : []),
    {
      label: '&File',
      submenu: [
        { id: 'add-folder', label: '&Add Folder…', accelerator: 'CmdOrCtrl+O', click: () => actions.addFolder() },
        // Not Shift+I: that opens the developer tools on some platforms.
        { id: 'import-listens', label: 'Import &Listening History…', accelerator: 'CmdOrCtrl+Shift+L', click: () => actions.importListens() },
        { type: 'separator' },
        ...(isMac ? [{ role: 'close' } satisfies MenuItemConstructorOptions] : [settings, { type: 'separator' } satisfies MenuItemConstructorOptions, { role: 'quit' } satisfies MenuItemConstructorOptions]),
      ],
    },
    {
      // The stock Edit menu redoes on Ctrl+Y on Windows; Sleeve keeps Ctrl+Y for Find Release Years.
      label: '&Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo', accelerator: 'Shift+CmdOrCtrl+Z' },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        ...(isMac ? [{ role: 'pasteAndMatchStyle' } satisfies MenuItemConstructorOptions] : []),
        { role: 'delete' },
        { type: 'separator' },
        { role: 'selectAll' },
      ],
    },
    {
      label: '&View',
      submenu: [
        {
          label: '&Appearance',
          submenu: (Object.keys(THEME_LABELS) as Theme[]).map((theme) => ({
            id: `theme-${theme}`,
            label: THEME_LABELS[theme],
            type: 'radio',
            checked: options.theme === theme,
            click: () => actions.setTheme(theme),
          })),
        },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
        ...(options.developer
          ? [{ type: 'separator' }, { role: 'reload', accelerator: 'CmdOrCtrl+Shift+R' }, { role: 'toggleDevTools' }] satisfies MenuItemConstructorOptions[]
          : []),
      ],
    },
    {
      label: '&Library',
      submenu: [
        { id: 'rescan-all', label: '&Rescan All', accelerator: 'CmdOrCtrl+R', click: () => actions.rescanAll() },
        { id: 'find-years', label: 'Find Release &Years', accelerator: 'CmdOrCtrl+Y', click: () => actions.findYears() },
        { id: 'enrich', label: '&Enrich Albums', accelerator: 'CmdOrCtrl+E', click: () => actions.enrich() },
        { type: 'separator' },
        { id: 'write-tags', label: '&Write Tags to Files…', accelerator: 'CmdOrCtrl+Shift+E', click: () => actions.writeTags() },
      ],
    },
    {
      label: '&Playlists',
      submenu: [
        { id: 'new-playlist', label: '&New Playlist…', accelerator: 'CmdOrCtrl+N', click: () => actions.newPlaylist() },
        { id: 'import-playlists', label: '&Import Playlists…', accelerator: 'CmdOrCtrl+Shift+O', click: () => actions.importPlaylists() },
        { type: 'separator' },
        { id: 'sync', label: '&Sync…', accelerator: 'CmdOrCtrl+Shift+S', click: () => actions.syncPlaylists() },
      ],
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      label: '&Help',
      submenu: [
        { id: 'open-library-folder', label: 'Open &Library Folder', click: () => actions.openLibraryFolder() },
        ...(isMac ? [] : [{ type: 'separator' } satisfies MenuItemConstructorOptions, about]),
      ],
    },
  ];
}
