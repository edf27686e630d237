#!/usr/bin/env node
// Fails when a source file imports across the layer table in DESIGN.md.
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { classifyBare, LAYERS } from './layers.mjs';

const root = path.resolve(import.meta.dirname, '..');
const src = path.join(root, 'src');
const builtins = new Set(builtinModules);
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)|\brequire\(\s*['"]([^'"]+)['"]\s*\)/g;

function layerOf(file) {
  const rel = path.relative(src, file).split(path.sep);
  return rel.length > 1 && rel[0] in LAYERS ? rel[0] : null;
}

function* sourceFiles(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(full);
    else if (/\.(ts|tsx|mts|cts)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) yield full;
  }
}

export function checkFile(file, text) {
  const layer = layerOf(file);
  if (!layer) return [];
  const problems = [];
  for (const match of text.matchAll(IMPORT)) {
    const specifier = match[1] ?? match[2] ?? match[3] ?? match[4];
    if (specifier.startsWith('.')) {
      const target = layerOf(path.resolve(path.dirname(file), specifier));
      const kind = target ?? 'outside src';
      if (!LAYERS[layer].may.includes(kind)) problems.push({ specifier, kind });
    } else {
      const kind = classifyBare(specifier, builtins);
      if (!LAYERS[layer].may.includes(kind)) problems.push({ specifier, kind });
    }
  }
  // Tests may use Node to set up what they test, but only there.
  const isTest = /\.test\.tsx?$/.test(file);
  return problems
    .filter((p) => !(isTest && p.kind === 'node' && layer !== 'renderer' && layer !== 'preload'))
    .map((p) => `${path.relative(root, file)}: src/${layer} may not import '${p.specifier}' (${p.kind})`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const problems = [...sourceFiles(src)].flatMap((file) => checkFile(file, fs.readFileSync(file, 'utf8')));
  if (problems.length > 0) {
    console.error(`Layer check failed (see the layer table in DESIGN.md):\n${problems.join('\n')}`);
    process.exit(1);
  }
  console.log('Layer check: every import follows the layer table.');
}
