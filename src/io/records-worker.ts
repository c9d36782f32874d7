// Worker thread: reads one part of a large records file (see parallel.ts) and hands back what it found.

import { parentPort, workerData } from 'node:worker_threads';
import { FindingCollector } from '../core/score.js';
import type { CsvReadOptions, FilePart, PartEnd } from './records.js';
import { RecordsReader } from './records.js';
import { loadRules } from './rules.js';
import { trace } from './trace.js';

export interface PartRequest {
  file: string;
  rulesPath: string;
  options: CsvReadOptions & { period?: string };
  part: FilePart;
}

const request = workerData as PartRequest;
trace('worker started');
const loaded = loadRules(request.rulesPath);
trace('worker loaded the rules');
if (!loaded.ruleSet) {
  parentPort!.postMessage({ failed: true });
} else {
  const collector = new FindingCollector(loaded.ruleSet);
  const reader = new RecordsReader(loaded.ruleSet, request.options, collector);
  const partEnd: PartEnd = { line: 1, pending: 0, settled: false };
  const report = await reader.readFile(request.file, request.part, partEnd);
  trace('worker read its part');
  const result = reader.finish();
  const part = collector.exportPart();
  parentPort!.postMessage(
    {
      failed: false,
      report,
      partEnd,
      records: result.records,
      accepted: result.accepted,
      rejected: result.rejected,
      dropped: result.dropped,
      months: [...result.months],
      fileDiagnostics: result.fileDiagnostics,
      part,
    },
    part.aggregates.map((a) => a.lines.buffer as ArrayBuffer),
  );
}
