// The report as one CSV for Excel: the sections one under another, each under a title row, as offices lay
// out a circulated sheet. UTF-8 with BOM and CRLF (see csv.ts).

import { toCsv, type Cell } from './csv.js';
import { cellText, sectionNumber, SHORT_HASH, type ReportModel, type ReportTable } from './report-model.js';

function tableRows(table: ReportTable): Cell[][] {
  return [
    table.columns.map((c) => c.title),
    ...table.rows.map((row) => table.columns.map((c, i) => cellText(row.cells[i] ?? null, c.kind))),
  ];
}

export function renderReportCsv(model: ReportModel, options: { bom?: boolean } = {}): string {
  const rows: Cell[][] = [[model.title]];
  for (const { label, value } of model.meta) rows.push([label, value]);
  model.sections.forEach((section, index) => {
    rows.push([], [`${sectionNumber(index)}${section.title}`]);
    if (section.kind === 'ranking') {
      section.groups.forEach((group, g) => {
        if (g > 0) rows.push([]);
        rows.push([`【${group.name}】`], ...tableRows(group.table));
      });
    } else {
      rows.push(...tableRows(section.table));
      if (section.note) rows.push([section.note]);
    }
  });
  rows.push([], ['数据说明']);
  if (model.summary) rows.push([model.summary]);
  for (const file of model.files) rows.push([file.label, file.name, `sha256 ${file.sha256.slice(0, SHORT_HASH)}`]);
  for (const note of model.notes) rows.push([note]);
  return toCsv(rows, options);
}
