import { expect, test, type Page } from '@playwright/test';
import { startFakes, type Fakes } from '../src/core/testing/fakes';
import { startServer, type RunningServer } from './server';

let fakes: Fakes;
let server: RunningServer;

test.beforeAll(async () => {
  fakes = await startFakes({ seed: 12, catalogOptions: { artists: 2 } });
  server = await startServer({
    env: { SLEEVE_SPOTIFY_API_URL: fakes.urls.spotify, SLEEVE_SPOTIFY_ACCOUNTS_URL: fakes.urls.spotifyAccounts },
  });
});
test.afterAll(async () => {
  await server?.stop();
  await fakes?.close();
});

async function openSettings(page: Page): Promise<void> {
  await page.goto(server.url);
  await expect(page.getByRole('link', { name: 'Settings' })).toBeVisible();
  await page.keyboard.press('Control+,');
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
}

test('connect Spotify from Settings: the sign-in opens in a tab, comes back, and Settings shows the account', async ({ page }) => {
  await openSettings(page);
  const spotify = page.getByRole('form', { name: 'Spotify connection', exact: true });
  await expect(spotify.getByRole('status')).toHaveText('Not connected');
  await expect(spotify.getByRole('button', { name: 'Connect Spotify' })).toBeDisabled();

  await spotify.getByLabel('Client ID').fill(fakes.spotifyAccounts.state.settings.clientId);
  const popup = page.waitForEvent('popup');
  await spotify.getByRole('button', { name: 'Connect Spotify' }).click();
  // The fake signs in at once and sends the tab back to Sleeve's loopback callback.
  const tab = await popup;
  await expect(tab.getByText('Sleeve is connected to Spotify. You can close this tab.')).toBeVisible();
  expect(new URL(tab.url()).pathname).toBe('/callback');

  await expect(spotify.getByRole('status')).toHaveText('Connected as Fake User');
  await expect(page.getByRole('form', { name: 'Spotify refresh token' }).getByText('Set', { exact: true })).toBeVisible();

  await spotify.getByRole('button', { name: 'Disconnect' }).click();
  await expect(spotify.getByRole('status')).toHaveText('Not connected');
  await expect(spotify.getByRole('button', { name: 'Connect Spotify' })).toBeEnabled();
});

test('a declined sign-in shows why, and Cancel stops a waiting one', async ({ page, context }) => {
  fakes.spotifyAccounts.state.settings.denyAuthorization = true;
  try {
    await openSettings(page);
    const spotify = page.getByRole('form', { name: 'Spotify connection', exact: true });
    const popup = page.waitForEvent('popup');
    await spotify.getByRole('button', { name: 'Connect Spotify' }).click();
    await expect((await popup).getByText('Spotify sign-in was declined.')).toBeVisible();
    await expect(spotify.getByRole('status')).toHaveText('Spotify sign-in was declined.');
  } finally {
    fakes.spotifyAccounts.state.settings.denyAuthorization = false;
  }

  // A tab that never comes back: the section waits, and Cancel ends it.
  await context.route(`${fakes.urls.spotifyAccounts}/authorize**`, (route) => route.fulfill({ status: 200, body: 'Signing in…' }));
  const spotify = page.getByRole('form', { name: 'Spotify connection', exact: true });
  const popup = page.waitForEvent('popup');
  await spotify.getByRole('button', { name: 'Connect Spotify' }).click();
  await popup;
  await expect(spotify.getByRole('status')).toHaveText(/Waiting for Spotify/);
  await expect(spotify.getByRole('link', { name: 'Open the Spotify sign-in page' })).toBeVisible();
  await spotify.getByRole('button', { name: 'Cancel' }).click();
  await expect(spotify.getByRole('status')).toHaveText('Not connected');
});
