// Plain-text tables for the terminal that line up with Chinese text (east-asian width).

import { displayWidth as stringWidth } from './width.js';

export type Align = 'left' | 'right';

export interface TableColumn {
  title: string;
  align?: Align;
}

export interface TableStyle {
  /** Colours a header cell. */
  header?: (text: string) => string;
  /** Colours a body cell; row and column index given. */
  cell?: (text: string, row: number, column: number) => string;
}

export function renderTable(columns: readonly TableColumn[], rows: readonly (readonly string[])[], style: TableStyle = {}): string {
  const widths = columns.map((column, index) =>
    Math.max(stringWidth(column.title), ...rows.map((row) => stringWidth(row[index] ?? ''))),
  );
  const pad = (text: string, index: number): string => {
    const gap = ' '.repeat(Math.max(0, widths[index]! - stringWidth(text)));
    return columns[index]!.align === 'right' ? gap + text : text + gap;
  };
  const lines: string[] = [];
  lines.push(columns.map((c, i) => (style.header ?? ((t) => t))(pad(c.title, i))).join('  ').trimEnd());
  lines.push(widths.map((w) => '─'.repeat(w)).join('  '));
  rows.forEach((row, r) => {
    lines.push(
      columns
        .map((_, i) => (style.cell ?? ((t) => t))(pad(row[i] ?? '', i), r, i))
        .join('  ')
        .trimEnd(),
    );
  });
  return lines.join('\n');
}
