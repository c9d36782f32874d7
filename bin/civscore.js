#!/usr/bin/env node
import { main } from '../dist/cli/main.js';

main(process.argv).catch((error) => {
  process.stderr.write(`civscore: internal error: ${error && error.stack ? error.stack : error}\n`);
  process.exitCode = 3;
});
