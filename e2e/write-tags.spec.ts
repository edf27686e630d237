import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { parseFile } from 'music-metadata';
import { makeAudioFile, type TestFormat } from '../src/core/scan/testing/audio';
import { Catalog, fakeServiceEnv, startFakes } from '../src/core/testing/fakes';
import { ROOT, startServer, type RunningServer } from './server';
import { scanThroughPage } from './scan';

const ARTIST = 'Juniper Vale';
const ALBUM = 'Paper Lanterns';
const SECONDS = 2;
/** Tagged as the 2009 remaster; the user knows the album is from 1977. */
const FILES: Array<{ title: string; format: TestFormat }> = [
  { title: 'Morning Tide', format: 'mp3' },
  { title: 'Paper Lanterns', format: 'flac' },
  { title: 'Glass Harbour', format: 'm4a' },
  { title: 'Quiet Pier', format: 'wav' },
];
const fileOf = (music: string, title: string) => {
  const i = FILES.findIndex((f) => f.title === title);
  return path.join(music, ARTIST, ALBUM, `${String(i + 1).padStart(2, '0')} ${title}.${FILES[i]!.format}`);
};

let music: string;
let server: RunningServer | undefined;

test.beforeEach(async () => {
  music = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-e2e-write-'));
  for (const [i, f] of FILES.entries()) {
    makeAudioFile(fileOf(music, f.title), f.format, { artist: ARTIST, albumArtist: ARTIST, album: ALBUM, title: f.title, track: String(i + 1), date: '2009' }, SECONDS);
  }
});
test.afterEach(async () => {
  await server?.stop();
  server = undefined;
  fs.rmSync(music, { recursive: true, force: true });
});

const tracks = (page: Page) => page.getByRole('grid', { name: 'Tracks' });
const row = (page: Page, title: string) => tracks(page).getByRole('row').filter({ hasText: title });
const dialog = (page: Page) => page.getByRole('dialog', { name: 'Write Tags' });

/** Sets a track's year by hand in the Library, as a user would: select the row, Enter, type, Enter. */
async function setYear(page: Page, title: string, year: string) {
  await row(page, title).click();
  await page.keyboard.press('Enter');
  const editor = page.getByRole('spinbutton', { name: /^Year of / });
  await editor.fill(year);
  await editor.press('Enter');
  await expect(editor).toHaveCount(0);
  await expect(row(page, title).locator('.year-value')).toHaveText(year);
}

async function countersOf(card: Locator): Promise<Record<string, string>> {
  const counters: Record<string, string> = {};
  for (const stat of await card.locator('[data-counter]').all()) counters[(await stat.getAttribute('data-counter'))!] = await stat.locator('dd').innerText();
  return counters;
}

const tagsOf = async (file: string) => (await parseFile(file)).common;

test('write a year set by hand into the files from the keyboard, leave out a file, and undo the write', async ({ page }) => {
  test.setTimeout(120_000);
  server = await startServer();
  await scanThroughPage(page, server.url, music, FILES.length);
  const mp3 = fileOf(music, 'Morning Tide');
  const flac = fileOf(music, 'Paper Lanterns');
  const m4a = fileOf(music, 'Glass Harbour');
  expect((await tagsOf(mp3)).year).toBe(2009);
  const flacBefore = fs.statSync(flac);

  for (const title of ['Morning Tide', 'Glass Harbour', 'Quiet Pier']) await setYear(page, title, '1977');

  // The toolbar button writes the selection: the last row edited is still selected.
  await page.getByRole('button', { name: 'Write Tags…' }).click();
  await expect(dialog(page).getByTestId('write-scope')).toHaveText('1 selected track');
  await page.keyboard.press('Escape');
  await expect(dialog(page)).toHaveCount(0);

  // Nothing selected: Ctrl/Cmd+Shift+E writes every file.
  await tracks(page).locator('.vtable-body').focus();
  await page.keyboard.press('Escape');
  await expect(page.locator('[data-selected]')).toHaveCount(0);
  await page.keyboard.press('Control+Shift+E');
  const write = dialog(page);
  await expect(write).toBeVisible();
  await expect(write.getByTestId('write-scope')).toHaveText('All 4 files');
  await expect(write.getByRole('checkbox', { name: 'Year (date)' })).toBeChecked();
  await expect(write.getByRole('radio', { name: 'ID3v2.4' })).toBeChecked();
  await expect(write.getByTestId('write-summary')).toHaveText(/^2 files will change · 1 already holds these values · 1 cannot be written/);
  await expect(write.getByRole('list', { name: 'Changes by field' })).toContainText('Year (date) 2');

  const files = write.getByRole('list', { name: 'Files that would change' }).getByRole('listitem');
  await expect(files).toHaveCount(3);
  const tide = files.filter({ hasText: 'Morning Tide' });
  const year = tide.locator('[data-field="year"]');
  await expect(year.locator('dt')).toHaveText('Year (date)');
  await expect(year.locator('del')).toHaveText('2009');
  await expect(year.locator('ins')).toHaveText('1977');
  await expect(tide.locator('[data-field="originalYear"] ins')).toHaveText('1977');
  // The WAV file: listed with the reason, and no box to tick.
  const pier = files.filter({ hasText: 'Quiet Pier' });
  await expect(pier).toContainText(/does not write tags to/);
  await expect(pier.getByRole('checkbox')).toHaveCount(0);

  // Leave Glass Harbour out.
  await write.getByRole('checkbox', { name: `Write ${ARTIST} – Glass Harbour` }).uncheck();
  await write.getByRole('button', { name: 'Write 1 File' }).click();
  const confirm = write.getByRole('group', { name: 'Confirm the write' });
  await expect(confirm).toContainText('This changes 1 file on disk. Sleeve keeps the old values so you can undo.');
  await expect(confirm.getByRole('button', { name: 'Yes, Write 1 File' })).toBeFocused();
  await page.keyboard.press('Enter');

  const card = write.getByRole('status', { name: 'Writing tags' });
  await expect(card).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  await expect(card).toContainText('Wrote 1 file; 1 already held these values, 1 left as it was');
  const counters = await countersOf(card);
  expect(counters).toMatchObject({ files: '3', written: '1', unchanged: '1', skipped: '1', failed: '0' });
  expect(counters.bytes).toMatch(/^\d+(\.\d)? (B|KB)$/);
  const problems = write.getByRole('region', { name: 'Files not written' });
  await expect(problems.getByRole('listitem')).toHaveCount(1);
  await expect(problems).toContainText('Quiet Pier.wav');
  await expect(problems).toContainText(/skipped: .*does not write tags to/);

  // The file holds the new year; the unticked file and the one already right were not touched.
  const written = await tagsOf(mp3);
  expect(written.year).toBe(1977);
  expect(written.title).toBe('Morning Tide');
  expect((await tagsOf(m4a)).year).toBe(2009);
  const flacAfter = fs.statSync(flac);
  expect([flacAfter.size, flacAfter.mtimeMs]).toEqual([flacBefore.size, flacBefore.mtimeMs]);

  await write.getByRole('button', { name: 'Undo This Write' }).click();
  const undo = write.getByRole('status', { name: 'Undoing the write' });
  await expect(undo).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  expect(await countersOf(undo)).toMatchObject({ files: '1', restored: '1', skipped: '0', failed: '0' });
  await expect(undo).toContainText('Put the old tags back in 1 file');
  const restored = await tagsOf(mp3);
  expect(restored.year).toBe(2009);
  expect(restored.originalyear).toBeUndefined();
  await expect(write.getByRole('button', { name: 'Undo This Write' })).toBeDisabled();

  // History: the write, undone, with nothing left to undo.
  await write.getByRole('tab', { name: 'History' }).click();
  const entry = write.getByRole('table').getByRole('row').filter({ has: page.getByRole('button', { name: /^Undo write #/ }) });
  await expect(entry).toHaveCount(1);
  await expect(entry.getByRole('cell')).toHaveText([/^#\d+$/, /./, '1', '1', '0', 'Undo']);
  await expect(entry.getByRole('button')).toBeDisabled();

  await page.keyboard.press('Escape');
  await expect(write).toHaveCount(0);
});

test('screenshot of the write tags dialog for the README', async ({ page }) => {
  test.skip(!process.env.SLEEVE_SCREENSHOTS, 'set SLEEVE_SCREENSHOTS=1 (npm run screenshots) to refresh docs/');
  test.setTimeout(180_000);
  // What enrichment found: the MusicBrainz release, its year, its cover.
  const catalog = new Catalog(31);
  const titles = FILES.filter((f) => f.format !== 'wav').map((f) => f.title);
  catalog.addAlbum({ artist: ARTIST, title: ALBUM, date: '1977-04-18', tracks: titles.map((title) => ({ title, length: SECONDS * 1000 })) });
  const fakes = await startFakes({ catalog });
  try {
    server = await startServer({ env: fakeServiceEnv(fakes.urls) });
    fs.rmSync(fileOf(music, 'Quiet Pier'));
    // Tagged by hand long ago: a title in lower case.
    makeAudioFile(fileOf(music, 'Glass Harbour'), 'm4a', { artist: ARTIST, albumArtist: ARTIST, album: ALBUM, title: 'glass harbour', track: '3', date: '2009' }, SECONDS);
    await page.setViewportSize({ width: 1280, height: 800 });
    await scanThroughPage(page, server.url, music, titles.length);
    await page.evaluate(() => (location.hash = '#albums'));
    await page.getByRole('button', { name: 'Enrich', exact: true }).click();
    await expect(page.getByRole('status', { name: 'Enrichment' })).toHaveAttribute('data-state', 'done', { timeout: 90_000 });
    // And the release years: the remaster's files get the album's own year.
    await page.evaluate(() => (location.hash = '#library'));
    await page.keyboard.press('Control+y');
    await expect(page.getByRole('status', { name: 'Release years' })).toHaveAttribute('data-state', 'done', { timeout: 90_000 });
    await page.keyboard.press('Control+Shift+E');
    const write = dialog(page);
    await expect(write.getByTestId('write-summary')).toHaveText(/^3 files will change/, { timeout: 30_000 });
    // The IDs make long lists; the screenshot shows what a person reads.
    await write.getByRole('checkbox', { name: 'MusicBrainz IDs' }).uncheck();
    await expect(write.getByRole('list', { name: 'Changes by field' })).not.toContainText('MusicBrainz');
    await expect(write.locator('ins.write-cover img').first()).toBeVisible();
    await write.getByRole('checkbox', { name: `Write ${ARTIST} – Paper Lanterns` }).uncheck();
    await page.screenshot({ path: path.join(ROOT, 'docs/write-tags.png') });
  } finally {
    await fakes.close();
  }
});
