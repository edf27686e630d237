/**
 * ReplayGain 2.0 for synced copies: loudness measured by ffmpeg's ebur128
 * filter (EBU R128 / ITU-R BS.1770, true peak), gains relative to -18 LUFS,
 * written as tags to the copy, never to the library's file.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tempNameFor } from '../tags/atomic';
import { afterTaglibSave } from '../tags/ogg-pages';
import { File, Mpeg4AppleTag, ReadStyle, TagTypes, XiphComment, type Tag } from 'node-taglib-sharp';

/** The ReplayGain 2.0 reference loudness. */
export const REFERENCE_LUFS = -18;
/** Common rate the album's files are resampled to before they are joined. */
const ALBUM_RATE = 48000;

export type ReplayGainAvailability = { available: true } | { available: false; reason: string };

/** The ffmpeg Sleeve runs: SLEEVE_FFMPEG when set (a build outside the PATH), else the one on the PATH. */
export function ffmpegCommand(): string {
  return process.env.SLEEVE_FFMPEG?.trim() || 'ffmpeg';
}

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command; each output is kept up to its last 256 KiB. Rejects with the spawn error (ENOENT, AbortError...). */
function run(command: string, args: readonly string[], signal?: AbortSignal): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], signal, windowsHide: true });
    const out = { stdout: '', stderr: '' };
    for (const name of ['stdout', 'stderr'] as const) {
      child[name].setEncoding('utf8');
      child[name].on('data', (chunk: string) => {
        out[name] += chunk;
        if (out[name].length > 512 * 1024) out[name] = out[name].slice(-256 * 1024);
      });
    }
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, ...out }));
  });
}

const probes = new Map<string, Promise<ReplayGainAvailability>>();

async function probe(command: string): Promise<ReplayGainAvailability> {
  const named = command === 'ffmpeg' ? 'ffmpeg was not found on the PATH' : `ffmpeg was not found at ${command}`;
  let result: RunResult;
  try {
    result = await run(command, ['-hide_banner', '-filters']);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { available: false, reason: `${named}; install ffmpeg to normalise loudness` };
    return { available: false, reason: `ffmpeg could not be started (${(err as Error).message}); reinstall ffmpeg to normalise loudness` };
  }
  if (result.code !== 0) {
    return { available: false, reason: `ffmpeg did not run (exit code ${result.code}); reinstall ffmpeg to normalise loudness` };
  }
  const missing = ['ebur128', 'concat', 'aresample'].filter((f) => !new RegExp(`\\s${f}\\s`).test(result.stdout));
  if (missing.length > 0) {
    return { available: false, reason: `this ffmpeg lacks the ${missing.join(', ')} filter${missing.length === 1 ? '' : 's'}; install a full ffmpeg build to normalise loudness` };
  }
  return { available: true };
}

/**
 * Whether loudness can be measured here, and if not why (for the Sync
 * dialog to show beside the disabled option). ffmpeg is looked for once.
 */
export function replayGainAvailability(): Promise<ReplayGainAvailability> {
  const command = ffmpegCommand();
  let known = probes.get(command);
  if (!known) {
    known = probe(command);
    probes.set(command, known);
  }
  return known;
}

export interface Loudness {
  /** Integrated loudness, LUFS. */
  integrated: number;
  /** True peak as a linear ratio of full scale (1 = 0 dBFS). */
  peak: number;
}

const NUMBER = String.raw`(-?(?:\d+(?:\.\d+)?|inf))`;

/** The Summary ebur128 prints at the end (ffmpeg 5 prints an empty one first when it sets the graph up). */
export function parseEbur128(stderr: string): Loudness {
  const at = stderr.lastIndexOf('Summary:');
  const summary = at < 0 ? '' : stderr.slice(at);
  const i = new RegExp(String.raw`\bI:\s*${NUMBER}\s*LUFS`).exec(summary);
  const p = new RegExp(String.raw`\bPeak:\s*${NUMBER}\s*dBFS`).exec(summary);
  if (!i || !p) throw new Error('ffmpeg printed no loudness summary');
  const integrated = i[1]!.endsWith('inf') ? -70 : Number(i[1]);
  const peakDb = Number(p[1]!.replace('inf', 'Infinity'));
  return { integrated, peak: Number.isFinite(peakDb) ? 10 ** (peakDb / 20) : 0 };
}

/** ReplayGain 2.0 gain in dB (two decimals) for a measured loudness. */
export const gainOf = (l: Loudness) => Math.round((REFERENCE_LUFS - l.integrated) * 100) / 100;

const EBUR128 = 'ebur128=peak=true:framelog=verbose';
// 'file:' keeps ffmpeg from reading a name as a protocol (C: on Windows, 'concat:x.mp3').
const input = (file: string) => ['-i', `file:${file}`];

function tail(stderr: string): string {
  const lines = stderr.trim().split(/\r?\n/);
  return lines.slice(-2).join(' ').slice(0, 300);
}

/**
 * The loudness of one file, or of several played one after another (an
 * album): each first audio stream resampled to one rate and joined, then
 * measured as one programme.
 */
export async function measureLoudness(files: readonly string[], signal?: AbortSignal): Promise<Loudness> {
  if (files.length === 0) throw new RangeError('No files to measure');
  const args = ['-nostdin', '-hide_banner', '-nostats', ...files.flatMap(input)];
  if (files.length === 1) args.push('-filter_complex', EBUR128);
  else {
    const chains = files.map((_, i) => `[${i}:a:0]aresample=${ALBUM_RATE}[a${i}]`);
    const joined = `${files.map((_, i) => `[a${i}]`).join('')}concat=n=${files.length}:v=0:a=1,${EBUR128}`;
    args.push('-filter_complex', `${chains.join(';')};${joined}`);
  }
  args.push('-f', 'null', '-');
  const result = await run(ffmpegCommand(), args, signal);
  if (result.code !== 0) {
    const which = files.length === 1 ? files[0]! : `${files.length} files (${path.basename(files[0]!)}...)`;
    throw new Error(`ffmpeg could not measure ${which}: ${tail(result.stderr)}`);
  }
  return parseEbur128(result.stderr);
}

export interface ReplayGainValues {
  trackGain: number;
  trackPeak: number;
  albumGain: number | null;
  albumPeak: number | null;
}

const finite = (n: number) => (Number.isFinite(n) ? n : null);

/** The ReplayGain tags a file carries, each null when absent. */
export function readReplayGain(file: string): { trackGain: number | null; trackPeak: number | null; albumGain: number | null; albumPeak: number | null } {
  const f = File.createFromPath(file, undefined, ReadStyle.None);
  try {
    const t = f.tag;
    return { trackGain: finite(t.replayGainTrackGain), trackPeak: finite(t.replayGainTrackPeak), albumGain: finite(t.replayGainAlbumGain), albumPeak: finite(t.replayGainAlbumPeak) };
  } finally {
    f.dispose();
  }
}

const ITUNES = 'com.apple.iTunes';

/** Opus players read R128_* gains (RFC 7845): Q7.8 fixed point, relative to -23 LUFS. */
const r128 = (replayGain: number) => String(Math.max(-32768, Math.min(32767, Math.round((replayGain - 5) * 256))));

function applyTags(file: File, values: ReplayGainValues, ext: string): void {
  const preferred = file.constructor.name === 'Mpeg4File' ? TagTypes.Apple : file.constructor.name === 'FlacFile' || file.constructor.name === 'OggFile' ? TagTypes.Xiph : TagTypes.Id3v2;
  let primary: Tag | undefined;
  try {
    primary = file.getTag(preferred, true);
  } catch {
    primary = undefined;
  }
  const album = values.albumGain === null ? NaN : values.albumGain;
  const albumPeak = values.albumPeak === null ? NaN : values.albumPeak;
  // Every tag the file has gets the same values, so no stale gain is left in a second tag.
  const all: Tag = file.tag;
  all.replayGainTrackGain = values.trackGain;
  all.replayGainTrackPeak = values.trackPeak;
  all.replayGainAlbumGain = album;
  all.replayGainAlbumPeak = albumPeak;
  if (primary instanceof Mpeg4AppleTag) {
    // The spelling foobar2000, Rockbox and most players look for (the library writes upper case).
    const set = (name: string, value: string | undefined) =>
      value === undefined ? primary.setItunesStrings(ITUNES, name) : primary.setItunesStrings(ITUNES, name, value);
    set('replaygain_track_gain', `${values.trackGain.toFixed(2)} dB`);
    set('replaygain_track_peak', values.trackPeak.toFixed(6));
    set('replaygain_album_gain', values.albumGain === null ? undefined : `${values.albumGain.toFixed(2)} dB`);
    set('replaygain_album_peak', values.albumPeak === null ? undefined : values.albumPeak.toFixed(6));
  }
  if (primary instanceof XiphComment && ext === 'opus') {
    primary.setFieldAsStrings('R128_TRACK_GAIN', r128(values.trackGain));
    if (values.albumGain === null) primary.removeField('R128_ALBUM_GAIN');
    else primary.setFieldAsStrings('R128_ALBUM_GAIN', r128(values.albumGain));
  }
}

export interface WriteOptions {
  /** Set on the file after writing (the copy keeps its source's time). */
  mtime?: Date;
  signal?: AbortSignal;
}

/**
 * Writes ReplayGain tags to file, in the standard place of its format (ID3v2
 * TXXX frames, Vorbis comments, MP4 freeform atoms). The tags are written to
 * a temp copy which then replaces the file, so it is never half written.
 */
export async function writeReplayGain(file: string, values: ReplayGainValues, options: WriteOptions = {}): Promise<void> {
  const temp = tempNameFor(file);
  try {
    await fs.promises.copyFile(file, temp, fs.constants.COPYFILE_EXCL);
    options.signal?.throwIfAborted();
    const tagged = File.createFromPath(temp);
    try {
      applyTags(tagged, values, path.extname(file).slice(1).toLowerCase());
      tagged.save();
    } finally {
      tagged.dispose();
    }
    await afterTaglibSave(temp, options.signal);
    if (options.mtime) await fs.promises.utimes(temp, options.mtime, options.mtime).catch(() => {});
    options.signal?.throwIfAborted();
    await fs.promises.rename(temp, file);
  } catch (err) {
    await fs.promises.rm(temp, { force: true });
    throw err;
  }
}
