// The report as one self-contained HTML page: charts drawn inline (svg.ts), styles inline (html.ts), laid
// out to print on A4 with each section on a new page.

import { escapeHtml, htmlPage, htmlTable, type HtmlCell, type HtmlColumn, type HtmlRow } from './html.js';
import { cellText, isNumericKind, sectionNumber, SHORT_HASH, type CellKind, type CellValue, type ReportModel, type ReportTable } from './report-model.js';
import { barChart, heatMap } from './svg.js';

const REPORT_CSS = `
.index-box { text-align: center; margin: 10px 0 4px; }
.index-box .value { font-size: 30px; font-weight: bold; color: var(--red); }
.index-box .label { color: var(--muted); }
@media print { .group { break-inside: avoid; } }
table.heat-note { width: auto; }
`;

function cellHtml(value: CellValue, kind: CellKind, title: string): HtmlCell {
  const text = cellText(value, kind);
  if (typeof value === 'number' && (kind === 'change' || kind === 'rank-change') && value !== 0) {
    return { html: `<span class="${value > 0 ? 'up' : 'down'}">${escapeHtml(text)}</span>` };
  }
  if (title === '红榜/黑榜' && (text === '红榜' || text === '黑榜')) {
    return { html: `<span class="tag ${text === '红榜' ? 'red' : 'black'}">${escapeHtml(text)}</span>` };
  }
  return text;
}

function tableHtml(table: ReportTable, className: string): string {
  const columns: HtmlColumn[] = table.columns.map((c) => ({ title: c.title, align: isNumericKind(c.kind) ? 'right' : 'left' }));
  const ranking = className === 'ranking';
  const rows: HtmlRow[] = table.rows.map((row) => {
    const classes = [row.mark, ranking && row.mark !== 'unscored' ? 'ranked' : undefined].filter(Boolean).join(' ');
    const out: HtmlRow = { cells: table.columns.map((c, i) => cellHtml(row.cells[i] ?? null, c.kind, c.title)) };
    if (classes) out.className = classes;
    if (row.id !== undefined) out.data = { id: row.id };
    return out;
  });
  return htmlTable(columns, rows, { className: `report-table ${className}` });
}

export function renderReportHtml(model: ReportModel): string {
  const body: string[] = [];
  body.push('<header>', `<h1>${escapeHtml(model.title)}</h1>`);
  const meta = model.meta.filter((m) => m.label !== '模拟测评指数');
  body.push(`<p class="subtitle">${meta.map((m) => `${escapeHtml(m.label)}：${escapeHtml(m.value)}`).join('　')}</p>`);
  if (model.index !== undefined) {
    body.push(
      `<div class="index-box"><div class="value">${model.index === null ? '未测评' : model.index.toFixed(2)}</div><div class="label">模拟测评指数</div></div>`,
    );
  }
  if (model.summary) body.push(`<p class="note" style="text-align:center">${escapeHtml(model.summary)}</p>`);
  body.push('</header>');

  model.sections.forEach((section, index) => {
    body.push(`<section class="page" id="${section.kind}">`, `<h2>${sectionNumber(index)}${escapeHtml(section.title)}</h2>`);
    if (section.kind === 'ranking') {
      for (const group of section.groups) {
        body.push(`<div class="group" data-group="${escapeHtml(group.name)}">`, `<h3>${escapeHtml(group.name)}</h3>`);
        if (group.bars.some((bar) => bar.value !== null)) body.push(barChart(group.bars, { width: 680 }));
        body.push(tableHtml(group.table, 'ranking'));
        body.push('</div>');
      }
    } else {
      body.push(tableHtml(section.table, section.kind));
      if (section.note) body.push(`<p class="note">${escapeHtml(section.note)}</p>`);
      if (section.kind === 'categories' && model.heat && model.heat.rows.length > 0 && model.heat.columns.length > 0) {
        const cell = model.heat.columns.length <= 12 ? 40 : 17;
        body.push('<h3>各单位分项得分</h3>');
        body.push(heatMap(model.heat, { cell, emptyText: '无点位' }));
        body.push(
          '<p class="note">颜色由红到绿表示得分由低到高；灰色表示该单位在此测评项目没有测评点位。' +
            (cell < 30 ? '<span class="screen-only">将鼠标停在方格上可查看得分。</span>' : '') +
            '</p>',
        );
      }
    }
    body.push('</section>');
  });

  body.push('<footer>', '<h2>数据说明</h2>');
  if (model.summary) body.push(`<p>${escapeHtml(model.summary)}</p>`);
  if (model.files.length > 0) {
    body.push('<ul class="files">');
    for (const file of model.files) {
      body.push(
        `<li>${escapeHtml(file.label)}：<code>${escapeHtml(file.name)}</code>（sha256 <code title="${escapeHtml(file.sha256)}">${escapeHtml(file.sha256.slice(0, SHORT_HASH))}</code>）</li>`,
      );
    }
    body.push('</ul>');
  }
  body.push('<ul class="notes">', ...model.notes.map((note) => `<li>${escapeHtml(note)}</li>`), '</ul>', '</footer>');
  return htmlPage(model.title, body.join('\n'), { css: REPORT_CSS });
}
