// The scoring pipeline shared by `score` and `check`: files → io → core. `check` runs it all and writes
// nothing, so the two commands always agree on which inputs are valid.

import { existsSync, statSync } from 'node:fs';
import { diagnostic, type Diagnostic } from '../core/diagnostics.js';
import type { RejectedRow } from '../core/records.js';
import { buildResults, type ResultsFile } from '../core/results.js';
import { FindingCollector, score, type ScoreOutput } from '../core/score.js';
import type { RuleSet } from '../core/types.js';
import { readComponents } from '../io/components.js';
import type { EncodingName } from '../io/decode.js';
import { displayPath } from '../io/paths.js';
import { previousPeriodOf, readResultsFile } from '../io/previous.js';
import { readRecords, type CsvFileReport } from '../io/records.js';
import { bundledRulesPath, loadRules } from '../io/rules.js';
import { trace } from '../io/trace.js';
import { UsageError } from './context.js';

export interface PipelineOptions {
  rules?: string;
  records: string[];
  period?: string;
  previous?: string;
  components?: string;
  encoding?: EncodingName;
  delimiter?: string;
  skipInvalid: boolean;
  /** `check` may be run on rules alone. */
  requireRecords: boolean;
  /** Read large files on two threads: true always, false never, undefined when the machine has 2 cores. */
  parallel?: boolean;
  /** Told the size of each chunk of records read. */
  onBytes?: (bytes: number, rows: number) => void;
}

export interface PipelineOutcome {
  /** Errors and warnings, in report order. */
  diagnostics: Diagnostic[];
  /** Errors of rejected rows that were counted but not kept. */
  uncountedErrors?: number;
  ruleSet?: RuleSet;
  inputs: CsvFileReport[];
  rejected: RejectedRow[];
  scored?: ScoreOutput;
  results?: ResultsFile;
  period: string | null;
  /** Inputs still being hashed on another thread: see inputsHashed() and stopHashing(). */
  pendingHashes?: { made: Promise<Diagnostic[]>; stop: () => Promise<void> };
}

/**
 * Waits for the inputs hashed on another thread (large files are hashed while the run scores and writes):
 * their SHA-256s go into `inputs` and `results`; a file that changed while it was read is an error. Returns
 * whether it added errors. Whoever gets an outcome calls this or stopHashing() before it is done.
 */
export async function inputsHashed(outcome: PipelineOutcome): Promise<boolean> {
  const pending = outcome.pendingHashes;
  if (!pending) return false;
  outcome.pendingHashes = undefined;
  const problems = await pending.made;
  append(outcome.diagnostics, problems);
  if (problems.length > 0) return true;
  // results.inputs were made from inputs, in the same order, before the hashes were in.
  outcome.results?.inputs.forEach((input, i) => (input.sha256 = outcome.inputs[i]!.sha256));
  return false;
}

/** Stops the hashing of inputs (for a run that has failed or does not show them) and waits until it has. */
export async function stopHashing(outcome: PipelineOutcome): Promise<void> {
  const pending = outcome.pendingHashes;
  outcome.pendingHashes = undefined;
  await pending?.stop();
}

export const PERIOD_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;

export function checkInputFilesExist(files: readonly string[]): void {
  for (const file of files) {
    if (!existsSync(file)) throw new UsageError(`file not found: ${file}`, `找不到文件：${file}`);
    if (statSync(file).isDirectory()) throw new UsageError(`${file} is a folder, not a CSV file`, `${file} 是文件夹，不是 CSV 文件`);
  }
}

export async function runPipeline(options: PipelineOptions): Promise<PipelineOutcome> {
  if (options.period !== undefined && !PERIOD_PATTERN.test(options.period)) {
    throw new UsageError(`--period must be YYYY-MM, got "${options.period}"`, `--period 必须是 YYYY-MM 格式，收到 "${options.period}"`);
  }
  if (options.requireRecords && options.records.length === 0) {
    throw new UsageError('--records needs at least one CSV file', '--records 至少需要一个 CSV 文件');
  }
  checkInputFilesExist([...options.records, ...(options.components ? [options.components] : [])]);
  const rulesPath = options.rules ?? bundledRulesPath();
  if (!existsSync(rulesPath)) throw new UsageError(`rule set not found: ${rulesPath}`, `找不到测评细则：${rulesPath}`);

  const outcome: PipelineOutcome = { diagnostics: [], inputs: [], rejected: [], period: options.period ?? null };
  trace('pipeline started');
  const loaded = loadRules(rulesPath);
  trace(`rules loaded (${loaded.source ?? 'with problems'})`);
  append(outcome.diagnostics, loaded.diagnostics);
  const ruleSet = loaded.ruleSet;
  if (!ruleSet) return outcome;
  outcome.ruleSet = ruleSet;

  let previous;
  if (options.previous !== undefined) {
    const read = readResultsFile(options.previous);
    append(outcome.diagnostics, read.diagnostics);
    if (read.results) previous = previousPeriodOf(read.results);
  }

  let componentScores;
  const configured = ruleSet.scoring.components;
  if (options.components !== undefined) {
    if (!configured) {
      outcome.diagnostics.push(diagnostic('COMP_NOT_CONFIGURED', { file: displayPath(options.components) }));
    } else {
      const read = await readComponents(options.components, ruleSet, { encoding: options.encoding });
      append(outcome.diagnostics, read.diagnostics);
      componentScores = read.scores;
    }
  } else if (configured && options.records.length > 0) {
    outcome.diagnostics.push(
      diagnostic(
        'COMP_FILE_MISSING',
        {},
        { components: configured.map((c) => `${c.id} ${c.weight.toExactString()}`).join(', ') },
        'warning',
      ),
    );
  }

  if (options.records.length === 0) return outcome;
  const collector = new FindingCollector(ruleSet);
  const read = await readRecords(
    options.records,
    ruleSet,
    {
      encoding: options.encoding, delimiter: options.delimiter, period: options.period, onBytes: options.onBytes,
      rulesPath,
      rulesSha256: loaded.sha256,
      ...(options.parallel !== undefined ? { parallel: options.parallel } : {}),
      // A run that fails shows 50 errors; keeping every rejected row of a wrong rule set would exhaust memory.
      keepRejected: options.skipInvalid ? Infinity : 1000,
      // Large files are hashed on another thread while this one scores and writes (see inputsHashed).
      deferHashes: true,
    },
    collector,
  );
  if (read.hashesMade) outcome.pendingHashes = { made: read.hashesMade, stop: read.stopHashing! };
  try {
    trace(`records read (${read.fusedRows} of ${read.accepted} accepted rows by the fused fast path)`);
    outcome.inputs = read.inputs;
    outcome.uncountedErrors = read.dropped.errors;
    outcome.rejected = read.rejected;
    append(outcome.diagnostics, read.fileDiagnostics);
    if (!options.skipInvalid) for (const row of read.rejected) append(outcome.diagnostics, row.diagnostics);

    if (hasErrors(outcome.diagnostics)) return outcome;
    if (options.period === undefined) {
      const months = [...read.months].sort();
      if (months.length === 1) outcome.period = months[0]!;
      else if (months.length > 1) outcome.diagnostics.push(diagnostic('PERIOD_MIXED', {}, { months: months.join(', ') }, 'warning'));
      else outcome.diagnostics.push(diagnostic('PERIOD_UNKNOWN', {}, {}, 'warning'));
    }

    const scored = score({
      ruleSet,
      collector,
      ...(previous ? { previous } : {}),
      ...(componentScores ? { components: componentScores } : {}),
    });
    // A missing component is a gap in the components file: name it.
    for (const d of scored.diagnostics) if (d.code === 'COMP_MISSING' && options.components) d.file = displayPath(options.components);
    append(outcome.diagnostics, scored.diagnostics);
    if (hasErrors(scored.diagnostics)) return outcome;
    trace('scored');
    outcome.scored = scored;
    outcome.results = buildResults(ruleSet, scored, {
      period: outcome.period,
      rulesSha256: loaded.sha256,
      inputs: read.inputs.map((i) => ({ path: i.path, sha256: i.sha256, encoding: i.encoding, rows: i.rows })),
      records: read.records,
      accepted: read.accepted,
      rejected: read.rejected.length,
      withPrevious: previous !== undefined,
    });
    return outcome;
  } catch (error) {
    // The caller never gets the outcome: no hashing thread may outlive the pipeline.
    await stopHashing(outcome);
    throw error;
  }
}

/** push(...list) overflows the stack past ~100,000 items, and hostile input can make that many problems. */
function append<T>(target: T[], items: readonly T[]): void {
  for (const item of items) target.push(item);
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}
