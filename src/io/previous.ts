// Reads a previous period's results.json for `--previous` (repeat findings, score and rank change).

import { readFileSync } from 'node:fs';
import { diagnostic, type Diagnostic } from '../core/diagnostics.js';
import { Rational } from '../core/rational.js';
import { RESULTS_SCHEMA, type ResultsFile } from '../core/results.js';
import { previousFindingKey, type PreviousPeriod } from '../core/score.js';
import { jsonSyntaxError } from './json-errors.js';
import { displayPath } from './paths.js';

export function readResultsFile(file: string): { results?: ResultsFile; diagnostics: Diagnostic[] } {
  const display = displayPath(file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { diagnostics: [diagnostic('FILE_NOT_FOUND', { file: display }, { path: display })] };
    return { diagnostics: [diagnostic('FILE_UNREADABLE', { file: display }, { message: (error as Error).message })] };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const { message, ...where } = jsonSyntaxError(text, error as Error);
    return { diagnostics: [diagnostic('PREV_INVALID', { file: display, ...where }, { message })] };
  }
  const problem = shapeProblem(parsed);
  if (problem) return { diagnostics: [diagnostic('PREV_INVALID', { file: display, line: 1 }, { message: problem })] };
  return { results: parsed as ResultsFile, diagnostics: [] };
}

function shapeProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'expected a JSON object';
  const v = value as Record<string, unknown>;
  if (v.schema !== RESULTS_SCHEMA) return `schema is ${JSON.stringify(v.schema)}, expected "${RESULTS_SCHEMA}"`;
  if (!Array.isArray(v.units)) return 'no "units" list';
  if (!Array.isArray(v.sites)) return 'no "sites" list';
  for (const unit of v.units as unknown[]) {
    const u = unit as Record<string, unknown>;
    if (typeof u?.id !== 'string') return 'a unit has no id';
    if (u.total !== null && !(typeof u.total === 'number' && Number.isFinite(u.total) && u.total >= 0)) {
      return `unit ${u.id}: total is not a non-negative number`;
    }
    if (u.rank !== null && !(typeof u.rank === 'number' && Number.isInteger(u.rank) && u.rank >= 1)) {
      return `unit ${u.id}: rank is not a positive whole number`;
    }
  }
  for (const site of v.sites as unknown[]) {
    const s = site as Record<string, unknown>;
    if (typeof s?.id !== 'string' || !Array.isArray(s.findings)) return 'a site has no id or findings';
  }
  return undefined;
}

export function previousPeriodOf(results: ResultsFile): PreviousPeriod {
  const findings = new Set<string>();
  for (const site of results.sites) for (const item of site.findings) findings.add(previousFindingKey(site.id, item));
  const units = new Map<string, { total: Rational | null; rank: number | null }>();
  for (const unit of results.units) {
    units.set(unit.id, {
      total: typeof unit.total === 'number' ? Rational.fromNumber(unit.total) : null,
      rank: typeof unit.rank === 'number' ? unit.rank : null,
    });
  }
  return { findings, units };
}
