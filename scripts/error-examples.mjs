#!/usr/bin/env node
// Produces a real example of every diagnostic code (and of the usage errors) by running the built CLI on
// small broken inputs, in English and Chinese: the examples in docs/errors.md come from here.
//
//   node scripts/error-examples.mjs [--json] [CODE…]
//
// Prints, per case: the exit code and the message line(s) in both languages (JSON with --json).

import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = process.env.CIVSCORE_BIN ?? path.join(ROOT, 'bin', 'civscore.js');
const SMALL = readFileSync(path.join(ROOT, 'fixtures/small/rules.yaml'), 'utf8');
const RECORDS = readFileSync(path.join(ROOT, 'fixtures/small/records.csv'), 'utf8');
const DEMO = readFileSync(path.join(ROOT, 'fixtures/demo/2026-09.csv'), 'utf8');
const COMPONENTS = readFileSync(path.join(ROOT, 'fixtures/demo/components-2026-09.csv'), 'utf8');
const HEADER = 'record_id,date,site_id,item_code,count\n';

const small = (edit) => ({ 'rules.yaml': edit(SMALL) });
const rulesCheck = ['check', '--rules', 'rules.yaml'];
const records = (body, extra = {}) => ({ 'rules.yaml': SMALL, 'r.csv': HEADER + body, ...extra });
const recordsCheck = ['check', '--rules', 'rules.yaml', '--records', 'r.csv'];
const demo = (components) => ({ 'r.csv': DEMO, 'c.csv': components });
const demoScore = ['score', '--records', 'r.csv', '--components', 'c.csv', '--out', 'out'];

/** Steps run before the case's own command (to make results files), in the same folder. */
const scoreSmall = (out, recordsFile = path.join(ROOT, 'fixtures/small/records.csv'), extra = []) => [
  'score', '--rules', path.join(ROOT, 'fixtures/small/rules.yaml'), '--records', recordsFile, '--out', out, ...extra,
];
const SEPTEMBER = { 'sep.csv': RECORDS.replace(/2026-10-/g, '2026-09-') };

export const CASES = [
  // ---- rule sets
  { code: 'RULES_NOT_FOUND', files: {}, args: ['report', 'r.json', '--rules', 'missing/'], before: [scoreSmall('o')], setup: (d) => cpSync(path.join(d, 'o/results.json'), path.join(d, 'r.json')) },
  { code: 'RULES_NO_YAML', files: { 'rules/README.txt': 'no yaml here\n' }, args: ['check', '--rules', 'rules'] },
  { code: 'RULES_YAML_SYNTAX', files: small((t) => t.replace('  - { id: D02, name: 南山区, group: 城区 }', '  - { id: D02, name: 南山区, group: 城区')), args: rulesCheck },
  { code: 'RULES_NOT_MAPPING', files: { 'rules.yaml': '- units\n- sites\n' }, args: rulesCheck },
  { code: 'RULES_MERGE_CONFLICT', files: { 'rules/a.yaml': SMALL, 'rules/b.yaml': 'ruleset: { name: 另一套细则 }\n' }, args: ['check', '--rules', 'rules'] },
  { code: 'RULES_UNKNOWN_KEY', files: small((t) => t.replace('points: 0.5 }', 'pionts: 0.5 }')), args: rulesCheck },
  { code: 'RULES_MISSING_KEY', files: small((t) => t.replace('category: C01, unit: J0102,', 'category: C01,')), args: rulesCheck },
  { code: 'RULES_TYPE', files: small((t) => t.replace('weight: 4', 'weight: 四')), args: rulesCheck },
  { code: 'RULES_ENUM', files: small((t) => t.replace('unit_score: weighted_mean', 'unit_score: average')), args: rulesCheck },
  { code: 'RULES_RANGE', files: small((t) => t.replace('points: 2 }', 'points: -2 }')), args: rulesCheck },
  { code: 'RULES_DECIMALS', files: small((t) => t.replace('points: 0.5 }', 'points: 0.125 }')), args: rulesCheck },
  { code: 'RULES_SCHEMA', files: small((t) => t.replace('      - { code: C03-01, text: 站牌清晰完好, points: 0.75 }\n      - { code: C03-02, text: 公益广告不少于2处, points: 1, cap: 2 }', '      []').replace('    items:\n      []', '    items: []')), args: rulesCheck },
  { code: 'RULES_DUPLICATE_ID', files: small((t) => t.replace('id: D02, name: 南山区', 'id: D01, name: 南山区')), args: rulesCheck },
  { code: 'RULES_UNKNOWN_REF', files: small((t) => t.replace('category: C01, unit: J0102,', 'category: C01, unit: J0109,')), args: rulesCheck },
  { code: 'RULES_PARENT_CYCLE', files: small((t) => t.replace('{ id: D01, name: 北湖区, group: 城区 }', '{ id: D01, name: 北湖区, group: 城区, parent: J0101 }')), args: rulesCheck },
  { code: 'RULES_CAP_BELOW_POINTS', files: small((t) => t.replace('points: 1.25, cap: 2.5', 'points: 1.25, cap: 1')), args: rulesCheck },
  { code: 'RULES_ITEM_NO_POINTS', files: small((t) => t.replace('text: 设置公平秤, points: 2', 'text: 设置公平秤')), args: rulesCheck },
  { code: 'RULES_GRADE_DUPLICATE_MIN', files: small((t) => t.replace('{ name: 良好, min: 80 }', '{ name: 良好, min: 90 }')), args: rulesCheck },
  { code: 'RULES_ABOVE_FULL_SCORE', files: small((t) => t.replace('{ name: 优秀, min: 90 }', '{ name: 优秀, min: 120 }')), args: rulesCheck },
  { code: 'RULES_COMPONENTS_NO_FIELD', files: small((t) => t.replace('  black_list: 1\n', '  black_list: 1\n  components: { survey: 1 }\n')), args: rulesCheck },
  { code: 'RULES_ALIAS_LIMIT', files: small((t) => t + 'x0: &x0 [a, a, a, a, a, a, a, a, a, a]\n' + Array.from({ length: 6 }, (_, i) => `x${i + 1}: &x${i + 1} [${Array(10).fill(`*x${i}`).join(', ')}]\n`).join('')), args: rulesCheck },
  { code: 'RULES_TOO_LARGE', files: small((t) => t + `# ${'x'.repeat(3 << 20)}\n`), args: rulesCheck },
  { code: 'RULES_TOO_DEEP', files: small((t) => t.replace('ruleset: {', `extra: ${'['.repeat(100)}${']'.repeat(100)}\nruleset: {`)), args: rulesCheck },
  { code: 'RULES_TOO_MANY_ENTRIES', files: small((t) => t + `extra: [${Array(250_000).fill('1').join(',')}]\n`), args: rulesCheck },
  { code: 'RULES_DUPLICATE_KEY', files: small((t) => t.replace('{ id: S01, name: 人民路,', '{ id: S01, name: 人民路, id: S09,')), args: rulesCheck },
  { code: 'RULES_ENCODING', files: { 'rules.yaml': Buffer.concat([Buffer.from(SMALL.slice(0, SMALL.indexOf('units:'))), Buffer.from('# 说明：'), Buffer.from([0xb1, 0xb1, 0xba, 0xfe, 0x0a]), Buffer.from(SMALL.slice(SMALL.indexOf('units:')))]) }, args: rulesCheck },
  { code: 'FILE_UNREADABLE', files: {}, args: ['check', '--rules', '/dev/null'] },
  { code: 'FILE_NOT_FOUND', files: { ...records('R1,2026-10-01,S01,,\n') }, args: [...recordsCheck, '--previous', 'out/2026-09/results.json'] },
  // ---- records
  { code: 'REC_ENCODING', files: records('', { 'r.csv': Buffer.concat([Buffer.from('record_id,date,site_id,item_code,count,note\nR1,2026-10-01,S01,C01-01,1,路面坑洼两处\n'), Buffer.from('R2,2026-10-01,S02,,,', 'latin1'), Buffer.from([0xc0, 0xee, 0xcb, 0xc4]), Buffer.from('\n')]) }), args: recordsCheck },
  { code: 'REC_CSV_SYNTAX', files: records('R1,2026-10-01,S01,"C01-01,1\nR2,2026-10-01,S02,,\n'), args: recordsCheck },
  { code: 'REC_EMPTY_FILE', files: records('', { 'r.csv': '' }), args: recordsCheck },
  { code: 'REC_MISSING_COLUMN', files: records('', { 'r.csv': 'date,item_code\n2026-10-01,C01-01\n' }), args: recordsCheck },
  { code: 'REC_DUPLICATE_COLUMN', files: records('', { 'r.csv': 'site_id,点位编号,item_code\nS01,S01,C01-01\n' }), args: recordsCheck },
  { code: 'REC_EXTRA_FIELDS', files: records('R1,2026-10-01,S01,C01-01,1,路面坑洼\n'), args: recordsCheck },
  { code: 'REC_MISSING_SITE', files: records('R1,2026-10-01,,C01-01,1\n'), args: recordsCheck },
  { code: 'REC_UNKNOWN_SITE', files: records('R1,2026-10-01,S99,C01-01,1\n'), args: recordsCheck },
  { code: 'REC_UNKNOWN_ITEM', files: records('R1,2026-10-01,S01,C01-99,1\n'), args: recordsCheck },
  { code: 'REC_ITEM_WRONG_CATEGORY', files: records('R1,2026-10-01,S01,C02-01,1\n'), args: recordsCheck },
  { code: 'REC_BAD_COUNT', files: records('R1,2026-10-01,S01,C01-01,两处\n'), args: recordsCheck },
  { code: 'REC_COUNT_WITHOUT_ITEM', files: records('R1,2026-10-01,S01,,2\n'), args: recordsCheck },
  { code: 'REC_BAD_DATE', files: records('R1,2026-02-30,S01,C01-01,1\n'), args: recordsCheck },
  { code: 'REC_DATE_OUTSIDE_PERIOD', files: records('R1,2026-09-30,S01,C01-01,1\n'), args: [...recordsCheck, '--period', '2026-10'] },
  { code: 'REC_DUPLICATE_ID', files: records('R1,2026-10-01,S01,C01-01,1\nR1,2026-10-02,S02,,\n'), args: recordsCheck },
  { code: 'REC_TOO_MANY_ROWS', slow: true, files: records('', { 'r.csv': 'site_id\n' + 'S01\n'.repeat(50_000_001) }), args: recordsCheck },
  { code: 'REC_TOO_MANY_FIELDS', files: records('', { 'r.csv': `site_id${','.repeat(200_000)}\nS01\n` }), args: recordsCheck },
  { code: 'REC_FIELD_TOO_LARGE', files: records(`R1,2026-10-01,S01,C01-01,1\nR2,2026-10-01,S02,,,"${'长'.repeat(2_000_000)}"\n`), args: recordsCheck },
  // ---- components, previous results, period
  { code: 'COMP_NOT_CONFIGURED', files: records('R1,2026-10-01,S01,,\n', { 'c.csv': 'unit_id,component,score\nD01,survey,90\n' }), args: [...recordsCheck, '--components', 'c.csv'] },
  { code: 'COMP_FILE_MISSING', files: { 'r.csv': DEMO }, args: ['score', '--records', 'r.csv', '--out', 'out'] },
  { code: 'COMP_UNKNOWN_UNIT', files: demo(COMPONENTS + 'D99,survey,90\n'), args: demoScore },
  { code: 'COMP_UNKNOWN_COMPONENT', files: demo(COMPONENTS + 'D01,materials,90\n'), args: demoScore },
  { code: 'COMP_FIELD_GIVEN', files: demo(COMPONENTS + 'D01,field,90\n'), args: demoScore },
  { code: 'COMP_BAD_SCORE', files: demo(COMPONENTS.replace('D01,survey,87.93', 'D01,survey,879.3')), args: demoScore },
  { code: 'COMP_DUPLICATE', files: demo(COMPONENTS + 'D01,问卷调查,88\n'), args: demoScore },
  { code: 'COMP_MISSING', files: demo(COMPONENTS.replace('D02,survey,91.95\n', '')), args: demoScore },
  { code: 'PREV_INVALID', files: records('R1,2026-10-01,S01,,\n', { 'prev.json': '{ "schema": "civscore/results@1", "units": [ { "id": "D01", "total": "97.5" } ], "sites": [] }\n' }), args: [...recordsCheck, '--previous', 'prev.json'] },
  { code: 'PERIOD_MIXED', files: records('R1,2026-09-30,S01,,\nR2,2026-10-01,S02,,\n'), args: recordsCheck },
  { code: 'PERIOD_UNKNOWN', files: records('', { 'r.csv': 'site_id,item_code\nS01,C01-01\n' }), args: recordsCheck },
  { code: 'MORE_ERRORS', files: records(Array.from({ length: 60 }, (_, i) => `R${i},2026-10-01,X${i},,\n`).join('')), args: recordsCheck },
  // ---- across periods
  { code: 'PERIODS_NO_PERIOD', files: { ...SEPTEMBER, 'u.csv': 'site_id,item_code\nS01,C01-01\n' }, before: [scoreSmall('o9', 'sep.csv'), ['score', '--rules', path.join(ROOT, 'fixtures/small/rules.yaml'), '--records', 'u.csv', '--out', 'ou']], args: ['trend', 'o9/results.json', 'ou/results.json'] },
  { code: 'PERIODS_DUPLICATE_PERIOD', files: {}, before: [scoreSmall('a'), scoreSmall('b')], args: ['trend', 'a/results.json', 'b/results.json'] },
  { code: 'PERIODS_NOT_RESULTS', files: { 'x.json': '{ "schema": "civscore/rollup@1", "period": "2026-Q4" }\n' }, before: [scoreSmall('a')], args: ['trend', 'a/results.json', 'x.json'] },
  { code: 'DIFF_REVERSED', files: SEPTEMBER, before: [scoreSmall('o9', 'sep.csv'), scoreSmall('o10')], args: ['diff', 'o10/results.json', 'o9/results.json'] },
  { code: 'TREND_TOO_FEW_PERIODS', files: {}, before: [scoreSmall('a')], args: ['trend', 'a/results.json'] },
  { code: 'ROLLUP_UNKNOWN_UNIT', files: {}, before: [scoreSmall('a')], setup: (d) => { const f = path.join(d, 'a/results.json'); writeFileSync(f, readFileSync(f, 'utf8').replaceAll('"B07"', '"B77"')); }, args: ['rollup', 'a/results.json', '--period', '2026-Q4'] },
  { code: 'EXPLAIN_UNKNOWN_UNIT', files: {}, before: [scoreSmall('a')], args: ['explain', 'a/results.json', '--unit', 'D1'] },
  { code: 'EXPLAIN_UNKNOWN_SITE', files: {}, before: [scoreSmall('a')], args: ['explain', 'a/results.json', '--site', 'S1'] },
  { code: 'EXPLAIN_NO_LEDGER', files: {}, before: [scoreSmall('a')], setup: (d) => rmSync(path.join(d, 'a/ledger.csv')), args: ['explain', 'a/results.json', '--site', 'S01', '--rules', path.join(ROOT, 'fixtures/small/rules.yaml')] },
  { code: 'EXPLAIN_LEDGER_BAD', files: {}, before: [scoreSmall('a')], setup: (d) => writeFileSync(path.join(d, 'a/ledger.csv'), '点位编号,数量\nS01,"2\n'), args: ['explain', 'a/results.json', '--site', 'S01', '--rules', path.join(ROOT, 'fixtures/small/rules.yaml')] },
  { code: 'EXPLAIN_RULES_DIFFER', files: { 'rules.yaml': SMALL.replace('version: "2026.1"', 'version: "2026.2"') }, before: [scoreSmall('a')], args: ['explain', 'a/results.json', '--site', 'S01', '--rules', 'rules.yaml'] },
  { code: 'EXPLAIN_RULES_UNKNOWN', files: {}, before: [scoreSmall('a')], args: ['explain', 'a/results.json', '--unit', 'D01'] },
  { code: 'EXPLAIN_MISMATCH', files: {}, before: [scoreSmall('a')], setup: (d) => { const f = path.join(d, 'a/ledger.csv'); writeFileSync(f, readFileSync(f, 'utf8').replace(',4,1,1,4,3,', ',4,1,1,4,2,')); }, args: ['explain', 'a/results.json', '--site', 'S01', '--rules', path.join(ROOT, 'fixtures/small/rules.yaml')] },
  { code: 'SAMPLE_NO_QUOTA', files: {}, args: ['sample', '--rules', path.join(ROOT, 'fixtures/small/rules.yaml'), '--seed', '7'] },
  { code: 'REPORT_BAD_JSON', files: { 'r.json': '{ "schema": "civscore/results@1",\n  "units": [ }\n' }, args: ['report', 'r.json'] },
  { code: 'REPORT_NOT_RESULTS', files: { 'r.json': '{ "schema": "something/else@1" }\n' }, args: ['report', 'r.json'] },
  { code: 'REPORT_SIBLING_UNUSED', files: {}, before: [scoreSmall('a')], setup: (d) => writeFileSync(path.join(d, 'a/ledger.csv'), '\ufeff单位编号\r\nJ0101\r\n'), args: ['report', 'a/results.json', '--rules', path.join(ROOT, 'fixtures/small/rules.yaml')] },
  { code: 'REPORT_NO_NAMES', files: {}, before: [scoreSmall('a')], setup: (d) => { rmSync(path.join(d, 'a/ledger.csv')); rmSync(path.join(d, 'a/sites.csv')); }, args: ['report', 'a/results.json'] },
  { code: 'REPORT_RULES_DIFFER', files: { 'rules.yaml': SMALL.replace('version: "2026.1"', 'version: "2026.2"') }, before: [scoreSmall('a')], args: ['report', 'a/results.json', '--rules', 'rules.yaml'] },
  { code: 'REPORT_UNITS_NOT_IN_RULES', files: {}, before: [scoreSmall('a'), ['rollup', 'a/results.json', '--period', '2026-Q4', '--rules', path.join(ROOT, 'fixtures/small/rules.yaml'), '--out', 'q.json']], args: ['report', 'q.json', '--rules', path.join(ROOT, 'rules')] },
  { code: 'REPORT_OUT_REQUIRED', files: {}, before: [scoreSmall('a')], args: ['report', 'a/results.json', '--format', 'xlsx'] },
  { code: 'REPORT_NO_BROWSER', files: {}, env: { CHROME_PATH: '/opt/no-such-chromium' }, before: [scoreSmall('a')], args: ['report', 'a/results.json', '--format', 'pdf', '--out', 'r.pdf'] },
  { code: 'REPORT_BROWSER_FAILED', files: {}, env: { CHROME_PATH: '/bin/false' }, before: [scoreSmall('a')], args: ['report', 'a/results.json', '--format', 'pdf', '--out', 'r.pdf'] },
  // ---- usage errors (exit 2): no code, `civscore: message`
  { usage: 'unknown option', files: {}, args: ['score', '--record', 'r.csv'] },
  { usage: 'missing records file', files: { 'rules.yaml': SMALL }, args: ['score', '--rules', 'rules.yaml', '--records', 'nov.csv'] },
  { usage: 'records path is a folder', files: { 'rules.yaml': SMALL, 'data/x': '' }, args: ['check', '--rules', 'rules.yaml', '--records', 'data'] },
  { usage: 'no records', files: {}, args: ['score', '--records'] },
  { usage: 'bad --period', files: records('R1,2026-10-01,S01,,\n'), args: [...recordsCheck, '--period', '2026-10-01'] },
  { usage: 'rule set not found', files: records('R1,2026-10-01,S01,,\n'), args: ['check', '--rules', 'rules-2025.yaml', '--records', 'r.csv'] },
  { usage: 'bad --encoding', files: records('R1,2026-10-01,S01,,\n'), args: [...recordsCheck, '--encoding', 'big5'] },
  { usage: 'bad --delimiter', files: records('R1,2026-10-01,S01,,\n'), args: [...recordsCheck, '--delimiter', ';;'] },
  { usage: '--out is a file', files: { ...records('R1,2026-10-01,S01,,\n'), 'notes.txt': 'x' }, args: ['score', '--rules', 'rules.yaml', '--records', 'r.csv', '--out', 'notes.txt'] },
  { usage: '--out is an input', files: records('R1,2026-10-01,S01,,\n'), args: ['score', '--rules', 'rules.yaml', '--records', 'r.csv', '--out', 'r.csv'] },
  { usage: '--out would overwrite an input', files: { 'rules.yaml': SMALL, 'out/ledger.csv': HEADER + 'R1,2026-10-01,S01,,\n' }, args: ['score', '--rules', 'rules.yaml', '--records', 'out/ledger.csv', '--out', 'out'] },
  { usage: '--out under a file', files: { ...records('R1,2026-10-01,S01,,\n'), 'notes.txt': 'x' }, args: ['score', '--rules', 'rules.yaml', '--records', 'r.csv', '--out', 'notes.txt/out'] },
  { usage: 'explain without --unit/--site', files: {}, before: [scoreSmall('a')], args: ['explain', 'a/results.json'] },
  { usage: 'bad --streak', files: {}, before: [scoreSmall('a')], args: ['trend', 'a/results.json', '--streak', '0'] },
  { usage: 'bad --weights', files: {}, before: [scoreSmall('a')], args: ['rollup', 'a/results.json', '--period', '2026-Q4', '--weights', 'x'] },
  { usage: 'report --out is a folder', files: { 'o/x': '' }, before: [scoreSmall('a')], args: ['report', 'a/results.json', '--out', 'o'] },
  { usage: 'empty --seed', files: {}, args: ['sample', '--seed', ' '] },
];

function run(dir, args, env = {}, language = 'en') {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: dir, encoding: 'utf8', maxBuffer: 64 << 20,
    env: { ...process.env, NO_COLOR: '1', CIVSCORE_LANG: language, LANG: 'C', ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function example(testCase, language) {
  const dir = mkdtempSync(path.join(tmpdir(), 'civscore-example-'));
  try {
    for (const [name, content] of Object.entries(testCase.files)) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), content);
    }
    for (const step of testCase.before ?? []) {
      const r = run(dir, step);
      if (r.code !== 0) throw new Error(`setup ${step.join(' ')} failed: ${r.stderr}`);
    }
    testCase.setup?.(dir);
    const r = run(dir, testCase.args, testCase.env, language);
    const lines = `${r.stderr}\n${r.stdout}`.split('\n');
    const shown = testCase.code
      ? lines.filter((l) => l.includes(`[${testCase.code}]`)).slice(0, 2)
      : lines.filter((l) => /^civscore: |^error: /.test(l)).slice(0, 2);
    return { code: r.code, lines: shown.map((l) => (l.length > 400 ? `${l.slice(0, 400)}…` : l)) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const argv = process.argv.slice(2);
const json = argv.includes('--json');
const only = new Set(argv.filter((a) => !a.startsWith('--')));
const selected = CASES.filter((c) => (only.size === 0 ? !c.slow : only.has(c.code ?? c.usage)));
const out = [];
for (const c of selected) {
  const en = example(c, 'en');
  const zh = example(c, 'zh');
  out.push({ code: c.code, usage: c.usage, command: `civscore ${c.args.join(' ')}`, exit: en.code, en: en.lines, zh: zh.lines });
  if (!json) {
    console.log(`## ${c.code ?? `usage: ${c.usage}`}  (exit ${en.code})\n$ civscore ${c.args.join(' ').slice(0, 200)}`);
    for (const l of [...en.lines, ...zh.lines]) console.log(l);
    if (en.lines.length === 0) console.log('(no such line printed!)');
    console.log('');
  }
}
if (json) console.log(JSON.stringify(out, null, 2));
