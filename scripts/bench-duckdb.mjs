#!/usr/bin/env node
// The DuckDB side of the issue-6 benchmark: one process that opens an in-memory database, loads the
// rule tables (small CSVs written by scripts/bench-gen.mjs writeDims), scans the records CSV and
// computes SPEC §4 in SQL (scripts/bench-duckdb.sql). Prints JSON to stdout:
//   { records, units: { ID: { field_cents, num, den, sites } }, sites: { ID: cents } }
// Exit 1 if the records fail validation, 3 on any other error.
//
//   node scripts/bench-duckdb.mjs --records FILE --dims DIR [--threads 2] [--period 2026-10] [--full 100] [--ids]
//   node scripts/bench-duckdb.mjs --noop      (start-up only: load @duckdb/node-api, open, connect, SELECT 1)
//
// Needs @duckdb/node-api (devDependency; or `npm install --no-save @duckdb/node-api`).
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name, def) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : def; };

async function main() {
  if (process.argv.includes('--noop')) { // start-up cost only: load the library, open, connect
    const api = await import('@duckdb/node-api');
    const instance = await api.DuckDBInstance.create(':memory:');
    await (await instance.connect()).run('SELECT 1');
    return;
  }
  const records = arg('--records');
  const dims = arg('--dims');
  if (!records || !dims) { process.stderr.write('usage: bench-duckdb.mjs --records FILE --dims DIR [--threads N] [--period YYYY-MM] [--full F]\n'); process.exit(2); }
  const threads = Number(arg('--threads', '2'));
  const period = arg('--period', '2026-10');
  const full = arg('--full', '100');
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`bad --threads ${threads}`);
  if (!/^\d{4}-\d{2}$/.test(period)) throw new Error(`bad --period ${period}`);
  if (!/^\d+(\.\d{1,2})?$/.test(full)) throw new Error(`bad --full ${full}`);
  const [y, m] = period.split('-').map(Number);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const lit = (p) => resolve(p).replace(/'/g, "''");
  const vars = {
    THREADS: String(threads), RECORDS: lit(records), DIMS: lit(dims), FULL: full,
    // A month with a record_id column in front (bench.mjs --ids): read and not used.
    ID_COLUMN: process.argv.includes('--ids') ? "'record_id': 'VARCHAR', " : '',
    PERIOD_START: `${period}-01`, PERIOD_END: `${period}-${String(last).padStart(2, '0')}`,
  };
  const sql = readFileSync(join(here, 'bench-duckdb.sql'), 'utf8')
    .replace(/--[^\n]*/g, '')
    .replace(/\{\{(\w+)\}\}/g, (_, k) => { if (!(k in vars)) throw new Error(`unknown placeholder ${k}`); return vars[k]; });
  const statements = sql.split(/;\s*(?:\n|$)/).map((s) => s.trim()).filter(Boolean);

  let api;
  try { api = await import('@duckdb/node-api'); } catch {
    process.stderr.write('bench-duckdb: @duckdb/node-api is not installed (npm install --no-save @duckdb/node-api)\n');
    process.exit(3);
  }
  const instance = await api.DuckDBInstance.create(':memory:');
  const con = await instance.connect();
  for (const st of statements) await con.run(st);

  const rows = async (q) => (await con.runAndReadAll(q)).getRowObjects();
  const [p] = await rows('SELECT * FROM problems');
  const bad = Object.entries(p).filter(([k, v]) => k !== 'records' && Number(v) !== 0);
  if (bad.length) {
    process.stderr.write(`bench-duckdb: invalid records: ${bad.map(([k, v]) => `${k}=${v}`).join(', ')}\n`);
    process.exit(1);
  }
  const out = { records: Number(p.records), units: {}, sites: {} };
  for (const r of await rows('SELECT unit_id, num::VARCHAR AS num, den::VARCHAR AS den, field_cents, sites FROM unit_field ORDER BY unit_id')) {
    out.units[r.unit_id] = { field_cents: Number(r.field_cents), num: r.num, den: r.den, sites: Number(r.sites) };
  }
  for (const r of await rows('SELECT site_id, cents::BIGINT AS cents FROM site_score ORDER BY site_id')) out.sites[r.site_id] = Number(r.cents);
  process.stdout.write(JSON.stringify(out) + '\n');
  con.closeSync?.();
  instance.closeSync?.();
}

main().catch((e) => { process.stderr.write(`bench-duckdb: ${e && e.stack ? e.stack : e}\n`); process.exit(3); });
