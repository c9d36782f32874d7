import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundledRulesPath, loadRules } from '../../src/io/rules.js';
import type { RuleSet } from '../../src/core/types.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

describe('the bundled default rule set (rules/)', () => {
  let rules: RuleSet;
  beforeAll(() => {
    const loaded = loadRules(bundledRulesPath());
    expect(loaded.diagnostics).toEqual([]);
    rules = loaded.ruleSet!;
  });

  it('has 42 categories with 6–15 items each and 632 sites', () => {
    expect(rules.categories).toHaveLength(42);
    for (const category of rules.categories) {
      expect(category.items.length, category.name).toBeGreaterThanOrEqual(6);
      expect(category.items.length, category.name).toBeLessThanOrEqual(15);
      expect(category.weight.cmp(rules.fullScore.sub(rules.fullScore))).toBe(1);
    }
    expect(rules.sites).toHaveLength(632);
    expect(new Set(rules.categories.map((c) => c.name)).size).toBe(42);
  });

  it('resolves every site to its category and unit, and every category has sites', () => {
    for (const site of rules.sites) {
      expect(rules.categoryById.has(site.category), site.id).toBe(true);
      expect(rules.unitById.has(site.unit), site.id).toBe(true);
    }
    const used = new Set(rules.sites.map((s) => s.category));
    expect(rules.categories.filter((c) => !used.has(c.id))).toEqual([]);
  });

  it('models a city: districts, streets nested under them, departments leading categories', () => {
    const groups = new Map<string, number>();
    for (const unit of rules.units) groups.set(unit.group, (groups.get(unit.group) ?? 0) + 1);
    expect([...groups.keys()]).toEqual(['城区', '街道', '市直单位']);
    for (const street of rules.units.filter((u) => u.group === '街道')) {
      expect(rules.unitById.get(street.parent!)?.group).toBe('城区');
    }
    expect(rules.categories.find((c) => c.name === '农贸市场')!.lead).toBe(rules.units.find((u) => u.name === '市市场监督管理局')?.id);
    expect(rules.categories.flatMap((c) => c.items).some((i) => i.veto)).toBe(true);
    expect(rules.scoring.components?.map((c) => c.id)).toContain('field');
  });
});

describe('the demo months', () => {
  it('check passes on the bundled rules and both months', async () => {
    const run = await runCli([
      'check', '--records', 'fixtures/demo/2026-09.csv', 'fixtures/demo/2026-10.csv',
      '--components', 'fixtures/demo/components-2026-10.csv',
    ]);
    expect(run.stderr).not.toMatch(/error/);
    expect(run.stderr).toContain('span several months'); // two months checked together
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('42 categories');
    expect(run.stdout).toContain('632 sites');
    expect(run.stdout).toContain('fixtures/demo/2026-10.csv (gb18030, 19891 rows)');
  });

  it('scores October against September as npm start does, matching the golden summary', async () => {
    const dir = tempDir();
    const first = await runCli(['score', '--records', 'fixtures/demo/2026-09.csv', '--components', 'fixtures/demo/components-2026-09.csv', '--out', path.join(dir, '09')]);
    expect(first.code).toBe(0);
    const second = await runCli([
      'score', '--records', 'fixtures/demo/2026-10.csv', '--components', 'fixtures/demo/components-2026-10.csv',
      '--previous', path.join(dir, '09', 'results.json'), '--out', path.join(dir, '10'),
    ]);
    expect(second.code).toBe(0);
    const results = JSON.parse(readFileSync(path.join(dir, '10', 'results.json'), 'utf8'));
    const summary = {
      period: results.period,
      summary: results.summary,
      index: results.index,
      first: Object.fromEntries(
        ['城区', '街道', '市直单位'].map((g) => [g, results.units.find((u: { group: string; rank: number }) => u.group === g && u.rank === 1).name]),
      ),
      black: results.units.filter((u: { black: boolean }) => u.black).map((u: { id: string }) => u.id),
      repeats: readFileSync(path.join(dir, '10', 'ledger.csv'), 'utf8').split('\r\n').filter((l) => l.includes(',是,') && /,2,[\d.]+,[\d.]+,(是|否),是,/.test(l)).length,
    };
    expect(summary).toMatchInlineSnapshot(`
      {
        "black": [
          "D02",
          "D04",
          "J0203",
          "J0604",
          "B02",
          "B03",
        ],
        "first": {
          "城区": "高新区",
          "市直单位": "市工业和信息化局",
          "街道": "科创街道",
        },
        "index": 83.86,
        "period": "2026-10",
        "repeats": 3458,
        "summary": {
          "accepted": 19891,
          "findings": 4212,
          "records": 19891,
          "rejected": 0,
          "sites_inspected": 623,
          "sites_total": 632,
        },
      }
    `);
  });

  it('are reproduced byte for byte by the committed generator', () => {
    const dir = tempDir();
    execFileSync(process.execPath, ['scripts/gen-fixtures.mjs', '--out', dir], { stdio: 'pipe' });
    for (const name of readdirSync('fixtures/demo').filter((n) => n.endsWith('.csv'))) {
      expect(readFileSync(path.join(dir, name)).equals(readFileSync(path.join('fixtures/demo', name))), name).toBe(true);
    }
  });
});
