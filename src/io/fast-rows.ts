// The records reader's fused fast path: one pass over the bytes of a run of plain rows that splits the
// fields, reads the key ones and adds each finding to a collector part, with no row view, no string and no
// call per field. It stops at the first row it is not sure of — a quote anywhere, a lone CR, too few or
// too many fields, an unknown or mistyped id, a count or date it cannot read, a date outside the period,
// a blank row — and leaves that row to the tokenizer and the general checks, so it accepts exactly the
// rows the general path would accept, with the same results, and never rejects one itself.
//
// The pass itself is WebAssembly (wasm/fused-rows.ts, compiled at build time into dist/fused-rows.wasm):
// JavaScript doing the same ran its first megabytes several times slower than its steady rate while V8
// optimised it, on every run (docs/bench.md). While a file is read this way, every finding of it — the
// general path's too — goes into the module's part, in line order; the part is then handed to the
// collector as a whole (FindingCollector.importPart), like a part read on another thread.
//
// A row with a record id (printable ASCII; any other goes to the general path) is checked by the reader's
// duplicate check, which keeps the ids of every file: the module stops at the row, JavaScript claims the id
// (setup.claimId) and gives its number, and the module keeps the number beside the row's line for the
// ledger (CollectedPart.recordIds), or leaves the row to the general path when the id was accepted before.

import { BLOCK_LINES, MAX_CARRIED_VALUES, SLAB_BLOCKS, type CollectedPart, type FindingSink } from '../core/score.js';
import { IDS_HANDED_OVER, type IdKeeper, type KeptIdList } from '../core/records.js';
import type { RowRun } from './csv.js';
import type { ByteTexts } from './row-bytes.js';
import { builtModule } from './wasm-modules.js';

/** What a column holds, for the fast path (the module's roles). */
export const enum Role {
  Ignored = 0,
  Site,
  Item,
  Count,
  Date,
  Inspector,
  Note,
  Photo,
  RecordId,
}

/** Why the module's scan returned (see wasm/fused-rows.ts). */
const enum Status {
  Stopped = 0,
  NeedText,
  CarryLarge,
  NeedRoom,
  NeedId,
}

interface FusedExports {
  memory: WebAssembly.Memory;
  setup(
    sites: number, items: number, places: number, inputBytes: number, columns: number, delimiter: number, period: number,
    textSlots: number, poolBytes: number, pairSlots: number, firstSlots: number, firstBlocks: number, recordIds: number,
    keepIds: number, firstIds: number, firstIdBytes: number,
  ): number;
  needIdBytes(length: number): void;
  stopKeepingIds(): void;
  idKeysAddress(): number;
  idLinesAddress(): number;
  idPoolAddress(): number;
  idsHeld(): number;
  idsInNaturalOrder(): number;
  findingsWithRecordIds(): number;
  idBytesHeld(): number;
  idLine(id: number): number;
  idScratch(length: number): number;
  idFound(length: number): number;
  idClaim(length: number, line: number): number;
  idsCollide(keysAt: number, poolAt: number, count: number): number;
  grownEnd(): number;
  grow(): void;
  inputAddress(): number;
  rolesAddress(): number;
  siteCategoryAddress(): number;
  itemCategoryAddress(): number;
  itemPlaceAddress(): number;
  visitedAddress(): number;
  slotCellsAddress(): number;
  countsAddress(): number;
  sizesAddress(): number;
  headsAddress(): number;
  bitsAddress(): number;
  blockNextAddress(): number;
  linesAddress(): number;
  idsAddress(): number;
  monthBitsAddress(): number;
  monthBitsBytes(): number;
  slots(): number;
  blocks(): number;
  lastStatus(): number;
  rowsDone(): number;
  eventFrom(): number;
  eventTo(): number;
  largeCarries(): number;
  largeKey(k: number): number;
  largeId(k: number): number;
  addSite(at: number, length: number, index: number): number;
  addItem(at: number, length: number, index: number): number;
  addText(from: number, to: number, id: number): void;
  giveId(rowStart: number, id: number): void;
  addFinding(site: number, item: number, count: number, line: number, inspector: number, note: number, photo: number, recordId: number): number;
  visit(site: number): void;
  scan(start: number, limit: number, firstLine: number, budget: number): number;
}

// The module's memory grows with what it holds instead of being reserved up front (tens of megabytes that a
// city month never touched; V8 takes a wasm memory's size into account for garbage collection).
/** Bytes of input the module holds at once (a read is 1 MiB; a longer run is taken in several calls). */
const INPUT_BYTES = (1 << 20) + (64 << 10);
/** Distinct texts it remembers (at most half of these slots; others are asked for each time), and their bytes. */
const TEXT_SLOTS = 1 << 15;
const POOL_BYTES = 2 << 20;
/** Distinct (aggregate, text id ≥ 64) pairs it remembers, at most half of these slots. */
const PAIR_SLOTS = 1 << 14;
/** Aggregates and blocks of 16 lines it has room for at first; doubled as needed. */
const FIRST_SLOTS = 4096;
const FIRST_BLOCKS = 4096;
/** Record ids of a file it keeps itself, and their bytes, it has room for at first; doubled as needed. */
const FIRST_IDS = 1 << 15;
const FIRST_ID_BYTES = 1 << 19;
/** Where its memory must end: its addresses are 32-bit, read as signed numbers in JavaScript. */
const MEMORY_LIMIT = 2 ** 31;
/**
 * Most (site, place) cells a rule set may have for the module (a cell a pair, four bytes each, for every
 * site): 2^22 (a province of 60,000 sites with up to 69 items in a category fits). Even with an aggregate
 * found for every cell (~56 bytes each) and a file's 50M rows (a block of 68 bytes per 16 lines and per
 * aggregate), all room doubled, its memory stays under 2 GiB, where its 32-bit addresses would read as
 * negative numbers in JavaScript. Files of larger rule sets are read by the general path.
 */
const MAX_CELLS = 1 << 22;
/** A block of BLOCK_LINES lines, as the collector's parts lay them out (see score.ts). */
const BLOCK_BYTES = BLOCK_LINES * 4;
const PAGE = 65536;
/** A part's large text ids per aggregate and kind: past this many, the list is cut to the first in text order. */
const LARGE_KEEP = 4 * MAX_CARRIED_VALUES;

const LF = 0x0a;

/** The compiled module, or null when dist/fused-rows.wasm is missing (the general path reads everything then). */
function fusedModule(): WebAssembly.Module | null {
  return builtModule('fused-rows.wasm');
}

/** Whether the fast path can read this delimiter: its test for special bytes relies on it being ≤ ','. */
export function fastDelimiter(delimiter: number): boolean {
  return (delimiter === 0x2c || delimiter === 0x09) && fusedModule() !== null;
}

export interface FastRowsSetup {
  delimiter: number;
  /** Role of each header column; rows must have exactly this many fields. */
  roles: Uint8Array;
  /** Site ids and item codes, indexed as the collector indexes them (rule-set order). */
  siteIds: readonly string[];
  itemCodes: readonly string[];
  siteCategory: Int32Array;
  itemCategory: Int32Array;
  /** yyyymm of `--period`, or −1. */
  period: number;
  texts: ByteTexts;
  /** The collector's texts, by text id (the ids the part carries). */
  textList: () => readonly string[];
  /** Months (yyyymm) of accepted dates. */
  months: Set<number>;
  /** Rows read so far in this file (the fast path adds its own), and the most allowed. */
  counter: { rows: number };
  maxRows: number;
  /**
   * With a record_id column: checks the id of an accepted row, bytes[start, end) (printable ASCII), on line
   * `line`, and remembers it as accepted there; returns its number (see RecordChecker.claimBytes), or −1
   * when it was accepted before.
   */
  claimId?: (bytes: Uint8Array, start: number, end: number, line: number) => number;
  /**
   * Takes over the ids the module kept, when it has no room for more (tens of millions of ids): the module
   * then asks claimId for each one, as for a later file.
   */
  idsHandedOver?: (kept: KeptIdList) => void;
  /** Where the module's memory must end (default 2 GiB); tests make it small to reach that hand-over. */
  memoryLimit?: number;
  /**
   * With a record_id column: whether the module keeps the file's ids itself (the reader's duplicate check holds
   * none yet): then the check asks it (findId, claimIdBytes) and takes them over at the end (takeIds).
   */
  keepIds?: boolean;
}


/** Each item's place among its category's items, and the most items a category has (as the collector numbers them). */
function placesOf(itemCategory: Int32Array): { itemPlace: Int32Array; placesPerSite: number } {
  const seen = new Map<number, number>();
  const itemPlace = new Int32Array(itemCategory.length);
  let placesPerSite = 1;
  for (let item = 0; item < itemCategory.length; item++) {
    const category = itemCategory[item]!;
    if (category < 0) continue;
    const place = seen.get(category) ?? 0;
    itemPlace[item] = place;
    seen.set(category, place + 1);
    placesPerSite = Math.max(placesPerSite, place + 1);
  }
  return { itemPlace, placesPerSite };
}

/** An id of printable ASCII without spaces: the only ids the tables hold (as ByteKeyTable). */
const PLAIN_ID = /^[\x21-\x7e]+$/;

/**
 * The fused reader of one file (or one part of it) and the findings it holds until part() hands them over.
 * Also the sink the general path adds that file's findings to, so that the part has them all in line order.
 */
export class FastRows implements RowRun, FindingSink, IdKeeper {
  lines = 0;
  /** Rows read and accepted by the fast path, in all calls. */
  accepted = 0;
  private wasm!: FusedExports;
  private bytes!: Uint8Array;
  private input = 0;
  private ready = false;
  /** The bytes last copied in: from `from` of `source` (which ended at `sourceEnd`), whole rows to `limit`. */
  private source: Uint8Array | undefined;
  private from = 0;
  private sourceEnd = 0;
  private limit = 0;
  /** With `source`: an offset from which it has no LF up to `nextLine` (−1: none to its end); −1 when not known. */
  private noLineFrom = -1;
  private nextLine = -1;
  /** Per aggregate and kind (slot × 3 + kind): the text ids of 64 and more it carries. */
  private large = new Map<number, number[]>();
  private readonly itemPlace: Int32Array;
  private readonly placesPerSite: number;
  private readonly withIds: boolean;
  /** Whether the module keeps this file's ids (until takeIds hands them over). */
  private keepingIds: boolean;
  /** Whether the module instance still holds the ids takeIds handed over (see collides). */
  private idsStillHeld = false;

  constructor(private readonly setup: FastRowsSetup) {
    const { itemPlace, placesPerSite } = placesOf(setup.itemCategory);
    this.itemPlace = itemPlace;
    this.placesPerSite = placesPerSite;
    this.withIds = setup.roles.includes(Role.RecordId);
    this.keepingIds = this.withIds && setup.keepIds === true;
    if (this.withIds && !setup.claimId) throw new Error('internal: a record_id column and no one to check its ids');
  }

  /** Whether the module can hold a cell for every (site, place) of a rule set (see MAX_CELLS). */
  static fits(siteCount: number, itemCategory: Int32Array): boolean {
    return siteCount * placesOf(itemCategory).placesPerSite <= MAX_CELLS;
  }

  /** A fresh module instance: tables written, no findings. */
  private start(): void {
    const { setup } = this;
    const wasm = new WebAssembly.Instance(fusedModule()!).exports as unknown as FusedExports;
    this.idsStillHeld = false;
    this.wasm = wasm;
    this.growTo(wasm.setup(
      setup.siteIds.length, setup.itemCodes.length, this.placesPerSite, INPUT_BYTES, setup.roles.length, setup.delimiter,
      setup.period, TEXT_SLOTS, POOL_BYTES, PAIR_SLOTS, FIRST_SLOTS, FIRST_BLOCKS, this.withIds ? 1 : 0,
      this.keepingIds ? 1 : 0, FIRST_IDS, FIRST_ID_BYTES,
    ));
    const bytes = this.bytes;
    const int32 = new Int32Array(wasm.memory.buffer);
    bytes.set(setup.roles, wasm.rolesAddress());
    int32.set(setup.siteCategory, wasm.siteCategoryAddress() >> 2);
    int32.set(setup.itemCategory, wasm.itemCategoryAddress() >> 2);
    int32.set(this.itemPlace, wasm.itemPlaceAddress() >> 2);
    this.input = wasm.inputAddress();
    const scratch = this.input;
    const add = (ids: readonly string[], put: (at: number, length: number, index: number) => number) => {
      // As many ids as the input area holds are copied in at once (latin1 writes a char code as a byte; only
      // plain ids are used), then added one by one: a loop over each id's characters, run once and cold,
      // cost ~1 ms of a city month.
      const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      let index = 0;
      while (index < ids.length) {
        let end = index;
        let length = 0;
        while (end < ids.length && (end === index || length + ids[end]!.length <= INPUT_BYTES)) length += ids[end++]!.length;
        if (length <= INPUT_BYTES) view.write(ids.slice(index, end).join(''), scratch, length, 'latin1');
        let at = scratch;
        for (; index < end; index++) {
          const id = ids[index]!;
          // Non-ASCII or spaced ids are left out: rows naming them take the general path (as does one too long
          // for the input area, were there one).
          if (PLAIN_ID.test(id) && length <= INPUT_BYTES && !put(at, id.length, index)) {
            throw new Error('internal: the fused reader has no room for the rule set ids');
          }
          at += id.length;
        }
      }
    };
    add(setup.siteIds, wasm.addSite);
    add(setup.itemCodes, wasm.addItem);
    this.source = undefined;
    this.large = new Map();
    this.ready = true;
  }

  /** Grows the memory to end at `end` (or further). */
  private growTo(end: number): void {
    if (end < 0 || end > (this.setup.memoryLimit ?? MEMORY_LIMIT)) throw new Error(`internal: the fused reader's memory would end at ${end}`);
    const memory = this.wasm.memory;
    if (end > memory.buffer.byteLength) memory.grow(Math.ceil((end - memory.buffer.byteLength) / PAGE));
    this.bytes = new Uint8Array(memory.buffer);
  }

  /** More room for aggregates or blocks, whichever is full. */
  private moreRoom(): void {
    let end = this.wasm.grownEnd();
    if (end > (this.setup.memoryLimit ?? MEMORY_LIMIT) && this.keepingIds && this.setup.idsHandedOver) {
      // No room for more ids: they go to the duplicate check, which is asked for each one from now on.
      this.setup.idsHandedOver(this.takeIds()!);
      this.idsStillHeld = false;
      this.wasm.stopKeepingIds();
      end = this.wasm.grownEnd();
    }
    this.growTo(end);
    this.wasm.grow();
  }

  rows(bytes: Uint8Array, start: number, end: number, firstLine: number): number {
    if (!this.ready) this.start();
    const wasm = this.wasm;
    const sameBytes = bytes === this.source && end === this.sourceEnd;
    if (!sameBytes || start < this.from || start >= this.from + this.limit) {
      // Bytes with no LF for a stretch (lines ending in CR alone, or a row longer than they are) hold no row
      // for the module where the stretch fills its window: each row start there is left to the tokenizer at
      // once, not copied or searched again.
      if (sameBytes && this.noLineFrom >= 0 && start >= this.noLineFrom && (this.nextLine < 0 || start + INPUT_BYTES <= this.nextLine)) {
        this.lines = 0;
        return start;
      }
      // Whole rows only: up to the last LF of what fits.
      const to = Math.min(end, start + INPUT_BYTES);
      const last = bytes.subarray(start, to).lastIndexOf(LF);
      this.source = bytes;
      this.sourceEnd = end;
      this.from = start;
      this.limit = last + 1;
      this.noLineFrom = -1;
      if (last < 0) {
        this.noLineFrom = start;
        this.nextLine = bytes.indexOf(LF, to);
        this.lines = 0;
        return start;
      }
      this.bytes.set(bytes.subarray(start, to), this.input);
    }
    const { setup } = this;
    let pos = start - this.from;
    let taken = 0;
    for (;;) {
      pos = wasm.scan(pos, this.limit, firstLine + taken, setup.maxRows - setup.counter.rows - taken);
      taken += wasm.rowsDone();
      const status = wasm.lastStatus();
      if (status === Status.Stopped) break;
      if (status === Status.NeedText) {
        const from = wasm.eventFrom();
        const to = wasm.eventTo();
        wasm.addText(from, to, setup.texts.id(bytes, this.from + from, this.from + to));
      } else if (status === Status.NeedId) {
        wasm.giveId(pos, setup.claimId!(bytes, this.from + wasm.eventFrom(), this.from + wasm.eventTo(), firstLine + taken));
      } else if (status === Status.CarryLarge) {
        this.carryLarge();
      } else {
        this.moreRoom();
      }
    }
    this.lines = taken;
    this.accepted += taken;
    setup.counter.rows += taken;
    return this.from + pos;
  }

  /** Writes the bytes of an id where the module looks ids up (see idScratch); returns false when it has no room. */
  /**
   * Writes the bytes of an id where the module looks ids up (see idScratch); false when making room for them
   * handed the ids over instead (see moreRoom).
   */
  private writeId(bytes: Uint8Array, start: number, end: number): boolean {
    if (!this.ready) this.start();
    let at = this.wasm.idScratch(end - start);
    if (at === 0) {
      this.wasm.needIdBytes(end - start);
      this.moreRoom();
      if (!this.keepingIds) return false;
      at = this.wasm.idScratch(end - start);
      if (at === 0) throw new Error('internal: the fused reader has no room for a record id');
    }
    this.bytes.set(bytes.subarray(start, end), at);
    return true;
  }

  /**
   * While the module keeps the file's ids: the number of the id spelt by bytes[start, end), or −1; or
   * IDS_HANDED_OVER when making room handed them to the duplicate check, which then looks itself.
   */
  findId(bytes: Uint8Array, start: number, end: number): number {
    if (!this.writeId(bytes, start, end)) return IDS_HANDED_OVER;
    return this.wasm.idFound(end - start);
  }

  /**
   * While the module keeps the file's ids: claims an id accepted on `line` (as RecordChecker.claimBytes); or
   * IDS_HANDED_OVER, having claimed nothing, when making room handed the ids to the duplicate check.
   */
  claimIdBytes(bytes: Uint8Array, start: number, end: number, line: number): number {
    for (;;) {
      if (!this.writeId(bytes, start, end)) return IDS_HANDED_OVER;
      const id = this.wasm.idClaim(end - start, line);
      if (id !== -2) return id;
      this.moreRoom();
      if (!this.keepingIds) return IDS_HANDED_OVER;
    }
  }

  /** The line of an id the module keeps. */
  idLine(id: number): number {
    return this.wasm.idLine(id);
  }

  /**
   * The ids the module kept for this file, copied out; from now on (a part read later) it asks the duplicate
   * check for each one instead. Undefined when it kept none.
   */
  takeIds(): KeptIdList | undefined {
    if (!this.keepingIds) return undefined;
    this.keepingIds = false;
    if (!this.ready) return { count: 0, keys: new Int32Array(0), lines: new Int32Array(0), pool: new Uint8Array(0), ordered: 0 };
    const wasm = this.wasm;
    const buffer = wasm.memory.buffer;
    const count = wasm.idsHeld();
    this.idsStillHeld = true;
    return {
      count,
      keys: new Int32Array(buffer.slice(wasm.idKeysAddress(), wasm.idKeysAddress() + count * 8)),
      lines: new Int32Array(buffer.slice(wasm.idLinesAddress(), wasm.idLinesAddress() + count * 4)),
      pool: new Uint8Array(buffer.slice(wasm.idPoolAddress(), wasm.idPoolAddress() + wasm.idBytesHeld())),
      ordered: wasm.idsInNaturalOrder(),
    };
  }

  /**
   * After takeIds, until this reader reads on: whether any of the ids `kept` (laid out as KeptIdList) is one
   * it handed over, checked in the module's table; undefined when that table is gone.
   */
  collides(kept: KeptIdList): boolean | undefined {
    if (!this.idsStillHeld) return undefined;
    const memory = this.wasm.memory;
    // Room past everything the module uses, for the ids to check (the instance is not used for reading again).
    const at = memory.buffer.byteLength;
    const keysAt = at + Math.ceil(kept.pool.length / 8) * 8;
    const end = keysAt + kept.keys.byteLength;
    if (end > 2 ** 31) return undefined;
    memory.grow(Math.ceil((end - at) / PAGE));
    const bytes = new Uint8Array(memory.buffer);
    bytes.set(kept.pool, at);
    new Int32Array(memory.buffer, keysAt, kept.keys.length).set(kept.keys);
    return this.wasm.idsCollide(keysAt, at, kept.count) !== 0;
  }

  /**
   * Lets go of the module's memory (a read goes on in a new instance): hundreds of megabytes after a large
   * file with ids, which would otherwise be held until this reader is collected.
   */
  release(): void {
    if (this.ready) throw new Error('internal: the fused reader let go of a part not handed over');
    this.wasm = undefined as unknown as FusedExports;
    this.bytes = new Uint8Array(0);
    this.source = undefined;
    this.idsStillHeld = false;
  }

  private carryLarge(): void {
    const wasm = this.wasm;
    const n = wasm.largeCarries();
    for (let k = 0; k < n; k++) {
      const key = wasm.largeKey(k);
      let ids = this.large.get(key);
      if (ids === undefined) this.large.set(key, (ids = []));
      ids.push(wasm.largeId(k));
      if (ids.length > 2 * LARGE_KEEP) this.large.set(key, this.firstInTextOrder(ids));
    }
  }

  /** The distinct ids of `ids` whose texts come first in text order, as many as any list can show and more. */
  private firstInTextOrder(ids: readonly number[]): number[] {
    const texts = this.setup.textList();
    // By UTF-16 code units, as the collector orders texts (distinct ids are distinct texts).
    const distinct = [...new Set(ids)].sort((a, b) => (texts[a]! < texts[b]! ? -1 : texts[a]! > texts[b]! ? 1 : 0));
    return distinct.slice(0, LARGE_KEEP);
  }

  /** A finding the general path accepted (see FindingSink). */
  addFinding(
    site: number, item: number, count: number, _file: number, line: number, recordId: number,
    inspector: number, note: number, photo: number,
  ): void {
    if (recordId >= 0 && !this.withIds) throw new Error('internal: a record id in a file read by the fused reader without them');
    if (!this.ready) this.start();
    while (!this.wasm.addFinding(site, item, count, line, inspector, note, photo, recordId)) this.moreRoom();
    this.carryLarge();
  }

  visit(site: number): void {
    if (!this.ready) this.start();
    this.wasm.visit(site);
  }

  /**
   * The findings so far, as a part for FindingCollector.importPart (its arrays copied out, so that they can
   * be sent to another thread; its text ids are the collector's, so it lists no texts), and the months of
   * their dates added to setup.months; the reader starts a new part if it reads on. Undefined when it has
   * read nothing.
   */
  part(): CollectedPart | undefined {
    if (!this.ready) return undefined;
    this.ready = false;
    const wasm = this.wasm;
    const buffer = wasm.memory.buffer;
    const slots = wasm.slots();
    const blocks = wasm.blocks();
    const copy = (at: number, bytes: number) => buffer.slice(at, at + bytes);
    const months = this.bytes.subarray(wasm.monthBitsAddress(), wasm.monthBitsAddress() + wasm.monthBitsBytes());
    for (let byte = 0; byte < months.length; byte++) {
      if (months[byte] === 0) continue;
      for (let bit = 0; bit < 8; bit++) {
        if ((months[byte]! & (1 << bit)) === 0) continue;
        const index = byte * 8 + bit;
        this.setup.months.add(Math.floor(index / 12) * 100 + (index % 12) + 1);
      }
    }
    // Blocks of lines (and of their record ids) in slabs, as the collector keeps them.
    const slabsAt = (address: number) => {
      const slabs: Int32Array[] = [];
      for (let first = 0; first < blocks; first += SLAB_BLOCKS) {
        const slab = new Int32Array(SLAB_BLOCKS * BLOCK_LINES);
        slab.set(new Int32Array(buffer, address + first * BLOCK_BYTES, Math.min(SLAB_BLOCKS, blocks - first) * BLOCK_LINES));
        slabs.push(slab);
      }
      return slabs;
    };
    const slabs = slabsAt(wasm.linesAddress());
    const textStarts = new Int32Array(slots * 3 + 1);
    const listed: number[] = [];
    for (let key = 0; key < slots * 3; key++) {
      const ids = this.large.get(key);
      if (ids !== undefined) for (const id of this.firstInTextOrder(ids)) listed.push(id);
      textStarts[key + 1] = listed.length;
    }
    return {
      visited: new Uint8Array(copy(wasm.visitedAddress(), this.setup.siteIds.length)),
      cells: new Int32Array(copy(wasm.slotCellsAddress(), slots * 8)),
      counts: new Float64Array(copy(wasm.countsAddress(), slots * 8)),
      heads: new Int32Array(copy(wasm.headsAddress(), slots * 4)),
      sizes: new Int32Array(copy(wasm.sizesAddress(), slots * 4)),
      blockNext: new Int32Array(copy(wasm.blockNextAddress(), blocks * 4)),
      slabs,
      carriedBits: new Int32Array(copy(wasm.bitsAddress(), slots * 24)),
      textStarts,
      textIds: Int32Array.from(listed),
      // No texts: its ids are the collector's (see CollectedPart.texts).
      // Record ids only when a finding has one: as the collector, which then lists sources by text.
      ...(this.withIds && wasm.findingsWithRecordIds() > 0 ? { recordIds: slabsAt(wasm.idsAddress()) } : {}),
    };
  }
}
