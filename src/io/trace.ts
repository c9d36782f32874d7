// CIVSCORE_TRACE=1 prints what the reader decided (e.g. to read a file on two threads) and when, to stderr:
// for tests, and for anyone asking where the time of a large run goes.

import { writeSync } from 'node:fs';

const enabled = Boolean(process.env.CIVSCORE_TRACE);
const start = Date.now() - Math.round(process.uptime() * 1000);

/**
 * Writes `civscore: <what> (+<ms since the process started> ms)` when tracing is on. Straight to file
 * descriptor 2: a worker's process.stderr goes through the main thread, which may exit before passing it on.
 */
export function trace(what: string): void {
  if (enabled) writeSync(2, `civscore: ${what} (+${Date.now() - start} ms)${process.env.CIVSCORE_TRACE === "mem" ? ` ${JSON.stringify(Object.fromEntries(Object.entries(process.memoryUsage()).map(([k, v]) => [k, Math.round(v / 1048576)])))}` : ""}\n`);
}
