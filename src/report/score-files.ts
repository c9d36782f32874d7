// The files `score` writes besides results.json: ledger.csv, sites.csv, ranking.csv, rejected.csv (SPEC §5.2).

import { messageOf, type Language } from '../core/diagnostics.js';
import type { RejectedRow } from '../core/records.js';
import { leadOf, type ScoreOutput } from '../core/score.js';
import type { RuleSet } from '../core/types.js';
import { csvCell, toCsv, type Cell } from './csv.js';
import { componentLabel } from './labels.js';

const yesNo = (value: boolean): string => (value ? '是' : '否');

const LEDGER_HEADER: Cell[] = [
  '单位编号', '单位', '点位编号', '点位', '测评项目', '测评标准编号', '测评标准', '数量', '单项分值', '倍数',
  '应扣分', '实扣分', '一票否决', '重复出现', '来源', '测评员', '备注', '照片',
];
const SOURCE_SEPARATOR = '; ';

/**
 * ledger.csv piece by piece: with millions of records its 来源 column is too large for one string, so
 * sources come as bytes where the collector can build them that way.
 */
export function* ledgerCsvPieces(scored: ScoreOutput, bom = true): Generator<string | Uint8Array> {
  yield `${bom ? '\uFEFF' : ''}${LEDGER_HEADER.map(csvCell).join(',')}\r\n`;
  for (const e of scored.ledger) {
    const before: Cell[] = [
      e.unit.id, e.unit.name, e.site.id, e.site.name, e.category.name, e.item.code, e.item.text, e.n,
      e.points.toExactString(), e.multiplier.toExactString(), e.raw.toExactString(), e.applied.toExactString(),
      yesNo(e.veto), yesNo(e.repeat),
    ];
    const after: Cell[] = [e.inspectors.join('; '), e.notes.join('; '), e.photos.join('; ')];
    yield `${before.map(csvCell).join(',')},`;
    const bytes = e.sourceBytes(SOURCE_SEPARATOR);
    const text = bytes ? undefined : e.sourceLabels().join(SOURCE_SEPARATOR);
    // Bytes are safe to write unquoted only when they hold nothing CSV must quote.
    if (bytes && !needsQuoting(bytes)) yield bytes;
    else yield csvCell(text ?? Buffer.from(bytes!).toString('utf8'));
    yield `,${after.map(csvCell).join(',')}\r\n`;
  }
}

function needsQuoting(bytes: Uint8Array): boolean {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  return bytes[0] === 0x20 || [0x22, 0x2c, 0x0a, 0x0d].some((b) => buffer.indexOf(b) >= 0);
}

export function ledgerCsv(scored: ScoreOutput, bom = true): string {
  return [...ledgerCsvPieces(scored, bom)].map((p) => (typeof p === 'string' ? p : Buffer.from(p).toString('utf8'))).join('');
}

export function sitesCsv(ruleSet: RuleSet, scored: ScoreOutput, bom = true): string {
  const rows: Cell[][] = [[
    '点位编号', '点位', '地址', '测评项目编号', '测评项目', '单位编号', '单位', '牵头单位', '是否测评', '得分', '扣分',
    '一票否决', '问题数', '问题编号',
  ]];
  for (const s of scored.sites) {
    const unit = ruleSet.unitById.get(s.site.unit);
    const lead = leadOf(ruleSet, s.site);
    rows.push([
      s.site.id, s.site.name, s.site.address ?? '', s.site.category, ruleSet.categoryById.get(s.site.category)?.name,
      s.site.unit, unit?.name, lead ? (ruleSet.unitById.get(lead)?.name ?? lead) : '', yesNo(s.inspected),
      s.score?.toFixed(2) ?? '', s.deduction?.toFixed(2) ?? '', yesNo(s.veto), s.findings.length,
      s.findings.join(' '),
    ]);
  }
  return toCsv(rows, { bom });
}

export function rankingCsv(ruleSet: RuleSet, scored: ScoreOutput, withPrevious: boolean, bom = true): string {
  const components = (ruleSet.scoring.components ?? []).filter((c) => c.id !== 'field');
  const stars = ruleSet.scoring.stars !== undefined;
  const header: Cell[] = ['组别', '排名', '单位编号', '单位', '实地考察', ...components.map((c) => componentLabel(c.id)), '总分', '等级', '红榜', '黑榜', '测评点位数', '扣分合计'];
  if (stars) header.push('星级');
  if (withPrevious) header.push('较上期', '名次变化');
  const rows: Cell[][] = [header];
  for (const u of scored.units) {
    const row: Cell[] = [
      u.unit.group, u.rank ?? '未测评', u.unit.id, u.unit.name, u.field?.toFixed(2) ?? '',
      ...components.map((c) => u.components.get(c.id)?.toFixed(2) ?? ''),
      u.total?.toFixed(2) ?? '', u.grade ?? '', u.red ? '红榜' : '', u.black ? '黑榜' : '', u.sites,
      u.deduction?.toFixed(2) ?? '',
    ];
    if (stars) row.push(u.stars ?? '');
    if (withPrevious) {
      row.push(u.scoreChange === null ? '' : signed(u.scoreChange.toFixed(2)), u.rankChange === null ? '' : signed(String(u.rankChange)));
    }
    rows.push(row);
  }
  return toCsv(rows, { bom });
}

function signed(text: string): string {
  return /^-/.test(text) || /^0(\.0+)?$/.test(text) ? text : `+${text}`;
}

export function rejectedCsv(rejected: readonly RejectedRow[], language: Language, bom = true): string {
  // One line per rejected row, so the file's row count is summary.rejected.
  const rows: Cell[][] = [['文件', '行号', '点位编号', '测评标准编号', '数量', '日期', '记录编号', '字段', '错误代码', '原因']];
  for (const row of rejected) {
    const fields = [...new Set(row.diagnostics.map((d) => d.field).filter(Boolean))];
    rows.push([
      row.source.file, row.source.line, row.fields.site, row.fields.item, row.fields.count, row.fields.date,
      row.fields.recordId, fields.join('; '), row.diagnostics.map((d) => d.code).join('; '),
      row.diagnostics.map((d) => messageOf(d, language)).join('; '),
    ]);
  }
  return toCsv(rows, { bom });
}
