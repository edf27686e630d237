import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { menuTemplate, type MenuActions, type MenuOptions } from './menu';

/** The keys Electron gives each role we use, as its documentation lists them (mac first where they differ). */
const ROLE_KEYS: Record<string, [mac: string | null, other: string | null]> = {
  undo: ['CmdOrCtrl+Z', 'CmdOrCtrl+Z'],
  redo: ['Shift+CmdOrCtrl+Z', 'Shift+CmdOrCtrl+Z'],
  cut: ['CmdOrCtrl+X', 'CmdOrCtrl+X'],
  copy: ['CmdOrCtrl+C', 'CmdOrCtrl+C'],
  paste: ['CmdOrCtrl+V', 'CmdOrCtrl+V'],
  pasteAndMatchStyle: ['Shift+Alt+CmdOrCtrl+V', null],
  selectAll: ['CmdOrCtrl+A', 'CmdOrCtrl+A'],
  resetZoom: ['CmdOrCtrl+0', 'CmdOrCtrl+0'],
  zoomIn: ['CmdOrCtrl+Plus', 'CmdOrCtrl+Plus'],
  zoomOut: ['CmdOrCtrl+-', 'CmdOrCtrl+-'],
  togglefullscreen: ['Ctrl+Cmd+F', 'F11'],
  close: ['CmdOrCtrl+W', 'CmdOrCtrl+W'],
  quit: ['Cmd+Q', 'Ctrl+Q'],
  hide: ['Cmd+H', null],
  hideOthers: ['Alt+Cmd+H', null],
  reload: ['CmdOrCtrl+R', 'CmdOrCtrl+R'],
  toggleDevTools: ['Alt+Cmd+I', 'Ctrl+Shift+I'],
};

function normalise(key: string, mac: boolean): string {
  return key
    .split('+')
    .map((part) => part.toLowerCase())
    .map((part) => (part === 'cmdorctrl' || (mac ? part === 'cmd' || part === 'command' : part === 'ctrl' || part === 'control') ? 'mod' : part))
    .map((part) => (part === 'option' ? 'alt' : part === 'control' ? 'ctrl' : part === 'command' ? 'cmd' : part))
    .sort()
    .join('+');
}

function items(template: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return template.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? items(item.submenu) : [])]);
}

function keysOf(template: MenuItemConstructorOptions[], mac: boolean): string[] {
  return items(template).flatMap((item) => {
    if (item.accelerator) return [normalise(String(item.accelerator), mac)];
    const fromRole = item.role ? ROLE_KEYS[item.role]?.[mac ? 0 : 1] : null;
    return fromRole ? [normalise(fromRole, mac)] : [];
  });
}

function actions(): MenuActions {
  return {
    addFolder: vi.fn(),
    importListens: vi.fn(),
    rescanAll: vi.fn(),
    findYears: vi.fn(),
    importPlaylists: vi.fn(),
    newPlaylist: vi.fn(),
    syncPlaylists: vi.fn(),
    enrich: vi.fn(),
    writeTags: vi.fn(),
    openSettings: vi.fn(),
    openLibraryFolder: vi.fn(),
    about: vi.fn(),
    setTheme: vi.fn(),
  };
}

const options = (platform: NodeJS.Platform, extra: Partial<MenuOptions> = {}): MenuOptions => ({ platform, appName: 'Sleeve', theme: 'system', developer: false, ...extra });
const labels = (template: MenuItemConstructorOptions[]) => template.map((item) => item.label?.replace('&', '') ?? item.role);
const byId = (template: MenuItemConstructorOptions[], id: string) => items(template).find((item) => item.id === id);

describe('the application menu', () => {
  it.each(['darwin', 'win32', 'linux'] as const)('on %s: the standard menus in order, and no key does two things', (platform) => {
    const template = menuTemplate(options(platform, { developer: true }), actions());
    const mac = platform === 'darwin';
    expect(labels(template)).toEqual([...(mac ? ['Sleeve'] : []), 'File', 'Edit', 'View', 'Library', 'Playlists', 'windowMenu', 'Help']);
    const keys = keysOf(template, mac);
    expect(keys.filter((key, i) => keys.indexOf(key) !== i)).toEqual([]);
  });

  it('puts About and Settings in the app menu on macOS, and in Help and File elsewhere', () => {
    const mac = menuTemplate(options('darwin'), actions());
    expect(items(mac[0]!.submenu as MenuItemConstructorOptions[]).map((i) => i.id ?? i.role ?? i.type)).toEqual([
      'about', 'separator', 'settings', 'separator', 'services', 'separator', 'hide', 'hideOthers', 'unhide', 'separator', 'quit',
    ]);
    const windows = menuTemplate(options('win32'), actions());
    const help = windows.find((m) => m.role === 'help')!.submenu as MenuItemConstructorOptions[];
    expect(help.map((i) => i.id ?? i.type)).toEqual(['open-library-folder', 'separator', 'about']);
    const file = windows[0]!.submenu as MenuItemConstructorOptions[];
    expect(file.map((i) => i.id ?? i.role ?? i.type)).toEqual(['add-folder', 'import-listens', 'separator', 'settings', 'separator', 'quit']);
  });

  it('runs each command it names', () => {
    const run = actions();
    const template = menuTemplate(options('linux'), run);
    const click = (id: string) => (byId(template, id)!.click as () => void)();
    for (const id of ['add-folder', 'rescan-all', 'find-years', 'enrich', 'write-tags', 'new-playlist', 'import-playlists', 'sync', 'settings', 'open-library-folder', 'about', 'theme-dark']) click(id);
    expect(run.addFolder).toHaveBeenCalledOnce();
    expect(run.rescanAll).toHaveBeenCalledOnce();
    expect(run.syncPlaylists).toHaveBeenCalledOnce();
    expect(run.writeTags).toHaveBeenCalledOnce();
    expect(run.openLibraryFolder).toHaveBeenCalledOnce();
    expect(run.setTheme).toHaveBeenCalledWith('dark');
  });

  it('ticks the appearance in use, and keeps reload and the developer tools out of a user build', () => {
    const template = menuTemplate(options('linux', { theme: 'light' }), actions());
    expect(['system', 'light', 'dark'].map((t) => byId(template, `theme-${t}`)!.checked)).toEqual([false, true, false]);
    const roles = items(template).map((i) => i.role);
    expect(roles).not.toContain('reload');
    expect(roles).not.toContain('toggleDevTools');
    expect(items(menuTemplate(options('linux', { developer: true }), actions())).map((i) => i.role)).toContain('toggleDevTools');
  });
});
