// The rules cache (src/io/rules.ts): a city's own rule set, once loaded without a problem, is read from
// CIVSCORE_CACHE_DIR on later runs, with exactly the same result; a changed or invalid rule set, a damaged
// cache file or CIVSCORE_CACHE_DIR=off always reads the files.

import { chmodSync, cpSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/core/diagnostics.js';
import { bundledRulesPath, loadRules, rulesCacheDir } from '../../src/io/rules.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

let cacheDir = '';
let previous: string | undefined;

beforeEach(() => {
  previous = process.env.CIVSCORE_CACHE_DIR;
  cacheDir = path.join(tempDir(), 'cache');
  process.env.CIVSCORE_CACHE_DIR = cacheDir;
});

afterEach(() => {
  if (previous === undefined) delete process.env.CIVSCORE_CACHE_DIR;
  else process.env.CIVSCORE_CACHE_DIR = previous;
});

/** A city's own copy of the bundled rule set (so the built-in cache does not apply). */
function cityRules(): string {
  const dir = path.join(tempDir(), 'rules');
  cpSync(bundledRulesPath(), dir, { recursive: true });
  writeFileSync(path.join(dir, 'units.yaml'), `${readFileSync(path.join(dir, 'units.yaml'), 'utf8')}# 本市修订\n`);
  return dir;
}

const cacheFiles = () => readdirSync(cacheDir).filter((name) => name.endsWith('.json'));

describe('the rules cache', () => {
  it('reads a rule set from its files once, then from the cache, with the same rule set', () => {
    const rules = cityRules();
    const first = loadRules(rules);
    expect(first.source).toBe('files');
    expect(cacheFiles()).toHaveLength(1);
    const second = loadRules(rules);
    expect(second.source).toBe('rules cache');
    expect(second.diagnostics).toEqual([]);
    expect(second.sha256).toBe(first.sha256);
    // The same rule set, value for value (Rationals compared through their exact text).
    const plain = (value: unknown) => JSON.parse(JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? `${v}n` : v instanceof Map ? [...v] : v)));
    expect(plain(second.ruleSet)).toEqual(plain(first.ruleSet));
  });

  it('gives byte-identical score outputs from the cache', async () => {
    const rules = cityRules();
    const outs = [path.join(tempDir(), 'a'), path.join(tempDir(), 'b')];
    for (const out of outs) {
      const run = await runCli(['score', '--rules', rules, '--records', 'fixtures/demo/2026-09.csv', '--components', 'fixtures/demo/components-2026-09.csv', '--out', out]);
      expect(run.code, run.stderr).toBe(0);
    }
    expect(cacheFiles()).toHaveLength(1);
    for (const name of ['results.json', 'ledger.csv', 'sites.csv', 'ranking.csv']) {
      expect(readFileSync(path.join(outs[1]!, name)).equals(readFileSync(path.join(outs[0]!, name))), name).toBe(true);
    }
  });

  it('reads the files again when one of them changes', () => {
    const rules = cityRules();
    loadRules(rules);
    writeFileSync(path.join(rules, 'units.yaml'), `${readFileSync(path.join(rules, 'units.yaml'), 'utf8')}# 再次修订\n`);
    expect(loadRules(rules).source).toBe('files');
    expect(cacheFiles()).toHaveLength(2);
  });

  it('never keeps a rule set with problems: its errors keep their FILE:LINE:COL', () => {
    const rules = cityRules();
    const text = readFileSync(path.join(rules, 'units.yaml'), 'utf8');
    writeFileSync(path.join(rules, 'units.yaml'), text.replace(/group: 城区/, 'group: 城区\n    colour: red'));
    for (let run = 0; run < 2; run++) {
      const loaded = loadRules(rules);
      expect(loaded.ruleSet).toBeUndefined();
      expect(loaded.diagnostics.map((d) => formatDiagnostic(d, 'en')).join('\n')).toMatch(/units\.yaml:\d+:\d+/);
    }
    expect(() => cacheFiles()).toThrow(); // not even the folder was made
  });

  it('reads the files when a cache file is damaged, and mends it', () => {
    const rules = cityRules();
    loadRules(rules);
    const [name] = cacheFiles();
    const file = path.join(cacheDir, name!);
    const good = readFileSync(file);
    writeFileSync(file, good.subarray(0, good.length >> 1));
    expect(loadRules(rules).source).toBe('files');
    expect(readFileSync(file).equals(good)).toBe(true);
    // A cache file of another key (renamed by hand) is not taken for this one.
    writeFileSync(file, good.toString('utf8').replace(/"key":"[0-9a-f]+"/, `"key":"${'0'.repeat(64)}"`));
    expect(loadRules(rules).source).toBe('files');
  });

  it('reports a rule set whose YAML aliases make it circular, and keeps nothing', () => {
    const rules = path.join(tempDir(), 'rules.yaml');
    writeFileSync(rules, 'ruleset: &r\n  name: x\n  self: *r\n');
    const loaded = loadRules(rules);
    expect(loaded.ruleSet).toBeUndefined();
    expect(loaded.diagnostics.length).toBeGreaterThan(0);
    expect(() => cacheFiles()).toThrow();
  });

  it('does not trust a cache folder others can write to', () => {
    const rules = cityRules();
    loadRules(rules);
    expect(loadRules(rules).source).toBe('rules cache');
    if (process.platform === 'win32') return;
    chmodSync(cacheDir, 0o777);
    expect(loadRules(rules).source).toBe('files');
  });

  it('keeps the 32 newest rule sets, and clears temporary files a killed run left', () => {
    mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
    const day = (n: number) => new Date(Date.UTC(2026, 0, 1 + n));
    for (let i = 0; i < 40; i++) {
      const name = path.join(cacheDir, `rules-${i.toString(16).padStart(64, '0')}.json`);
      writeFileSync(name, '{}');
      utimesSync(name, day(i), day(i));
    }
    const stale = path.join(cacheDir, `rules-${'f'.repeat(64)}.json.1-a.tmp`);
    const fresh = path.join(cacheDir, `rules-${'e'.repeat(64)}.json.2-b.tmp`);
    writeFileSync(stale, '{');
    utimesSync(stale, day(0), day(0));
    writeFileSync(fresh, '{');
    loadRules(cityRules());
    const names = readdirSync(cacheDir);
    const kept = names.filter((name) => name.endsWith('.json'));
    expect(kept).toHaveLength(32);
    // The one just written and the 31 newest of the old ones.
    expect(kept.filter((name) => /^rules-0{62}/.test(name)).map((name) => parseInt(name.slice(6, 70), 16)).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 31 }, (_, i) => i + 9),
    );
    expect(names).not.toContain(path.basename(stale));
    expect(names).toContain(path.basename(fresh));
  });

  it('keeps nothing with CIVSCORE_CACHE_DIR=off', () => {
    process.env.CIVSCORE_CACHE_DIR = 'off';
    const rules = cityRules();
    expect(loadRules(rules).source).toBe('files');
    expect(loadRules(rules).source).toBe('files');
    expect(rulesCacheDir()).toBeUndefined();
  });

  it('defaults to $XDG_CACHE_HOME/civscore, else ~/.cache/civscore', () => {
    expect(rulesCacheDir({ XDG_CACHE_HOME: '/var/cache/u1' })).toBe(path.join('/var/cache/u1', 'civscore'));
    expect(rulesCacheDir({ CIVSCORE_CACHE_DIR: 'rel/dir' })).toBe(path.resolve('rel/dir'));
    if (process.platform === 'win32') return;
    expect(rulesCacheDir({})).toBe(path.join(os.homedir(), '.cache', 'civscore'));
    // A relative XDG_CACHE_HOME is ignored (the XDG rule), never a folder under wherever civscore runs.
    expect(rulesCacheDir({ XDG_CACHE_HOME: 'relative/cache' })).toBe(path.join(os.homedir(), '.cache', 'civscore'));
  });
});
