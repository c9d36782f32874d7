// ledger.csv's rows, in WebAssembly (AssemblyScript), from what src/report/ledger-wasm.ts lays out in this
// module's memory: the rows' cells as bytes, and the collector's own arrays — per aggregate its chains of
// lines and the bits of the texts it carries. A city month's ~4,000 rows and ~20,000 sources went through
// V8's interpreter once, cold, in the JavaScript writer (~40 ms of a ~0.24 s run, docs/bench.md); compiled
// here at build time, the same bytes take about a millisecond.
//
// Memory, laid out by JavaScript above heapBase() and described to setLayout(): cells (each an offset into
// the pool and a length) and the pool of their bytes; the stores of lines (each the address of its block
// links and of its blocks of 16 lines, as FindingCollector keeps them); the chains (see writeRows); per
// aggregate its first chain and how many, and two words of carried-text bits per kind; the text ids in text
// order and each text's cells; the table of rows; the output areas. This module only reads the layout and
// copies bytes out of it.

/** The least address JavaScript may lay its data out from. */
export function heapBase(): usize {
  return __heap_base;
}

// quotingOf's bits (src/report/csv.ts).
const QUOTE_ANYWHERE: u32 = 1;
const QUOTE_FIRST: u32 = 2;
const QUOTE_LAST: u32 = 4;

let cells: usize = 0;
let pool: usize = 0;
let stores: usize = 0;
let chains: usize = 0;
let slotChains: usize = 0;
let bits: usize = 0;
let textOrder: usize = 0;
let textCells: usize = 0;
let textCount: u32 = 0;
let maxValues: u32 = 0;
let separator: u32 = 0;
let outEnd: usize = 0;

/**
 * Where the layout is. `textOrder` lists `texts` text ids in text order; an aggregate's list of a kind shows
 * the first `most` of those it carries, joined by the `separator` bytes that start each prefix cell.
 */
export function setLayout(
  cellsAt: usize, poolAt: usize, storesAt: usize, chainsAt: usize, slotChainsAt: usize, bitsAt: usize, textOrderAt: usize,
  textCellsAt: usize, texts: u32, most: u32, separatorBytes: u32,
): void {
  cells = cellsAt;
  pool = poolAt;
  stores = storesAt;
  chains = chainsAt;
  slotChains = slotChainsAt;
  bits = bitsAt;
  textOrder = textOrderAt;
  textCells = textCellsAt;
  textCount = texts;
  maxValues = most;
  separator = separatorBytes;
}

/** Where the last writeRows() stopped writing. */
export function written(): usize {
  return outEnd;
}

/**
 * Writes rows from the table at `entry` (up to `tableEnd`) into the output from `out` on, until the table
 * ends or the output has reached `outLimit`; returns the table address of the next row. A row is written
 * whole, so the caller leaves room past `outLimit` for the largest one.
 *
 * A row in the table is four 32-bit words: its aggregate, and its site cells, item cells and numbers cells
 * (each set of cells followed by a comma). An aggregate's chains, six words each: its store of lines, its
 * first block, the index of its first line and the index past its last (counted from that block), what to
 * add to each line, and the prefix cell ("; FILE:") of their file. The row's first source goes without the
 * prefix's separator.
 */
export function writeRows(entry: usize, tableEnd: usize, out: usize, outLimit: usize): usize {
  let at = out;
  while (entry < tableEnd && at < outLimit) {
    const slot = <usize>load<u32>(entry);
    at = putCell(load<u32>(entry, 4), at);
    at = putCell(load<u32>(entry, 8), at);
    at = putCell(load<u32>(entry, 12), at);
    entry += 16;
    let chain = chains + <usize>load<u32>(slotChains + (slot << 3)) * 24;
    const chainsEnd = chain + <usize>load<u32>(slotChains + (slot << 3), 4) * 24;
    let skip = separator;
    for (; chain < chainsEnd; chain += 24) {
      const store = stores + (<usize>load<u32>(chain) << 3);
      const links = <usize>load<u32>(store);
      const blocks = <usize>load<u32>(store, 4);
      let block = <usize>load<u32>(chain, 4);
      const first = load<u32>(chain, 8);
      const end = load<u32>(chain, 12);
      const offset = load<u32>(chain, 16);
      const prefix = cells + (<usize>load<u32>(chain, 20) << 3);
      const prefixAt = pool + <usize>load<u32>(prefix);
      const prefixLength = <usize>load<u32>(prefix, 4);
      for (let i: u32 = 16; i <= first; i += 16) block = <usize>load<u32>(links + (block << 2));
      for (let i = first; i < end; i++) {
        if (i > first && (i & 15) == 0) block = <usize>load<u32>(links + (block << 2));
        memory.copy(at, prefixAt + skip, prefixLength - skip);
        at += prefixLength - skip;
        skip = 0;
        at = putNumber(at, load<u32>(blocks + (block << 6) + (<usize>(i & 15) << 2)) + offset);
      }
    }
    const carried = bits + slot * 24;
    at = putList(load<u64>(carried), at);
    at = putList(load<u64>(carried, 8), at);
    at = putList(load<u64>(carried, 16), at);
    store<u8>(at, 0x0d);
    store<u8>(at + 1, 0x0a);
    at += 2;
  }
  outEnd = at;
  return entry;
}

/**
 * A comma and the texts of `set` (bit n: text id n) in text order, at most maxValues, joined by "; " (as
 * SOURCE_SEPARATOR in src/report/ledger-cells.ts) and quoted as csvCell quotes the joined text: per text id
 * three words, its cell, its cell with quotes doubled, and why it makes a cell quoted (quotingOf's bits).
 */
function putList(set: u64, at: usize): usize {
  store<u8>(at++, 0x2c);
  if (set == 0) return at;
  let shown: u32 = 0;
  let quoted = false;
  let last: u32 = 0;
  for (let r: u32 = 0; r < textCount && shown < maxValues; r++) {
    const id = load<u32>(textOrder + (<usize>r << 2));
    if ((set & (<u64>1 << <u64>id)) == 0) continue;
    last = load<u32>(textCells + <usize>id * 12, 8);
    if ((last & QUOTE_ANYWHERE) != 0 || (shown == 0 && (last & QUOTE_FIRST) != 0)) quoted = true;
    shown++;
  }
  if ((last & QUOTE_LAST) != 0) quoted = true;
  if (quoted) store<u8>(at++, 0x22);
  shown = 0;
  for (let r: u32 = 0; r < textCount && shown < maxValues; r++) {
    const id = load<u32>(textOrder + (<usize>r << 2));
    if ((set & (<u64>1 << <u64>id)) == 0) continue;
    if (shown > 0) {
      store<u8>(at, 0x3b);
      store<u8>(at + 1, 0x20);
      at += 2;
    }
    at = putCell(load<u32>(textCells + <usize>id * 12 + (quoted ? 4 : 0)), at);
    shown++;
  }
  if (quoted) store<u8>(at++, 0x22);
  return at;
}

// @ts-ignore: decorator
@inline
function putCell(cell: u32, at: usize): usize {
  const where = cells + (<usize>cell << 3);
  const length = <usize>load<u32>(where, 4);
  memory.copy(at, pool + <usize>load<u32>(where), length);
  return at + length;
}

/** Writes a non-negative number's decimal digits at `at`; returns where they end. */
function putNumber(at: usize, value: u32): usize {
  let digits: usize = 1;
  let bound: u32 = 10;
  while (digits < 10 && value >= bound) {
    digits++;
    bound *= 10;
  }
  const end = at + digits;
  let p = end;
  let rest = value;
  do {
    const quotient = rest / 10;
    store<u8>(--p, 0x30 + (rest - quotient * 10));
    rest = quotient;
  } while (rest != 0);
  return end;
}
