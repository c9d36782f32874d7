// Reads record CSV files as a stream: bytes → text → rows → checked records → the finding collector.
// Nothing proportional to the file is held except the rejected rows.

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { diagnostic, type Diagnostic } from '../core/diagnostics.js';
import { mapHeader, RecordChecker, type HeaderMap, type RejectedRow } from '../core/records.js';
import type { FindingCollector } from '../core/score.js';
import type { RuleSet } from '../core/types.js';
import { CsvTokenizer, DEFAULT_CSV_LIMITS, FieldTooLargeError, type CsvRow } from './csv.js';
import { countLineBreaks, DecodeError, StreamDecoder, type EncodingName } from './decode.js';
import { displayPath } from './paths.js';

export interface CsvReadOptions {
  encoding?: EncodingName;
  /** Forced delimiter; otherwise tab for .tsv/.tab files or a tab-only header, else comma. */
  delimiter?: string;
}

export interface CsvFileReport {
  path: string;
  sha256: string;
  encoding: EncodingName;
  /** Data rows (blank lines excluded, header excluded). */
  rows: number;
  diagnostics: Diagnostic[];
}

/** Most data rows one file may hold; past it the file is refused rather than read for hours. */
export const MAX_ROWS_PER_FILE = 50_000_000;

/**
 * Streams one CSV file, calling `onHeader` for the first row and `onRow` for the others.
 * `onHeader` returns false to stop reading (the header is unusable).
 */
export async function readCsvFile(
  file: string,
  options: CsvReadOptions,
  onHeader: (row: CsvRow, display: string) => boolean,
  onRow: (row: CsvRow, display: string) => void,
): Promise<CsvFileReport> {
  const display = displayPath(file);
  const hash = createHash('sha256');
  const decoder = new StreamDecoder(options.encoding);
  const diagnostics: Diagnostic[] = [];
  let delimiter = options.delimiter ?? (/\.(tsv|tab)$/i.test(file) ? '\t' : undefined);
  let tokenizer: CsvTokenizer | undefined;
  let pending = '';
  let headerSeen = false;
  let stopped = false;
  let rows = 0;

  const handleRow = (row: CsvRow) => {
    if (stopped) return;
    if (!headerSeen) {
      headerSeen = true;
      if (!onHeader(row, display)) stopped = true;
      return;
    }
    // Excel saves a row whose cells were cleared as ",,,,": blank to the user, so not a record.
    if (row.fields.every((field) => field.trim() === '')) return;
    rows++;
    if (rows > MAX_ROWS_PER_FILE) {
      diagnostics.push(diagnostic('REC_TOO_MANY_ROWS', { file: display, line: row.line }, { limit: MAX_ROWS_PER_FILE }));
      stopped = true;
      return;
    }
    onRow(row, display);
  };
  const feed = (text: string) => {
    if (tokenizer) {
      tokenizer.push(text);
      return;
    }
    pending += text;
    const lineEnd = pending.search(/[\r\n]/);
    if (lineEnd < 0 && pending.length < 1 << 20) return;
    flushPending();
  };
  const flushPending = () => {
    if (tokenizer) return;
    if (delimiter === undefined) {
      const firstLine = pending.slice(0, Math.max(0, pending.search(/[\r\n]/)) || pending.length);
      const tabs = firstLine.split('\t').length - 1;
      const commas = firstLine.split(',').length - 1;
      delimiter = tabs > commas ? '\t' : ',';
    }
    tokenizer = new CsvTokenizer(delimiter, handleRow, DEFAULT_CSV_LIMITS);
    const text = pending;
    pending = '';
    tokenizer.push(text);
  };

  try {
    const stream = createReadStream(file, { highWaterMark: 1 << 20 });
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      hash.update(chunk);
      if (stopped) continue;
      let text: string;
      try {
        text = decoder.decode(chunk);
      } catch (error) {
        if (!(error instanceof DecodeError)) throw error;
        flushPending();
        const line = tokenizer!.currentLine + countLineBreaks(error.chunk, error.offset);
        diagnostics.push(diagnostic('REC_ENCODING', { file: display, line }, { encoding: error.encoding }));
        stopped = true;
        continue;
      }
      feed(text);
    }
    if (!stopped) {
      feed(decoder.end());
      flushPending();
      const syntax = tokenizer!.end();
      if (syntax) {
        diagnostics.push(diagnostic('REC_CSV_SYNTAX', { file: display, line: syntax.line, col: syntax.col }, { message: syntax.message }));
      }
    }
  } catch (error) {
    if (error instanceof DecodeError) {
      diagnostics.push(diagnostic('REC_ENCODING', { file: display, line: tokenizer?.currentLine ?? 1 }, { encoding: error.encoding }));
    } else if (error instanceof FieldTooLargeError) {
      diagnostics.push(diagnostic('REC_FIELD_TOO_LARGE', { file: display, line: error.line }, { limit: error.limit }));
    } else if (isNodeError(error)) {
      diagnostics.push(diagnostic('FILE_UNREADABLE', { file: display }, { message: error.message }));
    } else {
      throw error;
    }
  }
  if (!headerSeen && diagnostics.length === 0) {
    diagnostics.push(diagnostic('REC_EMPTY_FILE', { file: display, line: 1 }));
  }
  return { path: display, sha256: hash.digest('hex'), encoding: decoder.encoding, rows, diagnostics };
}

function isNodeError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
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
}

/**
 * Reads every records file into the collector. Files are read in path order, so which of two rows with
 * the same record_id counts as the duplicate never depends on the order the files were named in.
 */
export async function readRecords(
  files: readonly string[],
  ruleSet: RuleSet,
  options: CsvReadOptions & { period?: string },
  collector: FindingCollector,
): Promise<RecordsReadResult> {
  const checker = new RecordChecker(ruleSet, options.period);
  const byResolved = new Map<string, string>();
  for (const file of files) if (!byResolved.has(path.resolve(file))) byResolved.set(path.resolve(file), file);
  const ordered = [...byResolved.values()].sort((a, b) =>
    displayPath(a) < displayPath(b) ? -1 : displayPath(a) > displayPath(b) ? 1 : 0,
  );
  const result: RecordsReadResult = {
    inputs: [], fileDiagnostics: [], rejected: [], records: 0, accepted: 0, months: new Set(),
  };
  for (const file of ordered) {
    let header: HeaderMap | undefined;
    let headerLength = 0;
    const report = await readCsvFile(
      file,
      options,
      (row, display) => {
        const mapped = mapHeader(row.fields, display, row.line);
        result.fileDiagnostics.push(...mapped.diagnostics);
        header = mapped.map;
        headerLength = row.fields.length;
        return header !== undefined;
      },
      (row, display) => {
        result.records++;
        const outcome = checker.check(row.fields, header!, headerLength, display, row.line);
        if ('rejected' in outcome) {
          result.rejected.push(outcome.rejected);
          return;
        }
        result.accepted++;
        if (outcome.date) result.months.add(outcome.date.slice(0, 7));
        collector.add(outcome.record);
      },
    );
    result.fileDiagnostics.push(...report.diagnostics);
    result.inputs.push(report);
  }
  return result;
}
