// Writes V8 code caches for the bundle (dist/bundle/code-cache/, see bin/load-bundle.cjs): scores the demo
// months through the bundle in this process, so that the caches hold the bytecode of what a run compiles,
// then writes one cache per bundle file.
//
//   node scripts/code-cache.mjs      (run by `npm run build`, after scripts/bundle.mjs)
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundleDir = join(root, 'dist', 'bundle');
const { load, writeCodeCaches } = createRequire(import.meta.url)(join(root, 'bin', 'load-bundle.cjs'));
const { main } = load(join(bundleDir, 'main.js'));

const sink = () => new Writable({ write: (_chunk, _encoding, done) => done() });
const out = mkdtempSync(join(tmpdir(), 'civscore-code-cache-'));
try {
  const demo = (name) => join(root, 'fixtures', 'demo', name);
  const runs = [
    ['score', '--records', demo('2026-09.csv'), '--components', demo('components-2026-09.csv'), '--out', join(out, '2026-09')],
    ['score', '--records', demo('2026-10.csv'), '--components', demo('components-2026-10.csv'), '--previous', join(out, '2026-09', 'results.json'), '--out', join(out, '2026-10')],
  ];
  for (const args of runs) {
    const io = { stdout: sink(), stderr: sink(), env: { ...process.env, NO_COLOR: '1' } };
    const code = await main(['node', 'civscore', ...args], io);
    if (code !== 0) throw new Error(`civscore ${args.join(' ')} exited with ${code}`);
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
const files = readdirSync(bundleDir).filter((name) => name.endsWith('.js')).map((name) => join(bundleDir, name));
const written = writeCodeCaches(files);
console.log(`code cache: ${written.length} files in ${join('dist', 'bundle', 'code-cache')}`);
