// ledger.csv written by WebAssembly (wasm/ledger-rows.ts). JavaScript makes each distinct cell's bytes once
// (LedgerCells), puts four numbers per row in a table, and copies the collector's own arrays into the module
// (LedgerSources: its blocks of lines, their chains per aggregate, the bits of the texts each carries); one
// call then writes the rows' bytes. The JavaScript writer (score-files.ts) ran a city month's ~4,000 rows and
// ~20,000 sources through V8's interpreter once, cold: ~40 ms of a ~0.24 s run (docs/bench.md). It stays for
// what this one leaves (see FindingCollector.ledgerSources) and for months with more sources than
// MAX_WASM_SOURCES.

import { BLOCK_LINES, CHAIN_WORDS, MAX_CARRIED_VALUES, SLAB_BLOCKS, type FindingCollector, type LedgerEntry, type LedgerSources } from '../core/score.js';
import { QUOTE_ANYWHERE, quotingOf } from './csv.js';
import { LedgerCells, ledgerHeader, SOURCE_SEPARATOR } from './ledger-cells.js';

interface LedgerRowsExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  setLayout(
    cells: number, pool: number, stores: number, chains: number, slotChains: number, bits: number, textOrder: number,
    textCells: number, texts: number, most: number, separator: number,
  ): void;
  writeRows(entry: number, tableEnd: number, out: number, outLimit: number): number;
  written(): number;
}

/**
 * Past this many sources the JavaScript writer writes the ledger: every line is copied into the module, four
 * bytes more memory each, and a 5M month has none to spare (its writer is optimised by V8 by then anyway).
 */
export const MAX_WASM_SOURCES = 1 << 21;
/**
 * Nor past this bound on one row's bytes (its two output areas must each hold one): a month whose records are
 * nearly all one aggregate's, where the JavaScript writer grows its buffer as the row is written.
 */
const MAX_ROW_BYTES = 1 << 26;
const PAGE = 65536;
/** The most decimal digits of a line (lines are below 2^31). */
const MAX_DIGITS = 10;
/** Words per row in the table (see wasm/ledger-rows.ts). */
const ROW_WORDS = 4;

/** Cells as the module takes them: their bytes in a pool, and per cell its offset there and its length. */
class CellPool {
  bytes = Buffer.allocUnsafe(1 << 16);
  used = 0;
  words: number[] = [];
  longest = 0;

  add(cell: Uint8Array): number {
    if (this.used + cell.length > this.bytes.length) {
      const grown = Buffer.allocUnsafe(Math.max(2 * this.bytes.length, this.used + cell.length));
      this.bytes.copy(grown, 0, 0, this.used);
      this.bytes = grown;
    }
    this.bytes.set(cell, this.used);
    this.words.push(this.used, cell.length);
    this.used += cell.length;
    this.longest = Math.max(this.longest, cell.length);
    return (this.words.length >> 1) - 1;
  }
}

const align8 = (value: number): number => (value + 7) & ~7;

/**
 * ledger.csv in chunks of about `chunkBytes`, written by `module` (wasm/ledger-rows.ts), or undefined when
 * the JavaScript writer must write it. Each chunk stays valid until two more have been asked for, as
 * ledgerCsvPieces promises.
 */
export function wasmLedgerPieces(
  ledger: readonly LedgerEntry[], bom: boolean, module: WebAssembly.Module, chunkBytes: number,
): Generator<Uint8Array> | undefined {
  const collector = ledger.length > 0 ? ledger[0]!.collector : undefined;
  const separator = Buffer.from(SOURCE_SEPARATOR, 'utf8');
  const sources = collector?.ledgerSources(separator);
  if ((collector !== undefined && sources === undefined) || (sources?.sourceCount ?? 0) > MAX_WASM_SOURCES) return undefined;
  const pool = new CellPool();
  // Per text id: its cell, its cell with quotes doubled (for a list CSV quotes), and how it bears on quoting.
  const texts = sources?.texts ?? [];
  const textCells = new Int32Array(3 * texts.length);
  let textBytes = 0;
  for (let id = 0; id < texts.length; id++) {
    const text = texts[id]!;
    // No aggregate carries an empty text; the JavaScript writer handles one all the same.
    if (text === '') return undefined;
    const quoting = quotingOf(text);
    const bytes = Buffer.from(text, 'utf8');
    textCells[3 * id] = pool.add(bytes);
    textCells[3 * id + 1] = (quoting & QUOTE_ANYWHERE) !== 0 ? pool.add(Buffer.from(text.replace(/"/g, '""'), 'utf8')) : textCells[3 * id]!;
    textCells[3 * id + 2] = quoting;
    textBytes += 2 * bytes.length + separator.length;
  }
  const prefixCells = (sources?.prefixes ?? []).map((prefix) => pool.add(prefix));
  const longestPrefix = pool.longest;
  const table = rowTable(ledger, collector, pool);
  if (table === undefined) return undefined;
  const chains = sources?.chains ?? new Int32Array(0);
  for (let at = 0; at < chains.length; at += CHAIN_WORDS) chains[at + 5] = prefixCells[chains[at + 5]!]!;
  // A row: its cells (the longest of each kind bounds them), its sources, its three lists and the line end.
  const rowBound = 3 * pool.longest + (sources?.mostSources ?? 0) * (longestPrefix + MAX_DIGITS) + 3 * (3 + textBytes) + 2;
  if (rowBound > MAX_ROW_BYTES) return undefined;
  return write(module, { pool, table, sources, textCells, rowBound, chunkBytes, header: Buffer.from(ledgerHeader(bom), 'utf8') });
}

/**
 * Per row: its aggregate and the cells of its site, item and numbers; undefined when a row is not of
 * `collector`'s aggregates. Rows come by site, so a site's cell is looked up once per run of its rows.
 */
function rowTable(ledger: readonly LedgerEntry[], collector: FindingCollector | undefined, pool: CellPool): Int32Array | undefined {
  const cells = new LedgerCells();
  const itemCells = new Map<object, number>();
  const numberCells = new Map<object, number>();
  const numbersByBytes = new Map<Buffer, number>();
  const table = new Int32Array(ROW_WORDS * ledger.length);
  let lastSite: object | undefined;
  let siteCell = 0;
  for (let i = 0; i < ledger.length; i++) {
    const e = ledger[i]!;
    const slot = e.slot;
    if (e.collector !== collector || slot === undefined) return undefined;
    if (e.site !== lastSite) {
      lastSite = e.site;
      siteCell = pool.add(cells.site(e));
    }
    let item = itemCells.get(e.item);
    if (item === undefined) itemCells.set(e.item, (item = pool.add(cells.item(e))));
    let numbers = numberCells.get(e.numbersKey);
    if (numbers === undefined) {
      // Entries of many numbersKeys share one cell's bytes (see LedgerCells.numbers).
      const bytes = cells.numbers(e);
      numbers = numbersByBytes.get(bytes) ?? pool.add(bytes);
      numbersByBytes.set(bytes, numbers);
      numberCells.set(e.numbersKey, numbers);
    }
    table[ROW_WORDS * i] = slot;
    table[ROW_WORDS * i + 1] = siteCell;
    table[ROW_WORDS * i + 2] = item;
    table[ROW_WORDS * i + 3] = numbers;
  }
  return table;
}

interface Laid {
  pool: CellPool;
  table: Int32Array;
  sources: LedgerSources | undefined;
  textCells: Int32Array;
  rowBound: number;
  chunkBytes: number;
  header: Buffer;
}

/**
 * Lays `laid` out in a new instance of the module and hands out the chunks it writes; undefined when its
 * memory cannot grow that large.
 */
function write(module: WebAssembly.Module, laid: Laid): Generator<Uint8Array> | undefined {
  const { pool, table, sources, textCells, header, chunkBytes } = laid;
  const wasm = new WebAssembly.Instance(module).exports as unknown as LedgerRowsExports;
  const stores = sources?.stores ?? [];
  const chains = sources?.chains ?? new Int32Array(0);
  const slotChains = sources?.slotChains ?? new Int32Array(0);
  const bits = sources?.carriedBits ?? new Int32Array(0);
  const textOrder = sources?.textOrder ?? new Int32Array(0);
  // In order: cells, pool, stores (two words each), each store's links and blocks, chains, aggregates' chains,
  // bits, text order, text cells, table, two output areas.
  const cellsAt = align8(wasm.heapBase());
  const poolAt = cellsAt + 4 * pool.words.length;
  const storesAt = align8(poolAt + pool.used);
  let at = storesAt + 8 * stores.length;
  const storeWords: number[] = [];
  // Only the blocks in use are copied: a part's last slab is mostly room, and a month of many small files
  // has a part each.
  for (const store of stores) {
    const linksAt = align8(at);
    const blocksAt = linksAt + 4 * store.blocks;
    storeWords.push(linksAt, blocksAt);
    at = blocksAt + 4 * BLOCK_LINES * store.blocks;
  }
  const chainsAt = align8(at);
  const slotChainsAt = chainsAt + 4 * chains.length;
  const bitsAt = slotChainsAt + 4 * slotChains.length;
  const textOrderAt = bitsAt + 4 * bits.length;
  const textCellsAt = textOrderAt + 4 * textOrder.length;
  const tableAt = textCellsAt + 4 * textCells.length;
  const outputBytes = align8(Math.max(chunkBytes, header.length) + laid.rowBound);
  const outputs = [align8(tableAt + 4 * table.length), 0];
  outputs[1] = outputs[0]! + outputBytes;
  try {
    wasm.memory.grow(Math.ceil((outputs[1] + outputBytes) / PAGE) - wasm.memory.buffer.byteLength / PAGE);
  } catch {
    // Past what a module's memory can hold (4 GiB): the JavaScript writer grows as it writes.
    return undefined;
  }
  const buffer = wasm.memory.buffer;
  const words = (address: number, values: ArrayLike<number>) => new Int32Array(buffer, address, values.length).set(values);
  words(cellsAt, pool.words);
  new Uint8Array(buffer, poolAt, pool.used).set(pool.bytes.subarray(0, pool.used));
  words(storesAt, storeWords);
  stores.forEach((store, k) => {
    words(storeWords[2 * k]!, store.blockNext.subarray(0, store.blocks));
    const blocksAt = storeWords[2 * k + 1]!;
    for (let slab = 0, first = 0; first < store.blocks; slab++, first += SLAB_BLOCKS) {
      words(blocksAt + 4 * BLOCK_LINES * first, store.slabs[slab]!.subarray(0, BLOCK_LINES * Math.min(SLAB_BLOCKS, store.blocks - first)));
    }
  });
  words(chainsAt, chains);
  words(slotChainsAt, slotChains);
  words(bitsAt, bits);
  words(textOrderAt, textOrder);
  words(textCellsAt, textCells);
  words(tableAt, table);
  new Uint8Array(buffer, outputs[0], header.length).set(header);
  wasm.setLayout(
    cellsAt, poolAt, storesAt, chainsAt, slotChainsAt, bitsAt, textOrderAt, textCellsAt, textOrder.length, MAX_CARRIED_VALUES,
    SOURCE_SEPARATOR.length,
  );
  return chunks(wasm, tableAt, tableAt + 4 * table.length, outputs, header.length, chunkBytes);
}

function* chunks(wasm: LedgerRowsExports, tableAt: number, tableEnd: number, outputs: number[], headerBytes: number, chunkBytes: number): Generator<Uint8Array> {
  let entry = tableAt;
  let turn = 0;
  let from = outputs[0]! + headerBytes;
  for (;;) {
    const start = outputs[turn]!;
    entry = wasm.writeRows(entry, tableEnd, from, start + chunkBytes);
    yield new Uint8Array(wasm.memory.buffer, start, wasm.written() - start);
    if (entry >= tableEnd) return;
    turn = 1 - turn;
    from = outputs[turn]!;
  }
}
