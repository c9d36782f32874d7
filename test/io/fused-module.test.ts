// The fused reader's module orders record ids the way the ledger does: its natural order (which decides
// whether the ledger may order ids by number, and whether a worker's ids need looking up) must be
// compareNaturalBytes's, pair for pair.

import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareNaturalBytes } from '../../src/core/text.js';

interface Exports {
  memory: WebAssembly.Memory;
  compareNaturalAt(a: number, aLength: number, b: number, bLength: number): number;
}

describe('the fused module\'s natural order', () => {
  it('orders every pair of ASCII ids as compareNaturalBytes does', () => {
    const wasm = new WebAssembly.Instance(new WebAssembly.Module(readFileSync('dist/fused-rows.wasm'))).exports as unknown as Exports;
    // A page of its own past everything the module lays out.
    const at = wasm.memory.buffer.byteLength;
    wasm.memory.grow(1);
    const pieces = ['0', '00', '1', '01', '9', '10', '007', '12345678901234567890', '12345678901234567891', 'a', 'B', 'R', '.', ':', '-', '~', '!', 'CP2609-'];
    const id = fc.array(fc.constantFrom(...pieces), { maxLength: 8 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(id, id, (a, b) => {
        const bytes = new TextEncoder().encode(a + b);
        new Uint8Array(wasm.memory.buffer).set(bytes, at);
        const module = wasm.compareNaturalAt(at, a.length, at + a.length, b.length);
        expect(Math.sign(module)).toBe(Math.sign(compareNaturalBytes(bytes, 0, a.length, a.length, bytes.length)));
      }),
      { numRuns: 20_000, seed: 12 },
    );
  });
});
