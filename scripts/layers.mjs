/**
 * The layer table of DESIGN.md as data: which folder may import what. Kinds:
 * 'shared', 'core', 'main', 'preload', 'renderer', 'server', 'cli' (our
 * folders), 'node' (built-ins), 'electron', 'react' (react, react-dom,
 * zustand), and 'package' (any other npm package).
 */
export const LAYERS = {
  shared: { may: ['shared'] },
  core: { may: ['shared', 'core', 'node', 'package'] },
  main: { may: ['shared', 'core', 'main', 'node', 'electron', 'package'] },
  preload: { may: ['shared', 'preload', 'electron'] },
  renderer: { may: ['shared', 'renderer', 'react', 'package'] },
  server: { may: ['shared', 'core', 'server', 'node', 'package'] },
  cli: { may: ['shared', 'core', 'cli', 'node', 'package'] },
};

/** Packages that stand for a layer of their own, whatever folder imports them. */
const REACT_PACKAGES = new Set(['react', 'react-dom', 'zustand']);
/** Packages that only run under Node, so the renderer and preload may not have them. */
const NODE_ONLY_PACKAGES = new Set(['better-sqlite3', 'ws', 'music-metadata', 'p-limit', 'tsx', 'sharp', 'node-taglib-sharp']);

export function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

export function classifyBare(specifier, builtins) {
  if (specifier.startsWith('node:') || builtins.has(packageName(specifier))) return 'node';
  const name = packageName(specifier);
  if (name === 'electron') return 'electron';
  if (REACT_PACKAGES.has(name)) return 'react';
  if (NODE_ONLY_PACKAGES.has(name)) return 'node';
  return 'package';
}
