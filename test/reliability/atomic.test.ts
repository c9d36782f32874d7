// Issue 7, atomic outputs (SPEC §6): a run killed with SIGKILL at any point while it writes leaves every output
// file either as the previous complete version or as the new complete one; stale temporary files of killed
// runs are removed by the next run; `--out` that cannot be used is a usage error (exit 2); inputs are never
// modified. The kill test spawns the built CLI (bin/civscore.js → dist/).

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const ROOT = process.cwd(); // vitest runs from the project folder (the other tests rely on it too)
const BIN = path.join(ROOT, 'bin', 'civscore.js');
const OUTPUTS = ['results.json', 'ledger.csv', 'sites.csv', 'ranking.csv'];
const ROWS = Number(process.env.CIVSCORE_ATOMIC_ROWS ?? 200_000);
const KILLS = Number(process.env.CIVSCORE_ATOMIC_KILLS ?? 6);

interface Child {
  code: number | null;
  signal: NodeJS.Signals | null;
  ms: number;
  stderr: string;
}

/** Runs the CLI; `killWhen` may kill it (it gets the child and the output folder, and polls until it returns true). */
function run(args: string[], cwd: string, killWhen?: (elapsed: number) => boolean): Promise<Child> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, CIVSCORE_LANG: 'en', NO_COLOR: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    let poll: NodeJS.Timeout | undefined;
    if (killWhen) {
      poll = setInterval(() => {
        if (killWhen(Date.now() - started)) {
          clearInterval(poll);
          child.kill('SIGKILL');
        }
      }, 1);
    }
    child.on('close', (code, signal) => {
      if (poll) clearInterval(poll);
      resolve({ code, signal, ms: Date.now() - started, stderr });
    });
  });
}

const read = (dir: string) => Object.fromEntries(OUTPUTS.map((name) => [name, readFileSync(path.join(dir, name))]));
const hash = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** The structure every complete output has, whichever version it is. */
function checkComplete(name: string, bytes: Buffer): void {
  if (name === 'results.json') {
    const results = JSON.parse(bytes.toString('utf8'));
    expect(results.schema).toBe('civscore/results@1');
    return;
  }
  const text = bytes.toString('utf8');
  expect(text.endsWith('\r\n'), `${name} ends with CRLF`).toBe(true);
  expect(text.startsWith('\ufeff')).toBe(true);
}

describe('atomic outputs under SIGKILL (issue 7)', () => {
  let dir: string;
  let previous: Record<string, Buffer>;
  let complete: Record<string, Buffer>;
  let fullRunMs = 0;

  beforeAll(async () => {
    dir = tempDir('civscore-atomic-');
    // A month big enough that writing its ledger takes a while: the demo month repeated with fresh record ids.
    const lines = readFileSync(path.join(ROOT, 'fixtures/demo/2026-09.csv'), 'utf8').split('\n').filter(Boolean);
    const out = [lines[0]];
    for (let i = 0; out.length <= ROWS; i++) out.push(lines[1 + (i % (lines.length - 1))]!.replace(/^[^,]*/, `X${i}`));
    writeFileSync(path.join(dir, 'big.csv'), `${out.join('\r\n')}\r\n`);
    // The previous complete output: the demo month as it is, so every file differs from the new one.
    const first = await run(['score', '--records', path.join(ROOT, 'fixtures/demo/2026-09.csv'), '--out', 'previous'], dir);
    expect(first.code, first.stderr).toBe(0);
    previous = read(path.join(dir, 'previous'));
    const full = await run(['score', '--records', 'big.csv', '--out', 'complete'], dir);
    expect(full.code, full.stderr).toBe(0);
    complete = read(path.join(dir, 'complete'));
    fullRunMs = full.ms;
    for (const name of OUTPUTS) expect(hash(complete[name]!)).not.toBe(hash(previous[name]!));
  }, 180_000);

  it('every output file is the previous complete version or the new one, never partial', async () => {
    const target = path.join(dir, 'out');
    cpSync(path.join(dir, 'previous'), target, { recursive: true });
    const seen = { previous: 0, complete: 0, mixed: 0, temporaries: 0 };
    for (let k = 0; k < KILLS; k++) {
      // Each kill starts from the previous complete output (temporary files of earlier kills stay).
      for (const name of OUTPUTS) writeFileSync(path.join(target, name), previous[name]!);
      // Half the kills wait for the first temporary file (the write phase), the others come at a random time.
      const watchWrites = k % 2 === 0;
      const delay = watchWrites ? Math.floor(Math.random() * 150) : Math.floor(fullRunMs * (0.4 + Math.random() * 0.7));
      let writingSince: number | undefined;
      const child = await run(['score', '--records', 'big.csv', '--out', 'out'], dir, (elapsed) => {
        if (!watchWrites) return elapsed >= delay;
        if (writingSince === undefined && readdirSync(target).some((n) => n.includes('.civscore-tmp-'))) writingSince = elapsed;
        return writingSince !== undefined && elapsed >= writingSince + delay;
      });
      const versions = new Set<string>();
      for (const name of OUTPUTS) {
        const bytes = readFileSync(path.join(target, name));
        checkComplete(name, bytes);
        const h = hash(bytes);
        expect([hash(previous[name]!), hash(complete[name]!)], `${name} after a kill at ${child.ms} ms`).toContain(h);
        versions.add(h === hash(complete[name]!) ? 'complete' : 'previous');
      }
      seen[versions.size > 1 ? 'mixed' : versions.has('complete') ? 'complete' : 'previous']++;
      seen.temporaries += readdirSync(target).filter((n) => n.includes('.civscore-tmp-')).length;
      expect(child.signal === 'SIGKILL' || child.code === 0).toBe(true);
    }
    // The next complete run removes the temporary files the killed runs left, and writes the new version.
    const last = await run(['score', '--records', 'big.csv', '--out', 'out'], dir);
    expect(last.code, last.stderr).toBe(0);
    expect(readdirSync(target).sort()).toEqual([...OUTPUTS].sort());
    for (const name of OUTPUTS) expect(readFileSync(path.join(target, name)).equals(complete[name]!)).toBe(true);
    console.info(`atomic: ${KILLS} kills over ${ROWS} rows (full run ${fullRunMs} ms):`, seen);
  }, 240_000);
});

describe('--out that cannot be used, and inputs are never modified (issue 7)', () => {
  const RULES = 'fixtures/small/rules.yaml';
  const RECORDS = 'fixtures/small/records.csv';

  function setup() {
    const dir = tempDir('civscore-out-');
    const records = path.join(dir, 'records.csv');
    cpSync(RECORDS, records);
    return { dir, records };
  }

  it('--out naming an input file is exit 2 with a message, and the input is untouched', async () => {
    const { records } = setup();
    const before = readFileSync(records);
    const run = await runCli(['score', '--rules', RULES, '--records', records, '--out', records]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/civscore: --out .*records\.csv.* (is an input file|exists and is not a folder)/);
    expect(readFileSync(records).equals(before)).toBe(true);
  });

  it('--out naming an existing file that is not a folder is exit 2', async () => {
    const { dir, records } = setup();
    const file = path.join(dir, 'notes.txt');
    writeFileSync(file, 'keep me\n');
    const run = await runCli(['score', '--rules', RULES, '--records', records, '--out', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/civscore: --out .*notes\.txt exists and is not a folder/);
    expect(readFileSync(file, 'utf8')).toBe('keep me\n');
  });

  it('--out under a regular file (cannot be created, even as root) is exit 2', async () => {
    const { dir, records } = setup();
    const file = path.join(dir, 'plain.txt');
    writeFileSync(file, 'x');
    const run = await runCli(['score', '--rules', RULES, '--records', records, '--out', path.join(file, 'sub', 'out')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/civscore: cannot create --out .*plain\.txt\/sub\/out: .*plain\.txt is a file, not a folder/);
    expect(run.stderr).not.toMatch(/internal error|\n\s+at /);
  });

  it('an output that would replace an input (same path, a symbolic link or a hard link) is refused with exit 2', async () => {
    const { dir, records } = setup();
    // The input is named ledger.csv inside the output folder.
    const out = path.join(dir, 'out');
    mkdirSync(out);
    const inside = path.join(out, 'ledger.csv');
    cpSync(RECORDS, inside);
    let run = await runCli(['score', '--rules', RULES, '--records', inside, '--out', out]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/would overwrite an input file/);
    // The input is a symbolic link to a file the output would replace.
    const link = path.join(dir, 'link.csv');
    symlinkSync(inside, link);
    run = await runCli(['score', '--rules', RULES, '--records', link, '--out', out]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/would overwrite an input file/);
    // A hard link.
    const hard = path.join(dir, 'hard.csv');
    linkSync(records, hard);
    const out2 = path.join(dir, 'out2');
    mkdirSync(out2);
    linkSync(records, path.join(out2, 'sites.csv'));
    run = await runCli(['score', '--rules', RULES, '--records', hard, '--out', out2]);
    expect(run.code).toBe(2);
    expect(readFileSync(records).equals(readFileSync(RECORDS))).toBe(true);
  });

  it('inputs (records, rules, previous results, components) keep their bytes and times when outputs go beside them', async () => {
    const dir = tempDir('civscore-inputs-');
    const files = {
      rules: path.join(dir, 'rules.yaml'),
      records: path.join(dir, 'records.csv'),
    };
    cpSync(RULES, files.rules);
    cpSync(RECORDS, files.records);
    const first = await runCli(['score', '--rules', files.rules, '--records', files.records, '--out', dir]);
    expect(first.code, first.stderr).toBe(0);
    const previous = path.join(dir, 'previous.json');
    cpSync(path.join(dir, 'results.json'), previous);
    const all = [files.rules, files.records, previous];
    const state = () => all.map((f) => ({ f, hash: hash(readFileSync(f)), mtime: statSync(f).mtimeMs, ctime: statSync(f).ctimeMs }));
    const before = state();
    // Outputs into the very folder of the inputs, twice, with --previous and --skip-invalid.
    for (let i = 0; i < 2; i++) {
      const run = await runCli(['score', '--rules', files.rules, '--records', files.records, '--previous', previous, '--out', dir, '--skip-invalid']);
      expect(run.code, run.stderr).toBe(0);
    }
    expect(state()).toEqual(before);
    expect(existsSync(path.join(dir, 'rejected.csv'))).toBe(true);
  });

  it('temporary files of dead runs are removed by the next run; those of live processes are kept', async () => {
    const { dir, records } = setup();
    const out = path.join(dir, 'out');
    mkdirSync(out);
    // A pid that is not running: the highest possible one, well above pid_max in practice.
    const dead = path.join(out, '.ledger.csv.civscore-tmp-4194304-0123abcd');
    const alive = path.join(out, `.ledger.csv.civscore-tmp-${process.pid}-89abcdef`);
    const unrelated = path.join(out, '.ledger.csv.backup');
    for (const file of [dead, alive, unrelated]) writeFileSync(file, 'partial');
    const run = await runCli(['score', '--rules', RULES, '--records', records, '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(alive)).toBe(true);
    expect(existsSync(unrelated)).toBe(true);
  });
});

describe('a file whose content fails while the outputs are written', () => {
  it('leaves the previous outputs as they were and no temporary behind, and its error is thrown as it is', async () => {
    const { writeFilesAtomically } = await import('../../src/io/write.js');
    const dir = tempDir();
    writeFileSync(path.join(dir, 'a.csv'), 'previous a');
    writeFileSync(path.join(dir, 'b.json'), 'previous b');
    class Changed extends Error {}
    const failing = writeFilesAtomically(dir, [
      { name: 'a.csv', content: 'new a' },
      { name: 'b.json', content: async () => { throw new Changed('input changed'); } },
    ]);
    await expect(failing).rejects.toBeInstanceOf(Changed);
    expect(readdirSync(dir).sort()).toEqual(['a.csv', 'b.json']);
    expect(readFileSync(path.join(dir, 'a.csv'), 'utf8')).toBe('previous a');
    // A folder made for the outputs is removed again.
    const fresh = path.join(dir, 'new');
    await expect(writeFilesAtomically(fresh, [{ name: 'b.json', content: async () => { throw new Changed('input changed'); } }])).rejects.toBeInstanceOf(Changed);
    expect(existsSync(fresh)).toBe(false);
    await writeFilesAtomically(dir, [{ name: 'b.json', content: async () => 'made late' }]);
    expect(readFileSync(path.join(dir, 'b.json'), 'utf8')).toBe('made late');
  });
});
