// A streaming CSV/TSV tokenizer over decoded text that knows the physical line where every row starts.
//
// Why not csv-parse here: its `info.lines` reports where a record ends (and drifts with CRLF and blank
// lines), while SPEC §3 needs the line where each row starts; the tests use csv-parse as an oracle that
// this tokenizer agrees with on every well-formed file. Quotes follow Excel: a field that starts with `"`
// runs to the matching `"` (`""` is a literal quote) and may span lines; a stray `"` inside an unquoted
// field is kept as text.

export interface CsvRow {
  fields: string[];
  /** Physical line (1-based) where the row starts. */
  line: number;
}

export interface CsvSyntaxError {
  line: number;
  col: number;
  message: string;
}

export interface CsvLimits {
  maxFieldLength: number;
}

export const DEFAULT_CSV_LIMITS: CsvLimits = { maxFieldLength: 1_000_000 };

export class FieldTooLargeError extends Error {
  constructor(
    readonly line: number,
    readonly limit: number,
  ) {
    super(`field longer than ${limit} characters at line ${line}`);
  }
}

const QUOTE = 34; // "
const LF = 10;
const CR = 13;

export class CsvTokenizer {
  private readonly delimiter: number;
  private fields: string[] = [];
  private field = '';
  /** Inside a quoted field. */
  private quoted = false;
  /** A quote was just seen inside a quoted field: either an escaped quote or the closing one. */
  private pendingQuote = false;
  private fieldStarted = false;
  private afterCR = false;
  private line = 1;
  private rowStart = 1;
  private quoteLine = 1;
  private quoteCol = 1;
  private col = 1;

  constructor(
    delimiter: string,
    private readonly onRow: (row: CsvRow) => void,
    private readonly limits: CsvLimits = DEFAULT_CSV_LIMITS,
  ) {
    if (delimiter.length !== 1) throw new RangeError('delimiter must be one character');
    this.delimiter = delimiter.charCodeAt(0);
  }

  /** The line the tokenizer has reached (for errors found outside the CSV grammar, e.g. bad bytes). */
  get currentLine(): number {
    return this.line;
  }

  push(text: string): void {
    const delimiter = this.delimiter;
    let i = 0;
    const length = text.length;
    while (i < length) {
      if (this.quoted) {
        // Copy the run up to the next quote or line break in one slice.
        let j = i;
        while (j < length) {
          const c = text.charCodeAt(j);
          if (c === QUOTE || c === LF || c === CR) break;
          j++;
        }
        if (j > i) {
          this.afterCRInQuotes = false;
          this.appendText(text, i, j);
          this.col += j - i;
          i = j;
          continue;
        }
        const c = text.charCodeAt(i);
        if (c === QUOTE) {
          this.afterCRInQuotes = false;
          this.quoted = false;
          this.pendingQuote = true;
          this.col++;
        } else {
          // A line break inside quotes belongs to the field.
          this.appendLineBreak(c);
          this.field += String.fromCharCode(c);
        }
        i++;
        continue;
      }
      const c = text.charCodeAt(i);
      if (this.pendingQuote) {
        this.pendingQuote = false;
        if (c === QUOTE) {
          this.field += '"';
          this.quoted = true;
          this.col++;
          i++;
          continue;
        }
      }
      if (c === LF && this.afterCR) {
        // Second half of a CRLF: the row already ended at the CR.
        this.afterCR = false;
        i++;
        continue;
      }
      this.afterCR = false;
      if (c === delimiter) {
        this.endField();
        this.col++;
        i++;
      } else if (c === LF || c === CR) {
        this.endRow();
        this.afterCR = c === CR;
        this.line++;
        this.col = 1;
        this.rowStart = this.line;
        i++;
      } else if (c === QUOTE && !this.fieldStarted) {
        this.fieldStarted = true;
        this.quoted = true;
        this.quoteLine = this.line;
        this.quoteCol = this.col;
        this.col++;
        i++;
      } else {
        // Plain run up to the next delimiter, quote or line break.
        let j = i + 1;
        while (j < length) {
          const d = text.charCodeAt(j);
          if (d === delimiter || d === LF || d === CR || d === QUOTE) break;
          j++;
        }
        if (c === QUOTE) j = i + 1; // a stray quote inside an unquoted field is literal text
        this.fieldStarted = true;
        this.appendText(text, i, j);
        this.col += j - i;
        i = j;
      }
    }
  }

  /** Ends the input; returns a syntax error when a quoted field was never closed. */
  end(): CsvSyntaxError | undefined {
    if (this.quoted) {
      return {
        line: this.quoteLine,
        col: this.quoteCol,
        message: `quoted field opened at line ${this.quoteLine} is never closed`,
      };
    }
    this.pendingQuote = false;
    if (this.fieldStarted || this.fields.length > 0) this.endRow();
    return undefined;
  }

  private appendText(text: string, from: number, to: number): void {
    this.field += text.slice(from, to);
    if (this.field.length > this.limits.maxFieldLength) {
      throw new FieldTooLargeError(this.rowStart, this.limits.maxFieldLength);
    }
  }

  /** Counts a line break inside a quoted field; CRLF counts once. */
  private appendLineBreak(c: number): void {
    if (!(c === LF && this.afterCRInQuotes)) this.line++;
    this.afterCRInQuotes = c === CR;
    this.col = 1;
  }

  private afterCRInQuotes = false;

  private endField(): void {
    this.fields.push(this.field);
    this.field = '';
    this.fieldStarted = false;
    this.pendingQuote = false;
  }

  private endRow(): void {
    this.endField();
    const fields = this.fields;
    this.fields = [];
    // A blank line is not a row.
    if (fields.length === 1 && fields[0] === '') return;
    this.onRow({ fields, line: this.rowStart });
  }
}
