// Where the Electron binary is, whether it is there, and what to say when it is not.
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..');
const ELECTRON_DIR = path.join(ROOT, 'node_modules', 'electron');

export function electronBinaryPath() {
  try {
    const relative = fs.readFileSync(path.join(ELECTRON_DIR, 'path.txt'), 'utf8').trim();
    const binary = path.join(ELECTRON_DIR, 'dist', relative);
    return fs.existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

export function electronVersion() {
  return JSON.parse(fs.readFileSync(path.join(ELECTRON_DIR, 'package.json'), 'utf8')).version;
}

export const MISSING_ELECTRON = `
  The Electron binary is not installed, so the desktop app (npm start) cannot open.
  Everything else works without it:
    npm run serve            the same app in your browser (local web UI)
    npm run cli -- help      the command line
    npm test                 every test (the desktop specs are skipped)
  To get the desktop app, connect to the internet and run:
    node node_modules/electron/install.js
`;
