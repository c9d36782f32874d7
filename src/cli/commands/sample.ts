import type { Command } from 'commander';
import { diagnostic } from '../../core/diagnostics.js';
import { drawPlan } from '../../core/sample.js';
import { sampleCsv } from '../../report/sample.js';
import { PERIOD_PATTERN } from '../pipeline.js';
import { say, UsageError, type Context } from '../context.js';
import { emit, loadRuleSet, reportProblems } from './periods-shared.js';

interface SampleCliOptions {
  rules?: string;
  seed: string;
  period?: string;
  out?: string;
  bom: boolean;
}

export function registerSample(program: Command, context: Context): void {
  program
    .command('sample')
    .summary("draw the month's inspection plan: quota sites per unit and category, from a seed")
    .description(
      "Draws the month's inspection plan: for each unit and category, `quota` of the unit's own sites (the sites " +
        'whose `unit` is it), uniformly without replacement (all when fewer; all when the category has no quota; ' +
        'none with quota: 0). The same rule set and seed always give the same plan. Writes a CSV for inspectors.',
    )
    .option('--rules <path>', 'rule set (default: the bundled rules/)')
    .requiredOption('--seed <seed>', 'any text; the same seed gives the same plan')
    .option('--period <YYYY-MM>', 'the month planned (written in the 测评期 column)')
    .option('--out <file>', 'write the CSV to this file instead of stdout')
    .option('--no-bom', 'CSV without a UTF-8 BOM')
    .action(async (options: SampleCliOptions) => {
      if (options.seed.trim() === '') throw new UsageError('--seed must not be empty', '--seed 不能为空');
      if (options.period !== undefined && !PERIOD_PATTERN.test(options.period)) {
        throw new UsageError(`--period must be YYYY-MM, got "${options.period}"`, `--period 必须是 YYYY-MM 格式，收到 "${options.period}"`);
      }
      const { ruleSet } = loadRuleSet(context, options.rules);
      const plan = drawPlan(ruleSet, options.seed);
      if (plan.withoutQuota.length > 0) {
        reportProblems(context, [diagnostic('SAMPLE_NO_QUOTA', {}, { categories: plan.withoutQuota.join(', ') }, 'warning')]);
      }
      await emit(context, sampleCsv(ruleSet, plan, options.period ?? null, options.bom), options.out, options.rules ? [options.rules] : []);
      const units = new Set(plan.rows.map((r) => r.unit.id)).size;
      context.stderr.write(
        say(
          context,
          `planned ${plan.rows.length} sites for ${units} units (${plan.pairs} unit–category pairs), seed "${plan.seed}"\n`,
          `已抽取 ${plan.rows.length} 个点位，涉及 ${units} 个单位（${plan.pairs} 个单位—测评项目组合），随机种子 "${plan.seed}"\n`,
        ),
      );
    });
}
