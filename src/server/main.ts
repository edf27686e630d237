import path from 'node:path';
import { parseArgs } from 'node:util';
import { openSleeveCore } from '../core/app';
import { LibraryError } from '../core/db/library';
import { NodeWorkerHost, nodeWorkerEntry } from '../core/jobs/node-host';
import { defaultLibraryPath, defaultSecretsPath } from '../core/paths';
import { FileSecretStore } from '../core/net/secrets';
import { newAccessToken } from './auth';
import { defaultStaticDir, startWebServer } from './server';

const DEFAULT_PORT = 4785;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      db: { type: 'string' },
      port: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(
      'Usage: npm run serve -- [--db PATH] [--port N]\n' +
        'Serves the Sleeve web UI on 127.0.0.1. Open the printed URL; it carries the access token.\n' +
        `  --port N   the port (default ${DEFAULT_PORT}; 0 picks a free one)\n`,
    );
    return;
  }
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0 to 65535, got '${values.port}'`);
  const libraryPath = path.resolve(values.db ?? defaultLibraryPath());
  const core = openSleeveCore({
    libraryPath,
    host: new NodeWorkerHost(),
    workerEntry: nodeWorkerEntry(),
    shell: 'web',
    hooks: { secrets: new FileSecretStore(defaultSecretsPath()) },
    log: (level, message) => process.stderr.write(`${level}: ${message}\n`),
  });
  let server;
  try {
    server = await startWebServer({ core, staticDir: defaultStaticDir(), token: newAccessToken(), port });
  } catch (err) {
    await core.close();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(`Port ${port} is in use. Choose another with --port N (0 picks a free one).`);
    }
    throw err;
  }
  process.stdout.write(`Sleeve web UI for ${libraryPath}\nOpen: ${server.url}\n`);
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
