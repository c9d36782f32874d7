// SPEC §7.3: rolls several periods up into one assessment (a quarter, a year). Pure.
//
// A unit's total is the exact weighted mean of its rounded totals over the periods in which it was ranked;
// the weights of the periods it missed are left out. Ranking, grades and lists reuse `rankGroup` with the
// rule set's options, so a rolled-up table follows §4.6 exactly like a monthly one.

import { diagnostic, type Diagnostic } from './diagnostics.js';
import type { PeriodTable } from './periods.js';
import { rankGroup } from './rank.js';
import { Rational, weightedMean } from './rational.js';
import { compareText } from './text.js';
import type { RuleSet } from './types.js';

export const ROLLUP_SCHEMA = 'civscore/rollup@1';

export interface RollupInput {
  period: string;
  /** In the order the files were given; `weights` follow the same order. */
  tables: readonly PeriodTable[];
  /** One per table, each > 0; default equal. */
  weights?: readonly Rational[];
  ruleSet: RuleSet;
}

export interface RollupPeriodValue {
  period: string;
  weight: Rational;
  total: Rational;
}

export interface RollupUnit {
  id: string;
  name: string;
  group: string;
  /** Exact weighted mean; null when the unit was ranked in no period. */
  total: Rational | null;
  /** The periods that count (ranked there), with their weights and rounded totals. */
  counted: RollupPeriodValue[];
  rank: number | null;
  grade: string | null;
  red: boolean;
  black: boolean;
}

export interface Rollup {
  period: string;
  periods: string[];
  weights: Rational[];
  units: RollupUnit[];
}

export interface RollupJson {
  schema: typeof ROLLUP_SCHEMA;
  period: string;
  periods: string[];
  units: {
    id: string;
    name: string;
    group: string;
    total: number | null;
    periods: number;
    rank: number | null;
    grade: string | null;
    red: boolean;
    black: boolean;
  }[];
}

export function rollup(input: RollupInput): { rollup: Rollup; diagnostics: Diagnostic[] } {
  const { ruleSet, tables } = input;
  const weights = input.weights ? [...input.weights] : tables.map(() => Rational.ONE);
  if (weights.length !== tables.length) throw new RangeError('one weight per period is needed');
  const diagnostics: Diagnostic[] = [];

  const counted = new Map<string, RollupPeriodValue[]>();
  tables.forEach((table, index) => {
    for (const unit of table.units) {
      if (!ruleSet.unitById.has(unit.id)) {
        diagnostics.push(diagnostic('ROLLUP_UNKNOWN_UNIT', { file: table.file }, { unit: unit.id, name: unit.name }, 'warning'));
        continue;
      }
      if (unit.rank === null || unit.total === null) continue;
      const list = counted.get(unit.id) ?? [];
      list.push({ period: table.period ?? '', weight: weights[index]!, total: Rational.fromNumber(unit.total) });
      counted.set(unit.id, list);
    }
  });

  const totals = new Map<string, Rational>();
  for (const [id, values] of counted) {
    totals.set(id, weightedMean(values.map((v) => [v.weight, v.total] as const))!);
  }

  // Ranked per group, groups in rule-set order; unranked units last in their group, by id.
  const groups: string[] = [];
  for (const unit of ruleSet.units) if (!groups.includes(unit.group)) groups.push(unit.group);
  const options = { redList: ruleSet.scoring.redList, blackList: ruleSet.scoring.blackList, grades: ruleSet.scoring.grades };
  const units: RollupUnit[] = [];
  for (const group of groups) {
    const members = ruleSet.units.filter((u) => u.group === group);
    const ranked = members.filter((u) => totals.has(u.id));
    const outcomes = rankGroup(ranked.map((u) => ({ id: u.id, total: totals.get(u.id)! })), options);
    for (const outcome of outcomes) {
      const unit = ruleSet.unitById.get(outcome.id)!;
      units.push({
        id: unit.id,
        name: unit.name,
        group: unit.group,
        total: totals.get(unit.id)!,
        counted: counted.get(unit.id)!,
        rank: outcome.rank,
        grade: outcome.grade,
        red: outcome.red,
        black: outcome.black,
      });
    }
    for (const unit of members.filter((u) => !totals.has(u.id)).sort((a, b) => compareText(a.id, b.id))) {
      units.push({ id: unit.id, name: unit.name, group: unit.group, total: null, counted: [], rank: null, grade: null, red: false, black: false });
    }
  }
  return {
    rollup: { period: input.period, periods: tables.map((t) => t.period ?? ''), weights, units },
    diagnostics: dedupe(diagnostics),
  };
}

/** One warning per unknown unit and file. */
function dedupe(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.code}|${d.file}|${JSON.stringify(d.args)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function rollupJson(result: Rollup): RollupJson {
  return {
    schema: ROLLUP_SCHEMA,
    period: result.period,
    periods: result.periods,
    units: result.units.map((u) => ({
      id: u.id,
      name: u.name,
      group: u.group,
      total: u.total === null ? null : u.total.toNumber2(),
      periods: u.counted.length,
      rank: u.rank,
      grade: u.grade,
      red: u.red,
      black: u.black,
    })),
  };
}
