#!/usr/bin/env node
// Issue 6 benchmark harness (`npm run bench`). A measurement, not a test.
//
//   node scripts/bench.mjs [--sizes 20k,1m,5m] [--runs 5] [--dir DIR] [--civscore PATH]
//                          [--timeout SEC] [--no-duckdb] [--json FILE]
//
// For each size: generates (or reuses) a deterministic October month for the bundled rule set
// (scripts/bench-gen.mjs) in DIR (default: <os.tmpdir()>/civscore-bench), then times, interleaved,
// `civscore score --records FILE --period 2026-10 --out TMP` and the DuckDB reference
// (scripts/bench-duckdb.mjs, 2 threads and 1 thread), each as its own process. Reports the median
// wall time of --runs runs, records/s, MB/s, civscore's peak RSS (GNU time %M, else polling
// /proc/PID/status VmHWM), the civscore/DuckDB(2 threads) ratio and the issue's targets; also Node
// start-up (`node -e 0`) and module load (`civscore --version`).
// Every unit's field and total in civscore's results.json must equal DuckDB's to the cent (and every
// site score, and results.json must be identical across runs).
// Exit 0 = measured (targets met or not), 1 = disagreement or a failed run, 2 = usage / setup error.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { StringDecoder } from 'node:string_decoder';
import { join, resolve } from 'node:path';
import { DEFAULT_SEED, ROOT, generate, loadRules, parseSize, writeDims } from './bench-gen.mjs';

// ── options ──────────────────────────────────────────────────────────────────
const USAGE = `usage: node scripts/bench.mjs [--sizes 20k,1m,5m] [--runs N] [--dir DIR] [--civscore PATH]
                             [--timeout SEC] [--no-duckdb] [--json FILE]
  --sizes     comma-separated row counts (20k, 1m, 5m, 250000 …)   default 20k,1m,5m
  --runs      timed runs per size and side (median reported)         default 5
  --dir       where generated months are kept and reused            default <tmpdir>/civscore-bench
  --civscore  the CLI to time                                        default bin/civscore.js
  --timeout   seconds before one run is killed (counts as a failure) default 900
  --no-duckdb skip DuckDB (no ratio, no agreement check)
  --ids       also time each month with a record_id column (R2, R3 …) in front, as many exports have
  --json      also write the raw measurements to FILE
`;
const opts = { sizes: '20k,1m,5m', runs: '5', dir: join(tmpdir(), 'civscore-bench'), civscore: join(ROOT, 'bin/civscore.js'), timeout: '900', duckdb: true, ids: false, json: null };
{
  const a = process.argv.slice(2);
  for (let i = 0; i < a.length; i++) {
    const [k, inline] = a[i].split(/=(.*)/s, 2);
    const val = () => { const v = inline ?? a[++i]; if (v === undefined) usage(`${k} needs a value`); return v; };
    if (k === '--sizes') opts.sizes = val();
    else if (k === '--runs') opts.runs = val();
    else if (k === '--dir') opts.dir = val();
    else if (k === '--civscore') opts.civscore = val();
    else if (k === '--timeout') opts.timeout = val();
    else if (k === '--json') opts.json = val();
    else if (k === '--no-duckdb') opts.duckdb = false;
    else if (k === '--ids') opts.ids = true;
    else if (k === '-h' || k === '--help') { process.stdout.write(USAGE); process.exit(0); }
    else usage(`unknown option ${a[i]}`);
  }
}
function usage(msg) { process.stderr.write(`bench: ${msg}\n${USAGE}`); process.exit(2); }
const RUNS = Number(opts.runs);
if (!Number.isInteger(RUNS) || RUNS < 1) usage(`--runs must be a positive integer`);
const TIMEOUT_MS = Number(opts.timeout) * 1000;
if (!(TIMEOUT_MS > 0)) usage('--timeout must be a positive number of seconds');
let SIZES;
try { SIZES = opts.sizes.split(',').map((s) => s.trim()).filter(Boolean).map((label) => ({ label: label.toLowerCase(), rows: parseSize(label) })); }
catch (e) { usage(e.message); }
const CIVSCORE = resolve(opts.civscore);
if (!existsSync(CIVSCORE)) usage(`no civscore CLI at ${CIVSCORE}`);
const PERIOD = '2026-10';
const DIR = resolve(opts.dir);
mkdirSync(DIR, { recursive: true });
const log = (s) => process.stderr.write(`${s}\n`);

// ── measuring tools ──────────────────────────────────────────────────────────
// BENCH_RSS=proc forces the /proc polling fallback (to test it on a machine that has GNU time)
const GNU_TIME = process.env.BENCH_RSS === 'proc' ? undefined : ['/usr/bin/time', '/bin/time'].find((p) => {
  if (!existsSync(p)) return false;
  const r = spawnSync(p, ['-f', '%M', 'true'], { encoding: 'utf8' });
  return r.status === 0 && /^\d+\s*$/m.test(r.stderr);
});
if (GNU_TIME) log(`peak RSS: GNU time (${GNU_TIME} -f %M)`);
else if (process.env.BENCH_RSS === 'proc') log('peak RSS: polling /proc/PID/status VmHWM every 5 ms (BENCH_RSS=proc)');
else log('peak RSS: GNU time not found (install it with `apt-get install -y time`); polling /proc/PID/status VmHWM every 5 ms instead');

let duckdbVersion = null;
if (opts.duckdb) {
  try {
    const api = await import('@duckdb/node-api');
    duckdbVersion = api.version?.() ?? null;
    try { duckdbVersion = `${JSON.parse(readFileSync(join(ROOT, 'node_modules/@duckdb/node-api/package.json'), 'utf8')).version} (DuckDB ${duckdbVersion})`; } catch { /* keep */ }
  } catch {
    log('bench: @duckdb/node-api is not installed. Install it (npm install --no-save @duckdb/node-api) or pass --no-duckdb.');
    process.exit(2);
  }
  log(`DuckDB: @duckdb/node-api ${duckdbVersion}`);
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

/**
 * Runs argv as a child process; returns { ok, code, signal, wall (s), rssKiB, stderr }.
 * stdout is discarded unless captureStdout.
 */
function run(argv, { captureStdout = false, env } = {}) {
  return new Promise((done) => {
    let timeFile = null;
    let cmd = argv[0];
    let args = argv.slice(1);
    if (GNU_TIME) {
      timeFile = join(DIR, `time-${process.pid}.txt`);
      args = ['-o', timeFile, '-f', '%e %M %U %S', ...argv];
      cmd = GNU_TIME;
    }
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: ['ignore', captureStdout ? 'pipe' : 'ignore', 'pipe'], detached: true, env: { ...process.env, NO_COLOR: '1', ...env } });
    let stdout = '';
    let stderr = '';
    if (captureStdout) { child.stdout.setEncoding('utf8'); child.stdout.on('data', (d) => { stdout += d; }); }
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d) => { stderr = (stderr + d).slice(-20000); });
    let hwm = 0;
    let poll = null;
    if (!GNU_TIME) {
      const statusPath = `/proc/${child.pid}/status`;
      poll = setInterval(() => {
        try { const m = /VmHWM:\s+(\d+)/.exec(readFileSync(statusPath, 'utf8')); if (m) hwm = Math.max(hwm, Number(m[1])); } catch { /* gone */ }
      }, 5);
    }
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }, TIMEOUT_MS);
    child.on('close', (code, signal) => {
      const wall = Number(process.hrtime.bigint() - t0) / 1e9;
      clearTimeout(timer);
      if (poll) clearInterval(poll);
      let rssKiB = hwm || null;
      let cpu = null;
      if (timeFile) {
        try {
          const lines = readFileSync(timeFile, 'utf8').trim().split('\n');
          const m = /^([\d.]+) (\d+) ([\d.]+) ([\d.]+)$/.exec(lines[lines.length - 1]);
          if (m) { rssKiB = Number(m[2]); cpu = Number(m[3]) + Number(m[4]); }
          const st = /Command (?:exited with non-zero status (\d+)|terminated by signal (\d+))/.exec(lines.join('\n'));
          if (st && code === 0) code = st[1] ? Number(st[1]) : 128 + Number(st[2]);
        } catch { /* killed before time wrote it */ }
        rmSync(timeFile, { force: true });
      }
      if (timedOut) stderr += `\n(killed after ${TIMEOUT_MS / 1000} s)`;
      done({ ok: code === 0 && !timedOut, code, signal, wall, rssKiB, cpu, stderr, stdout });
    });
  });
}

// ── data ─────────────────────────────────────────────────────────────────────
const rules = loadRules(join(ROOT, 'rules'));
const sha = (s) => createHash('sha256').update(s).digest('hex');
const genSource = readFileSync(join(ROOT, 'scripts/bench-gen.mjs'), 'utf8');
const rulesKey = sha(rules.sourceText).slice(0, 12);
const dimsDir = join(DIR, `dims-${rulesKey}`);
const scoring = writeDims(rules, dimsDir);
if (opts.duckdb && (scoring.unit_score !== 'weighted_mean' || scoring.coverage !== 'inspected')) {
  log(`bench: the DuckDB reference implements unit_score weighted_mean + coverage inspected; the rule set has ${scoring.unit_score} + ${scoring.coverage}. Use --no-duckdb.`);
  process.exit(2);
}

function fileSha256(file) {
  const h = createHash('sha256');
  const fd = openSync(file, 'r');
  const buf = Buffer.allocUnsafe(8 << 20);
  for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0;) h.update(buf.subarray(0, n));
  closeSync(fd);
  return h.digest('hex');
}

function ensureMonth({ label, rows }) {
  const key = sha(`${genSource}\n${rules.sourceText}\n${DEFAULT_SEED}\n${rows}`).slice(0, 12);
  const file = join(DIR, `records-${label}-${key}.csv`);
  const metaFile = `${file}.json`;
  if (existsSync(file) && existsSync(metaFile)) {
    try {
      const meta = JSON.parse(readFileSync(metaFile, 'utf8'));
      if (meta.rows === rows && statSync(file).size === meta.bytes && fileSha256(file) === meta.sha256) {
        log(`${label}: reusing ${file} (${(meta.bytes / 1e6).toFixed(1)} MB, sha256 ok)`);
        return { file, ...meta };
      }
    } catch { /* regenerate */ }
    log(`${label}: ${file} is stale or damaged; regenerating`);
  }
  // drop months of this size made by other generator / rule-set versions (up to ~170 MB each)
  for (const name of readdirSync(DIR)) {
    const current = name.startsWith(`records-${label}-${key}.`) || name.startsWith(`records-${label}-${key}-ids.`);
    if (name.startsWith(`records-${label}-`) && !current) rmSync(join(DIR, name), { force: true });
  }
  const t0 = process.hrtime.bigint();
  const tmp = `${file}.part-${process.pid}`;
  const r = generate({ rules, rows, file: tmp });
  const meta = { rows: r.rows, bytes: r.bytes, sha256: r.sha256, empty: r.empty };
  renameSync(tmp, file); // a half-written file never has the final name
  writeFileSync(metaFile, JSON.stringify(meta) + '\n');
  log(`${label}: generated ${file} (${rows} rows, ${(r.bytes / 1e6).toFixed(1)} MB) in ${(Number(process.hrtime.bigint() - t0) / 1e9).toFixed(1)} s`);
  return { file, ...meta };
}

/**
 * The month with a record_id column in front (`R` and the row's line number), made from it once and reused
 * like it: the same findings, so the same scores, with ids for the duplicate check and the ledger.
 */
function ensureIdsMonth(month) {
  const file = month.file.replace(/\.csv$/, '-ids.csv');
  const metaFile = `${file}.json`;
  if (existsSync(file) && existsSync(metaFile)) {
    try {
      const meta = JSON.parse(readFileSync(metaFile, 'utf8'));
      if (meta.rows === month.rows && statSync(file).size === meta.bytes && fileSha256(file) === meta.sha256) return { file, ...meta };
    } catch { /* remake */ }
  }
  const tmp = `${file}.part-${process.pid}`;
  const input = openSync(month.file, 'r');
  const output = openSync(tmp, 'w');
  const hash = createHash('sha256');
  const buf = Buffer.allocUnsafe(8 << 20);
  // Characters cut between two reads are joined by the decoder.
  const decoder = new StringDecoder('utf8');
  let carried = '';
  let line = 1;
  let bytes = 0;
  const put = (text) => {
    const out = Buffer.from(text, 'utf8');
    hash.update(out);
    bytes += out.length;
    for (let at = 0; at < out.length;) at += writeSync(output, out, at);
  };
  for (let n; (n = readSync(input, buf, 0, buf.length, null)) > 0;) {
    const lines = (carried + decoder.write(buf.subarray(0, n))).split('\n');
    carried = lines.pop();
    put(lines.map((l) => `${line++ === 1 ? 'record_id' : `R${line - 1}`},${l}\n`).join(''));
  }
  carried += decoder.end();
  if (carried !== '') put(`R${line},${carried}`);
  closeSync(input);
  closeSync(output);
  renameSync(tmp, file);
  const meta = { rows: month.rows, bytes, sha256: hash.digest('hex'), empty: month.empty };
  writeFileSync(metaFile, JSON.stringify(meta) + '\n');
  log(`made ${file} (${(bytes / 1e6).toFixed(1)} MB)`);
  return { file, ...meta };
}

function warmPageCache(file) {
  const fd = openSync(file, 'r');
  const buf = Buffer.allocUnsafe(8 << 20);
  while (readSync(fd, buf, 0, buf.length, null) > 0) { /* read */ }
  closeSync(fd);
}

// ── agreement ────────────────────────────────────────────────────────────────
// num/den is the exact field score in hundredths; show it with 8 decimals (truncated, "…" if inexact)
function exactDecimal(num, den) {
  const n = BigInt(num) * 10n ** 6n, d = BigInt(den);
  const q = n / d, t = q.toString().padStart(9, '0');
  return `${t.slice(0, -8)}.${t.slice(-8)}${n % d === 0n ? '' : '…'}`;
}
const cents = (x) => (x === null || x === undefined ? null : Math.round(x * 100));
function compare(results, duck, month) {
  const errs = [];
  if (results.summary?.records !== month.rows) errs.push(`summary.records = ${results.summary?.records}, the file has ${month.rows} rows`);
  if (results.summary?.rejected !== 0) errs.push(`summary.rejected = ${results.summary?.rejected}`);
  if (duck.records !== month.rows) errs.push(`DuckDB read ${duck.records} rows, the file has ${month.rows}`);
  const seen = new Set();
  for (const u of results.units ?? []) {
    seen.add(u.id);
    const d = duck.units[u.id];
    const want = d ? d.field_cents : null;
    const fmt = (c) => (c === null ? 'null' : (c / 100).toFixed(2));
    const exact = d ? ` (exact ${exactDecimal(d.num, d.den)})` : '';
    if (cents(u.field) !== want) errs.push(`unit ${u.id} ${u.name ?? ''}: civscore field ${u.field} ≠ DuckDB ${fmt(want)}${exact}`);
    if (cents(u.total) !== want) errs.push(`unit ${u.id} ${u.name ?? ''}: civscore total ${u.total} ≠ DuckDB ${fmt(want)}${exact}`);
    if ((u.sites ?? 0) !== (d ? d.sites : 0)) errs.push(`unit ${u.id}: civscore sites ${u.sites} ≠ DuckDB ${d ? d.sites : 0}`);
  }
  for (const id of Object.keys(duck.units)) if (!seen.has(id)) errs.push(`unit ${id}: in DuckDB's result, missing from results.json`);
  const sites = new Map((results.sites ?? []).map((s) => [s.id, s]));
  for (const [id, c] of Object.entries(duck.sites)) {
    const s = sites.get(id);
    if (!s) errs.push(`site ${id}: missing from results.json`);
    else if (cents(s.score) !== c) errs.push(`site ${id}: civscore score ${s.score} ≠ DuckDB ${(c / 100).toFixed(2)}`);
  }
  for (const s of results.sites ?? []) if (s.score !== null && !(s.id in duck.sites)) errs.push(`site ${s.id}: civscore scored it (${s.score}), DuckDB saw no record of it`);
  return errs;
}

// ── main ─────────────────────────────────────────────────────────────────────
let failed = false;
const problems = [];
const STARTUP_RUNS = Math.max(RUNS, 5);
log(`node start-up and module load (${STARTUP_RUNS} runs each)…`);
const startup = { node: [], nodeNoCerts: [], load: [], duckdb: [] };
// Node 20 parses the NODE_EXTRA_CA_CERTS bundle at start-up, TLS or not (0.05 s on the 2-core machine): when it
// is set, Node's start-up is also measured without it, to show that part. Every timed run keeps it.
const extraCerts = Boolean(process.env.NODE_EXTRA_CA_CERTS);
/** Months up to this size are also timed without NODE_EXTRA_CA_CERTS. */
const SMALL_MONTH_ROWS = 100_000;
for (let r = 0; r < STARTUP_RUNS; r++) {
  const a = await run([process.execPath, '-e', '0']);
  if (extraCerts) startup.nodeNoCerts.push((await run([process.execPath, '-e', '0'], { env: { NODE_EXTRA_CA_CERTS: '' } })).wall);
  const b = await run([process.execPath, CIVSCORE, '--version']);
  if (!b.ok) { failed = true; problems.push(`civscore --version failed (exit ${b.code}):\n${b.stderr.trim()}`); break; }
  startup.node.push(a.wall);
  startup.load.push(b.wall);
  if (opts.duckdb) {
    const c = await run([process.execPath, join(ROOT, 'scripts/bench-duckdb.mjs'), '--noop']);
    if (c.ok) startup.duckdb.push(c.wall);
  }
}

const results = [];
// Each size, then (with --ids) the same month with a record_id column.
const cases = SIZES.flatMap((size) => (opts.ids ? [{ size, ids: false }, { size, ids: true }] : [{ size, ids: false }]));
for (const { size: plainSize, ids } of cases) {
  const size = ids ? { ...plainSize, label: `${plainSize.label}+ids` } : plainSize;
  const month = ids ? ensureIdsMonth(ensureMonth(plainSize)) : ensureMonth(plainSize);
  warmPageCache(month.file);
  const out = mkdtempSync(join(DIR, `out-${size.label}-`));
  const row = { ...size, ids, bytes: month.bytes, civ: [], civNoCerts: [], civCpu: [], rss: [], duck2: [], duck2Cpu: [], duck1: [], duckRss: [], error: null, agree: null };
  results.push(row);
  const civArgv = [process.execPath, CIVSCORE, 'score', '--records', month.file, '--period', PERIOD, '--out', out];
  const duckArgv = (t) => [process.execPath, join(ROOT, 'scripts/bench-duckdb.mjs'), '--records', month.file, '--dims', dimsDir, '--threads', String(t), '--period', PERIOD, '--full', String(scoring.full_score), ...(ids ? ['--ids'] : [])];
  let firstResults = null;
  let duckOut = null;
  for (let r = 0; r < RUNS && !row.error; r++) {
    log(`${size.label}: run ${r + 1}/${RUNS}…`);
    const c = await run(civArgv);
    if (!c.ok) { row.error = `civscore exit ${c.code ?? c.signal}: ${c.stderr.trim().split('\n').slice(-6).join('\n  ')}`; break; }
    row.civ.push(c.wall); row.rss.push(c.rssKiB); if (c.cpu !== null) row.civCpu.push(c.cpu);
    // A city month's time is mostly start-up: also timed without the certificate bundle (see startup).
    if (extraCerts && size.rows <= SMALL_MONTH_ROWS) {
      const n = await run(civArgv, { env: { NODE_EXTRA_CA_CERTS: '' } });
      if (n.ok) row.civNoCerts.push(n.wall);
    }
    const bytes = readFileSync(join(out, 'results.json'));
    if (firstResults === null) firstResults = bytes;
    else if (!bytes.equals(firstResults)) problems.push(`${size.label}: results.json differs between run 1 and run ${r + 1} (same input)`);
    if (!opts.duckdb) continue;
    for (const t of [2, 1]) {
      const d = await run(duckArgv(t), { captureStdout: true });
      if (!d.ok) { row.error = `DuckDB (${t} thread${t > 1 ? 's' : ''}) exit ${d.code ?? d.signal}: ${d.stderr.trim().split('\n').slice(-6).join('\n  ')}`; break; }
      (t === 2 ? row.duck2 : row.duck1).push(d.wall);
      if (t === 2 && d.cpu !== null) row.duck2Cpu.push(d.cpu);
      row.duckRss.push(d.rssKiB);
      const parsed = JSON.parse(d.stdout);
      if (duckOut === null) duckOut = parsed;
      else if (JSON.stringify(parsed.units) !== JSON.stringify(duckOut.units)) problems.push(`${size.label}: DuckDB results differ between runs`);
    }
  }
  if (row.error) { failed = true; problems.push(`${size.label}: ${row.error}`); }
  if (firstResults && duckOut) {
    const errs = compare(JSON.parse(firstResults.toString('utf8')), duckOut, month);
    row.agree = errs.length === 0;
    if (errs.length) {
      failed = true;
      problems.push(`${size.label}: civscore and DuckDB DISAGREE (${errs.length}):\n  ${errs.slice(0, 40).join('\n  ')}${errs.length > 40 ? `\n  … and ${errs.length - 40} more` : ''}`);
    } else log(`${size.label}: civscore and DuckDB agree on all ${Object.keys(duckOut.units).length} scored units and ${Object.keys(duckOut.sites).length} inspected sites`);
  }
  rmSync(out, { recursive: true, force: true });
}

// ── report ───────────────────────────────────────────────────────────────────
const f2 = (x, d = 2) => (x === null || x === undefined || Number.isNaN(x) ? '–' : x.toFixed(d));
const grp = (n) => String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
const summary = results.map((r) => {
  const civ = r.civ.length ? median(r.civ) : null;
  const d2 = r.duck2.length ? median(r.duck2) : null;
  const d1 = r.duck1.length ? median(r.duck1) : null;
  const rss = r.rss.length ? Math.max(...r.rss) / 1024 : null;
  return { label: r.label, ids: r.ids, rows: r.rows, mb: r.bytes / 1e6, civ, d2, d1, rss, duckRss: r.duckRss.length ? Math.max(...r.duckRss) / 1024 : null,
    ratio: civ !== null && d2 ? civ / d2 : null, civMin: r.civ.length ? Math.min(...r.civ) : null, civMax: r.civ.length ? Math.max(...r.civ) : null,
    civCpu: r.civCpu.length ? median(r.civCpu) : null, duck2Cpu: r.duck2Cpu.length ? median(r.duck2Cpu) : null,
    civNoCerts: r.civNoCerts.length ? median(r.civNoCerts) : null,
    runs: r.civ.length, agree: r.agree, error: r.error };
});
const lines = [];
lines.push(`## civscore benchmark (issue 6)`);
lines.push('');
lines.push(`civscore ${CIVSCORE.startsWith(ROOT) ? CIVSCORE.slice(ROOT.length + 1) : CIVSCORE}, Node ${process.version}, ${summary[0] ? `median of ${RUNS} run${RUNS > 1 ? 's' : ''}` : 'no sizes'}` +
  `${duckdbVersion ? `, @duckdb/node-api ${duckdbVersion}` : ''}; peak RSS = max over runs (${GNU_TIME ? 'GNU time %M' : '/proc VmHWM polling'}).`);
lines.push('');
const med = (xs) => (xs.length ? median(xs) : null);
lines.push(`Node start-up (\`node -e 0\`): ${f2(med(startup.node), 3)} s` +
  (extraCerts ? ` (NODE_EXTRA_CA_CERTS is set; without it ${f2(med(startup.nodeNoCerts), 3)} s)` : '') +
  ` · module load (\`civscore --version\`): ${f2(med(startup.load), 3)} s` +
  (opts.duckdb ? ` · DuckDB process start-up (load + connect, no query): ${f2(med(startup.duckdb), 3)} s` : ''));
lines.push('');
lines.push('| size | rows | MB | civscore median s | records/s | MB/s | peak RSS MiB | DuckDB 2 threads s | DuckDB 1 thread s | ratio |');
lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const s of summary) {
  lines.push(`| ${s.label} | ${grp(s.rows)} | ${f2(s.mb, 1)} | ${s.civ === null ? 'failed' : f2(s.civ, 3)} | ${s.civ ? grp(s.rows / s.civ) : '–'} | ${s.civ ? f2(s.mb / s.civ, 1) : '–'} | ` +
    `${f2(s.rss, 0)} | ${f2(s.d2, 3)} | ${f2(s.d1, 3)} | ${s.ratio === null ? '–' : f2(s.ratio, 2)} |`);
}
lines.push('');
lines.push('ratio = civscore median / DuckDB (2 threads) median; both sides are whole processes (Node start-up included).');
if (summary.length) {
  lines.push('');
  lines.push('details (CPU = user + sys, median; less sensitive than wall time to other load on the machine):');
  for (const s of summary) {
    lines.push(`- ${s.label}: civscore wall min–max ${f2(s.civMin, 3)}–${f2(s.civMax, 3)} s over ${s.runs} run(s), CPU ${f2(s.civCpu, 2)} s; ` +
      `DuckDB (2 threads) CPU ${f2(s.duck2Cpu, 2)} s, peak RSS ${f2(s.duckRss, 0)} MiB; agreement ${s.agree === null ? 'not checked' : s.agree ? 'yes' : 'NO'}` +
      (s.civNoCerts !== null ? `; civscore without NODE_EXTRA_CA_CERTS ${f2(s.civNoCerts, 3)} s (median, runs interleaved)` : ''));
  }
}
// targets
// The targets are the issue's months, without ids.
const by = Object.fromEntries(summary.filter((s) => !s.ids).map((s) => [s.rows, s]));
const s20k = by[20000], s1m = by[1000000], s5m = by[5000000];
const mark = (ok) => (ok === null ? '– (not measured)' : ok ? '✓' : '✗');
const have = (...xs) => xs.every((x) => x !== null && x !== undefined);
const targets = [
  ['20k ≤ 0.2 s wall', have(s20k?.civ) ? s20k.civ <= 0.2 : null, have(s20k?.civ) ? `${f2(s20k.civ, 3)} s` +
    (have(s20k?.civNoCerts) ? `; ${f2(s20k.civNoCerts, 3)} s without this machine's NODE_EXTRA_CA_CERTS, which adds ${f2(med(startup.node) - med(startup.nodeNoCerts), 3)} s to every Node start` : '') : ''],
  ['1M: civscore ≤ 1.0 × DuckDB (2 threads)', have(s1m?.ratio) ? s1m.ratio <= 1.0 : null, have(s1m?.ratio) ? `ratio ${f2(s1m.ratio)}` : ''],
  ['5M: civscore ≤ 1.5 × DuckDB (2 threads)', have(s5m?.ratio) ? s5m.ratio <= 1.5 : null, have(s5m?.ratio) ? `ratio ${f2(s5m.ratio)}` : ''],
  ['5M: peak RSS ≤ 150 MiB', have(s5m?.rss) ? s5m.rss <= 150 : null, have(s5m?.rss) ? `${f2(s5m.rss, 0)} MiB` : ''],
  ['5M time ≤ 5.5 × 1M time', have(s5m?.civ, s1m?.civ) ? s5m.civ <= 5.5 * s1m.civ : null, have(s5m?.civ, s1m?.civ) ? `${f2(s5m.civ / s1m.civ)} ×` : ''],
];
lines.push('');
lines.push('Targets:');
for (const [name, ok, val] of targets) lines.push(`- ${mark(ok)} ${name}${val ? ` (${val})` : ''}`);
process.stdout.write(lines.join('\n') + '\n');
if (problems.length) process.stdout.write(`\nPROBLEMS:\n${problems.map((p) => `- ${p}`).join('\n')}\n`);

if (opts.json) {
  writeFileSync(opts.json, JSON.stringify({ node: process.version, duckdb: duckdbVersion, runs: RUNS, peak_rss_method: GNU_TIME ? 'gnu-time' : 'proc-vmhwm',
    startup: { node_s: startup.node, load_s: startup.load, duckdb_s: startup.duckdb }, sizes: results.map((r) => ({ label: r.label, record_ids: r.ids, rows: r.rows, bytes: r.bytes, civscore_s: r.civ, civscore_cpu_s: r.civCpu, duckdb2_cpu_s: r.duck2Cpu,
      civscore_no_extra_certs_s: r.civNoCerts, civscore_rss_kib: r.rss, duckdb2_s: r.duck2, duckdb1_s: r.duck1, duckdb_rss_kib: r.duckRss, agree: r.agree, error: r.error })),
    targets: targets.map(([name, ok, value]) => ({ name, ok, value })), problems }, null, 2) + '\n');
}
process.exit(failed ? 1 : 0);
