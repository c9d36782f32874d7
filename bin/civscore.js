#!/usr/bin/env node
// The bundle of dist/ (scripts/bundle.mjs): one file to load instead of some forty modules.
const { main } = await import('../dist/bundle/main.js');

// `civscore … | head` closes the pipe early: that is the reader's choice, not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error && error.code === 'EPIPE') return;
    throw error;
  });
}

main(process.argv).then(
  () => {
    // main resolves once every output is written and renamed and nothing is left running. When stdout and
    // stderr hold nothing unwritten (on Linux they are written synchronously), exit now instead of letting
    // Node take its heap apart piece by piece (~15 ms after a large run); otherwise end as usual, once the
    // streams have drained.
    if (process.stdout.writableLength === 0 && process.stderr.writableLength === 0) process.exit();
  },
  (error) => {
    process.stderr.write(`civscore: internal error: ${error && error.stack ? error.stack : error}\n`);
    process.exitCode = 3;
  },
);
