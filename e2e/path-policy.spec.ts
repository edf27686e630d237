import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { makeAudioFile } from '../src/core/scan/testing/audio';
import { startServer, type RunningServer } from './server';
import { scanThroughPage } from './scan';

let server: RunningServer;
let dir: string;

test.beforeAll(async () => {
  dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-e2e-policy-')));
  makeAudioFile(path.join(dir, 'music', 'One.mp3'), 'mp3', { title: 'One', artist: 'Band' }, 1);
  makeAudioFile(path.join(dir, 'elsewhere', 'Two.mp3'), 'mp3', { title: 'Two', artist: 'Band' }, 1);
  server = await startServer({ roots: [path.join(dir, 'music')] });
});

test.afterAll(async () => {
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test("a folder outside the server's roots is refused, and the page says which --root would allow it", async ({ page }) => {
  const music = path.join(dir, 'music');
  const elsewhere = path.join(dir, 'elsewhere');
  await scanThroughPage(page, server.url, music, 1);

  await page.getByRole('button', { name: 'Add Folder…' }).click();
  await page.getByLabel(/Folders on the machine/).fill(elsewhere);
  await page.getByRole('button', { name: 'Scan', exact: true }).click();
  const banner = page.getByRole('alert');
  await expect(banner).toContainText(`The web UI only reaches folders under the library's roots (${music}).`);
  await expect(banner).toContainText(`start the server with --root ${elsewhere}`);
  await expect(page.getByLabel('Library totals')).toContainText('1 track');
});
