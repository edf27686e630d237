import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ByteVector, File, Picture, PictureType } from 'node-taglib-sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAudioFile, type TestFormat } from '../scan/testing/audio';
import { AudioDataError, audioDataDigest, type AudioContainer } from './audio-data';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-audio-data-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const FRESH_TAGS = { title: 'Fresh', artist: 'Somebody', album: 'First Pressing', date: '2001' };

/** A copy of source under a new name in the temp dir, changed by edit. */
function copyWith(source: string, name: string, edit: (bytes: Buffer) => Buffer = (bytes) => bytes): string {
  const target = path.join(dir, name);
  fs.writeFileSync(target, edit(fs.readFileSync(source)));
  return target;
}

/** What Sleeve's tag writer does to a file, made big enough to force a new layout: a long title and a 150 KB cover. */
function rewriteTags(file: string): void {
  const cover = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), crypto.randomBytes(150 * 1024)]);
  const tagged = File.createFromPath(file);
  try {
    tagged.tag.title = 'x'.repeat(5000);
    tagged.tag.album = 'Second Pressing';
    tagged.tag.pictures = [Picture.fromFullData(ByteVector.fromByteArray(cover), PictureType.FrontCover, 'image/png', 'cover')];
    tagged.save();
  } finally {
    tagged.dispose();
  }
}

interface Box {
  type: string;
  start: number;
  end: number;
}

function topLevelBoxes(bytes: Buffer): Box[] {
  const boxes: Box[] = [];
  for (let start = 0; start + 8 <= bytes.length; ) {
    const size = bytes.readUInt32BE(start);
    const end = size === 0 ? bytes.length : size === 1 ? start + Number(bytes.readBigUInt64BE(start + 8)) : start + size;
    boxes.push({ type: bytes.toString('latin1', start + 4, start + 8), start, end });
    start = end;
  }
  return boxes;
}

/** A byte the digest must cover: inside the frames, the 'mdat' payload or the body of the last Ogg page. */
function audioByteOffset(container: AudioContainer, bytes: Buffer): number {
  if (container === 'm4a') {
    const mdat = topLevelBoxes(bytes).find((box) => box.type === 'mdat')!;
    return Math.floor((mdat.start + 8 + mdat.end) / 2);
  }
  if (container === 'ogg') {
    const lastPage = bytes.lastIndexOf('OggS');
    const bodyStart = lastPage + 27 + bytes[lastPage + 26]!;
    return Math.floor((bodyStart + bytes.length) / 2);
  }
  return Math.floor(bytes.length / 2);
}

/** A length that cuts the file inside its header structures. */
function truncatedLength(container: AudioContainer, bytes: Buffer): number {
  switch (container) {
    case 'mp3':
      return 20; // inside the ID3v2 tag ffmpeg writes first
    case 'flac':
      return 50; // inside the block after the 42 bytes of "fLaC" and STREAMINFO
    case 'm4a':
      return bytes.length - 50; // inside the last top-level box
    case 'ogg':
      return 27 + bytes[26]! + 40; // inside the second page, which holds the comment header
  }
}

function flipByte(at: number): (bytes: Buffer) => Buffer {
  return (bytes) => {
    bytes[at] = bytes[at]! ^ 0xff;
    return bytes;
  };
}

const CASES: Array<{ format: TestFormat; container: AudioContainer }> = [
  { format: 'mp3', container: 'mp3' },
  { format: 'flac', container: 'flac' },
  { format: 'm4a', container: 'm4a' },
  { format: 'ogg', container: 'ogg' },
  { format: 'opus', container: 'ogg' },
];

describe.each(CASES)('$format', ({ format, container }) => {
  let fresh: string;
  beforeAll(() => {
    fresh = makeAudioFile(path.join(dir, `fresh.${format}`), format, FRESH_TAGS, 2);
  });

  it('digests the audio of a fresh file', async () => {
    const data = await audioDataDigest(fresh);
    expect(data).toMatchObject({ container, digest: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(data!.bytes).toBeGreaterThan(1000);
    expect(data!.bytes).toBeLessThan(fs.statSync(fresh).size);
  });

  it('keeps the digest when taglib rewrites the tags much larger', async () => {
    const before = await audioDataDigest(fresh);
    const copy = copyWith(fresh, `rewritten.${format}`);
    rewriteTags(copy);
    // FLAC's padding block absorbs a few KB, so the growth is a little under the cover's size.
    expect(fs.statSync(copy).size).toBeGreaterThan(fs.statSync(fresh).size + 100 * 1024);
    expect(await audioDataDigest(copy)).toEqual(before);
  });

  it('changes the digest when one audio byte changes', async () => {
    const before = await audioDataDigest(fresh);
    const copy = copyWith(fresh, `flipped.${format}`, (bytes) => flipByte(audioByteOffset(container, bytes))(bytes));
    const after = await audioDataDigest(copy);
    expect(after).toMatchObject({ container, bytes: before!.bytes });
    expect(after!.digest).not.toBe(before!.digest);
  });

  it('says what is wrong when the file is cut inside its headers', async () => {
    const copy = copyWith(fresh, `cut.${format}`, (bytes) => bytes.subarray(0, truncatedLength(container, bytes)));
    await expect(audioDataDigest(copy)).rejects.toThrow(AudioDataError);
  });
});

describe('mp3', () => {
  let fresh: string;
  beforeAll(() => {
    fresh = makeAudioFile(path.join(dir, 'plain.mp3'), 'mp3', FRESH_TAGS, 2);
  });

  it('takes a file with no ID3 tag, starting right at a frame sync, for MP3', async () => {
    const bytes = fs.readFileSync(fresh);
    const tagLength = 10 + ((bytes[6]! << 21) | (bytes[7]! << 14) | (bytes[8]! << 7) | bytes[9]!);
    const bare = copyWith(fresh, 'bare.mp3', (all) => all.subarray(tagLength));
    expect(await audioDataDigest(bare)).toEqual(await audioDataDigest(fresh));
  });

  it('gives a different digest when the frames are cut short', async () => {
    const before = await audioDataDigest(fresh);
    const cut = copyWith(fresh, 'cut-frames.mp3', (bytes) => bytes.subarray(0, Math.floor(bytes.length * 0.7)));
    expect((await audioDataDigest(cut))!.digest).not.toBe(before!.digest);
  });

  it('ignores ID3v1, APEv2, Lyrics3v2 and appended ID3v2 tags at the end, in any order', async () => {
    const before = await audioDataDigest(fresh);
    const withTags = (name: string, ...tags: Buffer[]) => copyWith(fresh, name, (bytes) => Buffer.concat([bytes, ...tags]));
    const files = [
      withTags('ape-id3v1.mp3', apeTag({ Title: 'Appended', Artist: 'Someone Else' }), id3v1Tag('Appended')),
      withTags('lyrics-enhanced-id3v1.mp3', lyrics3v2Tag('la la la'), enhancedId3v1Block(), id3v1Tag('Appended')),
      withTags('id3v1-ape-id3v2.mp3', id3v1Tag('First'), apeTag({ Title: 'Second' }), appendedId3v2Tag('Third')),
    ];
    for (const file of files) expect(await audioDataDigest(file)).toEqual(before);
  });

  it('keeps the digest when taglib rewrites a file that already has APEv2 and ID3v1 tags at the end', async () => {
    const before = await audioDataDigest(fresh);
    const copy = copyWith(fresh, 'ape-rewritten.mp3', (bytes) => Buffer.concat([bytes, apeTag({ Title: 'Appended' }), id3v1Tag('Appended')]));
    rewriteTags(copy);
    expect(await audioDataDigest(copy)).toEqual(before);
  });

  it('refuses an APEv2 footer whose size runs past the start of the file', async () => {
    const broken = apeTag({ Title: 'Broken' });
    broken.writeUInt32LE(10 * 1024 * 1024, broken.length - 32 + 12);
    const file = copyWith(fresh, 'bad-ape.mp3', (bytes) => Buffer.concat([bytes, broken]));
    await expect(audioDataDigest(file)).rejects.toThrow(/APE tag/);
  });
});

describe('flac', () => {
  it('skips an ID3v2 tag before "fLaC"', async () => {
    const fresh = makeAudioFile(path.join(dir, 'id3-first.flac'), 'flac', FRESH_TAGS, 1);
    const prefixed = copyWith(fresh, 'id3-prefixed.flac', (bytes) => Buffer.concat([appendedId3v2Tag('In front'), bytes]));
    expect(await audioDataDigest(prefixed)).toEqual(await audioDataDigest(fresh));
  });
});

describe('ogg flac', () => {
  it('leaves out the metadata block packets, whatever the tags', async () => {
    const make = (name: string, ...tags: string[]) => {
      const file = path.join(dir, name);
      const meta = tags.flatMap((tag) => ['-metadata', tag]);
      const made = spawnSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'flac', ...meta, '-f', 'ogg', file], { encoding: 'utf8' });
      expect(made.stderr).toBe('');
      return file;
    };
    const one = await audioDataDigest(make('one.oga', 'title=One'));
    const two = await audioDataDigest(make('two.oga', 'title=Two', `comment=${'long '.repeat(20_000)}`));
    expect(one).toMatchObject({ container: 'ogg' });
    expect(two).toEqual(one);
  });
});

describe('m4a box sizes', () => {
  it('reads a 64-bit size and a size of 0 (up to the end of the file) on the mdat box', async () => {
    const plain = makeAudioFile(path.join(dir, 'sizes.m4a'), 'm4a', FRESH_TAGS, 1);
    const before = await audioDataDigest(plain);
    const bytes = fs.readFileSync(plain);
    const mdat = topLevelBoxes(bytes).find((box) => box.type === 'mdat')!;
    const largeHeader = Buffer.alloc(16);
    largeHeader.writeUInt32BE(1, 0);
    largeHeader.write('mdat', 4, 'latin1');
    largeHeader.writeBigUInt64BE(BigInt(mdat.end - mdat.start + 8), 8);
    const large = copyWith(plain, 'large-size.m4a', () => Buffer.concat([bytes.subarray(0, mdat.start), largeHeader, bytes.subarray(mdat.start + 8)]));
    expect(await audioDataDigest(large)).toEqual(before);

    const toEnd = copyWith(plain, 'size-zero.m4a', () => {
      const cut = Buffer.from(bytes.subarray(0, mdat.end));
      cut.writeUInt32BE(0, mdat.start);
      return cut;
    });
    expect(await audioDataDigest(toEnd)).toEqual(before);
  });
});

describe('m4a with its moov box before the media data', () => {
  it('keeps the digest when taglib grows the moov box and moves the media data', async () => {
    const plain = makeAudioFile(path.join(dir, 'late-moov.m4a'), 'm4a', FRESH_TAGS, 2);
    const fastStart = path.join(dir, 'fast-start.m4a');
    const remux = spawnSync('ffmpeg', ['-v', 'error', '-y', '-i', plain, '-c', 'copy', '-movflags', '+faststart', '-f', 'ipod', fastStart], { encoding: 'utf8' });
    expect(remux.stderr).toBe('');
    const mdatStart = (file: string) => topLevelBoxes(fs.readFileSync(file)).find((box) => box.type === 'mdat')!.start;
    const types = topLevelBoxes(fs.readFileSync(fastStart)).map((box) => box.type);
    expect(types.indexOf('moov')).toBeLessThan(types.indexOf('mdat'));

    const before = await audioDataDigest(fastStart);
    const mdatBefore = mdatStart(fastStart);
    rewriteTags(fastStart);
    expect(mdatStart(fastStart)).toBeGreaterThan(mdatBefore + 150 * 1024);
    expect(await audioDataDigest(fastStart)).toEqual(before);
    expect(before).toEqual(await audioDataDigest(plain));
  });
});

describe('files it does not know', () => {
  it('returns null for WAV, AIFF, text, empty files and raw AAC behind an ID3 tag', async () => {
    const wav = makeAudioFile(path.join(dir, 'tone.wav'), 'wav', FRESH_TAGS, 1);
    const aiff = makeAudioFile(path.join(dir, 'tone.aiff'), 'aiff', FRESH_TAGS, 1);
    const text = path.join(dir, 'notes.mp3');
    fs.writeFileSync(text, 'Not music at all, whatever the name says.\n');
    const empty = path.join(dir, 'empty.flac');
    fs.writeFileSync(empty, '');
    const adts = path.join(dir, 'raw.aac');
    fs.writeFileSync(adts, Buffer.concat([appendedId3v2Tag('Raw AAC'), Buffer.from([0xff, 0xf1, 0x50, 0x80, 0x02, 0x1f, 0xfc]), Buffer.alloc(500)]));
    for (const file of [wav, aiff, text, empty, adts]) expect(await audioDataDigest(file)).toBeNull();
  });
});

describe('cancelling', () => {
  it('rejects with an AbortError when the signal is already aborted', async () => {
    const file = makeAudioFile(path.join(dir, 'cancel.flac'), 'flac', FRESH_TAGS, 1);
    await expect(audioDataDigest(file, AbortSignal.abort())).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('rejects when the signal is aborted after the file is opened', async () => {
    const file = makeAudioFile(path.join(dir, 'cancel-later.ogg'), 'ogg', FRESH_TAGS, 1);
    const controller = new AbortController();
    const pending = audioDataDigest(file, controller.signal);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});

function apeTag(items: Record<string, string>): Buffer {
  const itemBytes = Buffer.concat(
    Object.entries(items).map(([key, value]) => {
      const data = Buffer.from(value, 'utf8');
      const head = Buffer.alloc(8);
      head.writeUInt32LE(data.length, 0);
      return Buffer.concat([head, Buffer.from(`${key}\0`, 'latin1'), data]);
    }),
  );
  const block = (isHeader: boolean) => {
    const bytes = Buffer.alloc(32);
    bytes.write('APETAGEX', 0, 'latin1');
    bytes.writeUInt32LE(2000, 8);
    bytes.writeUInt32LE(itemBytes.length + 32, 12);
    bytes.writeUInt32LE(Object.keys(items).length, 16);
    bytes.writeUInt32LE((0x80000000 | (isHeader ? 0x20000000 : 0)) >>> 0, 20);
    return bytes;
  };
  return Buffer.concat([block(true), itemBytes, block(false)]);
}

function id3v1Tag(title: string): Buffer {
  const bytes = Buffer.alloc(128);
  bytes.write('TAG', 0, 'latin1');
  bytes.write(title, 3, 30, 'latin1');
  bytes[127] = 255;
  return bytes;
}

function enhancedId3v1Block(): Buffer {
  const bytes = Buffer.alloc(227);
  bytes.write('TAG+', 0, 'latin1');
  bytes.write('A title longer than thirty characters fits here', 4, 60, 'latin1');
  return bytes;
}

function lyrics3v2Tag(lyrics: string): Buffer {
  const field = (id: string, value: string) => `${id}${String(value.length).padStart(5, '0')}${value}`;
  const body = `LYRICSBEGIN${field('IND', '10')}${field('LYR', lyrics)}`;
  return Buffer.from(`${body}${String(body.length).padStart(6, '0')}LYRICS200`, 'latin1');
}

/** An ID3v2.4 tag with a footer, as writers that append ID3v2 at the end make it. */
function appendedId3v2Tag(title: string): Buffer {
  const text = Buffer.concat([Buffer.from([3]), Buffer.from(title, 'utf8')]);
  const frameHeader = Buffer.alloc(10);
  frameHeader.write('TIT2', 0, 'latin1');
  frameHeader.writeUInt32BE(text.length, 4);
  const body = Buffer.concat([frameHeader, text]);
  const block = (id: string) => {
    const bytes = Buffer.alloc(10);
    bytes.write(id, 0, 'latin1');
    bytes[3] = 4;
    bytes[5] = 0x10;
    for (let i = 0; i < 4; i++) bytes[6 + i] = (body.length >> (7 * (3 - i))) & 0x7f;
    return bytes;
  };
  return Buffer.concat([block('ID3'), body, block('3DI')]);
}
