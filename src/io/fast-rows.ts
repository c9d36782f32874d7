// The records reader's fused fast path: one pass over the bytes of a run of plain rows that splits the
// fields, reads the key ones and adds the record to the collector, with no row view, no string and no
// call per field. It stops at the first row it is not sure of — a quote anywhere, a lone CR, too few or
// too many fields, an unknown or mistyped id, a count or date it cannot read, a date outside the period,
// a blank row — and leaves that row to the tokenizer and the general checks, so it accepts exactly the
// rows the general path would accept, with the same results, and never rejects one itself.

import { MAX_COUNT } from '../core/records.js';
import type { FindingCollector } from '../core/score.js';
import type { RowRun } from './csv.js';
import { PACKED_MAX, PackedKeys, parseDateBytes, type ByteKeyTable, type ByteTexts } from './row-bytes.js';

/** The first calls of FastRows.rows take at most this many rows each (see there). */
const WARM_UP_CALLS = 8;
const WARM_UP_ROWS = 200;

/** Short texts remembered by their packed words, at most. */
const MAX_PACKED_TEXTS = 50_000;

/** The low n bytes of a word set, for n = 0…4. */
const LOW_BYTES = Int32Array.of(0, 0xff, 0xffff, 0xffffff, -1);

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/** What a column holds, for the fast path. */
export const enum Role {
  Ignored = 0,
  Site,
  Item,
  Count,
  Date,
  Inspector,
  Note,
  Photo,
}

export interface FastRowsSetup {
  delimiter: number;
  /** Role of each header column; rows must have exactly this many fields. */
  roles: Uint8Array;
  sites: ByteKeyTable;
  items: ByteKeyTable;
  /** The same ids, those of up to PACKED_MAX bytes, by packed words (see PackedKeys). */
  packedSites: PackedKeys;
  packedItems: PackedKeys;
  siteCategory: Int32Array;
  itemCategory: Int32Array;
  /** yyyymm of `--period`, or −1. */
  period: number;
  texts: ByteTexts;
  collector: FindingCollector;
  fileIndex: number;
  /** Months (yyyymm) of accepted dates. */
  months: Set<number>;
  /** Rows read so far in this file (the fast path adds its own), and the most allowed. */
  counter: { rows: number };
  maxRows: number;
}

/** Whether the fast path can read this delimiter: its test for special bytes relies on it being ≤ ','. */
export function fastDelimiter(delimiter: number): boolean {
  return delimiter === 0x2c || delimiter === 0x09;
}

export class FastRows implements RowRun {
  lines = 0;
  /** Rows read and accepted by the fast path, in all calls. */
  accepted = 0;
  private lastMonth = -2;
  private dateHead = 0;
  private dateMiddle = 0;
  private dateTail = -1;
  private dateMonth = -1;
  private calls = 0;
  private readonly packedSites: PackedKeys;
  private readonly packedItems: PackedKeys;
  /** Text ids of short free text, by packed words (longer text goes through setup.texts). */
  private readonly packedTexts = new PackedKeys();

  constructor(private readonly setup: FastRowsSetup) {
    this.packedSites = setup.packedSites;
    this.packedItems = setup.packedItems;
  }

  /** The text id of a field the packed table does not know yet (remembered if it is short). */
  private newText(bytes: Uint8Array, start: number, end: number, w0: number, w1: number, w2: number): number {
    const id = this.setup.texts.id(bytes, start, end);
    // Ids past 2^22 do not fit the table's slot; that many distinct texts means little repeats anyway.
    if (end - start <= PACKED_MAX && this.packedTexts.size < MAX_PACKED_TEXTS && id < 1 << 22) {
      this.packedTexts.insert(w0, w1, w2, end - start, id);
    }
    return id;
  }

  rows(bytes: Uint8Array, start: number, end: number, firstLine: number): number {
    // Only whole lines: every row read ends with an LF before `limit`, so the field loops need no bounds
    // check (each stops at that LF at the latest).
    // (No early return when there is none: one exit path, so V8 has seen it before it optimises the loop.)
    const limit = bytes.lastIndexOf(LF, end - 1) + 1;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const wordLimit = limit - 4;
    // The last canonical date read, as its bytes (three words) and month; the tail is −1 until there is one.
    const dateLimit = limit - 10;
    let dateHead = this.dateHead;
    let dateMiddle = this.dateMiddle;
    let dateTail = this.dateTail;
    let dateMonth = this.dateMonth;
    const { delimiter, roles, sites, items, siteCategory, itemCategory, period, collector, fileIndex } = this.setup;
    const { packedSites, packedItems, packedTexts } = this;
    const columns = roles.length;
    const last = columns - 1;
    // The first calls take only a few rows: V8 then has seen every path of this function (the loop's exit
    // included) before it optimises the loop, instead of optimising it mid-loop and throwing that away at
    // the first path it had not seen (measured: three such restarts on a million rows).
    const budget = Math.min(this.setup.maxRows - this.setup.counter.rows, this.calls < WARM_UP_CALLS ? WARM_UP_ROWS : Infinity);
    this.calls++;
    const warmUpMask = this.calls <= WARM_UP_CALLS ? 1 : 0;
    let line = firstLine;
    let pos = start;
    let done = 0;
    rows: while (pos < limit && done < budget) {
      let i = pos;
      let site = -1;
      let item = -1;
      let count = -1;
      let month = -1;
      let inspector = -1;
      let note = -1;
      let photo = -1;
      for (let col = 0; ; col++) {
        const fieldStart = i;
        let b = bytes[i]!;
        const role = roles[col]!;
        if (role === Role.Ignored) {
          while (b > 0x2c || (b !== delimiter && b !== LF && b !== CR && b !== QUOTE)) b = bytes[++i]!;
        } else if (role === Role.Date) {
          // The usual YYYY-MM-DD is read in place; any other spelling goes through parseDateBytes.
          if (b !== delimiter && b !== LF && b !== CR) {
            // Rows come mostly in date order: the same ten bytes as the last YYYY-MM-DD read are that date.
            // (While warming up, every other row parses its date even so: V8 must have seen both ways run
            // before it optimises, or the first change of date throws the optimised code away.)
            if ((done & warmUpMask) === 0 && i < dateLimit && view.getInt32(i) === dateHead && view.getInt32(i + 4) === dateMiddle && view.getUint16(i + 8) === dateTail) {
              i += 10;
              b = bytes[i]!;
              month = dateMonth;
            } else {
              let date = -1;
              if (bytes[i + 4] === 0x2d && bytes[i + 7] === 0x2d) {
                date = canonicalDate(bytes, i);
                if (date >= 0) {
                  if (i < dateLimit) {
                    dateHead = view.getInt32(i);
                    dateMiddle = view.getInt32(i + 4);
                    dateTail = view.getUint16(i + 8);
                    dateMonth = (date / 100) | 0;
                  }
                  i += 10;
                  b = bytes[i]!;
                }
              }
              if (date < 0) {
                while (b > 0x2c || (b !== delimiter && b !== LF && b !== CR && b !== QUOTE)) b = bytes[++i]!;
                date = parseDateBytes(bytes, fieldStart, i);
                if (date < 0) break rows;
              }
              month = (date / 100) | 0;
            }
            if (period >= 0 && month !== period) break rows;
          }
        } else if (role === Role.Count) {
          if (b !== delimiter && b !== LF && b !== CR) {
            let value = 0;
            while (b >= 0x30 && b <= 0x39) {
              value = value * 10 + b - 0x30;
              b = bytes[++i]!;
            }
            if (i === fieldStart || i - fieldStart > 7 || value < 1 || value > MAX_COUNT) break rows;
            count = value;
          }
        } else {
          // Ids and free text: found by scanning, then read as three big-endian words ending at the field's
          // end (the bytes before the field masked off: exact up to PACKED_MAX bytes) and looked up by those
          // words; longer ones by their bytes.
          for (;;) {
            // Four bytes at a time while none is ≤ ',' (the word has a byte below 0x2d exactly when
            // (x − 0x2d2d2d2d) & ~x & 0x80808080 ≠ 0), then byte by byte to it.
            while (i < wordLimit) {
              const x = view.getInt32(i, true);
              if (((x - 0x2d2d2d2d) & ~x & 0x80808080) !== 0) break;
              i += 4;
            }
            b = bytes[i]!;
            while (b > 0x2c) b = bytes[++i]!;
            if (b === delimiter || b === LF || b === CR || b === QUOTE) break;
            b = bytes[++i]!;
          }
          const length = i - fieldStart;
          let w0 = 0;
          let w1 = 0;
          let w2 = 0;
          if (length <= PACKED_MAX && length > 0) {
            if (i >= PACKED_MAX) {
              w0 = view.getInt32(i - 4);
              if (length < 4) {
                w0 &= LOW_BYTES[length]!;
              } else if (length > 4) {
                w1 = view.getInt32(i - 8);
                if (length < 8) {
                  w1 &= LOW_BYTES[length - 4]!;
                } else if (length > 8) {
                  w2 = view.getInt32(i - 12) & LOW_BYTES[length - 8]!;
                }
              }
            } else {
              // Fewer than 12 bytes before the field's end: byte by byte. CsvTokenizer never gets here (it
              // leaves 16 bytes before every row, see HEADROOM); this keeps other callers correct.
              for (let k = fieldStart; k < i; k++) {
                w2 = (w2 << 8) | (w1 >>> 24);
                w1 = (w1 << 8) | (w0 >>> 24);
                w0 = (w0 << 8) | bytes[k]!;
              }
            }
          }
          if (role === Role.Site) {
            site = length <= PACKED_MAX ? packedSites.find(w0, w1, w2, length) : sites.lookup(bytes, fieldStart, i);
            if (site < 0) break rows;
          } else if (length > 0) {
            if (role === Role.Item) {
              item = length <= PACKED_MAX ? packedItems.find(w0, w1, w2, length) : items.lookup(bytes, fieldStart, i);
              if (item < 0) break rows;
            } else if (b !== QUOTE) {
              let id = length <= PACKED_MAX ? packedTexts.find(w0, w1, w2, length) : -2;
              if (id === -2) id = this.newText(bytes, fieldStart, i, w0, w1, w2);
              if (role === Role.Inspector) inspector = id;
              else if (role === Role.Note) note = id;
              else photo = id;
            }
          }
        }
        if (col < last) {
          if (b !== delimiter) break rows;
          i++;
          continue;
        }
        if (b === LF) {
          i++;
        } else if (b === CR && bytes[i + 1] === LF) {
          i += 2;
        } else {
          break rows; // a quote, a lone CR, more fields than the header, or a count with other text
        }
        break;
      }
      if (site < 0) break;
      if (item >= 0) {
        if (itemCategory[item] !== siteCategory[site]) break;
      } else if (count >= 0) {
        break; // a count without an item
      }
      // Accepted.
      if (month !== this.lastMonth) {
        if (month >= 0) this.setup.months.add(month);
        this.lastMonth = month;
      }
      if (item < 0) collector.visit(site);
      else collector.addFinding(site, item, count < 0 ? 1 : count, fileIndex, line, undefined, inspector, note, photo);
      line++;
      done++;
      pos = i;
    }
    this.dateHead = dateHead;
    this.dateMiddle = dateMiddle;
    this.dateTail = dateTail;
    this.dateMonth = dateMonth;
    this.lines = done;
    this.accepted += done;
    this.setup.counter.rows += done;
    return pos;
  }
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** `YYYY-MM-DD` at bytes[i] (the dashes already seen) as yyyymmdd, or −1 (then parseDateBytes decides). */
function canonicalDate(bytes: Uint8Array, i: number): number {
  const y0 = bytes[i]! - 0x30;
  const y1 = bytes[i + 1]! - 0x30;
  const y2 = bytes[i + 2]! - 0x30;
  const y3 = bytes[i + 3]! - 0x30;
  const m0 = bytes[i + 5]! - 0x30;
  const m1 = bytes[i + 6]! - 0x30;
  const d0 = bytes[i + 8]! - 0x30;
  const d1 = bytes[i + 9]! - 0x30;
  // As unsigned, a byte below '0' is huge too.
  if (
    y0 >>> 0 > 9 || y1 >>> 0 > 9 || y2 >>> 0 > 9 || y3 >>> 0 > 9 ||
    m0 >>> 0 > 9 || m1 >>> 0 > 9 || d0 >>> 0 > 9 || d1 >>> 0 > 9
  ) return -1;
  const year = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
  const month = m0 * 10 + m1;
  const day = d0 * 10 + d1;
  if (month < 1 || month > 12 || day < 1) return -1;
  if (day > 28) {
    // Only the last days of a month need the calendar (and only February a leap-year test).
    const leap = (year & 3) === 0 && (year % 100 !== 0 || year % 400 === 0);
    if (day > (month === 2 && leap ? 29 : DAYS[month - 1]!)) return -1;
  }
  return (year * 100 + month) * 100 + day;
}
