// Fuzzing civscore's readers (issue 7): mutated real files and hand-made hostile ones are fed to the built
// CLI (`node bin/civscore.js`) in a child process with a bounded heap and a timeout, and every run is
// judged: it must succeed, or fail with exit 1 and a clear `FILE:LINE` error — never exit 3, a signal, a
// hang or unbounded memory. Used by scripts/fuzz.mjs (long random campaigns) and
// test/reliability/fuzz.test.ts (a short deterministic one).

import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The CLI under test: the project's own build, or CIVSCORE_FUZZ_BIN (e.g. a snapshot built elsewhere). */
const BIN = process.env.CIVSCORE_FUZZ_BIN ? path.resolve(process.env.CIVSCORE_FUZZ_BIN) : path.join(ROOT, 'bin', 'civscore.js');
const RSS_PRELOAD = path.join(ROOT, 'scripts', 'fuzz-rss.mjs');

export const DEFAULTS = { heapMb: 256, rssLimitMb: 450, timeoutMs: 30_000 };

// ---------------------------------------------------------------- randomness

/** A small seeded generator (mulberry32), so every campaign can be replayed from its seed. */
export function random(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  return {
    next,
    int,
    pick: (list) => list[int(list.length)],
    chance: (p) => next() < p,
  };
}

// ---------------------------------------------------------------- seed files

const b = (text) => Buffer.from(text, 'utf8');

/** The first `lines` lines of a file, as bytes (cut at a line break, so GBK characters stay whole). */
function headLines(file, lines) {
  const bytes = readFileSync(file);
  let end = 0;
  for (let n = 0; n < lines && end < bytes.length; n++) {
    const next = bytes.indexOf(10, end);
    end = next < 0 ? bytes.length : next + 1;
  }
  return bytes.subarray(0, end);
}

export function loadSeeds(root = ROOT) {
  const rulesDir = path.join(root, 'rules');
  return {
    smallRules: readFileSync(path.join(root, 'fixtures/small/rules.yaml')),
    smallRecords: readFileSync(path.join(root, 'fixtures/small/records.csv')),
    demoUtf8: headLines(path.join(root, 'fixtures/demo/2026-09.csv'), 200),
    demoGbk: headLines(path.join(root, 'fixtures/demo/2026-10.csv'), 200),
    components: readFileSync(path.join(root, 'fixtures/demo/components-2026-09.csv')),
    rulesFolder: Object.fromEntries(
      readdirSync(rulesDir).filter((n) => /\.ya?ml$/.test(n)).map((n) => [n, readFileSync(path.join(rulesDir, n))]),
    ),
  };
}

// ---------------------------------------------------------------- cases

/**
 * A case: files to write into a fresh folder (relative names), the CLI arguments (run in that folder), and
 * which files are the inputs under test (an error must name one of them).
 */
function recordsCase(name, records, { rules = 'small', file = 'r.csv', args = [], command = 'check' } = {}) {
  const files = { [file]: records };
  const rulesArgs = rules === 'small' ? ['--rules', 'rules.yaml'] : [];
  if (rules === 'small') files['rules.yaml'] = SEEDS().smallRules;
  return { name, files, args: commandArgs(command, [...rulesArgs, '--records', file, ...args]), inputs: [file] };
}

function rulesCase(name, rulesFiles, { records = 'small', command = 'check', args = [] } = {}) {
  const files = {};
  let rulesArg;
  if (rulesFiles instanceof Uint8Array) {
    files['rules.yaml'] = rulesFiles;
    rulesArg = 'rules.yaml';
  } else {
    for (const [n, bytes] of Object.entries(rulesFiles)) files[`rules/${n}`] = bytes;
    rulesArg = 'rules';
  }
  const recordsArgs = [];
  if (records === 'small') {
    files['r.csv'] = SEEDS().smallRecords;
    recordsArgs.push('--records', 'r.csv');
  } else if (records === 'demo') {
    files['r.csv'] = SEEDS().demoUtf8;
    recordsArgs.push('--records', 'r.csv');
  }
  const inputs = Object.keys(files).filter((f) => f.startsWith('rules'));
  return { name, files, args: commandArgs(command, ['--rules', rulesArg, ...recordsArgs, ...args]), inputs };
}

function commandArgs(command, args) {
  return command === 'score' ? ['score', ...args, '--out', 'out'] : ['check', ...args];
}

let seeds;
const SEEDS = () => (seeds ??= loadSeeds());

const GBK_LINE = () => {
  const gbk = SEEDS().demoGbk;
  const start = gbk.indexOf(10) + 1;
  return gbk.subarray(start, gbk.indexOf(10, start) + 1);
};

/** Hand-made hostile inputs: each one of the cases issue 7 names, and a few more. Deterministic. */
export function structuralCases() {
  const s = SEEDS();
  const header = 'record_id,date,site_id,item_code,count\n';
  const row = 'R1,2026-10-01,S01,C01-01,1\n';
  const big = (n, ch) => Buffer.alloc(n, ch);
  const yaml = (text) => b(text);
  const smallText = s.smallRules.toString('utf8');
  const cases = [
    // ---- records (CSV)
    recordsCase('csv: truncated inside a quoted field', s.smallRecords.subarray(0, s.smallRecords.indexOf('"复查') + 7)),
    recordsCase('csv: truncated inside a UTF-8 character', s.smallRecords.subarray(0, s.smallRecords.indexOf('张三') + 1)),
    recordsCase('csv: invalid UTF-8 bytes in a UTF-8 file', Buffer.concat([s.smallRecords.subarray(0, 200), Buffer.from([0xff, 0xfe, 0xc3]), s.smallRecords.subarray(200)])),
    recordsCase('csv: UTF-8 file with GBK lines appended (mixed encodings)', Buffer.concat([s.demoUtf8, GBK_LINE(), GBK_LINE()]), { rules: 'bundled' }),
    recordsCase('csv: GBK file with UTF-8 lines appended', Buffer.concat([s.demoGbk, b('CP9-1,2026/10/8,S0198,C06-01,1,张三,备注\n')]), { rules: 'bundled' }),
    recordsCase('csv: NUL bytes', Buffer.concat([b(header), b('R1,2026-10-01,S0\u00001,C01-01,1\n'), Buffer.alloc(1000, 0), b('\n' + row)])),
    recordsCase('csv: a 10 MB unquoted field', Buffer.concat([b(header + 'R1,2026-10-01,S01,'), big(10 << 20, 'x'), b(',1\n')])),
    recordsCase('csv: a 10 MB quoted field of line breaks', Buffer.concat([b(header + 'R1,2026-10-01,S01,"'), big(10 << 20, '\n'), b('",1\n')])),
    recordsCase('csv: a 10 MB field of escaped quotes', Buffer.concat([b(header + 'R1,2026-10-01,S01,"'), big(10 << 20, '"'), b('\n')])),
    recordsCase('csv: a 1,000,000-column header', b(Array.from({ length: 1_000_000 }, (_, i) => `c${i}`).join(',') + ',site_id\nS01\n')),
    recordsCase('csv: a 10,000,000-comma data row', Buffer.concat([b(header + 'R1,2026-10-01,S01,C01-01,1'), big(10_000_000, ','), b('\n')])),
    recordsCase('csv: 100,000 site_id columns', b(Array.from({ length: 99_999 }, () => 'site_id').join(',') + '\nS01\n')),
    recordsCase('csv: unmatched quote', b(header + row + 'R2,2026-10-01,"S02,C01-01,1\n' + row.replace('R1', 'R3'))),
    recordsCase('csv: unmatched quote at the end of the file', b(header + row + '"')),
    recordsCase('csv: BOM in the middle of the file', Buffer.concat([b(header), b('\ufeff' + row), Buffer.from([0xef, 0xbb, 0xbf]), b(row.replace('R1', 'R2'))])),
    recordsCase('csv: UTF-16LE BOM with an odd number of bytes', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(header + row, 'utf16le'), Buffer.from([0x41])])),
    recordsCase('csv: UTF-16BE with a lone surrogate', Buffer.concat([Buffer.from([0xfe, 0xff]), swap16(Buffer.from(header + 'R1,2026-10-01,S01,C01-01,1', 'utf16le')), Buffer.from([0xd8, 0x00, 0x00, 0x0a])])),
    recordsCase('csv: UTF-8 BOM then GBK bytes', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), s.demoGbk]), { rules: 'bundled' }),
    recordsCase('csv: empty file', Buffer.alloc(0)),
    recordsCase('csv: only a BOM', Buffer.from([0xef, 0xbb, 0xbf])),
    recordsCase('csv: only line breaks', b('\r\r\n\n\r\n')),
    recordsCase('csv: only a header', b(header)),
    recordsCase('csv: CR-only line endings', b((header + row + row.replace('R1', 'R2')).replace(/\n/g, '\r'))),
    recordsCase('csv: random binary', randomBytes(1, 64 * 1024)),
    recordsCase('csv: 20,000 duplicate record ids', b(header + Array.from({ length: 20_000 }, () => row).join(''))),
    recordsCase('csv: 50,000 invalid rows', b(header + Array.from({ length: 50_000 }, (_, i) => `R${i},2026-13-40,S${i},X,-1\n`).join('')), { command: 'score', args: ['--skip-invalid'] }),
    recordsCase('csv: forced wrong encoding (utf-16le on UTF-8)', s.smallRecords, { args: ['--encoding', 'utf-16le'] }),
    recordsCase('csv: forced gbk on UTF-8 with emoji', b(header + 'R1,2026-10-01,S01,C01-01,1\nR2,2026-10-01,S0😀1,,\n'), { args: ['--encoding', 'gbk'] }),
    recordsCase('csv: ids that name Object.prototype members', b(header + 'R1,2026-10-01,__proto__,constructor,1\nR2,2026-10-01,toString,,\nhasOwnProperty,2026-10-01,S01,__proto__,\n')),
    recordsCase('csv: huge and odd counts', b(header + ['1e9', '99999999999999999999999', '-0', '０３', '1.0', ' 2 ', '0x10', 'NaN', 'Infinity'].map((c, i) => `R${i},2026-10-01,S01,C01-01,${c}\n`).join(''))),
    recordsCase('csv: odd dates', b(header + ['2026-02-29', '0000-00-00', '2026-10-01T00:00', '99999-10-01', '2026/10/1', '2026-1-1', '١٢', '2026-10-32'].map((d, i) => `R${i},${d},S02,,\n`).join('')), { args: ['--period', '2026-10'] }),
    recordsCase('csv: tab-separated file named .csv', b((header + row).replace(/,/g, '\t'))),
    recordsCase('csv: .tsv file with commas', b(header + row), { file: 'r.tsv' }),
    // ---- records read in two parts on two threads (no record_id column): each also run whole and compared
    ...splitCases(),
    // ---- rules (YAML)
    rulesCase('yaml: alias bomb (billion laughs)', yaml('a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n' + Array.from({ length: 11 }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(10).fill(`*a${i}`).join(', ')}]\n`).join(''))),
    rulesCase('yaml: alias bomb inside a valid rule set', yaml(smallText + 'x0: &x0 [' + Array(50).fill('"aaaaaaaaaa"').join(',') + ']\n' + Array.from({ length: 8 }, (_, i) => `x${i + 1}: &x${i + 1} [${Array(30).fill(`*x${i}`).join(', ')}]\n`).join(''))),
    rulesCase('yaml: 100,000 [', yaml('ruleset: ' + '['.repeat(100_000) + ']'.repeat(100_000) + '\n')),
    rulesCase('yaml: 100,000 unclosed [', yaml('ruleset: ' + '['.repeat(100_000) + '\n')),
    rulesCase('yaml: 100,000 nested flow maps', yaml('ruleset: ' + '{a: '.repeat(100_000) + '1' + '}'.repeat(100_000) + '\n')),
    rulesCase('yaml: 1,000 levels of indentation', yaml(Array.from({ length: 1000 }, (_, i) => ' '.repeat(i) + 'a:').join('\n') + ' 1\n')),
    rulesCase('yaml: 50,000 nested block sequences', yaml('- '.repeat(50_000) + 'x\n')),
    // yaml's parser opens a level per line of a list indented under a key that has a value, and closes them all
    // recursively at the next line indented less (found by a random campaign: a duplicated range of lines).
    rulesCase('yaml: 5,000 list items indented under a key with a value', yaml(smallText.replace(/\n(\s+)(weight: [^\n]*)\n/, (_, indent, line) => `\n${indent}${line}\n${Array.from({ length: 5000 }, (_, i) => `${indent}  - { code: X${i}, text: 整洁, points: 1 }`).join('\n')}\n`))),
    rulesCase('yaml: duplicate top-level key', yaml(smallText + 'scoring: {}\n')),
    rulesCase('yaml: duplicate key inside a site', yaml(smallText.replace('{ id: S01, name: 人民路,', '{ id: S01, id: S02, name: 人民路,'))),
    rulesCase('yaml: 1 and "1" as keys of one mapping', yaml(smallText + 'extra: { 1: a, "1": b }\n')),
    rulesCase('yaml: 40,000 keys', yaml('ruleset:\n' + Array.from({ length: 40_000 }, (_, i) => `  k${i}: 1`).join('\n') + '\n')),
    rulesCase('yaml: 300,000-item list', yaml('sites: [' + Array(300_000).fill('1').join(',') + ']\n')),
    rulesCase('yaml: 100,000 empty sites', yaml(smallText + 'more: [' + Array(100_000).fill('{}').join(',') + ']\n')),
    rulesCase('yaml: a 3 MB file', yaml(smallText + '# ' + 'x'.repeat(3 << 20) + '\n')),
    rulesCase('yaml: invalid UTF-8', Buffer.concat([s.smallRules.subarray(0, 300), Buffer.from([0xc3, 0x28, 0xff]), s.smallRules.subarray(300)])),
    rulesCase('yaml: GBK bytes in a rule set', Buffer.concat([b('# '), s.demoGbk.subarray(0, s.demoGbk.indexOf(10) + 1), s.smallRules])),
    rulesCase('yaml: NUL bytes', yaml(smallText.replace('name: 北湖区', 'name: 北\u0000湖区'))),
    rulesCase('yaml: BOM in the middle', yaml(smallText.replace('units:', '\ufeffunits:'))),
    rulesCase('yaml: truncated', s.smallRules.subarray(0, Math.floor(s.smallRules.length * 0.6))),
    rulesCase('yaml: several documents', yaml(smallText + '---\n' + smallText)),
    rulesCase('yaml: tags', yaml(smallText.replace('version: "2026.1"', 'version: !!binary aGVsbG8=').replace('full_score: 100', 'full_score: !custom 100').replace('weight: 4', 'weight: !!js/function "x"'))),
    rulesCase('yaml: merge keys and anchors', yaml(smallText.replace('  - { id: D02, name: 南山区, group: 城区 }', '  - &d2 { id: D02, name: 南山区, group: 城区 }\n  - { <<: *d2, id: D03 }'))),
    rulesCase('yaml: undefined alias', yaml(smallText.replace('weight: 4', 'weight: *nope'))),
    rulesCase('yaml: odd numbers', yaml(smallText.replace('full_score: 100', 'full_score: 1e400').replace('weight: 4', 'weight: .nan').replace('points: 0.5', 'points: 0x10').replace('cap: 3,', 'cap: 99999999999999999999999,').replace('weight: 3', 'weight: .inf'))),
    rulesCase('yaml: tiny and exact-looking numbers', yaml(smallText.replace('weight: 4', 'weight: 1e-320').replace('points: 0.5', 'points: 5e-324').replace('full_score: 100', 'full_score: 0'))),
    rulesCase('yaml: ids that are not text', yaml(smallText.replace('id: D01,', 'id: 01,').replace('id: D02,', 'id: true,').replace('id: J0101,', 'id: null,').replace('id: B05,', 'id: [B05],').replace('code: C01-01,', 'code: {a: 1},'))),
    rulesCase('yaml: ids that name Object.prototype members', yaml(smallText.replace(/\bD01\b/g, '__proto__').replace(/\bC02\b/g, 'constructor').replace(/\bS01\b/g, 'hasOwnProperty'))),
    rulesCase('yaml: __proto__ key', yaml(smallText + '__proto__: { polluted: true }\n')),
    rulesCase('yaml: empty file', Buffer.alloc(0)),
    rulesCase('yaml: only comments', yaml('# nothing\n# here\n')),
    rulesCase('yaml: a scalar', yaml('hello\n')),
    rulesCase('yaml: a list', yaml('- a\n- b\n')),
    rulesCase('yaml: tabs for indentation', yaml(smallText.replace(/\n  - /g, '\n\t- '))),
    rulesCase('yaml: parent cycle of 5,000 units', yaml(smallText.replace('units:\n', 'units:\n' + Array.from({ length: 5000 }, (_, i) => `  - { id: X${i}, name: x, group: 城区, parent: X${(i + 1) % 5000} }\n`).join('')))),
    rulesCase('yaml: folder with one truncated file', { ...s.rulesFolder, 'sites.yaml': s.rulesFolder['sites.yaml'].subarray(0, 20_000) }, { records: 'demo' }),
    rulesCase('yaml: folder whose files both set every key', { 'a.yaml': s.smallRules, 'b.yaml': s.smallRules }),
    rulesCase('yaml: folder of two 150,000-item lists', { 'a.yaml': yaml('sites: [' + Array(150_000).fill('1').join(',') + ']\n'), 'b.yaml': yaml('sites: [' + Array(150_000).fill('1').join(',') + ']\n') }),
  ];
  return cases;
}

/** Files without record_id whose split point falls on something awkward, run both whole and in two parts. */
function splitCases() {
  const head = 'date,site_id,item_code,count,note\n';
  const rows = (n, note = '') => Array.from({ length: n }, (_, i) => `2026-10-${String(1 + (i % 28)).padStart(2, '0')},S0${1 + (i % 3)},C01-0${1 + (i % 3)},1,${note}\n`).join('');
  const gbk = GBK_LINE();
  const cases = [
    ['a quoted note of many lines across the middle', head + rows(200) + `2026-10-01,S01,C01-01,1,"${'多行\n'.repeat(400)}"\n` + rows(200)],
    ['an unclosed quote in the second half', head + rows(300) + '2026-10-01,S01,"C01-01,1,x\n' + rows(50)],
    ['ASCII first half, UTF-8 second half', head + rows(300) + rows(300, '路面坑洼两处')],
    ['UTF-8 first half, GBK second half', Buffer.concat([b(head + rows(300, '路面坑洼两处')), ...Array(300).fill(gbk)])],
    ['GBK first half, UTF-8 second half', Buffer.concat([b(head), ...Array(300).fill(gbk), b(rows(300, '路面坑洼两处'))])],
    ['invalid bytes in the second half', Buffer.concat([b(head + rows(300)), Buffer.from([0xff, 0x0a]), b(rows(300))])],
    ['blank and cleared lines around the middle', head + rows(300) + '\n\n,,,,\n\r\n' + rows(300)],
    ['CRLF everywhere with a BOM', '\ufeff' + (head + rows(600)).replace(/\n/g, '\r\n')],
    ['invalid rows in both halves', head + rows(200) + '2026-10-01,S99,C01-01,x,\n' + rows(200) + '2026-13-01,S01,C09-01,0,\n' + rows(200)],
  ];
  return cases.map(([name, text]) => {
    const c = recordsCase(`split: ${name}`, text instanceof Uint8Array ? text : b(text), { command: 'score', args: ['--skip-invalid'] });
    c.parallelDiff = true;
    return c;
  });
}

function swap16(buffer) {
  const out = Buffer.from(buffer);
  out.swap16();
  return out;
}

function randomBytes(seed, n) {
  const r = random(seed);
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) out[i] = r.int(256);
  return out;
}

// ---------------------------------------------------------------- mutations

const INSERTS = [
  [0x00], [0xff], [0xc3], [0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xef, 0xbb, 0xbf], [0xff, 0xfe], [0xfe, 0xff],
  [0x22], [0x22, 0x22], [0x0d], [0x0a], [0x0d, 0x0a], [0x2c], [0x09], [0x2c, 0x2c, 0x2c], [0xe3, 0x80, 0x80],
];
const CSV_VALUES = [
  '', ' ', '__proto__', 'constructor', '-1', '0', '1e9', '１２', '９', 'NaN', '2026-02-30', '9999-99-99', '2026/13/1', '"', '""',
  '=HYPERLINK("x")', '😀', 'S01', 'C01-01', 'C02-09', 'C03-02', 'S99', 'x'.repeat(5000), '\u3000S02\u3000', '1000001', '999999',
];
const YAML_VALUES = [
  '', '~', 'null', '.nan', '.inf', '-.inf', '1e400', '-1', '0.001', '0x1F', '0o17', '1_000', '99999999999999999999', 'true', 'yes',
  '[]', '{}', '*x', '&x a', '!!binary aGk=', '!!str 1', '!tag v', '"\\u0000"', '"\\uD800"', '__proto__', '3.14159', '"x: y"',
  "'", '"', '[', '{', '- a', '|', '>-', '? a', '@x', '`x', '%YAML 1.1',
];

function spliceBytes(buffer, at, remove, insert) {
  return Buffer.concat([buffer.subarray(0, at), Buffer.from(insert), buffer.subarray(at + remove)]);
}

/** Byte- and line-level mutations that keep most of a real file intact, so the readers get far into it. */
const MUTATORS = {
  truncate: (r, buf) => buf.subarray(0, r.int(buf.length + 1)),
  flipBytes: (r, buf) => {
    const out = Buffer.from(buf);
    for (let k = 1 + r.int(8); k > 0 && out.length; k--) out[r.int(out.length)] = r.int(256);
    return out;
  },
  insertSpecial: (r, buf) => spliceBytes(buf, r.int(buf.length + 1), 0, r.pick(INSERTS)),
  deleteRange: (r, buf) => {
    const at = r.int(buf.length + 1);
    return spliceBytes(buf, at, r.int(Math.min(200, buf.length - at) + 1), []);
  },
  duplicateRange: (r, buf) => {
    const at = r.int(buf.length + 1);
    const slice = buf.subarray(at, at + 1 + r.int(300));
    return spliceBytes(buf, r.int(buf.length + 1), 0, Buffer.concat(Array(1 + r.int(r.chance(0.1) ? 3000 : 5)).fill(slice)));
  },
  shuffleLines: (r, buf) => {
    const lines = buf.toString('latin1').split('\n');
    for (let k = 1 + r.int(5); k > 0; k--) {
      const i = r.int(lines.length);
      const j = r.int(lines.length);
      [lines[i], lines[j]] = [lines[j], lines[i]];
    }
    return Buffer.from(lines.join('\n'), 'latin1');
  },
  duplicateLine: (r, buf) => {
    const lines = buf.toString('latin1').split('\n');
    const i = r.int(lines.length);
    lines.splice(r.int(lines.length + 1), 0, ...Array(1 + r.int(3)).fill(lines[i]));
    return Buffer.from(lines.join('\n'), 'latin1');
  },
  gbkSplice: (r, buf) => spliceBytes(buf, lineStart(buf, r), 0, GBK_LINE()),
  lineEndings: (r, buf) => {
    const text = buf.toString('latin1');
    const choice = r.int(3);
    return Buffer.from(choice === 0 ? text.replace(/\r?\n/g, '\r\n') : choice === 1 ? text.replace(/\r?\n/g, '\r') : text.replace(/\r\n/g, '\n'), 'latin1');
  },
};

const CSV_MUTATORS = {
  ...MUTATORS,
  // Without a record_id column a large file may be read in two parts on two threads (src/io/parallel.ts).
  dropFirstColumn: (r, buf) => {
    const text = buf.toString('latin1');
    return Buffer.from(text.split('\n').map((line) => line.replace(/^[^,\n]*,/, '')).join('\n'), 'latin1');
  },
  replaceCell: (r, buf) => {
    const lines = buf.toString('utf8').split('\n');
    const i = r.int(lines.length);
    const cells = lines[i].split(',');
    cells[r.int(cells.length)] = r.pick(CSV_VALUES);
    lines[i] = cells.join(',');
    return b(lines.join('\n'));
  },
  addColumns: (r, buf) => {
    const lines = buf.toString('utf8').split('\n');
    const i = r.int(lines.length);
    lines[i] += ','.repeat(1 + r.int(r.chance(0.2) ? 5000 : 10));
    return b(lines.join('\n'));
  },
  quoteCell: (r, buf) => {
    const lines = buf.toString('utf8').split('\n');
    const i = r.int(lines.length);
    const cells = lines[i].split(',');
    const k = r.int(cells.length);
    cells[k] = r.chance(0.5) ? `"${cells[k]}"` : `"${cells[k]}`;
    lines[i] = cells.join(',');
    return b(lines.join('\n'));
  },
  renameHeader: (r, buf) => {
    const text = buf.toString('utf8');
    const nl = text.indexOf('\n');
    const cells = text.slice(0, nl < 0 ? text.length : nl).split(',');
    cells[r.int(cells.length)] = r.pick(['site_id', '点位编号', 'item_code', 'count', 'date', 'record_id', 'SITE_ID ', 'ｓｉｔｅ＿ｉｄ', '', '"site_id"', 'x']);
    return b(cells.join(',') + (nl < 0 ? '' : text.slice(nl)));
  },
};

const YAML_MUTATORS = {
  ...MUTATORS,
  replaceValue: (r, buf) => {
    const text = buf.toString('utf8');
    const matches = [...text.matchAll(/: ([^,\n{}[\]]+)/g)];
    if (matches.length === 0) return buf;
    const m = r.pick(matches);
    return b(text.slice(0, m.index + 2) + r.pick(YAML_VALUES) + text.slice(m.index + m[0].length));
  },
  reindent: (r, buf) => {
    const lines = buf.toString('utf8').split('\n');
    const i = r.int(lines.length);
    lines[i] = r.chance(0.5) ? ' '.repeat(1 + r.int(4)) + lines[i] : lines[i].replace(/^ {1,2}/, '');
    return b(lines.join('\n'));
  },
  anchorAlias: (r, buf) => {
    const text = buf.toString('utf8');
    const matches = [...text.matchAll(/: /g)];
    if (matches.length < 2) return buf;
    const a = r.pick(matches).index + 2;
    let out = text.slice(0, a) + '&z ' + text.slice(a);
    const c = r.pick([...out.matchAll(/: /g)]).index + 2;
    out = out.slice(0, c) + '*z' + out.slice(c).replace(/^[^,\n}]*/, '');
    return b(out);
  },
  documentMarker: (r, buf) => spliceBytes(buf, lineStart(buf, r), 0, b(r.pick(['---\n', '...\n', '%YAML 1.2\n---\n', '--- |\n']))),
  renameKey: (r, buf) => {
    const text = buf.toString('utf8');
    const matches = [...text.matchAll(/([a-z_]+): /g)];
    if (matches.length === 0) return buf;
    const m = r.pick(matches);
    const key = r.pick(['pionts', 'id', 'name', 'parent', 'lead', 'weight', 'veto', 'cap', '__proto__', 'constructor', 'units', 'sites']);
    return b(text.slice(0, m.index) + key + text.slice(m.index + m[1].length));
  },
};

function lineStart(buf, r) {
  const at = r.int(buf.length + 1);
  const nl = buf.lastIndexOf(10, at - 1);
  return nl < 0 ? 0 : nl + 1;
}

function mutate(r, buf, mutators, maxSteps = 3) {
  const names = Object.keys(mutators);
  const applied = [];
  let out = buf;
  for (let k = 1 + r.int(maxSteps); k > 0; k--) {
    const name = r.pick(names);
    out = mutators[name](r, out);
    applied.push(name);
  }
  return { bytes: out, applied };
}

/** One random case: a real file (records, rules, components or a previous results file) mutated. */
export function randomCase(r, index, previousResults) {
  const s = SEEDS();
  const command = r.chance(0.4) ? 'score' : 'check';
  const extra = [];
  if (r.chance(0.2)) extra.push('--skip-invalid');
  if (r.chance(0.1)) extra.push('--period', '2026-10');
  if (r.chance(0.05)) extra.push('--encoding', r.pick(['utf-8', 'gbk', 'utf-16le', 'utf-16be']));
  const skip = command === 'check' ? extra.filter((a) => a !== '--skip-invalid') : extra;
  const target = r.pick(['records', 'records', 'records', 'rules', 'rules', 'rules', 'components', 'previous']);
  if (target === 'records') {
    const source = r.pick(['small', 'small', 'demoUtf8', 'demoGbk']);
    const seed = source === 'small' ? s.smallRecords : s[source];
    const { bytes, applied } = mutate(r, seed, CSV_MUTATORS);
    const c = recordsCase(`random ${index}: records ${source} ${applied.join('+')}`, bytes, {
      rules: source === 'small' ? 'small' : 'bundled', command, args: skip, file: r.chance(0.05) ? 'r.tsv' : 'r.csv',
    });
    return c;
  }
  if (target === 'rules') {
    if (r.chance(0.5)) {
      const { bytes, applied } = mutate(r, s.smallRules, YAML_MUTATORS);
      return rulesCase(`random ${index}: rules small ${applied.join('+')}`, bytes, { command, args: skip });
    }
    const name = r.pick(Object.keys(s.rulesFolder));
    const { bytes, applied } = mutate(r, s.rulesFolder[name], YAML_MUTATORS);
    return rulesCase(`random ${index}: rules/${name} ${applied.join('+')}`, { ...s.rulesFolder, [name]: bytes }, { records: 'demo', command, args: skip });
  }
  if (target === 'components') {
    const { bytes, applied } = mutate(r, s.components, CSV_MUTATORS);
    const c = recordsCase(`random ${index}: components ${applied.join('+')}`, s.demoUtf8, { rules: 'bundled', command, args: [...skip, '--components', 'c.csv'] });
    c.files['c.csv'] = bytes;
    c.inputs = ['c.csv'];
    return c;
  }
  const { bytes, applied } = mutate(r, previousResults, YAML_MUTATORS);
  const c = recordsCase(`random ${index}: previous ${applied.join('+')}`, s.smallRecords, { command, args: [...skip, '--previous', 'prev.json'] });
  c.files['prev.json'] = bytes;
  c.inputs = ['prev.json'];
  return c;
}

// ---------------------------------------------------------------- running and judging

/** Runs the built CLI once, in `cwd`, with a bounded heap and a timeout; records the peak RSS. */
export function runCli(args, { cwd, heapMb = DEFAULTS.heapMb, timeoutMs = DEFAULTS.timeoutMs, env = {} } = {}) {
  return new Promise((resolve) => {
    const rssFile = path.join(cwd, '.maxrss');
    const started = Date.now();
    const child = spawn(process.execPath, [`--max-old-space-size=${heapMb}`, '--import', pathToImport(RSS_PRELOAD), BIN, ...args], {
      cwd,
      env: { ...process.env, CIVSCORE_CACHE_DIR: 'off', CIVSCORE_LANG: 'en', NO_COLOR: '1', FORCE_COLOR: '0', CIVSCORE_FUZZ_RSS: rssFile, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = [];
    const err = [];
    let errBytes = 0;
    child.stdout.on('data', (d) => out.length < 64 && out.push(d));
    child.stderr.on('data', (d) => {
      if (errBytes < 1 << 20) err.push(d);
      errBytes += d.length;
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      let maxRssKb;
      try {
        maxRssKb = Number(readFileSync(rssFile, 'utf8'));
        rmSync(rssFile, { force: true });
      } catch {
        maxRssKb = undefined;
      }
      resolve({
        code, signal, timedOut, ms: Date.now() - started, maxRssKb,
        stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}

function pathToImport(file) {
  return new URL(`file://${file}`).href;
}

/** Codes that concern a whole file, so they name it without a line. */
const WHOLE_FILE_CODES = new Set(['RULES_TOO_LARGE', 'FILE_UNREADABLE', 'FILE_NOT_FOUND', 'RULES_NO_YAML', 'RULES_NOT_FOUND']);
/** Errors about what is missing from the whole input, which no file or line can show. */
const UNPLACEABLE_CODES = new Set(['COMP_MISSING']);
/** The start of an error line; the message may run on over several lines when it quotes a cell with line breaks. */
const ERROR_LINE = /^(?<file>[^\s:][^:]*?)(?::(?<line>\d+)(?::(?<col>\d+))?)?: error: /;
const ERROR_CODE = /\[(?<code>[A-Z0-9_]+)\]$/;

/**
 * The verdict on one run: `ok` and `clean-error` are passes; `crash`, `hang`, `memory`, `unclear-error`
 * (exit 1 without an error that names an input file and line), `usage` (unexpected exit 2),
 * `wrote-on-error` and `bad-output` are failures.
 */
export function judge(testCase, run, { rssLimitMb = DEFAULTS.rssLimitMb, outDir } = {}) {
  if (run.timedOut) return { verdict: 'hang', why: `no exit after ${run.ms} ms` };
  if (run.signal) return { verdict: 'crash', why: `killed by ${run.signal}` };
  if (run.code !== 0 && run.code !== 1 && run.code !== 2) return { verdict: 'crash', why: `exit ${run.code}` };
  if (/internal error/.test(run.stderr) || /\n\s+at .+:\d+:\d+\)?\n/.test(run.stderr)) return { verdict: 'crash', why: 'internal error or stack trace' };
  if (run.maxRssKb !== undefined && run.maxRssKb > rssLimitMb * 1024) {
    return { verdict: 'memory', why: `peak RSS ${Math.round(run.maxRssKb / 1024)} MB > ${rssLimitMb} MB` };
  }
  if (run.code === 2) return { verdict: 'usage', why: firstLines(run.stderr) };
  const writes = testCase.args[0] === 'score';
  if (run.code === 1) {
    if (writes && outDir && existsSync(outDir)) return { verdict: 'wrote-on-error', why: 'exit 1 but the output folder exists' };
    // The error must name a file of the case (the mutated input, or one whose meaning it changed) and a line.
    const inputs = new Set([...testCase.inputs, ...Object.keys(testCase.files)]);
    const named = (file) => file !== undefined && (inputs.has(file) || [...inputs].some((input) => file.startsWith(`${input}/`) || input.startsWith(`${file}/`)));
    const errors = errorsOf(run.stderr);
    const clear =
      errors.some((e) => named(e.file) && (e.line !== undefined || WHOLE_FILE_CODES.has(e.code))) ||
      (errors.length > 0 && errors.every((e) => UNPLACEABLE_CODES.has(e.code)));
    if (!clear) return { verdict: 'unclear-error', why: firstLines(run.stderr) || '(no message)' };
    return { verdict: 'clean-error', why: errors[0].code, codes: [...new Set(errors.map((e) => e.code))] };
  }
  if (writes && outDir) {
    const problem = outputProblem(outDir);
    if (problem) return { verdict: 'bad-output', why: problem };
  }
  return { verdict: 'ok', why: '' };
}

/** The errors printed: file, line and code of each (a message may span lines). */
export function errorsOf(stderr) {
  const errors = [];
  let current;
  for (const line of stderr.split('\n')) {
    const start = ERROR_LINE.exec(line);
    if (start) {
      current = { ...start.groups };
      errors.push(current);
    } else if (/^(error|warning): /.test(line) || /^\S+: warning: /.test(line)) {
      current = /^error: /.test(line) ? { file: undefined, line: undefined } : undefined;
      if (current) errors.push(current);
    }
    const code = ERROR_CODE.exec(line);
    if (code && current && current.code === undefined) current.code = code.groups.code;
  }
  return errors;
}

function outputProblem(outDir) {
  if (!existsSync(path.join(outDir, 'results.json'))) return 'no results.json';
  try {
    JSON.parse(readFileSync(path.join(outDir, 'results.json'), 'utf8'));
  } catch (error) {
    return `results.json does not parse: ${error.message}`;
  }
  for (const name of readdirSync(outDir)) {
    if (name.includes('civscore-tmp')) return `temporary file left: ${name}`;
    if (name.endsWith('.csv')) {
      const bytes = readFileSync(path.join(outDir, name));
      if (bytes.length > 0 && !bytes.subarray(-2).equals(Buffer.from('\r\n'))) return `${name} does not end with CRLF`;
    }
  }
  return undefined;
}

/** How two runs of the same case differ (exit code, messages, output files), if they do. */
function compareRuns(a, dirA, b, dirB) {
  if (a.code !== b.code || a.signal !== b.signal) return `exit ${a.code} read whole, ${b.code ?? b.signal} read in two parts`;
  if (a.stderr !== b.stderr) return `messages differ: ${firstDifference(a.stderr, b.stderr)}`;
  if (a.stdout !== b.stdout) return `stdout differs: ${firstDifference(a.stdout, b.stdout)}`;
  const outA = path.join(dirA, 'out');
  const outB = path.join(dirB, 'out');
  if (existsSync(outA) !== existsSync(outB)) return 'only one run wrote outputs';
  if (existsSync(outA)) {
    for (const name of readdirSync(outA)) {
      const fileB = path.join(outB, name);
      if (!existsSync(fileB) || !readFileSync(path.join(outA, name)).equals(readFileSync(fileB))) return `${name} differs`;
    }
  }
  return undefined;
}

function firstDifference(x, y) {
  let i = 0;
  while (i < x.length && x[i] === y[i]) i++;
  return `${JSON.stringify(x.slice(Math.max(0, i - 40), i + 80))} vs ${JSON.stringify(y.slice(Math.max(0, i - 40), i + 80))}`;
}

function firstLines(text, n = 3) {
  return text.split('\n').filter(Boolean).slice(0, n).join(' | ').slice(0, 500);
}

export const FAILURES = ['crash', 'hang', 'memory', 'unclear-error', 'usage', 'wrote-on-error', 'bad-output', 'parallel-mismatch'];

/** Writes a case's files into a new folder under `parent`. */
export function materialise(testCase, parent = tmpdir()) {
  const dir = mkdtempSync(path.join(parent, 'civscore-fuzz-'));
  for (const [name, bytes] of Object.entries(testCase.files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), bytes);
  }
  return dir;
}

/** Cases run again on two threads (--parallel-diff), and how many of those read a file in two parts. */
export const parallelRuns = { compared: 0, split: 0 };

/** Runs and judges one case; keeps its folder (and a case.json) under `saveTo` when it fails. */
export async function runCase(testCase, options = {}) {
  const dir = materialise(testCase, options.workDir);
  try {
    const run = await runCli(testCase.args, { cwd: dir, ...options });
    let result = judge(testCase, run, { ...options, outDir: path.join(dir, 'out') });
    if ((options.parallelDiff || testCase.parallelDiff) && !FAILURES.includes(result.verdict) && ['score', 'check'].includes(testCase.args[0])) {
      // The same case with every file read in two parts on two threads must give the same result. The cut is
      // fixed at the middle: left to the worker (src/io/cut.ts), a small file is read whole before it is ready.
      const other = materialise(testCase, options.workDir);
      try {
        const split = await runCli([...testCase.args, '--parallel'], { cwd: other, ...options, env: { CIVSCORE_PARALLEL_MIN_BYTES: '1', CIVSCORE_PARALLEL_SHARE: '0.5', CIVSCORE_TRACE: '1' } });
        // The trace says whether a file was read in two parts; it is not part of what must match.
        parallelRuns.compared++;
        if (split.stderr.includes('in two parts')) parallelRuns.split++;
        split.stderr = split.stderr.replace(/^civscore: .*\n/gm, '');
        const difference = compareRuns(run, dir, split, other);
        if (difference) result = { verdict: 'parallel-mismatch', why: difference };
      } finally {
        rmSync(other, { recursive: true, force: true });
      }
    }
    if (FAILURES.includes(result.verdict) && options.saveTo) {
      const target = path.join(options.saveTo, `${result.verdict}-${slug(testCase.name)}`);
      rmSync(path.join(dir, 'out'), { recursive: true, force: true });
      cpSync(dir, target, { recursive: true });
      writeFileSync(
        path.join(target, 'case.json'),
        JSON.stringify({ name: testCase.name, command: `civscore ${testCase.args.join(' ')}`, ...result, code: run.code, signal: run.signal, ms: run.ms, maxRssKb: run.maxRssKb, stderr: run.stderr.slice(0, 4000) }, null, 2),
      );
      result.saved = target;
    }
    return { ...result, name: testCase.name, code: run.code, ms: run.ms, maxRssKb: run.maxRssKb, stderr: run.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function slug(name) {
  return name.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 80);
}

/** A previous-period results.json to mutate: scores the small fixtures once. */
export async function makePreviousResults(workDir = tmpdir()) {
  const dir = mkdtempSync(path.join(workDir, 'civscore-fuzz-prev-'));
  try {
    const run = await runCli(['score', '--rules', path.join(ROOT, 'fixtures/small/rules.yaml'), '--records', path.join(ROOT, 'fixtures/small/records.csv'), '--out', 'out'], { cwd: dir });
    if (run.code !== 0) throw new Error(`cannot make a previous results file: ${run.stderr}`);
    return readFileSync(path.join(dir, 'out', 'results.json'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs cases with at most `jobs` children at a time; calls `onResult` after each. */
export async function runPool(cases, { jobs = 2, onResult, shouldStop, ...options } = {}) {
  const results = [];
  let next = 0;
  const worker = async () => {
    for (;;) {
      if (shouldStop?.()) return;
      const index = next++;
      const testCase = typeof cases === 'function' ? cases(index) : cases[index];
      if (!testCase) return;
      const result = await runCase(testCase, options);
      results.push(result);
      onResult?.(result);
    }
  };
  await Promise.all(Array.from({ length: jobs }, worker));
  return results;
}
