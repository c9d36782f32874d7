// The built CLI loads its bundle with V8's code cache (bin/load-bundle.cjs, scripts/code-cache.mjs): every
// file a run loads comes from a cache the build wrote, and a cache is never used for other bytes.

import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.js';

const LOADER = path.resolve('bin/load-bundle.cjs');

function node(script: string, env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('the code cache of the bundle', () => {
  it('serves every file a score run loads, in the main thread and in a records worker', () => {
    const dir = tempDir();
    const records = path.join(dir, 'records.csv');
    const rows = Array.from({ length: 30000 }, (_, i) => `2026-10-${String((i % 28) + 1).padStart(2, '0')},S01,C01-0${(i % 3) + 1},1,测评员${i % 5},`);
    writeFileSync(records, `date,site_id,item_code,count,inspector,note\n${rows.join('\n')}\n`);
    const run = spawnSync(
      process.execPath,
      ['bin/civscore.js', 'score', '--rules', 'fixtures/small/rules.yaml', '--records', records, '--out', path.join(dir, 'out'), '--parallel'],
      { encoding: 'utf8', env: { ...process.env, CIVSCORE_TRACE: '1', CIVSCORE_PARALLEL_MIN_BYTES: '1', CIVSCORE_PARALLEL_SHARE: '0.5', CIVSCORE_LANG: 'en' } },
    );
    expect(run.status, run.stderr).toBe(0);
    for (const thread of ['civscore: bundle loaded', 'civscore: worker bundle loaded']) {
      const loaded = new RegExp(`${thread} \\((\\d+) of (\\d+) files from the code cache, (\\d+) rejected, (\\d+) damaged\\)`).exec(run.stderr);
      expect(loaded, `${thread}\n${run.stderr}`).not.toBeNull();
      const [, cached, scripts, rejected, damaged] = loaded!.map(Number);
      expect(scripts).toBeGreaterThan(2);
      expect(cached).toBe(scripts);
      expect(rejected + damaged).toBe(0);
    }
    // So did every file the main thread loaded later, some of them after it set the V8 flag the worker starts
    // with (see compileSynchronously in bin/load-bundle.cjs): V8 would reject a cache under a flag it checks.
    const all = /run loaded (\d+) files, (\d+) from the code cache, (\d+) rejected, (\d+) damaged/.exec(run.stderr);
    expect(all, run.stderr).not.toBeNull();
    const [, scripts, cached, rejected, damaged] = all!.map(Number);
    expect(scripts).toBeGreaterThan(5);
    expect([cached, rejected, damaged]).toEqual([scripts, 0, 0]);
    // The worker read its part.
    expect(run.stderr).toContain('in two parts');
  });

  it('is used only for the bytes it was made from, even when other bytes have the same length', () => {
    const dir = tempDir();
    const file = path.join(dir, 'answer.js');
    writeFileSync(file, 'module.exports = { answer: 41 };\n');
    const make = node(
      `const l = require(${JSON.stringify(LOADER)}); l.load(${JSON.stringify(file)}); l.writeCodeCaches([${JSON.stringify(file)}]);`,
    );
    expect(make.status, make.stderr).toBe(0);
    const read = `const l = require(${JSON.stringify(LOADER)}); const m = l.load(${JSON.stringify(file)}); console.log(JSON.stringify({ answer: m.answer, ...l.codeCacheStats() }));`;
    expect(JSON.parse(node(read).stdout)).toEqual({ answer: 41, scripts: 1, cached: 1, rejected: 0, damaged: 0 });
    writeFileSync(file, 'module.exports = { answer: 42 };\n');
    expect(JSON.parse(node(read).stdout)).toEqual({ answer: 42, scripts: 1, cached: 0, rejected: 0, damaged: 0 });
  });

  it('is not used when its own bytes are damaged (damaged bytecode would crash the process)', () => {
    const dir = tempDir();
    const file = path.join(dir, 'answer.js');
    // Enough code for a cache whose middle is bytecode.
    writeFileSync(file, `module.exports = { answer: [${Array.from({ length: 200 }, (_, i) => `(x) => x * ${i} + ${i}`).join(', ')}].reduce((s, f) => s + f(1), 0) };\n`);
    node(`const l = require(${JSON.stringify(LOADER)}); l.load(${JSON.stringify(file)}); l.writeCodeCaches([${JSON.stringify(file)}]);`);
    const [cache] = readdirSync(path.join(dir, 'code-cache'));
    const cacheFile = path.join(dir, 'code-cache', cache!);
    const bytes = readFileSync(cacheFile);
    for (let i = bytes.length >> 1; i < (bytes.length >> 1) + 64; i++) bytes[i] = ~bytes[i]! & 0xff;
    writeFileSync(cacheFile, bytes);
    const read = `const l = require(${JSON.stringify(LOADER)}); const m = l.load(${JSON.stringify(file)}); console.log(JSON.stringify({ answer: m.answer, ...l.codeCacheStats() }));`;
    const run = node(read);
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ answer: 39800, scripts: 1, cached: 0, rejected: 0, damaged: 1 });
  });

  it('runs a file as Node runs a CommonJS module: `this` is its exports, and a failed load is not kept', () => {
    const dir = tempDir();
    const file = path.join(dir, 'flaky.js');
    writeFileSync(file, 'this.viaThis = true;\nglobalThis.attempts = (globalThis.attempts ?? 0) + 1;\nif (globalThis.attempts === 1) throw new Error("first load fails");\n');
    const run = node(
      `const l = require(${JSON.stringify(LOADER)}); let first; try { l.load(${JSON.stringify(file)}); } catch (e) { first = e.message; } const m = l.load(${JSON.stringify(file)}); console.log(JSON.stringify({ first, viaThis: m.viaThis, attempts: globalThis.attempts }));`,
    );
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ first: 'first load fails', viaThis: true, attempts: 2 });
  });

  it('falls back to compiling when V8 rejects the cache (other V8 flags)', () => {
    const dir = tempDir();
    const file = path.join(dir, 'answer.js');
    writeFileSync(file, 'module.exports = { answer: 43 };\n');
    node(`const l = require(${JSON.stringify(LOADER)}); l.load(${JSON.stringify(file)}); l.writeCodeCaches([${JSON.stringify(file)}]);`);
    const run = spawnSync(
      process.execPath,
      ['--no-opt', '-e', `const l = require(${JSON.stringify(LOADER)}); const m = l.load(${JSON.stringify(file)}); console.log(JSON.stringify({ answer: m.answer, ...l.codeCacheStats() }));`],
      { encoding: 'utf8' },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ answer: 43, scripts: 1, cached: 0, rejected: 1, damaged: 0 });
  });
});
