#!/usr/bin/env node
// Generates the demo inspection data in fixtures/demo/ from the bundled rule set (rules/):
//   2026-09.csv             UTF-8, English headers, LF, ISO dates (a system export)
//   2026-10.csv             GBK, Chinese headers, CRLF, 2026/10/8 dates (Excel "CSV (逗号分隔)" on Chinese Windows)
//   components-2026-09.csv  unit_id,component,score (non-field components, UTF-8 with BOM)
//   components-2026-10.csv
// Deterministic: seeded PRNG (mulberry32), no Math.random, no clock, no transcendental maths;
// rerunning reproduces every file byte for byte.
//
//   node scripts/gen-fixtures.mjs [--out DIR]
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import iconv from 'iconv-lite';
import { hashString, mulberry32 } from './prng.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outIdx = process.argv.indexOf('--out');
const outDir = outIdx > 0 ? process.argv[outIdx + 1] : join(root, 'fixtures/demo');

// ── rule set (folder merge as in SPEC §2) ────────────────────────────────────
function loadRules(dir) {
  const merged = {};
  for (const f of readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).sort()) {
    const doc = YAML.parse(readFileSync(join(dir, f), 'utf8')) ?? {};
    for (const [k, v] of Object.entries(doc)) {
      if (Array.isArray(v)) merged[k] = (merged[k] ?? []).concat(v);
      else if (k in merged) throw new Error(`${f}: key ${k} set twice`);
      else merged[k] = v;
    }
  }
  return merged;
}
const rules = loadRules(join(root, 'rules'));
const catById = new Map(rules.categories.map((c) => [c.id, c]));
const unitById = new Map(rules.units.map((u) => [u.id, u]));
const sites = rules.sites;

// ── PRNG (no Math.random, no transcendental functions) ───────────────────────
const SEED = 'civscore-demo-2026';
const rngFor = (key) => mulberry32(hashString(`${SEED}/${key}`));
const int = (rng, lo, hi) => lo + Math.floor(rng() * (hi - lo + 1));
const pick = (rng, arr) => arr[Math.floor(rng() * arr.length)];
const gauss = (rng) => { let s = 0; for (let i = 0; i < 12; i++) s += rng(); return s - 6; }; // Irwin–Hall ≈ N(0,1)
const clamp = (x, lo, hi) => Math.min(hi, Math.max(lo, x));
function weightedPick(rng, items, weights) {
  let total = 0; for (const w of weights) total += w;
  let r = rng() * total;
  for (let i = 0; i < items.length; i++) { r -= weights[i]; if (r < 0) return items[i]; }
  return items[items.length - 1];
}

// ── the story behind the numbers ─────────────────────────────────────────────
// Unit "badness" (1 = average). A few streets are clearly worse; 金沙街道 cleans up in October after
// landing on the September black list, 滨江街道 and 文昌街道 slip.
const UNIT_BAD = {
  J0101: 0.6, J0102: 0.75, J0105: 0.85, J0201: 0.9, J0203: 1.35, J0204: 1.15, J0302: 1.0, J0303: 1.1,
  J0401: 1.3, J0402: 1.9, J0403: 1.6, J0404: 1.25, J0501: 0.6, J0502: 0.7, J0503: 0.75, J0602: 1.1, J0604: 1.7,
  B04: 1.3, B14: 0.8, B15: 0.5,
};
const OCT_CHANGE = { J0402: 0.7, J0403: 0.85, J0302: 1.35, J0203: 1.15, J0104: 0.85, J0601: 1.15, J0604: 1.05 };
// Category tendency: markets, old estates, urban villages and building sites have more problems.
const CAT_BAD = {
  C01: 1.1, C03: 1.25, C11: 1.1, C12: 1.35, C13: 1.45, C14: 1.4, C15: 1.35, C17: 1.2, C18: 1.2, C24: 1.3,
  C32: 1.2, C05: 1.05, C06: 1.1, C19: 0.8, C26: 0.9, C27: 0.6, C28: 0.6, C29: 0.6, C30: 0.6, C35: 0.7,
  C36: 0.8, C37: 0.9, C38: 0.9, C40: 0.7, C41: 0.9, C42: 0.8,
};
const OCT_CAT_CHANGE = { C15: 0.85, C24: 1.1, C32: 0.9 }; // 农贸市场 campaign in October

const MONTHS = [
  { period: '2026-09', year: 2026, month: 9, days: 30, skip: [25] },                       // 25 = 中秋节
  { period: '2026-10', year: 2026, month: 10, days: 31, skip: [1, 2, 3, 4, 5, 6, 7] },      // 国庆节
];
const VETO_EVENTS = {
  '2026-09': [
    { category: 'C15', unit: 'J0402', note: '经核实发生群体性食物中毒事件，已移交市场监管部门调查处理' },
    { category: 'C24', unit: 'J0604', note: '发生高处坠落事故致1人死亡，已上报应急管理部门' },
  ],
  '2026-10': [
    { category: 'C18', unit: 'J0203', note: '发生火灾致2人受伤，已上报消防救援部门' },
  ],
};
// A few sites not inspected in a month (closed for renovation, gate locked …)
const SKIP_SITES = { '2026-09': 6, '2026-10': 9 };

const INSPECTORS = ['王静', '李娜', '张伟', '刘洋', '陈晨', '杨帆', '赵磊', '黄丽', '周敏', '吴昊', '徐婷', '孙浩',
  '马俊', '朱琳', '胡斌', '郭佳', '何雪', '高翔'];
const FINDING_NOTES = ['已拍照留存', '现场已告知负责人', '已通知责任单位整改', '当场整改', '整改后复现', '二次发现',
  '东侧入口处', '北门外约30米', '西侧', '南门内侧', '早高峰时段发现', '晚间复查发现', '责任人不在现场', '已移交执法部门',
  '东门入口处, 问题较集中', '已拍照, 待复查', '西侧约20米范围，多处', '已告知负责人，限期3天整改',
  '负责人称"马上整改"，未落实', '现场下发"整改通知单"', '共3处, 均在北侧', '第2次通报，仍未整改'];
const EMPTY_NOTES = ['未发现问题', '点位整改到位', '复查合格', '上次问题已整改'];
const MULTILINE_NOTES = { '2026-09': ['北门外约50米\n已通知物业'], '2026-10': ['东侧围挡破损\n已电话告知项目部', '楼道堆物较多\n社区称本周清理'] };

// ── per-site model ───────────────────────────────────────────────────────────
const LAMBDA = 0.95;          // mean findings per visit for an average site (badness 1)
const VISITS = [20, 28];      // visits per site per month (uniform)
const CHRONIC_BASE = 1.5;     // size of a site's set of recurring problems …
const CHRONIC_SLOPE = 3.5;    // … grows with its badness
function unitBad(site) { return UNIT_BAD[site.unit] ?? 1; }
function itemsOf(site) { return catById.get(site.category).items; }
const plainItems = (site) => itemsOf(site).filter((i) => !i.veto);

const siteBase = new Map(); // site id -> { noise, chronic:Set }
for (const s of sites) {
  const rng = rngFor(`site/${s.id}`);
  siteBase.set(s.id, { noise: clamp(1 + 0.28 * gauss(rng), 0.45, 1.9) });
}

function badness(site, period) {
  let b = unitBad(site) * (CAT_BAD[site.category] ?? 1) * siteBase.get(site.id).noise;
  if (period === '2026-10') b *= (OCT_CHANGE[site.unit] ?? 1) * (OCT_CAT_CHANGE[site.category] ?? 1);
  return b;
}

function chronicSet(site, period, previous) {
  const rng = rngFor(`chronic/${period}/${site.id}`);
  const items = plainItems(site).filter((i) => i.cap !== undefined);
  const b = badness(site, period);
  const size = clamp(Math.round(CHRONIC_BASE + CHRONIC_SLOPE * b + 0.8 * gauss(rng)), 1, items.length - 1);
  const set = [];
  if (previous) { // problems persisting from last month
    const keep = (OCT_CHANGE[site.unit] ?? 1) < 1 ? 0.35 : 0.6;
    for (const code of previous) if (set.length < size && rng() < keep) set.push(code);
  }
  const pool = items.map((i) => i.code).filter((c) => !set.includes(c));
  while (set.length < size && pool.length) set.push(pool.splice(Math.floor(rng() * pool.length), 1)[0]);
  return set;
}

function daysOf(m) {
  const out = [];
  for (let d = 1; d <= m.days; d++) {
    if (m.skip.includes(d)) continue;
    const dow = new Date(Date.UTC(m.year, m.month - 1, d)).getUTCDay(); // fixed calendar date, not the clock
    out.push({ d, w: dow === 0 || dow === 6 ? 0.4 : 1 });
  }
  return out;
}

// ── generate one month ───────────────────────────────────────────────────────
function generate(m, prevChronic) {
  const rng = rngFor(`month/${m.period}`);
  const days = daysOf(m);
  const skipped = new Set();
  const big = sites.filter((s) => ['C01', 'C03', 'C05', 'C11', 'C12', 'C23'].includes(s.category));
  while (skipped.size < SKIP_SITES[m.period]) skipped.add(pick(rng, big).id);

  const visits = [];
  const chronicNow = new Map();
  for (const site of sites) {
    if (skipped.has(site.id)) continue;
    const srng = rngFor(`visits/${m.period}/${site.id}`);
    const b = badness(site, m.period);
    const chronic = chronicSet(site, m.period, prevChronic?.get(site.id));
    chronicNow.set(site.id, chronic);
    const items = plainItems(site);
    const weights = items.map((i) => (i.cap === undefined ? 0.2 : 1));
    const lambda = clamp(LAMBDA * b, 0.08, 3.2);
    const nVisits = int(srng, VISITS[0], VISITS[1]);
    const district = site.unit.startsWith('J') ? Number(site.unit.slice(2, 3)) : 0;
    const team = INSPECTORS.slice((district * 3) % INSPECTORS.length, (district * 3) % INSPECTORS.length + 3);
    for (let v = 0; v < nVisits; v++) {
      const day = weightedPick(srng, days, days.map((x) => x.w)).d;
      const inspector = district ? pick(srng, team) : pick(srng, INSPECTORS);
      let k = 0; for (let t = 0; t < 4; t++) if (srng() < lambda / 4) k++;
      const found = [];
      for (let t = 0; t < k; t++) {
        const code = srng() < 0.72 ? pick(srng, chronic) : weightedPick(srng, items, weights).code;
        if (found.some((f) => f.code === code)) continue; // one row per item per visit
        const item = items.find((i) => i.code === code);
        const r = srng();
        const count = item.cap === undefined ? (r < 0.93 ? 1 : 2) : r < 0.8 ? 1 : r < 0.95 ? 2 : 3;
        const note = srng() < 0.12 ? pick(srng, FINDING_NOTES) : '';
        found.push({ code, count, note });
      }
      const note = found.length === 0 && srng() < 0.05 ? pick(srng, EMPTY_NOTES) : '';
      visits.push({ day, inspector, site: site.id, found, note, key: srng() });
    }
  }
  // veto events: the first site of the category in the named unit (else of the category)
  for (const ev of VETO_EVENTS[m.period]) {
    const cands = sites.filter((s) => s.category === ev.category && !skipped.has(s.id));
    const site = cands.find((s) => s.unit === ev.unit) ?? cands[0];
    const item = itemsOf(site).find((i) => i.veto);
    const day = int(rng, 10, 24);
    visits.push({ day, inspector: pick(rng, INSPECTORS), site: site.id, found: [{ code: item.code, count: 1, note: ev.note }], note: '', key: rng() });
  }
  // multi-line notes (Alt+Enter in an Excel cell)
  const withFinding = visits.filter((v) => v.found.length);
  for (const note of MULTILINE_NOTES[m.period]) {
    const v = withFinding[Math.floor(rng() * withFinding.length)];
    v.found[0].note = note;
  }
  visits.sort((a, b) => a.day - b.day || (a.inspector < b.inspector ? -1 : a.inspector > b.inspector ? 1 : 0) || a.key - b.key || (a.site < b.site ? -1 : 1));

  const rows = [];
  const yymm = m.period.slice(2).replace('-', '');
  for (const v of visits) {
    const list = v.found.length ? v.found : [{ code: '', count: '', note: v.note }];
    for (const f of list) {
      rows.push({ id: `CP${yymm}-${String(rows.length + 1).padStart(5, '0')}`, day: v.day, site: v.site, item: f.code,
        count: f.count, inspector: v.inspector, note: f.note });
    }
  }
  return { rows, chronic: chronicNow, skipped };
}

// ── writers ──────────────────────────────────────────────────────────────────
function csvField(s) {
  s = String(s);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
const pad2 = (n) => String(n).padStart(2, '0');

function writeSeptember(m, rows) {
  const lines = ['record_id,date,site_id,item_code,count,inspector,note'];
  for (const r of rows) {
    lines.push([r.id, `${m.year}-${pad2(m.month)}-${pad2(r.day)}`, r.site, r.item, r.count, r.inspector, r.note].map(csvField).join(','));
  }
  return Buffer.from(lines.join('\n') + '\n', 'utf8');
}
function writeOctoberExcel(m, rows) {
  const lines = ['记录编号,日期,点位编号,测评标准编号,数量,测评员,备注'];
  for (const r of rows) {
    lines.push([r.id, `${m.year}/${m.month}/${r.day}`, r.site, r.item, r.count, r.inspector, r.note].map(csvField).join(','));
  }
  const text = lines.join('\r\n') + '\r\n';
  const buf = iconv.encode(text, 'gbk');
  if (iconv.decode(buf, 'gbk') !== text) throw new Error('text is not representable in GBK');
  return buf;
}

// units that must have components: every unit any site counts for (its unit + ancestors, lead + ancestors)
function unitsWithSites() {
  const set = new Set();
  const up = (id) => { for (let u = id; u; u = unitById.get(u)?.parent) set.add(u); };
  for (const s of sites) { up(s.unit); up(s.lead ?? catById.get(s.category).lead); }
  return rules.units.map((u) => u.id).filter((id) => set.has(id));
}
function writeComponents(m) {
  const rng = rngFor(`components/${m.period}`);
  const comps = Object.keys(rules.scoring.components ?? {}).filter((k) => k !== 'field');
  const lines = ['unit_id,component,score'];
  for (const id of unitsWithSites()) {
    // a unit's own tendency: average badness of its streets (departments: of the sites they lead)
    const mine = sites.filter((s) => s.unit === id || unitById.get(s.unit)?.parent === id || (s.lead ?? catById.get(s.category).lead) === id);
    let b = 0; for (const s of mine) b += badness(s, m.period) / siteBase.get(s.id).noise; b /= mine.length || 1;
    for (const c of comps) {
      const base = c === 'survey' ? 89 : 87;
      const score = clamp(base - 9 * (b - 1) + 2.6 * gauss(rng), 75, 98);
      const cents = Math.round(score * 100);
      lines.push(`${id},${c},${(cents / 100).toString()}`);
    }
  }
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(lines.join('\n') + '\n', 'utf8')]);
}

mkdirSync(outDir, { recursive: true });
const sep = generate(MONTHS[0], null);
const oct = generate(MONTHS[1], sep.chronic);
const files = {
  '2026-09.csv': writeSeptember(MONTHS[0], sep.rows),
  '2026-10.csv': writeOctoberExcel(MONTHS[1], oct.rows),
  'components-2026-09.csv': writeComponents(MONTHS[0]),
  'components-2026-10.csv': writeComponents(MONTHS[1]),
};
for (const [name, buf] of Object.entries(files)) writeFileSync(join(outDir, name), buf);
process.stderr.write(`2026-09: ${sep.rows.length} rows (${sep.skipped.size} sites not inspected); ` +
  `2026-10: ${oct.rows.length} rows (${oct.skipped.size} sites not inspected); wrote ${outDir}\n`);
