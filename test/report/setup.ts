// Shared by the report tests: the small fixture scored once per test file, golden files, and whether a
// real Chromium is here for the browser and PDF checks.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

export const RULES = 'fixtures/small/rules.yaml';
export const RECORDS = 'fixtures/small/records.csv';
export const GOLDEN = 'test/report/golden';

/** Scores fixtures/small into a fresh folder and returns it (results.json, ledger.csv, sites.csv, ranking.csv). */
export async function scoreSmall(extra: string[] = [], records = RECORDS): Promise<string> {
  const out = path.join(tempDir('civscore-report-'), 'small');
  const run = await runCli(['score', '--rules', RULES, '--records', records, '--out', out, ...extra]);
  if (run.code !== 0) throw new Error(`scoring the small fixture failed (${run.code}):\n${run.stderr}`);
  return out;
}

/** Compares with test/report/golden/NAME; `U=1` rewrites it. A missing golden file fails the test. */
export function golden(name: string, actual: string): void {
  const file = path.join(GOLDEN, name);
  if (process.env.U === '1') {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, actual);
  }
  if (!existsSync(file)) throw new Error(`no golden file ${file}: run with U=1 to create it`);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

export const CHROMIUM = process.env.CHROME_PATH ?? '/usr/bin/chromium';
export const HAS_CHROMIUM = existsSync(CHROMIUM);
/** Shown as the describe block's name when the browser tests are skipped, so the reason is in the output. */
export const NO_CHROMIUM_REASON = `SKIPPED: no Chromium at ${CHROMIUM} (apt-get install chromium fonts-noto-cjk, or set CHROME_PATH)`;
