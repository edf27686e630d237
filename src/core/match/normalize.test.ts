import { describe, expect, it } from 'vitest';
import {
  foldText,
  normalizeAlbum,
  normalizeArtist,
  normalizeTitle,
  splitFeaturing,
  stripVersion,
  versionTagsOf,
  type VersionTag,
} from './normalize';

const sorted = (tags: Iterable<VersionTag>): VersionTag[] => [...tags].sort();

describe('foldText', () => {
  it.each([
    ['Beyoncé', 'beyonce'],
    ['BEYONCE', 'beyonce'],
    ['Sigur Rós', 'sigur ros'],
    ['Ágætis byrjun', 'agaetis byrjun'],
    ['Motörhead', 'motorhead'],
    ['Mötley Crüe', 'motley crue'],
    ['Røyksopp', 'royksopp'],
    ['Straße', 'strasse'],
    ['STRAẞE', 'strasse'],
    ['Łódź', 'lodz'],
    ['Æon Flux', 'aeon flux'],
    ['Œuvre', 'oeuvre'],
    ['Þórr', 'thorr'],
    ['İstanbul', 'istanbul'],
    ['Ёлка', 'елка'],
    ['ΣΑΣ', 'σασ'],
    ['Ｆｕｌｌｗｉｄｔｈ', 'fullwidth'],
    ['ﬁne', 'fine'],
    ['Simon & Garfunkel', 'simon and garfunkel'],
    ['Simon and Garfunkel', 'simon and garfunkel'],
    ['C+C Music Factory', 'c and c music factory'],
    ['Don’t Stop Me Now', 'dont stop me now'],
    ["Don't Stop Me Now", 'dont stop me now'],
    ['Don`t', 'dont'],
    ['Guns N’ Roses', 'guns n roses'],
    ['“Heroes”', 'heroes'],
    ['"Heroes"', 'heroes'],
    ['AC/DC', 'ac dc'],
    ['Blink-182', 'blink 182'],
    ['Hello, Goodbye!', 'hello goodbye'],
    ['  many   spaces\t\nand tabs  ', 'many spaces and tabs'],
    ['What’s the Story… Morning Glory?', 'whats the story morning glory'],
    ['soft\u00adhyphen', 'softhyphen'],
    ['zero\u200bwidth', 'zerowidth'],
    ['Song©®', 'song'],
    ['★', '★'],
    ['', ''],
    ['!!!', ''],
  ])('%j → %j', (input, expected) => {
    expect(foldText(input)).toBe(expected);
  });

  it('keeps marks that are part of letters in other scripts', () => {
    // Dakuten distinguishes ガ from カ; Devanagari vowel signs are letters.
    expect(foldText('ガンダム')).toBe('ガンダム');
    expect(foldText('ガ')).not.toBe(foldText('カ'));
    expect(foldText('हिन्दी')).toBe('हिन्दी');
    expect(foldText('ｶﾞﾝﾀﾞﾑ')).toBe('ガンダム');
  });

  it('keeps right-to-left text and drops direction marks', () => {
    expect(foldText('\u200fمرحبا بالعالم\u200e')).toBe('مرحبا بالعالم');
    expect(foldText('שָׁלוֹם')).toBe(foldText('שָׁלוֹם'));
  });

  it('is idempotent', () => {
    for (const s of ['Beyoncé & Jay-Z', 'Sigur Rós — Ágætis byrjun', 'ガンダム (Remix)', 'Ｆｕｌｌ ＆ ｗｉｄｅ']) {
      expect(foldText(foldText(s))).toBe(foldText(s));
    }
  });
});

describe('splitFeaturing', () => {
  it.each([
    ['Song (feat. X)', 'Song', ['X']],
    ['Song (Feat. X)', 'Song', ['X']],
    ['Song [feat. X]', 'Song', ['X']],
    ['Song {ft. X}', 'Song', ['X']],
    ['Song (ft X)', 'Song', ['X']],
    ['Song (featuring X)', 'Song', ['X']],
    ['Song (feat.X)', 'Song', ['X']],
    ['Song (with X)', 'Song', ['X']],
    ['Song (feat. X & Y)', 'Song', ['X', 'Y']],
    ['Song (feat. X, Y and Z)', 'Song', ['X', 'Y', 'Z']],
    ['Song feat. X', 'Song', ['X']],
    ['Song feat X', 'Song', ['X']],
    ['Song ft. X', 'Song', ['X']],
    ['Song ft X', 'Song', ['X']],
    ['Song featuring X', 'Song', ['X']],
    ['Song Featuring X', 'Song', ['X']],
    ['Song feat. X (Remix)', 'Song (Remix)', ['X']],
    ['Song feat. X - Radio Edit', 'Song - Radio Edit', ['X']],
    ['Song - feat. X', 'Song', ['X']],
    ['Song (feat. X) [Live]', 'Song [Live]', ['X']],
    ['Song [X Remix] (feat. Y)', 'Song [X Remix]', ['Y']],
    ['David Guetta feat. Sia', 'David Guetta', ['Sia']],
    ['A ft. B, C & D', 'A', ['B', 'C', 'D']],
    ['A feat. B feat. C', 'A', ['B', 'C']],
    ['Beyoncé feat. Jay-Z', 'Beyoncé', ['Jay-Z']],
  ])('%j → %j %j', (input, main, featured) => {
    expect(splitFeaturing(input)).toEqual({ main, featured });
  });

  it.each([
    // Bare 'with' is a title word, not a guest.
    'Dance with Me',
    'With or Without You',
    // feat/ft only as whole words.
    'Defeat',
    'A Great Feat',
    'Little Feat',
    'Soft Cell',
    'Left Behind',
    'Within You Without You',
    '(I Can’t Get No) Satisfaction',
    'Song (With)',
  ])('leaves %j alone', (input) => {
    expect(splitFeaturing(input)).toEqual({ main: input, featured: [] });
  });

  it('handles empty and featuring-only input', () => {
    expect(splitFeaturing('')).toEqual({ main: '', featured: [] });
    expect(splitFeaturing('(feat. X)')).toEqual({ main: '(feat. X)', featured: [] });
  });
});

describe('stripVersion', () => {
  it.each<[string, string, VersionTag[]]>([
    ['Song - 2011 Remaster', 'Song', ['remaster']],
    ['Song - Remastered 2011', 'Song', ['remaster']],
    ['Song – 2011 Remaster', 'Song', ['remaster']],
    ['Song — Remastered', 'Song', ['remaster']],
    ['Song (Remastered 2009)', 'Song', ['remaster']],
    ['Song (2009 Digital Remaster)', 'Song', ['remaster']],
    ['Song [Remastered]', 'Song', ['remaster']],
    ['Song (Re-Mastered)', 'Song', ['remaster']],
    ['Song [Live at Wembley]', 'Song', ['live']],
    ['Song (Live)', 'Song', ['live']],
    ['Song - Live', 'Song', ['live']],
    ['Song (Live in Paris, 1979)', 'Song', ['live']],
    ['Song - Live 1975', 'Song', ['live']],
    ['Song (MTV Unplugged)', 'Song', ['live']],
    ['Song (BBC Session)', 'Song', ['live']],
    ['Song (Radio Edit)', 'Song', ['edit']],
    ['Song - Radio Edit', 'Song', ['edit']],
    ['Song (Edit)', 'Song', ['edit']],
    ['Song - Mono Version', 'Song', ['mono', 'version']],
    ['Song (Mono)', 'Song', ['mono']],
    ['Song (Stereo)', 'Song', ['stereo']],
    ['Song (2009 Stereo Mix)', 'Song', ['stereo', 'version']],
    ['Album (Deluxe Edition)', 'Album', ['deluxe']],
    ['Album [Super Deluxe]', 'Album', ['deluxe']],
    ['Album (Expanded Edition)', 'Album', ['deluxe']],
    ['Album (25th Anniversary Edition)', 'Album', ['deluxe']],
    ['Song (Bonus Track)', 'Song', ['bonus']],
    ['Song (Single Version)', 'Song', ['version']],
    ['Song (Album Version)', 'Song', ['version']],
    ['Song (Explicit)', 'Song', ['explicit']],
    ['Song [Explicit]', 'Song', ['explicit']],
    ['Song (Clean)', 'Song', ['explicit']],
    ['Song (Demo)', 'Song', ['demo']],
    ['Song - Demo', 'Song', ['demo']],
    ['Song (Acoustic)', 'Song', ['acoustic']],
    ['Song (Acoustic Version)', 'Song', ['acoustic', 'version']],
    ['Song (Instrumental)', 'Song', ['instrumental']],
    ['Song (Calvin Harris Remix)', 'Song', ['remix']],
    ['Song - Calvin Harris Remix', 'Song', ['remix']],
    ['Song (Club Mix)', 'Song', ['remix']],
    ['Song (Extended Mix)', 'Song', ['edit', 'remix']],
    ['Song (Original Mix)', 'Song', ['version']],
    ['Song (Dub)', 'Song', ['remix']],
    ['Song (Live) [Remastered 2011]', 'Song', ['live', 'remaster']],
    ['Song (Live) - 2011 Remaster', 'Song', ['live', 'remaster']],
    ['Song - Live (1979)', 'Song', ['live']],
    ['Song - Part 1 - Remastered', 'Song - Part 1', ['remaster']],
    ['Song (Live', 'Song', ['live']],
    ['Song (Live [2009])', 'Song', ['live']],
  ])('%j → %j %j', (input, core, tags) => {
    const result = stripVersion(input);
    expect(result.core).toBe(core);
    expect(sorted(result.tags)).toEqual(tags);
  });

  it.each([
    '(I Can’t Get No) Satisfaction',
    "(I Can't Get No) Satisfaction",
    'Song 2',
    'Part II',
    'Live Forever',
    'Live and Let Die',
    'Remix to Ignition',
    'Song (Part 2)',
    'Song (Live Forever)',
    'Song (From “The Film”)',
    'Jay-Z',
    'Artist - Song',
    'Song - From the Motion Picture',
    'Mix Tape',
    'Instrumental',
  ])('keeps %j whole', (input) => {
    const result = stripVersion(input);
    expect(result.core).toBe(input);
    expect(result.tags.size).toBe(0);
  });

  it('keeps a title that is nothing but a version word', () => {
    expect(stripVersion('[Demo]')).toEqual({ core: '[Demo]', tags: new Set(), detail: '' });
    expect(stripVersion('(Live)')).toEqual({ core: '(Live)', tags: new Set(), detail: '' });
  });

  it('reports what tells recordings of the same kind apart', () => {
    expect(stripVersion('Song (Live at Wembley)').detail).toBe('wembley');
    expect(stripVersion('Song (Calvin Harris Remix)').detail).toBe('calvin harris');
    expect(stripVersion('Song - Live 1979').detail).toBe('1979');
    expect(stripVersion('Song (Live)').detail).toBe('');
    // Release-level suffixes do not name a recording.
    expect(stripVersion('Song (Remastered 2009)').detail).toBe('');
  });
});

describe('versionTagsOf', () => {
  it.each<[string, VersionTag[] | null]>([
    ['live', ['live']],
    ['live at the bbc', ['live']],
    ['live forever', null],
    ['part 2', null],
    ['original mix', ['version']],
    ['2022 mix', ['version']],
    ['x mix', ['remix']],
    ['taylors version', ['version']],
    ['', null],
  ])('%j → %j', (input, expected) => {
    const tags = versionTagsOf(input);
    expect(tags === null ? null : sorted(tags)).toEqual(expected);
  });
});

describe('normalizeTitle', () => {
  it.each<[string, string, VersionTag[], string[]]>([
    ['Song', 'song', [], []],
    ['Song (feat. X)', 'song', [], ['x']],
    ['Song (feat. Beyoncé) [Remastered 2011]', 'song', ['remaster'], ['beyonce']],
    ['Song feat. X (Y Remix)', 'song', ['remix'], ['x']],
    ['Song [X Remix] (feat. Y & Z)', 'song', ['remix'], ['y', 'z']],
    ['Don’t Stop Me Now - 2011 Remaster', 'dont stop me now', ['remaster'], []],
    ['(I Can’t Get No) Satisfaction - Mono Version', 'i cant get no satisfaction', ['mono', 'version'], []],
    ['Song 2', 'song 2', [], []],
    ['Live Forever - Remastered', 'live forever', ['remaster'], []],
    ['Halo (Live)', 'halo', ['live'], []],
    ['', '', [], []],
  ])('%j → %j', (input, key, tags, featured) => {
    const t = normalizeTitle(input);
    expect(t.key).toBe(key);
    expect(sorted(t.tags)).toEqual(tags);
    expect(t.featured).toEqual(featured);
  });
});

describe('normalizeArtist', () => {
  it.each<[string, string, string, string[]]>([
    ['Beyoncé', 'beyonce', 'beyonce', ['beyonce']],
    ['The Beatles', 'beatles', 'beatles', ['beatles']],
    ['Beatles', 'beatles', 'beatles', ['beatles']],
    ['Beatles, The', 'beatles', 'beatles', ['beatles']],
    ['The The', 'the', 'the', ['the']],
    ['Simon & Garfunkel', 'simon and garfunkel', 'simon', ['simon', 'garfunkel']],
    ['Simon and Garfunkel', 'simon and garfunkel', 'simon', ['simon', 'garfunkel']],
    ['Jay-Z & Beyoncé', 'jay z and beyonce', 'jay z', ['jay z', 'beyonce']],
    ['David Guetta feat. Sia', 'david guetta', 'david guetta', ['david guetta', 'sia']],
    ['David Guetta (feat. Sia)', 'david guetta', 'david guetta', ['david guetta', 'sia']],
    ['A ft. B', 'a', 'a', ['a', 'b']],
    ['Calvin Harris x Dua Lipa', 'calvin harris x dua lipa', 'calvin harris', ['calvin harris', 'dua lipa']],
    ['A vs B', 'a vs b', 'a', ['a', 'b']],
    ['A vs. B', 'a vs b', 'a', ['a', 'b']],
    ['A / B', 'a b', 'a', ['a', 'b']],
    ['A; B', 'a b', 'a', ['a', 'b']],
    ['A, B & C', 'a b and c', 'a', ['a', 'b', 'c']],
    ['The Weeknd, Daft Punk', 'weeknd daft punk', 'weeknd', ['weeknd', 'daft punk']],
    ['AC/DC', 'ac dc', 'ac dc', ['ac dc']],
    ['10,000 Maniacs', '10 000 maniacs', '10 000 maniacs', ['10 000 maniacs']],
    ['Lil Nas X', 'lil nas x', 'lil nas x', ['lil nas x']],
    ['Sigur Rós', 'sigur ros', 'sigur ros', ['sigur ros']],
    ['', '', '', []],
  ])('%j → key %j, primary %j', (input, key, primary, all) => {
    expect(normalizeArtist(input)).toEqual({ key, primary, all });
  });
});

describe('normalizeAlbum', () => {
  it.each([
    ['Nevermind (Deluxe Edition)', 'nevermind'],
    ['Nevermind [Super Deluxe Edition] (2011 Remaster)', 'nevermind'],
    ['Abbey Road (Remastered)', 'abbey road'],
    ['Abbey Road - 2019 Mix', 'abbey road'],
    ['Revolver (Mono)', 'revolver'],
    ['Album (Expanded Edition)', 'album'],
    ['Album (Explicit)', 'album'],
    ['Album [Disc 1]', 'album'],
    ['Album (CD 2)', 'album'],
    ['Album CD2', 'album'],
    ['Album - EP', 'album'],
    ['Song - Single', 'song'],
    // Live, remix and volume parts name other albums.
    ['Album (Live)', 'album live'],
    ['Album (Remixes)', 'album remixes'],
    ['Greatest Hits Vol. 2', 'greatest hits vol 2'],
    ['(What’s the Story) Morning Glory?', 'whats the story morning glory'],
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(normalizeAlbum(input)).toBe(expected);
  });
});

describe('hostile input', () => {
  const long = 'a'.repeat(10_000);
  const inputs = [
    '',
    ' ',
    '\t\n\r',
    '!!!',
    '()',
    '[]{}()',
    '- - -',
    ' - ',
    '(((((',
    ')))))',
    'feat.',
    'feat. ',
    '(feat.)',
    '&&&',
    '🔥🔥🔥',
    '👨‍👩‍👧‍👦 family',
    '1️⃣',
    'مرحبا (Live) بالعالم',
    '\u202eesrever\u202c',
    'Z̷̢͉̈́a̸̛͓l̶̗̾g̵͉̓o̸͔͝',
    '\u0000\u0001',
    '\ud800 lone surrogate \udfff',
    '\u0301 leading mark',
    long,
    `${'('.repeat(5_000)}${')'.repeat(5_000)}`,
    ' - Live'.repeat(1_500),
    '(Live) '.repeat(1_500),
    ' feat. x'.repeat(1_200),
    '- '.repeat(5_000) + 'x',
    '🎵'.repeat(5_000),
    'ש'.repeat(10_000),
  ];

  it.each(inputs.map((s) => [s.length > 40 ? `${s.slice(0, 20)}… (${s.length} chars)` : JSON.stringify(s), s]))(
    '%s never throws',
    (_label, input) => {
      expect(typeof foldText(input)).toBe('string');
      expect(splitFeaturing(input).featured).toBeInstanceOf(Array);
      expect(typeof stripVersion(input).core).toBe('string');
      expect(typeof normalizeTitle(input).key).toBe('string');
      expect(typeof normalizeArtist(input).key).toBe('string');
      expect(typeof normalizeAlbum(input)).toBe('string');
    },
  );

  it('folds long input in linear-ish time', () => {
    const start = performance.now();
    for (const s of inputs) normalizeTitle(s);
    expect(performance.now() - start).toBeLessThan(2_000);
  });
});
