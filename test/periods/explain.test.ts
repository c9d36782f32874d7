// `explain` on two months scored from fixtures/periods/explain/ (the small rule set with components
// 0.6/0.4 and stars ≥ 90). Hand computation for 2026-10 (with 2026-09 as --previous, repeat multiplier 2):
//   S01: C01-01 n=4 (lines 2 and 4) × 1 × 2 (found in 09) = 8, cap 3 → 3; C01-02 0.5 → D = 3.5, score 96.5
//   S04: C02-01 1; C02-02 2 × 1 × 2 = 4 (no cap) → D = 5, score 95
//   J0101 field = (4 × 96.5 + 3 × 95) / 7 = 671/7 = 95.857142… → 95.86
//   J0101 total = 0.6 × 671/7 + 0.4 × 88.5 = 92.914285… → 92.91; 2026-09: 0.6 × 690/7 + 35.4 = 94.54 → ↓1.63
//   S05: veto C02-09 → 0.

import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const dir = 'fixtures/periods/explain';
const rules = ['--rules', `${dir}/rules.yaml`];
let sep: string;
let oct: string;

beforeAll(async () => {
  const root = tempDir();
  sep = path.join(root, '2026-09');
  oct = path.join(root, '2026-10');
  const first = await runCli(['score', ...rules, '--records', `${dir}/2026-09.csv`, '--components', `${dir}/components-2026-09.csv`, '--out', sep]);
  expect(first.code).toBe(0);
  const second = await runCli([
    'score', ...rules, '--records', `${dir}/2026-10.csv`, '--components', `${dir}/components-2026-10.csv`,
    '--previous', path.join(sep, 'results.json'), '--out', oct,
  ]);
  expect(second.code).toBe(0);
});

const explain = (...args: string[]) => runCli(['explain', path.join(oct, 'results.json'), ...rules, ...args]);

describe('explain --unit', () => {
  it('writes every step with its numbers, exact until the final rounding', async () => {
    const run = await explain('--unit', 'J0101');
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const text = run.stdout;
    expect(text).toContain('单位得分说明：J0101 人民路街道（街道）· 测评期 2026-10');
    expect(text).toContain('点位得分由 ledger.csv 的实扣分精确重算');
    expect(text).toMatch(/C01 主次干道（权重 4）：1 个点位 ★\n.*\n.*\n\s+S01\s+人民路\s+96\.5\n\s+平均 = 96\.5 ÷ 1 = 96\.5 → 96\.50/);
    expect(text).toMatch(/C02 农贸市场（权重 3）：1 个点位 ★/);
    expect(text).toMatch(/C01 主次干道\s+4\s+96\.5\s+386\n/);
    expect(text).toMatch(/C02 农贸市场\s+3\s+95\s+285\n/);
    expect(text).toMatch(/合计\s+7\s+671\n/);
    expect(text).toContain('实地考察得分 = 671 ÷ 7 = 95.857142… → 95.86');
    expect(text).toMatch(/实地考察\s+0\.6\s+95\.857142…\s+57\.514285…\n/);
    expect(text).toMatch(/问卷调查\s+0\.4\s+88\.5\s+35\.4\n/);
    expect(text).toContain('总分 = 92.914285… ÷ 1 = 92.914285… → 92.91');
    expect(text).toContain('街道组 3 个参评单位中第 2 名');
    expect(text).toContain('等级：优秀（总分 92.91 ≥ 优秀的最低分 90');
    expect(text).toContain('红榜：名次 ≤ 1 的单位上红榜 → 第 2 名，不上红榜');
    expect(text).toContain('→ 不上黑榜');
    expect(text).toContain('星级：两位小数的项目得分 ≥ 90 的测评项目每个计一颗星 → 2★（C01、C02）');
    expect(text).toContain('较上期：92.91 − 94.54 = ↓1.63；名次不变');
  });

  it('a district: its streets\' sites averaged per category', async () => {
    // D01 = J0101 + J0102: C01 (96.5 + 100)/2 = 98.25, C02 95, C03 98.5 → 825.75/8.5 = 97.147058… → 97.15
    const run = await explain('--unit', 'D01');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('平均 = (96.5 + 100) ÷ 2 = 196.5 ÷ 2 = 98.25');
    expect(run.stdout).toContain('实地考察得分 = 825.75 ÷ 8.5 = 97.147058… → 97.15');
    expect(run.stdout).toContain('→ 第 1 名，上红榜');
  });

  it('a unit may be named; an unknown one is an error with a suggestion', async () => {
    const named = await explain('--unit', '市市场监管局');
    expect(named.code).toBe(0);
    expect(named.stdout).toContain('单位得分说明：B05 市市场监管局');
    expect(named.stdout).toContain('上黑榜');
    const run = await explain('--unit', 'J010');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('EXPLAIN_UNKNOWN_UNIT');
    expect(run.stderr).toContain('did you mean J0101 人民路街道');
    expect(run.stdout).toBe('');
  });
});

describe('explain --site', () => {
  it('lists each ledger entry with its arithmetic and FILE:LINE sources', async () => {
    const run = await explain('--site', 'S01');
    expect(run.code).toBe(0);
    const text = run.stdout;
    expect(text).toContain('点位得分说明：S01 人民路（主次干道 C01）· 测评期 2026-10');
    expect(text).toContain('地址：人民路全段');
    expect(text).toContain('计入以下单位的得分：D01 北湖区、J0101 人民路街道');
    expect(text).toContain('1. C01-01 路面平整，无破损、坑洼');
    expect(text).toContain('应扣 = 单项分值 1 × 数量 4 × 倍数 2（上期同一点位同一问题已发现，重复出现） = 8');
    expect(text).toContain('实扣 = min(应扣 8, 上限 3) = 3');
    expect(text).toContain(`来源：${dir}/2026-10.csv:2; ${dir}/2026-10.csv:4`);
    expect(text).toContain('应扣 = 单项分值 0.5 × 数量 1 × 倍数 1 = 0.5');
    expect(text).toContain('实扣 = 0.5（无扣分上限）');
    expect(text).toContain(`来源：${dir}/2026-10.csv:3`);
    expect(text).toContain('D(s) = Σ 实扣 = 3 + 0.5 = 3.5');
    expect(text).toContain('一票否决：无');
    expect(text).toContain('得分 = max(0, F − D(s)) = max(0, 100 − 3.5) = 96.5 → 96.50');
  });

  it('a veto zeroes the site', async () => {
    const run = await explain('--site', 'S05');
    expect(run.stdout).toContain('C02-09 发生食品安全事故（一票否决项）');
    expect(run.stdout).toContain('一票否决：发现 C02-09 → 得分 = 0');
    expect(run.stdout).toContain('扣分 E(s) = F − 得分 = 100 − 0 = 100');
  });

  it('a site not inspected, and an unknown site', async () => {
    expect((await explain('--site', 'S08')).stdout).toContain('本期未测评该点位');
    const run = await explain('--site', 'S9');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('EXPLAIN_UNKNOWN_SITE');
  });
});

describe('explain with unit_score: deduction_total', () => {
  it('sums E(s) over the unit\'s sites', async () => {
    // Without --previous nothing repeats: S01 3.5, S02 0, S04 1 + 2 = 3, S06 0.75 → D01 = 100 − 7.25 = 92.75.
    const folder = tempDir();
    const rulesFile = path.join(folder, 'rules.yaml');
    writeFileSync(rulesFile, readFileSync(`${dir}/rules.yaml`, 'utf8').replace('unit_score: weighted_mean', 'unit_score: deduction_total'));
    const out = path.join(folder, 'out');
    const scored = await runCli(['score', '--rules', rulesFile, '--records', `${dir}/2026-10.csv`, '--components', `${dir}/components-2026-10.csv`, '--out', out]);
    expect(scored.code).toBe(0);
    const run = await runCli(['explain', path.join(out, 'results.json'), '--rules', rulesFile, '--unit', 'D01']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('Σ E(s) = 3.5（S01） + 0（S02） + 3（S04） + 0.75（S06） = 7.25（4 个点位）');
    expect(run.stdout).toContain('实地考察得分 = max(0, 100 − 7.25) = 92.75');
    // 0.6 × 92.75 + 0.4 × 90 = 55.65 + 36 = 91.65
    expect(run.stdout).toContain('总分 = 91.65 ÷ 1 = 91.65');
  });
});

describe('explain without the ledger or with other files', () => {
  it('says ledger.csv is missing and explains from results.json alone', async () => {
    const alone = tempDir();
    copyFileSync(path.join(oct, 'results.json'), path.join(alone, 'results.json'));
    const site = await runCli(['explain', path.join(alone, 'results.json'), ...rules, '--site', 'S01']);
    expect(site.code).toBe(0);
    expect(site.stderr).toContain('EXPLAIN_NO_LEDGER');
    expect(site.stdout).toContain('仅依据 results.json');
    expect(site.stdout).toContain('C01-01 路面平整，无破损、坑洼');
    expect(site.stdout).toContain('得分 = F − E(s) = 100 − 3.50 = 96.50');
    const unit = await runCli(['explain', path.join(alone, 'results.json'), ...rules, '--unit', 'J0101']);
    expect(unit.code).toBe(0);
    expect(unit.stdout).toContain('点位得分取自 results.json');
    expect(unit.stdout).toContain('实地考察得分 = 671 ÷ 7 = 95.857142… → 95.86');
  });

  it('warns when the ledger does not agree with results.json', async () => {
    const tampered = tempDir();
    copyFileSync(path.join(oct, 'results.json'), path.join(tampered, 'results.json'));
    const ledger = readFileSync(path.join(oct, 'ledger.csv'), 'utf8');
    writeFileSync(path.join(tampered, 'ledger.csv'), ledger.replace(',0.5,1,0.5,0.5,否,否,', ',0.5,1,0.5,1.5,否,否,'));
    const run = await runCli(['explain', path.join(tampered, 'results.json'), ...rules, '--site', 'S01']);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('EXPLAIN_MISMATCH');
    expect(run.stderr).toContain('recomputed site S01 score 95.50 differs from the reported 96.5');
  });

  it('warns when --rules is not the rule set used to score', async () => {
    const run = await runCli(['explain', path.join(oct, 'results.json'), '--site', 'S01']);
    expect(run.stderr).toContain('EXPLAIN_RULES_DIFFER');
  });

  it('needs exactly one of --unit and --site (exit 2)', async () => {
    expect((await explain()).code).toBe(2);
    expect((await explain('--unit', 'J0101', '--site', 'S01')).code).toBe(2);
  });
});
