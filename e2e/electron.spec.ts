/**
 * The desktop app itself, through Playwright's Electron driver: launch, the
 * application menu, a drop on the window, a second launch, the window's
 * place. They run wherever the Electron binary is installed (under xvfb-run
 * on Linux) and skip, saying why, where it is not.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { makeAudioFile } from '../src/core/scan/testing/audio';
import { ROOT } from './server';

/** The Electron binary's path, or null where it was not downloaded (ELECTRON_SKIP_BINARY_DOWNLOAD). */
function electronBinary(): string | null {
  try {
    const binary = createRequire(import.meta.url)('electron') as unknown as string;
    return fs.existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();
const SKIP_REASON =
  'Electron binary not installed (installed with ELECTRON_SKIP_BINARY_DOWNLOAD): desktop specs skipped. ' +
  'With network access, run `node node_modules/electron/install.js` and `npm start` once (it builds better-sqlite3 for Electron), ' +
  'then `xvfb-run npm run test:e2e` on Linux.';
// The list reporter does not print skip reasons, so say it once here.
if (binary === null) console.warn(SKIP_REASON);

const hasDisplay = process.platform !== 'linux' || Boolean(process.env.DISPLAY);
const electronSqlite = path.join(ROOT, 'node_modules/.cache/sleeve-electron/better_sqlite3.node');

const ARTIST = 'Juniper Vale';
const ALBUM = 'Paper Lanterns';
const TITLES = ['Morning Tide', 'Paper Lanterns', 'Glass Harbour'];

interface Desktop {
  app: ElectronApplication;
  window: Page;
}

let dir: string;
let music: string;

/** Starts the built app as a user would, with its own settings folder (XDG_CONFIG_HOME) and library. */
async function launch(extraArgs: string[] = []): Promise<Desktop> {
  const app = await electron.launch({
    executablePath: binary!,
    args: [path.join(ROOT, 'out/main/index.js'), '--db', path.join(dir, 'library.sqlite'), ...extraArgs],
    cwd: ROOT,
    env: desktopEnv(),
  });
  const window = await app.firstWindow();
  await expect(window).toHaveTitle('Sleeve');
  return { app, window };
}

/** The test's own environment plus the app's folders; Playwright wants no unset values. */
function desktopEnv(): Record<string, string> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined));
  return {
    ...inherited, XDG_CONFIG_HOME: path.join(dir, 'config'), SLEEVE_SECRETS: path.join(dir, 'secrets.json'), SLEEVE_ENRICH_AFTER_SCAN: '0' };
}

/** Clicks an application menu command by its id (src/main/menu.ts), as the user's click or key would. */
async function menu(app: ElectronApplication, id: string): Promise<void> {
  await app.evaluate(({ Menu }, itemId) => {
    const item = Menu.getApplicationMenu()?.getMenuItemById(itemId);
    if (!item) throw new Error(`no menu item '${itemId}'`);
    item.click();
  }, id);
}

/** The system folder dialog answers with these folders, as if the user chose them. */
async function chooseInDialogs(app: ElectronApplication, paths: string[]): Promise<void> {
  await app.evaluate(({ dialog }, filePaths) => {
    dialog.showOpenDialog = (async () => ({ canceled: false, filePaths })) as typeof dialog.showOpenDialog;
  }, paths);
}

/** File → Add Folder… with the music folder chosen in the dialog, until the library holds it. */
async function addMusicFromMenu({ app, window }: Desktop): Promise<void> {
  await chooseInDialogs(app, [music]);
  await menu(app, 'add-folder');
  await expect(window.getByLabel('Library totals')).toContainText(`${TITLES.length} tracks`, { timeout: 30_000 });
}

test.describe('desktop app', () => {
  test.skip(binary === null, SKIP_REASON);
  test.skip(!hasDisplay, 'No display: run the desktop specs under xvfb-run.');
  test.skip(!fs.existsSync(electronSqlite), 'better-sqlite3 is not built for Electron yet: run `npm start` once.');

  test.beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-electron-'));
    music = path.join(dir, 'Music');
    TITLES.forEach((title, i) => {
      makeAudioFile(path.join(music, ARTIST, ALBUM, `0${i + 1} ${title}.flac`), 'flac', { artist: ARTIST, albumArtist: ARTIST, album: ALBUM, title, track: String(i + 1) }, 1);
    });
    fs.writeFileSync(path.join(music, 'Evening.m3u8'), ['#EXTM3U', ...TITLES.map((t, i) => `${ARTIST}/${ALBUM}/0${i + 1} ${t}.flac`), ''].join('\n'));
  });
  test.afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('launches sandboxed, runs the test job from the Jobs panel and cancels it', async () => {
    const { app, window } = await launch();
    try {
      await expect(window.getByRole('heading', { name: 'Jobs' })).toBeVisible();
      await window.getByLabel('Count to').fill('100000');
      await window.getByLabel('Pause (ms)').fill('20');
      await window.getByRole('button', { name: 'Run test job' }).click();
      const row = window.locator('li.job').first();
      await expect(row).toHaveAttribute('data-state', 'running');
      await row.getByRole('button', { name: /Cancel job/ }).click();
      await expect(row).toHaveAttribute('data-state', 'cancelled');
      // The sandboxed page has no Node, and the policy forbids inline script.
      expect(await window.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
      expect(await window.evaluate(() => document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content'))).toContain("script-src 'self'");
    } finally {
      await app.close();
    }
  });

  test('File → Add Folder… scans the folder chosen in the system dialog', async () => {
    const { app, window } = await launch();
    try {
      await addMusicFromMenu({ app, window });
      await expect(window.getByRole('grid', { name: 'Tracks' })).toContainText('Glass Harbour');
    } finally {
      await app.close();
    }
  });

  test('a folder dropped on the window is scanned, and a dropped playlist is imported', async () => {
    const { app, window } = await launch();
    try {
      const drop = (file: string) =>
        window.evaluate((uri) => {
          const data = new DataTransfer();
          data.setData('text/uri-list', uri);
          for (const type of ['dragenter', 'dragover', 'drop']) document.body.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
        }, `file://${file.split('/').map(encodeURIComponent).join('/')}`);
      await drop(music);
      await expect(window.getByLabel('Library totals')).toContainText(`${TITLES.length} tracks`, { timeout: 30_000 });
      await drop(path.join(music, 'Evening.m3u8'));
      await expect(window).toHaveURL(/#playlists$/);
      await expect(window.getByRole('listbox', { name: 'Playlists' }).getByRole('option', { name: /Evening/ })).toBeVisible();
    } finally {
      await app.close();
    }
  });

  test('Playlists → Sync… copies a playlist to a folder, and a second sync copies nothing', async () => {
    const { app, window } = await launch();
    try {
      await addMusicFromMenu({ app, window });
      await chooseInDialogs(app, [path.join(music, 'Evening.m3u8')]);
      await menu(app, 'import-playlists');
      await expect(window.getByRole('listbox', { name: 'Playlists' }).getByRole('option', { name: /Evening/ })).toBeVisible();

      const target = path.join(dir, 'Phone');
      await menu(app, 'sync');
      const sync = window.getByRole('dialog', { name: 'Sync Playlists' });
      await sync.getByRole('radio', { name: /A folder/ }).check();
      await sync.getByLabel('Target folder').fill(target);
      await sync.getByRole('button', { name: 'Preview' }).click();
      const summary = sync.getByTestId('sync-summary');
      await expect(summary).toHaveText(/^Plan: 3 to add, 0 to remove, 0 unchanged/, { timeout: 60_000 });
      await sync.getByRole('button', { name: 'Apply' }).click();
      await expect(summary).toHaveText(/^Synced: 3 copied, 0 removed/, { timeout: 60_000 });
      expect(fs.readFileSync(path.join(target, 'Evening.m3u8'), 'utf8')).toContain('Glass Harbour');
      await sync.getByRole('button', { name: 'Preview Again' }).click();
      await expect(summary).toHaveText(/^Plan: 0 to add, 0 to remove, 3 unchanged/, { timeout: 60_000 });
    } finally {
      await app.close();
    }
  });

  test('a second launch with a playlist hands it to the running app and quits', async () => {
    const { app, window } = await launch();
    try {
      await addMusicFromMenu({ app, window });
      const second = spawn(binary!, [path.join(ROOT, 'out/main/index.js'), path.join(music, 'Evening.m3u8')], {
        cwd: ROOT,
        env: desktopEnv(),
        stdio: 'ignore',
      });
      const code = await new Promise<number | null>((resolve) => second.once('exit', resolve));
      expect(code).toBe(0);
      await expect(window).toHaveURL(/#playlists$/);
      await expect(window.getByRole('listbox', { name: 'Playlists' }).getByRole('option', { name: /Evening/ })).toBeVisible();
      expect(app.windows()).toHaveLength(1);
    } finally {
      await app.close();
    }
  });

  test('the window opens again where it was left, with the chosen appearance', async () => {
    const first = await launch();
    await first.app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.setBounds({ x: 40, y: 50, width: 900, height: 640 }));
    await menu(first.app, 'theme-dark');
    await first.app.close();
    const saved = JSON.parse(fs.readFileSync(path.join(dir, 'config', 'Sleeve', 'desktop-state.json'), 'utf8')) as { window: { bounds: { width: number } }; theme: string };
    expect(saved).toMatchObject({ window: { bounds: { width: 900, height: 640 } }, theme: 'dark' });

    const again = await launch();
    try {
      const bounds = await again.app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.getBounds());
      expect({ width: bounds.width, height: bounds.height }).toEqual({ width: 900, height: 640 });
      expect(await again.app.evaluate(({ nativeTheme }) => nativeTheme.themeSource)).toBe('dark');
      expect(await again.window.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches)).toBe(true);
    } finally {
      await again.app.close();
    }
  });
});
