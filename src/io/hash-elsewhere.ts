// A records file's SHA-256 (results.json names every input by it) made on another thread while this one
// reads the file: hashing costs this thread ~0.8 ms per MB, a tenth of reading a file too small to be
// worth reading on two threads (see two-threads.ts). The worker reads the descriptor this thread reads
// (threads share descriptors), so it hashes the very file read here even if the path is renamed or deleted
// meanwhile; should the worker fail, the file is hashed here after all.

import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

/** The worker: a few lines with no module of civscore's, so that it starts in a few milliseconds. */
const HASHER = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { readSync } = require('node:fs');
const hash = createHash('sha256');
const buffer = Buffer.allocUnsafe(1 << 20);
for (let at = 0, n; (n = readSync(workerData.fd, buffer, 0, buffer.length, at)) > 0; at += n) hash.update(buffer.subarray(0, n));
parentPort.postMessage(hash.digest('hex'));
`;

export interface HashElsewhere {
  /**
   * The file's SHA-256 in hex, from the worker or, if it failed, made here; rejects with the I/O error if the
   * file cannot be read here either. Undefined once cancelled.
   */
  sha256: Promise<string | undefined>;
  /** Stops the worker if it is still hashing; resolves once it no longer reads the descriptor. */
  cancel(): Promise<void>;
}

/**
 * Starts hashing an open regular file on another thread; undefined when it is not one. The descriptor stays
 * the caller's: it must stay open until cancel() has resolved.
 */
export function hashOnAnotherThread(fd: number): HashElsewhere | undefined {
  try {
    if (!fstatSync(fd).isFile()) return undefined;
  } catch {
    return undefined;
  }
  let cancelled = false;
  const worker = new Worker(HASHER, { eval: true, workerData: { fd } });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const sha256 = new Promise<string | undefined>((resolve) => {
    worker.once('message', (hex: string) => resolve(hex));
    worker.once('error', () => resolve(undefined));
    worker.once('exit', () => resolve(undefined));
  }).then((hex) => hex ?? (cancelled ? undefined : hashOpenFile(fd)));
  // A cancelled hash is never awaited: its failure must not surface as an unhandled rejection.
  sha256.catch(() => {});
  return {
    sha256,
    cancel: async () => {
      cancelled = true;
      await worker.terminate();
      await exited;
    },
  };
}

/** The SHA-256 of an open file, read from its start. */
function hashOpenFile(fd: number): string {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(1 << 20);
  for (let at = 0, n; (n = readSync(fd, buffer, 0, buffer.length, at)) > 0; at += n) hash.update(buffer.subarray(0, n));
  return hash.digest('hex');
}

/** The file's SHA-256, made here. */
export function hashHere(file: string): string {
  const fd = openSync(file, 'r');
  try {
    return hashOpenFile(fd);
  } finally {
    closeSync(fd);
  }
}
