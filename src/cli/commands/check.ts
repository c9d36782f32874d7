import type { Command } from 'commander';
import { InvalidInputError, printDiagnostics, say, type Context } from '../context.js';
import { hasErrors, runPipeline } from '../pipeline.js';
import { csvReadOptions, recordsOptions, type RecordsCliOptions } from './shared.js';

export function registerCheck(program: Command, context: Context): void {
  const command = program
    .command('check')
    .summary('validate a rule set and records without scoring; list every problem')
    .description('Validates the rule set and, if given, the records and components; prints every problem and exits 1 if there is any error.');
  recordsOptions(command, false)
    .option('--previous <results.json>', "last period's results")
    .option('--components <file.csv>', 'scores of the other components')
    .action(async (options: RecordsCliOptions) => {
      const outcome = await runPipeline({
        ...csvReadOptions(options),
        records: options.records ?? [],
        skipInvalid: false,
        requireRecords: false,
        ...(options.previous !== undefined ? { previous: options.previous } : {}),
        ...(options.components !== undefined ? { components: options.components } : {}),
      });
      printDiagnostics(context, outcome.diagnostics);
      if (hasErrors(outcome.diagnostics)) throw new InvalidInputError();
      const rules = outcome.ruleSet!;
      const items = rules.categories.reduce((n, c) => n + c.items.length, 0);
      context.stdout.write(
        say(
          context,
          `rules OK: ${rules.name} ${rules.version} — ${rules.units.length} units, ${rules.categories.length} categories, ${items} items, ${rules.sites.length} sites\n`,
          `测评细则无误：${rules.name} ${rules.version}，${rules.units.length} 个单位，${rules.categories.length} 个测评项目，${items} 条测评标准，${rules.sites.length} 个点位\n`,
        ),
      );
      for (const input of outcome.inputs) {
        context.stdout.write(
          say(context, `records OK: ${input.path} (${input.encoding}, ${input.rows} rows)\n`, `测评记录无误：${input.path}（${input.encoding}，${input.rows} 行）\n`),
        );
      }
    });
}
