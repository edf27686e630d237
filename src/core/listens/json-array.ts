import { ListenFormatError } from './types';

/** One element of the top-level array, as text, with the line it starts on. */
export type ArrayPiece = { line: number; text: string } | { line: number; problem: string };

/**
 * An element longer than this is a damaged file (a string that never closes
 * swallows the rest of it), not a listen: stop rather than buffer 500 MB.
 */
export const MAX_ELEMENT_CHARS = 1 << 20;

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const LF = 0x0a;
const BOM = 0xfeff;

function isSpace(c: number): boolean {
  return c === 0x20 || c === LF || c === 0x0d || c === 0x09;
}

type State = 'start' | 'element' | 'after' | 'value' | 'end';

/**
 * Splits a JSON document whose top level is an array into its elements, fed
 * in chunks of any size. It tracks only strings, escapes and nesting, so
 * each element is cut out whole and handed to JSON.parse on its own: memory
 * is one element, whatever the size of the file. A bad element costs that
 * element, not the rest, because the brackets still say where it ends.
 */
export class JsonArraySplitter {
  private state: State = 'start';
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** The element so far, when it spans chunks. */
  private parts: string[] = [];
  private partsLength = 0;
  private line = 1;
  private elementLine = 1;
  /** Each kind of stray text is reported once: a file with a systematic fault should not log it a million times. */
  private readonly reported = new Set<string>();

  /** Feeds the next chunk; complete elements are appended to out. */
  push(chunk: string, out: ArrayPiece[]): void {
    let segmentStart = this.state === 'value' ? 0 : -1;
    const n = chunk.length;
    for (let i = 0; i < n; i++) {
      const c = chunk.charCodeAt(i);
      if (c === LF) this.line++;
      switch (this.state) {
        case 'value': {
          if (this.inString) {
            if (this.escaped) this.escaped = false;
            else if (c === BACKSLASH) this.escaped = true;
            else if (c === QUOTE) {
              this.inString = false;
              // A bare string element ends with its closing quote.
              if (this.depth === 0) this.finish(chunk, segmentStart, i + 1, out);
            }
          } else if (c === QUOTE) this.inString = true;
          else if (c === OPEN_BRACE || c === OPEN_BRACKET) this.depth++;
          else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
            if (this.depth === 0) {
              // A scalar element (a number, true, null) ends at the array's close.
              this.finish(chunk, segmentStart, i, out);
              this.state = 'end';
            } else if (--this.depth === 0) this.finish(chunk, segmentStart, i + 1, out);
          } else if (this.depth === 0 && (c === COMMA || isSpace(c))) {
            this.finish(chunk, segmentStart, i, out);
            if (c === COMMA) this.state = 'element';
          }
          break;
        }
        case 'start':
          if (isSpace(c) || c === BOM) break;
          if (c !== OPEN_BRACKET) {
            throw new ListenFormatError('The file does not start with "[": it is not a JSON array of listens.');
          }
          this.state = 'element';
          break;
        case 'element':
        case 'after':
          if (isSpace(c)) break;
          if (c === CLOSE_BRACKET) this.state = 'end';
          else if (c === COMMA) this.state = 'element';
          else {
            // After an element only ',' or ']' may come; tolerate a missing comma but say so once.
            if (this.state === 'after') this.junk(out, 'a "," is missing between two listens');
            this.begin(c);
            segmentStart = i;
          }
          break;
        case 'end':
          if (!isSpace(c)) this.junk(out, 'text after the closing "]" is ignored');
          break;
      }
    }
    if (this.state === 'value') this.keep(chunk.slice(Math.max(segmentStart, 0)));
  }

  /** Call at the end of the input; reports a file that stops part-way. */
  end(out: ArrayPiece[]): void {
    if (this.state === 'start') throw new ListenFormatError('The file is empty: there is no JSON array of listens in it.');
    if (this.state === 'value') {
      out.push({ line: this.elementLine, problem: 'the file ends in the middle of this listen (is it cut short?)' });
    } else if (this.state !== 'end') {
      out.push({ line: this.line, problem: 'the file ends before the closing "]" (is it cut short?)' });
    }
    this.parts = [];
    this.partsLength = 0;
  }

  private begin(c: number): void {
    this.state = 'value';
    this.elementLine = this.line;
    this.depth = c === OPEN_BRACE || c === OPEN_BRACKET ? 1 : 0;
    this.inString = c === QUOTE;
    this.escaped = false;
    this.parts = [];
    this.partsLength = 0;
  }

  private finish(chunk: string, from: number, to: number, out: ArrayPiece[]): void {
    const tail = chunk.slice(Math.max(from, 0), to);
    const text = this.parts.length === 0 ? tail : this.parts.join('') + tail;
    this.parts = [];
    this.partsLength = 0;
    this.state = 'after';
    out.push({ line: this.elementLine, text });
  }

  private keep(part: string): void {
    this.parts.push(part);
    this.partsLength += part.length;
    if (this.partsLength > MAX_ELEMENT_CHARS) {
      throw new ListenFormatError(
        `The listen starting on line ${this.elementLine} runs on for more than a megabyte: ` +
          'the file is damaged (a quote or bracket that never closes). Listens before it were imported.',
      );
    }
  }

  private junk(out: ArrayPiece[], problem: string): void {
    if (this.reported.has(problem)) return;
    this.reported.add(problem);
    out.push({ line: this.line, problem });
  }
}
