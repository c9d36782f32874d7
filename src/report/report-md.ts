// The report as Markdown (GitHub tables): for pasting into a wiki, a merge request or a chat.

import { cellText, isNumericKind, sectionNumber, SHORT_HASH, type ReportModel, type ReportTable } from './report-model.js';

/** Table cells cannot hold `|` or line breaks. */
function mdCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function markdownTable(table: ReportTable): string {
  const header = `| ${table.columns.map((c) => mdCell(c.title)).join(' | ')} |`;
  const rule = `| ${table.columns.map((c) => (isNumericKind(c.kind) ? '---:' : '---')).join(' | ')} |`;
  const rows = table.rows.map((row) => `| ${table.columns.map((c, i) => mdCell(cellText(row.cells[i] ?? null, c.kind))).join(' | ')} |`);
  return [header, rule, ...rows].join('\n');
}

export function renderReportMarkdown(model: ReportModel): string {
  const out: string[] = [`# ${model.title}`, ''];
  for (const { label, value } of model.meta) out.push(`- ${label}：${label === '模拟测评指数' ? `**${value}**` : value}`);
  model.sections.forEach((section, index) => {
    out.push('', `## ${sectionNumber(index)}${section.title}`);
    if (section.kind === 'ranking') {
      for (const group of section.groups) {
        out.push('', `### ${group.name}`, '', markdownTable(group.table));
      }
    } else {
      out.push('', markdownTable(section.table));
      if (section.note) out.push('', `> ${section.note}`);
    }
  });
  out.push('', '## 数据说明', '');
  if (model.summary) out.push(`- ${model.summary}`);
  for (const file of model.files) out.push(`- ${file.label}：\`${file.name}\`（sha256 \`${file.sha256.slice(0, SHORT_HASH)}\`）`);
  for (const note of model.notes) out.push(`- ${note}`);
  return `${out.join('\n')}\n`;
}
