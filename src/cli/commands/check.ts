import type { Command } from 'commander';
import type { Context } from '../context.js';
import { recordsOptions, type RecordsCliOptions } from './shared.js';

export function registerCheck(program: Command, context: Context): void {
  const command = program
    .command('check')
    .summary('validate a rule set and records without scoring; list every problem')
    .description('Validates the rule set and, if given, the records and components; prints every problem and exits 1 if there is any error.');
  recordsOptions(command, false)
    .option('--previous <results.json>', "last period's results")
    .option('--components <file.csv>', 'scores of the other components')
    .action(async (options: RecordsCliOptions) => {
      const { runCheck } = await import('../run/check.js');
      await runCheck(options, context);
    });
}
