import { describe, expect, it } from 'vitest';
import { chunk, clampInt, htmlText, idString, numericString, optText } from './shared';

describe('numericString', () => {
  it('reads numbers sent as strings or numbers', () => {
    const n = numericString(false);
    expect(n.parse('2016')).toBe(2016);
    expect(n.parse(' 8.7 ')).toBe(8.7);
    expect(n.parse(3)).toBe(3);
    expect(n.parse('0')).toBe(0);
  });

  it('maps missing, empty, unreadable and (when asked) zero to null', () => {
    const year = numericString(true);
    for (const v of [null, undefined, '', '  ', 'n/a', '0', 0]) expect(year.parse(v)).toBeNull();
  });
});

describe('small helpers', () => {
  it('optText treats blank strings as missing', () => {
    expect(optText.parse('')).toBeNull();
    expect(optText.parse(' ')).toBeNull();
    expect(optText.parse(undefined)).toBeNull();
    expect(optText.parse('x')).toBe('x');
  });

  it('idString accepts numbers and strings', () => {
    expect(idString.parse(14955061405)).toBe('14955061405');
    expect(idString.parse('abc')).toBe('abc');
    expect(idString.safeParse('').success).toBe(false);
  });

  it('htmlText keeps the readable text of an error page', () => {
    expect(htmlText('<title>400</title>\n<h1>Bad &amp; Request</h1>\n<p>invalid MBID</p>')).toBe('Bad & Request invalid MBID');
  });

  it('chunk and clampInt', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 2)).toEqual([]);
    expect(clampInt(500, 1, 10, 5)).toBe(10);
    expect(clampInt(undefined, 1, 10, 5)).toBe(5);
    expect(clampInt(Number.NaN, 1, 10, 5)).toBe(5);
    expect(clampInt(2.9, 1, 10, 5)).toBe(2);
  });
});
