#!/usr/bin/env node
'use strict';
// CommonJS (bin/package.json), like the bundle it loads: Node then never starts its ES module loader, which
// an ES module entry costs ~5 ms of every run.

// The bundle of dist/ (scripts/bundle.mjs), loaded with V8's code cache (see load-bundle.cjs).
const { load, codeCacheStats } = require('./load-bundle.cjs');
const { main } = load(require('node:path').join(__dirname, '..', 'dist', 'bundle', 'main.js'));
if (process.env.CIVSCORE_TRACE) {
  const { scripts, cached, rejected, damaged } = codeCacheStats();
  require('node:fs').writeSync(2, `civscore: bundle loaded (${cached} of ${scripts} files from the code cache, ${rejected} rejected, ${damaged} damaged) (+${Math.round(performance.now())} ms)\n`);
  // Files loaded later (a command's own, and those loaded after compileSynchronously()) count too.
  process.on('exit', () => {
    const all = codeCacheStats();
    require('node:fs').writeSync(2, `civscore: run loaded ${all.scripts} files, ${all.cached} from the code cache, ${all.rejected} rejected, ${all.damaged} damaged\n`);
  });
}

// `civscore … | head` closes the pipe early: that is the reader's choice, not an error. Elsewhere than on
// Windows the CLI writes to the descriptors itself (src/io/fd-writer.ts), which ignores that, and Node's
// stdout and stderr streams are never made (their modules cost ~4.5 ms of a run).
const nodeStreams = process.platform === 'win32';
if (nodeStreams) {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error) => {
      if (error && error.code === 'EPIPE') return;
      throw error;
    });
  }
}

main(process.argv).then(
  () => {
    // main resolves once every output is written and renamed; only the removal of previous outputs renamed
    // aside may still be running on the thread pool, which Node finishes before the process ends. When stdout
    // and stderr hold nothing unwritten (the descriptor writers write before returning), exit now instead of
    // letting Node take its heap apart piece by piece (~15 ms after a large run); otherwise end as usual,
    // once the streams have drained.
    if (!nodeStreams || (process.stdout.writableLength === 0 && process.stderr.writableLength === 0)) process.exit();
  },
  (error) => {
    process.stderr.write(`civscore: internal error: ${error && error.stack ? error.stack : error}\n`);
    process.exitCode = 3;
  },
);
