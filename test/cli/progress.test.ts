import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { progressFor, progressLine, PROGRESS_MIN_BYTES } from '../../src/cli/progress.js';
import { tempDir } from '../helpers/tmp.js';

describe('progress on stderr', () => {
  it('shows records read, MB/s and ETA', () => {
    expect(progressLine(50 * 1048576, 200 * 1048576, 2, 1234567)).toBe('[######..................] 25%  1234567 records  50/200 MB  25 MB/s  ETA 6 s');
  });

  it('appears only on a terminal and only for large inputs', () => {
    const file = path.join(tempDir(), 'big.csv');
    writeFileSync(file, Buffer.alloc(PROGRESS_MIN_BYTES + 1));
    const small = path.join(tempDir(), 'small.csv');
    writeFileSync(small, 'site_id\n');
    const sink = { text: '', isTTY: true, write(t: string) { this.text += t; } };
    expect(progressFor([file], { ...sink, isTTY: false })).toBeUndefined();
    expect(progressFor([small], sink)).toBeUndefined();
    let clock = 0;
    const progress = progressFor([file], sink, () => clock)!;
    clock = 1000;
    progress.onBytes(PROGRESS_MIN_BYTES / 2, 800);
    progress.done();
    expect(sink.text).toMatch(/^\r\[#+\.+\] 49%  800 records  25\/50 MB  25 MB\/s  ETA 1 s\r\x1b\[K$/);
  });
});
