import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { makeAudioFile } from '../src/core/scan/testing/audio';
import { startServer, type RunningServer } from './server';
import { scanThroughPage } from './scan';

const ARTIST = 'The Velvet Orchard';
const ALBUM = 'Harvest of Lanterns';
const TITLES = ['Lantern Song', 'The Orchard Gate', 'Slow River', 'Evening Bells'];

let music: string;
let server: RunningServer | undefined;

test.beforeEach(async () => {
  music = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-e2e-playlist-edit-'));
  TITLES.forEach((title, i) => {
    const file = path.join(music, ARTIST, ALBUM, `${String(i + 1).padStart(2, '0')} ${title}.flac`);
    makeAudioFile(file, 'flac', { artist: ARTIST, albumArtist: ARTIST, album: ALBUM, title, track: String(i + 1) }, 2);
  });
  server = await startServer();
});
test.afterEach(async () => {
  await server?.stop();
  server = undefined;
  fs.rmSync(music, { recursive: true, force: true });
});

const tracks = (page: Page) => page.getByRole('grid', { name: 'Tracks' });
const trackRow = (page: Page, title: string) => tracks(page).getByRole('row').filter({ hasText: title });
const entryGrid = (page: Page, name: string) => page.getByRole('grid', { name: `Entries of ${name}` });
const entryRows = (page: Page, name: string) => entryGrid(page, name).locator('[role="row"][data-position]');
const entryRow = (page: Page, name: string, title: string) => entryRows(page, name).filter({ hasText: title });

/** The playlist's entries as the page shows them, titles in order. */
async function expectOrder(page: Page, name: string, titles: string[]) {
  const rows = entryRows(page, name);
  await expect(rows).toHaveCount(titles.length);
  for (const [i, title] of titles.entries()) await expect(rows.nth(i)).toContainText(title);
}

/** Drags from one row to a point in another with the mouse, checking the drop line on the way. */
async function dragTo(page: Page, from: Locator, to: Locator, where: 'above' | 'below', line: Locator) {
  const a = (await from.boundingBox())!;
  const b = (await to.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  const y = where === 'above' ? b.y + 4 : b.y + b.height - 4;
  await page.mouse.move(b.x + b.width / 2, y - 10, { steps: 5 });
  await page.mouse.move(b.x + b.width / 2, y, { steps: 5 });
  await expect(line).toBeVisible();
  await page.mouse.up();
}

test('make a playlist, add tracks from the Library, reorder by drag and keys, remove, and it is all there after a reload', async ({ page }) => {
  test.setTimeout(90_000);
  await scanThroughPage(page, server!.url, music, TITLES.length);

  // A new playlist, named in the page; Escape leaves it unmade.
  await page.getByRole('link', { name: 'Playlists' }).click();
  await page.getByRole('button', { name: 'New Playlist…' }).first().click();
  await page.getByLabel('Name of the new playlist').fill('Not This');
  await page.keyboard.press('Escape');
  await expect(page.getByLabel('Name of the new playlist')).toHaveCount(0);
  await page.getByRole('button', { name: 'New Playlist…' }).first().click();
  await page.getByLabel('Name of the new playlist').fill('  Road Trip ');
  await page.keyboard.press('Enter');
  const list = page.getByRole('listbox', { name: 'Playlists' });
  await expect(list.getByRole('option', { name: /Road Trip/ })).toHaveAttribute('aria-selected', 'true');
  await expect(list.getByRole('option')).toHaveCount(1);
  await expect(page.getByRole('heading', { name: 'Road Trip', level: 2 })).toBeVisible();
  await expect(entryGrid(page, 'Road Trip')).toContainText('This playlist has no entries');

  // In the Library: Ctrl-click picks tracks; Ctrl+Shift+A offers the playlists.
  await page.getByRole('link', { name: 'Library' }).click();
  const addButton = page.getByRole('button', { name: 'Add to Playlist…' });
  await expect(addButton).toBeDisabled();
  await trackRow(page, 'Lantern Song').click();
  await trackRow(page, 'Slow River').click({ modifiers: ['Control'] });
  await trackRow(page, 'Evening Bells').click({ modifiers: ['Control'] });
  await expect(page.locator('[data-selected]')).toHaveText('3 selected');
  await expect(trackRow(page, 'Slow River')).toHaveAttribute('aria-selected', 'true');
  await expect(trackRow(page, 'The Orchard Gate')).toHaveAttribute('aria-selected', 'false');
  await page.keyboard.press('Control+Shift+A');
  const menu = page.getByRole('menu', { name: 'Add to playlist' });
  await expect(menu.getByRole('menuitem', { name: /Road Trip/ })).toBeFocused();
  await page.keyboard.press('Enter');
  const added = page.getByRole('status', { name: 'Added to playlist' });
  await expect(added).toContainText('Added 3 tracks to Road Trip');
  await expect(menu).toHaveCount(0);

  // One more, through the button, into a playlist made on the way.
  await trackRow(page, 'The Orchard Gate').click();
  await expect(page.locator('[data-selected]')).toHaveText('1 selected');
  await addButton.click();
  await menu.getByRole('menuitem', { name: 'New Playlist…' }).click();
  await page.getByLabel('Name of the new playlist').fill('Night Drive');
  await page.getByRole('button', { name: 'Create and Add' }).click();
  await expect(added).toContainText('Added 1 track to Night Drive');
  await addButton.click();
  await menu.getByRole('menuitem', { name: /Road Trip/ }).click();
  await expect(added).toContainText('Added 1 track to Road Trip');

  await added.getByRole('button', { name: 'Show Playlist' }).click();
  await expect(page).toHaveURL(/#playlists$/);
  await expect(list.getByRole('option', { name: /Road Trip/ })).toHaveAttribute('aria-selected', 'true');
  await expect(list.getByRole('option', { name: /Night Drive/ })).toContainText('1 entry');
  // In the order they were picked; each found by its path.
  await expectOrder(page, 'Road Trip', ['Lantern Song', 'Slow River', 'Evening Bells', 'The Orchard Gate']);
  await expect(entryRows(page, 'Road Trip').locator('[data-found]')).toHaveText(['path', 'path', 'path', 'path']);

  // Shift-click picks two; dragged below the last row, they go to the end in their order.
  await entryRow(page, 'Road Trip', 'Lantern Song').click();
  await entryRow(page, 'Road Trip', 'Slow River').click({ modifiers: ['Shift'] });
  await expect(page.locator('.playlist-facts [data-selected]')).toHaveText(/2 selected/);
  await dragTo(
    page,
    entryRow(page, 'Road Trip', 'Lantern Song'),
    entryRow(page, 'Road Trip', 'The Orchard Gate'),
    'below',
    entryGrid(page, 'Road Trip').locator('.entry-row.drop-after'),
  );
  await expectOrder(page, 'Road Trip', ['Evening Bells', 'The Orchard Gate', 'Lantern Song', 'Slow River']);
  // The moved entries stay picked.
  await expect(entryRow(page, 'Road Trip', 'Lantern Song')).toHaveAttribute('aria-selected', 'true');
  await expect(entryRow(page, 'Road Trip', 'Slow River')).toHaveAttribute('aria-selected', 'true');
  await expect(entryGrid(page, 'Road Trip').locator('.drop-before, .drop-after')).toHaveCount(0);

  // One row, dragged above the first.
  await dragTo(
    page,
    entryRow(page, 'Road Trip', 'The Orchard Gate'),
    entryRow(page, 'Road Trip', 'Evening Bells'),
    'above',
    entryGrid(page, 'Road Trip').locator('.entry-row.drop-before'),
  );
  await expectOrder(page, 'Road Trip', ['The Orchard Gate', 'Evening Bells', 'Lantern Song', 'Slow River']);
  await expect(entryRow(page, 'Road Trip', 'The Orchard Gate')).toHaveAttribute('aria-selected', 'true');
  await expect(entryRow(page, 'Road Trip', 'Lantern Song')).toHaveAttribute('aria-selected', 'false');

  // Alt+ArrowDown and Alt+ArrowUp move the selection; the arrows alone move the focus.
  await entryRow(page, 'Road Trip', 'The Orchard Gate').click();
  await page.keyboard.press('Alt+ArrowDown');
  await page.keyboard.press('Alt+ArrowDown');
  await expectOrder(page, 'Road Trip', ['Evening Bells', 'Lantern Song', 'The Orchard Gate', 'Slow River']);
  await page.keyboard.press('Alt+ArrowDown');
  await page.keyboard.press('Alt+ArrowDown'); // already last: nothing moves
  await expectOrder(page, 'Road Trip', ['Evening Bells', 'Lantern Song', 'Slow River', 'The Orchard Gate']);
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('Shift+ArrowUp');
  await page.keyboard.press('Alt+ArrowUp');
  await expectOrder(page, 'Road Trip', ['Lantern Song', 'Slow River', 'Evening Bells', 'The Orchard Gate']);

  // Delete removes what is picked; so does the Remove button. The tracks stay in the library.
  await entryRow(page, 'Road Trip', 'Evening Bells').click();
  await page.keyboard.press('Delete');
  await expectOrder(page, 'Road Trip', ['Lantern Song', 'Slow River', 'The Orchard Gate']);
  const remove = page.getByRole('button', { name: 'Remove', exact: true });
  await expect(remove).toBeDisabled();
  await entryRow(page, 'Road Trip', 'Lantern Song').click();
  await remove.click();
  await expectOrder(page, 'Road Trip', ['Slow River', 'The Orchard Gate']);
  await expect(list.getByRole('option', { name: /Road Trip/ })).toContainText('2 entries');

  // All of it was saved as it happened.
  await page.reload();
  // The first by name opens.
  await expect(list.getByRole('option', { name: /Night Drive/ })).toHaveAttribute('aria-selected', 'true');
  await expectOrder(page, 'Night Drive', ['The Orchard Gate']);
  await list.getByRole('option', { name: /Road Trip/ }).click();
  await expectOrder(page, 'Road Trip', ['Slow River', 'The Orchard Gate']);
  await page.getByRole('link', { name: 'Library' }).click();
  await expect(page.getByLabel('Library totals')).toContainText(`${TITLES.length} tracks`);
});
