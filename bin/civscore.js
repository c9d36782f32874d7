#!/usr/bin/env node
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { constants } from 'node:os';

// Records past this size are read by a Node whose young generation is small: V8's default lets garbage
// from millions of rows pile up to ~40 MB before collecting it, which is most of the peak memory of a
// province-sized month. The flag can only be given at start-up, so such runs restart Node once with it.
const LEAN_FROM_BYTES = 64 * 1024 * 1024;
const LEAN_FLAG = '--max-semi-space-size=4';

function recordsBytes(args) {
  let total = 0;
  for (let i = 0; i < args.length; i++) {
    if (args[i] !== '--records') continue;
    for (let j = i + 1; j < args.length && !args[j].startsWith('--'); j++) {
      try {
        total += statSync(args[j]).size;
      } catch {
        // the CLI reports missing files itself
      }
    }
  }
  return total;
}

const lean = process.execArgv.some((flag) => flag.startsWith('--max-semi-space-size'));
if (!lean && recordsBytes(process.argv.slice(2)) >= LEAN_FROM_BYTES) {
  const child = spawn(process.execPath, [LEAN_FLAG, ...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? 128 + (constants.signals[signal] ?? 0);
  });
} else {
  const { main } = await import('../dist/cli/main.js');

  // `civscore … | head` closes the pipe early: that is the reader's choice, not an error.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error) => {
      if (error && error.code === 'EPIPE') return;
      throw error;
    });
  }

  main(process.argv).catch((error) => {
    process.stderr.write(`civscore: internal error: ${error && error.stack ? error.stack : error}\n`);
    process.exitCode = 3;
  });
}
