import { ListenFormatError } from './types';

/** One CSV record and the line it starts on (a quoted field may span lines). */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/**
 * A record longer than this is a damaged file (a quote that never closes
 * swallows the rest of it): stop rather than buffer the whole file.
 */
export const MAX_RECORD_CHARS = 1 << 20;

const QUOTE = 0x22;
const COMMA = 0x2c;
const CR = 0x0d;
const LF = 0x0a;
const BOM = 0xfeff;

// Where the splitter is within a record.
const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
/** A quote inside a quoted field: either its close or the first of a "" pair. */
const QUOTE_IN_QUOTED = 3;

/**
 * RFC 4180 CSV, fed in chunks of any size: "" escapes, commas and line
 * breaks inside quotes, CRLF, LF or CR line ends, a leading BOM. Lenient
 * where exporters are sloppy: text after a closing quote is kept, and so is
 * a quote inside an unquoted field. Blank lines are skipped.
 */
export class CsvSplitter {
  private at = FIELD_START;
  private fields: string[] = [];
  private field = '';
  /** A record has begun: some character other than a line break was seen. */
  private started = false;
  private line = 1;
  private recordLine = 1;
  private prevCR = false;
  private first = true;

  /** Feeds the next chunk; complete records are appended to out. */
  push(chunk: string, out: CsvRecord[]): void {
    let i = 0;
    if (this.first && chunk.length > 0) {
      this.first = false;
      if (chunk.charCodeAt(0) === BOM) i = 1;
    }
    // Start of the run of plain characters not yet copied into this.field:
    // copying runs with slice, not character by character, keeps this fast.
    let run = i;
    const n = chunk.length;
    for (; i < n; i++) {
      const c = chunk.charCodeAt(i);
      const lineBreak = c === CR || c === LF;
      // CRLF is one line break, CR alone (old Macs) and LF alone are one each.
      if (c === CR || (c === LF && !this.prevCR)) this.line++;
      this.prevCR = c === CR;
      if (!this.started && !lineBreak) {
        this.started = true;
        this.recordLine = this.line;
      }
      switch (this.at) {
        case QUOTED:
          if (c === QUOTE) {
            this.field += chunk.slice(run, i);
            this.at = QUOTE_IN_QUOTED;
          }
          break;
        case UNQUOTED:
          if (c === COMMA || lineBreak) {
            this.field += chunk.slice(run, i);
            this.delimiter(c, out);
          }
          break;
        case QUOTE_IN_QUOTED:
          if (c === QUOTE) {
            this.field += '"';
            this.at = QUOTED;
            run = i + 1;
          } else if (c === COMMA || lineBreak) this.delimiter(c, out);
          else {
            // Text after the closing quote: kept, as spreadsheets do.
            this.at = UNQUOTED;
            run = i;
          }
          break;
        default:
          if (c === QUOTE) {
            this.at = QUOTED;
            run = i + 1;
          } else if (c === COMMA || lineBreak) this.delimiter(c, out);
          else {
            this.at = UNQUOTED;
            run = i;
          }
      }
    }
    if (this.at === UNQUOTED || this.at === QUOTED) this.field += chunk.slice(run);
    if (this.started && this.recordLength() > MAX_RECORD_CHARS) {
      throw new ListenFormatError(
        `The row starting on line ${this.recordLine} runs on for more than a megabyte: the file is damaged ` +
          '(most likely a quote that never closes). Rows before it were imported.',
      );
    }
  }

  /** Call at the end of the input: the last record need not end with a line break. */
  end(out: CsvRecord[]): void {
    if (this.started) this.endRecord(out);
  }

  private recordLength(): number {
    let length = this.field.length;
    for (const f of this.fields) length += f.length;
    return length;
  }

  private delimiter(c: number, out: CsvRecord[]): void {
    if (c === COMMA) {
      this.fields.push(this.field);
      this.field = '';
      this.at = FIELD_START;
    } else if (this.started) this.endRecord(out);
  }

  private endRecord(out: CsvRecord[]): void {
    this.fields.push(this.field);
    out.push({ line: this.recordLine, fields: this.fields });
    this.fields = [];
    this.field = '';
    this.started = false;
    this.at = FIELD_START;
  }
}
