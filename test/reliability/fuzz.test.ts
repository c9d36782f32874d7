// Issue 7, fuzzing the readers: hostile and mutated inputs run through the built CLI (bin/civscore.js → dist/)
// in child processes with a 256 MB heap and a timeout. Every run must succeed, or fail with exit 1 and an
// error naming a file and line — never exit 3, a signal, a hang or unbounded memory. This is the short,
// deterministic campaign; `node scripts/fuzz.mjs` runs long random ones (see scripts/fuzz-lib.mjs).

import { describe, expect, it } from 'vitest';
import { FAILURES, makePreviousResults, random, randomCase, runPool, structuralCases } from '../../scripts/fuzz-lib.mjs';

const JOBS = 2;
const RANDOM_CASES = Number(process.env.CIVSCORE_FUZZ_CASES ?? 40);
const SEED = Number(process.env.CIVSCORE_FUZZ_SEED ?? 20261125);

/** The hand-made cases run here (the fuzz script runs them all), each with the error code it must give. */
const EXPECTED: Record<string, string> = {
  'csv: truncated inside a quoted field': 'REC_CSV_SYNTAX',
  'csv: invalid UTF-8 bytes in a UTF-8 file': 'REC_ENCODING',
  'csv: UTF-8 file with GBK lines appended (mixed encodings)': 'REC_ENCODING',
  'csv: NUL bytes': 'REC_UNKNOWN_SITE',
  'csv: a 10 MB unquoted field': 'REC_FIELD_TOO_LARGE',
  'csv: a 10 MB quoted field of line breaks': 'REC_FIELD_TOO_LARGE',
  'csv: a 1,000,000-column header': 'REC_TOO_MANY_FIELDS',
  'csv: 100,000 site_id columns': 'REC_DUPLICATE_COLUMN',
  'csv: unmatched quote': 'REC_CSV_SYNTAX',
  'csv: BOM in the middle of the file': 'ok',
  'csv: UTF-16LE BOM with an odd number of bytes': 'REC_ENCODING',
  'csv: random binary': '*',
  'csv: empty file': 'REC_EMPTY_FILE',
  'csv: ids that name Object.prototype members': 'REC_UNKNOWN_SITE',
  'yaml: alias bomb (billion laughs)': 'RULES_ALIAS_LIMIT',
  'yaml: 100,000 [': 'RULES_TOO_DEEP',
  'yaml: 1,000 levels of indentation': 'RULES_TOO_DEEP',
  'yaml: 5,000 list items indented under a key with a value': 'RULES_TOO_DEEP',
  'yaml: duplicate top-level key': 'RULES_DUPLICATE_KEY',
  'yaml: duplicate key inside a site': 'RULES_DUPLICATE_KEY',
  'yaml: 300,000-item list': 'RULES_TOO_MANY_ENTRIES',
  'yaml: a 3 MB file': 'RULES_TOO_LARGE',
  'yaml: invalid UTF-8': 'RULES_ENCODING',
  'yaml: truncated': '*',
  'yaml: __proto__ key': 'RULES_UNKNOWN_KEY',
  'yaml: empty file': 'RULES_MISSING_KEY',
  'yaml: several documents': 'RULES_YAML_SYNTAX',
  'yaml: parent cycle of 5,000 units': 'RULES_PARENT_CYCLE',
};

const describeFailures = (results: Awaited<ReturnType<typeof runPool>>) =>
  results
    .filter((r: { verdict: string }) => FAILURES.includes(r.verdict))
    .map((r: { name: string; verdict: string; why: string }) => `${r.name}: ${r.verdict} — ${r.why}`);

describe('fuzzing the CSV and YAML readers (issue 7)', () => {
  it('hand-made hostile inputs each give their clear error (or succeed), within memory and time', async () => {
    const cases = structuralCases().filter((c: { name: string }) => c.name in EXPECTED);
    expect(cases.length).toBe(Object.keys(EXPECTED).length);
    const results = await runPool(cases, { jobs: JOBS });
    expect(describeFailures(results)).toEqual([]);
    for (const r of results as { name: string; verdict: string; codes?: string[]; stderr: string }[]) {
      const wanted = EXPECTED[r.name]!;
      if (wanted === '*') continue;
      if (wanted === 'ok') expect(r.verdict, `${r.name}\n${r.stderr}`).toBe('ok');
      else expect(r.codes ?? [], `${r.name}\n${r.stderr}`).toContain(wanted);
    }
  }, 180_000);

  it(`a seeded random campaign of ${RANDOM_CASES} mutated records, rule sets, components and previous results`, async () => {
    const previous = await makePreviousResults();
    const r = random(SEED);
    const results = await runPool((index: number) => (index < RANDOM_CASES ? randomCase(r, index, previous) : undefined), { jobs: JOBS });
    expect(results.length).toBe(RANDOM_CASES);
    expect(describeFailures(results)).toEqual([]);
    // The campaign must reach past the readers: some runs succeed and some fail cleanly.
    const verdicts = new Set(results.map((x: { verdict: string }) => x.verdict));
    expect(verdicts.has('clean-error')).toBe(true);
  }, 180_000);
});
