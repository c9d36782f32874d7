#!/usr/bin/env node
// A random fuzzing campaign against the built CLI (run `npx tsc -p .` first). See scripts/fuzz-lib.mjs.
//
//   node scripts/fuzz.mjs [--seed N] [--iterations N] [--minutes M] [--jobs J] [--structural | --no-structural]
//                         [--parallel-diff] [--save DIR] [--heap MB] [--rss-limit MB] [--timeout S] [--verbose]
//
// --seed        seed of the random cases (default: from the clock; printed, so a campaign can be replayed)
// --iterations  random cases to run (default 500; 0 with --minutes = until time runs out)
// --minutes     stop starting new cases after this long (default: no limit)
// --jobs        children at a time (default 2)
// --structural  also run the hand-made hostile cases first (default on; --no-structural skips them)
// --save        where failing inputs are kept, one folder per failure with case.json (default fuzz-failures/)
// --heap        --max-old-space-size of each child, MB (default 256)
// --rss-limit   peak RSS above which a run counts as a memory failure, MB (default 450)
// --timeout     seconds before a run counts as a hang and is killed (default 30)
// --parallel-diff  also run each score/check case with CIVSCORE_PARALLEL_MIN_BYTES=1 (every records file read
//               on two threads) and count any difference as a failure (parallel-mismatch)
//
// The CLI run is bin/civscore.js of this checkout; CIVSCORE_FUZZ_BIN=path/to/bin/civscore.js tests another build.
//
// Prints counts per verdict (ok, clean-error; failures: crash = exit 3 or a signal, hang, memory,
// unclear-error, usage, wrote-on-error, bad-output, parallel-mismatch) and exits 1 if any run failed.

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DEFAULTS, FAILURES, makePreviousResults, parallelRuns, random, randomCase, ROOT, runPool, structuralCases } from './fuzz-lib.mjs';

function parseArgs(argv) {
  const options = {
    seed: Date.now() % 2 ** 31, iterations: 500, minutes: undefined, jobs: 2, structural: true,
    save: path.join(ROOT, 'fuzz-failures'), heapMb: DEFAULTS.heapMb, rssLimitMb: DEFAULTS.rssLimitMb,
    timeoutMs: DEFAULTS.timeoutMs, verbose: false, parallelDiff: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    const number = () => {
      const v = Number(value());
      if (!Number.isFinite(v) || v < 0) throw new Error(`${arg} needs a non-negative number`);
      return v;
    };
    if (arg === '--seed') options.seed = Math.floor(number());
    else if (arg === '--iterations') options.iterations = Math.floor(number());
    else if (arg === '--minutes') options.minutes = number();
    else if (arg === '--jobs') options.jobs = Math.max(1, Math.floor(number()));
    else if (arg === '--structural') options.structural = true;
    else if (arg === '--no-structural') options.structural = false;
    else if (arg === '--save') options.save = path.resolve(value());
    else if (arg === '--heap') options.heapMb = number();
    else if (arg === '--rss-limit') options.rssLimitMb = number();
    else if (arg === '--timeout') options.timeoutMs = number() * 1000;
    else if (arg === '--verbose' || arg === '-v') options.verbose = true;
    else if (arg === '--parallel-diff') options.parallelDiff = true;
    else if (arg === '--help' || arg === '-h') {
      console.log('usage: node scripts/fuzz.mjs [--seed N] [--iterations N] [--minutes M] [--jobs J] [--no-structural] [--parallel-diff] [--save DIR] [--heap MB] [--rss-limit MB] [--timeout S] [--verbose]');
      process.exit(0);
    } else throw new Error(`unknown option ${arg}`);
  }
  if (options.minutes !== undefined && options.iterations === 0) options.iterations = Number.POSITIVE_INFINITY;
  return options;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  mkdirSync(options.save, { recursive: true });
  const started = Date.now();
  const deadline = options.minutes === undefined ? Number.POSITIVE_INFINITY : started + options.minutes * 60_000;
  const counts = new Map();
  const failures = [];
  let maxRss = 0;
  const onResult = (result) => {
    counts.set(result.verdict, (counts.get(result.verdict) ?? 0) + 1);
    if (result.maxRssKb) maxRss = Math.max(maxRss, result.maxRssKb);
    const failed = FAILURES.includes(result.verdict);
    if (failed) failures.push(result);
    if (failed || options.verbose) {
      process.stdout.write(`${failed ? 'FAIL' : 'ok  '} ${result.verdict.padEnd(13)} ${String(result.ms).padStart(6)} ms  ${result.name}${failed ? `\n       ${result.why}${result.saved ? `\n       saved: ${path.relative(process.cwd(), result.saved)}` : ''}` : ''}\n`);
    }
  };
  const runOptions = { parallelDiff: options.parallelDiff, jobs: options.jobs, heapMb: options.heapMb, rssLimitMb: options.rssLimitMb, timeoutMs: options.timeoutMs, saveTo: options.save, onResult };

  console.log(`civscore fuzz: seed ${options.seed}, ${options.iterations === Infinity ? 'no iteration limit' : `${options.iterations} random cases`}` +
    `${options.minutes !== undefined ? `, at most ${options.minutes} min` : ''}, ${options.jobs} jobs, heap ${options.heapMb} MB, RSS limit ${options.rssLimitMb} MB`);
  if (options.structural) {
    const cases = structuralCases();
    console.log(`structural cases: ${cases.length}`);
    await runPool(cases, { ...runOptions, shouldStop: () => Date.now() > deadline });
  }
  const previous = await makePreviousResults();
  const r = random(options.seed);
  let generated = 0;
  await runPool(
    (index) => (index < options.iterations ? randomCase(r, (generated = index + 1) - 1, previous) : undefined),
    { ...runOptions, shouldStop: () => Date.now() > deadline },
  );

  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  console.log(`\n${total} runs (${generated} random) in ${seconds} s, seed ${options.seed}; peak RSS ${Math.round(maxRss / 1024)} MB`);
  for (const verdict of ['ok', 'clean-error', ...FAILURES]) console.log(`  ${verdict.padEnd(14)} ${counts.get(verdict) ?? 0}`);
  if (parallelRuns.compared > 0) console.log(`  (run again on two threads: ${parallelRuns.compared}, of which ${parallelRuns.split} read a file in two parts)`);
  if (failures.length > 0) {
    console.log(`\n${failures.length} failing inputs saved under ${path.relative(process.cwd(), options.save) || '.'}/`);
    process.exitCode = 1;
  }
}

main().catch((error) => {
  console.error(error?.stack ?? String(error));
  process.exitCode = 2;
});
