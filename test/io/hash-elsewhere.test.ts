// A records file read on one thread is hashed on another (hash-elsewhere.ts): the hash must be the file's
// SHA-256 whichever thread makes it, and a worker that cannot hash must say so rather than hang.

import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashOnAnotherThread, hashOpenFile } from '../../src/io/hash-elsewhere.js';
import { HASH_ELSEWHERE_MIN_BYTES, worthHashingElsewhere } from '../../src/io/two-threads.js';
import { hashMade, streamCsvFile } from '../../src/io/records.js';
import { tempDir } from '../helpers/tmp.js';

/** Hashes `file` through a descriptor opened here, `meanwhile` run once the worker has started. */
async function hashed(file: string, meanwhile: () => void): Promise<string | undefined> {
  const fd = openSync(file, 'r');
  const hashing = hashOnAnotherThread(fd);
  try {
    meanwhile();
    return (await hashing.hash)?.sha256;
  } finally {
    await hashing.cancel();
    closeSync(fd);
  }
}

describe('hashing a records file on another thread', () => {
  it('gives the SHA-256 of the bytes, like hashing here', async () => {
    const file = path.join(tempDir(), 'month.csv');
    // Larger than the workers' 1 MiB reads, with bytes of every value.
    const bytes = Buffer.from(Array.from({ length: 3 * (1 << 20) + 17 }, (_, i) => (i * 131) % 256));
    writeFileSync(file, bytes);
    const expected = createHash('sha256').update(bytes).digest('hex');
    expect(await hashed(file, () => {})).toBe(expected);
    const fd = openSync(file, 'r');
    try {
      expect(hashOpenFile(fd)).toEqual({ sha256: expected, bytes: bytes.length });
    } finally {
      closeSync(fd);
    }
  });

  it('hashes the open file, even if its path is removed or replaced before the worker reads it', async () => {
    const file = path.join(tempDir(), 'month.csv');
    const bytes = Buffer.from('date,site_id\n'.repeat(200_000));
    writeFileSync(file, bytes);
    const sha = await hashed(file, () => {
      unlinkSync(file);
      writeFileSync(file, 'another file');
    });
    expect(sha).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('refuses a file whose hash was made of other bytes than were read (it changed meanwhile), or not made', async () => {
    const file = path.join(tempDir(), 'month.csv');
    writeFileSync(file, 'date,site_id,item_code\n2026-10-01,S01,C01-01\n');
    const size = readFileSync(file).length;
    const sink = { header: () => true, row: () => {} };
    // Hashed elsewhere, a file is not hashed here: its report says how many bytes the hash must be of.
    const read = () => streamCsvFile(file, {}, sink, undefined, undefined, undefined, true);
    const changed = await read();
    expect([changed.sha256, changed.bytes]).toEqual(['', size]);
    const problem = hashMade(changed, { sha256: 'f'.repeat(64), bytes: 3 });
    expect(problem?.code).toBe('FILE_UNREADABLE');
    expect(JSON.stringify(problem)).toContain(`changed while it was read (${size} bytes read, 3 hashed)`);
    expect(changed.sha256).toBe('');
    const unreadable = await read();
    expect(JSON.stringify(hashMade(unreadable, new Error('EIO: i/o error, read')))).toContain('EIO');
    const same = await read();
    expect(hashMade(same, { sha256: 'f'.repeat(64), bytes: size })).toBeUndefined();
    expect(same.sha256).toBe('f'.repeat(64));
    expect(same.diagnostics).toEqual([]);
  });

  it('leaves a file that failed unhashed (its hash is never shown)', async () => {
    const file = path.join(tempDir(), 'month.csv');
    // A quoted field past the field size limit: the file fails at line 3.
    writeFileSync(file, `date,site_id,note\n2026-10-01,S01,x\n2026-10-01,S01,"${'x'.repeat(5 * 1024 * 1024)}"\n2026-10-02,S01,y\n`);
    const sink = { header: () => true, row: () => {} };
    const report = await streamCsvFile(file, {}, sink, undefined, undefined, undefined, true);
    expect(report.diagnostics.map((d) => d.code)).toEqual(['REC_FIELD_TOO_LARGE']);
    expect(report.bytes).toBeUndefined();
  });

  it('is used only for a regular file large enough', () => {
    const file = path.join(tempDir(), 'month.csv');
    writeFileSync(file, 'date,site_id\n');
    const large = path.join(tempDir(), 'large.csv');
    writeFileSync(large, '');
    truncateSync(large, HASH_ELSEWHERE_MIN_BYTES);
    for (const [target, expected] of [[tempDir(), false], [file, false], [large, true]] as const) {
      const fd = openSync(target, 'r');
      try {
        expect(worthHashingElsewhere(fd, true)).toBe(expected);
      } finally {
        closeSync(fd);
      }
    }
  });

  it('leaves every output as reading on one thread alone writes it', () => {
    const dir = tempDir();
    const file = path.join(dir, 'month.csv');
    const rows = ['date,site_id,item_code,count,inspector,note'];
    for (let i = 0; i < 5000; i++) rows.push(`2026-10-${String((i % 28) + 1).padStart(2, '0')},S0${(i % 3) + 1},C01-0${(i % 3) + 1},1,测评员${i % 7},`);
    writeFileSync(file, `${rows.join('\n')}\n`);
    const run = (env: Record<string, string>, flag: string) => {
      const out = path.join(tempDir(), 'out');
      const result = spawnSync(process.execPath, ['bin/civscore.js', 'score', '--rules', 'fixtures/small/rules.yaml', '--records', file, '--out', out, '--period', '2026-10', flag], {
        env: { ...process.env, CIVSCORE_TRACE: '1', ...env },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      expect(result.status).toBe(0);
      return { stderr: result.stderr.toString(), files: Object.fromEntries(readdirSync(out).map((name) => [name, readFileSync(path.join(out, name))])) };
    };
    const elsewhere = run({ CIVSCORE_HASH_ELSEWHERE_MIN_BYTES: '1', CIVSCORE_PARALLEL_MIN_BYTES: String(2 ** 40) }, '--parallel');
    const here = run({}, '--no-parallel');
    expect(elsewhere.stderr).toContain('on another thread');
    expect(here.stderr).not.toContain('on another thread');
    expect(Object.keys(elsewhere.files).sort()).toEqual(Object.keys(here.files).sort());
    for (const name of Object.keys(here.files)) expect(elsewhere.files[name]!.equals(here.files[name]!), name).toBe(true);
    const sha = JSON.parse(here.files['results.json']!.toString()).inputs[0].sha256;
    expect(sha).toBe(createHash('sha256').update(readFileSync(file)).digest('hex'));
  });
});
