import { buildRuleSet } from '../../src/core/ruleset.js';
import { FindingCollector, score, type PreviousPeriod, type ScoreOutput } from '../../src/core/score.js';
import type { RuleSet } from '../../src/core/types.js';
import type { Rational } from '../../src/core/rational.js';

/** A rule set from a plain document (as YAML would give it); fails the test on any problem. */
export function ruleSetOf(document: Record<string, unknown>): RuleSet {
  const built = buildRuleSet({ ruleset: { name: '测试', version: '1' }, ...document }, () => ({}));
  if (!built.ruleSet) throw new Error(`rule set invalid: ${JSON.stringify(built.diagnostics)}`);
  return built.ruleSet;
}

export type Row = [site: string, item?: string, count?: number];

export function scoreRows(
  ruleSet: RuleSet,
  rows: Row[],
  extra: { previous?: PreviousPeriod; components?: Map<string, Map<string, Rational>> } = {},
): ScoreOutput {
  const collector = new FindingCollector(ruleSet);
  rows.forEach(([site, item, count], index) => {
    collector.add({ site, ...(item ? { item } : {}), count: count ?? 1, source: { file: 'r.csv', line: index + 2 } });
  });
  return score({ ruleSet, collector, ...extra });
}
