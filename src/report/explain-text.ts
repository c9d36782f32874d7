// Writes an explanation (core/explain.ts) as a person would check it by hand, in Chinese: every step with
// its numbers, exact where the scorer was exact, and the final rounding.

import type { SiteExplanation, UnitExplanation } from '../core/explain.js';
import { Rational } from '../core/rational.js';
import { arrowRank, arrowScore } from './change.js';
import { componentLabel } from './labels.js';
import { NO_PAINT, type Paint } from './ranking-text.js';
import { renderTable } from './table.js';

/** An exact value as a decimal: in full when it has at most 6 decimals, else cut after 6 with "…". */
export function exactText(value: Rational): string {
  const places = value.decimalPlaces();
  if (places !== undefined && places <= 6) return value.toExactString();
  const scale = 10n ** 6n;
  const negative = value.num < 0n;
  const truncated = ((negative ? -value.num : value.num) * scale) / value.den;
  const digits = truncated.toString().padStart(7, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -6)}.${digits.slice(-6)}…`;
}

/** `exact → rounded`, or just the rounded value when they are the same text. */
function rounded(value: Rational): string {
  const exact = exactText(value);
  const two = value.toFixed(2);
  return exact === two ? two : `${exact} → ${two}`;
}

const indent = (text: string, spaces: number): string =>
  text
    .split('\n')
    .map((line) => ' '.repeat(spaces) + line)
    .join('\n');

export function unitExplanationText(e: UnitExplanation, paint: Paint = NO_PAINT, rulesName = ''): string {
  const u = e.unit;
  const out: string[] = [];
  out.push(paint.bold(`单位得分说明：${u.id} ${u.name}（${u.group}）· 测评期 ${e.period ?? '未定'}`));
  if (rulesName) out.push(`测评细则：${rulesName}`);
  out.push(
    `满分 F = ${e.fullScore.toExactString()}；单位得分方式：${e.mode === 'weighted_mean' ? '各测评项目得分按权重加权平均（weighted_mean）' : '满分减去全部点位扣分之和（deduction_total）'}`,
  );
  out.push(
    e.siteSource === 'ledger'
      ? '点位得分由 ledger.csv 的实扣分精确重算（得分 = max(0, F − Σ实扣)，有一票否决项的为 0）。'
      : '点位得分取自 results.json（已四舍五入到两位小数；未找到 ledger.csv，无法还原更多位数）。',
  );

  if (e.categories.length === 0) {
    out.push('', '本期没有测评到该单位的点位：未测评，不计分、不排名，不上红榜或黑榜。');
    return `${out.join('\n')}\n`;
  }

  // 一、category scores
  out.push('', paint.bold('一、各测评项目得分 = 该单位在该项目中各测评点位得分的平均数'));
  out.push('    该单位的点位：责任单位是它或它的下属单位的点位，以及由它（或下属单位）牵头的点位，每个点位只计一次。');
  for (const c of e.categories) {
    out.push('');
    out.push(`  ${c.id} ${c.name}（权重 ${c.weight?.toExactString() ?? '未知'}）：${c.sites.length} 个点位${c.star ? ' ★' : ''}`);
    out.push(indent(renderTable([{ title: '点位编号' }, { title: '点位' }, { title: '得分', align: 'right' }], c.sites.map((s) => [s.id, s.name, exactText(s.score)])), 6));
    const sum = c.sites.length > 1 ? `(${c.sites.map((s) => exactText(s.score)).join(' + ')}) ÷ ${c.sites.length} = ${exactText(c.sum)} ÷ ${c.sites.length} = ` : `${exactText(c.sum)} ÷ 1 = `;
    out.push(`      平均 = ${sum}${rounded(c.mean)}`);
  }

  // 二、field score
  const f = e.field;
  if (f) {
    out.push('');
    if (e.mode === 'weighted_mean') {
      out.push(paint.bold('二、实地考察得分 = Σ(权重 × 项目得分) ÷ Σ权重（只计有测评点位的项目，用未舍入的项目得分）'));
      const rows = e.categories.map((c) => [`${c.id} ${c.name}`, c.weight!.toExactString(), exactText(c.mean), exactText(c.weight!.mul(c.mean))]);
      rows.push(['合计', f.weightSum.toExactString(), '', exactText(f.weightedSum)]);
      out.push(
        indent(
          renderTable(
            [{ title: '测评项目' }, { title: '权重', align: 'right' }, { title: '项目得分', align: 'right' }, { title: '权重 × 得分', align: 'right' }],
            rows,
          ),
          4,
        ),
      );
      out.push(`    实地考察得分 = ${exactText(f.weightedSum)} ÷ ${f.weightSum.toExactString()} = ${rounded(f.value)}`);
    } else {
      out.push(paint.bold('二、实地考察得分 = max(0, F − Σ E(s))，E(s) = F − 点位得分（该单位全部测评点位的扣分之和）'));
      const terms = f.deductions.map((d) => `${exactText(d.value)}（${d.id}）`);
      out.push(`    Σ E(s) = ${terms.length > 1 && terms.length <= 40 ? `${terms.join(' + ')} = ` : ''}${exactText(f.deductionSum)}（${f.sites} 个点位）`);
      out.push(`    实地考察得分 = max(0, ${e.fullScore.toExactString()} − ${exactText(f.deductionSum)}) = ${rounded(f.value)}`);
    }
  }

  // 三、total
  out.push('');
  if (e.components) {
    const c = e.components;
    out.push(paint.bold('三、总分 = Σ(构成权重 × 得分) ÷ Σ构成权重（实地考察得分用未舍入的值）'));
    const rows = c.parts.map((p) => [componentLabel(p.id), p.weight.toExactString(), exactText(p.score), exactText(p.weight.mul(p.score))]);
    rows.push(['合计', c.weightSum.toExactString(), '', exactText(c.weightedSum)]);
    out.push(
      indent(
        renderTable([{ title: '得分构成' }, { title: '权重', align: 'right' }, { title: '得分', align: 'right' }, { title: '权重 × 得分', align: 'right' }], rows),
        4,
      ),
    );
    out.push(`    总分 = ${exactText(c.weightedSum)} ÷ ${c.weightSum.toExactString()} = ${rounded(c.value)}`);
  } else if (e.total) {
    out.push(paint.bold('三、总分 = 实地考察得分（测评细则未设置得分构成）'));
    out.push(`    总分 = ${rounded(e.total)}`);
  } else {
    out.push(paint.bold('三、总分：缺少得分构成，无法计算'));
  }
  out.push('    所有得分均四舍五入到两位小数；排名、等级、榜单都按两位小数的总分。');

  // 四、rank, grade, lists
  const r = e.ranking;
  out.push('', paint.bold('四、排名、等级和榜单（只在本组内比较）'));
  if (u.rank === null || u.total === null) {
    out.push('    未参加排名（没有总分）。');
  } else {
    const total = Rational.fromNumber(u.total);
    const tie = r.tiedWith.length ? `，与 ${r.tiedWith.join('、')} 并列（总分相同者名次相同，下一名次跳过）` : '';
    out.push(`    ${r.group}组 ${r.ranked} 个参评单位中第 ${u.rank} 名${tie}`);
    out.push(
      u.grade === null
        ? '    等级：无（总分低于所有等级的最低分）'
        : `    等级：${u.grade}（总分 ${total.toFixed(2)} ≥ ${u.grade}的最低分 ${r.gradeMin?.toExactString() ?? '?'}，等级从高到低取第一个满足的）`,
    );
    out.push(
      `    红榜：名次 ≤ ${r.redList} 的单位上红榜 → ${u.red ? `第 ${u.rank} 名，上红榜` : `第 ${u.rank} 名，不上红榜`}`,
    );
    const blackRule =
      r.blackList === 0
        ? '测评细则未设黑榜'
        : `本组排名最后的 ${r.blackList} 个单位上黑榜（与其中名次最高者并列的一并计入，即第 ${r.blackFromRank ?? '?'} 名及以后），已上红榜的除外`;
    out.push(`    黑榜：${blackRule} → ${u.black ? '上黑榜' : '不上黑榜'}`);
  }
  if (e.stars) {
    const starred = e.categories.filter((c) => c.star).map((c) => c.id);
    out.push(
      `    星级：两位小数的项目得分 ≥ ${e.stars.min.toExactString()} 的测评项目每个计一颗星 → ${e.stars.count}★${starred.length ? `（${starred.join('、')}）` : ''}`,
    );
  }
  if (e.previousTotal !== null && u.total !== null) {
    const change = Rational.fromNumber(u.total).sub(e.previousTotal);
    const rank =
      u.rank_change === undefined || u.rank_change === null ? '' : u.rank_change === 0 ? '；名次不变' : `；名次 ${arrowRank(u.rank_change)}`;
    out.push(`    较上期：${Rational.fromNumber(u.total).toFixed(2)} − ${e.previousTotal.toFixed(2)} = ${arrowScore(change)}${rank}`);
  }
  out.push('', paint.dim('提示：civscore explain RESULTS --site 点位编号 可查看某个点位的扣分明细和记录来源。'));
  return `${out.join('\n')}\n`;
}

export function siteExplanationText(e: SiteExplanation, paint: Paint = NO_PAINT): string {
  const s = e.site;
  const F = e.fullScore.toExactString();
  const out: string[] = [];
  out.push(paint.bold(`点位得分说明：${s.id} ${e.label.name}（${e.categoryName} ${s.category}）· 测评期 ${e.period ?? '未定'}`));
  if (e.label.address) out.push(`地址：${e.label.address}`);
  out.push(`责任单位：${s.unit} ${e.unitName}；牵头单位：${e.lead ? `${e.lead.id} ${e.lead.name}` : '无'}`);
  out.push(`计入以下单位的得分：${e.countsFor.map((u) => `${u.id} ${u.name}`).join('、')}（责任单位及其上级、牵头单位及其上级）`);
  out.push(`满分 F = ${F}`);

  if (s.score === null) {
    out.push('', '本期未测评该点位（没有测评记录）：不计分，不计入任何单位的得分。');
    return `${out.join('\n')}\n`;
  }

  if (e.entries === null) {
    out.push('', paint.bold('仅依据 results.json（未找到 ledger.csv，无法列出数量、倍数、上限和来源）：'));
    if (e.findings.length === 0) out.push('    本期测评了该点位，未发现问题。');
    else for (const finding of e.findings) out.push(`    ${finding.code} ${finding.text}`);
    const deduction = Rational.fromNumber(s.deduction ?? 0);
    out.push(`    扣分 E(s) = ${deduction.toFixed(2)}${s.veto ? '（发现一票否决项，得分为 0）' : ''}`);
    out.push(`    得分 = F − E(s) = ${F} − ${deduction.toFixed(2)} = ${Rational.fromNumber(s.score).toFixed(2)}`);
    return `${out.join('\n')}\n`;
  }

  out.push('', paint.bold('扣分明细（ledger.csv）：应扣 = 单项分值 × 数量 × 倍数；实扣 = min(应扣, 上限)'));
  if (e.entries.length === 0) {
    out.push('    本期测评了该点位，未发现问题。');
  }
  e.entries.forEach((entry, index) => {
    out.push(`  ${index + 1}. ${entry.item} ${entry.text}${entry.veto ? '（一票否决项）' : ''}`);
    const multiplier = entry.repeat ? `倍数 ${entry.multiplier.toExactString()}（上期同一点位同一问题已发现，重复出现）` : `倍数 ${entry.multiplier.toExactString()}`;
    out.push(`     应扣 = 单项分值 ${entry.points.toExactString()} × 数量 ${entry.n} × ${multiplier} = ${entry.raw.toExactString()}`);
    if (entry.cap !== null) {
      out.push(`     实扣 = min(应扣 ${entry.raw.toExactString()}, 上限 ${entry.cap.toExactString()}) = ${entry.applied.toExactString()}`);
    } else {
      out.push(`     实扣 = ${entry.applied.toExactString()}（无扣分上限）`);
    }
    out.push(`     来源：${entry.sources.join('; ')}`);
  });
  const applied = e.applied ?? Rational.ZERO;
  const parts = e.entries.map((x) => x.applied.toExactString());
  out.push('');
  out.push(`D(s) = Σ 实扣 = ${parts.length > 1 ? `${parts.join(' + ')} = ` : ''}${applied.toExactString()}`);
  const vetoes = e.entries.filter((x) => x.veto);
  if (vetoes.length > 0) {
    out.push(`一票否决：发现 ${vetoes.map((x) => x.item).join('、')} → 得分 = 0`);
  } else {
    out.push('一票否决：无');
    out.push(`得分 = max(0, F − D(s)) = max(0, ${F} − ${applied.toExactString()}) = ${rounded(e.score!)}`);
  }
  out.push(`扣分 E(s) = F − 得分 = ${F} − ${exactText(e.score!)} = ${exactText(e.fullScore.sub(e.score!))}`);
  return `${out.join('\n')}\n`;
}
