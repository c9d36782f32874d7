// Duplicate record ids are found across files and named by where the first one was accepted.

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RecordChecker } from '../../src/core/records.js';
import { FindingCollector } from '../../src/core/score.js';
import { readRecords } from '../../src/io/records.js';
import { loadRules } from '../../src/io/rules.js';
import { tempDir } from '../helpers/tmp.js';

const ruleSet = loadRules('fixtures/small/rules.yaml').ruleSet!;

describe('RecordChecker and record ids', () => {
  it('names the file and line of the first record with an id, in whichever file it was', () => {
    const checker = new RecordChecker(ruleSet, '2026-10');
    const map = { recordId: 0, site: 1, item: 2, count: 3, date: 4 };
    const row = (id: string) => [id, 'S01', 'C01-01', '1', '2026-10-01'];
    expect('record' in checker.check(row('R1'), map, 5, 'a.csv', 2)).toBe(true);
    checker.remember('R2', 'b.csv', 7);
    expect('record' in checker.check(row('R3'), map, 5, 'b.csv', 9)).toBe(true);
    expect(checker.firstAt('R1')).toBe('a.csv:2');
    expect(checker.firstAt('R2')).toBe('b.csv:7');
    expect(checker.firstAt('R3')).toBe('b.csv:9');
    expect(checker.firstAt('R4')).toBeUndefined();
    for (const [id, first] of [['R1', 'a.csv:2'], ['R2', 'b.csv:7'], ['R3', 'b.csv:9']]) {
      const outcome = checker.check(row(id!), map, 5, 'c.csv', 3);
      expect('rejected' in outcome && outcome.rejected.diagnostics.map((d) => [d.code, d.args?.first])).toEqual([['REC_DUPLICATE_ID', first]]);
    }
  });
});

describe('record ids read from a file', () => {
  it('are the same id whether a row gives it plainly or with spaces or full-width characters cleaned away', async () => {
    // Plain ids are remembered by their bytes, others as cleaned text: each must find the other.
    const dir = tempDir();
    const file = path.join(dir, 'ids.csv');
    const rows = ['R1', ' R2', 'Ｒ３', 'R4', 'R1 ', 'R2', 'R3', '"R4"', 'R5', 'R5'];
    writeFileSync(file, `record_id,site_id,item_code,count,date\n${rows.map((id) => `${id},S01,C01-01,1,2026-10-01`).join('\n')}\n`);
    const read = async (generalOnly: boolean) => {
      const result = await readRecords([file], ruleSet, { generalOnly, period: '2026-10', keepRejected: 100 }, new FindingCollector(ruleSet));
      return result.rejected.map((r) => `${r.source.line}: ${r.diagnostics.map((d) => `${d.code} ${String(d.args?.first)}`).join()}`);
    };
    const expected = [6, 7, 8, 9, 11].map((line, i) => `${line}: REC_DUPLICATE_ID ${file}:${[2, 3, 4, 5, 10][i]}`);
    expect(await read(false)).toEqual(expected);
    expect(await read(true)).toEqual(expected);
  });
});

describe('record ids given as text', () => {
  it('are never taken for one another, lone surrogates and U+FFFD included', () => {
    const checker = new RecordChecker(ruleSet, '2026-10');
    const ids = ['A\uD800', 'A\uFFFD', 'A\uDC00', 'B\uD800\uDC00', 'B\u{10000}x', 'B\uD800', '\uFFFF', 'x'.repeat(1500) + '\uD800', 'x'.repeat(1500) + '\uFFFD'];
    ids.forEach((id, i) => {
      expect(checker.firstAt(id), id).toBeUndefined();
      checker.remember(id, 'a.csv', i + 2);
    });
    ids.forEach((id, i) => expect(checker.firstAt(id), id).toBe(`a.csv:${i + 2}`));
  });

  it('keep their exact text under the number the ledger lists them by', () => {
    const checker = new RecordChecker(ruleSet, '2026-10');
    const ids = ['R1', 'A\uD800', 'A\uFFFD', '编号-０１', 'B\u{10000}x', '\uDC00', 'x'.repeat(1500) + '\uD800'];
    const numbers = ids.map((id, i) => checker.remember(id, 'a.csv', i + 2));
    expect(new Set(numbers).size).toBe(ids.length);
    ids.forEach((id, i) => {
      expect(checker.names.numberOf(id)).toBe(numbers[i]);
      expect(checker.names.textOf(numbers[i]!)).toBe(id);
    });
    // Remembered again (a duplicate): nothing changes and no number is given.
    expect(checker.remember('R1', 'b.csv', 9)).toBe(-1);
    expect(checker.firstAt('R1')).toBe('a.csv:2');
    const bytes = new TextEncoder().encode(',R1,R9,');
    expect(checker.claimBytes(bytes, 1, 3, 'b.csv', 10)).toBe(-1);
    const r9 = checker.claimBytes(bytes, 4, 6, 'b.csv', 11);
    expect(checker.names.textOf(r9)).toBe('R9');
    expect(checker.firstAt('R9')).toBe('b.csv:11');
  });
});
