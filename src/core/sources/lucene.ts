/**
 * Lucene query building for the MusicBrainz search API. Every value a user or
 * a tag supplies goes through escapeLucene, so titles like `AC/DC: "Live"`
 * or `Who? (Remix)` are searched for as text, never parsed as syntax.
 */

// Lucene's classic query parser treats these as syntax. '&' and '|' only
// matter doubled, but escaping them singly is harmless and simpler.
const SPECIAL_CHARS = /[+\-&|!(){}[\]^"~*?:\\/]/g;

// Upper-case AND/OR/NOT are operators outside quotes; MusicBrainz's analyzers
// ignore case, so lower-casing them keeps the meaning and drops the syntax.
const OPERATOR_WORDS = /(?<![\p{L}\p{N}_])(AND|OR|NOT|TO)(?![\p{L}\p{N}_])/gu;

/** Collapses every run of whitespace (tabs, newlines, NBSP…) to one space and trims. */
export function normalizeWhitespace(text: string): string {
  return text.replace(/\s+/gu, ' ').trim();
}

/** Escapes text for use as a Lucene term or inside a phrase. */
export function escapeLucene(text: string): string {
  return normalizeWhitespace(text)
    .replace(SPECIAL_CHARS, (c) => `\\${c}`)
    .replace(OPERATOR_WORDS, (w) => w.toLowerCase());
}

/** `"escaped text"`, or null when nothing is left after trimming. */
export function phrase(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const escaped = escapeLucene(value);
  return escaped === '' ? null : `"${escaped}"`;
}

const FIELD_NAME = /^[a-z][a-z0-9_-]*$/i;

function checkField(field: string): string {
  if (!FIELD_NAME.test(field)) throw new Error(`Not a Lucene field name: '${field}'`);
  return field;
}

/** `field:"escaped phrase"`, or null when the value is empty. */
export function fieldPhrase(field: string, value: string | null | undefined): string | null {
  const p = phrase(value);
  return p === null ? null : `${checkField(field)}:${p}`;
}

/** `field:[lo TO hi]` for integers (MusicBrainz durations, years). */
export function rangeTerm(field: string, lo: number, hi: number): string {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new Error(`Range bounds must be finite numbers`);
  const a = Math.trunc(Math.min(lo, hi));
  const b = Math.trunc(Math.max(lo, hi));
  return `${checkField(field)}:[${a} TO ${b}]`;
}

/** Joins the non-empty terms with AND; '' when there are none. */
export function andTerms(terms: ReadonlyArray<string | null | undefined | false>): string {
  return terms.filter((t): t is string => typeof t === 'string' && t.trim() !== '').join(' AND ');
}

/**
 * `field:(a OR b …)` for a list of ids (MBIDs: rid, reid, rgid). Ids are
 * escaped (an MBID's hyphens are Lucene syntax) and de-duplicated; '' when
 * the list is empty.
 */
export function idListQuery(field: string, ids: readonly string[]): string {
  const unique = [...new Set(ids.map((id) => escapeLucene(id)).filter((id) => id !== ''))];
  if (unique.length === 0) return '';
  return `${checkField(field)}:(${unique.join(' OR ')})`;
}
