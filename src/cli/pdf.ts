// Printing HTML to PDF with a real Chromium (Debian's package, driven by playwright-core): the browser lays
// out Chinese text, tables and SVG exactly as it does on screen. The page is given as a string and every
// request is refused, so printing never reaches the network.

import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';

/** Flags for a headless browser that must not phone home, update itself or need a GPU or a sandbox. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

export interface ChromiumLookup {
  path?: string;
  /** Where we looked, for the message when nothing was found. */
  tried: string[];
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `CHROME_PATH` when set (and only it: a wrong setting should not silently fall back), else Debian's chromium. */
export function findChromium(env: NodeJS.ProcessEnv): ChromiumLookup {
  const candidates = env.CHROME_PATH ? [env.CHROME_PATH] : [DEFAULT_CHROMIUM, '/usr/bin/chromium-browser'];
  const found = candidates.find(isExecutable);
  return found ? { path: found, tried: candidates } : { tried: candidates };
}

const FOOTER_TEMPLATE =
  '<div style="width:100%;text-align:center;font-size:8px;color:#666;' +
  "font-family:'Noto Sans CJK SC','Source Han Sans SC',sans-serif\">" +
  '第 <span class="pageNumber"></span> 页，共 <span class="totalPages"></span> 页</div>';

export async function printPdf(html: string, executablePath: string): Promise<Uint8Array> {
  // Through require (playwright-core is CommonJS), as exceljs in report-xlsx.ts.
  const { chromium } = createRequire(import.meta.url)('playwright-core') as typeof import('playwright-core');
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true, timeout: 60_000 });
  try {
    const context = await browser.newContext({ offline: true, javaScriptEnabled: false });
    const page = await context.newPage();
    await page.route('**/*', (route) => route.abort());
    await page.setContent(html, { waitUntil: 'load' });
    const pdf = await page.pdf({
      format: 'A4',
      printBackground: true,
      preferCSSPageSize: true,
      displayHeaderFooter: true,
      headerTemplate: '<div></div>',
      footerTemplate: FOOTER_TEMPLATE,
    });
    return new Uint8Array(pdf);
  } finally {
    await browser.close();
  }
}
