// An independent model of SPEC §3–§4 for the property tests: generated rule sets and records, and the scores
// they must give, computed with a small exact fraction type of its own (not src/core/rational.ts), so a bug
// in the engine's arithmetic or attribution cannot hide in the oracle too.

import fc from 'fast-check';
import { stringify } from 'yaml';

// ---------------------------------------------------------------- exact fractions

const gcd = (a: bigint, b: bigint): bigint => {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b) [a, b] = [b, a % b];
  return a;
};

export class Q {
  readonly n: bigint;
  readonly d: bigint;
  constructor(n: bigint, d = 1n) {
    if (d < 0n) [n, d] = [-n, -d];
    const g = gcd(n, d) || 1n;
    this.n = n / g;
    this.d = d / g;
  }
  static int(v: number | bigint): Q {
    return new Q(BigInt(v));
  }
  /** From a decimal literal such as "12.5" or "-0.25". */
  static dec(text: string): Q {
    const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text.trim());
    if (!m) throw new Error(`not a decimal: ${text}`);
    const frac = m[3] ?? '';
    const v = new Q(BigInt(m[2]! + frac), 10n ** BigInt(frac.length));
    return m[1] ? v.neg() : v;
  }
  add(o: Q): Q {
    return new Q(this.n * o.d + o.n * this.d, this.d * o.d);
  }
  sub(o: Q): Q {
    return this.add(o.neg());
  }
  neg(): Q {
    return new Q(-this.n, this.d);
  }
  mul(o: Q): Q {
    return new Q(this.n * o.n, this.d * o.d);
  }
  div(o: Q): Q {
    return new Q(this.n * o.d, this.d * o.n);
  }
  cmp(o: Q): number {
    const x = this.n * o.d - o.n * this.d;
    return x < 0n ? -1 : x > 0n ? 1 : 0;
  }
  min(o: Q): Q {
    return this.cmp(o) <= 0 ? this : o;
  }
  max(o: Q): Q {
    return this.cmp(o) >= 0 ? this : o;
  }
  /** Rounded half away from zero to 2 decimals, as the JSON number results.json would hold. */
  round2(): number {
    const scaled = this.n * 100n;
    const abs = scaled < 0n ? -scaled : scaled;
    let q = abs / this.d;
    if ((abs % this.d) * 2n >= this.d) q += 1n;
    const signed = scaled < 0n ? -q : q;
    return Number(signed) / 100;
  }
}

// ---------------------------------------------------------------- generated rule sets

export interface GenItem {
  code: string;
  /** Points in hundredths, or undefined for a veto-only item. */
  pointsCents?: number;
  capCents?: number;
  veto: boolean;
}
export interface GenCategory {
  id: string;
  weight: string;
  lead?: string;
  items: GenItem[];
}
export interface GenUnit {
  id: string;
  group: string;
  parent?: string;
}
export interface GenSite {
  id: string;
  category: string;
  unit: string;
  lead?: string;
}
export interface GenRules {
  fullScore: number;
  unitScore: 'weighted_mean' | 'deduction_total';
  coverage: 'inspected' | 'all';
  redList: number;
  blackList: number;
  units: GenUnit[];
  categories: GenCategory[];
  sites: GenSite[];
}

const cents = (c: number): number => c / 100;

export const rulesArb: fc.Arbitrary<GenRules> = fc
  .record({
    fullScore: fc.constantFrom(100, 10, 50, 1000),
    unitScore: fc.constantFrom('weighted_mean' as const, 'deduction_total' as const),
    coverage: fc.constantFrom('inspected' as const, 'all' as const),
    redList: fc.integer({ min: 0, max: 3 }),
    blackList: fc.integer({ min: 0, max: 3 }),
    units: fc.array(fc.record({ group: fc.integer({ min: 0, max: 2 }), parent: fc.option(fc.nat(), { freq: 2 }) }), { minLength: 1, maxLength: 7 }),
    categories: fc.array(
      fc.record({
        weight: fc.constantFrom('1', '2', '3', '0.5', '1.25', '0.3333', '4'),
        lead: fc.option(fc.nat(), { freq: 3 }),
        items: fc.array(
          fc.record({
            points: fc.option(fc.constantFrom(25, 50, 100, 125, 200, 333, 1000, 4000), { freq: 8 }),
            cap: fc.option(fc.constantFrom(1, 2, 3), { freq: 2 }),
            veto: fc.boolean(),
          }),
          { minLength: 1, maxLength: 4 },
        ),
      }),
      { minLength: 1, maxLength: 4 },
    ),
    sites: fc.array(fc.record({ category: fc.nat(), unit: fc.nat(), lead: fc.option(fc.nat(), { freq: 4 }) }), { minLength: 1, maxLength: 10 }),
  })
  .map((g) => {
    const units: GenUnit[] = g.units.map((u, i) => {
      const unit: GenUnit = { id: `U${i}`, group: ['城区', '街道', '市直单位'][u.group]! };
      // A parent among the earlier units: no cycles.
      if (u.parent !== null && i > 0) unit.parent = `U${u.parent % i}`;
      return unit;
    });
    const categories: GenCategory[] = g.categories.map((c, ci) => ({
      id: `C${ci}`,
      weight: c.weight,
      ...(c.lead !== null ? { lead: units[c.lead % units.length]!.id } : {}),
      items: c.items.map((it, ii) => {
        const item: GenItem = { code: `C${ci}-${ii}`, veto: it.veto };
        if (it.points !== null || !it.veto) {
          item.pointsCents = it.points ?? 100;
          if (it.cap !== null) item.capCents = item.pointsCents * it.cap + (it.cap === 2 ? 50 : 0);
        }
        return item;
      }),
    }));
    const sites: GenSite[] = g.sites.map((s, si) => ({
      id: `S${si}`,
      category: categories[s.category % categories.length]!.id,
      unit: units[s.unit % units.length]!.id,
      ...(s.lead !== null ? { lead: units[s.lead % units.length]!.id } : {}),
    }));
    return { fullScore: g.fullScore, unitScore: g.unitScore, coverage: g.coverage, redList: g.redList, blackList: g.blackList, units, categories, sites };
  });

/** The rule-set document (what the YAML holds). */
export function rulesDocument(rules: GenRules): Record<string, unknown> {
  const F = rules.fullScore;
  return {
    ruleset: { name: '生成的测评细则', version: '1', full_score: F },
    scoring: {
      unit_score: rules.unitScore,
      coverage: rules.coverage,
      red_list: rules.redList,
      black_list: rules.blackList,
      grades: [
        { name: '优秀', min: (F * 9) / 10 },
        { name: '合格', min: (F * 6) / 10 },
        { name: '不合格', min: 0 },
      ],
    },
    units: rules.units.map((u) => ({ id: u.id, name: `单位${u.id}`, group: u.group, ...(u.parent ? { parent: u.parent } : {}) })),
    categories: rules.categories.map((c) => ({
      id: c.id,
      name: `项目${c.id}`,
      weight: Number(c.weight),
      ...(c.lead ? { lead: c.lead } : {}),
      items: c.items.map((it) => ({
        code: it.code,
        text: `标准 ${it.code}，含逗号, "引号"`,
        ...(it.pointsCents !== undefined ? { points: cents(it.pointsCents) } : {}),
        ...(it.capCents !== undefined ? { cap: cents(it.capCents) } : {}),
        ...(it.veto ? { veto: true } : {}),
      })),
    })),
    sites: rules.sites.map((s) => ({ id: s.id, name: `点位${s.id}`, category: s.category, unit: s.unit, ...(s.lead ? { lead: s.lead } : {}) })),
  };
}

export function rulesYaml(rules: GenRules): string {
  return stringify(rulesDocument(rules));
}

/**
 * The same rule set cut into several files of a folder (read in name order and merged: lists concatenate),
 * at cut points chosen by `cuts` (each in [0, 1)).
 */
export function rulesFolder(rules: GenRules, cuts: number[]): Record<string, string> {
  const doc = rulesDocument(rules);
  const files: Record<string, unknown>[] = [{ ruleset: doc.ruleset }, { scoring: doc.scoring }];
  for (const key of ['units', 'categories', 'sites'] as const) {
    const list = doc[key] as unknown[];
    const cut = Math.floor((cuts[files.length % cuts.length] ?? 0) * (list.length + 1));
    files.push({ [key]: list.slice(0, cut) }, { [key]: list.slice(cut) });
  }
  // Files with an empty list are still valid (an empty list concatenates to nothing), but keep them real.
  const out: Record<string, string> = {};
  files.forEach((content, i) => {
    const [key, value] = Object.entries(content)[0]!;
    if (Array.isArray(value) && value.length === 0) return;
    out[`${String(i).padStart(2, '0')}-${key}.yaml`] = stringify(content);
  });
  return out;
}

// ---------------------------------------------------------------- generated records

export interface GenRow {
  recordId: string;
  date: string;
  site: string;
  item: string;
  count: string;
  inspector: string;
  note: string;
}

const rowArb = fc.record({
  site: fc.nat(),
  siteKind: fc.constantFrom('ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'unknown', 'empty'),
  itemKind: fc.constantFrom('none', 'own', 'own', 'own', 'own', 'other', 'unknown'),
  item: fc.nat(),
  count: fc.constantFrom('', '', '1', '2', '3', '5', '12', '0', 'x', '1.5'),
  day: fc.integer({ min: 1, max: 31 }),
  inspector: fc.constantFrom('张三', '李四', '', 'Wang, Wei'),
  note: fc.constantFrom('', '坑洼, 两处', '多行\n备注', '"引号"', ' 空格 '),
});

export const rowsArb = (rules: GenRules): fc.Arbitrary<GenRow[]> =>
  fc.array(rowArb, { minLength: 1, maxLength: 40 }).map((rows) =>
    rows.map((r, i) => {
      const site = rules.sites[r.site % rules.sites.length]!;
      const siteId = r.siteKind === 'ok' ? site.id : r.siteKind === 'unknown' ? 'S999' : '';
      const own = rules.categories.find((c) => c.id === site.category)!;
      const others = rules.categories.filter((c) => c.id !== site.category).flatMap((c) => c.items);
      let item = '';
      if (r.itemKind === 'own') item = own.items[r.item % own.items.length]!.code;
      else if (r.itemKind === 'other' && others.length > 0) item = others[r.item % others.length]!.code;
      else if (r.itemKind === 'unknown') item = 'C9-9';
      const count = item === '' && r.count !== '0' && r.count !== 'x' ? '' : r.count;
      const date = r.day <= 30 ? `2026-10-${String(r.day).padStart(2, '0')}` : '2026-10-32';
      return { recordId: `R${i}`, date, site: siteId, item, count, inspector: r.inspector, note: r.note };
    }),
  );

const HEADER = ['record_id', 'date', 'site_id', 'item_code', 'count', 'inspector', 'note'];

export function csvOf(rows: readonly GenRow[], crlf = false): string {
  const cell = (v: string) => (/[",\r\n]/.test(v) || v !== v.trim() ? `"${v.replace(/"/g, '""')}"` : v);
  const eol = crlf ? '\r\n' : '\n';
  return [HEADER.join(','), ...rows.map((r) => [r.recordId, r.date, r.site, r.item, r.count, r.inspector, r.note].map(cell).join(','))].join(eol) + eol;
}

// ---------------------------------------------------------------- the expected outcome

export interface Expected {
  accepted: GenRow[];
  rejected: GenRow[];
  /** site → item → n */
  findings: Map<string, Map<string, number>>;
  siteScore: Map<string, Q | null>;
  siteDeduction: Map<string, Q>;
  siteVeto: Map<string, boolean>;
  applied: Map<string, Map<string, Q>>;
  unitField: Map<string, Q | null>;
  unitSites: Map<string, number>;
  index: Q | null;
}

/** Whether a row is valid under SPEC §3 (period 2026-10 is implied by every generated date). */
export function rowValid(rules: GenRules, row: GenRow): boolean {
  const site = rules.sites.find((s) => s.id === row.site);
  if (!site) return false;
  if (row.date === '2026-10-32') return false;
  if (row.item === '') return row.count === '';
  const category = rules.categories.find((c) => c.items.some((it) => it.code === row.item));
  if (!category || category.id !== site.category) return false;
  return row.count === '' || (/^\d+$/.test(row.count) && Number(row.count) >= 1);
}

export function expectedOutcome(rules: GenRules, rows: readonly GenRow[]): Expected {
  const F = Q.int(rules.fullScore);
  const accepted = rows.filter((r) => rowValid(rules, r));
  const rejected = rows.filter((r) => !rowValid(rules, r));
  const itemByCode = new Map(rules.categories.flatMap((c) => c.items.map((it) => [it.code, it] as const)));
  const findings = new Map<string, Map<string, number>>();
  const inspected = new Set<string>();
  for (const r of accepted) {
    inspected.add(r.site);
    if (r.item === '') continue;
    const bySite = findings.get(r.site) ?? new Map<string, number>();
    bySite.set(r.item, (bySite.get(r.item) ?? 0) + (r.count === '' ? 1 : Number(r.count)));
    findings.set(r.site, bySite);
  }
  if (rules.coverage === 'all') for (const s of rules.sites) inspected.add(s.id);

  const siteScore = new Map<string, Q | null>();
  const siteDeduction = new Map<string, Q>();
  const siteVeto = new Map<string, boolean>();
  const applied = new Map<string, Map<string, Q>>();
  for (const s of rules.sites) {
    if (!inspected.has(s.id)) {
      siteScore.set(s.id, null);
      continue;
    }
    let D = Q.int(0);
    let veto = false;
    const bySite = new Map<string, Q>();
    for (const [code, n] of findings.get(s.id) ?? []) {
      const item = itemByCode.get(code)!;
      const raw = new Q(BigInt(item.pointsCents ?? 0) * BigInt(n), 100n);
      const a = item.capCents !== undefined ? raw.min(new Q(BigInt(item.capCents), 100n)) : raw;
      bySite.set(code, a);
      D = D.add(a);
      if (item.veto) veto = true;
    }
    applied.set(s.id, bySite);
    const score = veto ? Q.int(0) : F.sub(D).max(Q.int(0));
    siteScore.set(s.id, score);
    siteDeduction.set(s.id, D);
    siteVeto.set(s.id, veto);
  }

  // §4.3: a unit's sites are those of it or a descendant, and those whose lead unit is it or a descendant.
  const parentOf = new Map(rules.units.map((u) => [u.id, u.parent]));
  const selfAndAncestors = (id: string | undefined): string[] => {
    const out: string[] = [];
    for (let u = id; u !== undefined; u = parentOf.get(u)) out.push(u);
    return out;
  };
  const categoryById = new Map(rules.categories.map((c) => [c.id, c]));
  const unitsOfSite = (s: GenSite): Set<string> => {
    const lead = s.lead ?? categoryById.get(s.category)!.lead;
    return new Set([...selfAndAncestors(s.unit), ...selfAndAncestors(lead)]);
  };
  const unitField = new Map<string, Q | null>();
  const unitSites = new Map<string, number>();
  for (const u of rules.units) {
    const mine = rules.sites.filter((s) => unitsOfSite(s).has(u.id) && siteScore.get(s.id) !== null);
    unitSites.set(u.id, mine.length);
    if (mine.length === 0) {
      unitField.set(u.id, null);
      continue;
    }
    if (rules.unitScore === 'deduction_total') {
      const E = mine.reduce((sum, s) => sum.add(F.sub(siteScore.get(s.id)!)), Q.int(0));
      unitField.set(u.id, F.sub(E).max(Q.int(0)));
    } else {
      unitField.set(u.id, weightedMean(rules, mine, siteScore));
    }
  }
  const all = rules.sites.filter((s) => siteScore.get(s.id) !== null);
  const index = all.length === 0 ? null : weightedMean(rules, all, siteScore);
  return { accepted, rejected, findings, siteScore, siteDeduction, siteVeto, applied, unitField, unitSites, index };
}

function weightedMean(rules: GenRules, sites: GenSite[], siteScore: Map<string, Q | null>): Q {
  let num = Q.int(0);
  let den = Q.int(0);
  for (const c of rules.categories) {
    const mine = sites.filter((s) => s.category === c.id);
    if (mine.length === 0) continue;
    const mean = mine.reduce((sum, s) => sum.add(siteScore.get(s.id)!), Q.int(0)).div(Q.int(mine.length));
    const w = Q.dec(c.weight);
    num = num.add(w.mul(mean));
    den = den.add(w);
  }
  return num.div(den);
}
