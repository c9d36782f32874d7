// The cut between the two threads reading one file (src/io/cut.ts): the worker decides it from the main
// thread's claims, so it must fall past every claimed byte, and once decided (or refused) it must not move.

import { describe, expect, it } from 'vitest';
import { SharedCut } from '../../src/io/cut.js';

describe('the shared cut', () => {
  it('is decided past every byte claimed, and stops the claims there', () => {
    const main = new SharedCut();
    const worker = new SharedCut(main.buffer);
    expect(main.claim(1000)).toBe('undecided');
    expect(main.claim(2000)).toBe('undecided');
    const asked: number[] = [];
    expect(worker.decide((claimed) => (asked.push(claimed), claimed + 500))).toBe(2500);
    expect(asked).toEqual([2000]);
    // Every later claim learns the cut, however far it would read.
    expect(main.claim(3000)).toEqual({ cut: 2500 });
    expect(main.claim(2100)).toEqual({ cut: 2500 });
    // A decided cut is final for both.
    expect(main.close()).toEqual({ cut: 2500 });
    expect(worker.decide(() => 9999)).toBe(2500);
  });

  it('asks again when the main thread claimed more while the worker was choosing', () => {
    const main = new SharedCut();
    const worker = new SharedCut(main.buffer);
    main.claim(1000);
    const asked: number[] = [];
    const cut = worker.decide((claimed) => {
      asked.push(claimed);
      // The main thread reads on while the worker looks for a row start.
      if (asked.length === 1) main.claim(4000);
      return claimed + 100;
    });
    expect(asked).toEqual([1000, 4000]);
    expect(cut).toBe(4100);
    expect(main.claim(5000)).toEqual({ cut: 4100 });
  });

  it('is refused when too little is left, or when the main thread has read to the end', () => {
    const tooLittle = new SharedCut();
    tooLittle.claim(1000);
    expect(new SharedCut(tooLittle.buffer).decide(() => undefined)).toBeUndefined();
    expect(tooLittle.claim(2000)).toBe('none');

    const readAll = new SharedCut();
    readAll.claim(1000);
    expect(readAll.close()).toBe('none');
    const asked: number[] = [];
    expect(new SharedCut(readAll.buffer).decide((claimed) => (asked.push(claimed), claimed + 1))).toBeUndefined();
    expect(asked).toEqual([]);
  });

  it('never cuts before a claim, whatever the worker chose', () => {
    const main = new SharedCut();
    main.claim(5000);
    expect(new SharedCut(main.buffer).decide(() => 4999)).toBeUndefined();
    expect(main.claim(6000)).toBe('none');
  });

  it('can be fixed in advance (tests choose where a file splits)', () => {
    const main = new SharedCut();
    main.fix(1234);
    expect(main.claim(100)).toEqual({ cut: 1234 });
    expect(new SharedCut(main.buffer).decide(() => 99)).toBe(1234);
  });

  it('holds positions past 4 GiB', () => {
    const main = new SharedCut();
    main.claim(5 * 2 ** 32);
    expect(new SharedCut(main.buffer).decide((claimed) => claimed + 7)).toBe(5 * 2 ** 32 + 7);
  });
});
