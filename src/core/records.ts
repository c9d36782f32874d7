// SPEC §3: what a records header and row must hold, checked against the rule set. Pure.

import { ByteTable, hashBytes } from './byte-table.js';
import { compareNaturalBytes } from './text.js';
import { diagnostic, MAX_QUOTED_CHARS, printable, type Diagnostic } from './diagnostics.js';
import type { AcceptedRecord, RecordIdNames, RuleSet, Source } from './types.js';

export type ColumnKey = 'site' | 'item' | 'count' | 'date' | 'recordId' | 'inspector' | 'note' | 'photo';

/** Accepted headers per column, matched case-insensitively after trimming. */
export const RECORD_HEADERS: Record<ColumnKey, readonly string[]> = {
  site: ['site_id', '点位编号'],
  item: ['item_code', '测评标准编号', '问题编号'],
  count: ['count', '数量', '处数'],
  date: ['date', '日期'],
  recordId: ['record_id', '记录编号'],
  inspector: ['inspector', '测评员'],
  note: ['note', '备注'],
  photo: ['photo', '照片'],
};

const COLUMN_ZH: Record<ColumnKey, string> = {
  site: '点位编号', item: '测评标准编号', count: '数量', date: '日期', recordId: '记录编号',
  inspector: '测评员', note: '备注', photo: '照片',
};

export type HeaderMap = Partial<Record<ColumnKey, number>>;

/** Trims ASCII and full-width spaces and NFKC-normalises (`Ｃ０３－０１` → `C03-01`, `９５．５` → `95.5`). */
export function cleanCell(value: string | undefined): string {
  if (value === undefined) return '';
  if (plainAscii(value)) return value;
  return value.normalize('NFKC').replace(/^[\s\u3000\uFEFF]+|[\s\u3000\uFEFF]+$/g, '');
}

/**
 * Whether a cell is ASCII with no space at either end: cleanCell leaves it as it is (NFKC changes no ASCII
 * character), so it skips normalising and trimming (a record id a row in a month with ids).
 */
function plainAscii(value: string): boolean {
  const last = value.length - 1;
  if (last < 0 || value.charCodeAt(0) <= 0x20 || value.charCodeAt(last) <= 0x20) return false;
  for (let i = 0; i <= last; i++) if (value.charCodeAt(i) >= 0x80) return false;
  return true;
}

export function normaliseHeader(value: string): string {
  return cleanCell(value).toLowerCase();
}

export function mapHeader(fields: readonly string[], file: string, line: number): { map?: HeaderMap; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const map: HeaderMap = {};
  const lookup = new Map<string, ColumnKey>();
  for (const [key, names] of Object.entries(RECORD_HEADERS) as [ColumnKey, readonly string[]][]) {
    for (const name of names) lookup.set(name.toLowerCase(), key);
  }
  fields.forEach((raw, index) => {
    const key = lookup.get(normaliseHeader(raw));
    if (key === undefined) return;
    const first = map[key];
    if (first !== undefined) {
      diagnostics.push(
        diagnostic('REC_DUPLICATE_COLUMN', { file, line, col: index + 1 }, {
          column: key, columnZh: COLUMN_ZH[key], first: first + 1, second: index + 1,
        }),
      );
      return;
    }
    map[key] = index;
  });
  if (map.site === undefined) {
    diagnostics.push(
      diagnostic('REC_MISSING_COLUMN', { file, line, col: 1 }, {
        column: 'site', columnZh: COLUMN_ZH.site, accepted: RECORD_HEADERS.site.join(' / '),
      }),
    );
  }
  return diagnostics.length ? { diagnostics } : { map, diagnostics };
}

const DATE_PATTERN = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/;
const COUNT_PATTERN = /^\d+$/;
/** Counts above this are almost certainly typos (a phone number, a date) and would lose exactness. */
export const MAX_COUNT = 1_000_000;

export function parseDate(text: string): string | undefined {
  const match = DATE_PATTERN.exec(text);
  if (!match) return undefined;
  const [, y, m, d] = match;
  const year = Number(y);
  const month = Number(m);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1) return undefined;
  // Gregorian leap years, year 0000 included (Date.UTC would read years 0–99 as 1900–1999, and make
  // 0000-02-29 invalid where the byte readers, rightly, take it).
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const daysInMonth = month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
  if (day > daysInMonth) return undefined;
  return `${y}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export interface RowFields {
  site: string;
  item: string;
  count: string;
  date: string;
  recordId: string;
}

export interface RejectedRow {
  source: Source;
  fields: RowFields;
  diagnostics: Diagnostic[];
}

export type RowOutcome =
  | { record: AcceptedRecord; date?: string }
  /** duplicateOf: where the row's record_id was first accepted, when that made it a duplicate. */
  | { rejected: RejectedRow; duplicateOf?: { file: string; line: number } };

/**
 * Where a file's record ids are kept while the fused reader reads it (its module checks them itself; see
 * FastRows): the duplicate check asks it, then takes them over (RecordChecker.adoptIds).
 */
export interface IdKeeper {
  /** The id's number, or −1; or IDS_HANDED_OVER when it handed its ids over meanwhile (ask the check). */
  findId(bytes: Uint8Array, start: number, end: number): number;
  /** As RecordIds.claim; or IDS_HANDED_OVER, having claimed nothing, when it handed its ids over meanwhile. */
  claimIdBytes(bytes: Uint8Array, start: number, end: number, line: number): number;
  idLine(id: number): number;
}

/**
 * What an IdKeeper answers when, asked about an id, it had no room for more and gave its ids to the duplicate
 * check (RecordChecker.adoptIds): the check then answers itself.
 */
export const IDS_HANDED_OVER = -3;

/** Ids as a keeper hands them over: per id its start in `pool` and its length (~length when not a plain CSV cell), and its line. */
export interface KeptIdList {
  count: number;
  keys: Int32Array;
  lines: Int32Array;
  pool: Uint8Array;
  /** Ids [0, ordered) rise in natural order, each a plain CSV cell (see RecordIds.orderedTo). */
  ordered: number;
}

/**
 * Record ids seen, by their UTF-8 bytes, with where each was first accepted (its line and file number). A
 * month with ids checks and remembers one per row; a Map of a million strings cost ~0.5 µs a row in lookups
 * and a string per entry.
 */
class RecordIds implements RecordIdNames {
  /** Each id's entry in `lines`, `fileNumbers` and `keys` (where its bytes are in the table's pool). */
  // Room for a city month's ids from the start (1 MiB of slots, taken from the system as it is touched):
  // growing through 20,000 ids took ~10 ms of a city month, in code not yet optimised.
  private readonly table = new ByteTable(1 << 15, 1 << 18);
  private lines = new Int32Array(1 << 11);
  private fileNumbers = new Int32Array(1 << 11);
  /**
   * Per entry, side by side (the ledger reads them in no useful order: one cache miss, not three): the start
   * of its bytes in the pool and their length, or ~length when the id is not printable ASCII that a CSV cell
   * need not quote (see writeSorted).
   */
  private keys = new Int32Array(2 << 11);
  longestBytes = 0;
  /** Entries; those from `indexed` on were taken over (see adopt) and are not in the table yet. */
  count = 0;
  private indexed = 0;
  /** While a file's ids are kept elsewhere (see keepIn): where, and that file's number. */
  private keeper: IdKeeper | undefined;
  private keeperFile = -1;
  private readonly encoded = new Uint8Array(1 << 10);
  private readonly encoder = new TextEncoder();
  private readonly decoder = new TextDecoder();

  /** The entry of the id spelt by bytes[start, end), or −1. */
  find(bytes: Uint8Array, start: number, end: number): number {
    if (this.keeper) {
      const entry = this.keeper.findId(bytes, start, end);
      if (entry !== IDS_HANDED_OVER) return entry;
    }
    if (this.indexed < this.count) this.index();
    const slot = this.table.slotOf(hashBytes(bytes, start, end), bytes, start, end);
    return this.table.holds(slot) ? this.table.value(slot) : -1;
  }

  /** Remembers an id not yet remembered and returns its new entry; −1 (nothing changed) when it is remembered. */
  claim(bytes: Uint8Array, start: number, end: number, line: number, file: number): number {
    if (this.keeper) {
      const entry = this.keeper.claimIdBytes(bytes, start, end, line);
      if (entry !== IDS_HANDED_OVER) return entry;
    }
    if (this.indexed < this.count) this.index();
    const hash = hashBytes(bytes, start, end);
    const slot = this.table.slotOf(hash, bytes, start, end);
    if (this.table.holds(slot)) return -1;
    const entry = this.count++;
    this.indexed = this.count;
    this.room(this.count);
    this.lines[entry] = line;
    this.fileNumbers[entry] = file;
    this.keys[2 * entry] = this.table.add(slot, hash, bytes, start, end, entry);
    this.keys[2 * entry + 1] = plainCell(bytes, start, end) ? end - start : ~(end - start);
    if (end - start > this.longestBytes) this.longestBytes = end - start;
    this.orderLast();
    return entry;
  }

  /**
   * Ids [0, orderedTo) rise in natural order with their numbers, each a plain CSV cell (record numbers
   * usually do): the ledger then orders an entry's ids by number, and ids handed on by a worker that rise
   * after them cannot repeat one (see append).
   */
  private orderedTo = 0;

  /** Whether id `a` comes before id `b` in natural order, both plain CSV cells (ASCII). */
  private before(a: number, b: number): boolean {
    const { keys } = this;
    const pool = this.table.keyPool;
    return compareNaturalBytes(pool, keys[2 * a]!, keys[2 * a]! + keys[2 * a + 1]!, keys[2 * b]!, keys[2 * b]! + keys[2 * b + 1]!) < 0;
  }

  /** Extends orderedTo past a new last entry when it follows the one before. */
  private orderLast(): void {
    const last = this.count - 1;
    if (this.orderedTo !== last || this.keys[2 * last + 1]! < 0) return;
    if (last === 0 || this.before(last - 1, last)) this.orderedTo = last + 1;
  }

  /** Room for `entries` entries. */
  private room(entries: number): void {
    if (entries <= this.lines.length) return;
    // Doubled, or to what a part handed on needs (millions at once: no more than that).
    const size = Math.max(entries, 2 * this.lines.length);
    this.lines = grown(this.lines, size);
    this.fileNumbers = grown(this.fileNumbers, size);
    this.keys = grown(this.keys, 2 * size);
  }

  /** Puts the entries taken over into the table (when an id is next looked up: often never). */
  private index(): void {
    const { keys, table } = this;
    const pool = table.keyPool;
    for (let entry = this.indexed; entry < this.count; entry++) {
      const start = keys[2 * entry]!;
      const kept = keys[2 * entry + 1]!;
      const end = start + (kept < 0 ? ~kept : kept);
      const hash = hashBytes(pool, start, end);
      table.index(table.slotOf(hash, pool, start, end), hash, start, end - start, entry);
    }
    this.indexed = this.count;
  }

  /**
   * Checks and keeps the ids of file number `file` in `keeper` until adopt() takes them over; numbered there
   * as they will be here. Only while none is held here.
   */
  keepIn(keeper: IdKeeper, file: number): void {
    if (this.count > 0 || this.keeper) throw new Error('internal: record ids kept in two places');
    this.keeper = keeper;
    this.keeperFile = file;
  }

  /** Whether ids are held here or kept elsewhere. */
  get holdsAny(): boolean {
    return this.count > 0 || this.keeper !== undefined;
  }

  /** Every id held, in number order (with its line; see KeptIdList): a worker hands its part's ids on this way. */
  exportAll(): KeptIdList {
    if (this.keeper) throw new Error('internal: record ids exported while kept elsewhere');
    const count = this.count;
    return {
      count, keys: this.keys.slice(0, 2 * count), lines: this.lines.slice(0, count), pool: this.table.keyPool.slice(0, this.table.poolUsedBytes),
      ordered: this.orderedTo,
    };
  }

  /**
   * Takes on the ids another reader accepted after all held here (a worker's part of a file: ids `kept`, on
   * lines `lineOffset` further on, of file number `file`), numbered from the returned base on; −1, taking
   * nothing, when one of them, or one of `alsoChecked` (the ids of rows it rejected), was accepted here.
   */
  append(kept: KeptIdList, alsoChecked: readonly string[], file: number, lineOffset: number, check = true): number {
    if (this.keeper) throw new Error('internal: record ids appended while kept elsewhere');
    const after = this.comesAfter(kept);
    for (let entry = 0; check && !after && entry < kept.count; entry++) {
      const start = kept.keys[2 * entry]!;
      const length = kept.keys[2 * entry + 1]!;
      if (this.find(kept.pool, start, start + (length < 0 ? ~length : length)) >= 0) return -1;
    }
    for (const id of check ? alsoChecked : []) {
      const bytes = this.bytesOf(id);
      if (this.find(bytes, 0, bytes.length) >= 0) return -1;
    }
    const base = this.count;
    const poolBase = this.table.appendPool(kept.pool);
    this.room(base + kept.count);
    for (let entry = 0; entry < kept.count; entry++) {
      const length = kept.keys[2 * entry + 1]!;
      this.keys[2 * (base + entry)] = kept.keys[2 * entry]! + poolBase;
      this.keys[2 * (base + entry) + 1] = length;
      this.lines[base + entry] = kept.lines[entry]! + lineOffset;
      if ((length < 0 ? ~length : length) > this.longestBytes) this.longestBytes = length < 0 ? ~length : length;
    }
    this.fileNumbers.fill(file, base, base + kept.count);
    // Put into the table when an id is next looked up (see index).
    this.count = base + kept.count;
    if (this.orderedTo === base && (after || (base === 0 && kept.ordered > 0))) this.orderedTo = base + kept.ordered;
    return base;
  }

  /**
   * Whether every id held rises in natural order, and so do all of `kept`, the first after the last held:
   * then none of them is one held.
   */
  comesAfter(kept: KeptIdList): boolean {
    if (this.keeper || this.orderedTo !== this.count || kept.ordered !== kept.count || kept.count === 0) return false;
    if (this.count === 0) return true;
    const { keys } = this;
    const last = this.count - 1;
    const firstLength = kept.keys[1]!;
    // Both in one buffer, for the comparison.
    const lastBytes = this.table.poolBytes(keys[2 * last]!, keys[2 * last + 1]!);
    const joined = new Uint8Array(lastBytes.length + firstLength);
    joined.set(lastBytes);
    joined.set(kept.pool.subarray(kept.keys[0]!, kept.keys[0]! + firstLength), lastBytes.length);
    return compareNaturalBytes(joined, 0, lastBytes.length, lastBytes.length, joined.length) < 0;
  }

  /** Takes over the ids `keeper` kept (as it numbered them) and checks here from now on. */
  adopt(kept: KeptIdList): void {
    const file = this.keeperFile;
    this.keeper = undefined;
    if (this.count > 0) throw new Error('internal: record ids taken over after others');
    if (kept.count > this.lines.length) {
      // Its arrays taken as they are (they are copies made for this): a million ids copied again cost ~10 ms.
      this.keys = kept.keys as Int32Array<ArrayBuffer>;
      this.lines = kept.lines as Int32Array<ArrayBuffer>;
      this.fileNumbers = new Int32Array(kept.count);
    } else {
      this.keys.set(kept.keys.subarray(0, 2 * kept.count));
      this.lines.set(kept.lines.subarray(0, kept.count));
    }
    this.fileNumbers.fill(file, 0, kept.count);
    // The keeper's ids start at 0 in its pool: so they do here (nothing is held yet).
    if (this.table.appendPool(kept.pool, true) !== 0) throw new Error('internal: record ids taken over after others');
    for (let entry = 0; entry < kept.count; entry++) {
      const length = kept.keys[2 * entry + 1]!;
      if ((length < 0 ? ~length : length) > this.longestBytes) this.longestBytes = length < 0 ? ~length : length;
    }
    this.count = kept.count;
    this.indexed = 0;
    this.orderedTo = kept.ordered;
  }

  writeSorted(numbers: Int32Array, out: Uint8Array, at: number, separator: Uint8Array): number {
    if (this.keeper) throw new Error('internal: record ids written while kept elsewhere');
    const keys = this.keys;
    let highest = -1;
    for (let i = 0; i < numbers.length; i++) {
      const number = numbers[i]!;
      if (keys[2 * number + 1]! < 0) return -1;
      if (number > highest) highest = number;
    }
    const pool = this.table.keyPool;
    if (highest < this.orderedTo) {
      // Ids accepted so far rise in natural order with their numbers (record numbers usually do): ordered by
      // number, without looking at their bytes.
      for (let i = 1; i < numbers.length; i++) {
        if (numbers[i - 1]! > numbers[i]!) {
          numbers.sort();
          break;
        }
      }
    } else {
      const compare = (x: number, y: number) =>
        compareNaturalBytes(pool, keys[2 * x]!, keys[2 * x]! + keys[2 * x + 1]!, keys[2 * y]!, keys[2 * y]! + keys[2 * y + 1]!);
      // Ids are mostly given in order: then nothing is sorted.
      for (let i = 1; i < numbers.length; i++) {
        if (compare(numbers[i - 1]!, numbers[i]!) > 0) {
          numbers.sort(compare);
          break;
        }
      }
    }
    for (let i = 0; i < numbers.length; i++) {
      if (i > 0) for (let k = 0; k < separator.length; k++) out[at++] = separator[k]!;
      const from = keys[2 * numbers[i]!]!;
      const to = from + keys[2 * numbers[i]! + 1]!;
      for (let k = from; k < to; k++) out[at++] = pool[k]!;
    }
    return at;
  }

  numberOf(id: string): number {
    const bytes = this.bytesOf(id);
    const entry = this.find(bytes, 0, bytes.length);
    if (entry < 0) throw new Error(`internal: record id ${JSON.stringify(id)} was never remembered`);
    return entry;
  }

  textOf(entry: number): string {
    if (this.keeper) throw new Error('internal: record ids named while kept elsewhere');
    const length = this.keys[2 * entry + 1]!;
    const bytes = this.table.poolBytes(this.keys[2 * entry]!, length < 0 ? ~length : length);
    if (bytes[0] === 0xff) {
      let text = '';
      for (let i = 1; i + 1 < bytes.length; i += 2) text += String.fromCharCode((bytes[i]! << 8) | bytes[i + 1]!);
      return text;
    }
    return this.decoder.decode(bytes);
  }

  /**
   * An id given as text: its UTF-8 bytes (in a scratch buffer while short). Text with a lone surrogate, which
   * UTF-8 would spell as U+FFFD, is given as 0xFF (never a byte of UTF-8) and its UTF-16 code units instead,
   * so that no two ids have the same bytes.
   */
  bytesOf(id: string): Uint8Array {
    if (!wellFormed(id)) {
      const units = new Uint8Array(1 + 2 * id.length);
      units[0] = 0xff;
      for (let i = 0; i < id.length; i++) {
        units[1 + 2 * i] = id.charCodeAt(i) >> 8;
        units[2 + 2 * i] = id.charCodeAt(i) & 0xff;
      }
      return units;
    }
    const { read, written } = this.encoder.encodeInto(id, this.encoded);
    return read === id.length ? this.encoded.subarray(0, written) : this.encoder.encode(id);
  }

  line(entry: number): number {
    return this.keeper ? this.keeper.idLine(entry) : this.lines[entry]!;
  }

  fileNumber(entry: number): number {
    return this.keeper ? this.keeperFile : this.fileNumbers[entry]!;
  }
}

/** Whether bytes[start, end) are printable ASCII with no '"' or ',' (a CSV cell of them joined by "; " is not quoted). */
function plainCell(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const b = bytes[i]!;
    if (b < 0x21 || b > 0x7e || b === 0x22 || b === 0x2c) return false;
  }
  return true;
}

/** Whether text has no lone surrogate (String.prototype.isWellFormed, which ES2022 lacks). */
function wellFormed(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0xd800 || unit > 0xdfff) continue;
    const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
    if (unit > 0xdbff || next < 0xdc00 || next > 0xdfff) return false;
    i++;
  }
  return true;
}

function grown(array: Int32Array<ArrayBuffer>, size = array.length * 2): Int32Array<ArrayBuffer> {
  const bigger = new Int32Array(size);
  bigger.set(array);
  return bigger;
}

/** Checks rows against the rule set; remembers record ids to catch duplicates across files. */
export class RecordChecker {
  private readonly ids = new RecordIds();
  private readonly files: string[] = [];
  private readonly fileNumbers = new Map<string, number>();

  constructor(
    private readonly ruleSet: RuleSet,
    private readonly period?: string,
  ) {}

  /** The record ids accepted so far, by number (a collector lists its sources' ids through them). */
  get names(): RecordIdNames {
    return this.ids;
  }

  /** Where a record_id was first accepted, if it was. */
  firstAt(recordId: string): string | undefined {
    const first = this.firstAccepted(recordId);
    return first && `${first.file}:${first.line}`;
  }

  /** The file and line where a record_id was first accepted, if it was. */
  firstAccepted(recordId: string): { file: string; line: number } | undefined {
    const bytes = this.ids.bytesOf(recordId);
    const entry = this.ids.find(bytes, 0, bytes.length);
    return entry < 0 ? undefined : { file: this.files[this.ids.fileNumber(entry)]!, line: this.ids.line(entry) };
  }

  /** Remembers an accepted record's id and returns its number (see names). */
  remember(recordId: string, file: string, line: number): number {
    const bytes = this.ids.bytesOf(recordId);
    return this.claimBytes(bytes, 0, bytes.length, file, line);
  }

  /**
   * For the fast path, which accepts rows without calling `check`: remembers the id spelt (in UTF-8, as
   * cleanCell would leave it) by bytes[start, end) as accepted at `file`, `line`, and returns its number;
   * −1, remembering nothing, when it was accepted before (the row is then the general path's to reject).
   */
  claimBytes(bytes: Uint8Array, start: number, end: number, file: string, line: number): number {
    return this.ids.claim(bytes, start, end, line, this.fileNumber(file));
  }

  private fileNumber(file: string): number {
    if (file !== this.lastFile) {
      let number = this.fileNumbers.get(file);
      if (number === undefined) {
        number = this.files.length;
        this.files.push(file);
        this.fileNumbers.set(file, number);
      }
      this.lastFile = file;
      this.lastFileNumber = number;
    }
    return this.lastFileNumber;
  }

  /** Whether any record id was accepted yet (or is kept elsewhere). */
  get holdsIds(): boolean {
    return this.ids.holdsAny;
  }

  /**
   * Lets `keeper` check and keep the ids of `file` (the fused reader's module, which then needs no call per
   * row) until adoptIds() takes them over; only while no id was accepted before (see holdsIds).
   */
  keepIdsIn(keeper: IdKeeper, file: string): void {
    this.ids.keepIn(keeper, this.fileNumber(file));
  }

  /** Takes over the ids a keeper kept (see keepIdsIn): checked here from now on. */
  adoptIds(kept: KeptIdList): void {
    this.ids.adopt(kept);
  }

  /** Ids given as text, laid out as a keeper hands ids over (their lines 0): to be checked by one. */
  idList(ids: readonly string[]): KeptIdList {
    const spelt = ids.map((id) => this.ids.bytesOf(id).slice());
    const keys = new Int32Array(2 * ids.length);
    const pool = new Uint8Array(spelt.reduce((n, bytes) => n + bytes.length, 0));
    let at = 0;
    spelt.forEach((bytes, i) => {
      pool.set(bytes, at);
      keys[2 * i] = at;
      keys[2 * i + 1] = bytes.length;
      at += bytes.length;
    });
    return { count: ids.length, keys, lines: new Int32Array(ids.length), pool, ordered: 0 };
  }

  /** Whether ids `kept` all come after every id accepted here, in natural order (see RecordIds.comesAfter). */
  idsComeAfter(kept: KeptIdList): boolean {
    return this.ids.comesAfter(kept);
  }

  /** Every record id accepted, with its line, in the order accepted (a worker hands its part's on this way). */
  exportIds(): KeptIdList {
    return this.ids.exportAll();
  }

  /**
   * Takes on the ids a worker accepted in the part of `file` after this thread's (see RecordIds.append):
   * the base their numbers are counted from here, or −1 when one of them, or of `alsoChecked`, was accepted
   * here (the part must then be read here, which finds the duplicates). Without `check`, the caller has
   * made sure none was.
   */
  appendIds(kept: KeptIdList, alsoChecked: readonly string[], file: string, lineOffset: number, check: boolean): number {
    return this.ids.append(kept, alsoChecked, this.fileNumber(file), lineOffset, check);
  }

  private lastFile: string | undefined;
  private lastFileNumber = -1;

  check(raw: readonly string[], map: HeaderMap, headerLength: number, file: string, line: number): RowOutcome {
    const cell = (key: ColumnKey): string => {
      const index = map[key];
      return index === undefined ? '' : cleanCell(raw[index]);
    };
    const fields: RowFields = {
      site: cell('site'), item: cell('item'), count: cell('count'), date: cell('date'), recordId: cell('recordId'),
    };
    const diagnostics: Diagnostic[] = [];
    const at = (key: ColumnKey) => ({ file, line, col: (map[key] ?? 0) + 1, field: RECORD_HEADERS[key][0] });

    if (raw.length > headerLength && raw.slice(headerLength).some((v) => cleanCell(v) !== '')) {
      diagnostics.push(diagnostic('REC_EXTRA_FIELDS', { file, line, col: headerLength + 1 }, { count: raw.length, expected: headerLength }));
    }
    const site = this.ruleSet.siteById.get(fields.site);
    if (fields.site === '') diagnostics.push(diagnostic('REC_MISSING_SITE', at('site')));
    else if (!site) diagnostics.push(diagnostic('REC_UNKNOWN_SITE', at('site'), { site: fields.site }));

    if (fields.item !== '') {
      const item = this.ruleSet.itemByCode.get(fields.item);
      if (!item) diagnostics.push(diagnostic('REC_UNKNOWN_ITEM', at('item'), { item: fields.item }));
      else if (site && item.category !== site.category) {
        diagnostics.push(
          diagnostic('REC_ITEM_WRONG_CATEGORY', at('item'), {
            item: item.code, itemCategory: item.category, site: site.id, siteCategory: site.category,
          }),
        );
      }
    }

    let count = 1;
    if (fields.count !== '') {
      if (fields.item === '') {
        diagnostics.push(diagnostic('REC_COUNT_WITHOUT_ITEM', at('count'), { value: fields.count }));
      } else if (!COUNT_PATTERN.test(fields.count) || Number(fields.count) < 1 || Number(fields.count) > MAX_COUNT) {
        diagnostics.push(diagnostic('REC_BAD_COUNT', at('count'), { value: fields.count }));
      } else {
        count = Number(fields.count);
      }
    }

    let date: string | undefined;
    if (fields.date !== '') {
      date = parseDate(fields.date);
      if (date === undefined) diagnostics.push(diagnostic('REC_BAD_DATE', at('date'), { value: fields.date }));
      else if (this.period !== undefined && date.slice(0, 7) !== this.period) {
        diagnostics.push(diagnostic('REC_DATE_OUTSIDE_PERIOD', at('date'), { date, period: this.period }));
      }
    }

    const source: Source = { file, line };
    let duplicateOf: { file: string; line: number } | undefined;
    if (fields.recordId !== '') {
      source.recordId = fields.recordId;
      duplicateOf = this.firstAccepted(fields.recordId);
      if (duplicateOf !== undefined) {
        diagnostics.push(diagnostic('REC_DUPLICATE_ID', at('recordId'), { id: fields.recordId, first: `${duplicateOf.file}:${duplicateOf.line}` }));
      }
    }

    if (diagnostics.length > 0) {
      // Rejected rows are kept until rejected.csv is written: keep their cells short.
      const short = (v: string) => (v.length > MAX_QUOTED_CHARS ? printable(v) : v);
      const kept: RowFields = {
        site: short(fields.site), item: short(fields.item), count: short(fields.count), date: short(fields.date),
        recordId: short(fields.recordId),
      };
      return duplicateOf ? { rejected: { source, fields: kept, diagnostics }, duplicateOf } : { rejected: { source, fields: kept, diagnostics } };
    }
    if (source.recordId !== undefined) this.remember(source.recordId, file, line);
    const record: AcceptedRecord = { site: fields.site, count, source };
    if (fields.item !== '') record.item = fields.item;
    const keep = (key: ColumnKey) => {
      const index = map[key];
      const value = index === undefined ? '' : (raw[index] ?? '');
      return value.trim() === '' ? undefined : value;
    };
    const inspector = keep('inspector');
    const note = keep('note');
    const photo = keep('photo');
    if (inspector !== undefined) record.inspector = inspector;
    if (note !== undefined) record.note = note;
    if (photo !== undefined) record.photo = photo;
    return date !== undefined ? { record, date } : { record };
  }
}
