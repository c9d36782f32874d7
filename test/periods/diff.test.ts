// `diff OLD NEW` (SPEC §7.1) on hand-written results (fixtures/periods/diff/): 2026-08 against 2026-10 (not
// adjacent), with an added unit (D04), a removed one (D03), a unit unscored before (J02), a category only the
// old file has (C03), one unscored before (C02), and changes that binary floats get wrong (91.1 − 85.25).

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffResults } from '../../src/core/diff.js';
import type { ResultsFile } from '../../src/core/results.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const dir = 'fixtures/periods/diff';
const OLD = `${dir}/2026-08.json`;
const NEW = `${dir}/2026-10.json`;

describe('diff --format json', () => {
  it('writes civscore/diff@1 with every value computed by hand', async () => {
    const run = await runCli(['diff', OLD, NEW, '--format', 'json']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const json = JSON.parse(run.stdout);
    expect(Object.keys(json)).toEqual(['schema', 'old_period', 'new_period', 'index', 'categories', 'units', 'findings']);
    expect(json.schema).toBe('civscore/diff@1');
    expect(json.old_period).toBe('2026-08');
    expect(json.new_period).toBe('2026-10');
    // 86.2 − 86.13 is 0.0700000000000074 in binary floating point.
    expect(json.index).toEqual({ old: 86.13, new: 86.2, change: 0.07 });
    expect(json.categories).toEqual([
      { id: 'C01', old: 85.5, new: 90.3, change: 4.8 },
      { id: 'C02', old: null, new: 80, change: null },
      { id: 'C03', old: 99.99, new: null, change: null },
    ]);
    const none = { new: null, resolved: null, persisting: null };
    expect(json.units).toEqual([
      // 城区: NEW order (D02, D01, D04), then the removed D03.
      { id: 'D02', name: '南山区', group: '城区', old: 85.25, new: 91.1, change: 5.85, old_rank: 2, new_rank: 1, rank_change: 1, status: 'both', findings: { new: 1, resolved: 0, persisting: 0 } },
      { id: 'D01', name: '北湖区', group: '城区', old: 90.5, new: 89.75, change: -0.75, old_rank: 1, new_rank: 2, rank_change: -1, status: 'both', findings: { new: 1, resolved: 2, persisting: 1 } },
      { id: 'D04', name: '西江区', group: '城区', old: null, new: 70, change: null, old_rank: null, new_rank: 3, rank_change: null, status: 'added', findings: { new: 1, resolved: 0, persisting: 0 } },
      { id: 'D03', name: '东江区', group: '城区', old: 80, new: null, change: null, old_rank: 3, new_rank: null, rank_change: null, status: 'removed', findings: none },
      { id: 'J02', name: '南门街道', group: '街道', old: null, new: 92.3, change: null, old_rank: null, new_rank: 1, rank_change: null, status: 'both', findings: { new: 1, resolved: 0, persisting: 0 } },
      { id: 'J01', name: '人民路街道', group: '街道', old: 88, new: 88, change: 0, old_rank: 1, new_rank: 2, rank_change: -1, status: 'both', findings: { new: 1, resolved: 1, persisting: 1 } },
    ]);
    // new: S1 C01-03, S3 C02-01, S6 C01-01; resolved: S1 C01-01, S5 C01-02 (S2's C01-01 is not: S2 was not
    // inspected now); persisting: S1 C01-02.
    expect(json.findings).toEqual({ new: 3, resolved: 2, persisting: 1 });
    for (const unit of json.units) {
      expect(Object.keys(unit)).toEqual(['id', 'name', 'group', 'old', 'new', 'change', 'old_rank', 'new_rank', 'rank_change', 'status', 'findings']);
    }
  });

  it('swapping the files negates every change and swaps new and resolved', async () => {
    const forward = JSON.parse((await runCli(['diff', OLD, NEW, '--format', 'json'])).stdout);
    const run = await runCli(['diff', NEW, OLD, '--format', 'json']);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('DIFF_REVERSED');
    const backward = JSON.parse(run.stdout);
    expect(backward.index.change).toBe(-0.07);
    const d02 = backward.units.find((u: { id: string }) => u.id === 'D02');
    expect(d02).toMatchObject({ old: 91.1, new: 85.25, change: -5.85, rank_change: -1 });
    expect(backward.units.find((u: { id: string }) => u.id === 'D03').status).toBe('added');
    expect(backward.units.find((u: { id: string }) => u.id === 'D04').status).toBe('removed');
    expect(forward.findings.persisting).toBe(backward.findings.persisting);
  });

  it('a file against itself: no change, nothing new or resolved', async () => {
    const run = await runCli(['diff', NEW, NEW, '--format', 'json']);
    const json = JSON.parse(run.stdout);
    expect(json.findings).toEqual({ new: 0, resolved: 0, persisting: 4 });
    for (const unit of json.units) {
      expect(unit.status).toBe('both');
      expect(unit.change === null || unit.change === 0).toBe(true);
      expect(unit.rank_change === null || unit.rank_change === 0).toBe(true);
    }
  });
});

describe('diff of a unit that changed group', () => {
  it('has no rank change (ranks of different groups do not compare) and says where it was', () => {
    const before = JSON.parse(readFileSync(OLD, 'utf8')) as ResultsFile;
    const after = JSON.parse(readFileSync(NEW, 'utf8')) as ResultsFile;
    after.units.find((u) => u.id === 'J01')!.group = '城区';
    const j01 = diffResults(before, after).units.find((u) => u.id === 'J01')!;
    expect(j01.group).toBe('城区');
    expect(j01.oldGroup).toBe('街道');
    expect(j01.rankChange).toBeNull();
    expect(j01.change?.toNumber2()).toBe(0);
  });
});

describe('diff for people', () => {
  it('prints a table with ↑/↓, ranks, stars and the findings', async () => {
    const run = await runCli(['diff', OLD, NEW]);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe('测评结果对比：2026-08 → 2026-10');
    expect(lines[1]).toBe('模拟测评指数：86.13 → 86.20（↑0.07）');
    expect(lines[2]).toBe('问题：新增 3 项，已整改 2 项，仍存在 1 项');
    const row = (id: string) => lines.find((l) => l.startsWith(`${id} `))!.split(/\s{2,}/);
    expect(row('D02')).toEqual(['D02', '南山区', '85.25', '91.10', '↑5.85', '2 → 1', '↑1', '红榜', '1★ → 2★', '1', '0', '0']);
    expect(row('D01')).toEqual(['D01', '北湖区', '90.50', '89.75', '↓0.75', '1 → 2', '↓1', '2★', '1', '2', '1']);
    expect(row('D04')).toEqual(['D04', '西江区', '—', '70.00', '— → 3', '黑榜', '— → 0★', '1', '0', '0', '新增单位']);
    expect(row('D03')).toEqual(['D03', '东江区', '80.00', '—', '3 → —', '0★ → —', '—', '—', '—', '已移除']);
    expect(row('J02')).toEqual(['J02', '南门街道', '未测评', '92.30', '— → 1', '红榜', '— → 1★', '1', '0', '0']);
    expect(row('J01')).toEqual(['J01', '人民路街道', '88.00', '88.00', '0.00', '1 → 2', '↓1', '黑榜', '1★', '1', '1', '1']);
    expect(row('C01')).toEqual(['C01', '主次干道', '85.50', '90.30', '↑4.80', '4 → 3', '2', '2', '1']);
    expect(row('C03')).toEqual(['C03', '公交站点', '99.99', '—', '1 → —', '0', '0', '0']);
  });

  it('writes Markdown with a table per group', async () => {
    const run = await runCli(['diff', OLD, NEW, '--format', 'md']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^# 测评结果对比：2026-08 → 2026-10\n/);
    expect(run.stdout).toContain('\n## 城区\n');
    expect(run.stdout).toContain('\n## 测评项目\n');
    expect(run.stdout).toContain('| D02 | 南山区 | 85.25 | 91.10 | ↑5.85 | 2 → 1 | ↑1 | 红榜 | 1★ → 2★ | 1 | 0 | 0 |  |');
  });

  it('writes CSV for Excel (BOM, CRLF, signed changes) to --out', async () => {
    const out = path.join(tempDir(), 'diff.csv');
    const run = await runCli(['diff', OLD, NEW, '--format', 'csv', '--out', out]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    const text = readFileSync(out, 'utf8');
    expect(text.startsWith('\uFEFF类型,组别,编号,名称,2026-08 得分,2026-10 得分,变化,2026-08 名次,2026-10 名次,名次变化,状态,新增问题,已整改,仍存在,2026-08 星级,2026-10 星级\r\n')).toBe(true);
    const rows = text.slice(1).trimEnd().split('\r\n');
    expect(rows).toContain('全市,,,模拟测评指数,86.13,86.20,+0.07,,,,,3,2,1,,');
    expect(rows).toContain('单位,城区,D01,北湖区,90.50,89.75,-0.75,1,2,-1,两期均有,1,2,1,2,2');
    expect(rows).toContain('单位,城区,D03,东江区,80.00,,,3,,,移除,,,,0,');
    expect(rows).toContain('测评项目,,C02,农贸市场,,80.00,,,,,两期均有,1,0,0,,');
    expect(rows).toHaveLength(1 + 1 + 3 + 6);
  });

  it('--no-bom drops the BOM', async () => {
    const run = await runCli(['diff', OLD, NEW, '--format', 'csv', '--no-bom']);
    expect(run.stdout.startsWith('类型,')).toBe(true);
  });
});

describe('diff errors', () => {
  it('a missing file is invalid input (exit 1)', async () => {
    const run = await runCli(['diff', OLD, `${dir}/nope.json`]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('FILE_NOT_FOUND');
    expect(run.stdout).toBe('');
  });

  it('a file that is not results.json is invalid input (exit 1)', async () => {
    const run = await runCli(['diff', OLD, `${dir}/../rollup/rules.yaml`]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('PREV_INVALID');
  });

  it('an unknown format is a usage error (exit 2)', async () => {
    const run = await runCli(['diff', OLD, NEW, '--format', 'xlsx']);
    expect(run.code).toBe(2);
  });

  it('--out may not overwrite an input (exit 2)', async () => {
    const run = await runCli(['diff', OLD, NEW, '--out', NEW]);
    expect(run.code).toBe(2);
    expect(JSON.parse(readFileSync(NEW, 'utf8')).schema).toBe('civscore/results@1');
  });
});
