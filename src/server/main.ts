import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openSleeveCore } from '../core/app';
import { LibraryError } from '../core/db/library';
import { NodeWorkerHost, nodeWorkerEntry } from '../core/jobs/node-host';
import { defaultLibraryPath, defaultSecretsPath } from '../core/paths';
import { FileSecretStore } from '../core/net/secrets';
import { newAccessToken } from './auth';
import { DEFAULT_HOST, exposureWarning, isLoopbackHost } from './exposure';
import { defaultStaticDir, startWebServer } from './server';

const DEFAULT_PORT = 4785;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      db: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      root: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(
      'Usage: npm run serve -- [--db PATH] [--port N] [--root PATH]... [--host ADDR]\n' +
        'Serves the Sleeve web UI on 127.0.0.1. Open the printed URL; it carries the access token.\n' +
        '  --db PATH     the library file (default: the one the desktop app and the CLI use; or $SLEEVE_DB)\n' +
        `  --port N      the port (default ${DEFAULT_PORT}; 0 picks a free one)\n` +
        "  --root PATH   a folder the web UI may scan, import from, export or sync into, besides the library's\n" +
        '                roots (folders scanned before); repeat for more. Every other path is refused.\n' +
        `  --host ADDR   listen on ADDR instead of ${DEFAULT_HOST} (0.0.0.0: every interface). Anyone on that\n` +
        '                network who gets the URL reaches your library; the token is still required but\n' +
        '                travels over plain HTTP. Prefer an SSH tunnel (ssh -L PORT:127.0.0.1:PORT HOST).\n',
    );
    return;
  }
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0 to 65535, got '${values.port}'`);
  const host = values.host ?? DEFAULT_HOST;
  const roots = (values.root ?? []).map((root) => path.resolve(root));
  for (const root of roots) {
    if (!fs.statSync(root, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`--root ${root}: there is no such folder.`);
  }
  const libraryPath = path.resolve(values.db ?? defaultLibraryPath());
  const core = openSleeveCore({
    libraryPath,
    host: new NodeWorkerHost(),
    workerEntry: nodeWorkerEntry(),
    shell: 'web',
    hooks: { secrets: new FileSecretStore(defaultSecretsPath()) },
    log: (level, message) => process.stderr.write(`${level}: ${message}\n`),
  });
  const token = newAccessToken();
  let server;
  try {
    server = await startWebServer({ core, staticDir: defaultStaticDir(), token, port, host, roots });
  } catch (err) {
    await core.close();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new Error(`Port ${port} is in use. Choose another with --port N (0 picks a free one).`);
    }
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
      throw new Error(`--host ${host} is not an address of this machine (${code}).`);
    }
    throw err;
  }
  if (!isLoopbackHost(host)) process.stderr.write(`${exposureWarning(host, server.port)}\n`);
  process.stdout.write(`Sleeve web UI for ${libraryPath}\nOpen: ${server.url}\n`);
  for (const other of server.urls.slice(1)) process.stdout.write(`  or: ${other}?token=${token}\n`);
  if (roots.length > 0) process.stdout.write(`Besides the library's roots, the web UI reaches: ${roots.join(', ')}\n`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('Stopping: cancelling running jobs…\n');
    await server.close();
    await core.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof LibraryError || err instanceof Error ? err.message : String(err)}\n`);
  process.exit(err instanceof LibraryError ? 3 : 1);
});
