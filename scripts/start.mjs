#!/usr/bin/env node
// npm start: builds the app and opens the desktop window. better-sqlite3 is
// compiled once more for Electron's ABI into node_modules/.cache, so the Node
// build that the CLI, the web server and the tests load stays as it is.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { electronBinaryPath, electronVersion, MISSING_ELECTRON, ROOT } from './electron-binary.mjs';

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', ...options });
  if (result.status !== 0) {
    console.error(`\nSleeve: '${command} ${args.join(' ')}' failed (exit ${result.status ?? result.signal}).`);
    process.exit(result.status ?? 1);
  }
}

const binary = electronBinaryPath();
if (!binary) {
  console.error(MISSING_ELECTRON);
  process.exit(1);
}

const version = electronVersion();
const cacheDir = path.join(ROOT, 'node_modules/.cache/sleeve-electron');
const binding = path.join(cacheDir, 'better_sqlite3.node');
const stamp = path.join(cacheDir, 'electron-version');
if (!fs.existsSync(binding) || fs.readFileSync(stamp, 'utf8').trim() !== version) {
  console.log(`Sleeve: building better-sqlite3 for Electron ${version} (once, about a minute)…`);
  const work = path.join(cacheDir, 'better-sqlite3');
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(cacheDir, { recursive: true });
  fs.cpSync(path.join(ROOT, 'node_modules/better-sqlite3'), work, {
    recursive: true,
    filter: (src) => !src.includes(`${path.sep}build${path.sep}`),
  });
  // node-gyp reads its target from these, as Electron's docs on native modules describe.
  run('npm', ['run', 'build-release'], {
    cwd: work,
    env: {
      ...process.env,
      npm_config_runtime: 'electron',
      npm_config_target: version,
      npm_config_disturl: 'https://electronjs.org/headers',
    },
  });
  fs.copyFileSync(path.join(work, 'build/Release/better_sqlite3.node'), binding);
  fs.writeFileSync(stamp, version);
}

run(process.execPath, [path.join(ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build']);
run(binary, [path.join(ROOT, 'out/main/index.js'), ...process.argv.slice(2)], {
  env: { ...process.env, SLEEVE_SQLITE_BINDING: binding },
});
