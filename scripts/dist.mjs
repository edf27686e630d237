#!/usr/bin/env node
// npm run dist [-- electron-builder flags]: the installers for this platform
// (or the ones the flags ask for, e.g. `npm run dist -- --linux deb`), in
// dist/. The app is built with electron-vite, then electron-builder packages
// it with electron-builder.js, whose beforePack hook builds better-sqlite3
// for Electron (electron-native.mjs, as `npm start` does) and whose afterPack
// hook sets the fuses. node_modules is left as it was. docs/RELEASE.md says
// what a release needs.
import path from 'node:path';
import { electronBinaryPath, electronVersion, ROOT } from './electron-binary.mjs';
import { run } from './electron-native.mjs';

export const DIST_NEEDS_NETWORK = `
  The Electron binary is not installed: this machine could not download it.
  npm run dist needs the network. electron-builder downloads Electron ${electronVersion()}
  for every platform it packages (and its own tools for AppImage, deb, dmg and
  nsis), and better-sqlite3 is built against Electron's headers, downloaded too.
  Connect to the internet, run
    node node_modules/electron/install.js
  and then npm run dist again. docs/RELEASE.md has the details.
`;

/** electron-builder's arguments: ours, then the caller's; nothing is published unless asked. */
export function builderArgs(given) {
  const publishing = given.some((arg) => arg === '-p' || arg === '--publish' || arg.startsWith('--publish='));
  return ['--config', 'electron-builder.js', ...(publishing ? [] : ['--publish', 'never']), ...given];
}

function main() {
  if (!electronBinaryPath()) {
    console.error(DIST_NEEDS_NETWORK);
    process.exit(1);
  }
  try {
    run(process.execPath, [path.join(ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build']);
    console.log('Sleeve: packaging; native modules are built for Electron as each platform is packed (once, kept in node_modules/.cache).');
    run(process.execPath, [path.join(ROOT, 'node_modules/electron-builder/cli.js'), ...builderArgs(process.argv.slice(2))]);
    console.log(`\nSleeve: the packages are in ${path.join(ROOT, 'dist')}.`);
  } catch (err) {
    console.error(`\nSleeve: ${err.message}.`);
    process.exit(err.status ?? 1);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) main();
