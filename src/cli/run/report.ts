// `civscore report RESULTS`, run: read the results or rollup, find the names results.json leaves out, build
// the report and render it. Site names and item texts come from the run's ledger.csv/sites.csv beside
// RESULTS, or from the rule set (--rules, or the bundled one when it is the very rule set the results were
// scored with).

import { createHash } from 'node:crypto';
import { jsonSyntaxError } from '../../io/json-errors.js';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { diagnostic, formatDiagnostic, type Diagnostic } from '../../core/diagnostics.js';
import type { ResultsFile } from '../../core/results.js';
import { leadOf } from '../../core/score.js';
import type { RuleSet } from '../../core/types.js';
import { displayPath } from '../../io/paths.js';
import { readCsvFile } from '../../io/records.js';
import { bundledRulesPath, loadRules } from '../../io/rules.js';
import { OutputError, writeFileAtomically } from '../../io/write.js';
import { NO_PAINT } from '../../report/paint.js';
import { renderReportCsv } from '../../report/report-csv.js';
import { renderReportHtml } from '../../report/report-html.js';
import { renderReportMarkdown } from '../../report/report-md.js';
import {
  buildReport, parseReportSource, type LedgerSheet, type ReportFile, type ReportNames, type ReportOptions, type ReportSource,
} from '../../report/report-model.js';
import { renderReportText } from '../../report/report-text.js';
import { renderReportXlsx } from '../../report/report-xlsx.js';
import { InvalidInputError, printDiagnostics, say, UsageError, type Context } from '../context.js';
import { findChromium, printPdf } from '../pdf.js';
import type { REPORT_FORMAT_CHOICES } from '../commands/report.js';

export type ReportFormat = (typeof REPORT_FORMAT_CHOICES)[number];
const BINARY_FORMATS: ReadonlySet<ReportFormat> = new Set(['xlsx', 'pdf']);

export interface ReportCliOptions {
  format: ReportFormat;
  out?: string;
  title?: string;
  rules?: string;
  bom: boolean;
}

/** Prints the problems; stops with exit 1 when any is an error. */
function reportProblems(context: Context, diagnostics: readonly Diagnostic[]): void {
  printDiagnostics(context, diagnostics);
  if (diagnostics.some((d) => d.severity === 'error')) throw new InvalidInputError();
}

function usage(d: Diagnostic): UsageError {
  return new UsageError(formatDiagnostic(d, 'en'), formatDiagnostic(d, 'zh'));
}

export async function runReport(context: Context, file: string, options: ReportCliOptions): Promise<void> {
  const format = options.format;
  if (BINARY_FORMATS.has(format) && options.out === undefined) throw usage(diagnostic('REPORT_OUT_REQUIRED', {}, { format }));
  const chromium = format === 'pdf' ? findChromium(context.env) : undefined;
  if (chromium && !chromium.path) throw usage(diagnostic('REPORT_NO_BROWSER', {}, { tried: chromium.tried.join(', ') }));
  if (options.out !== undefined) checkOutPath(options.out, file, options.rules);

  const read = readReportSource(file);
  reportProblems(context, read.diagnostics);
  const source = read.source!;
  const extras = await gatherExtras(context, file, source, options.rules);
  const files: ReportFile[] = [{ label: source.kind === 'results' ? '结果文件' : '汇总文件', name: path.basename(file), sha256: read.sha256 }];
  const reportOptions: ReportOptions = { ...extras, files };
  if (options.title !== undefined) reportOptions.title = options.title;
  const model = buildReport(source, reportOptions);
  const results = source.kind === 'results' ? source.results : undefined;

  let content: string | Uint8Array;
  switch (format) {
    case 'table':
      content = renderReportText(model, results, options.out === undefined ? context.paint : NO_PAINT);
      break;
    case 'md':
      content = renderReportMarkdown(model);
      break;
    case 'csv':
      content = renderReportCsv(model, { bom: options.bom });
      break;
    case 'html':
      content = renderReportHtml(model);
      break;
    case 'xlsx':
      content = await renderReportXlsx(model);
      break;
    case 'pdf':
      try {
        content = await printPdf(renderReportHtml(model), chromium!.path!);
      } catch (error) {
        throw usage(diagnostic('REPORT_BROWSER_FAILED', {}, { path: chromium!.path!, message: firstLine(error) }));
      }
      break;
  }
  if (options.out === undefined) {
    context.stdout.write(content as string);
    return;
  }
  try {
    await writeFileAtomically(options.out, content);
  } catch (error) {
    if (error instanceof OutputError) throw new UsageError(error.message, error.messageZh);
    throw error;
  }
  context.stderr.write(say(context, `wrote ${displayPath(options.out)}\n`, `已写出 ${displayPath(options.out)}\n`));
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!.trim();
}

/** --out must be a file path, and not RESULTS, a file read beside it or the rule set. */
function checkOutPath(out: string, resultsFile: string, rules: string | undefined): void {
  const target = path.resolve(out);
  let isFolder = false;
  try {
    isFolder = statSync(target).isDirectory();
  } catch {
    // A new file: fine.
  }
  if (isFolder) throw new UsageError(`--out ${out} is a folder; give a file name`, `--out ${out} 是文件夹，请指定文件名`);
  const folder = path.dirname(path.resolve(resultsFile));
  const inputs = [path.resolve(resultsFile), path.join(folder, 'ledger.csv'), path.join(folder, 'sites.csv')];
  if (rules !== undefined) inputs.push(path.resolve(rules));
  if (inputs.includes(target)) throw new UsageError(`--out ${out} would overwrite an input file`, `--out ${out} 会覆盖输入文件`);
}

// ── reading ────────────────────────────────────────────────────────────────────────────────────────────

export function readReportSource(file: string): { source?: ReportSource; sha256: string; diagnostics: Diagnostic[] } {
  const display = displayPath(file);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const d = code === 'ENOENT'
      ? diagnostic('FILE_NOT_FOUND', { file: display }, { path: display })
      : diagnostic('FILE_UNREADABLE', { file: display }, { message: (error as Error).message });
    return { sha256: '', diagnostics: [d] };
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const { message, ...where } = jsonSyntaxError(text, error as Error);
    return { sha256, diagnostics: [diagnostic('REPORT_BAD_JSON', { file: display, ...where }, { message })] };
  }
  const { source, problem } = parseReportSource(parsed);
  if (!source) return { sha256, diagnostics: [diagnostic('REPORT_NOT_RESULTS', { file: display, line: 1 }, { message: problem ?? '' })] };
  return { source, sha256, diagnostics: [] };
}


interface CsvTable {
  header: string[];
  rows: string[][];
  problems: Diagnostic[];
}

async function readCsvTable(file: string): Promise<CsvTable> {
  const table: CsvTable = { header: [], rows: [], problems: [] };
  const report = await readCsvFile(
    file,
    {},
    (row) => {
      table.header = row.fields.map((f) => f.trim());
      return true;
    },
    (row) => {
      table.rows.push(row.fields);
    },
  );
  table.problems = report.diagnostics;
  return table;
}

function exists(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

interface Extras {
  names?: ReportNames;
  ledger?: LedgerSheet;
  ruleset?: { name: string; version: string };
}

function unused(file: string, reason: string, reasonZh: string): Diagnostic {
  const name = displayPath(file);
  return diagnostic('REPORT_SIBLING_UNUSED', { file: name }, { name, reason, reasonZh }, 'warning');
}

function missingColumns(table: CsvTable, columns: readonly string[]): string[] {
  return columns.filter((c) => !table.header.includes(c));
}

/** ledger.csv beside results.json, if it is this run's: one row per finding, each a finding of results.json. */
async function readLedger(file: string, results: ResultsFile, warnings: Diagnostic[]): Promise<CsvTable | undefined> {
  if (!exists(file)) return undefined;
  const table = await readCsvTable(file);
  if (table.problems.length > 0) {
    warnings.push(unused(file, 'it cannot be read as CSV', '无法作为 CSV 读取'));
    return undefined;
  }
  const missing = missingColumns(table, ['点位编号', '测评标准编号', '测评标准', '测评项目']);
  if (missing.length > 0) {
    warnings.push(unused(file, `no ${missing.join(', ')} column`, `缺少 ${missing.join('、')} 列`));
    return undefined;
  }
  const site = table.header.indexOf('点位编号');
  const item = table.header.indexOf('测评标准编号');
  const findings = new Set(results.sites.flatMap((s) => s.findings.map((code) => `${s.id}\u0000${code}`)));
  const foreign = table.rows.some((row) => !findings.has(`${row[site] ?? ''}\u0000${row[item] ?? ''}`));
  if (table.rows.length !== results.summary.findings || foreign) {
    warnings.push(unused(file, 'its entries are not the findings of this results.json (another run?)', '其扣分条目与本 results.json 不符（可能来自另一次评分）'));
    return undefined;
  }
  return table;
}

/** sites.csv beside results.json, if it lists this run's sites. */
async function readSites(file: string, results: ResultsFile, warnings: Diagnostic[]): Promise<CsvTable | undefined> {
  if (!exists(file)) return undefined;
  const table = await readCsvTable(file);
  if (table.problems.length > 0) {
    warnings.push(unused(file, 'it cannot be read as CSV', '无法作为 CSV 读取'));
    return undefined;
  }
  const missing = missingColumns(table, ['点位编号', '点位']);
  if (missing.length > 0) {
    warnings.push(unused(file, `no ${missing.join(', ')} column`, `缺少 ${missing.join('、')} 列`));
    return undefined;
  }
  const id = table.header.indexOf('点位编号');
  const known = new Set(results.sites.map((s) => s.id));
  if (table.rows.length !== results.sites.length || table.rows.some((row) => !known.has(row[id] ?? ''))) {
    warnings.push(unused(file, 'its sites are not the sites of this results.json (another run?)', '其点位与本 results.json 不符（可能来自另一次评分）'));
    return undefined;
  }
  return table;
}

function namesFromCsv(ledger: CsvTable | undefined, sites: CsvTable | undefined): ReportNames {
  const names: ReportNames = { sites: new Map(), items: new Map() };
  if (sites) {
    const column = (title: string) => sites.header.indexOf(title);
    const [id, name, address, lead] = [column('点位编号'), column('点位'), column('地址'), column('牵头单位')];
    for (const row of sites.rows) {
      const info: { name: string; address?: string; lead?: string } = { name: row[name] ?? '' };
      if (address >= 0 && row[address]) info.address = row[address];
      if (lead >= 0 && row[lead]) info.lead = row[lead];
      names.sites.set(row[id] ?? '', info);
    }
  }
  if (ledger) {
    const column = (title: string) => ledger.header.indexOf(title);
    const [code, text, category, site, siteName, veto] = [
      column('测评标准编号'), column('测评标准'), column('测评项目'), column('点位编号'), column('点位'), column('一票否决'),
    ];
    for (const row of ledger.rows) {
      names.items.set(row[code] ?? '', { text: row[text] ?? '', category: row[category] ?? '', veto: row[veto] === '是' });
      // Sites with findings are named in the ledger too, when sites.csv is missing.
      if (!names.sites.has(row[site] ?? '') && siteName >= 0) names.sites.set(row[site] ?? '', { name: row[siteName] ?? '' });
    }
  }
  return names;
}

function namesFromRules(ruleSet: RuleSet): ReportNames {
  const names: ReportNames = { sites: new Map(), items: new Map() };
  for (const site of ruleSet.sites) {
    const info: { name: string; address?: string; lead?: string } = { name: site.name };
    if (site.address) info.address = site.address;
    const lead = leadOf(ruleSet, site);
    if (lead) info.lead = ruleSet.unitById.get(lead)?.name ?? lead;
    names.sites.set(site.id, info);
  }
  for (const item of ruleSet.itemByCode.values()) {
    names.items.set(item.code, { text: item.text, category: ruleSet.categoryById.get(item.category)?.name ?? item.category, veto: item.veto });
  }
  return names;
}

async function gatherExtras(context: Context, file: string, source: ReportSource, rules: string | undefined): Promise<Extras> {
  const warnings: Diagnostic[] = [];
  const extras: Extras = {};
  const explicit = rules !== undefined ? loadRules(rules) : undefined;
  if (explicit) reportProblems(context, explicit.diagnostics);

  if (source.kind === 'rollup') {
    const loaded = explicit ?? loadRules(bundledRulesPath());
    const ruleSet = loaded.ruleSet;
    if (ruleSet) {
      // The rule set names the rollup only if it knows every unit by the same id and name.
      const strangers = source.rollup.units.filter((u) => ruleSet.unitById.get(u.id)?.name !== u.name);
      if (strangers.length === 0) extras.ruleset = { name: ruleSet.name, version: ruleSet.version };
      else if (explicit) {
        warnings.push(diagnostic('REPORT_UNITS_NOT_IN_RULES', { file: displayPath(rules!) }, {
          count: strangers.length, rules: displayPath(rules!), example: `${strangers[0]!.id} ${strangers[0]!.name}`,
        }, 'warning'));
      }
    }
    printDiagnostics(context, warnings);
    return extras;
  }

  const results = source.results;
  const folder = path.dirname(file);
  const ledger = await readLedger(path.join(folder, 'ledger.csv'), results, warnings);
  const sites = await readSites(path.join(folder, 'sites.csv'), results, warnings);
  if (ledger) extras.ledger = { header: ledger.header, rows: ledger.rows };

  if (explicit?.ruleSet) {
    if (explicit.sha256 !== results.ruleset.sha256) {
      warnings.push(diagnostic('REPORT_RULES_DIFFER', { file: displayPath(rules!) }, { rules: displayPath(rules!) }, 'warning'));
    }
    extras.names = namesFromRules(explicit.ruleSet);
  } else if (ledger || sites) {
    extras.names = namesFromCsv(ledger, sites);
  } else {
    // The bundled rule set names things only if it is the one these results were scored with.
    const bundled = loadRules(bundledRulesPath());
    if (bundled.ruleSet && bundled.sha256 === results.ruleset.sha256) extras.names = namesFromRules(bundled.ruleSet);
    else warnings.push(diagnostic('REPORT_NO_NAMES', { file: displayPath(file) }, { file: displayPath(file) }, 'warning'));
  }
  printDiagnostics(context, warnings);
  return extras;
}

