// `sample` on fixtures/periods/sample/rules.yaml: quotas, reproducibility, and uniformity (chi-square over
// many seeds). The plan for J01 × C01 draws 2 of 5 sites: 10 equally likely pairs.

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { drawPlan, drawWithoutReplacement, hash128, Sfc32 } from '../../src/core/sample.js';
import type { RuleSet } from '../../src/core/types.js';
import { bundledRulesPath, loadRules } from '../../src/io/rules.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const rulesFile = 'fixtures/periods/sample/rules.yaml';

function rulesOf(file: string): RuleSet {
  const loaded = loadRules(file);
  if (!loaded.ruleSet) throw new Error(JSON.stringify(loaded.diagnostics));
  return loaded.ruleSet;
}

/** Upper 0.1% points of the chi-square distribution. */
const CHI2_999: Record<number, number> = { 4: 18.47, 9: 27.88, 23: 49.73 };

function chiSquare(counts: readonly number[], expected: number): number {
  return counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
}

describe('sample', () => {
  it('writes the plan as CSV for inspectors: BOM, CRLF, Chinese headers, grouped by unit', async () => {
    const run = await runCli(['sample', '--rules', rulesFile, '--seed', '42', '--period', '2026-11']);
    expect(run.code).toBe(0);
    expect(run.stdout.startsWith('\uFEFF')).toBe(true);
    const rows = run.stdout.slice(1).split('\r\n');
    expect(rows.pop()).toBe('');
    expect(rows[0]).toBe('单位编号,单位,测评项目编号,测评项目,点位编号,点位,地址,牵头单位,测评期,抽取数,可选点位数,随机种子');
    const body = (parse(run.stdout, { bom: true }) as string[][]).slice(1);
    // D01: its own site only (its streets' sites are theirs); J01: 2 of 5 in C01, all of C02 (1 < quota 3),
    // all of C03 (no quota), none of C04 (quota 0); J02: 2 of 2; B01 leads C02 but owns no site.
    expect(body.map((r) => `${r[0]} ${r[2]}`)).toEqual([
      'D01 C01', 'J01 C01', 'J01 C01', 'J01 C02', 'J01 C03', 'J01 C03', 'J02 C01', 'J02 C01',
    ]);
    expect(body[0]).toEqual(['D01', '北湖区', 'C01', '主次干道', 'S10', '北湖大道', '北湖大道全段', '', '2026-11', '1', '1', '42']);
    expect(body[3]).toEqual(['J01', '人民路街道', 'C02', '农贸市场', 'S06', '城南农贸市场', '城南路18号', '市市场监管局', '2026-11', '1', '1', '42']);
    const j01c01 = body.filter((r) => r[0] === 'J01' && r[2] === 'C01');
    expect(j01c01.every((r) => r[9] === '2' && r[10] === '5')).toBe(true);
    const sites = body.map((r) => r[4]);
    expect(new Set(sites).size).toBe(sites.length);
    expect(sites).not.toContain('S09');
    expect(run.stderr).toContain('SAMPLE_NO_QUOTA');
    expect(run.stderr).toContain('C03');
  });

  it('the same seed gives the same bytes; other seeds give other plans', async () => {
    const folder = tempDir();
    const out = path.join(folder, 'plan.csv');
    const first = await runCli(['sample', '--rules', rulesFile, '--seed', '2026-11 第一轮', '--out', out]);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe('');
    const again = await runCli(['sample', '--rules', rulesFile, '--seed', '2026-11 第一轮']);
    expect(again.stdout).toBe(readFileSync(out, 'utf8'));
    const plans = new Set<string>();
    for (let seed = 0; seed < 20; seed++) {
      const plan = drawPlan(rulesOf(rulesFile), String(seed));
      plans.add(plan.rows.map((r) => r.site.id).join(' '));
    }
    expect(plans.size).toBeGreaterThan(5);
  });

  it('does not depend on the order sites are written in the rule set', async () => {
    const text = readFileSync(rulesFile, 'utf8');
    const lines = text.split('\n');
    const siteLines = lines.filter((l) => l.startsWith('  - { id: S'));
    const reordered = lines.filter((l) => !l.startsWith('  - { id: S')).join('\n').trimEnd() + '\n' + [...siteLines].reverse().join('\n') + '\n';
    const file = path.join(tempDir(), 'rules.yaml');
    writeFileSync(file, reordered);
    for (const seed of ['1', '2', '3', 'abc']) {
      const a = drawPlan(rulesOf(rulesFile), seed).rows.map((r) => r.site.id);
      const b = drawPlan(rulesOf(file), seed).rows.map((r) => r.site.id);
      expect(b).toEqual(a);
    }
  });

  it('draws uniformly: every 2-site subset of J01 × C01 equally often over 3000 seeds (chi-square)', () => {
    const ruleSet = rulesOf(rulesFile);
    const counts = new Map<string, number>();
    const inclusion = new Map<string, number>();
    const seeds = 3000;
    for (let seed = 0; seed < seeds; seed++) {
      const drawn = drawPlan(ruleSet, `seed-${seed}`).rows.filter((r) => r.unit.id === 'J01' && r.category.id === 'C01').map((r) => r.site.id);
      expect(drawn).toHaveLength(2);
      counts.set(drawn.join('+'), (counts.get(drawn.join('+')) ?? 0) + 1);
      for (const id of drawn) inclusion.set(id, (inclusion.get(id) ?? 0) + 1);
    }
    expect(counts.size).toBe(10);
    expect(chiSquare([...counts.values()], seeds / 10)).toBeLessThan(CHI2_999[9]!);
    // Each site is drawn with probability 2/5.
    expect(chiSquare([...inclusion.values()], (seeds * 2) / 5)).toBeLessThan(CHI2_999[4]!);
  });

  it('partial Fisher–Yates gives every ordered draw of 3 from 4 equally often', () => {
    const counts = new Map<string, number>();
    const draws = 24_000;
    for (let i = 0; i < draws; i++) {
      const key = drawWithoutReplacement(['a', 'b', 'c', 'd'], 3, Sfc32.fromKey(`k${i}`)).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(24);
    expect(chiSquare([...counts.values()], draws / 24)).toBeLessThan(CHI2_999[23]!);
  });

  it('the generator is fixed: known words for a known key (a plan never changes between versions)', () => {
    expect(hash128('')).toEqual(hash128(''));
    const random = Sfc32.fromKey('civscore');
    const words = [random.next(), random.next(), random.next()];
    expect(words).toEqual(KNOWN_WORDS);
    expect(() => random.below(0)).toThrow(RangeError);
    for (let i = 0; i < 1000; i++) {
      const value = random.below(7);
      expect(value >= 0 && value < 7 && Number.isInteger(value)).toBe(true);
    }
  });

  it('on the bundled rule set: min(quota, available) sites per unit and category, each site once', () => {
    const ruleSet = rulesOf(bundledRulesPath());
    const plan = drawPlan(ruleSet, '2026-11');
    const sites = plan.rows.map((r) => r.site.id);
    expect(new Set(sites).size).toBe(sites.length);
    const available = new Map<string, number>();
    for (const site of ruleSet.sites) available.set(`${site.unit} ${site.category}`, (available.get(`${site.unit} ${site.category}`) ?? 0) + 1);
    const drawn = new Map<string, number>();
    for (const row of plan.rows) {
      expect(row.site.unit).toBe(row.unit.id);
      expect(row.site.category).toBe(row.category.id);
      drawn.set(`${row.unit.id} ${row.category.id}`, (drawn.get(`${row.unit.id} ${row.category.id}`) ?? 0) + 1);
    }
    for (const [key, count] of available) {
      const quota = ruleSet.categoryById.get(key.split(' ')[1]!)!.quota;
      expect(drawn.get(key) ?? 0, key).toBe(Math.min(quota ?? count, count));
    }
  });

  it('usage errors: no --seed, a bad --period (exit 2)', async () => {
    expect((await runCli(['sample', '--rules', rulesFile])).code).toBe(2);
    expect((await runCli(['sample', '--rules', rulesFile, '--seed', '1', '--period', '2026-13'])).code).toBe(2);
  });
});

const KNOWN_WORDS = [3091748959, 2561059772, 3677322800];
