import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseFile } from 'music-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeWriteFixture, type WriteFixture } from '../core/tags/testing';
import type { WriteHistoryEntry } from '../shared/write-back';
import { jsonLines, runCli } from './testing/run-cli';

let dir: string;
let fx: WriteFixture;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-cli-write-'));
  fx = await makeWriteFixture(dir, { formats: ['mp3', 'flac'] });
  fx.db.close();
}, 60_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const cli = (...args: string[]) => runCli([...args, '--db', fx.libraryPath]);

describe('write, write-history and write-undo', () => {
  it('--dry-run shows each file with old and new values and writes nothing', async () => {
    const before = fx.tracks.map((t) => fs.readFileSync(t.path));
    const run = await cli('write', '--dry-run');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(fx.tracks[0]!.path);
    expect(run.stdout).toContain("Title: 'track 1' → 'Track 1'");
    expect(run.stdout).toContain("Year (date): '2009' → '1999'");
    expect(run.stdout).toMatch(/2 files would change, 0 already hold these values, 0 would be skipped \(dry run: nothing written\)/);
    expect(fx.tracks.map((t) => fs.readFileSync(t.path))).toEqual(before);
  });

  it('writes only the fields and files asked for, without asking, and undoes by job', async () => {
    const [first, second] = fx.tracks;
    const run = await cli('write', '--tracks', String(first!.id), '--fields', 'year,originalYear', '--json');
    expect(run.status).toBe(0);
    const result = jsonLines<{ id: number; counters: Record<string, number> }>(run.stdout).at(-1)!;
    expect(result.counters).toMatchObject({ written: 1, failed: 0 });
    const written = await parseFile(first!.path);
    expect(written.common.year).toBe(1999);
    expect(written.common.title).toBe('track 1');
    expect((await parseFile(second!.path)).common.year).toBe(2009);

    const history = jsonLines<WriteHistoryEntry>((await cli('write-history', '--json')).stdout);
    expect(history[0]).toMatchObject({ jobId: result.id, written: 1, undoable: 1 });

    const undo = await cli('write-undo', '--job', String(result.id));
    expect(undo.status).toBe(0);
    expect((await parseFile(first!.path)).common.year).toBe(2009);
    const again = await cli('write-undo', '--job', String(result.id));
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/Nothing to undo there/);
  }, 60_000);

  it('says what is wrong with bad flags', async () => {
    const fields = await cli('write', '--fields', 'year,colour');
    expect(fields.status).not.toBe(0);
    expect(fields.stderr).toMatch(/unknown: colour/);
    const ids = await cli('write', '--albums', 'x');
    expect(ids.stderr).toMatch(/--albums takes ids separated by commas/);
    const undo = await cli('write-undo');
    expect(undo.stderr).toMatch(/write-undo takes one of --job N, --album N or --tracks/);
  });
});
