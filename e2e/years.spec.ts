import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { makeAudioFile } from '../src/core/scan/testing/audio';
import { Catalog, fakeServiceEnv, startFakes, type AddedAlbum, type Fakes } from '../src/core/testing/fakes';
import { ROOT, startServer, type RunningServer } from './server';
import { scanThroughPage } from './scan';

/**
 * One album as MusicBrainz knows it (the original, maybe a reissue) and as
 * the files are tagged: often with the reissue's year, sometimes with its
 * '(Remastered 2011)' title.
 */
interface AlbumFixture {
  artist: string;
  album: string;
  /** The original release, the year the lookups should find. */
  date: string;
  reissue?: { date: string; title?: string };
  titles: string[];
  /** How the files are tagged; default the album as MusicBrainz has it, and no date. */
  tags?: { album?: string; date?: string };
  /** Only these tracks are on disk (a single track of an album). */
  onDisk?: number;
  /** How many listens each track has in the imported history. */
  listens?: number;
  /** Tag the files with the MusicBrainz ids of the last release (as Picard does): the lookup goes by id. */
  ids?: boolean;
}

const ALBUMS: AlbumFixture[] = [
  {
    artist: 'The Velvet Orchard',
    album: 'Harvest of Lanterns',
    date: '1971-05-14',
    reissue: { date: '2011-09-26', title: 'Harvest of Lanterns (Remastered 2011)' },
    titles: ['Lantern Song', 'The Orchard Gate', 'Slow River', 'Evening Bells'],
    tags: { album: 'Harvest of Lanterns (Remastered 2011)', date: '2011' },
    listens: 6,
  },
  {
    artist: 'Mira Kessel',
    album: 'Northern Static',
    date: '1984-03-02',
    titles: ['Radio Frost', 'Glass Antenna', 'Static Hymn'],
    tags: { date: '1984' },
    listens: 3,
  },
  {
    artist: 'Odd Foxes',
    album: 'Paper Moons',
    date: '1995-08-21',
    titles: ['Paper Moons', 'Kite Weather', 'Tin Roof'],
    onDisk: 1,
    listens: 4,
  },
  {
    artist: 'Lena Sorrow',
    album: 'Midnight Arcade',
    date: '1999-10-04',
    reissue: { date: '2019-10-04' },
    titles: ['Neon Tide', 'Arcade Hearts', 'Last Token'],
    tags: { date: '2019' },
    listens: 9,
  },
  {
    artist: 'Cobalt Division',
    album: 'Signal Fires',
    date: '2006-02-13',
    reissue: { date: '2016-05-20' },
    titles: ['Beacon', 'Relay Tower', 'Smoke Signals'],
    tags: { date: '2016' },
    listens: 2,
    ids: true,
  },
];
/** On disk but unknown to every service: its tag's year stays, and the lookup says 'not found'. */
const UNKNOWN = { artist: 'Nobody Knows', album: 'Basement Tapes', title: 'Unheard Song', date: '2003' };
const TRACKS_ON_DISK = ALBUMS.reduce((n, a) => n + (a.onDisk ?? a.titles.length), 0) + 1;
const SECONDS = 2;

/** The catalog, and what addAlbum made for each fixture (by album title): the ids to tag files with. */
function makeCatalog(): { catalog: Catalog; added: Map<string, AddedAlbum> } {
  const catalog = new Catalog(7);
  const added = new Map<string, AddedAlbum>();
  for (const a of ALBUMS) {
    const album = catalog.addAlbum({
      artist: a.artist,
      title: a.album,
      date: a.date,
      // The files are SECONDS long: the recordings are too, so durations agree as they would.
      tracks: a.titles.map((title) => ({ title, length: SECONDS * 1000 })),
      reissues: a.reissue ? [{ date: a.reissue.date, title: a.reissue.title }] : [],
    });
    added.set(a.album, album);
  }
  return { catalog, added };
}

function makeMusicFolder(added: Map<string, AddedAlbum>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-e2e-years-'));
  for (const a of ALBUMS) {
    const album = a.tags?.album ?? a.album;
    const release = added.get(a.album)!.releases.at(-1)!;
    a.titles.slice(0, a.onDisk ?? a.titles.length).forEach((title, i) => {
      const file = path.join(root, a.artist, album, `${String(i + 1).padStart(2, '0')} ${title}.flac`);
      // Vorbis comments under the names Picard writes.
      const extra = a.ids ? { MUSICBRAINZ_TRACKID: added.get(a.album)!.recordings[i]!.id, MUSICBRAINZ_ALBUMID: release.id } : undefined;
      makeAudioFile(file, 'flac', { artist: a.artist, album, title, track: String(i + 1), date: a.tags?.date, extra }, SECONDS);
    });
  }
  makeAudioFile(path.join(root, UNKNOWN.artist, UNKNOWN.album, `01 ${UNKNOWN.title}.flac`), 'flac', {
    artist: UNKNOWN.artist,
    album: UNKNOWN.album,
    title: UNKNOWN.title,
    track: '1',
    date: UNKNOWN.date,
  }, SECONDS);
  return root;
}

/** A ListenBrainz export (JSON Lines): the library's songs played over 2024, and two songs no service knows. */
function makeListens(dir: string): { file: string; total: number; known: number } {
  const lines: string[] = [];
  let at = Date.UTC(2024, 0, 1) / 1000;
  for (const a of ALBUMS) {
    for (const title of a.titles) {
      for (let n = 0; n < (a.listens ?? 0); n++) {
        at += 3571;
        lines.push(JSON.stringify({ listened_at: at, track_metadata: { artist_name: a.artist, track_name: title, release_name: a.album, additional_info: { duration_ms: SECONDS * 1000 } } }));
      }
    }
  }
  const known = lines.length;
  for (const title of ['Hum of the Fridge', 'Tuesday Static']) {
    at += 3571;
    lines.push(JSON.stringify({ listened_at: at, track_metadata: { artist_name: 'Nobody Knows', track_name: title } }));
  }
  const file = path.join(dir, 'listens.jsonl');
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return { file, total: lines.length, known };
}

let fakes: Fakes;
let server: RunningServer;
let music: string;

test.beforeAll(async () => {
  const { catalog, added } = makeCatalog();
  fakes = await startFakes({ catalog });
  music = makeMusicFolder(added);
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
});

async function scanMusic(page: Page) {
  await scanThroughPage(page, server.url, music, TRACKS_ON_DISK);
}

const tracks = (page: Page) => page.getByRole('grid', { name: 'Tracks' });
const row = (page: Page, title: string) => tracks(page).getByRole('row').filter({ hasText: title });
const yearOf = (page: Page, title: string) => row(page, title).locator('.year-button');

/** Waits for the years card to show a finished run, returns its counters, and dismisses it. */
async function finishedYearsRun(page: Page): Promise<Record<string, number>> {
  const card = page.getByRole('status', { name: 'Release years' });
  await expect(card).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  const counters: Record<string, number> = {};
  for (const stat of await card.locator('[data-counter]').all()) {
    counters[(await stat.getAttribute('data-counter'))!] = Number((await stat.locator('dd').innerText()).replace(/,/g, ''));
  }
  await card.getByRole('button', { name: 'Dismiss' }).click();
  await expect(card).toHaveCount(0);
  return counters;
}

async function expectYear(page: Page, title: string, year: string, source: string) {
  const cell = yearOf(page, title);
  await expect(cell.locator('.year-value')).toHaveText(year);
  await expect(cell.locator('.year-badge')).toHaveAttribute('data-source', source);
}

test('find release years for a view, then for everything; a year set by hand stays', async ({ page }) => {
  test.setTimeout(120_000);
  await scanMusic(page);
  // Before any lookup the years are the tags': the remaster's 2011, the anniversary reissue's 2019.
  await expectYear(page, 'Lantern Song', '2011', 'tag');
  await expect(yearOf(page, 'Lantern Song').locator('.year-badge')).toHaveText('tag');
  await expect(yearOf(page, 'Kite Weather')).toHaveCount(0);
  await expect(yearOf(page, 'Paper Moons').locator('.year-none')).toHaveText('—');

  // A filtered view: the run covers its tracks only, and the button says how many.
  await page.getByLabel('Filter').fill('Northern Static');
  const findForView = page.getByRole('button', { name: 'Find Years for 3 Tracks' });
  await expect(findForView).toBeEnabled();
  await findForView.click();
  const scoped = await finishedYearsRun(page);
  expect(scoped).toMatchObject({ processed: 3, fuzzyFound: 3, notFound: 0, deferred: 0 });
  expect(scoped.requests).toBeGreaterThan(0);
  for (const title of ['Radio Frost', 'Glass Antenna', 'Static Hymn']) await expectYear(page, title, '1984', 'fuzzy-mb');
  await page.getByLabel('Filter').fill('');
  await expectYear(page, 'Lantern Song', '2011', 'tag');

  // Everything: the tracks left, with the original years in place of the reissues'.
  const findAll = page.getByRole('button', { name: 'Find Release Years' });
  await findAll.click();
  const all = await finishedYearsRun(page);
  expect(all).toMatchObject({ processed: TRACKS_ON_DISK - 3, mbidFound: 3, fuzzyFound: TRACKS_ON_DISK - 7, notFound: 1, deferred: 0 });
  for (const title of ['Lantern Song', 'The Orchard Gate', 'Slow River', 'Evening Bells']) await expectYear(page, title, '1971', 'fuzzy-mb');
  await expectYear(page, 'Neon Tide', '1999', 'fuzzy-mb');
  await expectYear(page, 'Paper Moons', '1995', 'fuzzy-mb');
  await expect(yearOf(page, 'Lantern Song').locator('.year-badge')).toHaveText('fuzzy');
  // Tagged with the ids of the 2016 reissue: found by id, the original 2006, and the reissue is the release in hand.
  await expectYear(page, 'Beacon', '2006', 'mbid');
  await expect(yearOf(page, 'Beacon').locator('.year-badge')).toHaveText('id');
  const byId = await row(page, 'Beacon').getByRole('gridcell').nth(4).getAttribute('title');
  expect(byId).toContain('2006, from MusicBrainz, by the ids in the tags');
  expect(byId).toContain('This release: 2016');
  expect(byId).not.toContain('Match score');
  // The tooltip tells the release in hand, the score, the ids and the state.
  const tooltip = await row(page, 'Lantern Song').getByRole('gridcell').nth(4).getAttribute('title');
  expect(tooltip).toContain('1971, from MusicBrainz, matched by name');
  // The release in hand's own year. (The core now names the group's original release here even for files
  // tagged as its 2011 remaster, so this checks the line, not the year.)
  expect(tooltip).toMatch(/This release: \d{4}/);
  expect(tooltip).toMatch(/Match score: 0\.\d\d|Match score: 1\.00/);
  expect(tooltip).toMatch(/MusicBrainz recording: [0-9a-f-]{36}/);
  expect(tooltip).toContain('Lookup: found');
  // No service knows this one: the tag's year stays, and says it was not confirmed.
  await expectYear(page, UNKNOWN.title, '2003', 'tag');
  await expect(yearOf(page, UNKNOWN.title).locator('.year-badge')).toHaveClass(/unconfirmed/);
  expect(await row(page, UNKNOWN.title).getByRole('gridcell').nth(4).getAttribute('title')).toContain('Lookup: not found');

  // By hand, from the keyboard: select the row, Enter, type, Enter.
  await row(page, UNKNOWN.title).click();
  await page.keyboard.press('Enter');
  const editor = page.getByRole('spinbutton', { name: `Year of ${UNKNOWN.title}` });
  await expect(editor).toBeFocused();
  await expect(editor).toHaveValue('2003');
  await editor.fill('20044');
  await editor.press('Enter');
  await expect(page.getByRole('alert')).toContainText('A year has four digits');
  await expect(editor).toBeVisible();
  await editor.fill('2004');
  await editor.press('Enter');
  await expect(editor).toHaveCount(0);
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expectYear(page, UNKNOWN.title, '2004', 'user');
  await expect(yearOf(page, UNKNOWN.title).locator('.year-badge')).toHaveText('you');
  // Focus went back to the table: the arrow keys go on from the row.
  await expect(tracks(page).locator('.vtable-body')).toBeFocused();

  // A click on a year opens the editor too; Escape leaves it as it was. F2 opens it from the keyboard.
  await yearOf(page, 'Beacon').click();
  const beacon = page.getByRole('spinbutton', { name: 'Year of Beacon' });
  await beacon.fill('1990');
  await beacon.press('Escape');
  await expect(beacon).toHaveCount(0);
  await expectYear(page, 'Beacon', '2006', 'mbid');
  await page.keyboard.press('F2');
  await expect(beacon).toBeFocused();
  await beacon.press('Escape');

  // Another run (Ctrl+Y) looks again at what is left, and never at a year the user set.
  await page.keyboard.press('Control+y');
  await finishedYearsRun(page);
  await expectYear(page, UNKNOWN.title, '2004', 'user');
  await page.reload();
  await expectYear(page, UNKNOWN.title, '2004', 'user');
  await expectYear(page, 'Lantern Song', '1971', 'fuzzy-mb');

  // Empty gives the year back to the lookups: the tag's again, until the next run.
  await yearOf(page, UNKNOWN.title).click();
  await page.getByRole('spinbutton', { name: `Year of ${UNKNOWN.title}` }).fill('');
  await page.keyboard.press('Enter');
  await expectYear(page, UNKNOWN.title, '2003', 'tag');
  await yearOf(page, UNKNOWN.title).click();
  await page.getByRole('spinbutton', { name: `Year of ${UNKNOWN.title}` }).fill('2004');
  await page.keyboard.press('Enter');
  await expectYear(page, UNKNOWN.title, '2004', 'user');

  // The Years view: the chart, and figures that add up.
  await page.getByRole('link', { name: 'Years' }).click();
  await expect(page.getByRole('heading', { name: 'Years', level: 1 })).toBeVisible();
  const chart = page.getByRole('figure', { name: /^Tracks per year, 1971 to 2006$/ });
  await expect(chart.locator('canvas')).toBeVisible();
  expect(await chart.locator('canvas').evaluate((c: HTMLCanvasElement) => c.width > 100 && c.height > 100)).toBe(true);
  await expect(page.locator('[data-figure="tracks"] [data-value]')).toHaveText(String(TRACKS_ON_DISK));
  await expect(page.locator('[data-figure="tracks"] .figure-of')).toHaveText(` of ${TRACKS_ON_DISK}`);
  await expect(page.locator('[data-figure="listens"]')).toContainText('No listening history');
  await expect(page.locator('[data-figure="pending"] [data-value]')).toHaveText('0');
  const sources = page.getByRole('list', { name: 'Track years by source' });
  await expect(sources.locator('[data-source="fuzzy-mb"] [data-count]')).toHaveText(String(TRACKS_ON_DISK - 4));
  await expect(sources.locator('[data-source="mbid"] [data-count]')).toHaveText('3');
  await expect(sources.locator('[data-source="user"] [data-count]')).toHaveText('1');
  await expect(sources.locator('[data-source="tag"] [data-count]')).toHaveText('0');
  await expect(sources.locator('[data-source="none"] [data-count]')).toHaveText('0');
  await page.getByRole('tab', { name: 'Decades' }).click();
  await expect(page.getByRole('figure', { name: 'Tracks per decade, 1970s to 2000s' })).toBeVisible();
  expect(fakes.musicbrainz.stats.requests.length).toBeGreaterThan(0);
});

test('import a listening history from the Years view, then chart tracks and listens', async ({ page }) => {
  test.setTimeout(120_000);
  const listens = makeListens(fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-e2e-listens-')));
  await page.goto(`${server.url}#years`);
  await expect(page.getByRole('heading', { name: 'No music to chart yet' })).toBeVisible();

  // The browser has no file dialog on the machine Sleeve runs on: the page asks for the path.
  await page.getByRole('button', { name: 'Import Listening History…' }).first().click();
  const prompt = page.getByRole('dialog', { name: 'Import listening history' });
  await prompt.getByLabel(/ListenBrainz or Last\.fm export/).fill(path.join(path.dirname(listens.file), 'nothing-here.jsonl'));
  await prompt.getByRole('button', { name: 'Import' }).click();
  const card = page.getByRole('status', { name: 'Listening history import' });
  await expect(card).toHaveAttribute('data-state', 'failed');
  await expect(page.getByRole('alert').first()).toContainText('does not exist');
  await card.getByRole('button', { name: 'Dismiss' }).click();
  await page.getByRole('button', { name: 'Dismiss' }).click();

  await page.getByRole('button', { name: 'Import Listening History…' }).first().click();
  await prompt.getByLabel(/ListenBrainz or Last\.fm export/).fill(listens.file);
  await prompt.getByRole('button', { name: 'Import' }).click();
  await expect(card).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  await expect(card).toContainText(`Imported ${listens.total} listens`);
  await expect(page.locator('[data-figure="listens"] [data-value]')).toHaveText('0');
  await expect(page.locator('[data-figure="listens"] .figure-of')).toHaveText(` of ${listens.total}`);
  await expect(page.locator('[data-figure="pending"] [data-value]')).toHaveText(String(listens.total));

  await page.getByRole('link', { name: 'Library' }).click();
  await scanMusic(page);
  await page.getByRole('link', { name: 'Years' }).click();
  await expect(page.locator('[data-figure="pending"] [data-value]')).toHaveText(String(listens.total + TRACKS_ON_DISK));
  await page.getByRole('button', { name: 'Find Release Years' }).click();
  const run = await finishedYearsRun(page);
  expect(run.processed).toBe(listens.total + TRACKS_ON_DISK);
  await expect(page.locator('[data-figure="listens"] [data-value]')).toHaveText(String(listens.known));
  await expect(page.locator('[data-figure="tracks"] [data-value]')).toHaveText(String(TRACKS_ON_DISK));
  await expect(page.locator('[data-figure="pending"] [data-value]')).toHaveText('0');
  await expect(page.getByRole('figure', { name: /^Tracks and listens per year, 1971 to 2006$/ }).locator('canvas')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Find Release Years' })).toBeDisabled();

  // Look Again: every item once more, asking the services afresh instead of the cache.
  await page.getByRole('button', { name: 'Look Again' }).click();
  const again = await finishedYearsRun(page);
  expect(again.processed).toBe(listens.total + TRACKS_ON_DISK);
  expect(again.requests).toBeGreaterThan(0);
  expect(again.cacheHits ?? 0).toBe(0);
  await expect(page.locator('[data-figure="listens"] [data-value]')).toHaveText(String(listens.known));
});

test('screenshots of release years for the README', async ({ page }) => {
  test.skip(!process.env.SLEEVE_SCREENSHOTS, 'set SLEEVE_SCREENSHOTS=1 (npm run screenshots) to refresh docs/');
  test.setTimeout(120_000);
  const listens = makeListens(fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-e2e-listens-')));
  await page.setViewportSize({ width: 1280, height: 760 });
  await scanMusic(page);
  await page.getByRole('link', { name: 'Years' }).click();
  await page.getByRole('button', { name: 'Import Listening History…' }).first().click();
  await page.getByLabel(/ListenBrainz or Last\.fm export/).fill(listens.file);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  const imported = page.getByRole('status', { name: 'Listening history import' });
  await expect(imported).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  await imported.getByRole('button', { name: 'Dismiss' }).click();
  await page.getByRole('link', { name: 'Library' }).click();
  await page.getByRole('button', { name: 'Find Release Years' }).click();
  const card = page.getByRole('status', { name: 'Release years' });
  await expect(card).toHaveAttribute('data-state', 'done', { timeout: 60_000 });

  // The Library after a run: years with their badges, one set by hand, one being edited, and the run's summary.
  await yearOf(page, 'Static Hymn').click();
  await page.getByRole('spinbutton', { name: 'Year of Static Hymn' }).fill('1985');
  await page.keyboard.press('Enter');
  await expectYear(page, 'Static Hymn', '1985', 'user');
  await row(page, 'Slow River').click();
  await page.keyboard.press('F2');
  await page.getByRole('spinbutton', { name: 'Year of Slow River' }).fill('1972');
  await page.screenshot({ path: path.join(ROOT, 'docs/library-years.png') });
  await page.keyboard.press('Escape');
  await card.getByRole('button', { name: 'Dismiss' }).click();

  await page.getByRole('link', { name: 'Years' }).click();
  await expect(page.getByRole('figure', { name: /Tracks and listens per year/ }).locator('canvas')).toBeVisible();
  await page.waitForTimeout(600); // the bars' entrance animation
  await page.screenshot({ path: path.join(ROOT, 'docs/years.png') });
});
