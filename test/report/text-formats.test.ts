// `civscore report` as Markdown, CSV and a terminal table: golden files, plus the rules those formats keep.

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { golden, scoreSmall } from './setup.js';

describe('report in text formats (fixtures/small)', () => {
  let results: string;
  beforeAll(async () => {
    results = path.join(await scoreSmall(), 'results.json');
  });

  it('renders Markdown as the golden file', async () => {
    const run = await runCli(['report', results, '--format', 'md']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    golden('small.md', run.stdout);
  });

  it('renders CSV for Excel (BOM, CRLF) as the golden file', async () => {
    const run = await runCli(['report', results, '--format', 'csv']);
    expect(run.code).toBe(0);
    expect(run.stdout.startsWith('\uFEFF')).toBe(true);
    expect(run.stdout).toContain('\r\n');
    golden('small.csv', run.stdout);
  });

  it('renders the terminal table as the golden file, its ranking exactly as `score` prints it', async () => {
    const run = await runCli(['report', results, '--format', 'table']);
    expect(run.code).toBe(0);
    golden('small.txt', run.stdout);
    const scored = await runCli(['score', '--rules', 'fixtures/small/rules.yaml', '--records', 'fixtures/small/records.csv', '--out', path.join(tempDir(), 'again')]);
    const ranking = scored.stdout.split('\n').slice(1).join('\n').trimEnd();
    expect(run.stdout).toContain(ranking);
  });

  it('defaults to the table format', async () => {
    const run = await runCli(['report', results]);
    expect(run.stdout).toBe((await runCli(['report', results, '--format', 'table'])).stdout);
  });

  it('names the sites and items from ledger.csv and sites.csv beside results.json', async () => {
    const run = await runCli(['report', results, '--format', 'md']);
    expect(run.stdout).toContain('| 1 | C01-01 | 主次干道 | 路面平整，无破损、坑洼 | 4 | 1 | 3.00 |');
    expect(run.stdout).toContain('发生食品安全事故（一票否决）');
  });

  it('takes the title from --title and writes to --out instead of stdout', async () => {
    const out = path.join(tempDir(), 'notice.md');
    const run = await runCli(['report', results, '--format', 'md', '--title', '十月通报', '--out', out]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('wrote');
    expect(readFileSync(out, 'utf8').startsWith('# 十月通报\n')).toBe(true);
  });

  it('writes CSV without a BOM with --no-bom', async () => {
    const run = await runCli(['report', results, '--format', 'csv', '--no-bom']);
    expect(run.stdout.startsWith('测试市')).toBe(true);
  });

  it('uses the rule set for names with --rules when the siblings are gone', async () => {
    const alone = path.join(tempDir(), 'results.json');
    writeFileSync(alone, readFileSync(results));
    const bare = await runCli(['report', alone, '--format', 'md']);
    expect(bare.code).toBe(0);
    expect(bare.stderr).toContain('REPORT_NO_NAMES');
    expect(bare.stdout).toContain('| 1 | C01-01 |  |  | 4 | 1 | 3.00 |');
    const named = await runCli(['report', alone, '--format', 'md', '--rules', 'fixtures/small/rules.yaml']);
    expect(named.stderr).toBe('');
    expect(named.stdout).toContain('| 1 | C01-01 | 主次干道 | 路面平整，无破损、坑洼 | 4 | 1 | 3.00 |');
  });
});

describe('report content', () => {
  it('lists units without inspected sites as 未测评, never ranked and never on a list', async () => {
    const dir = tempDir();
    const records = path.join(dir, 'records.csv');
    // Only 人民路街道's and 湖滨街道's roads: 南山区, 南门街道 and both departments have no inspected site.
    writeFileSync(records, 'site_id,item_code,count,date\nS01,C01-01,1,2026-10-03\nS02,,,2026-10-05\n');
    const results = path.join(await scoreSmall([], records), 'results.json');
    const run = await runCli(['report', results, '--format', 'md']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('| — | 南山区 | 未测评 |');
    expect(run.stdout).toContain('| — | 市交通运输局 | 未测评 |');
    const lists = run.stdout.slice(run.stdout.indexOf('## 二、红榜与黑榜'), run.stdout.indexOf('## 三、'));
    expect(lists).not.toContain('南山区');
    expect(lists).toContain('| 市直单位 | 无 | 无 |');
    const weakest = run.stdout.slice(run.stdout.indexOf('## 五、'));
    expect(weakest).not.toContain('南山区');
  });

  it('shows the change since the previous period with arrows', async () => {
    const dir = tempDir();
    const earlier = path.join(dir, 'records.csv');
    writeFileSync(earlier, 'site_id,item_code,count,date\nS01,,,2026-09-03\nS02,C01-02,2,2026-09-05\nS03,,,2026-09-05\nS04,,,2026-09-06\nS05,,,2026-09-06\nS06,,,2026-09-07\nS07,,,2026-09-07\n');
    const previous = path.join(await scoreSmall([], earlier), 'results.json');
    const results = path.join(await scoreSmall(['--previous', previous]), 'results.json');
    const run = await runCli(['report', results, '--format', 'md']);
    expect(run.stdout).toContain('| 排名 | 单位 | 总分 | 实地考察 | 较上期 | 名次升降 | 等级 | 红榜/黑榜 |');
    // 湖滨街道 lost 1 point on 湖滨路 in September and nothing in October: up 2 places.
    expect(run.stdout).toMatch(/\| 1 \| 湖滨街道 \| 99\.80 \| 99\.80 \| ↑\d+\.\d\d \| ↑2 \|/);
    expect(run.stdout).toContain('| 2 | 南山区 | 63.18 | 63.18 | ↓36.82 | ↓1 | 合格 | 黑榜 |');
  });

  it('renders a rollup (civscore/rollup@1): ranking and lists only', async () => {
    const rollup = path.join(tempDir(), 'q4.json');
    writeFileSync(rollup, JSON.stringify({
      schema: 'civscore/rollup@1',
      period: '2026-Q4',
      periods: ['2026-10', '2026-11', '2026-12'],
      units: [
        { id: 'D01', name: '北湖区', group: '城区', total: 95.5, periods: 3, rank: 1, grade: '优秀', red: true, black: false },
        { id: 'D02', name: '南山区', group: '城区', total: 80.25, periods: 2, rank: 2, grade: '良好', red: false, black: true },
        { id: 'B05', name: '市市场监管局', group: '市直单位', total: null, periods: 0, rank: null, grade: null, red: false, black: false },
      ],
    }));
    const run = await runCli(['report', rollup, '--format', 'md', '--rules', 'fixtures/small/rules.yaml']);
    expect(run.code).toBe(0);
    expect(run.stdout.startsWith('# 测试市文明城市实地考察模拟测评细则 2026-Q4 模拟测评情况通报\n')).toBe(true);
    expect(run.stdout).toContain('- 汇总期：2026-10、2026-11、2026-12');
    expect(run.stdout).toContain('| 排名 | 单位 | 总分 | 测评期数 | 等级 | 红榜/黑榜 |');
    expect(run.stdout).toContain('| 1 | 北湖区 | 95.50 | 3 | 优秀 | 红榜 |');
    expect(run.stdout).toContain('| — | 市市场监管局 | 未测评 | 0 |  |  |');
    expect(run.stdout).not.toContain('测评项目得分');
    const table = await runCli(['report', rollup, '--format', 'table', '--rules', 'fixtures/small/rules.yaml']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/1\s+北湖区\s+95\.50\s+3\s+优秀\s+红榜/);
  });
});

describe('report refuses bad input and bad usage', () => {
  it('names a malformed results file and exits 1', async () => {
    const dir = tempDir();
    const broken = path.join(dir, 'results.json');
    writeFileSync(broken, '{\n  "schema": "civscore/results@1",\n  "units": [,]\n}\n');
    const run = await runCli(['report', broken]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/results\.json:3:\d+: error: not valid JSON.*\[REPORT_BAD_JSON\]/);
  });

  it('names a JSON file that is not a results.json and says what is wrong', async () => {
    const file = path.join(tempDir(), 'other.json');
    writeFileSync(file, JSON.stringify({ schema: 'civscore/results@1', period: '2026-10', units: 'no' }));
    const run = await runCli(['report', file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/other\.json:1: error: not a civscore results\.json or rollup: .*\[REPORT_NOT_RESULTS\]/);
  });

  it('reports a missing file with exit 1', async () => {
    const run = await runCli(['report', 'no/such/results.json']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('[FILE_NOT_FOUND]');
  });

  it('needs --out for xlsx and pdf (exit 2) and knows only its formats', async () => {
    for (const format of ['xlsx', 'pdf']) {
      const run = await runCli(['report', 'whatever.json', '--format', format]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('[REPORT_OUT_REQUIRED]');
    }
    const unknown = await runCli(['report', 'whatever.json', '--format', 'docx']);
    expect(unknown.code).toBe(2);
  });

  it('says what to install when there is no Chromium for pdf (exit 2)', async () => {
    const run = await runCli(['report', 'whatever.json', '--format', 'pdf', '--out', path.join(tempDir(), 'r.pdf')], { CHROME_PATH: '/nonexistent/chromium' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('apt-get install chromium fonts-noto-cjk');
    expect(run.stderr).toContain('CHROME_PATH');
  });

  it('will not overwrite its input or a sibling file', async () => {
    const results = path.join(await scoreSmall(), 'results.json');
    const run = await runCli(['report', results, '--format', 'md', '--out', path.join(path.dirname(results), 'ledger.csv')]);
    expect(run.code).toBe(2);
    expect(readFileSync(path.join(path.dirname(results), 'ledger.csv'), 'utf8')).toContain('单位编号');
  });

  it('warns when --rules is not the rule set the results were scored with', async () => {
    const results = path.join(await scoreSmall(), 'results.json');
    const run = await runCli(['report', results, '--format', 'md', '--rules', 'rules']);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('[REPORT_RULES_DIFFER]');
  });

  it('stops with exit 1 on a --rules that does not exist', async () => {
    const results = path.join(await scoreSmall(), 'results.json');
    const run = await runCli(['report', results, '--rules', 'no/such/rules.yaml']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('[RULES_NOT_FOUND]');
  });

  it('ignores a ledger.csv from another run, with a warning', async () => {
    const results = path.join(await scoreSmall(), 'results.json');
    const ledger = path.join(path.dirname(results), 'ledger.csv');
    writeFileSync(ledger, readFileSync(ledger, 'utf8').split('\r\n').slice(0, 3).join('\r\n') + '\r\n');
    const run = await runCli(['report', results, '--format', 'md']);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('[REPORT_SIBLING_UNUSED]');
  });
});
