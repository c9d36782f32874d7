// Reading a large file on two threads (this one from the start, a worker from a line break past the middle)
// must give exactly what reading it in one go gives, including when the worker's part cannot be adopted.
// The threshold is lowered through CIVSCORE_PARALLEL_MIN_BYTES so small files take that path.

import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.js';

const RULES = 'fixtures/small/rules.yaml';
const ITEMS: Record<string, string[]> = {
  S01: ['C01-01', 'C01-02', 'C01-03'], S02: ['C01-02'], S03: ['C01-03'], S04: ['C02-01', 'C02-02'], S06: ['C03-01'], S07: ['C03-02'],
};

interface MonthOptions {
  /** A row whose note is a long quoted field with many line breaks (so the split point falls inside it). */
  quoteAt?: number;
  /** From this row on, notes are Chinese (the first part stays plain ASCII). */
  chineseFrom?: number;
  /** A record_id column: each row's id. */
  idOf?: (row: number) => string;
  /** Rows rejected besides the 30 unknown sites. */
  moreRejected?: number;
}

function month(rows: number, options: MonthOptions = {}): string {
  const lines = [`${options.idOf ? 'record_id,' : ''}date,site_id,item_code,count,inspector,note`];
  const sites = Object.keys(ITEMS);
  for (let i = 0; i < rows; i++) {
    const site = sites[(i * 7) % sites.length]!;
    const items = ITEMS[site]!;
    const item = i % 5 === 0 ? '' : items[i % items.length]!;
    const chinese = options.chineseFrom === undefined || i >= options.chineseFrom;
    const note = i === options.quoteAt ? `"跨行, 含逗号${'\n第二行'.repeat(30000)}"` : i % 97 === 0 ? (chinese ? '路面坑洼' : 'pothole') : '';
    const bad = i % 1013 === 0 ? 'S99' : site;
    lines.push(`${options.idOf ? `${options.idOf(i)},` : ''}2026-10-${String((i % 28) + 1).padStart(2, '0')},${bad},${item},${item ? (i % 3) + 1 : ''},${chinese ? '测评员' : 'inspector'}${i % 7},${note}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Scores `file` (or several) on one thread or two; `parts`: how many files were read in two parts. */
function score(file: string | string[], parallel: boolean): { code: number | null; files: Record<string, Buffer>; twoParts: boolean; parts: number; stderr: string } {
  const out = path.join(tempDir(), 'out');
  const run = spawnSync(process.execPath, ['bin/civscore.js', 'score', '--rules', RULES, '--records', ...[file].flat(), '--out', out, '--skip-invalid', '--period', '2026-10', parallel ? '--parallel' : '--no-parallel'], {
    env: { ...process.env, CIVSCORE_PARALLEL_MIN_BYTES: '1', CIVSCORE_PARALLEL_SHARE: '0.5', CIVSCORE_TRACE: '1', CIVSCORE_LANG: 'en' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const stderr = run.stderr.toString();
  let files: Record<string, Buffer> = {};
  try {
    files = Object.fromEntries(readdirSync(out).map((name) => [name, readFileSync(path.join(out, name))]));
  } catch {
    // nothing written
  }
  const parts = stderr.match(/in two parts/g)?.length ?? 0;
  return { code: run.status, files, twoParts: parts > 0, parts, stderr: stderr.replace(/^civscore: .*\n/gm, '') };
}

describe('reading on two threads', () => {
  const cases: [string, (text: string) => Buffer, MonthOptions, boolean][] = [
    ['UTF-8', (text) => Buffer.from(text), {}, true],
    ['GBK', (text) => iconv.encode(text, 'gbk'), {}, true],
    ['GBK whose first part is plain ASCII (the worker settles the encoding)', (text) => iconv.encode(text, 'gbk'), { chineseFrom: 25000 }, true],
    ['a quoted field with line breaks across the split point (read on in one go)', (text) => Buffer.from(text), { quoteAt: 15000 }, false],
    // A lone CR ends the header row (what follows it on the line is a blank row): a worker borrowing the header
    // line would number its rows from one line on (read in one go; found by fuzzing).
    ['a header line with a lone CR (read in one go)', (text) => Buffer.from(text.replace('note\n', 'note\r,,,,,,\n')), {}, false],
    ['record ids', (text) => Buffer.from(text), { idOf: (i) => `R${i}` }, true],
    ['record ids in GBK, one repeated within the second part', (text) => iconv.encode(text, 'gbk'), { idOf: (i) => (i === 25000 ? 'R21000' : `R${i}`), moreRejected: 1 }, true],
    ['a record id of the first part again in the second (read on in one go)', (text) => Buffer.from(text), { idOf: (i) => (i === 20000 ? 'R100' : `R${i}`), moreRejected: 1 }, false],
    // Its unknown site rejects it in the worker, which cannot know that its id is a duplicate too.
    ['a row of the second part rejected anyway, with a record id of the first (read on in one go)', (text) => Buffer.from(text), { idOf: (i) => (i === 22286 ? 'R7' : `R${i}`) }, false],
  ];
  for (const [name, encode, options, twoParts] of cases) {
    it(`gives byte-identical outputs: ${name}`, () => {
      const file = path.join(tempDir(), 'month.csv');
      writeFileSync(file, encode(month(30000, options)));
      const sequential = score(file, false);
      const parallel = score(file, true);
      expect([sequential.twoParts, parallel.twoParts]).toEqual([false, twoParts]);
      expect(Object.keys(parallel.files).sort()).toEqual(['ledger.csv', 'ranking.csv', 'rejected.csv', 'results.json', 'sites.csv']);
      for (const name of Object.keys(sequential.files)) expect(parallel.files[name]!.equals(sequential.files[name]!), name).toBe(true);
      const results = JSON.parse(sequential.files['results.json']!.toString());
      expect(results.summary.records).toBe(30000);
      expect(results.summary.rejected).toBe(30 + (options.moreRejected ?? 0));
    });
  }

  it('gives byte-identical outputs for several large files, each read on two threads', () => {
    const dir = tempDir();
    const files = ['a.csv', 'b.csv'].map((name, i) => {
      const file = path.join(dir, name);
      writeFileSync(file, i === 0 ? Buffer.from(month(20000)) : iconv.encode(month(25000), 'gbk'));
      return file;
    });
    const sequential = score(files, false);
    const parallel = score(files, true);
    expect([sequential.code, parallel.code]).toEqual([0, 0]);
    expect(parallel.parts).toBe(2);
    for (const name of Object.keys(sequential.files)) expect(parallel.files[name]!.equals(sequential.files[name]!), name).toBe(true);
    expect(JSON.parse(sequential.files['results.json']!.toString()).summary.records).toBe(45000);
  });

  it.each([
    ['no id repeated', undefined, 2],
    // In the second file's second part: checked against the first file's ids too.
    ['an id of the first file in the second file\'s second part', 'R0-77', 1],
  ])('gives byte-identical outputs for several large files with record ids (%s)', (_name, repeated, twoParts) => {
    const dir = tempDir();
    const files = ['a.csv', 'b.csv'].map((name, f) => {
      const file = path.join(dir, name);
      writeFileSync(file, month(20000, { idOf: (i) => (f === 1 && i === 16000 && repeated ? repeated : `R${f}-${i}`) }));
      return file;
    });
    const sequential = score(files, false);
    const parallel = score(files, true);
    expect([sequential.code, parallel.code]).toEqual([0, 0]);
    expect(parallel.parts).toBe(twoParts);
    for (const name of Object.keys(sequential.files)) expect(parallel.files[name]!.equals(sequential.files[name]!), name).toBe(true);
    expect(JSON.parse(sequential.files['results.json']!.toString()).summary.rejected).toBe(40 + (repeated ? 1 : 0));
  });

  it('names where a duplicate in the second part was first accepted, in a file whose name messages escape', () => {
    // The worker numbers its lines from 2; the line in the message is shifted, not the escaped text. Found in review.
    const file = path.join(tempDir(), 'tab\tname.csv');
    writeFileSync(file, month(30000, { idOf: (i) => (i === 25000 ? 'R21000' : `R${i}`) }));
    const sequential = score(file, false);
    const parallel = score(file, true);
    expect(parallel.twoParts).toBe(true);
    for (const name of Object.keys(sequential.files)) expect(parallel.files[name]!.equals(sequential.files[name]!), name).toBe(true);
    expect(sequential.files['rejected.csv']!.toString()).toContain('\\tname.csv:21002');
  });

  it('looks up a worker\'s rising ids that do not all come after this thread\'s, and reads on when one repeats', () => {
    // Ids rise in both parts, but the worker's first ten repeat this thread's last ten.
    const file = path.join(tempDir(), 'month.csv');
    const plain = Buffer.from(month(30000, { idOf: (i) => `R${i}` }));
    // The row the worker starts at: the first after the middle byte (CIVSCORE_PARALLEL_SHARE 0.5).
    const cut = plain.subarray(0, plain.indexOf(0x0a, Math.floor(plain.length * 0.5)) + 1).toString().split('\n').length - 2;
    writeFileSync(file, month(30000, { idOf: (i) => `R${i < cut ? i : i - 10}` }));
    const sequential = score(file, false);
    const parallel = score(file, true);
    expect(parallel.twoParts).toBe(false);
    for (const name of Object.keys(sequential.files)) expect(parallel.files[name]!.equals(sequential.files[name]!), name).toBe(true);
    expect(JSON.parse(sequential.files['results.json']!.toString()).summary.rejected).toBe(40);
  });

  it('cuts a large file where the worker finds this thread when it is ready, with byte-identical outputs', () => {
    const file = path.join(tempDir(), 'month.csv');
    // Twice the two-thread size: this thread reads ~5 ms a MB, so on a file just past it the worker, once
    // ready, finds too little left and declines.
    writeFileSync(file, month(1_100_000, { chineseFrom: 0 }));
    const size = readFileSync(file).length;
    const run = (parallel: boolean) => {
      const out = path.join(tempDir(), 'out');
      // The real sizes: no CIVSCORE_PARALLEL_* setting, so the worker decides where its part begins.
      const result = spawnSync(process.execPath, ['bin/civscore.js', 'score', '--rules', RULES, '--records', file, '--out', out, '--skip-invalid', '--period', '2026-10', parallel ? '--parallel' : '--no-parallel'], {
        env: { ...process.env, CIVSCORE_TRACE: '1' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      expect(result.status).toBe(0);
      return { files: Object.fromEntries(readdirSync(out).map((name) => [name, readFileSync(path.join(out, name))])), stderr: result.stderr.toString() };
    };
    const sequential = run(false);
    // Each run must match reading in one go. On a machine busy enough, this thread could read most of the
    // file before the worker is ready (it then declines): a few runs, one of which must split the file.
    let parallel = run(true);
    for (let i = 0; i < 3 && !parallel.stderr.includes('in two parts'); i++) {
      for (const name of Object.keys(sequential.files)) expect(parallel.files[name]!.equals(sequential.files[name]!), name).toBe(true);
      parallel = run(true);
    }
    expect(size).toBeGreaterThan(32 * 1024 * 1024);
    // The worker chose where to begin: a row start (the byte after a line break) before the end.
    const start = Number(/worker reads from byte (\d+) of (\d+)/.exec(parallel.stderr)?.[1]);
    expect(start).toBeGreaterThan(0);
    expect(start).toBeLessThan(size);
    expect(readFileSync(file)[start - 1]).toBe(0x0a);
    expect(parallel.stderr).toContain('in two parts');
    expect(Object.keys(parallel.files).sort()).toEqual(Object.keys(sequential.files).sort());
    for (const name of Object.keys(sequential.files)) expect(parallel.files[name]!.equals(sequential.files[name]!), name).toBe(true);
    expect(JSON.parse(sequential.files['results.json']!.toString()).summary.records).toBe(1_100_000);
  });

  it('leaves a file to this thread when too little is left for the worker once it is ready', () => {
    const file = path.join(tempDir(), 'month.csv');
    writeFileSync(file, month(30000));
    const out = path.join(tempDir(), 'out');
    const result = spawnSync(process.execPath, ['bin/civscore.js', 'score', '--rules', RULES, '--records', file, '--out', out, '--skip-invalid', '--period', '2026-10', '--parallel'], {
      env: { ...process.env, CIVSCORE_PARALLEL_MIN_BYTES: '1', CIVSCORE_TRACE: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const stderr = result.stderr.toString();
    expect(result.status, stderr).toBe(0);
    expect(stderr).toContain('starting a worker');
    expect(stderr).not.toContain('in two parts');
    expect(JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')).summary.records).toBe(30000);
  });

  it('reads and hashes the file it opened, even when another file is renamed over its path meanwhile', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'month.csv');
    const original = Buffer.from(month(30000));
    writeFileSync(file, original);
    writeFileSync(path.join(dir, 'other.csv'), month(1000));
    const out = path.join(dir, 'out');
    const child = spawn(process.execPath, ['bin/civscore.js', 'score', '--rules', RULES, '--records', file, '--out', out, '--skip-invalid', '--period', '2026-10', '--parallel'], {
      env: { ...process.env, CIVSCORE_PARALLEL_MIN_BYTES: '1', CIVSCORE_PARALLEL_SHARE: '0.5', CIVSCORE_TRACE: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    let replaced = false;
    child.stderr.on('data', (data: Buffer) => {
      stderr += data.toString();
      // The file is open by now; the worker and the hash are still to read it.
      if (!replaced && stderr.includes('starting a worker')) {
        renameSync(path.join(dir, 'other.csv'), file);
        replaced = true;
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, stderr).toBe(0);
    expect(replaced).toBe(true);
    expect(stderr).toContain('in two parts');
    const input = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')).inputs[0];
    expect(input.rows).toBe(30000);
    expect(input.sha256).toBe(createHash('sha256').update(original).digest('hex'));
  });

  it('refuses a file that grows while it is read, writing nothing, rather than name it by a hash of other bytes', async () => {
    /** One run while rows are appended: whether it caught the change. */
    const attempt = async (): Promise<boolean> => {
      const dir = tempDir();
      const file = path.join(dir, 'month.csv');
      writeFileSync(file, month(30000));
      const out = path.join(dir, 'out');
      const child = spawn(process.execPath, ['bin/civscore.js', 'score', '--rules', RULES, '--records', file, '--out', out, '--skip-invalid', '--period', '2026-10', '--parallel'], {
        env: { ...process.env, CIVSCORE_PARALLEL_MIN_BYTES: '1', CIVSCORE_PARALLEL_SHARE: '0.5', CIVSCORE_LANG: 'en' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
      const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
      // Whole rows, one write each, until the run ends.
      let running = true;
      void closed.then(() => (running = false));
      while (running) {
        appendFileSync(file, '2026-10-05,S01,C01-01,1,inspector1,\n');
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      const code = await closed;
      if (code === 0) {
        // No row was appended between the reading and the hashing (a busy machine): then the hash must be of
        // exactly the rows scored.
        const input = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')).inputs[0];
        const bytes = readFileSync(file);
        let end = 0;
        for (let line = 0; line <= input.rows; line++) end = bytes.indexOf(0x0a, end) + 1;
        expect(input.sha256).toBe(createHash('sha256').update(bytes.subarray(0, end)).digest('hex'));
        return false;
      }
      expect(code, stderr).toBe(1);
      expect(stderr).toMatch(/month\.csv: error: cannot read file: the file changed while it was read \(\d+ bytes read, \d+ hashed\)/);
      expect(stderr).toContain('nothing was written');
      expect(existsSync(out)).toBe(false);
      return true;
    };
    let caught = false;
    for (let i = 0; i < 4 && !caught; i++) caught = await attempt();
    expect(caught).toBe(true);
  });

  it('reports bad bytes in the second part exactly as reading in one go does', () => {
    const file = path.join(tempDir(), 'month.csv');
    const bytes = Buffer.from(month(30000));
    // A GBK-only byte pair in a UTF-8 file, late in the file: the worker's part fails, the reader reads on.
    const at = bytes.indexOf('\n2026-10-', Math.floor(bytes.length * 0.9)) + 1;
    writeFileSync(file, Buffer.concat([bytes.subarray(0, at), Buffer.from([0xb5, 0xc0]), bytes.subarray(at)]));
    const sequential = score(file, false);
    const parallel = score(file, true);
    expect(sequential.code).toBe(1);
    expect(parallel.code).toBe(1);
    expect(parallel.twoParts).toBe(false);
    expect(parallel.stderr).toBe(sequential.stderr);
    expect(parallel.stderr).toMatch(/month\.csv:\d+/);
  });
});
