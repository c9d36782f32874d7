// I/O shared by the commands that work across periods (diff, trend, rollup, explain, sample): reading
// results and rollup files, loading the rule set, and writing one output to --out or stdout.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Option } from 'commander';
import { diagnostic, type Diagnostic } from '../../core/diagnostics.js';
import type { PeriodTable, PeriodUnit } from '../../core/periods.js';
import type { ResultsFile } from '../../core/results.js';
import { ROLLUP_SCHEMA } from '../../core/rollup.js';
import type { RuleSet } from '../../core/types.js';
import { displayPath } from '../../io/paths.js';
import { readResultsFile } from '../../io/previous.js';
import { bundledRulesPath, loadRules } from '../../io/rules.js';
import { OutputError, writeFileAtomically } from '../../io/write.js';
import { InvalidInputError, printDiagnostics, say, UsageError, type Context } from '../context.js';
import { hasErrors } from '../pipeline.js';

export function formatOption(formats: readonly string[]): Option {
  return new Option('--format <format>', `output format: ${formats.join(' | ')}`).choices(formats).default('table');
}

/** Prints the problems; stops with exit 1 when any is an error. */
export function reportProblems(context: Context, diagnostics: readonly Diagnostic[]): void {
  printDiagnostics(context, diagnostics);
  if (hasErrors(diagnostics)) throw new InvalidInputError();
}

/** Reads results.json files; every problem in every file is reported before stopping. */
export function readResultsFiles(context: Context, files: readonly string[]): ResultsFile[] {
  const diagnostics: Diagnostic[] = [];
  const results: ResultsFile[] = [];
  for (const file of files) {
    const read = readResultsFile(file);
    diagnostics.push(...read.diagnostics);
    if (read.results) results.push(read.results);
  }
  reportProblems(context, diagnostics);
  return results;
}

/** Reads period files for `trend` and `rollup`: results.json (civscore/results@1) or a rollup (civscore/rollup@1). */
export function readPeriodTables(context: Context, files: readonly string[]): PeriodTable[] {
  const diagnostics: Diagnostic[] = [];
  const tables: PeriodTable[] = [];
  for (const file of files) {
    const display = displayPath(file);
    const rollup = readRollupFile(file, display);
    if (rollup) {
      diagnostics.push(...rollup.diagnostics);
      if (rollup.table) tables.push(rollup.table);
      continue;
    }
    const read = readResultsFile(file);
    diagnostics.push(...read.diagnostics);
    if (read.results) tables.push({ file: display, period: read.results.period ?? null, units: read.results.units.map(periodUnit) });
  }
  reportProblems(context, diagnostics);
  return tables;
}

function periodUnit(u: ResultsFile['units'][number]): PeriodUnit {
  const unit: PeriodUnit = {
    id: u.id,
    name: typeof u.name === 'string' ? u.name : u.id,
    group: typeof u.group === 'string' ? u.group : '',
    total: typeof u.total === 'number' ? u.total : null,
    rank: typeof u.rank === 'number' ? u.rank : null,
    red: u.red === true,
    black: u.black === true,
  };
  if ('stars' in u) unit.stars = typeof u.stars === 'number' ? u.stars : null;
  return unit;
}

/** A rollup file, or undefined when the file is not one (then it is read as results.json). */
function readRollupFile(file: string, display: string): { table?: PeriodTable; diagnostics: Diagnostic[] } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || (parsed as { schema?: unknown }).schema !== ROLLUP_SCHEMA) return undefined;
  const v = parsed as Record<string, unknown>;
  const bad = (message: string) => ({ diagnostics: [diagnostic('PERIODS_NOT_RESULTS', { file: display, line: 1 }, { message })] });
  if (typeof v.period !== 'string') return bad('"period" is not text');
  if (!Array.isArray(v.units)) return bad('no "units" list');
  const units: PeriodUnit[] = [];
  for (const entry of v.units as unknown[]) {
    const u = entry as Record<string, unknown>;
    if (typeof u?.id !== 'string') return bad('a unit has no id');
    if (u.total !== null && typeof u.total !== 'number') return bad(`unit ${u.id}: total is not a number`);
    if (u.rank !== null && typeof u.rank !== 'number') return bad(`unit ${u.id}: rank is not a number`);
    units.push({
      id: u.id,
      name: typeof u.name === 'string' ? u.name : u.id,
      group: typeof u.group === 'string' ? u.group : '',
      total: u.total as number | null,
      rank: u.rank as number | null,
      red: u.red === true,
      black: u.black === true,
    });
  }
  return { table: { file: display, period: v.period, units }, diagnostics: [] };
}

/** Loads --rules (default: the bundled rule set); stops with exit 1 on any error in it. */
export function loadRuleSet(context: Context, rules: string | undefined): { ruleSet: RuleSet; sha256: string; path: string } {
  const rulesPath = rules ?? bundledRulesPath();
  if (!existsSync(rulesPath)) throw new UsageError(`rule set not found: ${rulesPath}`, `找不到测评细则：${rulesPath}`);
  const loaded = loadRules(rulesPath);
  reportProblems(context, loaded.diagnostics);
  return { ruleSet: loaded.ruleSet!, sha256: loaded.sha256, path: rules === undefined ? 'rules/' : displayPath(rulesPath) };
}

/** Writes the output to --out (atomically) or stdout. `--out` may not name one of the inputs. */
export async function emit(context: Context, content: string, out: string | undefined, inputs: readonly string[]): Promise<void> {
  if (out === undefined) {
    context.stdout.write(content);
    return;
  }
  const target = path.resolve(out);
  if (inputs.some((input) => path.resolve(input) === target)) {
    throw new UsageError(`--out ${out} would overwrite an input file`, `--out ${out} 会覆盖输入文件`);
  }
  try {
    await writeFileAtomically(out, content);
  } catch (error) {
    if (error instanceof OutputError) throw new UsageError(error.message, error.messageZh);
    throw error;
  }
  context.stderr.write(say(context, `wrote ${displayPath(out)}\n`, `已写出 ${displayPath(out)}\n`));
}

