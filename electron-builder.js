// How `npm run dist` packages the desktop app (electron-builder 25 finds this
// file by its name). docs/RELEASE.md says what a release needs and why.
import path from 'node:path';
import process from 'node:process';
import { afterPack, beforePack } from './scripts/package-hooks.mjs';
import { nativeCacheDir } from './scripts/electron-native.mjs';

const playlist = (ext, name, mimeType) => ({ ext, name, description: `${name} playlist`, mimeType, role: 'Editor' });

/** @type {import('electron-builder').Configuration} */
const config = {
  appId: 'app.sleeve.desktop',
  productName: 'Sleeve',
  directories: { output: 'dist', buildResources: 'build' },
  icon: 'build/icon.png',
  // One list for every platform: in electron-builder 25 a platform's own
  // `files` turns this list into a second file set and packs the whole project.
  files: [
    // The electron-vite build (out/node and out/bench are the CLI's and the benchmarks').
    'out/main/**/*',
    'out/preload/**/*',
    'out/renderer/**/*',
    'package.json',
    // better-sqlite3 ships its sources and its Node build; the package gets only
    // the Electron build, copied in below.
    '!**/node_modules/better-sqlite3/{build,deps,src}{,/**/*}',
    {
      // Made by the beforePack hook for the platform and architecture being
      // packaged (${os}-${arch}: linux-x64, mac-arm64...), never in node_modules itself.
      from: path.join(nativeCacheDir(), '${os}-${arch}'),
      to: 'node_modules/better-sqlite3/build/Release',
      filter: ['better_sqlite3.node'],
    },
  ],
  asar: true,
  // Native code cannot be loaded from inside the archive: every *.node, and all
  // of sharp's @img packages (the .node finds libvips next to it by a relative
  // path), as sharp's docs ask. The main process, the job worker and the scan
  // threads stay in the archive: utility processes and worker threads read it.
  asarUnpack: ['**/*.node', '**/node_modules/sharp/**/*', '**/node_modules/@img/**/*'],
  // Native modules are built for Electron by the beforePack hook, not by
  // electron-builder's rebuild in node_modules (which would replace the Node
  // build the tests load) and never at install time.
  npmRebuild: false,
  beforePack,
  afterPack,
  publish: null,
  fileAssociations: [
    playlist('m3u', 'M3U', 'audio/x-mpegurl'),
    playlist('m3u8', 'M3U8', 'application/vnd.apple.mpegurl'),
  ],
  mac: {
    target: [{ target: 'dmg', arch: ['universal'] }],
    category: 'public.app-category.music',
    hardenedRuntime: true,
    // The universal app is the x64 and arm64 builds with their archives merged
    // (mergeASARs, on by default): in app.asar.unpacked, files that differ
    // (better-sqlite3, built for each) are joined with lipo, and identical ones
    // (sharp's, both architectures installed) kept as they are.
  },
  win: { target: ['nsis'] },
  nsis: {
    oneClick: false,
    perMachine: false,
    selectPerMachineByDefault: false,
    allowToChangeInstallationDirectory: true,
    // The library lives in %APPDATA%\Sleeve; uninstalling never removes it.
    deleteAppDataOnUninstall: false,
  },
  linux: {
    target: ['AppImage', 'deb'],
    // Audio is an additional category; the desktop entry spec pairs it with AudioVideo.
    category: 'AudioVideo;Audio',
    synopsis: 'Keeps a music library in shape',
    maintainer: process.env.SLEEVE_MAINTAINER || 'Sleeve developers <https://github.com/sleeve-music/sleeve>',
  },
  deb: { packageCategory: 'sound', priority: 'optional' },
};

export default config;
