// A table from byte strings to numbers (open addressing over typed arrays, the keys' bytes in one pool):
// found without making a string. The records reader's texts and the record-id checker keep one each.

/** FNV-1a over the bytes, folded to 30 bits: a small integer wherever it is passed. */
export function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return (h ^ (h >>> 15)) & 0x3fffffff;
}

export class ByteTable {
  /** Four int32s a slot: hash + 1 (0 = empty), the key's start in the pool, its length, its value. */
  private slots: Int32Array;
  private pool: Uint8Array;
  private poolUsed = 0;
  private count = 0;

  /** Room for `keys` keys (a power of two) before it first grows, and `poolBytes` of their bytes. */
  constructor(keys = 1 << 9, poolBytes = 1 << 14) {
    this.slots = new Int32Array(keys * 2 * 4);
    this.pool = new Uint8Array(poolBytes);
  }

  /** How many keys it holds. */
  get size(): number {
    return this.count;
  }

  /**
   * The slot of key bytes[start, end) (whose hashBytes() is `hash`): the one holding it, else the empty
   * one where add() would put it.
   */
  slotOf(hash: number, bytes: Uint8Array, start: number, end: number): number {
    const length = end - start;
    const slots = this.slots;
    const mask = (slots.length >> 2) - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const at = slot << 2;
      const stored = slots[at]!;
      if (stored === 0) return slot;
      if (stored === hash + 1 && slots[at + 2] === length) {
        const pool = this.pool;
        const from = slots[at + 1]!;
        let k = 0;
        while (k < length && pool[from + k] === bytes[start + k]) k++;
        if (k === length) return slot;
      }
    }
  }

  /** Whether slotOf() found the key there. */
  holds(slot: number): boolean {
    return this.slots[slot << 2] !== 0;
  }

  /** The value of the key in a slot that holds one. */
  value(slot: number): number {
    return this.slots[(slot << 2) + 3]!;
  }

  /** Stores a key that slotOf() did not find, in the slot it gave, with its value; returns where its bytes start in the pool. */
  add(slot: number, hash: number, bytes: Uint8Array, start: number, end: number, value: number): number {
    const length = end - start;
    // Offsets are int32: past 2 GiB of keys (tens of millions of record ids) it would be wrong, not slow.
    if (this.poolUsed + length > 0x7fffffff) throw new RangeError('more than 2 GiB of distinct keys in one table');
    if (this.poolUsed + length > this.pool.length) {
      const pool = new Uint8Array(Math.max(this.pool.length * 2, this.poolUsed + length));
      pool.set(this.pool.subarray(0, this.poolUsed));
      this.pool = pool;
    }
    // Short keys (record ids) byte by byte: a subarray per key cost more than the copy.
    const pool = this.pool;
    if (length <= 64) for (let k = 0, to = this.poolUsed; k < length; k++) pool[to + k] = bytes[start + k]!;
    else pool.set(bytes.subarray(start, end), this.poolUsed);
    const at = slot << 2;
    this.slots[at] = hash + 1;
    this.slots[at + 1] = this.poolUsed;
    this.slots[at + 2] = length;
    this.slots[at + 3] = value;
    this.poolUsed += length;
    if (++this.count * 2 > this.slots.length >> 2) this.grow();
    return this.poolUsed - length;
  }

  /**
   * Puts `bytes` at the end of the pool (keys are then put in with index()); returns where they start. With
   * `take`, an empty pool may become `bytes` itself (which the caller then leaves alone).
   */
  appendPool(bytes: Uint8Array, take = false): number {
    const start = this.poolUsed;
    if (take && start === 0 && bytes.length > this.pool.length) {
      this.pool = bytes;
      this.poolUsed = bytes.length;
      return 0;
    }
    if (start + bytes.length > 0x7fffffff) throw new RangeError('more than 2 GiB of distinct keys in one table');
    if (start + bytes.length > this.pool.length) {
      const pool = new Uint8Array(Math.max(this.pool.length * 2, start + bytes.length));
      pool.set(this.pool.subarray(0, start));
      this.pool = pool;
    }
    this.pool.set(bytes, start);
    this.poolUsed = start + bytes.length;
    return start;
  }

  /** Stores a key whose bytes are in the pool already (see appendPool) in the slot slotOf() gave. */
  index(slot: number, hash: number, start: number, length: number, value: number): void {
    const at = slot << 2;
    this.slots[at] = hash + 1;
    this.slots[at + 1] = start;
    this.slots[at + 2] = length;
    this.slots[at + 3] = value;
    if (++this.count * 2 > this.slots.length >> 2) this.grow();
  }

  /** Bytes of the pool in use. */
  get poolUsedBytes(): number {
    return this.poolUsed;
  }

  /** The pool every key's bytes are in, at the offsets add() returned; valid until the next add(). */
  get keyPool(): Uint8Array {
    return this.pool;
  }

  /** Bytes [start, start + length) of the pool (a key's, as add() placed it); valid until the next add(). */
  poolBytes(start: number, length: number): Uint8Array {
    return this.pool.subarray(start, start + length);
  }

  private grow(): void {
    const old = this.slots;
    const slots = new Int32Array(old.length * 2);
    const mask = (slots.length >> 2) - 1;
    for (let at = 0; at < old.length; at += 4) {
      if (old[at] === 0) continue;
      let slot = (old[at]! - 1) & mask;
      while (slots[slot << 2] !== 0) slot = (slot + 1) & mask;
      // Four stores, not a subarray per key: growing a table of a million ids took 0.15 s that way.
      const to = slot << 2;
      slots[to] = old[at]!;
      slots[to + 1] = old[at + 1]!;
      slots[to + 2] = old[at + 2]!;
      slots[to + 3] = old[at + 3]!;
    }
    this.slots = slots;
  }
}
