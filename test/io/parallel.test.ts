// Reading a large file in two halves on worker threads must give exactly what reading it in one go gives.
// `--parallel` with the threshold lowered through CIVSCORE_PARALLEL_MIN_BYTES makes small files take that path.

import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.js';

const RULES = 'fixtures/small/rules.yaml';
const ITEMS: Record<string, string[]> = {
  S01: ['C01-01', 'C01-02', 'C01-03'], S02: ['C01-02'], S03: ['C01-03'], S04: ['C02-01', 'C02-02'], S06: ['C03-01'], S07: ['C03-02'],
};

function month(rows: number, quoteAt?: number): string {
  const lines = ['date,site_id,item_code,count,inspector,note'];
  const sites = Object.keys(ITEMS);
  for (let i = 0; i < rows; i++) {
    const site = sites[(i * 7) % sites.length]!;
    const items = ITEMS[site]!;
    const item = i % 5 === 0 ? '' : items[i % items.length]!;
    // A long quoted note with many line breaks, so the middle of the file falls inside it.
    const note = i === quoteAt ? `"跨行, 含逗号${'\n第二行'.repeat(30000)}"` : i % 97 === 0 ? '路面坑洼' : '';
    const bad = i % 1013 === 0 ? 'S99' : site;
    lines.push(`2026-10-${String((i % 28) + 1).padStart(2, '0')},${bad},${item},${item ? (i % 3) + 1 : ''},测评员${i % 7},${note}`);
  }
  return `${lines.join('\n')}\n`;
}

function score(file: string, parallel: boolean): { files: Record<string, Buffer>; halves: boolean } {
  const out = path.join(tempDir(), 'out');
  const run = spawnSync(process.execPath, ['bin/civscore.js', 'score', '--rules', RULES, '--records', file, '--out', out, '--skip-invalid', '--period', '2026-10', ...(parallel ? ['--parallel'] : [])], {
    env: { ...process.env, CIVSCORE_PARALLEL_MIN_BYTES: parallel ? '1' : '1000000000000', CIVSCORE_TRACE: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  expect(run.status).toBe(0);
  const stderr = run.stderr.toString();
  const files = Object.fromEntries(readdirSync(out).map((name) => [name, readFileSync(path.join(out, name))]));
  return { files, halves: stderr.includes('in two halves') };
}

describe('reading in two halves', () => {
  const cases: [string, (text: string) => Buffer, number | undefined, boolean][] = [
    ['UTF-8', (text) => Buffer.from(text), undefined, true],
    ['GBK', (text) => iconv.encode(text, 'gbk'), undefined, true],
    ['a quoted field with line breaks across the middle (read in one go)', (text) => Buffer.from(text), 15000, false],
  ];
  for (const [name, encode, quoteAt, halves] of cases) {
    it(`gives byte-identical outputs: ${name}`, () => {
      const file = path.join(tempDir(), 'month.csv');
      writeFileSync(file, encode(month(30000, quoteAt)));
      const { files: sequential, halves: never } = score(file, false);
      const { files: parallel, halves: split } = score(file, true);
      expect([never, split]).toEqual([false, halves]);
      expect(Object.keys(parallel).sort()).toEqual(['ledger.csv', 'ranking.csv', 'rejected.csv', 'results.json', 'sites.csv']);
      for (const name of Object.keys(sequential)) expect(parallel[name]!.equals(sequential[name]!), name).toBe(true);
      const results = JSON.parse(sequential['results.json']!.toString());
      expect(results.summary.records).toBe(30000);
      expect(results.summary.rejected).toBe(30);
    });
  }
});
