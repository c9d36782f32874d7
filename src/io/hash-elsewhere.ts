// A records file's SHA-256 (results.json names every input by it) made on another thread while this one
// reads the file: hashing costs this thread ~0.8 ms per MB, a tenth of reading a file too small to be
// worth reading on two threads (see two-threads.ts). The worker reads the descriptor this thread reads
// (threads share descriptors), so it hashes the very file read here even if the path is renamed or deleted
// meanwhile; should the worker fail, the file is hashed here after all.

import { createHash } from 'node:crypto';
import { readSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Worker as WorkerType } from 'node:worker_threads';

/** The worker: a few lines with no module of civscore's, so that it starts in a few milliseconds. */
const HASHER = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { readSync } = require('node:fs');
const hash = createHash('sha256');
const buffer = Buffer.allocUnsafe(1 << 20);
let at = 0;
for (let n; (n = readSync(workerData.fd, buffer, 0, buffer.length, at)) > 0; at += n) hash.update(buffer.subarray(0, n));
parentPort.postMessage({ sha256: hash.digest('hex'), bytes: at });
`;

/** A file's SHA-256 in hex and how many bytes it was made of. */
export interface FileHash {
  sha256: string;
  bytes: number;
}

export interface HashElsewhere {
  /**
   * The file's SHA-256, from the worker or, if it failed, made here; rejects with the I/O error if the file
   * cannot be read here either. Undefined once cancelled.
   */
  hash: Promise<FileHash | undefined>;
  /** Stops the worker if it is still hashing; resolves once it no longer reads the descriptor. */
  cancel(): Promise<void>;
}

/**
 * Starts hashing an open regular file (see worthHashingElsewhere) on another thread. The descriptor stays the
 * caller's: it must stay open until cancel() has resolved.
 */
export function hashOnAnotherThread(fd: number): HashElsewhere {
  let cancelled = false;
  // Loaded here, not with this module: most runs hash on this thread, and worker_threads costs ~1 ms to load.
  const { Worker } = createRequire(import.meta.url)('node:worker_threads') as { Worker: typeof WorkerType };
  const worker = new Worker(HASHER, { eval: true, workerData: { fd } });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const hash = new Promise<FileHash | undefined>((resolve) => {
    worker.once('message', (made: FileHash) => resolve(made));
    worker.once('error', () => resolve(undefined));
    worker.once('exit', () => resolve(undefined));
  }).then((made) => made ?? (cancelled ? undefined : hashOpenFile(fd)));
  // A cancelled hash is never awaited: its failure must not surface as an unhandled rejection.
  hash.catch(() => {});
  return {
    hash,
    cancel: async () => {
      cancelled = true;
      await worker.terminate();
      await exited;
    },
  };
}

/** The SHA-256 of an open file, read from its start (here: what the worker does). */
export function hashOpenFile(fd: number): FileHash {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(1 << 20);
  let at = 0;
  for (let n; (n = readSync(fd, buffer, 0, buffer.length, at)) > 0; at += n) hash.update(buffer.subarray(0, n));
  return { sha256: hash.digest('hex'), bytes: at };
}
