// Whether records are read on two threads: a small module, so that the CLI can ask before it loads
// worker_threads (~10 ms) for a month that does not need them.

import { fstatSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/**
 * Below this a file is read faster in one go than by starting a worker (see parallel.ts).
 * CIVSCORE_PARALLEL_MIN_BYTES and CIVSCORE_PARALLEL_SHARE (the share of the file the main thread reads, fixed
 * in advance instead of decided when the worker is ready: see cut.ts) let
 * tests choose which files split and where.
 */
export const PARALLEL_MIN_BYTES = bytesFromEnv('CIVSCORE_PARALLEL_MIN_BYTES', 16 * 1024 * 1024);

/** A size set in the environment (for tests), or `fallback` when unset, empty or not a number. */
function bytesFromEnv(name: string, fallback: number): number {
  const text = process.env[name]?.trim();
  const value = text ? Number(text) : NaN;
  return Number.isFinite(value) && value >= 0 ? value : fallback;
}

/** Whether the records named on a command line are large enough to be read on two threads. */
export function worthTwoThreads(files: readonly string[], forced: boolean): boolean {
  if (!forced && availableParallelism() < 2) return false;
  let total = 0;
  for (const file of files) {
    try {
      total = Math.max(total, statSync(file).size);
    } catch {
      // the command reports missing files itself
    }
  }
  return total >= PARALLEL_MIN_BYTES;
}

/**
 * Below this a file read on one thread is hashed there too: starting a worker to hash it costs more.
 * CIVSCORE_HASH_ELSEWHERE_MIN_BYTES lets tests choose.
 */
export const HASH_ELSEWHERE_MIN_BYTES = bytesFromEnv('CIVSCORE_HASH_ELSEWHERE_MIN_BYTES', 8 * 1024 * 1024);

/** Whether an open records file read on one thread is worth hashing on another (see hash-elsewhere.ts). */
export function worthHashingElsewhere(fd: number, forced: boolean): boolean {
  if (!forced && availableParallelism() < 2) return false;
  try {
    // Only a regular file: a pipe's bytes can be read once, by the reader.
    const stat = fstatSync(fd);
    return stat.isFile() && stat.size >= HASH_ELSEWHERE_MIN_BYTES;
  } catch {
    return false;
  }
}
