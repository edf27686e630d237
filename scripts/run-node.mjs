#!/usr/bin/env node
// Runs a headless shell (the CLI or the web server) as plain JavaScript.
// Under tsx every start compiled the CLI, the worker and each scan thread,
// about a second and a half before any work, and tsx's source maps made the
// parsers' errors costly. esbuild bundles the four entries into out/node in
// a fraction of a second, and only when a source file is newer than the
// bundle, so what runs is never stale.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const ROOT = path.resolve(import.meta.dirname, '..');
const OUT = path.join(ROOT, 'out/node');
const STAMP = path.join(OUT, '.built');
const ENTRIES = {
  cli: 'src/cli/main.ts',
  server: 'src/server/main.ts',
  'job-worker': 'src/core/workers/job-worker.ts',
  'scan-thread': 'src/core/workers/scan-thread.ts',
};

function newestSource(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (/\.(ts|tsx|json)$/.test(entry.name)) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

export async function ensureNodeBuild() {
  const builtAt = fs.existsSync(STAMP) ? fs.statSync(STAMP).mtimeMs : 0;
  const sourcesAt = Math.max(newestSource(path.join(ROOT, 'src')), fs.statSync(path.join(ROOT, 'package.json')).mtimeMs);
  if (builtAt > sourcesAt) return;
  await build({
    absWorkingDir: ROOT,
    entryPoints: ENTRIES,
    outdir: OUT,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    packages: 'external',
    conditions: ['node'],
    sourcemap: false,
    logLevel: 'warning',
  });
  fs.writeFileSync(STAMP, new Date().toISOString());
}

const [shell, ...args] = process.argv.slice(2);
if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (!(shell in ENTRIES) || shell === 'job-worker' || shell === 'scan-thread') {
    console.error('Usage: node scripts/run-node.mjs cli|server [args...]');
    process.exit(2);
  }
  await ensureNodeBuild();
  // npm runs scripts from the package folder; relative paths given to `npm run cli` mean the folder the user typed it in.
  if (process.env.INIT_CWD) {
    try {
      process.chdir(process.env.INIT_CWD);
    } catch {
      // Gone since: the package folder it is.
    }
  }
  // The shell reads its own arguments from process.argv, as if started directly.
  process.argv = [process.argv[0], path.join(OUT, `${shell}.js`), ...args];
  await import(pathToFileURL(path.join(OUT, `${shell}.js`)).href);
}
