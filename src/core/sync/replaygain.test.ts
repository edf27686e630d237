import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseFile } from 'music-metadata';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openLibrary, type Library } from '../db/library';
import { ProgressTracker } from '../jobs/progress';
import { SYNC_COUNTERS } from '../../shared/sync';
import { syncToFolder } from './folder';
import { gainOf, parseEbur128, readReplayGain, replayGainAvailability, writeReplayGain } from './replaygain';

const HAS_FFMPEG = spawnSync('ffmpeg', ['-hide_banner', '-version']).status === 0;
if (!HAS_FFMPEG) console.warn('replaygain.test.ts: ffmpeg is not on the PATH, so the loudness tests are skipped (apt-get install ffmpeg; CI has it).');

const SUMMARY = `[Parsed_ebur128_0 @ 0x1] Summary:

  Integrated loudness:
    I:         -70.0 LUFS
    Threshold:   0.0 LUFS

  True peak:
    Peak:       -inf dBFS
size=N/A time=00:00:02.00 bitrate=N/A speed=95x
[Parsed_ebur128_0 @ 0x2] Summary:

  Integrated loudness:
    I:         -21.8 LUFS
    Threshold: -31.8 LUFS

  Loudness range:
    LRA:         0.0 LU

  True peak:
    Peak:       -3.5 dBFS
`;

describe('reading ffmpeg', () => {
  it('takes the last summary: integrated loudness and true peak as a ratio', () => {
    const l = parseEbur128(SUMMARY);
    expect(l.integrated).toBe(-21.8);
    expect(l.peak).toBeCloseTo(10 ** (-3.5 / 20), 6);
    expect(gainOf(l)).toBe(3.8);
    expect(gainOf({ integrated: -9.123, peak: 1 })).toBe(-8.88);
  });

  it('fails on output without a summary', () => {
    expect(() => parseEbur128('Error opening input')).toThrow(/no loudness summary/);
  });
});

describe('without ffmpeg', () => {
  const saved = process.env.SLEEVE_FFMPEG;
  afterEach(() => {
    if (saved === undefined) delete process.env.SLEEVE_FFMPEG;
    else process.env.SLEEVE_FFMPEG = saved;
  });

  it('says why loudness cannot be normalised', async () => {
    process.env.SLEEVE_FFMPEG = path.join(os.tmpdir(), 'no-such-dir', 'ffmpeg');
    const answer = await replayGainAvailability();
    expect(answer).toEqual({ available: false, reason: expect.stringMatching(/ffmpeg was not found .*install ffmpeg to normalise loudness/) });
  });
});

/** Formats ffmpeg writes, as src/core/scan/testing/audio.ts makes them, at a chosen volume. */
const CODEC_ARGS: Record<string, string[]> = {
  mp3: ['-c:a', 'libmp3lame', '-b:a', '96k', '-id3v2_version', '4'],
  flac: ['-c:a', 'flac'],
  m4a: ['-c:a', 'aac', '-b:a', '96k', '-f', 'ipod'],
  opus: ['-c:a', 'libopus', '-b:a', '48k'],
};

function tone(file: string, volume: number, frequency = 440): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const ext = path.extname(file).slice(1);
  const result = spawnSync(
    'ffmpeg',
    ['-v', 'error', '-y', '-f', 'lavfi', '-i', `sine=frequency=${frequency}:duration=3`, '-af', `volume=${volume}`, ...CODEC_ARGS[ext]!, '-metadata', 'title=Tone', file],
    { encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`ffmpeg could not make ${file}: ${result.stderr}`);
  return file;
}

const hash = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe.skipIf(!HAS_FFMPEG)('ReplayGain with ffmpeg', () => {
  let root: string;
  let db: Library;
  let album: number[];
  let single: number;
  let originals: Map<string, string>;
  const dest = () => path.join(root, 'Phone');

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-replaygain-'));
    db = openLibrary(path.join(root, 'library.sqlite'));
    const files = [
      { file: tone(path.join(root, 'Music/quiet.flac'), 0.25), title: 'Quiet', track: 1 },
      { file: tone(path.join(root, 'Music/loud.mp3'), 6), title: 'Loud', track: 2 },
      { file: tone(path.join(root, 'Music/mid.m4a'), 1, 880), title: 'Middle', track: 3 },
    ];
    const now = Date.now();
    const insert = db.prepare(
      `INSERT INTO tracks (path, folder, size, mtime_ms, status, title, artist, album, album_artist, track_no, first_seen, last_seen)
       VALUES (?, ?, ?, ?, 'ok', ?, 'Band', ?, ?, ?, ?, ?)`,
    );
    const add = (file: string, title: string, albumName: string | null, track: number | null) => {
      const stat = fs.statSync(file);
      return Number(insert.run(file, path.dirname(file), stat.size, Math.round(stat.mtimeMs), title, albumName, albumName ? 'Band' : null, track, now, now).lastInsertRowid);
    };
    album = files.map((f) => add(f.file, f.title, 'Levels', f.track));
    single = add(tone(path.join(root, 'Music/single.opus'), 2), 'Single', null, null);
    originals = new Map([...files.map((f) => f.file), path.join(root, 'Music/single.opus')].map((f) => [f, hash(f)]));
    const entries = db.prepare("INSERT INTO playlist_entries (playlist_id, position, track_id, location, resolution) VALUES (?, ?, ?, 'x', 'path')");
    const id = Number(db.prepare("INSERT INTO playlists (name, created_at, updated_at) VALUES ('Mix', ?, ?)").run(now, now).lastInsertRowid);
    [album[1]!, single, album[0]!, album[2]!].forEach((t, i) => entries.run(id, i, t));
  });
  afterAll(() => {
    db?.close();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  async function run(workers = 4, dryRun = false) {
    const progress = new ProgressTracker();
    progress.set(Object.fromEntries(SYNC_COUNTERS.map((c) => [c, 0])));
    const warnings: string[] = [];
    const plans = await syncToFolder({
      db,
      playlistIds: [1],
      folder: dest(),
      dryRun,
      workers,
      replayGain: true,
      signal: new AbortController().signal,
      progress,
      log: { info() {}, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) },
    });
    return { counters: progress.snapshot().counters, warnings, plans };
  }

  const copies = () => ({
    quiet: path.join(dest(), 'Band/Levels/01 Quiet.flac'),
    loud: path.join(dest(), 'Band/Levels/02 Loud.mp3'),
    mid: path.join(dest(), 'Band/Levels/03 Middle.m4a'),
    single: path.join(dest(), 'Band/Unknown Album/Single.opus'),
  });

  it('tags the copies with track and album gains, and leaves the originals alone', async () => {
    const first = await run();
    expect(first.warnings).toEqual([]);
    expect(first.counters).toMatchObject({ copied: 4, gained: 4 });

    const read = async (file: string) => (await parseFile(file)).common;
    const c = copies();
    const quiet = await read(c.quiet);
    const loud = await read(c.loud);
    const mid = await read(c.mid);
    const single = await read(c.single);
    for (const tags of [quiet, loud, mid, single]) {
      expect(tags.replaygain_track_gain?.dB).toEqual(expect.any(Number));
      expect(tags.replaygain_track_peak?.ratio).toBeGreaterThan(0);
      expect(tags.replaygain_album_gain?.dB).toEqual(expect.any(Number));
    }
    // A quiet track is turned up, a loud one down.
    expect(quiet.replaygain_track_gain!.dB).toBeGreaterThan(0);
    expect(loud.replaygain_track_gain!.dB).toBeLessThan(0);
    expect(quiet.replaygain_track_gain!.dB).toBeGreaterThan(mid.replaygain_track_gain!.dB!);
    expect(mid.replaygain_track_gain!.dB).toBeGreaterThan(loud.replaygain_track_gain!.dB!);
    // One album gain for the album, between its quietest and loudest track; its peak is the loudest.
    const albumGain = quiet.replaygain_album_gain!.dB;
    expect(loud.replaygain_album_gain!.dB).toBe(albumGain);
    expect(mid.replaygain_album_gain!.dB).toBe(albumGain);
    expect(albumGain).toBeLessThan(quiet.replaygain_track_gain!.dB!);
    expect(albumGain).toBeGreaterThan(loud.replaygain_track_gain!.dB!);
    expect(quiet.replaygain_album_peak!.ratio).toBeCloseTo(loud.replaygain_track_peak!.ratio!, 5);
    // A track on no album is its own album.
    expect(single.replaygain_album_gain!.dB).toBe(single.replaygain_track_gain!.dB);

    // Each format's own place: TXXX, Vorbis comments, the MP4 freeform atom (and R128 for Opus).
    const native = async (file: string) => Object.values((await parseFile(file)).native).flat().map((t) => t.id);
    expect(await native(c.loud)).toContain('TXXX:REPLAYGAIN_TRACK_GAIN');
    expect(await native(c.quiet)).toContain('REPLAYGAIN_ALBUM_GAIN');
    expect(await native(c.mid)).toContain('----:com.apple.iTunes:replaygain_track_gain');
    expect(await native(c.single)).toEqual(expect.arrayContaining(['R128_TRACK_GAIN', 'REPLAYGAIN_TRACK_GAIN']));

    // The copies still play, and the library's files are byte for byte what they were.
    for (const file of Object.values(c)) expect(spawnSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'null', '-']).status).toBe(0);
    for (const [file, sum] of originals) expect(hash(file)).toBe(sum);
    // The copies keep their source's time.
    expect(Math.abs(fs.statSync(c.quiet).mtimeMs - fs.statSync(path.join(root, 'Music/quiet.flac')).mtimeMs)).toBeLessThan(1000);
  });

  it('measures and writes nothing again on a second run', async () => {
    const before = hash(copies().loud);
    const again = await run(1);
    expect(again.counters).toMatchObject({ copied: 0, unchanged: 4, gained: 0 });
    expect(hash(copies().loud)).toBe(before);
  });

  it('tags a copy whose tags are missing, and gives its album the gain again', async () => {
    const c = copies();
    const loudBefore = readReplayGain(c.loud);
    await writeReplayGain(c.quiet, { trackGain: 0, trackPeak: 0.5, albumGain: null, albumPeak: null }, { mtime: fs.statSync(c.quiet).mtime });
    expect(readReplayGain(c.quiet).albumGain).toBeNull();
    // The plan shows it: nothing to copy, one copy to tag.
    const plan = (await run(4, true)).plans[0]!;
    expect(plan.counts).toMatchObject({ add: 0, update: 1, unchanged: 3 });
    expect(plan.items.find((i) => i.action === 'update')).toMatchObject({ item: 'Band/Levels/01 Quiet.flac', reason: 'ReplayGain tags to write' });
    const again = await run();
    expect(again.counters).toMatchObject({ copied: 0, unchanged: 4 });
    // Only the stripped copy is written: the album's gain came out the same.
    expect(again.counters.gained).toBe(1);
    expect(readReplayGain(c.quiet)).toMatchObject({ trackGain: 0, albumGain: loudBefore.albumGain });
  });

  it('copies without tags, and says why once, when ffmpeg is missing', async () => {
    const saved = process.env.SLEEVE_FFMPEG;
    process.env.SLEEVE_FFMPEG = path.join(root, 'no-ffmpeg-here');
    try {
      fs.rmSync(dest(), { recursive: true, force: true });
      db.prepare('DELETE FROM sync_items').run();
      const plain = await run();
      expect(plain.counters).toMatchObject({ copied: 4, gained: 0 });
      expect(plain.warnings).toHaveLength(1);
      expect(plain.warnings[0]).toMatch(/not normalised: ffmpeg was not found/);
      expect(readReplayGain(copies().quiet).trackGain).toBeNull();
    } finally {
      if (saved === undefined) delete process.env.SLEEVE_FFMPEG;
      else process.env.SLEEVE_FFMPEG = saved;
    }
  });
});
