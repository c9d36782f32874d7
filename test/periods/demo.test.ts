// The bundled demo months (fixtures/demo/: 2026-09 UTF-8, 2026-10 GBK) scored with the bundled rule set,
// then compared, trended, rolled up and explained. Checks invariants that tie each command's output to
// the results it read, so any drift between the scorer and the period commands shows up here.

import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { explainSite, explainUnit, type ExplainInput } from '../../src/core/explain.js';
import type { ResultsFile } from '../../src/core/results.js';
import { bundledRulesPath, loadRules } from '../../src/io/rules.js';
import { readLedger, readSiteLabels } from '../../src/cli/commands/explain.js';
import type { Diagnostic } from '../../src/core/diagnostics.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

let sep: string;
let oct: string;
let before: ResultsFile;
let after: ResultsFile;

const cents = (value: number): number => Math.round(value * 100);

beforeAll(async () => {
  const root = tempDir();
  sep = path.join(root, '2026-09');
  oct = path.join(root, '2026-10');
  const first = await runCli(['score', '--records', 'fixtures/demo/2026-09.csv', '--components', 'fixtures/demo/components-2026-09.csv', '--out', sep]);
  expect(first.code, first.stderr).toBe(0);
  const second = await runCli([
    'score', '--records', 'fixtures/demo/2026-10.csv', '--components', 'fixtures/demo/components-2026-10.csv',
    '--previous', path.join(sep, 'results.json'), '--out', oct,
  ]);
  expect(second.code, second.stderr).toBe(0);
  before = JSON.parse(readFileSync(path.join(sep, 'results.json'), 'utf8'));
  after = JSON.parse(readFileSync(path.join(oct, 'results.json'), 'utf8'));
});

describe('the demo months', () => {
  it('diff: changes are NEW − OLD of the rounded values; findings add up', async () => {
    const run = await runCli(['diff', path.join(sep, 'results.json'), path.join(oct, 'results.json'), '--format', 'json']);
    expect(run.code).toBe(0);
    const diff = JSON.parse(run.stdout);
    expect(diff.old_period).toBe('2026-09');
    expect(diff.new_period).toBe('2026-10');
    expect(cents(diff.index.change)).toBe(cents(after.index!) - cents(before.index!));
    expect(diff.units).toHaveLength(after.units.length);
    const oldById = new Map(before.units.map((u) => [u.id, u]));
    for (const unit of diff.units) {
      const now = after.units.find((u) => u.id === unit.id)!;
      const then = oldById.get(unit.id)!;
      expect(unit.status).toBe('both');
      expect(unit.new).toBe(now.total);
      expect(unit.old).toBe(then.total);
      expect(cents(unit.change)).toBe(cents(now.total!) - cents(then.total!));
      // results.json's own score_change/rank_change (from --previous) say the same.
      expect(unit.change).toBe(now.score_change);
      expect(unit.rank_change).toBe(now.rank_change);
      // Every finding now at a site of the unit is new or persisting.
      const findingsNow = after.sites.filter((s) => s.units.includes(unit.id)).reduce((n, s) => n + s.findings.length, 0);
      expect(unit.findings.new + unit.findings.persisting).toBe(findingsNow);
    }
    expect(diff.findings.new + diff.findings.persisting).toBe(after.summary.findings);
    expect(diff.findings.resolved + diff.findings.persisting).toBeLessThanOrEqual(before.summary.findings);
    for (const category of diff.categories) {
      const now = after.categories.find((c) => c.id === category.id)!;
      const then = before.categories.find((c) => c.id === category.id)!;
      if (now.score !== null && then.score !== null) expect(cents(category.change)).toBe(cents(now.score) - cents(then.score));
    }
    const table = await runCli(['diff', path.join(sep, 'results.json'), path.join(oct, 'results.json')]);
    expect(table.stdout.split('\n')[0]).toBe('测评结果对比：2026-09 → 2026-10');
    expect(table.stdout).toContain('★');
  });

  it('trend and rollup read the same months', async () => {
    const files = [path.join(oct, 'results.json'), path.join(sep, 'results.json')];
    const trend = JSON.parse((await runCli(['trend', ...files, '--format', 'json'])).stdout);
    expect(trend.periods).toEqual(['2026-09', '2026-10']);
    expect(trend.units).toHaveLength(after.units.length);
    const rollup = await runCli(['rollup', ...files, '--period', '2026-Q4']);
    expect(rollup.code).toBe(0);
    const json = JSON.parse(rollup.stdout);
    expect(json.periods).toEqual(['2026-10', '2026-09']);
    for (const unit of json.units) {
      const a = after.units.find((u) => u.id === unit.id)!;
      const b = before.units.find((u) => u.id === unit.id)!;
      // Two equal weights: the mean of two 2-decimal totals, rounded half up.
      expect(unit.total).toBe(Math.floor((cents(a.total!) + cents(b.total!) + 1) / 2) / 100);
    }
  });

  it('explain agrees with the scorer for every unit and every site', async () => {
    const loaded = loadRules(bundledRulesPath());
    const problems: Diagnostic[] = [];
    const ledger = await readLedger(path.join(oct, 'ledger.csv'), new Set(after.sites.map((s) => s.id)), problems);
    expect(problems).toEqual([]);
    expect(ledger).toHaveLength(after.summary.findings);
    const input: ExplainInput = {
      results: after,
      resultsFile: 'results.json',
      ruleSet: loaded.ruleSet!,
      ledger: ledger!,
      ledgerFile: 'ledger.csv',
      siteLabels: await readSiteLabels(path.join(oct, 'sites.csv'), loaded.ruleSet!),
    };
    for (const unit of after.units) {
      const { explanation, diagnostics } = explainUnit(input, unit);
      expect(diagnostics, unit.id).toEqual([]);
      if (unit.total !== null) expect(explanation.total!.toNumber2(), unit.id).toBe(unit.total);
      if (unit.stars !== undefined && unit.stars !== null) expect(explanation.stars?.count, unit.id).toBe(unit.stars);
    }
    for (const site of after.sites) {
      const { diagnostics } = explainSite(input, site);
      expect(diagnostics, site.id).toEqual([]);
    }
    const run = await runCli(['explain', path.join(oct, 'results.json'), '--unit', 'D01']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('三、总分');
  });
});
