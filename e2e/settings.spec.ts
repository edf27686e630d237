import path from 'node:path';
import { expect, test } from '@playwright/test';
import { startFakes, type Fakes } from '../src/core/testing/fakes';
import { ROOT, startServer, type RunningServer } from './server';

let fakes: Fakes;
let server: RunningServer;

test.beforeAll(async () => {
  fakes = await startFakes({ seed: 11 });
  // Some services come from the environment, as on a managed machine; the rest the user sets in the page.
  server = await startServer({
    env: {
      SLEEVE_COVERART_URL: fakes.urls.coverart,
      SLEEVE_THEAUDIODB_URL: fakes.urls.theaudiodb,
      SLEEVE_THEAUDIODB_RATE: '0',
      SLEEVE_SPOTIFY_API_URL: fakes.urls.spotify,
      SLEEVE_SPOTIFY_ACCOUNTS_URL: fakes.urls.spotifyAccounts,
      SLEEVE_HTTP_RETRIES: '1',
      SLEEVE_HTTP_RETRY_BASE_MS: '20',
    },
  });
});
test.afterAll(async () => {
  await server?.stop();
  await fakes?.close();
});

test('set a mirror, a key and check the connections from Settings', async ({ page }) => {
  await page.goto(server.url);
  await expect(page.getByRole('link', { name: 'Settings' })).toBeVisible();
  await page.keyboard.press('Control+,');
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();

  const mb = page.getByRole('form', { name: 'MusicBrainz', exact: true });
  await mb.getByLabel('Address').fill(fakes.urls.musicbrainz);
  await mb.getByLabel('Requests a second').fill('0');
  await mb.getByRole('button', { name: 'Save' }).click();
  await expect(mb.getByText('0 = no limit, for your own mirror')).toBeVisible();
  await expect(mb.getByRole('button', { name: 'Save' })).toBeDisabled();

  const bad = page.getByRole('form', { name: 'Discogs', exact: true });
  await bad.getByLabel('Address').fill('not a url');
  await bad.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('alert')).toContainText("'not a url' is not a URL");
  await page.getByRole('button', { name: 'Dismiss' }).click();
  await bad.getByLabel('Address').fill(fakes.urls.discogs);
  await bad.getByLabel('Requests a second').fill('0');
  await bad.getByRole('button', { name: 'Save' }).click();
  await expect(bad.getByRole('button', { name: 'Save' })).toBeDisabled();

  const caa = page.getByRole('form', { name: 'Cover Art Archive', exact: true });
  await expect(caa.getByLabel('Address')).toBeDisabled();
  await expect(caa.getByText('set by the environment')).toBeVisible();

  const token = page.getByRole('form', { name: 'Discogs personal access token' });
  await token.getByLabel('New Discogs personal access token').fill('e2e-secret-token');
  await token.getByRole('button', { name: 'Save' }).click();
  await expect(token.getByText('Set', { exact: true })).toBeVisible();
  await expect(token.getByLabel('New Discogs personal access token')).toHaveValue('');

  await page.getByRole('button', { name: 'Check connections' }).click();
  await expect(mb.getByText(/Answered in \d+ ms/)).toBeVisible({ timeout: 30_000 });
  await expect(bad.getByText(/Answered in \d+ ms/)).toBeVisible();
  await expect(caa.getByText(/Answered in \d+ ms/)).toBeVisible();
  await expect(page.getByRole('form', { name: 'Spotify', exact: true }).getByText(/not connected/)).toBeVisible();
  expect(fakes.discogs.stats.requests.some((r) => r.headers.authorization === 'Discogs token=e2e-secret-token')).toBe(true);

  // Saved settings survive a reload; the key is never sent back to the page.
  await page.reload();
  await expect(page.getByRole('form', { name: 'MusicBrainz', exact: true }).getByLabel('Address')).toHaveValue(fakes.urls.musicbrainz);
  expect(await page.content()).not.toContain('e2e-secret-token');

  if (process.env.SLEEVE_SCREENSHOTS) {
    await page.setViewportSize({ width: 1100, height: 1000 });
    await page.screenshot({ path: path.join(ROOT, 'docs/settings.png'), fullPage: false });
  }
});
