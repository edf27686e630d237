import { expect, type Page } from '@playwright/test';

/** Scans a folder through the page as a user would (Add Folder…, a typed path) and waits for the library to hold `tracks`. */
export async function scanThroughPage(page: Page, url: string, folder: string, tracks: number): Promise<void> {
  await page.goto(url);
  await page.getByRole('button', { name: 'Add Folder…' }).click();
  await page.getByLabel(/Folders on the machine/).fill(folder);
  await page.getByRole('button', { name: 'Scan', exact: true }).click();
  await expect(page.getByLabel('Library totals')).toContainText(`${tracks} tracks`, { timeout: 30_000 });
  await expect(page.getByRole('status', { name: 'Scan in progress' })).toHaveCount(0, { timeout: 30_000 });
}
