import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test as plain, type Page } from '@playwright/test';
import { makeAudioFile } from '../src/core/scan/testing/audio';
import { Catalog, fakeServiceEnv, startFakes, type Fakes } from '../src/core/testing/fakes';
import { solidPng } from '../src/core/testing/fakes/images';
import { directives, test, watchCsp } from './csp';
import { scanThroughPage } from './scan';
import { startServer, type RunningServer } from './server';

/**
 * The policy holds for the whole UI: each view and the main dialogs, with
 * real data (the WebSocket, artwork through /art/, the years chart on a
 * canvas, virtual tables positioned by style props), and not one violation.
 * The test of ./csp fails any test here that causes one; another spec gets
 * the same guard by importing from './csp' instead of '@playwright/test'.
 */

const SECONDS = 2;
const ALBUMS = [
  { artist: 'The Velvet Orchard', album: 'Harvest of Lanterns', date: '1971-05-14', titles: ['Lantern Song', 'The Orchard Gate', 'Slow River'], folderImage: true },
  { artist: 'Mira Kessel', album: 'Northern Static', date: '1984-03-02', titles: ['Radio Frost', 'Glass Antenna'] },
];
const TRACKS = ALBUMS.reduce((n, a) => n + a.titles.length, 0);

let fakes: Fakes;
let music: string;
let server: RunningServer | undefined;

test.beforeAll(async () => {
  const catalog = new Catalog(7);
  for (const a of ALBUMS) {
    catalog.addAlbum({ artist: a.artist, title: a.album, date: a.date, tracks: a.titles.map((title) => ({ title, length: SECONDS * 1000 })), coverArt: true });
  }
  fakes = await startFakes({ catalog });
  music = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-e2e-csp-'));
  for (const a of ALBUMS) {
    const folder = path.join(music, a.artist, a.album);
    a.titles.forEach((title, i) => {
      makeAudioFile(path.join(folder, `0${i + 1} ${title}.flac`), 'flac', { artist: a.artist, albumArtist: a.artist, album: a.album, title, track: String(i + 1), date: a.date.slice(0, 4) }, SECONDS);
    });
    if (a.folderImage) fs.writeFileSync(path.join(folder, 'cover.png'), solidPng(300, 300, [0x30, 0x60, 0xd0]));
  }
});
test.afterAll(async () => {
  await fakes?.close();
  if (music) fs.rmSync(music, { recursive: true, force: true });
});
test.beforeEach(async () => {
  server = await startServer({ env: fakeServiceEnv(fakes.urls) });
});
test.afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function metaPolicy(page: Page): Promise<string> {
  return (await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content'))!;
}

test("the server's header policy is the page's meta policy, less sleeve-art: and plus frame-ancestors", async ({ page }) => {
  const response = await page.goto(server!.url);
  const header = directives(response!.headers()['content-security-policy']!);
  const meta = directives(await metaPolicy(page));
  expect(meta['style-src'], 'no inline styles').toEqual(["'self'"]);
  expect(meta['connect-src'], "the WebSocket goes to 'self'").toEqual(["'self'"]);
  expect(header).toEqual({
    ...meta,
    // The desktop app's artwork protocol; the web UI has its artwork from /art/.
    'img-src': meta['img-src']!.filter((source) => source !== 'sleeve-art:'),
    // Only a header can say it; a meta policy with it draws a console warning.
    'frame-ancestors': ["'none'"],
  });
});

test('each view and the main dialogs, with data, run without a policy violation', async ({ page }) => {
  test.setTimeout(180_000);
  await scanThroughPage(page, server!.url, music, TRACKS);

  // Library: the virtual table, its album grouping, the Write Tags dialog.
  const tracks = page.getByRole('grid', { name: 'Tracks' });
  await expect(tracks).toContainText('Lantern Song');
  await tracks.getByRole('row').filter({ hasText: 'Lantern Song' }).click();
  await page.getByRole('button', { name: 'Write Tags…' }).click();
  await expect(page.getByRole('dialog', { name: 'Write Tags' })).toBeVisible();
  await page.keyboard.press('Escape');
  await page.getByRole('tab', { name: 'Albums' }).click();
  await expect(page.getByRole('grid', { name: 'Albums' }).getByRole('row').nth(1)).toBeVisible();

  // Albums: enrich, then the thumbnails and a full-size picture, from /art/.
  await page.getByRole('link', { name: 'Albums' }).click();
  await page.getByRole('button', { name: 'Enrich', exact: true }).click();
  await expect(page.getByRole('status', { name: 'Enrichment' })).toHaveAttribute('data-state', 'done', { timeout: 90_000 });
  const harvest = page.getByRole('grid', { name: /^Albums: / }).getByRole('row').filter({ hasText: 'Harvest of Lanterns' });
  await expect.poll(() => harvest.locator('img.thumb').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
  await harvest.dblclick();
  const chooser = page.getByRole('dialog', { name: 'Artwork for Harvest of Lanterns' });
  await expect(chooser.getByRole('option').first()).toBeVisible();
  await chooser.getByRole('button', { name: 'View Full Size' }).click();
  await expect.poll(() => chooser.locator('.full-size img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
  await page.keyboard.press('Escape');
  await chooser.getByRole('option').first().focus();
  await page.keyboard.press('Escape');
  await expect(chooser).toHaveCount(0);

  // Years: the chart draws on a canvas.
  await page.getByRole('link', { name: 'Years' }).click();
  await expect(page.getByRole('figure', { name: /^Tracks per year/ }).locator('canvas')).toBeVisible();

  // Playlists and the Sync dialog.
  await page.getByRole('link', { name: 'Playlists' }).click();
  await page.keyboard.press('Control+Shift+S');
  await expect(page.getByRole('dialog', { name: 'Sync Playlists' })).toBeVisible();
  await page.keyboard.press('Escape');

  // Jobs: a test job streams its counters to the end.
  await page.getByRole('link', { name: 'Jobs' }).click();
  await page.getByLabel('Count to').fill('50');
  await page.getByLabel('Pause (ms)').fill('5');
  await page.getByRole('button', { name: 'Run test job' }).click();
  await expect(page.locator('li.job').first()).toHaveAttribute('data-state', 'done', { timeout: 30_000 });

  // Settings, from its shortcut.
  await page.keyboard.press('Control+,');
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();

  // And a reload, which opens the WebSocket afresh.
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
});

plain('the guard sees a violation: an inline style and an inline script are refused', async ({ page }) => {
  const violations = await watchCsp(page);
  await page.goto(server!.url);
  await expect(page.getByRole('link', { name: 'Settings' })).toBeVisible();
  const applied = await page.evaluate(() => {
    const style = document.createElement('style');
    style.textContent = 'body { --csp-probe: applied; }';
    document.head.append(style);
    const script = document.createElement('script');
    script.textContent = 'window.__inlineRan = true';
    document.head.append(script);
    return { style: getComputedStyle(document.body).getPropertyValue('--csp-probe'), ran: (window as { __inlineRan?: boolean }).__inlineRan === true };
  });
  expect(applied).toEqual({ style: '', ran: false });
  await expect.poll(() => violations.join('\n')).toMatch(/style-src/);
  expect(violations.join('\n')).toMatch(/script-src/);
});
