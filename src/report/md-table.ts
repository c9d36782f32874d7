// Markdown (GitHub) tables for the `--format md` outputs.

import type { TableColumn } from './table.js';

const escapeCell = (text: string): string => text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');

export function mdTable(columns: readonly TableColumn[], rows: readonly (readonly string[])[]): string {
  const lines = [
    `| ${columns.map((c) => escapeCell(c.title)).join(' | ')} |`,
    `|${columns.map((c) => (c.align === 'right' ? ' ---: ' : ' --- ')).join('|')}|`,
    ...rows.map((row) => `| ${columns.map((_, i) => escapeCell(row[i] ?? '')).join(' | ')} |`),
  ];
  return lines.join('\n');
}
