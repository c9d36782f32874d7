// ledger.csv as the chunks score writes it: several megabytes of sources, in chunks of about 1 MiB taken from
// two buffers in turn. Every chunk must stay as it was handed out until two more have been asked for (the
// writer writes one while the next is made), and together they must be the ledger, row for row: checked by
// parsing the CSV and comparing each row with its entry, its sources made the string way (sourceLabels).

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecordChecker } from '../../src/core/records.js';
import { FindingCollector, score, type ScoreOutput } from '../../src/core/score.js';
import { compareNatural } from '../../src/core/text.js';
import { readRecords } from '../../src/io/records.js';
import { loadRules } from '../../src/io/rules.js';
import { csvCell } from '../../src/report/csv.js';
import { ledgerCsvPieces } from '../../src/report/score-files.js';
import { tempDir } from '../helpers/tmp.js';

// The bundled rule set: 632 sites, each with its category's items.
const ruleSet = loadRules('rules').ruleSet!;
const PAIRS: [string, string][] = ruleSet.sites.flatMap((site) =>
  [...ruleSet.itemByCode.values()].filter((item) => item.category === site.category).slice(0, 3).map((item): [string, string] => [site.id, item.code]),
);

/**
 * A month of `findings` rows spread over the pairs, half of them on the first, whose ledger row (~3 MB) is
 * larger than a buffer; line numbers of 1 to 7 digits.
 */
function month(findings: number, fileName: string) {
  const collector = new FindingCollector(ruleSet);
  const file = collector.fileIndex(fileName);
  for (let i = 0; i < findings; i++) {
    const [site, item] = PAIRS[i % 2 === 0 ? 0 : (i * 7919) % PAIRS.length]!;
    // Gaps that grow: lines run from 2 past a million, so blocks mix digit counts.
    const line = 2 + i * 7 + Math.floor((i * i) / 40_000);
    collector.addFinding(collector.siteIndex.get(site)!, collector.itemIndex.get(item)!, 1 + (i % 3), file, line, -1, -1, -1, -1);
  }
  return score({ ruleSet, collector });
}

describe('ledger.csv in chunks', () => {
  // A file name CSV must quote (a comma) makes the sources column as one string (FindingCollector.writeSources).
  it.each(['月度/records-2026-10.csv', '月度/records,2026-10.csv'])('hands out chunks that stay valid for two more and make up the ledger, row for row (%s)', (fileName) => {
    const scored = month(160_000, fileName);
    const handed: { view: Uint8Array; copy: Buffer }[] = [];
    for (const chunk of ledgerCsvPieces(scored)) {
      handed.push({ view: chunk, copy: Buffer.from(chunk) });
      // The chunk handed out two before this one is still intact (its buffer is the one written next).
      const earlier = handed[handed.length - 2];
      if (earlier) expect(Buffer.from(earlier.view).equals(earlier.copy)).toBe(true);
    }
    expect(handed.length).toBeGreaterThan(3);
    expect(Math.max(...handed.map((h) => h.copy.length))).toBeGreaterThan(2 << 20);

    expectLedgerRows(Buffer.concat(handed.map((h) => h.copy)).toString('utf8'), scored);
  });

  it.each([
    // Ids in and out of natural order, ids CSV must quote, ids the reader cleans, and rows with no id.
    ['mixed', (i: number) => {
      const n = i % 2 === 0 ? i : 60_000 - i;
      return i % 997 === 0 ? `"R,${n}"` : i % 1009 === 0 ? `Ｒ${n}` : i % 1013 === 0 ? '' : i % 3 === 0 ? `R-${n}.a` : `R-${n}`;
    }],
    // Ids rising with the rows (then sorted by number) until a stretch that falls.
    ['rising', (i: number) => (i < 25_000 ? `R-${i}` : `R-${90_000 - i}`)],
  ])('lists record ids written as bytes in the order and with the quoting the string way gives them (%s)', async (kind, idOf) => {
    const dir = tempDir();
    const lines = ['record_id,site_id,item_code,date'];
    for (let i = 0; i < 30_000; i++) {
      const [site, item] = PAIRS[(i * 7919) % 300]!;
      const id = idOf(i);
      lines.push(`${id},${site},${item},2026-10-01`);
    }
    const file = path.join(dir, 'ids.csv');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const collector = new FindingCollector(ruleSet);
    await readRecords([file], ruleSet, { period: '2026-10' }, collector);
    const scored = score({ ruleSet, collector });
    const text = Buffer.concat([...ledgerCsvPieces(scored)].map((chunk) => Buffer.from(chunk))).toString('utf8');
    expectLedgerRows(text, scored);
    if (kind === 'mixed') {
      expect(text).toContain('"R,');
      expect(text).toMatch(/; R-\d+\.a; /);
    }
  });
});

describe('ledger.csv with record ids from two files', () => {
  it('lists ids of two files, one in UTF-16, in order', async () => {
    const dir = tempDir();
    const rows = (from: number) => Array.from({ length: 5_000 }, (_, i) => {
      const [site, item] = PAIRS[(i * 7919) % 200]!;
      return `R-${from + i},${site},${item},2026-10-01`;
    });
    const a = path.join(dir, 'a.csv');
    const b = path.join(dir, 'b.csv');
    writeFileSync(a, `record_id,site_id,item_code,date\n${rows(1).join('\n')}\n`);
    writeFileSync(b, Buffer.from(`\uFEFFrecord_id,site_id,item_code,date\n${rows(5_001).join('\n')}\n`, 'utf16le'));
    const collector = new FindingCollector(ruleSet);
    const read = await readRecords([a, b], ruleSet, { period: '2026-10' }, collector);
    expect(read.fusedRows).toBe(10_000);
    const scored = score({ ruleSet, collector });
    const text = Buffer.concat([...ledgerCsvPieces(scored)].map((chunk) => Buffer.from(chunk))).toString('utf8');
    expectLedgerRows(text, scored);
    expect(text).toMatch(/R-\d{1,4}; R-\d{4,5}/);
  });
});

describe('ledger.csv with ids in natural order, then not', () => {
  it('orders them as compareNatural does wherever the reader\'s module saw them rising', async () => {
    // Ids of digit runs (leading zeros, long) and other runs; the first ones in natural order, the rest not.
    const pieces = ['0', '00', '1', '01', '9', '10', '007', '12345678901234567890', 'a', 'B', 'R', '.', '-', '~', 'x9'];
    const dir = tempDir();
    for (const seed of [1, 2, 3]) {
      const ids = [...new Set(fc.sample(fc.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 6 }).map((p) => p.join('')), { numRuns: 600, seed }))];
      const sorted = [...ids].sort(compareNatural);
      const rest = sorted.splice(Math.floor(sorted.length / 2));
      const order = [...sorted, ...fc.sample(fc.shuffledSubarray(rest, { minLength: rest.length }), { numRuns: 1, seed })[0]!];
      const [site, item] = PAIRS[0]!;
      const file = path.join(dir, `ids-${seed}.csv`);
      writeFileSync(file, `record_id,site_id,item_code,date\n${order.map((id) => `${id},${site},${item},2026-10-01`).join('\n')}\n`);
      const collector = new FindingCollector(ruleSet);
      await readRecords([file], ruleSet, { period: '2026-10' }, collector);
      const scored = score({ ruleSet, collector });
      const text = Buffer.concat([...ledgerCsvPieces(scored)].map((chunk) => Buffer.from(chunk))).toString('utf8');
      expectLedgerRows(text, scored);
      expect(text).toContain([...sorted, ...rest].sort(compareNatural).join('; '));
    }
  });
});

describe('ledger.csv with record ids given out of order', () => {
  it('sorts an entry\'s ids when its sources come in another order than the ids were accepted', () => {
    const checker = new RecordChecker(ruleSet, '2026-10');
    const collector = new FindingCollector(ruleSet);
    collector.useRecordIdNames(checker.names);
    const bytes = new TextEncoder().encode(Array.from({ length: 300 }, (_, i) => `R-${i + 1}`).join(','));
    const numbers: number[] = [];
    for (let i = 0, start = 0; i < 300; i++) {
      const end = bytes.indexOf(0x2c, start) < 0 ? bytes.length : bytes.indexOf(0x2c, start);
      numbers.push(checker.claimBytes(bytes, start, end, 'a.csv', i + 2));
      start = end + 1;
    }
    const [site, item] = PAIRS[0]!;
    const file = collector.fileIndex('a.csv');
    // Added from the last id to the first (and one other entry in order).
    for (let i = 299; i >= 0; i--) collector.addFinding(collector.siteIndex.get(site)!, collector.itemIndex.get(item)!, 1, file, i + 2, numbers[i]!, -1, -1, -1);
    const [site2, item2] = PAIRS[1]!;
    for (let i = 0; i < 300; i += 7) collector.addFinding(collector.siteIndex.get(site2)!, collector.itemIndex.get(item2)!, 1, file, i + 2, numbers[i]!, -1, -1, -1);
    const scored = score({ ruleSet, collector });
    const text = Buffer.concat([...ledgerCsvPieces(scored)].map((chunk) => Buffer.from(chunk))).toString('utf8');
    expectLedgerRows(text, scored);
    expect(text).toContain(Array.from({ length: 300 }, (_, i) => `R-${i + 1}`).join('; '));
  });
});

/** The ledger's rows are its entries', sources as sourceLabels() gives them. */
function expectLedgerRows(text: string, scored: ScoreOutput): void {
  expect(text.startsWith('\uFEFF单位编号,')).toBe(true);
  const rows = parse(text.slice(1), { relax_column_count: false }) as string[][];
  expect(rows.length).toBe(scored.ledger.length + 1);
  const sourcesColumn = rows[0]!.indexOf('来源');
  scored.ledger.forEach((entry, i) => {
    const row = rows[i + 1]!;
    expect(row[0]).toBe(entry.unit.id);
    expect(row[2]).toBe(entry.site.id);
    expect(row[5]).toBe(entry.item.code);
    expect(row[7]).toBe(String(entry.n));
    expect(row[sourcesColumn]).toBe(entry.sourceLabels().join('; '));
  });
}

describe('ledger.csv, the last three cells', () => {
  it('are written as csvCell writes the texts joined by "; ", quoted or not', () => {
    const scored = month(3000, '月度/records-2026-10.csv');
    const rows = scored.ledger.length;
    const ledgerOf = (lists: (readonly (readonly string[])[])[]) => {
      const ledger = scored.ledger.map((entry, i) => {
        const [inspectors = [], notes = [], photos = []] = lists[i] ?? [];
        return Object.create(entry, { inspectors: { value: inspectors }, notes: { value: notes }, photos: { value: photos } }) as typeof entry;
      });
      return Buffer.concat([...ledgerCsvPieces({ ...scored, ledger })].map((chunk) => Buffer.from(chunk))).toString('utf8');
    };
    // Rows with no texts, split at their line ends (no cell of theirs is quoted).
    const bare = ledgerOf([]).split('\r\n');
    expect(bare.length).toBe(rows + 2);
    const piece = fc.constantFrom('a', '张伟', '"', ',', '\n', '\r', ' ', '\t', '\u3000', '\u00a0', ';', '；', 'x y');
    const text = fc.array(piece, { minLength: 1, maxLength: 4 }).map((parts) => parts.join(''));
    const list = fc.array(text, { maxLength: 4 });
    fc.assert(
      fc.property(fc.array(fc.tuple(list, list, list), { minLength: 1, maxLength: 60 }), (lists) => {
        const cell = (texts: readonly string[]) => csvCell(texts.join('; '));
        const expected = [bare[0]!, ...scored.ledger.map((_, i) => {
          const [inspectors = [], notes = [], photos = []] = lists[i] ?? [];
          return `${bare[i + 1]!.slice(0, -3)},${cell(inspectors)},${cell(notes)},${cell(photos)}`;
        }), ''].join('\r\n');
        expect(ledgerOf(lists)).toBe(expected);
      }),
      { numRuns: 80, seed: 23 },
    );
  });
});
