// SPEC §4: from aggregated findings to site, unit, category and city scores. Pure: no I/O, no clock.

import { diagnostic, type Diagnostic } from './diagnostics.js';
import { rankGroup } from './rank.js';
import { mean, Rational, weightedMean } from './rational.js';
import { compareNatural, compareText } from './text.js';
import type { AcceptedRecord, Category, Item, RuleSet, Site, Unit } from './types.js';

/** At most this many distinct inspectors, notes or photos are carried to one ledger entry. */
export const MAX_CARRIED_VALUES = 20;

/** All accepted findings of one (site, item), merged. */
export interface FindingAggregate {
  /** Position in the collector. */
  index: number;
  site: string;
  item: string;
  n: number;
  /** Number of records (sources). */
  size: number;
  /** Distinct free-text values in text order, at most MAX_CARRIED_VALUES each. */
  inspectors: string[];
  notes: string[];
  photos: string[];
}

/** A collector's content in a form that crosses a worker boundary. */
export interface CollectedPart {
  visited: Uint8Array;
  aggregates: { site: string; item: string; n: number; lines: Int32Array; inspectors: string[]; notes: string[]; photos: string[] }[];
}

const findingKey = (site: string, item: string): string => `${site}\u0000${item}`;

/** Inserts a value into a sorted list of at most MAX_CARRIED_VALUES (the first ones in text order). */
function carry(list: string[], value: string): void {
  if (list.includes(value)) return;
  if (list.length >= MAX_CARRIED_VALUES && value > list[list.length - 1]!) return;
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (list[mid]! < value) low = mid + 1;
    else high = mid;
  }
  list.splice(low, 0, value);
  if (list.length > MAX_CARRIED_VALUES) list.pop();
}

/** Sources per block (a power of two) and blocks per slab (1 MiB of Int32 pairs). */
const BLOCK_PAIRS = 64;
const SLAB_BLOCKS_SHIFT = 11;
const SLAB_BLOCKS = 1 << SLAB_BLOCKS_SHIFT;

/**
 * Collects accepted records into per-(site, item) aggregates. Each finding costs eight bytes in one log
 * (aggregate, line; files are runs), so memory grows with the findings, not with the text read, and the hot
 * path does no allocation.
 */
export class FindingCollector {
  readonly siteIndex = new Map<string, number>();
  readonly itemIndex = new Map<string, number>();
  /** Display names of the files, by file index. */
  readonly files: string[] = [];
  private readonly fileIndexes = new Map<string, number>();
  private readonly visited: Uint8Array;
  private readonly siteIds: string[];
  private readonly itemCodes: string[];
  private readonly itemCount: number;
  /** (site, item) cell → aggregate + 1 (0 = none), dense when small enough, else a map. */
  private readonly cellDense: Int32Array | undefined;
  private readonly cellMap = new Map<number, number>();
  private readonly list: FindingAggregate[] = [];
  /**
   * Sources as (file, line) pairs, kept per aggregate in chains of fixed blocks cut from shared slabs:
   * eight bytes a finding, no copying as they grow, and each aggregate's sources already together.
   */
  private readonly slabs: Int32Array[] = [];
  private blocksUsed = 0;
  private readonly chains: number[][] = [];
  /** record_id per source, per aggregate, only once some record has one. */
  private recordIds: (string | undefined)[][] | undefined;
  /** Text ids already carried, per aggregate and kind. */
  private readonly seen: number[][][] = [];
  private readonly textIds = new Map<string, number>();
  private readonly texts: string[] = [];

  constructor(ruleSet: RuleSet) {
    this.siteIds = ruleSet.sites.map((s) => s.id);
    this.itemCodes = [...ruleSet.itemByCode.keys()];
    this.itemCount = this.itemCodes.length;
    this.siteIds.forEach((id, i) => this.siteIndex.set(id, i));
    this.itemCodes.forEach((code, i) => this.itemIndex.set(code, i));
    this.visited = new Uint8Array(this.siteIds.length);
    const cells = this.siteIds.length * this.itemCount;
    if (cells <= 8_000_000) this.cellDense = new Int32Array(cells);
  }

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

  /** The aggregates, in the order they were first found. */
  get aggregates(): readonly FindingAggregate[] {
    return this.list;
  }

  /** A number for a free-text value (inspector, note, photo), so the hot path compares numbers. */
  textId(value: string): number {
    let id = this.textIds.get(value);
    if (id === undefined) {
      id = this.texts.length;
      this.texts.push(value);
      this.textIds.set(value, id);
    }
    return id;
  }

  /** Records one finding; `inspector`, `note`, `photo` are text ids (see textId), −1 when empty. */
  addFinding(
    site: number, item: number, count: number, file: number, line: number, recordId?: string,
    inspector = -1, note = -1, photo = -1,
  ): void {
    this.visited[site] = 1;
    const cell = site * this.itemCount + item;
    let slot = this.cellDense ? this.cellDense[cell]! - 1 : (this.cellMap.get(cell) ?? -1);
    if (slot < 0) {
      slot = this.list.length;
      this.list.push({
        index: slot, site: this.siteIds[site]!, item: this.itemCodes[item]!, n: 0, size: 0,
        inspectors: [], notes: [], photos: [],
      });
      this.seen.push([[], [], []]);
      this.chains.push([]);
      if (this.cellDense) this.cellDense[cell] = slot + 1;
      else this.cellMap.set(cell, slot);
    }
    const aggregate = this.list[slot]!;
    aggregate.n += count;
    const within = aggregate.size & (BLOCK_PAIRS - 1);
    if (within === 0) this.chains[slot]!.push(this.newBlock());
    const chain = this.chains[slot]!;
    const block = chain[chain.length - 1]!;
    const slab = this.slabs[block >>> SLAB_BLOCKS_SHIFT]!;
    const at = ((block & (SLAB_BLOCKS - 1)) * BLOCK_PAIRS + within) * 2;
    slab[at] = file;
    slab[at + 1] = line;
    if (recordId !== undefined && !this.recordIds) this.recordIds = this.list.map((a) => new Array<string | undefined>(a.size).fill(undefined));
    if (this.recordIds) {
      while (this.recordIds.length <= slot) this.recordIds.push([]);
      this.recordIds[slot]!.push(recordId);
    }
    aggregate.size++;
    if (inspector >= 0) this.carry(slot, 0, aggregate.inspectors, inspector);
    if (note >= 0) this.carry(slot, 1, aggregate.notes, note);
    if (photo >= 0) this.carry(slot, 2, aggregate.photos, photo);
  }

  private carry(slot: number, kind: number, list: string[], id: number): void {
    const seen = this.seen[slot]![kind]!;
    if (seen.includes(id)) return;
    // Past a few hundred distinct values the list is long settled; stop remembering more ids.
    if (seen.length < 512) seen.push(id);
    carry(list, this.texts[id]!);
  }

  /** What a worker that read part of a file hands back: visited sites and aggregates with their lines. */
  exportPart(): CollectedPart {
    return {
      visited: this.visited,
      aggregates: this.list.map((aggregate) => ({
        site: aggregate.site, item: aggregate.item, n: aggregate.n, lines: this.pairsOf(aggregate).lines,
        inspectors: aggregate.inspectors, notes: aggregate.notes, photos: aggregate.photos,
      })),
    };
  }

  /** Adds a part read elsewhere (all of it from one file), its lines shifted by `lineOffset`. */
  importPart(part: CollectedPart, file: number, lineOffset: number): void {
    part.visited.forEach((flag, site) => {
      if (flag) this.visited[site] = 1;
    });
    for (const aggregate of part.aggregates) {
      const site = this.siteIndex.get(aggregate.site)!;
      const item = this.itemIndex.get(aggregate.item)!;
      for (const line of aggregate.lines) this.addFinding(site, item, 0, file, line + lineOffset);
      const slot = this.cellDense ? this.cellDense[site * this.itemCount + item]! - 1 : this.cellMap.get(site * this.itemCount + item)!;
      const own = this.list[slot]!;
      own.n += aggregate.n;
      aggregate.inspectors.forEach((text) => this.carry(slot, 0, own.inspectors, this.textId(text)));
      aggregate.notes.forEach((text) => this.carry(slot, 1, own.notes, this.textId(text)));
      aggregate.photos.forEach((text) => this.carry(slot, 2, own.photos, this.textId(text)));
    }
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
    const id = (text: string | undefined) => (text === undefined || text === '' ? -1 : this.textId(text));
    this.addFinding(
      site, item, record.count, this.fileIndex(record.source.file), record.source.line, record.source.recordId,
      id(record.inspector), id(record.note), id(record.photo),
    );
  }

  private newBlock(): number {
    const block = this.blocksUsed++;
    if (block >>> SLAB_BLOCKS_SHIFT >= this.slabs.length) this.slabs.push(new Int32Array(SLAB_BLOCKS * BLOCK_PAIRS * 2));
    return block;
  }

  /** An aggregate's sources as (file, line) pairs in arrival order. */
  private pairsOf(aggregate: FindingAggregate): { files: Int32Array; lines: Int32Array } {
    const files = new Int32Array(aggregate.size);
    const lines = new Int32Array(aggregate.size);
    const chain = this.chains[aggregate.index]!;
    for (let i = 0; i < aggregate.size; i++) {
      const block = chain[Math.floor(i / BLOCK_PAIRS)]!;
      const at = ((block & (SLAB_BLOCKS - 1)) * BLOCK_PAIRS + (i & (BLOCK_PAIRS - 1))) * 2;
      const slab = this.slabs[block >>> SLAB_BLOCKS_SHIFT]!;
      files[i] = slab[at]!;
      lines[i] = slab[at + 1]!;
    }
    return { files, lines };
  }

  /** An aggregate's sources as (file, line) pairs in ledger order, when none has a record_id. */
  private sourcePairs(aggregate: FindingAggregate): { files: Int32Array; lines: Int32Array } | undefined {
    if (this.recordIds) return undefined;
    let { files, lines } = this.pairsOf(aggregate);
    // FILE:LINE labels sort naturally exactly when (file in natural order, line) sorts numerically; the
    // reader delivers them that way already, so usually there is nothing to sort.
    const rank = this.fileRanks();
    let sorted = true;
    for (let i = 1; i < files.length && sorted; i++) {
      const a = rank[files[i - 1]!]!;
      const b = rank[files[i]!]!;
      if (a > b || (a === b && lines[i - 1]! > lines[i]!)) sorted = false;
    }
    if (!sorted) {
      const indexes = Array.from({ length: files.length }, (_, i) => i);
      const key = (i: number) => rank[files[i]!]! * 2 ** 31 + lines[i]!;
      indexes.sort((a, b) => key(a) - key(b));
      const f = files;
      const l = lines;
      files = Int32Array.from(indexes, (i) => f[i]!);
      lines = Int32Array.from(indexes, (i) => l[i]!);
    }
    return { files, lines };
  }

  /** The sources of an aggregate as the ledger lists them: natural order of `record_id` or `FILE:LINE`. */
  sourceLabels(aggregate: FindingAggregate): string[] {
    const pairs = this.sourcePairs(aggregate);
    if (pairs) return Array.from(pairs.files, (file, i) => `${this.files[file]}:${pairs.lines[i]}`);
    const { files, lines } = this.pairsOf(aggregate);
    const ids = this.recordIds![aggregate.index] ?? [];
    return Array.from(files, (file, i) => ids[i] ?? `${this.files[file]}:${lines[i]}`).sort(compareNatural);
  }

  /**
   * The sources joined with `separator`, as UTF-8 bytes, built without a string per source (a month of
   * millions of records lists every one of them). Undefined when record ids make the string path necessary.
   * The bytes are valid until the next call.
   */
  sourceBytes(aggregate: FindingAggregate, separator: string): Uint8Array | undefined {
    const pairs = this.sourcePairs(aggregate);
    if (!pairs) return undefined;
    if (this.nameBytes.length !== this.files.length) this.nameBytes = this.files.map((name) => Buffer.from(`${name}:`, 'utf8'));
    const names = this.nameBytes;
    const sep = Buffer.from(separator, 'utf8');
    let size = 0;
    for (let i = 0; i < pairs.files.length; i++) size += names[pairs.files[i]!]!.length + 10 + sep.length;
    // One buffer reused from call to call: the result is valid until the next call.
    if (this.bytesScratch.length < size) this.bytesScratch = Buffer.allocUnsafe(Math.max(size, this.bytesScratch.length * 2));
    const out = this.bytesScratch;
    let at = 0;
    const digits = new Uint8Array(10);
    for (let i = 0; i < pairs.files.length; i++) {
      if (i > 0) at += sep.copy(out, at);
      at += names[pairs.files[i]!]!.copy(out, at);
      let line = pairs.lines[i]!;
      let d = 0;
      do {
        digits[d++] = 0x30 + (line % 10);
        line = Math.floor(line / 10);
      } while (line > 0);
      while (d > 0) out[at++] = digits[--d]!;
    }
    return out.subarray(0, at);
  }

  private ranks: Int32Array | undefined;
  private bytesScratch: Buffer = Buffer.alloc(0);
  private nameBytes: Buffer[] = [];

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
  /** The same, joined, as UTF-8 bytes when that can be done without strings (see FindingCollector). */
  sourceBytes: (separator: string) => Uint8Array | undefined;
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
  for (const aggregate of collector.aggregates) {
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
        sourceBytes: (separator) => collector.sourceBytes(aggregate, separator),
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
    const byCategory = new Map<string, Rational[]>();
    for (const siteScore of unitSites) {
      const list = byCategory.get(siteScore.site.category);
      if (list) list.push(siteScore.score!);
      else byCategory.set(siteScore.site.category, [siteScore.score!]);
    }
    const categoryScores = new Map<string, Rational>();
    for (const category of ruleSet.categories) {
      const value = mean(byCategory.get(category.id) ?? []);
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
