// SPEC §7.1: compares two results.json files (any two periods). Pure: typed results in, typed diff out.
//
// Every change is computed exactly from the rounded 2-decimal values the files hold, so a change printed
// with 2 decimals is always exactly new − old as a person would subtract the printed numbers.

import { Rational } from './rational.js';
import type { ResultsFile, ResultsUnit } from './results.js';
import { compareText } from './text.js';

export const DIFF_SCHEMA = 'civscore/diff@1';

export type DiffStatus = 'both' | 'added' | 'removed';

export interface FindingCounts {
  new: number;
  resolved: number;
  persisting: number;
}

export interface ValueChange {
  old: Rational | null;
  new: Rational | null;
  /** new − old; null when either side is missing. */
  change: Rational | null;
}

export interface CategoryDiff extends ValueChange {
  id: string;
  name: string;
  oldSites: number | null;
  newSites: number | null;
  /** Findings at the NEW sites of this category (not part of the JSON schema; shown in tables). */
  findings: FindingCounts;
}

export interface UnitDiff extends ValueChange {
  id: string;
  name: string;
  group: string;
  /** Group in the OLD file when it differs from the NEW one (rank change is then null). */
  oldGroup: string | null;
  oldRank: number | null;
  newRank: number | null;
  /** old rank − new rank (positive = moved up); null unless ranked in both, in the same group. */
  rankChange: number | null;
  status: DiffStatus;
  oldStars: number | null;
  newStars: number | null;
  oldList: 'red' | 'black' | null;
  newList: 'red' | 'black' | null;
  /** null for a removed unit: the NEW file has nothing to count for it. */
  findings: FindingCounts | null;
}

export interface DiffResult {
  oldPeriod: string | null;
  newPeriod: string | null;
  index: ValueChange;
  categories: CategoryDiff[];
  /** Grouped: groups in NEW order (then OLD-only groups); within a group NEW order, then removed units. */
  units: UnitDiff[];
  findings: FindingCounts;
  /** Whether either file carries star ratings (§4.6). */
  withStars: boolean;
}

const exact = (value: number | null | undefined): Rational | null =>
  typeof value === 'number' && Number.isFinite(value) ? Rational.fromNumber(value) : null;

function change(oldValue: Rational | null, newValue: Rational | null): ValueChange {
  return {
    old: oldValue,
    new: newValue,
    change: oldValue !== null && newValue !== null ? newValue.sub(oldValue) : null,
  };
}

const zero = (): FindingCounts => ({ new: 0, resolved: 0, persisting: 0 });

const listOf = (unit: ResultsUnit | undefined): 'red' | 'black' | null =>
  unit === undefined ? null : unit.red ? 'red' : unit.black ? 'black' : null;

const starsOf = (unit: ResultsUnit | undefined): number | null =>
  typeof unit?.stars === 'number' ? unit.stars : null;

export function diffResults(oldFile: ResultsFile, newFile: ResultsFile): DiffResult {
  // Findings: compare sites by id and item codes. Every count goes to the NEW site's units.
  const oldSites = new Map(oldFile.sites.map((s) => [s.id, s]));
  const total = zero();
  const byUnit = new Map<string, FindingCounts>();
  const byCategory = new Map<string, FindingCounts>();
  const bump = (site: { units: string[]; category: string }, kind: keyof FindingCounts) => {
    total[kind]++;
    for (const unitId of new Set(site.units ?? [])) {
      const counts = byUnit.get(unitId) ?? zero();
      counts[kind]++;
      byUnit.set(unitId, counts);
    }
    const counts = byCategory.get(site.category) ?? zero();
    counts[kind]++;
    byCategory.set(site.category, counts);
  };
  for (const site of newFile.sites) {
    const now = new Set(site.findings);
    const before = new Set(oldSites.get(site.id)?.findings ?? []);
    for (const code of now) bump(site, before.has(code) ? 'persisting' : 'new');
    // Resolved: found before, not now, at a site inspected now.
    if (site.score !== null) for (const code of before) if (!now.has(code)) bump(site, 'resolved');
  }

  // Categories: NEW order, then categories only the OLD file has.
  const oldCategories = new Map((oldFile.categories ?? []).map((c) => [c.id, c]));
  const newCategories = new Map((newFile.categories ?? []).map((c) => [c.id, c]));
  const categoryIds = [...newCategories.keys(), ...[...oldCategories.keys()].filter((id) => !newCategories.has(id))];
  const categories = categoryIds.map((id): CategoryDiff => {
    const before = oldCategories.get(id);
    const now = newCategories.get(id);
    return {
      id,
      name: now?.name ?? before?.name ?? id,
      ...change(exact(before?.score), exact(now?.score)),
      oldSites: before ? before.sites : null,
      newSites: now ? now.sites : null,
      findings: byCategory.get(id) ?? zero(),
    };
  });

  // Units, matched by id.
  const oldUnits = new Map(oldFile.units.map((u) => [u.id, u]));
  const newUnits = new Map(newFile.units.map((u) => [u.id, u]));
  const groups: string[] = [];
  for (const unit of [...newFile.units, ...oldFile.units]) if (!groups.includes(unit.group)) groups.push(unit.group);
  const units: UnitDiff[] = [];
  for (const group of groups) {
    for (const now of newFile.units.filter((u) => u.group === group)) {
      const before = oldUnits.get(now.id);
      const sameGroup = before === undefined || before.group === now.group;
      units.push({
        id: now.id,
        name: now.name,
        group: now.group,
        oldGroup: sameGroup ? null : before!.group,
        ...change(exact(before?.total), exact(now.total)),
        oldRank: before?.rank ?? null,
        newRank: now.rank,
        rankChange: sameGroup && before?.rank != null && now.rank !== null ? before.rank - now.rank : null,
        status: before ? 'both' : 'added',
        oldStars: starsOf(before),
        newStars: starsOf(now),
        oldList: listOf(before),
        newList: listOf(now),
        findings: byUnit.get(now.id) ?? zero(),
      });
    }
    const removed = oldFile.units.filter((u) => u.group === group && !newUnits.has(u.id));
    for (const before of removed) {
      units.push({
        id: before.id,
        name: before.name,
        group: before.group,
        oldGroup: null,
        ...change(exact(before.total), null),
        oldRank: before.rank,
        newRank: null,
        rankChange: null,
        status: 'removed',
        oldStars: starsOf(before),
        newStars: null,
        oldList: listOf(before),
        newList: null,
        findings: null,
      });
    }
  }

  return {
    oldPeriod: oldFile.period ?? null,
    newPeriod: newFile.period ?? null,
    index: change(exact(oldFile.index), exact(newFile.index)),
    categories,
    units,
    findings: total,
    withStars: [...oldFile.units, ...newFile.units].some((u) => 'stars' in u),
  };
}

/** Whether OLD is later than NEW (both periods known): the user probably swapped the arguments. */
export function periodsReversed(diff: DiffResult): boolean {
  return diff.oldPeriod !== null && diff.newPeriod !== null && compareText(diff.oldPeriod, diff.newPeriod) > 0;
}

// ---- JSON (schema civscore/diff@1, exactly the fields SPEC §7.1 lists) ----

export interface DiffJson {
  schema: typeof DIFF_SCHEMA;
  old_period: string | null;
  new_period: string | null;
  index: { old: number | null; new: number | null; change: number | null };
  categories: { id: string; old: number | null; new: number | null; change: number | null }[];
  units: {
    id: string;
    name: string;
    group: string;
    old: number | null;
    new: number | null;
    change: number | null;
    old_rank: number | null;
    new_rank: number | null;
    rank_change: number | null;
    status: DiffStatus;
    findings: { new: number | null; resolved: number | null; persisting: number | null };
  }[];
  findings: FindingCounts;
}

const n2 = (value: Rational | null): number | null => (value === null ? null : value.toNumber2());

export function diffJson(diff: DiffResult): DiffJson {
  return {
    schema: DIFF_SCHEMA,
    old_period: diff.oldPeriod,
    new_period: diff.newPeriod,
    index: { old: n2(diff.index.old), new: n2(diff.index.new), change: n2(diff.index.change) },
    categories: diff.categories.map((c) => ({ id: c.id, old: n2(c.old), new: n2(c.new), change: n2(c.change) })),
    units: diff.units.map((u) => ({
      id: u.id,
      name: u.name,
      group: u.group,
      old: n2(u.old),
      new: n2(u.new),
      change: n2(u.change),
      old_rank: u.oldRank,
      new_rank: u.newRank,
      rank_change: u.rankChange,
      status: u.status,
      findings: u.findings
        ? { new: u.findings.new, resolved: u.findings.resolved, persisting: u.findings.persisting }
        : { new: null, resolved: null, persisting: null },
    })),
    findings: { new: diff.findings.new, resolved: diff.findings.resolved, persisting: diff.findings.persisting },
  };
}
