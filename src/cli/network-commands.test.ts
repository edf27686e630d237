import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakes, type Fakes } from '../core/testing/fakes';
import { runCli, type CliRun } from './testing/run-cli';

let dir: string;
let db: string;
let secretsFile: string;
let fakes: Fakes;

beforeAll(async () => {
  fakes = await startFakes({ seed: 3 });
});
afterAll(() => fakes.close());
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-cli-net-'));
  db = path.join(dir, 'library.sqlite');
  secretsFile = path.join(dir, 'secrets.json');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function cli(args: string[], input = ''): Promise<CliRun> {
  return runCli([...args, '--db', db], { env: { SLEEVE_SECRETS: secretsFile }, input });
}

const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;

describe('sources, secrets and cache commands', () => {
  it('saves a mirror address without /ws/2 and rate 0, shows where each value came from, and refuses a bad one', async () => {
    const saved = await cli(['sources', 'set', 'musicbrainz', '--url', 'http://mirror.local:5000/ws/2/', '--rate', '0', '--json']);
    expect(saved.status).toBe(0);
    const mb = (lastJson(saved.stdout).sources as Array<Record<string, unknown>>).find((s) => s.source === 'musicbrainz');
    expect(mb).toMatchObject({ baseUrl: 'http://mirror.local:5000', rate: 0, origin: { baseUrl: 'saved', rate: 'saved', concurrency: 'default' } });

    const bad = await cli(['sources', 'set', 'coverart', '--url', 'ftp://nope']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/must start with http:\/\/ or https:\/\//);
    const badFlag = await cli(['sources', 'check', '--musicbrainz-rate', 'fast']);
    expect(badFlag.status).toBe(2);
    expect(badFlag.stderr).toMatch(/--musicbrainz-rate: the rate is requests a second/);
  }, 30_000);

  it('keeps a key in a file only its owner can read, and never prints it back', async () => {
    const set = await cli(['secrets', 'set', 'discogsToken', '--json'], 'my-discogs-token\n');
    expect(set.status).toBe(0);
    expect(set.stdout).not.toContain('my-discogs-token');
    expect(lastJson(set.stdout).secrets).toContainEqual(expect.objectContaining({ name: 'discogsToken', set: true }));
    expect(fs.statSync(secretsFile).mode & 0o777).toBe(0o600);
    const empty = await cli(['secrets', 'set', 'theaudiodbKey'], '\n');
    expect(empty.status).toBe(2);
  }, 30_000);

  it('checks every service through the flags, with the key handed to the job but never stored with it', async () => {
    await cli(['secrets', 'set', 'discogsToken'], 'tok-for-check\n');
    const urls = fakes.urls;
    const run = await cli([
      'sources', 'check', '--json',
      '--musicbrainz-url', urls.musicbrainz, '--musicbrainz-rate', '0',
      '--coverart-url', urls.coverart,
      '--theaudiodb-url', urls.theaudiodb, '--theaudiodb-rate', '0',
      '--discogs-url', urls.discogs, '--discogs-rate', '0',
      '--spotify-api-url', urls.spotify, '--spotify-accounts-url', urls.spotifyAccounts,
    ]);
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const bySource = Object.fromEntries(lines.filter((l) => 'source' in l).map((l) => [l.source, l]));
    expect(bySource.musicbrainz).toMatchObject({ outcome: 'ok' });
    expect(bySource.coverart).toMatchObject({ outcome: 'ok' });
    expect(bySource.theaudiodb).toMatchObject({ outcome: 'ok' });
    expect(bySource.discogs).toMatchObject({ outcome: 'ok', message: 'answered a search with your token' });
    expect(bySource.spotify).toMatchObject({ outcome: 'skipped' });
    expect(lines.at(-1)).toMatchObject({ job: 'check-sources', state: 'done', counters: { reachable: 4, skipped: 1 } });
    expect(fakes.discogs.stats.requests.some((r) => String(r.headers.authorization) === 'Discogs token=tok-for-check')).toBe(true);

    const history = await cli(['jobs', '--json']);
    expect(history.stdout).not.toContain('tok-for-check');
    for (const file of [db, `${db}-wal`].filter((f) => fs.existsSync(f))) expect(fs.readFileSync(file).includes('tok-for-check')).toBe(false);
  }, 60_000);

  it('reports an unreachable service as deferred, not as an error', async () => {
    const closed = await startFakes({ seed: 4 });
    const url = closed.urls.musicbrainz;
    await closed.close();
    const run = await cli(['sources', 'check', 'musicbrainz', '--json', '--musicbrainz-url', url]);
    expect(run.status).toBe(0);
    const check = JSON.parse(run.stdout.trim().split('\n')[0]!) as Record<string, unknown>;
    expect(check).toMatchObject({ source: 'musicbrainz', outcome: 'deferred' });
    expect(String(check.message)).toMatch(/ECONNREFUSED/);
  }, 30_000);
});
