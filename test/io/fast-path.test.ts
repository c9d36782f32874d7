// The records reader's fast paths (the fused run reader and the per-row byte checks) must decide every
// row exactly as the general checks do: same accepted records, same rejections with the same lines and
// codes, same aggregates, sources and carried texts. Files are generated from cells chosen to sit on
// either side of each fast-path assumption, and read both ways.

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FindingCollector } from '../../src/core/score.js';
import { FastRows } from '../../src/io/fast-rows.js';
import { readRecords, type CsvReadOptions } from '../../src/io/records.js';
import { loadRules } from '../../src/io/rules.js';
import { tempDir } from '../helpers/tmp.js';

const ruleSet = loadRules('fixtures/small/rules.yaml').ruleSet!;

const cells = {
  site: ['S01', 'S04', 'S06', 'S08', 'S99', '', ' S02', 'S02 ', '"S03"', '"S0""1"', 'Ｓ０１', 's01', 'S0'],
  item: ['C01-01', 'C01-03', 'C02-02', 'C02-09', 'C03-02', '', 'C09-01', ' C01-02', '"C01-02"', 'C0１-01', 'c01-01'],
  count: ['', '1', '2', '07', '0', '1000000', '1000001', '12345678', '-1', '1.5', ' 3', '"2"', 'x'],
  date: [
    '2026-10-01', '2026-10-31', '2026/10/5', '2026-9-30', '2026-10-1', '2026-11-01', '2026-02-29', '2024-02-29',
    '2026-10-32', '2026-13-01', '', '20261001', ' 2026-10-02', '"2026-10-03"', '2026-10-0x',
  ],
  // Lengths 1 to 13 bytes (texts are read as up to three 4-byte words), low bytes that are not separators,
  // and long text.
  text: [
    '', '张三', '李四', ' 王五 ', '   ', '"引号""里"', '"有,逗号"', '"两\n行"', 'a"b', '备注',
    'a', 'ab', 'abc', 'abcd', 'abcde', 'abcdefg', 'abcdefgh', 'abcdefghi', 'abcdefghijk', 'abcdefghijkl',
    'abcdefghijklm', '张三 (组长)', 'a+b#c', '路面有垃圾、烟头，未及时清理',
  ],
  // Few plain ids, so that duplicates are common; ids the general path cleans into one of them; ids with
  // bytes the fused reader does not take.
  recordId: ['R1', 'R2', 'R3', 'R10', 'r1', '', '   ', ' R1', 'R2 ', 'Ｒ３', '"R1"', '"R""1"', 'R 4', 'R~5', '编号6', 'R\x7f7'],
};

/** Mostly well-formed values, so that rows wrong in exactly one cell are common. */
const mostly = (good: string[], all: string[]) =>
  fc.oneof({ arbitrary: fc.constantFrom(...good), weight: 4 }, { arbitrary: fc.constantFrom(...all), weight: 1 });

const line = fc.record({
  site: mostly(['S01', 'S02'], cells.site),
  item: mostly(['C01-01', 'C01-03', ''], cells.item),
  count: mostly(['', '1', '2'], cells.count),
  date: mostly(['2026-10-01', '2026-10-31', '2026/10/5', ''], cells.date),
  inspector: mostly(['', '张三', '李四', 'abc', 'abcdefghi'], cells.text),
  note: mostly(['', '备注', 'a', 'abcde', '张三 (组长)'], cells.text),
  recordId: mostly(['R1', 'R2', 'R3', 'R10', 'r1', ''], cells.recordId),
  /** 0: as is; 1: a trailing empty field; 2: a trailing non-empty field; 3: one field short; 4: blank; 5: only commas */
  shape: fc.constantFrom(0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5),
  ending: fc.constantFrom('\n', '\n', '\n', '\n', '\r\n', '\r\n', '\r'),
});

type Line = typeof line extends fc.Arbitrary<infer T> ? T : never;

function csvText(header: string[], lines: Line[], delimiter: string, finalEnding: boolean): string {
  const rows = lines.map((l) => {
    const byColumn: Record<string, string> = {
      date: l.date, site_id: l.site, item_code: l.item, count: l.count, inspector: l.inspector, note: l.note, 照片: l.note,
      测评员: l.inspector, 点位编号: l.site, 测评标准编号: l.item, 数量: l.count, 日期: l.date, extra: 'x',
      record_id: l.recordId, 记录编号: l.recordId,
    };
    let fields = header.map((h) => byColumn[h] ?? '');
    if (l.shape === 1) fields.push('');
    if (l.shape === 2) fields.push('多余');
    if (l.shape === 3) fields = fields.slice(0, -1);
    if (l.shape === 4) fields = [];
    if (l.shape === 5) fields = header.map(() => '');
    return fields.join(delimiter) + l.ending;
  });
  const text = `${header.join(delimiter)}\n${rows.join('')}`;
  return finalEnding ? text : text.replace(/(\r\n|\n|\r)$/, '');
}

/** A rule set of one district and one category with these items and sites, written to `dir`, loaded. */
function oneCategoryRules(dir: string, name: string, siteIds: readonly string[], itemCodes: readonly string[], itemFields = ''): typeof ruleSet {
  const rules = [
    `ruleset: { name: ${name}, version: "1", full_score: 100 }`,
    'scoring: { unit_score: weighted_mean, coverage: inspected }',
    'units:',
    '  - { id: D01, name: 北湖区, group: 城区 }',
    'categories:',
    '  - id: K01',
    '    name: 主次干道',
    '    weight: 1',
    '    items:',
    ...itemCodes.map((code) => `      - { code: ${code}, text: 条目${code}, points: 1${itemFields} }`),
    'sites:',
    ...siteIds.map((id) => `  - { id: ${id}, name: 点位${id}, category: K01, unit: D01 }`),
  ].join('\n');
  writeFileSync(path.join(dir, 'rules.yaml'), `${rules}\n`);
  return loadRules(path.join(dir, 'rules.yaml')).ruleSet!;
}

/** How many rows the last read() took on the fused path. */
let lastFusedRows = 0;

async function read(file: string, generalOnly: boolean, more: CsvReadOptions & { period?: string } = { period: '2026-10' }) {
  const collector = new FindingCollector(ruleSet);
  const options: CsvReadOptions & { period?: string } = { ...more, generalOnly };
  const result = await readRecords([file], ruleSet, options, collector);
  lastFusedRows = result.fusedRows;
  return {
    records: result.records,
    accepted: result.accepted,
    months: [...result.months].sort(),
    fileDiagnostics: result.fileDiagnostics.map((d) => `${d.line}:${d.code}`),
    rejected: result.rejected.map((r) => `${r.source.line}:${r.diagnostics.map((d) => `${d.code}@${d.col}`).join('|')}`),
    rows: result.inputs.map((i) => i.rows),
    visited: ruleSet.sites.map((s) => collector.isVisited(s.id)),
    aggregates: collector.aggregates.map((a) => ({
      site: a.site, item: a.item, n: a.n, sources: collector.sourceLabels(a),
      inspectors: a.inspectors, notes: a.notes, photos: a.photos,
    })).sort((a, b) => (a.site + a.item < b.site + b.item ? -1 : 1)),
  };
}

describe('the fused fast path', () => {
  it('takes every plain row, whatever the length of its ids and texts (1 to 13 bytes)', async () => {
    const dir = tempDir();
    // Ids of each length, so that the last word the module hashes a field by is masked at every length.
    const siteIds = Array.from({ length: 13 }, (_, i) => 'S123456789ABC'.slice(0, i + 1));
    const itemIds = Array.from({ length: 13 }, (_, i) => 'Cabcdefghijkl'.slice(0, i + 1));
    const lengthRules = oneCategoryRules(dir, '长度测试', siteIds, itemIds);
    expect(lengthRules).toBeDefined();
    const texts = ['', 'a', 'ab', 'abc', 'abcd', 'abcde', 'abcdef', 'abcdefg', 'abcdefgh', 'abcdefghi', 'abcdefghij',
      'abcdefghijk', 'abcdefghijkl', 'abcdefghijklm', '张三', '张三 (组长)', '路面有垃圾、烟头，未及时清理'];
    // The site first and small chunks, so that rows (and long ids) start at the very beginning of a buffer.
    const lines = ['site_id,item_code,count,date,inspector,note'];
    for (let i = 0; i < 3000; i++) {
      const item = i % 5 === 0 ? '' : itemIds[(i * 7) % 13]!;
      lines.push(`${siteIds[12 - (i % 13)]},${item},${item ? (i % 3) + 1 : ''},2026-10-${String((i % 28) + 1).padStart(2, '0')},${texts[i % 17]},${texts[(i * 3) % 17]}`);
    }
    const file = path.join(dir, 'lengths.csv');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const readWith = async (generalOnly: boolean) => {
      const collector = new FindingCollector(lengthRules);
      const result = await readRecords([file], lengthRules, { generalOnly, period: '2026-10', chunkBytes: 61 }, collector);
      const aggregates = collector.aggregates.map((a) => ({ site: a.site, item: a.item, n: a.n, inspectors: a.inspectors, notes: a.notes }));
      return { result, aggregates };
    };
    const fast = await readWith(false);
    const general = await readWith(true);
    expect(fast.result.accepted).toBe(3000);
    expect(fast.result.fusedRows).toBe(3000);
    expect(general.result.fusedRows).toBe(0);
    expect(fast.aggregates).toEqual(general.aggregates);
  });

  it('leaves rows naming an id it does not hold (non-ASCII) to the general path, and finds the ids after it', async () => {
    const dir = tempDir();
    // Ids the module leaves out sit between ids it holds, so that those are found where they were copied in.
    const siteIds = ['S1', '点位甲', 'S22', 'Ｓ03', 'S333', '东区点位'];
    const itemIds = ['条目一', 'C1', 'C22'];
    const mixedRules = oneCategoryRules(dir, '混合编号', siteIds, itemIds);
    const lines = ['site_id,item_code,count,date,inspector'];
    for (let i = 0; i < 600; i++) lines.push(`${siteIds[i % 6]},${itemIds[(i * 5) % 3]},${(i % 3) + 1},2026-10-0${(i % 9) + 1},测评员${i % 4}`);
    const file = path.join(dir, 'mixed.csv');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const readWith = async (generalOnly: boolean) => {
      const collector = new FindingCollector(mixedRules);
      const result = await readRecords([file], mixedRules, { generalOnly, period: '2026-10' }, collector);
      return { result, aggregates: collector.aggregates.map((a) => ({ site: a.site, item: a.item, n: a.n, inspectors: a.inspectors })) };
    };
    const fast = await readWith(false);
    const general = await readWith(true);
    expect(fast.result.accepted).toBe(general.result.accepted);
    expect(fast.result.accepted).toBeGreaterThan(400);
    // Rows of the plain sites S1, S22, S333 with the plain items C1, C22: 3 sites in 6 × 2 items in 3.
    expect(fast.result.fusedRows).toBe(200);
    expect(fast.aggregates).toEqual(general.aggregates);
  });
});

describe('fast paths agree with the general checks', () => {
  const headers = [
    ['date', 'site_id', 'item_code', 'count', 'inspector', 'note'],
    ['点位编号', '测评标准编号', '数量', '日期', '测评员', '照片'],
    ['site_id', 'extra', 'item_code', 'date'],
    ['date', 'site_id', 'item_code', 'count'],
    ['record_id', 'date', 'site_id', 'item_code', 'count', 'inspector', 'note'],
    ['点位编号', '测评标准编号', '日期', '记录编号'],
  ];

  it('on rows built from cells either side of every fast-path assumption', async () => {
    const dir = tempDir();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...headers),
        fc.constantFrom(',', '\t'),
        fc.array(line, { minLength: 1, maxLength: 60 }),
        fc.boolean(),
        async (header, delimiter, lines, finalEnding) => {
          const file = path.join(dir, `m${run++}.${delimiter === '\t' ? 'tsv' : 'csv'}`);
          writeFileSync(file, csvText(header, lines, delimiter, finalEnding));
          const general = await read(file, true);
          const fast = await read(file, false);
          expect(fast).toEqual(general);
        },
      ),
      { numRuns: 400, seed: 6 },
    );
  });

  it('on a large plain file that the fused reader takes in many chunks', async () => {
    const dir = tempDir();
    const lines: string[] = ['date,site_id,item_code,count,inspector,note'];
    const sites = ['S01', 'S02', 'S03', 'S04', 'S05', 'S06', 'S07', 'S08'];
    const items: Record<string, string[]> = { C01: ['C01-01', 'C01-02', 'C01-03'], C02: ['C02-01', 'C02-02'], C03: ['C03-01', 'C03-02'] };
    for (let i = 0; i < 120_000; i++) {
      const site = sites[(i * 5) % 8]!;
      const category = ruleSet.siteById.get(site)!.category;
      const item = i % 4 === 0 ? '' : items[category]![i % items[category]!.length]!;
      // Now and then a row the fused reader must leave: a quoted note, a bad count, a CRLF, an unknown site.
      const note = i % 1001 === 0 ? '"引号, 逗号"' : i % 13 === 0 ? `备注${i % 40}` : '';
      const count = item === '' ? '' : i % 2003 === 0 ? '0' : String((i % 3) + 1);
      const end = i % 777 === 0 ? '\r' : '';
      lines.push(`2026-10-${String((i % 28) + 1).padStart(2, '0')},${i % 5003 === 0 ? 'S99' : site},${item},${count},测评员${i % 37},${note}${end}`);
    }
    const file = path.join(dir, 'big.csv');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const general = await read(file, true);
    const fast = await read(file, false);
    expect(fast.records).toBe(120_000);
    expect(fast.rejected.length).toBeGreaterThan(50);
    expect(fast).toEqual(general);
  });
});

describe('the fused reader at its limits', () => {
  it('reads past its tables and input window as the general checks do', async () => {
    // A unique note on every row (more distinct texts than the module remembers, thousands per aggregate:
    // its lists are cut to the first in text order), 100 inspectors (ids past 64) and later a new one a row, dates over several months
    // and years with no --period, reads of 6 MiB (more than the module takes in at once), and enough
    // findings that its blocks of lines grow.
    const dir = tempDir();
    const lines: string[] = ['date,site_id,item_code,count,inspector,note'];
    const sites = ['S01', 'S02', 'S03', 'S04', 'S05', 'S06', 'S07', 'S08'];
    const items: Record<string, string[]> = { C01: ['C01-01', 'C01-02', 'C01-03'], C02: ['C02-01', 'C02-02'], C03: ['C03-01', 'C03-02'] };
    // 0000 is a leap year, 1900 is not (0000-02-29 was taken by the byte readers and refused by the general one).
    const dates = ['2026-10-01', '2026-09-30', '2025-12-31', '2026-01-15', '0001-01-01', '9999-12-31', '2024-02-29', '0000-02-29', '1900-02-29'];
    for (let i = 0; i < 150_000; i++) {
      const site = sites[(i * 3) % 8]!;
      const category = ruleSet.siteById.get(site)!.category;
      const item = i % 9 === 0 ? '' : items[category]![i % items[category]!.length]!;
      const note = i % 5000 === 0 ? '"引号"' : `第${i}号问题：路面有垃圾、烟头，未及时清理`;
      // From row 100,000 on, a new inspector too: two texts in one row that it no longer has room for.
      const inspector = i < 100_000 ? `测评员${(i * 7) % 100}` : `检查员${i}`;
      lines.push(`${dates[i % dates.length]},${site},${item},${item ? (i % 4) + 1 : ''},${inspector},${note}`);
    }
    const file = path.join(dir, 'limits.csv');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const options = { chunkBytes: 6 << 20 };
    const general = await read(file, true, options);
    const fast = await read(file, false, options);
    // All but the rows with a quoted note or 1900-02-29.
    expect(lastFusedRows).toBeGreaterThan(120_000);
    expect(fast.records).toBe(150_000);
    expect(fast.months).toEqual(['0000-02', '0001-01', '2024-02', '2025-12', '2026-01', '2026-09', '2026-10', '9999-12']);
    expect(fast.rejected.filter((r) => r.endsWith('REC_BAD_DATE@1')).length).toBeGreaterThan(10_000);
    expect(fast.aggregates.some((a) => a.notes.length === 20 && a.inspectors.length === 20)).toBe(true);
    expect(fast).toEqual(general);
  });
});

describe('the fused reader with many aggregates', () => {
  it('grows its room for aggregates and blocks while it reads, as the general checks count', async () => {
    // 700 sites × 12 items: ~8,000 aggregates found, past the 4,096 it has room for at first, and blocks
    // of lines that grow in between (both move its memory's parts up).
    const dir = tempDir();
    const sites = Array.from({ length: 700 }, (_, i) => `P${String(i).padStart(4, '0')}`);
    const items = Array.from({ length: 12 }, (_, i) => `K01-${String(i).padStart(2, '0')}`);
    const manyRules = oneCategoryRules(dir, '多点位', sites, items, ', cap: 5');
    const lines = ['site_id,item_code,count,date,inspector'];
    for (let i = 0; i < 60_000; i++) {
      // Pairs first found all through the file; now and then a row the general path takes.
      const pair = (i * 7919) % 8400;
      const count = i % 4001 === 0 ? '"2"' : String((i % 3) + 1);
      lines.push(`${sites[pair % 700]},${items[Math.floor(pair / 700)]},${count},2026-10-${String((i % 28) + 1).padStart(2, '0')},测评员${i % 9}`);
    }
    const file = path.join(dir, 'many.csv');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const readWith = async (generalOnly: boolean) => {
      const collector = new FindingCollector(manyRules);
      const result = await readRecords([file], manyRules, { generalOnly, period: '2026-10' }, collector);
      const aggregates = collector.aggregates
        .map((a) => ({ site: a.site, item: a.item, n: a.n, sources: collector.sourceLabels(a), inspectors: a.inspectors }))
        .sort((a, b) => (a.site + a.item < b.site + b.item ? -1 : 1));
      return { accepted: result.accepted, rejected: result.rejected.length, fused: result.fusedRows, aggregates };
    };
    const fast = await readWith(false);
    const general = await readWith(true);
    expect(fast.aggregates.length).toBe(8400);
    expect(fast.fused).toBeGreaterThan(59_900);
    expect({ ...fast, fused: 0 }).toEqual({ ...general, fused: 0 });
  });
  it('moves the record ids of its lines with them as it grows, and finds duplicates across windows and files', async () => {
    const dir = tempDir();
    const sites = Array.from({ length: 700 }, (_, i) => `P${String(i).padStart(4, '0')}`);
    const items = Array.from({ length: 12 }, (_, i) => `K01-${String(i).padStart(2, '0')}`);
    const manyRules = oneCategoryRules(dir, '多点位', sites, items, ', cap: 5');
    const files = ['ids-a.csv', 'ids-b.csv'].map((name) => path.join(dir, name));
    for (const [f, file] of files.entries()) {
      const lines = ['record_id,site_id,item_code,count,date,inspector'];
      for (let i = 0; i < 40_000; i++) {
        const pair = (i * 7919 + f) % 8400;
        // Mostly new ids, of a length that puts rows across every window; now and then one seen thousands of
        // rows before, or in the other file, or an id the general path cleans (and then must still find).
        const n = f * 40_000 + i;
        const id = i % 997 === 0 ? `ID-${n - 5000}` : i % 1999 === 0 ? ` ID-${n - 40_000}` : i % 3001 === 0 ? `Ｉ${n}` : `ID-${n}`;
        lines.push(`${id},${sites[pair % 700]},${items[Math.floor(pair / 700)]},${(i % 3) + 1},2026-10-${String((i % 28) + 1).padStart(2, '0')},测评员${i % 9}`);
      }
      writeFileSync(file, `${lines.join('\n')}\n`);
    }
    const readWith = async (generalOnly: boolean) => {
      const collector = new FindingCollector(manyRules);
      const result = await readRecords(files, manyRules, { generalOnly, period: '2026-10' }, collector);
      const aggregates = collector.aggregates
        .map((a) => ({ site: a.site, item: a.item, n: a.n, sources: collector.sourceLabels(a) }))
        .sort((a, b) => (a.site + a.item < b.site + b.item ? -1 : 1));
      const rejected = result.rejected.map((r) => `${r.source.file}:${r.source.line} ${r.diagnostics.map((d) => `${d.code} ${String(d.args?.first)}`).join()}`);
      return { accepted: result.accepted, rejected, fused: result.fusedRows, aggregates };
    };
    const fast = await readWith(false);
    const general = await readWith(true);
    expect(fast.aggregates.length).toBe(8400);
    expect(fast.fused).toBeGreaterThan(79_000);
    expect(fast.rejected.length).toBeGreaterThan(40);
    expect(fast.rejected.some((r) => r.startsWith(files[1]!) && r.includes(`${files[0]!}:`))).toBe(true);
    // Ｉ cleaned to I, taken by the general path.
    expect(fast.aggregates.some((a) => a.sources.some((s) => /^I\d/.test(s)))).toBe(true);
    expect({ ...fast, fused: 0 }).toEqual({ ...general, fused: 0 });
  });
});

describe('the fused reader keeping a file\'s record ids', () => {
  // The module keeps the ids of the first file with ids itself (room for 32,768 ids and 512 KiB of their
  // bytes at first); rows it leaves to the general path are checked against them through it.
  it.each([
    ['long ids, some rows left to the general path', (i: number) => (i % 11 === 0 ? '"备注,引号"' : '')],
    ['every row left to the general path', () => '"备注,引号"'],
  ])('past its first room, as the general checks do (%s)', async (_name, noteOf) => {
    const dir = tempDir();
    const lines = ['record_id,site_id,item_code,count,date,note'];
    for (let i = 0; i < 40_000; i++) {
      // Ids of 5 to ~120 bytes; now and then one given before, thousands of rows back, or a cleaned one.
      const id = i % 499 === 0 && i >= 3000 ? `K${i - 3000}-${'x'.repeat((i - 3000) % 113)}` : i % 1997 === 0 ? ` K${i}` : `K${i}-${'x'.repeat(i % 113)}`;
      const site = ['S01', 'S02', 'S03'][i % 3]!;
      const item = { S01: 'C01-01', S02: 'C01-03', S03: 'C01-02' }[site]!;
      lines.push(`${id},${site},${item},${(i % 3) + 1},2026-10-${String((i % 28) + 1).padStart(2, '0')},${noteOf(i)}`);
    }
    const file = path.join(dir, 'ids.csv');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const general = await read(file, true, { period: '2026-10', keepRejected: 1000 });
    const fast = await read(file, false, { period: '2026-10', keepRejected: 1000 });
    expect(fast.rejected.length).toBeGreaterThan(70);
    expect(fast.aggregates.reduce((n, a) => n + a.sources.length, 0)).toBeGreaterThan(39_000);
    expect(fast).toEqual(general);
  });
});

describe('the fused reader with no room for more ids', () => {
  // Past its memory's limit (2 GiB: tens of millions of ids) the module hands the ids it kept to the duplicate
  // check and asks it for each one from then on. A small limit here makes that happen at 32,768 ids and later
  // (some rows with long notes, some the general path reads).
  it.each([6, 8, 10, 12])('reads on as the general checks do (a limit of %i MiB)', async (limit) => {
    const dir = tempDir();
    const lines = ['record_id,site_id,item_code,count,date,note'];
    for (let i = 0; i < 150_000; i++) {
      const id = i % 1999 === 0 && i > 5000 ? `ID-${i - 5000}` : i % 2503 === 0 ? ` ID-${i}` : `ID-${i}`;
      const note = i < 2000 ? 'x'.repeat(500) : i % 3001 === 0 ? '"引号,逗号"' : '';
      lines.push(`${id},${['S01', 'S02'][i % 2]},${['C01-01', 'C01-02'][i % 2]},1,2026-10-01,${note}`);
    }
    const file = path.join(dir, 'ids.csv');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const general = await read(file, true, { period: '2026-10', keepRejected: 1000 });
    const fast = await read(file, false, { period: '2026-10', keepRejected: 1000, fusedMemoryLimit: limit << 20 });
    expect(lastFusedRows).toBeGreaterThan(149_000);
    expect(fast.rejected.length).toBe(73);
    expect(fast).toEqual(general);
  });

  // Reached while the duplicate check asks the module about a row it left (found in review): the claim or the
  // look-up in progress is then the check's own.
  it.each([
    // Every row left to the general path (its quoted note): ids claimed through the check; one repeated late.
    ['claiming an id', 33_000, 6, (i: number) => `ID-${i === 32_990 ? 32_768 : i},S01,C01-01,1,2026-10-01,"a,b"`],
    ['claiming an id, past the room for ids', 150_000, 8, (i: number) => `ID-${i},S01,C01-01,1,2026-10-01,"a,b"`],
    // Rows of an unknown site (rejected) repeat long ids accepted before: looking one up fills the id bytes.
    ['looking an id up', 40_000, 6, (i: number) => {
      const long = (k: number) => `L${String(k).padStart(199, '0')}`;
      return i % 2 === 0 ? `${i < 100 ? long(i) : `ACC-${String(i).padStart(36, '0')}`},S01,C01-01,1,2026-10-01,` : `${long((i % 100) - 1)},S99,C01-01,1,2026-10-01,`;
    }],
  ])('reads on as the general checks do, reached while %s', async (_name, rows, limit, rowOf) => {
    const dir = tempDir();
    const file = path.join(dir, 'ids.csv');
    writeFileSync(file, `record_id,site_id,item_code,count,date,note\n${Array.from({ length: rows }, (_, i) => rowOf(i)).join('\n')}\n`);
    const general = await read(file, true, { period: '2026-10', keepRejected: 100_000 });
    const fast = await read(file, false, { period: '2026-10', keepRejected: 100_000, fusedMemoryLimit: limit << 20 });
    expect(fast).toEqual(general);
  });
});

describe('the fused reader with a record_id column and no ids', () => {
  // Sources are then listed by (file, line), not as text: "a" before "a.csv" in natural order of files,
  // though "a.csv:2" sorts before "a:2" as text. Found in review.
  it.each([
    ['no id at all', ['', '']],
    ['ids only on rows that find nothing', ['R1', '']],
  ])('lists sources as the general checks do (%s)', async (_name, ids) => {
    const dir = tempDir();
    const a = path.join(dir, 'a');
    const b = path.join(dir, 'a.csv');
    writeFileSync(a, `record_id,date,site_id,item_code,count\n${ids[0]},2026-10-01,S02,,\n${ids[1]},2026-10-02,S01,C01-01,1\n,2026-10-03,S01,C01-01,1\n`);
    writeFileSync(b, 'record_id,date,site_id,item_code,count\n,2026-10-01,S01,C01-01,1\n');
    const readBoth = async (generalOnly: boolean) => {
      const collector = new FindingCollector(ruleSet);
      const result = await readRecords([a, b], ruleSet, { generalOnly, period: '2026-10' }, collector);
      return { fused: result.fusedRows, sources: collector.aggregates.map((g) => collector.sourceLabels(g)) };
    };
    const fast = await readBoth(false);
    const general = await readBoth(true);
    expect(fast.fused).toBe(4);
    expect(fast.sources).toEqual(general.sources);
    expect(general.sources).toEqual([[`${a}:3`, `${a}:4`, `${b}:2`]]);
  });
});

describe('the fused reader and the files it leaves alone', () => {
  it('leaves a file whose lines end in CR alone to the tokenizer, row for row as the general checks read it', async () => {
    // Excel for Mac's "CSV (Macintosh)": no LF anywhere, so no row the module could take. (Each row start
    // used to copy the rest of the read into the module: 9.9 s for such a file through the CLI, now 0.2 s.)
    const dir = tempDir();
    const lines = ['date,site_id,item_code,count,inspector,note'];
    for (let i = 0; i < 28_000; i++) lines.push(`2026-10-${String((i % 28) + 1).padStart(2, '0')},S01,C01-01,1,张三,备注${i % 50}`);
    const file = path.join(dir, 'mac.csv');
    writeFileSync(file, `${lines.join('\r')}\r`);
    const general = await read(file, true);
    const fast = await read(file, false);
    expect(lastFusedRows).toBe(0);
    expect(fast.accepted).toBe(28_000);
    expect(fast).toEqual(general);
  });

  it('is not used for rule sets with more (site, place) cells than its memory holds', () => {
    const oneCategory = (items: number) => new Int32Array(items);
    expect(FastRows.fits(632, oneCategory(40))).toBe(true);
    expect(FastRows.fits(60_000, oneCategory(69))).toBe(true);
    expect(FastRows.fits(70_000, oneCategory(69))).toBe(false);
  });
});
