// results.json (schema civscore/results@1, SPEC §5.1): its shape, and how a scored period becomes one.

import type { Rational } from './rational.js';
import type { ScoreOutput } from './score.js';
import type { RuleSet } from './types.js';

export const RESULTS_SCHEMA = 'civscore/results@1';

export interface ResultsInput {
  path: string;
  sha256: string;
  encoding: string;
  rows: number;
}

export interface ResultsUnit {
  id: string;
  name: string;
  group: string;
  field: number | null;
  components?: Record<string, number>;
  total: number | null;
  rank: number | null;
  grade: string | null;
  red: boolean;
  black: boolean;
  sites: number;
  deduction: number | null;
  categories: Record<string, number>;
  stars?: number | null;
  score_change?: number | null;
  rank_change?: number | null;
}

export interface ResultsSite {
  id: string;
  unit: string;
  category: string;
  score: number | null;
  deduction: number | null;
  veto: boolean;
  findings: string[];
  units: string[];
}

export interface ResultsFile {
  schema: typeof RESULTS_SCHEMA;
  period: string | null;
  ruleset: { name: string; version: string; sha256: string };
  inputs: ResultsInput[];
  summary: {
    records: number;
    accepted: number;
    rejected: number;
    findings: number;
    sites_inspected: number;
    sites_total: number;
  };
  index: number | null;
  categories: { id: string; name: string; score: number | null; sites: number }[];
  units: ResultsUnit[];
  sites: ResultsSite[];
  items: { code: string; findings: number; sites: number; applied: number }[];
}

export interface ResultsMeta {
  period: string | null;
  rulesSha256: string;
  inputs: ResultsInput[];
  records: number;
  accepted: number;
  rejected: number;
  withPrevious: boolean;
}

const r2 = (value: Rational | null): number | null => (value === null ? null : value.toNumber2());

export function buildResults(ruleSet: RuleSet, scored: ScoreOutput, meta: ResultsMeta): ResultsFile {
  const withComponents = ruleSet.scoring.components !== undefined;
  const withStars = ruleSet.scoring.stars !== undefined;
  return {
    schema: RESULTS_SCHEMA,
    period: meta.period,
    ruleset: { name: ruleSet.name, version: ruleSet.version, sha256: meta.rulesSha256 },
    inputs: meta.inputs,
    summary: {
      records: meta.records,
      accepted: meta.accepted,
      rejected: meta.rejected,
      findings: scored.ledger.length,
      sites_inspected: scored.sites.filter((s) => s.inspected).length,
      sites_total: scored.sites.length,
    },
    index: r2(scored.index),
    categories: scored.categories.map((c) => ({
      id: c.category.id, name: c.category.name, score: r2(c.score), sites: c.sites,
    })),
    units: scored.units.map((u) => {
      const unit: ResultsUnit = {
        id: u.unit.id,
        name: u.unit.name,
        group: u.unit.group,
        field: r2(u.field),
        ...(withComponents ? { components: Object.fromEntries([...u.components].map(([k, v]) => [k, v.toNumber2()])) } : {}),
        total: r2(u.total),
        rank: u.rank,
        grade: u.grade,
        red: u.red,
        black: u.black,
        sites: u.sites,
        deduction: r2(u.deduction),
        categories: Object.fromEntries([...u.categories].map(([k, v]) => [k, v.toNumber2()])),
      };
      if (withStars) unit.stars = u.stars;
      if (meta.withPrevious) {
        unit.score_change = r2(u.scoreChange);
        unit.rank_change = u.rankChange;
      }
      return unit;
    }),
    sites: scored.sites.map((s) => ({
      id: s.site.id,
      unit: s.site.unit,
      category: s.site.category,
      score: r2(s.score),
      deduction: r2(s.deduction),
      veto: s.veto,
      findings: s.findings,
      units: s.units,
    })),
    items: scored.items.map((i) => ({
      code: i.item.code, findings: i.findings, sites: i.sites, applied: i.applied.toNumber2(),
    })),
  };
}
