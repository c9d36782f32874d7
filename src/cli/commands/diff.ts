import type { Command } from 'commander';
import { diagnostic } from '../../core/diagnostics.js';
import { diffJson, diffResults, periodsReversed } from '../../core/diff.js';
import { diffCsv, diffMarkdown, diffText } from '../../report/diff.js';
import { NO_PAINT } from '../../report/ranking-text.js';
import type { Context } from '../context.js';
import { emit, formatOption, readResultsFiles, reportProblems } from './periods-shared.js';

interface DiffCliOptions {
  format: 'table' | 'md' | 'csv' | 'json';
  out?: string;
  bom: boolean;
}

export function registerDiff(program: Command, context: Context): void {
  program
    .command('diff')
    .summary('compare two results: score, rank, category, index and findings changes')
    .description(
      'Compares two results.json files (any two periods, not only adjacent): each unit\'s total and rank change, ' +
        'each category score and the index, and the findings new / resolved / persisting, per unit and in total. ' +
        'Changes are NEW − OLD, computed exactly from the 2-decimal values the files hold.',
    )
    .argument('<old>', 'the earlier results.json')
    .argument('<new>', 'the later results.json')
    .addOption(formatOption(['table', 'md', 'csv', 'json']))
    .option('--out <file>', 'write to this file instead of stdout')
    .option('--no-bom', 'CSV without a UTF-8 BOM')
    .action(async (oldFile: string, newFile: string, options: DiffCliOptions) => {
      const [before, after] = readResultsFiles(context, [oldFile, newFile]);
      const diff = diffResults(before!, after!);
      if (periodsReversed(diff)) {
        reportProblems(context, [diagnostic('DIFF_REVERSED', {}, { old: diff.oldPeriod!, new: diff.newPeriod! }, 'warning')]);
      }
      const toFile = options.out !== undefined;
      const content =
        options.format === 'json'
          ? `${JSON.stringify(diffJson(diff), null, 2)}\n`
          : options.format === 'csv'
            ? diffCsv(diff, options.bom)
            : options.format === 'md'
              ? diffMarkdown(diff)
              : diffText(diff, toFile ? NO_PAINT : context.paint);
      await emit(context, content, options.out, [oldFile, newFile]);
    });
}
