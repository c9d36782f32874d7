// Issue 7, property tests over generated rule sets (units with parents, categories with leads, items with
// points/cap/veto, sites) and generated records, valid and invalid, checked against an independent model
// (oracle.ts). Wider than test/properties/permutation.test.ts, which shuffles rows over the fixed small rule
// set: here the rule set is generated too, and also cut into a folder of files.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { csvOf, expectedOutcome, Q, rowsArb, rulesArb, rulesFolder, rulesYaml, type GenRow, type GenRules } from './oracle.js';

const NUM_RUNS = Number(process.env.CIVSCORE_PROPERTY_RUNS ?? 30);

interface Scored {
  code: number;
  stderr: string;
  results: Record<string, any>;
  files: Record<string, string>;
}

const OUTPUTS = ['ledger.csv', 'sites.csv', 'ranking.csv', 'rejected.csv'];

function writeRecords(dir: string, parts: GenRow[][], crlf: boolean): string[] {
  return parts.map((rows, i) => {
    const file = path.join(dir, `records-${i}.csv`);
    writeFileSync(file, csvOf(rows, crlf));
    return file;
  });
}

async function score(rules: string, records: string[], out: string, extra: string[] = ['--skip-invalid']): Promise<Scored> {
  const run = await runCli(['score', '--rules', rules, '--records', ...records, '--out', out, ...extra]);
  if (run.code !== 0) return { code: run.code, stderr: run.stderr, results: {}, files: {} };
  const files: Record<string, string> = {};
  for (const name of OUTPUTS) {
    try {
      files[name] = readFileSync(path.join(out, name), 'utf8');
    } catch {
      // rejected.csv only with --skip-invalid
    }
  }
  return { code: run.code, stderr: run.stderr, results: JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')), files };
}

/** Splits rows over `count` files by the given assignment. */
function split(rows: GenRow[], count: number, assign: number[]): GenRow[][] {
  const parts: GenRow[][] = Array.from({ length: count }, () => []);
  rows.forEach((row, i) => parts[(assign[i % assign.length] ?? 0) % count]!.push(row));
  return parts;
}

function shuffle<T>(list: readonly T[], keys: readonly number[]): T[] {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = (keys[i % keys.length] ?? 0) % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function withoutInputs(results: Record<string, any>, dropRulesHash = false): Record<string, any> {
  const { inputs: _inputs, ...rest } = results;
  if (dropRulesHash) rest.ruleset = { ...rest.ruleset, sha256: '(differs)' };
  return rest;
}

function rejectedReasons(csv: string): string[] {
  const rows = parse(csv, { bom: true, columns: true, skip_empty_lines: true }) as Record<string, string>[];
  return rows.map((r) => `${r['记录编号']} ${r['错误代码']} ${r['原因']}`).sort();
}

const errorLines = (stderr: string) => stderr.split('\n').filter((l) => / error: /.test(l)).sort();

const caseArb = rulesArb.chain((rules) =>
  fc.record({
    rules: fc.constant(rules),
    rows: rowsArb(rules),
    files: fc.integer({ min: 1, max: 3 }),
    assignA: fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
    assignB: fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
    shuffleKeys: fc.array(fc.nat(), { minLength: 1, maxLength: 40 }),
    cuts: fc.array(fc.double({ min: 0, max: 0.999, noNaN: true }), { minLength: 1, maxLength: 4 }),
    crlf: fc.boolean(),
  }),
);

describe('generated rule sets and records (issue 7)', () => {
  it('scores match an independent model; outputs do not depend on row, file or rule-file order; check agrees with score', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const dir = tempDir('civscore-prop-');
        const single = path.join(dir, 'rules.yaml');
        writeFileSync(single, rulesYaml(c.rules));
        const folder = path.join(dir, 'rules');
        mkdirSync(folder);
        for (const [name, text] of Object.entries(rulesFolder(c.rules, c.cuts))) writeFileSync(path.join(folder, name), text);

        const dirA = path.join(dir, 'a');
        const dirB = path.join(dir, 'b');
        mkdirSync(dirA);
        mkdirSync(dirB);
        const filesA = writeRecords(dirA, split(c.rows, c.files, c.assignA), c.crlf);
        const filesB = writeRecords(dirB, split(shuffle(c.rows, c.shuffleKeys), c.files, c.assignB), !c.crlf);
        const a = await score(single, filesA, path.join(dir, 'outA'));
        const b = await score(folder, [...filesB].reverse(), path.join(dir, 'outB'));
        expect(a.code, a.stderr).toBe(0);
        expect(b.code, b.stderr).toBe(0);

        // Byte-identical whatever the order of rows and files, and whether the rules are one file or many
        // (only the rule set's hash differs: it is over the files read).
        for (const name of OUTPUTS.filter((n) => n !== 'rejected.csv')) expect(b.files[name], name).toBe(a.files[name]);
        // rejected.csv names files and lines, which moved: the same records are rejected for the same reasons.
        expect(rejectedReasons(b.files['rejected.csv']!)).toEqual(rejectedReasons(a.files['rejected.csv']!));
        expect(JSON.stringify(withoutInputs(b.results, true))).toBe(JSON.stringify(withoutInputs(a.results, true)));

        const expected = expectedOutcome(c.rules, c.rows);
        checkAgainstModel(c.rules, c.rows, a, expected);

        // `check` and `score` (without --skip-invalid) agree on which inputs are valid, and report the same errors.
        const check = await runCli(['check', '--rules', single, '--records', ...filesA]);
        const strict = await score(single, filesA, path.join(dir, 'outStrict'), []);
        expect(check.code).toBe(expected.rejected.length === 0 ? 0 : 1);
        expect(strict.code).toBe(check.code);
        expect(errorLines(strict.stderr)).toEqual(errorLines(check.stderr));
        if (strict.code === 0) {
          for (const name of ['ledger.csv', 'sites.csv', 'ranking.csv']) expect(strict.files[name]).toBe(a.files[name]);
        } else {
          expect(errorLines(check.stderr).length).toBeGreaterThan(0);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

function checkAgainstModel(rules: GenRules, rows: GenRow[], scored: Scored, expected: ReturnType<typeof expectedOutcome>): void {
  const { results, files } = scored;
  const F = rules.fullScore;

  // accepted + rejected = records, and each matches the model; rejected.csv lists exactly the rejected rows.
  expect(results.summary.records).toBe(rows.length);
  expect(results.summary.accepted + results.summary.rejected).toBe(results.summary.records);
  expect(results.summary.accepted).toBe(expected.accepted.length);
  const rejectedRows = parse(files['rejected.csv']!, { bom: true, columns: true, skip_empty_lines: true }) as Record<string, string>[];
  expect(rejectedRows.length).toBe(results.summary.rejected);

  // The ledger: one entry per (site, item) found; n, raw and applied as the model says; Σ applied per site = D(s).
  const ledger = parse(files['ledger.csv']!, { bom: true, columns: true, skip_empty_lines: true }) as Record<string, string>[];
  const applied = new Map<string, Q>();
  let entries = 0;
  for (const entry of ledger) {
    const site = entry['点位编号']!;
    const item = entry['测评标准编号']!;
    entries++;
    const n = expected.findings.get(site)?.get(item);
    expect(n, `${site} ${item} is in the ledger`).toBeDefined();
    expect(Number(entry['数量'])).toBe(n);
    const a = Q.dec(entry['实扣分']!);
    expect(a.cmp(expected.applied.get(site)!.get(item)!), `${site} ${item} applied`).toBe(0);
    expect(Q.dec(entry['应扣分']!).cmp(Q.dec(entry['单项分值']!).mul(Q.int(n!))), 'raw = points × n').toBe(0);
    applied.set(site, (applied.get(site) ?? Q.int(0)).add(a));
    // Sources are the record ids (every generated row has one), sorted.
    const sources = entry['来源']!.split('; ');
    const wanted = expected.accepted.filter((r) => r.site === site && r.item === item).map((r) => r.recordId);
    expect([...sources].sort()).toEqual([...wanted].sort());
  }
  expect(entries).toBe([...expected.findings.values()].reduce((sum, m) => sum + m.size, 0));
  expect(results.summary.findings).toBe(entries);

  // Sites: score = 0 with a veto, else max(0, F − Σ applied); deduction = F − score; all within [0, F].
  const sitesCsv = parse(files['sites.csv']!, { bom: true, columns: true, skip_empty_lines: true }) as Record<string, string>[];
  const csvScore = new Map(sitesCsv.map((s) => [s['点位编号']!, s['得分']!]));
  for (const site of results.sites as { id: string; score: number | null; deduction: number | null; veto: boolean }[]) {
    const model = expected.siteScore.get(site.id);
    if (model === null) {
      expect(site.score, site.id).toBeNull();
      continue;
    }
    const D = applied.get(site.id) ?? Q.int(0);
    expect(D.cmp(expected.siteDeduction.get(site.id)!)).toBe(0);
    const fromLedger = expected.siteVeto.get(site.id) ? Q.int(0) : Q.int(F).sub(D).max(Q.int(0));
    expect(site.score, site.id).toBe(fromLedger.round2());
    expect(site.score).toBe(model!.round2());
    expect(site.veto).toBe(expected.siteVeto.get(site.id));
    expect(site.deduction).toBe(Q.int(F).sub(model!).round2());
    expect(site.score).toBeGreaterThanOrEqual(0);
    expect(site.score).toBeLessThanOrEqual(F);
    expect(Number(csvScore.get(site.id))).toBe(site.score);
  }

  // Units: field score as the model computes it (attribution through parents and leads), within [0, F].
  for (const unit of results.units as { id: string; field: number | null; total: number | null; sites: number }[]) {
    const model = expected.unitField.get(unit.id);
    expect(unit.sites, `${unit.id} sites`).toBe(expected.unitSites.get(unit.id));
    if (model === null) {
      expect(unit.field, unit.id).toBeNull();
      expect(unit.total).toBeNull();
      continue;
    }
    expect(unit.field, `${unit.id} field`).toBe(model!.round2());
    expect(unit.total).toBe(unit.field);
    expect(unit.total).toBeGreaterThanOrEqual(0);
    expect(unit.total).toBeLessThanOrEqual(F);
  }
  expect(results.index).toBe(expected.index === null ? null : expected.index.round2());
  for (const category of results.categories as { score: number | null }[]) {
    if (category.score !== null) {
      expect(category.score).toBeGreaterThanOrEqual(0);
      expect(category.score).toBeLessThanOrEqual(F);
    }
  }

  // Ranks agree with totals within each group: higher rounded total ⇒ better rank, equal ⇒ equal rank, and
  // rank = 1 + the number of units with a higher total (1, 2, 2, 4).
  const byGroup = new Map<string, { id: string; total: number | null; rank: number | null }[]>();
  for (const unit of results.units) byGroup.set(unit.group, [...(byGroup.get(unit.group) ?? []), unit]);
  for (const units of byGroup.values()) {
    const ranked = units.filter((u) => u.total !== null);
    for (const u of units) if (u.total === null) expect(u.rank).toBeNull();
    for (const u of ranked) {
      expect(u.rank).toBe(1 + ranked.filter((v) => v.total! > u.total!).length);
      for (const v of ranked) {
        if (u.total! > v.total!) expect(u.rank!).toBeLessThan(v.rank!);
        if (u.total === v.total) expect(u.rank).toBe(v.rank);
      }
    }
  }
}
