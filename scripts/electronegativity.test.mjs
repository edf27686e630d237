import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { applyReviews, check, parseReviews, report } from './electronegativity.mjs';

const REVIEW = '// electronegativity-reviewed CONTEXT_ISOLATION_JS_CHECK';

/**
 * A tiny Electron app: a window with navigation limited, a permission
 * handler and a CSP, so the only findings that count are those of the
 * webPreferences on line 5 (by default contextIsolation: false, a HIGH
 * finding); comment is line 4, just above.
 */
function app(comment = '', settings = 'sandbox: true, contextIsolation: false') {
  return `const { app, BrowserWindow, session } = require('electron');
app.whenReady().then(() => {
  const win = new BrowserWindow({ webPreferences: {
${comment}
    ${settings} } });
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.webContents.on('will-navigate', (event) => event.preventDefault());
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  win.loadFile('index.html');
});
`;
}
const HTML = `<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'self'; object-src 'none'"></head><body></body></html>\n`;

const dirs = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** Writes files into a fresh folder and runs the real check over them. */
async function run(files) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-electronegativity-'));
  dirs.push(root);
  fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ devDependencies: { electron: '40.8.5' } }));
  const paths = Object.entries(files).map(([name, text]) => {
    const file = path.join(root, 'app', name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
  });
  return check(paths, { root });
}

describe('review comments', () => {
  it('reads the check id and the reason, in JS and HTML comments', () => {
    expect(
      parseReviews(
        [
          'x(); // electronegativity-reviewed OPEN_EXTERNAL_JS_CHECK: https only, checked just above',
          '/* electronegativity-reviewed csp_global_check: the header adds frame-ancestors */',
          '<!-- electronegativity-reviewed CSP_HTML_CHECK: styles come from the bundle -->',
          '// electronegativity-reviewed PRELOAD_JS_CHECK',
          '// electronegativity-reviewed PRELOAD_JS_CHECK: fine',
          '// electronegativity-reviewed: a reason but no check id',
        ].join('\n'),
      ),
    ).toEqual([
      { line: 1, id: 'OPEN_EXTERNAL_JS_CHECK', reason: 'https only, checked just above', valid: true },
      { line: 2, id: 'CSP_GLOBAL_CHECK', reason: 'the header adds frame-ancestors', valid: true },
      { line: 3, id: 'CSP_HTML_CHECK', reason: 'styles come from the bundle', valid: true },
      { line: 4, id: 'PRELOAD_JS_CHECK', reason: '', valid: false },
      { line: 5, id: 'PRELOAD_JS_CHECK', reason: 'fine', valid: false },
      { line: 6, id: '', reason: 'a reason but no check id', valid: false },
    ]);
  });

  it('covers a finding from its own line or the comment lines directly above, and a global finding from anywhere', () => {
    const text = ['// electronegativity-reviewed A_CHECK: the reason is given here', '// more words', 'flagged();', '', 'other(); // electronegativity-reviewed B_CHECK: on the line itself, fine'].join('\n');
    const finding = (id, line, file = 'f.js') => ({ id, line, file, severity: 'HIGH' });
    const { findings, staleReviews } = applyReviews(
      [finding('A_CHECK', 3), finding('B_CHECK', 5), finding('A_CHECK', 5), finding('C_CHECK', 0, '')],
      new Map([['f.js', text]]),
    );
    expect(findings.map((f) => f.reviewed)).toEqual(['the reason is given here', 'on the line itself, fine', null, null]);
    expect(staleReviews).toEqual([]);
    // A blank line breaks the link to the comment above.
    const apart = applyReviews([finding('A_CHECK', 4)], new Map([['f.js', text.replace('flagged();', '')]]));
    expect(apart.findings[0].reviewed).toBeNull();
    expect(apart.staleReviews.map((r) => r.id)).toEqual(['A_CHECK', 'B_CHECK']);
    const global = applyReviews([finding('C_CHECK', 0, '')], new Map([['f.js', '// electronegativity-reviewed C_CHECK: handled elsewhere in the app']]));
    expect(global.findings[0].reviewed).toBe('handled elsewhere in the app');
  });
});

describe('the Electronegativity check, run for real', () => {
  it('fails on an unreviewed HIGH finding', async () => {
    const result = await run({ 'main.js': app(), 'index.html': HTML });
    expect(result.errors).toEqual([]);
    expect(result.failures.map((f) => [f.file, f.line, f.id, f.severity])).toEqual([['app/main.js', 5, 'CONTEXT_ISOLATION_JS_CHECK', 'HIGH']]);
    expect(result.ok).toBe(false);
    const text = report(result, 1234);
    expect(text).toMatch(/app\/main\.js:5 +CONTEXT_ISOLATION_JS_CHECK +HIGH +FIRM +FAIL: not reviewed/);
    expect(text.split('\n').at(-1)).toMatch(/^Electronegativity FAILED \(1 unreviewed HIGH\): 2 files, .* in 1\.2 s\.$/);
  });

  it('counts nodeIntegration: true and a missing sandbox as HIGH, which Electronegativity rates lower', async () => {
    const result = await run({ 'main.js': app('', 'contextIsolation: true, nodeIntegration: true'), 'index.html': HTML });
    expect(result.failures.map((f) => [f.line, f.id, f.level, f.severity])).toEqual([
      [3, 'SANDBOX_JS_CHECK', 'HIGH', 'MEDIUM'],
      [5, 'NODE_INTEGRATION_JS_CHECK', 'HIGH', 'INFORMATIONAL'],
    ]);
    expect(report(result, 10)).toMatch(/app\/main\.js:5 +NODE_INTEGRATION_JS_CHECK +HIGH \(tool: INFORMATIONAL\) +FIRM +FAIL: not reviewed/);
  });

  it('passes when the finding is reviewed with a reason', async () => {
    const result = await run({ 'main.js': app(`${REVIEW}: the fixture turns isolation off on purpose`), 'index.html': HTML });
    expect(result.failures).toEqual([]);
    expect(result.findings.find((f) => f.id === 'CONTEXT_ISOLATION_JS_CHECK')?.reviewed).toBe('the fixture turns isolation off on purpose');
    expect(result.ok).toBe(true);
    expect(report(result, 10)).toMatch(/reason: the fixture turns isolation off on purpose/);
  });

  it('does not count a review without a reason, and fails on it', async () => {
    const result = await run({ 'main.js': app(REVIEW), 'index.html': HTML });
    expect(result.failures).toHaveLength(1);
    expect(result.invalidReviews.map((r) => [r.file, r.line])).toEqual([['app/main.js', 4]]);
    expect(result.ok).toBe(false);
    expect(report(result, 10)).toMatch(/FAIL app\/main\.js:4: a review needs a check id and a reason/);
  });

  it('fails on a stale review, one that no finding matches any more', async () => {
    const secure = app(`${REVIEW}: this window used to share its context`, 'sandbox: true, contextIsolation: true');
    const result = await run({ 'main.js': secure, 'index.html': HTML });
    expect(result.failures).toEqual([]);
    expect(result.staleReviews.map((r) => [r.file, r.line, r.id])).toEqual([['app/main.js', 4, 'CONTEXT_ISOLATION_JS_CHECK']]);
    expect(result.ok).toBe(false);
    expect(report(result, 10)).toMatch(/FAIL app\/main\.js:4: stale review/);
  });

  it("fails on a file it cannot parse, and on Electronegativity's own eng-disable switch", async () => {
    const broken = await run({ 'main.js': app(`${REVIEW}: the fixture turns isolation off on purpose`), 'broken.ts': 'const x = ;\n', 'index.html': HTML });
    expect(broken.errors.map((e) => e.file)).toEqual(['app/broken.ts']);
    expect(broken.ok).toBe(false);
    // eng-disable hides the finding from Electronegativity's own results; the check still fails.
    const hidden = await run({ 'main.js': app('', 'sandbox: true, contextIsolation: false /* eng-disable CONTEXT_ISOLATION_JS_CHECK */'), 'index.html': HTML });
    expect(hidden.failures).toEqual([]);
    expect(hidden.engDisables).toEqual([{ file: 'app/main.js', line: 5 }]);
    expect(hidden.ok).toBe(false);
  });
});
