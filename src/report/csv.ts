// CSV for Excel: UTF-8 with BOM (Excel otherwise reads it as the local code page) and CRLF.

export type Cell = string | number | boolean | null | undefined;

export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'boolean' ? (value ? '是' : '否') : String(value);
  return /[",\r\n]/.test(text) || /^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
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
