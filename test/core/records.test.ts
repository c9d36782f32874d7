// Duplicate record ids are found across files and named by where the first one was accepted.

import { describe, expect, it } from 'vitest';
import { RecordChecker } from '../../src/core/records.js';
import { loadRules } from '../../src/io/rules.js';

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
