#!/usr/bin/env node
// Runs Electronegativity (Doyensec's Electron security checks) over the
// desktop app's sources and fails on any HIGH finding that nobody has
// reviewed. Its own CLI exits 0 whatever it finds, so it runs here through
// its programmatic entry.
//
// A finding is reviewed by a comment on its line, or in the comment lines
// directly above it, that names the check and gives a reason:
//
//   // electronegativity-reviewed OPEN_EXTERNAL_JS_CHECK: only https or the configured accounts origin reach it
//
// (in HTML, the same inside <!-- -->). A finding with no file (a global
// check) is reviewed by such a comment anywhere in the scanned files. The
// run fails on: an unreviewed HIGH finding, a review without a reason (three
// words at least), a review that matches no finding any more (stale), a file
// Electronegativity could not parse, and an eng-disable comment (its own
// switch, which hides a finding without a reason). MEDIUM and lower findings
// are listed, and may be reviewed, but do not fail the run; a few checks
// count as HIGH whatever Electronegativity rates them (RAISED_TO_HIGH).
//
// Scanned: src/main, src/preload and src/renderer, tests left out. src/core,
// src/server and src/cli may not import electron (scripts/check-layers.mjs),
// so Electron's checks have nothing to find there.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const ROOT = path.resolve(import.meta.dirname, '..');
export const SCANNED_DIRS = ['src/main', 'src/preload', 'src/renderer'];
const SOURCE = /\.(js|jsx|ts|tsx|html|htm)$/;
const TEST = /\.test\.[cm]?[jt]sx?$/;
/** The global check that downloads Electron's release list: keeping Electron current is the dependency updates' job, and a test run stays offline. */
const EXCLUDED_CHECKS = ['AvailableSecurityFixesGlobalCheck'];
const MIN_REASON_WORDS = 3;
/**
 * Checks rated HIGH here whatever Electronegativity says: each undoes a
 * protection the window is built on (DESIGN.md: sandboxed, no Node in the
 * page). Electronegativity 1.10 rates an explicit nodeIntegration: true
 * INFORMATIONAL and a missing sandbox MEDIUM, as Electron's defaults now
 * cover them; a setting written out is no default.
 */
export const RAISED_TO_HIGH = new Set([
  'NODE_INTEGRATION_JS_CHECK', // nodeIntegration, nodeIntegrationInWorker or nodeIntegrationInSubFrames: true
  'SANDBOX_JS_CHECK', // sandbox missing or false
  'WEB_SECURITY_JS_CHECK', // webSecurity: false
  'WEB_SECURITY_HTML_CHECK',
  'INSECURE_CONTENT_JS_CHECK', // allowRunningInsecureContent: true
  'INSECURE_CONTENT_HTML_CHECK',
]);

export const REVIEW_MARKER = 'electronegativity-reviewed';
const REVIEW = /electronegativity-reviewed\b[ \t]*([A-Za-z0-9_]*)[ \t]*:?(.*)$/;
const ENG_DISABLE = /(?:\/\/|\/\*|<!--)[ \t]*eng-disable\b/;
const COMMENT_LINE = /^\s*(?:\/\/|\/\*|\*|<!--)/;

/** The source files Electronegativity should see under dirs (relative to root), sorted. */
export function sourceFiles(root, dirs = SCANNED_DIRS) {
  const files = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') walk(full);
      } else if (SOURCE.test(entry.name) && !TEST.test(entry.name) && !entry.name.endsWith('.d.ts')) {
        files.push(full);
      }
    }
  };
  for (const dir of dirs) walk(path.resolve(root, dir));
  return files.sort();
}

/**
 * The review comments in a file's text: { line, id, reason, valid }, line
 * 1-based. valid needs a check id and a reason of MIN_REASON_WORDS words.
 */
export function parseReviews(text) {
  const reviews = [];
  text.split('\n').forEach((source, i) => {
    const match = source.match(REVIEW);
    if (!match) return;
    const id = match[1].toUpperCase();
    const reason = match[2].replace(/\s*(?:\*\/|-->)\s*$/, '').trim();
    const words = reason.split(/\s+/).filter((w) => /\w/.test(w)).length;
    reviews.push({ line: i + 1, id, reason, valid: id !== '' && words >= MIN_REASON_WORDS });
  });
  return reviews;
}

/** Lines (1-based) of eng-disable comments in a file's text. */
export function engDisableLines(text) {
  return text.split('\n').flatMap((source, i) => (ENG_DISABLE.test(source) ? [i + 1] : []));
}

/** The lines whose review comments cover a finding on line: the line itself and the comment lines directly above it. */
function coveringLines(lines, line) {
  const covering = [line];
  for (let l = line - 1; l >= 1 && COMMENT_LINE.test(lines[l - 1] ?? ''); l--) covering.push(l);
  return covering;
}

/**
 * Matches findings to review comments. files maps a file (as findings name
 * it) to its text. Returns the findings with reviewed (the reason, or null),
 * the invalid reviews, the stale ones, and the eng-disable comments.
 */
export function applyReviews(findings, files) {
  const reviews = [];
  const engDisables = [];
  const lines = new Map();
  for (const [file, text] of files) {
    lines.set(file, text.split('\n'));
    for (const review of parseReviews(text)) reviews.push({ ...review, file, used: false });
    for (const line of engDisableLines(text)) engDisables.push({ file, line });
  }
  const reviewed = findings.map((finding) => {
    const candidates = reviews.filter((r) => {
      if (r.id !== finding.id) return false;
      if (!lines.has(finding.file)) return true; // a global finding: no file, no line
      return r.file === finding.file && coveringLines(lines.get(finding.file), finding.line).includes(r.line);
    });
    candidates.forEach((r) => (r.used = true));
    const valid = candidates.find((r) => r.valid);
    return { ...finding, reviewed: valid ? valid.reason : null };
  });
  return {
    findings: reviewed,
    invalidReviews: reviews.filter((r) => !r.valid),
    staleReviews: reviews.filter((r) => r.valid && !r.used),
    engDisables,
  };
}

let loaded = null;

/**
 * Electronegativity's run function, loaded once. Its start-up asks an S3
 * bucket for fresh translations (through got, with a one-second timeout);
 * that request is answered here with a 404 so the run stays offline and its
 * texts stay the ones installed (en-US).
 */
function electronegativity() {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  const pkgDir = path.dirname(require.resolve('@doyensec/electronegativity/package.json'));
  const fromPkg = createRequire(path.join(pkgDir, 'dist/runner.js'));
  const gotPath = fromPkg.resolve('got');
  const offline = async () => ({ statusCode: 404, body: '' });
  require.cache[gotPath] = { id: gotPath, filename: gotPath, loaded: true, exports: Object.assign(offline, { default: offline }) };
  const runner = fromPkg('./runner.js');
  const util = fromPkg('./util/index.js');
  const run = typeof runner === 'function' ? runner : runner.default;
  if (typeof run !== 'function' || typeof util.list_files !== 'function') {
    throw new Error('@doyensec/electronegativity changed shape: scripts/electronegativity.mjs needs a look.');
  }
  loaded = { run, util };
  return loaded;
}

function electronVersion(root) {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const wanted = pkg.devDependencies?.electron ?? pkg.dependencies?.electron;
  return wanted?.match(/\d+\.\d+\.\d+/)?.[0];
}

/**
 * Runs Electronegativity over files (absolute paths) and returns
 * { findings, errors, checks }: findings as { file, line, column, id,
 * severity, confidence, manualReview, description }, file relative to root
 * ('' for a global finding), errors as { file, message }.
 */
export async function scan(files, { root = ROOT, version = electronVersion(root) } = {}) {
  if (files.length === 0) throw new Error('Electronegativity was given no files to scan.');
  const { run, util } = electronegativity();
  // It lists a directory itself; it is given exactly these files instead. Its
  // input stays their common folder, which it also searches for installed
  // Electron versions (read-package-tree): never a folder with node_modules.
  let input = path.dirname(files[0]);
  while (!files.every((f) => f.startsWith(input + path.sep))) input = path.dirname(input);
  const listFiles = util.list_files;
  util.list_files = async () => [...files];
  let result;
  try {
    result = await run({ input, electronVersionOverride: version, excludeFromScan: EXCLUDED_CHECKS, isRelative: false });
  } finally {
    util.list_files = listFiles;
  }
  const rel = (file) => (file && file !== 'N/A' ? path.relative(root, file) : '');
  return {
    checks: result.globalChecks + result.atomicChecks,
    errors: result.errors.map((e) => ({ file: rel(e.file), message: e.message })),
    findings: result.issues.map((issue) => ({
      file: rel(issue.file),
      line: issue.location?.line ?? 0,
      column: issue.location?.column ?? 0,
      id: issue.id,
      severity: issue.severity.name,
      confidence: issue.confidence.name,
      manualReview: Boolean(issue.manualReview),
      description: issue.description,
    })),
  };
}

const SEVERITY_ORDER = { HIGH: 0, MEDIUM: 1, LOW: 2, INFORMATIONAL: 3 };

/** Scans files and judges the result: { ok, findings, failures, errors, invalidReviews, staleReviews, engDisables, checks }. */
export async function check(files, options = {}) {
  const root = options.root ?? ROOT;
  const scanned = await scan(files, { ...options, root });
  const texts = new Map(files.map((f) => [path.relative(root, f), fs.readFileSync(f, 'utf8')]));
  const judged = applyReviews(scanned.findings, texts);
  const findings = judged.findings
    .map((f) => {
      const level = RAISED_TO_HIGH.has(f.id) ? 'HIGH' : f.severity;
      return { ...f, level, fails: level === 'HIGH' && f.reviewed === null };
    })
    .sort((a, b) => SEVERITY_ORDER[a.level] - SEVERITY_ORDER[b.level] || a.file.localeCompare(b.file) || a.line - b.line);
  const failures = findings.filter((f) => f.fails);
  const ok =
    failures.length === 0 &&
    scanned.errors.length === 0 &&
    judged.invalidReviews.length === 0 &&
    judged.staleReviews.length === 0 &&
    judged.engDisables.length === 0;
  const { invalidReviews, staleReviews, engDisables } = judged;
  return { ok, checks: scanned.checks, files: files.length, findings, failures, errors: scanned.errors, invalidReviews, staleReviews, engDisables };
}

/** The report: a table of findings, then what else failed, then a one-line summary. */
export function report(result, ms) {
  const out = [];
  const at = (f) => (f.file ? `${f.file}:${f.line}` : '(global)');
  const status = (f) => (f.reviewed !== null ? 'reviewed' : f.fails ? 'FAIL: not reviewed' : 'not reviewed');
  if (result.findings.length > 0) {
    const severity = (f) => (f.level === f.severity ? f.level : `${f.level} (tool: ${f.severity})`);
    const rows = result.findings.map((f) => [at(f), f.id, severity(f), f.confidence, status(f), f.description]);
    const head = ['where', 'check', 'severity', 'confidence', 'review', 'description'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    widths[widths.length - 1] = 0;
    const line = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
    out.push(line(head), line(widths.map((w, i) => '-'.repeat(w || head[i].length))));
    result.findings.forEach((f, i) => {
      out.push(line(rows[i]));
      if (f.reviewed !== null) out.push(`${' '.repeat(widths[0] + 2)}reason: ${f.reviewed}`);
    });
    out.push('');
  }
  for (const e of result.errors) out.push(`FAIL ${e.file}: Electronegativity could not parse it: ${e.message}`);
  for (const r of result.invalidReviews) {
    out.push(`FAIL ${r.file}:${r.line}: a review needs a check id and a reason of ${MIN_REASON_WORDS} words or more: "${REVIEW_MARKER} CHECK_ID: reason"`);
  }
  for (const r of result.staleReviews) out.push(`FAIL ${r.file}:${r.line}: stale review, ${r.id} finds nothing here any more; remove the comment`);
  for (const d of result.engDisables) out.push(`FAIL ${d.file}:${d.line}: eng-disable hides a finding without a reason; use "${REVIEW_MARKER} CHECK_ID: reason"`);
  const count = (level) => result.findings.filter((f) => f.level === level).length;
  const reviewed = result.findings.filter((f) => f.reviewed !== null).length;
  const problems = [
    result.failures.length && `${result.failures.length} unreviewed HIGH`,
    result.errors.length && `${result.errors.length} unparsed files`,
    result.invalidReviews.length && `${result.invalidReviews.length} reviews without a reason`,
    result.staleReviews.length && `${result.staleReviews.length} stale reviews`,
    result.engDisables.length && `${result.engDisables.length} eng-disable comments`,
  ].filter(Boolean);
  out.push(
    `Electronegativity ${result.ok ? 'passed' : `FAILED (${problems.join(', ')})`}: ${result.files} files, ${result.checks} checks, ` +
      `${result.findings.length} findings (${count('HIGH')} high, ${count('MEDIUM')} medium, ${count('LOW') + count('INFORMATIONAL')} low), ` +
      `${reviewed} reviewed, in ${(ms / 1000).toFixed(1)} s.`,
  );
  return out.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const started = performance.now();
  try {
    const result = await check(sourceFiles(ROOT));
    console.log(report(result, performance.now() - started));
    process.exitCode = result.ok ? 0 : 1;
  } catch (err) {
    console.error(`Electronegativity could not run: ${err.stack ?? err}`);
    process.exitCode = 1;
  }
}
