#!/usr/bin/env node
// npm start: builds the app and opens the desktop window. better-sqlite3 is
// compiled once more for Electron's ABI into node_modules/.cache (see
// electron-native.mjs), so the Node build that the CLI, the web server and
// the tests load stays as it is.
import path from 'node:path';
import { electronBinaryPath, electronVersion, MISSING_ELECTRON, ROOT } from './electron-binary.mjs';
import { electronSqlite, nativeCacheDir, run } from './electron-native.mjs';

const binary = electronBinaryPath();
if (!binary) {
  console.error(MISSING_ELECTRON);
  process.exit(1);
}

try {
  // src/main/index.ts looks for this build at node_modules/.cache/sleeve-electron/better_sqlite3.node.
  const binding = electronSqlite({ version: electronVersion(), dir: nativeCacheDir() });
  run(process.execPath, [path.join(ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build']);
  run(binary, [path.join(ROOT, 'out/main/index.js'), ...process.argv.slice(2)], {
    env: { ...process.env, SLEEVE_SQLITE_BINDING: binding },
  });
} catch (err) {
  console.error(`\nSleeve: ${err.message}.`);
  process.exit(err.status ?? 1);
}
