// The shell of a self-contained HTML page: one file with its styles inline and a Content-Security-Policy that
// forbids every fetch, so a report opened from a mail attachment or printed to PDF never touches the network.

import { MARK_COLOURS } from './svg.js';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A cell is plain text (escaped here) or `{ html }` already made safe by the caller. */
export type HtmlCell = string | { html: string };

export interface HtmlColumn {
  title: string;
  align?: 'left' | 'right' | 'center';
}

export interface HtmlRow {
  cells: readonly HtmlCell[];
  /** Classes for the row, e.g. `red`, `black`, `unscored`. */
  className?: string;
  /** `data-*` attributes, e.g. `{ unit: 'D01' }` → `data-unit="D01"`: lets tests and scripts find rows. */
  data?: Record<string, string>;
}

export function cellHtml(cell: HtmlCell): string {
  return typeof cell === 'string' ? escapeHtml(cell) : cell.html;
}

export function htmlTable(columns: readonly HtmlColumn[], rows: readonly HtmlRow[], options: { className?: string; caption?: string } = {}): string {
  const align = (column: HtmlColumn | undefined): string => (column?.align && column.align !== 'left' ? ` class="${column.align}"` : '');
  const head = columns.map((c) => `<th${align(c)}>${escapeHtml(c.title)}</th>`).join('');
  const body = rows
    .map((row) => {
      const cells = row.cells.map((cell, i) => `<td${align(columns[i])}>${cellHtml(cell)}</td>`).join('');
      const data = Object.entries(row.data ?? {}).map(([key, value]) => ` data-${key}="${escapeHtml(value)}"`).join('');
      return `<tr${row.className ? ` class="${escapeHtml(row.className)}"` : ''}${data}>${cells}</tr>`;
    })
    .join('\n');
  const caption = options.caption ? `<caption>${escapeHtml(options.caption)}</caption>` : '';
  return `<table${options.className ? ` class="${escapeHtml(options.className)}"` : ''}>${caption}<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table>`;
}

export const BASE_CSS = `
:root { --red: ${MARK_COLOURS.red}; --black: ${MARK_COLOURS.black}; --line: #d0d7de; --muted: #666; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0 auto; max-width: 1100px; padding: 24px 28px 48px; color: #1f2328; background: #fff;
  font: 14px/1.6 'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC', sans-serif; }
h1 { font-family: 'Noto Serif CJK SC', 'Source Han Serif SC', SimSun, serif; font-size: 24px; text-align: center;
  margin: 8px 0 4px; letter-spacing: 1px; }
h2 { font-size: 18px; margin: 28px 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--red); }
h3 { font-size: 15px; margin: 18px 0 8px; }
p { margin: 6px 0; }
.subtitle { text-align: center; color: var(--muted); margin: 0 0 16px; }
.meta { display: flex; flex-wrap: wrap; gap: 8px 28px; margin: 12px 0; padding: 10px 14px; background: #f6f8fa;
  border: 1px solid var(--line); border-radius: 4px; }
.meta .index { font-size: 20px; font-weight: bold; color: var(--red); }
table { border-collapse: collapse; width: 100%; margin: 8px 0 12px; font-size: 13px; }
caption { text-align: left; font-weight: bold; padding: 4px 0; }
th, td { border: 1px solid var(--line); padding: 3px 6px; vertical-align: top; }
th { background: #eef1f4; font-weight: bold; white-space: nowrap; }
td.right, th.right { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.center, th.center { text-align: center; white-space: nowrap; }
tr.red td { background: #fdecea; }
tr.black td { background: #e3e6e8; }
tr.unscored td { color: #888; }
.tag { display: inline-block; padding: 0 5px; border-radius: 3px; color: #fff; font-size: 12px; line-height: 18px; }
.tag.red { background: var(--red); }
.tag.black { background: var(--black); }
.up { color: var(--red); }
.down { color: #2e7d32; }
.chart { display: block; max-width: 100%; height: auto; margin: 6px 0 10px; }
.note { color: var(--muted); font-size: 12px; }
footer { margin-top: 32px; padding-top: 8px; border-top: 1px solid var(--line); color: var(--muted); font-size: 12px; }
footer code { font-family: 'DejaVu Sans Mono', Consolas, monospace; }
section.page { break-before: auto; }
@page { size: A4; margin: 14mm 12mm 16mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  h1 { font-size: 16pt; }
  h2 { break-after: avoid; }
  h3 { break-after: avoid; }
  section.page + section.page { break-before: page; }
  table { font-size: 9pt; }
  thead { display: table-header-group; }
  tr, .chart { break-inside: avoid; }
  .screen-only { display: none; }
  .meta { background: none; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
`;

export interface HtmlPageOptions {
  /** Styles added after the base ones. */
  css?: string;
  lang?: string;
}

/** A complete page. Same arguments, same bytes: nothing here reads a clock or the environment. */
export function htmlPage(title: string, bodyHtml: string, options: HtmlPageOptions = {}): string {
  return [
    '<!DOCTYPE html>',
    `<html lang="${escapeHtml(options.lang ?? 'zh-CN')}">`,
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="generator" content="civscore">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${BASE_CSS}${options.css ?? ''}</style>`,
    '</head>',
    '<body>',
    bodyHtml,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
