// ledger.csv written by the WebAssembly module (src/report/ledger-wasm.ts, wasm/ledger-rows.ts) must be the
// JavaScript writer's bytes exactly, and the module must leave to that writer every month it cannot write:
// each case builds a month both ways and compares them, and checks which writer wrote it.

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FindingCollector, MAX_CARRIED_VALUES, score, type ScoreOutput } from '../../src/core/score.js';
import { readRecords } from '../../src/io/records.js';
import { loadRules } from '../../src/io/rules.js';
import { builtModule } from '../../src/io/wasm-modules.js';
import { wasmLedgerPieces } from '../../src/report/ledger-wasm.js';
import { ledgerCsvPieces } from '../../src/report/score-files.js';
import { ruleSetOf } from '../helpers/rules.js';
import { tempDir } from '../helpers/tmp.js';

const ruleSet = loadRules('rules').ruleSet!;
const module = builtModule('ledger-rows.wasm')!;
// Each site with the first three items of its category.
const PAIRS: [string, string][] = ruleSet.sites.flatMap((site) =>
  [...ruleSet.itemByCode.values()].filter((item) => item.category === site.category).slice(0, 3).map((item): [string, string] => [site.id, item.code]),
);
const INSPECTORS = ['张伟', '王芳', '李娜', '刘洋', '陈静', '杨磊', '赵敏', '黄勇', '周杰', '吴婷', '徐明', '孙丽'];

/** A pair's site and item as the collector numbers them. */
const ids = (collector: FindingCollector, [site, item]: [string, string]) => [collector.siteIndex.get(site)!, collector.itemIndex.get(item)!] as const;

/** The chunks together, each copied as it comes (a chunk is valid until two more have been asked for). */
function joined(chunks: Iterable<Uint8Array>): Buffer {
  const copies: Buffer[] = [];
  for (const chunk of chunks) copies.push(Buffer.from(chunk));
  return Buffer.concat(copies);
}

/** The ledger written by the module (which must take it) and by the JavaScript writer: the same bytes. */
function expectSameLedger(scored: ScoreOutput, chunkBytes = 1 << 20): Buffer {
  const byModule = wasmLedgerPieces(scored.ledger, true, module, chunkBytes);
  expect(byModule).toBeDefined();
  const written = joined(byModule!);
  const byScript = joined(ledgerCsvPieces(scored));
  let differs = 0;
  while (differs < written.length && written[differs] === byScript[differs]) differs++;
  const near = (bytes: Buffer) => bytes.subarray(Math.max(0, differs - 80), differs + 80).toString('utf8');
  expect(written.equals(byScript), `first difference at byte ${differs}:\n${near(written)}\n${near(byScript)}`).toBe(true);
  // And through ledgerCsvPieces, as `score` asks for it.
  expect(joined(ledgerCsvPieces(scored, true, module)).equals(byScript)).toBe(true);
  return written;
}

/** A month the module must leave to the JavaScript writer, which ledgerCsvPieces then uses. */
function expectLeftToScript(scored: ScoreOutput): void {
  expect(wasmLedgerPieces(scored.ledger, true, module, 1 << 20)).toBeUndefined();
  expect(joined(ledgerCsvPieces(scored, true, module)).equals(joined(ledgerCsvPieces(scored)))).toBe(true);
}

/** A CSV month of `rows` rows over the pairs, with inspectors, notes and photos from the given lists. */
function writeMonth(file: string, rows: number, texts: { inspectors: string[]; notes?: string[]; photos?: string[] }, seed = 1): void {
  const lines = ['date,site_id,item_code,count,inspector,note,photo'];
  for (let i = 0; i < rows; i++) {
    const k = (i * 7919 + seed * 104_729) % (PAIRS.length * 4);
    // A quarter of the rows on the first hundred pairs, so that some aggregates gather many sources and texts.
    const [site, item] = PAIRS[k < PAIRS.length ? k % 100 : k % PAIRS.length]!;
    const pick = (list: string[] | undefined, step: number) => (list && list.length > 0 && (i * step) % 5 !== 0 ? list[(i * step + seed) % list.length]! : '');
    lines.push(`2026-10-${String(1 + (i % 28)).padStart(2, '0')},${site},${item},${1 + (i % 4)},${pick(texts.inspectors, 3)},${pick(texts.notes, 7)},${pick(texts.photos, 11)}`);
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}

async function readMonth(files: string[], options: { parallel?: boolean } = {}): Promise<ScoreOutput> {
  const collector = new FindingCollector(ruleSet);
  await readRecords(files, ruleSet, { period: '2026-10', ...options }, collector);
  return score({ ruleSet, collector });
}

describe('ledger.csv written by the WebAssembly module', () => {
  it('writes a month read by the fused reader as the JavaScript writer does', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'records-2026-10.csv');
    writeMonth(file, 20_000, { inspectors: INSPECTORS, notes: ['路面破损', '垃圾未清运', '占道经营'], photos: ['IMG_0001.jpg', 'IMG_0002.jpg'] });
    const text = expectSameLedger(await readMonth([file])).toString('utf8');
    expect(text).toMatch(/records-2026-10\.csv:\d+; \/?.*records-2026-10\.csv:\d+/);
    expect(text).toContain('垃圾未清运');
    expect(text).toContain('IMG_0002.jpg');
  });

  it('writes lists of more texts than a list shows, cut to the first in text order', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'many.csv');
    // 40 inspectors, one after another on each of the first ten pairs, whose aggregates carry them all.
    const inspectors = Array.from({ length: 40 }, (_, i) => `测评员${String(39 - i).padStart(2, '0')}`);
    const rows = Array.from({ length: 4_000 }, (_, i) => {
      const [site, item] = PAIRS[i < 400 ? i % 10 : i % PAIRS.length]!;
      return `2026-10-01,${site},${item},1,${inspectors[Math.floor(i / 10) % 40]}`;
    });
    writeFileSync(file, `date,site_id,item_code,count,inspector\n${rows.join('\n')}\n`);
    const scored = await readMonth([file]);
    expect(Math.max(...scored.ledger.map((e) => e.inspectors.length))).toBe(MAX_CARRIED_VALUES);
    expectSameLedger(scored);
  });

  it('writes the sources of several files, each file a store of its own, in natural order of the files', async () => {
    const dir = tempDir();
    const files = ['records-2.csv', 'records-10.csv', 'records-1.csv'].map((name) => path.join(dir, name));
    files.forEach((file, i) => writeMonth(file, 3_000, { inspectors: INSPECTORS.slice(i, i + 4) }, i + 1));
    const text = expectSameLedger(await readMonth(files)).toString('utf8');
    expect(text).toMatch(/records-1\.csv:\d+; [^,]*records-2\.csv:\d+; [^,]*records-10\.csv:\d+/);
  });

  it('writes a file read on two threads (two stores, two chains per aggregate)', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'large.csv');
    // Past the two-thread size (16 MiB).
    writeMonth(file, 330_000, { inspectors: INSPECTORS });
    const scored = await readMonth([file], { parallel: true });
    expectSameLedger(scored);
  });

  it('writes sources the collector was given itself: runs of several files in one aggregate, lines of 1 to 7 digits', () => {
    const collector = new FindingCollector(ruleSet);
    const files = ['a/1.csv', 'a/2.csv', 'a/10.csv'].map((name) => collector.fileIndex(name));
    const texts = INSPECTORS.map((name) => collector.textId(name));
    for (const [f, file] of files.entries()) {
      for (let i = 0; i < 9_000; i++) {
        const [site, item] = PAIRS[(i * 31 + f) % 60]!;
        // Lines rise within a file, from 1 digit to 7; every aggregate's sources run from file to file.
        const line = 2 + i * 113 + Math.floor((i * i) / 1_000);
        collector.addFinding(collector.siteIndex.get(site)!, collector.itemIndex.get(item)!, 1, file, line, -1, texts[(i + f) % texts.length]!, -1, -1);
      }
    }
    const text = expectSameLedger(score({ ruleSet, collector })).toString('utf8');
    expect(text).toMatch(/a\/1\.csv:\d{7}; a\/2\.csv:2;/);
  });

  it('hands out chunks that stay valid for two more, a row larger than a chunk among them', () => {
    const collector = new FindingCollector(ruleSet);
    const file = collector.fileIndex('records.csv');
    for (let i = 0; i < 60_000; i++) {
      const [site, item] = PAIRS[i % 2 === 0 ? 0 : (i * 7919) % PAIRS.length]!;
      collector.addFinding(collector.siteIndex.get(site)!, collector.itemIndex.get(item)!, 1, file, 2 + i, -1, -1, -1, -1);
    }
    const scored = score({ ruleSet, collector });
    const chunkBytes = 64 << 10;
    const handed: { view: Uint8Array; copy: Buffer }[] = [];
    for (const chunk of wasmLedgerPieces(scored.ledger, true, module, chunkBytes)!) {
      handed.push({ view: chunk, copy: Buffer.from(chunk) });
      const earlier = handed[handed.length - 2];
      if (earlier) expect(Buffer.from(earlier.view).equals(earlier.copy)).toBe(true);
    }
    expect(handed.length).toBeGreaterThan(5);
    // The first pair's row (30,000 sources) is larger than a chunk.
    expect(Math.max(...handed.map((h) => h.copy.length))).toBeGreaterThan(4 * chunkBytes);
    expect(Buffer.concat(handed.map((h) => h.copy)).equals(joined(ledgerCsvPieces(scored)))).toBe(true);
    expectSameLedger(scored, chunkBytes);
  });

  it('quotes a list as csvCell quotes its texts joined, wherever a text that needs it stands', () => {
    // Texts with what CSV quotes anywhere (comma, quote, line breaks) and with spaces that matter only first
    // or last in a cell, next to plain ones: each aggregate carries a different handful, in text order.
    const texts = ['a', '张伟', 'b,c', '说"马上整改"', '楼道\n堆物', 'x\ry', ' 前', '后 ', '\u3000全角', '尾\u00a0', '\tt', 'z z', '；', ';'];
    for (const seed of [1, 2, 3]) {
      const collector = new FindingCollector(ruleSet);
      const file = collector.fileIndex('a.csv');
      const textIds = texts.map((text) => collector.textId(text));
      for (let i = 0; i < 3_000; i++) {
        const k = (i * 7919 + seed * 31) % 997;
        collector.addFinding(...ids(collector, PAIRS[k % 150]!), 1, file, 2 + i, -1, textIds[k % texts.length]!, textIds[(k >> 2) % texts.length]!, textIds[(k >> 4) % texts.length]!);
      }
      const text = expectSameLedger(score({ ruleSet, collector })).toString('utf8');
      expect(text).toContain('""马上整改""');
      expect(text).toMatch(/," [^"]*前/);
    }
    // Lists made to order (each is in text order): a space that matters first or last only, not in between.
    const lists = [['a', '后 '], ['尾\u00a0'], [' 前', 'a'], ['a', '\u3000全角'], ['后 ', '张伟'], ['\u3000全角'], ['a', 'b,c', 'z z']];
    const collector = new FindingCollector(ruleSet);
    const file = collector.fileIndex('a.csv');
    lists.forEach((list, k) => {
      list.forEach((name, i) => collector.addFinding(...ids(collector, PAIRS[k]!), 1, file, 2 + k * 10 + i, -1, collector.textId(name), -1, -1));
    });
    const rows = expectSameLedger(score({ ruleSet, collector })).toString('utf8').split('\r\n');
    const cells = [',"a; 后 ",', ',"尾\u00a0",', ',"\u3000全角",', ',"a; b,c; z z",', ',"\u0020前; a",', ',a; \u3000全角,', ',后 ; 张伟,'];
    for (const cell of cells) expect(rows.filter((row) => row.includes(cell)), cell).toHaveLength(1);
  });

  it('writes each item\'s own veto cell where items share their points and cap (the rule set shares the numbers)', () => {
    const rules = ruleSetOf({
      scoring: { repeat_multiplier: 2, grades: [{ name: '合格', min: 0 }] },
      units: [{ id: 'J01', name: '人民路街道', group: '街道' }],
      categories: [{
        id: 'C02', name: '农贸市场', weight: 1,
        items: [
          { code: 'C02-01', text: '划行归市', points: 1, cap: 3 },
          { code: 'C02-08', text: '重大事故', points: 1, cap: 3, veto: true },
          { code: 'C02-09', text: '公平秤', points: 1, cap: 3 },
        ],
      }],
      sites: [{ id: 'S01', name: '城南市场', category: 'C02', unit: 'J01' }, { id: 'S02', name: '城北市场', category: 'C02', unit: 'J01' }],
    });
    expect(rules.itemByCode.get('C02-08')!.points).toBe(rules.itemByCode.get('C02-01')!.points);
    const collector = new FindingCollector(rules);
    const file = collector.fileIndex('a.csv');
    const add = (site: string, item: string, line: number) => collector.addFinding(collector.siteIndex.get(site)!, collector.itemIndex.get(item)!, 2, file, line, -1, -1, -1, -1);
    add('S01', 'C02-01', 2);
    add('S01', 'C02-08', 3);
    add('S02', 'C02-08', 4);
    add('S02', 'C02-09', 5);
    const rows = expectSameLedger(score({ ruleSet: rules, collector })).toString('utf8').split('\r\n').slice(1, -1).map((row) => row.split(','));
    // 测评标准编号, 数量, 应扣分, 实扣分, 一票否决
    expect(rows.map((row) => [row[5], row[7], row[10], row[11], row[12]])).toEqual([
      ['C02-01', '2', '2', '2', '否'], ['C02-08', '2', '2', '2', '是'], ['C02-08', '2', '2', '2', '是'], ['C02-09', '2', '2', '2', '否'],
    ]);
  });

  it('writes the header alone for a month without findings, with and without the byte order mark', () => {
    const scored = score({ ruleSet, collector: new FindingCollector(ruleSet) });
    expect(scored.ledger.length).toBe(0);
    for (const bom of [true, false]) {
      const written = joined(wasmLedgerPieces(scored.ledger, bom, module, 1 << 20)!);
      expect(written.equals(joined(ledgerCsvPieces(scored, bom)))).toBe(true);
    }
  });
});

describe('ledger.csv left to the JavaScript writer', () => {
  const collectorWith = (fileName: string, add: (collector: FindingCollector, file: number) => void) => {
    const collector = new FindingCollector(ruleSet);
    add(collector, collector.fileIndex(fileName));
    return score({ ruleSet, collector });
  };

  it('leaves sources out of line order (they are sorted first)', () => {
    expectLeftToScript(collectorWith('a.csv', (collector, file) => {
      for (const line of [10, 3, 7]) collector.addFinding(...ids(collector, PAIRS[0]!), 1, file, line, -1, -1, -1, -1);
    }));
  });

  it('leaves a file name CSV must quote', () => {
    expectLeftToScript(collectorWith('records,2026-10.csv', (collector, file) => {
      for (let line = 2; line < 50; line++) collector.addFinding(...ids(collector, PAIRS[line % 5]!), 1, file, line, -1, -1, -1, -1);
    }));
  });

  it('leaves files whose natural order is not the order they were read in', () => {
    const collector = new FindingCollector(ruleSet);
    for (const name of ['b-10.csv', 'b-9.csv']) {
      const file = collector.fileIndex(name);
      for (let line = 2; line < 20; line++) collector.addFinding(...ids(collector, PAIRS[line % 3]!), 1, file, line, -1, -1, -1, -1);
    }
    expectLeftToScript(score({ ruleSet, collector }));
  });

  it('leaves more than 64 texts (an aggregate\'s texts are no longer all in its bits)', () => {
    expectLeftToScript(collectorWith('a.csv', (collector, file) => {
      for (let i = 0; i < 65; i++) collector.addFinding(...ids(collector, PAIRS[i % 7]!), 1, file, 2 + i, -1, collector.textId(`测评员${i}`), -1, -1);
    }));
  });

  it('leaves a row whose bound is past what the module lays out (a long file name, most records on one pair)', () => {
    expectLeftToScript(collectorWith(`${'长'.repeat(1_500)}.csv`, (collector, file) => {
      for (let line = 2; line < 16_000; line++) collector.addFinding(...ids(collector, PAIRS[line % 1_000 === 0 ? 1 : 0]!), 1, file, line, -1, -1, -1, -1);
    }));
  });

  it('leaves record ids', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'ids.csv');
    writeFileSync(file, `record_id,site_id,item_code,date\n${PAIRS.slice(0, 50).map(([site, item], i) => `R-${i},${site},${item},2026-10-01`).join('\n')}\n`);
    expectLeftToScript(await readMonth([file]));
  });
});
