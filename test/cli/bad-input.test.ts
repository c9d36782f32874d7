import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const RULES = 'fixtures/small/rules.yaml';

function write(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

const HEADER = 'record_id,date,site_id,item_code,count\n';

describe('bad records (§6): exit 1, every error with FILE:LINE:COL, nothing written', () => {
  const cases: [string, string, RegExp][] = [
    ['unknown site', 'R1,2026-10-01,S99,C01-01,1\n', /r\.csv:2:3: error: unknown site "S99".*\[REC_UNKNOWN_SITE\]/],
    ['unknown item', 'R1,2026-10-01,S01,C01-99,1\n', /r\.csv:2:4: error: unknown item "C01-99".*\[REC_UNKNOWN_ITEM\]/],
    ['item of another category', 'R1,2026-10-01,S01,C02-01,1\n', /r\.csv:2:4: .*belongs to category C02, but site S01 is of category C01.*\[REC_ITEM_WRONG_CATEGORY\]/],
    ['zero count', 'R1,2026-10-01,S01,C01-01,0\n', /r\.csv:2:5: .*count "0".*\[REC_BAD_COUNT\]/],
    ['fractional count', 'R1,2026-10-01,S01,C01-01,1.5\n', /r\.csv:2:5: .*\[REC_BAD_COUNT\]/],
    ['count without item', 'R1,2026-10-01,S01,,2\n', /r\.csv:2:5: .*\[REC_COUNT_WITHOUT_ITEM\]/],
    ['impossible date', 'R1,2026-02-30,S01,C01-01,1\n', /r\.csv:2:2: .*date "2026-02-30".*\[REC_BAD_DATE\]/],
    ['duplicate record id', 'R1,2026-10-01,S01,C01-01,1\nR1,2026-10-02,S02,,\n', /r\.csv:3:1: .*duplicate record_id "R1" \(first at .*r\.csv:2\).*\[REC_DUPLICATE_ID\]/],
    ['empty site', 'R1,2026-10-01,,C01-01,1\n', /r\.csv:2:3: .*\[REC_MISSING_SITE\]/],
    ['unclosed quote', 'R1,2026-10-01,S01,"C01-01,1\nR2,2026-10-01,S02,,\n', /r\.csv:2:19: error: malformed CSV: quoted field opened at line 2 is never closed \[REC_CSV_SYNTAX\]/],
  ];
  for (const [name, body, expected] of cases) {
    it(name, async () => {
      const dir = tempDir();
      const records = write(dir, 'r.csv', HEADER + body);
      const out = path.join(dir, 'out');
      const run = await runCli(['score', '--rules', RULES, '--records', records, '--out', out]);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(expected);
      expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(existsSync(out)).toBe(false);
    });
  }

  it('a date outside --period', async () => {
    const dir = tempDir();
    const records = write(dir, 'r.csv', `${HEADER}R1,2026-09-30,S01,C01-01,1\n`);
    const run = await runCli(['score', '--rules', RULES, '--records', records, '--period', '2026-10', '--out', path.join(dir, 'o')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/r\.csv:2:2: .*date 2026-09-30 is outside the period 2026-10.*\[REC_DATE_OUTSIDE_PERIOD\]/);
  });

  it('a header without a site column', async () => {
    const dir = tempDir();
    const records = write(dir, 'r.csv', 'date,item\n2026-10-01,C01-01\n');
    const run = await runCli(['check', '--rules', RULES, '--records', records]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/r\.csv:1:1: .*no site column.*\[REC_MISSING_COLUMN\]/);
  });

  it('reports every error of every file in one run, capped at 50 with a count of the rest', async () => {
    const dir = tempDir();
    const rows = Array.from({ length: 70 }, (_, i) => `R${i},2026-10-01,X${i},,\n`).join('');
    const a = write(dir, 'a.csv', HEADER + rows);
    const b = write(dir, 'b.csv', `${HEADER}Q1,2026-10-01,S01,C09-01,1\n`);
    const run = await runCli(['score', '--rules', RULES, '--records', b, a, '--out', path.join(dir, 'o')]);
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines.filter((l) => l.includes('[REC_')).length).toBe(50);
    expect(run.stderr).toContain('… and 21 more errors');
    expect(run.stderr).toContain('71 errors; nothing was written.');
    expect(lines[0]).toMatch(/a\.csv:2:3:/); // sorted by file and line, not by argument order
  });

  it('--skip-invalid writes rejected.csv and accounts for every record', async () => {
    const dir = tempDir();
    const records = write(dir, 'r.csv', `${HEADER}R1,2026-10-01,S01,C01-01,2\nR2,2026-10-01,S99,,\n\n,,, ,\nR3,2026-10-01,S02,C01-02,x\nR4,2026-10-02,S02,,\n`);
    const out = path.join(dir, 'out');
    const run = await runCli(['score', '--rules', RULES, '--records', records, '--out', out, '--skip-invalid']);
    expect(run.code).toBe(0);
    const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8'));
    expect(results.summary).toMatchObject({ records: 4, accepted: 2, rejected: 2 });
    const rejected = readFileSync(path.join(out, 'rejected.csv'), 'utf8').trim().split('\r\n');
    expect(rejected).toHaveLength(3);
    expect(rejected[1]).toMatch(/r\.csv,3,S99,.*REC_UNKNOWN_SITE/);
    expect(rejected[2]).toMatch(/r\.csv,6,S02,C01-02,x,.*REC_BAD_COUNT/); // line 5 is a cleared row (,,,,): not a record
    expect(run.stderr).toContain('skipped 2 invalid records');
  });
});

describe('usage errors exit 2 and keep outputs intact', () => {
  it('unknown option, missing records, bad period, missing file', async () => {
    expect((await runCli(['score', '--bogus'])).code).toBe(2);
    expect((await runCli(['score', '--rules', RULES])).code).toBe(2);
    const period = await runCli(['score', '--rules', RULES, '--records', 'fixtures/small/records.csv', '--period', '2026-13']);
    expect(period.code).toBe(2);
    expect(period.stderr).toContain('--period must be YYYY-MM');
    const missing = await runCli(['score', '--rules', RULES, '--records', 'no/such.csv']);
    expect([missing.code, missing.stderr]).toEqual([2, 'civscore: file not found: no/such.csv\n']);
    expect((await runCli(['frobnicate'])).code).toBe(2);
  });

  it('--out naming a file, or an input, is refused before anything is written', async () => {
    const dir = tempDir();
    const file = write(dir, 'plain.txt', 'keep me');
    const run = await runCli(['score', '--rules', RULES, '--records', 'fixtures/small/records.csv', '--out', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('is not a folder');
    expect(readFileSync(file, 'utf8')).toBe('keep me');
    const records = write(dir, 'in/results.json', readFileSync('fixtures/small/records.csv', 'utf8'));
    const clash = await runCli(['score', '--rules', RULES, '--records', records, '--out', path.join(dir, 'in')]);
    expect(clash.code).toBe(2);
    expect(clash.stderr).toContain('would overwrite an input file');
  });

  it('--help and --version exit 0', async () => {
    const help = await runCli(['score', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--skip-invalid');
    const version = await runCli(['--version']);
    expect([version.code, version.stdout.trim()]).toEqual([0, JSON.parse(readFileSync('package.json', 'utf8')).version]);
  });
});

describe('check', () => {
  it('passes valid rules and records and lists counts', async () => {
    const run = await runCli(['check', '--rules', RULES, '--records', 'fixtures/small/records.csv']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('7 units, 3 categories, 8 items, 8 sites');
    expect(run.stdout).toContain('records OK: fixtures/small/records.csv (utf-8, 10 rows)');
  });

  it('agrees with score on invalid records', async () => {
    const dir = tempDir();
    const records = write(dir, 'r.csv', `${HEADER}R1,2026-10-01,S99,,\n`);
    const check = await runCli(['check', '--rules', RULES, '--records', records]);
    const score = await runCli(['score', '--rules', RULES, '--records', records, '--out', path.join(dir, 'o')]);
    expect(check.code).toBe(1);
    expect(score.code).toBe(1);
    expect(check.stderr).toBe(score.stderr);
  });
});

describe('hostile values stay readable and bounded', () => {
  it('escapes control characters and cuts long values in messages', async () => {
    const dir = tempDir();
    const long = 'X'.repeat(5000);
    const records = write(dir, 'r.csv', `${HEADER}R1,2026-10-01,S0\u00001,,\nR2,2026-10-01,"S0\n1",,\nR3,2026-10-01,${long},,\n`);
    const run = await runCli(['check', '--rules', RULES, '--records', records]);
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/r\.csv:2:3: error: unknown site "S0\\x001"/);
    expect(lines[1]).toMatch(/r\.csv:3:3: error: unknown site "S0\\n1"/);
    expect(lines[2]).toMatch(/r\.csv:5:3: error: unknown site "X{200}…\(\+4800\)"/);
    expect(lines[2]!.length).toBeLessThan(400);
  });

  it('counts every error of a wrong rule set without keeping every rejected row', async () => {
    const dir = tempDir();
    const rows = Array.from({ length: 3000 }, (_, i) => `R${i},2026-10-01,Z${i},,\n`).join('');
    const records = write(dir, 'r.csv', HEADER + rows);
    const run = await runCli(['score', '--rules', RULES, '--records', records, '--out', path.join(dir, 'o')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('… and 2950 more errors');
    expect(run.stderr).toContain('3000 errors; nothing was written.');
  });

  it('rejects a previous results file with an impossible total, and points at a JSON syntax error', async () => {
    const dir = tempDir();
    // 1e400 parses as Infinity.
    const infinite = write(dir, 'inf.json', readFileSync('test/cli/golden/small/results.json', 'utf8').replace('"total": 97.99', '"total": 1e400'));
    const run = await runCli(['score', '--rules', RULES, '--records', 'fixtures/small/records.csv', '--previous', infinite, '--out', path.join(dir, 'o')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/inf\.json:1: error: not a civscore results file: unit D01: total is not a non-negative number \[PREV_INVALID\]/);
    const broken = write(dir, 'broken.json', '{\n  "schema": "civscore/results@1",\n  "period": "2026-10" "units": []\n}\n');
    const syntax = await runCli(['score', '--rules', RULES, '--records', 'fixtures/small/records.csv', '--previous', broken, '--out', path.join(dir, 'o')]);
    expect(syntax.stderr).toMatch(/broken\.json:3:23: error: not a civscore results file: .*\[PREV_INVALID\]\n/);
  });

  it('checks --out before reading anything', async () => {
    const dir = tempDir();
    const file = write(dir, 'plain.txt', 'x');
    const run = await runCli(['score', '--rules', RULES, '--records', 'no/such.csv', '--out', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('is not a folder');
  });
});
