// SPEC §5 `sample`: the month's inspection plan. Pure and reproducible: the same rule set and seed always
// give the same plan, on every machine (no Math.random, no clock).
//
// Per (unit, category) pair — a unit's sites being the sites whose `unit` field names it, so every site
// belongs to exactly one pair and appears at most once in the plan — min(quota, available) distinct sites
// are drawn uniformly without replacement. The candidates are sorted by site id first, so the plan does
// not depend on the order sites are written in the rule set. Each pair gets its own random stream, seeded
// by a hash of (seed, unit, category): adding a site to one pair does not reshuffle every other pair.
// A category without `quota` is inspected in full (all its sites); `quota: 0` leaves it out.

import { compareText } from './text.js';
import type { Category, RuleSet, Site, Unit } from './types.js';

export interface PlannedSite {
  unit: Unit;
  category: Category;
  site: Site;
  /** Sites of this unit in this category that could be drawn. */
  available: number;
  /** Sites drawn for this pair. */
  drawn: number;
}

export interface SamplePlan {
  seed: string;
  /** In unit order (rule set), then category order (rule set), then site id. */
  rows: PlannedSite[];
  pairs: number;
  /** Categories with no `quota`, drawn in full. */
  withoutQuota: string[];
}

// ---- the random stream: cyrb128 hash of the key feeding sfc32 ----

/** A 128-bit hash of a string as four 32-bit words (cyrb128, public domain). */
export function hash128(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  const bytes = new TextEncoder().encode(text);
  for (const k of bytes) {
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** sfc32 (Chris Doty-Humphrey's Small Fast Counting generator): uniform 32-bit words. */
export class Sfc32 {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: readonly [number, number, number, number]) {
    [this.a, this.b, this.c, this.d] = seed;
    for (let i = 0; i < 15; i++) this.next();
  }

  static fromKey(key: string): Sfc32 {
    return new Sfc32(hash128(key));
  }

  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A uniform integer in [0, n), by rejection so no value is favoured (n ≤ 2^32). */
  below(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 2 ** 32) throw new RangeError(`bad bound ${n}`);
    const limit = 2 ** 32 - (2 ** 32 % n);
    for (;;) {
      const x = this.next();
      if (x < limit) return x % n;
    }
  }
}

/** k distinct elements drawn uniformly without replacement (partial Fisher–Yates), in draw order. */
export function drawWithoutReplacement<T>(items: readonly T[], k: number, random: Sfc32): T[] {
  const pool = [...items];
  const take = Math.min(Math.max(0, k), pool.length);
  for (let i = 0; i < take; i++) {
    const j = i + random.below(pool.length - i);
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, take);
}

/** The key of one pair's random stream; the NUL separators keep ("a","bc") and ("ab","c") apart. */
export const pairKey = (seed: string, unit: string, category: string): string =>
  `civscore/sample@1\u0000${seed}\u0000${unit}\u0000${category}`;

export function drawPlan(ruleSet: RuleSet, seed: string): SamplePlan {
  const bySiteUnit = new Map<string, Map<string, Site[]>>();
  for (const site of ruleSet.sites) {
    const byCategory = bySiteUnit.get(site.unit) ?? new Map<string, Site[]>();
    const list = byCategory.get(site.category) ?? [];
    list.push(site);
    byCategory.set(site.category, list);
    bySiteUnit.set(site.unit, byCategory);
  }
  const rows: PlannedSite[] = [];
  let pairs = 0;
  const withoutQuota = new Set<string>();
  for (const unit of ruleSet.units) {
    const byCategory = bySiteUnit.get(unit.id);
    if (!byCategory) continue;
    for (const category of ruleSet.categories) {
      const candidates = [...(byCategory.get(category.id) ?? [])].sort((a, b) => compareText(a.id, b.id));
      if (candidates.length === 0) continue;
      pairs++;
      if (category.quota === undefined) withoutQuota.add(category.id);
      const quota = category.quota ?? candidates.length;
      const drawn = drawWithoutReplacement(candidates, quota, Sfc32.fromKey(pairKey(seed, unit.id, category.id)));
      drawn.sort((a, b) => compareText(a.id, b.id));
      for (const site of drawn) rows.push({ unit, category, site, available: candidates.length, drawn: drawn.length });
    }
  }
  return {
    seed,
    rows,
    pairs,
    withoutQuota: ruleSet.categories.filter((c) => withoutQuota.has(c.id)).map((c) => c.id),
  };
}
