// Every user-facing problem is data; the one message table below turns it into text (SPEC §6).

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  code: DiagnosticCode;
  severity: Severity;
  file?: string;
  line?: number;
  col?: number;
  field?: string;
  args: Record<string, string | number>;
}

export type Language = 'en' | 'zh';

type Args = Record<string, string | number>;
type Message = { en: (a: Args) => string; zh: (a: Args) => string };

const s = (value: string | number | undefined): string => String(value ?? '');

export const MESSAGES = {
  RULES_NOT_FOUND: {
    en: (a) => `rule set not found: ${s(a.path)}`,
    zh: (a) => `找不到测评细则：${s(a.path)}`,
  },
  RULES_NO_YAML: {
    en: (a) => `folder ${s(a.path)} holds no .yaml or .yml file`,
    zh: (a) => `文件夹 ${s(a.path)} 中没有 .yaml/.yml 文件`,
  },
  RULES_YAML_SYNTAX: {
    en: (a) => `YAML syntax error: ${s(a.message)}`,
    zh: (a) => `YAML 语法错误：${s(a.message)}`,
  },
  RULES_NOT_MAPPING: {
    en: () => `a rule-set file must be a mapping of keys (ruleset, scoring, units, categories, sites)`,
    zh: () => `测评细则文件的顶层必须是键值映射（ruleset、scoring、units、categories、sites）`,
  },
  RULES_MERGE_CONFLICT: {
    en: (a) => `"${s(a.key)}" is already set in ${s(a.other)}`,
    zh: (a) => `"${s(a.key)}" 已在 ${s(a.other)} 中设置`,
  },
  RULES_UNKNOWN_KEY: {
    en: (a) => `unknown key "${s(a.key)}"${a.suggestion ? ` (did you mean "${s(a.suggestion)}"?)` : ''}; allowed: ${s(a.allowed)}`,
    zh: (a) => `未知的键 "${s(a.key)}"${a.suggestion ? `（是否应为 "${s(a.suggestion)}"？）` : ''}；允许的键：${s(a.allowed)}`,
  },
  RULES_MISSING_KEY: {
    en: (a) => `missing required key "${s(a.key)}"`,
    zh: (a) => `缺少必填的键 "${s(a.key)}"`,
  },
  RULES_TYPE: {
    en: (a) => `${s(a.path)} must be ${s(a.expected)}`,
    zh: (a) => `${s(a.path)} 必须是${s(a.expectedZh)}`,
  },
  RULES_ENUM: {
    en: (a) => `${s(a.path)} must be one of ${s(a.allowed)}`,
    zh: (a) => `${s(a.path)} 只能取 ${s(a.allowed)}`,
  },
  RULES_RANGE: {
    en: (a) => `${s(a.path)} must be ${s(a.comparison)} ${s(a.limit)}`,
    zh: (a) => `${s(a.path)} 必须${s(a.comparisonZh)} ${s(a.limit)}`,
  },
  RULES_DECIMALS: {
    en: (a) => `${s(a.path)} has more than ${s(a.places)} decimal places (${s(a.value)})`,
    zh: (a) => `${s(a.path)} 的小数位数超过 ${s(a.places)} 位（${s(a.value)}）`,
  },
  RULES_SCHEMA: {
    en: (a) => `${s(a.path)}: ${s(a.message)}`,
    zh: (a) => `${s(a.path)}：${s(a.message)}`,
  },
  RULES_DUPLICATE_ID: {
    en: (a) => `duplicate ${s(a.kind)} "${s(a.id)}" (first defined at ${s(a.first)})`,
    zh: (a) => `${s(a.kindZh)}编号 "${s(a.id)}" 重复（首次定义于 ${s(a.first)}）`,
  },
  RULES_UNKNOWN_REF: {
    en: (a) => `${s(a.field)} "${s(a.id)}" is not a defined ${s(a.kind)}`,
    zh: (a) => `${s(a.field)} "${s(a.id)}" 不是已定义的${s(a.kindZh)}`,
  },
  RULES_PARENT_CYCLE: {
    en: (a) => `unit parents form a cycle: ${s(a.chain)}`,
    zh: (a) => `单位的上级关系形成循环：${s(a.chain)}`,
  },
  RULES_CAP_BELOW_POINTS: {
    en: (a) => `item ${s(a.code)}: cap ${s(a.cap)} is below points ${s(a.points)}`,
    zh: (a) => `测评标准 ${s(a.code)}：扣分上限 ${s(a.cap)} 小于单项分值 ${s(a.points)}`,
  },
  RULES_ITEM_NO_POINTS: {
    en: (a) => `item ${s(a.code)} needs "points" or "veto: true"`,
    zh: (a) => `测评标准 ${s(a.code)} 必须设置 points 或 veto: true`,
  },
  RULES_GRADE_DUPLICATE_MIN: {
    en: (a) => `two grades have min ${s(a.min)}`,
    zh: (a) => `两个等级的最低分都是 ${s(a.min)}`,
  },
  RULES_ABOVE_FULL_SCORE: {
    en: (a) => `${s(a.path)} (${s(a.value)}) is above full_score ${s(a.full)}`,
    zh: (a) => `${s(a.path)}（${s(a.value)}）超过满分 ${s(a.full)}`,
  },
  RULES_COMPONENTS_NO_FIELD: {
    en: () => `scoring.components must include "field" (the weight of the field inspection score)`,
    zh: () => `scoring.components 必须包含 "field"（实地考察得分的权重）`,
  },
  RULES_ALIAS_LIMIT: {
    en: (a) => `YAML aliases expand too far: ${s(a.message)}`,
    zh: (a) => `YAML 别名展开过多：${s(a.message)}`,
  },
  FILE_UNREADABLE: {
    en: (a) => `cannot read file: ${s(a.message)}`,
    zh: (a) => `无法读取文件：${s(a.message)}`,
  },
  FILE_NOT_FOUND: {
    en: (a) => `file not found: ${s(a.path)}`,
    zh: (a) => `找不到文件：${s(a.path)}`,
  },
  REC_ENCODING: {
    en: (a) => `bytes that are not valid ${s(a.encoding)} text${a.detail ? ` (${s(a.detail)})` : ''}; save the file as UTF-8 or GBK, or pass --encoding`,
    zh: (a) => `存在不是有效 ${s(a.encoding)} 文本的字节${a.detail ? `（${s(a.detail)}）` : ''}；请将文件另存为 UTF-8 或 GBK，或使用 --encoding 指定编码`,
  },
  REC_CSV_SYNTAX: {
    en: (a) => `malformed CSV: ${s(a.message)}`,
    zh: (a) => `CSV 格式错误：${s(a.message)}`,
  },
  REC_EMPTY_FILE: {
    en: () => `the file is empty: a header row is required`,
    zh: () => `文件为空：需要表头行`,
  },
  REC_MISSING_COLUMN: {
    en: (a) => `the header has no ${s(a.column)} column (accepted headers: ${s(a.accepted)})`,
    zh: (a) => `表头缺少${s(a.columnZh)}列（可用的表头：${s(a.accepted)}）`,
  },
  REC_DUPLICATE_COLUMN: {
    en: (a) => `columns ${s(a.first)} and ${s(a.second)} both give the ${s(a.column)}`,
    zh: (a) => `第 ${s(a.first)} 列和第 ${s(a.second)} 列重复表示${s(a.columnZh)}`,
  },
  REC_EXTRA_FIELDS: {
    en: (a) => `the row has ${s(a.count)} fields but the header has ${s(a.expected)}`,
    zh: (a) => `该行有 ${s(a.count)} 个字段，而表头只有 ${s(a.expected)} 个`,
  },
  REC_MISSING_SITE: {
    en: () => `site_id is empty`,
    zh: () => `点位编号为空`,
  },
  REC_UNKNOWN_SITE: {
    en: (a) => `unknown site "${s(a.site)}"`,
    zh: (a) => `未知的点位编号 "${s(a.site)}"`,
  },
  REC_UNKNOWN_ITEM: {
    en: (a) => `unknown item "${s(a.item)}"`,
    zh: (a) => `未知的测评标准编号 "${s(a.item)}"`,
  },
  REC_ITEM_WRONG_CATEGORY: {
    en: (a) => `item "${s(a.item)}" belongs to category ${s(a.itemCategory)}, but site ${s(a.site)} is of category ${s(a.siteCategory)}`,
    zh: (a) => `测评标准 "${s(a.item)}" 属于测评项目 ${s(a.itemCategory)}，而点位 ${s(a.site)} 属于测评项目 ${s(a.siteCategory)}`,
  },
  REC_BAD_COUNT: {
    en: (a) => `count "${s(a.value)}" is not a positive whole number`,
    zh: (a) => `数量 "${s(a.value)}" 不是正整数`,
  },
  REC_COUNT_WITHOUT_ITEM: {
    en: (a) => `count "${s(a.value)}" is given but item_code is empty`,
    zh: (a) => `测评标准编号为空，但填写了数量 "${s(a.value)}"`,
  },
  REC_BAD_DATE: {
    en: (a) => `date "${s(a.value)}" is not a date (use YYYY-MM-DD or YYYY/M/D)`,
    zh: (a) => `日期 "${s(a.value)}" 无效（请使用 YYYY-MM-DD 或 YYYY/M/D）`,
  },
  REC_DATE_OUTSIDE_PERIOD: {
    en: (a) => `date ${s(a.date)} is outside the period ${s(a.period)}`,
    zh: (a) => `日期 ${s(a.date)} 不在测评期 ${s(a.period)} 内`,
  },
  REC_DUPLICATE_ID: {
    en: (a) => `duplicate record_id "${s(a.id)}" (first at ${s(a.first)})`,
    zh: (a) => `记录编号 "${s(a.id)}" 重复（首次出现于 ${s(a.first)}）`,
  },
  REC_TOO_MANY_ROWS: {
    en: (a) => `more than ${s(a.limit)} rows in one file`,
    zh: (a) => `单个文件超过 ${s(a.limit)} 行`,
  },
  REC_TOO_MANY_FIELDS: {
    en: (a) => `a row has more than ${s(a.limit)} fields`,
    zh: (a) => `一行的字段数超过 ${s(a.limit)} 个`,
  },
  REC_FIELD_TOO_LARGE: {
    en: (a) => `a field is longer than ${s(a.limit)} bytes`,
    zh: (a) => `字段长度超过 ${s(a.limit)} 字节`,
  },
  COMP_NOT_CONFIGURED: {
    en: () => `--components was given but the rule set has no scoring.components`,
    zh: () => `指定了 --components，但测评细则未设置 scoring.components`,
  },
  COMP_FILE_MISSING: {
    en: (a) => `the rule set weighs components (${s(a.components)}) but no --components file was given: totals are the field score alone`,
    zh: (a) => `测评细则设置了综合得分构成（${s(a.components)}），但未提供 --components 文件：总分仅按实地考察得分计算`,
  },
  COMP_UNKNOWN_UNIT: {
    en: (a) => `unknown unit "${s(a.unit)}"`,
    zh: (a) => `未知的单位编号 "${s(a.unit)}"`,
  },
  COMP_UNKNOWN_COMPONENT: {
    en: (a) => `unknown component "${s(a.component)}" (the rule set has: ${s(a.allowed)})`,
    zh: (a) => `未知的得分构成 "${s(a.component)}"（测评细则中有：${s(a.allowed)}）`,
  },
  COMP_FIELD_GIVEN: {
    en: () => `the "field" component is computed from the records and cannot be given`,
    zh: () => `"field"（实地考察）得分由测评记录计算，不能在此填写`,
  },
  COMP_BAD_SCORE: {
    en: (a) => `score "${s(a.value)}" is not a number between 0 and ${s(a.full)}`,
    zh: (a) => `得分 "${s(a.value)}" 不是 0 到 ${s(a.full)} 之间的数`,
  },
  COMP_DUPLICATE: {
    en: (a) => `unit ${s(a.unit)} component ${s(a.component)} is given twice (first at ${s(a.first)})`,
    zh: (a) => `单位 ${s(a.unit)} 的 ${s(a.component)} 得分重复（首次出现于 ${s(a.first)}）`,
  },
  COMP_MISSING: {
    en: (a) => `ranked unit ${s(a.unit)} (${s(a.name)}) has no "${s(a.component)}" score`,
    zh: (a) => `参与排名的单位 ${s(a.unit)}（${s(a.name)}）缺少 "${s(a.component)}" 得分`,
  },
  PREV_INVALID: {
    en: (a) => `not a civscore results file: ${s(a.message)}`,
    zh: (a) => `不是 civscore 的结果文件：${s(a.message)}`,
  },
  PERIOD_MIXED: {
    en: (a) => `the records span several months (${s(a.months)}); the period is left empty — pass --period YYYY-MM`,
    zh: (a) => `测评记录跨越多个月份（${s(a.months)}），测评期未定——请使用 --period YYYY-MM`,
  },
  PERIOD_UNKNOWN: {
    en: () => `no --period and no dated record: the period is left empty`,
    zh: () => `未指定 --period，且记录中没有日期：测评期未定`,
  },
  MORE_ERRORS: {
    en: (a) => `… and ${s(a.count)} more errors`,
    zh: (a) => `……另有 ${s(a.count)} 个错误`,
  },
  // periods
  PERIODS_NO_PERIOD: {
    en: (a) => `${s(a.file)} has no period: score it with --period YYYY-MM`,
    zh: (a) => `${s(a.file)} 没有测评期：请用 --period YYYY-MM 重新评分`,
  },
  PERIODS_DUPLICATE_PERIOD: {
    en: (a) => `${s(a.file)} and ${s(a.other)} are both period ${s(a.period)}`,
    zh: (a) => `${s(a.file)} 与 ${s(a.other)} 的测评期都是 ${s(a.period)}`,
  },
  PERIODS_NOT_RESULTS: {
    en: (a) => `not a civscore results or rollup file: ${s(a.message)}`,
    zh: (a) => `不是 civscore 的结果文件或汇总文件：${s(a.message)}`,
  },
  DIFF_REVERSED: {
    en: (a) => `OLD (${s(a.old)}) is later than NEW (${s(a.new)}): changes are NEW − OLD as given`,
    zh: (a) => `OLD（${s(a.old)}）晚于 NEW（${s(a.new)}）：变化按 NEW − OLD 计算`,
  },
  TREND_TOO_FEW_PERIODS: {
    en: (a) => `only ${s(a.count)} period(s): --streak ${s(a.streak)} needs at least ${s(a.streak)}, so no unit is flagged for a talk`,
    zh: (a) => `只有 ${s(a.count)} 期：--streak ${s(a.streak)} 至少需要 ${s(a.streak)} 期，本次不标记约谈单位`,
  },
  ROLLUP_UNKNOWN_UNIT: {
    en: (a) => `unit ${s(a.unit)} (${s(a.name)}) is not in the rule set: left out of the rollup`,
    zh: (a) => `单位 ${s(a.unit)}（${s(a.name)}）不在测评细则中，未计入汇总`,
  },
  EXPLAIN_UNKNOWN_UNIT: {
    en: (a) => `unit "${s(a.query)}" is not in ${s(a.file)}${a.suggestion ? ` (did you mean ${s(a.suggestion)}?)` : ''}`,
    zh: (a) => `${s(a.file)} 中没有单位 "${s(a.query)}"${a.suggestion ? `（是否是 ${s(a.suggestion)}？）` : ''}`,
  },
  EXPLAIN_UNKNOWN_SITE: {
    en: (a) => `site "${s(a.query)}" is not in ${s(a.file)}${a.suggestion ? ` (did you mean ${s(a.suggestion)}?)` : ''}`,
    zh: (a) => `${s(a.file)} 中没有点位 "${s(a.query)}"${a.suggestion ? `（是否是 ${s(a.suggestion)}？）` : ''}`,
  },
  EXPLAIN_NO_LEDGER: {
    en: (a) => `${s(a.file)} not found: the explanation uses results.json alone (site scores rounded to 2 decimals, no ledger entries or sources)`,
    zh: (a) => `未找到 ${s(a.file)}：仅根据 results.json 说明（点位得分为两位小数的舍入值，无扣分明细和来源）`,
  },
  EXPLAIN_LEDGER_BAD: {
    en: (a) => `cannot use ${s(a.file)}: ${s(a.reason)}; the explanation uses results.json alone`,
    zh: (a) => `无法使用 ${s(a.file)}：${s(a.reasonZh)}；仅根据 results.json 说明`,
  },
  EXPLAIN_RULES_DIFFER: {
    en: (a) => `the rule set ${s(a.rules)} is not the one the results were scored with (sha256 differs): weights and texts may not match; pass the --rules used for \`score\``,
    zh: (a) => `测评细则 ${s(a.rules)} 与评分时所用的不同（sha256 不一致）：权重和文字可能不符；请用 --rules 指定评分时的测评细则`,
  },
  EXPLAIN_RULES_UNKNOWN: {
    en: (a) => `the rule set has no ${s(a.kind)} "${s(a.id)}" needed to explain this score; pass the --rules used for \`score\``,
    zh: (a) => `测评细则中没有说明此得分所需的${s(a.kindZh)} "${s(a.id)}"；请用 --rules 指定评分时的测评细则`,
  },
  EXPLAIN_MISMATCH: {
    en: (a) => `recomputed ${s(a.what)} ${s(a.computed)} differs from the reported ${s(a.reported)}: the files may come from different runs`,
    zh: (a) => `重新计算的${s(a.whatZh)} ${s(a.computed)} 与记载的 ${s(a.reported)} 不一致：文件可能来自不同的评分`,
  },
  SAMPLE_NO_QUOTA: {
    en: (a) => `no quota for ${s(a.categories)}: all their sites are in the plan (set quota: 0 to leave a category out)`,
    zh: (a) => `${s(a.categories)} 未设置 quota：其全部点位列入计划（设 quota: 0 可不抽取该项目）`,
  },
  // report
  REPORT_BAD_JSON: {
    en: (a) => `not valid JSON: ${s(a.message)}`,
    zh: (a) => `不是有效的 JSON：${s(a.message)}`,
  },
  REPORT_NOT_RESULTS: {
    en: (a) => `not a civscore results.json or rollup: ${s(a.message)}`,
    zh: (a) => `不是 civscore 的 results.json 或汇总文件：${s(a.message)}`,
  },
  REPORT_SIBLING_UNUSED: {
    en: (a) => `${s(a.name)} is not used: ${s(a.reason)}`,
    zh: (a) => `未使用 ${s(a.name)}：${s(a.reasonZh)}`,
  },
  REPORT_NO_NAMES: {
    en: (a) => `no ledger.csv or sites.csv beside ${s(a.file)} and no --rules: site names and item texts are left out`,
    zh: (a) => `${s(a.file)} 所在文件夹中没有 ledger.csv、sites.csv，也未指定 --rules：报告中不含点位名称和测评标准内容`,
  },
  REPORT_RULES_DIFFER: {
    en: (a) => `the rule set ${s(a.rules)} is not the one the results were scored with (sha256 differs): names and texts may not match`,
    zh: (a) => `测评细则 ${s(a.rules)} 与评分时所用的不同（sha256 不一致）：名称和文字可能不符`,
  },
  REPORT_UNITS_NOT_IN_RULES: {
    en: (a) => `${s(a.count)} unit(s) of the rollup are not in the rule set ${s(a.rules)} under the same id and name (e.g. ${s(a.example)}): its name is not used in the title`,
    zh: (a) => `汇总文件中有 ${s(a.count)} 个单位不在测评细则 ${s(a.rules)} 中，或编号与名称不符（如 ${s(a.example)}）：标题不使用其名称`,
  },
  REPORT_OUT_REQUIRED: {
    en: (a) => `--format ${s(a.format)} writes a binary file: give --out FILE`,
    zh: (a) => `--format ${s(a.format)} 输出二进制文件：请用 --out FILE 指定输出文件`,
  },
  REPORT_NO_BROWSER: {
    en: (a) => `--format pdf needs Chromium and a CJK font (looked for ${s(a.tried)}): apt-get install chromium fonts-noto-cjk, or set CHROME_PATH to a Chromium or Chrome executable`,
    zh: (a) => `--format pdf 需要 Chromium 浏览器和中文字体（已查找 ${s(a.tried)}）：请执行 apt-get install chromium fonts-noto-cjk，或设置 CHROME_PATH 为 Chromium/Chrome 可执行文件`,
  },
  REPORT_BROWSER_FAILED: {
    en: (a) => `Chromium (${s(a.path)}) could not print the PDF: ${s(a.message)}`,
    zh: (a) => `Chromium（${s(a.path)}）无法生成 PDF：${s(a.message)}`,
  },
  // reliability
  RULES_TOO_LARGE: {
    en: (a) => `the rule set is ${s(a.size)} bytes; civscore reads at most ${s(a.limit)} bytes of rules (about 20,000 sites) — is this the right file?`,
    zh: (a) => `测评细则共 ${s(a.size)} 字节，超过上限 ${s(a.limit)} 字节（约 2 万个点位）——请确认文件是否正确`,
  },
  RULES_TOO_DEEP: {
    en: (a) => `YAML nested more than ${s(a.limit)} levels deep here (a rule set needs about 5): check the brackets and indentation`,
    zh: (a) => `YAML 在此处嵌套超过 ${s(a.limit)} 层（测评细则通常只需约 5 层）：请检查括号和缩进`,
  },
  RULES_TOO_MANY_ENTRIES: {
    en: (a) => `the rule set has more than ${s(a.limit)} list items and keys (about 15,000 sites) — is this the right file?`,
    zh: (a) => `测评细则的列表项和键超过 ${s(a.limit)} 个（约 1.5 万个点位）——请确认文件是否正确`,
  },
  RULES_DUPLICATE_KEY: {
    en: (a) => `key "${s(a.key)}" appears twice in the same mapping (first at ${s(a.first)})`,
    zh: (a) => `键 "${s(a.key)}" 在同一映射中出现两次（首次出现于 ${s(a.first)}）`,
  },
  RULES_ENCODING: {
    en: () => `bytes that are not valid UTF-8 text; save the rule-set file as UTF-8`,
    zh: () => `存在不是有效 UTF-8 文本的字节；请将测评细则文件另存为 UTF-8 编码`,
  },
} as const satisfies Record<string, Message>;

export type DiagnosticCode = keyof typeof MESSAGES;

/** Longest value quoted in a message: a 4 MB cell must not become a 4 MB error line. */
export const MAX_QUOTED_CHARS = 200;

/**
 * A value as it can be quoted on one line: control characters escaped (a NUL or a line break from a cell
 * must not break the `FILE:LINE: message` shape), cut to MAX_QUOTED_CHARS with a count of the rest.
 */
export function printable(value: string): string {
  let text = value.length > MAX_QUOTED_CHARS ? value.slice(0, MAX_QUOTED_CHARS) : value;
  // eslint-disable-next-line no-control-regex
  text = text.replace(/[\u0000-\u001f\u007f]/g, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
  return value.length > MAX_QUOTED_CHARS ? `${text}…(+${value.length - MAX_QUOTED_CHARS})` : text;
}

export function diagnostic(
  code: DiagnosticCode,
  where: { file?: string; line?: number; col?: number; field?: string },
  args: Args = {},
  severity: Severity = 'error',
): Diagnostic {
  const safe: Args = {};
  for (const [key, value] of Object.entries(args)) safe[key] = typeof value === 'string' ? printable(value) : value;
  const d: Diagnostic = { code, severity, args: safe };
  if (where.file !== undefined) d.file = where.file;
  if (where.line !== undefined) d.line = where.line;
  if (where.col !== undefined) d.col = where.col;
  if (where.field !== undefined) d.field = where.field;
  return d;
}

export function messageOf(d: Diagnostic, language: Language): string {
  const message: Message = MESSAGES[d.code];
  return message[language](d.args);
}

export function locationOf(d: Diagnostic): string {
  if (d.file === undefined) return '';
  let text = d.file;
  if (d.line !== undefined) {
    text += `:${d.line}`;
    if (d.col !== undefined) text += `:${d.col}`;
  }
  return text;
}

/** `FILE:LINE:COL: error: message [field] (CODE)` — the one shape every problem is printed in. */
export function formatDiagnostic(d: Diagnostic, language: Language): string {
  const where = locationOf(d);
  const label = language === 'zh' ? (d.severity === 'error' ? '错误' : '警告') : d.severity;
  const field = d.field ? (language === 'zh' ? `（字段 ${d.field}）` : ` (field ${d.field})`) : '';
  return `${where ? `${where}: ` : ''}${label}: ${messageOf(d, language)}${field} [${d.code}]`;
}

/** A stable order for reporting: by file, then line, then column, then code. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    (a.file ?? '').localeCompare(b.file ?? '') ||
    (a.line ?? 0) - (b.line ?? 0) ||
    (a.col ?? 0) - (b.col ?? 0) ||
    a.code.localeCompare(b.code)
  );
}

export const MAX_PRINTED_ERRORS = 50;
