import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAudioFile } from './read-file';
import { makeAudioFile, type TestFormat } from './testing/audio';
import type { ReadResult } from './types';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-tags-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function read(file: string): Promise<ReadResult> {
  const stat = fs.statSync(file);
  return readAudioFile({ path: file, size: stat.size, mtimeMs: stat.mtimeMs });
}

const RELEASE = '0f4d8f3e-1b2a-4c5d-9e8f-7a6b5c4d3e2f';
const RELEASE_GROUP = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const RECORDING = '9b8a7c6d-5e4f-4a3b-2c1d-0f9e8d7c6b5a';
const ARTIST = 'aabbccdd-eeff-4011-8223-344556677889';

const common = {
  title: 'Ça plane pour moi',
  artist: 'Plastic Bertrand',
  album: 'An 1',
  albumArtist: 'Plastic Bertrand',
  track: '3/12',
  disc: '1/2',
  date: '1977',
  genre: 'Punk',
};

/** The keys Picard writes, per tag family, as ffmpeg passes them through. */
const VORBIS_IDS = {
  MUSICBRAINZ_TRACKID: RECORDING,
  MUSICBRAINZ_ALBUMID: RELEASE,
  MUSICBRAINZ_RELEASEGROUPID: RELEASE_GROUP,
  MUSICBRAINZ_ARTISTID: ARTIST,
  ISRC: 'BEA017700123',
};
const ID3_IDS = {
  'MusicBrainz Album Id': RELEASE,
  'MusicBrainz Release Group Id': RELEASE_GROUP,
  'MusicBrainz Artist Id': ARTIST,
};

describe('tag mapping per format', () => {
  const cases: Array<[TestFormat, Record<string, string>, (r: Extract<ReadResult, { ok: true }>) => void]> = [
    ['mp3', ID3_IDS, ({ tags }) => expect(tags).toMatchObject({ mbReleaseId: RELEASE, mbReleaseGroupId: RELEASE_GROUP, mbArtistIds: [ARTIST] })],
    ['flac', VORBIS_IDS, ({ tags }) => expect(tags).toMatchObject({ mbRecordingId: RECORDING, mbReleaseId: RELEASE, mbReleaseGroupId: RELEASE_GROUP, mbArtistIds: [ARTIST], isrc: 'BEA017700123', lossless: true })],
    ['ogg', VORBIS_IDS, ({ tags }) => expect(tags).toMatchObject({ mbRecordingId: RECORDING, mbReleaseId: RELEASE, codec: expect.stringMatching(/vorbis/i) })],
    ['opus', VORBIS_IDS, ({ tags }) => expect(tags).toMatchObject({ mbRecordingId: RECORDING, mbReleaseId: RELEASE, format: 'opus' })],
    ['m4a', {}, ({ tags }) => expect(tags).toMatchObject({ format: 'm4a', codec: expect.stringMatching(/aac/i) })],
    ['aiff', ID3_IDS, ({ tags }) => expect(tags).toMatchObject({ format: 'aiff', mbReleaseId: RELEASE })],
  ];

  for (const [format, ids, check] of cases) {
    it(`reads ${format}: names, numbers, year, stream facts and MusicBrainz ids`, async () => {
      const file = makeAudioFile(path.join(dir, `t.${format}`), format, { ...common, extra: ids }, 3);
      const result = await read(file);
      if (!result.ok) throw new Error(result.error);
      expect(result.tags).toMatchObject({
        format,
        title: common.title,
        artist: common.artist,
        album: common.album,
        albumArtist: common.albumArtist,
        trackNo: 3,
        trackTotal: 12,
        discNo: 1,
        year: 1977,
        genre: 'Punk',
        sampleRate: format === 'opus' ? 48000 : 44100, // Opus always decodes at 48 kHz
        hasArt: false,
        originalYear: null,
      });
      expect(result.tags.durationMs).toBeGreaterThan(2500);
      expect(result.tags.durationMs).toBeLessThan(3500);
      check(result);
    });
  }

  it('reads wav stream facts and its RIFF INFO title', async () => {
    const result = await read(makeAudioFile(path.join(dir, 't.wav'), 'wav', { title: 'Wave', artist: 'Someone' }));
    if (!result.ok) throw new Error(result.error);
    expect(result.tags).toMatchObject({ format: 'wav', title: 'Wave', artist: 'Someone', lossless: true, sampleRate: 44100 });
  });
});

describe('files that are not what they say', () => {
  it('reads a FLAC file named .mp3 as FLAC', async () => {
    const flac = makeAudioFile(path.join(dir, 'real.flac'), 'flac', { title: 'Disguised' });
    const named = path.join(dir, 'disguised.mp3');
    fs.copyFileSync(flac, named);
    const result = await read(named);
    expect(result).toMatchObject({ ok: true, tags: { format: 'flac', title: 'Disguised' } });
  });

  it('fails, with a reason, on an empty file, a text file, an image and a truncated file', async () => {
    const empty = path.join(dir, 'empty.mp3');
    fs.writeFileSync(empty, '');
    const text = path.join(dir, 'notes.flac');
    fs.writeFileSync(text, 'these are liner notes, not audio\n'.repeat(50));
    const image = path.join(dir, 'cover.m4a');
    fs.writeFileSync(image, Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]), Buffer.from('JFIF\0'), Buffer.alloc(2000)]));
    const whole = makeAudioFile(path.join(dir, 'long.flac'), 'flac', { title: 'Long' }, 20);
    const truncated = path.join(dir, 'cut.flac');
    fs.writeFileSync(truncated, fs.readFileSync(whole).subarray(0, 6000));

    expect(await read(empty)).toMatchObject({ ok: false, error: 'the file is empty (0 bytes)' });
    expect(await read(text)).toMatchObject({ ok: false, error: expect.stringMatching(/^not an audio file/) });
    expect(await read(image)).toMatchObject({ ok: false, error: expect.stringMatching(/not an audio file: its content is image\/jpeg/) });
    expect(await read(truncated)).toMatchObject({ ok: false, error: expect.stringMatching(/truncated/) });
  });

  it('keys a file by its content, so the same bytes elsewhere have the same key', async () => {
    const a = makeAudioFile(path.join(dir, 'k1.mp3'), 'mp3', { title: 'K' });
    const b = path.join(dir, 'moved', 'k1.mp3');
    fs.mkdirSync(path.dirname(b), { recursive: true });
    fs.copyFileSync(a, b);
    const other = makeAudioFile(path.join(dir, 'k2.mp3'), 'mp3', { title: 'Other' });
    const [ra, rb, ro] = await Promise.all([read(a), read(b), read(other)]);
    expect(ra.contentKey).toBe(rb.contentKey);
    expect(ra.contentKey).not.toBe(ro.contentKey);
  });
});
