/**
 * Text normalisation for matching users' tags against MusicBrainz. Tags are
 * messy: accents come and go, '&' is spelled 'and', featured artists move
 * between the title and the artist, and versions ride along as suffixes.
 * Everything here is pure and total: any string in, a string or a small
 * record out, never an exception.
 */

export type VersionTag =
  | 'remaster'
  | 'live'
  | 'remix'
  | 'edit'
  | 'mono'
  | 'stereo'
  | 'deluxe'
  | 'acoustic'
  | 'demo'
  | 'instrumental'
  | 'version'
  | 'bonus'
  | 'explicit';

/**
 * Tags that name a different recording (another performance, another mix),
 * as opposed to another release or mastering of the same one.
 */
export const RECORDING_TAGS: ReadonlySet<VersionTag> = new Set<VersionTag>([
  'live',
  'remix',
  'edit',
  'instrumental',
  'acoustic',
  'demo',
]);

// ---------------------------------------------------------------------------
// foldText

// Letters NFKD leaves whole because they are not a base letter plus a mark.
const LETTER_FOLDS: Readonly<Record<string, string>> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ħ: 'h',
  ı: 'i',
  ŀ: 'l',
  ŧ: 't',
  ĸ: 'k',
  ŋ: 'ng',
  // Greek final sigma is only a positional spelling of σ.
  ς: 'σ',
};
const LETTER_FOLD_RE = new RegExp(`[${Object.keys(LETTER_FOLDS).join('')}]`, 'gu');

// Apostrophes are dropped rather than spaced so "Don't" and "Dont" agree; the
// fullwidth forms are listed because this runs before NFKD would map them.
const QUOTES_RE = /['"`´‘’‚‛“”„‟′″ʹʺʻʼʽ＇＂]/gu;

// Marks are removed only where they are accents on Latin, Greek or Cyrillic
// letters (or stray, on no letter at all); in scripts such as Devanagari or
// Japanese kana they are part of the letter and removing them would merge
// different words.
const MARK_RUN_RE = /(^|\P{M})(\p{M}+)/gu;
const ACCENTED_SCRIPT_RE = /[\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}]/u;
const LETTER_RE = /\p{L}/u;

// Word characters: letters, digits, kept marks, and pictographic symbols (★,
// emoji) which are sometimes a whole title. Latin-1 symbols (© ® ° ¦) are
// treated as punctuation.
const NON_WORD_RE = /[^\p{L}\p{N}\p{M}\p{So}]+|[\u00a6\u00a9\u00ae\u00b0]+/gu;
const FORMAT_CHARS_RE = /\p{Cf}+/gu;

function stripAccents(decomposed: string): string {
  return decomposed.replace(MARK_RUN_RE, (whole, base: string) => {
    if (base === '' || !LETTER_RE.test(base) || ACCENTED_SCRIPT_RE.test(base)) return base;
    return whole;
  });
}

/**
 * Lower case, accents and ligatures folded (é→e, ß→ss, æ→ae, ø→o, ł→l),
 * '&' and '+' spelled 'and', apostrophes and quotes removed, any other
 * punctuation turned into a space, whitespace collapsed and trimmed.
 */
export function foldText(s: string): string {
  if (typeof s !== 'string' || s === '') return '';
  let t = s.toLowerCase().replace(LETTER_FOLD_RE, (c) => LETTER_FOLDS[c] ?? c);
  t = t.replace(QUOTES_RE, '').replace(FORMAT_CHARS_RE, '');
  t = stripAccents(t.normalize('NFKD'));
  // NFKD may have produced new letters needing a fold (e.g. fullwidth forms).
  t = t.replace(LETTER_FOLD_RE, (c) => LETTER_FOLDS[c] ?? c).replace(QUOTES_RE, '');
  t = t.replace(/[&+]/g, ' and ');
  t = t.replace(NON_WORD_RE, ' ');
  return t.normalize('NFC').replace(/\s+/gu, ' ').trim();
}

// ---------------------------------------------------------------------------
// Featured artists

export interface FeaturingSplit {
  /** The text with the featuring parts removed, trimmed. */
  main: string;
  /** Featured names as written, one per artist. */
  featured: string[];
}

// Inside brackets 'with' reliably means a guest; bare, it is too often part
// of a title ("Dance with Me") to be taken as one.
const BRACKET_FEAT_RE = /\s*[([{]\s*(?:featuring|feat|ft|with)\b\.?\s*([^()[\]{}]*?)\s*[)\]}]/giu;
// A bare 'feat.' credit runs until a bracket or a ' - ' suffix starts, so a
// version suffix after it ("Song feat. X (Remix)") survives for stripVersion.
const BARE_FEAT_RE = /\s+(?:featuring|feat|ft)(?:\.\s*|\s+)(\S.*?)(?=\s*[([{]|\s+[-–—]+\s|$)/iu;
const TRAILING_SEPARATORS = new Set([' ', '-', '–', '—', ',', ';', ':', '/']);

// Separators need spaces around them so names like AC/DC stay whole, and a
// comma needs a following space so "10,000 Maniacs" stays one name.
const ARTIST_SEPARATOR_RE = /\s+(?:&|and|x|vs\.?|\/|\+|featuring|feat\.?|ft\.?)\s+|\s*,\s+|\s*;\s*/iu;

function splitNames(list: string): string[] {
  return list
    .split(new RegExp(ARTIST_SEPARATOR_RE.source, 'giu'))
    .map((n) => n.trim())
    .filter((n) => n !== '');
}

// A loop rather than a /[…]+$/ regex, which backtracks quadratically on
// long runs of separators.
function tidy(text: string): string {
  const collapsed = text.replace(/\s+/gu, ' ').trim();
  let end = collapsed.length;
  while (end > 0 && TRAILING_SEPARATORS.has(collapsed[end - 1]!)) end--;
  return collapsed.slice(0, end).trim();
}

/**
 * Separates featured artists from a title or an artist credit: 'feat.',
 * 'feat', 'ft.', 'ft', 'featuring' bare or in () [] {}, and 'with' only in
 * brackets.
 */
export function splitFeaturing(text: string): FeaturingSplit {
  if (typeof text !== 'string' || text === '') return { main: '', featured: [] };
  const featured: string[] = [];
  let main = text.replace(BRACKET_FEAT_RE, (whole, names: string) => {
    const found = splitNames(names);
    if (found.length === 0) return whole;
    featured.push(...found);
    return ' ';
  });
  const bare = BARE_FEAT_RE.exec(main);
  if (bare) {
    featured.push(...splitNames(bare[1] ?? ''));
    main = main.slice(0, bare.index) + ' ' + main.slice(bare.index + bare[0].length);
  }
  const tidied = tidy(main);
  // A credit that is nothing but a featuring part is better left alone.
  if (tidied === '') return { main: tidy(text), featured: [] };
  return { main: tidied, featured };
}

// ---------------------------------------------------------------------------
// Version suffixes

export interface VersionSplit {
  /** The title without its version suffixes, as written. */
  core: string;
  tags: Set<VersionTag>;
  /**
   * Folded words from the stripped parts that tag a different recording,
   * minus the generic ones: the remixer, the venue, the year of a live
   * recording. '' when there are none.
   */
  detail: string;
}

const WORD_TAGS: ReadonlyMap<string, VersionTag> = new Map<string, VersionTag>([
  ['remaster', 'remaster'],
  ['remastered', 'remaster'],
  ['remasters', 'remaster'],
  ['remastering', 'remaster'],
  ['remasterd', 'remaster'],
  ['remix', 'remix'],
  ['remixes', 'remix'],
  ['remixed', 'remix'],
  ['rmx', 'remix'],
  ['rework', 'remix'],
  ['reworked', 'remix'],
  ['dub', 'remix'],
  ['edit', 'edit'],
  ['edited', 'edit'],
  ['extended', 'edit'],
  ['radio', 'edit'],
  ['mono', 'mono'],
  ['stereo', 'stereo'],
  ['deluxe', 'deluxe'],
  ['edition', 'deluxe'],
  ['expanded', 'deluxe'],
  ['anniversary', 'deluxe'],
  ['reissue', 'deluxe'],
  ['acoustic', 'acoustic'],
  ['unplugged', 'live'],
  ['session', 'live'],
  ['sessions', 'live'],
  ['vivo', 'live'],
  ['demo', 'demo'],
  ['demos', 'demo'],
  ['outtake', 'demo'],
  ['outtakes', 'demo'],
  ['instrumental', 'instrumental'],
  ['karaoke', 'instrumental'],
  ['version', 'version'],
  ['versions', 'version'],
  ['bonus', 'bonus'],
  ['explicit', 'explicit'],
  // A clean edit is a content-advisory variant like the explicit one.
  ['clean', 'explicit'],
]);

// 'live' is also an ordinary title word ("Live Forever", "Live and Let
// Die"); it marks a version only at the end of the part or before one of
// these words or a year.
const LIVE_NEXT = new Set([
  'at',
  'in',
  'from',
  'on',
  'for',
  'en',
  'au',
  'a',
  'im',
  'aus',
  'version',
  'recording',
  'recordings',
  'session',
  'sessions',
  'performance',
  'take',
  'edit',
  'mix',
  'remaster',
  'remastered',
  'mono',
  'stereo',
  'acoustic',
  'demo',
  'track',
  'album',
  'bonus',
]);

// Words around 'mix' that describe the same recording ("2009 Stereo Mix",
// "Original Mix") rather than a remix.
const MIX_NEUTRAL = new Set(['original', 'album', 'mono', 'stereo', 'single', 'version', 'new', 'digital', 'mix', 'mixed', 'the']);

// Words that carry no identity in a version part; what is left (remixer,
// venue, year) tells two live recordings or two remixes apart.
const GENERIC_VERSION_WORDS = new Set([
  ...WORD_TAGS.keys(),
  ...LIVE_NEXT,
  'live',
  'mix',
  'mixed',
  'the',
  'of',
  'and',
  'by',
  'original',
  'single',
  'short',
  'long',
  'full',
  'club',
  'bbc',
]);

const YEAR_RE = /^\d{2,4}$/;

function isRemasterWord(w: string): boolean {
  return w.startsWith('remaster');
}

/**
 * The version tags named by a folded bracketed or dashed part, or null when
 * the part is not a version suffix (and must stay in the title).
 */
export function versionTagsOf(folded: string): Set<VersionTag> | null {
  const words = folded.split(' ').filter((w) => w !== '');
  const tags = new Set<VersionTag>();
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const next = words[i + 1];
    if (w === 'live') {
      if (next === undefined || LIVE_NEXT.has(next) || /^\d+$/.test(next)) tags.add('live');
    } else if (w === 'mix' || w === 'mixed') {
      const neutral = words.every((x) => MIX_NEUTRAL.has(x) || YEAR_RE.test(x) || isRemasterWord(x));
      tags.add(neutral ? 'version' : 'remix');
    } else if (w === 're' && (next === 'master' || next === 'mastered')) {
      tags.add('remaster');
    } else if (isRemasterWord(w)) {
      tags.add('remaster');
    } else {
      const tag = WORD_TAGS.get(w);
      if (tag) tags.add(tag);
    }
  }
  return tags.size > 0 ? tags : null;
}

type PartClassifier = (folded: string) => Set<VersionTag> | null;

// One level of nesting, for "(Live [2009])": a year left inside must not
// keep the whole part in the title.
const BRACKET_GROUP_RE = /\s*[([{]((?:[^()[\]{}]|[([{][^()[\]{}]*[)\]}])*)[)\]}]/gu;
const UNCLOSED_TAIL_RE = /\s*[([{]([^()[\]{}]*)$/u;
const DASH_SEPARATOR_RE = /\s+[-–—]+\s+/gu;

function stripParts(title: string, classify: PartClassifier): VersionSplit {
  const tags = new Set<VersionTag>();
  const details: string[] = [];
  const take = (folded: string, found: Set<VersionTag>): void => {
    for (const t of found) tags.add(t);
    if ([...found].some((t) => RECORDING_TAGS.has(t))) {
      details.push(...folded.split(' ').filter((w) => w !== '' && !GENERIC_VERSION_WORDS.has(w)));
    }
  };
  let s = title;
  // Bounded by the number of parts that can be removed; the cap is a guard.
  for (let round = 0; round < 64; round++) {
    let changed = false;
    s = s.replace(BRACKET_GROUP_RE, (whole, inner: string) => {
      const folded = foldText(inner);
      const found = classify(folded);
      if (!found) return whole;
      take(folded, found);
      changed = true;
      return ' ';
    });
    const tail = UNCLOSED_TAIL_RE.exec(s);
    if (tail) {
      const folded = foldText(tail[1] ?? '');
      const found = classify(folded);
      if (found) {
        take(folded, found);
        s = s.slice(0, tail.index);
        changed = true;
      }
    }
    let lastDash: RegExpExecArray | null = null;
    for (const m of s.matchAll(DASH_SEPARATOR_RE)) lastDash = m;
    if (lastDash && lastDash.index > 0) {
      const folded = foldText(s.slice(lastDash.index + lastDash[0].length));
      const found = classify(folded);
      if (found) {
        take(folded, found);
        s = s.slice(0, lastDash.index);
        changed = true;
      }
    }
    if (!changed) break;
  }
  const core = tidy(s);
  // A title that is nothing but a "version" ("[Demo]") keeps its text.
  if (foldText(core) === '') return { core: tidy(title), tags: new Set(), detail: '' };
  return { core, tags, detail: details.join(' ') };
}

/**
 * Removes version suffixes in () [] {} or after ' - ' ('Song - 2011
 * Remaster', 'Song (Live at Wembley)', 'Song [Radio Edit]') and reports
 * them as tags. Parts without a version word stay: '(I Can't Get No)
 * Satisfaction', 'Song 2', 'Live Forever'.
 */
export function stripVersion(title: string): VersionSplit {
  if (typeof title !== 'string' || title === '') return { core: '', tags: new Set(), detail: '' };
  return stripParts(title, versionTagsOf);
}

// ---------------------------------------------------------------------------
// Titles, artists, albums

export interface NormalizedTitle {
  /** Folded title without featuring and version suffixes. */
  key: string;
  tags: Set<VersionTag>;
  /** Folded featured artists found in the title. */
  featured: string[];
  /** See VersionSplit.detail. */
  versionDetail: string;
}

export function normalizeTitle(title: string): NormalizedTitle {
  const feat = splitFeaturing(title);
  const version = stripVersion(feat.main);
  return {
    key: foldText(version.core),
    tags: version.tags,
    featured: feat.featured.map(foldText).filter((f) => f !== ''),
    versionDetail: version.detail,
  };
}

export interface NormalizedArtist {
  /** The whole credit folded, without a leading 'the' or featured artists. */
  key: string;
  /** The first artist of a multi-artist credit, for a retry search only. */
  primary: string;
  /** Every artist named, main ones first then featured, folded and unique. */
  all: string[];
}

function dropLeadingThe(folded: string): string {
  const dropped = folded.startsWith('the ') ? folded.slice(4).trim() : folded;
  return dropped === '' ? folded : dropped;
}

// Library sort forms such as "Beatles, The".
const SORT_FORM_THE_RE = /^(.+?),\s*the\s*$/iu;

export function normalizeArtist(artist: string): NormalizedArtist {
  if (typeof artist !== 'string' || artist === '') return { key: '', primary: '', all: [] };
  const unsorted = artist.replace(SORT_FORM_THE_RE, 'The $1');
  const feat = splitFeaturing(unsorted);
  const key = dropLeadingThe(foldText(feat.main));
  const all: string[] = [];
  for (const name of [...splitNames(feat.main), ...feat.featured]) {
    const folded = dropLeadingThe(foldText(name));
    if (folded !== '' && !all.includes(folded)) all.push(folded);
  }
  return { key, primary: all[0] ?? key, all };
}

const ALBUM_NEUTRAL_TAGS: ReadonlySet<VersionTag> = new Set<VersionTag>([
  'remaster',
  'deluxe',
  'mono',
  'stereo',
  'bonus',
  'explicit',
  'version',
]);
const DISC_PART_RE = /^(?:(?:disc|disk|cd)\s*(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten)|ep|single|lp)$/u;
const BARE_DISC_SUFFIX_RE = /\s+(?:disc|disk|cd)\s*\d+\s*$/iu;

// Live, remix and demo albums are other albums, so only edition-like parts go.
function classifyAlbumPart(folded: string): Set<VersionTag> | null {
  if (DISC_PART_RE.test(folded)) return new Set();
  const tags = versionTagsOf(folded);
  if (!tags) return null;
  for (const t of tags) if (!ALBUM_NEUTRAL_TAGS.has(t)) return null;
  return tags;
}

/** Folded album title without edition, remaster, deluxe, disc or EP suffixes. */
export function normalizeAlbum(album: string): string {
  if (typeof album !== 'string' || album === '') return '';
  const { core } = stripParts(album, classifyAlbumPart);
  const key = foldText(core.replace(BARE_DISC_SUFFIX_RE, ''));
  return key === '' ? foldText(core) : key;
}

/** What a name search should look for: no '(Remastered)', no 'feat. X'; the text itself when nothing is left. */
export function searchText(text: string): string {
  const core = stripVersion(splitFeaturing(text).main).core.trim();
  return core || text;
}
