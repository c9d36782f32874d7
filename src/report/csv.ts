// CSV for Excel: UTF-8 with BOM (Excel otherwise reads it as the local code page) and CRLF.

export type Cell = string | number | boolean | null | undefined;

const SPECIAL = /[",\r\n]/;
const isSpace = (code: number) => code === 0x20 || code === 0x09 || code === 0x3000 || code === 0xa0;

/** quotingOf: the text has a character CSV must quote wherever it is. */
export const QUOTE_ANYWHERE = 1;
/** quotingOf: the text starts with a space, which Excel keeps only in quotes. */
export const QUOTE_FIRST = 2;
/** quotingOf: the text ends with a space. */
export const QUOTE_LAST = 4;

/**
 * Why a non-empty text would make csvCell quote a cell it is part of: as the cell's first text, its last, or
 * anywhere (bits QUOTE_…; 0 when never). Texts joined by a separator with no such character and neither
 * starting nor ending with a space make a cell that is quoted exactly when one of these applies.
 */
export function quotingOf(text: string): number {
  return (
    (SPECIAL.test(text) ? QUOTE_ANYWHERE : 0) |
    (isSpace(text.charCodeAt(0)) ? QUOTE_FIRST : 0) |
    (isSpace(text.charCodeAt(text.length - 1)) ? QUOTE_LAST : 0)
  );
}

export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  const text = typeof value === 'boolean' ? (value ? '是' : '否') : value;
  if (text === '') return text;
  // Leading or trailing spaces are quoted so Excel keeps them.
  const needsQuotes = SPECIAL.test(text) || isSpace(text.charCodeAt(0)) || isSpace(text.charCodeAt(text.length - 1));
  return needsQuotes ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(rows: readonly (readonly Cell[])[], options: { bom?: boolean } = {}): string {
  return [...csvLines(rows, options)].join('');
}

/** The same CSV as `toCsv`, one line at a time, for files too large to build as one string. */
export function* csvLines(rows: Iterable<readonly Cell[]>, options: { bom?: boolean } = {}): Generator<string> {
  let first = true;
  for (const row of rows) {
    const line = `${row.map(csvCell).join(',')}\r\n`;
    yield first && options.bom !== false ? `\uFEFF${line}` : line;
    first = false;
  }
}
