// Worker thread: reads one part of a large records file (see parallel.ts) and hands back what it found.
// It may be started before the part is known (see records-workers.ts): the part comes as its one message.

import { fstatSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { FindingCollector } from '../core/score.js';
import type { CsvReadOptions, FilePart, PartEnd } from './records.js';
import { RecordsReader } from './records.js';
import { SharedCut } from './cut.js';
import { hashOpenFile, type FileHash } from './hash-elsewhere.js';
import { chooseCut, type WorkerMessage } from './parallel.js';
import { bundledRulesPath, loadRules } from './rules.js';
import type { WorkerHint } from './records-workers.js';
import { trace } from './trace.js';

export interface PartRequest {
  file: string;
  rulesPath: string;
  options: CsvReadOptions & { period?: string };
  /** The part, but for where it starts: the worker decides that through `cut` (see cut.ts). */
  part: Omit<FilePart, 'start'>;
  cut: SharedArrayBuffer;
  rulesSha256?: string;
}

const hint = workerData as WorkerHint;
trace('worker started');
// The rules the part will most likely be read with, loaded while the main thread is still starting.
const preloaded = { path: hint.rulesPath ?? bundledRulesPath(), loaded: loadRules(hint.rulesPath ?? bundledRulesPath()) };
trace('worker loaded the rules');

parentPort!.once('message', (request: PartRequest) => {
  void readPart(request);
});

async function readPart(request: PartRequest): Promise<void> {
  const loaded = request.rulesPath === preloaded.path ? preloaded.loaded : loadRules(request.rulesPath);
  // The rule set must be the one the main thread scores with (the file could change in between): the part
  // numbers sites and items by it.
  if (!loaded.ruleSet || (request.rulesSha256 !== undefined && loaded.sha256 !== request.rulesSha256)) {
    parentPort!.postMessage({ kind: 'part', failed: true });
    return;
  }
  // Where to begin: decided now, from how far the main thread has got (unless it was fixed in advance).
  const fd = request.part.fd!;
  let size: number;
  try {
    size = fstatSync(fd).size;
  } catch {
    size = 0;
  }
  const start = new SharedCut(request.cut).decide((claimed) => chooseCut(fd, claimed, size));
  if (start === undefined) {
    parentPort!.postMessage({ kind: 'part', failed: true });
    return;
  }
  trace(`worker reads from byte ${start} of ${size}`);
  const part: FilePart = { ...request.part, start };
  const collector = new FindingCollector(loaded.ruleSet);
  // The fused reader's part goes to the main thread as it is (its findings are not imported here first).
  const reader = new RecordsReader(loaded.ruleSet, request.options, collector, true);
  const partEnd: PartEnd = { line: 1, pending: 0, settled: false, bytes: 0 };
  const report = await reader.readFile(request.file, part, partEnd);
  trace('worker read its part');
  const result = reader.finish();
  // Record ids go on only as the fused reader's part lists them, by number, with the ids themselves: the main
  // thread checks them against its own before it takes the part.
  const ids = reader.sawRecordIds ? reader.exportIds() : undefined;
  if (ids && reader.keptParts.length !== 1) {
    parentPort!.postMessage({ kind: 'part', failed: true });
    return;
  }
  // The main thread numbers texts its own way: the part names the texts its ids stand for.
  const exported = reader.keptParts.length === 1 ? { ...reader.keptParts[0]!, texts: [...collector.textList] } : collector.exportPart();
  trace('worker exported its part');
  parentPort!.postMessage(
    {
      kind: 'part',
      failed: false,
      report,
      partEnd,
      records: result.records,
      accepted: result.accepted,
      fusedRows: result.fusedRows,
      rejected: result.rejected,
      dropped: result.dropped,
      months: [...result.months],
      fileDiagnostics: result.fileDiagnostics,
      part: exported,
      ...(ids ? { ids, rejectedIds: reader.rejectedIds, duplicateLines: reader.duplicateLines } : {}),
    },
    [
      exported.cells, exported.counts, exported.heads, exported.sizes, exported.blockNext, ...exported.slabs, exported.carriedBits,
      exported.textStarts, exported.textIds, ...(exported.recordIds ?? []), ...(ids ? [ids.keys, ids.lines, ids.pool] : []),
    ].map((a) => a.buffer as ArrayBuffer),
  );
  // The main thread is done reading about now, and will import this part and score: meanwhile this thread,
  // started and otherwise idle, hashes the whole file for it (see parallel.ts). Stopped if not wanted.
  let hash: FileHash | undefined;
  try {
    hash = hashOpenFile(fd);
  } catch {
    hash = undefined; // the main thread hashes it, or reports it unreadable
  }
  parentPort!.postMessage({ kind: 'hash', hash } satisfies WorkerMessage);
}
