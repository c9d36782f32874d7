import { describe, expect, it } from 'vitest';
import { Rational } from '../../src/core/rational.js';
import { previousFindingKey } from '../../src/core/score.js';
import { ruleSetOf, scoreRows } from '../helpers/rules.js';

const base = {
  scoring: {
    repeat_multiplier: 2,
    red_list: 1,
    black_list: 1,
    grades: [{ name: '优秀', min: 90 }, { name: '良好', min: 80 }, { name: '合格', min: 0 }],
  },
  units: [
    { id: 'D01', name: '北湖区', group: '城区' },
    { id: 'D02', name: '南山区', group: '城区' },
    { id: 'J01', name: '人民路街道', group: '街道', parent: 'D01' },
    { id: 'J02', name: '湖滨街道', group: '街道', parent: 'D01' },
    { id: 'J03', name: '南门街道', group: '街道', parent: 'D02' },
    { id: 'B05', name: '市场监管局', group: '市直单位' },
    { id: 'B07', name: '交通运输局', group: '市直单位' },
  ],
  categories: [
    {
      id: 'C01', name: '主次干道', weight: 4,
      items: [
        { code: 'C01-01', text: '路面破损', points: 1, cap: 3 },
        { code: 'C01-02', text: '小广告', points: 0.5 },
        { code: 'C01-03', text: '占道经营', points: 1.25, cap: 2.5 },
      ],
    },
    {
      id: 'C02', name: '农贸市场', weight: 3, lead: 'B05',
      items: [
        { code: 'C02-01', text: '划行归市', points: 1, cap: 3 },
        { code: 'C02-02', text: '公平秤', points: 2 },
        { code: 'C02-09', text: '食品安全事故', veto: true },
        { code: 'C02-10', text: '重大事故', points: 5, veto: true },
      ],
    },
    { id: 'C03', name: '公交站点', weight: 1.5, lead: 'B07', items: [{ code: 'C03-01', text: '站牌', points: 0.75 }] },
  ],
  sites: [
    { id: 'S01', name: '人民路', category: 'C01', unit: 'J01' },
    { id: 'S02', name: '湖滨路', category: 'C01', unit: 'J02' },
    { id: 'S03', name: '南门大街', category: 'C01', unit: 'J03' },
    { id: 'S04', name: '城南市场', category: 'C02', unit: 'J01' },
    { id: 'S05', name: '南门市场', category: 'C02', unit: 'J03' },
    { id: 'S06', name: '火车站', category: 'C03', unit: 'J02', lead: 'B07' },
    { id: 'S07', name: '南山站', category: 'C03', unit: 'J03', lead: 'J03' },
    { id: 'S08', name: '湖滨站', category: 'C03', unit: 'J02' },
  ],
};

const fixed = (value: Rational | null | undefined) => (value == null ? null : value.toFixed(2));

describe('site scores and the ledger (§4.1, §4.2)', () => {
  it('sums counts per (site, item), multiplies by points and caps each item', () => {
    const out = scoreRows(ruleSetOf(base), [['S01', 'C01-01', 2], ['S01', 'C01-02'], ['S01', 'C01-01', 2], ['S03', 'C01-03', 3]]);
    const s01 = out.sites.find((s) => s.site.id === 'S01')!;
    // C01-01: 1 × 4 = 4, capped at 3; C01-02: 0.5 → D = 3.5
    expect(fixed(s01.score)).toBe('96.50');
    expect(fixed(s01.deduction)).toBe('3.50');
    const entry = out.ledger.find((e) => e.site.id === 'S01' && e.item.code === 'C01-01')!;
    expect([entry.n, entry.raw.toExactString(), entry.applied.toExactString()]).toEqual([4, '4', '3']);
    expect(entry.sourceLabels()).toEqual(['r.csv:2', 'r.csv:4']);
    expect(fixed(out.sites.find((s) => s.site.id === 'S03')!.score)).toBe('97.50'); // 3.75 capped at 2.5
  });

  it('zeroes a site with a veto finding, even a veto item without points', () => {
    const out = scoreRows(ruleSetOf(base), [['S05', 'C02-09'], ['S04', 'C02-10']]);
    const s05 = out.sites.find((s) => s.site.id === 'S05')!;
    expect([fixed(s05.score), fixed(s05.deduction), s05.veto]).toEqual(['0.00', '100.00', true]);
    expect(out.ledger.find((e) => e.site.id === 'S05')!.applied.toExactString()).toBe('0');
    const s04 = out.sites.find((s) => s.site.id === 'S04')!;
    expect([fixed(s04.score), s04.veto]).toEqual(['0.00', true]);
  });

  it('floors a site at zero and never lets deductions go below it', () => {
    const out = scoreRows(ruleSetOf(base), [['S04', 'C02-02', 60]]);
    expect(fixed(out.sites.find((s) => s.site.id === 'S04')!.score)).toBe('0.00');
  });

  it('doubles a finding repeated from the previous period before capping', () => {
    const previous = { findings: new Set([previousFindingKey('S01', 'C01-02'), previousFindingKey('S01', 'C01-01')]), units: new Map() };
    const out = scoreRows(ruleSetOf(base), [['S01', 'C01-02', 3], ['S01', 'C01-01', 2], ['S02', 'C01-02']], { previous });
    const byItem = Object.fromEntries(out.ledger.filter((e) => e.site.id === 'S01').map((e) => [e.item.code, e]));
    expect(byItem['C01-02']!.raw.toExactString()).toBe('3'); // 0.5 × 3 × 2
    expect(byItem['C01-02']!.repeat).toBe(true);
    expect(byItem['C01-01']!.raw.toExactString()).toBe('4'); // 1 × 2 × 2 = 4, capped at 3
    expect(byItem['C01-01']!.applied.toExactString()).toBe('3');
    expect(out.ledger.find((e) => e.site.id === 'S02')!.repeat).toBe(false);
  });

  it('does not score a visited site with no findings below full marks, nor an unvisited one at all', () => {
    const out = scoreRows(ruleSetOf(base), [['S02']]);
    const s02 = out.sites.find((s) => s.site.id === 'S02')!;
    expect([s02.inspected, fixed(s02.score)]).toEqual([true, '100.00']);
    const s01 = out.sites.find((s) => s.site.id === 'S01')!;
    expect([s01.inspected, s01.score]).toEqual([false, null]);
  });
});

describe('units, categories and the index (§4.3)', () => {
  const rows: [string, string?, number?][] = [
    ['S01', 'C01-01', 4], ['S01', 'C01-02'], ['S02'], ['S03', 'C01-03', 3], ['S04', 'C02-01'], ['S04', 'C02-02'],
    ['S05', 'C02-09'], ['S06', 'C03-01'], ['S07', 'C03-01', 3],
  ];

  it('computes city category scores and the weighted index from exact values', () => {
    const out = scoreRows(ruleSetOf(base), rows);
    // C01: (96.5 + 100 + 97.5) / 3 = 98; C02: (97 + 0) / 2 = 48.5; C03: (99.25 + 97.75) / 2 = 98.5
    expect(out.categories.map((c) => [c.category.id, fixed(c.score), c.sites])).toEqual([
      ['C01', '98.00', 3], ['C02', '48.50', 2], ['C03', '98.50', 2],
    ]);
    // (4 × 98 + 3 × 48.5 + 1.5 × 98.5) / 8.5 = 685.25 / 8.5 = 80.6176…
    expect(fixed(out.index)).toBe('80.62');
  });

  it('counts a site for its unit, the unit ancestors, its lead and the lead ancestors — once each', () => {
    const out = scoreRows(ruleSetOf(base), rows);
    const unit = (id: string) => out.units.find((u) => u.unit.id === id)!;
    expect(out.sites.find((s) => s.site.id === 'S07')!.units).toEqual(['D02', 'J03']); // lead J03 is its own unit
    expect(out.sites.find((s) => s.site.id === 'S04')!.units).toEqual(['B05', 'D01', 'J01']);
    expect(unit('D01').sites).toBe(4); // S01 S02 S04 S06
    // D01: C01 (96.5+100)/2 = 98.25, C02 97, C03 99.25 → (393 + 291 + 148.875) / 8.5 = 97.985… → 97.99
    expect(fixed(unit('D01').field)).toBe('97.99');
    expect(fixed(unit('D01').deduction)).toBe('7.25');
    expect(fixed(unit('B05').field)).toBe('48.50');
    expect(unit('B07').sites).toBe(1); // S06 only: S07 names its own lead
    expect(fixed(unit('B07').field)).toBe('99.25');
  });

  it('ranks within groups and marks red and black lists', () => {
    const out = scoreRows(ruleSetOf(base), rows);
    expect(out.units.map((u) => [u.unit.id, u.rank, u.red, u.black])).toEqual([
      ['D01', 1, true, false], ['D02', 2, false, true],
      ['J02', 1, true, false], ['J01', 2, false, false], ['J03', 3, false, true],
      ['B07', 1, true, false], ['B05', 2, false, true],
    ]);
  });

  it('deduction_total: full score minus every point the unit lost, floored at zero', () => {
    const rules = ruleSetOf({ ...base, scoring: { ...base.scoring, unit_score: 'deduction_total' } });
    const out = scoreRows(rules, rows);
    const unit = (id: string) => out.units.find((u) => u.unit.id === id)!;
    expect(fixed(unit('D01').field)).toBe('92.75'); // 100 − (3.5 + 0 + 3 + 0.75)
    expect(fixed(unit('D02').field)).toBe('0.00'); // the veto site costs 100
    expect(fixed(unit('J02').field)).toBe('99.25');
  });

  it('leaves a unit without inspected sites unscored and unranked', () => {
    const out = scoreRows(ruleSetOf(base), [['S01', 'C01-02']]);
    const d02 = out.units.find((u) => u.unit.id === 'D02')!;
    expect([d02.field, d02.total, d02.rank, d02.grade, d02.red, d02.black, d02.sites]).toEqual([null, null, null, null, false, false, 0]);
    expect(out.units.filter((u) => u.unit.group === '城区').map((u) => u.unit.id)).toEqual(['D01', 'D02']);
    expect(out.categories.find((c) => c.category.id === 'C02')!.score).toBeNull();
  });

  it('coverage: all scores every site, unvisited ones at full marks', () => {
    const rules = ruleSetOf({ ...base, scoring: { ...base.scoring, coverage: 'all' } });
    const out = scoreRows(rules, [['S01', 'C01-02']]);
    expect(out.sites.every((s) => s.inspected)).toBe(true);
    expect(fixed(out.categories[0]!.score)).toBe('99.83'); // (99.5 + 100 + 100) / 3
    expect(fixed(out.units.find((u) => u.unit.id === 'D02')!.field)).toBe('100.00');
  });
});

describe('components, stars and change (§4.4, §4.6)', () => {
  const rows: [string, string?, number?][] = [['S01', 'C01-02'], ['S04', 'C02-02'], ['S06', 'C03-01']];

  it('weighs the field score with the given components', () => {
    const rules = ruleSetOf({ ...base, scoring: { ...base.scoring, components: { field: 0.6, survey: 0.25, materials: 0.15 } } });
    const q = (t: string) => Rational.parseDecimal(t)!;
    const components = new Map(
      rules.units.map((u) => [u.id, new Map([['survey', q('90')], ['materials', q('85.5')]])]),
    );
    const out = scoreRows(rules, rows, { components });
    const j01 = out.units.find((u) => u.unit.id === 'J01')!;
    // J01: C01 99.5, C02 98 → field (4×99.5 + 3×98)/7 = 692/7 = 98.857142…
    // total = 0.6 × 692/7 + 0.25 × 90 + 0.15 × 85.5 = 59.3142857… + 22.5 + 12.825 = 94.6392857… → 94.64
    expect(fixed(j01.field)).toBe('98.86');
    expect(fixed(j01.total)).toBe('94.64');
    expect(out.diagnostics).toEqual([]);
  });

  it('reports each ranked unit missing a component', () => {
    const rules = ruleSetOf({ ...base, scoring: { ...base.scoring, components: { field: 0.6, survey: 0.4 } } });
    const out = scoreRows(rules, rows, { components: new Map([['J01', new Map([['survey', Rational.of(90)]])]]) });
    const missing = out.diagnostics.map((d) => d.args.unit);
    expect(missing).toContain('D01');
    expect(missing).not.toContain('J01');
    expect(missing).not.toContain('D02'); // unranked: nothing is needed
  });

  it('counts stars: categories whose rounded score is at least stars.min', () => {
    const rules = ruleSetOf({ ...base, scoring: { ...base.scoring, stars: { min: 99.5 } } });
    const out = scoreRows(rules, rows);
    const j01 = out.units.find((u) => u.unit.id === 'J01')!;
    expect(j01.stars).toBe(1); // C01 99.5 yes, C02 98 no
    expect(out.units.find((u) => u.unit.id === 'D02')!.stars).toBeNull();
  });

  it('reports score and rank change against the previous period', () => {
    const previous = {
      findings: new Set<string>(),
      units: new Map([
        ['D01', { total: Rational.parseDecimal('95.1')!, rank: 2 }],
        ['D02', { total: null, rank: null }],
      ]),
    };
    const out = scoreRows(ruleSetOf(base), rows, { previous });
    const d01 = out.units.find((u) => u.unit.id === 'D01')!;
    // D01 now: C01 99.5, C02 98, C03 99.25 → (398 + 294 + 148.875)/8.5 = 98.926… → 98.93
    expect(fixed(d01.total)).toBe('98.93');
    expect(fixed(d01.scoreChange)).toBe('3.83');
    expect(d01.rankChange).toBe(1);
    const d02 = out.units.find((u) => u.unit.id === 'D02')!;
    expect([d02.scoreChange, d02.rankChange]).toEqual([null, null]);
  });
});

describe('items (§5.1)', () => {
  it('orders items by exact points applied, then code', () => {
    const out = scoreRows(ruleSetOf(base), [['S01', 'C01-02', 2], ['S02', 'C01-02'], ['S04', 'C02-01'], ['S06', 'C03-01', 2]]);
    expect(out.items.map((i) => [i.item.code, i.findings, i.sites, i.applied.toExactString()])).toEqual([
      ['C01-02', 3, 2, '1.5'], ['C03-01', 2, 1, '1.5'], ['C02-01', 1, 1, '1'],
    ]);
  });
});
