// Reads record CSV files as a stream: bytes → validated bytes → row views → checked records → the finding
// collector. Nothing proportional to the file is held except the rejected rows (and, per finding, its source).
//
// Every row first tries the fast path: its key fields are matched as bytes (site ids and item codes through
// a byte hash table, counts and dates parsed from digits) without building strings. Anything unusual —
// spaces, full-width characters, quotes with escapes, an unknown id, a bad count or date, a duplicate
// record_id — sends the row to the general path, which builds the strings and runs the one RecordChecker,
// so both paths accept exactly the same rows and every error comes from the same code.

import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import { diagnostic, type Diagnostic } from '../core/diagnostics.js';
import { cleanCell, mapHeader, MAX_COUNT, RecordChecker, type HeaderMap, type KeptIdList, type RejectedRow } from '../core/records.js';
import type { CollectedPart, FindingCollector, FindingSink } from '../core/score.js';
import { compareNatural } from '../core/text.js';
import type { RuleSet } from '../core/types.js';
import { CsvLimitError, CsvTokenizer, DEFAULT_CSV_LIMITS, FieldKind, type RowRun, type RowView } from './csv.js';
import { fastDelimiter, FastRows, Role } from './fast-rows.js';
import { worthHashingElsewhere, worthTwoThreads } from './two-threads.js';
import { trace } from './trace.js';
import { hashOnAnotherThread, type FileHash, type HashElsewhere } from './hash-elsewhere.js';
import type { ParallelHandoff } from './parallel.js';
import { ByteKeyTable, ByteTexts, parseCountBytes, parseDateBytes, plainAsciiBytes } from './row-bytes.js';
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
  /** Every records row through the general checks, none through a fast path (tests compare the two). */
  generalOnly?: boolean;
  /** Bytes read at a time (default 1 MiB); tests make it small to put rows across chunk boundaries. */
  chunkBytes?: number;
  /** Where the fused reader's memory must end (default 2 GiB); tests make it small (see FastRowsSetup). */
  fusedMemoryLimit?: number;
}

export interface CsvFileReport {
  path: string;
  /** Empty for a part of a file, and until made for a file hashed on another thread (see `bytes`). */
  sha256: string;
  encoding: EncodingName;
  /** Data rows (blank lines and the header excluded). */
  rows: number;
  diagnostics: Diagnostic[];
  /**
   * For a file read with `hashElsewhere` (see streamCsvFile) and read to its end: the bytes read, which its
   * SHA-256, made on another thread, must be of (see hashMade).
   */
  bytes?: number;
}

/** A byte range of a file, read as if `header` (the file's raw first line) came before it. */
export interface FilePart {
  start: number;
  end: number;
  header?: Uint8Array;
  /** The file, opened by the thread that split it (threads share descriptors): read here, not closed here. */
  fd?: number;
}

/** What reading a part tells about where it stopped, so parts can be checked and stitched together. */
export interface PartEnd {
  /** Line where the next row would start. */
  line: number;
  /** Bytes left in an unfinished row (a quoted field running past the part's end). */
  pending: number;
  /** Whether the bytes showed their encoding (any non-ASCII byte or a BOM). */
  settled: boolean;
  /** Bytes read. */
  bytes: number;
}

/** Most data rows one file may hold; past it the file is refused rather than read for hours. */
export const MAX_ROWS_PER_FILE = 50_000_000;

const CHUNK_BYTES = 1 << 20;
/**
 * Bytes read at a time by the first of two threads reading a file until the cut is decided (see cut.ts):
 * each read claims what it reads, so the worker learns how far this thread has got to within this; while
 * its code is still cold, 1 MiB takes this thread ~80 ms.
 */
const CLAIM_BYTES = 1 << 17;

export interface RowSink {
  /** The first row. Returns false to stop reading (the header is unusable). */
  header(row: RowView, display: string): boolean;
  /** Every later row, except rows whose cells are all empty. Returns false for a row it did not count. */
  row(row: RowView, display: string): void;
  /**
   * Asked once the header is accepted: a reader of plain rows in bulk, which counts the rows it takes in
   * `counter.rows` and takes none past `maxRows`. Rows it leaves still go to `row`.
   */
  fastRows?(delimiter: number, counter: { rows: number }, maxRows: number): RowRun | undefined;
}

/**
 * The file's bytes in chunks read into one reused buffer (a read stream allocates a new buffer per chunk,
 * which on a multi-gigabyte file shows up as memory). Each chunk is valid until the next is read.
 * Reads are synchronous: an asynchronous read waits for a thread-pool thread, and while both cores are
 * busy reading a file in two parts that wait costs more than the read (a third of the time, measured).
 */
async function* readChunks(
  fd: number,
  start = 0,
  end = Infinity,
  chunkBytes = CHUNK_BYTES,
  /**
   * Asked before each read with the byte it would end at; a number returned is the end from then on, and
   * is not asked again. Until then reads are of at most CLAIM_BYTES (see there).
   */
  endBefore?: (readEnd: number) => number | undefined,
  /** A pipe or a terminal: read from where it is, without a position (which such a file refuses: ESPIPE). */
  sequential = false,
): AsyncGenerator<Uint8Array> {
  const buffer = Buffer.allocUnsafe(chunkBytes);
  let position = start;
  while (position < end) {
    let want = Math.min(endBefore ? Math.min(CLAIM_BYTES, chunkBytes) : chunkBytes, end - position);
    const newEnd = endBefore?.(position + want);
    if (newEnd !== undefined) {
      end = Math.min(end, newEnd);
      endBefore = undefined;
      want = Math.min(chunkBytes, end - position);
      if (want <= 0) return;
    }
    const bytesRead = readSync(fd, buffer, 0, want, sequential ? null : position);
    if (bytesRead === 0) return;
    position += bytesRead;
    yield buffer.subarray(0, bytesRead);
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

/**
 * Someone else (a worker) reading the rest of a file from a byte decided while the stream reads (see cut.ts).
 * The stream reads the bytes before that cut, and if they end on a row boundary offers the rest to `take`,
 * which returns how many rows it added and the encoding it read, or undefined when its reading cannot stand
 * for the stream's own (then the stream reads on itself).
 */
export interface Handoff {
  /**
   * Asked before each read, with the byte the read would end at: the cut, once decided; null once it is
   * known there will be none; else undefined.
   */
  cutBefore(end: number): number | null | undefined;
  /** Told that the stream stopped reading (at the end, or on an error) with no cut: no one may take the rest now. */
  noCut(): void;
  /** Told that the stream reads on past the cut itself (it is not at a row start there): returns undefined. */
  decline(): undefined;
  take(state: { line: number; encoding: EncodingName; settled: boolean; rows: number }): Promise<{ rows: number; encoding: EncodingName; bytes: number } | undefined>;
}

/** Streams one CSV file (or one part of it) into a sink of row views. */
export async function streamCsvFile(
  file: string,
  options: CsvReadOptions,
  sink: RowSink,
  part?: FilePart,
  partEnd?: PartEnd,
  handoff?: Handoff,
  /**
   * The file's SHA-256 is made on another thread (see hash-elsewhere.ts) by the caller: the bytes are not
   * hashed here, and the report says how many were read (see hashMade).
   */
  hashElsewhere?: boolean,
  /** The file already open (see FilePart.fd); else it is opened here. Every read of it goes through one descriptor. */
  openFd?: number,
): Promise<CsvFileReport> {
  const display = displayPath(file);
  // Someone else reads the rest past a handoff, so only a hash made elsewhere can be of the whole file.
  if (handoff && !part && !hashElsewhere) throw new Error('a handoff needs the file hashed elsewhere');
  // Hashed here only when read whole here: a part's or a file hashed elsewhere is not.
  const hash = part || hashElsewhere ? undefined : createHash('sha256');
  const decoder = new ByteDecoder(options.encoding);
  const diagnostics: Diagnostic[] = [];
  let delimiter = options.delimiter ?? (/\.(tsv|tab)$/i.test(file) ? '\t' : undefined);
  let tokenizer: CsvTokenizer | undefined;
  let headerSeen = false;
  let stopped = false;
  /** Data rows so far, shared with the sink's fast reader. */
  const counter = { rows: 0 };
  /** The encoding a handoff read the rest in, when the part read here was plain ASCII. */
  let adoptedEncoding: EncodingName | undefined;
  /** Bytes of the file read, here or by a worker whose part was taken (a hash must be of as many). */
  let bytesRead = 0;

  const onRow = (row: RowView) => {
    if (stopped) return;
    if (!headerSeen) {
      headerSeen = true;
      if (!sink.header(row, display)) stopped = true;
      else if (tokenizer && sink.fastRows) tokenizer.fast = sink.fastRows(tokenizerDelimiter, counter, MAX_ROWS_PER_FILE);
      return;
    }
    if (allBlank(row)) return;
    counter.rows++;
    if (counter.rows > MAX_ROWS_PER_FILE) {
      diagnostics.push(diagnostic('REC_TOO_MANY_ROWS', { file: display, line: row.line }, { limit: MAX_ROWS_PER_FILE }));
      stopped = true;
      return;
    }
    sink.row(row, display);
  };
  let tokenizerDelimiter = 0x2c;
  const feed = (bytes: Uint8Array) => {
    if (!tokenizer) {
      if (bytes.length === 0) return;
      const chosen = delimiter ?? sniffDelimiter(bytes);
      tokenizerDelimiter = chosen.charCodeAt(0);
      tokenizer = new CsvTokenizer(chosen, onRow, decoder.text, DEFAULT_CSV_LIMITS);
    }
    tokenizer.push(bytes);
  };

  let ownFd: number | undefined;
  try {
    const fd = part?.fd ?? openFd ?? (ownFd = openSync(file, 'r'));
    // `--records <(…)` or /dev/stdin: such a file is read once, in order (never in parts: see startSecondPart).
    const sequential = !part && !fstatSync(fd).isFile();
    if (part?.header) feed(decoder.push(part.header));
    const consume = (chunk: Uint8Array) => {
      bytesRead += chunk.length;
      hash?.update(chunk);
      options.onBytes?.(chunk.length, counter.rows);
      // A stopped file has failed; its hash is never shown, so the rest (perhaps gigabytes) is not read.
      if (stopped) return;
      try {
        feed(decoder.push(chunk));
      } catch (error) {
        if (!(error instanceof DecodeError)) throw error;
        feed(error.validPrefix);
        const line = (tokenizer?.currentLine ?? 1) + countLineBreaks(tokenizer?.pendingBytes ?? error.validPrefix);
        diagnostics.push(diagnostic('REC_ENCODING', { file: display, line }, { encoding: error.encoding }));
        stopped = true;
      }
    };
    let split: number | undefined;
    const cutBefore = handoff && !part
      ? (readEnd: number) => {
        const cut = handoff.cutBefore(readEnd);
        if (cut === null) return Infinity; // no cut: read on, in full-sized chunks
        split = cut;
        return cut;
      }
      : undefined;
    for await (const chunk of readChunks(fd, part?.start, part?.end, options.chunkBytes, cutBefore, sequential)) {
      consume(chunk);
      if (stopped) break;
    }
    if (cutBefore && split === undefined) handoff!.noCut();
    if (split !== undefined && !stopped) {
      // The rest may have been read by a worker: adopt its rows if they are what reading on would give.
      // (Bytes the decoder holds back, deciding the encoding, have not reached the tokenizer: not a row start.)
      const atRowStart = headerSeen && tokenizer !== undefined && tokenizer.pendingBytes.length === 0 && !decoder.holding;
      const taken = atRowStart
        ? await handoff!.take({ line: tokenizer!.currentLine, encoding: decoder.encoding, settled: decoder.settled, rows: counter.rows })
        : handoff!.decline();
      if (taken !== undefined) {
        options.onBytes?.(taken.bytes, counter.rows + taken.rows);
        bytesRead += taken.bytes;
        counter.rows += taken.rows;
        if (!decoder.settled) adoptedEncoding = taken.encoding;
      } else {
        for await (const chunk of readChunks(fd, split, Infinity, options.chunkBytes, undefined, sequential)) {
          consume(chunk);
          if (stopped) break;
        }
      }
    }
    if (!stopped) {
      try {
        feed(decoder.end());
      } catch (error) {
        if (!(error instanceof DecodeError)) throw error;
        feed(error.validPrefix);
        const line = (tokenizer?.currentLine ?? 1) + countLineBreaks(tokenizer?.pendingBytes ?? error.validPrefix);
        diagnostics.push(diagnostic('REC_ENCODING', { file: display, line }, { encoding: error.encoding }));
        stopped = true;
      }
    }
    if (partEnd) {
      partEnd.line = tokenizer?.currentLine ?? 1;
      partEnd.pending = tokenizer?.pendingBytes.length ?? 0;
      partEnd.settled = decoder.settled;
      partEnd.bytes = bytesRead;
    }
    if (!stopped && tokenizer && (!part || part.end === Infinity)) {
      const syntax = tokenizer.end();
      if (syntax) {
        diagnostics.push(diagnostic('REC_CSV_SYNTAX', { file: display, line: syntax.line, col: syntax.col }, { message: syntax.message }));
      }
    }
  } catch (error) {
    // The file has failed: it is not read on, nor hashed (see consume).
    stopped = true;
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
  } finally {
    if (ownFd !== undefined) closeSync(ownFd);
  }
  if (!headerSeen && diagnostics.length === 0) diagnostics.push(diagnostic('REC_EMPTY_FILE', { file: display, line: 1 }));
  const report: CsvFileReport = { path: display, sha256: hash ? hash.digest('hex') : '', encoding: adoptedEncoding ?? decoder.encoding, rows: counter.rows, diagnostics };
  // A stopped file's hash is never shown (see consume), so it is not made.
  if (hashElsewhere && !stopped) report.bytes = bytesRead;
  return report;
}

/**
 * Puts the SHA-256 made on another thread into the report of a file read with `hashElsewhere`, or returns
 * the problem: a file that could not be read to hash is unreadable, and so is one whose hash was made of
 * other bytes than were read (it changed meanwhile).
 */
export function hashMade(report: CsvFileReport, made: FileHash | Error): Diagnostic | undefined {
  const error = made instanceof Error ? made : made.bytes !== report.bytes ? changedWhileRead(report.bytes ?? 0, made.bytes) : undefined;
  if (error) return diagnostic('FILE_UNREADABLE', { file: report.path }, { message: error.message });
  report.sha256 = (made as FileHash).sha256;
  return undefined;
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

/** A file that changed between being read and being hashed: an I/O problem of its own kind. */
function changedWhileRead(read: number, hashed: number): Error {
  return new Error(`the file changed while it was read (${read} bytes read, ${hashed} hashed)`);
}

function isNodeError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
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
  /** Of the accepted, those the fused fast path took (see fast-rows.ts): for the trace and tests. */
  fusedRows: number;
  /** Months (YYYY-MM) of the accepted records' dates. */
  months: Set<string>;
  /** Rejected rows counted but not kept (see keepRejected), and their errors. */
  dropped: { rows: number; errors: number };
  /**
   * With `deferHashes`: resolves once the inputs hashed on another thread have their SHA-256 in `inputs`,
   * to the problems found meanwhile (FILE_UNREADABLE). Until then those inputs' sha256 is empty.
   */
  hashesMade?: Promise<Diagnostic[]>;
  /** With `deferHashes`: stops any hashing still running (a run that failed needs none) and resolves once its files are closed. */
  stopHashing?: () => Promise<void>;
}

/**
 * Reads records files into a collector, one after another (or one part of a file, in a worker).
 */
export class RecordsReader {
  readonly result: RecordsReadResult = {
    inputs: [], fileDiagnostics: [], rejected: [], records: 0, accepted: 0, fusedRows: 0, months: new Set(), dropped: { rows: 0, errors: 0 },
  };
  private readonly checker: RecordChecker;
  /**
   * Site ids and item codes by their bytes, for rows the fused reader leaves (it has tables of its own):
   * made when such a row first comes (~1.5 ms of a city month, usually read by the fused reader alone).
   */
  private readonly keys: { sites?: ByteKeyTable; items?: ByteKeyTable } = {};
  private readonly siteIds: string[];
  private readonly itemCodes: string[];
  private readonly siteCategory: Int32Array;
  private readonly itemCategory: Int32Array;
  private readonly period: number;
  private readonly monthNumbers = new Set<number>();

  constructor(
    ruleSet: RuleSet,
    private readonly options: CsvReadOptions & { period?: string },
    private readonly collector: FindingCollector,
    /**
     * Keep the findings of files read by the fused reader as parts (keptParts) instead of importing them into
     * the collector: a worker sends its part on as it is.
     */
    private readonly keepParts = false,
  ) {
    this.checker = new RecordChecker(ruleSet, options.period);
    collector.useRecordIdNames(this.checker.names);
    const siteIds = ruleSet.sites.map((s) => s.id);
    const itemCodes = [...ruleSet.itemByCode.keys()];
    // The collector indexes sites and items the same way: both follow rule-set order.
    this.siteIds = siteIds;
    this.itemCodes = itemCodes;
    const categoryIndex = new Map(ruleSet.categories.map((c, i) => [c.id, i]));
    this.siteCategory = Int32Array.from(ruleSet.sites, (s) => categoryIndex.get(s.category) ?? -1);
    this.itemCategory = Int32Array.from(itemCodes, (code) => categoryIndex.get(ruleSet.itemByCode.get(code)!.category) ?? -1);
    this.period = options.period === undefined ? -1 : Number(options.period.replace('-', ''));
  }

  /** With keepParts: the parts the fused reader made, in the order read (see readFile). */
  readonly keptParts: CollectedPart[] = [];
  /**
   * With keepParts: the record ids of the rows it rejected (cleaned; kept in full, unlike the rejected rows'
   * cells), which the thread that adopts the part must check against its own (see adoptIdsOf).
   */
  readonly rejectedIds: string[] = [];
  /**
   * With keepParts: per rejected row kept, the line where its record_id was first accepted when that makes it
   * a duplicate of a row of this file, else −1. A part read elsewhere numbers its lines from 2: the thread that
   * adopts it shifts them (its diagnostics name that line in text, escaped and cut as messages are).
   */
  readonly duplicateLines: number[] = [];
  /** Whether a file read had a record_id column. */
  sawRecordIds = false;

  /** Every record id accepted, with its line (see RecordChecker.exportIds). */
  exportIds(): KeptIdList {
    return this.checker.exportIds();
  }

  /**
   * Takes on the record ids of a part of `file` read by another reader (a worker) after all read here: the
   * base its ids' numbers are counted from here, or −1 when one of them was accepted here (see
   * RecordChecker.appendIds).
   */
  adoptIdsOf(kept: KeptIdList, rejectedIds: readonly string[], file: string, lineOffset: number): number {
    // The ids this thread read of the file are the only ones it holds (it kept them in its fused reader's
    // module, which still has them): checked there, without putting them all in the checker's table first.
    const held = this.idsJustTaken;
    this.idsJustTaken = undefined;
    if (held) {
      // Ids that all come after this thread's in natural order cannot repeat one: not looked up.
      const collides = this.checker.idsComeAfter(kept) ? false : held.collides(kept);
      const rejectedCollide = collides === false && rejectedIds.length > 0 ? held.collides(this.checker.idList(rejectedIds)) : false;
      held.release();
      if (collides === true || rejectedCollide === true) return -1;
      if (collides === false && rejectedCollide === false) return this.checker.appendIds(kept, [], file, lineOffset, false);
    }
    return this.checker.appendIds(kept, rejectedIds, file, lineOffset, true);
  }

  /** The fused reader whose module kept this thread's ids of the file just read, the only ones held (see adoptIdsOf). */
  private idsJustTaken: FastRows | undefined;

  /** The months of accepted dates, once every file has been read. */
  finish(): RecordsReadResult {
    for (const month of this.monthNumbers) {
      this.result.months.add(`${String(Math.floor(month / 100)).padStart(4, '0')}-${String(month % 100).padStart(2, '0')}`);
    }
    return this.result;
  }

  /** Reads one file, or one part of it, and returns its report (also added to result.inputs). */
  async readFile(
    file: string, part?: FilePart, partEnd?: PartEnd, handoff?: Handoff, hashElsewhere?: boolean, fd?: number,
  ): Promise<CsvFileReport> {
    const { checker, collector, keys, siteIds, itemCodes, siteCategory, itemCategory, period, monthNumbers, options, result } = this;
    let header: HeaderMap = {};
    let headerLength = 0;
    let fileIndex = 0;
    let fileDisplay = '';
    let siteCol = -1;
    let itemCol = -1;
    let countCol = -1;
    let dateCol = -1;
    let idCol = -1;
    let inspectorCol = -1;
    let noteCol = -1;
    let photoCol = -1;
    // Per file: the same bytes may spell different text in another file's encoding.
    let texts: ByteTexts | undefined;
    let fast: FastRows | undefined;
    // While the fused reader reads the file, the general path's findings go to its part too (see fast-rows.ts).
    let sink: FindingSink = collector;
    // The rows of a part read elsewhere are adopted after this thread's own: its findings go first.
    const adopting: Handoff | undefined = handoff && {
      cutBefore: (end) => handoff.cutBefore(end),
      noCut: () => handoff.noCut(),
      decline: () => handoff.decline(),
      take: (state) => {
        handOver();
        return handoff.take(state);
      },
    };
    /** Hands the fused reader's findings over: to the collector, after all it has from this file, or kept. */
    const handOver = () => {
      const kept = fast?.takeIds();
      if (kept) checker.adoptIds(kept);
      this.idsJustTaken = kept ? fast : undefined;
      const made = fast?.part();
      if (made === undefined) return;
      if (this.keepParts) this.keptParts.push(made);
      else collector.importPart(made, fileIndex, 0);
    };

    const general = (row: RowView, display: string) => {
      const cells = row.texts();
      const outcome = checker.check(cells, header, headerLength, display, row.line);
      if ('rejected' in outcome) {
        if (this.keepParts && header.recordId !== undefined) {
          const id = cleanCell(cells[header.recordId]);
          if (id !== '') this.rejectedIds.push(id);
        }
        const kept = result.rejected.length;
        keepRejected(result, outcome.rejected, options.keepRejected ?? Infinity);
        if (this.keepParts && result.rejected.length > kept) {
          this.duplicateLines.push(outcome.duplicateOf?.file === display ? outcome.duplicateOf.line : -1);
        }
        return;
      }
      result.accepted++;
      if (outcome.date) result.months.add(outcome.date.slice(0, 7));
      collector.add(outcome.record, sink);
    };

    /** The text id of a field, −1 when it is absent, empty or only spaces (as the general path reads it). */
    const textOf = (row: RowView, field: number): number => {
      if (field < 0 || field >= row.fieldCount || row.isEmpty(field)) return -1;
      if (row.kinds[field] === FieldKind.Escaped) return texts!.idOf(row.text(field));
      return texts!.id(row.bytes, row.starts[field]!, row.ends[field]!);
    };

    const report = await streamCsvFile(file, options, {
      header(row, display) {
        const mapped = mapHeader(row.texts(), display, row.line);
        result.fileDiagnostics.push(...mapped.diagnostics);
        if (!mapped.map) return false;
        header = mapped.map;
        headerLength = row.fieldCount;
        fileIndex = collector.fileIndex(display);
        fileDisplay = display;
        siteCol = header.site ?? -1;
        itemCol = header.item ?? -1;
        countCol = header.count ?? -1;
        dateCol = header.date ?? -1;
        idCol = header.recordId ?? -1;
        inspectorCol = header.inspector ?? -1;
        noteCol = header.note ?? -1;
        photoCol = header.photo ?? -1;
        texts = new ByteTexts(row.decode, (text) => collector.textId(text));
        return true;
      },
      fastRows(delimiter, counter, maxRows) {
        if (!fastDelimiter(delimiter) || options.generalOnly || !FastRows.fits(siteIds.length, itemCategory)) return undefined;
        const roles = new Uint8Array(headerLength);
        const assign = (column: number, role: Role) => {
          if (column >= 0) roles[column] = role;
        };
        assign(siteCol, Role.Site);
        assign(itemCol, Role.Item);
        assign(countCol, Role.Count);
        assign(dateCol, Role.Date);
        assign(inspectorCol, Role.Inspector);
        assign(noteCol, Role.Note);
        assign(photoCol, Role.Photo);
        assign(idCol, Role.RecordId);
        const display = fileDisplay;
        fast = new FastRows({
          delimiter, roles, siteIds, itemCodes, siteCategory, itemCategory, period, texts: texts!,
          textList: () => collector.textList, months: monthNumbers, counter, maxRows,
          // The duplicate check keeps every file's ids. Until it holds some, the module keeps the file's own and
          // the check asks it; else the module asks the check for each row with an id.
          claimId: (bytes, start, end, line) => checker.claimBytes(bytes, start, end, display, line),
          keepIds: idCol >= 0 && !checker.holdsIds,
          idsHandedOver: (kept) => checker.adoptIds(kept),
          ...(options.fusedMemoryLimit !== undefined ? { memoryLimit: options.fusedMemoryLimit } : {}),
        });
        if (idCol >= 0 && !checker.holdsIds) checker.keepIdsIn(fast, display);
        sink = fast;
        return fast;
      },
      row(row, display) {
        result.records++;
        if (options.generalOnly) return general(row, display);
        const bytes = row.bytes;
        const fields = row.fieldCount;
        if (fields > headerLength) {
          for (let i = headerLength; i < fields; i++) if (!row.isEmpty(i)) return general(row, display);
        }
        if (siteCol >= fields) return general(row, display);
        const site = (keys.sites ??= new ByteKeyTable(siteIds)).lookup(bytes, row.starts[siteCol]!, row.ends[siteCol]!);
        if (site < 0 || row.kinds[siteCol] === FieldKind.Escaped) return general(row, display);

        let item = -1;
        const hasItem = itemCol >= 0 && itemCol < fields && !row.isEmpty(itemCol);
        if (hasItem) {
          if (row.kinds[itemCol] === FieldKind.Escaped) return general(row, display);
          item = (keys.items ??= new ByteKeyTable(itemCodes)).lookup(bytes, row.starts[itemCol]!, row.ends[itemCol]!);
          if (item < 0 || itemCategory[item] !== siteCategory[site]) return general(row, display);
        }

        let count = 1;
        if (countCol >= 0 && countCol < fields && !row.isEmpty(countCol)) {
          if (!hasItem || row.kinds[countCol] === FieldKind.Escaped) return general(row, display);
          count = parseCountBytes(bytes, row.starts[countCol]!, row.ends[countCol]!);
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

        let recordId = -1;
        if (idCol >= 0 && idCol < fields && !row.isEmpty(idCol)) {
          const from = row.starts[idCol]!;
          const to = row.ends[idCol]!;
          // An id that is ASCII with no space at either end is itself once cleaned, and the same bytes in every
          // encoding read here: checked and remembered by its bytes, with no string.
          if (row.kinds[idCol] !== FieldKind.Escaped && plainAsciiBytes(bytes, from, to)) {
            recordId = checker.claimBytes(bytes, from, to, display, row.line);
            if (recordId < 0) return general(row, display);
          } else {
            const text = cleanCell(row.text(idCol));
            if (text !== '') {
              if (checker.firstAt(text) !== undefined) return general(row, display);
              recordId = checker.remember(text, display, row.line);
            }
          }
        }

        // Accepted (the id, the last check, is remembered already).
        result.accepted++;
        if (month >= 0) monthNumbers.add(month);
        if (!hasItem) {
          sink.visit(site);
          return;
        }
        sink.addFinding(
          site, item, count, fileIndex, row.line, recordId,
          textOf(row, inspectorCol), textOf(row, noteCol), textOf(row, photoCol),
        );
      },
    }, part, partEnd, adopting, hashElsewhere, fd);
    if (idCol >= 0) this.sawRecordIds = true;
    handOver();
    // Its module is not needed past the file (a part read elsewhere was taken, or not, by now).
    this.idsJustTaken = undefined;
    fast?.release();
    if (fast) {
      result.records += fast.accepted;
      result.accepted += fast.accepted;
      result.fusedRows += fast.accepted;
    }
    for (const d of report.diagnostics) result.fileDiagnostics.push(d);
    result.inputs.push(report);
    return report;
  }
}

/**
 * Reads every records file into the collector. Files are read in natural path order whatever order they
 * were named in, so which of two rows with the same record_id is the duplicate never depends on it.
 * A large file may be read in two parts, one on a worker thread (see parallel.ts); the result is the same.
 */
export async function readRecords(
  files: readonly string[],
  ruleSet: RuleSet,
  /**
   * With `rulesPath`, a large file may be read on two threads (see parallel.ts): the worker loads the same
   * rules. `parallel`: true always when large enough, false never, undefined when the machine has 2 cores.
   */
  options: CsvReadOptions & {
    period?: string; rulesPath?: string; rulesSha256?: string; parallel?: boolean;
    /** Return before files hashed on another thread are hashed (see RecordsReadResult.hashesMade). */
    deferHashes?: boolean;
  },
  collector: FindingCollector,
): Promise<RecordsReadResult> {
  const byResolved = new Map<string, string>();
  for (const file of files) if (!byResolved.has(path.resolve(file))) byResolved.set(path.resolve(file), file);
  const ordered = [...byResolved.values()].sort((a, b) => compareNatural(displayPath(a), displayPath(b)));
  const reader = new RecordsReader(ruleSet, options, collector);
  /** Files being hashed on another thread: each settles its report, then closes the file. */
  const hashing: Promise<Diagnostic | undefined>[] = [];
  const hashers: HashElsewhere[] = [];
  /** Stops the hashing still running and waits until every file it was reading is closed. */
  const stopHashing = async () => {
    for (const hasher of hashers) await hasher.cancel();
    await Promise.all(hashing);
  };
  try {
    for (const file of ordered) await readOne(file);
  } catch (error) {
    // A later file failed unexpectedly: the earlier files' hashing must not outlive this call.
    await stopHashing().catch(() => {});
    throw error;
  }
  const result = reader.finish();
  const settled = Promise.all(hashing).then((problems) => problems.filter((d): d is Diagnostic => d !== undefined));
  if (options.deferHashes) {
    result.hashesMade = settled;
    result.stopHashing = stopHashing;
  } else {
    for (const d of await settled) result.fileDiagnostics.push(d);
  }
  return result;

  async function readOne(file: string): Promise<void> {
    // Opened once: the parts read here and by a worker, and the hash, are all of one file even if its path
    // is renamed or replaced meanwhile. One that cannot be opened is reported by reading it.
    let fd: number | undefined;
    try {
      fd = openSync(file, 'r');
    } catch {
      fd = undefined;
    }
    let handoff: ParallelHandoff | undefined;
    let hashed: HashElsewhere | undefined;
    try {
      if (fd !== undefined && options.rulesPath !== undefined && options.parallel !== false && worthTwoThreads([file], options.parallel === true)) {
        const { startSecondPart } = await import('./parallel.js');
        handoff = await startSecondPart(file, fd, { ...options, rulesPath: options.rulesPath }, reader, collector);
      }
      // A file read on one thread is hashed on another while it is read, if it is large enough for that to
      // pay; one read on two threads is hashed once it is read by its worker, while this thread scores and writes.
      if (fd !== undefined && !handoff && options.parallel !== false && worthHashingElsewhere(fd, options.parallel === true)) hashed = hashOnAnotherThread(fd);
      if (hashed) trace(`hashing ${displayPath(file)} on another thread`);
      const report = await reader.readFile(file, undefined, undefined, handoff, handoff !== undefined || hashed !== undefined, fd);
      // A worker whose part was not taken is stopped before the file is hashed (it reads the same descriptor).
      const workerHash = handoff?.hashing();
      await handoff?.cancel();
      handoff = undefined;
      if (report.bytes !== undefined) {
        // Read on two threads: the worker hashes it now, unless its part was not taken.
        const elsewhere = hashed ?? workerHash ?? hashOnAnotherThread(fd!);
        if (!hashed) trace(`hashing ${displayPath(file)} on another thread, now that it is read${workerHash ? ' (the worker that read its second part)' : ''}`);
        hashers.push(elsewhere);
        hashing.push(settleHash(report, elsewhere, fd!));
        hashed = undefined;
        fd = undefined; // closed by settleHash
      } else {
        await workerHash?.cancel();
      }
    } finally {
      // The workers read through the same descriptor: it is closed once they have stopped.
      await handoff?.cancel();
      await hashed?.cancel();
      if (fd !== undefined) closeSync(fd);
    }
  }
}

/** Waits for a file's hash from another thread, puts it in its report (see hashMade), then closes the file. */
async function settleHash(report: CsvFileReport, hashing: HashElsewhere, fd: number): Promise<Diagnostic | undefined> {
  try {
    const made = await hashing.hash.then(
      (hash) => hash,
      (error: Error) => error,
    );
    // Stopped (see stopHashing): the run has failed, and the hash is never shown.
    if (made === undefined) return undefined;
    const problem = hashMade(report, made);
    if (problem) report.diagnostics.push(problem);
    return problem;
  } finally {
    await hashing.cancel();
    closeSync(fd);
  }
}
