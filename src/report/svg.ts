// Charts drawn as inline SVG text, so an HTML report needs no script, no network and no chart library, and
// the same data always gives the same bytes. Text widths are estimated from east-asian widths (a CJK
// character is one em, a digit about half), which is close enough to lay out labels without a browser.
//
// Coordinates are computed in floating point: they only place marks on a page. Every score shown as text
// is formatted from the 2-decimal number given, never from a computed one.

import stringWidth from 'string-width';

export const CHART_FONT = "'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei','PingFang SC',sans-serif";

/** Colours of the lists, shared with the HTML tables so a chart and its table read alike. */
export const MARK_COLOURS = { red: '#c62828', black: '#263238', plain: '#5b8db8', empty: '#eceff1' } as const;

export type Mark = 'red' | 'black' | null;

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A coordinate with at most one decimal and no `-0`, so output bytes do not depend on tiny float noise. */
export function coord(value: number): string {
  const rounded = Math.round(value * 10) / 10;
  return Object.is(rounded, -0) ? '0' : String(rounded);
}

export function textWidth(text: string, fontSize: number): number {
  return (stringWidth(text) * fontSize) / 2;
}

function svgOpen(width: number, height: number, label: string, className: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart ${className}" viewBox="0 0 ${coord(width)} ${coord(height)}" ` +
    `width="${coord(width)}" height="${coord(height)}" role="img" aria-label="${escapeXml(label)}" ` +
    `font-family="${escapeXml(CHART_FONT)}" font-size="12">`
  );
}

function titleText(title: string | undefined, x: number): string {
  return title ? `<text x="${coord(x)}" y="18" font-size="14" font-weight="bold" fill="#222">${escapeXml(title)}</text>` : '';
}

/** A round step for about `target` ticks over `span` (1, 2, 5 × 10^k). */
function niceStep(span: number, target: number): number {
  const raw = span / Math.max(1, target);
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const factor of [1, 2, 5, 10]) if (factor * power >= raw) return factor * power;
  return 10 * power;
}

function ticks(min: number, max: number, target: number): number[] {
  const step = niceStep(max - min, target);
  const out: number[] = [];
  for (let i = Math.ceil(min / step); i * step <= max + step / 1e6; i++) out.push(Number((i * step).toPrecision(12)));
  return out;
}

/**
 * A value axis that starts near the data rather than at 0: scores of 85–97 drawn from 0 would look equal.
 * The axis is labelled, so the cut is visible.
 */
export function scoreDomain(values: readonly number[], fullScore = 100): { min: number; max: number } {
  if (values.length === 0) return { min: 0, max: fullScore };
  const low = Math.min(...values);
  const high = Math.max(...values);
  const max = high <= fullScore ? fullScore : high;
  const step = niceStep(max - low || 1, 5);
  let min = Math.floor(low / step) * step;
  // The lowest bar keeps at least half a step of length, or it would look like no score at all.
  if (low - min < step / 2) min -= step;
  return { min: Math.max(0, Math.min(min, max - step)), max };
}

function tickLabel(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(2)));
}

// ── bar chart ──────────────────────────────────────────────────────────────────────────────────────────

export interface BarDatum {
  label: string;
  /** null: not scored; shown with `emptyText` and no bar. */
  value: number | null;
  /** The text printed after the bar (default: value with 2 decimals). */
  valueText?: string;
  mark?: Mark;
}

export interface BarChartOptions {
  title?: string;
  /** Total width in px (default 640). */
  width?: number;
  min?: number;
  max?: number;
  /** Shown for a bar without a value (default 未测评). */
  emptyText?: string;
  /** Legend entries for the marks present (default 红榜 / 黑榜). */
  legend?: { red?: string; black?: string; plain?: string };
}

/** Horizontal bars, one per row in the given order; red- and black-listed bars coloured as such. */
export function barChart(bars: readonly BarDatum[], options: BarChartOptions = {}): string {
  const width = options.width ?? 640;
  const fontSize = 12;
  const rowHeight = 22;
  const barHeight = 14;
  const top = options.title ? 30 : 8;
  const axisHeight = 20;
  const labelWidth = Math.max(40, ...bars.map((b) => textWidth(b.label, fontSize))) + 10;
  const valueWidth = Math.max(textWidth('100.00', fontSize), ...bars.map((b) => textWidth(b.valueText ?? b.value?.toFixed(2) ?? options.emptyText ?? '未测评', fontSize))) + 10;
  const plotLeft = labelWidth;
  const plotWidth = Math.max(80, width - labelWidth - valueWidth);
  const values = bars.flatMap((b) => (b.value === null ? [] : [b.value]));
  const domain = scoreDomain(values);
  const min = options.min ?? domain.min;
  const max = options.max ?? domain.max;
  const x = (value: number): number => plotLeft + (Math.min(Math.max(value, min), max) - min) / (max - min || 1) * plotWidth;
  const plotTop = top + axisHeight;
  const plotHeight = bars.length * rowHeight;
  const marks = new Set(bars.map((b) => b.mark ?? null));
  const legendItems: [string, string][] = [];
  if (marks.has('red')) legendItems.push([MARK_COLOURS.red, options.legend?.red ?? '红榜']);
  if (marks.has('black')) legendItems.push([MARK_COLOURS.black, options.legend?.black ?? '黑榜']);
  if (legendItems.length > 0 && marks.has(null)) legendItems.unshift([MARK_COLOURS.plain, options.legend?.plain ?? '其他']);
  const legendHeight = legendItems.length > 0 ? 24 : 4;
  const height = plotTop + plotHeight + legendHeight;
  const label = options.title ?? '柱状图';

  const parts: string[] = [svgOpen(width, height, label, 'bar-chart'), titleText(options.title, 0)];
  parts.push(`<g class="axis" fill="#666" font-size="10" text-anchor="middle">`);
  for (const tick of ticks(min, max, 5)) {
    const tx = x(tick);
    parts.push(
      `<line x1="${coord(tx)}" y1="${coord(plotTop - 4)}" x2="${coord(tx)}" y2="${coord(plotTop + plotHeight)}" stroke="#ddd" stroke-width="1"/>` +
        `<text x="${coord(tx)}" y="${coord(plotTop - 7)}">${tickLabel(tick)}</text>`,
    );
  }
  parts.push('</g>');
  bars.forEach((bar, index) => {
    const rowTop = plotTop + index * rowHeight;
    const baseline = rowTop + rowHeight / 2 + fontSize / 2 - 2;
    const colour = bar.mark === 'red' ? MARK_COLOURS.red : bar.mark === 'black' ? MARK_COLOURS.black : MARK_COLOURS.plain;
    const valueText = bar.value === null ? (options.emptyText ?? '未测评') : (bar.valueText ?? bar.value.toFixed(2));
    parts.push(`<g class="bar${bar.mark ? ` ${bar.mark}` : ''}">`);
    parts.push(`<text x="${coord(plotLeft - 6)}" y="${coord(baseline)}" text-anchor="end" fill="#222">${escapeXml(bar.label)}</text>`);
    if (bar.value === null) {
      parts.push(`<text x="${coord(plotLeft + 4)}" y="${coord(baseline)}" fill="#999">${escapeXml(valueText)}</text>`);
    } else {
      const end = x(bar.value);
      parts.push(
        `<rect x="${coord(plotLeft)}" y="${coord(rowTop + (rowHeight - barHeight) / 2)}" width="${coord(Math.max(1, end - plotLeft))}" height="${barHeight}" fill="${colour}">` +
          `<title>${escapeXml(`${bar.label} ${valueText}`)}</title></rect>`,
      );
      parts.push(`<text x="${coord(end + 4)}" y="${coord(baseline)}" fill="${bar.mark ? colour : '#222'}"${bar.mark ? ' font-weight="bold"' : ''}>${escapeXml(valueText)}</text>`);
    }
    parts.push('</g>');
  });
  parts.push(`<line x1="${coord(plotLeft)}" y1="${coord(plotTop - 4)}" x2="${coord(plotLeft)}" y2="${coord(plotTop + plotHeight)}" stroke="#888" stroke-width="1"/>`);
  parts.push(legend(legendItems, plotLeft, plotTop + plotHeight + 16));
  parts.push('</svg>');
  return parts.join('');
}

function legend(items: readonly [string, string][], left: number, baseline: number): string {
  let offset = left;
  const parts: string[] = [];
  for (const [colour, text] of items) {
    parts.push(
      `<rect x="${coord(offset)}" y="${coord(baseline - 9)}" width="10" height="10" fill="${colour}"/>` +
        `<text x="${coord(offset + 14)}" y="${coord(baseline)}" fill="#444">${escapeXml(text)}</text>`,
    );
    offset += 14 + textWidth(text, 12) + 16;
  }
  return parts.length ? `<g class="legend">${parts.join('')}</g>` : '';
}

// ── heat map ───────────────────────────────────────────────────────────────────────────────────────────

export interface HeatMapData {
  rows: readonly string[];
  columns: readonly string[];
  /** cells[row][column]; null = no value (drawn blank). */
  cells: readonly (readonly (number | null)[])[];
}

export interface HeatMapOptions {
  title?: string;
  /** Colour scale ends (default: the data's lowest and highest value). */
  min?: number;
  max?: number;
  /** Side of a cell in px (default 16; values are printed in cells of 30 px or more). */
  cell?: number;
  /** Texts for the legend ends and for empty cells. */
  lowText?: string;
  highText?: string;
  emptyText?: string;
}

const HEAT_STOPS: readonly [number, [number, number, number]][] = [
  [0, [215, 48, 39]],
  [0.5, [254, 224, 139]],
  [1, [26, 152, 80]],
];

/** Red (low) → yellow → green (high); `t` in 0..1. */
export function heatColour(t: number): string {
  const clamped = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 1));
  let index = 0;
  while (index < HEAT_STOPS.length - 2 && clamped > HEAT_STOPS[index + 1]![0]) index++;
  const [t0, c0] = HEAT_STOPS[index]!;
  const [t1, c1] = HEAT_STOPS[index + 1]!;
  const f = (clamped - t0) / (t1 - t0);
  const channel = (i: number): string => Math.round(c0[i]! + (c1[i]! - c0[i]!) * f).toString(16).padStart(2, '0');
  return `#${channel(0)}${channel(1)}${channel(2)}`;
}

/** The value at fraction `q` of the sorted values (nearest rank): robust to one outlier, unlike the minimum. */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(q * (sorted.length - 1))))]!;
}

/**
 * Rows × columns of coloured cells. Column labels are set vertically, as Chinese is in narrow table
 * headers (a label at an angle would need wider cells not to run into the next one). The colour scale
 * starts at the 5th percentile, so a single vetoed 0 does not turn every other cell the same green; lower
 * values get the lowest colour.
 */
export function heatMap(data: HeatMapData, options: HeatMapOptions = {}): string {
  const cell = options.cell ?? 16;
  const fontSize = 12;
  const top = options.title ? 30 : 8;
  const values = data.cells.flat().filter((v): v is number => v !== null);
  const lowest = values.length ? Math.min(...values) : 0;
  const min = options.min ?? (values.length ? quantile(values, 0.05) : 0);
  const max = options.max ?? (values.length ? Math.max(...values) : 100);
  const labelWidth = Math.max(40, ...data.rows.map((r) => textWidth(r, fontSize))) + 8;
  const columnFont = cell < 20 ? 11 : 12;
  // Vertical CJK text advances one em per character; latin runs are turned sideways and take about half.
  const headerHeight = Math.max(24, ...data.columns.map((c) => textWidth(c, columnFont))) + 8;
  const gridLeft = labelWidth;
  const gridTop = top + headerHeight;
  const gridWidth = data.columns.length * cell;
  const gridHeight = data.rows.length * cell;
  const legendTop = gridTop + gridHeight + 14;
  const width = Math.max(gridLeft + gridWidth + 4, gridLeft + 300);
  const height = legendTop + 28;
  const showValues = cell >= 30;
  const parts: string[] = [svgOpen(width, height, options.title ?? '热力图', 'heat-map'), titleText(options.title, 0)];

  parts.push(`<g class="columns" fill="#333" font-size="${columnFont}">`);
  data.columns.forEach((column, c) => {
    const cx = gridLeft + c * cell + cell / 2;
    parts.push(`<text x="${coord(cx)}" y="${coord(gridTop - 4)}" style="writing-mode:vertical-rl" text-anchor="end">${escapeXml(column)}</text>`);
  });
  parts.push('</g><g class="rows" fill="#222" text-anchor="end">');
  data.rows.forEach((row, r) => {
    parts.push(`<text x="${coord(gridLeft - 6)}" y="${coord(gridTop + r * cell + cell / 2 + fontSize / 2 - 2)}">${escapeXml(row)}</text>`);
  });
  parts.push('</g><g class="cells">');
  data.rows.forEach((row, r) => {
    data.columns.forEach((column, c) => {
      const value = data.cells[r]?.[c] ?? null;
      const fill = value === null ? MARK_COLOURS.empty : heatColour(max === min ? 1 : (value - min) / (max - min));
      const shown = value === null ? (options.emptyText ?? '无') : value.toFixed(2);
      parts.push(
        `<rect x="${coord(gridLeft + c * cell)}" y="${coord(gridTop + r * cell)}" width="${cell}" height="${cell}" fill="${fill}" stroke="#fff" stroke-width="1">` +
          `<title>${escapeXml(`${row} · ${column}：${shown}`)}</title></rect>`,
      );
      if (showValues && value !== null) {
        parts.push(
          `<text x="${coord(gridLeft + c * cell + cell / 2)}" y="${coord(gridTop + r * cell + cell / 2 + 3)}" font-size="9" text-anchor="middle" fill="#111">${escapeXml(shown)}</text>`,
        );
      }
    });
  });
  parts.push('</g>');
  const steps = 10;
  const legendWidth = 160;
  parts.push('<g class="legend" font-size="10" fill="#444">');
  for (let i = 0; i < steps; i++) {
    parts.push(`<rect x="${coord(gridLeft + (i * legendWidth) / steps)}" y="${coord(legendTop)}" width="${coord(legendWidth / steps)}" height="10" fill="${heatColour(i / (steps - 1))}"/>`);
  }
  const lowText = options.lowText ?? (lowest < min ? `≤${min.toFixed(2)}` : min.toFixed(2));
  parts.push(
    `<text x="${coord(gridLeft)}" y="${coord(legendTop + 22)}">${escapeXml(lowText)}</text>` +
      `<text x="${coord(gridLeft + legendWidth)}" y="${coord(legendTop + 22)}" text-anchor="end">${escapeXml(options.highText ?? max.toFixed(2))}</text>` +
      `<rect x="${coord(gridLeft + legendWidth + 16)}" y="${coord(legendTop)}" width="10" height="10" fill="${MARK_COLOURS.empty}"/>` +
      `<text x="${coord(gridLeft + legendWidth + 30)}" y="${coord(legendTop + 9)}">${escapeXml(options.emptyText ?? '无')}</text>`,
  );
  parts.push('</g></svg>');
  return parts.join('');
}

// ── line chart ─────────────────────────────────────────────────────────────────────────────────────────

export interface LineSeries {
  name: string;
  /** One value per label; null leaves a gap in the line. */
  values: readonly (number | null)[];
  /** Colour (default: from a fixed palette by series position). */
  colour?: string;
  /** Drawn thicker and dashed-free; the others are thinner (e.g. the units flagged for a talk). */
  highlight?: boolean;
}

export interface LineChartOptions {
  /** The x positions' labels (e.g. periods), as many as each series' values. */
  labels: readonly string[];
  title?: string;
  width?: number;
  height?: number;
  min?: number;
  max?: number;
  /** Put the lowest value at the top (ranks: 1 is best). */
  invert?: boolean;
  /** How a value is written on hover and on the axis (default: 2 decimals, or whole numbers if all are). */
  format?: (value: number) => string;
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/** One line per series over shared x labels, with a legend on the right. */
export function lineChart(series: readonly LineSeries[], options: LineChartOptions): string {
  const width = options.width ?? 640;
  const fontSize = 12;
  const top = options.title ? 34 : 12;
  const legendWidth = Math.min(220, Math.max(0, ...series.map((s) => textWidth(s.name, fontSize))) + 26);
  const values = series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const allIntegers = values.every((v) => Number.isInteger(v));
  const format = options.format ?? ((v: number) => (allIntegers ? String(v) : v.toFixed(2)));
  const dataMin = values.length ? Math.min(...values) : 0;
  const dataMax = values.length ? Math.max(...values) : 1;
  // Whole-number data (ranks) get whole-number ticks: a rank of 1.5 means nothing.
  const step = allIntegers ? Math.max(1, Math.round(niceStep((dataMax - dataMin) || 1, 5))) : niceStep((dataMax - dataMin) || 1, 5);
  const min = options.min ?? Math.floor(dataMin / step) * step;
  let max = options.max ?? Math.ceil(dataMax / step) * step;
  if (max === min) max = min + step;
  const axisWidth = Math.max(textWidth(format(max), 10), textWidth(format(min), 10)) + 10;
  // Inset the first and last x positions so their labels are not cut at the edges.
  const inset = Math.max(0, ...options.labels.map((l) => textWidth(l, 10))) / 2 + 4;
  const plotLeft = axisWidth + 4;
  const plotRight = width - legendWidth - 10;
  const rows = Math.max(1, series.length);
  const height = options.height ?? Math.max(220, top + rows * 18 + 40);
  const plotTop = top;
  const plotBottom = height - 28;
  const count = options.labels.length;
  const x = (i: number): number =>
    count <= 1 ? (plotLeft + plotRight) / 2 : plotLeft + inset + (i * (plotRight - plotLeft - 2 * inset)) / (count - 1);
  const y = (v: number): number => {
    const t = (v - min) / (max - min);
    return options.invert ? plotTop + t * (plotBottom - plotTop) : plotBottom - t * (plotBottom - plotTop);
  };
  const parts: string[] = [svgOpen(width, height, options.title ?? '折线图', 'line-chart'), titleText(options.title, 0)];
  parts.push('<g class="axis" font-size="10" fill="#666">');
  for (const tick of ticks(min, max, 5).filter((t) => !allIntegers || Number.isInteger(t))) {
    parts.push(
      `<line x1="${coord(plotLeft)}" y1="${coord(y(tick))}" x2="${coord(plotRight)}" y2="${coord(y(tick))}" stroke="#e4e4e4" stroke-width="1"/>` +
        `<text x="${coord(plotLeft - 4)}" y="${coord(y(tick) + 3)}" text-anchor="end">${escapeXml(format(tick))}</text>`,
    );
  }
  options.labels.forEach((label, i) => {
    parts.push(`<text x="${coord(x(i))}" y="${coord(plotBottom + 16)}" text-anchor="middle">${escapeXml(label)}</text>`);
  });
  parts.push('</g>');
  series.forEach((s, index) => {
    const colour = s.colour ?? PALETTE[index % PALETTE.length]!;
    const strokeWidth = s.highlight ? 2.5 : 1.5;
    const runs: string[][] = [];
    let run: string[] = [];
    s.values.forEach((value, i) => {
      if (value === null) {
        if (run.length) runs.push(run);
        run = [];
      } else {
        run.push(`${coord(x(i))},${coord(y(value))}`);
      }
    });
    if (run.length) runs.push(run);
    parts.push(`<g class="series" stroke="${colour}" fill="${colour}">`);
    for (const points of runs) {
      if (points.length > 1) parts.push(`<polyline points="${points.join(' ')}" fill="none" stroke-width="${strokeWidth}"/>`);
    }
    s.values.forEach((value, i) => {
      if (value === null) return;
      parts.push(
        `<circle cx="${coord(x(i))}" cy="${coord(y(value))}" r="${s.highlight ? 3.5 : 2.5}">` +
          `<title>${escapeXml(`${s.name} ${options.labels[i] ?? ''}：${format(value)}`)}</title></circle>`,
      );
    });
    const legendY = plotTop + index * 18 + 8;
    parts.push(
      `<line x1="${coord(plotRight + 12)}" y1="${coord(legendY - 4)}" x2="${coord(plotRight + 24)}" y2="${coord(legendY - 4)}" stroke-width="${strokeWidth}"/>` +
        `<text x="${coord(plotRight + 28)}" y="${coord(legendY)}" stroke="none" fill="#222"${s.highlight ? ' font-weight="bold"' : ''}>${escapeXml(s.name)}</text>`,
    );
    parts.push('</g>');
  });
  parts.push('</svg>');
  return parts.join('');
}
