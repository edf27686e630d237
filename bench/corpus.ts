/**
 * The scan benchmark's corpus: N audio files laid out and tagged like a real,
 * Picard-tagged library (Artist/Year - Album/NN - Title.ext, multi-disc albums,
 * compilations, unicode names, MusicBrainz ids on about half the albums).
 *
 * ffmpeg encodes only a few short templates; each file is a template's audio
 * with its own tags written by corpus-tags.ts, so 20,000 files take seconds.
 * WAV and AIFF, a couple of percent of the corpus, are the exception: they are
 * copied round-robin from a few dozen ffmpeg-tagged templates.
 *
 * The corpus is cached in os.tmpdir()/sleeve-bench-corpus/<N>-v<version>/ and
 * only counts as built once <N>-v<version>.complete exists next to it. The
 * marker sits outside the folder so the scanner never sees it.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseFile } from 'music-metadata';
import {
  canWriteId3v1,
  flacFile,
  id3v1Tag,
  id3v23Tag,
  mp4File,
  oggFile,
  splitFlac,
  splitMp4,
  splitOgg,
  yearOf,
  type FlacTemplate,
  type Mp4Template,
  type OggTemplate,
  type Picture,
  type TrackTags,
} from './corpus-tags';

/** Bump whenever the generator changes what it writes, so stale caches are not reused. */
const CORPUS_VERSION = 1;
export const DEFAULT_CORPUS_FILES = 20_000;
export const AUDIO_EXTENSIONS: ReadonlySet<string> = new Set(['.mp3', '.flac', '.m4a', '.ogg', '.opus', '.wav', '.aiff']);

export type Format = 'mp3' | 'flac' | 'm4a' | 'ogg' | 'opus' | 'wav' | 'aiff';

/** Roughly a collector's library: lossy mp3 and lossless flac dominate. */
const FORMAT_WEIGHTS: [Format, number][] = [
  ['mp3', 44],
  ['flac', 35],
  ['m4a', 11],
  ['ogg', 4],
  ['opus', 3],
  ['wav', 1.5],
  ['aiff', 1.5],
];

/** Formats whose files each get their own tags; the rest are copied from ffmpeg-tagged templates. */
const HAND_TAGGED: ReadonlySet<Format> = new Set(['mp3', 'flac', 'm4a', 'ogg', 'opus']);
const COPIED_TEMPLATES_PER_FORMAT = 24;

const log = (message: string) => process.stderr.write(`corpus: ${message}\n`);

// ---------------------------------------------------------------- deterministic randomness

/** Seeded, so a corpus of N files is the same on every machine and every rebuild. */
class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** mulberry32 */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  weighted<T>(entries: readonly [T, number][]): T {
    let r = this.next() * entries.reduce((sum, [, w]) => sum + w, 0);
    for (const [value, weight] of entries) {
      r -= weight;
      if (r < 0) return value;
    }
    return entries[entries.length - 1]![0];
  }
  uuid(): string {
    const bytes = Array.from({ length: 16 }, () => this.int(0, 255));
    bytes[6] = (bytes[6]! & 0x0f) | 0x40; // version 4
    bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 4122 variant
    const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
}

// ---------------------------------------------------------------- names

const FIRST = ['Mara', 'Jonas', 'Elena', 'Theo', 'Ines', 'Caleb', 'Nora', 'Felix', 'Ada', 'Rufus', 'Lena', 'Omar', 'Priya', 'Hugo', 'Sade', 'Ivo', 'Maya', 'Tobias', 'Clara', 'Dev', 'Ruth', 'Silas', 'June', 'Marcus'];
const LAST = ['Lindqvist', 'Okafor', 'Hart', 'Moreau', 'Castillo', 'Brennan', 'Novak', 'Reyes', 'Whitfield', 'Sato', 'Kowalski', 'Ferreira', 'Quinn', 'Abernathy', 'Vance', 'Holloway', 'Achebe', 'Lund', 'Mercer', 'Tanaka'];
const ACCENTED_FIRST = ['Zoë', 'Léa', 'José', 'Björn', 'Sigrún', 'Renée', 'Åsa', 'Chloé', 'Jürgen', 'François', 'Dvořák', 'Małgorzata', 'Ólafur', 'Ștefan'];
const ACCENTED_LAST = ['Ångström', 'Muñoz', 'Lefèvre', 'Þórsdóttir', 'Gonçalves', 'Šimek', 'Øverland', 'Müller', 'Nørgaard', 'Władysław', 'Éluard', 'Jóhannsson'];
const ADJ = ['Velvet', 'Silver', 'Hollow', 'Electric', 'Quiet', 'Golden', 'Paper', 'Neon', 'Midnight', 'Crimson', 'Wild', 'Lonely', 'Frozen', 'Broken', 'Distant', 'Northern', 'Bright', 'Secret', 'Copper', 'Restless'];
const NOUN = ['Owls', 'Harbor', 'Engines', 'Lanterns', 'Rivers', 'Foxes', 'Machines', 'Tides', 'Gardens', 'Ghosts', 'Satellites', 'Horses', 'Mirrors', 'Wolves', 'Parade', 'Orchard', 'Signals', 'Cathedral', 'Comets', 'Static'];
const JP_FAMILY = ['山田', '佐藤', '高橋', '中島', '坂本', '宇多田', '椎名', '久保田', '松任谷', '小林'];
const JP_GIVEN = ['美雨', 'ひかる', '林檎', '翔', '真理子', '健太', 'さくら', '由紀', '陽介', '彩'];
const CJK_BANDS = ['東京事変', 'きのこ帝国', '残響レコード', '夜の本気ダンス', '王菲', '周杰伦', '陈奕迅', '五月天', '아이유', '자우림', '검정치마', '혁오', 'Кино', 'Земфира', 'Аквариум', 'Сплин'];
const CJK_TITLES = ['夜に駆ける', '春の歌', '青い空', 'さよなら', '雨の日', '光', '海へ', '星空', '夢の中', '東京', '밤편지', '좋은 날', '봄날', '바다', '月亮代表我的心', '晴天', 'Звезда', 'Группа крови'];
const ACCENTED_TITLES = ['Café au lait', 'Señorita', 'Über den Wolken', 'Déjà vu', 'Mañana', 'Naïve', 'Fiancée', 'São Paulo', 'Jalapeño', 'Håll om mig', 'Cœur de pirate', 'Piñata', 'Ça plane pour moi', 'Ærø'];
// Characters filesystems or taggers object to, which Picard replaces in file names.
const AWKWARD_TITLES = ['What Now?', 'Either/Or', 'Say "Yes"', 'Rock: The Sequel', 'Why*Not', 'Back <Again>', 'A|B', 'The End...'];
const TITLE_NOUNS = ['Light', 'Heart', 'River', 'Fire', 'Rain', 'Night', 'Morning', 'Dust', 'Glass', 'Home', 'Summer', 'Winter', 'Shadow', 'Mountain', 'Wire', 'Ocean', 'Stone', 'Echo', 'Road', 'Sky'];
const TITLE_VERBS = ['Falling', 'Running', 'Waiting', 'Dancing', 'Burning', 'Drifting', 'Holding', 'Breaking', 'Chasing', 'Calling'];
const GENRES = ['Rock', 'Pop', 'Jazz', 'Electronic', 'Hip-Hop', 'Classical', 'Folk', 'Metal', 'Soul', 'Reggae', 'Blues', 'Ambient', 'Indie', 'Country', 'Punk', 'R&B'];
const VARIOUS_ARTISTS = { name: 'Various Artists', mbid: '89ad4ac3-39f7-470e-963a-56509c546377' }; // MusicBrainz' real id for it

interface Artist {
  name: string;
  mbid: string;
  cjk: boolean;
}

function songTitle(rng: Rng, cjk: boolean): string {
  if (cjk && rng.chance(0.7)) return rng.pick(CJK_TITLES);
  const r = rng.next();
  if (r < 0.05) return rng.pick(ACCENTED_TITLES);
  if (r < 0.07) return rng.pick(AWKWARD_TITLES);
  if (r < 0.35) return `${rng.pick(ADJ)} ${rng.pick(TITLE_NOUNS)}`;
  if (r < 0.55) return `${rng.pick(TITLE_NOUNS)} of ${rng.pick(TITLE_NOUNS)}`;
  if (r < 0.7) return `${rng.pick(TITLE_VERBS)} ${rng.pick(['Home', 'Slowly', 'Again', 'Away', 'Through', 'Under'])}`;
  if (r < 0.85) return `The ${rng.pick(TITLE_NOUNS)}`;
  return rng.pick(TITLE_NOUNS);
}

/** Picard's default file naming replaces these; trailing dots and spaces break Windows shares. */
function safeName(name: string): string {
  return name.replace(/[/\\:*?"<>|]/g, '_').replace(/[. ]+$/, '') || '_';
}

// ---------------------------------------------------------------- plan

interface PlannedFile {
  relPath: string;
  format: Format;
  tags: TrackTags;
  /** Index into the cover images, or null. */
  cover: number | null;
  id3v1: boolean;
  /** Template duration slot: the corpus mixes short and long files. */
  long: boolean;
}

interface PlannedAlbum {
  dir: string;
  folderImage: boolean;
  files: PlannedFile[];
}

const COVER_COUNT = 3;

function planCorpus(count: number): PlannedAlbum[] {
  const rng = new Rng(0x51ee7e);
  const artists: Artist[] = [];
  const usedArtistNames = new Set<string>([VARIOUS_ARTISTS.name]);
  const usedAlbumDirs = new Set<string>();

  const newArtist = (): Artist => {
    for (let attempt = 0; ; attempt++) {
      const r = rng.next();
      let name: string;
      let cjk = false;
      if (r < 0.06) {
        cjk = true;
        name = rng.chance(0.5) ? `${rng.pick(JP_FAMILY)} ${rng.pick(JP_GIVEN)}` : rng.pick(CJK_BANDS);
      } else if (r < 0.16) name = `${rng.pick(ACCENTED_FIRST)} ${rng.pick(ACCENTED_LAST)}`;
      else if (r < 0.45) name = `${rng.pick(FIRST)} ${rng.pick(LAST)}`;
      else if (r < 0.7) name = `The ${rng.pick(ADJ)} ${rng.pick(NOUN)}`;
      else if (r < 0.9) name = `${rng.pick(ADJ)} ${rng.pick(NOUN)}`;
      else name = `${rng.pick(FIRST)} ${rng.pick(LAST)} & The ${rng.pick(NOUN)}`;
      // Small name pools run dry in big corpora; a numeral keeps names unique without breaking realism much.
      if (attempt > 8) name = `${name} ${attempt}`;
      if (usedArtistNames.has(name)) continue;
      usedArtistNames.add(name);
      const artist = { name, mbid: rng.uuid(), cjk };
      artists.push(artist);
      return artist;
    }
  };

  const albums: PlannedAlbum[] = [];
  let planned = 0;
  while (planned < count) {
    const compilation = rng.chance(0.08);
    const albumArtist = compilation ? { ...VARIOUS_ARTISTS, cjk: false } : artists.length > 0 && rng.chance(0.35) ? rng.pick(artists) : newArtist();
    const year = rng.int(1962, 2024);
    const date = rng.chance(0.4) ? `${year}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}` : String(year);
    const album = compilation
      ? `${rng.pick(['Now That’s What I Call', 'The Best of', 'Café del Mar', 'Ministry of', 'Pure'])} ${rng.pick(TITLE_NOUNS)} ${rng.int(1, 40)}`
      : songTitle(rng, albumArtist.cjk);
    const format = rng.weighted(FORMAT_WEIGHTS);
    const discTotal = rng.chance(0.07) ? (rng.chance(0.2) ? 3 : 2) : 1;
    const genre = rng.pick(GENRES);
    const picard = rng.chance(0.5); // tagged with Picard: MusicBrainz ids on every track
    const cover = rng.chance(0.2) ? rng.int(0, COVER_COUNT - 1) : null;
    const id3v1 = format === 'mp3' && rng.chance(0.15);
    const albumIds = picard ? { albumId: rng.uuid(), releaseGroupId: rng.uuid() } : null;

    let dir = path.join(safeName(albumArtist.name), `${year} - ${safeName(album)}`);
    for (let n = 2; usedAlbumDirs.has(dir); n++) dir = path.join(safeName(albumArtist.name), `${year} - ${safeName(album)} (${n})`);
    usedAlbumDirs.add(dir);

    const files: PlannedFile[] = [];
    for (let disc = 1; disc <= discTotal && planned < count; disc++) {
      const trackTotal = discTotal === 1 ? rng.int(10, 14) : rng.int(8, 13);
      const usedTitles = new Set<string>();
      for (let track = 1; track <= trackTotal && planned < count; track++) {
        const artist = compilation ? (rng.chance(0.5) && artists.length > 0 ? rng.pick(artists) : newArtist()) : albumArtist;
        let title = songTitle(rng, artist.cjk);
        if (usedTitles.has(title)) title = `${title} (${rng.pick(['Reprise', 'Live', 'Demo', 'Remix', 'Interlude'])} ${track})`;
        usedTitles.add(title);
        const tags: TrackTags = {
          title,
          artist: artist.name,
          album,
          albumArtist: albumArtist.name,
          track,
          trackTotal,
          disc,
          discTotal,
          date,
          genre,
          compilation,
        };
        if (rng.chance(picard ? 0.6 : 0.05)) tags.isrc = `${rng.pick(['US', 'GB', 'DE', 'JP', 'FR', 'SE'])}${rng.pick(['AB1', 'UM7', 'SM2', 'WB9'])}${String(year % 100).padStart(2, '0')}${String(rng.int(0, 99999)).padStart(5, '0')}`;
        if (albumIds) {
          tags.mb = {
            ...albumIds,
            albumArtistId: albumArtist.mbid,
            artistId: artist.mbid,
            recordingId: rng.uuid(),
            releaseTrackId: rng.uuid(),
          };
        }
        const discDir = discTotal > 1 ? `Disc ${disc}` : '';
        const fileName = `${String(track).padStart(2, '0')} - ${safeName(title)}.${format}`;
        files.push({ relPath: path.join(dir, discDir, fileName), format, tags, cover, id3v1, long: rng.chance(0.4) });
        planned++;
      }
    }
    albums.push({ dir, folderImage: rng.chance(0.3), files });
  }
  return albums;
}

// ---------------------------------------------------------------- templates

const execFileAsync = promisify(execFile);

async function ffmpeg(args: string[]): Promise<void> {
  try {
    await execFileAsync('ffmpeg', ['-v', 'error', '-nostdin', '-y', ...args]);
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? '';
    throw new Error(`ffmpeg ${args.join(' ')} failed: ${stderr || (err as Error).message}`);
  }
}

async function inParallel<T>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await fn(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Short files keep the corpus small (≈ 15 KB a file, 1.5 GB for 100,000); a tone then silence keeps FLAC compact. */
const DURATIONS = { short: { total: 2, tone: 0.5 }, long: { total: 4, tone: 1 } } as const;

const ENCODE_ARGS: Record<Format, string[]> = {
  mp3: ['-c:a', 'libmp3lame', '-b:a', '32k', '-id3v2_version', '0', '-write_id3v1', '0'],
  flac: ['-c:a', 'flac', '-sample_fmt', 's16'],
  m4a: ['-c:a', 'aac', '-b:a', '48k'],
  ogg: ['-c:a', 'libvorbis', '-q:a', '0'],
  opus: ['-c:a', 'libopus', '-b:a', '32k'],
  // PCM is big: short mono files keep the few WAV/AIFF files from dominating the corpus size.
  wav: ['-c:a', 'pcm_s16le'],
  aiff: ['-c:a', 'pcm_s16be', '-write_id3v2', '1'],
};

function sourceArgs(format: Format, long: boolean, frequency: number): string[] {
  const pcm = format === 'wav' || format === 'aiff';
  const { total, tone } = pcm ? { total: long ? 1 : 0.5, tone: 0.25 } : long ? DURATIONS.long : DURATIONS.short;
  return ['-f', 'lavfi', '-i', `sine=frequency=${frequency}:sample_rate=44100:duration=${tone}`, '-af', 'apad', '-t', String(total), '-ac', pcm ? '1' : '2'];
}

/** ffmpeg -metadata for the formats copied round-robin; key names follow what each muxer maps where Picard would put them. */
function ffmpegTagArgs(format: Format, tags: TrackTags): string[] {
  const md: [string, string][] = [
    ['title', tags.title],
    ['artist', tags.artist],
    ['album', tags.album],
    ['album_artist', tags.albumArtist],
    ['date', tags.date],
    ['track', `${tags.track}/${tags.trackTotal}`],
    ['disc', `${tags.disc}/${tags.discTotal}`],
    ['genre', tags.genre],
  ];
  if (format === 'aiff') {
    if (tags.isrc) md.push(['ISRC', tags.isrc]);
    // Unknown keys become TXXX frames in the ID3 chunk, under exactly the descriptions Picard uses.
    if (tags.mb) {
      md.push(
        ['MusicBrainz Album Id', tags.mb.albumId],
        ['MusicBrainz Release Group Id', tags.mb.releaseGroupId],
        ['MusicBrainz Artist Id', tags.mb.artistId],
        ['MusicBrainz Album Artist Id', tags.mb.albumArtistId],
        ['MusicBrainz Release Track Id', tags.mb.releaseTrackId],
      );
    }
  }
  return md.flatMap(([key, value]) => ['-metadata', `${key}=${value}`]);
}

interface Templates {
  mp3: { short: Buffer; long: Buffer };
  flac: { short: FlacTemplate; long: FlacTemplate };
  m4a: { short: Mp4Template; long: Mp4Template };
  ogg: { short: OggTemplate; long: OggTemplate };
  opus: { short: OggTemplate; long: OggTemplate };
  /** Tagged copies, and the tags each carries, for the formats copied round-robin. */
  copied: Map<Format, { bytes: Buffer; tags: TrackTags }[]>;
  covers: Picture[];
}

async function buildTemplates(dir: string, plan: PlannedAlbum[]): Promise<Templates> {
  fs.mkdirSync(dir, { recursive: true });
  const jobs: { out: string; args: string[] }[] = [];
  for (const format of HAND_TAGGED) {
    for (const long of [false, true]) {
      const out = path.join(dir, `${long ? 'long' : 'short'}.${format}`);
      jobs.push({ out, args: [...sourceArgs(format, long, long ? 330 : 440), ...ENCODE_ARGS[format], '-map_metadata', '-1', '-fflags', '+bitexact', out] });
    }
  }
  // Round-robin templates carry the tags of the first tracks planned in their format.
  const copiedPlan = new Map<Format, PlannedFile[]>();
  for (const file of plan.flatMap((a) => a.files)) {
    if (HAND_TAGGED.has(file.format)) continue;
    const list = copiedPlan.get(file.format) ?? [];
    if (list.length < COPIED_TEMPLATES_PER_FORMAT) list.push(file);
    copiedPlan.set(file.format, list);
  }
  for (const [format, files] of copiedPlan) {
    files.forEach((file, i) => {
      const out = path.join(dir, `copied-${i}.${format}`);
      const args = [...sourceArgs(format, file.long, 220 + 20 * i), ...ENCODE_ARGS[format], '-map_metadata', '-1', '-fflags', '+bitexact'];
      jobs.push({ out, args: [...args, ...ffmpegTagArgs(format, file.tags), out] });
    });
  }
  const coverSpecs = [
    { out: 'cover-0.jpg', source: 'testsrc2=size=160x160', width: 160, height: 160, mime: 'image/jpeg' },
    { out: 'cover-1.jpg', source: 'mandelbrot=size=240x240', width: 240, height: 240, mime: 'image/jpeg' },
    { out: 'cover-2.png', source: 'color=c=0x3366aa:size=120x120', width: 120, height: 120, mime: 'image/png' },
  ] as const;
  for (const spec of coverSpecs) {
    jobs.push({ out: path.join(dir, spec.out), args: ['-f', 'lavfi', '-i', spec.source, '-frames:v', '1', '-q:v', '5', path.join(dir, spec.out)] });
  }
  await inParallel(jobs, Math.max(2, os.cpus().length), (job) => ffmpeg(job.args));

  const read = (name: string) => fs.readFileSync(path.join(dir, name));
  const pair = <T>(format: Format, split: (b: Buffer) => T) => ({ short: split(read(`short.${format}`)), long: split(read(`long.${format}`)) });
  const copied = new Map<Format, { bytes: Buffer; tags: TrackTags }[]>();
  for (const [format, files] of copiedPlan) copied.set(format, files.map((file, i) => ({ bytes: read(`copied-${i}.${format}`), tags: file.tags })));
  return {
    mp3: pair('mp3', (b) => b),
    flac: pair('flac', splitFlac),
    m4a: pair('m4a', splitMp4),
    ogg: pair('ogg', splitOgg),
    opus: pair('opus', splitOgg),
    copied,
    covers: coverSpecs.map((spec) => ({ mime: spec.mime, width: spec.width, height: spec.height, data: read(spec.out) })),
  };
}

// ---------------------------------------------------------------- files

/** What a file holds: its bytes and the tags actually written into it (a copied template's, for WAV/AIFF). */
function renderFile(file: PlannedFile, templates: Templates, copiedIndex: Map<Format, number>): { bytes: Buffer; tags: TrackTags } {
  const picture = file.cover === null ? null : templates.covers[file.cover]!;
  const slot = file.long ? 'long' : 'short';
  const tags = file.tags;
  // Taggers leave room to edit in place; how much varies with the tool.
  const padding = [0, 1024, 2048, 4096][file.tags.track % 4]!;
  switch (file.format) {
    case 'mp3': {
      const parts = [id3v23Tag(tags, picture, padding), templates.mp3[slot]];
      if (file.id3v1 && canWriteId3v1(tags)) parts.push(id3v1Tag(tags));
      return { bytes: Buffer.concat(parts), tags };
    }
    case 'flac':
      return { bytes: flacFile(templates.flac[slot], tags, picture, padding), tags };
    case 'm4a':
      return { bytes: mp4File(templates.m4a[slot], tags, picture), tags };
    case 'ogg':
    case 'opus':
      return { bytes: oggFile(templates[file.format][slot], tags), tags };
    case 'wav':
    case 'aiff': {
      const list = templates.copied.get(file.format)!;
      const i = copiedIndex.get(file.format) ?? 0;
      copiedIndex.set(file.format, i + 1);
      return list[i % list.length]!;
    }
  }
}

interface Written {
  path: string;
  file: PlannedFile;
  tags: TrackTags;
}

async function writeCorpus(root: string, plan: PlannedAlbum[], templates: Templates, total: number): Promise<{ written: Written[]; bytes: number }> {
  const written: Written[] = [];
  const copiedIndex = new Map<Format, number>();
  let bytes = 0;
  let lastReport = Date.now();
  const folderImage = templates.covers[1]!.data;
  // Writes go through libuv's thread pool: a few in flight overlap the file-system work.
  const inFlight = new Set<Promise<void>>();
  const submit = async (promise: Promise<void>) => {
    const tracked = promise.then(() => void inFlight.delete(tracked));
    inFlight.add(tracked);
    if (inFlight.size >= 16) await Promise.race(inFlight);
  };
  for (const album of plan) {
    const dirs = new Set(album.files.map((f) => path.dirname(f.relPath)));
    for (const dir of dirs) fs.mkdirSync(path.join(root, dir), { recursive: true });
    // Real album folders also hold artwork the scanner must skip.
    if (album.folderImage) await submit(fs.promises.writeFile(path.join(root, album.dir, 'folder.jpg'), folderImage));
    for (const file of album.files) {
      const { bytes: content, tags } = renderFile(file, templates, copiedIndex);
      const full = path.join(root, file.relPath);
      bytes += content.length;
      written.push({ path: full, file, tags });
      await submit(fs.promises.writeFile(full, content));
      if (Date.now() - lastReport > 2000) {
        lastReport = Date.now();
        log(`${written.length.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} files written`);
      }
    }
  }
  await Promise.all(inFlight);
  return { written, bytes };
}

// ---------------------------------------------------------------- self-check

/** Which tags each format's files carry, so the check only asks for what was written. */
const CARRIES: Record<Format, { albumArtist: boolean; disc: boolean; mb: 'all' | 'no-recording' | 'none'; isrc: boolean; compilation: boolean; picture: boolean; unicode: boolean }> = {
  mp3: { albumArtist: true, disc: true, mb: 'all', isrc: true, compilation: true, picture: true, unicode: true },
  flac: { albumArtist: true, disc: true, mb: 'all', isrc: true, compilation: true, picture: true, unicode: true },
  m4a: { albumArtist: true, disc: true, mb: 'all', isrc: true, compilation: true, picture: true, unicode: true },
  ogg: { albumArtist: true, disc: true, mb: 'all', isrc: true, compilation: true, picture: false, unicode: true },
  opus: { albumArtist: true, disc: true, mb: 'all', isrc: true, compilation: true, picture: false, unicode: true },
  // ffmpeg's AIFF muxer writes ID3 without UFID or TCMP.
  aiff: { albumArtist: true, disc: true, mb: 'no-recording', isrc: true, compilation: false, picture: false, unicode: true },
  // RIFF INFO has no album artist or disc, and no declared encoding: music-metadata reads it as Latin-1.
  wav: { albumArtist: false, disc: false, mb: 'none', isrc: false, compilation: false, picture: false, unicode: false },
};

function pickSamples(written: Written[]): Written[] {
  const samples = new Set<Written>();
  const formats = new Set(written.map((w) => w.file.format));
  const ascii = (s: string) => /^[\x20-\x7e]*$/.test(s);
  for (const format of formats) {
    const ofFormat = written.filter((w) => w.file.format === format);
    const wanted: ((w: Written) => boolean)[] = [
      () => true,
      (w) => w.tags.mb !== undefined,
      (w) => w.tags.compilation,
      (w) => w.tags.discTotal > 1,
      (w) => !ascii(w.tags.title + w.tags.artist),
      (w) => w.file.cover !== null,
      (w) => w.file.id3v1,
      (w) => w.file.long,
    ];
    for (const predicate of wanted) {
      const found = ofFormat.find((w) => predicate(w) && !samples.has(w));
      if (found) samples.add(found);
    }
    samples.add(ofFormat[ofFormat.length - 1]!);
  }
  return [...samples];
}

async function selfCheck(written: Written[]): Promise<number> {
  const problems: string[] = [];
  const samples = pickSamples(written);
  for (const { path: file, file: planned, tags } of samples) {
    const carries = CARRIES[planned.format];
    const where = path.basename(file);
    let metadata;
    try {
      metadata = await parseFile(file);
    } catch (err) {
      problems.push(`${where}: music-metadata cannot parse it: ${(err as Error).message}`);
      continue;
    }
    const c = metadata.common;
    const expect = (what: string, actual: unknown, wanted: unknown) => {
      if (actual !== wanted) problems.push(`${where} (${planned.format}): ${what} is ${JSON.stringify(actual)}, wrote ${JSON.stringify(wanted)}`);
    };
    const text = (what: string, actual: string | undefined, wanted: string) => {
      if (carries.unicode || /^[\x20-\x7e]*$/.test(wanted)) expect(what, actual, wanted);
    };
    text('title', c.title, tags.title);
    text('artist', c.artist, tags.artist);
    text('album', c.album, tags.album);
    if (carries.albumArtist) text('album artist', c.albumartist, tags.albumArtist);
    expect('track number', c.track.no, tags.track);
    expect('track total', c.track.of, tags.trackTotal);
    if (carries.disc) expect('disc number', c.disk.no, tags.disc);
    expect('year', c.year, yearOf(tags));
    expect('genre', c.genre?.[0], tags.genre);
    if (carries.compilation) expect('compilation', c.compilation ?? false, tags.compilation);
    if (carries.isrc && tags.isrc) expect('ISRC', c.isrc?.[0], tags.isrc);
    if (carries.picture) expect('embedded pictures', c.picture?.length ?? 0, planned.cover === null ? 0 : 1);
    const mb = tags.mb;
    if (mb && carries.mb !== 'none') {
      expect('MusicBrainz album id', c.musicbrainz_albumid, mb.albumId);
      expect('MusicBrainz release group id', c.musicbrainz_releasegroupid, mb.releaseGroupId);
      expect('MusicBrainz artist id', c.musicbrainz_artistid?.[0], mb.artistId);
      expect('MusicBrainz album artist id', c.musicbrainz_albumartistid?.[0], mb.albumArtistId);
      expect('MusicBrainz release track id', c.musicbrainz_trackid, mb.releaseTrackId);
      if (carries.mb === 'all') expect('MusicBrainz recording id', c.musicbrainz_recordingid, mb.recordingId);
    }
  }
  if (problems.length > 0) {
    throw new Error(`corpus self-check failed: music-metadata does not read back what was written:\n  ${problems.slice(0, 30).join('\n  ')}${problems.length > 30 ? `\n  …and ${problems.length - 30} more` : ''}`);
  }
  return samples.length;
}

// ---------------------------------------------------------------- cache

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface Marker {
  files: number;
  bytes: number;
  generatedMs: number;
  createdAt: string;
}

/** The corpus folder for N files, building it first unless a complete one is cached. */
export async function ensureCorpus(files: number = DEFAULT_CORPUS_FILES): Promise<string> {
  if (!Number.isInteger(files) || files < 1) throw new Error(`corpus size must be a positive whole number, got ${files}`);
  const base = path.join(os.tmpdir(), 'sleeve-bench-corpus');
  const name = `${files}-v${CORPUS_VERSION}`;
  const finalDir = path.join(base, name);
  const markerPath = path.join(base, `${name}.complete`);
  if (fs.existsSync(markerPath) && fs.existsSync(finalDir)) {
    const marker = JSON.parse(fs.readFileSync(markerPath, 'utf8')) as Marker;
    log(`cached at ${finalDir} (${marker.files.toLocaleString('en-US')} files, ${(marker.bytes / 1e6).toFixed(0)} MB)`);
    return finalDir;
  }

  fs.mkdirSync(base, { recursive: true });
  // Leftovers of interrupted builds: a half-written corpus, or build folders whose process is gone.
  fs.rmSync(markerPath, { force: true });
  fs.rmSync(finalDir, { recursive: true, force: true });
  for (const entry of fs.readdirSync(base)) {
    const match = /^\.build-(.+)-(\d+)$/.exec(entry);
    if (match && match[1] === name && !isAlive(Number(match[2]))) fs.rmSync(path.join(base, entry), { recursive: true, force: true });
  }

  const started = performance.now();
  const buildDir = path.join(base, `.build-${name}-${process.pid}`);
  const libraryDir = path.join(buildDir, 'library');
  log(`building ${files.toLocaleString('en-US')} files in ${finalDir}`);
  let written: Written[];
  let bytes: number;
  try {
    const plan = planCorpus(files);
    const templates = await buildTemplates(path.join(buildDir, 'templates'), plan);
    log(`templates encoded in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    ({ written, bytes } = await writeCorpus(libraryDir, plan, templates, files));
    const checked = await selfCheck(written);
    log(`self-check: music-metadata reads back the tags of ${checked} sample files`);
    fs.renameSync(libraryDir, finalDir);
  } finally {
    fs.rmSync(buildDir, { recursive: true, force: true });
  }
  const generatedMs = Math.round(performance.now() - started);
  const marker: Marker = { files, bytes, generatedMs, createdAt: new Date().toISOString() };
  fs.writeFileSync(markerPath, `${JSON.stringify(marker)}\n`);
  const counts = new Map<Format, number>();
  for (const w of written) counts.set(w.file.format, (counts.get(w.file.format) ?? 0) + 1);
  const mix = [...counts].map(([format, n]) => `${format} ${((100 * n) / files).toFixed(1)}%`).join(', ');
  log(`built ${files.toLocaleString('en-US')} files, ${(bytes / 1e6).toFixed(0)} MB, in ${(generatedMs / 1000).toFixed(1)} s (${mix})`);
  return finalDir;
}
