import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export type TestFormat = 'mp3' | 'flac' | 'm4a' | 'ogg' | 'opus' | 'wav' | 'aiff';

const CODEC_ARGS: Record<TestFormat, string[]> = {
  mp3: ['-c:a', 'libmp3lame', '-b:a', '64k', '-id3v2_version', '4'],
  flac: ['-c:a', 'flac'],
  m4a: ['-c:a', 'aac', '-b:a', '64k'],
  ogg: ['-c:a', 'libvorbis', '-q:a', '0'],
  opus: ['-c:a', 'libopus', '-b:a', '32k'],
  wav: ['-c:a', 'pcm_s16le'],
  aiff: ['-c:a', 'pcm_s16be', '-write_id3v2', '1'],
};

export interface TestTags {
  title?: string;
  artist?: string;
  album?: string;
  albumArtist?: string;
  track?: string;
  disc?: string;
  date?: string;
  genre?: string;
  /** Written under each format's own key by ffmpeg: TXXX for ID3, Vorbis comments as given. */
  extra?: Record<string, string>;
}

/** A real audio file of a few seconds with tags, made by ffmpeg (Debian's package). */
export function makeAudioFile(file: string, format: TestFormat, tags: TestTags = {}, seconds = 2): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const meta: string[] = [];
  const add = (key: string, value: string | undefined) => value !== undefined && meta.push('-metadata', `${key}=${value}`);
  add('title', tags.title);
  add('artist', tags.artist);
  add('album', tags.album);
  add('album_artist', tags.albumArtist);
  add('track', tags.track);
  add('disc', tags.disc);
  add('date', tags.date);
  add('genre', tags.genre);
  for (const [key, value] of Object.entries(tags.extra ?? {})) add(key, value);
  const result = spawnSync(
    'ffmpeg',
    ['-v', 'error', '-y', '-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`, ...CODEC_ARGS[format], ...meta, '-f', format === 'm4a' ? 'ipod' : format, file],
    { encoding: 'utf8' },
  );
  if (result.error || result.status !== 0) {
    throw new Error(`ffmpeg could not make ${file}: ${result.error?.message ?? result.stderr}. Is Debian's ffmpeg installed?`);
  }
  return file;
}
