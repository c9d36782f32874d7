#!/usr/bin/env node
// Benchmark data for issue 6: deterministic inspection months of any size for the bundled rule set.
//
//   node scripts/bench-gen.mjs --rows 1m [--out FILE] [--seed S]     (default FILE: records-1m.csv)
//
// Columns are what a real office exports: date,site_id,item_code,count,inspector,note — deliberately
// no record_id (see docs/bench.md). UTF-8 without BOM, LF, no quoting needed (no field contains a
// quote, comma or newline). Every date is in 2026-10 (rows sorted by date, as an export is), every
// item belongs to its site's category, ~25 % of the rows are visits that found nothing (empty
// item_code and count). Seeded PRNG (mulberry32), no Math.random, no clock: the same --rows and
// --seed give the same bytes on every machine.
//
// Also exports the helpers scripts/bench.mjs uses: loadRules, writeDims (rule tables as CSV for
// DuckDB), generate (write a month), parseSize.
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { hashString, mulberry32 } from './prng.mjs';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_SEED = 'civscore-bench-2026-10';

// ── rule set (folder merge as in SPEC §2) ────────────────────────────────────
export function loadRules(dir = join(ROOT, 'rules')) {
  const merged = {};
  const texts = [];
  for (const f of readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).sort()) {
    const text = readFileSync(join(dir, f), 'utf8');
    texts.push(`${f}\n${text}`);
    const doc = YAML.parse(text) ?? {};
    for (const [k, v] of Object.entries(doc)) {
      if (Array.isArray(v)) merged[k] = (merged[k] ?? []).concat(v);
      else if (k in merged) throw new Error(`${f}: key ${k} set twice`);
      else merged[k] = v;
    }
  }
  merged.sourceText = texts.join('\n');
  return merged;
}

// "20k", "1m", "5M", "250000", "1.5m" → integer row count
export function parseSize(s) {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*$/.exec(String(s));
  if (!m) throw new Error(`bad size: ${s} (use e.g. 20k, 1m, 5m or a row count)`);
  const mult = { '': 1, k: 1e3, m: 1e6 }[m[2].toLowerCase()];
  const n = Math.round(Number(m[1]) * mult);
  if (!(n > 0)) throw new Error(`bad size: ${s}`);
  return n;
}

// ── PRNG ─────────────────────────────────────────────────────────────────────

// ── pools (no ASCII quote, comma or newline anywhere) ────────────────────────
export const INSPECTORS = ['王静', '李娜', '张伟', '刘洋', '陈晨', '杨帆', '赵磊', '黄丽', '周敏', '吴昊', '徐婷', '孙浩',
  '马俊', '朱琳', '胡斌', '郭佳', '何雪', '高翔', '林峰', '罗颖', '梁宇', '宋雨', '郑凯', '谢芳', '韩冰', '唐诗',
  '冯博', '于洁', '董鹏', '萧然'];
export const FINDING_NOTES = ['已拍照留存', '现场已告知负责人', '已通知责任单位整改', '当场整改', '整改后复现', '二次发现',
  '东侧入口处', '北门外约30米', '西侧', '南门内侧', '早高峰时段发现', '晚间复查发现', '责任人不在现场', '已移交执法部门',
  '东门入口处，问题较集中', '已拍照，待复查', '西侧约20米范围，多处', '已告知负责人，限期3天整改', '现场下发整改通知单',
  '共3处，均在北侧', '第2次通报，仍未整改'];
export const EMPTY_NOTES = ['未发现问题', '点位整改到位', '复查合格', '上次问题已整改'];
for (const s of [...INSPECTORS, ...FINDING_NOTES, ...EMPTY_NOTES]) if (/[",\r\n]/.test(s)) throw new Error(`pool entry needs quoting: ${s}`);

// ── the month model ──────────────────────────────────────────────────────────
// Visits: ~30 % find nothing (one row, empty item_code/count → ~25 % of rows); the others find 1–3
// distinct items (one row each). A finding is one of the site's few chronic problems (capped items)
// with probability 1 − q, else any non-veto item of the category (the 8 uncapped ones included).
// q shrinks as the month grows so that a site gets about as many "one-off" findings in a 5M-row
// month as in a 20k-row one: scores stay in a realistic 60–95 band at every size instead of every
// uncapped item driving every site to 0. Veto findings: exactly VETO_EVENTS rows per month at fixed
// sites. A handful of sites are never visited (coverage: inspected).
const P_EMPTY_VISIT = 0.305;
const ONE_OFF_20K = 0.28;
const SKIP_SITES = 6;
const VETO_EVENTS = 3;
const OCT = { year: 2026, month: 10, days: 31 };

function enc(s) { return new Uint8Array(Buffer.from(s, 'utf8')); }

function model(rules, rows, seed) {
  const rng = mulberry32(hashString(`${seed}/model`));
  const catById = new Map(rules.categories.map((c) => [c.id, c]));
  const sites = rules.sites;
  const skipped = new Set();
  while (skipped.size < Math.min(SKIP_SITES, sites.length - 1)) skipped.add(sites[Math.floor(rng() * sites.length)].id);
  const visited = sites.filter((s) => !skipped.has(s.id));
  const siteModels = visited.map((s) => {
    const srng = mulberry32(hashString(`${seed}/site/${s.id}`));
    const cat = catById.get(s.category);
    const plain = cat.items.filter((i) => !i.veto);
    const capped = plain.filter((i) => i.cap !== undefined);
    const nChronic = Math.max(1, Math.min(capped.length - 1, 1 + Math.floor(srng() * 5)));
    const pool = capped.slice();
    const chronic = [];
    while (chronic.length < nChronic && pool.length) chronic.push(pool.splice(Math.floor(srng() * pool.length), 1)[0]);
    const items = new Map(plain.map((i) => [i, { code: enc(i.code), capped: i.cap !== undefined }]));
    return {
      id: enc(s.id),
      weight: 0.5 + srng(),          // some sites are visited more often than others
      chronic: chronic.map((i) => items.get(i)),
      plain: [...items.values()],
      veto: cat.items.find((i) => i.veto),
      category: s.category,
    };
  });
  // cumulative site weights for weighted picking
  const cum = new Float64Array(siteModels.length);
  let tot = 0;
  siteModels.forEach((m, i) => { tot += m.weight; cum[i] = tot; });
  for (let i = 0; i < cum.length; i++) cum[i] /= tot;
  // veto events: row indices and sites of categories that have a veto item
  const vetoSites = siteModels.filter((m) => m.veto);
  const vetoRows = new Map();
  for (let e = 0; e < VETO_EVENTS && vetoSites.length && rows > 10; e++) {
    const idx = Math.floor(rows * (0.3 + 0.6 * rng()));
    const m = vetoSites[Math.floor(rng() * vetoSites.length)];
    vetoRows.set(idx, { id: m.id, code: enc(m.veto.code) });
  }
  // days: weekday weight 1, weekend 0.4; rows are spread over the days in order (a sorted export)
  const dayWeights = [];
  for (let d = 1; d <= OCT.days; d++) {
    const dow = new Date(Date.UTC(OCT.year, OCT.month - 1, d)).getUTCDay();
    dayWeights.push(dow === 0 || dow === 6 ? 0.4 : 1);
  }
  const wsum = dayWeights.reduce((a, b) => a + b, 0);
  const dayEnd = []; // first row index of the next day
  let acc = 0;
  for (let d = 0; d < OCT.days; d++) { acc += dayWeights[d]; dayEnd.push(d === OCT.days - 1 ? rows : Math.round((rows * acc) / wsum)); }
  const dates = dayWeights.map((_, d) => enc(`${OCT.year}-${String(OCT.month).padStart(2, '0')}-${String(d + 1).padStart(2, '0')}`));
  return { siteModels, cum, vetoRows, dayEnd, dates, skipped };
}

/**
 * Writes `rows` data rows (plus the header) to `file`. Returns { rows, bytes, sha256, empty, findings, skipped }.
 */
export function generate({ rules, rows, file, seed = DEFAULT_SEED }) {
  const { siteModels, cum, vetoRows, dayEnd, dates, skipped } = model(rules, rows, seed);
  const rng = mulberry32(hashString(`${seed}/rows/${rows}`));
  const q = ONE_OFF_20K * Math.min(1, 20000 / rows);
  const inspectors = INSPECTORS.map(enc);
  const fnotes = FINDING_NOTES.map(enc);
  const enotes = EMPTY_NOTES.map(enc);
  const digits = [enc('1'), enc('2'), enc('3')];

  mkdirSync(dirname(resolve(file)), { recursive: true });
  const fd = openSync(file, 'w');
  const CHUNK = 8 << 20;
  const buf = Buffer.allocUnsafe(CHUNK + 4096);
  let pos = 0;
  let bytes = 0;
  const put = (a) => { for (let k = 0; k < a.length; k++) buf[pos++] = a[k]; };
  const hash = createHash('sha256');
  const flush = () => { writeSync(fd, buf, 0, pos); hash.update(buf.subarray(0, pos)); bytes += pos; pos = 0; };
  put(enc('date,site_id,item_code,count,inspector,note\n'));

  const pickSite = () => {
    const r = rng();
    let lo = 0, hi = cum.length - 1;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (cum[mid] > r) hi = mid; else lo = mid + 1; }
    return siteModels[lo];
  };
  let day = 0;
  let empty = 0;
  let i = 0;
  const found = [];
  while (i < rows) {
    // one visit: a site, an inspector, 0–3 findings (all on the same day)
    while (day < dayEnd.length - 1 && i >= dayEnd[day]) day++;
    const site = pickSite();
    const insp = inspectors[Math.floor(rng() * inspectors.length)];
    const date = dates[day];
    found.length = 0;
    if (rng() >= P_EMPTY_VISIT) {
      const k = 1 + (rng() < 0.45 ? 1 : 0) + (rng() < 0.15 ? 1 : 0);
      for (let t = 0; t < k; t++) {
        const item = rng() < q ? site.plain[Math.floor(rng() * site.plain.length)] : site.chronic[Math.floor(rng() * site.chronic.length)];
        if (!found.includes(item)) found.push(item);
      }
    }
    const nrows = Math.max(1, found.length);
    for (let f = 0; f < nrows && i < rows; f++, i++) {
      const veto = vetoRows.get(i);
      put(date); buf[pos++] = 44;
      if (veto) {
        put(veto.id); buf[pos++] = 44; put(veto.code); buf[pos++] = 44; put(digits[0]); buf[pos++] = 44;
        put(insp); buf[pos++] = 44; put(fnotes[0]);
      } else if (found.length === 0) {
        empty++;
        put(site.id); buf[pos++] = 44; buf[pos++] = 44; buf[pos++] = 44;
        put(insp); buf[pos++] = 44;
        if (rng() < 0.05) put(enotes[Math.floor(rng() * enotes.length)]);
      } else {
        const item = found[f];
        put(site.id); buf[pos++] = 44; put(item.code); buf[pos++] = 44;
        const r = rng();
        if (r < 0.03) { /* count left blank: means 1 */ }
        else if (item.capped) put(digits[r < 0.8 ? 0 : r < 0.95 ? 1 : 2]);
        else put(digits[r < 0.93 ? 0 : 1]);
        buf[pos++] = 44; put(insp); buf[pos++] = 44;
        if (rng() < 0.12) put(fnotes[Math.floor(rng() * fnotes.length)]);
      }
      buf[pos++] = 10;
      if (pos >= CHUNK) flush();
    }
  }
  flush();
  closeSync(fd);
  return { rows, bytes, sha256: hash.digest('hex'), empty, findings: rows - empty, skipped: [...skipped].sort() };
}

// ── rule tables for DuckDB (small; loaded inside the timed DuckDB process) ───
/**
 * Writes sites.csv (site_id, category, unit, lead — lead = site.lead ?? category.lead ?? ''),
 * items.csv (code, category, points, cap, veto), categories.csv (id, weight) and closure.csv
 * (ancestor, descendant: every unit with itself and each unit below it via `parent`) into dir.
 */
export function writeDims(rules, dir) {
  mkdirSync(dir, { recursive: true });
  const catById = new Map(rules.categories.map((c) => [c.id, c]));
  const unitById = new Map(rules.units.map((u) => [u.id, u]));
  const lines = (head, rows) => `${head}\n${rows.map((r) => r.map((v) => (v ?? '')).join(',')).join('\n')}\n`;
  writeFileSync(join(dir, 'sites.csv'), lines('site_id,category,unit,lead',
    rules.sites.map((s) => [s.id, s.category, s.unit, s.lead ?? catById.get(s.category).lead ?? ''])));
  writeFileSync(join(dir, 'items.csv'), lines('code,category,points,cap,veto',
    rules.categories.flatMap((c) => c.items.map((i) => [i.code, c.id, i.points ?? 0, i.cap, i.veto ? 'true' : 'false']))));
  writeFileSync(join(dir, 'categories.csv'), lines('id,weight', rules.categories.map((c) => [c.id, c.weight])));
  const closure = [];
  for (const u of rules.units) for (let a = u.id, guard = 0; a && guard < 1000; a = unitById.get(a)?.parent, guard++) closure.push([a, u.id]);
  writeFileSync(join(dir, 'closure.csv'), lines('ancestor,descendant', closure));
  const sc = rules.scoring ?? {};
  return {
    full_score: rules.ruleset?.full_score ?? 100,
    unit_score: sc.unit_score ?? 'weighted_mean',
    coverage: sc.coverage ?? 'inspected',
  };
}

// ── CLI ──────────────────────────────────────────────────────────────────────
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = (name, def) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : def; };
  const label = arg('--rows', '20k');
  const rows = parseSize(label);
  const file = arg('--out', `records-${label}.csv`);
  const t0 = process.hrtime.bigint();
  const r = generate({ rules: loadRules(), rows, file, seed: arg('--seed', DEFAULT_SEED) });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  process.stderr.write(`${file}: ${r.rows} rows (${r.empty} empty visits), ${(r.bytes / 1e6).toFixed(1)} MB in ${s.toFixed(2)} s; ` +
    `sites never visited: ${r.skipped.join(' ')}\n`);
}
