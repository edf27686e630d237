import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface PackageJson {
  name?: string;
  version?: string;
}

let root: { dir: string; pkg: PackageJson } | null = null;

/**
 * Sleeve's own folder, found by walking up from this module to our
 * package.json, so it holds wherever the bundler put this code (src/,
 * out/main/, out/main/chunks/, out/node/, an asar).
 */
function findRoot(): { dir: string; pkg: PackageJson } {
  if (root) return root;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'package.json');
    if (fs.existsSync(candidate)) {
      const pkg = JSON.parse(fs.readFileSync(candidate, 'utf8')) as PackageJson;
      if (pkg.name === 'sleeve') return (root = { dir, pkg });
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error("Cannot find Sleeve's package.json above this module");
    dir = parent;
  }
}

export function packageRoot(): string {
  return findRoot().dir;
}

export const SLEEVE_VERSION = findRoot().pkg.version ?? '0.0.0';
