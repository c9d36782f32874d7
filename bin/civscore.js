#!/usr/bin/env node
import { statSync } from 'node:fs';

// Records past this size are read with the young generation kept at its starting size: V8 otherwise
// grows it to 3 × 16 MB once scoring allocates quickly, which is most of the peak memory of a
// province-sized month. (--max-semi-space-size would need a restart of Node; the growth factor can be set
// now, and applies to the worker thread too.)
const LEAN_FROM_BYTES = 64 * 1024 * 1024;

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

if (recordsBytes(process.argv.slice(2)) >= LEAN_FROM_BYTES) (await import('node:v8')).setFlagsFromString('--semi-space-growth-factor=1');

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
