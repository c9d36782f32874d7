// Reads the `--components` file (SPEC §4.4): unit_id/单位编号, component/项目, score/得分.

import { diagnostic, type Diagnostic } from '../core/diagnostics.js';
import { Rational } from '../core/rational.js';
import { cleanCell, normaliseHeader } from '../core/records.js';
import type { RuleSet } from '../core/types.js';
import { componentIdFor } from '../report/labels.js';
import { readCsvFile, type CsvFileReport, type CsvReadOptions } from './records.js';

const HEADERS = {
  unit: ['unit_id', '单位编号'],
  component: ['component', '项目'],
  score: ['score', '得分'],
} as const;

export interface ComponentScores {
  scores: Map<string, Map<string, Rational>>;
  diagnostics: Diagnostic[];
  input?: CsvFileReport;
}

export async function readComponents(file: string, ruleSet: RuleSet, options: CsvReadOptions): Promise<ComponentScores> {
  const diagnostics: Diagnostic[] = [];
  const scores = new Map<string, Map<string, Rational>>();
  const configured = (ruleSet.scoring.components ?? []).map((c) => c.id);
  const firstSeen = new Map<string, string>();
  let columns: Record<keyof typeof HEADERS, number> | undefined;
  const input = await readCsvFile(
    file,
    options,
    (row, display) => {
      const found: Partial<Record<keyof typeof HEADERS, number>> = {};
      row.fields.forEach((raw, index) => {
        const name = normaliseHeader(raw);
        for (const [key, names] of Object.entries(HEADERS) as [keyof typeof HEADERS, readonly string[]][]) {
          if (names.includes(name) && found[key] === undefined) found[key] = index;
        }
      });
      for (const key of Object.keys(HEADERS) as (keyof typeof HEADERS)[]) {
        if (found[key] === undefined) {
          diagnostics.push(diagnostic('REC_MISSING_COLUMN', { file: display, line: row.line, col: 1 }, {
            column: HEADERS[key][0], columnZh: HEADERS[key][1], accepted: HEADERS[key].join(' / '),
          }));
        }
      }
      if (found.unit === undefined || found.component === undefined || found.score === undefined) return false;
      columns = found as Record<keyof typeof HEADERS, number>;
      return true;
    },
    (row, display) => {
      const c = columns!;
      const unit = cleanCell(row.fields[c.unit]);
      const componentText = cleanCell(row.fields[c.component]);
      const scoreText = cleanCell(row.fields[c.score]);
      const at = (key: keyof typeof HEADERS) => ({ file: display, line: row.line, col: c[key] + 1, field: HEADERS[key][0] });
      let ok = true;
      if (!ruleSet.unitById.has(unit)) {
        diagnostics.push(diagnostic('COMP_UNKNOWN_UNIT', at('unit'), { unit }));
        ok = false;
      }
      const component = componentIdFor(componentText, configured);
      if (component === 'field') {
        diagnostics.push(diagnostic('COMP_FIELD_GIVEN', at('component')));
        ok = false;
      } else if (component === undefined) {
        diagnostics.push(diagnostic('COMP_UNKNOWN_COMPONENT', at('component'), {
          component: componentText, allowed: configured.filter((id) => id !== 'field').join(', '),
        }));
        ok = false;
      }
      const value = Rational.parseDecimal(scoreText);
      if (value === undefined || value.cmp(Rational.ZERO) < 0 || value.cmp(ruleSet.fullScore) > 0) {
        diagnostics.push(diagnostic('COMP_BAD_SCORE', at('score'), { value: scoreText, full: ruleSet.fullScore.toExactString() }));
        ok = false;
      }
      if (!ok) return;
      const key = `${unit}\u0000${component}`;
      const first = firstSeen.get(key);
      if (first !== undefined) {
        diagnostics.push(diagnostic('COMP_DUPLICATE', at('unit'), { unit, component: component!, first }));
        return;
      }
      firstSeen.set(key, `${display}:${row.line}`);
      const perUnit = scores.get(unit) ?? new Map<string, Rational>();
      perUnit.set(component!, value!);
      scores.set(unit, perUnit);
    },
  );
  diagnostics.push(...input.diagnostics);
  return { scores, diagnostics, input };
}
