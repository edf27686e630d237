import { describe, expect, it } from 'vitest';
import {
  assignItems,
  foldItem,
  idealItem,
  MAX_COMPONENT_BYTES,
  playlistFileName,
  safeComponent,
  safeFileName,
  trackPrefix,
  withSuffix,
  type LayoutTrack,
} from './layout';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

function track(id: number, over: Partial<LayoutTrack> = {}): LayoutTrack {
  return {
    trackId: id,
    sourcePath: `/music/${id}.flac`,
    title: 'Song',
    artist: 'Artist',
    albumArtist: null,
    album: 'Album',
    trackNumber: 1,
    discNumber: null,
    discTotal: null,
    ...over,
  };
}

describe('safeComponent', () => {
  it('replaces what FAT, exFAT and NTFS refuse', () => {
    expect(safeComponent('AC/DC: Live <1991> "Donington" | a? b* c\\d', 'x')).toBe('AC_DC_ Live _1991_ _Donington_ _ a_ b_ c_d');
  });

  it('drops control characters and squeezes white space', () => {
    expect(safeComponent('Line\none\u0000two\ttabs\u0085 \u2028end', 'x')).toBe('Line one two tabs end');
  });

  it('strips trailing dots and spaces, and leading dots that would hide the folder', () => {
    expect(safeComponent('Vol. 2...  ', 'x')).toBe('Vol. 2');
    expect(safeComponent('...And Justice for All', 'x')).toBe('And Justice for All');
    expect(safeComponent('.5: The Gray Chapter', 'x')).toBe('5_ The Gray Chapter');
  });

  it('falls back when nothing is left', () => {
    expect(safeComponent('...', 'Unknown Album')).toBe('Unknown Album');
    expect(safeComponent('   ', 'Unknown Artist')).toBe('Unknown Artist');
    expect(safeComponent(null, 'Unknown Artist')).toBe('Unknown Artist');
  });

  it('never gives a reserved Windows device name', () => {
    expect(safeComponent('CON', 'x')).toBe('CON_');
    expect(safeComponent('CONIN$', 'x')).toBe('CONIN$_');
    expect(safeComponent('conout$.mp3', 'x')).toBe('conout$_.mp3');
    expect(safeComponent('nul', 'x')).toBe('nul_');
    expect(safeComponent('COM1', 'x')).toBe('COM1_');
    expect(safeComponent('Lpt9.txt', 'x')).toBe('Lpt9_.txt');
    expect(safeComponent('Console', 'x')).toBe('Console');
    expect(safeFileName('AUX', 'mp3')).toBe('AUX_.mp3');
  });

  it('normalises to NFC', () => {
    const decomposed = 'Be\u0301la Barto\u0301k';
    expect(safeComponent(decomposed, 'x')).toBe('Béla Bartók');
    expect(safeComponent(decomposed, 'x')).toBe(safeComponent('Béla Bartók', 'x'));
  });

  it('keeps a component within the byte limit without splitting a character', () => {
    const long = '日本語のとても長いアルバムの題名'.repeat(10);
    const safe = safeComponent(long, 'x');
    expect(bytes(safe)).toBeLessThanOrEqual(MAX_COMPONENT_BYTES);
    expect(long.startsWith(safe)).toBe(true);
    const emoji = safeComponent('🎵'.repeat(100), 'x');
    expect(bytes(emoji)).toBeLessThanOrEqual(MAX_COMPONENT_BYTES);
    expect([...emoji].every((c) => c === '🎵')).toBe(true);
  });
});

describe('file names', () => {
  it('keeps the extension whole when the stem is shortened', () => {
    const name = safeFileName('x'.repeat(300), 'FLAC');
    expect(name.endsWith('.flac')).toBe(true);
    expect(bytes(name)).toBe(MAX_COMPONENT_BYTES);
  });

  it('numbers tracks, with the disc on multi-disc albums', () => {
    expect(trackPrefix({ trackNumber: 1, discNumber: 1, discTotal: 1 })).toBe('01');
    expect(trackPrefix({ trackNumber: 3, discNumber: 1, discTotal: 2 })).toBe('1-03');
    expect(trackPrefix({ trackNumber: 12, discNumber: 2, discTotal: null })).toBe('2-12');
    expect(trackPrefix({ trackNumber: null, discNumber: 2, discTotal: 2 })).toBeNull();
  });

  it('lays a track out as artist/album/number title', () => {
    expect(idealItem(track(1, { title: 'Title', albumArtist: 'Band', artist: 'Singer feat. X' }))).toBe('Band/Album/01 Title.flac');
    expect(idealItem(track(1, { sourcePath: '/m/a.MP3', title: 'Title', trackNumber: 3, discNumber: 1, discTotal: 2 }))).toBe('Artist/Album/1-03 Title.mp3');
    // A compilation's tracks stay together; an album artist, when there is one, still names the folder.
    expect(idealItem(track(1, { albumArtist: null, compilation: true, trackNumber: 2, title: 'Two' }))).toBe('Various Artists/Album/02 Two.flac');
    expect(idealItem(track(1, { albumArtist: 'DJ Mix', compilation: true, trackNumber: 2, title: 'Two' }))).toBe('DJ Mix/Album/02 Two.flac');
    expect(idealItem(track(1, { sourcePath: '/m/Some File.ogg', title: null, artist: null, album: '  ', trackNumber: null }))).toBe(
      'Unknown Artist/Unknown Album/Some File.ogg',
    );
    expect(idealItem(track(1, { title: 'What? / Why: "Now"', artist: 'CON', album: 'Aux.' }))).toBe('CON_/Aux_/01 What_ _ Why_ _Now_.flac');
  });

  it('names playlist files the same safe way', () => {
    expect(playlistFileName('Road Trip: 2024/25')).toBe('Road Trip_ 2024_25.m3u8');
    expect(playlistFileName('...')).toBe('Playlist.m3u8');
    expect(playlistFileName('Mix', 2)).toBe('Mix (2).m3u8');
  });

  it('adds a suffix within the byte limit', () => {
    expect(withSuffix('A/B/01 Song.flac', 2)).toBe('A/B/01 Song (2).flac');
    const long = `A/B/${'y'.repeat(MAX_COMPONENT_BYTES - 5)}.mp3`;
    const suffixed = withSuffix(long, 3);
    expect(suffixed.endsWith(' (3).mp3')).toBe(true);
    expect(bytes(suffixed.split('/').pop()!)).toBeLessThanOrEqual(MAX_COMPONENT_BYTES);
  });
});

describe('assignItems', () => {
  it('gives two different tracks with one path distinct names, case ignored', () => {
    const items = assignItems([track(2, { title: 'song' }), track(1, { title: 'Song' }), track(3, { title: 'Other' })]);
    expect(items.get(1)).toBe('Artist/Album/01 Song.flac');
    expect(items.get(2)).toBe('Artist/Album/01 song (2).flac');
    expect(items.get(3)).toBe('Artist/Album/01 Other.flac');
  });

  it('spells one folder one way for every file in it', () => {
    const items = assignItems([track(1, { artist: 'ABBA', title: 'A' }), track(2, { artist: 'Abba', title: 'B' })]);
    expect(items.get(1)).toBe('ABBA/Album/01 A.flac');
    expect(items.get(2)).toBe('ABBA/Album/01 B.flac');
  });

  it('keeps the name a track had before, suffix and all', () => {
    const previous = new Map([
      [2, 'artist/album/01 Song.flac'],
      [1, 'Artist/Album/01 Song (2).flac'],
    ]);
    const items = assignItems([track(1), track(2)], { previous });
    expect(items.get(2)).toBe('artist/album/01 Song.flac');
    expect(items.get(1)).toBe('Artist/Album/01 Song (2).flac');
    // A new track in the same folder follows the spelling already on disk.
    const more = assignItems([track(1), track(2), track(3, { title: 'New' })], { previous });
    expect(more.get(3)).toBe('artist/album/01 New.flac');
  });

  it('drops an earlier name that no longer fits the tags', () => {
    const items = assignItems([track(1, { title: 'Renamed' })], { previous: new Map([[1, 'Artist/Album/01 Song.flac']]) });
    expect(items.get(1)).toBe('Artist/Album/01 Renamed.flac');
  });

  it('steps around files it must not overwrite', () => {
    const taken = new Set([foldItem('Artist/Album/01 Song.flac'), foldItem('Artist/Album/01 Song (2).flac')]);
    const items = assignItems([track(1)], { occupied: (item) => taken.has(foldItem(item)) });
    expect(items.get(1)).toBe('Artist/Album/01 Song (3).flac');
  });
});
