// Renders a diff (SPEC §7.1) for people: terminal table, Markdown, CSV. JSON is core/diff.ts `diffJson`.

import type { CategoryDiff, DiffResult, UnitDiff } from '../core/diff.js';
import type { Rational } from '../core/rational.js';
import { arrowRank, arrowScore, fixed2, signedRank, signedScore } from './change.js';
import { toCsv, type Cell } from './csv.js';
import { mdTable } from './md-table.js';
import { NO_PAINT, type Paint } from './ranking-text.js';
import { renderTable, type TableColumn } from './table.js';

/** Column labels for the two sides: the periods, or 原/新 when unknown or equal. */
export function sideLabels(diff: DiffResult): [string, string] {
  const { oldPeriod, newPeriod } = diff;
  if (oldPeriod === null || newPeriod === null || oldPeriod === newPeriod) {
    return [oldPeriod ? `${oldPeriod}（原）` : '原结果', newPeriod ? `${newPeriod}（新）` : '新结果'];
  }
  return [oldPeriod, newPeriod];
}

const STATUS_ZH = { both: '', added: '新增单位', removed: '已移除' } as const;
const LIST_ZH = { red: '红榜', black: '黑榜' } as const;

function totalCell(unit: UnitDiff, side: 'old' | 'new'): string {
  const present = side === 'old' ? unit.status !== 'added' : unit.status !== 'removed';
  if (!present) return '—';
  const value = side === 'old' ? unit.old : unit.new;
  return value === null ? '未测评' : value.toFixed(2);
}

function rankCell(unit: UnitDiff): string {
  const show = (rank: number | null, present: boolean) => (!present ? '—' : rank === null ? '—' : String(rank));
  return `${show(unit.oldRank, unit.status !== 'added')} → ${show(unit.newRank, unit.status !== 'removed')}`;
}

function starsCell(unit: UnitDiff): string {
  if (unit.oldStars === null && unit.newStars === null) return '';
  const show = (value: number | null) => (value === null ? '—' : `${value}★`);
  return unit.oldStars === unit.newStars ? show(unit.newStars) : `${show(unit.oldStars)} → ${show(unit.newStars)}`;
}

function note(unit: UnitDiff): string {
  const notes: string[] = [];
  if (unit.status !== 'both') notes.push(STATUS_ZH[unit.status]);
  if (unit.oldGroup !== null) notes.push(`原属${unit.oldGroup}组`);
  return notes.join('，');
}

const count = (value: number | undefined | null): string => (value === null || value === undefined ? '—' : String(value));

function unitColumns(diff: DiffResult): TableColumn[] {
  const [oldLabel, newLabel] = sideLabels(diff);
  const columns: TableColumn[] = [
    { title: '编号' },
    { title: '单位' },
    { title: oldLabel, align: 'right' },
    { title: newLabel, align: 'right' },
    { title: '变化', align: 'right' },
    { title: '名次', align: 'right' },
    { title: '名次变化', align: 'right' },
    { title: '榜单' },
  ];
  if (diff.withStars) columns.push({ title: '星级', align: 'right' });
  columns.push(
    { title: '新增问题', align: 'right' },
    { title: '已整改', align: 'right' },
    { title: '仍存在', align: 'right' },
    { title: '备注' },
  );
  return columns;
}

function unitRow(diff: DiffResult, unit: UnitDiff): string[] {
  const row = [
    unit.id,
    unit.name,
    totalCell(unit, 'old'),
    totalCell(unit, 'new'),
    arrowScore(unit.change),
    rankCell(unit),
    arrowRank(unit.rankChange),
    unit.newList ? LIST_ZH[unit.newList] : '',
  ];
  if (diff.withStars) row.push(starsCell(unit));
  row.push(count(unit.findings?.new), count(unit.findings?.resolved), count(unit.findings?.persisting), note(unit));
  return row;
}

function categoryColumns(diff: DiffResult): TableColumn[] {
  const [oldLabel, newLabel] = sideLabels(diff);
  return [
    { title: '编号' },
    { title: '测评项目' },
    { title: oldLabel, align: 'right' },
    { title: newLabel, align: 'right' },
    { title: '变化', align: 'right' },
    { title: '点位数', align: 'right' },
    { title: '新增问题', align: 'right' },
    { title: '已整改', align: 'right' },
    { title: '仍存在', align: 'right' },
  ];
}

const scoreOrDash = (value: Rational | null, present: boolean): string => (!present ? '—' : value === null ? '未测评' : value.toFixed(2));

function categoryRow(category: CategoryDiff): string[] {
  const sites =
    category.oldSites === category.newSites ? count(category.newSites) : `${count(category.oldSites)} → ${count(category.newSites)}`;
  return [
    category.id,
    category.name,
    scoreOrDash(category.old, category.oldSites !== null),
    scoreOrDash(category.new, category.newSites !== null),
    arrowScore(category.change),
    sites,
    String(category.findings.new),
    String(category.findings.resolved),
    String(category.findings.persisting),
  ];
}

function groupsOf(units: readonly UnitDiff[]): string[] {
  const groups: string[] = [];
  for (const unit of units) if (!groups.includes(unit.group)) groups.push(unit.group);
  return groups;
}

function headline(diff: DiffResult): string[] {
  const [oldLabel, newLabel] = sideLabels(diff);
  const index = diff.index;
  const indexText =
    index.old === null && index.new === null
      ? '未测评'
      : `${index.old?.toFixed(2) ?? '—'} → ${index.new?.toFixed(2) ?? '—'}${index.change ? `（${arrowScore(index.change)}）` : ''}`;
  const f = diff.findings;
  return [
    `测评结果对比：${oldLabel} → ${newLabel}`,
    `模拟测评指数：${indexText}`,
    `问题：新增 ${f.new} 项，已整改 ${f.resolved} 项，仍存在 ${f.persisting} 项`,
  ];
}

const FOOTNOTE =
  '说明：变化 = 新 − 原（按两位小数的得分计算）；名次变化 = 原名次 − 新名次（↑ 为上升）；' +
  '问题按点位和测评标准比较，“已整改”指原有、本期复查点位未再发现的问题，计入点位所属的各单位。';

export function diffText(diff: DiffResult, paint: Paint = NO_PAINT): string {
  const out: string[] = [];
  const [first, ...rest] = headline(diff);
  out.push(paint.bold(first!), ...rest);
  for (const group of groupsOf(diff.units)) {
    const units = diff.units.filter((u) => u.group === group);
    out.push('', paint.bold(`【${group}】`));
    out.push(
      renderTable(unitColumns(diff), units.map((u) => unitRow(diff, u)), {
        header: paint.bold,
        cell: (text, r) => (units[r]!.newList === 'red' ? paint.red(text) : units[r]!.newList === 'black' ? paint.black(text) : units[r]!.status === 'removed' ? paint.dim(text) : text),
      }),
    );
  }
  out.push('', paint.bold('【测评项目】'));
  out.push(renderTable(categoryColumns(diff), diff.categories.map(categoryRow), { header: paint.bold }));
  out.push('', paint.dim(FOOTNOTE));
  return `${out.join('\n')}\n`;
}

export function diffMarkdown(diff: DiffResult): string {
  const [title, ...rest] = headline(diff);
  const out: string[] = [`# ${title}`, '', ...rest.map((line) => `- ${line}`)];
  for (const group of groupsOf(diff.units)) {
    const units = diff.units.filter((u) => u.group === group);
    out.push('', `## ${group}`, '', mdTable(unitColumns(diff), units.map((u) => unitRow(diff, u))));
  }
  out.push('', '## 测评项目', '', mdTable(categoryColumns(diff), diff.categories.map(categoryRow)));
  out.push('', `> ${FOOTNOTE}`);
  return `${out.join('\n')}\n`;
}

/** One sheet: the city row (index and all findings), then categories, then units by group. */
export function diffCsv(diff: DiffResult, bom = true): string {
  const [oldLabel, newLabel] = sideLabels(diff);
  const header: Cell[] = [
    '类型', '组别', '编号', '名称', `${oldLabel} 得分`, `${newLabel} 得分`, '变化', `${oldLabel} 名次`, `${newLabel} 名次`,
    '名次变化', '状态', '新增问题', '已整改', '仍存在',
  ];
  if (diff.withStars) header.push(`${oldLabel} 星级`, `${newLabel} 星级`);
  const rows: Cell[][] = [header];
  const pad = (row: Cell[]): Cell[] => (diff.withStars ? [...row, '', ''] : row);
  const f = diff.findings;
  rows.push(pad(['全市', '', '', '模拟测评指数', fixed2(diff.index.old), fixed2(diff.index.new), signedScore(diff.index.change), '', '', '', '', f.new, f.resolved, f.persisting]));
  for (const c of diff.categories) {
    const status = c.oldSites === null ? '新增' : c.newSites === null ? '移除' : '两期均有';
    rows.push(pad(['测评项目', '', c.id, c.name, fixed2(c.old), fixed2(c.new), signedScore(c.change), '', '', '', status, c.findings.new, c.findings.resolved, c.findings.persisting]));
  }
  for (const u of diff.units) {
    const row: Cell[] = [
      '单位', u.group, u.id, u.name, fixed2(u.old), fixed2(u.new), signedScore(u.change), u.oldRank ?? '', u.newRank ?? '',
      signedRank(u.rankChange), u.status === 'both' ? '两期均有' : u.status === 'added' ? '新增' : '移除',
      u.findings?.new ?? '', u.findings?.resolved ?? '', u.findings?.persisting ?? '',
    ];
    if (diff.withStars) row.push(u.oldStars ?? '', u.newStars ?? '');
    rows.push(row);
  }
  return toCsv(rows, { bom });
}
