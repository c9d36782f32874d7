// A records file's SHA-256 (results.json names every input by it) made on another thread while this one
// reads the file: hashing costs this thread ~0.8 ms per MB, a tenth of reading a file too small to be
// worth reading on two threads (see two-threads.ts). The worker reads the file on its own, from the page
// cache the reader fills; should it fail, the file is hashed here after all.

import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

/** The worker: a few lines with no module of civscore's, so that it starts in a few milliseconds. */
const HASHER = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { closeSync, openSync, readSync } = require('node:fs');
const hash = createHash('sha256');
const buffer = Buffer.allocUnsafe(1 << 20);
const fd = openSync(workerData.file, 'r');
try {
  for (let n; (n = readSync(fd, buffer, 0, buffer.length, null)) > 0;) hash.update(buffer.subarray(0, n));
} finally {
  closeSync(fd);
}
parentPort.postMessage(hash.digest('hex'));
`;

export interface HashElsewhere {
  /** The file's SHA-256 in hex; undefined if the worker failed. */
  sha256: Promise<string | undefined>;
  /** Stops the worker if it is still hashing (the file failed to read, say). */
  cancel(): void;
}

export function hashOnAnotherThread(file: string): HashElsewhere {
  const worker = new Worker(HASHER, { eval: true, workerData: { file } });
  const sha256 = new Promise<string | undefined>((resolve) => {
    worker.once('message', (hex: string) => resolve(hex));
    worker.once('error', () => resolve(undefined));
    worker.once('exit', () => resolve(undefined));
  });
  return { sha256, cancel: () => void worker.terminate() };
}

/** The file's SHA-256, made here: what reading does when the worker could not. */
export function hashHere(file: string): string {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(1 << 20);
  const fd = openSync(file, 'r');
  try {
    for (let n; (n = readSync(fd, buffer, 0, buffer.length, null)) > 0;) hash.update(buffer.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}
