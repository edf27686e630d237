import { readSourceChecks } from '../core/net/settings-view';
import { SECRET_NAMES, SOURCE_LABELS, SOURCE_NAMES, type NetworkSettingsView, type SecretName, type SourceName } from '../shared/network';
import { formatBytes, formatRequestRate } from '../shared/format';
import type { Command } from './commands';
import { NETWORK_OPTIONS, networkParamsFromFlags } from './network-options';
import { runJobInForeground } from './run-job';
import { UsageError } from './usage-error';

function printSources(view: NetworkSettingsView, out: NodeJS.WritableStream): void {
  for (const s of view.sources) {
    const changed = (['baseUrl', 'rate', 'concurrency'] as const)
      .filter((field) => s.origin[field] !== 'default')
      .map((field) => `${field === 'baseUrl' ? 'url' : field} from ${s.origin[field]}`);
    const rate = s.adaptive
      ? `${formatRequestRate(s.rate)}, slower on 429`
      : s.effectiveRate !== s.rate
        ? `${formatRequestRate(s.effectiveRate)} without a token (${formatRequestRate(s.rate)} with one)`
        : formatRequestRate(s.rate);
    const kept = s.cacheTtlDays > 0 ? `kept ${s.cacheTtlDays} day${s.cacheTtlDays === 1 ? '' : 's'}` : 'not cached';
    out.write(`${s.label} (${s.source})\n`);
    out.write(`  ${s.baseUrl}  ${rate}, ${s.concurrency} at once${changed.length ? `  [${changed.join(', ')}]` : ''}\n`);
    out.write(`  cache: ${s.cache.entries} answers, ${formatBytes(s.cache.bytes)}, ${kept}\n`);
    if (s.check) {
      out.write(`  last check ${new Date(s.check.at).toISOString().slice(0, 16).replace('T', ' ')}: ${s.check.outcome}, ${s.check.message}\n`);
    }
  }
  out.write(`\nUser-Agent: ${view.userAgent}\n`);
  printKeys(view, out);
}

/** Which keys are set, never their values. */
function printKeys(view: NetworkSettingsView, out: NodeJS.WritableStream): void {
  out.write(`Keys (kept in ${view.secretsLocation}):\n`);
  for (const secret of view.secrets) out.write(`  ${secret.name.padEnd(20)} ${secret.set ? 'set' : 'not set'}  (${secret.label})\n`);
}

function sourceArg(name: string | undefined): SourceName {
  if (!name || !(SOURCE_NAMES as readonly string[]).includes(name)) {
    throw new UsageError(`Name a source: ${SOURCE_NAMES.join(', ')}`);
  }
  return name as SourceName;
}

/** 'default' puts a field back; anything else is checked by the core, which knows the rules. */
function fieldValue(raw: string | boolean | undefined, numeric: boolean): string | number | null | undefined {
  if (typeof raw !== 'string') return undefined;
  if (raw === 'default') return null;
  return numeric ? Number(raw) : raw;
}

/**
 * Reads a key from stdin: typed without echo on a terminal, piped
 * otherwise. Never from the command line, where it would stay in the shell
 * history and be visible in the process list.
 */
async function readSecret(prompt: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    let text = '';
    for await (const chunk of stdin) text += String(chunk);
    return text.split(/\r?\n/)[0]!.trim();
  }
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    let value = '';
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') {
          done();
          return resolve(value.trim());
        }
        if (ch === '\u0003') {
          done();
          return reject(new UsageError('Cancelled; nothing was changed.'));
        }
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    const done = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    stdin.on('data', onData);
  });
}

export const NETWORK_COMMANDS: Command[] = [
  {
    name: 'sources',
    synopsis: 'sources [check [SOURCE...] | set SOURCE --url URL|--rate N|--concurrency N|default | contact TEXT]',
    summary: 'Show how Sleeve reaches each service, check that each answers, or save a base URL, rate or concurrency.',
    options: { url: { type: 'string' }, rate: { type: 'string' }, concurrency: { type: 'string' }, ...NETWORK_OPTIONS },
    async run(core, values, positionals, out) {
      const [action, arg] = positionals;
      let view: NetworkSettingsView;
      if (action === 'check') {
        const sources = positionals.slice(1).map(sourceArg);
        const params = { network: { ...networkParamsFromFlags(values), noCache: true }, ...(sources.length ? { sources } : {}) };
        return runJobInForeground(core, { kind: 'check-sources', params }, out, (final) => {
          const checks = readSourceChecks(core.db);
          for (const [source, check] of Object.entries(checks)) {
            if (final.startedAt === null || check.at < final.startedAt) continue;
            const latency = check.latencyMs === null ? '' : ` (${check.latencyMs} ms)`;
            out.stdout.write(
              values.json
                ? `${JSON.stringify({ source, ...check })}\n`
                : `${SOURCE_LABELS[source as SourceName].padEnd(18)} ${check.outcome}: ${check.message}${latency}\n`,
            );
          }
        });
      }
      if (action === undefined) {
        view = (await core.api.call('networkSettings', [])) as NetworkSettingsView;
      } else if (action === 'set') {
        const source = sourceArg(arg);
        const change = {
          baseUrl: fieldValue(values.url, false) as string | null | undefined,
          rate: fieldValue(values.rate, true) as number | null | undefined,
          concurrency: fieldValue(values.concurrency, true) as number | null | undefined,
        };
        if (Object.values(change).every((v) => v === undefined)) throw new UsageError('Say what to set: --url, --rate or --concurrency');
        view = (await core.api.call('saveNetworkSettings', [{ sources: { [source]: change } }])) as NetworkSettingsView;
      } else if (action === 'contact') {
        if (arg === undefined) throw new UsageError('Give an e-mail address or URL, or "default"');
        view = (await core.api.call('saveNetworkSettings', [{ contact: arg === 'default' ? null : arg }])) as NetworkSettingsView;
      } else {
        throw new UsageError(`Unknown action '${action}': use 'sources', 'sources set SOURCE …' or 'sources contact TEXT'`);
      }
      if (values.json) out.stdout.write(`${JSON.stringify(view)}\n`);
      else printSources(view, out.stdout);
      return 0;
    },
  },
  {
    name: 'secrets',
    synopsis: 'secrets [set NAME | clear NAME]',
    summary: `Show which keys are set, or set one from stdin (${SECRET_NAMES.join(', ')}).`,
    options: {},
    async run(core, values, positionals, out) {
      const [action, name] = positionals;
      if (action !== undefined) {
        if (!name || !(SECRET_NAMES as readonly string[]).includes(name)) throw new UsageError(`Name a key: ${SECRET_NAMES.join(', ')}`);
        if (action === 'set') {
          const value = await readSecret(`Paste the ${name} and press Enter (it is not shown): `);
          if (!value) throw new UsageError('Nothing was entered; nothing was changed.');
          await core.api.call('setSecret', [name as SecretName, value]);
        } else if (action === 'clear') {
          await core.api.call('setSecret', [name as SecretName, null]);
        } else {
          throw new UsageError(`Unknown action '${action}': use 'secrets set NAME' or 'secrets clear NAME'`);
        }
      }
      const view = (await core.api.call('networkSettings', [])) as NetworkSettingsView;
      if (values.json) {
        out.stdout.write(`${JSON.stringify({ location: view.secretsLocation, secrets: view.secrets })}\n`);
        return 0;
      }
      printKeys(view, out.stdout);
      return 0;
    },
  },
  {
    name: 'cache',
    synopsis: 'cache [clear [SOURCE]]',
    summary: 'Show the answers cached per service, or forget them.',
    options: {},
    async run(core, values, positionals, out) {
      const [action, source] = positionals;
      if (action === 'clear') {
        const dropped = (await core.api.call('clearHttpCache', source ? [sourceArg(source)] : [])) as number;
        out.stdout.write(values.json ? `${JSON.stringify({ cleared: dropped })}\n` : `Forgot ${dropped} cached answers.\n`);
        return 0;
      }
      if (action !== undefined) throw new UsageError(`Unknown action '${action}': use 'cache' or 'cache clear [SOURCE]'`);
      const view = (await core.api.call('networkSettings', [])) as NetworkSettingsView;
      const rows = view.sources.map((s) => ({ source: s.source, entries: s.cache.entries, bytes: s.cache.bytes }));
      if (values.json) out.stdout.write(`${JSON.stringify({ cache: rows })}\n`);
      else for (const r of rows) out.stdout.write(`${r.source.padEnd(16)} ${String(r.entries).padStart(8)} answers  ${formatBytes(r.bytes)}\n`);
      return 0;
    },
  },
];
