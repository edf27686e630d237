/**
 * The subset of Lucene query syntax a MusicBrainz client sends, parsed and run
 * over in-memory documents: field:term, field:"phrase", field:(a OR b),
 * AND / OR / NOT / && / || / ! / + / -, parentheses, [a TO b] ranges,
 * trailing-* wildcards, backslash escapes; ~ and ^ suffixes are accepted and
 * ignored. Scores are absolute (100 = every field matched exactly) so tests
 * can tell exact hits from partial ones.
 */

export type FieldKind = 'text' | 'keyword' | 'number' | 'date';
export type Schema = Record<string, FieldKind>;

export type QueryNode =
  | { type: 'bool'; clauses: Array<{ occur: 'must' | 'should' | 'must_not'; node: QueryNode }> }
  | { type: 'term'; field: string; text: string; phrase: boolean; pattern: RegExp | null }
  | { type: 'range'; field: string; lo: string | null; hi: string | null; includeLo: boolean; includeHi: boolean };

export class QuerySyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QuerySyntaxError';
  }
}

const FOLD: Record<string, string> = { ø: 'o', æ: 'ae', œ: 'oe', ß: 'ss', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i' };

const analyzed = new Map<string, readonly string[]>();

/** Lower-case, accents folded, apostrophes dropped, split on anything not a letter or digit. */
export function analyze(text: string): readonly string[] {
  let tokens = analyzed.get(text);
  if (tokens) return tokens;
  tokens = fold(text);
  // Titles repeat across documents and queries; the memo keeps big catalogs fast, bounded for long benchmarks.
  if (analyzed.size > 500_000) analyzed.clear();
  analyzed.set(text, tokens);
  return tokens;
}

function fold(text: string): string[] {
  const folded = text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[øæœßłđðþı]/g, (c) => FOLD[c] ?? c)
    .replace(/['’`]/g, '');
  return folded.match(/[\p{L}\p{N}]+/gu) ?? [];
}

const SPECIAL = new Set(['(', ')', ':', '"', '[', ']', '{', '}', '^', '~']);

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  parse(defaultField: string): QueryNode {
    const node = this.query(defaultField, false);
    this.ws();
    if (this.i < this.s.length) throw new QuerySyntaxError(`unexpected '${this.s[this.i]}' at ${this.i}`);
    return node;
  }

  private ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++;
  }

  private peekWord(word: string): boolean {
    if (!this.s.startsWith(word, this.i)) return false;
    const next = this.s[this.i + word.length];
    return next === undefined || /\s/.test(next) || next === '(' || (word.length > 2 && next === '"');
  }

  private query(field: string, nested: boolean): QueryNode {
    type Item = { node: QueryNode; required: boolean; prohibited: boolean };
    const items: Item[] = [];
    const ops: Array<'AND' | 'OR'> = [];
    for (;;) {
      this.ws();
      if (this.i >= this.s.length || this.s[this.i] === ')') break;
      if (items.length > 0) {
        if (this.peekWord('AND') || this.s.startsWith('&&', this.i)) {
          this.i += this.s[this.i] === '&' ? 2 : 3;
          ops.push('AND');
          this.ws();
        } else if (this.peekWord('OR') || this.s.startsWith('||', this.i)) {
          this.i += 2;
          ops.push('OR');
          this.ws();
        } else {
          ops.push('OR');
        }
      }
      let required = false;
      let prohibited = false;
      if (this.s[this.i] === '+') {
        required = true;
        this.i++;
      } else if (this.s[this.i] === '-' || this.s[this.i] === '!') {
        prohibited = true;
        this.i++;
      } else if (this.peekWord('NOT')) {
        prohibited = true;
        this.i += 3;
        this.ws();
      }
      items.push({ node: this.item(field), required, prohibited });
    }
    if (nested) {
      if (this.s[this.i] !== ')') throw new QuerySyntaxError('missing )');
    } else if (this.s[this.i] === ')') {
      throw new QuerySyntaxError(`unbalanced ) at ${this.i}`);
    }
    if (items.length === 0) throw new QuerySyntaxError('empty query');

    // AND binds tighter than OR; juxtaposition is OR, as in Lucene's default.
    const groups: Item[][] = [[items[0]!]];
    ops.forEach((op, k) => (op === 'AND' ? groups[groups.length - 1]!.push(items[k + 1]!) : groups.push([items[k + 1]!])));
    const clauses = groups.map((group): { occur: 'must' | 'should' | 'must_not'; node: QueryNode } => {
      if (group.length === 1) {
        const only = group[0]!;
        return { occur: only.prohibited ? 'must_not' : only.required ? 'must' : 'should', node: only.node };
      }
      return {
        occur: 'should',
        node: { type: 'bool', clauses: group.map((it) => ({ occur: it.prohibited ? 'must_not' : 'must', node: it.node })) },
      };
    });
    if (clauses.length === 1 && clauses[0]!.occur !== 'must_not') return clauses[0]!.node;
    return { type: 'bool', clauses };
  }

  private item(field: string): QueryNode {
    const c = this.s[this.i];
    if (c === '(') {
      this.i++;
      const inner = this.query(field, true);
      this.i++;
      this.suffixes();
      return inner;
    }
    if (c === '"') return this.phrase(field);
    if (c === '[' || c === '{') return this.range(field);
    const word = this.word();
    if (this.s[this.i] === ':' && !word.escaped) {
      this.i++;
      const name = word.text.toLowerCase();
      const next = this.s[this.i];
      if (next === '(') {
        this.i++;
        const inner = this.query(name, true);
        this.i++;
        this.suffixes();
        return inner;
      }
      if (next === '"') return this.phrase(name);
      if (next === '[' || next === '{') return this.range(name);
      const value = this.word();
      if (value.text === '' && !value.pattern) throw new QuerySyntaxError(`missing value for ${name}:`);
      this.suffixes();
      return { type: 'term', field: name, text: value.text, phrase: false, pattern: value.pattern };
    }
    if (word.text === '' && !word.pattern) throw new QuerySyntaxError(`unexpected '${c ?? 'end'}' at ${this.i}`);
    this.suffixes();
    return { type: 'term', field, text: word.text, phrase: false, pattern: word.pattern };
  }

  /** A bare word; escaped characters are literal, unescaped * and ? are wildcards. */
  private word(): { text: string; pattern: RegExp | null; escaped: boolean } {
    let text = '';
    let source = '';
    let wildcard = false;
    let escaped = false;
    while (this.i < this.s.length) {
      const ch = this.s[this.i]!;
      if (ch === '\\') {
        const next = this.s[this.i + 1];
        if (next === undefined) throw new QuerySyntaxError('dangling backslash');
        text += next;
        source += next.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
        escaped = true;
        this.i += 2;
        continue;
      }
      if (/\s/.test(ch) || SPECIAL.has(ch)) break;
      if (ch === '*' || ch === '?') {
        wildcard = true;
        source += ch === '*' ? '.*' : '.';
      } else {
        text += ch;
        source += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      }
      this.i++;
    }
    return { text, pattern: wildcard ? new RegExp(`^${source}$`, 'iu') : null, escaped };
  }

  private phrase(field: string): QueryNode {
    this.i++;
    let text = '';
    for (;;) {
      const ch = this.s[this.i];
      if (ch === undefined) throw new QuerySyntaxError('unterminated phrase');
      if (ch === '\\') {
        const next = this.s[this.i + 1];
        if (next === undefined) throw new QuerySyntaxError('dangling backslash');
        text += next;
        this.i += 2;
        continue;
      }
      this.i++;
      if (ch === '"') break;
      text += ch;
    }
    this.suffixes();
    return { type: 'term', field, text, phrase: true, pattern: null };
  }

  private range(field: string): QueryNode {
    const includeLo = this.s[this.i] === '[';
    this.i++;
    this.ws();
    const lo = this.bound();
    this.ws();
    if (!this.s.startsWith('TO', this.i)) throw new QuerySyntaxError('range without TO');
    this.i += 2;
    this.ws();
    const hi = this.bound();
    this.ws();
    const close = this.s[this.i];
    if (close !== ']' && close !== '}') throw new QuerySyntaxError('unterminated range');
    this.i++;
    this.suffixes();
    return { type: 'range', field, lo, hi, includeLo, includeHi: close === ']' };
  }

  private bound(): string | null {
    let out = '';
    if (this.s[this.i] === '"') {
      this.i++;
      while (this.i < this.s.length && this.s[this.i] !== '"') out += this.s[this.i++];
      this.i++;
      return out;
    }
    while (this.i < this.s.length && !/[\s\]}]/.test(this.s[this.i]!)) out += this.s[this.i++];
    return out === '*' ? null : out;
  }

  /** Fuzziness (~2), proximity ("a b"~3) and boosts (^2) change ranking only: accepted, ignored. */
  private suffixes(): void {
    while (this.s[this.i] === '~' || this.s[this.i] === '^') {
      this.i++;
      while (this.i < this.s.length && /[0-9.]/.test(this.s[this.i]!)) this.i++;
    }
  }
}

export function parseLucene(query: string, defaultField: string): QueryNode {
  return new Parser(query).parse(defaultField);
}

export interface PreparedDoc {
  raw: Record<string, string[]>;
  tokens: Record<string, ReadonlyArray<readonly string[]>>;
}

/** Pre-analyses a document's fields once, so a search only compares tokens. */
export function prepareDoc(fields: Record<string, Array<string | number | null | undefined>>, schema: Schema): PreparedDoc {
  const raw: Record<string, string[]> = {};
  const tokens: Record<string, ReadonlyArray<readonly string[]>> = {};
  for (const [name, values] of Object.entries(fields)) {
    const kept = values.filter((v): v is string | number => v !== null && v !== undefined && v !== '').map(String);
    // Keyword fields match case-insensitively: keep them lower-cased once.
    raw[name] = schema[name] === 'keyword' ? kept.map((v) => v.toLowerCase()) : kept;
    if (schema[name] === 'text') tokens[name] = kept.map(analyze);
  }
  return { raw, tokens };
}

type LeafNode = QueryNode & { type: 'term' | 'range' };

interface LeafInfo {
  lower: string;
  tokens: readonly string[];
  num: number;
}

function containsPhrase(haystack: readonly string[], needle: readonly string[]): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

function inRange(value: string, node: QueryNode & { type: 'range' }, numeric: boolean, date: boolean): boolean {
  const cmp = (bound: string): number => {
    if (numeric) return Number(value) - Number(bound);
    const v = date ? value.slice(0, bound.length) : value.toLowerCase();
    const b = date ? bound : bound.toLowerCase();
    return v < b ? -1 : v > b ? 1 : 0;
  };
  if (node.lo !== null) {
    const c = cmp(node.lo);
    if (c < 0 || (c === 0 && !node.includeLo)) return false;
  }
  if (node.hi !== null) {
    const c = cmp(node.hi);
    if (c > 0 || (c === 0 && !node.includeHi)) return false;
  }
  return true;
}

function leafMatches(leaf: LeafNode, info: LeafInfo, doc: PreparedDoc, schema: Schema): boolean {
  const kind = schema[leaf.field];
  const values = doc.raw[leaf.field];
  if (!kind || !values || values.length === 0) return false;
  if (leaf.type === 'range') return values.some((v) => inRange(v, leaf, kind === 'number', kind === 'date'));
  if (kind === 'text') {
    const valueTokens = doc.tokens[leaf.field] ?? [];
    if (leaf.pattern) return valueTokens.some((tokens) => tokens.some((t) => leaf.pattern!.test(t)));
    const wanted = info.tokens;
    if (wanted.length === 0) return true;
    for (const tokens of valueTokens) if (wanted.length === 1 ? tokens.includes(wanted[0]!) : containsPhrase(tokens, wanted)) return true;
    return false;
  }
  if (leaf.pattern) return values.some((v) => leaf.pattern!.test(v));
  if (kind === 'number') return values.some((v) => Number(v) === info.num);
  if (kind === 'date') return values.some((v) => v.startsWith(leaf.text));
  return values.includes(info.lower);
}

function leavesOf(node: QueryNode, positiveOnly: boolean, out: LeafNode[] = []): LeafNode[] {
  if (node.type === 'bool') {
    for (const clause of node.clauses) if (!positiveOnly || clause.occur !== 'must_not') leavesOf(clause.node, positiveOnly, out);
  } else {
    out.push(node);
  }
  return out;
}

function evaluate(node: QueryNode, doc: PreparedDoc, schema: Schema, info: Map<QueryNode, LeafInfo>, hits: QueryNode[] | null): boolean {
  if (node.type !== 'bool') {
    const ok = leafMatches(node, info.get(node)!, doc, schema);
    if (ok && hits) hits.push(node);
    return ok;
  }
  let must = true;
  let anyShould = false;
  let hasShould = false;
  let hasMust = false;
  // Every clause is evaluated (no short cut) so the score sees every matching leaf.
  for (const clause of node.clauses) {
    if (clause.occur === 'must_not') {
      if (evaluate(clause.node, doc, schema, info, null)) must = false;
    } else {
      const ok = evaluate(clause.node, doc, schema, info, hits);
      if (clause.occur === 'must') {
        hasMust = true;
        if (!ok) must = false;
      } else {
        hasShould = true;
        if (ok) anyShould = true;
      }
    }
  }
  if (!must) return false;
  return hasMust || !hasShould || anyShould;
}

function dice(a: readonly string[], b: readonly string[]): number {
  const sa = new Set(a);
  const sb = new Set(b);
  if (sa.size + sb.size === 0) return 1;
  let common = 0;
  for (const t of sa) if (sb.has(t)) common++;
  return (2 * common) / (sa.size + sb.size);
}

export interface CompiledQuery {
  node: QueryNode;
  /** null: no match; otherwise a score 1..100. */
  score(doc: PreparedDoc): number | null;
}

export function compileQuery(query: string, defaultField: string, schema: Schema): CompiledQuery {
  const node = parseLucene(query, defaultField);
  const info = new Map<QueryNode, LeafInfo>();
  for (const leaf of leavesOf(node, false)) {
    const text = leaf.type === 'term' ? leaf.text : '';
    info.set(leaf, { lower: text.toLowerCase(), tokens: analyze(text), num: Number(text) });
  }
  const leaves = leavesOf(node, true);
  const fields = [...new Set(leaves.map((l) => l.field))];
  return {
    node,
    score(doc) {
      const hits: QueryNode[] = [];
      if (!evaluate(node, doc, schema, info, hits)) return null;
      if (fields.length === 0) return 100;
      let total = 0;
      for (const field of fields) {
        const matched = leaves.filter((l) => l.field === field && hits.includes(l));
        if (matched.length === 0) continue;
        if (schema[field] !== 'text' || matched.some((l) => l.type === 'range' || l.pattern)) {
          total += 1;
          continue;
        }
        const wanted = matched.flatMap((l) => info.get(l)!.tokens);
        total += Math.max(0, ...(doc.tokens[field] ?? []).map((tokens) => dice(wanted, tokens)));
      }
      return Math.max(1, Math.min(100, Math.round((100 * total) / fields.length)));
    },
  };
}
