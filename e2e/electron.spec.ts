import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { ROOT } from './server';

/** The Electron binary's path, or null where it was not downloaded (ELECTRON_SKIP_BINARY_DOWNLOAD). */
function electronBinary(): string | null {
  try {
    const binary = createRequire(import.meta.url)('electron') as unknown as string;
    return fs.existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();
const SKIP_REASON =
  'Electron binary not installed (installed with ELECTRON_SKIP_BINARY_DOWNLOAD): desktop specs skipped. ' +
  'With network access, run `node node_modules/electron/install.js`, then `xvfb-run npm run test:e2e` on Linux.';
// The list reporter does not print skip reasons, so say it once here.
if (binary === null) console.warn(SKIP_REASON);

const hasDisplay = process.platform !== 'linux' || Boolean(process.env.DISPLAY);

test.describe('desktop app', () => {
  test.skip(binary === null, SKIP_REASON);
  test.skip(!hasDisplay, 'No display: run the desktop specs under xvfb-run.');

  test('launches, runs the test job from the Jobs panel and cancels it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-electron-'));
    const app = await electron.launch({
      executablePath: binary!,
      args: [path.join(ROOT, 'out/main/index.js'), '--db', path.join(dir, 'library.sqlite')],
      cwd: ROOT,
    });
    try {
      const window = await app.firstWindow();
      await expect(window).toHaveTitle('Sleeve');
      await expect(window.getByRole('heading', { name: 'Jobs' })).toBeVisible();
      await window.getByLabel('Count to').fill('100000');
      await window.getByLabel('Pause (ms)').fill('20');
      await window.getByRole('button', { name: 'Run test job' }).click();
      const row = window.locator('li.job').first();
      await expect(row).toHaveAttribute('data-state', 'running');
      await row.getByRole('button', { name: /Cancel job/ }).click();
      await expect(row).toHaveAttribute('data-state', 'cancelled');
      // The sandboxed page has no Node.
      expect(await window.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
    } finally {
      await app.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
