import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { makeAudioFile } from '../src/core/scan/testing/audio';
import { ROOT, startServer, type RunningServer } from './server';
import { scanThroughPage } from './scan';

const ARTIST = 'The Velvet Orchard';
const ALBUM = 'Harvest of Lanterns';
const TITLES = ['Lantern Song', 'The Orchard Gate', 'Slow River', 'Evening Bells'];
const SECONDS = 2;
const fileName = (title: string) => `${String(TITLES.indexOf(title) + 1).padStart(2, '0')} ${title}.flac`;
const relative = (title: string) => `${ARTIST}/${ALBUM}/${fileName(title)}`;

/**
 * The playlist as another player would have saved it beside the music: paths
 * relative to it, one entry copied from a Windows machine (found by its
 * #EXTINF), and one song the library does not have.
 */
const ROAD_TRIP = [
  '#EXTM3U',
  `#EXTINF:${SECONDS},${ARTIST} - Slow River`,
  relative('Slow River'),
  `#EXTINF:${SECONDS},${ARTIST} - Lantern Song`,
  relative('Lantern Song'),
  `#EXTINF:${SECONDS},${ARTIST} - The Orchard Gate`,
  `C:\\Users\\dana\\Music\\${ARTIST}\\${ALBUM}\\${fileName('The Orchard Gate')}`,
  '#EXTINF:241,Nobody Knows - Unheard Song',
  `${ARTIST}/${ALBUM}/09 Unheard Song.flac`,
  `#EXTINF:${SECONDS},${ARTIST} - Evening Bells`,
  relative('Evening Bells'),
  '',
].join('\n');
const ROAD_TRIP_ORDER = [
  { title: 'Slow River', found: 'relative' },
  { title: 'Lantern Song', found: 'relative' },
  { title: 'The Orchard Gate', found: 'tags' },
  { title: 'Unheard Song', found: 'missing' },
  { title: 'Evening Bells', found: 'relative' },
];
const SHORT = `${relative('Lantern Song')}\n${relative('Evening Bells')}\n`;

let music: string;
let scratch: string;
let server: RunningServer | undefined;

test.beforeEach(async () => {
  music = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-e2e-playlists-'));
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-e2e-playlists-out-'));
  TITLES.forEach((title, i) => {
    makeAudioFile(path.join(music, ARTIST, ALBUM, fileName(title)), 'flac', { artist: ARTIST, albumArtist: ARTIST, album: ALBUM, title, track: String(i + 1) }, SECONDS);
  });
  server = await startServer();
});
test.afterEach(async () => {
  await server?.stop();
  server = undefined;
  fs.rmSync(music, { recursive: true, force: true });
  fs.rmSync(scratch, { recursive: true, force: true });
});

async function scanMusic(page: Page) {
  await scanThroughPage(page, server!.url, music, TITLES.length);
  // Written after the scan, as a player would save one beside the music it already had.
  fs.writeFileSync(path.join(music, 'Road Trip.m3u8'), ROAD_TRIP);
  fs.writeFileSync(path.join(music, 'Short.m3u'), SHORT);
}

async function importThrough(page: Page, paths: string[]) {
  await page.getByRole('button', { name: 'Import Playlists…' }).first().click();
  await page.getByLabel(/Playlist files/).fill(paths.join('\n'));
  await page.getByRole('button', { name: 'Import', exact: true }).click();
}

const playlistList = (page: Page) => page.getByRole('listbox', { name: 'Playlists' });
const entries = (page: Page, name: string) => page.getByRole('grid', { name: `Entries of ${name}` }).getByRole('row');

test('import a playlist, see how each entry was found, export, rename and delete it', async ({ page }) => {
  test.setTimeout(90_000);
  await scanMusic(page);
  await page.getByRole('link', { name: 'Playlists' }).click();
  await expect(page.getByRole('heading', { name: 'Playlists', level: 1 })).toBeVisible();
  await expect(page.locator('.empty-library')).toContainText('Import Playlists… reads M3U and M3U8 files');

  // Paths that are no playlist say so, and nothing is imported.
  await importThrough(page, [path.join(music, 'nope.m3u8')]);
  const alert = page.getByRole('alert');
  await expect(alert).toContainText(`No such file: ${path.join(music, 'nope.m3u8')}`);
  await alert.getByRole('button', { name: 'Dismiss' }).click();
  await importThrough(page, [music]);
  await expect(alert).toContainText('is a folder');
  await alert.getByRole('button', { name: 'Dismiss' }).click();
  await expect(page.locator('.empty-library')).toBeVisible();

  // Ctrl+Shift+O asks for paths in the page, from any section.
  await page.getByRole('link', { name: 'Library' }).click();
  await page.keyboard.press('Control+Shift+O');
  await expect(page).toHaveURL(/#playlists$/);
  await page.getByLabel(/Playlist files/).fill(`${path.join(music, 'Road Trip.m3u8')}\n${path.join(music, 'Short.m3u')}`);
  await page.getByRole('button', { name: 'Import', exact: true }).click();

  const report = page.getByRole('status', { name: 'Import report' });
  const roadTrip = report.locator('[data-playlist="Road Trip"]');
  await expect(roadTrip.locator('[data-counts]')).toHaveText('5 entries: 0 by path, 3 relative, 1 by tags, 1 missing');
  await expect(roadTrip.getByRole('list', { name: 'Missing entries of Road Trip' })).toContainText(/line \d+.*09 Unheard Song\.flac/);
  await expect(report.locator('[data-playlist="Short"] [data-counts]')).toHaveText('2 entries: 0 by path, 2 relative, 0 by tags, 0 missing');

  // The first imported is open; its entries in the playlist's order, each with how it was found.
  const list = playlistList(page);
  await expect(list.getByRole('option')).toHaveCount(2);
  const roadOption = list.getByRole('option', { name: /Road Trip/ });
  await expect(roadOption).toHaveAttribute('aria-selected', 'true');
  await expect(roadOption).toContainText('5 entries');
  await expect(roadOption.locator('.missing-badge')).toHaveText('1 missing');
  const rows = entries(page, 'Road Trip');
  await expect(rows).toHaveCount(ROAD_TRIP_ORDER.length + 1);
  for (const [i, { title, found }] of ROAD_TRIP_ORDER.entries()) {
    const row = rows.nth(i + 1);
    await expect(row).toContainText(title);
    await expect(row.locator('[data-found]')).toHaveText(found);
  }
  const missing = rows.nth(4);
  await expect(missing).toHaveClass(/missing/);
  await expect(missing).toContainText('Nobody Knows – Unheard Song');
  await expect(missing).toContainText(`${ARTIST}/${ALBUM}/09 Unheard Song.flac`);
  await expect(missing).toContainText('4:01');
  await expect(rows.nth(3)).toContainText(ALBUM);
  await report.getByRole('button', { name: 'Dismiss' }).click();

  // The keyboard moves through the list.
  await list.focus();
  await page.keyboard.press('ArrowDown');
  await expect(list.getByRole('option', { name: /Short/ })).toHaveAttribute('aria-selected', 'true');
  await expect(entries(page, 'Short')).toHaveCount(3);
  await page.keyboard.press('Home');
  await expect(roadOption).toHaveAttribute('aria-selected', 'true');

  // Export through the page's prompt.
  const out = path.join(scratch, 'Road Trip copy.m3u8');
  await page.getByRole('button', { name: 'Export M3U8…' }).click();
  await page.getByLabel(/Where to write “Road Trip”/).fill(out);
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  await expect(page.getByRole('status', { name: 'Export' })).toContainText(`to ${out}: 5 entries; 1 entry had no track`);
  expect(fs.existsSync(out)).toBe(true);
  expect(fs.readFileSync(out, 'utf8').startsWith('#EXTM3U')).toBe(true);

  // Rename: Escape leaves the name alone, Enter saves.
  await page.getByRole('button', { name: 'Rename…' }).click();
  await page.getByLabel('Playlist name').fill('Not This');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('heading', { name: 'Road Trip', level: 2 })).toBeVisible();
  await page.getByRole('button', { name: 'Rename…' }).click();
  await page.getByLabel('Playlist name').fill('Night Drive');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Night Drive', level: 2 })).toBeVisible();
  await expect(list.getByRole('option', { name: /Night Drive/ })).toHaveAttribute('aria-selected', 'true');

  // Delete asks once more in the page; the next playlist takes its place.
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(list.getByRole('option')).toHaveCount(2);
  await page.getByRole('button', { name: 'Delete — sure?' }).click();
  await expect(list.getByRole('option')).toHaveCount(1);
  await expect(list.getByRole('option', { name: /Short/ })).toHaveAttribute('aria-selected', 'true');
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  await page.getByRole('button', { name: 'Delete — sure?' }).click();
  await expect(page.locator('.empty-library')).toContainText('No playlists yet');
});

test('a playlist file dropped on the window is imported with its report, beside a folder that is scanned', async ({ page }) => {
  await scanMusic(page);
  const more = path.join(scratch, 'More');
  makeAudioFile(path.join(more, 'Extra.flac'), 'flac', { artist: ARTIST, album: 'Extras', title: 'Extra' }, 1);
  // As a file manager drops them: file:// URIs, one a folder, one a playlist.
  const uri = (file: string) => `file://${file.split('/').map(encodeURIComponent).join('/')}`;
  await page.evaluate((list) => {
    const data = new DataTransfer();
    data.setData('text/uri-list', list);
    for (const type of ['dragenter', 'dragover', 'drop']) document.body.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
  }, `${uri(path.join(music, 'Road Trip.m3u8'))}\r\n${uri(more)}`);
  await expect(page).toHaveURL(/#playlists$/);
  const report = page.getByRole('status', { name: 'Import report' });
  await expect(report.locator('[data-playlist="Road Trip"] [data-counts]')).toHaveText('5 entries: 0 by path, 3 relative, 1 by tags, 1 missing');
  await page.getByRole('link', { name: 'Library' }).click();
  await expect(page.getByLabel('Library totals')).toContainText(`${TITLES.length + 1} tracks`, { timeout: 30_000 });
});

test('screenshot of the playlists for the README', async ({ page }) => {
  test.skip(!process.env.SLEEVE_SCREENSHOTS, 'set SLEEVE_SCREENSHOTS=1 (npm run screenshots) to refresh docs/');
  test.setTimeout(90_000);
  await page.setViewportSize({ width: 1280, height: 760 });
  await scanMusic(page);
  await page.goto(`${server!.url}#playlists`);
  await importThrough(page, [path.join(music, 'Road Trip.m3u8'), path.join(music, 'Short.m3u')]);
  await expect(entries(page, 'Road Trip')).toHaveCount(ROAD_TRIP_ORDER.length + 1);
  await page.screenshot({ path: path.join(ROOT, 'docs/playlists.png') });
});
