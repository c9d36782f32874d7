// stdout and stderr written to their descriptors (src/io/fd-writer.ts): every byte in order whatever the
// descriptor does, a reader that went away is not an error, and the built CLI behaves as with Node's streams.

import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FdWriter } from '../../src/io/fd-writer.js';
import { tempDir } from '../helpers/tmp.js';

function failure(code: string): Error {
  return Object.assign(new Error(code), { code });
}

describe('FdWriter', () => {
  it('writes all of a text in order through partial writes and a busy non-blocking descriptor', () => {
    const received: number[] = [];
    let calls = 0;
    const writer = new FdWriter(9, (fd, bytes, offset, length) => {
      expect(fd).toBe(9);
      calls++;
      // Full at first, then a little at a time.
      if (calls <= 2 || calls === 5) throw failure('EAGAIN');
      const taken = Math.min(length, 3);
      received.push(...bytes.subarray(offset, offset + taken));
      return taken;
    });
    const text = '排名 1 西山区 87.91\n';
    writer.write(text);
    expect(Buffer.from(received).toString('utf8')).toBe(text);
    expect(calls).toBeGreaterThan(Buffer.byteLength(text) / 3);
  });

  it('drops what is written after the reader has gone or a write failed, and keeps the failure', () => {
    for (const code of ['EPIPE', 'ENOSPC']) {
      let calls = 0;
      const writer = new FdWriter(1, () => {
        calls++;
        throw failure(code);
      });
      expect(writer.write('first\n')).toBe(true);
      expect(writer.write('second\n')).toBe(true);
      expect(calls).toBe(1);
      // The reader going away is no failure.
      expect(writer.failure?.code).toBe(code === 'EPIPE' ? undefined : code);
    }
    // An error the system did not report (no errno code) is not taken for a failing descriptor.
    const buggy = new FdWriter(1, () => {
      throw new TypeError('not a descriptor problem');
    });
    expect(() => buggy.write('x')).toThrow(TypeError);
  });

  it('writes UTF-8 to a real file, which is not a terminal', () => {
    const file = path.join(tempDir(), 'out.txt');
    const fd = openSync(file, 'w');
    try {
      const writer = new FdWriter(fd);
      writer.write('模拟测评指数：87.17\n');
      writer.write('');
      writer.write('done\n');
      expect(writer.isTTY).toBe(false);
    } finally {
      closeSync(fd);
    }
    expect(readFileSync(file, 'utf8')).toBe('模拟测评指数：87.17\ndone\n');
  });
});

describe.skipIf(process.platform === 'win32')('the built CLI on its descriptors', () => {
  const demo = ['score', '--records', 'fixtures/demo/2026-10.csv', '--components', 'fixtures/demo/components-2026-10.csv', '--json'];

  it('prints results.json whole through a pipe', () => {
    const out = path.join(tempDir(), 'out');
    const run = spawnSync(process.execPath, ['bin/civscore.js', ...demo, '--out', out], { encoding: 'utf8', env: { ...process.env, CIVSCORE_LANG: 'en' } });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toBe(readFileSync(path.join(out, 'results.json'), 'utf8'));
    expect(run.stderr).toMatch(/^read .*2026-10\.csv: gb18030, \d+ rows\nwrote .*out\/\n$/);
  });

  it.skipIf(!existsSync('/dev/full'))('says so, with exit code 2, when stdout cannot be written (a full disk)', () => {
    const out = path.join(tempDir(), 'out');
    const full = openSync('/dev/full', 'w');
    try {
      const run = spawnSync(process.execPath, ['bin/civscore.js', ...demo, '--out', out], { stdio: ['ignore', full, 'pipe'], encoding: 'utf8', env: { ...process.env, CIVSCORE_LANG: 'en' } });
      expect(run.status, run.stderr).toBe(2);
      expect(run.stderr).toMatch(/\ncivscore: could not write to stdout: no space left on the device \(ENOSPC\)\n$/);
      expect(run.stderr).not.toMatch(/internal error/);
    } finally {
      closeSync(full);
    }
    // The outputs were written before stdout was.
    expect(JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')).units.length).toBeGreaterThan(0);
  });

  it('ends quietly with code 0 when the reader of stdout goes away early (civscore … | head)', async () => {
    const out = path.join(tempDir(), 'out');
    const child = spawn(process.execPath, ['bin/civscore.js', ...demo, '--out', out], { env: { ...process.env, CIVSCORE_LANG: 'en' } });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    let first = '';
    child.stdout.once('data', (chunk: Buffer) => {
      first = chunk.toString('utf8');
      child.stdout.destroy();
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(first.startsWith('{\n')).toBe(true);
    expect(code, stderr).toBe(0);
    expect(stderr).not.toMatch(/error|EPIPE/i);
    // The outputs were written before stdout was: all of them are there.
    expect(JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')).units.length).toBeGreaterThan(0);
  });
});
