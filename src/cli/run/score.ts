import path from 'node:path';
import { checkOutputDir, OutputError, writeFilesAtomically, type OutputFile } from '../../io/write.js';
import { displayPath } from '../../io/paths.js';
import { builtModule } from '../../io/wasm-modules.js';
import { trace } from '../../io/trace.js';
import { rankingText } from '../../report/ranking-text.js';
import { ledgerCsvPieces, rankingCsv, rejectedCsv, sitesCsv } from '../../report/score-files.js';
import { InvalidInputError, printDiagnostics, say, UsageError, type Context } from '../context.js';
import { hasErrors, inputsHashed, runPipeline, stopHashing, type PipelineOutcome } from '../pipeline.js';
import { progressFor } from '../progress.js';
import { csvReadOptions, type RecordsCliOptions } from '../commands/shared.js';

export interface ScoreCliOptions extends RecordsCliOptions {
  out?: string;
  json?: boolean;
  bom: boolean;
}

const OUTPUT_NAMES = ['results.json', 'ledger.csv', 'sites.csv', 'ranking.csv', 'rejected.csv'];

export async function runScore(options: ScoreCliOptions, context: Context): Promise<void> {
  const inputs = [...(options.records ?? []), ...(options.previous ? [options.previous] : []), ...(options.components ? [options.components] : [])];
  // A mistyped --out is found before the run, not after minutes of reading.
  if (options.out !== undefined) guardOutput(() => checkOutputDir(options.out!, OUTPUT_NAMES, inputs));
  const progress = progressFor(options.records ?? [], context.stderr);
  const outcome = await runPipeline({
    ...(progress ? { onBytes: progress.onBytes } : {}),
    ...csvReadOptions(options),
    records: options.records ?? [],
    ...(options.parallel !== undefined ? { parallel: options.parallel } : {}),
    skipInvalid: options.skipInvalid === true,
    requireRecords: true,
    ...(options.previous !== undefined ? { previous: options.previous } : {}),
    ...(options.components !== undefined ? { components: options.components } : {}),
  });
  try {
    progress?.done();
    await writeScoreFiles(options, context, outcome, inputs);
  } finally {
    // Whatever happened, no hashing thread outlives the command.
    await stopHashing(outcome);
  }
}

/** The rest of runScore, once the records are read and scored. */
async function writeScoreFiles(options: ScoreCliOptions, context: Context, outcome: PipelineOutcome, inputs: readonly string[]): Promise<void> {
  printDiagnostics(context, outcome.diagnostics, outcome.uncountedErrors);
  if (hasErrors(outcome.diagnostics) || !outcome.results || !outcome.scored || !outcome.ruleSet) {
    throw new InvalidInputError();
  }
  const { results, scored, ruleSet } = outcome;
  const outDir = options.out ?? path.join('out', outcome.period ?? 'undated');
  const files: OutputFile[] = [
    { name: 'ledger.csv', content: ledgerCsvPieces(scored, options.bom, builtModule('ledger-rows.wasm')) },
    { name: 'sites.csv', content: sitesCsv(ruleSet, scored, options.bom) },
    { name: 'ranking.csv', content: rankingCsv(ruleSet, scored, options.previous !== undefined, options.bom) },
  ];
  if (options.skipInvalid) files.push({ name: 'rejected.csv', content: rejectedCsv(outcome.rejected, context.language, options.bom) });
  // Last: a large input's SHA-256, made on another thread meanwhile, is needed only now.
  files.push({
    name: 'results.json',
    content: async () => {
      if (await inputsHashed(outcome)) throw new InputChanged();
      return `${JSON.stringify(results, null, 2)}\n`;
    },
  });
  guardOutput(() => checkOutputDir(outDir, files.map((f) => f.name), inputs));
  try {
    await writeFilesAtomically(outDir, files);
  } catch (error) {
    if (error instanceof OutputError) throw new UsageError(error.message, error.messageZh);
    if (error instanceof InputChanged) {
      printDiagnostics(context, outcome.diagnostics.filter((d) => d.severity === 'error'));
      throw new InvalidInputError();
    }
    throw error;
  }
  trace('outputs written');
  for (const input of outcome.inputs) {
    context.stderr.write(
      say(context, `read ${input.path}: ${input.encoding}, ${input.rows} rows\n`, `读取 ${input.path}：${input.encoding}，${input.rows} 行\n`),
    );
  }
  if (options.skipInvalid && outcome.rejected.length > 0) {
    const where = displayPath(path.join(outDir, 'rejected.csv'));
    context.stderr.write(
      say(context, `skipped ${outcome.rejected.length} invalid records: see ${where}\n`, `已剔除 ${outcome.rejected.length} 条无效记录，详见 ${where}\n`),
    );
  }
  context.stderr.write(say(context, `wrote ${displayPath(outDir)}/\n`, `已写出 ${displayPath(outDir)}/\n`));
  context.stdout.write(options.json ? `${JSON.stringify(results, null, 2)}\n` : rankingText(results, context.paint));
}

/** A records file changed while it was read (see inputsHashed): its errors are in the outcome. */
class InputChanged extends Error {}

function guardOutput(action: () => void): void {
  try {
    action();
  } catch (error) {
    if (error instanceof OutputError) throw new UsageError(error.message, error.messageZh);
    throw error;
  }
}
