// Reading one large records file on both cores: while this thread reads the file from the start, a worker
// thread reads it from a line break about halfway through what is left when the worker is ready (see cut.ts)
// to the end. When this thread reaches that point it
// adopts the worker's rows only if that is certain to equal reading on itself; otherwise it reads on, and
// the worker is stopped:
// - the point must not fall inside a quoted field (this thread must be at a row start there);
// - both parts must agree on the encoding (or the first be plain ASCII so far);
// - the worker's part must have no file-level problem (bad bytes, malformed CSV): those are reported by
//   reading on, which stops where the file goes wrong, as a sequential read does;
// - with a record_id column, no id the worker accepted, nor one of a row it rejected, may have been accepted
//   by this thread (in its part or an earlier file): then a row of the worker's would be a duplicate that it
//   could not know of;
// - UTF-16 files are not split, nor files whose header has a quote or a lone CR.
// The file's SHA-256 is made once it is read, by the worker (done with its part) hashing every byte in order
// while this thread scores and writes (see readRecords); it must be of as many bytes as the two parts. Both
// threads and the hash read through the one descriptor readRecords opened, so the parts and the hash are all
// of one file, even if another is renamed over its path meanwhile.

import { fstatSync, readSync } from 'node:fs';
import { printable, type Diagnostic } from '../core/diagnostics.js';
import { mapHeader, type KeptIdList, type RejectedRow } from '../core/records.js';
import type { CollectedPart, FindingCollector } from '../core/score.js';
import type { EncodingName } from './decode.js';
import { displayPath } from './paths.js';
import { keepRejected, MAX_ROWS_PER_FILE, type CsvFileReport, type CsvReadOptions, type Handoff, type PartEnd, type RecordsReader } from './records.js';
import type { PartRequest } from './records-worker.js';
import { recordsWorker, recordsWorkersAvailable } from './records-workers.js';
import { bundledRulesPath } from './rules.js';
import { SharedCut } from './cut.js';
import { hashOpenFile, type FileHash, type HashElsewhere } from './hash-elsewhere.js';
import { trace } from './trace.js';

const HEAD_BYTES = 64 * 1024;
/**
 * How what is left when the worker is ready is shared: this thread reads MAIN_SHARE_OF_REST of it, the
 * worker the rest. Fitted to the bench months (1M and 5M records, the worker hashing the file after its
 * part): with the fused reader in WebAssembly this thread read a megabyte ~25 % slower than the worker (5.1
 * against 4.0 ms at 5M; not explained), and the worker no longer needs a head start for its cold code.
 */
const MAIN_SHARE_OF_REST = 0.45;
/** Less than this left for the worker is not worth its handing back: this thread then reads it all. */
const MIN_WORKER_BYTES = 4 * 1024 * 1024;

interface PartResult {
  failed: boolean;
  report: CsvFileReport;
  partEnd: PartEnd;
  records: number;
  accepted: number;
  fusedRows: number;
  rejected: RejectedRow[];
  dropped: { rows: number; errors: number };
  months: string[];
  fileDiagnostics: Diagnostic[];
  part: CollectedPart;
  /** With a record_id column: the ids the worker accepted, and those of the rows it rejected. */
  ids?: KeptIdList;
  rejectedIds?: string[];
  /** Per rejected row: the line of this part where its duplicate id was first accepted, or −1. */
  duplicateLines?: number[];
}

/** Reads up to `length` bytes at `position` (synchronously: two small reads, not worth the thread pool's round trips). */
function readAt(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  let filled = 0;
  for (let n; filled < length && (n = readSync(fd, buffer, filled, length - filled, position + filled)) > 0;) filled += n;
  return buffer.subarray(0, filled);
}

/** The first row start after `from` (the byte after the next line break), if there is one before `size`. */
function rowStartAfter(fd: number, from: number, size: number): number | undefined {
  let window: Buffer;
  try {
    window = readAt(fd, from, HEAD_BYTES);
  } catch {
    return undefined;
  }
  const lineBreak = window.indexOf(0x0a);
  if (lineBreak < 0 || from + lineBreak + 1 >= size) return undefined;
  return from + lineBreak + 1;
}

/**
 * Worker: where its part of a `size`-byte file starts, now that the first `claimed` bytes are being read by
 * the main thread; undefined when too little is left to be worth it.
 */
export function chooseCut(fd: number, claimed: number, size: number): number | undefined {
  const middle = Math.ceil(claimed + MAIN_SHARE_OF_REST * (size - claimed));
  if (size - middle < MIN_WORKER_BYTES) return undefined;
  return rowStartAfter(fd, middle, size);
}

const utf8Family = (encoding: EncodingName) => (encoding === 'utf-8-bom' ? 'utf-8' : encoding);

/** The header line's fields, when the header is simple enough to split on (no quotes). */
function headerFields(bytes: Uint8Array, delimiter: string): string[] | undefined {
  if (bytes.includes(0x22)) return undefined;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = new TextDecoder('gb18030').decode(bytes);
  }
  return text.replace(/^\uFEFF/, '').replace(/\r?\n$/, '').split(delimiter);
}

export type ParallelHandoff = Handoff & {
  /**
   * Once its part is taken, the worker hashes the whole file (it is started already, and done reading when
   * this thread is): the hash, which stops the worker once cancelled. Undefined if the part was not taken.
   */
  hashing(): HashElsewhere | undefined;
  /** Stops the worker unless its hash was asked for; resolves once it has stopped reading the shared descriptor. */
  cancel(): Promise<void>;
};

/** What a records worker sends: its part, then the file's hash (see records-worker.ts). */
export type WorkerMessage = ({ kind: 'part' } & PartResult) | { kind: 'hash'; hash: FileHash | undefined };

/**
 * Starts a worker reading the second part of `file` (one worthTwoThreads() chose) and returns the handoff
 * through which reading the first part adopts it (see streamCsvFile); undefined when the file must be read
 * in one go. The caller must cancel() the handoff once the file is read.
 */
export async function startSecondPart(
  file: string,
  /** The file, open: the worker reads its part through it (threads share descriptors). Kept open until cancel(). */
  fd: number,
  options: CsvReadOptions & { period?: string; rulesPath: string; rulesSha256?: string },
  reader: RecordsReader,
  collector: FindingCollector,
): Promise<ParallelHandoff | undefined> {
  if (options.encoding === 'utf-16le' || options.encoding === 'utf-16be') return undefined;
  if (!recordsWorkersAvailable()) return undefined; // running from source
  let size: number;
  try {
    const stat = fstatSync(fd);
    // A pipe's bytes come once, in order: only a regular file can be read from two places.
    if (!stat.isFile()) return undefined;
    size = stat.size;
  } catch {
    return undefined;
  }

  let head: Buffer;
  try {
    head = readAt(fd, 0, Math.min(HEAD_BYTES, size));
  } catch {
    return undefined; // unreadable: reading in one go reports it
  }
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) return undefined;
  const headerEnd = head.indexOf(0x0a);
  if (headerEnd < 0) return undefined;
  const header = Uint8Array.prototype.slice.call(head, 0, headerEnd + 1);
  // A lone CR ends the header row for the tokenizer: the worker, borrowing the whole line, would number its
  // rows from another line than this thread (found by fuzzing).
  for (let i = 0; i + 1 < header.length; i++) if (header[i] === 0x0d && header[i + 1] !== 0x0a) return undefined;
  const delimiter = options.delimiter ?? (/\.(tsv|tab)$/i.test(file) ? '\t' : header.filter((b) => b === 0x09).length > header.filter((b) => b === 0x2c).length ? '\t' : ',');
  const fields = headerFields(header, delimiter);
  if (!fields) return undefined;
  const mapped = mapHeader(fields, displayPath(file), 1);
  if (!mapped.map) return undefined;

  const cut = new SharedCut();
  // A share set in the environment fixes the cut in advance, so that tests know where a file splits.
  const fixedShare = Number(process.env.CIVSCORE_PARALLEL_SHARE?.trim() || NaN);
  if (fixedShare > 0 && fixedShare < 1) {
    const boundary = rowStartAfter(fd, Math.floor(size * fixedShare), size);
    if (boundary === undefined) return undefined;
    cut.fix(boundary);
    trace(`starting a worker for ${displayPath(file)} from byte ${boundary} of ${size}`);
  } else {
    trace(`starting a worker for ${displayPath(file)} (${size} bytes): it takes the rest from where this thread has got to`);
  }

  const request: PartRequest = {
    file, rulesPath: options.rulesPath, rulesSha256: options.rulesSha256, options: { ...options, onBytes: undefined, delimiter },
    part: { end: Infinity, header, fd },
    cut: cut.buffer,
  };
  const { worker, alive } = recordsWorker({ rulesPath: options.rulesPath === bundledRulesPath() ? null : options.rulesPath });
  // The worker sends its part, then (having read its part) the file's SHA-256: see records-worker.ts.
  let resolvePart!: (message: PartResult | undefined) => void;
  let resolveHash!: (message: FileHash | undefined) => void;
  const result = new Promise<PartResult | undefined>((resolve) => (resolvePart = resolve));
  const hashed = new Promise<FileHash | undefined>((resolve) => (resolveHash = resolve));
  if (alive) {
    worker.on('message', (message: WorkerMessage) => (message.kind === 'part' ? resolvePart(message) : resolveHash(message.hash)));
    for (const event of ['error', 'exit']) {
      worker.once(event, () => {
        resolvePart(undefined);
        resolveHash(undefined);
      });
    }
  } else {
    resolvePart(undefined);
    resolveHash(undefined);
  }
  worker.postMessage(request);
  let taken = false;
  /** Whether the worker's hash was asked for: it is then stopped through that (see hashing). */
  let handedOver = false;
  let stopped = false;
  const stop = async () => {
    stopped = true;
    await worker.terminate();
  };

  return {
    cutBefore(end) {
      const claim = cut.claim(end);
      return typeof claim === 'object' ? claim.cut : claim === 'none' ? null : undefined;
    },
    noCut() {
      cut.close();
    },
    decline() {
      // Its memory and its core go now: this thread reads the rest alone.
      void stop();
      return undefined;
    },
    async take(state) {
      trace('first part read');
      const b = await result;
      trace('second part received');
      const adoptable = b !== undefined && !b.failed && b.fileDiagnostics.length === 0
        // the limit is per file
        && state.rows + b.report.rows <= MAX_ROWS_PER_FILE
        && !(state.settled && b.partEnd.settled && utf8Family(state.encoding) !== utf8Family(b.report.encoding));
      if (!adoptable) {
        // Its memory goes now rather than whenever its thread winds down: the peak of a large run is later.
        void stop();
        return undefined;
      }
      // The worker numbered its rows from 2 (its borrowed header being line 1).
      const offset = state.line - 2;
      const display = displayPath(file);
      let idOffset = 0;
      if (b.ids) {
        idOffset = reader.adoptIdsOf(b.ids, b.rejectedIds ?? [], display, offset);
        if (idOffset < 0) {
          trace(`the second part of ${display} has a record id this thread accepted: read on here`);
          void stop();
          return undefined;
        }
      }
      taken = true;
      collector.importPart(b.part, collector.fileIndex(display), offset, idOffset);
      const merged = reader.result;
      merged.records += b.records;
      merged.accepted += b.accepted;
      merged.fusedRows += b.fusedRows;
      const limit = options.keepRejected ?? Infinity;
      b.rejected.forEach((row, k) => {
        row.source.line += offset;
        for (const d of row.diagnostics) {
          if (d.line !== undefined) d.line += offset;
          // A duplicate id the worker found was first accepted in its part, on a line it numbered too: named
          // as the one diagnostic() would name it here.
          const first = b.duplicateLines?.[k] ?? -1;
          if (d.code === 'REC_DUPLICATE_ID' && first >= 0) d.args!.first = printable(`${display}:${first + offset}`);
        }
        keepRejected(merged, row, limit);
      });
      merged.dropped.rows += b.dropped.rows;
      merged.dropped.errors += b.dropped.errors;
      for (const month of b.months) merged.months.add(month);
      // Lets tests (and a curious user) see which path a file took.
      trace(`read ${display} in two parts`);
      return { rows: b.report.rows, encoding: b.report.encoding, bytes: b.partEnd.bytes };
    },
    hashing() {
      if (!taken) return undefined;
      handedOver = true;
      return {
        hash: hashed.then((made) => made ?? (stopped ? undefined : hashOpenFile(fd))),
        cancel: stop,
      };
    },
    async cancel() {
      if (!handedOver) await stop();
    },
  };
}
