import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { ROOT, startServer, type RunningServer } from './server';

let server: RunningServer;

test.beforeEach(async () => {
  server = await startServer();
});
test.afterEach(async () => {
  await server.stop();
});

async function openJobs(page: Page) {
  await page.goto(server.url);
  await page.getByRole('link', { name: 'Jobs' }).click();
}

async function runTestJob(page: Page, to: number, delayMs: number) {
  await page.getByLabel('Count to').fill(String(to));
  await page.getByLabel('Pause (ms)').fill(String(delayMs));
  await page.getByRole('button', { name: 'Run test job' }).click();
}

function counted(page: Page, row: ReturnType<Page['locator']>) {
  return row.locator('[data-counter="counted"] dd').innerText().then((t) => Number(t.replace(/,/g, '')));
}

test('the Jobs panel streams counters and cancels a running job', async ({ page }) => {
  await openJobs(page);
  await expect(page.getByRole('heading', { name: 'Jobs' })).toBeVisible();
  await expect(page.getByText('Connected')).toBeVisible();

  await runTestJob(page, 100_000, 20);
  const row = page.locator('li.job').first();
  await expect(row).toHaveAttribute('data-state', 'running');
  await expect(row.locator('[data-counter="counted"]')).toBeVisible();
  const first = await counted(page, row);
  await expect.poll(() => counted(page, row)).toBeGreaterThan(first);
  await expect(row.getByText('rate')).toBeVisible();

  const cancelledAt = Date.now();
  await row.getByRole('button', { name: /Cancel job/ }).click();
  await expect(row).toHaveAttribute('data-state', 'cancelled');
  test.info().annotations.push({ type: 'cancel-to-ui-ms', description: String(Date.now() - cancelledAt) });
  await expect(row.getByRole('status')).toHaveText('Cancelled');
  await expect(row.getByRole('button', { name: /Cancel job/ })).toHaveCount(0);
  const final = await counted(page, row);
  expect(final).toBeGreaterThan(0);
  expect(final).toBeLessThan(100_000);
});

test('a killed worker ends its job as failed with the reason, and the app keeps working', async ({ page }) => {
  await openJobs(page);
  await runTestJob(page, 100_000, 20);
  const row = page.locator('li.job').first();
  await expect(row).toHaveAttribute('data-pid', /^\d+$/);
  const pid = Number(await row.getAttribute('data-pid'));
  process.kill(pid, 'SIGKILL');
  await expect(row).toHaveAttribute('data-state', 'failed');
  await expect(row.getByRole('alert')).toContainText('killed (SIGKILL)');

  await runTestJob(page, 5, 10);
  const next = page.locator('li.job').first();
  await expect(next).toHaveAttribute('data-state', 'done');
  await expect(next.locator('[data-counter="counted"] dd')).toHaveText('5');
});

test('the job history survives a reload', async ({ page }) => {
  await openJobs(page);
  await runTestJob(page, 3, 10);
  await expect(page.locator('li.job').first()).toHaveAttribute('data-state', 'done');
  await page.reload();
  await expect(page.locator('li.job')).toHaveCount(1);
  await expect(page.locator('li.job').first()).toHaveAttribute('data-state', 'done');
});

test('every request without the token is refused', async ({ page, request }) => {
  const bare = await request.get(`${server.origin}/`, { maxRedirects: 0 });
  expect(bare.status()).toBe(401);
  expect(await bare.text()).toMatch(/needs its access token/);
  expect((await request.get(`${server.origin}/?token=guess`)).status()).toBe(401);

  // A page on the same origin without the cookie cannot open the API socket.
  await page.goto(`${server.origin}/`);
  const opened = await page.evaluate(
    (origin) =>
      new Promise<boolean>((resolve) => {
        const ws = new WebSocket(`${origin.replace('http', 'ws')}/api`);
        ws.onopen = () => resolve(true);
        ws.onerror = () => resolve(false);
      }),
    server.origin,
  );
  expect(opened).toBe(false);
});

test('screenshot of the Jobs panel for the README', async ({ page }) => {
  test.skip(!process.env.SLEEVE_SCREENSHOTS, 'set SLEEVE_SCREENSHOTS=1 (npm run screenshots) to refresh docs/');
  await openJobs(page);
  await runTestJob(page, 3, 10);
  await expect(page.locator('li.job').first()).toHaveAttribute('data-state', 'done');
  await runTestJob(page, 8, 10);
  await expect(page.locator('li.job').first()).toHaveAttribute('data-state', 'done');
  await runTestJob(page, 100_000, 30);
  const failing = page.locator('li.job').first();
  await expect(failing).toHaveAttribute('data-pid', /^\d+$/);
  process.kill(Number(await failing.getAttribute('data-pid')), 'SIGKILL');
  await expect(failing).toHaveAttribute('data-state', 'failed');
  await runTestJob(page, 100_000, 25);
  const cancelled = page.locator('li.job').first();
  await expect(cancelled.locator('[data-counter="counted"]')).toBeVisible();
  await page.waitForTimeout(1200);
  await cancelled.getByRole('button', { name: /Cancel job/ }).click();
  await expect(cancelled).toHaveAttribute('data-state', 'cancelled');
  await runTestJob(page, 2000, 15);
  const running = page.locator('li.job').first();
  await expect.poll(() => counted(page, running)).toBeGreaterThan(60);
  await page.screenshot({ path: path.join(ROOT, 'docs/jobs-panel.png') });
});
