// CSV for Excel: UTF-8 with BOM (Excel otherwise reads it as the local code page) and CRLF.

export type Cell = string | number | boolean | null | undefined;

const SPECIAL = /[",\r\n]/;
const isSpace = (code: number) => code === 0x20 || code === 0x09 || code === 0x3000 || code === 0xa0;

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
