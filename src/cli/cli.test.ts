import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI_ENTRY, ROOT } from './testing/run-cli';

const cliArgs = [CLI_ENTRY];
let dir: string;
let db: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-cli-'));
  db = path.join(dir, 'library.sqlite');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function cli(...args: string[]) {
  return spawnSync(process.execPath, [...cliArgs, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
}

function lastJsonLine(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines.at(-1)!) as Record<string, unknown>;
}

describe('sleeve CLI', () => {
  it('runs a job and prints the result as the last JSON line', () => {
    const run = cli('count', '12', '--delay', '5', '--db', db, '--json');
    expect(run.status).toBe(0);
    const result = lastJsonLine(run.stdout);
    expect(result).toMatchObject({ job: 'count', state: 'done', counters: { counted: 12 } });
    expect(typeof result.elapsedMs).toBe('number');
  });

  it('exits non-zero with the reason when the job fails', () => {
    const run = cli('count', '5', '--fail-at', '2', '--db', db, '--json');
    expect(run.status).toBe(1);
    expect(lastJsonLine(run.stdout)).toMatchObject({ state: 'failed', error: 'Asked to fail at 2' });
  });

  it('lists the job history', () => {
    cli('count', '3', '--db', db);
    const run = cli('jobs', '--db', db, '--json');
    expect(run.status).toBe(0);
    const { jobs } = lastJsonLine(run.stdout) as { jobs: Array<{ kind: string; state: string }> };
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ kind: 'count', state: 'done' });
  });

  it('explains usage errors and a file that is not a library', () => {
    const unknown = cli('frobnicate', '--db', db);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown command 'frobnicate'/);
    const badFlag = cli('count', '3', '--bogus', '--db', db);
    expect(badFlag.status).toBe(2);
    expect(badFlag.stderr).toMatch(/Usage: npm run cli -- count N/);

    const notes = path.join(dir, 'notes.txt');
    fs.writeFileSync(notes, 'not a database'.repeat(100));
    const notLibrary = cli('jobs', '--db', notes);
    expect(notLibrary.status).toBe(3);
    expect(notLibrary.stderr).toMatch(/is not a Sleeve library/);
  });

  it('scans a folder, lists failures as JSON lines before the result, and prints every track', async () => {
    const { makeAudioFile } = await import('../core/scan/testing/audio');
    const music = path.join(dir, 'Music');
    makeAudioFile(path.join(music, 'Ann', 'One.flac'), 'flac', {
      title: 'One',
      artist: 'Ann',
      album: 'First',
      albumArtist: 'Ann',
      track: '1/9',
      disc: '2/2',
      date: '1999',
      extra: { MUSICBRAINZ_TRACKID: 'c0ffee00-0000-4000-8000-000000000001', MUSICBRAINZ_ALBUMID: 'c0ffee00-0000-4000-8000-000000000002', MUSICBRAINZ_RELEASEGROUPID: 'c0ffee00-0000-4000-8000-000000000003', MUSICBRAINZ_ARTISTID: 'c0ffee00-0000-4000-8000-000000000004' },
    });
    fs.writeFileSync(path.join(music, 'broken.mp3'), '');

    const run = cli('scan', music, '--db', db, '--json', '--workers', '1');
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.at(-1)).toMatchObject({ job: 'scan', state: 'done', counters: { found: 2, parsed: 1, failed: 1 } });
    expect(lines.slice(0, -1)).toEqual([{ failed: { path: path.join(music, 'broken.mp3'), reason: 'the file is empty (0 bytes)' } }]);

    const tracks = cli('tracks', '--db', db, '--json');
    const rows = tracks.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.title === 'One')).toMatchObject({
      path: path.join(music, 'Ann', 'One.flac'),
      title: 'One',
      artist: 'Ann',
      album: 'First',
      albumArtist: 'Ann',
      trackNumber: 1,
      discNumber: 2,
      year: 1999,
      yearSource: 'tag',
      format: 'flac',
      status: 'ok',
      musicbrainz: {
        recordingId: 'c0ffee00-0000-4000-8000-000000000001',
        releaseId: 'c0ffee00-0000-4000-8000-000000000002',
        releaseGroupId: 'c0ffee00-0000-4000-8000-000000000003',
        artistIds: ['c0ffee00-0000-4000-8000-000000000004'],
      },
    });
    expect(rows.find((r) => r.status === 'failed')).toMatchObject({ path: path.join(music, 'broken.mp3') });
    expect(typeof rows[0]!.durationMs).toBe('number');

    // No folder given: every folder added before is scanned again.
    const rescan = cli('scan', '--db', db, '--json');
    expect(JSON.parse(rescan.stdout.trim().split('\n').at(-1)!)).toMatchObject({ counters: { unchanged: 1 } });
  });

  it('cancels cleanly on Ctrl-C sent to the whole process group, as a terminal does', async () => {
    const child = spawn(process.execPath, [...cliArgs, 'count', '100000', '--delay', '10', '--db', db, '--json'], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // Wait until the worker has counted, so the signal lands mid-job.
    for (let i = 0; i < 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const check = cli('jobs', '--db', db, '--json');
      const { jobs } = lastJsonLine(check.stdout) as { jobs: Array<{ state: string; counters: { counted?: number } }> };
      if ((jobs[0]?.counters.counted ?? 0) > 0) break;
    }
    process.kill(-child.pid!, 'SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(stderr).toMatch(/Cancelling count/);
    expect(code).toBe(130);
    expect(lastJsonLine(stdout)).toMatchObject({ state: 'cancelled' });
  });
});
