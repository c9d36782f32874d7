// The records reader's fused fast path, in WebAssembly (AssemblyScript): one pass over a run of plain rows
// that splits the fields, reads the key ones and adds each finding to a collector part held in this module's
// memory (see src/io/fast-rows.ts, which drives it, and FindingCollector.importPart, which takes the part).
// It stops at the first row it is not sure of — a quote anywhere, a lone CR, too few or too many fields, an
// unknown or mistyped id, a count or date it cannot read, a date outside the period, a blank row — and
// leaves that row to the tokenizer and the general checks, so it accepts exactly the rows the general path
// would accept. Compiled once, at build time; it starts at full speed where JavaScript would first have to be
// optimised (the reason it exists: see docs/bench.md).
//
// Memory: [layout base] input bytes · site, item and text tables · per-site arrays, a cell per (site, place),
// months seen · then the parts that grow (see place): per-aggregate arrays, the blocks' links, the blocks of
// lines. Offsets are set by setup(); JavaScript reads the part through the exported getters.

// Column roles: as Role in src/io/fast-rows.ts.
const IGNORED: i32 = 0;
const SITE: i32 = 1;
const ITEM: i32 = 2;
const COUNT: i32 = 3;
const DATE: i32 = 4;
const INSPECTOR: i32 = 5;
const NOTE: i32 = 6;
const RECORD_ID: i32 = 8;

const QUOTE: i32 = 0x22;
const LF: i32 = 0x0a;
const CR: i32 = 0x0d;
const MAX_COUNT: i32 = 1_000_000;

/** Lines per block, as BLOCK_LINES in src/core/score.ts. */
const BLOCK_LINES: i32 = 16;

// Why scan() returned (see `status`).
const STOPPED: i32 = 0;
const NEED_TEXT: i32 = 1;
const CARRY_LARGE: i32 = 2;
const NEED_ROOM: i32 = 3;
const NEED_ID: i32 = 4;

// Layout, set by setup().
let inputBase: usize = 0;
let rolesBase: usize = 0;
let columns: i32 = 0;
let delimiter: i32 = 0x2c;
let period: i32 = -1;
let siteTable: usize = 0;
let siteMask: i32 = 0;
let itemTable: usize = 0;
let itemMask: i32 = 0;
let textTable: usize = 0;
let textMask: i32 = 0;
let textCount: i32 = 0;
let keyPool: usize = 0;
let keyPoolUsed: i32 = 0;
let keyPoolSize: i32 = 0;
let pairTable: usize = 0;
let pairMask: i32 = 0;
let pairCount: i32 = 0;
let siteCategory: usize = 0;
let itemCategory: usize = 0;
let itemPlace: usize = 0;
let placesPerSite: i32 = 1;
let cells: usize = 0;
let visited: usize = 0;
let maxSlots: i32 = 0;
let slotCapacity: i32 = 0;
/** Where the parts that grow begin: per aggregate arrays, block links, lines (see place). */
let growing: usize = 0;
let slotCells: usize = 0;
let counts: usize = 0;
let sizes: usize = 0;
let heads: usize = 0;
let tails: usize = 0;
let bits: usize = 0;
/** A bit per month of years 0000–9999 (year × 12 + month − 1). */
const MONTH_BYTES: i32 = 120000 / 8;
let monthBits: usize = 0;
let blockNext: usize = 0;
let linesBase: usize = 0;
/** With a record_id column: per block, the numbers of its lines' record ids (−1: none), as its lines are laid out. */
let withIds: bool = false;
let idsBase: usize = 0;
/**
 * With ownIds, the record ids of the file are kept here (JavaScript asks this table for rows it reads
 * itself, and takes the ids over when the file is read): numbered in the order accepted, per id its start in
 * idPool and its length (~length when it is not a plain CSV cell: printable ASCII, no '"' or ','), and its
 * line; found through idTable, slots of (hash | 1, id), twice as many as ids fit. Else JavaScript checks
 * each id (NEED_ID).
 */
let ownIds: bool = false;
let idKeys: usize = 0;
let idLines: usize = 0;
let idHashes: usize = 0;
let idPool: usize = 0;
let idTable: usize = 0;
let idCount: i32 = 0;
let idCapacity: i32 = 0;
let idPoolUsed: i32 = 0;
let idPoolCapacity: i32 = 0;
/**
 * Ids [0, idsInOrder) rise in natural order (compareNatural in src/core/text.ts) with their numbers, each a
 * plain CSV cell: the ledger then orders an entry's ids by number, and ids of a part read by another thread
 * that all come after these cannot repeat one of them.
 */
let idsInOrder: i32 = 0;
/** Findings kept with a record id (a part lists record ids only when some has one, as the collector does). */
let findingsWithIds: i32 = 0;
/** Bytes of an id that did not fit the pool (NEED_ROOM); 0 once there is room. */
let idNeed: i32 = 0;
/** The empty slot idFind() stopped at: where idInsert() puts the id it did not find. */
let idSlot: i32 = 0;
let blockCapacity: i32 = 0;

// The part.
let slotCount: i32 = 0;
let blocksUsed: i32 = 1;

// What the last scan() saw.
let status: i32 = STOPPED;
let done: i32 = 0;
let eventStart: i32 = 0;
let eventEnd: i32 = 0;
let largeCount: i32 = 0;
let large0Key: i32 = 0;
let large0Id: i32 = 0;
let large1Key: i32 = 0;
let large1Id: i32 = 0;
let large2Key: i32 = 0;
let large2Id: i32 = 0;
/** The number JavaScript gave (see giveId) for the record id of the row at input offset givenAt (−1: none). */
let givenAt: i32 = -1;
let givenId: i32 = -1;
/**
 * Text ids given for the fields of the row being read, by their input offset, when the text table is full
 * (see addText): at most OVERRIDES, forgotten once the row is taken or left.
 */
const OVERRIDES: i32 = 8;
let overrideCount: i32 = 0;
// Static data, below __heap_base (where setup() lays the rest out): offsets, then ids.
const overrides: usize = memory.data(OVERRIDES * 8);

/** The id given for the text at input offset `at`, or −2. */
function overridden(at: i32): i32 {
  for (let k = 0; k < overrideCount; k++) if (load<i32>(overrides + (<usize>k << 2)) == at) return load<i32>(overrides + (<usize>(OVERRIDES + k) << 2));
  return -2;
}

function align(at: usize): usize {
  return (at + 63) & ~(<usize>63);
}

/**
 * Lays the memory out for `sites` sites, `items` items, `places` places per site (the most items of one
 * category), `inputBytes` of input, `columnCount` columns, the given table sizes, room for `firstSlots`
 * aggregates and `firstBlocks` blocks of lines; returns where the memory must end (the caller grows it).
 */
export function setup(
  sites: i32, items: i32, places: i32, inputBytes: i32, columnCount: i32, delimiterByte: i32, periodMonth: i32,
  textSlots: i32, poolBytes: i32, pairSlots: i32, firstSlots: i32, firstBlocks: i32, recordIds: bool,
  keepIds: bool, firstIds: i32, firstIdBytes: i32,
): usize {
  let at = align(__heap_base);
  inputBase = at;
  at = align(inputBase + <usize>inputBytes + 64);
  rolesBase = at;
  columns = columnCount;
  delimiter = delimiterByte;
  period = periodMonth;
  at = align(at + <usize>columnCount);
  let size = 16;
  while (size < sites * 4) size <<= 1;
  siteTable = at;
  siteMask = size - 1;
  at = align(at + (<usize>size << 4));
  size = 16;
  while (size < items * 4) size <<= 1;
  itemTable = at;
  itemMask = size - 1;
  at = align(at + (<usize>size << 4));
  textTable = at;
  textMask = textSlots - 1;
  textCount = 0;
  at = align(at + (<usize>textSlots << 4));
  keyPool = at;
  keyPoolSize = poolBytes;
  keyPoolUsed = 0;
  at = align(at + <usize>poolBytes);
  pairTable = at;
  pairMask = pairSlots - 1;
  pairCount = 0;
  at = align(at + (<usize>pairSlots << 3));
  siteCategory = at;
  at = align(at + (<usize>sites << 2));
  itemCategory = at;
  at = align(at + (<usize>items << 2));
  itemPlace = at;
  at = align(at + (<usize>items << 2));
  placesPerSite = places;
  maxSlots = sites * places;
  // A cell per (site, place), for every site: direct, at four bytes each (the driver reads files of rule sets
  // with more pairs than fit a 32-bit memory on the general path).
  cells = at;
  at = align(at + (<usize>maxSlots << 2));
  visited = at;
  at = align(at + <usize>sites);
  monthBits = at;
  at = align(at + MONTH_BYTES);
  growing = at;
  withIds = recordIds;
  ownIds = recordIds && keepIds;
  givenAt = -1;
  idCount = 0;
  idsInOrder = 0;
  findingsWithIds = 0;
  idPoolUsed = 0;
  idNeed = 0;
  idCapacity = firstIds;
  idPoolCapacity = firstIdBytes;
  slotCount = 0;
  blocksUsed = 1;
  slotCapacity = firstSlots < maxSlots ? firstSlots : maxSlots;
  blockCapacity = firstBlocks;
  return place(slotCapacity, blockCapacity, idCapacity, idPoolCapacity, true, false);
}

/**
 * Where the parts that grow end with room for `slotRoom` aggregates and `blockRoom` blocks, in this order:
 * per aggregate its cells, count, size, head, tail and carried bits, then the blocks' links, then their
 * lines, then (with a record_id column) their record ids. With `assign` they begin there from now on, and with `move` what they hold is moved there first
 * (each part only moves up, the top one first, so nothing is overwritten before it is moved, and no memory
 * is left holding a stale copy).
 */
function place(slotRoom: i32, blockRoom: i32, idRoom: i32, idPoolRoom: i32, assign: bool, move: bool): usize {
  let at = growing;
  const slotCellsAt = at;
  at = align(at + (<usize>slotRoom << 3));
  const countsAt = at;
  at = align(at + (<usize>slotRoom << 3));
  const sizesAt = at;
  at = align(at + (<usize>slotRoom << 2));
  const headsAt = at;
  at = align(at + (<usize>slotRoom << 2));
  const tailsAt = at;
  at = align(at + (<usize>slotRoom << 2));
  const bitsAt = at;
  at = align(at + <usize>slotRoom * 24);
  const blockNextAt = at;
  at = align(at + (<usize>blockRoom << 2));
  const linesAt = at;
  at += <usize>blockRoom << 6;
  const idsAt = at;
  if (withIds) at += <usize>blockRoom << 6;
  // The file's own ids: their keys, lines and bytes, then the table (made again, never moved).
  const idKeysAt = at;
  const idLinesAt = ownIds ? align(idKeysAt + (<usize>idRoom << 3)) : at;
  const idHashesAt = ownIds ? align(idLinesAt + (<usize>idRoom << 2)) : at;
  const idPoolAt = ownIds ? align(idHashesAt + (<usize>idRoom << 2)) : at;
  const idTableAt = ownIds ? align(idPoolAt + <usize>idPoolRoom) : at;
  if (ownIds) at = idTableAt + (<usize>idRoom << 4);
  // A table that keeps its size is moved; one that grows is made again (see below).
  const remakeTable = ownIds && move && idRoom != idCapacity;
  if (move) {
    const used = <usize>slotCount;
    if (ownIds) {
      if (!remakeTable) memory.copy(idTableAt, idTable, <usize>idRoom << 4);
      memory.copy(idPoolAt, idPool, <usize>idPoolUsed);
      memory.copy(idHashesAt, idHashes, <usize>idCount << 2);
      memory.copy(idLinesAt, idLines, <usize>idCount << 2);
      memory.copy(idKeysAt, idKeys, <usize>idCount << 3);
    }
    if (withIds) memory.copy(idsAt, idsBase, <usize>blocksUsed << 6);
    memory.copy(linesAt, linesBase, <usize>blocksUsed << 6);
    memory.copy(blockNextAt, blockNext, <usize>blocksUsed << 2);
    memory.copy(bitsAt, bits, used * 24);
    memory.copy(tailsAt, tails, used << 2);
    memory.copy(headsAt, heads, used << 2);
    memory.copy(sizesAt, sizes, used << 2);
    memory.copy(countsAt, counts, used << 3);
    memory.copy(slotCellsAt, slotCells, used << 3);
  }
  if (!assign) return at;
  slotCells = slotCellsAt;
  counts = countsAt;
  sizes = sizesAt;
  heads = headsAt;
  tails = tailsAt;
  bits = bitsAt;
  blockNext = blockNextAt;
  linesBase = linesAt;
  idsBase = idsAt;
  if (ownIds) {
    idKeys = idKeysAt;
    idLines = idLinesAt;
    idHashes = idHashesAt;
    idPool = idPoolAt;
    idTable = idTableAt;
  }
  if (remakeTable) {
    // The table for idRoom ids, made again from the ids' hashes. (At setup the memory is new, and not yet
    // grown to hold it: zero.)
    memory.fill(idTable, 0, <usize>idRoom << 4);
    const mask = idRoom * 2 - 1;
    for (let id = 0; id < idCount; id++) {
      const h = load<u32>(idHashes + (<usize>id << 2));
      let slot = <i32>h & mask;
      while (load<u32>(idTable + (<usize>slot << 3)) != 0) slot = (slot + 1) & mask;
      store<u32>(idTable + (<usize>slot << 3), h);
      store<i32>(idTable + (<usize>slot << 3), id, 4);
    }
  }
  return at;
}

/** Where the memory must end for the next growth (see grow). */
export function grownEnd(): usize {
  return place(nextSlotRoom(), nextBlockRoom(), nextIdRoom(), nextIdPoolRoom(), false, false);
}

function nextIdRoom(): i32 {
  return idCount < idCapacity ? idCapacity : idCapacity * 2;
}

function nextIdPoolRoom(): i32 {
  if (idPoolUsed + idNeed <= idPoolCapacity) return idPoolCapacity;
  return idPoolCapacity * 2 >= idPoolUsed + idNeed ? idPoolCapacity * 2 : idPoolUsed + idNeed;
}

function nextSlotRoom(): i32 {
  return slotCount < slotCapacity ? slotCapacity : (slotCapacity * 2 < maxSlots ? slotCapacity * 2 : maxSlots);
}

function nextBlockRoom(): i32 {
  return blocksUsed < blockCapacity ? blockCapacity : blockCapacity * 2;
}

/** Doubles whichever is full, aggregates or blocks, once the memory reaches grownEnd(). */
export function grow(): void {
  const slotRoom = nextSlotRoom();
  const blockRoom = nextBlockRoom();
  const idRoom = nextIdRoom();
  const idPoolRoom = nextIdPoolRoom();
  place(slotRoom, blockRoom, idRoom, idPoolRoom, true, true);
  slotCapacity = slotRoom;
  blockCapacity = blockRoom;
  idCapacity = idRoom;
  idPoolCapacity = idPoolRoom;
  idNeed = 0;
}

/**
 * Stops keeping ids (JavaScript has taken them over: past this many, the memory would not hold them): from
 * now on it asks for each one (NEED_ID), and the memory they took is free for the rest.
 */
export function stopKeepingIds(): void {
  ownIds = false;
  idNeed = 0;
}

/** Asks grow() for room for `length` more bytes of ids (for an id JavaScript hands over; see idScratch). */
export function needIdBytes(length: i32): void {
  idNeed = length;
}

// Addresses JavaScript writes the tables through and reads the part from.
export function inputAddress(): usize { return inputBase; }
export function rolesAddress(): usize { return rolesBase; }
export function siteCategoryAddress(): usize { return siteCategory; }
export function itemCategoryAddress(): usize { return itemCategory; }
export function itemPlaceAddress(): usize { return itemPlace; }
export function visitedAddress(): usize { return visited; }
export function slotCellsAddress(): usize { return slotCells; }
export function countsAddress(): usize { return counts; }
export function sizesAddress(): usize { return sizes; }
export function headsAddress(): usize { return heads; }
export function bitsAddress(): usize { return bits; }
export function blockNextAddress(): usize { return blockNext; }
export function linesAddress(): usize { return linesBase; }
export function idsAddress(): usize { return idsBase; }
export function idKeysAddress(): usize { return idKeys; }
export function idLinesAddress(): usize { return idLines; }
export function idPoolAddress(): usize { return idPool; }
export function idsHeld(): i32 { return idCount; }
/** compareNatural of bytes [a, a + aLength) and [b, b + bLength): for the tests, which hold it to the JavaScript one. */
export function compareNaturalAt(a: usize, aLength: i32, b: usize, bLength: i32): i32 { return compareNatural(a, aLength, b, bLength); }
export function idsInNaturalOrder(): i32 { return idsInOrder; }
export function findingsWithRecordIds(): i32 { return findingsWithIds; }
export function idBytesHeld(): i32 { return idPoolUsed; }
export function idLine(id: i32): i32 { return load<i32>(idLines + (<usize>id << 2)); }
export function monthBitsAddress(): usize { return monthBits; }
export function monthBitsBytes(): i32 { return MONTH_BYTES; }
export function slots(): i32 { return slotCount; }
export function blocks(): i32 { return blocksUsed; }
export function lastStatus(): i32 { return status; }
export function rowsDone(): i32 { return done; }
export function eventFrom(): i32 { return eventStart; }
export function eventTo(): i32 { return eventEnd; }
export function largeCarries(): i32 { return largeCount; }
export function largeKey(k: i32): i32 { return k == 0 ? large0Key : k == 1 ? large1Key : large2Key; }
export function largeId(k: i32): i32 { return k == 0 ? large0Id : k == 1 ? large1Id : large2Id; }

/** A hash of bytes [at, at + length): four bytes at a time (the last word masked to the bytes it has). */
@inline
function hashOf(at: usize, length: i32): u32 {
  let h: u32 = 0x811c9dc5 ^ <u32>length;
  let k = 0;
  for (; k + 4 <= length; k += 4) h = (h ^ load<u32>(at + <usize>k)) * 0x01000193;
  const rest = length - k;
  if (rest > 0) h = (h ^ (load<u32>(at + <usize>k) & ((<u32>1 << (<u32>rest << 3)) - 1))) * 0x01000193;
  h ^= h >> 15;
  h *= 0x2c1b3c6d;
  return h ^ (h >> 12);
}

@inline
function sameBytes(a: usize, b: usize, length: i32): bool {
  let k = 0;
  for (; k + 8 <= length; k += 8) if (load<u64>(a + <usize>k) != load<u64>(b + <usize>k)) return false;
  for (; k < length; k++) if (load<u8>(a + <usize>k) != load<u8>(b + <usize>k)) return false;
  return true;
}

/**
 * Looks bytes [at, at + length) up in a table of 16-byte slots (hash | 1, key offset in the pool, key length,
 * value); −2 when absent.
 */
@inline
function lookup(table: usize, mask: i32, at: usize, length: i32): i32 {
  const h = hashOf(at, length) | 1;
  let slot = <i32>h & mask;
  for (;;) {
    const entry = table + (<usize>slot << 4);
    const stored = load<u32>(entry);
    if (stored == 0) return -2;
    if (stored == h && load<i32>(entry, 8) == length && sameBytes(keyPool + <usize>load<i32>(entry, 4), at, length)) return load<i32>(entry, 12);
    slot = (slot + 1) & mask;
  }
  return -2;
}

/** Stores a key (its bytes at `at`) and value; false when the pool or table is full. */
function insert(table: usize, mask: i32, at: usize, length: i32, value: i32): bool {
  if (keyPoolUsed + length > keyPoolSize) return false;
  const h = hashOf(at, length) | 1;
  let slot = <i32>h & mask;
  for (;;) {
    const entry = table + (<usize>slot << 4);
    if (load<u32>(entry) == 0) {
      memory.copy(keyPool + <usize>keyPoolUsed, at, <usize>length);
      store<u32>(entry, h);
      store<i32>(entry, keyPoolUsed, 4);
      store<i32>(entry, length, 8);
      store<i32>(entry, value, 12);
      keyPoolUsed += length;
      return true;
    }
    slot = (slot + 1) & mask;
  }
  return false;
}

/** A site id (its bytes at `at`, written there by JavaScript) and its index. */
export function addSite(at: usize, length: i32, index: i32): bool {
  return insert(siteTable, siteMask, at, length, index);
}

export function addItem(at: usize, length: i32, index: i32): bool {
  return insert(itemTable, itemMask, at, length, index);
}

/**
 * The text id of input bytes [from, to) (−1: only spaces), as JavaScript worked it out after scan() asked
 * (NEED_TEXT). Remembered while the table has room (at most half full); else given for that field of the
 * row being read (a row with more such fields than OVERRIDES is left to the general path).
 */
export function addText(from: i32, to: i32, id: i32): void {
  if ((textCount + 1) * 2 <= textMask + 1 && insert(textTable, textMask, inputBase + <usize>from, to - from, id)) {
    textCount++;
  } else if (overrideCount < OVERRIDES) {
    store<i32>(overrides + (<usize>overrideCount << 2), from);
    store<i32>(overrides + (<usize>(OVERRIDES + overrideCount) << 2), id);
    overrideCount++;
  }
}

/** The id of bytes [at, at + length) (hash h), or −1, leaving idSlot at the empty slot where it would go. */
function idFind(at: usize, length: i32, h: u32): i32 {
  const mask = idCapacity * 2 - 1;
  let slot = <i32>h & mask;
  for (;;) {
    const entry = idTable + (<usize>slot << 3);
    const stored = load<u32>(entry);
    if (stored == 0) {
      idSlot = slot;
      return -1;
    }
    if (stored == h) {
      const id = load<i32>(entry, 4);
      const start = load<i32>(idKeys + (<usize>id << 3));
      const kept = load<i32>(idKeys + (<usize>id << 3), 4);
      if ((kept < 0 ? ~kept : kept) == length && sameBytes(idPool + <usize>start, at, length)) return id;
    }
    slot = (slot + 1) & mask;
  }
  return -1;
}

/**
 * Keeps an id that idFind() just did not find (nothing changed the table since), its bytes at `at` (copied
 * to the pool unless they are at its end already), accepted on `line`; returns its number. The caller made
 * sure there is room.
 */
function idInsert(at: usize, length: i32, h: u32, line: i32, plain: bool): i32 {
  const id = idCount++;
  const start = idPoolUsed;
  if (at != idPool + <usize>start) memory.copy(idPool + <usize>start, at, <usize>length);
  idPoolUsed += length;
  store<i32>(idKeys + (<usize>id << 3), start);
  store<i32>(idKeys + (<usize>id << 3), plain ? length : ~length, 4);
  store<i32>(idLines + (<usize>id << 2), line);
  store<u32>(idHashes + (<usize>id << 2), h);
  store<u32>(idTable + (<usize>idSlot << 3), h);
  store<i32>(idTable + (<usize>idSlot << 3), id, 4);
  if (idsInOrder == id && plain) {
    if (id == 0) {
      idsInOrder = 1;
    } else {
      const before = load<i32>(idKeys + (<usize>(id - 1) << 3));
      const beforeLength = load<i32>(idKeys + (<usize>(id - 1) << 3), 4);
      if (compareNatural(idPool + <usize>before, beforeLength, idPool + <usize>start, length) < 0) idsInOrder = id + 1;
    }
  }
  return id;
}

@inline
function isDigitByte(b: i32): bool {
  return b >= 0x30 && b <= 0x39;
}

/**
 * compareNatural() of two ASCII strings given as their bytes (as compareNaturalBytes in src/core/text.ts):
 * runs of digits by value, other runs as text, fewer runs first, then plain text order.
 */
function compareNatural(a: usize, aLength: i32, b: usize, bLength: i32): i32 {
  const aEnd = a + <usize>aLength;
  const bEnd = b + <usize>bLength;
  let i = a;
  let j = b;
  while (i < aEnd && j < bEnd) {
    const aDigits = isDigitByte(byte(i));
    const bDigits = isDigitByte(byte(j));
    let aRun = i + 1;
    while (aRun < aEnd && isDigitByte(byte(aRun)) == aDigits) aRun++;
    let bRun = j + 1;
    while (bRun < bEnd && isDigitByte(byte(bRun)) == bDigits) bRun++;
    if (aDigits && bDigits) {
      let p = i;
      while (p < aRun && byte(p) == 0x30) p++;
      let q = j;
      while (q < bRun && byte(q) == 0x30) q++;
      if (aRun - p != bRun - q) return aRun - p < bRun - q ? -1 : 1;
      for (; p < aRun; p++, q++) if (byte(p) != byte(q)) return byte(p) < byte(q) ? -1 : 1;
    } else {
      const aRunLength = aRun - i;
      const bRunLength = bRun - j;
      const common = aRunLength < bRunLength ? aRunLength : bRunLength;
      for (let k: usize = 0; k < common; k++) {
        const x = byte(i + k);
        const y = byte(j + k);
        if (x != y) return x < y ? -1 : 1;
      }
      if (aRunLength != bRunLength) return aRunLength < bRunLength ? -1 : 1;
    }
    i = aRun;
    j = bRun;
  }
  if (i < aEnd) return 1;
  if (j < bEnd) return -1;
  const common = aLength < bLength ? aLength : bLength;
  for (let k = 0; k < common; k++) {
    const x = byte(a + <usize>k);
    const y = byte(b + <usize>k);
    if (x != y) return x < y ? -1 : 1;
  }
  return aLength == bLength ? 0 : aLength < bLength ? -1 : 1;
}

/** Whether bytes [at, at + length) make a CSV cell that needs no quotes, joined with others by "; ". */
function plainCell(at: usize, length: i32): bool {
  for (let k = 0; k < length; k++) {
    const c = byte(at + <usize>k);
    if (c < 0x21 || c > 0x7e || c == QUOTE || c == 0x2c) return false;
  }
  return true;
}

/**
 * Where JavaScript writes the bytes of an id (`length` of them) to look it up (idFound) or keep it
 * (idClaim): the end of the pool; 0 when they do not fit (needIdBytes, grow, and ask again).
 */
export function idScratch(length: i32): usize {
  return idPoolUsed + length <= idPoolCapacity ? idPool + <usize>idPoolUsed : 0;
}

/** The number of the id JavaScript wrote at idScratch(length), or −1. */
export function idFound(length: i32): i32 {
  const at = idPool + <usize>idPoolUsed;
  return idFind(at, length, hashOf(at, length) | 1);
}

/**
 * Keeps the id JavaScript wrote at idScratch(length) as accepted on `line` and returns its number; −1 when it
 * was accepted before; −2 when there is no room for another id (grow, write it again, and ask again).
 */
export function idClaim(length: i32, line: i32): i32 {
  const at = idPool + <usize>idPoolUsed;
  const h = hashOf(at, length) | 1;
  if (idFind(at, length, h) >= 0) return -1;
  if (idCount >= idCapacity) return -2;
  return idInsert(at, length, h, line, plainCell(at, length));
}

/**
 * Whether any of `count` ids given as keys at `keysAt` (start in the pool at `poolAt`, length or ~length:
 * as idKeys) is one this table holds: JavaScript asks before it takes on the ids of a part read by another
 * thread after this one.
 */
export function idsCollide(keysAt: usize, poolAt: usize, count: i32): bool {
  for (let id = 0; id < count; id++) {
    const start = load<i32>(keysAt + (<usize>id << 3));
    const kept = load<i32>(keysAt + (<usize>id << 3), 4);
    const length = kept < 0 ? ~kept : kept;
    const at = poolAt + <usize>start;
    if (idFind(at, length, hashOf(at, length) | 1) >= 0) return true;
  }
  return false;
}

/**
 * The number JavaScript gave the record id of the row at input offset `rowStart` after scan() asked
 * (NEED_ID): it checked the id and remembered it as accepted there; −1 when it was accepted before (the row
 * is then left to the general path, which rejects it). scan() takes the row from there.
 */
export function giveId(rowStart: i32, id: i32): void {
  givenAt = rowStart;
  givenId = id;
}

/** Whether (key, id) is new; remembered while the set has room (then every one is reported as new). */
function firstPair(key: i32, id: i32): bool {
  const word = (<u64>(<u32>key) << 32) | <u64>(<u32>id);
  let h = <u32>(word * 0x9e3779b97f4a7c15 >> 32);
  let slot = <i32>h & pairMask;
  for (;;) {
    const entry = pairTable + (<usize>slot << 3);
    const stored = load<u64>(entry);
    if (stored == 0) break;
    if (stored == word + 1) return false;
    slot = (slot + 1) & pairMask;
  }
  if ((pairCount + 1) * 2 > pairMask + 1) return true;
  store<u64>(pairTable + (<usize>slot << 3), word + 1);
  pairCount++;
  return true;
}

@inline
function carry(key: i32, id: i32): void {
  if (id < 0) return;
  if (id < 64) {
    const word = bits + (<usize>(key * 2 + (id >> 5)) << 2);
    store<i32>(word, load<i32>(word) | (1 << (id & 31)));
  } else if (firstPair(key, id)) {
    if (largeCount == 0) {
      large0Key = key;
      large0Id = id;
    } else if (largeCount == 1) {
      large1Key = key;
      large1Id = id;
    } else {
      large2Key = key;
      large2Id = id;
    }
    largeCount++;
  }
}

/**
 * Adds a finding (also for rows the general path accepted, through JavaScript); false, with nothing changed,
 * when it needs a new aggregate or block and there is no room (the caller grows the memory and asks again).
 */
export function addFinding(site: i32, item: i32, count: i32, line: i32, inspector: i32, note: i32, photo: i32, recordId: i32): bool {
  largeCount = 0;
  const cell = cells + (<usize>(site * placesPerSite + load<i32>(itemPlace + (<usize>item << 2))) << 2);
  let slot = load<i32>(cell) - 1;
  if (slot < 0 ? slotCount >= slotCapacity || blocksUsed >= blockCapacity : (load<i32>(sizes + (<usize>slot << 2)) & (BLOCK_LINES - 1)) == 0 && blocksUsed >= blockCapacity) {
    return false;
  }
  if (slot < 0) {
    slot = slotCount++;
    store<i32>(cell, slot + 1);
    store<i32>(slotCells + (<usize>slot << 3), site);
    store<i32>(slotCells + (<usize>slot << 3), item, 4);
    store<f64>(counts + (<usize>slot << 3), 0);
    store<i32>(sizes + (<usize>slot << 2), 0);
    memory.fill(bits + <usize>slot * 24, 0, 24);
  }
  const size = load<i32>(sizes + (<usize>slot << 2));
  const within = size & (BLOCK_LINES - 1);
  let block: i32;
  if (within == 0) {
    block = blocksUsed++;
    store<i32>(blockNext + (<usize>block << 2), 0);
    if (size == 0) store<i32>(heads + (<usize>slot << 2), block);
    else store<i32>(blockNext + (<usize>load<i32>(tails + (<usize>slot << 2)) << 2), block);
    store<i32>(tails + (<usize>slot << 2), block);
  } else {
    block = load<i32>(tails + (<usize>slot << 2));
  }
  store<i32>(linesBase + (<usize>(block * BLOCK_LINES + within) << 2), line);
  if (withIds) {
    store<i32>(idsBase + (<usize>(block * BLOCK_LINES + within) << 2), recordId);
    if (recordId >= 0) findingsWithIds++;
  }
  store<i32>(sizes + (<usize>slot << 2), size + 1);
  const at = counts + (<usize>slot << 3);
  store<f64>(at, load<f64>(at) + <f64>count);
  store<u8>(visited + <usize>site, 1);
  carry(slot * 3, inspector);
  carry(slot * 3 + 1, note);
  carry(slot * 3 + 2, photo);
  return true;
}

export function visit(site: i32): void {
  store<u8>(visited + <usize>site, 1);
}

@inline
function markMonth(month: i32): void {
  const year = month / 100;
  const index = year * 12 + (month % 100) - 1;
  const at = monthBits + <usize>(index >> 3);
  store<u8>(at, <u8>(<i32>load<u8>(at) | (1 << (index & 7))));
}

@inline
function byte(at: usize): i32 {
  return <i32>load<u8>(at);
}

/** `YYYY-MM-DD` at `at` (the dashes already seen) as yyyymmdd, or −1 (then parseDate decides). */
function canonicalDate(at: usize): i32 {
  const y0 = byte(at) - 0x30;
  const y1 = byte(at + 1) - 0x30;
  const y2 = byte(at + 2) - 0x30;
  const y3 = byte(at + 3) - 0x30;
  const m0 = byte(at + 5) - 0x30;
  const m1 = byte(at + 6) - 0x30;
  const d0 = byte(at + 8) - 0x30;
  const d1 = byte(at + 9) - 0x30;
  if (<u32>y0 > 9 || <u32>y1 > 9 || <u32>y2 > 9 || <u32>y3 > 9 || <u32>m0 > 9 || <u32>m1 > 9 || <u32>d0 > 9 || <u32>d1 > 9) return -1;
  const year = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
  const month = m0 * 10 + m1;
  const day = d0 * 10 + d1;
  if (month < 1 || month > 12 || day < 1) return -1;
  if (day > 28 && day > daysIn(year, month)) return -1;
  return (year * 100 + month) * 100 + day;
}

function daysIn(year: i32, month: i32): i32 {
  if (month == 2) return (year & 3) == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28;
  return month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31;
}

@inline
function isDigit(b: i32): bool {
  return b >= 0x30 && b <= 0x39;
}

/** `YYYY-MM-DD`, `YYYY/M/D`, `YYYY-M-D` in [from, to) as yyyymmdd, or −1: as parseDateBytes in src/io/row-bytes.ts. */
function parseDate(from: usize, to: usize): i32 {
  const length = <i32>(to - from);
  if (length < 8 || length > 10) return -1;
  for (let k: usize = 0; k < 4; k++) if (!isDigit(byte(from + k))) return -1;
  const year = (byte(from) - 0x30) * 1000 + (byte(from + 1) - 0x30) * 100 + (byte(from + 2) - 0x30) * 10 + (byte(from + 3) - 0x30);
  const sep = byte(from + 4);
  if (sep != 0x2d && sep != 0x2f) return -1;
  let i = from + 5;
  let month = 0;
  let digits = 0;
  while (i < to && isDigit(byte(i)) && digits < 2) {
    month = month * 10 + byte(i) - 0x30;
    i++;
    digits++;
  }
  if (digits == 0 || i >= to || (byte(i) != 0x2d && byte(i) != 0x2f)) return -1;
  i++;
  let day = 0;
  digits = 0;
  while (i < to && isDigit(byte(i)) && digits < 2) {
    day = day * 10 + byte(i) - 0x30;
    i++;
    digits++;
  }
  if (digits == 0 || i != to || month < 1 || month > 12 || day < 1) return -1;
  if (day > daysIn(year, month)) return -1;
  return (year * 100 + month) * 100 + day;
}

/**
 * Reads plain rows from input offset `start` while they end before `limit` (the byte after an LF), at most
 * `budget` of them, numbering them from `firstLine`; returns the offset after the last row taken. `status`
 * says why it returned: STOPPED (a row it does not take, or the end), NEED_TEXT (an unknown text at
 * [eventFrom, eventTo): addText, then scan again from the returned offset), CARRY_LARGE (the row just taken
 * carried text ids of 64 or more for the first time: largeKey/largeId), NEED_ROOM (grow, then scan again) or
 * NEED_ID (the row at the returned offset is good and has a record id at [eventFrom, eventTo): giveId, then
 * scan again from there).
 */
export function scan(start: i32, limit: i32, firstLine: i32, budget: i32): i32 {
  status = STOPPED;
  done = 0;
  largeCount = 0;
  const base = inputBase;
  const end = base + <usize>limit;
  let pos = base + <usize>start;
  let line = firstLine;
  const last = columns - 1;
  const delim = delimiter;
  while (pos < end && done < budget) {
    let ok = true;
    let i = pos;
    let site = -1;
    let item = -1;
    let count = -1;
    let month = -1;
    let inspector = -1;
    let note = -1;
    let photo = -1;
    let idFrom: usize = 0;
    let idTo: usize = 0;
    let idPlain = true;
    for (let col = 0; ; col++) {
      const fieldStart = i;
      let b = byte(i);
      const role = <i32>load<u8>(rolesBase + <usize>col);
      if (role == IGNORED) {
        while (b > 0x2c || (b != delim && b != LF && b != CR && b != QUOTE)) b = byte(++i);
      } else if (role == DATE) {
        if (b != delim && b != LF && b != CR) {
          let date = -1;
          if (byte(i + 4) == 0x2d && byte(i + 7) == 0x2d) {
            date = canonicalDate(i);
            if (date >= 0) {
              i += 10;
              b = byte(i);
            }
          }
          if (date < 0) {
            while (b > 0x2c || (b != delim && b != LF && b != CR && b != QUOTE)) b = byte(++i);
            date = parseDate(fieldStart, i);
            if (date < 0) {
              ok = false;
              break;
            }
          }
          month = date / 100;
          if (period >= 0 && month != period) {
            ok = false;
            break;
          }
        }
      } else if (role == COUNT) {
        if (b != delim && b != LF && b != CR) {
          let value = 0;
          while (b >= 0x30 && b <= 0x39) {
            value = value * 10 + b - 0x30;
            b = byte(++i);
          }
          if (i == fieldStart || i - fieldStart > 7 || value < 1 || value > MAX_COUNT) {
            ok = false;
            break;
          }
          count = value;
        }
      } else {
        // Ids and free text: to the field's end, eight bytes at a time while none is ≤ ',' (a word has a byte
        // below 0x2d exactly when (x − 0x2d…) & ~x & 0x80… ≠ 0); the row's LF stops it before `end`.
        for (;;) {
          for (;;) {
            const x = load<u64>(i);
            if (((x - 0x2d2d2d2d2d2d2d2d) & ~x & 0x8080808080808080) != 0) break;
            i += 8;
          }
          b = byte(i);
          while (b > 0x2c) b = byte(++i);
          if (b == delim || b == LF || b == CR || b == QUOTE) break;
          b = byte(++i);
        }
        const length = <i32>(i - fieldStart);
        if (role == RECORD_ID) {
          // Only ids of printable ASCII with no space: as they are once cleaned, and the same bytes in every
          // encoding read here (others go to the general path, which cleans them).
          for (let k = fieldStart; k < i; k++) {
            const c = byte(k);
            if (c < 0x21 || c > 0x7e) {
              ok = false;
              break;
            }
            if (c == 0x2c) idPlain = false;
          }
          if (!ok) break;
          idFrom = fieldStart;
          idTo = i;
        } else if (role == SITE) {
          site = lookup(siteTable, siteMask, fieldStart, length);
          if (site < 0) {
            ok = false;
            break;
          }
        } else if (length > 0) {
          if (role == ITEM) {
            item = lookup(itemTable, itemMask, fieldStart, length);
            if (item < 0) {
              ok = false;
              break;
            }
          } else if (b != QUOTE) {
            let id = lookup(textTable, textMask, fieldStart, length);
            if (id == -2 && overrideCount > 0) id = overridden(<i32>(fieldStart - base));
            if (id == -2) {
              if (overrideCount == OVERRIDES) {
                ok = false;
                break;
              }
              status = NEED_TEXT;
              eventStart = <i32>(fieldStart - base);
              eventEnd = <i32>(i - base);
              return <i32>(pos - base);
            }
            if (role == INSPECTOR) inspector = id;
            else if (role == NOTE) note = id;
            else photo = id;
          }
        }
      }
      if (col < last) {
        if (b != delim) {
          ok = false;
          break;
        }
        i++;
        continue;
      }
      if (b == LF) {
        i++;
      } else if (b == CR && byte(i + 1) == LF) {
        i += 2;
      } else {
        ok = false; // a quote, a lone CR, more fields than the header, or a count with other text
      }
      break;
    }
    if (!ok || site < 0) break;
    if (item >= 0) {
      if (load<i32>(itemCategory + (<usize>item << 2)) != load<i32>(siteCategory + (<usize>site << 2))) break;
    } else if (count >= 0) {
      break; // a count without an item
    }
    // The record id is checked last, by JavaScript (it keeps the ids of every file): it is told where the id
    // is, gives its number, and the row is read again. JavaScript has then remembered the id as accepted on
    // this row, so reading it again must take it: everything above decides the same way again (the texts
    // given for its fields are kept until it is taken), and nothing that could leave the row may come after
    // this check.
    let recordId = -1;
    let idHash: u32 = 0;
    const idLength = <i32>(idTo - idFrom);
    if (idLength > 0 && ownIds) {
      idHash = hashOf(idFrom, idLength) | 1;
      if (idFind(idFrom, idLength, idHash) >= 0) break; // accepted before: the general path rejects it
      if (idCount >= idCapacity || idPoolUsed + idLength > idPoolCapacity) {
        idNeed = idLength;
        status = NEED_ROOM;
        break;
      }
      // Kept once the row is (its finding may need room first).
      recordId = idCount;
    } else if (idLength > 0) {
      if (givenAt != <i32>(pos - base)) {
        status = NEED_ID;
        eventStart = <i32>(idFrom - base);
        eventEnd = <i32>(idTo - base);
        return <i32>(pos - base);
      }
      if (givenId < 0) break; // accepted before: a duplicate
      recordId = givenId;
    }
    // Accepted.
    if (item < 0) {
      store<u8>(visited + <usize>site, 1);
    } else if (!addFinding(site, item, count < 0 ? 1 : count, line, inspector, note, photo, recordId)) {
      status = NEED_ROOM;
      break;
    }
    if (ownIds && idLength > 0) idInsert(idFrom, idLength, idHash, line, idPlain);
    if (month >= 0) markMonth(month);
    overrideCount = 0;
    givenAt = -1;
    line++;
    done++;
    pos = i;
    if (largeCount > 0) {
      status = CARRY_LARGE;
      break;
    }
  }
  // The row it stopped at (if any) goes to the general path: what was given for its fields is not needed.
  overrideCount = 0;
  if (status != NEED_ROOM) givenAt = -1;
  return <i32>(pos - base);
}
