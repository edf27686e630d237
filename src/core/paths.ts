import os from 'node:os';
import path from 'node:path';

export const APP_NAME = 'Sleeve';

/**
 * The OS app-data folder, the same one Electron's app.getPath('userData')
 * gives for our product name, so the desktop app, the CLI and the web server
 * share one library by default.
 */
export function appDataDir(platform: NodeJS.Platform = process.platform, env = process.env): string {
  const home = os.homedir();
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), APP_NAME);
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', APP_NAME);
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), APP_NAME);
}

/** The headless secret store: keys and tokens in a file only its owner can read. */
export function defaultSecretsPath(): string {
  return process.env.SLEEVE_SECRETS || path.join(appDataDir(), 'secrets.json');
}

export function defaultLibraryPath(): string {
  return process.env.SLEEVE_DB || path.join(appDataDir(), 'library.sqlite');
}
