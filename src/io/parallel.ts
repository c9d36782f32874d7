// Reading one large records file on both cores: while this thread reads the file from the start, a worker
// thread reads it from a line break past the middle to the end. When this thread reaches that point it
// adopts the worker's rows only if that is certain to equal reading on itself; otherwise it reads on, and
// the worker is stopped:
// - the point must not fall inside a quoted field (this thread must be at a row start there);
// - both parts must agree on the encoding (or the first be plain ASCII so far);
// - the worker's part must have no file-level problem (bad bytes, malformed CSV): those are reported by
//   reading on, which stops where the file goes wrong, as a sequential read does;
// - files with a record_id column are not split (duplicate ids must be found across the whole file), nor
//   UTF-16 files, nor files whose header has a quote.
// This thread hashes every byte itself, in order, so the file's SHA-256 is the same either way. Both threads
// read through the one descriptor readRecords opened, so their parts and the hash are all of one file, even
// if another is renamed over its path meanwhile.

import { fstatSync, readSync } from 'node:fs';
import type { Diagnostic } from '../core/diagnostics.js';
import { mapHeader, type RejectedRow } from '../core/records.js';
import type { CollectedPart, FindingCollector } from '../core/score.js';
import type { EncodingName } from './decode.js';
import { displayPath } from './paths.js';
import { keepRejected, MAX_ROWS_PER_FILE, type CsvFileReport, type CsvReadOptions, type Handoff, type PartEnd, type RecordsReader } from './records.js';
import type { PartRequest } from './records-worker.js';
import { recordsWorker, recordsWorkersAvailable } from './records-workers.js';
import { bundledRulesPath } from './rules.js';
import { trace } from './trace.js';

const HEAD_BYTES = 64 * 1024;
/**
 * How the file is shared. This thread also hashes the whole file, so it reads less than half; the worker
 * loses a little time starting and handing its part back, which matters less as files grow. Fitted to the
 * bench months: 46 % of a 34 MB file, 44 % of a 171 MB one.
 */
const MAIN_SHARE = 0.43;
const WORKER_OVERHEAD_BYTES = 2 * 1024 * 1024;

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
}

/** Reads up to `length` bytes at `position` (synchronously: two small reads, not worth the thread pool's round trips). */
function readAt(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  let filled = 0;
  for (let n; filled < length && (n = readSync(fd, buffer, filled, length - filled, position + filled)) > 0;) filled += n;
  return buffer.subarray(0, filled);
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
  /** Stops the worker if its part was not taken; resolves once it has stopped reading the shared descriptor. */
  cancel(): Promise<void>;
};

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
    size = fstatSync(fd).size;
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
  const delimiter = options.delimiter ?? (/\.(tsv|tab)$/i.test(file) ? '\t' : header.filter((b) => b === 0x09).length > header.filter((b) => b === 0x2c).length ? '\t' : ',');
  const fields = headerFields(header, delimiter);
  if (!fields) return undefined;
  const mapped = mapHeader(fields, displayPath(file), 1);
  if (!mapped.map || mapped.map.recordId !== undefined) return undefined;

  const share = process.env.CIVSCORE_PARALLEL_SHARE
    ? Number(process.env.CIVSCORE_PARALLEL_SHARE)
    : MAIN_SHARE + WORKER_OVERHEAD_BYTES / (2 * size);
  const middle = Math.floor(size * share);
  let window: Buffer;
  try {
    window = readAt(fd, middle, HEAD_BYTES);
  } catch {
    return undefined;
  }
  const cut = window.indexOf(0x0a);
  if (cut < 0 || middle + cut + 1 >= size) return undefined;
  const boundary = middle + cut + 1;

  const request: PartRequest = {
    file, rulesPath: options.rulesPath, rulesSha256: options.rulesSha256, options: { ...options, onBytes: undefined, delimiter },
    part: { start: boundary, end: Infinity, header, fd },
  };
  trace(`starting a worker for ${displayPath(file)} from byte ${boundary} of ${size}`);
  const { worker, alive } = recordsWorker({ rulesPath: options.rulesPath === bundledRulesPath() ? null : options.rulesPath });
  const result = new Promise<PartResult | undefined>((resolve) => {
    if (!alive) return resolve(undefined);
    worker.once('message', (message: PartResult) => resolve(message));
    worker.once('error', () => resolve(undefined));
    worker.once('exit', () => resolve(undefined));
  });
  worker.postMessage(request);
  let taken = false;

  return {
    at: boundary,
    async take(state) {
      trace('first part read, the rest hashed');
      const b = await result;
      // Its memory goes now rather than whenever its thread winds down: the peak of a large run is later.
      void worker.terminate();
      trace('second part received');
      if (!b || b.failed || b.fileDiagnostics.length > 0) return undefined;
      if (state.rows + b.report.rows > MAX_ROWS_PER_FILE) return undefined; // the limit is per file
      if (state.settled && b.partEnd.settled && utf8Family(state.encoding) !== utf8Family(b.report.encoding)) return undefined;
      taken = true;
      // The worker numbered its rows from 2 (its borrowed header being line 1).
      const offset = state.line - 2;
      const display = displayPath(file);
      collector.importPart(b.part, collector.fileIndex(display), offset);
      const merged = reader.result;
      merged.records += b.records;
      merged.accepted += b.accepted;
      merged.fusedRows += b.fusedRows;
      const limit = options.keepRejected ?? Infinity;
      for (const row of b.rejected) {
        row.source.line += offset;
        for (const d of row.diagnostics) if (d.line !== undefined) d.line += offset;
        keepRejected(merged, row, limit);
      }
      merged.dropped.rows += b.dropped.rows;
      merged.dropped.errors += b.dropped.errors;
      for (const month of b.months) merged.months.add(month);
      // Lets tests (and a curious user) see which path a file took.
      trace(`read ${display} in two parts`);
      return { rows: b.report.rows, encoding: b.report.encoding };
    },
    async cancel() {
      if (!taken) await worker.terminate();
    },
  };
}
