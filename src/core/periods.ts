// What `trend` and `rollup` need from one period's file: its label and each unit's total, rank and lists.
// A results.json (civscore/results@1) and a rollup (civscore/rollup@1) both provide it, so a year can be
// rolled up from quarters and a trend drawn over quarters.

import { diagnostic, type Diagnostic } from './diagnostics.js';
import { compareText } from './text.js';

export interface PeriodUnit {
  id: string;
  name: string;
  group: string;
  total: number | null;
  rank: number | null;
  red: boolean;
  black: boolean;
  stars?: number | null;
}

export interface PeriodTable {
  /** The file as the user named it, for messages. */
  file: string;
  period: string | null;
  units: readonly PeriodUnit[];
}

/**
 * Orders period files by period (text order: `2026-09` < `2026-10` < `2026-Q4`). A file without a period
 * or two files with the same period are errors, reported together.
 */
export function orderByPeriod<T extends PeriodTable>(tables: readonly T[]): { ordered: T[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const seen = new Map<string, T>();
  for (const table of tables) {
    if (table.period === null || table.period === '') {
      diagnostics.push(diagnostic('PERIODS_NO_PERIOD', { file: table.file }, { file: table.file }));
      continue;
    }
    const first = seen.get(table.period);
    if (first) {
      diagnostics.push(
        diagnostic('PERIODS_DUPLICATE_PERIOD', { file: table.file }, { file: table.file, other: first.file, period: table.period }),
      );
      continue;
    }
    seen.set(table.period, table);
  }
  const ordered = [...seen.values()].sort((a, b) => compareText(a.period!, b.period!));
  return { ordered, diagnostics };
}
