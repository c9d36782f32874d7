// `explain`: how one unit's or one site's score was made, step by step, with the numbers a person needs to
// check it by hand. Pure: the results, the rule set and the parsed ledger come in; a structured
// explanation comes out (src/report/explain-text.ts writes it as text).
//
// Exactness (§4.5): site scores are recomputed exactly from the ledger (Σ applied, veto, floor at 0), so
// category means and the field score are the exact values the scorer used; results.json alone only holds
// them rounded to 2 decimals, which the explanation then says.

import { diagnostic, type Diagnostic } from './diagnostics.js';
import { Rational } from './rational.js';
import type { ResultsFile, ResultsSite, ResultsUnit } from './results.js';
import { compareText, editDistance } from './text.js';
import type { RuleSet } from './types.js';

// ---- ledger.csv rows (columns as src/report/score-files.ts writes them) ----

export interface LedgerRow {
  /** Physical line in ledger.csv. */
  line: number;
  site: string;
  item: string;
  itemText: string;
  n: number;
  points: Rational;
  multiplier: Rational;
  raw: Rational;
  applied: Rational;
  veto: boolean;
  repeat: boolean;
  sources: string[];
}

export const LEDGER_COLUMNS = {
  site: '点位编号',
  item: '测评标准编号',
  itemText: '测评标准',
  n: '数量',
  points: '单项分值',
  multiplier: '倍数',
  raw: '应扣分',
  applied: '实扣分',
  veto: '一票否决',
  repeat: '重复出现',
  sources: '来源',
} as const;

export type LedgerColumn = keyof typeof LEDGER_COLUMNS;
const REQUIRED: LedgerColumn[] = ['site', 'item', 'n', 'points', 'multiplier', 'raw', 'applied', 'veto', 'sources'];

/** Column indices of a ledger.csv header, or the first required column it lacks. */
export function ledgerHeader(fields: readonly string[]): { columns?: Partial<Record<LedgerColumn, number>>; missing?: string } {
  const columns: Partial<Record<LedgerColumn, number>> = {};
  const clean = fields.map((f) => f.replace(/^\uFEFF/, '').trim());
  for (const [key, title] of Object.entries(LEDGER_COLUMNS) as [LedgerColumn, string][]) {
    const index = clean.indexOf(title);
    if (index >= 0) columns[key] = index;
  }
  const missing = REQUIRED.find((key) => columns[key] === undefined);
  return missing ? { missing: LEDGER_COLUMNS[missing] } : { columns };
}

const yes = (text: string): boolean => /^(是|true|yes|1)$/i.test(text.trim());

/** One ledger.csv row, or the name of the column that does not read. */
export function ledgerRow(
  fields: readonly string[],
  columns: Partial<Record<LedgerColumn, number>>,
  line: number,
): { row?: LedgerRow; bad?: string } {
  const get = (key: LedgerColumn): string => (columns[key] === undefined ? '' : (fields[columns[key]!] ?? '').trim());
  const decimal = (key: LedgerColumn): Rational | undefined => Rational.parseDecimal(get(key));
  const n = Number(get('n'));
  if (!Number.isInteger(n) || n < 0) return { bad: LEDGER_COLUMNS.n };
  const values: Partial<Record<LedgerColumn, Rational>> = {};
  for (const key of ['points', 'multiplier', 'raw', 'applied'] as const) {
    const value = decimal(key);
    if (value === undefined) return { bad: LEDGER_COLUMNS[key] };
    values[key] = value;
  }
  if (get('site') === '' || get('item') === '') return { bad: get('site') === '' ? LEDGER_COLUMNS.site : LEDGER_COLUMNS.item };
  return {
    row: {
      line,
      site: get('site'),
      item: get('item'),
      itemText: get('itemText'),
      n,
      points: values.points!,
      multiplier: values.multiplier!,
      raw: values.raw!,
      applied: values.applied!,
      veto: yes(get('veto')),
      repeat: yes(get('repeat')),
      sources: get('sources').split(/;\s*/).map((s) => s.trim()).filter(Boolean),
    },
  };
}

// ---- shared input ----

export interface SiteLabel {
  name: string;
  address?: string;
}

export interface ExplainInput {
  results: ResultsFile;
  /** results.json as the user named it. */
  resultsFile: string;
  ruleSet: RuleSet;
  /** Parsed ledger.csv, or undefined when it is absent or unreadable. */
  ledger?: readonly LedgerRow[];
  /** ledger.csv as the user would name it (for messages). */
  ledgerFile: string;
  /** Names and addresses of sites, from sites.csv or the rule set. */
  siteLabels: ReadonlyMap<string, SiteLabel>;
}

/** A site's score recomputed exactly from its ledger entries (or read rounded from results.json). */
interface SiteValue {
  site: ResultsSite;
  score: Rational;
  /** E(s) = F − score(s). */
  deduction: Rational;
  /** Whether the recomputed score, rounded, is the one results.json holds. */
  agrees: boolean;
}

function siteValues(input: ExplainInput, sites: readonly ResultsSite[]): Map<string, SiteValue> {
  const F = input.ruleSet.fullScore;
  const byId = new Map<string, LedgerRow[]>();
  for (const row of input.ledger ?? []) {
    const list = byId.get(row.site) ?? [];
    list.push(row);
    byId.set(row.site, list);
  }
  const values = new Map<string, SiteValue>();
  for (const site of sites) {
    if (site.score === null) continue;
    const reported = Rational.fromNumber(site.score);
    if (!input.ledger) {
      values.set(site.id, { site, score: reported, deduction: F.sub(reported), agrees: true });
      continue;
    }
    const rows = byId.get(site.id) ?? [];
    const applied = Rational.sum(rows.map((r) => r.applied));
    const veto = rows.some((r) => r.veto);
    const score = veto ? Rational.ZERO : Rational.max(Rational.ZERO, F.sub(applied));
    values.set(site.id, { site, score, deduction: F.sub(score), agrees: score.round(2).eq(reported) });
  }
  return values;
}

// ---- a unit ----

export interface CategoryStep {
  id: string;
  name: string;
  /** null when the rule set does not know the category. */
  weight: Rational | null;
  sites: { id: string; name: string; score: Rational }[];
  sum: Rational;
  mean: Rational;
  /** The category score as results.json holds it. */
  reported: number | null;
  /** Rounded mean ≥ stars.min (only with stars). */
  star: boolean;
}

export interface ComponentStep {
  id: string;
  weight: Rational;
  /** Exact for `field`, else the given score as results.json holds it. */
  score: Rational;
}

export interface UnitExplanation {
  kind: 'unit';
  unit: ResultsUnit;
  period: string | null;
  fullScore: Rational;
  mode: 'weighted_mean' | 'deduction_total';
  /** Where the site scores come from. */
  siteSource: 'ledger' | 'results';
  categories: CategoryStep[];
  /** Σ w, Σ w × score (weighted_mean) or Σ E(s) (deduction_total), and the exact field score. */
  field: {
    weightSum: Rational;
    weightedSum: Rational;
    /** E(s) = F − score(s) of each of the unit's inspected sites, by site id. */
    deductions: { id: string; value: Rational }[];
    deductionSum: Rational;
    sites: number;
    value: Rational;
  } | null;
  components: { parts: ComponentStep[]; weightSum: Rational; weightedSum: Rational; value: Rational } | null;
  total: Rational | null;
  ranking: {
    group: string;
    ranked: number;
    tiedWith: string[];
    gradeMin: Rational | null;
    redList: number;
    blackList: number;
    /** The rank from which the black list starts in this group (before the red list is taken out). */
    blackFromRank: number | null;
  };
  stars: { min: Rational; count: number } | null;
  /** Previous total, when results.json carries score_change. */
  previousTotal: Rational | null;
}

export function explainUnit(input: ExplainInput, unit: ResultsUnit): { explanation: UnitExplanation; diagnostics: Diagnostic[] } {
  const { results, ruleSet } = input;
  const diagnostics: Diagnostic[] = [];
  const F = ruleSet.fullScore;
  const mine = results.sites.filter((s) => s.score !== null && s.units.includes(unit.id));
  const values = siteValues(input, mine);
  for (const value of values.values()) {
    if (!value.agrees) {
      diagnostics.push(
        diagnostic('EXPLAIN_MISMATCH', { file: input.ledgerFile }, {
          what: `site ${value.site.id} score`, whatZh: `点位 ${value.site.id} 得分`,
          computed: value.score.toFixed(2), reported: String(value.site.score),
        }, 'warning'),
      );
    }
  }

  const categories: CategoryStep[] = [];
  const order = [...ruleSet.categories.map((c) => c.id), ...[...new Set(mine.map((s) => s.category))].sort(compareText)];
  for (const id of new Set(order)) {
    const inCategory = mine.filter((s) => s.category === id).sort((a, b) => compareText(a.id, b.id));
    if (inCategory.length === 0) continue;
    const category = ruleSet.categoryById.get(id);
    if (!category) {
      diagnostics.push(diagnostic('EXPLAIN_RULES_UNKNOWN', {}, { kind: 'category', kindZh: '测评项目', id }));
    }
    const sites = inCategory.map((s) => ({ id: s.id, name: input.siteLabels.get(s.id)?.name ?? '', score: values.get(s.id)!.score }));
    const sum = Rational.sum(sites.map((s) => s.score));
    const mean = sum.div(Rational.of(sites.length));
    categories.push({
      id,
      name: category?.name ?? results.categories.find((c) => c.id === id)?.name ?? id,
      weight: category?.weight ?? null,
      sites,
      sum,
      mean,
      reported: unit.categories[id] ?? null,
      star: ruleSet.scoring.stars !== undefined && mean.round(2).cmp(ruleSet.scoring.stars.min) >= 0,
    });
  }

  const mode = ruleSet.scoring.unitScore;
  let field: UnitExplanation['field'] = null;
  if (mine.length > 0 && categories.every((c) => c.weight !== null)) {
    const weightSum = Rational.sum(categories.map((c) => c.weight!));
    const weightedSum = Rational.sum(categories.map((c) => c.weight!.mul(c.mean)));
    const deductions = [...values.values()].map((v) => ({ id: v.site.id, value: v.deduction })).sort((a, b) => compareText(a.id, b.id));
    const deductionSum = Rational.sum(deductions.map((d) => d.value));
    const value = mode === 'deduction_total' ? Rational.max(Rational.ZERO, F.sub(deductionSum)) : weightedSum.div(weightSum);
    field = { weightSum, weightedSum, deductions, deductionSum, sites: mine.length, value };
  }

  let components: UnitExplanation['components'] = null;
  let total: Rational | null = field?.value ?? null;
  const configured = ruleSet.scoring.components;
  if (field && configured) {
    const parts: ComponentStep[] = [];
    for (const component of configured) {
      if (component.id === 'field') {
        parts.push({ id: 'field', weight: component.weight, score: field.value });
        continue;
      }
      const given = unit.components?.[component.id];
      if (typeof given !== 'number') {
        diagnostics.push(diagnostic('EXPLAIN_RULES_UNKNOWN', {}, { kind: 'component score', kindZh: '得分构成', id: component.id }));
        continue;
      }
      parts.push({ id: component.id, weight: component.weight, score: Rational.fromNumber(given) });
    }
    if (parts.length === configured.length) {
      const weightSum = Rational.sum(parts.map((p) => p.weight));
      const weightedSum = Rational.sum(parts.map((p) => p.weight.mul(p.score)));
      components = { parts, weightSum, weightedSum, value: weightedSum.div(weightSum) };
      total = components.value;
    } else {
      total = null;
    }
  }
  if (field && unit.field !== null && !field.value.round(2).eq(Rational.fromNumber(unit.field))) {
    diagnostics.push(mismatch(input, 'field score', '实地考察得分', field.value, unit.field));
  }
  if (total && unit.total !== null && !total.round(2).eq(Rational.fromNumber(unit.total))) {
    diagnostics.push(mismatch(input, 'total', '总分', total, unit.total));
  }

  // Ranking within the group, from results.json.
  const group = results.units.filter((u) => u.group === unit.group && u.rank !== null);
  const ranks = group.map((u) => u.rank!).sort((a, b) => a - b);
  const blackList = ruleSet.scoring.blackList;
  const blackFromRank = blackList > 0 && ranks.length > 0 ? ranks[Math.max(0, ranks.length - blackList)]! : null;
  const grade = ruleSet.scoring.grades.find((g) => g.name === unit.grade);

  const stars = ruleSet.scoring.stars && field ? { min: ruleSet.scoring.stars.min, count: categories.filter((c) => c.star).length } : null;
  const previousTotal =
    typeof unit.score_change === 'number' && unit.total !== null
      ? Rational.fromNumber(unit.total).sub(Rational.fromNumber(unit.score_change))
      : null;

  return {
    explanation: {
      kind: 'unit',
      unit,
      period: results.period,
      fullScore: F,
      mode,
      siteSource: input.ledger ? 'ledger' : 'results',
      categories,
      field,
      components,
      total,
      ranking: {
        group: unit.group,
        ranked: group.length,
        tiedWith: unit.rank === null ? [] : group.filter((u) => u.rank === unit.rank && u.id !== unit.id).map((u) => u.id),
        gradeMin: grade?.min ?? null,
        redList: ruleSet.scoring.redList,
        blackList,
        blackFromRank,
      },
      stars,
      previousTotal,
    },
    diagnostics,
  };
}

function mismatch(input: ExplainInput, what: string, whatZh: string, computed: Rational, reported: number): Diagnostic {
  return diagnostic('EXPLAIN_MISMATCH', { file: input.resultsFile }, {
    what, whatZh, computed: computed.toFixed(2), reported: String(reported),
  }, 'warning');
}

// ---- a site ----

export interface EntryStep {
  item: string;
  text: string;
  n: number;
  points: Rational;
  multiplier: Rational;
  raw: Rational;
  cap: Rational | null;
  applied: Rational;
  veto: boolean;
  repeat: boolean;
  sources: string[];
}

export interface SiteExplanation {
  kind: 'site';
  site: ResultsSite;
  period: string | null;
  label: SiteLabel;
  categoryName: string;
  unitName: string;
  lead: { id: string; name: string } | null;
  countsFor: { id: string; name: string }[];
  fullScore: Rational;
  /** null when ledger.csv is absent: only results.json's totals are known. */
  entries: EntryStep[] | null;
  /** D(s) = Σ applied (from the ledger). */
  applied: Rational | null;
  veto: boolean;
  /** Exact score: from the ledger, else results.json's (2 decimals). */
  score: Rational | null;
  /** Texts of the findings, for the results-only explanation. */
  findings: { code: string; text: string }[];
}

export function explainSite(input: ExplainInput, site: ResultsSite): { explanation: SiteExplanation; diagnostics: Diagnostic[] } {
  const { results, ruleSet } = input;
  const diagnostics: Diagnostic[] = [];
  const F = ruleSet.fullScore;
  const unitName = (id: string): string => results.units.find((u) => u.id === id)?.name ?? ruleSet.unitById.get(id)?.name ?? id;
  const ruleSite = ruleSet.siteById.get(site.id);
  const leadId = ruleSite?.lead ?? ruleSet.categoryById.get(site.category)?.lead;
  const categoryName = results.categories.find((c) => c.id === site.category)?.name ?? ruleSet.categoryById.get(site.category)?.name ?? site.category;

  let entries: EntryStep[] | null = null;
  let applied: Rational | null = null;
  let veto = site.veto;
  let score: Rational | null = site.score === null ? null : Rational.fromNumber(site.score);
  if (input.ledger && site.score !== null) {
    const rows = input.ledger.filter((r) => r.site === site.id).sort((a, b) => compareText(a.item, b.item));
    entries = rows.map((r) => ({
      item: r.item,
      text: r.itemText || ruleSet.itemByCode.get(r.item)?.text || '',
      n: r.n,
      points: r.points,
      multiplier: r.multiplier,
      raw: r.raw,
      cap: ruleSet.itemByCode.get(r.item)?.cap ?? null,
      applied: r.applied,
      veto: r.veto,
      repeat: r.repeat,
      sources: r.sources,
    }));
    applied = Rational.sum(entries.map((e) => e.applied));
    veto = entries.some((e) => e.veto);
    score = veto ? Rational.ZERO : Rational.max(Rational.ZERO, F.sub(applied));
    if (!score.round(2).eq(Rational.fromNumber(site.score))) {
      diagnostics.push(
        diagnostic('EXPLAIN_MISMATCH', { file: input.ledgerFile }, {
          what: `site ${site.id} score`, whatZh: `点位 ${site.id} 得分`, computed: score.toFixed(2), reported: String(site.score),
        }, 'warning'),
      );
    }
    const ledgerCodes = entries.map((e) => e.item).join(' ');
    if (ledgerCodes !== [...site.findings].sort(compareText).join(' ')) {
      diagnostics.push(
        diagnostic('EXPLAIN_MISMATCH', { file: input.ledgerFile }, {
          what: `site ${site.id} findings`, whatZh: `点位 ${site.id} 的问题`, computed: ledgerCodes || '-', reported: site.findings.join(' ') || '-',
        }, 'warning'),
      );
    }
  }

  return {
    explanation: {
      kind: 'site',
      site,
      period: results.period,
      label: input.siteLabels.get(site.id) ?? { name: '' },
      categoryName,
      unitName: unitName(site.unit),
      lead: leadId ? { id: leadId, name: unitName(leadId) } : null,
      countsFor: site.units.map((id) => ({ id, name: unitName(id) })),
      fullScore: F,
      entries,
      applied,
      veto,
      score,
      findings: site.findings.map((code) => ({ code, text: ruleSet.itemByCode.get(code)?.text ?? '' })),
    },
    diagnostics,
  };
}

// ---- finding the unit or site the user asked for ----

/** A unit by id, or by its exact name when no id matches. */
export function findUnit(results: ResultsFile, query: string): ResultsUnit | undefined {
  return results.units.find((u) => u.id === query) ?? results.units.find((u) => u.name === query);
}

/** A site by id (case-insensitive when unambiguous). */
export function findSite(results: ResultsFile, query: string): ResultsSite | undefined {
  const exact = results.sites.find((s) => s.id === query);
  if (exact) return exact;
  const folded = results.sites.filter((s) => s.id.toLowerCase() === query.toLowerCase());
  return folded.length === 1 ? folded[0] : undefined;
}

/** Up to three candidates close to what the user typed: same id ignoring case, containing it, or a near spelling. */
export function suggestions(query: string, candidates: readonly { id: string; name: string }[]): string[] {
  const q = query.toLowerCase();
  const limit = Math.max(1, Math.floor(query.length / 3));
  const scored = candidates
    .map((c) => {
      const id = c.id.toLowerCase();
      if (id === q || c.name === query) return { c, score: 0 };
      const contains = (c.name !== '' && c.name.includes(query)) || (q.length >= 2 && id.includes(q));
      const distance = Math.min(editDistance(q, id), c.name ? editDistance(query, c.name) : Infinity);
      const score = Math.min(distance <= limit ? distance : Infinity, contains ? 1 : Infinity);
      return { c, score };
    })
    .filter((x) => Number.isFinite(x.score))
    .sort((a, b) => a.score - b.score || compareText(a.c.id, b.c.id));
  return scored.slice(0, 3).map((x) => `${x.c.id}${x.c.name ? ` ${x.c.name}` : ''}`);
}
