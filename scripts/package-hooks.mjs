// electron-builder's hooks for Sleeve (electron-builder.js names them).
// beforePack runs once per platform and architecture, before the app's files
// are copied: it makes the Electron build of better-sqlite3 that the config
// copies into the package, and checks sharp's binaries are there. afterPack
// runs once the app is in place and before it is signed: it sets Electron's
// fuses and checks the native module made it in. For a universal macOS build
// both run for x64 and arm64, and afterPack once more on the merged app.
import fs from 'node:fs';
import path from 'node:path';
import { flipFuses, FuseV1Options, FuseVersion } from '@electron/fuses';
import { electronSqlite, missingSharpPackages, packagedSqliteDir } from './electron-native.mjs';

/** electron-builder's Arch enum, by number. */
const ARCH_NAMES = ['ia32', 'x64', 'armv7l', 'arm64', 'universal'];

export function archName(arch) {
  return typeof arch === 'number' ? ARCH_NAMES[arch] : arch;
}

/** Where better-sqlite3's binding sits in a package, under its resources folder. */
export const PACKAGED_SQLITE = 'app.asar.unpacked/node_modules/better-sqlite3/build/Release/better_sqlite3.node';

/**
 * The fuses every package gets (they are bits in the Electron binary, read
 * before any of our code runs):
 * - RunAsNode off: the app cannot be started as a plain Node (ELECTRON_RUN_AS_NODE),
 *   which would run any script with the app's identity and permissions.
 *   Sleeve's workers are utility processes, which do not need it.
 * - NODE_OPTIONS off, and --inspect and friends off, so nothing can inject
 *   code or attach a debugger from outside; an end-to-end build
 *   (SLEEVE_E2E_BUILD=1) keeps --inspect, which Playwright drives Electron through.
 * - Cookie encryption on (the OS keychain protects the cookie store).
 * - OnlyLoadAppFromAsar: the app is only ever loaded from app.asar, never from
 *   an app folder dropped beside it; with embedded asar integrity (macOS and
 *   Windows: electron-builder records the archive's hash in Info.plist or the
 *   .exe) a changed archive is refused. Linux has no integrity check, so that
 *   fuse is left as it is there.
 * - GrantFileProtocolExtraPrivileges stays on: the window loads its page from
 *   file:// (src/main/index.ts, loadFile) and that page's scripts are ES
 *   modules, which a browser-like file:// refuses to load (CORS). It can be
 *   turned off once the page is served from a custom protocol.
 * strictlyRequireAllFuses is not used: fuses newer than @electron/fuses knows
 * keep Electron's defaults.
 */
export function fuseConfig({ platform, arch, e2e = false }) {
  const mac = platform === 'darwin' || platform === 'mas';
  const config = {
    version: FuseVersion.V1,
    // Changing the binary breaks its ad-hoc signature, which Apple silicon requires.
    resetAdHocDarwinSignature: mac && (arch === 'arm64' || arch === 'universal'),
    [FuseV1Options.RunAsNode]: false,
    [FuseV1Options.EnableCookieEncryption]: true,
    [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
    [FuseV1Options.EnableNodeCliInspectArguments]: e2e,
    [FuseV1Options.OnlyLoadAppFromAsar]: true,
    [FuseV1Options.GrantFileProtocolExtraPrivileges]: true,
  };
  if (mac || platform === 'win32') config[FuseV1Options.EnableEmbeddedAsarIntegrityValidation] = true;
  return config;
}

/** The file @electron/fuses edits: the .app (it finds the framework inside), the .exe, or the Linux executable. */
export function electronBinary({ appOutDir, electronPlatformName, packager }) {
  const name = packager.appInfo.productFilename;
  if (electronPlatformName === 'darwin' || electronPlatformName === 'mas') return path.join(appOutDir, `${name}.app`);
  if (electronPlatformName === 'win32') return path.join(appOutDir, `${name}.exe`);
  return path.join(appOutDir, packager.executableName);
}

export async function beforePack(context) {
  const platform = context.electronPlatformName;
  const arch = archName(context.arch);
  const missing = missingSharpPackages(platform, arch);
  if (missing.length > 0) {
    const mac = platform === 'darwin' || platform === 'mas';
    const install = mac ? ['x64', 'arm64'].flatMap((a) => missingSharpPackages(platform, a)) : missing;
    throw new Error(
      `sharp has no binary for ${platform}-${arch} here (${missing.join(', ')} missing). ` +
        `Install ${mac ? 'what the universal build needs' : 'them'} first, outside package.json:\n` +
        `  npm install --no-save --force ${install.join(' ')}`,
    );
  }
  electronSqlite({ version: context.packager.config.electronVersion, platform, arch, dir: packagedSqliteDir(platform, arch) });
}

export async function afterPack(context) {
  const platform = context.electronPlatformName;
  const arch = archName(context.arch);
  const sqlite = path.join(context.packager.getResourcesDir(context.appOutDir), PACKAGED_SQLITE);
  if (!fs.existsSync(sqlite)) {
    throw new Error(`The package has no Electron build of better-sqlite3 at ${sqlite}; the beforePack hook should have made it.`);
  }
  const e2e = process.env.SLEEVE_E2E_BUILD === '1';
  await flipFuses(electronBinary(context), fuseConfig({ platform, arch, e2e }));
  console.info(`  • Sleeve: fuses set for ${platform}-${arch}${e2e ? ' (end-to-end build: --inspect stays on)' : ''}`);
}
