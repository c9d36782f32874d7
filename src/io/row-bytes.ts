// Reading the key fields of a records row straight from its bytes: ids through byte hash tables, counts
// and dates from digits, free text interned by its bytes. Used by the records reader's fast paths, which
// hand anything these cannot read to the one general checker.

import { ByteTable, hashBytes } from '../core/byte-table.js';
import type { BytesToText } from './csv.js';

/** Open-addressing table from ASCII id bytes to their index, so a row's ids are matched without strings. */
export class ByteKeyTable {
  private readonly slots: Int32Array;
  /** All keys back to back: key k spans pool[offsets[k], offsets[k + 1]). */
  private readonly pool: Uint8Array;
  private readonly offsets: Int32Array;
  private readonly mask: number;

  constructor(ids: readonly string[]) {
    let size = 16;
    while (size < ids.length * 4) size *= 2;
    this.slots = new Int32Array(size).fill(-1);
    this.mask = size - 1;
    this.offsets = new Int32Array(ids.length + 1);
    // Non-ASCII or spaced ids are left out: rows naming them take the general path.
    const plain = ids.map(plainId);
    let bytes = 0;
    for (let index = 0; index < ids.length; index++) if (plain[index]) bytes += ids[index]!.length;
    this.pool = new Uint8Array(bytes);
    let at = 0;
    for (let index = 0; index < ids.length; index++) {
      this.offsets[index] = at;
      if (plain[index]) {
        const start = at;
        at = putAscii(this.pool, at, ids[index]!);
        let slot = hashBytes(this.pool, start, at) & this.mask;
        while (this.slots[slot] !== -1) slot = (slot + 1) & this.mask;
        this.slots[slot] = index;
      }
      this.offsets[index + 1] = at;
    }
  }

  /** The index of the id spelt by bytes[start, end), or −1. */
  lookup(bytes: Uint8Array, start: number, end: number): number {
    return this.find(hashBytes(bytes, start, end), bytes, start, end);
  }

  /** lookup() given the bytes' hashBytes(). */
  find(hash: number, bytes: Uint8Array, start: number, end: number): number {
    const length = end - start;
    let slot = hash & this.mask;
    const pool = this.pool;
    for (;;) {
      const index = this.slots[slot]!;
      if (index === -1) return -1;
      const keyStart = this.offsets[index]!;
      if (this.offsets[index + 1]! - keyStart === length) {
        let k = 0;
        while (k < length && pool[keyStart + k] === bytes[start + k]) k++;
        if (k === length) return index;
      }
      slot = (slot + 1) & this.mask;
    }
  }
}

/** Distinct byte strings remembered before later ones are decoded every time (bounded memory). */
const MAX_INTERNED = 50_000;

/**
 * Repeated free text (inspector names, stock notes) decoded once and known by a text id: the bytes of
 * each distinct value are kept in one pool and found again by hash, so a row's text costs no string.
 */
export class ByteTexts {
  /** Text ids by the bytes they were read from. */
  private readonly table = new ByteTable();

  constructor(
    private readonly decode: BytesToText,
    /** The id of a text that is not blank. */
    private readonly textId: (text: string) => number,
  ) {}

  /** The text id of bytes[start, end) (non-empty, unquoted), or −1 when it is only spaces. */
  id(bytes: Uint8Array, start: number, end: number): number {
    const hash = hashBytes(bytes, start, end);
    const slot = this.table.slotOf(hash, bytes, start, end);
    if (this.table.holds(slot)) return this.table.value(slot);
    // A text not seen before: decoded, and remembered while there are not too many.
    const id = this.idOf(this.decode(bytes, start, end));
    if (this.table.size < MAX_INTERNED) this.table.add(slot, hash, bytes, start, end, id);
    return id;
  }

  /** The id of a decoded text (as `id` gives it for the text's bytes). */
  idOf(text: string): number {
    return text.trim() === '' ? -1 : this.textId(text);
  }
}

const DIGIT0 = 0x30;
const isDigit = (b: number | undefined): boolean => b !== undefined && b >= 0x30 && b <= 0x39;
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Whether bytes[start, end) are ASCII, not empty, with no space or control byte at either end. */
export function plainAsciiBytes(bytes: Uint8Array, start: number, end: number): boolean {
  if (end <= start || bytes[start]! <= 0x20 || bytes[end - 1]! <= 0x20) return false;
  for (let i = start; i < end; i++) if (bytes[i]! >= 0x80) return false;
  return true;
}

/** A count of 1–7 ASCII digits, or −1. */
export function parseCountBytes(bytes: Uint8Array, start: number, end: number): number {
  if (end - start > 7 || end === start) return -1;
  let count = 0;
  for (let k = start; k < end; k++) {
    const b = bytes[k]!;
    if (b < 0x30 || b > 0x39) return -1;
    count = count * 10 + b - DIGIT0;
  }
  return count;
}

/** `YYYY-MM-DD`, `YYYY/M/D`, `YYYY-M-D` as yyyymm × 100 + dd, or -1 when the bytes are not such a date. */
export function parseDateBytes(bytes: Uint8Array, start: number, end: number): number {
  const length = end - start;
  if (length < 8 || length > 10) return -1;
  for (let k = 0; k < 4; k++) if (!isDigit(bytes[start + k])) return -1;
  const year = (bytes[start]! - DIGIT0) * 1000 + (bytes[start + 1]! - DIGIT0) * 100 + (bytes[start + 2]! - DIGIT0) * 10 + (bytes[start + 3]! - DIGIT0);
  const sep = bytes[start + 4];
  if (sep !== 0x2d && sep !== 0x2f) return -1;
  let i = start + 5;
  let month = 0;
  let digits = 0;
  while (i < end && isDigit(bytes[i]) && digits < 2) {
    month = month * 10 + bytes[i]! - DIGIT0;
    i++;
    digits++;
  }
  if (digits === 0 || i >= end || (bytes[i] !== 0x2d && bytes[i] !== 0x2f)) return -1;
  i++;
  let day = 0;
  digits = 0;
  while (i < end && isDigit(bytes[i]) && digits < 2) {
    day = day * 10 + bytes[i]! - DIGIT0;
    i++;
    digits++;
  }
  if (digits === 0 || i !== end || month < 1 || month > 12 || day < 1) return -1;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  if (day > (month === 2 && leap ? 29 : DAYS[month - 1]!)) return -1;
  return (year * 100 + month) * 100 + day;
}

// The id tables are made at every start, before reading can begin, by code not yet optimised: plain loops
// over char codes, not a buffer and a regular expression per id (~5 ms for the bundled rules' 900 ids).

/** Whether an id is printable ASCII without spaces: the only ids the byte tables hold. */
function plainId(id: string): boolean {
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return false;
  }
  return id.length > 0;
}

/** Writes a plain id's bytes (its char codes) from `at`; returns where they end. */
function putAscii(out: Uint8Array, at: number, id: string): number {
  for (let i = 0; i < id.length; i++) out[at + i] = id.charCodeAt(i);
  return at + id.length;
}
