import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { diagnostic, type Diagnostic } from '../../core/diagnostics.js';
import {
  explainSite, explainUnit, findSite, findUnit, ledgerHeader, ledgerRow, suggestions,
  type ExplainInput, type LedgerColumn, type LedgerRow, type SiteLabel,
} from '../../core/explain.js';
import type { ResultsFile } from '../../core/results.js';
import type { RuleSet } from '../../core/types.js';
import { displayPath } from '../../io/paths.js';
import { readCsvFile } from '../../io/records.js';
import { siteExplanationText, unitExplanationText } from '../../report/explain-text.js';
import { NO_PAINT } from '../../report/ranking-text.js';
import { UsageError, type Context } from '../context.js';
import { emit, loadRuleSet, readResultsFiles, reportProblems } from './periods-shared.js';

interface ExplainCliOptions {
  unit?: string;
  site?: string;
  rules?: string;
  out?: string;
}

export function registerExplain(program: Command, context: Context): void {
  program
    .command('explain')
    .summary('show how one unit\'s or site\'s score was made, with the numbers and the record sources')
    .description(
      'Writes out, in Chinese, how a score was computed as a person would check it by hand. For a unit: each ' +
        'category mean with its sites\' scores, the weights, Σ w×score ÷ Σ w, the components, the rounding, rank, ' +
        'grade and lists. For a site: each ledger entry (points × count × multiplier = raw, cap → applied), the veto, ' +
        'D(s), F − D(s) and the FILE:LINE sources. Reads ledger.csv and sites.csv next to RESULTS; weights and item ' +
        'texts come from --rules (default: the bundled rules/), which should be the rule set used to score.',
    )
    .argument('<results>', 'a results.json written by `score` (ledger.csv and sites.csv are read from its folder)')
    .option('--unit <id>', 'explain this unit (id or exact name)')
    .option('--site <id>', 'explain this site')
    .option('--rules <path>', 'the rule set used to score (default: the bundled rules/)')
    .option('--out <file>', 'write to this file instead of stdout')
    .action(async (resultsFile: string, options: ExplainCliOptions) => {
      if ((options.unit === undefined) === (options.site === undefined)) {
        throw new UsageError('give exactly one of --unit or --site', '请指定 --unit 或 --site 之一（只能一个）');
      }
      const [results] = readResultsFiles(context, [resultsFile]) as [ResultsFile];
      const display = displayPath(resultsFile);

      const unit = options.unit !== undefined ? findUnit(results, options.unit.trim()) : undefined;
      const site = options.site !== undefined ? findSite(results, options.site.trim()) : undefined;
      if (options.unit !== undefined && !unit) {
        const hint = suggestions(options.unit.trim(), results.units);
        reportProblems(context, [diagnostic('EXPLAIN_UNKNOWN_UNIT', { file: display }, { query: options.unit, file: display, suggestion: hint.join(', ') })]);
      }
      if (options.site !== undefined && !site) {
        const hint = suggestions(options.site.trim(), results.sites.map((s) => ({ id: s.id, name: '' })));
        reportProblems(context, [diagnostic('EXPLAIN_UNKNOWN_SITE', { file: display }, { query: options.site, file: display, suggestion: hint.join(', ') })]);
      }

      const problems: Diagnostic[] = [];
      const rules = loadRuleSet(context, options.rules);
      if (results.ruleset?.sha256 && results.ruleset.sha256 !== rules.sha256) {
        problems.push(diagnostic('EXPLAIN_RULES_DIFFER', {}, { rules: rules.path }, 'warning'));
      }
      const folder = path.dirname(resultsFile);
      const wanted = new Set(site ? [site.id] : results.sites.filter((s) => s.units.includes(unit!.id)).map((s) => s.id));
      const ledgerPath = path.join(folder, 'ledger.csv');
      const ledger = await readLedger(ledgerPath, wanted, problems);
      const input: ExplainInput = {
        results,
        resultsFile: display,
        ruleSet: rules.ruleSet,
        ledgerFile: displayPath(ledgerPath),
        siteLabels: await readSiteLabels(path.join(folder, 'sites.csv'), rules.ruleSet),
        ...(ledger ? { ledger } : {}),
      };
      const paint = options.out === undefined ? context.paint : NO_PAINT;
      let text: string;
      if (unit) {
        const explained = explainUnit(input, unit);
        problems.push(...explained.diagnostics);
        reportProblems(context, problems);
        text = unitExplanationText(explained.explanation, paint, `${rules.ruleSet.name} ${rules.ruleSet.version}（${rules.path}）`);
      } else {
        const explained = explainSite(input, site!);
        problems.push(...explained.diagnostics);
        reportProblems(context, problems);
        text = siteExplanationText(explained.explanation, paint);
      }
      await emit(context, text, options.out, [resultsFile]);
    });
}

/** The ledger entries of the wanted sites, or undefined (with a warning) when ledger.csv is absent or unusable. */
export async function readLedger(file: string, wanted: ReadonlySet<string>, problems: Diagnostic[]): Promise<LedgerRow[] | undefined> {
  const display = displayPath(file);
  if (!existsSync(file)) {
    problems.push(diagnostic('EXPLAIN_NO_LEDGER', { file: display }, { file: display }, 'warning'));
    return undefined;
  }
  const rows: LedgerRow[] = [];
  let columns: Partial<Record<LedgerColumn, number>> | undefined;
  let problem: { line?: number; reason: string; reasonZh: string } | undefined;
  const report = await readCsvFile(
    file,
    {},
    (row) => {
      const header = ledgerHeader(row.fields);
      if (!header.columns) {
        problem = { line: row.line, reason: `no ${header.missing} column`, reasonZh: `缺少“${header.missing}”列` };
        return false;
      }
      columns = header.columns;
      return true;
    },
    (row) => {
      if (problem || !columns) return;
      const site = (row.fields[columns.site!] ?? '').trim();
      if (!wanted.has(site)) return;
      const parsed = ledgerRow(row.fields, columns, row.line);
      if (parsed.row) rows.push(parsed.row);
      else problem = { line: row.line, reason: `the ${parsed.bad} value does not read`, reasonZh: `“${parsed.bad}”的值无法读取` };
    },
  );
  if (!problem && report.diagnostics.length > 0) problem = { reason: 'it does not read as CSV', reasonZh: '无法按 CSV 读取' };
  if (problem) {
    problems.push(...report.diagnostics.map((d) => ({ ...d, severity: 'warning' as const })));
    problems.push(diagnostic('EXPLAIN_LEDGER_BAD', { file: display, ...(problem.line ? { line: problem.line } : {}) }, { file: display, reason: problem.reason, reasonZh: problem.reasonZh }, 'warning'));
    return undefined;
  }
  return rows;
}

/** Site names and addresses: sites.csv from the same run when present, else the rule set. */
export async function readSiteLabels(file: string, ruleSet: RuleSet): Promise<Map<string, SiteLabel>> {
  const labels = new Map<string, SiteLabel>();
  for (const site of ruleSet.sites) labels.set(site.id, site.address ? { name: site.name, address: site.address } : { name: site.name });
  if (!existsSync(file)) return labels;
  let id = -1;
  let name = -1;
  let address = -1;
  await readCsvFile(
    file,
    {},
    (row) => {
      const clean = row.fields.map((f) => f.replace(/^\uFEFF/, '').trim());
      [id, name, address] = [clean.indexOf('点位编号'), clean.indexOf('点位'), clean.indexOf('地址')];
      return id >= 0 && name >= 0;
    },
    (row) => {
      const siteId = (row.fields[id] ?? '').trim();
      const siteName = (row.fields[name] ?? '').trim();
      if (!siteId || !siteName) return;
      const siteAddress = address >= 0 ? (row.fields[address] ?? '').trim() : '';
      labels.set(siteId, siteAddress ? { name: siteName, address: siteAddress } : { name: siteName });
    },
  );
  return labels;
}
