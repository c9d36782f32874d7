// Reading one large records file on both cores: two worker threads each read one half, cut just after a
// line break, while this thread hashes the whole file. The halves are stitched together only when that is
// certain to equal reading the file in one go; otherwise the caller reads it sequentially:
// - the cut must not fall inside a quoted field (the first half must end with no unfinished row);
// - both halves must agree on the encoding (or one of them be plain ASCII);
// - neither half may report a file-level problem (bad bytes, malformed CSV): those are reported by the
//   sequential reader, which stops where the file goes wrong;
// - files with a record_id column are not split (duplicate ids must be found across the whole file), nor
//   UTF-16 files, nor files whose header has a quote.

import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Diagnostic } from '../core/diagnostics.js';
import { mapHeader, type RejectedRow } from '../core/records.js';
import type { CollectedPart, FindingCollector } from '../core/score.js';
import type { EncodingName } from './decode.js';
import { displayPath } from './paths.js';
import { keepRejected, MAX_ROWS_PER_FILE, type CsvFileReport, type CsvReadOptions, type FilePart, type PartEnd, type RecordsReader } from './records.js';
import type { PartRequest } from './records-worker.js';

/** Below this a file is read faster in one go than by starting two workers. */
export const PARALLEL_MIN_BYTES = Number(process.env.CIVSCORE_PARALLEL_MIN_BYTES ?? 24 * 1024 * 1024);
const HEAD_BYTES = 64 * 1024;

interface PartResult {
  failed: boolean;
  report: CsvFileReport;
  partEnd: PartEnd;
  records: number;
  accepted: number;
  rejected: RejectedRow[];
  dropped: { rows: number; errors: number };
  months: string[];
  fileDiagnostics: Diagnostic[];
  part: CollectedPart;
}

async function readAt(file: string, position: number, length: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, position);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function runPart(request: PartRequest): Promise<PartResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./records-worker.js', import.meta.url), { workerData: request });
    worker.once('message', (message: PartResult) => resolve(message));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`records worker exited with code ${code}`));
    });
  });
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

/**
 * Reads `file` in two halves on worker threads into `reader` and `collector`. Returns false, having
 * changed nothing, when the file should be read sequentially instead.
 */
export async function readInHalves(
  file: string,
  options: CsvReadOptions & { period?: string; rulesPath: string },
  reader: RecordsReader,
  collector: FindingCollector,
): Promise<boolean> {
  if (options.encoding === 'utf-16le' || options.encoding === 'utf-16be') return false;
  if (!existsSync(fileURLToPath(new URL('./records-worker.js', import.meta.url)))) return false; // running from source
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return false;
  }
  if (size < PARALLEL_MIN_BYTES) return false;

  const head = await readAt(file, 0, Math.min(HEAD_BYTES, size));
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) return false;
  const headerEnd = head.indexOf(0x0a);
  if (headerEnd < 0) return false;
  const header = Uint8Array.prototype.slice.call(head, 0, headerEnd + 1);
  const delimiter = options.delimiter ?? (/\.(tsv|tab)$/i.test(file) ? '\t' : header.filter((b) => b === 0x09).length > header.filter((b) => b === 0x2c).length ? '\t' : ',');
  const fields = headerFields(header, delimiter);
  if (!fields) return false;
  const mapped = mapHeader(fields, displayPath(file), 1);
  if (!mapped.map || mapped.map.recordId !== undefined) return false;

  const middle = Math.floor(size / 2);
  const window = await readAt(file, middle, HEAD_BYTES);
  const cut = window.indexOf(0x0a);
  if (cut < 0 || middle + cut + 1 >= size) return false;
  const boundary = middle + cut + 1;

  const shared = { file, rulesPath: options.rulesPath, options: { ...options, onBytes: undefined, delimiter } };
  const first: FilePart = { start: 0, end: boundary };
  const second: FilePart = { start: boundary, end: Infinity, header };
  const hashing = (async () => {
    const hash = createHash('sha256');
    const handle = await open(file, 'r');
    try {
      const buffer = Buffer.allocUnsafe(1 << 20);
      for (;;) {
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
        if (bytesRead === 0) break;
        hash.update(buffer.subarray(0, bytesRead));
        options.onBytes?.(bytesRead, 0);
      }
    } finally {
      await handle.close();
    }
    return hash.digest('hex');
  })();
  let parts: [PartResult, PartResult];
  let sha256: string;
  try {
    [parts, sha256] = await Promise.all([Promise.all([runPart({ ...shared, part: first }), runPart({ ...shared, part: second })]), hashing]);
  } catch {
    return false;
  }
  const [a, b] = parts;
  if (a.failed || b.failed) return false;
  if (a.partEnd.pending !== 0) return false; // the cut fell inside a quoted field
  if (a.fileDiagnostics.length > 0 || b.fileDiagnostics.length > 0) return false;
  if (a.report.rows + b.report.rows > MAX_ROWS_PER_FILE) return false; // the limit is per file, not per half
  if (a.partEnd.settled && b.partEnd.settled && utf8Family(a.report.encoding) !== utf8Family(b.report.encoding)) return false;

  // The second half's rows were numbered from 2 (its borrowed header being line 1).
  const offset = a.partEnd.line - 2;
  const display = displayPath(file);
  const fileIndex = collector.fileIndex(display);
  collector.importPart(a.part, fileIndex, 0);
  collector.importPart(b.part, fileIndex, offset);
  const result = reader.result;
  result.records += a.records + b.records;
  result.accepted += a.accepted + b.accepted;
  const limit = options.keepRejected ?? Infinity;
  for (const row of a.rejected) keepRejected(result, row, limit);
  for (const row of b.rejected) {
    row.source.line += offset;
    for (const d of row.diagnostics) if (d.line !== undefined) d.line += offset;
    keepRejected(result, row, limit);
  }
  for (const dropped of [a.dropped, b.dropped]) {
    result.dropped.rows += dropped.rows;
    result.dropped.errors += dropped.errors;
  }
  for (const month of [...a.months, ...b.months]) result.months.add(month);
  // Lets tests (and a curious user) see which path a file took.
  if (process.env.CIVSCORE_TRACE) process.stderr.write(`civscore: read ${display} in two halves\n`);
  result.inputs.push({
    path: display,
    sha256,
    encoding: a.partEnd.settled ? a.report.encoding : b.report.encoding,
    rows: a.report.rows + b.report.rows,
    diagnostics: [],
  });
  return true;
}
