// The ranking as a person reads it in a terminal, from a results.json.

import type { ResultsFile, ResultsUnit } from '../core/results.js';
import { componentLabel } from './labels.js';
import { NO_PAINT, type Paint } from './paint.js';
import { renderTable, type TableColumn } from './table.js';

export type { Paint } from './paint.js';
export { NO_PAINT } from './paint.js';

const fixed2 = (value: number | null | undefined): string => (value === null || value === undefined ? '' : value.toFixed(2));

function signed(value: number | null | undefined, digits: number): string {
  if (value === null || value === undefined) return '';
  if (value === 0) return digits ? (0).toFixed(digits) : '0';
  const text = digits ? Math.abs(value).toFixed(digits) : String(Math.abs(value));
  return value > 0 ? `↑${text}` : `↓${text}`;
}

/** Groups in the order their first unit appears (results.json already lists units that way). */
export function groupsOf(units: readonly ResultsUnit[]): string[] {
  const groups: string[] = [];
  for (const unit of units) if (!groups.includes(unit.group)) groups.push(unit.group);
  return groups;
}

/** `options.title` replaces the default heading (`report` prints its own title over the same table). */
export function rankingText(results: ResultsFile, paint: Paint = NO_PAINT, options: { title?: string } = {}): string {
  const out: string[] = [];
  const period = results.period ?? '（测评期未定）';
  out.push(paint.bold(options.title ?? `${results.ruleset.name} ${period} 模拟测评排名`));
  out.push(`模拟测评指数：${results.index === null ? '未测评' : results.index.toFixed(2)}`);
  const componentIds = [...new Set(results.units.flatMap((u) => Object.keys(u.components ?? {})))];
  const withChange = results.units.some((u) => 'score_change' in u);
  const withStars = results.units.some((u) => 'stars' in u);
  for (const group of groupsOf(results.units)) {
    const units = results.units.filter((u) => u.group === group);
    const columns: TableColumn[] = [
      { title: '排名', align: 'right' },
      { title: '单位' },
      { title: '实地考察', align: 'right' },
      ...componentIds.map((id) => ({ title: componentLabel(id), align: 'right' as const })),
      { title: '总分', align: 'right' },
      { title: '等级' },
      { title: '榜单' },
    ];
    if (withStars) columns.push({ title: '星级', align: 'right' });
    if (withChange) columns.push({ title: '较上期', align: 'right' }, { title: '名次', align: 'right' });
    const rows = units.map((u) => {
      const row = [
        u.rank === null ? '—' : String(u.rank),
        u.name,
        u.rank === null && u.field === null ? '未测评' : fixed2(u.field),
        ...componentIds.map((id) => fixed2(u.components?.[id])),
        fixed2(u.total),
        u.grade ?? '',
        u.red ? '红榜' : u.black ? '黑榜' : '',
      ];
      if (withStars) row.push(u.stars === null || u.stars === undefined ? '' : `${u.stars}★`);
      if (withChange) row.push(signed(u.score_change, 2), signed(u.rank_change, 0));
      return row;
    });
    out.push('');
    out.push(paint.bold(`【${group}】`));
    out.push(
      renderTable(columns, rows, {
        header: paint.bold,
        cell: (text, r) => (units[r]!.red ? paint.red(text) : units[r]!.black ? paint.black(text) : units[r]!.rank === null ? paint.dim(text) : text),
      }),
    );
  }
  const s = results.summary;
  out.push('');
  out.push(
    paint.dim(
      `记录 ${s.records} 条（有效 ${s.accepted}，剔除 ${s.rejected}），问题 ${s.findings} 项，测评点位 ${s.sites_inspected}/${s.sites_total} 个`,
    ),
  );
  return `${out.join('\n')}\n`;
}
