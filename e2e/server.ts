import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..');

export interface RunningServer {
  /** The URL the server printed, with its token. */
  url: string;
  /** The same origin without the token. */
  origin: string;
  libraryPath: string;
  stop(): Promise<void>;
}

/**
 * Starts `serve` as a user would, with its own secrets file, and reads the
 * URL it prints. env adds variables (service URLs). Without dir, a fresh
 * library removed on stop; with dir, the library in it, kept, so a second
 * start opens the same one. roots are the folders the page may name (--root):
 * by default the temp folder, where the specs make their music, playlists,
 * listens and sync targets.
 */
export async function startServer(
  options: { env?: Record<string, string>; dir?: string; roots?: string[] } = {},
): Promise<RunningServer> {
  if (!fs.existsSync(path.join(ROOT, 'out/renderer/index.html'))) {
    throw new Error("The renderer is not built: run 'npm run build' before the e2e suite.");
  }
  const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-e2e-'));
  const libraryPath = path.join(dir, 'library.sqlite');
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/server/main.ts',
      '--db',
      libraryPath,
      '--port',
      '0',
      ...(options.roots ?? [os.tmpdir()]).flatMap((root) => ['--root', root]),
    ],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
      // Specs start enrichment themselves; one started by every scan would reach for the real services.
      env: { ...process.env, SLEEVE_SECRETS: path.join(dir, 'secrets.json'), SLEEVE_ENRICH_AFTER_SCAN: '0', ...options.env },
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = out.match(/Open: (http:\/\/\S+)/);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code} before printing its URL:\n${out}`)));
  });
  return {
    url,
    origin: new URL(url).origin,
    libraryPath,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      if (!options.dir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
