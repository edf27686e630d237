import { app, Menu, shell, type MenuItemConstructorOptions } from 'electron';
import path from 'node:path';

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
}

/** The application menu; each command also has a button or a key in the window. */
export function buildMenu(libraryPath: string, actions: MenuActions): Menu {
  const isMac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: '&File',
      submenu: [
        { label: 'Add Folder…', accelerator: 'CmdOrCtrl+O', click: () => actions.addFolder() },
        // Not Shift+I: that opens the developer tools on some platforms.
        { label: 'Import Listening History…', accelerator: 'CmdOrCtrl+Shift+L', click: () => actions.importListens() },
        { type: 'separator' },
        { label: 'Settings…', accelerator: 'CmdOrCtrl+,', click: () => actions.openSettings() },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
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
        ...(isMac ? [{ role: 'pasteAndMatchStyle' as const }] : []),
        { role: 'delete' },
        { type: 'separator' },
        { role: 'selectAll' },
      ],
    },
    {
      label: '&View',
      submenu: [
        { role: 'reload', accelerator: 'CmdOrCtrl+Shift+R' },
        { role: 'toggleDevTools' },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    {
      label: '&Library',
      submenu: [
        { label: 'Rescan All', accelerator: 'CmdOrCtrl+R', click: () => actions.rescanAll() },
        { label: 'Find Release Years', accelerator: 'CmdOrCtrl+Y', click: () => actions.findYears() },
        { label: 'Enrich Albums', accelerator: 'CmdOrCtrl+E', click: () => actions.enrich() },
        { type: 'separator' },
        { label: 'Write Tags to Files…', accelerator: 'CmdOrCtrl+Shift+E', click: () => actions.writeTags() },
      ],
    },
    {
      label: '&Playlists',
      submenu: [
        { label: 'New Playlist…', accelerator: 'CmdOrCtrl+N', click: () => actions.newPlaylist() },
        { label: 'Import Playlists…', accelerator: 'CmdOrCtrl+Shift+O', click: () => actions.importPlaylists() },
        { type: 'separator' },
        { label: 'Sync…', accelerator: 'CmdOrCtrl+Shift+S', click: () => actions.syncPlaylists() },
      ],
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [
        {
          label: 'Open Library Folder',
          click: () => void shell.openPath(path.dirname(libraryPath)),
        },
        { label: `About ${app.getName()}`, click: () => app.showAboutPanel() },
      ],
    },
  ];
  return Menu.buildFromTemplate(template);
}
