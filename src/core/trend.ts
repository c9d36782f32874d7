// SPEC §7.2: units × periods of totals and ranks, and the talk (约谈) flag for units on the black list in
// each of the last K periods. Pure: period tables in, a trend out.

import { diagnostic, type Diagnostic } from './diagnostics.js';
import { orderByPeriod, type PeriodTable, type PeriodUnit } from './periods.js';
import { compareText } from './text.js';

export const TREND_SCHEMA = 'civscore/trend@1';
export const DEFAULT_STREAK = 3;

export interface TrendCell {
  total: number | null;
  rank: number | null;
  red: boolean;
  black: boolean;
  stars: number | null;
}

export interface TrendUnit {
  id: string;
  name: string;
  group: string;
  /** One per period, in period order; null when the unit is not in that period's file. */
  cells: (TrendCell | null)[];
  /** Consecutive periods on the black list, counted back from the last period. */
  blackStreak: number;
  /** On the black list in each of the last K periods (never with fewer than K periods). */
  talk: boolean;
}

export interface Trend {
  periods: string[];
  files: string[];
  streak: number;
  units: TrendUnit[];
  withStars: boolean;
}

export function buildTrend(tables: readonly PeriodTable[], streak: number = DEFAULT_STREAK): { trend?: Trend; diagnostics: Diagnostic[] } {
  const { ordered, diagnostics } = orderByPeriod(tables);
  if (diagnostics.length > 0) return { diagnostics };
  const periods = ordered.map((t) => t.period!);
  if (ordered.length < streak) {
    diagnostics.push(diagnostic('TREND_TOO_FEW_PERIODS', {}, { count: ordered.length, streak }, 'warning'));
  }

  // Each unit's name and group come from the latest period it appears in.
  const latest = new Map<string, PeriodUnit>();
  for (const table of ordered) for (const unit of table.units) latest.set(unit.id, unit);
  const lookups = ordered.map((t) => new Map(t.units.map((u) => [u.id, u])));

  // Groups in the order of the latest file, then groups only earlier files have (newest first).
  const groups: string[] = [];
  for (const table of [...ordered].reverse()) for (const unit of table.units) {
    const group = latest.get(unit.id)!.group;
    if (!groups.includes(group)) groups.push(group);
  }

  const last = lookups[lookups.length - 1];
  const units: TrendUnit[] = [...latest.values()].map((unit) => {
    const cells = lookups.map((lookup): TrendCell | null => {
      const u = lookup.get(unit.id);
      if (!u) return null;
      return {
        total: u.total,
        rank: u.rank,
        red: u.red,
        black: u.black,
        stars: typeof u.stars === 'number' ? u.stars : null,
      };
    });
    let blackStreak = 0;
    for (let i = cells.length - 1; i >= 0 && cells[i]?.black === true; i--) blackStreak++;
    return {
      id: unit.id,
      name: unit.name,
      group: unit.group,
      cells,
      blackStreak,
      talk: ordered.length >= streak && blackStreak >= streak,
    };
  });
  // Within a group: by rank in the last period, then units unranked or absent there, by id.
  const lastRank = (u: TrendUnit): number => last?.get(u.id)?.rank ?? Infinity;
  units.sort(
    (a, b) =>
      groups.indexOf(a.group) - groups.indexOf(b.group) ||
      (lastRank(a) === lastRank(b) ? 0 : lastRank(a) < lastRank(b) ? -1 : 1) ||
      compareText(a.id, b.id),
  );
  return {
    trend: {
      periods,
      files: ordered.map((t) => t.file),
      streak,
      units,
      withStars: units.some((u) => u.cells.some((c) => c?.stars !== null && c?.stars !== undefined)),
    },
    diagnostics,
  };
}

export interface TrendJson {
  schema: typeof TREND_SCHEMA;
  periods: string[];
  streak: number;
  units: {
    id: string;
    name: string;
    group: string;
    periods: { period: string; total: number | null; rank: number | null; red: boolean; black: boolean; stars?: number | null }[];
    black_streak: number;
    talk: boolean;
  }[];
}

export function trendJson(trend: Trend): TrendJson {
  return {
    schema: TREND_SCHEMA,
    periods: trend.periods,
    streak: trend.streak,
    units: trend.units.map((u) => ({
      id: u.id,
      name: u.name,
      group: u.group,
      periods: u.cells.map((cell, i) => ({
        period: trend.periods[i]!,
        total: cell?.total ?? null,
        rank: cell?.rank ?? null,
        red: cell?.red ?? false,
        black: cell?.black ?? false,
        ...(trend.withStars ? { stars: cell?.stars ?? null } : {}),
      })),
      black_streak: u.blackStreak,
      talk: u.talk,
    })),
  };
}
