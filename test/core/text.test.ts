// Natural order: compareNatural must order every pair of strings as the plain definition below does
// (runs of digits by value as exact integers, other runs as text, fewer runs first, then text order). It is
// written without that definition's regular expression and BigInts because the ledger of a month with record
// ids sorts a million of them.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanCell } from '../../src/core/records.js';
import { compareNatural, compareNaturalBytes, compareText } from '../../src/core/text.js';

/** The definition, as it was written before: split into runs, compare run by run. */
function byDefinition(a: string, b: string): number {
  const runs = /(\d+|\D+)/g;
  const left = a.match(runs) ?? [];
  const right = b.match(runs) ?? [];
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const x = left[i]!;
    const y = right[i]!;
    if (x === y) continue;
    if (/^\d/.test(x) && /^\d/.test(y)) {
      const diff = BigInt(x) - BigInt(y);
      if (diff !== 0n) return diff < 0n ? -1 : 1;
      continue;
    }
    return compareText(x, y);
  }
  return Math.sign(left.length - right.length) || compareText(a, b);
}

// Digits with leading zeros and past 2^53, letters, separators, a full-width digit (not a digit here), and
// characters outside the BMP.
const pieces = ['0', '00', '1', '01', '9', '10', '007', '12345678901234567890', '12345678901234567891', 'a', 'B', 'R', '.', ':', '-', ' ', 'csv', '０', '张', 'é', '\u{1D7D8}'];
const text = fc.array(fc.constantFrom(...pieces), { maxLength: 8 }).map((parts) => parts.join(''));

describe('compareNatural', () => {
  it('orders every pair as the definition does', () => {
    fc.assert(
      fc.property(text, text, (a, b) => {
        expect(Math.sign(compareNatural(a, b))).toBe(byDefinition(a, b));
        expect(Math.sign(compareNatural(b, a)) + Math.sign(compareNatural(a, b))).toBe(0);
      }),
      { numRuns: 20_000, seed: 9 },
    );
  });

  it('orders ASCII strings given as bytes as it orders them as text', () => {
    const asciiPieces = ['0', '00', '1', '01', '9', '10', '007', '12345678901234567890', '12345678901234567891', 'a', 'B', 'R', '.', ':', '-', '~', '!', 'CP2609-'];
    const ascii = fc.array(fc.constantFrom(...asciiPieces), { maxLength: 8 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(ascii, ascii, fc.nat(3), (a, b, gap) => {
        // Both in one buffer, as record ids are in their table's pool, with bytes around them.
        const bytes = new TextEncoder().encode(`#${a}${'#'.repeat(gap)}${b}#`);
        const bFrom = 1 + a.length + gap;
        expect(Math.sign(compareNaturalBytes(bytes, 1, 1 + a.length, bFrom, bFrom + b.length))).toBe(Math.sign(compareNatural(a, b)));
      }),
      { numRuns: 20_000, seed: 10 },
    );
  });

  it('puts sources and record ids in the order a reader expects', () => {
    const labels = ['b.csv:10', 'a.csv:10', 'a.csv:9', 'a.csv:09', 'R10', 'R2', 'R02', 'R1a', 'R1'];
    // Capitals before lower case (UTF-16 order); 02 and 2 are equal in value, then text order decides.
    expect([...labels].sort(compareNatural)).toEqual(['R1', 'R1a', 'R02', 'R2', 'R10', 'a.csv:09', 'a.csv:9', 'a.csv:10', 'b.csv:10']);
  });
});

describe('cleanCell', () => {
  it('normalises (NFKC) and trims every cell as the plain definition does, ASCII or not', () => {
    const byDefinition = (value: string) => value.normalize('NFKC').replace(/^[\s\u3000\uFEFF]+|[\s\u3000\uFEFF]+$/g, '');
    const cellPieces = ['R', '1', 'a', ' ', '\t', '\u3000', '\uFEFF', '\u00a0', 'Ｓ０１', 'ﾃﾞ', 'é', '\u0301', '\x7f', '-', '张'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...cellPieces), { maxLength: 6 }).map((parts) => parts.join('')), (value) => {
        expect(cleanCell(value)).toBe(byDefinition(value));
      }),
      { numRuns: 5_000, seed: 10 },
    );
    expect(cleanCell(undefined)).toBe('');
  });
});
