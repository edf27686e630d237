/**
 * Scan benchmark: `cli scan` of a realistic corpus against the naive way of
 * reading the same tags (a parseFile loop), measured in the same run, plus a
 * rescan with nothing changed and a table of worker counts.
 *
 * Run: tsx bench/scan.ts [--files N] [--workers-table 1,2,4,8] [--skip-table]
 * The last stdout line is the JSON summary; progress goes to stderr.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { DEFAULT_CORPUS_FILES, ensureCorpus } from './corpus';
import { measure, type Measured } from './process-tree';

const REPO_ROOT = path.resolve(import.meta.dirname, '..');
const NAIVE_SCRIPT = path.join(import.meta.dirname, 'naive-parse.ts');
const NAIVE_BUNDLE = path.join(REPO_ROOT, 'out', 'bench', 'naive-parse.js');
/** The CLI as `npm run cli` runs it: bundled plain JavaScript (scripts/run-node.mjs). */
const RUN_NODE = path.join(REPO_ROOT, 'scripts', 'run-node.mjs');

/**
 * Both sides run as plain JavaScript under node: the baseline bundled here,
 * the CLI by its own launcher, built before anything is timed.
 */
async function buildContenders(): Promise<void> {
  await build({
    entryPoints: [NAIVE_SCRIPT],
    outfile: NAIVE_BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'warning',
  });
  const cli = spawnSync(process.execPath, [RUN_NODE, 'cli', 'help'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (cli.status !== 0) throw new BenchError(`could not build the CLI: ${cli.stderr}`);
}

const TARGETS = { scanOverNaive: 0.35, rescanOverScan: 0.05, peakRssMb: 300 };

const log = (message: string) => process.stderr.write(`bench: ${message}\n`);
const round = (x: number, digits = 1) => Number(x.toFixed(digits));
const kbToMb = (kb: number | null) => (kb === null ? null : round(kb / 1024, 1));
const perSecond = (files: number, ms: number) => round(files / (ms / 1000), 1);
const fmt = (n: number | null, digits = 0) => (n === null ? 'n/a' : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));

class BenchError extends Error {}

const USAGE = 'Usage: tsx bench/scan.ts [--files N] [--workers-table 1,2,4,8] [--skip-table]';

function parseOptions() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        files: { type: 'string' },
        'workers-table': { type: 'string', default: '1,2,4,8' },
        'skip-table': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }));
  } catch (err) {
    throw new BenchError(`${(err as Error).message}\n${USAGE}`);
  }
  const files = values.files === undefined ? DEFAULT_CORPUS_FILES : Number(values.files);
  if (!Number.isInteger(files) || files < 1) throw new BenchError(`--files must be a positive whole number, got '${values.files}'`);
  const workers = values['workers-table'].split(',').map((s) => Number(s.trim()));
  if (workers.some((n) => !Number.isInteger(n) || n < 1)) throw new BenchError(`--workers-table takes positive whole numbers like 1,2,4,8, got '${values['workers-table']}'`);
  return { files, workers, skipTable: values['skip-table'], help: values.help };
}

/** The CLI's --json result: the last line of its stdout. */
interface JobResult {
  job: string;
  state: string;
  counters: Record<string, number>;
  elapsedMs?: number;
}

function isJobResult(value: unknown): value is JobResult {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.state === 'string' && typeof v.counters === 'object' && v.counters !== null;
}

function lastLine(text: string): string {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  return lines[lines.length - 1] ?? '';
}

function describeFailure(what: string, run: Measured): string {
  const how = run.signal ? `was killed by ${run.signal}` : `exited with code ${run.code}`;
  const stderr = run.stderr.trim() ? `\n--- stderr (tail) ---\n${run.stderr.trim()}` : '';
  return `${what} ${how}${stderr}`;
}

/** Every file of the corpus read once, so no run pays for a cold page cache the others do not. */
function warmPageCache(dir: string): number {
  let bytes = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) bytes += fs.readFileSync(path.join(entry.parentPath, entry.name)).length;
  }
  return bytes;
}

interface NaiveRun {
  run: Measured;
  result: { files: number; parsed: number; failed: number; listMs: number; parseMs: number };
}

async function runNaive(corpusDir: string, files: number): Promise<NaiveRun> {
  const run = await measure(process.execPath, [NAIVE_BUNDLE, corpusDir], { cwd: REPO_ROOT });
  if (run.code !== 0) throw new BenchError(describeFailure('the naive baseline', run));
  const result = JSON.parse(lastLine(run.stdout)) as NaiveRun['result'];
  if (result.files !== files) throw new BenchError(`the naive baseline listed ${result.files} audio files, the corpus has ${files}`);
  return { run, result };
}

interface ScanRun {
  run: Measured;
  result: JobResult;
}

async function runScan(corpusDir: string, dbPath: string, extraArgs: string[]): Promise<ScanRun> {
  const args = [RUN_NODE, 'cli', 'scan', corpusDir, '--db', dbPath, '--json', ...extraArgs];
  const run = await measure(process.execPath, args, { cwd: REPO_ROOT });
  const what = `cli scan ${extraArgs.join(' ')}`.trim();
  if (/Unknown command 'scan'/.test(run.stderr)) {
    throw new BenchError(`the CLI has no scan command yet (src/cli/commands.ts); only the naive baseline above was measured`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(lastLine(run.stdout));
  } catch {
    throw new BenchError(`${describeFailure(what, run)}\nits last stdout line is not JSON: ${JSON.stringify(lastLine(run.stdout).slice(0, 300))}`);
  }
  if (!isJobResult(parsed)) throw new BenchError(`${what}: unexpected result line ${JSON.stringify(parsed).slice(0, 300)}`);
  if (parsed.state !== 'done') throw new BenchError(`${describeFailure(what, run)}\njob ended as '${parsed.state}': ${JSON.stringify(parsed)}`);
  if (run.code !== 0) throw new BenchError(describeFailure(what, run));
  return { run, result: parsed };
}

/** A library file that exists for one run only. */
function freshDbPath(tempDirs: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-bench-scan-'));
  tempDirs.push(dir);
  return path.join(dir, 'library.sqlite');
}

const counter = (result: JobResult, name: string) => result.counters[name] ?? 0;

async function main(): Promise<void> {
  const options = parseOptions();
  if (options.help) {
    console.info(USAGE);
    return;
  }
  const { files } = options;
  const cpus = os.cpus();
  const machine = `${cpus.length} cores, ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${round(os.totalmem() / 2 ** 30, 1)} GiB, Node ${process.version}, ${os.type()} ${os.release()}`;
  console.info(`machine   ${machine}`);
  // Ratios are only meaningful when nothing else competes for the cores during the runs.
  const busy = () => {
    const load = os.loadavg()[0]!;
    if (load > cpus.length * 0.5) log(`warning: load average ${load.toFixed(2)} on ${cpus.length} cores; something else is running and the figures will be noisy`);
  };
  busy();

  const corpusDir = await ensureCorpus(files);
  log('warming the page cache');
  const corpusBytes = warmPageCache(corpusDir);
  console.info(`corpus    ${fmt(files)} audio files, ${fmt(corpusBytes / 1e6)} MB with folder art, in ${corpusDir}`);

  const problems: string[] = [];
  const problem = (message: string) => {
    problems.push(message);
    process.stderr.write(`\n!!! ${message}\n\n`);
  };
  const checkScanCounts = (label: string, result: JobResult) => {
    const accounted = counter(result, 'parsed') + counter(result, 'failed');
    if (accounted !== files) problem(`${label}: parsed ${counter(result, 'parsed')} + failed ${counter(result, 'failed')} = ${accounted}, but the corpus has ${files} audio files`);
    if (counter(result, 'failed') > 0) log(`${label}: ${counter(result, 'failed')} files failed to parse`);
  };

  const tempDirs: string[] = [];
  const cleanUp = () => {
    for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', cleanUp);
  try {
    log('building both sides as plain JavaScript');
    await buildContenders();
    log('(a) naive parseFile loop');
    const naive = await runNaive(corpusDir, files);
    const naiveMs = naive.run.wallMs;
    console.info(
      `(a) naive   ${fmt(naiveMs)} ms, ${fmt(perSecond(files, naiveMs), 1)} files/s, peak RSS ${fmt(kbToMb(naive.run.peakRssKb), 1)} MB (listing ${fmt(naive.result.listMs)} ms, parsing ${fmt(naive.result.parseMs)} ms, ${naive.result.failed} failed)`,
    );

    log('(b) cli scan into a fresh library');
    const dbPath = freshDbPath(tempDirs);
    const scan = await runScan(corpusDir, dbPath, []);
    checkScanCounts('(b) scan', scan.result);

    log('(c) cli scan again, nothing changed');
    const rescan = await runScan(corpusDir, dbPath, []);
    if (counter(rescan.result, 'unchanged') !== files) problem(`(c) rescan: unchanged is ${counter(rescan.result, 'unchanged')}, expected all ${files} files`);

    const table: { workers: number; scan: ScanRun }[] = [];
    if (!options.skipTable) {
      for (const workers of options.workers) {
        log(`cli scan --workers ${workers} into a fresh library`);
        const run = await runScan(corpusDir, freshDbPath(tempDirs), ['--workers', String(workers)]);
        checkScanCounts(`scan --workers ${workers}`, run.result);
        table.push({ workers, scan: run });
      }
    }

    busy();
    const scanMs = scan.run.wallMs;
    const rescanMs = rescan.run.wallMs;
    const scanRss = [scan, rescan, ...table.map((t) => t.scan)].map((s) => s.run.peakRssKb);
    const peakRssKb = scanRss.some((kb) => kb === null) ? null : Math.max(...(scanRss as number[]));
    const figures = {
      files,
      naiveMs: Math.round(naiveMs),
      scanMs: Math.round(scanMs),
      rescanMs: Math.round(rescanMs),
      naiveFilesPerSec: perSecond(files, naiveMs),
      scanFilesPerSec: perSecond(files, scanMs),
      rescanFilesPerSec: perSecond(files, rescanMs),
      scanOverNaive: round(scanMs / naiveMs, 3),
      rescanOverScan: round(rescanMs / scanMs, 3),
      peakRssMb: kbToMb(peakRssKb),
      naivePeakRssMb: kbToMb(naive.run.peakRssKb),
      workers: Object.fromEntries(table.map((t) => [String(t.workers), Math.round(t.scan.run.wallMs)])),
      countsOk: problems.length === 0,
    };

    const row = (label: string, run: Measured, note: string) =>
      console.info(
        `${label.padEnd(30)} ${fmt(run.wallMs).padStart(9)} ${fmt(perSecond(files, run.wallMs), 1).padStart(12)} ${fmt(kbToMb(run.peakRssKb), 1).padStart(12)}   ${note}`,
      );
    const cliNote = (r: JobResult) =>
      `CLI elapsed ${fmt(r.elapsedMs ?? null)} ms; ${Object.entries(r.counters)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`;
    console.info('');
    console.info(`${'run'.padEnd(30)} ${'wall ms'.padStart(9)} ${'files/s'.padStart(12)} ${'peak RSS MB'.padStart(12)}`);
    row('(a) naive parseFile loop', naive.run, `parsed ${naive.result.parsed}, failed ${naive.result.failed}`);
    row('(b) cli scan, fresh library', scan.run, cliNote(scan.result));
    row('(c) cli rescan, nothing changed', rescan.run, cliNote(rescan.result));
    for (const t of table) row(`    scan --workers ${t.workers}`, t.scan.run, cliNote(t.scan.result));
    console.info('');
    console.info(`scan / naive     ${figures.scanOverNaive}   (target <= ${TARGETS.scanOverNaive})`);
    console.info(`rescan / scan    ${figures.rescanOverScan}   (target <= ${TARGETS.rescanOverScan})`);
    console.info(`peak RSS (scans) ${fmt(figures.peakRssMb, 1)} MB   (target <= ${TARGETS.peakRssMb} MB at 100,000 files; this run: ${fmt(files)})`);
    if (problems.length > 0) console.info(`COUNT MISMATCHES: ${problems.join('; ')}`);

    // A scan that skips or double-counts files does not meet its targets however fast it is.
    const met =
      figures.countsOk &&
      figures.scanOverNaive <= TARGETS.scanOverNaive &&
      figures.rescanOverScan <= TARGETS.rescanOverScan &&
      figures.peakRssMb !== null &&
      figures.peakRssMb <= TARGETS.peakRssMb;
    const targets = { scanOverNaive: '<= 0.35', rescanOverScan: '<= 0.05', peakRssMb: '<= 300 at 100,000 files' };
    console.info(JSON.stringify({ bench: 'scan', figures, targets, met }));
  } finally {
    cleanUp();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof BenchError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
