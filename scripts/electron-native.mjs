// Native modules for Electron, made in one place for `npm start` and for
// `npm run dist` (through the packaging hooks). better-sqlite3 is compiled for
// Electron's ABI into node_modules/.cache/sleeve-electron, from a copy of the
// package, so the Node build that the CLI, the web server and the tests load
// is never touched. Nothing here runs at install time.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ROOT } from './electron-binary.mjs';

const MODULES = path.join(ROOT, 'node_modules');

/** Where the Electron builds live; SLEEVE_NATIVE_CACHE moves it (the packaging tests use a scratch folder). */
export function nativeCacheDir() {
  return process.env.SLEEVE_NATIVE_CACHE || path.join(MODULES, '.cache/sleeve-electron');
}

/** electron-builder's ${os} for an Electron platform name, so the config can name the folder with its macros. */
export function builderOs(platform) {
  const os = { darwin: 'mac', mas: 'mac', win32: 'win', linux: 'linux' }[platform];
  if (!os) throw new Error(`Sleeve is not packaged for ${platform}`);
  return os;
}

/** The folder holding better_sqlite3.node for one packaged platform and architecture ('linux-x64', 'mac-arm64'...). */
export function packagedSqliteDir(platform, arch) {
  return path.join(nativeCacheDir(), `${builderOs(platform)}-${arch}`);
}

/** Runs a command to the end with its output on ours; throws with the command line (and `status`, its exit code) when it fails. */
export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', ...options });
  if (result.status !== 0) {
    const how = result.error?.message ?? `exit ${result.status ?? result.signal}`;
    throw Object.assign(new Error(`'${command} ${args.join(' ')}' failed (${how})`), { status: result.status || 1 });
  }
}

/**
 * node-gyp as npm ships it: npm names it to scripts (npm_config_node_gyp),
 * else it sits in npm's own folder (npm_execpath, or where `npm root -g` is).
 */
function nodeGyp() {
  const inNpm = (npmCli) => path.join(path.dirname(npmCli), '../node_modules/node-gyp/bin/node-gyp.js');
  const candidates = [process.env.npm_config_node_gyp, process.env.npm_execpath && inNpm(process.env.npm_execpath)];
  const found = candidates.find((file) => file && fs.existsSync(file));
  if (found) return found;
  const root = spawnSync('npm', ['root', '-g'], { encoding: 'utf8', shell: process.platform === 'win32' }).stdout?.trim();
  const global = root && path.join(root, 'npm/node_modules/node-gyp/bin/node-gyp.js');
  if (global && fs.existsSync(global)) return global;
  throw new Error('node-gyp, which comes with npm, was not found: run this through npm (npm start, npm run dist)');
}

/**
 * The environment for a build aimed by flags: node-gyp and prebuild-install
 * let npm_config_* variables override their flags, and npm passes its whole
 * config on that way, so a nodedir from an npmrc (Node's own headers, kept for
 * offline builds) would quietly build for Node instead of Electron.
 */
function aimedEnv() {
  const aiming = /^npm_config_(nodedir|target|target_arch|arch|runtime|dist_?url|platform)$/i;
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !aiming.test(name)));
}

/**
 * better-sqlite3 built for Electron `version` on `platform`/`arch`, in `dir`
 * (kept there, with the version it was built for, so it is built once).
 * For this machine's platform it is compiled from source with node-gyp and
 * Electron's headers, the way Electron's docs on native modules describe
 * (another architecture needs a compiler for it: on macOS Xcode has both).
 * For another platform nothing can be compiled here, so the package's own
 * prebuilt binary for that Electron is downloaded with prebuild-install.
 * Both need the network once.
 */
export function electronSqlite({ version, platform = process.platform, arch = process.arch, dir }) {
  const binding = path.join(dir, 'better_sqlite3.node');
  const stamp = path.join(dir, 'electron-version');
  const built = fs.existsSync(binding) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8').trim() === version;
  if (built) return binding;

  const target = `${platform === 'mas' ? 'darwin' : platform}-${arch}`;
  console.log(`Sleeve: building better-sqlite3 for Electron ${version} (${target}; once, about a minute)…`);
  const work = path.join(dir, 'better-sqlite3');
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const source = path.join(MODULES, 'better-sqlite3');
  fs.cpSync(source, work, { recursive: true, filter: (src) => src !== path.join(source, 'build') });
  const [os] = target.split('-');
  if (os === process.platform) {
    // As better-sqlite3's build-release script, aimed at Electron's headers (Electron's docs on native modules).
    const args = ['rebuild', '--release', `--target=${version}`, `--arch=${arch}`, '--dist-url=https://electronjs.org/headers'];
    run(process.execPath, [nodeGyp(), ...args], { cwd: work, env: aimedEnv() });
  } else {
    const prebuildInstall = path.join(path.dirname(createRequire(path.join(source, 'package.json')).resolve('prebuild-install/package.json')), 'bin.js');
    const args = ['--runtime=electron', `--target=${version}`, `--platform=${os}`, `--arch=${arch}`, '--verbose'];
    run(process.execPath, [prebuildInstall, ...args], { cwd: work, env: aimedEnv() });
  }
  fs.copyFileSync(path.join(work, 'build/Release/better_sqlite3.node'), binding);
  fs.writeFileSync(stamp, version);
  return binding;
}

/**
 * sharp loads a prebuilt binary for the platform it runs on from @img/*,
 * which npm installs for this machine only. Returns the packages (name@version)
 * that a package for `platform`/`arch` needs and that are not installed.
 */
export function missingSharpPackages(platform, arch) {
  const os = platform === 'mas' ? 'darwin' : platform;
  const sharp = JSON.parse(fs.readFileSync(path.join(MODULES, 'sharp/package.json'), 'utf8'));
  return Object.entries(sharp.optionalDependencies ?? {})
    .filter(([name]) => name === `@img/sharp-${os}-${arch}` || name === `@img/sharp-libvips-${os}-${arch}`)
    .filter(([name]) => !fs.existsSync(path.join(MODULES, name, 'package.json')))
    .map(([name, version]) => `${name}@${version}`);
}
