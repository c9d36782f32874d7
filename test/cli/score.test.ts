import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const RULES = 'fixtures/small/rules.yaml';
const RECORDS = 'fixtures/small/records.csv';
const GOLDEN = 'test/cli/golden/small';
const OUTPUTS = ['results.json', 'ledger.csv', 'sites.csv', 'ranking.csv'];

function golden(name: string, actual: string): void {
  const file = path.join(GOLDEN, name);
  if (process.env.U === '1' || !existsSync(file)) {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(file, actual);
  }
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

describe('civscore score on the small fixture', () => {
  let out: string;
  let run: Awaited<ReturnType<typeof runCli>>;
  beforeAll(async () => {
    out = path.join(tempDir(), 'out');
    run = await runCli(['score', '--rules', RULES, '--records', RECORDS, '--out', out]);
  });

  it('exits 0 and writes the four outputs, byte for byte as the golden files', () => {
    expect(run.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual([...OUTPUTS].sort());
    for (const name of OUTPUTS) golden(name, readFileSync(path.join(out, name), 'utf8'));
    golden('stdout.txt', run.stdout);
  });

  it('writes results.json as SPEC §5.1 shapes it', () => {
    const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8'));
    expect(results.schema).toBe('civscore/results@1');
    expect(results.period).toBe('2026-10');
    expect(results.summary).toEqual({ records: 10, accepted: 10, rejected: 0, findings: 8, sites_inspected: 7, sites_total: 8 });
    expect(results.index).toBe(80.64);
    expect(results.inputs).toEqual([
      { path: RECORDS, sha256: expect.stringMatching(/^[0-9a-f]{64}$/), encoding: 'utf-8', rows: 10 },
    ]);
    const s08 = results.sites.find((s: { id: string }) => s.id === 'S08');
    expect(s08).toEqual({ id: 'S08', unit: 'J0102', category: 'C03', score: null, deduction: null, veto: false, findings: [], units: ['B07', 'D01', 'J0102'] });
    expect(JSON.stringify(results)).not.toMatch(/"\/(tmp|work|home)/);
  });

  it('writes CSV for Excel: BOM, CRLF, Chinese headers, exact decimals', () => {
    const ledger = readFileSync(path.join(out, 'ledger.csv'), 'utf8');
    expect(ledger.startsWith('\uFEFF单位编号,单位,点位编号,点位,测评项目,测评标准编号,测评标准,数量,单项分值,倍数,应扣分,实扣分,一票否决,重复出现,来源')).toBe(true);
    expect(ledger).toContain('\r\n');
    expect(ledger).toContain('S03,南门大街,主次干道,C01-03,无占道经营、乱摆卖,3,1.25,1,3.75,2.5,否,否,R005');
  });

  it('prints results.json itself with --json', async () => {
    const again = await runCli(['score', '--rules', RULES, '--records', RECORDS, '--out', path.join(tempDir(), 'o'), '--json']);
    expect(again.stdout).toBe(readFileSync(path.join(out, 'results.json'), 'utf8'));
  });
});

describe('reading what Excel and phones write (§3)', () => {
  const csv = readFileSync(RECORDS, 'utf8');
  const chinese = csv.replace(
    'record_id,date,site_id,item_code,count,inspector,note',
    '记录编号,日期,点位编号,测评标准编号,数量,测评员,备注',
  ).replace(/\n/g, '\r\n').replace(/2026-10-0(\d)/g, '2026/10/$1');
  let reference: string;
  beforeAll(async () => {
    const dir = tempDir();
    await runCli(['score', '--rules', RULES, '--records', RECORDS, '--out', dir]);
    reference = readFileSync(path.join(dir, 'ledger.csv'), 'utf8').replace(/fixtures\/small\/records\.csv/g, 'F');
  });

  async function scoreBytes(name: string, bytes: Uint8Array, extra: string[] = []) {
    const dir = tempDir();
    const file = path.join(dir, name);
    writeFileSync(file, bytes);
    const run = await runCli(['score', '--rules', RULES, '--records', file, '--out', path.join(dir, 'out'), ...extra]);
    const results = run.code === 0 ? JSON.parse(readFileSync(path.join(dir, 'out', 'results.json'), 'utf8')) : undefined;
    return { run, results, dir };
  }

  it('detects GBK with Chinese headers, CRLF and Excel dates', async () => {
    const { run, results } = await scoreBytes('gbk.csv', iconv.encode(chinese, 'gbk'));
    expect(run.stderr).toContain('gb18030');
    expect(results.inputs[0].encoding).toBe('gb18030');
    expect(results.index).toBe(80.64);
    expect(results.summary.accepted).toBe(10);
  });

  it('reads UTF-8 with BOM, UTF-16LE and UTF-16BE with BOM', async () => {
    const cases: [string, Uint8Array, string][] = [
      ['bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(chinese)]), 'utf-8-bom'],
      ['le.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(chinese, 'utf16le')]), 'utf-16le'],
      ['be.csv', iconv.encode(chinese, 'utf16-be', { addBOM: true }), 'utf-16be'],
    ];
    for (const [name, bytes, encoding] of cases) {
      const { results } = await scoreBytes(name, bytes);
      expect(results.inputs[0].encoding).toBe(encoding);
      expect(results.index).toBe(80.64);
    }
  });

  it('reads a GBK file whose first non-ASCII byte comes late (ASCII header, Chinese note far down)', async () => {
    const rows = ['site_id,item_code,count,note'];
    for (let i = 0; i < 40000; i++) rows.push('S02,,,');
    rows.push('S01,C01-02,1,路面有小广告');
    const { results, run } = await scoreBytes('late.csv', iconv.encode(rows.join('\n'), 'gbk'), ['--period', '2026-10']);
    expect(run.code).toBe(0);
    expect(results.inputs[0].encoding).toBe('gb18030');
    expect(results.summary.records).toBe(40001);
  });

  it('rejects a file that mixes UTF-8 and GBK, naming the line', async () => {
    const bytes = Buffer.concat([Buffer.from('site_id,item_code,note\nS01,C01-02,小广告\nS02,,\n'), iconv.encode('S03,C01-03,占道\n', 'gbk')]);
    const { run } = await scoreBytes('mixed.csv', bytes);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/mixed\.csv:4: error: bytes that are not valid utf-8 text.*\[REC_ENCODING\]/);
  });

  it('lets --encoding force the reading', async () => {
    const { run } = await scoreBytes('forced.csv', iconv.encode(chinese, 'gbk'), ['--encoding', 'utf-8']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('REC_ENCODING');
    const forced = await scoreBytes('forced.csv', iconv.encode(chinese, 'gbk'), ['--encoding', 'gbk']);
    expect(forced.results.index).toBe(80.64);
  });

  it('reads tab-separated files by extension, by sniffing and by --delimiter', async () => {
    const tsv = csv.replace(/"[^"]*"/gs, 'x').replace(/,/g, '\t');
    for (const [name, extra] of [['r.tsv', []], ['r.txt', []], ['r.dat', ['--delimiter', '\\t']]] as const) {
      const { results } = await scoreBytes(name, Buffer.from(tsv), [...extra]);
      expect(results.index).toBe(80.64);
    }
  });

  it('gives the same ledger whatever the encoding', async () => {
    const { dir } = await scoreBytes('gbk.csv', iconv.encode(csv, 'gbk'));
    const ledger = readFileSync(path.join(dir, 'out', 'ledger.csv'), 'utf8').replace(/[^,\r\n]*gbk\.csv/g, 'F');
    expect(ledger).toBe(reference);
  });
});

describe('records from a pipe', () => {
  const DEMO = 'fixtures/demo/2026-10.csv';
  let reference: { ledger: string; sites: string; ranking: string; sha256: string };
  beforeAll(async () => {
    const out = path.join(tempDir(), 'out');
    expect((await runCli(['score', '--records', DEMO, '--out', out])).code).toBe(0);
    const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as { inputs: { sha256: string }[] };
    reference = {
      ledger: readFileSync(path.join(out, 'ledger.csv'), 'utf8').replaceAll(DEMO, 'F'),
      sites: readFileSync(path.join(out, 'sites.csv'), 'utf8'),
      ranking: readFileSync(path.join(out, 'ranking.csv'), 'utf8'),
      sha256: results.inputs[0]!.sha256,
    };
  });

  function expectAsReference(out: string, name: string): void {
    expect(readFileSync(path.join(out, 'ledger.csv'), 'utf8').replaceAll(name, 'F')).toBe(reference.ledger);
    expect(readFileSync(path.join(out, 'sites.csv'), 'utf8')).toBe(reference.sites);
    expect(readFileSync(path.join(out, 'ranking.csv'), 'utf8')).toBe(reference.ranking);
    const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as { inputs: { sha256: string }[] };
    expect(results.inputs[0]!.sha256).toBe(reference.sha256);
  }

  // `--records <(iconv …)`: a file that can be read only once, in order, in whatever pieces the pipe hands
  // out (a GBK month of ~0.7 MB through a 64 KiB pipe). Another process writes it, as a shell would: this
  // thread blocks in each read.
  it('scores a month read from a named pipe as from the file', async () => {
    const dir = tempDir();
    const fifo = path.join(dir, 'records.csv');
    execFileSync('mkfifo', [fifo]);
    const writer = spawn('sh', ['-c', 'cat "$0" > "$1"', DEMO, fifo], { stdio: 'ignore' });
    const written = new Promise<number | null>((resolve) => writer.on('exit', resolve));
    const out = path.join(dir, 'out');
    const run = await runCli(['score', '--records', fifo, '--out', out]);
    expect(run.stderr).not.toMatch(/error/);
    expect(run.code).toBe(0);
    expect(await written).toBe(0);
    expectAsReference(out, fifo);
  });

  // `… | civscore score --records /dev/stdin`, with the sizes above which a file is read on two threads or
  // hashed on another lowered to nothing: a pipe is still read once, here.
  it('scores a month piped to /dev/stdin, even where any file would be read on two threads', () => {
    const out = path.join(tempDir(), 'out');
    // Through a shell's pipe (Node's own stdin for a child is a socket, which /dev/stdin cannot open).
    const run = spawnSync('sh', ['-c', 'cat "$0" | "$1" bin/civscore.js score --records /dev/stdin --out "$2" --parallel', DEMO, process.execPath, out], {
      encoding: 'utf8',
      env: { ...process.env, CIVSCORE_PARALLEL_MIN_BYTES: '0', CIVSCORE_HASH_ELSEWHERE_MIN_BYTES: '0', CIVSCORE_LANG: 'en' },
    });
    expect(run.stderr).not.toMatch(/error/);
    expect(run.status).toBe(0);
    expectAsReference(out, '/dev/stdin');
  });
});
