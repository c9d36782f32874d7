// The files `score` writes besides results.json: ledger.csv, sites.csv, ranking.csv, rejected.csv (SPEC §5.2).

import { messageOf, type Language } from '../core/diagnostics.js';
import type { RejectedRow } from '../core/records.js';
import { leadOf, type LedgerEntry, type ScoreOutput } from '../core/score.js';
import type { RuleSet } from '../core/types.js';
import { csvCell, QUOTE_ANYWHERE, QUOTE_FIRST, QUOTE_LAST, quotingOf, toCsv, type Cell } from './csv.js';
import { componentLabel } from './labels.js';
import { LedgerCells, ledgerHeader, listCell, SOURCE_SEPARATOR } from './ledger-cells.js';
import { wasmLedgerPieces } from './ledger-wasm.js';

const yesNo = (value: boolean): string => (value ? '是' : '否');

/**
 * The ledger's last cells (测评员, 备注, 照片) and the line end. On its own: empty lists and full ones are
 * arrays of different shapes, which would cost the ledger writer's optimised code a deoptimisation.
 */
function listCells(inspectors: readonly string[], notes: readonly string[], photos: readonly string[]): string {
  return `${listCell(inspectors)}${listCell(notes)}${listCell(photos)}\r\n`;
}

/** A text of the ledger's last cells (see LedgerWriter.writeLists). */
interface ListText {
  bytes: Buffer;
  quoting: number;
}

const EMPTY: Buffer = Buffer.alloc(0);

/** ledger.csv is handed out in chunks of about this size. */
const LEDGER_CHUNK_BYTES = 1 << 20;

/**
 * ledger.csv in chunks of UTF-8 bytes: with millions of records its 来源 column is too large for one
 * string, so sources are written as bytes straight into the chunk. Two buffers are used in turn: each chunk
 * stays valid until two more have been asked for.
 */
export function* ledgerCsvPieces(scored: ScoreOutput, bom = true, rowsModule: WebAssembly.Module | null = null): Generator<Uint8Array> {
  // Written by WebAssembly where it can (see ledger-wasm.ts), else below.
  const written = rowsModule === null ? undefined : wasmLedgerPieces(scored.ledger, bom, rowsModule, LEDGER_CHUNK_BYTES);
  if (written !== undefined) return yield* written;
  // The generator only hands out chunks; the rows are made by plain methods (LedgerWriter), which V8
  // optimises while the ledger is still being written. It used to optimise the generator itself, with all
  // of this inlined: ~30 ms of a background thread, in a city month often still running when the run
  // ended, and Node waits for such work before the process exits.
  // Nor does it loop over the rows: V8 cannot optimise a loop in a generator while it runs (on-stack
  // replacement), so a city month's ~4,000 rows would all go through the interpreter's loop.
  const writer = new LedgerWriter(bom);
  const ledger = scored.ledger;
  let next = 0;
  while (next < ledger.length) {
    next = writer.writeRows(ledger, next);
    if (writer.ready) yield writer.take();
  }
  if (writer.at > 0) yield writer.take();
}

/** Writes ledger rows into two buffers taken in turn (see ledgerCsvPieces). */
class LedgerWriter {
  private readonly buffers = [Buffer.allocUnsafe(2 * LEDGER_CHUNK_BYTES), Buffer.allocUnsafe(2 * LEDGER_CHUNK_BYTES)];
  private turn = 0;
  private out: Buffer;
  at: number;
  // The entry prepare() made ready for write(), and its cells.
  private entry: LedgerEntry | undefined;
  private site: Buffer = EMPTY;
  private item: Buffer = EMPTY;
  private numbers: Buffer = EMPTY;
  private room = 0;
  private readonly separator = Buffer.from(SOURCE_SEPARATOR, 'utf8');
  private readonly cells = new LedgerCells();
  // The texts of the last three cells (测评员, 备注, 照片) as UTF-8 bytes, and how each bears on its cell's
  // quoting (see quotingOf): a cell is written from its texts' bytes, without a string per row.
  private readonly listTexts = new Map<string, ListText>();

  constructor(bom: boolean) {
    this.out = this.buffers[0]!;
    this.at = this.out.write(ledgerHeader(bom), 0, 'utf8');
  }

  /** A chunk is ready to be taken (see writeRows). */
  ready = false;
  /** writeRows stopped after preparing a row that did not fit behind what was written: it goes first. */
  private prepared = false;

  /**
   * Writes rows from `from` on until a chunk is ready to be taken or every row is written; returns the
   * row to go on from.
   */
  writeRows(ledger: readonly LedgerEntry[], from: number): number {
    let i = from;
    if (this.prepared) {
      this.prepared = false;
      i++;
      if (this.write()) {
        this.ready = true;
        return i;
      }
    }
    for (; i < ledger.length; i++) {
      // A row that does not fit behind what is written: that goes first.
      if (this.prepare(ledger[i]!)) {
        this.prepared = true;
        this.ready = true;
        return i;
      }
      if (this.write()) {
        this.ready = true;
        return i + 1;
      }
    }
    return i;
  }

  /** The bytes written since the last chunk, handed out; writing goes on in the other buffer. */
  take(): Uint8Array {
    this.ready = false;
    const chunk = this.out.subarray(0, this.at);
    this.turn = 1 - this.turn;
    this.out = this.buffers[this.turn]!;
    this.at = 0;
    return chunk;
  }

  /** Makes room for `size` more bytes, keeping what is written. */
  private reserve(size: number): void {
    if (this.at + size <= this.out.length) return;
    const grown = Buffer.allocUnsafe(Math.max(2 * this.out.length, this.at + size));
    this.out.copy(grown, 0, 0, this.at);
    this.buffers[this.turn] = this.out = grown;
  }

  /** Makes an entry's cells ready for write(); true when what is written must be taken first. */
  private prepare(e: LedgerEntry): boolean {
    this.entry = e;
    const site = this.cells.site(e);
    const item = this.cells.item(e);
    const numbers = this.cells.numbers(e);
    this.site = site;
    this.item = item;
    this.numbers = numbers;
    // The last three cells make their own room (see writeLists).
    this.room = site.length + item.length + numbers.length + e.sourceBytesBound(this.separator.length);
    return this.at + this.room > this.out.length && this.at > 0;
  }

  /** Writes the entry prepare() was given; true when a chunk is ready to be taken. */
  private write(): boolean {
    const e = this.entry!;
    this.reserve(this.room);
    const { site, item, numbers, separator } = this;
    const out = this.out;
    let at = this.at;
    out.set(site, at);
    at += site.length;
    out.set(item, at);
    at += item.length;
    out.set(numbers, at);
    at += numbers.length;
    const start = at;
    at = e.writeSources(out, at, separator);
    if (at < 0) {
      // Record ids, or a file name CSV must quote: the column is made as text.
      const text = csvCell(e.sourceLabels().join(SOURCE_SEPARATOR));
      this.at = start;
      this.reserve(3 * text.length);
      at = start + this.out.write(text, start, 'utf8');
    }
    const end = this.writeLists(e, at);
    if (end >= 0) at = end;
    else {
      // A text CSV must quote: the cells are made as text.
      const after = listCells(e.inspectors, e.notes, e.photos);
      this.roomAt(at, 3 * after.length);
      at += this.out.write(after, at, 'utf8');
    }
    this.at = at;
    return at >= LEDGER_CHUNK_BYTES;
  }

  /** `out` with room for `size` more bytes at `at`, keeping what is before `at`. */
  private roomAt(at: number, size: number): Buffer {
    if (at + size > this.out.length) {
      const grown = Buffer.allocUnsafe(Math.max(2 * this.out.length, at + size));
      this.out.copy(grown, 0, 0, at);
      this.buffers[this.turn] = this.out = grown;
    }
    return this.out;
  }

  /**
   * Writes the last three cells and the line end at `at` as listCells() makes them, from the texts' bytes;
   * returns where they end, or −1 when a cell must be quoted (nothing is then taken as written).
   */
  private writeLists(e: LedgerEntry, at: number): number {
    at = this.writeList(e.inspectors, at);
    if (at >= 0) at = this.writeList(e.notes, at);
    if (at >= 0) at = this.writeList(e.photos, at);
    if (at < 0) return -1;
    const out = this.roomAt(at, 2);
    out[at] = 0x0d;
    out[at + 1] = 0x0a;
    return at + 2;
  }

  /** A comma and one cell of texts joined by "; " (see writeLists). */
  private writeList(list: readonly string[], at: number): number {
    let out = this.roomAt(at, 1);
    out[at++] = 0x2c;
    const last = list.length - 1;
    for (let k = 0; k <= last; k++) {
      const text = this.listText(list[k]!);
      const quoting = text.quoting;
      if (quoting !== 0 && ((quoting & QUOTE_ANYWHERE) !== 0 || (k === 0 && (quoting & QUOTE_FIRST) !== 0) || (k === last && (quoting & QUOTE_LAST) !== 0))) return -1;
      const bytes = text.bytes;
      out = this.roomAt(at, bytes.length + 2);
      if (k > 0) {
        out[at++] = 0x3b;
        out[at++] = 0x20;
      }
      out.set(bytes, at);
      at += bytes.length;
    }
    return at;
  }

  private listText(text: string): ListText {
    let known = this.listTexts.get(text);
    if (known === undefined) {
      // An empty text (none is carried) would take the string way.
      known = { bytes: Buffer.from(text, 'utf8'), quoting: text === '' ? QUOTE_ANYWHERE : quotingOf(text) };
      this.listTexts.set(text, known);
    }
    return known;
  }
}

export function ledgerCsv(scored: ScoreOutput, bom = true): string {
  const chunks: Buffer[] = [];
  // Copied as they come: the generator reuses its buffer.
  for (const chunk of ledgerCsvPieces(scored, bom)) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

export function sitesCsv(ruleSet: RuleSet, scored: ScoreOutput, bom = true): string {
  const rows: Cell[][] = [[
    '点位编号', '点位', '地址', '测评项目编号', '测评项目', '单位编号', '单位', '牵头单位', '是否测评', '得分', '扣分',
    '一票否决', '问题数', '问题编号',
  ]];
  for (const s of scored.sites) {
    const unit = ruleSet.unitById.get(s.site.unit);
    const lead = leadOf(ruleSet, s.site);
    rows.push([
      s.site.id, s.site.name, s.site.address ?? '', s.site.category, ruleSet.categoryById.get(s.site.category)?.name,
      s.site.unit, unit?.name, lead ? (ruleSet.unitById.get(lead)?.name ?? lead) : '', yesNo(s.inspected),
      s.score?.toFixed(2) ?? '', s.deduction?.toFixed(2) ?? '', yesNo(s.veto), s.findings.length,
      s.findings.join(' '),
    ]);
  }
  return toCsv(rows, { bom });
}

export function rankingCsv(ruleSet: RuleSet, scored: ScoreOutput, withPrevious: boolean, bom = true): string {
  const components = (ruleSet.scoring.components ?? []).filter((c) => c.id !== 'field');
  const stars = ruleSet.scoring.stars !== undefined;
  const header: Cell[] = ['组别', '排名', '单位编号', '单位', '实地考察', ...components.map((c) => componentLabel(c.id)), '总分', '等级', '红榜', '黑榜', '测评点位数', '扣分合计'];
  if (stars) header.push('星级');
  if (withPrevious) header.push('较上期', '名次变化');
  const rows: Cell[][] = [header];
  for (const u of scored.units) {
    const row: Cell[] = [
      u.unit.group, u.rank ?? '未测评', u.unit.id, u.unit.name, u.field?.toFixed(2) ?? '',
      ...components.map((c) => u.components.get(c.id)?.toFixed(2) ?? ''),
      u.total?.toFixed(2) ?? '', u.grade ?? '', u.red ? '红榜' : '', u.black ? '黑榜' : '', u.sites,
      u.deduction?.toFixed(2) ?? '',
    ];
    if (stars) row.push(u.stars ?? '');
    if (withPrevious) {
      row.push(u.scoreChange === null ? '' : signed(u.scoreChange.toFixed(2)), u.rankChange === null ? '' : signed(String(u.rankChange)));
    }
    rows.push(row);
  }
  return toCsv(rows, { bom });
}

function signed(text: string): string {
  return /^-/.test(text) || /^0(\.0+)?$/.test(text) ? text : `+${text}`;
}

export function rejectedCsv(rejected: readonly RejectedRow[], language: Language, bom = true): string {
  // One line per rejected row, so the file's row count is summary.rejected.
  const rows: Cell[][] = [['文件', '行号', '点位编号', '测评标准编号', '数量', '日期', '记录编号', '字段', '错误代码', '原因']];
  for (const row of rejected) {
    const fields = [...new Set(row.diagnostics.map((d) => d.field).filter(Boolean))];
    rows.push([
      row.source.file, row.source.line, row.fields.site, row.fields.item, row.fields.count, row.fields.date,
      row.fields.recordId, fields.join('; '), row.diagnostics.map((d) => d.code).join('; '),
      row.diagnostics.map((d) => messageOf(d, language)).join('; '),
    ]);
  }
  return toCsv(rows, { bom });
}
