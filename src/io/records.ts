// Reads record CSV files as a stream: bytes → validated bytes → row views → checked records → the finding
// collector. Nothing proportional to the file is held except the rejected rows (and, per finding, its source).
//
// Every row first tries the fast path: its key fields are matched as bytes (site ids and item codes through
// a byte hash table, counts and dates parsed from digits) without building strings. Anything unusual —
// spaces, full-width characters, quotes with escapes, an unknown id, a bad count or date, a duplicate
// record_id — sends the row to the general path, which builds the strings and runs the one RecordChecker,
// so both paths accept exactly the same rows and every error comes from the same code.

import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { diagnostic, type Diagnostic } from '../core/diagnostics.js';
import { cleanCell, mapHeader, MAX_COUNT, RecordChecker, type HeaderMap, type RejectedRow } from '../core/records.js';
import type { FindingCollector } from '../core/score.js';
import { compareNatural } from '../core/text.js';
import type { RuleSet } from '../core/types.js';
import { CsvLimitError, CsvTokenizer, DEFAULT_CSV_LIMITS, FieldKind, type RowView } from './csv.js';
import { ByteDecoder, countLineBreaks, DecodeError, type EncodingName } from './decode.js';
import { displayPath } from './paths.js';

export interface CsvReadOptions {
  encoding?: EncodingName;
  /** Forced delimiter; otherwise tab for .tsv/.tab files or a header with more tabs than commas, else comma. */
  delimiter?: string;
  /** Most rejected rows kept in memory; the rest are only counted (default: all). */
  keepRejected?: number;
  /** Told the size of each chunk read and the rows read so far in this file, for a progress display. */
  onBytes?: (bytes: number, rows: number) => void;
}

export interface CsvFileReport {
  path: string;
  sha256: string;
  encoding: EncodingName;
  /** Data rows (blank lines and the header excluded). */
  rows: number;
  diagnostics: Diagnostic[];
}

/** A byte range of a file, read as if `header` (the file's raw first line) came before it. */
export interface FilePart {
  start: number;
  end: number;
  header?: Uint8Array;
}

/** What reading a part tells about where it stopped, so parts can be checked and stitched together. */
export interface PartEnd {
  /** Line where the next row would start. */
  line: number;
  /** Bytes left in an unfinished row (a quoted field running past the part's end). */
  pending: number;
  /** Whether the bytes showed their encoding (any non-ASCII byte or a BOM). */
  settled: boolean;
}

/** Most data rows one file may hold; past it the file is refused rather than read for hours. */
export const MAX_ROWS_PER_FILE = 50_000_000;

const CHUNK_BYTES = 1 << 20;

export interface RowSink {
  /** The first row. Returns false to stop reading (the header is unusable). */
  header(row: RowView, display: string): boolean;
  /** Every later row, except rows whose cells are all empty. Returns false for a row it did not count. */
  row(row: RowView, display: string): void;
}

/**
 * The file's bytes in chunks read into one reused buffer (a read stream allocates a new buffer per chunk,
 * which on a multi-gigabyte file shows up as memory). Each chunk is valid until the next is read.
 */
async function* readChunks(file: string, start = 0, end = Infinity): AsyncGenerator<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    let position = start;
    while (position < end) {
      const want = Math.min(CHUNK_BYTES, end - position);
      const { bytesRead } = await handle.read(buffer, 0, want, position);
      if (bytesRead === 0) return;
      position += bytesRead;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

function sniffDelimiter(bytes: Uint8Array): string {
  let tabs = 0;
  let commas = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 0x0a || b === 0x0d) break;
    if (b === 0x09) tabs++;
    else if (b === 0x2c) commas++;
  }
  return tabs > commas ? '\t' : ',';
}

export interface CsvRow {
  fields: string[];
  /** Physical line (1-based) where the row starts. */
  line: number;
}

/**
 * Streams a small CSV file (components, a ledger) as rows of strings: `onHeader` gets the first row and
 * returns false to stop; `onRow` gets every later row that is not blank.
 */
export function readCsvFile(
  file: string,
  options: CsvReadOptions,
  onHeader: (row: CsvRow, display: string) => boolean,
  onRow: (row: CsvRow, display: string) => void,
): Promise<CsvFileReport> {
  return streamCsvFile(file, options, {
    header: (row, display) => onHeader({ fields: row.texts(), line: row.line }, display),
    row: (row, display) => onRow({ fields: row.texts(), line: row.line }, display),
  });
}

/** Streams one CSV file (or one part of it) into a sink of row views. */
export async function streamCsvFile(
  file: string,
  options: CsvReadOptions,
  sink: RowSink,
  part?: FilePart,
  partEnd?: PartEnd,
): Promise<CsvFileReport> {
  const display = displayPath(file);
  const hash = createHash('sha256');
  const decoder = new ByteDecoder(options.encoding);
  const diagnostics: Diagnostic[] = [];
  let delimiter = options.delimiter ?? (/\.(tsv|tab)$/i.test(file) ? '\t' : undefined);
  let tokenizer: CsvTokenizer | undefined;
  let headerSeen = false;
  let stopped = false;
  let rows = 0;

  const onRow = (row: RowView) => {
    if (stopped) return;
    if (!headerSeen) {
      headerSeen = true;
      if (!sink.header(row, display)) stopped = true;
      return;
    }
    if (allBlank(row)) return;
    rows++;
    if (rows > MAX_ROWS_PER_FILE) {
      diagnostics.push(diagnostic('REC_TOO_MANY_ROWS', { file: display, line: row.line }, { limit: MAX_ROWS_PER_FILE }));
      stopped = true;
      return;
    }
    sink.row(row, display);
  };
  const feed = (bytes: Uint8Array) => {
    if (!tokenizer) {
      if (bytes.length === 0) return;
      tokenizer = new CsvTokenizer(delimiter ?? sniffDelimiter(bytes), onRow, decoder.text, DEFAULT_CSV_LIMITS);
    }
    tokenizer.push(bytes);
  };

  try {
    if (part?.header) feed(decoder.push(part.header));
    for await (const chunk of readChunks(file, part?.start, part?.end)) {
      if (!part) hash.update(chunk);
      options.onBytes?.(chunk.length, rows);
      // A stopped file has failed; its hash is never shown, so the rest (perhaps gigabytes) is not read.
      if (stopped) break;
      try {
        feed(decoder.push(chunk));
      } catch (error) {
        if (!(error instanceof DecodeError)) throw error;
        feed(error.validPrefix);
        const line = (tokenizer?.currentLine ?? 1) + countLineBreaks(tokenizer?.pendingBytes ?? error.validPrefix);
        diagnostics.push(diagnostic('REC_ENCODING', { file: display, line }, { encoding: error.encoding }));
        stopped = true;
      }
    }
    if (!stopped) {
      try {
        feed(decoder.end());
      } catch (error) {
        if (!(error instanceof DecodeError)) throw error;
        const line = (tokenizer?.currentLine ?? 1) + countLineBreaks(tokenizer?.pendingBytes ?? new Uint8Array());
        diagnostics.push(diagnostic('REC_ENCODING', { file: display, line }, { encoding: error.encoding }));
        stopped = true;
      }
    }
    if (partEnd) {
      partEnd.line = tokenizer?.currentLine ?? 1;
      partEnd.pending = tokenizer?.pendingBytes.length ?? 0;
      partEnd.settled = decoder.settled;
    }
    if (!stopped && tokenizer && (!part || part.end === Infinity)) {
      const syntax = tokenizer.end();
      if (syntax) {
        diagnostics.push(diagnostic('REC_CSV_SYNTAX', { file: display, line: syntax.line, col: syntax.col }, { message: syntax.message }));
      }
    }
  } catch (error) {
    if (error instanceof CsvLimitError) {
      diagnostics.push(
        error.kind === 'field'
          ? diagnostic('REC_FIELD_TOO_LARGE', { file: display, line: error.line }, { limit: error.limit })
          : diagnostic('REC_TOO_MANY_FIELDS', { file: display, line: error.line }, { limit: error.limit }),
      );
    } else if (isNodeError(error)) {
      diagnostics.push(diagnostic('FILE_UNREADABLE', { file: display }, { message: error.message }));
    } else {
      throw error;
    }
  }
  if (!headerSeen && diagnostics.length === 0) diagnostics.push(diagnostic('REC_EMPTY_FILE', { file: display, line: 1 }));
  return { path: display, sha256: hash.digest('hex'), encoding: decoder.encoding, rows, diagnostics };
}

/** Excel saves a row whose cells were cleared as ",,,,": blank to the user, so not a record. */
function allBlank(row: RowView): boolean {
  let allEmpty = true;
  for (let i = 0; i < row.fieldCount; i++) {
    if (!row.isEmpty(i)) {
      allEmpty = false;
      break;
    }
  }
  if (allEmpty) return true;
  // Rare: cells holding only spaces.
  const bytes = row.bytes;
  for (let i = 0; i < row.fieldCount; i++) {
    for (let k = row.starts[i]!; k < row.ends[i]!; k++) if (bytes[k] !== 0x20 && bytes[k] !== 0x09) return false;
  }
  return row.texts().every((t) => cleanCell(t) === '');
}

function isNodeError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
}

// ---------------------------------------------------------------- fast key matching

/** Open-addressing table from ASCII id bytes to their index, so a row's ids are matched without strings. */
class ByteKeyTable {
  private readonly slots: Int32Array;
  private readonly keys: Uint8Array[] = [];
  private readonly mask: number;

  constructor(ids: readonly string[]) {
    let size = 16;
    while (size < ids.length * 4) size *= 2;
    this.slots = new Int32Array(size).fill(-1);
    this.mask = size - 1;
    ids.forEach((id, index) => {
      if (!/^[\x21-\x7e]+$/.test(id)) return; // non-ASCII or spaced ids take the general path
      const bytes = Buffer.from(id, 'latin1');
      this.keys[index] = bytes;
      let slot = hashBytes(bytes, 0, bytes.length) & this.mask;
      while (this.slots[slot] !== -1) slot = (slot + 1) & this.mask;
      this.slots[slot] = index;
    });
  }

  lookup(bytes: Uint8Array, start: number, end: number): number {
    let slot = hashBytes(bytes, start, end) & this.mask;
    for (;;) {
      const index = this.slots[slot]!;
      if (index === -1) return -1;
      const key = this.keys[index]!;
      if (key.length === end - start) {
        let k = 0;
        while (k < key.length && key[k] === bytes[start + k]) k++;
        if (k === key.length) return index;
      }
      slot = (slot + 1) & this.mask;
    }
  }
}

function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h >>> 0;
}

/** Repeated free text (inspector names, stock notes) is decoded once and known by its collector text id. */
class TextInterner {
  private readonly entries = new Map<number, { bytes: Uint8Array; id: number }[]>();
  private size = 0;

  constructor(private readonly collector: FindingCollector) {}

  /** The text id of a cell, or −1 when it is empty or only spaces (as the general path treats it). */
  id(row: RowView, field: number): number {
    if (field < 0 || field >= row.fieldCount || row.isEmpty(field)) return -1;
    if (row.kinds[field] === FieldKind.Escaped || this.size > 50_000) return this.idOf(row.text(field));
    const bytes = row.bytes;
    const start = row.starts[field]!;
    const end = row.ends[field]!;
    const h = hashBytes(bytes, start, end);
    const bucket = this.entries.get(h);
    if (bucket) {
      for (const entry of bucket) {
        if (entry.bytes.length !== end - start) continue;
        let k = 0;
        while (k < entry.bytes.length && entry.bytes[k] === bytes[start + k]) k++;
        if (k === entry.bytes.length) return entry.id;
      }
    }
    const id = this.idOf(row.text(field));
    const entry = { bytes: Uint8Array.prototype.slice.call(bytes, start, end), id };
    if (bucket) bucket.push(entry);
    else this.entries.set(h, [entry]);
    this.size++;
    return id;
  }

  private idOf(text: string): number {
    return text.trim() === '' ? -1 : this.collector.textId(text);
  }
}

const DIGIT0 = 0x30;
const isDigit = (b: number | undefined): boolean => b !== undefined && b >= 0x30 && b <= 0x39;
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** `YYYY-MM-DD`, `YYYY/M/D`, `YYYY-M-D` as yyyymm × 100 + dd, or -1 when the bytes are not such a date. */
function parseDateBytes(bytes: Uint8Array, start: number, end: number): number {
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

/**
 * Keeps a rejected row, or only counts it past `limit` (a run that fails needs only the first few to show;
 * a wrong rule set can reject millions).
 */
export function keepRejected(result: RecordsReadResult, row: RejectedRow, limit: number): void {
  if (result.rejected.length < limit) {
    result.rejected.push(row);
  } else {
    result.dropped.rows++;
    result.dropped.errors += row.diagnostics.length;
  }
}

export interface RecordsReadResult {
  inputs: CsvFileReport[];
  /** File-level problems (bad bytes, malformed CSV, bad header): never skippable. */
  fileDiagnostics: Diagnostic[];
  rejected: RejectedRow[];
  records: number;
  accepted: number;
  /** Months (YYYY-MM) of the accepted records' dates. */
  months: Set<string>;
  /** Rejected rows counted but not kept (see keepRejected), and their errors. */
  dropped: { rows: number; errors: number };
}

/**
 * Reads records files into a collector, one after another (or one part of a file, in a worker).
 */
export class RecordsReader {
  readonly result: RecordsReadResult = {
    inputs: [], fileDiagnostics: [], rejected: [], records: 0, accepted: 0, months: new Set(), dropped: { rows: 0, errors: 0 },
  };
  private readonly checker: RecordChecker;
  private readonly sites: ByteKeyTable;
  private readonly items: ByteKeyTable;
  private readonly siteCategory: Int32Array;
  private readonly itemCategory: Int32Array;
  private readonly period: number;
  private readonly monthNumbers = new Set<number>();
  private readonly interner: TextInterner;

  constructor(
    ruleSet: RuleSet,
    private readonly options: CsvReadOptions & { period?: string },
    private readonly collector: FindingCollector,
  ) {
    this.checker = new RecordChecker(ruleSet, options.period);
    const siteIds = ruleSet.sites.map((s) => s.id);
    const itemCodes = [...ruleSet.itemByCode.keys()];
    // The collector indexes sites and items the same way: both follow rule-set order.
    this.sites = new ByteKeyTable(siteIds);
    this.items = new ByteKeyTable(itemCodes);
    const categoryIndex = new Map(ruleSet.categories.map((c, i) => [c.id, i]));
    this.siteCategory = Int32Array.from(ruleSet.sites, (s) => categoryIndex.get(s.category) ?? -1);
    this.itemCategory = Int32Array.from(itemCodes, (code) => categoryIndex.get(ruleSet.itemByCode.get(code)!.category) ?? -1);
    this.period = options.period === undefined ? -1 : Number(options.period.replace('-', ''));
    this.interner = new TextInterner(collector);
  }

  /** The months of accepted dates, once every file has been read. */
  finish(): RecordsReadResult {
    for (const month of this.monthNumbers) {
      this.result.months.add(`${Math.floor(month / 100)}-${String(month % 100).padStart(2, '0')}`);
    }
    return this.result;
  }

  /** Reads one file, or one part of it, and returns its report (also added to result.inputs). */
  async readFile(file: string, part?: FilePart, partEnd?: PartEnd): Promise<CsvFileReport> {
    const { checker, collector, sites, items, siteCategory, itemCategory, period, monthNumbers, interner, options, result } = this;
      let header: HeaderMap = {};
      let headerLength = 0;
      let fileIndex = 0;
      let siteCol = -1;
      let itemCol = -1;
      let countCol = -1;
      let dateCol = -1;
      let idCol = -1;
      let inspectorCol = -1;
      let noteCol = -1;
      let photoCol = -1;

      const general = (row: RowView, display: string) => {
        const outcome = checker.check(row.texts(), header, headerLength, display, row.line);
        if ('rejected' in outcome) {
          keepRejected(result, outcome.rejected, options.keepRejected ?? Infinity);
          return;
        }
        result.accepted++;
        if (outcome.date) result.months.add(outcome.date.slice(0, 7));
        collector.add(outcome.record);
      };

      const report = await streamCsvFile(file, options, {
        header(row, display) {
          const mapped = mapHeader(row.texts(), display, row.line);
          result.fileDiagnostics.push(...mapped.diagnostics);
          if (!mapped.map) return false;
          header = mapped.map;
          headerLength = row.fieldCount;
          fileIndex = collector.fileIndex(display);
          siteCol = header.site ?? -1;
          itemCol = header.item ?? -1;
          countCol = header.count ?? -1;
          dateCol = header.date ?? -1;
          idCol = header.recordId ?? -1;
          inspectorCol = header.inspector ?? -1;
          noteCol = header.note ?? -1;
          photoCol = header.photo ?? -1;
          return true;
        },
        row(row, display) {
          result.records++;
          const bytes = row.bytes;
          const fields = row.fieldCount;
          if (fields > headerLength) {
            for (let i = headerLength; i < fields; i++) if (!row.isEmpty(i)) return general(row, display);
          }
          if (siteCol >= fields) return general(row, display);
          const site = sites.lookup(bytes, row.starts[siteCol]!, row.ends[siteCol]!);
          if (site < 0 || row.kinds[siteCol] === FieldKind.Escaped) return general(row, display);

          let item = -1;
          const hasItem = itemCol >= 0 && itemCol < fields && !row.isEmpty(itemCol);
          if (hasItem) {
            if (row.kinds[itemCol] === FieldKind.Escaped) return general(row, display);
            item = items.lookup(bytes, row.starts[itemCol]!, row.ends[itemCol]!);
            if (item < 0 || itemCategory[item] !== siteCategory[site]) return general(row, display);
          }

          let count = 1;
          if (countCol >= 0 && countCol < fields && !row.isEmpty(countCol)) {
            if (!hasItem || row.kinds[countCol] === FieldKind.Escaped) return general(row, display);
            const start = row.starts[countCol]!;
            const end = row.ends[countCol]!;
            if (end - start > 7) return general(row, display);
            count = 0;
            for (let k = start; k < end; k++) {
              const b = bytes[k]!;
              if (b < 0x30 || b > 0x39) return general(row, display);
              count = count * 10 + b - DIGIT0;
            }
            if (count < 1 || count > MAX_COUNT) return general(row, display);
          }

          let month = -1;
          if (dateCol >= 0 && dateCol < fields && !row.isEmpty(dateCol)) {
            if (row.kinds[dateCol] === FieldKind.Escaped) return general(row, display);
            const date = parseDateBytes(bytes, row.starts[dateCol]!, row.ends[dateCol]!);
            if (date < 0) return general(row, display);
            month = Math.floor(date / 100);
            if (period >= 0 && month !== period) return general(row, display);
          }

          let recordId: string | undefined;
          if (idCol >= 0 && idCol < fields && !row.isEmpty(idCol)) {
            recordId = cleanCell(row.text(idCol));
            if (recordId === '') recordId = undefined;
            else if (checker.firstAt(recordId) !== undefined) return general(row, display);
          }

          // Accepted.
          result.accepted++;
          if (month >= 0) monthNumbers.add(month);
          if (recordId !== undefined) checker.remember(recordId, display, row.line);
          if (!hasItem) {
            collector.visit(site);
            return;
          }
          collector.addFinding(
            site, item, count, fileIndex, row.line, recordId,
            interner.id(row, inspectorCol), interner.id(row, noteCol), interner.id(row, photoCol),
          );
        },
      }, part, partEnd);
      for (const d of report.diagnostics) result.fileDiagnostics.push(d);
      result.inputs.push(report);
      return report;
  }
}

/**
 * Reads every records file into the collector. Files are read in natural path order whatever order they
 * were named in, so which of two rows with the same record_id is the duplicate never depends on it.
 * A large file may be read in two halves by worker threads (see parallel.ts); the result is the same.
 */
export async function readRecords(
  files: readonly string[],
  ruleSet: RuleSet,
  /** With `rulesPath`, large files may be read in two halves by workers that load the same rules. */
  options: CsvReadOptions & { period?: string; rulesPath?: string },
  collector: FindingCollector,
): Promise<RecordsReadResult> {
  const byResolved = new Map<string, string>();
  for (const file of files) if (!byResolved.has(path.resolve(file))) byResolved.set(path.resolve(file), file);
  const ordered = [...byResolved.values()].sort((a, b) => compareNatural(displayPath(a), displayPath(b)));
  const reader = new RecordsReader(ruleSet, options, collector);
  for (const file of ordered) {
    if (options.rulesPath !== undefined) {
      const { readInHalves } = await import('./parallel.js');
      if (await readInHalves(file, options as CsvReadOptions & { period?: string; rulesPath: string }, reader, collector)) continue;
    }
    await reader.readFile(file);
  }
  return reader.finish();
}
