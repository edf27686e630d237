import { describe, expect, it } from 'vitest';
import { CsvSplitter, MAX_RECORD_CHARS, type CsvRecord } from './csv';
import { JsonArraySplitter, MAX_ELEMENT_CHARS, type ArrayPiece } from './json-array';
import { ListenFormatError } from './types';

function csv(...chunks: string[]): CsvRecord[] {
  const splitter = new CsvSplitter();
  const out: CsvRecord[] = [];
  for (const chunk of chunks) splitter.push(chunk, out);
  splitter.end(out);
  return out;
}

function json(...chunks: string[]): ArrayPiece[] {
  const splitter = new JsonArraySplitter();
  const out: ArrayPiece[] = [];
  for (const chunk of chunks) splitter.push(chunk, out);
  splitter.end(out);
  return out;
}

describe('CsvSplitter', () => {
  it('handles quoting: "" escapes, commas and line breaks inside quotes, empty fields', () => {
    expect(csv('a,"b,c","d ""e""",,"f\r\ng"\n"",x\n')).toEqual([
      { line: 1, fields: ['a', 'b,c', 'd "e"', '', 'f\r\ng'] },
      { line: 3, fields: ['', 'x'] },
    ]);
  });

  it('counts CRLF, LF and lone CR as one line each, and skips blank lines', () => {
    expect(csv('a\r\n\r\nb\rc\n\nd')).toEqual([
      { line: 1, fields: ['a'] },
      { line: 3, fields: ['b'] },
      { line: 4, fields: ['c'] },
      { line: 6, fields: ['d'] },
    ]);
  });

  it('cuts nowhere wrong when chunks split a CRLF, a "" pair or a BOM-led first chunk', () => {
    const whole = csv('\uFEFFa,"x""y"\r\nb,c\r\n');
    expect(whole).toEqual([
      { line: 1, fields: ['a', 'x"y'] },
      { line: 2, fields: ['b', 'c'] },
    ]);
    expect(csv('\uFEFFa,"x"', '"y"\r', '\nb,c\r', '\n')).toEqual(whole);
    expect(csv('\uFEFF', 'a,"x""y"\r\nb,c\r\n')).toEqual(whole);
  });

  it('keeps text after a closing quote and a quote inside an unquoted field, as spreadsheets do', () => {
    expect(csv('"a"b,c"d\n')).toEqual([{ line: 1, fields: ['ab', 'c"d'] }]);
  });

  it('stops on a quote that never closes instead of buffering the file', () => {
    const splitter = new CsvSplitter();
    const out: CsvRecord[] = [];
    splitter.push('ok,row\n"never closed,', out);
    const filler = 'x'.repeat(64 * 1024);
    expect(() => {
      for (let i = 0; i * filler.length <= MAX_RECORD_CHARS; i++) splitter.push(filler, out);
    }).toThrow(ListenFormatError);
    expect(out).toEqual([{ line: 1, fields: ['ok', 'row'] }]);
  });
});

describe('JsonArraySplitter', () => {
  it('cuts out each element, whatever brackets and escapes its strings hold', () => {
    const pieces = json('[{"a":"}]\\"{["},\n {"b":[1,{"c":2}]} ,"s\\"",12,true]');
    expect(pieces).toEqual([
      { line: 1, text: '{"a":"}]\\"{["}' },
      { line: 2, text: '{"b":[1,{"c":2}]}' },
      { line: 2, text: '"s\\""' },
      { line: 2, text: '12' },
      { line: 2, text: 'true' },
    ]);
  });

  it('gives the same pieces when chunks split an escape', () => {
    expect(json('[{"a":"x\\', '"y"}', ']')).toEqual(json('[{"a":"x\\"y"}]'));
  });

  it('reports a missing comma, text after the array and a file cut short, without stopping', () => {
    expect(json('[{"a":1}\n{"b":2}]\nx')).toEqual([
      { line: 1, text: '{"a":1}' },
      { line: 2, problem: 'a "," is missing between two listens' },
      { line: 2, text: '{"b":2}' },
      { line: 3, problem: 'text after the closing "]" is ignored' },
    ]);
    expect(json('[{"a":1},\n{"b":')).toEqual([
      { line: 1, text: '{"a":1}' },
      { line: 2, problem: 'the file ends in the middle of this listen (is it cut short?)' },
    ]);
    expect(json('[{"a":1},\n')).toEqual([
      { line: 1, text: '{"a":1}' },
      { line: 2, problem: 'the file ends before the closing "]" (is it cut short?)' },
    ]);
  });

  it('refuses what is not an array, and stops on an element that never ends', () => {
    expect(() => json('{"a":1}')).toThrow(/does not start with "\["/);
    expect(() => json('  ')).toThrow(/empty/);
    const splitter = new JsonArraySplitter();
    const filler = 'x'.repeat(64 * 1024);
    splitter.push('[{"a":"', []);
    expect(() => {
      for (let i = 0; i * filler.length <= MAX_ELEMENT_CHARS; i++) splitter.push(filler, []);
    }).toThrow(/line 1 runs on for more than a megabyte/);
  });
});
