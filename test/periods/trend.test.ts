// `trend` (SPEC §7.2) on hand-written results (fixtures/periods/trend/): four months given out of order.
// U4 is black-listed in all four, U3 in 07, 09 and 10 (not 08), U5 only in 10; U2 is missing from 08 and
// unscored in 10; U4 is renamed in 10; J1 (another group) appears only in 10.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const dir = 'fixtures/periods/trend';
const files = ['2026-09', '2026-07', '2026-10', '2026-08'].map((p) => `${dir}/${p}.json`);

const talkOf = (json: { units: { id: string; talk: boolean }[] }) => json.units.filter((u) => u.talk).map((u) => u.id);

describe('trend --format json', () => {
  it('orders periods, keeps units by group and last rank, and flags 3 black periods running', async () => {
    const run = await runCli(['trend', ...files, '--format', 'json']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const json = JSON.parse(run.stdout);
    expect(json.schema).toBe('civscore/trend@1');
    expect(json.periods).toEqual(['2026-07', '2026-08', '2026-09', '2026-10']);
    expect(json.streak).toBe(3);
    expect(json.units.map((u: { id: string }) => u.id)).toEqual(['U1', 'U3', 'U4', 'U5', 'U2', 'J1']);
    const byId = Object.fromEntries(json.units.map((u: { id: string }) => [u.id, u]));
    expect(byId.U4).toEqual({
      id: 'U4',
      name: '四区（新名）',
      group: '城区',
      periods: [
        { period: '2026-07', total: 70, rank: 4, red: false, black: true, stars: null },
        { period: '2026-08', total: 75, rank: 3, red: false, black: true, stars: null },
        { period: '2026-09', total: 78, rank: 4, red: false, black: true, stars: null },
        { period: '2026-10', total: 82.5, rank: 2, red: false, black: true, stars: 0 },
      ],
      black_streak: 4,
      talk: true,
    });
    expect(byId.U2.periods).toEqual([
      { period: '2026-07', total: 90, rank: 2, red: false, black: false, stars: null },
      { period: '2026-08', total: null, rank: null, red: false, black: false, stars: null },
      { period: '2026-09', total: 91, rank: 2, red: false, black: false, stars: null },
      { period: '2026-10', total: null, rank: null, red: false, black: false, stars: null },
    ]);
    expect(byId.U3.black_streak).toBe(2);
    expect(byId.U5.black_streak).toBe(1);
    expect(byId.U1.black_streak).toBe(0);
    expect(byId.J1.group).toBe('街道');
    expect(talkOf(json)).toEqual(['U4']);
  });

  it('--streak K changes who is flagged', async () => {
    expect(talkOf(JSON.parse((await runCli(['trend', ...files, '--format', 'json', '--streak', '2'])).stdout))).toEqual(['U3', 'U4']);
    expect(talkOf(JSON.parse((await runCli(['trend', ...files, '--format', 'json', '--streak', '4'])).stdout))).toEqual(['U4']);
    expect(talkOf(JSON.parse((await runCli(['trend', ...files, '--format', 'json', '--streak', '1'])).stdout))).toEqual(['U3', 'U4', 'U5']);
  });

  it('with fewer periods than K nothing is flagged and a warning says so', async () => {
    const run = await runCli(['trend', ...files, '--format', 'json', '--streak', '5']);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('TREND_TOO_FEW_PERIODS');
    expect(talkOf(JSON.parse(run.stdout))).toEqual([]);
    const two = await runCli(['trend', `${dir}/2026-10.json`, `${dir}/2026-09.json`]);
    expect(two.code).toBe(0);
    expect(two.stderr).toMatch(/only 2 period\(s\): --streak 3 needs at least 3/);
    expect(two.stdout).toContain('期数少于 3 期，本次不标记约谈单位。');
  });
});

describe('trend for people', () => {
  it('prints units × periods with ranks, lists and the talk flag', async () => {
    const run = await runCli(['trend', ...files]);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe('测评结果趋势：2026-07 — 2026-10（4 期）');
    expect(lines[1]).toBe('约谈（连续 3 期上黑榜）：四区（新名）（城区）');
    const row = (id: string) => lines.find((l) => l.startsWith(`${id} `))!.trim().split(/\s{2,}/);
    expect(row('U4')).toEqual(['U4', '四区（新名）', '70.00 (4) 黑', '75.00 (3) 黑', '78.00 (4) 黑', '82.50 (2) 黑', '—→—→—→0', '4 期', '约谈']);
    expect(row('U2')).toEqual(['U2', '二区', '90.00 (2)', '—', '91.00 (2)', '未测评', '—→—→—→—']);
    expect(row('U1')).toEqual(['U1', '一区', '95.00 (1) 红', '94.00 (1) 红', '93.00 (1) 红', '92.00 (1) 红', '—→—→—→5']);
  });

  it('writes Markdown and CSV', async () => {
    const md = await runCli(['trend', ...files, '--format', 'md']);
    expect(md.stdout).toContain('| U4 | 四区（新名） | 70.00 (4) 黑 | 75.00 (3) 黑 | 78.00 (4) 黑 | 82.50 (2) 黑 | —→—→—→0 | 4 期 | 约谈 |');
    const csv = await runCli(['trend', ...files, '--format', 'csv']);
    const rows = csv.stdout.slice(1).trimEnd().split('\r\n');
    expect(csv.stdout.startsWith('\uFEFF')).toBe(true);
    expect(rows[0]).toBe(
      '组别,单位编号,单位,2026-07 总分,2026-07 排名,2026-07 榜单,2026-07 星级,2026-08 总分,2026-08 排名,2026-08 榜单,2026-08 星级,' +
        '2026-09 总分,2026-09 排名,2026-09 榜单,2026-09 星级,2026-10 总分,2026-10 排名,2026-10 榜单,2026-10 星级,连续黑榜期数,约谈',
    );
    expect(rows).toContain('城区,U2,二区,90.00,2,,,,,,,91.00,2,,,未测评,,,,0,');
    expect(rows).toContain('城区,U4,四区（新名）,70.00,4,黑榜,,75.00,3,黑榜,,78.00,4,黑榜,,82.50,2,黑榜,0,4,约谈');
  });

  it('writes a self-contained HTML page with an SVG line chart per group', async () => {
    const out = path.join(tempDir(), 'trend.html');
    const run = await runCli(['trend', ...files, '--format', 'html', '--out', out, '--title', '云江市模拟测评趋势']);
    expect(run.code).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<title>云江市模拟测评趋势</title>');
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html).toContain('<polyline');
    expect(html).toContain('四区（新名）（约谈）');
    expect(html).not.toMatch(/<script|<link|src=|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    // Same input, same bytes.
    const again = await runCli(['trend', ...[...files].reverse(), '--format', 'html', '--title', '云江市模拟测评趋势']);
    expect(again.stdout).toBe(html);
  });
});

describe('trend errors', () => {
  it('two files with the same period: exit 1, naming both files', async () => {
    const run = await runCli(['trend', ...files, `${dir}/dup-2026-09.json`]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('PERIODS_DUPLICATE_PERIOD');
    expect(run.stderr).toContain('fixtures/periods/trend/dup-2026-09.json and fixtures/periods/trend/2026-09.json are both period 2026-09');
    expect(run.stdout).toBe('');
  });

  it('a file without a period: exit 1', async () => {
    const run = await runCli(['trend', ...files, `${dir}/undated.json`]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('PERIODS_NO_PERIOD');
  });

  it('a bad --streak is a usage error', async () => {
    for (const streak of ['0', '-1', '2.5', 'abc']) {
      const run = await runCli(['trend', ...files, '--streak', streak]);
      expect(run.code, streak).toBe(2);
    }
  });
});
