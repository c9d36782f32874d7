// `rollup` (SPEC §7.3) on hand-written results (fixtures/periods/rollup/), computed by hand:
//   D01 90, 91, 92.5       equal: 273.5/3 = 91.1666… → 91.17        1 1 2: 366/4 = 91.5
//   D02 91.17, —, 91.17    equal: 91.17 (ties D01, both rank 1)     1 1 2: (91.17 + 2×91.17)/3 = 91.17
//   D03 80, 85, 70         equal: 235/3 = 78.333… → 78.33           1 1 2: 305/4 = 76.25
//   D04 never ranked       null
//   J01 88.88, 88.89, 88.89  equal: 266.66/3 = 88.8866… → 88.89    1 1 2: 355.55/4 = 88.8875 → 88.89
//   J02 80.01, 80.02, —    80.015 → 80.02 (half up)
//   D09 is in a file but not in the rule set: left out with a warning.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const dir = 'fixtures/periods/rollup';
const files = ['2026-07', '2026-08', '2026-09'].map((p) => `${dir}/${p}.json`);
const rules = ['--rules', `${dir}/rules.yaml`];

const unit = (id: string, name: string, group: string, total: number | null, periods: number, rank: number | null, grade: string | null, red = false, black = false) =>
  ({ id, name, group, total, periods, rank, grade, red, black });

describe('rollup', () => {
  it('equal weights: exact means of rounded totals, ties share a rank, names and groups from the rule set', async () => {
    const run = await runCli(['rollup', ...files, '--period', '2026-Q3', ...rules]);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(Object.keys(json)).toEqual(['schema', 'period', 'periods', 'units']);
    expect(json.schema).toBe('civscore/rollup@1');
    expect(json.period).toBe('2026-Q3');
    expect(json.periods).toEqual(['2026-07', '2026-08', '2026-09']);
    expect(json.units).toEqual([
      unit('D01', '北湖区', '城区', 91.17, 3, 1, '优秀', true),
      unit('D02', '南山区', '城区', 91.17, 2, 1, '优秀', true),
      unit('D03', '东江区', '城区', 78.33, 3, 3, '合格', false, true),
      unit('D04', '西江区', '城区', null, 0, null, null),
      unit('J01', '人民路街道', '街道', 88.89, 3, 1, '良好', true),
      unit('J02', '南门街道', '街道', 80.02, 2, 2, '良好', false, true),
    ]);
    expect(run.stderr).toContain('ROLLUP_UNKNOWN_UNIT');
    expect(run.stderr).toContain('D09');
  });

  it('--weights, in the order the files are given; weights of missing periods left out', async () => {
    const run = await runCli(['rollup', ...files, '--period', '2026-Q3', '--weights', '1', '1', '2', ...rules]);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json.units).toEqual([
      unit('D01', '北湖区', '城区', 91.5, 3, 1, '优秀', true),
      unit('D02', '南山区', '城区', 91.17, 2, 2, '优秀'),
      unit('D03', '东江区', '城区', 76.25, 3, 3, '合格', false, true),
      unit('D04', '西江区', '城区', null, 0, null, null),
      unit('J01', '人民路街道', '街道', 88.89, 3, 1, '良好', true),
      unit('J02', '南门街道', '街道', 80.02, 2, 2, '良好', false, true),
    ]);
    // Same weights written with commas and decimals: 0.25 0.25 0.5 is 1 1 2 scaled.
    const scaled = await runCli(['rollup', ...files, '--period', '2026-Q3', '--weights', '0.25,0.25,0.5', ...rules]);
    expect(scaled.stdout).toBe(run.stdout);
    // Reordering the files reorders the weights with them: D01 = (92.5×1 + 90×1 + 91×2)/4 = 91.125 → 91.13.
    const reordered = await runCli(['rollup', files[2]!, files[0]!, files[1]!, '--period', 'x', '--weights', '1', '1', '2', ...rules]);
    const d01 = JSON.parse(reordered.stdout).units.find((u: { id: string }) => u.id === 'D01');
    expect(d01).toMatchObject({ total: 91.13, rank: 2 });
    expect(JSON.parse(reordered.stdout).periods).toEqual(['2026-09', '2026-07', '2026-08']);
  });

  it('writes to --out, and a rollup can be rolled up again and drawn as a trend', async () => {
    const folder = tempDir();
    const q3 = path.join(folder, 'q3.json');
    const run = await runCli(['rollup', ...files, '--period', '2026-Q3', ...rules, '--out', q3]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    const written = JSON.parse(readFileSync(q3, 'utf8'));
    expect(written.units[0]).toMatchObject({ id: 'D01', total: 91.17 });
    const q2 = path.join(folder, 'q2.json');
    await runCli(['rollup', files[0]!, '--period', '2026-Q2', ...rules, '--out', q2]);
    const year = await runCli(['rollup', q2, q3, '--period', '2026', ...rules]);
    expect(year.code).toBe(0);
    // D01: (90 + 91.17)/2 = 90.585 → 90.59.
    expect(JSON.parse(year.stdout).units.slice(0, 2)).toMatchObject([
      { id: 'D02', total: 91.17, periods: 2, rank: 1 },
      { id: 'D01', total: 90.59, periods: 2, rank: 2 },
    ]);
    const trend = await runCli(['trend', q3, q2, '--format', 'json', '--streak', '2']);
    expect(trend.code).toBe(0);
    expect(JSON.parse(trend.stdout).periods).toEqual(['2026-Q2', '2026-Q3']);
  });
});

describe('rollup errors', () => {
  it('the number of weights must equal the number of files (exit 2)', async () => {
    const run = await runCli(['rollup', ...files, '--period', 'Q', '--weights', '1', '2', ...rules]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--weights has 2 value(s) but 3 file(s)');
  });

  it('weights must be numbers > 0 (exit 2)', async () => {
    for (const bad of ['0', '-1', 'abc', '1e2', '']) {
      const run = await runCli(['rollup', files[0]!, '--period', 'Q', '--weights', bad, ...rules]);
      expect(run.code, bad).toBe(2);
    }
  });

  it('--period is required (exit 2)', async () => {
    expect((await runCli(['rollup', ...files, ...rules])).code).toBe(2);
  });

  it('two files of the same period are invalid input (exit 1)', async () => {
    const run = await runCli(['rollup', files[0]!, files[0]!, '--period', 'Q', ...rules]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('PERIODS_DUPLICATE_PERIOD');
  });
});
