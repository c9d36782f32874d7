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

main(process.argv).catch((error) => {
  process.stderr.write(`civscore: internal error: ${error && error.stack ? error.stack : error}\n`);
  process.exitCode = 3;
});
