import { describe, expect, it } from 'vitest';
import { andTerms, escapeLucene, fieldPhrase, idListQuery, normalizeWhitespace, phrase, rangeTerm } from './lucene';

describe('escapeLucene', () => {
  it('escapes every special character with a backslash', () => {
    const specials = '+ - && || ! ( ) { } [ ] ^ " ~ * ? : \\ /';
    expect(escapeLucene(specials)).toBe(
      '\\+ \\- \\&\\& \\|\\| \\! \\( \\) \\{ \\} \\[ \\] \\^ \\" \\~ \\* \\? \\: \\\\ \\/',
    );
  });

  it('leaves ordinary text and unicode alone', () => {
    expect(escapeLucene('Sigur Rós — Ágætis byrjun')).toBe('Sigur Rós — Ágætis byrjun');
  });

  it('escapes a trailing backslash so it cannot escape the closing quote', () => {
    expect(escapeLucene('back\\')).toBe('back\\\\');
    expect(phrase('back\\')).toBe('"back\\\\"');
  });

  it('neutralises upper-case operator words but not words containing them', () => {
    expect(escapeLucene('Rock AND Roll OR NOT')).toBe('Rock and Roll or not');
    expect(escapeLucene('ANDROID ORBIT NOTHING TOTO')).toBe('ANDROID ORBIT NOTHING TOTO');
    expect(escapeLucene('Rock and Roll')).toBe('Rock and Roll');
  });

  it('collapses and trims whitespace of every kind', () => {
    expect(escapeLucene('  a\t\tb\n c\u00a0\u00a0d  ')).toBe('a b c d');
    expect(normalizeWhitespace('\u2003x\r\ny\u2003')).toBe('x y');
  });

  it('handles the empty string', () => {
    expect(escapeLucene('')).toBe('');
    expect(escapeLucene('   ')).toBe('');
  });
});

describe('phrase and fieldPhrase', () => {
  it('quotes and escapes hostile values', () => {
    expect(phrase('AC/DC: "Live" (1992)')).toBe('"AC\\/DC\\: \\"Live\\" \\(1992\\)"');
    expect(fieldPhrase('recording', 'Who?*')).toBe('recording:"Who\\?\\*"');
    expect(fieldPhrase('artist', 'a" OR artist:"b')).toBe('artist:"a\\" or artist\\:\\"b"');
  });

  it('returns null for empty, blank and missing values', () => {
    expect(phrase('')).toBeNull();
    expect(phrase(' \n ')).toBeNull();
    expect(phrase(undefined)).toBeNull();
    expect(fieldPhrase('artist', '')).toBeNull();
    expect(fieldPhrase('artist', null)).toBeNull();
  });

  it('refuses field names that are not plain identifiers', () => {
    expect(() => fieldPhrase('artist:x OR y', 'a')).toThrow(/field name/);
    expect(() => fieldPhrase('', 'a')).toThrow(/field name/);
  });
});

describe('andTerms', () => {
  it('joins the non-empty terms with AND', () => {
    expect(andTerms([fieldPhrase('artist', 'Radiohead'), null, fieldPhrase('recording', ''), undefined, false, 'x:1'])).toBe(
      'artist:"Radiohead" AND x:1',
    );
  });

  it('is empty with no terms', () => {
    expect(andTerms([])).toBe('');
    expect(andTerms([null, fieldPhrase('artist', '  ')])).toBe('');
  });
});

describe('idListQuery', () => {
  it('builds an OR list, escaping and de-duplicating ids', () => {
    expect(idListQuery('rid', ['a-b', 'c', 'a-b'])).toBe('rid:(a\\-b OR c)');
  });

  it('is empty for an empty list', () => {
    expect(idListQuery('rid', [])).toBe('');
    expect(idListQuery('rid', ['', '  '])).toBe('');
  });

  it('keeps hostile ids inside the list', () => {
    expect(idListQuery('reid', ['x) OR (artist:y'])).toBe('reid:(x\\) or \\(artist\\:y)');
  });
});

describe('rangeTerm', () => {
  it('orders and truncates the bounds', () => {
    expect(rangeTerm('dur', 2000.7, 1000.2)).toBe('dur:[1000 TO 2000]');
  });

  it('rejects non-finite bounds', () => {
    expect(() => rangeTerm('dur', Number.NaN, 1)).toThrow();
  });
});
