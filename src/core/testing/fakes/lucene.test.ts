import { describe, expect, it } from 'vitest';
import { escapeLucene } from '../../sources/lucene';
import { analyze, compileQuery, parseLucene, prepareDoc, QuerySyntaxError, type Schema } from './lucene';

const schema: Schema = { title: 'text', artist: 'text', id: 'keyword', dur: 'number', date: 'date' };
const docs = {
  witch: prepareDoc({ title: ['Burn the Witch'], artist: ['Radiohead'], id: ['a'], dur: [220000], date: ['2016-05-03'] }, schema),
  live: prepareDoc({ title: ['Burn the Witch (Live)'], artist: ['Radiohead'], id: ['b'], dur: [231000], date: ['2017'] }, schema),
  acdc: prepareDoc({ title: ['Back in Black'], artist: ['AC/DC'], id: ['c'], dur: [255000], date: ['1980-07-25'] }, schema),
  cafe: prepareDoc({ title: ['Café Noir: Part II'], artist: ['Zoë Ågren & the Owls'], id: ['d'], dur: [180000], date: ['1999-01-01'] }, schema),
};
const matches = (query: string) =>
  Object.entries(docs)
    .filter(([, doc]) => compileQuery(query, 'title', schema).score(doc) !== null)
    .map(([name]) => name);
const score = (query: string, doc: keyof typeof docs) => compileQuery(query, 'title', schema).score(docs[doc]);

describe('Lucene subset', () => {
  it('analyses like the search index: lower case, accents folded, split on punctuation', () => {
    expect(analyze("Zoë Ågren & the Owls: Don't")).toEqual(['zoe', 'agren', 'the', 'owls', 'dont']);
    expect(analyze('Søren Łukasz Straße')).toEqual(['soren', 'lukasz', 'strasse']);
  });

  it('parses fields, phrases, groups and operators into a boolean tree', () => {
    expect(parseLucene('title:"burn the witch" AND artist:radiohead', 'title')).toEqual({
      type: 'bool',
      clauses: [
        { occur: 'must', node: { type: 'term', field: 'title', text: 'burn the witch', phrase: true, pattern: null } },
        { occur: 'must', node: { type: 'term', field: 'artist', text: 'radiohead', phrase: false, pattern: null } },
      ],
    });
    expect(parseLucene('rid:(a OR b)', 'title')).toEqual({
      type: 'bool',
      clauses: [
        { occur: 'should', node: { type: 'term', field: 'rid', text: 'a', phrase: false, pattern: null } },
        { occur: 'should', node: { type: 'term', field: 'rid', text: 'b', phrase: false, pattern: null } },
      ],
    });
  });

  it('matches field:"phrase", field:term and bare terms on the default field', () => {
    expect(matches('title:"burn the witch"')).toEqual(['witch', 'live']);
    expect(matches('title:"the burn witch"')).toEqual([]);
    expect(matches('artist:radiohead')).toEqual(['witch', 'live']);
    expect(matches('black')).toEqual(['acdc']);
  });

  it('combines with AND, OR, NOT, && || !, + and -, and parentheses', () => {
    expect(matches('witch AND live')).toEqual(['live']);
    expect(matches('witch && !live')).toEqual(['witch']);
    expect(matches('witch AND NOT live')).toEqual(['witch']);
    expect(matches('black OR noir')).toEqual(['acdc', 'cafe']);
    expect(matches('black || noir')).toEqual(['acdc', 'cafe']);
    expect(matches('+witch -live')).toEqual(['witch']);
    expect(matches('(black OR witch) AND artist:radiohead')).toEqual(['witch', 'live']);
    expect(matches('black witch')).toEqual(['witch', 'live', 'acdc']);
  });

  it('matches any id of field:(a OR b ...) on keyword fields, exactly', () => {
    expect(matches('id:(a OR c OR zz)')).toEqual(['witch', 'acdc']);
    expect(matches('id:A')).toEqual(['witch']);
    expect(matches('id:ab')).toEqual([]);
  });

  it('takes backslash escapes in terms and phrases', () => {
    expect(matches('artist:AC\\/DC')).toEqual(['acdc']);
    expect(matches(`artist:${escapeLucene('AC/DC')}`)).toEqual(['acdc']);
    expect(matches(`title:${escapeLucene('Café Noir: Part II')}`)).toEqual(['cafe']);
    expect(matches('title:"Caf\\u00e9"')).toEqual([]);
    expect(matches('title:"Noir\\: Part"')).toEqual(['cafe']);
    expect(matches(`title:"${'say "hi"'.replace(/"/g, '\\"')}"`)).toEqual([]);
  });

  it('supports numeric and date ranges, trailing wildcards and ignores ~ and ^', () => {
    expect(matches('dur:[220000 TO 231000]')).toEqual(['witch', 'live']);
    expect(matches('dur:{220000 TO 231000]')).toEqual(['live']);
    expect(matches('dur:[250000 TO *]')).toEqual(['acdc']);
    expect(matches('date:[1980 TO 2000]')).toEqual(['acdc', 'cafe']);
    expect(matches('date:2016')).toEqual(['witch']);
    expect(matches('title:wit*')).toEqual(['witch', 'live']);
    expect(matches('title:witch~2 AND artist:radiohead^3')).toEqual(['witch', 'live']);
  });

  it('scores 100 for an exact match and lower for a partial one', () => {
    expect(score('title:"burn the witch" AND artist:radiohead', 'witch')).toBe(100);
    const partial = score('title:"burn the witch" AND artist:radiohead', 'live')!;
    expect(partial).toBeLessThan(100);
    expect(partial).toBeGreaterThan(80);
    expect(score('title:witch', 'witch')).toBeLessThan(score('title:"burn the witch"', 'witch')!);
    expect(score('title:witch OR artist:nobody', 'witch')).toBeLessThanOrEqual(50);
  });

  it('rejects what it cannot parse', () => {
    for (const bad of ['title:(burn', 'burn)', 'title:"open', 'dur:[1 2]', 'a\\', 'title:']) {
      expect(() => parseLucene(bad, 'title'), bad).toThrow(QuerySyntaxError);
    }
  });
});
