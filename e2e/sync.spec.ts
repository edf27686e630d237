import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { makeAudioFile } from '../src/core/scan/testing/audio';
import { Catalog, fakeServiceEnv, startFakes, type Fakes } from '../src/core/testing/fakes';
import { ROOT, startServer, type RunningServer } from './server';
import { scanThroughPage } from './scan';

const ARTIST = 'The Velvet Orchard';
const ALBUM = 'Harvest of Lanterns';
const TITLES = ['Lantern Song', 'The Orchard Gate', 'Slow River', 'Evening Bells'];
const SECONDS = 2;
const fileName = (title: string) => `${String(TITLES.indexOf(title) + 1).padStart(2, '0')} ${title}.flac`;

/** Four songs of the library and one the library lacks, which Spotify does not have either. */
const PLAYLIST = [
  '#EXTM3U',
  ...['Slow River', 'Lantern Song', 'Evening Bells', 'The Orchard Gate'].flatMap((t) => [`#EXTINF:${SECONDS},${ARTIST} - ${t}`, `${ARTIST}/${ALBUM}/${fileName(t)}`]),
  '#EXTINF:241,Nobody Knows - Unheard Song',
  'Nobody Knows/Unheard Song.flac',
  '',
].join('\n');

let fakes: Fakes;
let music: string;
let dir: string;
let server: RunningServer | undefined;

test.beforeAll(async () => {
  const catalog = new Catalog(23);
  catalog.addAlbum({ artist: ARTIST, title: ALBUM, date: '1971-05-14', tracks: TITLES.map((title) => ({ title, length: SECONDS * 1000 })), spotify: true });
  fakes = await startFakes({ catalog });
});
test.afterAll(async () => {
  await fakes?.close();
});
test.beforeEach(async () => {
  music = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-e2e-sync-'));
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-e2e-sync-lib-'));
  TITLES.forEach((title, i) => {
    makeAudioFile(path.join(music, ARTIST, ALBUM, fileName(title)), 'flac', { artist: ARTIST, albumArtist: ARTIST, album: ALBUM, title, track: String(i + 1) }, SECONDS);
  });
  fs.writeFileSync(path.join(music, 'Sunday.m3u8'), PLAYLIST);
  // Connected as the Settings view would leave it: a client ID and a refresh token in the secrets file.
  const issued = fakes.spotify.state.issueToken();
  fs.writeFileSync(
    path.join(dir, 'secrets.json'),
    JSON.stringify({ spotifyClientId: fakes.spotify.state.settings.clientId, spotifyRefreshToken: issued.refreshToken }),
    { mode: 0o600 },
  );
  fakes.spotify.state.playlists.clear();
  server = await startServer({ env: fakeServiceEnv(fakes.urls), dir });
});
test.afterEach(async () => {
  await server?.stop();
  server = undefined;
  fs.rmSync(music, { recursive: true, force: true });
  fs.rmSync(dir, { recursive: true, force: true });
});

async function scanAndImport(page: Page) {
  await scanThroughPage(page, server!.url, music, TITLES.length);
  await page.keyboard.press('Control+Shift+O');
  await page.getByLabel(/Playlist files/).fill(path.join(music, 'Sunday.m3u8'));
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByRole('listbox', { name: 'Playlists' }).getByRole('option', { name: /Sunday/ })).toHaveAttribute('aria-selected', 'true');
}

const dialog = (page: Page) => page.getByRole('dialog', { name: 'Sync Playlists' });
const writes = () => (fakes.spotify.stats.byMethod.POST ?? 0) + (fakes.spotify.stats.byMethod.DELETE ?? 0) + (fakes.spotify.stats.byMethod.PUT ?? 0);

test('sync a playlist to Spotify from the menu shortcut: review the plan, apply, and a second sync writes nothing', async ({ page }) => {
  test.setTimeout(120_000);
  await scanAndImport(page);

  // Playlists → Sync… (Ctrl/Cmd+Shift+S), with the playlist in view ticked.
  await page.keyboard.press('Control+Shift+S');
  const sync = dialog(page);
  await expect(sync).toBeVisible();
  await expect(sync.getByRole('checkbox', { name: /Sunday/ })).toBeChecked();
  await expect(sync.getByRole('radio', { name: 'Spotify' })).toBeChecked();
  await expect(sync.getByRole('button', { name: 'Apply' })).toBeDisabled();

  fakes.resetStats();
  await sync.getByRole('button', { name: 'Preview' }).click();
  const summary = sync.getByTestId('sync-summary');
  await expect(summary).toHaveText(/^Plan: 4 to add, 0 to remove, 0 unchanged, 1 unmatched, 0 to review/, { timeout: 60_000 });
  expect(writes()).toBe(0);
  const toAdd = sync.locator('.sync-items[data-action="add"] li');
  await expect(toAdd).toHaveCount(4);
  await expect(toAdd.first()).toContainText(`${ARTIST} – Slow River`);
  await expect(toAdd.first()).toContainText(/exact|same ISRC/);
  await sync.getByRole('tab', { name: /Unmatched/ }).click();
  await expect(sync.locator('.sync-items[data-action="unmatched"] li')).toContainText('Nobody Knows – Unheard Song');

  await sync.getByRole('button', { name: 'Apply' }).click();
  await expect(summary).toHaveText(/^Synced: 4 added, 0 removed/, { timeout: 60_000 });
  const remote = [...fakes.spotify.state.playlists.values()];
  expect(remote).toHaveLength(1);
  expect(remote[0]!.name).toBe('Sunday');
  const names = remote[0]!.items.map((i) => fakes.catalog.spotify.tracks.get(i.uri.split(':')[2]!)?.name);
  expect(names).toEqual(['Slow River', 'Lantern Song', 'Evening Bells', 'The Orchard Gate']);

  // Nothing changed here: the next plan is all unchanged, and Apply has nothing to write.
  fakes.resetStats();
  await sync.getByRole('button', { name: 'Preview Again' }).click();
  await expect(summary).toHaveText(/^Plan: 0 to add, 0 to remove, 4 unchanged, 1 unmatched.*already in sync/, { timeout: 60_000 });
  await expect(sync.getByRole('button', { name: 'Apply' })).toBeDisabled();
  expect(writes()).toBe(0);
  // Matches are remembered: only the song with no file (nothing to remember it by) is searched again.
  expect(fakes.spotify.stats.byRoute['/v1/search'] ?? 0).toBeLessThanOrEqual(2);

  await page.keyboard.press('Escape');
  await expect(sync).toHaveCount(0);
});

test('sync a playlist to a folder: the plan, the copies and the playlist file', async ({ page }) => {
  test.setTimeout(120_000);
  await scanAndImport(page);
  const target = path.join(dir, 'Phone');
  await page.keyboard.press('Control+Shift+S');
  const sync = dialog(page);
  await sync.getByRole('radio', { name: /A folder/ }).check();
  await sync.getByLabel('Target folder').fill(target);
  await sync.getByRole('button', { name: 'Preview' }).click();
  const summary = sync.getByTestId('sync-summary');
  await expect(summary).toHaveText(/^Plan: 4 to add, 0 to remove, 0 unchanged, 1 unmatched/, { timeout: 60_000 });
  expect(fs.existsSync(target)).toBe(false);
  await sync.getByRole('button', { name: 'Apply' }).click();
  await expect(summary).toHaveText(/^Synced: 4 copied, 0 removed/, { timeout: 60_000 });
  const m3u = fs.readFileSync(path.join(target, 'Sunday.m3u8'), 'utf8');
  const lines = m3u.split(/\r?\n/).filter((l) => l && !l.startsWith('#'));
  expect(lines).toHaveLength(4);
  expect(lines[0]).toMatch(/Slow River\.flac$/);
  for (const line of lines) expect(fs.existsSync(path.join(target, line))).toBe(true);
  await sync.getByRole('button', { name: 'Preview Again' }).click();
  await expect(summary).toHaveText(/^Plan: 0 to add, 0 to remove, 4 unchanged, 1 unmatched, 0 to review — already in sync/, { timeout: 60_000 });
  await expect(sync.getByRole('button', { name: 'Apply' })).toBeDisabled();

  // A new order copies nothing, yet the playlist file changes: the plan says so and Apply writes it.
  await page.keyboard.press('Escape');
  await page.getByRole('grid', { name: 'Entries of Sunday' }).locator('[role="row"][data-position]').filter({ hasText: 'Slow River' }).click();
  await page.keyboard.press('Alt+ArrowDown');
  await page.keyboard.press('Control+Shift+S');
  await sync.getByRole('radio', { name: /A folder/ }).check();
  await sync.getByLabel('Target folder').fill(target);
  await sync.getByRole('button', { name: 'Preview' }).click();
  await expect(summary).toHaveText(/^Plan: 0 to add, 0 to remove, 4 unchanged, 1 unmatched, 0 to review, 1 to update$/, { timeout: 60_000 });
  await sync.getByRole('tab', { name: /To update/ }).click();
  await expect(sync.locator('.sync-items[data-action="update"] li')).toContainText('Sunday.m3u8');
  await sync.getByRole('button', { name: 'Apply' }).click();
  await expect(summary).toHaveText(/^Synced:/, { timeout: 60_000 });
  const reordered = fs.readFileSync(path.join(target, 'Sunday.m3u8'), 'utf8').split(/\r?\n/).filter((l) => l && !l.startsWith('#'));
  expect(reordered[1]).toMatch(/Slow River\.flac$/);
});

test('screenshot of the sync dialog for the README', async ({ page }) => {
  test.skip(!process.env.SLEEVE_SCREENSHOTS, 'set SLEEVE_SCREENSHOTS=1 (npm run screenshots) to refresh docs/');
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1280, height: 800 });
  await scanAndImport(page);
  await page.keyboard.press('Control+Shift+S');
  const sync = dialog(page);
  await sync.getByRole('button', { name: 'Preview' }).click();
  await expect(sync.getByTestId('sync-summary')).toHaveText(/^Plan:/, { timeout: 60_000 });
  await page.screenshot({ path: path.join(ROOT, 'docs/sync.png') });
});
