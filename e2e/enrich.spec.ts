import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { makeAudioFile } from '../src/core/scan/testing/audio';
import { Catalog, fakeServiceEnv, startFakes, type Fakes } from '../src/core/testing/fakes';
import { solidPng } from '../src/core/testing/fakes/images';
import { ROOT, startServer, type RunningServer } from './server';
import { scanThroughPage } from './scan';

/** One album as the catalog knows it and as its files are tagged. */
interface AlbumFixture {
  artist: string;
  album: string;
  date: string;
  titles: string[];
  /** Not in the catalog: no service knows it. */
  unknown?: boolean;
  /** The catalog has no cover for it. */
  noCoverArt?: boolean;
  /** A cover.png of the user's own in the folder: a picture Sleeve does not suggest. */
  folderImage?: boolean;
}

const SECONDS = 2;
const REVIEW_ALBUM = 'Quiet Harbour';

const ALBUMS: AlbumFixture[] = [
  {
    artist: 'The Velvet Orchard',
    album: 'Harvest of Lanterns',
    date: '1971-05-14',
    titles: ['Lantern Song', 'The Orchard Gate', 'Slow River', 'Evening Bells'],
    folderImage: true,
  },
  { artist: 'Mira Kessel', album: 'Northern Static', date: '1984-03-02', titles: ['Radio Frost', 'Glass Antenna', 'Static Hymn'] },
  { artist: 'Cobalt Division', album: 'Signal Fires', date: '2006-02-13', titles: ['Beacon', 'Relay Tower', 'Smoke Signals'], noCoverArt: true },
  // Tidewater made this album twice, with the same title and songs (below): the files fit both equally well.
  { artist: 'Tidewater', album: REVIEW_ALBUM, date: '1990-06-01', titles: ['Harbour Lights', 'Low Tide', 'Gull Song'] },
  { artist: 'Nobody Knows', album: 'Basement Tapes', date: '2003', titles: ['Unheard Song', 'Damp Walls'], unknown: true },
];
/** Tidewater's re-recording: another release group with the same title, tracks and lengths. */
const TWIN: AlbumFixture = { artist: 'Tidewater', album: REVIEW_ALBUM, date: '2004-09-20', titles: ['Harbour Lights', 'Low Tide', 'Gull Song'] };
const ALBUM_COUNT = ALBUMS.length;
const TRACKS_ON_DISK = ALBUMS.reduce((n, a) => n + a.titles.length, 0);

function makeCatalog(): Catalog {
  const catalog = new Catalog(11);
  for (const a of [...ALBUMS.filter((a) => !a.unknown), TWIN]) {
    catalog.addAlbum({
      artist: a.artist,
      title: a.album,
      date: a.date,
      // The files are SECONDS long and so are the recordings, so the tracklists line up as they would.
      tracks: a.titles.map((title) => ({ title, length: SECONDS * 1000 })),
      coverArt: !a.noCoverArt,
    });
  }
  return catalog;
}

function makeMusicFolder(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-e2e-enrich-'));
  for (const a of ALBUMS) {
    const folder = path.join(root, a.artist, a.album);
    a.titles.forEach((title, i) => {
      makeAudioFile(path.join(folder, `${String(i + 1).padStart(2, '0')} ${title}.flac`), 'flac', { artist: a.artist, albumArtist: a.artist, album: a.album, title, track: String(i + 1) }, SECONDS);
    });
    if (a.folderImage) fs.writeFileSync(path.join(folder, 'cover.png'), solidPng(600, 600, [0xd0, 0x60, 0x30]));
  }
  return root;
}

let fakes: Fakes;
let music: string;
let libraryDir: string;
let server: RunningServer | undefined;
let env: Record<string, string>;

test.beforeAll(async () => {
  fakes = await startFakes({ catalog: makeCatalog() });
  music = makeMusicFolder();
  env = fakeServiceEnv(fakes.urls);
});
test.afterAll(async () => {
  await fakes?.close();
  if (music) fs.rmSync(music, { recursive: true, force: true });
});
test.beforeEach(async () => {
  libraryDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-e2e-enrich-lib-'));
  server = await startServer({ env, dir: libraryDir });
});
test.afterEach(async () => {
  await server?.stop();
  server = undefined;
  fs.rmSync(libraryDir, { recursive: true, force: true });
});

async function scanMusic(page: Page) {
  await scanThroughPage(page, server!.url, music, TRACKS_ON_DISK);
}

const albumList = (page: Page) => page.getByRole('grid', { name: /^Albums: / });
const albumRow = (page: Page, title: string) => albumList(page).getByRole('row').filter({ hasText: title });
const figure = (page: Page, name: string) => page.locator(`[data-figure="${name}"] [data-value]`);

/** Runs Enrich from its button and waits for the card to show the finished run; returns its counters. */
async function enrichAll(page: Page): Promise<{ card: Locator; counters: Record<string, number> }> {
  await page.getByRole('button', { name: 'Enrich', exact: true }).click();
  const card = page.getByRole('status', { name: 'Enrichment' });
  await expect(card).toHaveAttribute('data-state', 'done', { timeout: 90_000 });
  const counters: Record<string, number> = {};
  for (const stat of await card.locator('[data-counter]').all()) {
    counters[(await stat.getAttribute('data-counter'))!] = Number((await stat.locator('dd').innerText()).replace(/,/g, ''));
  }
  return { card, counters };
}

const chooser = (page: Page, title: string) => page.getByRole('dialog', { name: `Artwork for ${title}` });

test('enrich the albums, choose a picture that outlives a restart, and settle a review', async ({ page }) => {
  test.setTimeout(180_000);
  await scanMusic(page);
  await page.getByRole('link', { name: 'Albums' }).click();
  await expect(page.getByRole('heading', { name: 'Albums', level: 1 })).toBeVisible();
  await expect(figure(page, 'albums')).toHaveText(String(ALBUM_COUNT));
  await expect(albumList(page).getByRole('row')).toHaveCount(ALBUM_COUNT + 1);
  await expect(albumRow(page, 'Northern Static').locator('[data-match]')).toHaveText('Not matched yet');

  // Selection as in a file manager: click, Shift-click, Ctrl-click.
  const rows = albumList(page).getByRole('row');
  const selected = page.locator('[data-selected]');
  await rows.nth(1).click();
  await expect(selected).toHaveAttribute('data-selected', '1');
  await rows.nth(3).click({ modifiers: ['Shift'] });
  await expect(selected).toHaveAttribute('data-selected', '3');
  await rows.nth(2).click({ modifiers: ['Control'] });
  await expect(selected).toHaveAttribute('data-selected', '2');
  await expect(rows.nth(2)).toHaveAttribute('aria-selected', 'false');
  await page.keyboard.press('Shift+ArrowDown');
  await expect(selected).toHaveAttribute('data-selected', '2');
  await page.keyboard.press('Control+a');
  await expect(selected).toHaveAttribute('data-selected', String(ALBUM_COUNT));
  await page.keyboard.press('Escape');
  await expect(selected).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Enrich Selected' })).toBeDisabled();

  // Enrich everything and watch the counters reach the end.
  const { card, counters } = await enrichAll(page);
  expect(counters).toMatchObject({ albums: ALBUM_COUNT, review: 1, notFound: 1, deferred: 0 });
  expect(counters.matched).toBe(ALBUM_COUNT - 2);
  expect(counters.artworkFound).toBeGreaterThanOrEqual(1);
  expect(counters.requests).toBeGreaterThan(0);
  await expect(figure(page, 'matched')).toHaveText(String(ALBUM_COUNT - 2));
  await expect(figure(page, 'review')).toHaveText('1');
  await expect(figure(page, 'notFound')).toHaveText('1');
  await card.getByRole('button', { name: 'Dismiss' }).click();

  // Each row tells its match and its picture, with the thumbnail.
  const harvest = albumRow(page, 'Harvest of Lanterns');
  await expect(harvest.locator('[data-match]')).toHaveText(/^MusicBrainz [01]\.\d\d/);
  await expect(harvest.locator('img.thumb')).toHaveAttribute('src', /thumb\/\w+/);
  await expect.poll(() => harvest.locator('img.thumb').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
  await expect(albumRow(page, 'Basement Tapes').locator('[data-match]')).toHaveText('Not found');
  await expect(albumRow(page, 'Basement Tapes').locator('.thumb-none')).toBeVisible();

  // The chooser: every picture, with its source, size and badges; pick one Sleeve did not suggest.
  await harvest.dblclick();
  let dialog = chooser(page, 'Harvest of Lanterns');
  const options = dialog.getByRole('option');
  await expect(options.first()).toBeVisible();
  expect(await options.count()).toBeGreaterThanOrEqual(2);
  const suggested = options.filter({ has: page.locator('[data-badge="suggested"]') });
  await expect(suggested).toHaveCount(1);
  await expect(suggested).toContainText(/\d+×\d+/);
  await expect(dialog.getByRole('listbox', { name: 'Pictures' })).toContainText('Image in the album folder');
  const other = options.filter({ hasNot: page.locator('[data-badge="suggested"]') }).first();
  const otherId = (await other.getAttribute('data-candidate-id'))!;
  const suggestedId = (await suggested.getAttribute('data-candidate-id'))!;
  await other.click();
  const picked = dialog.locator(`[data-candidate-id="${otherId}"]`);
  await expect(picked).toHaveAttribute('aria-selected', 'true');
  await expect(picked.locator('[data-badge="chosen"]')).toBeVisible();
  await expect(dialog.locator(`[data-candidate-id="${suggestedId}"]`)).toHaveAttribute('aria-selected', 'false');
  await expect(dialog.getByRole('option', { selected: true })).toHaveCount(1);

  // Full size, inside the dialog; Escape goes back to the gallery, then closes it.
  await dialog.getByRole('button', { name: 'View Full Size' }).click();
  await expect(dialog.locator('.full-size img')).toHaveAttribute('src', /image\/\w+/);
  await page.keyboard.press('Escape');
  await expect(options.first()).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(harvest.locator('[data-art-source]')).toContainText('chosen');

  // A restart on the same library: the choice is still the one in use.
  await server!.stop();
  server = await startServer({ env, dir: libraryDir });
  await page.goto(`${server.url}#albums`);
  await albumRow(page, 'Harvest of Lanterns').click();
  await page.keyboard.press('Enter');
  dialog = chooser(page, 'Harvest of Lanterns');
  await expect(dialog.locator(`[data-candidate-id="${otherId}"]`)).toHaveAttribute('aria-selected', 'true');
  await expect(dialog.locator(`[data-candidate-id="${otherId}"]`)).toBeFocused();

  // The keyboard alone: arrows move across the gallery, Enter chooses.
  const ids = await dialog.getByRole('option').evaluateAll((els) => els.map((el) => el.getAttribute('data-candidate-id')));
  await page.keyboard.press('Home');
  for (let i = 0; i < ids.indexOf(suggestedId); i++) await page.keyboard.press('ArrowRight');
  await expect(dialog.locator(`[data-candidate-id="${suggestedId}"]`)).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(dialog.locator(`[data-candidate-id="${suggestedId}"]`)).toHaveAttribute('aria-selected', 'true');
  await expect(dialog.locator(`[data-candidate-id="${otherId}"]`)).toHaveAttribute('aria-selected', 'false');
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);

  // The review queue: the two releases side by side, each with its tracklist against the files.
  await page.getByRole('tab', { name: /^Review/ }).click();
  const panel = page.getByRole('region', { name: new RegExp(REVIEW_ALBUM) });
  await expect(panel.getByRole('button', { name: 'Use This Release' })).toHaveCount(2);
  await expect(panel.getByRole('group', { name: 'Your files' }).getByRole('listitem')).toHaveCount(3);
  await expect(panel.getByRole('list', { name: 'Tracks of candidate 1' }).locator('li.placed')).toHaveCount(3);
  await expect(panel.getByRole('list', { name: 'Tracks of candidate 2' })).toContainText('Harbour Lights');
  await panel.getByRole('button', { name: 'Use This Release' }).first().click();
  await expect(page.getByRole('heading', { name: 'Nothing waiting for review' })).toBeVisible();
  await expect(figure(page, 'review')).toHaveText('0');
  await page.getByRole('tab', { name: /^All/ }).click();
  await expect(albumRow(page, REVIEW_ALBUM).locator('[data-match]')).toHaveText(/^MusicBrainz .*✓confirmed$/);

  // Without Art: Accept Suggested says what it did.
  await page.getByRole('tab', { name: /^Without Art/ }).click();
  await page.getByRole('button', { name: 'Accept Suggested' }).click();
  await expect(page.getByRole('status').filter({ hasText: /suggested picture/ })).toBeVisible();

  // Ctrl+E starts another run; with everything looked up it has nothing left to do.
  await page.getByRole('tab', { name: /^All/ }).click();
  await page.keyboard.press('Control+e');
  await expect(page.getByRole('status', { name: 'Enrichment' })).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  await expect(albumRow(page, 'Harvest of Lanterns').locator('[data-art-source]')).not.toContainText('No artwork');
  // The catalog has a front cover for Northern Static: the run found it.
  await expect(albumRow(page, 'Northern Static').locator('[data-art-source]')).toHaveAttribute('data-art-source', 'coverart-release');
});

test('screenshots of albums, the artwork chooser and the review queue for the README', async ({ page }) => {
  test.skip(!process.env.SLEEVE_SCREENSHOTS, 'set SLEEVE_SCREENSHOTS=1 (npm run screenshots) to refresh docs/');
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 1280, height: 760 });
  await scanMusic(page);
  await page.getByRole('link', { name: 'Albums' }).click();
  const { card } = await enrichAll(page);
  await card.getByRole('button', { name: 'Dismiss' }).click();
  const harvest = albumRow(page, 'Harvest of Lanterns');
  await expect.poll(() => harvest.locator('img.thumb').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
  await harvest.click();
  await albumRow(page, 'Northern Static').click({ modifiers: ['Control'] });
  await page.screenshot({ path: path.join(ROOT, 'docs/albums.png') });

  await harvest.dblclick();
  const dialog = chooser(page, 'Harvest of Lanterns');
  await expect(dialog.getByRole('option').first()).toBeVisible();
  await page.waitForTimeout(300); // the thumbnails' decode
  await page.screenshot({ path: path.join(ROOT, 'docs/artwork-chooser.png') });
  await page.keyboard.press('Escape');

  await page.getByRole('tab', { name: /^Review/ }).click();
  await expect(page.getByRole('button', { name: 'Use This Release' }).first()).toBeVisible();
  await page.screenshot({ path: path.join(ROOT, 'docs/review.png') });
});
