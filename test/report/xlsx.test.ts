// `civscore report --format xlsx`: read back with exceljs, as Excel and LibreOffice would see it.

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { scoreSmall } from './setup.js';

const RED = 'FFFADBD8';
const BLACK = 'FFD5D8DC';

function fillOf(cell: ExcelJS.Cell): string | undefined {
  const fill = cell.fill as ExcelJS.FillPattern | undefined;
  return fill?.type === 'pattern' && fill.pattern === 'solid' ? fill.fgColor?.argb : undefined;
}

describe('report --format xlsx (fixtures/small)', () => {
  let results: string;
  let file: string;
  let workbook: ExcelJS.Workbook;
  beforeAll(async () => {
    results = path.join(await scoreSmall(), 'results.json');
    file = path.join(tempDir(), '通报.xlsx');
    const run = await runCli(['report', results, '--format', 'xlsx', '--out', file]);
    if (run.code !== 0) throw new Error(run.stderr);
    workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
  });

  it('has the five sheets in order', () => {
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['排名', '分类得分', '点位得分', '扣分明细', '说明']);
  });

  it('stores scores as numbers with 0.00 and changes keep their arrows as a format', () => {
    const sheet = workbook.getWorksheet('排名')!;
    expect(sheet.getRow(1).values).toEqual([
      undefined, '组别', '排名', '单位编号', '单位', '总分', '实地考察', '等级', '红榜/黑榜', '测评点位数', '扣分合计', '薄弱项目（得分）',
    ]);
    const d01 = sheet.getRow(2);
    expect(d01.getCell(4).value).toBe('北湖区');
    expect(d01.getCell(5).value).toBe(97.99);
    expect(d01.getCell(5).numFmt).toBe('0.00');
    expect(d01.getCell(2).value).toBe(1);
    expect(d01.getCell(10).value).toBe(7.25);
    expect(d01.getCell(11).value).toBe('农贸市场 97.00；主次干道 98.25；公交站点 99.25');
  });

  it('freezes the header row (and the name columns) on every table sheet', () => {
    const frozen = Object.fromEntries(
      ['排名', '分类得分', '点位得分', '扣分明细'].map((name) => {
        const view = workbook.getWorksheet(name)!.views[0] as ExcelJS.WorksheetViewFrozen;
        return [name, [view.state, view.xSplit, view.ySplit]];
      }),
    );
    expect(frozen).toEqual({ 排名: ['frozen', 4, 1], 分类得分: ['frozen', 2, 1], 点位得分: ['frozen', 2, 1], 扣分明细: ['frozen', 0, 1] });
  });

  it('fills the red- and black-listed rows', () => {
    const sheet = workbook.getWorksheet('排名')!;
    const fills = [2, 3, 4, 5, 6].map((r) => [sheet.getRow(r).getCell(4).value, fillOf(sheet.getRow(r).getCell(1))]);
    expect(fills).toEqual([
      ['北湖区', RED], ['南山区', BLACK], ['湖滨街道', RED], ['人民路街道', undefined], ['南门街道', BLACK],
    ]);
  });

  it('fits column widths to Chinese text', () => {
    const sheet = workbook.getWorksheet('排名')!;
    // 市市场监管局: 6 characters, 12 columns wide, plus padding.
    expect(sheet.getColumn(4).width).toBe(14);
  });

  it('has the category × unit scores, the sites and the full ledger', () => {
    const categories = workbook.getWorksheet('分类得分')!;
    expect(categories.getRow(3).values).toEqual([undefined, 'C02', '农贸市场', 2, 48.5, 1, 97, 0, undefined, 97, 0, undefined, 48.5]);
    const sites = workbook.getWorksheet('点位得分')!;
    expect(sites.rowCount).toBe(9);
    expect(sites.getRow(2).getCell(2).value).toBe('人民路');
    expect(sites.getRow(9).getCell(8).value).toBe('否');
    const ledger = workbook.getWorksheet('扣分明细')!;
    expect(ledger.rowCount).toBe(9);
    expect(ledger.getRow(1).getCell(7).value).toBe('测评标准');
    const s03 = ledger.getRow(4);
    expect([s03.getCell(3).value, s03.getCell(8).value, s03.getCell(9).value, s03.getCell(11).value, s03.getCell(12).value]).toEqual(['S03', 3, 1.25, 3.75, 2.5]);
    expect(typeof s03.getCell(12).value).toBe('number');
    expect(fillOf(ledger.getRow(7).getCell(1))).toBe(BLACK);
  });

  it('explains itself on 说明: title, index, lists, problems, input files', () => {
    const about = workbook.getWorksheet('说明')!;
    const texts: string[] = [];
    about.eachRow((row) => row.eachCell((cell) => texts.push(String(cell.value))));
    expect(texts[0]).toBe('测试市文明城市实地考察模拟测评细则 2026-10 模拟测评情况通报');
    expect(texts).toContain('80.64');
    expect(texts).toContain('北湖区（97.99）');
    expect(texts).toContain('路面平整，无破损、坑洼');
    expect(texts.some((t) => t.startsWith('sha256 c705b0ad0a16'))).toBe(true);
  });

  it('is byte-for-byte reproducible, dated by its period rather than the clock', async () => {
    const again = path.join(tempDir(), 'again.xlsx');
    await new Promise((resolve) => setTimeout(resolve, 2100));
    await runCli(['report', results, '--format', 'xlsx', '--out', again]);
    expect(readFileSync(again).equals(readFileSync(file))).toBe(true);
    expect(workbook.created.toISOString()).toBe('2026-10-01T00:00:00.000Z');
    expect(workbook.modified.toISOString()).toBe('2026-10-01T00:00:00.000Z');
  });

  const soffice = ['/usr/bin/soffice', '/usr/bin/libreoffice'].find((p) => existsSync(p));
  it.skipIf(!soffice)(`opens in LibreOffice${soffice ? '' : ' (SKIPPED: no soffice; apt-get install libreoffice-calc-nogui)'}`, () => {
    const out = tempDir();
    execFileSync(soffice!, ['--headless', `-env:UserInstallation=file://${out}/profile`, '--convert-to', 'pdf', '--outdir', out, file], { stdio: 'pipe', timeout: 120_000 });
    expect(readdirSync(out)).toContain('通报.pdf');
    expect(readFileSync(path.join(out, '通报.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
  });
});
