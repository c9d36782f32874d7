// Renders a trend (SPEC §7.2): terminal table, Markdown, CSV and a self-contained HTML page with a line
// chart of unit totals per period (one chart per ranking group). JSON is core/trend.ts `trendJson`.

import { Rational } from '../core/rational.js';
import type { Trend, TrendCell, TrendUnit } from '../core/trend.js';
import { toCsv, type Cell } from './csv.js';
import { escapeHtml, htmlPage, htmlTable, type HtmlColumn, type HtmlRow } from './html.js';
import { mdTable } from './md-table.js';
import { NO_PAINT, type Paint } from './ranking-text.js';
import { lineChart, MARK_COLOURS } from './svg.js';
import { renderTable, type TableColumn } from './table.js';

const fixed = (value: number | null): string => (value === null ? '' : Rational.fromNumber(value).toFixed(2));

/** `92.74 (1)`, with 红/黑 for the lists; 未测评 when unscored, — when the unit is not in that file. */
export function trendCell(cell: TrendCell | null, pad = false): string {
  if (cell === null) return '—';
  if (cell.total === null) return '未测评';
  const rank = cell.rank === null ? '' : ` (${cell.rank})`;
  // In the terminal every cell ends in a mark of the same width, so right-aligned totals line up.
  const list = cell.red ? ' 红' : cell.black ? ' 黑' : pad ? '   ' : '';
  return `${fixed(cell.total)}${rank}${list}`;
}

function starsCell(unit: TrendUnit): string {
  return unit.cells.map((c) => (c?.stars === null || c?.stars === undefined ? '—' : String(c.stars))).join('→');
}

function groupsOf(trend: Trend): string[] {
  const groups: string[] = [];
  for (const unit of trend.units) if (!groups.includes(unit.group)) groups.push(unit.group);
  return groups;
}

function columns(trend: Trend): TableColumn[] {
  const out: TableColumn[] = [{ title: '编号' }, { title: '单位' }, ...trend.periods.map((p) => ({ title: p, align: 'right' as const }))];
  if (trend.withStars) out.push({ title: '星级', align: 'right' });
  out.push({ title: '连续黑榜', align: 'right' }, { title: '约谈' });
  return out;
}

function row(trend: Trend, unit: TrendUnit, pad = false): string[] {
  const cells = [unit.id, unit.name, ...unit.cells.map((c) => trendCell(c, pad))];
  if (trend.withStars) cells.push(starsCell(unit));
  cells.push(unit.blackStreak > 0 ? `${unit.blackStreak} 期` : '', unit.talk ? '约谈' : '');
  return cells;
}

function headline(trend: Trend): string {
  const span = trend.periods.length > 1 ? `${trend.periods[0]} — ${trend.periods[trend.periods.length - 1]}` : (trend.periods[0] ?? '');
  return `测评结果趋势：${span}（${trend.periods.length} 期）`;
}

function talkLine(trend: Trend): string {
  if (trend.periods.length < trend.streak) {
    return `期数少于 ${trend.streak} 期，本次不标记约谈单位。`;
  }
  const flagged = trend.units.filter((u) => u.talk);
  return flagged.length === 0
    ? `约谈：无（没有单位连续 ${trend.streak} 期上黑榜）。`
    : `约谈（连续 ${trend.streak} 期上黑榜）：${flagged.map((u) => `${u.name}（${u.group}）`).join('、')}`;
}

const LEGEND = '单元格：总分 (名次)，红 = 红榜，黑 = 黑榜；未测评 = 该期无测评点位；— = 该期结果中没有此单位。';

export function trendText(trend: Trend, paint: Paint = NO_PAINT): string {
  const out: string[] = [paint.bold(headline(trend)), talkLine(trend)];
  for (const group of groupsOf(trend)) {
    const units = trend.units.filter((u) => u.group === group);
    out.push('', paint.bold(`【${group}】`));
    out.push(
      renderTable(columns(trend), units.map((u) => row(trend, u, true)), {
        header: paint.bold,
        cell: (text, r) => (units[r]!.talk ? paint.black(text) : text),
      }),
    );
  }
  out.push('', paint.dim(LEGEND));
  return `${out.join('\n')}\n`;
}

export function trendMarkdown(trend: Trend): string {
  const out: string[] = [`# ${headline(trend)}`, '', talkLine(trend)];
  for (const group of groupsOf(trend)) {
    const units = trend.units.filter((u) => u.group === group);
    out.push('', `## ${group}`, '', mdTable(columns(trend), units.map((u) => row(trend, u))));
  }
  out.push('', `> ${LEGEND}`);
  return `${out.join('\n')}\n`;
}

export function trendCsv(trend: Trend, bom = true): string {
  const header: Cell[] = ['组别', '单位编号', '单位'];
  for (const period of trend.periods) {
    header.push(`${period} 总分`, `${period} 排名`, `${period} 榜单`);
    if (trend.withStars) header.push(`${period} 星级`);
  }
  header.push('连续黑榜期数', '约谈');
  const rows: Cell[][] = [header];
  for (const unit of trend.units) {
    const cells: Cell[] = [unit.group, unit.id, unit.name];
    for (const cell of unit.cells) {
      cells.push(
        cell === null ? '' : cell.total === null ? '未测评' : fixed(cell.total),
        cell?.rank ?? '',
        cell?.red ? '红榜' : cell?.black ? '黑榜' : '',
      );
      if (trend.withStars) cells.push(cell?.stars ?? '');
    }
    cells.push(unit.blackStreak, unit.talk ? '约谈' : '');
    rows.push(cells);
  }
  return toCsv(rows, { bom });
}

const TREND_CSS = `
td.cell.red { color: var(--red); font-weight: bold; }
td.cell.black { background: #e3e6e8; }
.talk { color: #fff; background: var(--black); padding: 0 5px; border-radius: 3px; }
`;

export function trendHtml(trend: Trend, title = headline(trend)): string {
  const body: string[] = [`<h1>${escapeHtml(title)}</h1>`, `<p class="subtitle">${escapeHtml(talkLine(trend))}</p>`];
  for (const group of groupsOf(trend)) {
    const units = trend.units.filter((u) => u.group === group);
    body.push(`<section class="page"><h2>${escapeHtml(group)}</h2>`);
    body.push(
      lineChart(
        units.map((u) => ({
          name: u.talk ? `${u.name}（约谈）` : u.name,
          values: u.cells.map((c) => c?.total ?? null),
          ...(u.talk ? { highlight: true, colour: MARK_COLOURS.black } : {}),
        })),
        { labels: trend.periods, title: `${group} 各期总分`, width: 900, format: (v) => v.toFixed(2) },
      ),
    );
    const htmlColumns: HtmlColumn[] = columns(trend).map((c) => ({ title: c.title, ...(c.align ? { align: c.align } : {}) }));
    const rows: HtmlRow[] = units.map((u) => {
      const base = row(trend, u);
      const cells = base.map((text, i) => {
        const cell = i >= 2 && i < 2 + trend.periods.length ? u.cells[i - 2] : undefined;
        if (cell?.black) return { html: `<span class="tag black">${escapeHtml(text)}</span>` };
        if (cell?.red) return { html: `<span class="tag red">${escapeHtml(text)}</span>` };
        if (text === '约谈') return { html: '<span class="talk">约谈</span>' };
        return text;
      });
      return u.talk ? { cells, className: 'black' } : { cells };
    });
    body.push(htmlTable(htmlColumns, rows));
    body.push('</section>');
  }
  body.push(`<p class="note">${escapeHtml(LEGEND)}</p>`);
  body.push(`<footer>civscore trend · ${escapeHtml(trend.files.join(' · '))}</footer>`);
  return htmlPage(title, body.join('\n'), { css: TREND_CSS });
}
