// Exact rational arithmetic on bigint (SPEC §4.5): scores, weights and means are never binary floats.

/** Below this, a bigint converts to a double exactly and back. */
const SAFE = 2n ** 53n;

function gcd(a: bigint, b: bigint): bigint {
  if (a < 0n) a = -a;
  if (b < 0n) b = -b;
  if (a < SAFE && b < SAFE) {
    // Scores, weights and counts are small: Euclid on doubles is exact here, and far cheaper than on bigints.
    let x = Number(a);
    let y = Number(b);
    while (y !== 0) {
      const t = x % y;
      x = y;
      y = t;
    }
    return BigInt(x);
  }
  while (b !== 0n) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

const DECIMAL_PATTERN = /^([+-]?)(\d+)(?:\.(\d+))?$/;

export class Rational {
  readonly num: bigint;
  readonly den: bigint;

  private constructor(num: bigint, den: bigint) {
    this.num = num;
    this.den = den;
  }

  static of(num: bigint | number, den: bigint | number = 1n): Rational {
    let n = BigInt(num);
    let d = BigInt(den);
    if (d === 0n) throw new RangeError('division by zero');
    if (d < 0n) {
      n = -n;
      d = -d;
    }
    if (d === 1n) return new Rational(n, d);
    const g = gcd(n, d);
    return g > 1n ? new Rational(n / g, d / g) : new Rational(n, d);
  }

  static readonly ZERO = Rational.of(0n);
  static readonly ONE = Rational.of(1n);

  /** Parses a plain decimal string such as "95.5", "-3", "0.125". Returns undefined when it is not one. */
  static parseDecimal(text: string): Rational | undefined {
    const match = DECIMAL_PATTERN.exec(text.trim());
    if (!match) return undefined;
    const [, sign, whole, fraction = ''] = match;
    const digits = BigInt(`${whole}${fraction}`);
    return Rational.of(sign === '-' ? -digits : digits, 10n ** BigInt(fraction.length));
  }

  /**
   * The exact decimal a YAML/JSON number was written as. JavaScript prints the shortest string that
   * round-trips, which for the short decimals of a rule set is the text the author wrote.
   */
  static fromNumber(value: number): Rational {
    if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
    const text = String(value);
    const parsed = Rational.parseDecimal(text);
    if (parsed) return parsed;
    const exp = /^([+-]?\d+(?:\.\d+)?)e([+-]\d+)$/.exec(text);
    if (!exp) throw new RangeError(`cannot read number ${text}`);
    const mantissa = Rational.parseDecimal(exp[1]!)!;
    const power = Number(exp[2]);
    const scale = Rational.of(10n ** BigInt(Math.abs(power)));
    return power >= 0 ? mantissa.mul(scale) : mantissa.div(scale);
  }

  add(other: Rational): Rational {
    if (this.den === other.den) return Rational.of(this.num + other.num, this.den);
    return Rational.of(this.num * other.den + other.num * this.den, this.den * other.den);
  }

  sub(other: Rational): Rational {
    return this.add(other.neg());
  }

  mul(other: Rational): Rational {
    if (other.den === 1n && other.num === 1n) return this;
    if (this.den === 1n && this.num === 1n) return other;
    return Rational.of(this.num * other.num, this.den * other.den);
  }

  div(other: Rational): Rational {
    if (other.num === 0n) throw new RangeError('division by zero');
    return Rational.of(this.num * other.den, this.den * other.num);
  }

  neg(): Rational {
    return new Rational(-this.num, this.den);
  }

  cmp(other: Rational): number {
    const left = this.num * other.den;
    const right = other.num * this.den;
    return left < right ? -1 : left > right ? 1 : 0;
  }

  eq(other: Rational): boolean {
    return this.num === other.num && this.den === other.den;
  }

  isZero(): boolean {
    return this.num === 0n;
  }

  static min(a: Rational, b: Rational): Rational {
    return a.cmp(b) <= 0 ? a : b;
  }

  static max(a: Rational, b: Rational): Rational {
    return a.cmp(b) >= 0 ? a : b;
  }

  static sum(values: readonly Rational[]): Rational {
    const total = new Sum();
    // An indexed loop: run cold, for…of allocates an iterator result per value.
    for (let i = 0; i < values.length; i++) total.add(values[i]!.num, values[i]!.den);
    return Rational.of(total.num, total.den);
  }

  /** Rounds half away from zero to `places` decimals and returns the scaled integer (e.g. cents). */
  roundScaled(places = 2): bigint {
    const scale = places === 2 ? HUNDRED : 10n ** BigInt(places);
    const scaledNum = (this.num < 0n ? -this.num : this.num) * scale;
    const quotient = scaledNum / this.den;
    const remainder = scaledNum % this.den;
    const rounded = remainder * 2n >= this.den ? quotient + 1n : quotient;
    return this.num < 0n ? -rounded : rounded;
  }

  /** The value rounded half up to `places` decimals, as an exact rational. */
  round(places = 2): Rational {
    return Rational.of(this.roundScaled(places), 10n ** BigInt(places));
  }

  /** Rounded to `places` decimals, printed with trailing zeros trimmed ("93.1", "95", "0.05"). */
  toRoundedString(places = 2): string {
    return scaledToString(this.roundScaled(places), places, false);
  }

  /** Rounded to `places` decimals, printed with exactly `places` decimals ("93.10"). */
  toFixed(places = 2): string {
    return scaledToString(this.roundScaled(places), places, true);
  }

  /** Rounded to 2 decimals as a JSON number (the nearest double prints as the 2-decimal string). */
  toNumber2(): number {
    const cents = this.roundScaled(2);
    // Division is correctly rounded, as is reading a decimal: an integer below 2^53 divided by 100 is the
    // double nearest to the 2-decimal value, the number its text reads as.
    if (cents < SAFE && cents > -SAFE) return Number(cents) / 100;
    return Number(this.toRoundedString(2));
  }

  /** The shortest exact decimal form when one exists (denominator of 2s and 5s); else rounded to 6 places. */
  toExactString(): string {
    if (this.den === 1n) return this.num.toString();
    const known = EXACT_PLACES.get(this.den);
    if (known !== undefined) return known < 0 ? this.toRoundedString(6) : this.toRoundedString(known);
    let d = this.den;
    let twos = 0;
    let fives = 0;
    while (d % 2n === 0n) {
      d /= 2n;
      twos++;
    }
    while (d % 5n === 0n) {
      d /= 5n;
      fives++;
    }
    const places = d !== 1n ? -1 : Math.max(twos, fives);
    if (EXACT_PLACES.size < 1000) EXACT_PLACES.set(this.den, places);
    return places < 0 ? this.toRoundedString(6) : this.toRoundedString(places);
  }

  /** Number of decimals needed to write the value exactly, or undefined when it is not a finite decimal. */
  decimalPlaces(): number | undefined {
    for (let places = 0; places <= 20; places++) {
      if ((this.num * 10n ** BigInt(places)) % this.den === 0n) return places;
    }
    return undefined;
  }

  toString(): string {
    return this.den === 1n ? String(this.num) : `${this.num}/${this.den}`;
  }
}

/** Decimal places that write 1/den exactly (−1: none), by denominator; the same few recur endlessly. */
const EXACT_PLACES = new Map<bigint, number>();

const HUNDRED = 100n;

function scaledToString(scaled: bigint, places: number, keepZeros: boolean): string {
  // Cents, as scores nearly always are, in integer arithmetic on doubles (exact below 2^53).
  if (places === 2 && scaled < SAFE && scaled > -SAFE) {
    const value = Number(scaled);
    const size = value < 0 ? -value : value;
    const cents = size % 100;
    const whole = (size - cents) / 100;
    const text = keepZeros || cents % 10 !== 0
      ? `${whole}.${cents < 10 ? '0' : ''}${cents}`
      : cents === 0 ? `${whole}` : `${whole}.${cents / 10}`;
    return value < 0 ? `-${text}` : text;
  }
  const negative = scaled < 0n;
  const digits = (negative ? -scaled : scaled).toString().padStart(places + 1, '0');
  const whole = digits.slice(0, digits.length - places);
  let fraction = places > 0 ? digits.slice(digits.length - places) : '';
  if (!keepZeros) fraction = fraction.replace(/0+$/, '');
  const text = fraction ? `${whole}.${fraction}` : whole;
  return negative && /[1-9]/.test(text) ? `-${text}` : text;
}

/**
 * A sum of fractions over a common denominator, reduced only when read as a Rational: scores share a few
 * small denominators, so most terms are one bigint addition instead of an add() each (three products and
 * a gcd, which cold code pays dearly for).
 */
class Sum {
  num = 0n;
  den = 1n;

  add(num: bigint, den: bigint): void {
    if (den === this.den) {
      this.num += num;
    } else {
      const common = (this.den / gcd(this.den, den)) * den;
      this.num = this.num * (common / this.den) + num * (common / den);
      this.den = common;
    }
  }
}

/** Sum of Σ w·v / Σ w over pairs; undefined when there are no pairs or the weights sum to zero. */
export function weightedMean(pairs: Iterable<readonly [weight: Rational, value: Rational]>): Rational | undefined {
  const weights = new Sum();
  const total = new Sum();
  for (const [weight, value] of pairs) {
    weights.add(weight.num, weight.den);
    total.add(weight.num * value.num, weight.den * value.den);
  }
  // (Σ w·v) / (Σ w) = (tn / td) / (wn / wd) = tn·wd / (td·wn), reduced once.
  return weights.num === 0n ? undefined : Rational.of(total.num * weights.den, total.den * weights.num);
}

export function mean(values: readonly Rational[]): Rational | undefined {
  if (values.length === 0) return undefined;
  const total = new Sum();
  for (let i = 0; i < values.length; i++) total.add(values[i]!.num, values[i]!.den);
  return Rational.of(total.num, total.den * BigInt(values.length));
}
