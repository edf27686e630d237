import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { makeAudioFile } from '../src/core/scan/testing/audio';
import { ROOT, startServer, type RunningServer } from './server';

let server: RunningServer;
let music: string;

/**
 * A folder of real audio, plus one broken file. Tagged: one ffmpeg-made file
 * per album carries its artist, album and year; otherwise two untagged
 * templates serve every album (fast, for big folders).
 */
function makeMusicFolder(albums: number, tracksPerAlbum: number, tagged: boolean): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-e2e-music-'));
  const templates = path.join(root, '.templates');
  const untagged = tagged
    ? []
    : [makeAudioFile(path.join(templates, 't.mp3'), 'mp3', {}), makeAudioFile(path.join(templates, 't.flac'), 'flac', {})];
  for (let a = 0; a < albums; a++) {
    const artist = `Artist ${String(a % 7).padStart(2, '0')}`;
    const album = `Album ${String(a).padStart(3, '0')}`;
    const dir = path.join(root, artist, album);
    fs.mkdirSync(dir, { recursive: true });
    const sources = tagged
      ? [makeAudioFile(path.join(templates, `${a}.flac`), 'flac', { artist, album, date: String(1970 + a) })]
      : untagged;
    for (let t = 1; t <= tracksPerAlbum; t++) {
      const source = sources[(a + t) % sources.length]!;
      // Unique bytes per file, as real files have, so content keys differ.
      fs.writeFileSync(path.join(dir, `${String(t).padStart(2, '0')} Song ${a}-${t}${path.extname(source)}`), Buffer.concat([fs.readFileSync(source), Buffer.from(`${a}-${t}`)]));
    }
  }
  fs.writeFileSync(path.join(root, 'broken.mp3'), '');
  return root;
}

async function dropFolder(page: Page, folder: string) {
  await page.evaluate((uri) => {
    const data = new DataTransfer();
    data.setData('text/uri-list', uri);
    for (const type of ['dragenter', 'dragover', 'drop']) {
      document.body.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
    }
  }, `file://${folder.split('/').map(encodeURIComponent).join('/')}`);
}

test.beforeEach(async () => {
  server = await startServer();
});
test.afterEach(async () => {
  await server.stop();
  fs.rmSync(music, { recursive: true, force: true });
});

test('dropping a folder scans it: counters reach the file count and the table fills', async ({ page }) => {
  music = makeMusicFolder(12, 10, true);
  await page.goto(server.url);
  await expect(page.getByRole('heading', { name: 'Your library is empty' })).toBeVisible();
  await dropFolder(page, music);

  const scan = page.getByRole('status', { name: 'Scan in progress' });
  await expect(scan.locator('[data-counter="found"] dd')).toHaveText('121');
  await expect(page.getByLabel('Library totals')).toContainText('120 tracks', { timeout: 30_000 });
  await expect(page.getByLabel('Library totals')).toContainText('1 failed');
  await expect(page.getByRole('grid', { name: 'Tracks' }).getByRole('row').nth(1)).toContainText('Artist 00');

  // Filter and sort.
  await page.getByLabel('Filter').fill('Song 5-3');
  await expect(page.getByRole('grid', { name: 'Tracks' }).getByRole('row')).toHaveCount(2);
  await expect(page.getByRole('grid', { name: 'Tracks' }).getByRole('row').nth(1)).toContainText('Song 5-3');
  await page.getByLabel('Filter').fill('');
  await page.getByRole('button', { name: 'Path' }).click();
  await expect(page.getByRole('columnheader', { name: /Path/ })).toHaveAttribute('aria-sort', 'ascending');
  await page.getByRole('button', { name: /Path/ }).click();
  await expect(page.getByRole('columnheader', { name: /Path/ })).toHaveAttribute('aria-sort', 'descending');

  // Album grouping opens an album's tracks.
  await page.getByRole('tab', { name: 'Albums' }).click();
  const albums = page.getByRole('grid', { name: 'Albums' });
  await expect(albums.getByRole('row').nth(1)).toContainText('Album 000');
  await albums.getByRole('row').nth(1).dblclick();
  await expect(page.getByRole('grid', { name: 'Tracks' }).getByRole('row')).toHaveCount(11);

  // The broken file is listed with its reason.
  await page.getByRole('tab', { name: /Problems/ }).click();
  await expect(page.getByRole('grid', { name: 'Problems' })).toContainText('broken.mp3');
  await expect(page.getByRole('grid', { name: 'Problems' })).toContainText('the file is empty (0 bytes)');
});

test('a scan cancelled half-way keeps every track it read', async ({ page }) => {
  music = makeMusicFolder(200, 15, false);
  await page.goto(server.url);
  await page.getByRole('button', { name: 'Add Folder…' }).click();
  await page.getByLabel(/Folders on the machine/).fill(music);
  await page.getByRole('button', { name: 'Scan', exact: true }).click();

  const scan = page.getByRole('status', { name: 'Scan in progress' });
  await expect.poll(async () => Number((await scan.locator('[data-counter="parsed"] dd').innerText()).replace(/,/g, '')), { timeout: 60_000 }).toBeGreaterThan(100);
  await scan.getByRole('button', { name: 'Cancel scan' }).click();
  await expect(scan).toHaveCount(0);

  await page.getByRole('link', { name: 'Jobs' }).click();
  const row = page.locator('li.job').first();
  await expect(row).toHaveAttribute('data-state', 'cancelled');
  const parsed = Number((await row.locator('[data-counter="parsed"] dd').innerText()).replace(/,/g, ''));
  expect(parsed).toBeGreaterThan(100);
  expect(parsed).toBeLessThan(3000);

  await page.getByRole('link', { name: 'Library' }).click();
  await expect(page.getByLabel('Library totals')).toContainText(`${parsed.toLocaleString('en-US')} tracks`);
});

test('screenshots of the Library for the README', async ({ page }) => {
  test.skip(!process.env.SLEEVE_SCREENSHOTS, 'set SLEEVE_SCREENSHOTS=1 (npm run screenshots) to refresh docs/');
  test.setTimeout(180_000);
  // The benchmark's corpus: realistic names, tags and folders.
  const { ensureCorpus } = await import('../bench/corpus');
  const corpus = await ensureCorpus(2000);
  music = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-e2e-unused-'));
  await page.setViewportSize({ width: 1280, height: 760 });
  await page.goto(server.url);
  await page.screenshot({ path: path.join(ROOT, 'docs/library-empty.png') });
  await dropFolder(page, corpus);
  const scan = page.getByRole('status', { name: 'Scan in progress' });
  await expect.poll(async () => Number((await scan.locator('[data-counter="parsed"] dd').innerText()).replace(/,/g, '')), { timeout: 60_000 }).toBeGreaterThan(300);
  await page.screenshot({ path: path.join(ROOT, 'docs/library-scanning.png') });
  await expect(scan).toHaveCount(0, { timeout: 120_000 });
  await page.getByRole('grid', { name: 'Tracks' }).getByRole('row').nth(3).click();
  await page.screenshot({ path: path.join(ROOT, 'docs/library-tracks.png') });
  await page.getByRole('tab', { name: 'Albums' }).click();
  await expect(page.getByRole('grid', { name: 'Albums' }).getByRole('row').nth(1)).toBeVisible();
  await page.screenshot({ path: path.join(ROOT, 'docs/library-albums.png') });
});
