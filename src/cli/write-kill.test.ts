/**
 * The promise of atomic writes, tested the hard way: the writer (the CLI and
 * its job worker, as a user runs them) is killed with SIGKILL at random
 * moments while it writes, again and again. After every kill each file must
 * parse, hold its audio unchanged, and be either exactly as before or fully
 * written; a final run finishes the job and undo brings back every old tag.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseFile } from 'music-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLibrary } from '../core/db/library';
import { CLI_ENTRY, ROOT, runCli } from './testing/run-cli';
import type { TagValues, WriteField } from '../shared/write-back';
import { audioDataDigest, type AudioData } from '../core/tags/audio-data';
import { readFileTags, sameValue, type FileTags } from '../core/tags/fields';
import { makeWriteFixture, type WriteFixture } from '../core/tags/testing';

const KILLS = 6;
let dir: string;
let fx: WriteFixture;
const before = new Map<number, { tags: FileTags; audio: AudioData | null }>();

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-write-kill-'));
  fx = await makeWriteFixture(dir, { count: 20 });
  for (const t of fx.tracks) before.set(t.id, { tags: readFileTags(t.path), audio: await audioDataDigest(t.path) });
  fx.db.close();
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const writtenCount = (libraryPath: string): number => {
  const db = openLibrary(libraryPath, { verify: false });
  try {
    return (db.prepare(`SELECT COUNT(*) AS n FROM write_journal WHERE state IN ('pending', 'written')`).get() as { n: number }).n;
  } finally {
    db.close();
  }
};

/** Starts `write` in its own process group, waits until it is writing, then kills the CLI and its worker at once. */
async function writeAndKill(libraryPath: string, delayMs: number): Promise<void> {
  const start = writtenCount(libraryPath);
  const child = spawn(process.execPath, [CLI_ENTRY, 'write', '--db', libraryPath, '--json'], {
    cwd: ROOT,
    detached: true,
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  let done = false;
  void exited.then(() => (done = true));
  const deadline = Date.now() + 60_000;
  while (!done && writtenCount(libraryPath) === start && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, delayMs));
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // It finished first: fine, the next round has less to write.
  }
  await exited;
}

/** Old or new, never between: every written field agrees with one side, and the audio is untouched. */
async function checkEveryFile(): Promise<{ old: number; new: number }> {
  const seen = { old: 0, new: 0 };
  for (const t of fx.tracks) {
    await parseFile(t.path, { duration: false });
    const now = readFileTags(t.path);
    const want = fx.expected.get(t.id)!;
    const was = before.get(t.id)!;
    const fields = Object.keys(want) as WriteField[];
    const holds = (values: TagValues, field: WriteField) => (field === 'cover' ? values.cover === now.values.cover : sameValue(field, values[field], now.values[field]));
    const isNew = fields.every((f) => holds(want, f));
    const isOld = fields.every((f) => holds(was.tags.values, f));
    expect({ file: t.path, oldOrNew: isNew || isOld }).toEqual({ file: t.path, oldOrNew: true });
    expect(await audioDataDigest(t.path)).toEqual(was.audio);
    seen[isNew ? 'new' : 'old'] += 1;
  }
  return seen;
}

describe('a writer killed at random moments', () => {
  it(`leaves every file old or new after ${KILLS} kills, then finishes and undoes cleanly`, async () => {
    let lastNew = 0;
    for (let round = 0; round < KILLS; round++) {
      await writeAndKill(fx.libraryPath, Math.floor(Math.random() * 400));
      const seen = await checkEveryFile();
      expect(seen.new).toBeGreaterThanOrEqual(lastNew);
      lastNew = seen.new;
    }
    const finish = await runCli(['write', '--db', fx.libraryPath, '--json']);
    expect(finish.status).toBe(0);
    // What the finishing run said goes into the failure, should a file ever be left old.
    const finalSeen = await checkEveryFile();
    const complete = finalSeen.new === fx.tracks.length;
    expect({ newFiles: finalSeen.new, finishOutput: complete ? '' : finish.stdout + finish.stderr }).toEqual({ newFiles: fx.tracks.length, finishOutput: '' });
    expect(fs.readdirSync(fx.music).filter((n) => n.startsWith('.sleeve-'))).toEqual([]);
    const db = openLibrary(fx.libraryPath, { verify: false });
    const pending = (db.prepare(`SELECT COUNT(*) AS n FROM write_journal WHERE state = 'pending'`).get() as { n: number }).n;
    db.close();
    expect(pending).toBe(0);

    const undo = await runCli(['write-undo', '--album', String(fx.albumId), '--db', fx.libraryPath, '--json']);
    expect(undo.status).toBe(0);
    for (const t of fx.tracks) expect(readFileTags(t.path)).toEqual(before.get(t.id)!.tags);
  }, 300_000);
});
