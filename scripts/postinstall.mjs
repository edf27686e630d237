#!/usr/bin/env node
// Fetches the Electron binary when it can and says plainly when it cannot;
// never fails the install, because the web UI and the CLI do not need it.
// electron's own install script is denied in allowScripts for that reason.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { electronBinaryPath, MISSING_ELECTRON, ROOT } from './electron-binary.mjs';

if (electronBinaryPath()) process.exit(0);

if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
  console.log(`\nSleeve: ELECTRON_SKIP_BINARY_DOWNLOAD is set.${MISSING_ELECTRON}`);
  process.exit(0);
}

const result = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/electron/install.js')], {
  cwd: ROOT,
  stdio: ['ignore', 'ignore', 'pipe'],
  timeout: 300_000,
  encoding: 'utf8',
});
if (electronBinaryPath()) {
  console.log('Sleeve: Electron downloaded; `npm start` opens the desktop app.');
} else {
  const reason = result.error?.message ?? result.stderr?.split('\n').find((l) => /Error/.test(l)) ?? 'unknown error';
  console.log(`\nSleeve: could not download Electron (${reason.trim()}).${MISSING_ELECTRON}`);
}
