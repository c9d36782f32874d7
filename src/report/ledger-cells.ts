// The cells of ledger.csv's rows as UTF-8 bytes, made once per distinct value: both ledger writers (the
// JavaScript one in score-files.ts and the WebAssembly one in ledger-wasm.ts) take them from here, so they
// write the same bytes.

import type { Rational } from '../core/rational.js';
import type { LedgerEntry } from '../core/score.js';
import { csvCell, type Cell } from './csv.js';

export const LEDGER_HEADER: Cell[] = [
  '单位编号', '单位', '点位编号', '点位', '测评项目', '测评标准编号', '测评标准', '数量', '单项分值', '倍数',
  '应扣分', '实扣分', '一票否决', '重复出现', '来源', '测评员', '备注', '照片',
];
export const SOURCE_SEPARATOR = '; ';

const yesNo = (value: boolean): string => (value ? '是' : '否');

/** The ledger's first line, with the byte order mark when asked for. */
export function ledgerHeader(bom: boolean): string {
  return `${bom ? '\uFEFF' : ''}${LEDGER_HEADER.map(csvCell).join(',')}\r\n`;
}

/** A comma and one of the ledger's last cells (测评员, 备注, 照片): its texts joined by "; ". */
export function listCell(texts: readonly string[]): string {
  return `,${csvCell(texts.join(SOURCE_SEPARATOR))}`;
}

/** CSV cells, each followed by a comma, as UTF-8 bytes (a function of its own: see LedgerWriter). */
function cellsBytes(cells: readonly string[]): Buffer {
  return Buffer.from(`${cells.map(csvCell).join(',')},`, 'utf8');
}

/**
 * Most cells repeat from row to row: the site's, the item's, and the numbers of an item found n times. They
 * are kept as UTF-8 bytes, each with the comma that follows it.
 */
export class LedgerCells {
  private readonly siteCells = new Map<string, Buffer>();
  private readonly itemCells = new Map<string, Buffer>();
  // The numbers, by the entry's numbersKey (one per item, count and repeat), and by their texts.
  private readonly numberCells = new Map<object, Buffer>();
  private readonly numbersByText = new Map<string, Buffer>();
  // Texts of the rule set's own numbers (points, caps, multipliers): a few objects, each written once.
  private readonly ruleNumberTexts = new Map<Rational, string>();

  /** 单位编号 … 测评项目, each followed by a comma. */
  site(e: LedgerEntry): Buffer {
    let site = this.siteCells.get(e.site.id);
    if (site === undefined) {
      site = cellsBytes([e.unit.id, e.unit.name, e.site.id, e.site.name, e.category.name]);
      this.siteCells.set(e.site.id, site);
    }
    return site;
  }

  /** 测评标准编号 and 测评标准, each followed by a comma. */
  item(e: LedgerEntry): Buffer {
    let item = this.itemCells.get(e.item.code);
    if (item === undefined) {
      item = cellsBytes([e.item.code, e.item.text]);
      this.itemCells.set(e.item.code, item);
    }
    return item;
  }

  /** 数量 … 重复出现, each followed by a comma. */
  numbers(e: LedgerEntry): Buffer {
    let numbers = this.numberCells.get(e.numbersKey);
    if (numbers === undefined) {
      // A month has thousands of (item, count, repeat) but a hundred or so distinct numbers cells: items share
      // their points, multiplier and cap, which decide the rest. Each cell is made once.
      const points = this.ruleNumberText(e.points);
      const multiplier = this.ruleNumberText(e.multiplier);
      // applied is raw itself or the item's cap.
      const cap = e.applied === e.raw ? '' : this.ruleNumberText(e.applied);
      const key = `${e.n} ${points} ${multiplier} ${cap} ${e.veto} ${e.repeat}`;
      numbers = this.numbersByText.get(key);
      if (numbers === undefined) {
        const raw = e.raw.toExactString();
        // One template, no array: a mixed array of numbers and strings here cost a deoptimisation.
        numbers = Buffer.from(
          `${e.n},${csvCell(points)},${csvCell(multiplier)},${csvCell(raw)},${csvCell(cap === '' ? raw : cap)},${yesNo(e.veto)},${yesNo(e.repeat)},`,
          'utf8',
        );
        this.numbersByText.set(key, numbers);
      }
      this.numberCells.set(e.numbersKey, numbers);
    }
    return numbers;
  }

  private ruleNumberText(value: Rational): string {
    let text = this.ruleNumberTexts.get(value);
    if (text === undefined) {
      text = value.toExactString();
      this.ruleNumberTexts.set(value, text);
    }
    return text;
  }
}
