// The encoding a records file is read in must not depend on how it is read: in which chunks, or from which
// point (a file read in two parts on two threads must read exactly as it does in one go).

import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { ByteDecoder, DecodeError, DECIDING_BYTES } from '../../src/io/decode.js';

interface Decoded {
  /** The bytes handed to the tokenizer, up to the first bad one. */
  bytes: Buffer;
  encoding: string;
  /** The encoding a bad byte was found in, if one was. */
  error?: string;
}

function decode(input: Uint8Array, cuts: readonly number[]): Decoded {
  const decoder = new ByteDecoder();
  const out: Buffer[] = [];
  const points = [...new Set(cuts.map((c) => Math.min(c, input.length)))].sort((a, b) => a - b);
  let from = 0;
  try {
    for (const to of [...points, input.length]) {
      out.push(Buffer.from(decoder.push(input.subarray(from, to))));
      from = to;
    }
    out.push(Buffer.from(decoder.end()));
  } catch (error) {
    if (!(error instanceof DecodeError)) throw error;
    out.push(Buffer.from(error.validPrefix));
    return { bytes: Buffer.concat(out), encoding: decoder.encoding, error: error.encoding };
  }
  return { bytes: Buffer.concat(out), encoding: decoder.encoding };
}

const row = (i: number) => `2026-10-${String((i % 28) + 1).padStart(2, '0')},S${String(i % 600).padStart(4, '0')},C01-0${i % 9},1,inspector\n`;

/** ASCII rows with a few notes in UTF-8 or GBK put in at given rows. */
function file(rows: number, notes: readonly { at: number; text: string; gbk: boolean }[]): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < rows; i++) {
    parts.push(Buffer.from(row(i)));
    for (const note of notes) if (note.at === i) parts.push(note.gbk ? iconv.encode(`${note.text}\n`, 'gbk') : Buffer.from(`${note.text}\n`));
  }
  return Buffer.concat(parts);
}

describe('deciding the encoding', () => {
  it('gives the same bytes, encoding and first bad byte however the input is cut into chunks', () => {
    const rows = 4000; // ~160 KB: the deciding bytes can fall anywhere in it
    const note = fc.record({ at: fc.integer({ min: 0, max: rows - 1 }), text: fc.constantFrom('路面坑洼', '王', 'é', '整改通知单已下发，问题较集中'), gbk: fc.boolean() });
    fc.assert(
      fc.property(fc.array(note, { maxLength: 4 }), fc.array(fc.integer({ min: 1, max: 170_000 }), { maxLength: 12 }), (notes, cuts) => {
        const bytes = file(rows, notes);
        const [cut, whole] = [decode(bytes, cuts), decode(bytes, [])];
        expect([cut.encoding, cut.error, cut.bytes.length]).toEqual([whole.encoding, whole.error, whole.bytes.length]);
        expect(cut.bytes.equals(whole.bytes)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('decides on the bytes from the first non-ASCII one on, so that a late second encoding is an error', () => {
    // A UTF-8 note, then a GBK one more than DECIDING_BYTES later: UTF-8 is chosen, the GBK row is refused.
    const bytes = file(6000, [{ at: 100, text: 'é', gbk: false }, { at: 100 + Math.ceil((DECIDING_BYTES * 2) / row(0).length), text: '王', gbk: true }]);
    const whole = decode(bytes, []);
    expect([whole.encoding, whole.error]).toEqual(['utf-8', 'utf-8']);
    // Within the deciding bytes, the two together read as GBK.
    const near = decode(file(6000, [{ at: 100, text: 'é', gbk: false }, { at: 200, text: '王', gbk: true }]), [1 << 20]);
    expect([near.encoding, near.error]).toEqual(['gb18030', undefined]);
  });

  it('finds a UTF-8 file cut short inside its last character an error, not GB18030', () => {
    // 'é' and a first byte pair of '中' at the very end: valid GBK bytes, but a UTF-8 file cut short.
    const bytes = Buffer.concat([Buffer.from(`${row(0)}2026-10-02,S0001,C01-01,1,café\n2026-10-03,S0001,C01-01,1,`), Buffer.from([0xe4, 0xb8])]);
    for (const cuts of [[], [10], [bytes.length - 1]]) {
      const read = decode(bytes, cuts);
      expect([read.encoding, read.error]).toEqual(['utf-8', 'utf-8']);
      expect(read.bytes.equals(bytes.subarray(0, bytes.length - 2))).toBe(true);
    }
  });

  it('holds back nothing once decided, and everything until then', () => {
    const decoder = new ByteDecoder();
    expect(decoder.push(Buffer.from('date,site_id\n')).length).toBe(13);
    expect(decoder.push(Buffer.from('2026-10-01,路面\n')).length).toBe(0);
    expect(decoder.holding).toBe(true);
    expect(Buffer.from(decoder.end()).toString()).toBe('2026-10-01,路面\n');
    expect([decoder.holding, decoder.encoding]).toEqual([false, 'utf-8']);
  });
});
