// SPEC §4: from aggregated findings to site, unit, category and city scores. Pure: no I/O, no clock.

import { diagnostic, type Diagnostic } from './diagnostics.js';
import { rankGroup } from './rank.js';
import { mean, Rational, weightedMean } from './rational.js';
import { compareNatural, compareText } from './text.js';
import type { AcceptedRecord, Category, Item, RuleSet, Site, Unit } from './types.js';

/** At most this many distinct inspectors, notes or photos are carried to one ledger entry. */
export const MAX_CARRIED_VALUES = 20;

/** All accepted findings of one (site, item), merged. Sources are kept as numbers, not strings. */
export interface FindingAggregate {
  site: string;
  item: string;
  n: number;
  /** Sources: file index and line of each record, in arrival order. */
  files: Int32Array;
  lines: Int32Array;
  size: number;
  /** record_id of each source where the file has one (index-aligned with files/lines). */
  recordIds: (string | undefined)[] | undefined;
  /** Distinct free-text values in text order, at most MAX_CARRIED_VALUES each. */
  inspectors: string[];
  notes: string[];
  photos: string[];
}

const findingKey = (site: string, item: string): string => `${site}\u0000${item}`;

/**
 * Keeps the distinct values in text order, at most MAX_CARRIED_VALUES (the first ones in that order), so
 * the ledger does not depend on the order rows arrive in.
 */
function carry(list: string[], value: string | undefined): void {
  if (value === undefined || value === '' || list.includes(value)) return;
  if (list.length >= MAX_CARRIED_VALUES && value > list[list.length - 1]!) return;
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (list[mid]! < value) low = mid + 1;
    else high = mid;
  }
  if (list[low] === value || low >= MAX_CARRIED_VALUES) return;
  list.splice(low, 0, value);
  if (list.length > MAX_CARRIED_VALUES) list.pop();
}

/**
 * Collects accepted records into per-(site, item) aggregates, keyed by index. Only aggregates are kept
 * (plus eight bytes per finding for its source), so memory grows with the findings, not with the text read.
 */
export class FindingCollector {
  readonly siteIndex = new Map<string, number>();
  readonly itemIndex = new Map<string, number>();
  readonly aggregates = new Map<number, FindingAggregate>();
  /** Display names of the files, by file index. */
  readonly files: string[] = [];
  private readonly fileIndexes = new Map<string, number>();
  private readonly visited: Uint8Array;
  private readonly siteIds: string[];
  private readonly itemCodes: string[];

  constructor(ruleSet: RuleSet) {
    this.siteIds = ruleSet.sites.map((s) => s.id);
    this.itemCodes = [...ruleSet.itemByCode.keys()];
    this.siteIds.forEach((id, i) => this.siteIndex.set(id, i));
    this.itemCodes.forEach((code, i) => this.itemIndex.set(code, i));
    this.visited = new Uint8Array(this.siteIds.length);
    // A dense slot per (site, item) when that is small enough: faster than hashing on every record.
    const cells = this.siteIds.length * this.itemCodes.length;
    if (cells <= 4_000_000) this.slots = new Array<FindingAggregate | undefined>(cells).fill(undefined);
  }

  private readonly slots: (FindingAggregate | undefined)[] | undefined;

  fileIndex(display: string): number {
    let index = this.fileIndexes.get(display);
    if (index === undefined) {
      index = this.files.length;
      this.files.push(display);
      this.fileIndexes.set(display, index);
    }
    return index;
  }

  isVisited(siteId: string): boolean {
    const index = this.siteIndex.get(siteId);
    return index !== undefined && this.visited[index] === 1;
  }

  visit(site: number): void {
    this.visited[site] = 1;
  }

  addFinding(
    site: number, item: number, count: number, file: number, line: number, recordId?: string,
    inspector?: string, note?: string, photo?: string,
  ): void {
    this.visited[site] = 1;
    const key = site * this.itemCodes.length + item;
    let aggregate = this.slots ? this.slots[key] : this.aggregates.get(key);
    if (!aggregate) {
      aggregate = {
        site: this.siteIds[site]!, item: this.itemCodes[item]!, n: 0,
        files: new Int32Array(4), lines: new Int32Array(4), size: 0, recordIds: undefined, inspectors: [], notes: [], photos: [],
      };
      this.aggregates.set(key, aggregate);
      if (this.slots) this.slots[key] = aggregate;
    }
    aggregate.n += count;
    if (aggregate.size === aggregate.lines.length) {
      const files = new Int32Array(aggregate.size * 2);
      files.set(aggregate.files);
      aggregate.files = files;
      const lines = new Int32Array(aggregate.size * 2);
      lines.set(aggregate.lines);
      aggregate.lines = lines;
    }
    aggregate.files[aggregate.size] = file;
    aggregate.lines[aggregate.size] = line;
    if (recordId !== undefined) {
      aggregate.recordIds ??= new Array<string | undefined>(aggregate.size);
      aggregate.recordIds[aggregate.size] = recordId;
    } else if (aggregate.recordIds) {
      aggregate.recordIds[aggregate.size] = undefined;
    }
    aggregate.size++;
    if (inspector !== undefined) carry(aggregate.inspectors, inspector);
    if (note !== undefined) carry(aggregate.notes, note);
    if (photo !== undefined) carry(aggregate.photos, photo);
  }

  /** Adds a record given by ids (the general path and tests). */
  add(record: AcceptedRecord): void {
    const site = this.siteIndex.get(record.site);
    if (site === undefined) throw new Error(`unknown site ${record.site}`);
    if (record.item === undefined) {
      this.visit(site);
      return;
    }
    const item = this.itemIndex.get(record.item);
    if (item === undefined) throw new Error(`unknown item ${record.item}`);
    this.addFinding(
      site, item, record.count, this.fileIndex(record.source.file), record.source.line, record.source.recordId,
      record.inspector, record.note, record.photo,
    );
  }

  /** The sources of an aggregate as the ledger lists them: natural order of `record_id` or `FILE:LINE`. */
  sourceLabels(aggregate: FindingAggregate): string[] {
    if (aggregate.recordIds) {
      const labels: string[] = [];
      for (let i = 0; i < aggregate.size; i++) {
        labels.push(aggregate.recordIds[i] ?? `${this.files[aggregate.files[i]!]}:${aggregate.lines[i]}`);
      }
      return labels.sort(compareNatural);
    }
    // FILE:LINE labels sort naturally exactly when (file in natural order, line) sorts numerically; the
    // reader delivers them that way already, so usually there is nothing to sort.
    const rank = this.fileRanks();
    const order = Array.from({ length: aggregate.size }, (_, i) => i);
    const key = (i: number) => rank[aggregate.files[i]!]! * 2 ** 31 + aggregate.lines[i]!;
    let sorted = true;
    for (let i = 1; i < order.length && sorted; i++) if (key(i - 1) > key(i)) sorted = false;
    if (!sorted) order.sort((a, b) => key(a) - key(b));
    return order.map((i) => `${this.files[aggregate.files[i]!]}:${aggregate.lines[i]}`);
  }

  private ranks: Int32Array | undefined;

  private fileRanks(): Int32Array {
    if (this.ranks?.length !== this.files.length) {
      const byName = this.files.map((name, index) => ({ name, index })).sort((a, b) => compareNatural(a.name, b.name));
      this.ranks = new Int32Array(this.files.length);
      byName.forEach((entry, rank) => (this.ranks![entry.index] = rank));
    }
    return this.ranks;
  }
}

/** What `--previous` contributes: last period's findings (for repeats) and its totals and ranks. */
export interface PreviousPeriod {
  findings: ReadonlySet<string>;
  units: ReadonlyMap<string, { total: Rational | null; rank: number | null }>;
}

export function previousFindingKey(site: string, item: string): string {
  return findingKey(site, item);
}

export interface LedgerEntry {
  site: Site;
  unit: Unit;
  category: Category;
  item: Item;
  n: number;
  points: Rational;
  multiplier: Rational;
  raw: Rational;
  applied: Rational;
  veto: boolean;
  repeat: boolean;
  sourceCount: number;
  /** The sources, sorted naturally: `FILE:LINE`, or the record_id where present. Built on demand. */
  sourceLabels: () => string[];
  inspectors: string[];
  notes: string[];
  photos: string[];
}

export interface SiteScore {
  site: Site;
  inspected: boolean;
  score: Rational | null;
  /** E(s) = F − score(s). */
  deduction: Rational | null;
  /** D(s) = Σ applied, before the veto and the floor at zero. */
  applied: Rational | null;
  veto: boolean;
  findings: string[];
  /** Every unit this site counts for (§4.3), sorted. */
  units: string[];
}

export interface UnitScore {
  unit: Unit;
  sites: number;
  field: Rational | null;
  components: Map<string, Rational>;
  total: Rational | null;
  rank: number | null;
  grade: string | null;
  red: boolean;
  black: boolean;
  deduction: Rational | null;
  /** Category id → mean site score, in rule-set category order. */
  categories: Map<string, Rational>;
  stars: number | null;
  scoreChange: Rational | null;
  rankChange: number | null;
}

export interface CategoryScore {
  category: Category;
  score: Rational | null;
  sites: number;
}

export interface ItemStat {
  item: Item;
  findings: number;
  sites: number;
  applied: Rational;
}

export interface ScoreInput {
  ruleSet: RuleSet;
  collector: FindingCollector;
  previous?: PreviousPeriod;
  /** unit id → component id → score, from `--components`. */
  components?: ReadonlyMap<string, ReadonlyMap<string, Rational>>;
}

export interface ScoreOutput {
  index: Rational | null;
  sites: SiteScore[];
  /** Sorted as results.json lists them: group order, rank, id; unranked last in their group. */
  units: UnitScore[];
  categories: CategoryScore[];
  items: ItemStat[];
  /** Sorted by site id, then item code. */
  ledger: LedgerEntry[];
  diagnostics: Diagnostic[];
}

/** The ids of a unit and all its ancestors. */
export function unitWithAncestors(ruleSet: RuleSet, unitId: string): string[] {
  const chain: string[] = [];
  const seen = new Set<string>();
  let current: string | undefined = unitId;
  while (current !== undefined && !seen.has(current)) {
    chain.push(current);
    seen.add(current);
    current = ruleSet.unitById.get(current)?.parent;
  }
  return chain;
}

/** A site's lead unit: its own `lead`, else its category's, else none (§4.3). */
export function leadOf(ruleSet: RuleSet, site: Site): string | undefined {
  return site.lead ?? ruleSet.categoryById.get(site.category)?.lead;
}

export function siteUnits(ruleSet: RuleSet, site: Site): string[] {
  const units = new Set(unitWithAncestors(ruleSet, site.unit));
  const lead = leadOf(ruleSet, site);
  if (lead !== undefined) for (const id of unitWithAncestors(ruleSet, lead)) units.add(id);
  return [...units].sort(compareText);
}

export function score(input: ScoreInput): ScoreOutput {
  const { ruleSet, collector, previous } = input;
  const F = ruleSet.fullScore;
  const options = ruleSet.scoring;
  const diagnostics: Diagnostic[] = [];

  const findingsBySite = new Map<string, FindingAggregate[]>();
  for (const aggregate of collector.aggregates.values()) {
    const list = findingsBySite.get(aggregate.site);
    if (list) list.push(aggregate);
    else findingsBySite.set(aggregate.site, [aggregate]);
  }

  const ledger: LedgerEntry[] = [];
  const sites: SiteScore[] = [];
  const itemStats = new Map<string, ItemStat>();
  for (const site of [...ruleSet.sites].sort((a, b) => compareText(a.id, b.id))) {
    const inspected = options.coverage === 'all' || collector.isVisited(site.id);
    const units = siteUnits(ruleSet, site);
    if (!inspected) {
      sites.push({ site, inspected, score: null, deduction: null, applied: null, veto: false, findings: [], units });
      continue;
    }
    const aggregates = (findingsBySite.get(site.id) ?? []).sort((a, b) => compareText(a.item, b.item));
    let applied = Rational.ZERO;
    let veto = false;
    for (const aggregate of aggregates) {
      const item = ruleSet.itemByCode.get(aggregate.item)!;
      const repeat = previous?.findings.has(findingKey(site.id, item.code)) ?? false;
      const multiplier = repeat ? options.repeatMultiplier : Rational.ONE;
      const raw = item.points.mul(Rational.of(aggregate.n)).mul(multiplier);
      const entryApplied = item.cap !== undefined ? Rational.min(raw, item.cap) : raw;
      applied = applied.add(entryApplied);
      veto ||= item.veto;
      ledger.push({
        site,
        unit: ruleSet.unitById.get(site.unit)!,
        category: ruleSet.categoryById.get(site.category)!,
        item,
        n: aggregate.n,
        points: item.points,
        multiplier,
        raw,
        applied: entryApplied,
        veto: item.veto,
        repeat: multiplier.cmp(Rational.ONE) > 0,
        sourceCount: aggregate.size,
        sourceLabels: () => collector.sourceLabels(aggregate),
        inspectors: aggregate.inspectors,
        notes: aggregate.notes,
        photos: aggregate.photos,
      });
      const stat = itemStats.get(item.code) ?? { item, findings: 0, sites: 0, applied: Rational.ZERO };
      stat.findings += aggregate.n;
      stat.sites += 1;
      stat.applied = stat.applied.add(entryApplied);
      itemStats.set(item.code, stat);
    }
    const siteScore = veto ? Rational.ZERO : Rational.max(Rational.ZERO, F.sub(applied));
    sites.push({
      site,
      inspected,
      score: siteScore,
      deduction: F.sub(siteScore),
      applied,
      veto,
      findings: aggregates.map((a) => a.item),
      units,
    });
  }

  // City category scores and the index.
  const inspectedByCategory = new Map<string, SiteScore[]>();
  for (const siteScore of sites) {
    if (!siteScore.inspected) continue;
    const list = inspectedByCategory.get(siteScore.site.category) ?? [];
    list.push(siteScore);
    inspectedByCategory.set(siteScore.site.category, list);
  }
  const categories: CategoryScore[] = ruleSet.categories.map((category) => {
    const list = inspectedByCategory.get(category.id) ?? [];
    return { category, score: mean(list.map((s) => s.score!)) ?? null, sites: list.length };
  });
  const index =
    weightedMean(categories.filter((c) => c.score !== null).map((c) => [c.category.weight, c.score!] as const)) ?? null;

  // Units: each site counts once for every unit in its `units`.
  const sitesByUnit = new Map<string, SiteScore[]>();
  for (const siteScore of sites) {
    if (!siteScore.inspected) continue;
    for (const unitId of siteScore.units) {
      const list = sitesByUnit.get(unitId) ?? [];
      list.push(siteScore);
      sitesByUnit.set(unitId, list);
    }
  }

  const componentIds = (options.components ?? []).filter((c) => c.id !== 'field');
  const unitScores = new Map<string, UnitScore>();
  for (const unit of ruleSet.units) {
    const unitSites = sitesByUnit.get(unit.id) ?? [];
    const categoryScores = new Map<string, Rational>();
    for (const category of ruleSet.categories) {
      const inCategory = unitSites.filter((s) => s.site.category === category.id).map((s) => s.score!);
      const value = mean(inCategory);
      if (value !== undefined) categoryScores.set(category.id, value);
    }
    let field: Rational | null = null;
    let deduction: Rational | null = null;
    if (unitSites.length > 0) {
      deduction = Rational.sum(unitSites.map((s) => s.deduction!));
      field =
        options.unitScore === 'deduction_total'
          ? Rational.max(Rational.ZERO, F.sub(deduction))
          : weightedMean(
              [...categoryScores].map(([id, value]) => [ruleSet.categoryById.get(id)!.weight, value] as const),
            )!;
    }
    const given = input.components?.get(unit.id);
    const components = new Map<string, Rational>();
    for (const component of componentIds) {
      const value = given?.get(component.id);
      if (value !== undefined) components.set(component.id, value);
    }
    // Without a components file the total is the field score alone (the pipeline warns about it).
    let total: Rational | null = field;
    if (field !== null && options.components && input.components) {
      const missing = componentIds.filter((c) => !components.has(c.id));
      for (const component of missing) {
        diagnostics.push(
          diagnostic('COMP_MISSING', {}, { unit: unit.id, name: unit.name, component: component.id }),
        );
      }
      total = missing.length
        ? null
        : weightedMean(
            options.components.map((c) => [c.weight, c.id === 'field' ? field! : components.get(c.id)!] as const),
          )!;
    }
    let stars: number | null = null;
    if (options.stars && field !== null) {
      const threshold = options.stars.min;
      stars = [...categoryScores.values()].filter((v) => v.round(2).cmp(threshold) >= 0).length;
    }
    unitScores.set(unit.id, {
      unit,
      sites: unitSites.length,
      field,
      components,
      total,
      rank: null,
      grade: null,
      red: false,
      black: false,
      deduction,
      categories: categoryScores,
      stars,
      scoreChange: null,
      rankChange: null,
    });
  }

  // Ranking within groups, in the order groups first appear in the rule set.
  const groups: string[] = [];
  for (const unit of ruleSet.units) if (!groups.includes(unit.group)) groups.push(unit.group);
  const ordered: UnitScore[] = [];
  for (const group of groups) {
    const members = ruleSet.units.filter((u) => u.group === group).map((u) => unitScores.get(u.id)!);
    const ranked = members.filter((m) => m.total !== null);
    const outcomes = rankGroup(
      ranked.map((m) => ({ id: m.unit.id, total: m.total! })),
      { redList: options.redList, blackList: options.blackList, grades: options.grades },
    );
    for (const outcome of outcomes) {
      const member = unitScores.get(outcome.id)!;
      member.rank = outcome.rank;
      member.grade = outcome.grade;
      member.red = outcome.red;
      member.black = outcome.black;
      ordered.push(member);
    }
    ordered.push(
      ...members.filter((m) => m.total === null).sort((a, b) => compareText(a.unit.id, b.unit.id)),
    );
  }

  if (previous) {
    for (const member of ordered) {
      const before = previous.units.get(member.unit.id);
      member.scoreChange =
        member.total !== null && before?.total != null ? member.total.round(2).sub(before.total) : null;
      member.rankChange = member.rank !== null && before?.rank != null ? before.rank - member.rank : null;
    }
  }

  const items = [...itemStats.values()].sort(
    (a, b) => b.applied.cmp(a.applied) || compareText(a.item.code, b.item.code),
  );

  return { index, sites, units: ordered, categories, items, ledger, diagnostics };
}
