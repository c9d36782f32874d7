// The built CLI loads its bundle with V8's code cache (bin/load-bundle.cjs, scripts/code-cache.mjs): every
// file a run loads comes from a cache the build wrote, and a cache is never used for other bytes.

import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
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
    const loaded = /bundle loaded \((\d+) of (\d+) files from the code cache, (\d+) rejected\)/.exec(run.stderr);
    expect(loaded, run.stderr).not.toBeNull();
    const [, cached, scripts, rejected] = loaded!.map(Number);
    expect(scripts).toBeGreaterThan(3);
    expect(cached).toBe(scripts);
    expect(rejected).toBe(0);
    // The worker read its part (its code is loaded the same way; a failure to load it would leave one thread).
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
    expect(JSON.parse(node(read).stdout)).toEqual({ answer: 41, scripts: 1, cached: 1, rejected: 0 });
    writeFileSync(file, 'module.exports = { answer: 42 };\n');
    expect(JSON.parse(node(read).stdout)).toEqual({ answer: 42, scripts: 1, cached: 0, rejected: 0 });
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
    expect(JSON.parse(run.stdout)).toEqual({ answer: 43, scripts: 1, cached: 0, rejected: 1 });
  });
});
