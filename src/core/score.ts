// SPEC §4: from aggregated findings to site, unit, category and city scores. Pure: no I/O, no clock.

import { diagnostic, type Diagnostic } from './diagnostics.js';
import { rankGroup } from './rank.js';
import { mean, Rational, weightedMean } from './rational.js';
import { compareNatural, compareText } from './text.js';
import type { AcceptedRecord, Category, Item, RecordIdNames, RuleSet, Site, Unit } from './types.js';

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

/**
 * A collector's content in a form that crosses a worker boundary cheaply: a few typed arrays (transferred,
 * not copied) and the distinct texts. Sites and items are numbered in rule-set order, as every collector
 * of the same rule set numbers them.
 */
export interface CollectedPart {
  visited: Uint8Array;
  /** Per aggregate: site and item number. */
  cells: Int32Array;
  /** Per aggregate: Σ count. */
  counts: Float64Array;
  /** Per aggregate: its first block and how many lines it has, in the part's block chains. */
  heads: Int32Array;
  sizes: Int32Array;
  /** The links of the part's blocks in use (its length is how many), and the blocks (handed over, not copied). */
  blockNext: Int32Array;
  slabs: Int32Array[];
  /** Text ids below 64 carried, per aggregate and kind (k × 3 + kind), as two words of bits each. */
  carriedBits: Int32Array;
  /** The other text ids carried, per aggregate and kind: textIds[textStarts[key], textStarts[key + 1]). */
  textStarts: Int32Array;
  textIds: Int32Array;
  /**
   * The texts the ids stand for; absent when they are the importing collector's own ids (a part made on its
   * thread by the fused reader, which numbers texts through it).
   */
  texts?: string[];
  /**
   * With record ids: per line in `slabs`, at the same place, the number of its record_id (−1: none), as the
   * importing collector numbers them (a part the fused reader made on its thread; see useRecordIdNames).
   */
  recordIds?: Int32Array[];
}

const findingKey = (site: string, item: string): string => `${site}\u0000${item}`;

/** The first MAX_CARRIED_VALUES distinct values of a list and more values, in text order. */
function firstDistinct(list: readonly string[], more: readonly string[]): string[] {
  // Default sort orders strings by UTF-16 code units, as `<` does.
  const all = [...new Set([...list, ...more])].sort();
  return all.length > MAX_CARRIED_VALUES ? all.slice(0, MAX_CARRIED_VALUES) : all;
}

/** Text ids waiting to be merged into an aggregate's list are merged in batches of this many. */
const PENDING_BATCH = 64;

/** A part's blocks of lines (and of their record-id numbers) as its collector kept them (see importPart). */
interface PartStore extends LineStore {
  recordIds?: Int32Array[];
}

/**
 * Words per imported segment in FindingCollector.segmentWords: its part's store, its chain's first block, its
 * size, what to add to each line, its file, what to add to each record-id number, and the next segment of the
 * same aggregate plus one (0: none).
 */
const SEGMENT_WORDS = 7;

/** Sources imported from a part read elsewhere (a view of segmentWords): a chain of lines, each plus `offset`, from `file`. */
interface Segment {
  /** A chain of `size` lines from block `head`, in another collector's slabs (see CollectedPart). */
  slabs: Int32Array[];
  blockNext: Int32Array;
  head: number;
  size: number;
  /** Added to each line. */
  offset: number;
  file: number;
  /** Record-id numbers laid out as the lines are (see CollectedPart.recordIds), each plus `idOffset`. */
  recordIds?: Int32Array[];
  idOffset: number;
}

/** An aggregate's texts of a kind before it has any; never changed (lists are replaced, see setList). */
const NO_TEXTS: string[] = [];
/** An aggregate's runs of own sources by file before it has any; never changed (see startFileRun). */
const NO_RUNS: number[] = [];

/** Lines as a collector or a part keeps them: blocks of BLOCK_LINES in slabs, linked per aggregate. */
export interface LineStore {
  slabs: Int32Array[];
  blockNext: Int32Array;
  /** How many blocks are in use (the rest of the slabs is room). */
  blocks: number;
}

/** Words per chain in LedgerSources.chains. */
export const CHAIN_WORDS = 6;

/**
 * The aggregates' sources and carried texts for the ledger's WebAssembly writer (wasm/ledger-rows.ts), as
 * typed arrays, in the order writeSources() and the aggregates' lists give them.
 */
export interface LedgerSources {
  stores: LineStore[];
  /** "separator + FILE:" per file. */
  prefixes: readonly Uint8Array[];
  /**
   * Per chain, CHAIN_WORDS words: its store, its first block, the index of its first line and the index past
   * its last (counted from that block), what to add to each line, and its file.
   */
  chains: Int32Array;
  /** Per aggregate: its first chain and how many (its own sources by file, then those imported). */
  slotChains: Int32Array;
  /** The most sources an aggregate has, and how many in all. */
  mostSources: number;
  sourceCount: number;
  /** Per aggregate and kind (inspector, note, photo): two words of bits, the ids (all below 64) of its texts. */
  carriedBits: Int32Array;
  /** The text ids in text order (the lists' order), and the texts by id. */
  textOrder: Int32Array;
  texts: readonly string[];
}

/** See FindingCollector.plainSources. */
interface PlainSources {
  prefixes: Uint8Array[];
  inNaturalOrder: boolean;
  wholeFile: number[][];
}

/**
 * Writes the sources of a chain of `size` lines (each plus `offset`) into `out` from `at`: per source, the
 * prefix of its file (runs: pairs of file and the index of its first source) and the line's digits.
 */
function writeChain(
  out: Uint8Array, at: number, slabs: readonly Int32Array[], blockNext: Int32Array, head: number, size: number, offset: number,
  prefixes: readonly Uint8Array[], runs: readonly number[],
): number {
  let run = 0;
  let prefix = prefixes[runs[0]!]!;
  let templates = blockTemplates(prefix);
  let nextRun = runs.length > 2 ? runs[3]! : size;
  let block = head;
  for (let i = 0; i < size; i += BLOCK_LINES) {
    if (i > 0) block = blockNext[block]!;
    const slab = slabs[block >>> SLAB_BLOCKS_SHIFT]!;
    const start = (block & (SLAB_BLOCKS - 1)) * BLOCK_LINES;
    const count = Math.min(BLOCK_LINES, size - i);
    if (nextRun >= i + count || nextRun < i) {
      // A block within one file run. Its lines rise, so it splits into stretches of lines with as many digits
      // (usually one, at most a few): each stretch's prefixes are copied at once from a template of 16 made
      // for this prefix and length (each copy is a call, which costs more than the bytes it copies), then
      // each line's digits are written in place. A template is copied whole when it fills the block or `out`
      // has room for it: what lies past the stretch's sources is written over by what follows them.
      let j = 0;
      while (j < count) {
        const digits = digitCount(slab[start + j]! + offset);
        const below = digits < 10 ? POWERS_OF_TEN[digits]! : Infinity;
        let end = j + 1;
        while (end < count && slab[start + end]! + offset < below) end++;
        const length = prefix.length + digits;
        const template = templates[digits] ?? (templates[digits] = blockTemplate(prefix, digits));
        if (end - j === BLOCK_LINES || at + template.length <= out.length) {
          out.set(template, at);
          for (let k = j; k < end; k++) putDigits(out, at + (k - j + 1) * length, slab[start + k]! + offset);
          at += (end - j) * length;
        } else {
          for (let k = j; k < end; k++) {
            out.set(prefix, at);
            at += length;
            putDigits(out, at, slab[start + k]! + offset);
          }
        }
        j = end;
      }
      continue;
    }
    for (let j = 0; j < count; j++) {
      if (i + j === nextRun) {
        run += 2;
        prefix = prefixes[runs[run]!]!;
        templates = blockTemplates(prefix);
        nextRun = run + 2 < runs.length ? runs[run + 3]! : size;
      }
      out.set(prefix, at);
      at = putNumber(out, at + prefix.length, slab[start + j]! + offset);
    }
  }
  return at;
}

/** Per source prefix, by digit count: BLOCK_LINES copies of the prefix, each followed by room for the digits. */
const templatesByPrefix = new WeakMap<Uint8Array, (Uint8Array | undefined)[]>();

function blockTemplates(prefix: Uint8Array): (Uint8Array | undefined)[] {
  let templates = templatesByPrefix.get(prefix);
  if (templates === undefined) templatesByPrefix.set(prefix, (templates = []));
  return templates;
}

function blockTemplate(prefix: Uint8Array, digits: number): Uint8Array {
  const length = prefix.length + digits;
  const template = new Uint8Array(BLOCK_LINES * length);
  for (let j = 0; j < BLOCK_LINES; j++) template.set(prefix, j * length);
  return template;
}

/** Copies the `size` lines of the chain from block `head` into `out` from `at`, each plus `offset`. */
function copyChain(slabs: readonly Int32Array[], blockNext: Int32Array, head: number, size: number, out: Int32Array, at: number, offset: number): void {
  let block = head;
  for (let i = 0; i < size; i += BLOCK_LINES) {
    if (i > 0) block = blockNext[block]!;
    const slab = slabs[block >>> SLAB_BLOCKS_SHIFT]!;
    const start = (block & (SLAB_BLOCKS - 1)) * BLOCK_LINES;
    const end = start + Math.min(BLOCK_LINES, size - i);
    for (let k = start; k < end; k++) out[at++] = slab[k]! + offset;
  }
}

/**
 * Lines per block (16 × 4 bytes: one cache line) and blocks per slab (64 KiB). The fused reader's parts
 * (wasm/fused-rows.ts) are laid out the same way, so the collector keeps them as they come.
 */
export const BLOCK_LINES = 16;
const SLAB_BLOCKS_SHIFT = 10;
export const SLAB_BLOCKS = 1 << SLAB_BLOCKS_SHIFT;
/** Past this many distinct values of one kind in one aggregate its list is long settled: stop remembering. */
const MAX_REMEMBERED_VALUES = 512;

/**
 * A set of (a, b) pairs of non-negative int32s in open addressing: which text ids an aggregate has already
 * carried, checked once per finding without a Map or an array scan.
 */
class PairSet {
  private keysA = new Int32Array(1 << 12).fill(-1);
  private keysB = new Int32Array(1 << 12);
  private size = 0;

  /** Adds the pair; false when it was there already. */
  add(a: number, b: number): boolean {
    const mask = this.keysA.length - 1;
    let slot = (Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca6b)) >>> 0;
    slot = (slot ^ (slot >>> 15)) & mask;
    const keysA = this.keysA;
    const keysB = this.keysB;
    for (;;) {
      const existing = keysA[slot]!;
      if (existing === -1) break;
      if (existing === a && keysB[slot] === b) return false;
      slot = (slot + 1) & mask;
    }
    keysA[slot] = a;
    keysB[slot] = b;
    if (++this.size * 2 > keysA.length) this.grow();
    return true;
  }

  has(a: number, b: number): boolean {
    const mask = this.keysA.length - 1;
    let slot = (Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca6b)) >>> 0;
    slot = (slot ^ (slot >>> 15)) & mask;
    for (;;) {
      const existing = this.keysA[slot]!;
      if (existing === -1) return false;
      if (existing === a && this.keysB[slot] === b) return true;
      slot = (slot + 1) & mask;
    }
  }

  private grow(): void {
    const oldA = this.keysA;
    const oldB = this.keysB;
    this.keysA = new Int32Array(oldA.length * 2).fill(-1);
    this.keysB = new Int32Array(oldA.length * 2);
    this.size = 0;
    for (let i = 0; i < oldA.length; i++) if (oldA[i] !== -1) this.add(oldA[i]!, oldB[i]!);
  }
}

function grownInt32(array: Int32Array<ArrayBuffer>, size: number): Int32Array<ArrayBuffer> {
  const grown = new Int32Array(size);
  grown.set(array);
  return grown;
}

/** Where a reader adds what it accepts: the collector itself, or a part that will be imported into it whole. */
export interface FindingSink {
  addFinding(
    site: number, item: number, count: number, file: number, line: number, recordId: number,
    inspector: number, note: number, photo: number,
  ): void;
  visit(site: number): void;
}

/** Record ids numbered in the order first given (a collector's own, when no reader gives it its numbers). */
class RecordIdList implements RecordIdNames {
  private readonly numbers = new Map<string, number>();
  private readonly ids: string[] = [];

  numberOf(id: string): number {
    let number = this.numbers.get(id);
    if (number === undefined) {
      number = this.ids.length;
      this.ids.push(id);
      this.numbers.set(id, number);
    }
    return number;
  }

  textOf(number: number): string {
    return this.ids[number]!;
  }

  // Texts are written by the ledger's string path.
  readonly longestBytes = 0;

  writeSorted(): number {
    return -1;
  }
}

/**
 * Collects accepted records into per-(site, item) aggregates. Each finding costs four bytes (its line) in
 * fixed blocks chained per aggregate, plus a file run whenever an aggregate's file changes, so memory
 * grows with the findings, not with the text read. The hot path allocates nothing and touches little
 * memory: per-aggregate counters live in typed arrays and (site, item) cells in a table sized by the
 * items of one category.
 */
export class FindingCollector implements FindingSink {
  readonly siteIndex = new Map<string, number>();
  readonly itemIndex = new Map<string, number>();
  /** Display names of the files, by file index. */
  readonly files: string[] = [];
  private readonly fileIndexes = new Map<string, number>();
  private readonly visited: Uint8Array;
  private readonly siteIds: string[];
  private readonly itemCodes: string[];
  /** A site's category index, an item's category index and its place among its category's items. */
  private readonly siteCategory: Int32Array;
  private readonly itemCategory: Int32Array;
  private readonly itemPlace: Int32Array;
  private readonly placesPerSite: number;
  /** (site, item of the site's category) → aggregate + 1 (0 = none); other pairs go to cellMap. */
  private readonly cells: Int32Array;
  private readonly cellMap = new Map<number, number>();
  private readonly list: FindingAggregate[] = [];
  /** Per aggregate: Σ count (a float64 stays exact far past any real total), sources, first and last block. */
  private counts = new Float64Array(1024);
  private sizes = new Int32Array(1024);
  private heads = new Int32Array(1024);
  private tails = new Int32Array(1024);
  /** Per aggregate: the file of its last source, and its runs of sources by file as (file, first index). */
  private lastFiles = new Int32Array(1024);
  /** Per aggregate: the line of its last source, and 1 once a source came before the one added last. */
  private lastLines = new Int32Array(1024);
  private disorder = new Uint8Array(1024);
  private readonly fileRuns: number[][] = [];
  /** Per aggregate and kind (inspector, note, photo): text ids below 64 already carried, as two words of bits. */
  private carriedBits = new Int32Array(6 * 1024);
  /**
   * Per aggregate: sources imported from parts read elsewhere (see importPart), kept where they arrived
   * rather than copied, after the aggregate's own: segments (SEGMENT_WORDS each, no object per aggregate: a city
   * month's thousands of them cost its garbage collector more than the rest of the import) chained from
   * firstSegments (index plus one, 0: none) to lastSegments; and how many sources they hold.
   */
  private readonly partStores: PartStore[] = [];
  private segmentWords = new Int32Array(SEGMENT_WORDS * 1024);
  private segmentsUsed = 0;
  private firstSegments = new Int32Array(1024);
  private lastSegments = new Int32Array(1024);
  private imported = new Int32Array(1024);
  /**
   * Per aggregate and kind: 1 when it carries a text its list does not show yet; the carried text ids of 64
   * and more not yet merged into the list (smaller ones are in carriedBits).
   */
  private stale = new Uint8Array(3 * 1024);
  private anyStale = false;
  private readonly pending: (number[] | undefined)[] = [];
  /** The same for larger text ids, and how many of them each aggregate and kind remembers. */
  private readonly carried = new PairSet();
  private remembered = new Int32Array(3 * 1024);
  /** Lines in blocks of BLOCK_LINES cut from shared slabs; blockNext links an aggregate's chain. */
  private readonly slabs: Int32Array[] = [];
  private blockNext = new Int32Array(0);
  /** Block 0 is never used: it is the tail of every aggregate that has none yet (see startBlock). */
  private blocksUsed = 1;
  /** The number of the record_id per source (−1: none), per aggregate, only once some record has one. */
  private recordIds: number[][] | undefined;
  private recordIdNames: RecordIdNames = new RecordIdList();
  private readonly textIds = new Map<string, number>();
  private readonly texts: string[] = [];

  constructor(ruleSet: RuleSet) {
    this.siteIds = ruleSet.sites.map((s) => s.id);
    this.itemCodes = [...ruleSet.itemByCode.keys()];
    this.siteIds.forEach((id, i) => this.siteIndex.set(id, i));
    this.itemCodes.forEach((code, i) => this.itemIndex.set(code, i));
    this.visited = new Uint8Array(this.siteIds.length);
    const categoryIndex = new Map(ruleSet.categories.map((c, i) => [c.id, i]));
    this.siteCategory = Int32Array.from(ruleSet.sites, (s) => categoryIndex.get(s.category) ?? -1);
    this.itemCategory = Int32Array.from(this.itemCodes, (code) => categoryIndex.get(ruleSet.itemByCode.get(code)!.category) ?? -1);
    const seen = new Int32Array(ruleSet.categories.length);
    this.itemPlace = Int32Array.from(this.itemCategory, (category) => (category < 0 ? -1 : seen[category]!++));
    this.placesPerSite = Math.max(1, ...seen);
    this.cells = new Int32Array(this.siteIds.length * this.placesPerSite);
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
    this.settleAll();
    return this.countedAggregates;
  }

  /**
   * The aggregates with their counts, their text lists perhaps not made yet: scoring needs the counts, and
   * the lists are made when a ledger entry's are first read (see settleLists). The ledger's WebAssembly writer
   * reads the texts' bits instead, and a city month's ~12,000 lists cost ~6 ms.
   */
  get countedAggregates(): readonly FindingAggregate[] {
    for (let i = 0; i < this.list.length; i++) {
      // A whole number as a small integer where it is one: a float stored in a field that held an integer
      // changes the shape of every aggregate (measured on a 1M month in a fresh process: 12 → 7 ms here).
      const n = this.counts[i]!;
      this.list[i]!.n = n <= 0x3fffffff ? n | 0 : n;
      this.list[i]!.size = this.sizes[i]! + this.imported[i]!;
    }
    return this.list;
  }

  /** The texts so far, by text id. */
  get textList(): readonly string[] {
    return this.texts;
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

  /**
   * Numbers record ids from now on with `names` (the reader's duplicate check keeps every id already);
   * given before any finding with an id.
   */
  useRecordIdNames(names: RecordIdNames): void {
    if (this.recordIds !== undefined && names !== this.recordIdNames) throw new Error('internal: record ids numbered two ways');
    this.recordIdNames = names;
  }

  /**
   * Records one finding; `recordId` is the number of its record_id (see useRecordIdNames), −1 when it has
   * none; `inspector`, `note`, `photo` are text ids (see textId), −1 when empty.
   */
  addFinding(
    site: number, item: number, count: number, file: number, line: number, recordId: number,
    inspector: number, note: number, photo: number,
  ): void {
    this.visited[site] = 1;
    let slot = this.itemCategory[item] === this.siteCategory[site] ? this.cells[site * this.placesPerSite + this.itemPlace[item]!]! - 1 : -1;
    if (slot < 0) slot = this.slotFor(site, item);
    this.counts[slot]! += count;
    const size = this.sizes[slot]!;
    const within = size & (BLOCK_LINES - 1);
    const block = within === 0 ? this.startBlock(slot, size) : this.tails[slot]!;
    this.slabs[block >>> SLAB_BLOCKS_SHIFT]![(block & (SLAB_BLOCKS - 1)) * BLOCK_LINES + within] = line;
    if (this.lastFiles[slot] !== file) this.startFileRun(slot, file, size);
    else if (line <= this.lastLines[slot]!) this.disorder[slot] = 1;
    this.lastLines[slot] = line;
    if (recordId >= 0 || this.recordIds !== undefined) this.rememberRecordId(slot, recordId);
    this.sizes[slot] = size + 1;
    if (inspector >= 0) this.carry(slot * 3, inspector);
    if (note >= 0) this.carry(slot * 3 + 1, note);
    if (photo >= 0) this.carry(slot * 3 + 2, photo);
  }

  /** The aggregate of (site, item), created when there is none. */
  private slotFor(site: number, item: number): number {
    let slot = this.slotOf(site, item);
    if (slot >= 0) return slot;
    slot = this.list.length;
    // Lists no aggregate has yet are shared, not made per aggregate (most never get notes or photos, and
    // with the fused reader none has runs of its own): thousands of arrays that every collection copies.
    this.list.push({
      index: slot, site: this.siteIds[site]!, item: this.itemCodes[item]!, n: 0, size: 0,
      inspectors: NO_TEXTS, notes: NO_TEXTS, photos: NO_TEXTS,
    });
    if (slot === this.sizes.length) this.reserve(slot * 2);
    this.lastFiles[slot] = -1;
    this.fileRuns.push(NO_RUNS);
    if (this.recordIds) this.recordIds.push([]);
    if (this.itemCategory[item] === this.siteCategory[site]) this.cells[site * this.placesPerSite + this.itemPlace[item]!] = slot + 1;
    else this.cellMap.set(site * this.itemCodes.length + item, slot);
    return slot;
  }

  /** Room for `capacity` aggregates in the per-aggregate arrays. */
  private reserve(capacity: number): void {
    if (capacity <= this.sizes.length) return;
    const grown = new Float64Array(capacity);
    grown.set(this.counts);
    this.counts = grown;
    this.sizes = grownInt32(this.sizes, capacity);
    this.heads = grownInt32(this.heads, capacity);
    this.tails = grownInt32(this.tails, capacity);
    this.lastFiles = grownInt32(this.lastFiles, capacity);
    this.imported = grownInt32(this.imported, capacity);
    this.firstSegments = grownInt32(this.firstSegments, capacity);
    this.lastSegments = grownInt32(this.lastSegments, capacity);
    this.lastLines = grownInt32(this.lastLines, capacity);
    const disorder = new Uint8Array(capacity);
    disorder.set(this.disorder);
    this.disorder = disorder;
    this.carriedBits = grownInt32(this.carriedBits, capacity * 6);
    this.remembered = grownInt32(this.remembered, capacity * 3);
    const stale = new Uint8Array(capacity * 3);
    stale.set(this.stale);
    this.stale = stale;
  }

  /**
   * A new block for the source at index `size` of aggregate `slot`, linked to its chain, without a branch
   * (a new aggregate's tail is block 0, which is never used).
   */
  private startBlock(slot: number, size: number): number {
    const block = this.newBlock();
    this.blockNext[this.tails[slot]!] = block;
    const head = this.heads[slot]!;
    this.heads[slot] = size === 0 ? block : head;
    this.tails[slot] = block;
    return block;
  }

  private startFileRun(slot: number, file: number, size: number): void {
    // Files are read in natural order, so their indexes rise; anything else is sorted when written. Imported
    // sources are listed after the aggregate's own, so own sources from a later file come out of order.
    if (file < this.lastFiles[slot]! || this.imported[slot]! > 0) this.disorder[slot] = 1;
    this.lastFiles[slot] = file;
    const runs = this.fileRuns[slot]!;
    if (runs === NO_RUNS) this.fileRuns[slot] = [file, size];
    else runs.push(file, size);
  }

  private slotOf(site: number, item: number): number {
    if (this.itemCategory[item] === this.siteCategory[site]) return this.cells[site * this.placesPerSite + this.itemPlace[item]!]! - 1;
    return this.cellMap.get(site * this.itemCodes.length + item) ?? -1;
  }

  /** Called before the source is counted in sizes[slot]. */
  private rememberRecordId(slot: number, recordId: number): void {
    if (!this.recordIds) this.startRecordIds();
    this.recordIds![slot]!.push(recordId);
  }

  /** Record ids from now on: none (−1) for every source so far. */
  private startRecordIds(): void {
    this.recordIds = this.list.map((_, i) => new Array<number>(this.sizes[i]!).fill(-1));
  }

  /** Carries text `id` into the list of kind `key % 3` of aggregate `key / 3`, unless it is there. */
  private carry(key: number, id: number): void {
    if (id < 64) {
      const word = key * 2 + (id >> 5);
      const bit = 1 << (id & 31);
      if ((this.carriedBits[word]! & bit) !== 0) return;
      this.carriedBits[word]! |= bit;
      // Ids below 64 stay in the bits, which settleAll() reads: no array per aggregate and kind.
      this.markStale(key);
      return;
    }
    if (!this.rememberLargeId(key, id)) return;
    this.markStale(key);
    let pending = this.pending[key];
    if (pending === undefined) pending = this.pending[key] = [];
    pending.push(id);
    if (pending.length >= PENDING_BATCH) this.settle(key);
  }

  private markStale(key: number): void {
    this.stale[key] = 1;
    this.anyStale = true;
  }

  /** False when text id `id` (≥ 64) was carried for `key` already. */
  private rememberLargeId(key: number, id: number): boolean {
    if (this.carried.has(key, id)) return false;
    if (this.remembered[key]! < MAX_REMEMBERED_VALUES) {
      this.carried.add(key, id);
      this.remembered[key]!++;
    }
    return true;
  }

  /** Makes every aggregate's text lists current (nothing to do when they are). */
  settleLists(): void {
    this.settleAll();
  }

  /** Merges every pending text id into its aggregate's list, ordering texts once for all of them. */
  private settleAll(): void {
    if (!this.anyStale) return;
    this.anyStale = false;
    const keys = 3 * this.list.length;
    // Default sort orders strings by UTF-16 code units, as `<` does.
    const sorted = [...this.texts].sort();
    if (this.texts.length <= 64) {
      // Every text id is below 64, so an aggregate's bit set holds every text it carries: the ranks of its
      // set bits, sorted, name its texts in order. An aggregate carries a few texts, so only set bits are
      // visited (a walk over all texts per aggregate cost more than the rest of scoring).
      const rank = new Int32Array(64);
      sorted.forEach((text, i) => (rank[this.textIds.get(text)!] = i));
      const ranks = new Int32Array(64);
      // Large months give many aggregates the same texts (every inspector, say): one list per bit set.
      const lists = new Map<number, Map<number, string[]>>();
      for (let key = 0; key < keys; key++) {
        if (this.stale[key] === 0) continue;
        this.stale[key] = 0;
        const lowBits = this.carriedBits[key * 2]!;
        const highBits = this.carriedBits[key * 2 + 1]!;
        let byHigh = lists.get(lowBits);
        if (byHigh === undefined) lists.set(lowBits, (byHigh = new Map()));
        const known = byHigh.get(highBits);
        if (known !== undefined) {
          this.setList(key, known);
          continue;
        }
        let count = 0;
        for (let half = 0; half < 2; half++) {
          let bits = this.carriedBits[key * 2 + half]!;
          while (bits !== 0) {
            const low = bits & -bits;
            const value = rank[half * 32 + 31 - Math.clz32(low)]!;
            // Insertion into the sorted prefix: a handful of values.
            let at = count++;
            while (at > 0 && ranks[at - 1]! > value) {
              ranks[at] = ranks[at - 1]!;
              at--;
            }
            ranks[at] = value;
            bits ^= low;
          }
        }
        // Pushed, not preallocated: a preallocated array has another shape (holey), and lists of two shapes
        // cost the ledger writer a deoptimisation.
        const merged: string[] = [];
        for (let i = 0; i < count && i < MAX_CARRIED_VALUES; i++) merged.push(sorted[ranks[i]!]!);
        byHigh.set(highBits, merged);
        this.setList(key, merged);
      }
      return;
    }
    const rank = new Int32Array(this.texts.length);
    sorted.forEach((text, i) => (rank[this.textIds.get(text)!] = i));
    for (let key = 0; key < keys; key++) {
      if (this.stale[key] === 0) continue;
      this.stale[key] = 0;
      const pending = this.pending[key] ?? [];
      this.pending[key] = undefined;
      const aggregate = this.list[(key / 3) | 0]!;
      const kind = key % 3;
      const list = kind === 0 ? aggregate.inspectors : kind === 1 ? aggregate.notes : aggregate.photos;
      // The list so far, the texts of the bits (ids below 64: any already in the list, or once cut from it as
      // past the first MAX_CARRIED_VALUES of fewer texts, change nothing) and the pending larger ids. Ranks
      // sort as numbers (a typed array's own sort), and name their texts through `sorted`.
      const bits: number[] = [];
      for (let half = 0; half < 2; half++) {
        for (let word = this.carriedBits[key * 2 + half]!; word !== 0; word &= word - 1) bits.push(half * 32 + 31 - Math.clz32(word & -word));
      }
      const ranks = new Int32Array(list.length + bits.length + pending.length);
      list.forEach((text, i) => (ranks[i] = rank[this.textIds.get(text)!]!));
      bits.forEach((id, i) => (ranks[list.length + i] = rank[id]!));
      pending.forEach((id, i) => (ranks[list.length + bits.length + i] = rank[id]!));
      ranks.sort();
      const merged: string[] = [];
      for (let i = 0; i < ranks.length && merged.length < MAX_CARRIED_VALUES; i++) {
        if (i === 0 || ranks[i] !== ranks[i - 1]) merged.push(sorted[ranks[i]!]!);
      }
      this.setList(key, merged);
    }
  }

  /** Sets the list of kind `key % 3` of aggregate `key / 3`. */
  private setList(key: number, list: string[]): void {
    const aggregate = this.list[(key / 3) | 0]!;
    const kind = key % 3;
    if (kind === 0) aggregate.inspectors = list;
    else if (kind === 1) aggregate.notes = list;
    else aggregate.photos = list;
  }

  /** Merges the pending text ids of `key` into its aggregate's list. */
  private settle(key: number): void {
    const pending = this.pending[key]!;
    this.pending[key] = undefined;
    const aggregate = this.list[(key / 3) | 0]!;
    const texts = pending.map((id) => this.texts[id]!);
    const kind = key % 3;
    if (kind === 0) aggregate.inspectors = firstDistinct(aggregate.inspectors, texts);
    else if (kind === 1) aggregate.notes = firstDistinct(aggregate.notes, texts);
    else aggregate.photos = firstDistinct(aggregate.photos, texts);
  }

  /**
   * What a worker that read part of a file hands back (see CollectedPart). The collector gives its block
   * chains away with it (they are transferred, not copied) and must not be used afterwards. Only its own
   * sources are exported: a part read in a worker has none imported.
   */
  exportPart(): CollectedPart {
    const count = this.list.length;
    const cells = new Int32Array(count * 2);
    for (let slot = 0; slot < count; slot++) {
      cells[slot * 2] = this.siteIndex.get(this.list[slot]!.site)!;
      cells[slot * 2 + 1] = this.itemIndex.get(this.list[slot]!.item)!;
    }
    // The texts carried so far, unsorted (the importing collector sorts them once, with its own): those with
    // ids below 64 as the bits that mark them carried, any others listed. A month rarely has more than 64
    // distinct inspectors, notes and photos, and then there is no list to make.
    const textStarts = new Int32Array(count * 3 + 1);
    let textIds = new Int32Array(0);
    if (this.texts.length > 64) {
      const listOf = (key: number) => {
        const aggregate = this.list[(key / 3) | 0]!;
        const kind = key % 3;
        return kind === 0 ? aggregate.inspectors : kind === 1 ? aggregate.notes : aggregate.photos;
      };
      const large: number[] = [];
      for (let key = 0; key < count * 3; key++) {
        for (const text of listOf(key)) {
          const id = this.textIds.get(text)!;
          if (id >= 64) large.push(id);
        }
        for (const id of this.pending[key] ?? []) if (id >= 64) large.push(id);
        textStarts[key + 1] = large.length;
      }
      textIds = Int32Array.from(large);
    }
    return {
      visited: this.visited, cells, counts: this.counts.slice(0, count), heads: this.heads.slice(0, count),
      sizes: this.sizes.slice(0, count), blockNext: this.blockNext.subarray(0, this.blocksUsed), slabs: this.slabs,
      carriedBits: this.carriedBits.slice(0, count * 6), textStarts, textIds, texts: this.texts,
    };
  }

  /**
   * Adds a part read elsewhere (all of it from one file, after everything added so far from that file),
   * its lines shifted by `lineOffset` and its record-id numbers by `idOffset` (see useRecordIdNames).
   */
  importPart(part: CollectedPart, file: number, lineOffset: number, idOffset = 0): void {
    part.visited.forEach((flag, site) => {
      if (flag) this.visited[site] = 1;
    });
    const mapped = part.texts?.map((text) => this.textId(text));
    const idOf = (id: number): number => (mapped === undefined ? id : mapped[id]!);
    const known = mapped === undefined ? this.texts.length : mapped.length;
    // The part's bits (its text ids below 64) become this collector's through eight tables, one per byte of
    // the part's 64 bits: a byte's value gives the bits of this collector's ids it stands for. Only bits an
    // aggregate does not carry yet are carried one by one; usually there are none. Ids it numbers 64 or more
    // (`far`) are carried one by one as well.
    const tables = new Int32Array(8 * 256 * 2);
    const far = new Int32Array(2);
    // A part whose ids are this collector's (the fused reader's, read on this thread) needs no tables.
    const sameIds = mapped === undefined;
    for (let id = 0; id < (sameIds ? 0 : Math.min(64, known)); id++) {
      const mine = idOf(id);
      if (mine >= 64) {
        far[id >> 5]! |= 1 << (id & 31);
        continue;
      }
      const table = (id >> 3) * 512;
      for (let value = 0; value < 256; value++) {
        if ((value & (1 << (id & 7))) !== 0) tables[table + value * 2 + (mine >> 5)]! |= 1 << (mine & 31);
      }
    }
    const count = part.counts.length;
    // At most this many new aggregates and segments: grown once, not doubled step by step.
    this.reserve(this.list.length + count);
    if (this.segmentsUsed + count > this.segmentWords.length / SEGMENT_WORDS) {
      this.segmentWords = grownInt32(this.segmentWords, Math.max(2 * this.segmentWords.length, SEGMENT_WORDS * (this.segmentsUsed + count)));
    }
    const store = this.partStores.push({
      slabs: part.slabs, blockNext: part.blockNext, blocks: part.blockNext.length, ...(part.recordIds ? { recordIds: part.recordIds } : {}),
    }) - 1;
    if (part.recordIds && !this.recordIds) this.startRecordIds();
    const words = this.segmentWords;
    for (let k = 0; k < count; k++) {
      const slot = this.slotFor(part.cells[k * 2]!, part.cells[k * 2 + 1]!);
      this.counts[slot]! += part.counts[k]!;
      const size = part.sizes[k]!;
      if (size > 0) {
        const segment = this.segmentsUsed++;
        const at = segment * SEGMENT_WORDS;
        words[at] = store;
        words[at + 1] = part.heads[k]!;
        words[at + 2] = size;
        words[at + 3] = lineOffset;
        words[at + 4] = file;
        words[at + 5] = idOffset;
        words[at + 6] = 0;
        const last = this.lastSegments[slot]!;
        if (last === 0) this.firstSegments[slot] = segment + 1;
        else words[(last - 1) * SEGMENT_WORDS + 6] = segment + 1;
        this.lastSegments[slot] = segment + 1;
        this.imported[slot]! += size;
      }
      for (let kind = 0; kind < 3; kind++) {
        const key = k * 3 + kind;
        const low = part.carriedBits[key * 2]!;
        const high = part.carriedBits[key * 2 + 1]!;
        if ((low | high) === 0) {
          // Nothing carried.
        } else if (sameIds) {
          // The same ids: the bits are ORed in, and the list is stale if they add any (see carry).
          const word = (slot * 3 + kind) * 2;
          const carried = this.carriedBits;
          if ((low & ~carried[word]!) !== 0 || (high & ~carried[word + 1]!) !== 0) {
            carried[word]! |= low;
            carried[word + 1]! |= high;
            this.markStale(slot * 3 + kind);
          }
        } else {
          this.carryBits(slot * 3 + kind, low, high, tables, far, idOf);
        }
        for (let t = part.textStarts[key]!; t < part.textStarts[key + 1]!; t++) this.carry(slot * 3 + kind, idOf(part.textIds[t]!));
      }
    }
  }

  /** Carries the texts of another collector's bits `low`, `high` for `key` (see importPart). */
  private carryBits(key: number, low: number, high: number, tables: Int32Array, far: Int32Array, idOf: (id: number) => number): void {
    let mineLow = 0;
    let mineHigh = 0;
    for (let byte = 0; byte < 4; byte++) {
      const lowAt = (byte * 256 + ((low >>> (byte * 8)) & 0xff)) * 2;
      const highAt = ((byte + 4) * 256 + ((high >>> (byte * 8)) & 0xff)) * 2;
      mineLow |= tables[lowAt]! | tables[highAt]!;
      mineHigh |= tables[lowAt + 1]! | tables[highAt + 1]!;
    }
    let fresh = mineLow & ~this.carriedBits[key * 2]!;
    while (fresh !== 0) {
      const bit = fresh & -fresh;
      this.carry(key, 31 - Math.clz32(bit));
      fresh ^= bit;
    }
    fresh = mineHigh & ~this.carriedBits[key * 2 + 1]!;
    while (fresh !== 0) {
      const bit = fresh & -fresh;
      this.carry(key, 63 - Math.clz32(bit));
      fresh ^= bit;
    }
    for (let half = 0; half < 2; half++) {
      let farBits = (half === 0 ? low : high) & far[half]!;
      while (farBits !== 0) {
        const bit = farBits & -farBits;
        this.carry(key, idOf(half * 32 + 31 - Math.clz32(bit)));
        farBits ^= bit;
      }
    }
  }

  /** Adds a record given by ids (the general path and tests), to this collector or to `sink`. */
  add(record: AcceptedRecord, sink: FindingSink = this): void {
    const site = this.siteIndex.get(record.site);
    if (site === undefined) throw new Error(`unknown site ${record.site}`);
    if (record.item === undefined) {
      sink.visit(site);
      return;
    }
    const item = this.itemIndex.get(record.item);
    if (item === undefined) throw new Error(`unknown item ${record.item}`);
    const id = (text: string | undefined) => (text === undefined || text === '' ? -1 : this.textId(text));
    sink.addFinding(
      site, item, record.count, this.fileIndex(record.source.file), record.source.line,
      record.source.recordId === undefined ? -1 : this.recordIdNames.numberOf(record.source.recordId),
      id(record.inspector), id(record.note), id(record.photo),
    );
  }

  private newBlock(): number {
    const block = this.blocksUsed++;
    if (block >>> SLAB_BLOCKS_SHIFT >= this.slabs.length) {
      this.slabs.push(new Int32Array(SLAB_BLOCKS * BLOCK_LINES));
      // Doubling: the links are copied O(log n) times, not once per slab.
      if (this.blockNext.length < this.slabs.length * SLAB_BLOCKS) {
        this.blockNext = grownInt32(this.blockNext, Math.max(this.slabs.length * SLAB_BLOCKS, 2 * this.blockNext.length));
      }
    }
    return block;
  }

  /** Copies an aggregate's own lines, in arrival order, into `out` from `at`. */
  private copyLines(slot: number, out: Int32Array, at: number): void {
    copyChain(this.slabs, this.blockNext, this.heads[slot]!, this.sizes[slot]!, out, at, 0);
  }

  /** The segments imported for aggregate `slot`, in the order they came (for the paths that run per entry). */
  private segmentsOf(slot: number): Segment[] {
    const segments: Segment[] = [];
    const words = this.segmentWords;
    for (let s = this.firstSegments[slot]! - 1; s >= 0; s = words[s * SEGMENT_WORDS + 6]! - 1) {
      const at = s * SEGMENT_WORDS;
      const store = this.partStores[words[at]!]!;
      segments.push({
        slabs: store.slabs, blockNext: store.blockNext, head: words[at + 1]!, size: words[at + 2]!, offset: words[at + 3]!,
        file: words[at + 4]!, ...(store.recordIds ? { recordIds: store.recordIds } : {}), idOffset: words[at + 5]!,
      });
    }
    return segments;
  }

  /** An aggregate's sources as (file, line) pairs: its own in arrival order, then the imported ones. */
  private pairsOf(aggregate: FindingAggregate): { files: Int32Array; lines: Int32Array } {
    const size = this.sizes[aggregate.index]!;
    const files = new Int32Array(size + this.imported[aggregate.index]!);
    const lines = new Int32Array(size + this.imported[aggregate.index]!);
    this.copyLines(aggregate.index, lines, 0);
    const runs = this.fileRuns[aggregate.index]!;
    for (let r = 0; r < runs.length; r += 2) files.fill(runs[r]!, runs[r + 1]!, r + 2 < runs.length ? runs[r + 3]! : size);
    let at = size;
    for (const segment of this.segmentsOf(aggregate.index)) {
      copyChain(segment.slabs, segment.blockNext, segment.head, segment.size, lines, at, segment.offset);
      files.fill(segment.file, at, at + segment.size);
      at += segment.size;
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
    const ids = this.recordIdsOf(aggregate);
    const names = this.recordIdNames;
    return Array.from(files, (file, i) => (ids[i]! >= 0 ? names.textOf(ids[i]!) : `${this.files[file]}:${lines[i]}`)).sort(compareNatural);
  }

  /** The record-id numbers of an aggregate's sources (−1: none), in the order pairsOf() gives them. */
  private recordIdsOf(aggregate: FindingAggregate): Int32Array {
    const own = this.recordIds![aggregate.index] ?? [];
    const ids = new Int32Array(this.sizes[aggregate.index]! + this.imported[aggregate.index]!).fill(-1);
    ids.set(own);
    let at = this.sizes[aggregate.index]!;
    for (const segment of this.segmentsOf(aggregate.index)) {
      if (segment.recordIds) {
        copyChain(segment.recordIds, segment.blockNext, segment.head, segment.size, ids, at, 0);
        if (segment.idOffset !== 0) for (let i = at; i < at + segment.size; i++) if (ids[i]! >= 0) ids[i]! += segment.idOffset;
      }
      at += segment.size;
    }
    return ids;
  }

  /** The most bytes writeSources() can write for an aggregate. */
  sourceBytesBound(aggregate: FindingAggregate, separatorLength: number): number {
    if (this.longestNameFor !== this.files.length) {
      this.longestName = Math.max(0, ...this.files.map((name) => Buffer.byteLength(name, 'utf8') + 1));
      this.longestNameFor = this.files.length;
    }
    const longest = Math.max(this.longestName + 10, this.recordIds ? this.recordIdNames.longestBytes : 0);
    return (this.sizes[aggregate.index]! + this.imported[aggregate.index]!) * (longest + separatorLength);
  }

  /** The longest "FILE:" in bytes, for the files known when it was worked out. */
  private longestName = 0;
  private longestNameFor = -1;

  /**
   * Writes the sources joined by `separator` as UTF-8 bytes into `out` from `at` and returns where they end,
   * without a string per source (a month of millions of records lists every one of them); −1 when record ids
   * that are not all plain, or a file name that CSV must quote, make the string path (sourceLabels) necessary. `out` must have
   * sourceBytesBound() bytes free, and `at` be at least the separator's length (the bytes just before it are
   * borrowed and restored). Bytes past where the sources end, up to the end of `out`, may be changed.
   */
  writeSources(aggregate: FindingAggregate, out: Uint8Array, at: number, separator: Uint8Array): number {
    if (this.recordIds) {
      // Sources that all have a record id (usually all do, or none): their ids; any other mix is sorted as text.
      const ids = this.recordIdsOf(aggregate);
      for (let i = 0; i < ids.length; i++) if (ids[i]! < 0) return -1;
      return this.recordIdNames.writeSorted(ids, out, at, separator);
    }
    // A file name a CSV cell must quote takes the string way.
    const plain = this.plainSources(separator);
    if (plain === undefined) return -1;
    const prefixes = plain.prefixes;
    const slot = aggregate.index;
    const size = this.sizes[slot]!;
    // Each source is one copy of "separator + FILE:" and the line's digits. The first one's separator is
    // written over the `skip` bytes before `at`, which are put back at the end.
    const skip = separator.length;
    // Kept in a reused array: a slice or subarray of a Buffer is a new Buffer, costly once per ledger row.
    const kept = skip <= this.kept.length ? this.kept : (this.kept = new Uint8Array(skip));
    for (let k = 0; k < skip; k++) kept[k] = out[at - skip + k]!;
    const from = at;
    at -= skip;
    if (this.disorder[slot] === 1 || !plain.inNaturalOrder) {
      const { files, lines } = this.sourcePairs(aggregate)!;
      for (let i = 0; i < files.length; i++) {
        const prefix = prefixes[files[i]!]!;
        out.set(prefix, at);
        at = putNumber(out, at + prefix.length, lines[i]!);
      }
    } else {
      // Already in ledger order: the aggregate's own sources block by block, then the imported ones.
      if (size > 0) at = writeChain(out, at, this.slabs, this.blockNext, this.heads[slot]!, size, 0, prefixes, this.fileRuns[slot]!);
      const words = this.segmentWords;
      for (let s = this.firstSegments[slot]! - 1; s >= 0; s = words[s * SEGMENT_WORDS + 6]! - 1) {
        const w = s * SEGMENT_WORDS;
        const store = this.partStores[words[w]!]!;
        at = writeChain(out, at, store.slabs, store.blockNext, words[w + 1]!, words[w + 2]!, words[w + 3]!, prefixes, plain.wholeFile[words[w + 4]!]!);
      }
    }
    for (let k = 0; k < skip; k++) out[from - skip + k] = kept[k]!;
    return at;
  }

  private kept = new Uint8Array(8);

  /**
   * The aggregates' sources and carried texts as the ledger's WebAssembly writer takes them (see
   * LedgerSources), or undefined where only writeSources() and the aggregates' lists give them: record ids, a
   * file name CSV must quote, sources to be sorted first, texts with ids past 64 (their lists are not bits).
   */
  ledgerSources(separator: Uint8Array): LedgerSources | undefined {
    if (this.recordIds || this.texts.length > 64) return undefined;
    const plain = this.plainSources(separator);
    if (plain === undefined || !plain.inNaturalOrder) return undefined;
    const count = this.list.length;
    // Store 0 is this collector's own lines, store p + 1 those of imported part p.
    const stores: LineStore[] = [{ slabs: this.slabs, blockNext: this.blockNext, blocks: this.slabs.length > 0 ? this.blocksUsed : 0 }, ...this.partStores];
    let chains = new Int32Array(CHAIN_WORDS * count * 2);
    let used = 0;
    const addChain = (store: number, head: number, first: number, end: number, offset: number, file: number) => {
      if (used + CHAIN_WORDS > chains.length) chains = grownInt32(chains, 2 * chains.length);
      chains[used] = store;
      chains[used + 1] = head;
      chains[used + 2] = first;
      chains[used + 3] = end;
      chains[used + 4] = offset;
      chains[used + 5] = file;
      used += CHAIN_WORDS;
    };
    const slotChains = new Int32Array(2 * count);
    let mostSources = 0;
    let sourceCount = 0;
    for (let slot = 0; slot < count; slot++) {
      if (this.disorder[slot] === 1) return undefined;
      const first = used / CHAIN_WORDS;
      const size = this.sizes[slot]!;
      if (size > 0) {
        const runs = this.fileRuns[slot]!;
        for (let r = 0; r < runs.length; r += 2) {
          addChain(0, this.heads[slot]!, runs[r + 1]!, r + 2 < runs.length ? runs[r + 3]! : size, 0, runs[r]!);
        }
      }
      const words = this.segmentWords;
      for (let s = this.firstSegments[slot]! - 1; s >= 0; s = words[s * SEGMENT_WORDS + 6]! - 1) {
        const w = s * SEGMENT_WORDS;
        addChain(words[w]! + 1, words[w + 1]!, 0, words[w + 2]!, words[w + 3]!, words[w + 4]!);
      }
      slotChains[2 * slot] = first;
      slotChains[2 * slot + 1] = used / CHAIN_WORDS - first;
      const sources = size + this.imported[slot]!;
      mostSources = Math.max(mostSources, sources);
      sourceCount += sources;
    }
    // Default sort orders strings by UTF-16 code units, as the lists are ordered (see settleAll).
    const textOrder = Int32Array.from([...this.texts].sort(), (text) => this.textIds.get(text)!);
    return {
      stores, prefixes: plain.prefixes, chains: chains.subarray(0, used), slotChains, mostSources, sourceCount,
      carriedBits: this.carriedBits.subarray(0, 6 * count), textOrder, texts: this.texts,
    };
  }

  /**
   * What writeSources needs of the files, worked out once per separator and set of files: "separator +
   * FILE:" per file as bytes, whether the files' indexes are their natural order, and per file the runs of
   * a chain that is all from that file; undefined when a file name must be quoted in CSV.
   */
  private plainSources(separator: Uint8Array): PlainSources | undefined {
    if (this.plainFor !== this.files.length || this.plainSeparator !== separator) {
      const quoting = this.files.some((name) => /[",\r\n]|^\s/.test(name));
      const ranks = this.fileRanks();
      this.plain = quoting
        ? undefined
        : {
            prefixes: this.files.map((name) => Buffer.concat([separator, Buffer.from(`${name}:`, 'utf8')])),
            inNaturalOrder: ranks.every((rank, index) => rank === index),
            wholeFile: this.files.map((_, file) => [file, 0]),
          };
      this.plainFor = this.files.length;
      this.plainSeparator = separator;
    }
    return this.plain;
  }

  private plain: PlainSources | undefined;
  private plainFor = -1;
  private plainSeparator: Uint8Array | undefined;

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

/** 10^d for d = 0 … 9: the least number with d + 1 digits. */
const POWERS_OF_TEN = Int32Array.from({ length: 10 }, (_, d) => 10 ** d);

/** "00" … "99" as byte pairs, to write two digits per division. */
const DIGIT_PAIRS = Uint8Array.from({ length: 200 }, (_, i) => 0x30 + (i % 2 === 0 ? Math.floor(i / 20) : (i >> 1) % 10));

/**
 * How many decimal digits a non-negative integer has. Every comparison is made every time: one first made
 * past the millionth line of a file would throw away V8's optimised ledger code.
 */
function digitCount(value: number): number {
  return (
    1 + (value >= 10 ? 1 : 0) + (value >= 100 ? 1 : 0) + (value >= 1000 ? 1 : 0) + (value >= 10_000 ? 1 : 0) +
    (value >= 100_000 ? 1 : 0) + (value >= 1_000_000 ? 1 : 0) + (value >= 10_000_000 ? 1 : 0) +
    (value >= 100_000_000 ? 1 : 0) + (value >= 1_000_000_000 ? 1 : 0)
  );
}

/** Writes a non-negative integer's digits into `out` at `at`; returns where they end. */
function putNumber(out: Uint8Array, at: number, value: number): number {
  const end = at + digitCount(value);
  putDigits(out, end, value);
  return end;
}

/** Writes a non-negative integer's digits into `out`, the last one just before `end`. */
function putDigits(out: Uint8Array, end: number, value: number): void {
  let p = end;
  let rest = value;
  while (rest >= 100) {
    const quotient = (rest / 100) | 0;
    const pair = (rest - quotient * 100) * 2;
    out[--p] = DIGIT_PAIRS[pair + 1]!;
    out[--p] = DIGIT_PAIRS[pair]!;
    rest = quotient;
  }
  if (rest >= 10) {
    out[--p] = DIGIT_PAIRS[rest * 2 + 1]!;
    out[--p] = DIGIT_PAIRS[rest * 2]!;
  } else {
    out[--p] = 0x30 + rest;
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
  /** Entries with the same key have the same n, points, multiplier, raw, applied, veto and repeat. */
  numbersKey: object;
  sourceCount: number;
  /** The sources, sorted naturally: `FILE:LINE`, or the record_id where present. Built on demand. */
  sourceLabels: () => string[];
  /**
   * The same, joined, written as UTF-8 bytes into `out` at `at` (see FindingCollector.writeSources). Bytes
   * of `out` past where it ends may be changed too.
   */
  writeSources: (out: Uint8Array, at: number, separator: Uint8Array) => number;
  /** The most bytes writeSources may write. */
  sourceBytesBound: (separatorLength: number) => number;
  /** The aggregate's place in `collector` (see FindingCollector.ledgerSources), where it has one. */
  slot?: number;
  collector?: FindingCollector;
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

/** What one (item, count, repeat) deducts (see score). */
interface ItemDeduction {
  multiplier: Rational;
  raw: Rational;
  applied: Rational;
}

/** A ledger entry of one aggregate: its sources are read from the collector when the ledger is written. */
class AggregateEntry implements LedgerEntry {
  readonly n: number;
  readonly slot: number;
  readonly points: Rational;
  readonly veto: boolean;
  readonly sourceCount: number;

  constructor(
    readonly site: Site,
    readonly unit: Unit,
    readonly category: Category,
    readonly item: Item,
    private readonly aggregate: FindingAggregate,
    readonly multiplier: Rational,
    readonly raw: Rational,
    readonly applied: Rational,
    readonly repeat: boolean,
    readonly numbersKey: object,
    readonly collector: FindingCollector,
  ) {
    this.n = aggregate.n;
    this.points = item.points;
    this.veto = item.veto;
    this.sourceCount = aggregate.size;
    this.slot = aggregate.index;
  }

  // The lists are made when first read (see FindingCollector.countedAggregates).
  get inspectors(): string[] {
    this.collector.settleLists();
    return this.aggregate.inspectors;
  }

  get notes(): string[] {
    this.collector.settleLists();
    return this.aggregate.notes;
  }

  get photos(): string[] {
    this.collector.settleLists();
    return this.aggregate.photos;
  }

  sourceLabels(): string[] {
    return this.collector.sourceLabels(this.aggregate);
  }

  writeSources(out: Uint8Array, at: number, separator: Uint8Array): number {
    return this.collector.writeSources(this.aggregate, out, at, separator);
  }

  sourceBytesBound(separatorLength: number): number {
    return this.collector.sourceBytesBound(this.aggregate, separatorLength);
  }
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

  // Indexed loops below: this runs once, cold, where for…of allocates an iterator result per step. Sorting
  // goes by plain string sorts (code-unit order, as compareText), which compare in native code: a comparator
  // is a call into this cold code per comparison.
  const findingsBySite = new Map<string, FindingAggregate[]>();
  const all = collector.countedAggregates;
  const itemRank = new Map<string, number>();
  const codes = [...ruleSet.itemByCode.keys()].sort();
  for (let i = 0; i < codes.length; i++) itemRank.set(codes[i]!, i);
  // Aggregates by item (a counting sort), then by site in that order: each site's list is by item.
  const byItem: FindingAggregate[][] = codes.map(() => []);
  for (let i = 0; i < all.length; i++) byItem[itemRank.get(all[i]!.item)!]!.push(all[i]!);
  for (let r = 0; r < byItem.length; r++) {
    const ofItem = byItem[r]!;
    for (let i = 0; i < ofItem.length; i++) {
      const aggregate = ofItem[i]!;
      const list = findingsBySite.get(aggregate.site);
      if (list) list.push(aggregate);
      else findingsBySite.set(aggregate.site, [aggregate]);
    }
  }

  const ledger: LedgerEntry[] = [];
  const sites: SiteScore[] = [];
  // A repeat is marked only where the multiplier raises it.
  const repeatRaises = options.repeatMultiplier.cmp(Rational.ONE) > 0;
  const itemStats = new Map<string, Omit<ItemStat, 'applied'> & { applied: Rational[] }>();
  // A month has a few thousand aggregates but far fewer deductions: each is worked out once per points, cap,
  // veto, count and repeat (bigint arithmetic runs cold here: scoring took ~35 ms whatever the month's size).
  // Items share their numbers' objects (the rule set makes one per value), so hundreds of items share a few.
  // The veto deducts nothing itself; it is in the key because the ledger writes an entry's numbers by it.
  const deductions = new Map<Rational, Map<Rational | undefined, Map<number, ItemDeduction>>>();
  const deductionOf = (item: Item, n: number, repeat: boolean): ItemDeduction => {
    let byCap = deductions.get(item.points);
    if (byCap === undefined) deductions.set(item.points, (byCap = new Map()));
    let byCount = byCap.get(item.cap);
    if (byCount === undefined) byCap.set(item.cap, (byCount = new Map()));
    const key = 4 * n + (repeat ? 2 : 0) + (item.veto ? 1 : 0);
    let deduction = byCount.get(key);
    if (deduction === undefined) {
      const multiplier = repeat ? options.repeatMultiplier : Rational.ONE;
      const raw = item.points.mul(Rational.of(n)).mul(multiplier);
      deduction = { multiplier, raw, applied: item.cap !== undefined ? Rational.min(raw, item.cap) : raw };
      byCount.set(key, deduction);
    }
    return deduction;
  };
  // Sites of the same unit and lead count for the same units.
  const unitsByPlace = new Map<string, string[]>();
  const unitsOf = (site: Site): string[] => {
    const key = `${site.unit}\u0000${leadOf(ruleSet, site) ?? ''}`;
    let units = unitsByPlace.get(key);
    if (units === undefined) unitsByPlace.set(key, (units = siteUnits(ruleSet, site)));
    return units;
  };
  const sitesInOrder = ruleSet.sites.map((site) => site.id).sort().map((id) => ruleSet.siteById.get(id)!);
  for (let s = 0; s < sitesInOrder.length; s++) {
    const site = sitesInOrder[s]!;
    const inspected = options.coverage === 'all' || collector.isVisited(site.id);
    const units = unitsOf(site);
    if (!inspected) {
      sites.push({ site, inspected, score: null, deduction: null, applied: null, veto: false, findings: [], units });
      continue;
    }
    const aggregates = findingsBySite.get(site.id) ?? [];
    const unit = ruleSet.unitById.get(site.unit)!;
    const category = ruleSet.categoryById.get(site.category)!;
    const appliedEach: Rational[] = [];
    let veto = false;
    for (let a = 0; a < aggregates.length; a++) {
      const aggregate = aggregates[a]!;
      const item = ruleSet.itemByCode.get(aggregate.item)!;
      const repeat = previous?.findings.has(findingKey(site.id, item.code)) ?? false;
      const deduction = deductionOf(item, aggregate.n, repeat);
      const { multiplier, raw, applied: entryApplied } = deduction;
      appliedEach.push(entryApplied);
      veto ||= item.veto;
      // The deduction is worked out once per (item, count, repeat): what the ledger's numbers depend on.
      ledger.push(new AggregateEntry(site, unit, category, item, aggregate, multiplier, raw, entryApplied, repeat && repeatRaises, deduction, collector));
      let stat = itemStats.get(item.code);
      if (stat === undefined) itemStats.set(item.code, (stat = { item, findings: 0, sites: 0, applied: [] }));
      stat.findings += aggregate.n;
      stat.sites += 1;
      stat.applied.push(entryApplied);
    }
    const applied = Rational.sum(appliedEach);
    const unfloored = F.sub(applied);
    const floored = veto || unfloored.num <= 0n;
    sites.push({
      site,
      inspected,
      score: floored ? Rational.ZERO : unfloored,
      // F − score: F where the score is 0, else F − (F − applied).
      deduction: floored ? F : applied,
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
  for (let s = 0; s < sites.length; s++) {
    const siteScore = sites[s]!;
    if (!siteScore.inspected) continue;
    for (let u = 0; u < siteScore.units.length; u++) {
      const unitId = siteScore.units[u]!;
      const list = sitesByUnit.get(unitId);
      if (list) list.push(siteScore);
      else sitesByUnit.set(unitId, [siteScore]);
    }
  }

  const componentIds = (options.components ?? []).filter((c) => c.id !== 'field');
  const unitScores = new Map<string, UnitScore>();
  for (const unit of ruleSet.units) {
    const unitSites = sitesByUnit.get(unit.id) ?? [];
    const byCategory = new Map<string, Rational[]>();
    for (let s = 0; s < unitSites.length; s++) {
      const siteScore = unitSites[s]!;
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

  const items = [...itemStats.values()].map(({ item, findings, sites, applied }) => ({ item, findings, sites, applied: Rational.sum(applied) })).sort(
    (a, b) => b.applied.cmp(a.applied) || compareText(a.item.code, b.item.code),
  );

  return { index, sites, units: ordered, categories, items, ledger, diagnostics };
}
