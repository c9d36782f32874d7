// Where a large records file is cut between the two threads reading it (see parallel.ts). The cut is chosen
// by the worker when it is ready to read, from how far this thread has got by then, rather than fixed when
// the worker is started: how long a worker takes to start varies by tens of milliseconds from run to run
// (more while the machine is busy), and with a fixed cut one thread then waits for the other.
//
// Both threads share one 64-bit word:
//   2·p       undecided: this thread has claimed the bytes before p (it is reading them, or has);
//   2·c + 1   decided: the worker reads from byte c, and this thread up to it;
//   −1        no cut: this thread reads the whole file.
// This thread claims each chunk before reading it, and the worker decides with a compare-and-swap against
// the claim it saw, so a cut is always past every byte this thread has read, and a claim never passes a cut.

const NO_CUT = -1n;

export type Claim = { cut: number } | 'none' | 'undecided';

export class SharedCut {
  private readonly word: BigInt64Array;

  /** A new undecided cut, or the view of one another thread made (its `buffer`). */
  constructor(buffer: SharedArrayBuffer = new SharedArrayBuffer(8)) {
    this.word = new BigInt64Array(buffer, 0, 1);
  }

  get buffer(): SharedArrayBuffer {
    return this.word.buffer as SharedArrayBuffer;
  }

  /** Reader of the first part: claims the bytes before `end`, unless the cut is decided (or there is none). */
  claim(end: number): Claim {
    for (;;) {
      const seen = Atomics.load(this.word, 0);
      const state = decode(seen);
      if (state !== 'undecided') return state;
      // A claim only grows; a retry means the worker decided in between.
      if (BigInt(end) * 2n <= seen) return 'undecided';
      if (Atomics.compareExchange(this.word, 0, seen, BigInt(end) * 2n) === seen) return 'undecided';
    }
  }

  /** Reader of the first part, done without a cut: the worker may no longer take a part. */
  close(): Claim {
    for (;;) {
      const seen = Atomics.load(this.word, 0);
      const state = decode(seen);
      if (state !== 'undecided') return state;
      if (Atomics.compareExchange(this.word, 0, seen, NO_CUT) === seen) return 'none';
    }
  }

  /** Decides the cut before anyone reads (a cut chosen in advance, as tests do). */
  fix(cut: number): void {
    Atomics.store(this.word, 0, BigInt(cut) * 2n + 1n);
  }

  /**
   * Worker: decides where its part starts. `choose` gets the first byte not yet claimed and returns a byte at
   * or past it, or undefined when too little is left to be worth taking; it is asked again if this thread
   * claimed more meanwhile. Returns the cut, or undefined when there is none.
   */
  decide(choose: (claimed: number) => number | undefined): number | undefined {
    for (;;) {
      const seen = Atomics.load(this.word, 0);
      const state = decode(seen);
      if (state === 'none') return undefined;
      if (state !== 'undecided') return state.cut;
      const claimed = Number(seen / 2n);
      const cut = choose(claimed);
      const next = cut === undefined || cut < claimed ? NO_CUT : BigInt(cut) * 2n + 1n;
      if (Atomics.compareExchange(this.word, 0, seen, next) === seen) return next === NO_CUT ? undefined : cut;
    }
  }
}

function decode(word: bigint): Claim {
  if (word === NO_CUT) return 'none';
  if ((word & 1n) === 1n) return { cut: Number(word >> 1n) };
  return 'undecided';
}
