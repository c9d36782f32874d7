// A progress line on stderr for large inputs, only when stderr is a terminal: records read, MB/s, ETA.

import { statSync } from 'node:fs';
import type { Writer } from './context.js';

/** Inputs smaller than this finish before a progress line would be worth reading. */
export const PROGRESS_MIN_BYTES = 50 * 1024 * 1024;
const INTERVAL_MS = 200;

export interface Progress {
  onBytes: (bytes: number, rows: number) => void;
  done: () => void;
}

export function progressFor(files: readonly string[], stderr: Writer, now: () => number = () => performance.now()): Progress | undefined {
  let total = 0;
  for (const file of files) {
    try {
      total += statSync(file).size;
    } catch {
      // reported by the reader
    }
  }
  // The size first: knowing whether stderr is a terminal may load Node's tty module (see FdWriter).
  if (total < PROGRESS_MIN_BYTES || stderr.isTTY !== true) return undefined;
  const started = now();
  let read = 0;
  let rowsBefore = 0;
  let lastRows = 0;
  let shown = 0;
  let drawn = false;
  return {
    onBytes(bytes, rows) {
      read += bytes;
      if (rows < lastRows) rowsBefore += lastRows; // a new file began
      lastRows = rows;
      const t = now();
      if (t - shown < INTERVAL_MS) return;
      shown = t;
      stderr.write(`\r${progressLine(read, total, (t - started) / 1000, rowsBefore + rows)}`);
      drawn = true;
    },
    done() {
      if (drawn) stderr.write('\r\x1b[K');
    },
  };
}

export function progressLine(read: number, total: number, seconds: number, records: number): string {
  const mb = read / 1048576;
  const rate = seconds > 0 ? mb / seconds : 0;
  const eta = rate > 0 ? (total - read) / 1048576 / rate : 0;
  const percent = Math.min(100, Math.floor((read / total) * 100));
  const width = 24;
  const filled = Math.round((percent / 100) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${percent}%  ${records} records  ${mb.toFixed(0)}/${(total / 1048576).toFixed(0)} MB  ${rate.toFixed(0)} MB/s  ETA ${eta.toFixed(0)} s`;
}
