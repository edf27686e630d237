import path from 'node:path';
import { openSleeveCore, type SleeveCore } from '../core/app';
import { LibraryError } from '../core/db/library';
import { NodeWorkerHost, nodeWorkerEntry } from '../core/jobs/node-host';
import { defaultLibraryPath, defaultSecretsPath } from '../core/paths';
import { FileSecretStore } from '../core/net/secrets';
import { ApiRequestError } from '../core/api/service';
import { parseCommandLine, usage, UsageError } from './commands';
import { NetworkOptionError } from './network-options';
import { SourceSettingError } from '../core/net/config';

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseCommandLine(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${err.message}\n`);
    return 2;
  }
  if (!parsed || parsed.values.help) {
    process.stdout.write(`${usage()}\n`);
    return 0;
  }
  const libraryPath = path.resolve(String(parsed.values.db ?? defaultLibraryPath()));
  let core: SleeveCore;
  try {
    core = openSleeveCore({
      libraryPath,
      host: new NodeWorkerHost(),
      workerEntry: nodeWorkerEntry(),
      shell: 'cli',
      // A command runs one job and exits; `enrich` is its own command.
      enrichAfterScan: false,
      hooks: { secrets: new FileSecretStore(defaultSecretsPath()) },
      log: (level, message) => {
        if (level !== 'info') process.stderr.write(`${level}: ${message}\n`);
      },
    });
  } catch (err) {
    if (!(err instanceof LibraryError)) throw err;
    process.stderr.write(`${err.message}\n`);
    return 3;
  }
  try {
    return await parsed.command.run(core, parsed.values, parsed.positionals, {
      json: Boolean(parsed.values.json),
      stdout: process.stdout,
      stderr: process.stderr,
    });
  } catch (err) {
    // A value the core refused (a bad URL for a source) is the user's to fix, like a bad flag.
    if (!(err instanceof UsageError || err instanceof NetworkOptionError || err instanceof ApiRequestError || err instanceof SourceSettingError)) throw err;
    process.stderr.write(`${err.message}\n`);
    return 2;
  } finally {
    await core.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`sleeve: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
