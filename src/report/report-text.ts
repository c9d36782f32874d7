// The report in a terminal: the ranking as `score` prints it (rankingText), then the other sections as
// aligned tables.

import type { ResultsFile } from '../core/results.js';
import { NO_PAINT, rankingText, type Paint } from './ranking-text.js';
import { cellText, isNumericKind, SHORT_HASH, type ReportModel, type ReportTable } from './report-model.js';
import { renderTable } from './table.js';

function textTable(table: ReportTable, paint: Paint): string {
  return renderTable(
    table.columns.map((c) => ({ title: c.title, align: isNumericKind(c.kind) ? 'right' : 'left' })),
    table.rows.map((row) => table.columns.map((c, i) => cellText(row.cells[i] ?? null, c.kind))),
    {
      header: paint.bold,
      cell: (text, r) => {
        const mark = table.rows[r]!.mark;
        return mark === 'red' ? paint.red(text) : mark === 'black' ? paint.black(text) : mark === 'unscored' ? paint.dim(text) : text;
      },
    },
  );
}

/** `results` is given for a results.json: its ranking is printed exactly as `civscore score` prints it. */
export function renderReportText(model: ReportModel, results: ResultsFile | undefined, paint: Paint = NO_PAINT): string {
  const out: string[] = [];
  if (results) {
    out.push(rankingText(results, paint, { title: model.title }).trimEnd());
    for (const { label, value } of model.meta) if (label === '测评细则') out.push(paint.dim(`${label}：${value}`));
  } else {
    out.push(paint.bold(model.title));
    for (const { label, value } of model.meta) out.push(`${label}：${value}`);
  }
  for (const section of model.sections) {
    if (section.kind === 'ranking') {
      if (results) continue;
      for (const group of section.groups) out.push('', paint.bold(`【${group.name}】`), textTable(group.table, paint));
      continue;
    }
    out.push('', paint.bold(`【${section.title}】`), textTable(section.table, paint));
    if (section.note) out.push(paint.dim(section.note));
  }
  out.push('');
  for (const file of model.files) out.push(paint.dim(`${file.label} ${file.name}  sha256 ${file.sha256.slice(0, SHORT_HASH)}`));
  return `${out.join('\n')}\n`;
}
