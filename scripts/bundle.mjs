// Bundles the compiled CLI (dist/) into dist/bundle/: the CLI's entry, the records worker's entry, and one
// chunk per lazily loaded command, with commander, chalk and string-width inside. Resolving and linking some
// forty ES modules one by one took about a tenth of a city month's run (measured: 20k records 0.35 s →
// 0.32 s); bin/civscore.js loads the bundle. Heavy libraries that are loaded only when needed (exceljs,
// playwright-core, yaml and ajv through require) stay outside.
//
//   node scripts/bundle.mjs      (run by `npm run build`, after tsc)
import { rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'dist', 'bundle');
// The bundle sits at the same depth as dist/cli and dist/io, so paths the code builds from import.meta.url
// (../../package.json, ../../rules, ../bundled-rules.json, ./records-worker.js) point where they did.
rmSync(outDir, { recursive: true, force: true });
const builtins = new Set([...builtinModules, ...builtinModules.map((name) => `node:${name}`)]);
const external = (id) => builtins.has(id) || id.startsWith('node:') || /^(exceljs|playwright-core)(\/|$)/.test(id);
// commander loads node:child_process (and with it net, dgram and more: ~3 ms of every start) for executable
// subcommands, which civscore does not have; it is required when first used instead.
const EAGER_CHILD_PROCESS = "const childProcess = require('node:child_process');";
const lazyChildProcess = {
  name: 'lazy-child-process',
  transform(code, id) {
    if (!/[\\/]commander[\\/]lib[\\/]command\.js$/.test(id)) return null;
    if (!code.includes(EAGER_CHILD_PROCESS)) throw new Error(`commander changed: ${id} no longer has "${EAGER_CHILD_PROCESS}"`);
    return code.replace(EAGER_CHILD_PROCESS, "const childProcess = { spawn: (...args) => require('node:child_process').spawn(...args) };");
  },
};
const bundle = await rolldown({
  input: { main: join(root, 'dist/cli/main.js'), 'records-worker-body': join(root, 'dist/io/records-worker.js') },
  platform: 'node',
  external,
  logLevel: 'warn',
  plugins: [lazyChildProcess],
});
// CommonJS, so that bin/load-bundle.cjs can compile each file with V8's code cache (Node 20 has no code
// cache for ES modules); the folder's package.json makes its .js files CommonJS.
await bundle.write({ dir: outDir, format: 'cjs', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' });
await bundle.close();
writeFileSync(join(outDir, 'package.json'), `${JSON.stringify({ type: 'commonjs' })}\n`);
// The records worker's entry (the file records-workers.js starts) loads the worker's code the same way.
writeFileSync(
  join(outDir, 'records-worker.js'),
  [
    "'use strict';",
    "// Made by scripts/bundle.mjs: the records worker's code, loaded with the code cache (bin/load-bundle.cjs).",
    "const { load, codeCacheStats } = require('../../bin/load-bundle.cjs');",
    "load(require('node:path').join(__dirname, 'records-worker-body.js'));",
    'if (process.env.CIVSCORE_TRACE) {',
    '  const { scripts, cached, rejected, damaged } = codeCacheStats();',
    // Straight to file descriptor 2, as trace() does: the main thread may exit before passing on a worker's stderr.
    "  require('node:fs').writeSync(2, `civscore: worker bundle loaded (${cached} of ${scripts} files from the code cache, ${rejected} rejected, ${damaged} damaged)\\n`);",
    '}',
    '',
  ].join('\n'),
);
