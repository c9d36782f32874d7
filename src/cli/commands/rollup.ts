import type { Command } from 'commander';
import { orderByPeriod } from '../../core/periods.js';
import { Rational } from '../../core/rational.js';
import { rollup, rollupJson } from '../../core/rollup.js';
import { UsageError, type Context } from '../context.js';
import { emit, loadRuleSet, readPeriodTables, reportProblems } from './periods-shared.js';

interface RollupCliOptions {
  period: string;
  weights?: string[];
  rules?: string;
  out?: string;
}

/** `--weights 1 1 2` or `--weights 1,1,2`: each a plain decimal > 0, read exactly. */
export function parseWeights(texts: readonly string[]): Rational[] {
  const parts = texts.flatMap((t) => t.split(',')).map((t) => t.trim()).filter((t) => t !== '');
  return parts.map((text) => {
    const value = /^\d+(\.\d+)?$/.test(text) ? Rational.parseDecimal(text) : undefined;
    if (value === undefined || value.cmp(Rational.ZERO) <= 0) {
      throw new UsageError(`--weights: "${text}" is not a number > 0`, `--weights："${text}" 不是大于 0 的数`);
    }
    return value;
  });
}

export function registerRollup(program: Command, context: Context): void {
  program
    .command('rollup')
    .summary('roll periods up into a quarter or a year (civscore/rollup@1)')
    .description(
      'Combines periods into one assessment: each unit\'s total is the exact weighted mean of its rounded totals ' +
        'over the periods in which it was ranked (the weights of periods it missed are left out); units are then ' +
        'ranked, graded and listed with the options, names and groups of the rule set. Writes civscore/rollup@1 JSON. ' +
        'Give --weights after the files, one per file in the same order.',
    )
    .argument('<results...>', 'results.json (or rollup) files; weights follow this order')
    .requiredOption('--period <label>', 'label of the combined period, e.g. 2026-Q4 or 2026')
    .option('--weights <w...>', 'one weight per file (> 0, decimals allowed); default equal')
    .option('--rules <path>', 'rule set for options, names and groups (default: the bundled rules/)')
    .option('--out <file>', 'write the JSON to this file instead of stdout')
    .action(async (files: string[], options: RollupCliOptions) => {
      const period = options.period.trim();
      if (period === '' || /[\u0000-\u001f]/.test(period)) {
        throw new UsageError('--period needs a label, e.g. 2026-Q4', '--period 需要一个标签，例如 2026-Q4');
      }
      const weights = options.weights === undefined ? undefined : parseWeights(options.weights);
      if (weights !== undefined && weights.length !== files.length) {
        throw new UsageError(
          `--weights has ${weights.length} value(s) but ${files.length} file(s) were given: give one weight per file`,
          `--weights 有 ${weights.length} 个值，但给出了 ${files.length} 个文件：每个文件需要一个权重`,
        );
      }
      const { ruleSet } = loadRuleSet(context, options.rules);
      const tables = readPeriodTables(context, files);
      reportProblems(context, orderByPeriod(tables).diagnostics);
      const result = rollup({ period, tables, ruleSet, ...(weights ? { weights } : {}) });
      reportProblems(context, result.diagnostics);
      await emit(context, `${JSON.stringify(rollupJson(result.rollup), null, 2)}\n`, options.out, files);
    });
}
