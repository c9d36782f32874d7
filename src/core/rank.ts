import { Rational } from './rational.js';
import { compareText } from './text.js';
import type { Grade } from './types.js';

export interface RankInput {
  id: string;
  /** The exact total; ranking uses it rounded to 2 decimals (SPEC §4.6). */
  total: Rational;
}

export interface RankOutcome {
  id: string;
  rank: number;
  grade: string | null;
  red: boolean;
  black: boolean;
}

export interface RankOptions {
  redList: number;
  blackList: number;
  /** Highest `min` first. */
  grades: readonly Grade[];
}

/** Grade = the first grade, highest `min` first, whose `min` is at most the rounded total. */
export function gradeOf(roundedTotal: Rational, grades: readonly Grade[]): string | null {
  for (const grade of grades) if (grade.min.cmp(roundedTotal) <= 0) return grade.name;
  return null;
}

/**
 * Ranks one group: highest rounded total first, equal rounded totals share a rank and the next rank
 * skips (1, 2, 2, 4), ties listed by id. Red list: rank ≤ redList. Black list: the blackList lowest-ranked
 * units plus every unit tied with the last one taken, minus the red list.
 */
export function rankGroup(entries: readonly RankInput[], options: RankOptions): RankOutcome[] {
  const rows = entries.map((entry) => ({ id: entry.id, cents: entry.total.roundScaled(2) }));
  rows.sort((a, b) => (a.cents === b.cents ? compareText(a.id, b.id) : a.cents > b.cents ? -1 : 1));
  const ranks: number[] = [];
  rows.forEach((row, index) => {
    ranks.push(index > 0 && rows[index - 1]!.cents === row.cents ? ranks[index - 1]! : index + 1);
  });
  let blackFromRank = Infinity;
  if (options.blackList > 0 && rows.length > 0) {
    const lastTaken = Math.max(0, rows.length - options.blackList);
    blackFromRank = ranks[lastTaken]!;
  }
  return rows.map((row, index) => {
    const rank = ranks[index]!;
    const red = rank <= options.redList;
    return {
      id: row.id,
      rank,
      grade: gradeOf(Rational.of(row.cents, 100n), options.grades),
      red,
      black: !red && rank >= blackFromRank,
    };
  });
}
