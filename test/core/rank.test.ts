import { describe, expect, it } from 'vitest';
import { rankGroup } from '../../src/core/rank.js';
import { Rational } from '../../src/core/rational.js';

const grades = [
  { name: '优秀', min: Rational.of(90) },
  { name: '良好', min: Rational.of(80) },
  { name: '合格', min: Rational.of(60) },
  { name: '不合格', min: Rational.of(0) },
];
const entries = (pairs: [string, string][]) => pairs.map(([id, total]) => ({ id, total: Rational.parseDecimal(total)! }));
const byId = (outcomes: ReturnType<typeof rankGroup>) => Object.fromEntries(outcomes.map((o) => [o.id, o]));

describe('rankGroup', () => {
  it('shares ranks on equal rounded totals and skips the next (1, 2, 2, 4), ties listed by id', () => {
    const out = rankGroup(entries([['D04', '80'], ['D03', '85.004'], ['D02', '84.995'], ['D01', '90']]), { redList: 1, blackList: 1, grades });
    expect(out.map((o) => [o.id, o.rank])).toEqual([['D01', 1], ['D02', 2], ['D03', 2], ['D04', 4]]);
  });

  it('grades by the rounded total: 89.995 rounds to 90.00 and is 优秀', () => {
    const out = byId(rankGroup(entries([['A', '89.995'], ['B', '89.9949'], ['C', '59.99']]), { redList: 0, blackList: 0, grades }));
    expect(out.A!.grade).toBe('优秀');
    expect(out.B!.grade).toBe('良好');
    expect(out.C!.grade).toBe('不合格');
  });

  it('takes every unit tied with the last one taken onto the black list', () => {
    const out = byId(
      rankGroup(entries([['A', '95'], ['B', '90'], ['C', '80'], ['D', '80'], ['E', '80'], ['F', '70']]), { redList: 1, blackList: 2, grades }),
    );
    expect(['A', 'B', 'C', 'D', 'E', 'F'].map((id) => out[id]!.black)).toEqual([false, false, true, true, true, true]);
    expect(out.A!.red).toBe(true);
    expect(out.B!.red).toBe(false);
  });

  it('puts tied first places all on the red list and keeps red units off the black list', () => {
    const out = byId(rankGroup(entries([['A', '90'], ['B', '90'], ['C', '88']]), { redList: 1, blackList: 3, grades }));
    expect([out.A!.red, out.B!.red, out.C!.red]).toEqual([true, true, false]);
    expect([out.A!.black, out.B!.black, out.C!.black]).toEqual([false, false, true]);
  });

  it('has no lists when sizes are 0 and everyone when they exceed the group', () => {
    const none = rankGroup(entries([['A', '90'], ['B', '80']]), { redList: 0, blackList: 0, grades });
    expect(none.some((o) => o.red || o.black)).toBe(false);
    const all = byId(rankGroup(entries([['A', '90'], ['B', '80']]), { redList: 0, blackList: 5, grades }));
    expect([all.A!.black, all.B!.black]).toEqual([true, true]);
  });

  it('gives no grade when no grade min is low enough', () => {
    const out = rankGroup(entries([['A', '50']]), { redList: 0, blackList: 0, grades: grades.slice(0, 3) });
    expect(out[0]!.grade).toBeNull();
  });
});
