#!/usr/bin/env node
// Self-check of the bundled rule set (rules/) and the demo fixtures (fixtures/demo/), independent of
// the TypeScript engine: counts, uniqueness, references, allowed keys, record validity, GBK round trip,
// and a rough score estimate (floating point — for tuning the demo data only, not the real scorer).
//
//   node scripts/check-rules-counts.mjs [--quiet]
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import iconv from 'iconv-lite';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const quiet = process.argv.includes('--quiet');
const errors = [];
const fail = (msg) => errors.push(msg);
const assert = (cond, msg) => { if (!cond) fail(msg); };

// ── load + merge ─────────────────────────────────────────────────────────────
const rulesDir = join(root, 'rules');
const rules = {};
for (const f of readdirSync(rulesDir).filter((n) => /\.ya?ml$/.test(n)).sort()) {
  const doc = YAML.parseDocument(readFileSync(join(rulesDir, f), 'utf8'));
  if (doc.errors.length) fail(`${f}: ${doc.errors.map((e) => e.message).join('; ')}`);
  for (const [k, v] of Object.entries(doc.toJS() ?? {})) {
    if (Array.isArray(v)) rules[k] = (rules[k] ?? []).concat(v);
    else if (k in rules) fail(`${f}: scalar key ${k} set twice`);
    else rules[k] = v;
  }
}

// ── allowed keys ─────────────────────────────────────────────────────────────
const KEYS = {
  top: ['ruleset', 'scoring', 'units', 'categories', 'sites'],
  ruleset: ['name', 'version', 'full_score'],
  scoring: ['unit_score', 'coverage', 'repeat_multiplier', 'red_list', 'black_list', 'grades', 'components', 'stars'],
  grade: ['name', 'min'], stars: ['min'],
  unit: ['id', 'name', 'group', 'parent'],
  category: ['id', 'name', 'weight', 'lead', 'quota', 'items'],
  item: ['code', 'text', 'points', 'cap', 'veto'],
  site: ['id', 'name', 'category', 'unit', 'address', 'lead'],
};
const keysOk = (obj, allowed, where) => { for (const k of Object.keys(obj)) assert(allowed.includes(k), `${where}: unknown key ${k}`); };
const decimals = (x) => { const s = String(x); return s.includes('.') ? s.split('.')[1].length : 0; };
keysOk(rules, KEYS.top, 'top level');
keysOk(rules.ruleset, KEYS.ruleset, 'ruleset');
keysOk(rules.scoring, KEYS.scoring, 'scoring');
for (const g of rules.scoring.grades) keysOk(g, KEYS.grade, 'grade');
if (rules.scoring.stars) keysOk(rules.scoring.stars, KEYS.stars, 'stars');
const F = rules.ruleset.full_score ?? 100;
const comps = rules.scoring.components ?? {};
for (const [k, w] of Object.entries(comps)) assert(w > 0 && decimals(w) <= 4, `component ${k}: bad weight ${w}`);
assert(new Set(rules.scoring.grades.map((g) => g.min)).size === rules.scoring.grades.length, 'grade mins not distinct');

// ── units ────────────────────────────────────────────────────────────────────
const unitById = new Map();
for (const u of rules.units) {
  keysOk(u, KEYS.unit, `unit ${u.id}`);
  assert(!unitById.has(u.id), `duplicate unit ${u.id}`);
  unitById.set(u.id, u);
}
for (const u of rules.units) {
  if (u.parent) assert(unitById.has(u.parent), `unit ${u.id}: parent ${u.parent} unknown`);
  const seen = new Set(); for (let p = u; p; p = unitById.get(p.parent)) { if (seen.has(p.id)) { fail(`unit ${u.id}: parent cycle`); break; } seen.add(p.id); }
}
const ancestors = (id) => { const out = []; for (let u = unitById.get(id); u; u = unitById.get(u.parent)) out.push(u.id); return out; };

// ── categories + items ───────────────────────────────────────────────────────
const catById = new Map();
const itemByCode = new Map();
for (const c of rules.categories) {
  keysOk(c, KEYS.category, `category ${c.id}`);
  assert(!catById.has(c.id), `duplicate category ${c.id}`);
  catById.set(c.id, c);
  assert(c.weight > 0 && decimals(c.weight) <= 4, `category ${c.id}: bad weight ${c.weight}`);
  if (c.lead) assert(unitById.has(c.lead), `category ${c.id}: lead ${c.lead} unknown`);
  assert(c.items.length >= 6 && c.items.length <= 15, `category ${c.id}: ${c.items.length} items (want 6–15)`);
  for (const i of c.items) {
    keysOk(i, KEYS.item, `item ${i.code}`);
    assert(!itemByCode.has(i.code), `duplicate item code ${i.code}`);
    assert(i.code.startsWith(`${c.id}-`), `item ${i.code} not prefixed by ${c.id}`);
    itemByCode.set(i.code, { ...i, category: c.id });
    assert(i.points !== undefined || i.veto === true, `item ${i.code}: neither points nor veto`);
    if (i.points !== undefined) assert(i.points >= 0 && decimals(i.points) <= 2, `item ${i.code}: bad points`);
    if (i.cap !== undefined) assert(i.points !== undefined && i.cap >= i.points && decimals(i.cap) <= 2, `item ${i.code}: bad cap`);
  }
}
assert(rules.categories.length === 42, `expected 42 categories, got ${rules.categories.length}`);

// ── sites ────────────────────────────────────────────────────────────────────
const siteById = new Map();
for (const s of rules.sites) {
  keysOk(s, KEYS.site, `site ${s.id}`);
  assert(!siteById.has(s.id), `duplicate site ${s.id}`);
  siteById.set(s.id, s);
  assert(catById.has(s.category), `site ${s.id}: category ${s.category} unknown`);
  assert(unitById.has(s.unit), `site ${s.id}: unit ${s.unit} unknown`);
  if (s.lead) assert(unitById.has(s.lead), `site ${s.id}: lead ${s.lead} unknown`);
  for (const k of ['name', 'address']) assert(typeof s[k] === 'string' && s[k].length > 0, `site ${s.id}: ${k} missing`);
}
assert(rules.sites.length === 632, `expected 632 sites, got ${rules.sites.length}`);
const perCat = new Map();
for (const s of rules.sites) perCat.set(s.category, (perCat.get(s.category) ?? 0) + 1);
for (const c of rules.categories) assert(perCat.get(c.id) > 0, `category ${c.id} has no site`);
const names = new Set(); for (const s of rules.sites) { assert(!names.has(s.name), `duplicate site name ${s.name}`); names.add(s.name); }
const leadOf = (s) => s.lead ?? catById.get(s.category).lead;
const siteUnits = new Map(rules.sites.map((s) => [s.id, [...new Set([...ancestors(s.unit), ...(leadOf(s) ? ancestors(leadOf(s)) : [])])].sort()]));
const streets = rules.units.filter((u) => u.group === '街道');
for (const st of streets) {
  const cats = new Set(rules.sites.filter((s) => s.unit === st.id).map((s) => s.category));
  assert(cats.size >= 5, `street ${st.id} has sites in only ${cats.size} categories`);
}
const unitsWithSites = rules.units.filter((u) => rules.sites.some((s) => siteUnits.get(s.id).includes(u.id)));

// ── fixtures ─────────────────────────────────────────────────────────────────
function parseCsv(text) { // RFC 4180; returns [{fields, line}]
  const rows = []; let field = ''; let fields = []; let i = 0; let line = 1; let start = 1; let q = false;
  while (i < text.length) {
    const ch = text[i];
    if (q) {
      if (ch === '"') { if (text[i + 1] === '"') { field += '"'; i += 2; continue; } q = false; i++; continue; }
      if (ch === '\n') line++;
      field += ch; i++; continue;
    }
    if (ch === '"' && field === '') { q = true; i++; continue; }
    if (ch === ',') { fields.push(field); field = ''; i++; continue; }
    if (ch === '\r' && text[i + 1] === '\n') { i++; continue; }
    if (ch === '\n') { fields.push(field); rows.push({ fields, line: start }); fields = []; field = ''; line++; start = line; i++; continue; }
    field += ch; i++;
  }
  if (field !== '' || fields.length) { fields.push(field); rows.push({ fields, line: start }); }
  return rows;
}
const HEAD = { site: ['site_id', '点位编号'], item: ['item_code', '测评标准编号', '问题编号'], count: ['count', '数量', '处数'],
  date: ['date', '日期'], id: ['record_id', '记录编号'] };
const fixDir = join(root, 'fixtures/demo');
const months = [];
const recordIds = new Set();
for (const [period, file, enc] of [['2026-09', '2026-09.csv', 'utf8'], ['2026-10', '2026-10.csv', 'gbk']]) {
  const path = join(fixDir, file);
  if (!existsSync(path)) { fail(`${file} missing`); continue; }
  const buf = readFileSync(path);
  let text;
  if (enc === 'gbk') {
    text = new TextDecoder('gbk', { fatal: true }).decode(buf);
    assert(Buffer.compare(iconv.encode(text, 'gbk'), buf) === 0, `${file}: GBK does not round-trip`);
    assert(!text.includes('\uFFFD'), `${file}: replacement characters`);
    assert(/^[^\n]*\r\n/.test(text) && !/[^\r]\n(?=CP)/.test(text), `${file}: not CRLF`);
    assert(buf[0] !== 0xef, `${file}: has a BOM`);
  } else {
    text = buf.toString('utf8');
    assert(buf[0] !== 0xef, `${file}: has a BOM`);
  }
  const rows = parseCsv(text);
  const header = rows.shift().fields.map((h) => h.trim().toLowerCase());
  const col = Object.fromEntries(Object.entries(HEAD).map(([k, hs]) => [k, header.findIndex((h) => hs.includes(h))]));
  for (const [k, idx] of Object.entries(col)) assert(idx >= 0, `${file}: no ${k} column`);
  const recs = [];
  let quoted = 0; let multiline = 0;
  for (const r of rows) {
    const f = r.fields; const where = `${file}:${r.line}`;
    if (f.length !== header.length) { fail(`${where}: ${f.length} fields`); continue; }
    if (f.some((x) => /[,"]/.test(x))) quoted++;
    if (f.some((x) => x.includes('\n'))) multiline++;
    const site = siteById.get(f[col.site]);
    if (!site) { fail(`${where}: unknown site ${f[col.site]}`); continue; }
    const code = f[col.item]; const count = f[col.count];
    if (code) {
      const item = itemByCode.get(code);
      if (!item) fail(`${where}: unknown item ${code}`);
      else assert(item.category === site.category, `${where}: item ${code} not in category ${site.category} of ${site.id}`);
      assert(/^[1-9][0-9]*$/.test(count), `${where}: bad count ${count}`);
    } else assert(count === '', `${where}: count without item`);
    const m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/.exec(f[col.date]);
    assert(m && `${m[1]}-${m[2].padStart(2, '0')}` === period && Number(m[3]) >= 1 && Number(m[3]) <= 31, `${where}: bad date ${f[col.date]}`);
    if (enc === 'gbk') assert(/^\d{4}\/[1-9]\d?\/[1-9]\d?$/.test(f[col.date]), `${where}: not an Excel-style date`);
    else assert(/^\d{4}-\d{2}-\d{2}$/.test(f[col.date]), `${where}: not an ISO date`);
    assert(!recordIds.has(f[col.id]), `${where}: duplicate record id`); recordIds.add(f[col.id]);
    recs.push({ site: site.id, item: code, count: code ? Number(count) : 0 });
  }
  months.push({ period, file, recs, quoted, multiline });
}

// components
const compData = {};
for (const m of months) {
  const path = join(fixDir, `components-${m.period}.csv`);
  if (!existsSync(path)) { fail(`components-${m.period}.csv missing`); continue; }
  const rows = parseCsv(readFileSync(path, 'utf8').replace(/^\uFEFF/, ''));
  rows.shift();
  const map = new Map();
  for (const { fields: [u, c, s] } of rows) {
    assert(unitById.has(u), `components ${m.period}: unknown unit ${u}`);
    assert(c in comps && c !== 'field', `components ${m.period}: unknown component ${c}`);
    assert(Number(s) >= 0 && Number(s) <= F && decimals(s) <= 2, `components ${m.period}: bad score ${s}`);
    map.set(`${u}/${c}`, Number(s));
  }
  for (const u of unitsWithSites) for (const c of Object.keys(comps)) if (c !== 'field') assert(map.has(`${u.id}/${c}`), `components ${m.period}: ${u.id} lacks ${c}`);
  compData[m.period] = map;
}

// ── rough score estimate (SPEC §4, floating point) ───────────────────────────
function score(m, prevFindings) {
  const n = new Map(); const inspected = new Set();
  for (const r of m.recs) { inspected.add(r.site); if (r.item) n.set(`${r.site}|${r.item}`, (n.get(`${r.site}|${r.item}`) ?? 0) + r.count); }
  const D = new Map(); const veto = new Set();
  for (const s of inspected) D.set(s, 0);
  for (const [key, cnt] of n) {
    const [s, code] = key.split('|'); const it = itemByCode.get(code);
    if (it.veto) veto.add(s);
    const mult = prevFindings?.has(key) ? rules.scoring.repeat_multiplier ?? 1 : 1;
    let raw = (it.points ?? 0) * cnt * mult; if (it.cap !== undefined) raw = Math.min(raw, it.cap);
    D.set(s, D.get(s) + raw);
  }
  const siteScore = new Map([...inspected].map((s) => [s, veto.has(s) ? 0 : Math.max(0, F - D.get(s))]));
  const units = [];
  for (const u of rules.units) {
    const mine = [...inspected].filter((s) => siteUnits.get(s).includes(u.id));
    if (!mine.length) { units.push({ u, field: null }); continue; }
    const byCat = new Map(); for (const s of mine) { const c = siteById.get(s).category; (byCat.get(c) ?? byCat.set(c, []).get(c)).push(siteScore.get(s)); }
    let num = 0; let den = 0; let stars = 0;
    for (const [c, arr] of byCat) { const w = catById.get(c).weight; const mean = arr.reduce((a, b) => a + b, 0) / arr.length; num += w * mean; den += w; if (Math.round(mean * 100) / 100 >= (rules.scoring.stars?.min ?? Infinity)) stars++; }
    const field = num / den;
    let tot = field * (comps.field ?? 1); let wsum = comps.field ?? 1;
    for (const [c, w] of Object.entries(comps)) if (c !== 'field') { tot += w * (compData[m.period]?.get(`${u.id}/${c}`) ?? NaN); wsum += w; }
    units.push({ u, field, total: Object.keys(comps).length ? tot / wsum : field, sites: mine.length, stars, vetoes: mine.filter((s) => veto.has(s)).length });
  }
  return { n, siteScore, units, veto, inspected };
}
const pct = (arr, p) => arr[Math.min(arr.length - 1, Math.floor(p * arr.length))];
let prev = null;
for (const m of months) {
  const r = score(m, prev);
  const scores = [...r.siteScore.values()].sort((a, b) => a - b);
  const deds = scores.map((s) => F - s);
  const findingRows = m.recs.filter((x) => x.item).length;
  const repeats = prev ? [...r.n.keys()].filter((k) => prev.has(k)).length : 0;
  console.log(`\n== ${m.period} (${m.file}): ${m.recs.length} rows, ${findingRows} findings, ${m.recs.length - findingRows} no-finding visits, ` +
    `${r.inspected.size}/632 sites inspected, ${r.n.size} (site,item) entries, ${repeats} repeated from last month, ` +
    `${r.veto.size} veto sites, ${m.quoted} rows with quoted fields, ${m.multiline} multi-line`);
  console.log(`   site score  min ${scores[0].toFixed(2)}  p10 ${pct(scores, 0.1).toFixed(2)}  p25 ${pct(scores, 0.25).toFixed(2)}  median ${pct(scores, 0.5).toFixed(2)}  ` +
    `p75 ${pct(scores, 0.75).toFixed(2)}  p90 ${pct(scores, 0.9).toFixed(2)}  max ${scores.at(-1).toFixed(2)}; mean deduction ${(deds.reduce((a, b) => a + b, 0) / deds.length).toFixed(2)}`);
  if (!quiet) {
    const groups = [...new Set(rules.units.map((u) => u.group))];
    for (const g of groups) {
      const list = r.units.filter((x) => x.u.group === g).sort((a, b) => (b.total ?? -1) - (a.total ?? -1));
      console.log(`   ${g}:`);
      for (const x of list) {
        console.log(`     ${x.u.id.padEnd(6)} ${x.u.name.padEnd(12, '\u3000')} field ${x.field === null ? '  —  ' : x.field.toFixed(2).padStart(6)}  total ${x.total === undefined ? '  —  ' : x.total.toFixed(2).padStart(6)}` +
          `  sites ${String(x.sites ?? 0).padStart(3)}  stars ${String(x.stars ?? 0).padStart(2)}${x.vetoes ? `  veto×${x.vetoes}` : ''}`);
      }
    }
  }
  prev = new Set(r.n.keys());
}

console.log(`\nrules: ${rules.categories.length} categories, ${itemByCode.size} items (${[...itemByCode.values()].filter((i) => i.veto).length} veto, ` +
  `${[...itemByCode.values()].filter((i) => i.cap === undefined && !i.veto).length} uncapped), ${rules.sites.length} sites, ${rules.units.length} units ` +
  `(${unitsWithSites.length} with sites)`);
if (errors.length) { console.error(`\n${errors.length} problem(s):\n  ${errors.slice(0, 50).join('\n  ')}`); process.exit(1); }
console.log('all checks passed');
