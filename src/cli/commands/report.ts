// `civscore report RESULTS`: the circulated ranking report (通报) from a results.json or a rollup, as a
// terminal table, Markdown, CSV, XLSX, HTML or PDF. Only the options live here; the work is loaded when
// the command runs (../run/report.ts), so other commands do not pay for its modules at startup.

import { Option, type Command } from 'commander';
import type { Context } from '../context.js';
import type { ReportCliOptions } from '../run/report.js';

export const REPORT_FORMAT_CHOICES = ['table', 'md', 'csv', 'xlsx', 'html', 'pdf'] as const;

export function registerReport(program: Command, context: Context): void {
  program
    .command('report')
    .summary('render the circulated ranking report (通报): table, md, csv, xlsx, html or pdf')
    .description(
      'Renders the report circulated after a period (模拟测评情况通报) from a results.json or a rollup: ranking ' +
        "per group, red and black lists, category scores, most frequent problems, each unit's weakest " +
        'categories. Site names and item texts are read from ledger.csv and sites.csv beside RESULTS, or from --rules. ' +
        'Text formats go to stdout unless --out is given; xlsx and pdf need --out. pdf prints the HTML with ' +
        'Chromium (CHROME_PATH, default /usr/bin/chromium).',
    )
    .argument('<results>', 'results.json (civscore/results@1) or a rollup file (civscore/rollup@1)')
    .addOption(new Option('--format <format>', `output format: ${REPORT_FORMAT_CHOICES.join(' | ')}`).choices(REPORT_FORMAT_CHOICES).default('table'))
    .option('--out <file>', 'write to FILE instead of stdout (required for xlsx and pdf)')
    .option('--title <text>', 'report title (default: "<rule set> <period> 模拟测评情况通报")')
    .option('--rules <path>', 'rule set for site names and item texts (default: ledger.csv/sites.csv beside RESULTS)')
    .option('--no-bom', 'csv: write without a UTF-8 BOM')
    .action(async (file: string, options: ReportCliOptions) => {
      const { runReport } = await import('../run/report.js');
      await runReport(context, file, options);
    });
}
