import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const RULES = 'fixtures/small/rules.yaml';
const SITES: Record<string, string[]> = {
  S01: ['C01-01', 'C01-02', 'C01-03'], S02: ['C01-01', 'C01-02', 'C01-03'], S03: ['C01-01', 'C01-02', 'C01-03'],
  S04: ['C02-01', 'C02-02', 'C02-09'], S05: ['C02-01', 'C02-02', 'C02-09'],
  S06: ['C03-01', 'C03-02'], S07: ['C03-01', 'C03-02'], S08: ['C03-01', 'C03-02'],
};
const OUTPUTS = ['ledger.csv', 'sites.csv', 'ranking.csv'];

const row = fc.record({
  site: fc.constantFrom(...Object.keys(SITES), 'S99'),
  pick: fc.nat(10),
  count: fc.constantFrom('', '1', '2', '3', '7'),
  day: fc.integer({ min: 1, max: 28 }),
  note: fc.constantFrom('', '坑洼, 两处', '多行\n备注', '"引号"'),
});

function csvOf(rows: string[][]): string {
  const cell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return `record_id,date,site_id,item_code,count,note\n${rows.map((r) => r.map(cell).join(',')).join('\n')}\n`;
}

async function scoreFiles(dir: string, files: string[][][], order: number[]) {
  const names = files.map((rows, i) => {
    const file = path.join(dir, `part${i}.csv`);
    writeFileSync(file, csvOf(rows));
    return file;
  });
  const out = path.join(dir, 'out');
  const run = await runCli(['score', '--rules', RULES, '--records', ...order.map((i) => names[i]!), '--out', out, '--skip-invalid']);
  expect(run.code).toBe(0);
  const read = (name: string) => readFileSync(path.join(out, name), 'utf8');
  const results = JSON.parse(read('results.json'));
  const rejectedIds = read('rejected.csv').trim().split('\r\n').slice(1).map((line) => line.split(',')[6]).sort();
  return { out, read, results, rejectedIds };
}

describe('outputs do not depend on the order of rows or files', () => {
  it('shuffling rows within and across files, and the order files are named in, changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 3 }),
        fc.context(),
        fc.infiniteStream(fc.nat()),
        async (rows, fileCount, context, randomness) => {
          const records = rows.map((r, i) => {
            const items = SITES[r.site] ?? ['C01-01'];
            const item = r.pick < 3 ? '' : items[r.pick % items.length]!;
            return [`R${i}`, `2026-10-${String(r.day).padStart(2, '0')}`, r.site, item, item ? r.count : '', r.note];
          });
          const split = (list: string[][]) => {
            const files: string[][][] = Array.from({ length: fileCount }, () => []);
            list.forEach((record, i) => files[i % fileCount]!.push(record));
            return files;
          };
          const random = randomness[Symbol.iterator]();
          const shuffled = [...records];
          for (let i = shuffled.length - 1; i > 0; i--) {
            const j = random.next().value % (i + 1);
            [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
          }
          const identity = Array.from({ length: fileCount }, (_, i) => i);
          const reversed = [...identity].reverse();
          const a = await scoreFiles(tempDir(), split(records), identity);
          const b = await scoreFiles(tempDir(), split(shuffled), reversed);
          context.log(JSON.stringify({ records: records.length, fileCount }));

          for (const name of OUTPUTS) expect(b.read(name)).toBe(a.read(name));
          const { inputs: inputsA, ...restA } = a.results;
          const { inputs: inputsB, ...restB } = b.results;
          expect(restB).toEqual(restA);
          expect(JSON.stringify(restB)).toBe(JSON.stringify(restA));
          expect(inputsB.map((i: { rows: number }) => i.rows).reduce((x: number, y: number) => x + y, 0)).toBe(records.length);
          expect(b.rejectedIds).toEqual(a.rejectedIds);
          // accepted + rejected = records, always.
          expect(a.results.summary.accepted + a.results.summary.rejected).toBe(records.length);
          expect(a.rejectedIds.length).toBe(a.results.summary.rejected);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('naming the same files in another order gives byte-identical files, inputs included', async () => {
    const dir = tempDir();
    const files = [
      [['R1', '2026-10-01', 'S01', 'C01-01', '2', '']],
      [['R2', '2026-10-02', 'S04', 'C02-02', '', '']],
      [['R3', '2026-10-03', 'S06', '', '', '']],
    ];
    const first = await scoreFiles(dir, files, [0, 1, 2]);
    const before = Object.fromEntries([...OUTPUTS, 'results.json'].map((n) => [n, first.read(n)]));
    const second = await scoreFiles(dir, files, [2, 0, 1]);
    for (const name of [...OUTPUTS, 'results.json']) expect(second.read(name)).toBe(before[name]);
  });
});
