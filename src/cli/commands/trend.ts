import type { Command } from 'commander';
import { buildTrend, DEFAULT_STREAK, trendJson } from '../../core/trend.js';
import { NO_PAINT } from '../../report/ranking-text.js';
import { trendCsv, trendHtml, trendMarkdown, trendText } from '../../report/trend.js';
import { UsageError, type Context } from '../context.js';
import { emit, formatOption, readPeriodTables, reportProblems } from './periods-shared.js';

interface TrendCliOptions {
  streak: string;
  format: 'table' | 'md' | 'csv' | 'json' | 'html';
  out?: string;
  title?: string;
  bom: boolean;
}

export function registerTrend(program: Command, context: Context): void {
  program
    .command('trend')
    .summary('units × periods of totals and ranks; flags units black-listed K periods running (约谈)')
    .description(
      'Orders the files by period and shows each unit\'s total and rank per period. A unit on the black list in ' +
        `each of the last K periods (--streak, default ${DEFAULT_STREAK}) is flagged for a talk (约谈). ` +
        'Files may be results.json or rollup files (e.g. quarters).',
    )
    .argument('<results...>', 'results.json (or rollup) files, in any order')
    .option('--streak <K>', 'black-list periods running that call for a talk', String(DEFAULT_STREAK))
    .addOption(formatOption(['table', 'md', 'csv', 'json', 'html']))
    .option('--out <file>', 'write to this file instead of stdout')
    .option('--title <text>', 'title of the HTML page')
    .option('--no-bom', 'CSV without a UTF-8 BOM')
    .action(async (files: string[], options: TrendCliOptions) => {
      const streak = Number(options.streak);
      if (!/^\d+$/.test(options.streak.trim()) || !Number.isSafeInteger(streak) || streak < 1) {
        throw new UsageError(`--streak must be a whole number ≥ 1, got "${options.streak}"`, `--streak 必须是不小于 1 的整数，收到 "${options.streak}"`);
      }
      const tables = readPeriodTables(context, files);
      const built = buildTrend(tables, streak);
      reportProblems(context, built.diagnostics);
      const trend = built.trend!;
      const toFile = options.out !== undefined;
      const content =
        options.format === 'json'
          ? `${JSON.stringify(trendJson(trend), null, 2)}\n`
          : options.format === 'csv'
            ? trendCsv(trend, options.bom)
            : options.format === 'md'
              ? trendMarkdown(trend)
              : options.format === 'html'
                ? trendHtml(trend, options.title)
                : trendText(trend, toFile ? NO_PAINT : context.paint);
      await emit(context, content, options.out, files);
    });
}
