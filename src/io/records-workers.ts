// The worker that reads the second part of a large records file (see parallel.ts) takes ~0.1 s to start
// (a new V8 isolate loading its modules). The CLI starts it as soon as it knows a large file is coming, so
// that it boots while the main thread loads its own modules; reading then hands it its part.

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

const WORKER_URL = new URL('./records-worker.js', import.meta.url);
const WORKER_YOUNG_GENERATION_MB = 4;

/** What a records worker may prepare before it is given a part: the rule set it will most likely need. */
export interface WorkerHint {
  /** The --rules path, or null for the bundled rules. */
  rulesPath: string | null;
}

/** A started worker and whether it is still alive. */
export interface StartedWorker {
  worker: Worker;
  alive: boolean;
}

let early: StartedWorker | undefined;

function start(hint: WorkerHint): StartedWorker {
  // The worker compiles its optimised code itself (see compileSynchronously in bin/load-bundle.cjs).
  (createRequire(import.meta.url)('../../bin/load-bundle.cjs') as { compileSynchronously(): void }).compileSynchronously();
  const started: StartedWorker = {
    // A small young generation: the reader allocates little once optimised, and V8 would otherwise grow it
    // to 8 MB that stay resident while the worker hashes the file, when this thread's memory peaks (5M
    // records: peak RSS 129–147 → 119–132 MiB over eight runs each).
    worker: new Worker(WORKER_URL, { workerData: hint, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } }),
    alive: true,
  };
  // A worker that fails before it is used only means reading happens on one thread.
  started.worker.on('error', () => (started.alive = false));
  started.worker.on('exit', () => (started.alive = false));
  return started;
}

/** Whether records workers can run (not when civscore runs from its TypeScript sources). */
export function recordsWorkersAvailable(): boolean {
  return existsSync(fileURLToPath(WORKER_URL));
}

/** Starts a worker now, to be taken by recordsWorker(); an untaken one never keeps the process alive. */
export function startRecordsWorkerEarly(hint: WorkerHint): void {
  if (early || !recordsWorkersAvailable()) return;
  early = start(hint);
  early.worker.unref();
}

/** A live worker waiting for its part: the one started early if it is still alive, else a new one. */
export function recordsWorker(hint: WorkerHint): StartedWorker {
  const taken = early?.alive ? early : start(hint);
  early = undefined;
  taken.worker.ref();
  return taken;
}
