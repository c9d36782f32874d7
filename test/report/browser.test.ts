// The HTML report in a real Chromium (playwright-core driving Debian's chromium), and the PDF it prints.
// Skipped, with the reason in the test name, where there is no Chromium; CI installs it.

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS } from '../../src/cli/pdf.js';
import type { ResultsFile } from '../../src/core/results.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { CHROMIUM, HAS_CHROMIUM, NO_CHROMIUM_REASON, scoreSmall } from './setup.js';

if (!HAS_CHROMIUM) console.warn(NO_CHROMIUM_REASON);

const UNIT_NAMES = ['北湖区', '南山区', '湖滨街道', '人民路街道', '南门街道', '市交通运输局', '市市场监管局'];

describe('report --format html', () => {
  let results: string;
  beforeAll(async () => {
    results = path.join(await scoreSmall(), 'results.json');
  });

  it('is one self-contained file: inline styles and SVG, nothing fetched, same bytes every time', async () => {
    const first = await runCli(['report', results, '--format', 'html']);
    const second = await runCli(['report', results, '--format', 'html']);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(second.stdout);
    expect(first.stdout).toContain("default-src 'none'");
    expect(first.stdout).toContain('@page { size: A4');
    expect(first.stdout).not.toMatch(/<(script|link|img)\b/);
    expect(first.stdout).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(first.stdout.match(/<svg /g)).toHaveLength(4);
  });
});

describe.skipIf(!HAS_CHROMIUM)(HAS_CHROMIUM ? `report in Chromium (${CHROMIUM})` : NO_CHROMIUM_REASON, () => {
  let results: string;
  let ranked: number;
  let browser: Browser;
  let shots: string;
  beforeAll(async () => {
    results = path.join(await scoreSmall(), 'results.json');
    ranked = (JSON.parse(readFileSync(results, 'utf8')) as ResultsFile).units.filter((u) => u.rank !== null).length;
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    shots = tempDir('civscore-shots-');
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('renders the HTML: a row per ranked unit, the charts, no console errors, no requests', async () => {
    const file = path.join(tempDir(), 'report.html');
    expect((await runCli(['report', results, '--format', 'html', '--out', file])).code).toBe(0);
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, offline: true });
    const page = await context.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('request', (request) => {
      if (!request.url().startsWith('file:')) requests.push(request.url());
    });
    await page.goto(pathToFileURL(file).href);
    expect(await page.locator('table.ranking tbody tr.ranked').count()).toBe(ranked);
    expect(await page.locator('table.ranking tr.red').count()).toBe(3);
    expect(await page.locator('table.ranking tr.black').count()).toBe(3);
    expect(await page.locator('svg.bar-chart').count()).toBe(3);
    expect(await page.locator('svg.heat-map rect title').count()).toBe(7 * 3);
    expect(await page.locator('h1').textContent()).toBe('测试市文明城市实地考察模拟测评细则 2026-10 模拟测评情况通报');
    const rowText = await page.locator('table.ranking tr[data-id="D01"]').textContent();
    expect(rowText).toContain('北湖区');
    expect(rowText).toContain('97.99');
    // The CJK font is there: a Chinese heading is wider than a row of missing-glyph boxes would make it tall.
    const box = await page.locator('h1').boundingBox();
    expect(box!.width).toBeGreaterThan(300);
    const shot = path.join(shots, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(statSync(shot).size).toBeGreaterThan(20_000);
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
    await context.close();
  });

  const hasPoppler = existsSync('/usr/bin/pdftotext') && existsSync('/usr/bin/pdfinfo');
  it.skipIf(!hasPoppler)(`prints an A4 PDF with the Chinese names in it${hasPoppler ? '' : ' (SKIPPED: no pdftotext; apt-get install poppler-utils)'}`, async () => {
    const file = path.join(tempDir(), '通报.pdf');
    const run = await runCli(['report', results, '--format', 'pdf', '--out', file], { CHROME_PATH: CHROMIUM });
    expect(run.stderr).toContain('wrote');
    expect(run.code).toBe(0);
    expect(readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-');
    const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
    const pages = Number(/^Pages:\s+(\d+)/m.exec(info)![1]);
    // A page per section at least (ranking, lists, categories, problems, weakest units), and not many more.
    expect(pages).toBeGreaterThanOrEqual(5);
    expect(pages).toBeLessThanOrEqual(8);
    expect(info).toMatch(/Page size:\s+59[45]\.\d* x 841\.\d* pts \(A4\)/);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    for (const name of UNIT_NAMES) expect(text).toContain(name);
    expect(text).toContain('模拟测评指数');
    expect(text).toContain('路面平整，无破损、坑洼');
    expect(text).toMatch(/第 1 页，共 \d+ 页/);
  });
});
