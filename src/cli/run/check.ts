import { InvalidInputError, printDiagnostics, say, type Context } from '../context.js';
import { hasErrors, inputsHashed, runPipeline, stopHashing } from '../pipeline.js';
import { csvReadOptions, type RecordsCliOptions } from '../commands/shared.js';

export async function runCheck(options: RecordsCliOptions, context: Context): Promise<void> {
  const outcome = await runPipeline({
    ...csvReadOptions(options),
    records: options.records ?? [],
    ...(options.parallel !== undefined ? { parallel: options.parallel } : {}),
    skipInvalid: false,
    requireRecords: false,
    ...(options.previous !== undefined ? { previous: options.previous } : {}),
    ...(options.components !== undefined ? { components: options.components } : {}),
  });
  // A large file is checked to have stayed the same while it was read, as score does (unless the run failed).
  if (hasErrors(outcome.diagnostics)) await stopHashing(outcome);
  else await inputsHashed(outcome);
  printDiagnostics(context, outcome.diagnostics, outcome.uncountedErrors);
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
}
