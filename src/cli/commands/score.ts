import type { Command } from 'commander';
import type { Context } from '../context.js';
import type { ScoreCliOptions } from '../run/score.js';
import { recordsOptions } from './shared.js';

export function registerScore(program: Command, context: Context): void {
  const command = program
    .command('score')
    .summary('score a period: results.json, ledger.csv, sites.csv, ranking.csv')
    .description(
      'Scores one period (测评期) of inspection records against a rule set and writes results.json, ledger.csv, ' +
        'sites.csv and ranking.csv to --out (default out/<period>), then prints the ranking.',
    );
  recordsOptions(command, true)
    .option('--previous <results.json>', "last period's results: repeat findings and score/rank change")
    .option('--components <file.csv>', 'scores of the other components (unit_id, component, score)')
    .option('--out <dir>', 'output folder (default out/<period>)')
    .option('--skip-invalid', 'skip invalid records and list them in rejected.csv instead of failing', false)
    .option('--json', 'print results.json instead of the ranking table', false)
    .option('--no-bom', 'write the CSV files without a UTF-8 BOM')
    .action(async (options: ScoreCliOptions) => {
      const { runScore } = await import('../run/score.js');
      await runScore(options, context);
    });
}
