import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mean, Rational, weightedMean } from '../../src/core/rational.js';

const q = (text: string) => Rational.parseDecimal(text)!;

describe('Rational', () => {
  it('adds decimals exactly where binary floats drift', () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(q('0.1').add(q('0.2')).eq(q('0.3'))).toBe(true);
    expect(Rational.fromNumber(0.15).toExactString()).toBe('0.15');
    expect(Rational.fromNumber(1e21).toExactString()).toBe('1000000000000000000000');
    expect(Rational.fromNumber(1.5e-7).toExactString()).toBe('0.00000015');
  });

  it('rounds half up to two decimals at x.xx5, including values floats store just below .5', () => {
    expect(q('1.005').toFixed(2)).toBe('1.01');
    expect((1.005).toFixed(2)).toBe('1.00'); // the float way gets this wrong
    expect(q('2.675').toRoundedString()).toBe('2.68');
    expect(q('89.995').toFixed(2)).toBe('90.00');
    expect(q('89.9949999').toFixed(2)).toBe('89.99');
    expect(q('-1.005').toFixed(2)).toBe('-1.01');
    expect(Rational.of(1, 3).toFixed(2)).toBe('0.33');
    expect(Rational.of(2, 3).toFixed(2)).toBe('0.67');
    expect(Rational.of(1, 8).toRoundedString()).toBe('0.13');
  });

  it('prints the shortest exact decimal, or 6 places for repeating fractions', () => {
    expect(q('3.750').toExactString()).toBe('3.75');
    expect(q('4').toExactString()).toBe('4');
    expect(Rational.of(1, 3).toExactString()).toBe('0.333333');
    expect(q('0.0625').decimalPlaces()).toBe(4);
    expect(Rational.of(1, 3).decimalPlaces()).toBeUndefined();
  });

  it('computes means and weighted means exactly', () => {
    expect(mean([q('96.5'), q('100'), q('97.5')])!.toExactString()).toBe('98');
    expect(mean([])).toBeUndefined();
    const index = weightedMean([
      [q('4'), q('98')],
      [q('3'), q('48.5')],
      [q('1.5'), q('98.625')],
    ])!;
    expect(index.toFixed(2)).toBe('80.64');
    expect(index.eq(q('685.4375').div(q('8.5')))).toBe(true);
  });

  it('means and weighted means equal their step-by-step definition, reduced once or not', () => {
    // Denominators that repeat (as scores' do) and that do not; weights that may be negative or cancel.
    const value = fc.tuple(fc.bigInt({ min: -100000n, max: 100000n }), fc.constantFrom(1n, 2n, 4n, 10n, 100n, 3n, 7n, 1000n))
      .map(([num, den]) => Rational.of(num, den));
    fc.assert(
      fc.property(fc.array(fc.tuple(value, value), { maxLength: 12 }), (pairs) => {
        let weights = Rational.ZERO;
        let total = Rational.ZERO;
        for (const [w, v] of pairs) {
          weights = weights.add(w);
          total = total.add(w.mul(v));
        }
        const expected = weights.isZero() ? undefined : total.div(weights);
        const got = weightedMean(pairs);
        expect(got === undefined ? undefined : [got.num, got.den]).toEqual(expected === undefined ? undefined : [expected.num, expected.den]);
        const values = pairs.map(([, v]) => v);
        const average = values.length === 0 ? undefined : values.reduce((a, b) => a.add(b), Rational.ZERO).div(Rational.of(values.length));
        const m = mean(values);
        expect(m === undefined ? undefined : [m.num, m.den]).toEqual(average === undefined ? undefined : [average.num, average.den]);
      }),
      { numRuns: 400, seed: 5 },
    );
  });

  it('prints and reads cents as the decimal text of its rounded value, at every size and sign', () => {
    // The text made from the digits of the rounded, scaled integer: the definition.
    const text = (scaled: bigint, keepZeros: boolean): string => {
      const digits = (scaled < 0n ? -scaled : scaled).toString().padStart(3, '0');
      let fraction = digits.slice(-2);
      if (!keepZeros) fraction = fraction.replace(/0+$/, '');
      const body = fraction ? `${digits.slice(0, -2)}.${fraction}` : digits.slice(0, -2);
      return scaled < 0n ? `-${body}` : body;
    };
    const num = fc.oneof(fc.bigInt({ min: -100000n, max: 100000n }), fc.bigInt({ min: -(2n ** 60n), max: 2n ** 60n }));
    fc.assert(
      fc.property(num, fc.constantFrom(1n, 2n, 3n, 4n, 8n, 10n, 100n, 1000n, 7n), (n, d) => {
        const value = Rational.of(n, d);
        const cents = value.roundScaled(2);
        expect(value.toFixed(2)).toBe(text(cents, true));
        expect(value.toRoundedString(2)).toBe(text(cents, false));
        expect(value.toNumber2()).toBe(Number(text(cents, false)));
      }),
      { numRuns: 2000, seed: 8 },
    );
  });

  it('rejects what is not a plain decimal', () => {
    for (const text of ['', '1e3', '1,5', '.5', '5.', 'abc', '--1']) expect(Rational.parseDecimal(text)).toBeUndefined();
  });

  it('keeps every value in lowest terms, for small numbers and past 2^53 alike', () => {
    const referenceGcd = (a: bigint, b: bigint): bigint => (b === 0n ? (a < 0n ? -a : a) : referenceGcd(b, a % b));
    // Small values, values either side of 2^53, and large ones.
    const big = fc.oneof(
      fc.bigInt({ min: -1000n, max: 1000n }),
      fc.bigInt({ min: 2n ** 53n - 50n, max: 2n ** 53n + 50n }),
      fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }),
    );
    fc.assert(
      fc.property(big, big, big, (n, d, k) => {
        fc.pre(d !== 0n && k !== 0n);
        const r = Rational.of(n * k, d * k);
        const g = referenceGcd(n, d);
        const sign = d < 0n ? -1n : 1n;
        expect(r.num).toBe((sign * n) / g);
        expect(r.den).toBe((sign * d) / g);
        expect(r.mul(Rational.ONE)).toEqual(r);
        expect(Rational.ONE.mul(r)).toEqual(r);
        expect(r.mul(Rational.of(2n)).eq(r.add(r))).toBe(true);
      }),
      { numRuns: 500, seed: 11 },
    );
  });

  it('sums over a common denominator to exactly what adding one by one gives, in lowest terms', () => {
    const term = fc
      .tuple(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.oneof(fc.constantFrom(1n, 2n, 3n, 4n, 5n, 10n, 100n, 7n), fc.bigInt({ min: 1n, max: 10n ** 20n })))
      .map(([num, den]) => Rational.of(num, den));
    fc.assert(
      fc.property(fc.array(term, { maxLength: 40 }), (terms) => {
        const oneByOne = terms.reduce((total, value) => total.add(value), Rational.ZERO);
        const summed = Rational.sum(terms);
        expect([summed.num, summed.den]).toEqual([oneByOne.num, oneByOne.den]);
      }),
    );
    expect(Rational.sum([]).eq(Rational.ZERO)).toBe(true);
    expect(Rational.sum([q('0.1'), q('0.25'), Rational.of(1, 3), q('-0.35')]).eq(Rational.of(1, 3))).toBe(true);
  });
});
