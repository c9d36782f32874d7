// The inspection plan `sample` writes: a CSV for inspectors (UTF-8 BOM, CRLF, Chinese headers), grouped by
// unit, then category, then site id.

import type { SamplePlan } from '../core/sample.js';
import type { RuleSet } from '../core/types.js';
import { toCsv, type Cell } from './csv.js';

export const SAMPLE_HEADER = [
  '单位编号', '单位', '测评项目编号', '测评项目', '点位编号', '点位', '地址', '牵头单位', '测评期', '抽取数', '可选点位数', '随机种子',
] as const;

export function sampleCsv(ruleSet: RuleSet, plan: SamplePlan, period: string | null, bom = true): string {
  const rows: Cell[][] = [[...SAMPLE_HEADER]];
  for (const entry of plan.rows) {
    const leadId = entry.site.lead ?? entry.category.lead;
    const lead = leadId === undefined ? '' : `${ruleSet.unitById.get(leadId)?.name ?? leadId}`;
    rows.push([
      entry.unit.id, entry.unit.name, entry.category.id, entry.category.name, entry.site.id, entry.site.name,
      entry.site.address ?? '', lead, period ?? '', entry.drawn, entry.available, plan.seed,
    ]);
  }
  return toCsv(rows, { bom });
}
