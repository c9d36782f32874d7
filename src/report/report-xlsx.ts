// The report as an Excel workbook, the form offices circulate: 排名, 分类得分, 点位得分, 扣分明细, 说明.
// Numbers are stored as numbers with display formats (so sums and filters work in Excel), headers are
// frozen, widths fit Chinese text, and the bytes depend only on the data (no clock).
// exceljs is large and slow to load, so it is required only when a workbook is asked for.

import { createRequire } from 'node:module';
import type { Cell, Workbook, Worksheet } from 'exceljs';
import stringWidth from 'string-width';
import { cellText, isNumericKind, sectionNumber, type CellKind, type CellValue, type ReportModel, type ReportTable, type RowMark } from './report-model.js';
import { setZipDates } from './zip-dates.js';

export const SHEET_NAMES = { ranking: '排名', categories: '分类得分', sites: '点位得分', ledger: '扣分明细', about: '说明' } as const;

/** Excel display formats by kind: changes keep their sign as an arrow while staying numbers. */
export const NUMBER_FORMATS: Record<CellKind, string | undefined> = {
  text: undefined,
  int: '0',
  score: '0.00',
  decimal: '0.00##',
  change: '"↑"0.00;"↓"0.00;0.00',
  'rank-change': '"↑"0;"↓"0;0',
  stars: '0"★"',
};

const FILLS: Record<RowMark, string | undefined> = { red: 'FFFADBD8', black: 'FFD5D8DC', unscored: undefined };
const HEADER_FILL = 'FFE8ECF0';
const MAX_COLUMN_WIDTH = 60;

/** A fixed date for the workbook's properties and zip entries: the start of the period, else 2000-01-01. */
export function reportDate(period: string | null): Date {
  const month = /^(\d{4})-(\d{2})$/.exec(period ?? '');
  if (month) return new Date(Date.UTC(Number(month[1]), Number(month[2]) - 1, 1));
  const quarter = /^(\d{4})-?Q([1-4])$/i.exec(period ?? '');
  if (quarter) return new Date(Date.UTC(Number(quarter[1]), (Number(quarter[2]) - 1) * 3, 1));
  const half = /^(\d{4})-?H([12])$/i.exec(period ?? '');
  if (half) return new Date(Date.UTC(Number(half[1]), (Number(half[2]) - 1) * 6, 1));
  const year = /^(\d{4})/.exec(period ?? '');
  if (year && Number(year[1]) >= 1980) return new Date(Date.UTC(Number(year[1]), 0, 1));
  return new Date(Date.UTC(2000, 0, 1));
}

function solid(argb: string): Cell['fill'] {
  return { type: 'pattern', pattern: 'solid', fgColor: { argb } };
}

function setCell(cell: Cell, value: CellValue, kind: CellKind): void {
  if (value === null || value === '') return;
  cell.value = value;
  const format = NUMBER_FORMATS[kind];
  if (typeof value === 'number' && format) cell.numFmt = format;
  if (typeof value === 'string' && isNumericKind(kind)) cell.alignment = { horizontal: 'right' };
}

class WidthTracker {
  private readonly widths: number[] = [];

  see(column: number, text: string): void {
    const width = Math.max(...text.split('\n').map((line) => stringWidth(line)));
    this.widths[column] = Math.max(this.widths[column] ?? 0, width);
  }

  apply(sheet: Worksheet, minimum = 6): void {
    this.widths.forEach((width, index) => {
      // Excel's width unit is about one Latin character; a CJK character takes two.
      sheet.getColumn(index + 1).width = Math.min(MAX_COLUMN_WIDTH, Math.max(minimum, width + 2));
    });
  }
}

function styleHeader(sheet: Worksheet, rowNumber: number, columns: number): void {
  const row = sheet.getRow(rowNumber);
  for (let c = 1; c <= columns; c++) {
    const cell = row.getCell(c);
    cell.font = { bold: true };
    cell.fill = solid(HEADER_FILL);
    cell.alignment = { horizontal: 'center', vertical: 'middle' };
    cell.border = { bottom: { style: 'thin', color: { argb: 'FF999999' } } };
  }
}

/** Writes `table` starting at `startRow`; returns the next free row. */
function writeTable(sheet: Worksheet, table: ReportTable, startRow: number, widths: WidthTracker): number {
  const header = sheet.getRow(startRow);
  table.columns.forEach((column, c) => {
    header.getCell(c + 1).value = column.title;
    widths.see(c, column.title);
  });
  styleHeader(sheet, startRow, table.columns.length);
  table.rows.forEach((row, r) => {
    const excelRow = sheet.getRow(startRow + 1 + r);
    table.columns.forEach((column, c) => {
      const value = row.cells[c] ?? null;
      const cell = excelRow.getCell(c + 1);
      setCell(cell, value, column.kind);
      widths.see(c, cellText(value, column.kind));
      if (column.title === '红榜/黑榜' && value === '红榜') cell.font = { bold: true, color: { argb: 'FFC62828' } };
      if (column.title === '红榜/黑榜' && value === '黑榜') cell.font = { bold: true, color: { argb: 'FF263238' } };
    });
    const fill = row.mark ? FILLS[row.mark] : undefined;
    for (let c = 1; c <= table.columns.length; c++) {
      const cell = excelRow.getCell(c);
      if (fill) cell.fill = solid(fill);
      if (row.mark === 'unscored') cell.font = { color: { argb: 'FF888888' } };
    }
  });
  return startRow + 1 + table.rows.length;
}

function addTableSheet(workbook: Workbook, name: string, title: string, table: ReportTable, frozenColumns = 0): Worksheet {
  const sheet = workbook.addWorksheet(name, {
    views: [{ state: 'frozen', xSplit: frozenColumns, ySplit: 1, topLeftCell: `${columnLetter(frozenColumns + 1)}2`, activeCell: 'A2' }],
    pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '1:1' },
    headerFooter: { oddHeader: `&C&"-,Bold"${title.replace(/&/g, '&&')}`, oddFooter: '&C第 &P 页，共 &N 页' },
  });
  const widths = new WidthTracker();
  writeTable(sheet, table, 1, widths);
  widths.apply(sheet);
  if (table.columns.length > 0 && table.rows.length > 0) {
    sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1 + table.rows.length, column: table.columns.length } };
  }
  return sheet;
}

function columnLetter(index: number): string {
  let letters = '';
  for (let n = index; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

function addAboutSheet(workbook: Workbook, model: ReportModel): void {
  const sheet = workbook.addWorksheet(SHEET_NAMES.about, { pageSetup: { paperSize: 9, orientation: 'portrait', fitToPage: true, fitToWidth: 1, fitToHeight: 0 } });
  const widths = new WidthTracker();
  let row = 1;
  const put = (values: CellValue[], kinds: CellKind[] = [], bold = false): void => {
    const excelRow = sheet.getRow(row++);
    values.forEach((value, c) => {
      const kind = kinds[c] ?? 'text';
      setCell(excelRow.getCell(c + 1), value, kind);
      if (bold) excelRow.getCell(c + 1).font = { bold: true };
      // A long sentence in column A should not widen it: it spills into the empty cells on its right.
      if (values.length > 1) widths.see(c, cellText(value, kind));
    });
  };
  put([model.title], [], true);
  sheet.getRow(1).font = { bold: true, size: 14 };
  for (const { label, value } of model.meta) {
    if (label === '模拟测评指数' && model.index !== undefined && model.index !== null) put([label, model.index], ['text', 'score']);
    else put([label, value]);
  }
  model.sections.forEach((section, index) => {
    if (section.kind !== 'lists' && section.kind !== 'problems') return;
    row++;
    put([`${sectionNumber(index)}${section.title}`], [], true);
    row = writeTable(sheet, section.table, row, widths);
    if (section.note) put([section.note]);
  });
  row++;
  put(['数据说明'], [], true);
  if (model.summary) put([model.summary]);
  for (const file of model.files) put([file.label, file.name, `sha256 ${file.sha256}`]);
  for (const note of model.notes) put([note]);
  widths.apply(sheet, 10);
}

export async function renderReportXlsx(model: ReportModel): Promise<Uint8Array> {
  // Through require (exceljs is CommonJS): the CLI's bundle runs as CommonJS scripts, where import() of a
  // package outside it would need Node's experimental vm loader (see bin/load-bundle.cjs).
  const ExcelJS = createRequire(import.meta.url)('exceljs') as typeof import('exceljs');
  const workbook = new ExcelJS.Workbook();
  const stamp = reportDate(model.period);
  workbook.creator = 'civscore';
  workbook.lastModifiedBy = 'civscore';
  workbook.created = stamp;
  workbook.modified = stamp;
  workbook.title = model.title;

  addTableSheet(workbook, SHEET_NAMES.ranking, model.title, model.unitsTable, 4);
  if (model.categoryMatrix) addTableSheet(workbook, SHEET_NAMES.categories, `${model.title} 分类得分`, model.categoryMatrix, 2);
  if (model.sitesTable) addTableSheet(workbook, SHEET_NAMES.sites, `${model.title} 点位得分`, model.sitesTable, 2);
  if (model.kind === 'results') {
    const ledger: ReportTable = model.ledgerTable ?? {
      columns: [{ title: '说明', kind: 'text' }],
      rows: [{ cells: ['未找到本次测评的 ledger.csv（与 results.json 同一文件夹），扣分明细从缺。'] }],
    };
    addTableSheet(workbook, SHEET_NAMES.ledger, `${model.title} 扣分明细`, ledger, 0);
  }
  addAboutSheet(workbook, model);

  const buffer = await workbook.xlsx.writeBuffer();
  return setZipDates(new Uint8Array(buffer as ArrayBuffer), stamp);
}
