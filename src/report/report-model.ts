// What the circulated report (通报) says, decided once for every format: the renderers only lay it out.
// Input is a results.json (civscore/results@1) or a rollup (civscore/rollup@1, SPEC §7.3); sections the
// input has no data for are left out. Scores are shown as the 2-decimal numbers given, never recomputed.

import { Rational } from '../core/rational.js';
import { RESULTS_SCHEMA, type ResultsFile } from '../core/results.js';
import { ROLLUP_SCHEMA, type RollupJson } from '../core/rollup.js';
import { compareText } from '../core/text.js';
import { componentLabel } from './labels.js';
import type { BarDatum, HeatMapData, Mark } from './svg.js';

/** A rollup file as `civscore rollup` writes it (SPEC §7.3). */
export type RollupFile = RollupJson;
export type RollupUnit = RollupJson['units'][number];

export type ReportSource = { kind: 'results'; results: ResultsFile } | { kind: 'rollup'; rollup: RollupFile };

// ── input shape ────────────────────────────────────────────────────────────────────────────────────────

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumberOrNull = (v: unknown): boolean => v === null || (typeof v === 'number' && Number.isFinite(v));
const isStringOrNull = (v: unknown): boolean => v === null || typeof v === 'string';

/** Checks the fields the report reads; returns the first problem as `path: what is wrong`. */
export function parseReportSource(value: unknown): { source?: ReportSource; problem?: string } {
  if (!isObject(value)) return { problem: 'expected a JSON object' };
  if (value.schema === RESULTS_SCHEMA) {
    const problem = resultsProblem(value);
    return problem ? { problem } : { source: { kind: 'results', results: value as unknown as ResultsFile } };
  }
  if (value.schema === ROLLUP_SCHEMA) {
    const problem = rollupProblem(value);
    return problem ? { problem } : { source: { kind: 'rollup', rollup: value as unknown as RollupFile } };
  }
  return { problem: `schema is ${JSON.stringify(value.schema ?? null)}, expected "${RESULTS_SCHEMA}" or "${ROLLUP_SCHEMA}"` };
}

function listProblem(value: Json, key: string, each: (item: Json, where: string) => string | undefined): string | undefined {
  const list = value[key];
  if (!Array.isArray(list)) return `"${key}" is not a list`;
  for (let i = 0; i < list.length; i++) {
    const item: unknown = list[i];
    const where = `${key}[${i}]`;
    if (!isObject(item)) return `${where} is not an object`;
    const problem = each(item, where);
    if (problem) return problem;
  }
  return undefined;
}

function fieldsProblem(item: Json, where: string, checks: Record<string, [(v: unknown) => boolean, string]>): string | undefined {
  for (const [key, [ok, expected]] of Object.entries(checks)) {
    if (!ok(item[key])) return `${where}.${key}: expected ${expected}, got ${JSON.stringify(item[key]) ?? 'nothing'}`;
  }
  return undefined;
}

const STRING: [(v: unknown) => boolean, string] = [(v) => typeof v === 'string', 'a string'];
const NUMBER: [(v: unknown) => boolean, string] = [(v) => typeof v === 'number' && Number.isFinite(v), 'a number'];
const NUMBER_OR_NULL: [(v: unknown) => boolean, string] = [isNumberOrNull, 'a number or null'];
const STRING_OR_NULL: [(v: unknown) => boolean, string] = [isStringOrNull, 'a string or null'];
const BOOLEAN: [(v: unknown) => boolean, string] = [(v) => typeof v === 'boolean', 'true or false'];
const OPTIONAL_NUMBER_OR_NULL: [(v: unknown) => boolean, string] = [(v) => v === undefined || isNumberOrNull(v), 'a number or null'];
const NUMBER_MAP: [(v: unknown) => boolean, string] = [
  (v) => isObject(v) && Object.values(v).every((n) => typeof n === 'number' && Number.isFinite(n)),
  'an object of numbers',
];
const OPTIONAL_NUMBER_MAP: [(v: unknown) => boolean, string] = [(v) => v === undefined || NUMBER_MAP[0](v), 'an object of numbers'];
const STRING_LIST: [(v: unknown) => boolean, string] = [(v) => Array.isArray(v) && v.every((s) => typeof s === 'string'), 'a list of strings'];
const PERIOD_LIST: [(v: unknown) => boolean, string] = [(v) => Array.isArray(v) && v.every(isStringOrNull), 'a list of periods'];

function resultsProblem(value: Json): string | undefined {
  const top = fieldsProblem(value, 'results', { period: STRING_OR_NULL, index: NUMBER_OR_NULL });
  if (top) return top;
  if (!isObject(value.ruleset)) return '"ruleset" is not an object';
  const ruleset = fieldsProblem(value.ruleset, 'ruleset', { name: STRING, version: STRING, sha256: STRING });
  if (ruleset) return ruleset;
  if (!isObject(value.summary)) return '"summary" is not an object';
  const summary = fieldsProblem(value.summary, 'summary', {
    records: NUMBER, accepted: NUMBER, rejected: NUMBER, findings: NUMBER, sites_inspected: NUMBER, sites_total: NUMBER,
  });
  return (
    summary ??
    listProblem(value, 'inputs', (item, where) => fieldsProblem(item, where, { path: STRING, sha256: STRING })) ??
    listProblem(value, 'categories', (item, where) => fieldsProblem(item, where, { id: STRING, name: STRING, score: NUMBER_OR_NULL, sites: NUMBER })) ??
    listProblem(value, 'units', (item, where) =>
      fieldsProblem(item, where, {
        id: STRING, name: STRING, group: STRING, field: NUMBER_OR_NULL, total: NUMBER_OR_NULL, rank: NUMBER_OR_NULL,
        grade: STRING_OR_NULL, red: BOOLEAN, black: BOOLEAN, sites: NUMBER, deduction: NUMBER_OR_NULL, categories: NUMBER_MAP,
        components: OPTIONAL_NUMBER_MAP, stars: OPTIONAL_NUMBER_OR_NULL, score_change: OPTIONAL_NUMBER_OR_NULL, rank_change: OPTIONAL_NUMBER_OR_NULL,
      }),
    ) ??
    listProblem(value, 'sites', (item, where) =>
      fieldsProblem(item, where, {
        id: STRING, unit: STRING, category: STRING, score: NUMBER_OR_NULL, deduction: NUMBER_OR_NULL, veto: BOOLEAN, findings: STRING_LIST,
      }),
    ) ??
    listProblem(value, 'items', (item, where) => fieldsProblem(item, where, { code: STRING, findings: NUMBER, sites: NUMBER, applied: NUMBER }))
  );
}

function rollupProblem(value: Json): string | undefined {
  return (
    fieldsProblem(value, 'rollup', { period: STRING, periods: PERIOD_LIST }) ??
    listProblem(value, 'units', (item, where) =>
      fieldsProblem(item, where, {
        id: STRING, name: STRING, group: STRING, total: NUMBER_OR_NULL, periods: NUMBER, rank: NUMBER_OR_NULL,
        grade: STRING_OR_NULL, red: BOOLEAN, black: BOOLEAN,
      }),
    )
  );
}

// ── what the renderers get ─────────────────────────────────────────────────────────────────────────────

/** How a cell is written: scores with 2 decimals, changes with ↑/↓, stars with ★. */
export type CellKind = 'text' | 'int' | 'score' | 'change' | 'rank-change' | 'stars' | 'decimal';

export interface ReportColumn {
  title: string;
  kind: CellKind;
}

export type CellValue = string | number | null;

export type RowMark = 'red' | 'black' | 'unscored';

export interface ReportRow {
  cells: CellValue[];
  mark?: RowMark;
  /** The unit, category or site the row is about. */
  id?: string;
}

export interface ReportTable {
  columns: ReportColumn[];
  rows: ReportRow[];
}

export interface RankingGroup {
  name: string;
  table: ReportTable;
  bars: BarDatum[];
}

export type ReportSection =
  | { kind: 'ranking'; title: string; groups: RankingGroup[] }
  | { kind: 'lists' | 'categories' | 'problems' | 'weakest'; title: string; table: ReportTable; note?: string };

export interface ReportFile {
  /** What the file is, e.g. 测评记录. */
  label: string;
  name: string;
  sha256: string;
}

export interface ReportModel {
  kind: ReportSource['kind'];
  title: string;
  period: string | null;
  /** Label/value lines under the title: period, rule set, index… */
  meta: { label: string; value: string }[];
  index: number | null | undefined;
  sections: ReportSection[];
  /** Units × categories (results only). */
  heat?: HeatMapData;
  /** Categories × (city, units) for the spreadsheet. */
  categoryMatrix?: ReportTable;
  /** Every unit on one table (spreadsheet). */
  unitsTable: ReportTable;
  sitesTable?: ReportTable;
  ledgerTable?: ReportTable;
  /** Record counts in a sentence. */
  summary?: string;
  files: ReportFile[];
  notes: string[];
}

export interface SiteInfo {
  name: string;
  address?: string;
  /** The lead unit's name (牵头单位), when the site has one. */
  lead?: string;
}

export interface ItemInfo {
  text: string;
  /** The category's name. */
  category?: string;
  /** A veto item (一票否决): it zeroes the site while deducting little or nothing itself. */
  veto?: boolean;
}

/** Texts results.json leaves out: from the run's ledger.csv/sites.csv, or from the rule set. */
export interface ReportNames {
  sites: Map<string, SiteInfo>;
  items: Map<string, ItemInfo>;
}

/** A ledger.csv as read: its header and rows of text. */
export interface LedgerSheet {
  header: string[];
  rows: string[][];
}

export interface ReportOptions {
  title?: string;
  names?: ReportNames;
  ledger?: LedgerSheet;
  /** The rule set's name and version when the input does not carry them (a rollup with --rules). */
  ruleset?: { name: string; version: string };
  files?: ReportFile[];
  /** How many problems to list (default 10) and weakest categories per unit (default 3). */
  topProblems?: number;
  weakest?: number;
}

export const SHORT_HASH = 12;

// ── formatting shared by the text formats ──────────────────────────────────────────────────────────────

function signedText(value: number, digits: number): string {
  if (value === 0) return digits ? (0).toFixed(digits) : '0';
  const text = digits ? Math.abs(value).toFixed(digits) : String(Math.abs(value));
  return value > 0 ? `↑${text}` : `↓${text}`;
}

/** A cell as text: what Markdown, CSV, the terminal and HTML show. */
export function cellText(value: CellValue, kind: CellKind): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  switch (kind) {
    case 'score':
      return value.toFixed(2);
    case 'change':
      return signedText(value, 2);
    case 'rank-change':
      return signedText(value, 0);
    case 'stars':
      return `${value}★`;
    default:
      return String(value);
  }
}

export const isNumericKind = (kind: CellKind): boolean => kind !== 'text';

const CHINESE_NUMERALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二'];

/** 一、二、三… as circulated notices number their sections. */
export function sectionNumber(index: number): string {
  return `${CHINESE_NUMERALS[index] ?? String(index + 1)}、`;
}

// ── building the model ─────────────────────────────────────────────────────────────────────────────────

interface UnitLike {
  id: string;
  name: string;
  group: string;
  total: number | null;
  rank: number | null;
  grade: string | null;
  red: boolean;
  black: boolean;
  field?: number | null;
  components?: Record<string, number>;
  stars?: number | null;
  score_change?: number | null;
  rank_change?: number | null;
  periods?: number;
  sites?: number;
  deduction?: number | null;
}

function groupsInOrder(units: readonly UnitLike[]): string[] {
  const groups: string[] = [];
  for (const unit of units) if (!groups.includes(unit.group)) groups.push(unit.group);
  return groups;
}

const markOf = (unit: UnitLike): RowMark | undefined =>
  unit.red ? 'red' : unit.black ? 'black' : unit.total === null ? 'unscored' : undefined;

const listMark = (unit: UnitLike): string => (unit.red ? '红榜' : unit.black ? '黑榜' : '');

interface RankingShape {
  field: boolean;
  components: string[];
  change: boolean;
  stars: boolean;
  periods: boolean;
}

function rankingShape(source: ReportSource): RankingShape {
  if (source.kind === 'rollup') return { field: false, components: [], change: false, stars: false, periods: true };
  const units = source.results.units;
  const components = [...new Set(units.flatMap((u) => Object.keys(u.components ?? {})))].filter((id) => id !== 'field');
  return {
    field: true,
    components,
    change: units.some((u) => 'score_change' in u || 'rank_change' in u),
    stars: units.some((u) => 'stars' in u),
    periods: false,
  };
}

/** The columns circulated tables use, in their order: rank, unit, total, its parts, change, grade, lists. */
function rankingColumns(shape: RankingShape, flat: boolean): ReportColumn[] {
  const columns: ReportColumn[] = [];
  if (flat) columns.push({ title: '组别', kind: 'text' });
  columns.push({ title: '排名', kind: 'int' });
  if (flat) columns.push({ title: '单位编号', kind: 'text' });
  columns.push({ title: '单位', kind: 'text' }, { title: '总分', kind: 'score' });
  if (shape.field) columns.push({ title: componentLabel('field'), kind: 'score' });
  for (const id of shape.components) columns.push({ title: componentLabel(id), kind: 'score' });
  if (shape.periods) columns.push({ title: '测评期数', kind: 'int' });
  if (shape.change) columns.push({ title: '较上期', kind: 'change' }, { title: '名次升降', kind: 'rank-change' });
  columns.push({ title: '等级', kind: 'text' }, { title: '红榜/黑榜', kind: 'text' });
  if (shape.stars) columns.push({ title: '星级', kind: 'stars' });
  if (flat && shape.field) columns.push({ title: '测评点位数', kind: 'int' }, { title: '扣分合计', kind: 'score' });
  return columns;
}

function rankingRow(unit: UnitLike, shape: RankingShape, flat: boolean): ReportRow {
  const scored = unit.total !== null;
  const cells: CellValue[] = [];
  if (flat) cells.push(unit.group);
  cells.push(unit.rank ?? '—');
  if (flat) cells.push(unit.id);
  cells.push(unit.name, scored ? unit.total : '未测评');
  if (shape.field) cells.push(unit.field ?? null);
  for (const id of shape.components) cells.push(unit.components?.[id] ?? null);
  if (shape.periods) cells.push(unit.periods ?? null);
  if (shape.change) cells.push(unit.score_change ?? null, unit.rank_change ?? null);
  cells.push(unit.grade ?? '', listMark(unit));
  if (shape.stars) cells.push(unit.stars ?? null);
  if (flat && shape.field) cells.push(unit.sites ?? null, unit.deduction ?? null);
  const mark = markOf(unit);
  return mark ? { cells, mark, id: unit.id } : { cells, id: unit.id };
}

function barsOf(units: readonly UnitLike[]): BarDatum[] {
  return units.map((u) => {
    const mark: Mark = u.red ? 'red' : u.black ? 'black' : null;
    return { label: u.name, value: u.total, mark };
  });
}

function listsTable(units: readonly UnitLike[]): ReportTable {
  const rows: ReportRow[] = groupsInOrder(units).map((group) => {
    const inGroup = units.filter((u) => u.group === group && u.total !== null);
    const names = (list: UnitLike[]): string => (list.length ? list.map((u) => `${u.name}（${u.total!.toFixed(2)}）`).join('、') : '无');
    return { cells: [group, names(inGroup.filter((u) => u.red)), names(inGroup.filter((u) => u.black))] };
  });
  return { columns: [{ title: '组别', kind: 'text' }, { title: '红榜', kind: 'text' }, { title: '黑榜', kind: 'text' }], rows };
}

/** Lowest first; categories nobody inspected go last as 未测评; ties keep rule-set order. */
function categoriesByScore(results: ResultsFile): ResultsFile['categories'] {
  const position = new Map(results.categories.map((c, i) => [c.id, i]));
  return [...results.categories].sort((a, b) => {
    if (a.score === null || b.score === null) return a.score === b.score ? position.get(a.id)! - position.get(b.id)! : a.score === null ? 1 : -1;
    return a.score - b.score || position.get(a.id)! - position.get(b.id)!;
  });
}

function categoriesTable(results: ResultsFile): ReportTable {
  const rows = categoriesByScore(results).map((c, i): ReportRow => {
    const row: ReportRow = { cells: [i + 1, c.id, c.name, c.sites, c.score ?? '未测评'] };
    if (c.score === null) row.mark = 'unscored';
    return row;
  });
  return {
    columns: [
      { title: '序号', kind: 'int' }, { title: '编号', kind: 'text' }, { title: '测评项目', kind: 'text' },
      { title: '测评点位数', kind: 'int' }, { title: '得分', kind: 'score' },
    ],
    rows,
  };
}

/** Most frequent first (occurrences, then points lost, then code): what a notice tells units to fix. */
function problemsTable(results: ResultsFile, names: ReportNames | undefined, limit: number): ReportTable {
  const ordered = [...results.items].sort(
    (a, b) => b.findings - a.findings || b.applied - a.applied || b.sites - a.sites || compareText(a.code, b.code),
  );
  const rows = ordered.slice(0, limit).map((item, i): ReportRow => {
    const info = names?.items.get(item.code);
    const text = info ? `${info.text}${info.veto ? '（一票否决）' : ''}` : '';
    return { cells: [i + 1, item.code, info?.category ?? '', text, item.findings, item.sites, item.applied] };
  });
  return {
    columns: [
      { title: '序号', kind: 'int' }, { title: '测评标准编号', kind: 'text' }, { title: '测评项目', kind: 'text' },
      { title: '测评标准', kind: 'text' }, { title: '出现次数', kind: 'int' }, { title: '涉及点位', kind: 'int' },
      { title: '扣分', kind: 'score' },
    ],
    rows,
  };
}

/**
 * The full score, exactly: an inspected site's score plus its deduction (SPEC §4.1, E(s) = F − score(s)).
 * Used only to leave out categories a unit lost nothing in.
 */
function fullScoreOf(results: ResultsFile): Rational | undefined {
  const site = results.sites.find((s) => s.score !== null && s.deduction !== null);
  return site ? Rational.fromNumber(site.score!).add(Rational.fromNumber(site.deduction!)) : undefined;
}

/** Each scored unit's lowest categories, as `名称 得分；…` (categories it lost nothing in are left out). */
function weakestByUnit(results: ResultsFile, limit: number): Map<string, string> {
  const full = fullScoreOf(results);
  const position = new Map(results.categories.map((c, i) => [c.id, i]));
  const nameOf = new Map(results.categories.map((c) => [c.id, c.name]));
  const out = new Map<string, string>();
  for (const unit of results.units) {
    if (unit.total === null) continue;
    const weak = Object.entries(unit.categories)
      .filter(([, score]) => full === undefined || Rational.fromNumber(score).cmp(full) < 0)
      .sort(([a, x], [b, y]) => x - y || (position.get(a) ?? 0) - (position.get(b) ?? 0))
      .slice(0, limit);
    out.set(unit.id, weak.length ? weak.map(([id, score]) => `${nameOf.get(id) ?? id} ${score.toFixed(2)}`).join('；') : '无扣分');
  }
  return out;
}

function weakestTable(results: ResultsFile, weak: Map<string, string>): ReportTable {
  const rows: ReportRow[] = [];
  for (const unit of results.units) {
    const text = weak.get(unit.id);
    if (text === undefined) continue;
    const row: ReportRow = { cells: [unit.group, unit.name, unit.total, text] };
    const mark = markOf(unit);
    if (mark) row.mark = mark;
    rows.push(row);
  }
  return {
    columns: [{ title: '组别', kind: 'text' }, { title: '单位', kind: 'text' }, { title: '总分', kind: 'score' }, { title: '薄弱项目（得分）', kind: 'text' }],
    rows,
  };
}

function heatOf(results: ResultsFile): HeatMapData {
  const categories = results.categories.filter((c) => c.score !== null);
  const units = results.units.filter((u) => u.total !== null);
  return {
    rows: units.map((u) => u.name),
    columns: categories.map((c) => c.name),
    cells: units.map((u) => categories.map((c) => u.categories[c.id] ?? null)),
  };
}

function categoryMatrix(results: ResultsFile): ReportTable {
  const units = results.units.filter((u) => u.total !== null);
  const lowestFirst = new Map(categoriesByScore(results).map((c, i) => [c.id, i + 1]));
  return {
    columns: [
      { title: '编号', kind: 'text' }, { title: '测评项目', kind: 'text' }, { title: '测评点位数', kind: 'int' },
      { title: '全市得分', kind: 'score' }, { title: '由低到高', kind: 'int' },
      ...units.map((u): ReportColumn => ({ title: u.name, kind: 'score' })),
    ],
    rows: results.categories.map((c): ReportRow => {
      const row: ReportRow = {
        cells: [c.id, c.name, c.sites, c.score ?? '未测评', lowestFirst.get(c.id) ?? null, ...units.map((u) => u.categories[c.id] ?? null)],
      };
      if (c.score === null) row.mark = 'unscored';
      return row;
    }),
  };
}

const yesNo = (value: boolean): string => (value ? '是' : '否');

function sitesTable(results: ResultsFile, names: ReportNames | undefined): ReportTable {
  const unitName = new Map(results.units.map((u) => [u.id, u.name]));
  const categoryName = new Map(results.categories.map((c) => [c.id, c.name]));
  return {
    columns: [
      { title: '点位编号', kind: 'text' }, { title: '点位', kind: 'text' }, { title: '地址', kind: 'text' },
      { title: '测评项目', kind: 'text' }, { title: '单位编号', kind: 'text' }, { title: '单位', kind: 'text' },
      { title: '牵头单位', kind: 'text' }, { title: '是否测评', kind: 'text' }, { title: '得分', kind: 'score' },
      { title: '扣分', kind: 'score' }, { title: '一票否决', kind: 'text' }, { title: '问题数', kind: 'int' },
      { title: '问题编号', kind: 'text' },
    ],
    rows: results.sites.map((s): ReportRow => {
      const info = names?.sites.get(s.id);
      const inspected = s.score !== null;
      const row: ReportRow = {
        cells: [
          s.id, info?.name ?? '', info?.address ?? '', categoryName.get(s.category) ?? s.category, s.unit,
          unitName.get(s.unit) ?? '', info?.lead ?? '', yesNo(inspected), s.score, s.deduction, yesNo(s.veto),
          s.findings.length, s.findings.join(' '),
        ],
      };
      if (!inspected) row.mark = 'unscored';
      else if (s.veto) row.mark = 'black';
      return row;
    }),
  };
}

/** ledger.csv columns that hold numbers (SPEC §5.2), stored as numbers in a spreadsheet. */
const LEDGER_NUMBER_COLUMNS: Record<string, CellKind> = { 数量: 'int', 单项分值: 'decimal', 倍数: 'decimal', 应扣分: 'decimal', 实扣分: 'decimal' };

function ledgerTable(ledger: LedgerSheet): ReportTable {
  const columns = ledger.header.map((title): ReportColumn => ({ title, kind: LEDGER_NUMBER_COLUMNS[title] ?? 'text' }));
  return {
    columns,
    rows: ledger.rows.map((fields): ReportRow => {
      const cells = columns.map((column, i): CellValue => {
        const text = fields[i] ?? '';
        // Only plain decimals become numbers; anything else stays text, as written.
        return column.kind !== 'text' && /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
      });
      const veto = fields[ledger.header.indexOf('一票否决')] === '是';
      return veto ? { cells, mark: 'black' } : { cells };
    }),
  };
}

function summaryOf(results: ResultsFile): string {
  const s = results.summary;
  return (
    `测评记录 ${s.records} 条（有效 ${s.accepted} 条，剔除 ${s.rejected} 条），` +
    `发现问题 ${s.findings} 项，实地测评点位 ${s.sites_inspected} 个（共 ${s.sites_total} 个）`
  );
}

export function defaultTitle(source: ReportSource, rulesetName: string | undefined): string {
  const period = source.kind === 'results' ? source.results.period : source.rollup.period;
  return [rulesetName, period, '模拟测评情况通报'].filter((part) => part).join(' ');
}

export function buildReport(source: ReportSource, options: ReportOptions = {}): ReportModel {
  const results = source.kind === 'results' ? source.results : undefined;
  const units: UnitLike[] = results ? results.units : source.kind === 'rollup' ? source.rollup.units : [];
  const ruleset = results ? results.ruleset : options.ruleset;
  const period = results ? results.period : source.kind === 'rollup' ? source.rollup.period : null;
  const title = options.title ?? defaultTitle(source, ruleset?.name);
  const shape = rankingShape(source);

  const meta: ReportModel['meta'] = [];
  meta.push({ label: '测评期', value: period ?? '未定' });
  if (source.kind === 'rollup') meta.push({ label: '汇总期', value: source.rollup.periods.map((p) => p ?? '未定').join('、') || '无' });
  if (ruleset) meta.push({ label: '测评细则', value: `${ruleset.name}（${ruleset.version} 版）` });
  if (results) meta.push({ label: '模拟测评指数', value: results.index === null ? '未测评' : results.index.toFixed(2) });

  const groups: RankingGroup[] = groupsInOrder(units).map((name) => {
    const inGroup = units.filter((u) => u.group === name);
    return {
      name,
      table: { columns: rankingColumns(shape, false), rows: inGroup.map((u) => rankingRow(u, shape, false)) },
      bars: barsOf(inGroup),
    };
  });
  const sections: ReportSection[] = [
    { kind: 'ranking', title: '各组别排名', groups },
    { kind: 'lists', title: '红榜与黑榜', table: listsTable(units), note: '未测评的单位不排名，不列入红榜、黑榜。' },
  ];
  const topProblems = options.topProblems ?? 10;
  const weakest = options.weakest ?? 3;
  const weak = results ? weakestByUnit(results, weakest) : new Map<string, string>();
  if (results) {
    sections.push({ kind: 'categories', title: '测评项目得分（由低到高）', table: categoriesTable(results) });
    sections.push({
      kind: 'problems',
      title: `突出问题（出现次数前 ${topProblems} 项）`,
      table: problemsTable(results, options.names, topProblems),
    });
    sections.push({
      kind: 'weakest',
      title: `各单位薄弱项目（得分最低的 ${weakest} 个测评项目）`,
      table: weakestTable(results, weak),
    });
  }

  const unitsTable: ReportTable = { columns: rankingColumns(shape, true), rows: units.map((u) => rankingRow(u, shape, true)) };
  if (results) {
    unitsTable.columns.push({ title: '薄弱项目（得分）', kind: 'text' });
    units.forEach((u, i) => unitsTable.rows[i]!.cells.push(weak.get(u.id) ?? ''));
  }

  const files: ReportFile[] = [...(options.files ?? [])];
  if (results) {
    for (const input of results.inputs) files.push({ label: '测评记录', name: input.path, sha256: input.sha256 });
    files.push({ label: '测评细则', name: `${results.ruleset.name} ${results.ruleset.version}`, sha256: results.ruleset.sha256 });
  }

  const notes = [
    '同一组别内按总分（保留两位小数）由高到低排名，总分相同者名次并列。',
    '未测评的单位（本期无实地测评点位）不排名，不列入红榜、黑榜。',
  ];
  if (shape.change) notes.push('较上期：总分与上期之差；名次升降：↑ 表示名次上升。');
  if (source.kind === 'rollup') notes.push('汇总总分为各期总分的加权平均，单位未参加排名的测评期不计入。');

  const model: ReportModel = {
    kind: source.kind,
    title,
    period,
    meta,
    index: results ? results.index : undefined,
    sections,
    unitsTable,
    files,
    notes,
  };
  if (results) {
    model.heat = heatOf(results);
    model.categoryMatrix = categoryMatrix(results);
    model.sitesTable = sitesTable(results, options.names);
    model.summary = summaryOf(results);
  }
  if (options.ledger) model.ledgerTable = ledgerTable(options.ledger);
  return model;
}
