import { describe, expect, it } from 'vitest';
import { foldText } from './normalize';
import {
  DEFAULT_MARGIN,
  DEFAULT_THRESHOLD,
  durationSimilarity,
  pickBest,
  scoreCandidate,
  textSimilarity,
  VERSION_MISMATCH_PENALTY,
  type MatchCandidate,
  type MatchQuery,
  type Scored,
} from './score';

const q = (title: string, artist: string, durationMs?: number | null, album?: string): MatchQuery => ({
  title,
  artist,
  durationMs,
  album,
});
const c = (title: string, artists: string[], durationMs: number | null = null, albums: string[] = []): MatchCandidate => ({
  title,
  artists,
  durationMs,
  albums,
});
const score = (query: MatchQuery, candidate: MatchCandidate): number => scoreCandidate(query, candidate).score;

/** Deterministic Fisher–Yates so shuffled-input tests are reproducible. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed >>> 0;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('textSimilarity', () => {
  it('is 1 for equal strings, including after folding', () => {
    expect(textSimilarity('halo', 'halo')).toBe(1);
    expect(textSimilarity('', '')).toBe(1);
    expect(textSimilarity(foldText('Beyoncé'), foldText('Beyonce'))).toBe(1);
    expect(textSimilarity(foldText('Sigur Rós'), foldText('SIGUR ROS'))).toBe(1);
    expect(textSimilarity(foldText('Simon & Garfunkel'), foldText('Simon and Garfunkel'))).toBe(1);
  });

  it('is 0 against an empty string', () => {
    expect(textSimilarity('halo', '')).toBe(0);
    expect(textSimilarity('', 'halo')).toBe(0);
  });

  // [a, b, min, max]
  it.each<[string, string, number, number]>([
    // Word order and spacing.
    ['simon and garfunkel', 'garfunkel and simon', 0.99, 1],
    ['acdc', 'ac dc', 0.99, 1],
    ['dont stop me now', 'don t stop me now', 0.99, 1],
    // A stray article costs little.
    ['the long and winding road', 'long and winding road', 0.9, 1],
    ['the beatles', 'beatles', 0.85, 0.95],
    // Typos in long words are forgiven.
    ['bohemian rapsody', 'bohemian rhapsody', 0.9, 1],
    ['beyonce', 'beyonse', 0.8, 0.9],
    // Short words must match exactly; an extra word is a real difference.
    ['love', 'lose', 0, 0.6],
    ['help', 'help me', 0.5, 0.7],
    ['love', 'love me do', 0.3, 0.55],
    ['a', 'b', 0, 0],
    ['x', 'xx', 0, 0.3],
    // Numbers name different works.
    ['song 2', 'song 3', 0, 0.5],
    ['song 2', 'song', 0, 0.5],
    ['part 1', 'part 01', 0.99, 1],
    ['maroon 5', 'maroon5', 0.99, 1],
    // Unrelated.
    ['jeff buckley', 'leonard cohen', 0, 0.1],
    ['yesterday', 'yellow submarine', 0, 0.1],
    ['coldplay', 'the killers', 0, 0.1],
  ])('%j vs %j in [%d, %d]', (a, b, min, max) => {
    const ab = textSimilarity(a, b);
    expect(ab).toBeGreaterThanOrEqual(min);
    expect(ab).toBeLessThanOrEqual(max);
    expect(textSimilarity(b, a)).toBeCloseTo(ab, 10);
  });

  it('ranks closer strings higher', () => {
    const target = 'here comes the sun';
    const near = textSimilarity(target, 'here comes the sun king');
    const far = textSimilarity(target, 'here comes the night');
    const unrelated = textSimilarity(target, 'yellow submarine');
    expect(near).toBeGreaterThan(far);
    expect(far).toBeGreaterThan(unrelated);
  });
});

describe('durationSimilarity', () => {
  it.each<[number | null | undefined, number | null | undefined, number | null]>([
    [200_000, 200_000, 1],
    [200_000, 203_000, 1],
    [203_000, 200_000, 1],
    [200_000, 209_000, 0.5],
    [200_000, 215_000, 0],
    [200_000, 260_000, 0],
    [200_000, null, null],
    [null, 200_000, null],
    [undefined, 200_000, null],
    [0, 200_000, null],
    [-5, 200_000, null],
    [Number.NaN, 200_000, null],
    [Number.POSITIVE_INFINITY, 200_000, null],
  ])('%s ms vs %s ms → %s', (a, b, expected) => {
    const s = durationSimilarity(a, b);
    if (expected === null) expect(s).toBeNull();
    else expect(s).toBeCloseTo(expected, 10);
  });

  it('falls linearly between 3 s and 15 s', () => {
    expect(durationSimilarity(100_000, 106_000)).toBeCloseTo(0.75, 10);
    expect(durationSimilarity(100_000, 112_000)).toBeCloseTo(0.25, 10);
  });
});

describe('scoreCandidate', () => {
  it('returns 1 and every part for an exact match', () => {
    const r = scoreCandidate(q('Halo', 'Beyoncé', 261_000, 'I Am... Sasha Fierce'), c('Halo', ['Beyoncé'], 261_500, ['I Am… Sasha Fierce']));
    expect(r).toEqual({ score: 1, parts: { title: 1, artist: 1, album: 1, duration: 1 }, versionMismatch: false });
  });

  it('drops unknown parts and renormalises the rest', () => {
    const r = scoreCandidate(q('Halo', 'Beyonce'), c('Halo', ['Nobody']));
    expect(r.parts.album).toBeNull();
    expect(r.parts.duration).toBeNull();
    // (0.45·1 + 0.30·artist) / 0.75
    expect(r.score).toBeCloseTo((0.45 + 0.3 * r.parts.artist) / 0.75, 10);
    // A query album with no candidate albums is unknown too.
    expect(scoreCandidate(q('Halo', 'Beyonce', null, 'X'), c('Halo', ['Beyonce'])).parts.album).toBeNull();
  });

  it('weights the parts 0.45 / 0.30 / 0.15 / 0.10', () => {
    const r = scoreCandidate(q('Halo', 'Beyonce', 200_000, 'Some Album'), c('Halo', ['Beyonce'], 209_000, ['Other Record']));
    const { title, artist, album, duration } = r.parts;
    expect(r.score).toBeCloseTo(0.45 * title + 0.3 * artist + 0.1 * album! + 0.15 * duration!, 10);
  });

  it('treats accents, "&"/"and" and a leading "The" as equal', () => {
    expect(score(q('Halo', 'Beyonce'), c('Halo', ['Beyoncé']))).toBe(1);
    expect(score(q('Hoppípolla', 'Sigur Ros'), c('Hoppipolla', ['Sigur Rós']))).toBe(1);
    expect(score(q('The Boxer', 'Simon and Garfunkel'), c('The Boxer', ['Simon & Garfunkel']))).toBe(1);
    expect(score(q('Help!', 'Beatles'), c('Help!', ['The Beatles']))).toBe(1);
    expect(score(q('Help!', 'Beatles, The'), c('Help!', ['The Beatles']))).toBe(1);
  });

  it('does not let featured artists moved out of titles hurt', () => {
    const full = 1;
    expect(score(q('Titanium (feat. Sia)', 'David Guetta', 245_000), c('Titanium', ['David Guetta feat. Sia'], 245_000))).toBe(full);
    expect(score(q('Titanium (feat. Sia)', 'David Guetta'), c('Titanium', ['David Guetta', 'Sia']))).toBe(full);
    expect(score(q('Titanium', 'David Guetta feat. Sia'), c('Titanium (feat. Sia)', ['David Guetta']))).toBe(full);
    expect(score(q('Titanium', 'David Guetta ft. Sia'), c('Titanium', ['David Guetta', 'Sia']))).toBe(full);
    expect(score(q('Crazy in Love', 'Beyoncé feat. Jay-Z'), c('Crazy in Love', ['Beyoncé', 'JAY-Z']))).toBe(full);
  });

  it('matches multi-artist credits however they are split', () => {
    expect(score(q('Drunk in Love', 'Beyoncé & Jay-Z'), c('Drunk in Love', ['Beyoncé', 'Jay-Z']))).toBe(1);
    expect(score(q('Drunk in Love', 'Beyoncé & Jay-Z'), c('Drunk in Love', ['Jay-Z', 'Beyoncé']))).toBe(1);
    expect(score(q('One Kiss', 'Calvin Harris x Dua Lipa'), c('One Kiss', ['Calvin Harris', 'Dua Lipa']))).toBe(1);
    expect(score(q('One Kiss', 'Calvin Harris, Dua Lipa'), c('One Kiss', ['Calvin Harris & Dua Lipa']))).toBeGreaterThan(0.95);
  });

  it('lets a remaster suffix match the original', () => {
    for (const title of [
      'Here Comes the Sun - Remastered 2009',
      'Here Comes the Sun (2019 Mix)',
      'Here Comes the Sun [Remastered]',
      'Here Comes the Sun - Mono Version',
      'Here Comes the Sun (Single Version)',
    ]) {
      const r = scoreCandidate(q(title, 'The Beatles', 185_000), c('Here Comes the Sun', ['The Beatles'], 185_733));
      expect(r.score, title).toBe(1);
      expect(r.versionMismatch).toBe(false);
    }
  });

  it('scores a live, remixed or otherwise different recording below the threshold', () => {
    const studio = c('Yesterday', ['The Beatles'], 125_000);
    const query = q('Yesterday', 'The Beatles', 125_000);
    for (const version of ['Yesterday (Live)', 'Yesterday - Live at the BBC', 'Yesterday (X Remix)', 'Yesterday (Demo)', 'Yesterday (Acoustic)', 'Yesterday (Instrumental)', 'Yesterday (Radio Edit)']) {
      const r = scoreCandidate(query, c(version, ['The Beatles'], 125_000));
      expect(r.versionMismatch, version).toBe(true);
      expect(r.score, version).toBeCloseTo(1 - VERSION_MISMATCH_PENALTY, 10);
      expect(r.score, version).toBeLessThan(DEFAULT_THRESHOLD);
      expect(r.score).toBeLessThan(score(query, studio));
    }
    // Both ways round.
    expect(score(q('Yesterday (Live)', 'The Beatles'), studio)).toBeLessThan(DEFAULT_THRESHOLD);
    // The penalty applies once, however many tags differ.
    expect(score(query, c('Yesterday (Live) [Acoustic Demo]', ['The Beatles'], 125_000))).toBeCloseTo(1 - VERSION_MISMATCH_PENALTY, 10);
  });

  it('tells apart recordings of the same kind with different details', () => {
    const live = scoreCandidate(q('Song (Live at Wembley)', 'A', 200_000), c('Song (Live at Budokan)', ['A'], 200_000));
    expect(live.versionMismatch).toBe(true);
    const remix = scoreCandidate(q('Song (X Remix)', 'A'), c('Song - Y Remix', ['A']));
    expect(remix.versionMismatch).toBe(true);
    // Same details, or one side unspecific: no penalty.
    expect(score(q('Song (Live at Wembley)', 'A'), c('Song [Live at Wembley Stadium]', ['A']))).toBe(1);
    expect(score(q('Song (Live)', 'A'), c('Song (Live at Wembley)', ['A']))).toBe(1);
    expect(score(q('Song (X Remix)', 'A'), c('Song (X Remix)', ['A']))).toBe(1);
  });

  it('does not count release-level tags (remaster, deluxe, explicit…) as a mismatch', () => {
    const r = scoreCandidate(q('Song (Explicit) [Remastered]', 'A'), c('Song (Bonus Track) - Mono', ['A']));
    expect(r.versionMismatch).toBe(false);
    expect(r.score).toBe(1);
  });

  it('uses the duration', () => {
    const query = q('Song', 'A', 200_000);
    const at = (ms: number | null): number => score(query, c('Song', ['A'], ms));
    expect(at(201_000)).toBe(1);
    expect(at(209_000)).toBeLessThan(at(201_000));
    expect(at(260_000)).toBeLessThan(at(209_000));
    expect(at(260_000)).toBeCloseTo(0.75 / 0.9, 10);
    expect(at(null)).toBe(1);
  });

  it('uses the best of the candidate albums, ignoring edition suffixes', () => {
    const r = scoreCandidate(
      q('Smells Like Teen Spirit', 'Nirvana', null, 'Nevermind'),
      c('Smells Like Teen Spirit', ['Nirvana'], null, ['Nirvana (Greatest Hits)', 'Nevermind (20th Anniversary Deluxe Edition)']),
    );
    expect(r.parts.album).toBe(1);
  });

  it('strips a track number or the artist from a messy title', () => {
    expect(score(q('03 - Wonderwall', 'Oasis'), c('Wonderwall', ['Oasis']))).toBe(1);
    expect(score(q('03. Wonderwall', 'Oasis'), c('Wonderwall', ['Oasis']))).toBe(1);
    expect(score(q('Oasis - Wonderwall', 'Oasis'), c('Wonderwall', ['Oasis']))).toBe(1);
    // Only when the prefix is the artist.
    expect(score(q('Blur - Wonderwall', 'Oasis'), c('Wonderwall', ['Oasis']))).toBeLessThan(DEFAULT_THRESHOLD);
    // Numbers that are the title stay.
    expect(score(q('1979', 'The Smashing Pumpkins'), c('1979', ['The Smashing Pumpkins']))).toBe(1);
  });

  it('gives 0 for the title or artist part when a side is empty', () => {
    const r = scoreCandidate(q('', ''), c('Song', ['A']));
    expect(r.parts.title).toBe(0);
    expect(r.parts.artist).toBe(0);
    expect(r.score).toBe(0);
    expect(scoreCandidate(q('Song', 'A'), c('', [])).score).toBe(0);
  });

  /**
   * The calibration behind DEFAULT_THRESHOLD: every "same" row must pass
   * and every "different" row must fail. Borderline rows sit near the line
   * on purpose.
   */
  describe('calibration against DEFAULT_THRESHOLD', () => {
    const same: Array<[string, MatchQuery, MatchCandidate]> = [
      ['exact', q('Halo', 'Beyoncé', 261_000), c('Halo', ['Beyoncé'], 261_000)],
      ['typo in title', q('Bohemian Rapsody', 'Queen'), c('Bohemian Rhapsody', ['Queen'])],
      ['typo in title, duration', q('Bohemian Rapsody', 'Queen', 354_000), c('Bohemian Rhapsody', ['Queen'], 355_000)],
      ['typo in artist', q('Halo', 'Beyonse'), c('Halo', ['Beyoncé'])],
      ['compilation album, 5 s off', q('Wonderwall', 'Oasis', 258_000, 'Stop the Clocks'), c('Wonderwall', ['Oasis'], 263_000, ['(What’s the Story) Morning Glory?'])],
      ['no album, 9 s off', q('Wonderwall', 'Oasis', 258_000), c('Wonderwall', ['Oasis'], 267_000)],
      ['remaster + feat + accents', q('Déjà Vu (feat. Jay-Z) - 2006 Remaster', 'Beyonce'), c('Déjà Vu', ['Beyoncé feat. JAY-Z'])],
      ['query credit is part of the candidate credit', q('Crazy in Love', 'Beyoncé', 236_000), c('Crazy in Love', ['Beyoncé', 'JAY-Z'], 236_000)],
      ['artist with a missing "The", title word order', q('Long and Winding Road', 'Beatles'), c('The Long and Winding Road', ['The Beatles'])],
      ['first artist only, same duration', q('The Boxer', 'Simon', 300_000), c('The Boxer', ['Simon & Garfunkel'], 300_000)],
    ];
    const different: Array<[string, MatchQuery, MatchCandidate]> = [
      ['same title, other artist', q('Hallelujah', 'Jeff Buckley'), c('Hallelujah', ['Leonard Cohen'])],
      ['same title, other artist, same duration', q('Hallelujah', 'Jeff Buckley', 414_000), c('Hallelujah', ['Leonard Cohen'], 414_000)],
      ['same title, other artist, same album title', q('Intro', 'The xx', 128_000, 'xx'), c('Intro', ['M83'], 128_000, ['XX'])],
      ['same title, similar artist', q('Home', 'Michael Bublé', 225_000), c('Home', ['Michael Bolton'], 225_000)],
      ['same title, cover band', q('Yesterday', 'The Beatles'), c('Yesterday', ['The Beatles Revival Band'])],
      ['other song, same artist', q('Yesterday', 'The Beatles', 125_000), c('Yellow Submarine', ['The Beatles'], 125_000)],
      ['numbered sibling', q('Song 2', 'Blur', 122_000), c('Song 3', ['Blur'], 122_000)],
      ['extended sibling', q('Help', 'The Beatles', 140_000), c('Help Me', ['The Beatles'], 140_000)],
      ['live', q('Yesterday', 'The Beatles', 125_000), c('Yesterday (Live)', ['The Beatles'], 125_000)],
      ['remix', q('Titanium', 'David Guetta', 245_000), c('Titanium (Alesso Remix)', ['David Guetta'], 245_000)],
      ['different remixes', q('Song (X Remix)', 'A', 200_000), c('Song (Y Remix)', ['A'], 200_000)],
      ['more artists in the query than credited', q('Drunk in Love', 'Beyoncé & Jay-Z'), c('Drunk in Love', ['Beyoncé'])],
    ];

    it.each(same)('accepts: %s', (_name, query, candidate) => {
      expect(score(query, candidate)).toBeGreaterThanOrEqual(DEFAULT_THRESHOLD);
    });

    it.each(different)('rejects: %s', (_name, query, candidate) => {
      expect(score(query, candidate)).toBeLessThan(DEFAULT_THRESHOLD);
    });
  });
});

describe('pickBest', () => {
  const opts = { threshold: DEFAULT_THRESHOLD, margin: DEFAULT_MARGIN, key: (s: string) => s };
  const s = (item: string, value: number): Scored<string> => ({ item, score: value });

  it.each<[string, Scored<string>[], string | null, string, number]>([
    ['no candidates', [], null, 'no-candidates', 0],
    ['single candidate above the threshold', [s('a', 0.9)], 'a', 'accepted', 0.9],
    ['single candidate at the threshold', [s('a', DEFAULT_THRESHOLD)], 'a', 'accepted', DEFAULT_THRESHOLD],
    ['single candidate below the threshold', [s('a', DEFAULT_THRESHOLD - 0.001)], null, 'below-threshold', DEFAULT_THRESHOLD - 0.001],
    ['clear lead', [s('a', 0.95), s('b', 0.8)], 'a', 'accepted', 0.95],
    ['lead exactly the margin', [s('a', 0.94), s('b', 0.88)], 'a', 'accepted', 0.94],
    ['lead under the margin', [s('a', 0.94), s('b', 0.9)], null, 'ambiguous', 0.94],
    ['tie', [s('a', 0.9), s('b', 0.9)], null, 'ambiguous', 0.9],
    ['below threshold wins over ambiguity', [s('a', 0.5), s('b', 0.5)], null, 'below-threshold', 0.5],
    ['NaN scores are ignored', [s('a', Number.NaN), s('b', 0.9)], 'b', 'accepted', 0.9],
    ['only NaN', [s('a', Number.NaN)], null, 'no-candidates', 0],
  ])('%s', (_name, scored, winner, reason, top) => {
    const r = pickBest(scored, opts);
    expect(r.winner).toBe(winner);
    expect(r.reason).toBe(reason);
    expect(r.score).toBeCloseTo(top, 10);
  });

  it('ignores close runners-up that give the same answer', () => {
    type Rec = { id: string; year: number };
    const scored: Scored<Rec>[] = [
      { item: { id: 'r1', year: 1969 }, score: 0.97 },
      { item: { id: 'r2', year: 1969 }, score: 0.96 },
      { item: { id: 'r3', year: 1987 }, score: 0.88 },
    ];
    const sameYear = (a: Rec, b: Rec): boolean => a.year === b.year;
    const key = (r: Rec): string => r.id;
    expect(pickBest(scored, { threshold: 0.86, margin: 0.06, key }).reason).toBe('ambiguous');
    const r = pickBest(scored, { threshold: 0.86, margin: 0.06, key, sameAnswer: sameYear });
    expect(r).toEqual({ winner: scored[0]!.item, score: 0.97, reason: 'accepted' });
    // The best different answer is what counts, not the second item.
    const close = [...scored, { item: { id: 'r4', year: 1990 }, score: 0.93 }];
    expect(pickBest(close, { threshold: 0.86, margin: 0.06, key, sameAnswer: sameYear }).reason).toBe('ambiguous');
  });

  it('does not depend on input order', () => {
    type Rec = { id: string; year: number };
    const items: Scored<Rec>[] = [
      { item: { id: 'c', year: 2001 }, score: 0.95 },
      { item: { id: 'a', year: 2001 }, score: 0.95 },
      { item: { id: 'b', year: 2001 }, score: 0.95 },
      { item: { id: 'd', year: 1999 }, score: 0.7 },
      { item: { id: 'e', year: 2005 }, score: 0.6 },
    ];
    const options = { threshold: 0.86, margin: 0.06, key: (r: Rec) => r.id, sameAnswer: (x: Rec, y: Rec) => x.year === y.year };
    const first = pickBest(items, options);
    expect(first.winner?.id).toBe('a');
    for (let seed = 1; seed <= 50; seed++) {
      expect(pickBest(shuffled(items, seed), options)).toEqual(first);
    }
    // A tie between different answers is ambiguous whichever comes first.
    const tie = [...items, { item: { id: '0', year: 1970 }, score: 0.95 }];
    for (let seed = 1; seed <= 50; seed++) {
      expect(pickBest(shuffled(tie, seed), options).reason).toBe('ambiguous');
    }
  });

  it('does not mutate its input', () => {
    const scored = [s('b', 0.9), s('a', 0.95)];
    pickBest(scored, opts);
    expect(scored.map((x) => x.item)).toEqual(['b', 'a']);
  });
});

describe('scoreCandidate with pickBest', () => {
  const options = { threshold: DEFAULT_THRESHOLD, margin: DEFAULT_MARGIN, key: (x: MatchCandidate & { id: string }) => x.id };
  const withId = (id: string, candidate: MatchCandidate): MatchCandidate & { id: string } => ({ ...candidate, id });
  const rank = (query: MatchQuery, candidates: Array<MatchCandidate & { id: string }>) =>
    pickBest(
      candidates.map((item) => ({ item, score: scoreCandidate(query, item).score })),
      options,
    );

  it('lets the album break a tie', () => {
    const query = q('Yesterday', 'The Beatles', 125_000, 'Help!');
    const onAlbum = withId('on-album', c('Yesterday', ['The Beatles'], 125_000, ['Help!']));
    const elsewhere = withId('elsewhere', c('Yesterday', ['The Beatles'], 125_000, ['Love Songs']));
    // Without the album the two are indistinguishable.
    expect(rank(q('Yesterday', 'The Beatles', 125_000), [onAlbum, elsewhere]).reason).toBe('ambiguous');
    for (let seed = 1; seed <= 10; seed++) {
      const r = rank(query, shuffled([onAlbum, elsewhere], seed));
      expect(r.reason).toBe('accepted');
      expect(r.winner?.id).toBe('on-album');
    }
  });

  it('picks the studio recording over the live one', () => {
    const query = q('Yesterday', 'The Beatles', 125_000);
    const live = withId('live', c('Yesterday (Live)', ['The Beatles'], 126_000));
    const studio = withId('studio', c('Yesterday', ['The Beatles'], 125_500));
    expect(rank(query, [live, studio]).winner?.id).toBe('studio');
    expect(rank(query, [live]).reason).toBe('below-threshold');
  });

  it('picks by duration when it is clear, and calls it ambiguous when it is not', () => {
    const query = q('Song', 'A', 200_000);
    const near = withId('near', c('Song', ['A'], 201_000));
    expect(rank(query, [near, withId('far', c('Song', ['A'], 212_000))]).winner?.id).toBe('near');
    expect(rank(query, [near, withId('close', c('Song', ['A'], 205_000))]).reason).toBe('ambiguous');
  });

  it('rejects the same title by other artists', () => {
    const query = q('Hallelujah', 'Jeff Buckley', 414_000);
    const r = rank(query, [withId('cohen', c('Hallelujah', ['Leonard Cohen'], 414_000)), withId('cale', c('Hallelujah', ['John Cale'], 414_000))]);
    expect(r.winner).toBeNull();
    expect(r.reason).toBe('below-threshold');
  });
});

describe('hostile input', () => {
  const nasty = [
    '',
    ' ',
    '!!!',
    '?!.,;:',
    '()',
    '(feat.)',
    ' - ',
    '🔥',
    '👨‍👩‍👧‍👦🔥💯',
    'مرحبا بالعالم',
    '\u202eesrever\u202c',
    'שָׁלוֹם (Live)',
    'Z̷̢͉̈́a̸̛͓l̶̗̾g̵͉̓o̸͔͝',
    '\ud800\udfff\ud800',
    '\u0000',
    'a'.repeat(10_000),
    'ab '.repeat(3_334),
    `${'x'.repeat(9_999)}y`,
    '(Live) - '.repeat(1_100),
    '🎵'.repeat(5_000),
    'ش'.repeat(10_000),
  ];
  const durations = [null, undefined, 0, -1, Number.NaN, Number.POSITIVE_INFINITY, 1e300, 200_000];

  const inUnit = (x: number | null): void => {
    if (x === null) return;
    expect(Number.isFinite(x)).toBe(true);
    expect(x).toBeGreaterThanOrEqual(0);
    expect(x).toBeLessThanOrEqual(1);
  };

  it('textSimilarity stays in [0, 1] for any pair', () => {
    const folded = nasty.map(foldText);
    for (const a of [...nasty, ...folded]) for (const b of [...nasty, ...folded]) inUnit(textSimilarity(a, b));
  });

  it('treats long strings that differ only past the compared prefix as unequal', () => {
    const a = `${'a'.repeat(10_000)}x`;
    const b = `${'a'.repeat(10_000)}y`;
    expect(textSimilarity(a, b)).toBeLessThan(1);
    expect(textSimilarity(a, a)).toBe(1);
  });

  it('durationSimilarity stays in [0, 1] or null', () => {
    for (const a of durations) for (const b of durations) inUnit(durationSimilarity(a, b));
  });

  it('scoreCandidate never throws and stays in [0, 1]', () => {
    nasty.forEach((text, i) => {
      const other = nasty[(i * 7 + 3) % nasty.length]!;
      const duration = durations[i % durations.length];
      for (const [query, candidate] of [
        [q(text, text, duration, text), c(text, [text], duration ?? null, [text])],
        [q(text, other, duration, other), c(other, [text, other], 200_000, [other, text])],
        [q('Song', 'A', duration, text), c(text, [], null, [])],
      ] as const) {
        const r = scoreCandidate(query, candidate);
        inUnit(r.score);
        inUnit(r.parts.title);
        inUnit(r.parts.artist);
        inUnit(r.parts.album);
        inUnit(r.parts.duration);
      }
    });
  });

  it('pickBest copes with odd scores', () => {
    const r = pickBest(
      [
        { item: 'a', score: Number.NaN },
        { item: 'b', score: Number.NEGATIVE_INFINITY },
        { item: 'c', score: -1 },
      ],
      { threshold: DEFAULT_THRESHOLD, margin: DEFAULT_MARGIN, key: (x) => x },
    );
    expect(r.winner).toBeNull();
    expect(r.reason).toBe('below-threshold');
  });

  it('scores 10,000-character input quickly', () => {
    const long = 'Song (Live) feat. X '.repeat(500);
    const start = performance.now();
    for (let i = 0; i < 10; i++) scoreCandidate(q(long, long, 1, long), c(long, [long, long], 1, [long, long]));
    expect(performance.now() - start).toBeLessThan(3_000);
  });
});
