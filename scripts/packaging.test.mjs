// The packaging setup (electron-builder.js, its hooks, npm run dist), checked
// without the network or the Electron binary: the config against
// electron-builder's own schema, the fuses against a fake Electron binary,
// and a real electron-builder run that packs a small project with a fake
// Electron, to see what lands inside the archive and what outside it.
import { Buffer } from 'node:buffer';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getCurrentFuseWire } from '@electron/fuses';
import { validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { executeAppBuilderAsJson } from 'app-builder-lib/out/util/appBuilder.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { electronBinaryPath, electronVersion, ROOT } from './electron-binary.mjs';

// The config reads the cache folder when it loads, so this comes first.
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-packaging-'));
process.env.SLEEVE_NATIVE_CACHE = path.join(scratch, 'native/node_modules/.cache/sleeve-electron');
const { default: config } = await import('../electron-builder.js');
const { afterPack, beforePack, fuseConfig, PACKAGED_SQLITE } = await import('./package-hooks.mjs');
const { electronSqlite, missingSharpPackages, packagedSqliteDir } = await import('./electron-native.mjs');
const { builderArgs } = await import('./dist.mjs');

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
// Electron's defaults for the eight fuses @electron/fuses 1.8 knows ('1' on,
// '0' off), and a ninth, newer one that must be left alone.
const DEFAULT_WIRE = '10110001' + '1';
const ON = 49;
const OFF = 48;
const FUSE = {
  RunAsNode: 0,
  EnableCookieEncryption: 1,
  EnableNodeOptionsEnvironmentVariable: 2,
  EnableNodeCliInspectArguments: 3,
  EnableEmbeddedAsarIntegrityValidation: 4,
  OnlyLoadAppFromAsar: 5,
  LoadBrowserProcessSpecificV8Snapshot: 6,
  GrantFileProtocolExtraPrivileges: 7,
};

/** A stand-in for an Electron binary: code around a fuse wire, as @electron/fuses finds it (twice in a universal binary). */
function fakeElectron(file, { slices = 1 } = {}) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const slice = Buffer.concat([Buffer.from('\x7fELF code before '), Buffer.from(SENTINEL), Buffer.from([1, DEFAULT_WIRE.length]), Buffer.from(DEFAULT_WIRE), Buffer.from(' code after')]);
  fs.writeFileSync(file, Buffer.concat(Array.from({ length: slices }, () => slice)), { mode: 0o755 });
  return file;
}

/** The wire as '0'/'1' characters, every slice. */
function wires(file) {
  const bytes = fs.readFileSync(file);
  const found = [];
  for (let at = bytes.indexOf(SENTINEL); at >= 0; at = bytes.indexOf(SENTINEL, at + 1)) {
    const start = at + SENTINEL.length;
    found.push(bytes.subarray(start + 2, start + 2 + bytes[start + 1]).toString('latin1'));
  }
  return found;
}

function expectedWire(changes) {
  const wire = DEFAULT_WIRE.split('');
  for (const [name, on] of Object.entries(changes)) wire[FUSE[name]] = on ? '1' : '0';
  return wire.join('');
}

const SHIPPED = { RunAsNode: false, EnableCookieEncryption: true, EnableNodeOptionsEnvironmentVariable: false, EnableNodeCliInspectArguments: false, OnlyLoadAppFromAsar: true };

/** What electron-builder hands afterPack, for a package laid out in `appOutDir`. */
function packContext(appOutDir, electronPlatformName, arch) {
  const resources = electronPlatformName === 'darwin' ? path.join(appOutDir, 'Sleeve.app/Contents/Resources') : path.join(appOutDir, 'resources');
  fs.mkdirSync(path.dirname(path.join(resources, PACKAGED_SQLITE)), { recursive: true });
  fs.writeFileSync(path.join(resources, PACKAGED_SQLITE), 'electron build');
  return {
    appOutDir,
    electronPlatformName,
    arch,
    packager: { appInfo: { productFilename: 'Sleeve' }, executableName: 'sleeve', getResourcesDir: () => resources },
  };
}

afterEach(() => {
  delete process.env.SLEEVE_E2E_BUILD;
});

afterAll(() => {
  fs.rmSync(scratch, { recursive: true, force: true });
});

describe('electron-builder.js', () => {
  it("passes electron-builder's own schema, which does reject a misspelt option", async () => {
    const logger = { isEnabled: false, add: () => {} };
    await expect(validateConfiguration({ ...config }, logger)).resolves.toBeUndefined();
    await expect(validateConfiguration({ ...config, mac: { ...config.mac, categroy: 'x' } }, logger)).rejects.toThrow(/categroy/);
  });

  it('names the app and packages dmg (universal), nsis, AppImage and deb into dist/', () => {
    expect(config).toMatchObject({ appId: 'app.sleeve.desktop', productName: 'Sleeve', directories: { output: 'dist' }, asar: true, npmRebuild: false });
    expect(config.mac).toMatchObject({ target: [{ target: 'dmg', arch: ['universal'] }], category: 'public.app-category.music', hardenedRuntime: true });
    expect(config.win.target).toEqual(['nsis']);
    expect(config.nsis).toMatchObject({ oneClick: false, perMachine: false, allowToChangeInstallationDirectory: true, deleteAppDataOnUninstall: false });
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.linux.category.split(';')).toContain('Audio');
    expect(config.beforePack).toBe(beforePack);
    expect(config.afterPack).toBe(afterPack);
  });

  it('opens .m3u and .m3u8 playlists', () => {
    expect(config.fileAssociations).toEqual([
      { ext: 'm3u', name: 'M3U', description: 'M3U playlist', mimeType: 'audio/x-mpegurl', role: 'Editor' },
      { ext: 'm3u8', name: 'M3U8', description: 'M3U8 playlist', mimeType: 'application/vnd.apple.mpegurl', role: 'Editor' },
    ]);
  });

  it('copies in the Electron build of better-sqlite3 made for the platform and architecture being packed', () => {
    const fileSet = config.files.find((entry) => typeof entry === 'object');
    expect(fileSet).toMatchObject({ to: 'node_modules/better-sqlite3/build/Release', filter: ['better_sqlite3.node'] });
    for (const [platform, os, arch] of [['linux', 'linux', 'x64'], ['darwin', 'mac', 'arm64'], ['win32', 'win', 'x64']]) {
      expect(fileSet.from.replace('${os}', os).replace('${arch}', arch)).toBe(packagedSqliteDir(platform, arch));
    }
  });

  it('makes the universal macOS app by merging the archives, whose differing native files get joined', () => {
    // @electron/universal then compares app.asar.unpacked file by file; without the merge it
    // keeps two archives behind a CommonJS entry that require()s our ES module main process.
    expect(config.mac.mergeASARs ?? true).toBe(true);
    expect(packagedSqliteDir('darwin', 'x64')).not.toBe(packagedSqliteDir('darwin', 'arm64'));
  });

  it('builds nothing at install time', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.scripts.preinstall).toBeUndefined();
    expect(pkg.scripts.install).toBeUndefined();
    expect(pkg.scripts.postinstall).toBe('node scripts/postinstall.mjs');
    expect(pkg.scripts.dist).toBe('node scripts/dist.mjs');
    const postinstall = fs.readFileSync(path.join(ROOT, 'scripts/postinstall.mjs'), 'utf8');
    for (const rebuild of ['electron-native', 'build-release', 'node-gyp', 'rebuild', 'install-app-deps', 'prebuild-install', 'electron-builder']) {
      expect(postinstall, rebuild).not.toContain(rebuild);
    }
  });
});

describe('afterPack: the fuses', () => {
  it('flips exactly the intended fuses in a Linux package, leaving the rest of the binary alone', async () => {
    const dir = fs.mkdtempSync(path.join(scratch, 'linux-'));
    const binary = fakeElectron(path.join(dir, 'sleeve'));
    const before = fs.readFileSync(binary);
    await afterPack(packContext(dir, 'linux', 1));
    expect(wires(binary)).toEqual([expectedWire(SHIPPED)]);
    const after = fs.readFileSync(binary);
    const changed = [...after.keys()].filter((i) => after[i] !== before[i]);
    const wireStart = before.indexOf(SENTINEL) + SENTINEL.length + 2;
    expect(changed.map((i) => i - wireStart)).toEqual([FUSE.RunAsNode, FUSE.EnableCookieEncryption, FUSE.EnableNodeOptionsEnvironmentVariable, FUSE.EnableNodeCliInspectArguments, FUSE.OnlyLoadAppFromAsar]);
    // What @electron/fuses itself reads back.
    const wire = await getCurrentFuseWire(binary);
    expect([wire[FUSE.RunAsNode], wire[FUSE.EnableNodeOptionsEnvironmentVariable], wire[FUSE.EnableNodeCliInspectArguments]]).toEqual([OFF, OFF, OFF]);
    expect([wire[FUSE.EnableCookieEncryption], wire[FUSE.OnlyLoadAppFromAsar], wire[FUSE.GrantFileProtocolExtraPrivileges]]).toEqual([ON, ON, ON]);
  });

  it('keeps --inspect for an end-to-end build (SLEEVE_E2E_BUILD=1), and only that', async () => {
    process.env.SLEEVE_E2E_BUILD = '1';
    const dir = fs.mkdtempSync(path.join(scratch, 'e2e-'));
    const binary = fakeElectron(path.join(dir, 'sleeve'));
    await afterPack(packContext(dir, 'linux', 1));
    expect(wires(binary)).toEqual([expectedWire({ ...SHIPPED, EnableNodeCliInspectArguments: true })]);
  });

  it('turns on embedded asar integrity on Windows and macOS, in both slices of a universal binary', async () => {
    const win = fs.mkdtempSync(path.join(scratch, 'win-'));
    const exe = fakeElectron(path.join(win, 'Sleeve.exe'));
    await afterPack(packContext(win, 'win32', 1));
    expect(wires(exe)).toEqual([expectedWire({ ...SHIPPED, EnableEmbeddedAsarIntegrityValidation: true })]);

    const mac = fs.mkdtempSync(path.join(scratch, 'mac-'));
    const framework = fakeElectron(path.join(mac, 'Sleeve.app/Contents/Frameworks/Electron Framework.framework/Electron Framework'), { slices: 2 });
    // x64: arm64 and universal also re-sign ad hoc with codesign, which only macOS has.
    await afterPack(packContext(mac, 'darwin', 1));
    const wire = expectedWire({ ...SHIPPED, EnableEmbeddedAsarIntegrityValidation: true });
    expect(wires(framework)).toEqual([wire, wire]);
  });

  it('re-signs ad hoc on Apple silicon and for the merged universal app only', () => {
    expect(fuseConfig({ platform: 'darwin', arch: 'arm64' }).resetAdHocDarwinSignature).toBe(true);
    expect(fuseConfig({ platform: 'darwin', arch: 'universal' }).resetAdHocDarwinSignature).toBe(true);
    expect(fuseConfig({ platform: 'darwin', arch: 'x64' }).resetAdHocDarwinSignature).toBe(false);
    expect(fuseConfig({ platform: 'linux', arch: 'arm64' }).resetAdHocDarwinSignature).toBe(false);
  });

  it('refuses a package without the Electron build of better-sqlite3', async () => {
    const dir = fs.mkdtempSync(path.join(scratch, 'no-sqlite-'));
    const context = packContext(dir, 'linux', 1);
    fs.rmSync(path.join(dir, 'resources', PACKAGED_SQLITE));
    fakeElectron(path.join(dir, 'sleeve'));
    await expect(afterPack(context)).rejects.toThrow(/better-sqlite3/);
  });
});

describe('beforePack: native modules', () => {
  it('uses the Electron build already made for that version, and says which sharp packages another platform needs', async () => {
    const dir = fs.mkdtempSync(path.join(scratch, 'cache-'));
    fs.writeFileSync(path.join(dir, 'better_sqlite3.node'), 'built before');
    fs.writeFileSync(path.join(dir, 'electron-version'), '40.0.0');
    expect(electronSqlite({ version: '40.0.0', dir })).toBe(path.join(dir, 'better_sqlite3.node'));

    const sharp = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules/sharp/package.json'), 'utf8'));
    const absent = ['darwin', 'win32', 'linux'].find((platform) => platform !== process.platform);
    const missing = missingSharpPackages(absent, 'x64');
    expect(missing).toContain(`@img/sharp-${absent}-x64@${sharp.optionalDependencies[`@img/sharp-${absent}-x64`]}`);
    const context = { electronPlatformName: absent, arch: 1, packager: { config: { electronVersion: '40.0.0' } } };
    await expect(beforePack(context)).rejects.toThrow(/npm install --no-save --force @img\/sharp-/);
  });
});

describe('npm run dist', () => {
  it('never publishes unless asked, and passes the rest on to electron-builder', () => {
    expect(builderArgs(['--linux', 'deb'])).toEqual(['--config', 'electron-builder.js', '--publish', 'never', '--linux', 'deb']);
    expect(builderArgs(['--publish', 'always'])).toEqual(['--config', 'electron-builder.js', '--publish', 'always']);
  });

  it.skipIf(electronBinaryPath())('says it needs the network when Electron could not be downloaded', () => {
    const result = spawnSync(process.execPath, [path.join(ROOT, 'scripts/dist.mjs')], { cwd: ROOT, encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('npm run dist needs the network');
  });
});

describe('the icon', () => {
  it('is a 1024×1024 PNG that electron-builder turns into .icns and .ico here, offline', async () => {
    const png = fs.readFileSync(path.join(ROOT, 'build/icon.png'));
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1024, 1024]);
    for (const [format, size] of [['icns', 1024], ['ico', 256]]) {
      const out = path.join(scratch, `icon-${format}`);
      const result = await executeAppBuilderAsJson(['icon', '--format', format, '--root', path.join(ROOT, 'build'), '--out', out]);
      expect(result.isFallback).toBe(false);
      expect(result.icons[0]).toEqual({ file: path.join(out, `icon.${format}`), size });
    }
  });
});

/** The asar header: each file's path, whether it is unpacked. */
function asarEntries(file) {
  const bytes = fs.readFileSync(file);
  const header = JSON.parse(bytes.toString('utf8', 16, 16 + bytes.readUInt32LE(12)));
  const entries = new Map();
  const walk = (node, at) => {
    for (const [name, child] of Object.entries(node.files)) {
      const inner = at ? `${at}/${name}` : name;
      if (child.files) walk(child, inner);
      else entries.set(inner, { unpacked: child.unpacked === true });
    }
  };
  walk(header, '');
  return entries;
}

describe.skipIf(process.platform !== 'linux')('a package made by electron-builder (Linux, with a fake Electron)', () => {
  const arch = process.arch;
  let resources;
  let executable;

  beforeAll(async () => {
    const { build, Platform, Arch } = await import('electron-builder');
    // A project shaped like ours: the electron-vite build, our real node_modules, and files that must stay out.
    const project = path.join(scratch, 'project');
    const files = {
      'out/main/index.js': 'main',
      'out/main/job-worker.js': 'worker',
      'out/main/scan-thread.js': 'thread',
      'out/main/chunks/library-x.js': 'chunk',
      'out/preload/index.cjs': 'preload',
      'out/renderer/index.html': '<!doctype html>',
      'out/renderer/assets/index-x.js': 'page',
      'out/node/cli.js': 'the CLI build',
      'out/bench/x.js': 'a benchmark',
      'src/main/index.ts': 'source',
      'docs/RELEASE.md': 'docs',
      'README.md': 'readme',
    };
    for (const [file, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(project, file)), { recursive: true });
      fs.writeFileSync(path.join(project, file), text);
    }
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const dependencies = { 'better-sqlite3': pkg.dependencies['better-sqlite3'], sharp: pkg.dependencies.sharp };
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ ...pkg, scripts: {}, devDependencies: {}, dependencies }));
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(project, 'node_modules'), 'junction');
    // The Electron build of better-sqlite3, as the beforePack hook leaves it.
    const cache = packagedSqliteDir('linux', arch);
    fs.mkdirSync(cache, { recursive: true });
    fs.writeFileSync(path.join(cache, 'better_sqlite3.node'), 'the Electron build');
    fs.writeFileSync(path.join(cache, 'electron-version'), electronVersion());
    const electronDist = path.join(scratch, 'electron-dist');
    fakeElectron(path.join(electronDist, 'electron'));
    const output = path.join(scratch, 'dist');
    await build({
      projectDir: project,
      targets: Platform.LINUX.createTarget('dir', Arch[arch]),
      config: { ...config, directories: { ...config.directories, output }, electronDist },
    });
    const appOutDir = path.join(output, arch === 'x64' ? 'linux-unpacked' : `linux-${arch}-unpacked`);
    resources = path.join(appOutDir, 'resources');
    executable = path.join(appOutDir, 'sleeve');
  });

  it('holds the electron-vite build and node_modules, and nothing else of the project', () => {
    const entries = asarEntries(path.join(resources, 'app.asar'));
    expect(new Set([...entries.keys()].map((file) => file.split('/')[0]))).toEqual(new Set(['out', 'package.json', 'node_modules']));
    expect([...entries.keys()].filter((file) => file.startsWith('out/')).sort()).toEqual([
      'out/main/chunks/library-x.js',
      'out/main/index.js',
      'out/main/job-worker.js',
      'out/main/scan-thread.js',
      'out/preload/index.cjs',
      'out/renderer/assets/index-x.js',
      'out/renderer/index.html',
    ]);
  });

  it('keeps the main process, the job worker and the scan threads in the archive, next to each other', () => {
    const entries = asarEntries(path.join(resources, 'app.asar'));
    for (const file of ['out/main/index.js', 'out/main/job-worker.js', 'out/main/scan-thread.js', 'out/main/chunks/library-x.js']) {
      expect(entries.get(file), file).toEqual({ unpacked: false });
    }
  });

  it('unpacks every native file, and better-sqlite3 is the Electron build alone', () => {
    const entries = asarEntries(path.join(resources, 'app.asar'));
    const native = [...entries].filter(([file]) => /\.(node|so(\.\d+)*|dylib|dll)$/.test(file));
    expect(native.map(([file]) => file)).toEqual(
      expect.arrayContaining(['node_modules/better-sqlite3/build/Release/better_sqlite3.node', `node_modules/@img/sharp-linux-${arch}/lib/sharp-linux-${arch}.node`]),
    );
    expect(native.some(([file]) => file.startsWith(`node_modules/@img/sharp-libvips-linux-${arch}/lib/libvips-cpp.so`))).toBe(true);
    for (const [file, entry] of native) {
      expect(entry, file).toEqual({ unpacked: true });
      expect(fs.existsSync(path.join(resources, 'app.asar.unpacked', file)), file).toBe(true);
    }
    expect(fs.readFileSync(path.join(resources, PACKAGED_SQLITE), 'utf8')).toBe('the Electron build');
    const sqlite = [...entries.keys()].filter((file) => file.startsWith('node_modules/better-sqlite3/'));
    expect(sqlite.filter((file) => !file.startsWith('node_modules/better-sqlite3/lib/')).sort()).toEqual([
      'node_modules/better-sqlite3/LICENSE',
      'node_modules/better-sqlite3/build/Release/better_sqlite3.node',
      'node_modules/better-sqlite3/package.json',
    ]);
  });

  it('sets the fuses on the renamed executable', () => {
    expect(wires(executable)).toEqual([expectedWire(SHIPPED)]);
  });
});
