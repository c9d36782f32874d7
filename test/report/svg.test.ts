// The inline SVG charts: text snapshots (golden files, U=1 rewrites) and the rules they keep.

import { describe, expect, it } from 'vitest';
import { barChart, coord, escapeXml, heatColour, heatMap, lineChart, quantile, scoreDomain } from '../../src/report/svg.js';
import { golden } from './setup.js';

const BARS = [
  { label: '北湖区', value: 97.99, mark: 'red' as const },
  { label: '人民路街道', value: 96.71, mark: null },
  { label: '南山区', value: 63.18, mark: 'black' as const },
  { label: '市交通运输局<B07>', value: null },
];

const HEAT = {
  rows: ['北湖区', '南山区', '湖滨街道'],
  columns: ['主次干道', '农贸市场', '公交站点'],
  cells: [
    [98.25, 97, 99.25],
    [97.5, 0, 98],
    [100, null, 99.25],
  ],
};

describe('svg charts', () => {
  it('draws a bar chart: one bar per scored unit, marks coloured, 未测评 without a bar', () => {
    const svg = barChart(BARS, { title: '城区总分' });
    golden('bar-chart.svg', `${svg}\n`);
    expect(svg.match(/<rect [^>]*height="14"/g)).toHaveLength(3);
    expect(svg).toContain('未测评');
    expect(svg).toContain('市交通运输局&lt;B07&gt;');
    expect(svg).toContain('fill="#c62828"');
    expect(svg).toContain('fill="#263238"');
  });

  it('draws a heat map: a cell per unit and category, blank where there is no value', () => {
    const svg = heatMap(HEAT, { cell: 40, emptyText: '无点位' });
    golden('heat-map.svg', `${svg}\n`);
    expect(svg.match(/<rect [^>]*width="40"/g)).toHaveLength(9);
    expect(svg).toContain('湖滨街道 · 农贸市场：无点位');
    expect(svg).toContain('>97.50<');
  });

  it('draws a line chart with gaps for missing periods and ranks upside down when asked', () => {
    const svg = lineChart(
      [
        { name: '北湖区', values: [3, 1, null, 2], highlight: true },
        { name: '南山区', values: [1, 2, 3, 1] },
      ],
      { labels: ['2026-09', '2026-10', '2026-11', '2026-12'], title: '名次', invert: true, min: 1, max: 3 },
    );
    golden('line-chart.svg', `${svg}\n`);
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(svg.match(/<circle /g)).toHaveLength(7);
    expect(svg).toContain('北湖区 2026-10：1');
  });

  it('gives the same bytes for the same data', () => {
    expect(barChart(BARS)).toBe(barChart(BARS.map((b) => ({ ...b }))));
    expect(heatMap(HEAT)).toBe(heatMap(structuredClone(HEAT)));
  });

  it('has helpers that behave', () => {
    expect(escapeXml(`<a & "b" 'c'>`)).toBe('&lt;a &amp; &quot;b&quot; &#39;c&#39;&gt;');
    expect(coord(-0.01)).toBe('0');
    expect(coord(12.345)).toBe('12.3');
    expect(heatColour(0)).toBe('#d73027');
    expect(heatColour(1)).toBe('#1a9850');
    expect(quantile([0, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100], 0.05)).toBe(90);
    expect(scoreDomain([84.51, 93.71])).toEqual({ min: 80, max: 100 });
    expect(scoreDomain([48.5, 98.63])).toEqual({ min: 20, max: 100 });
    expect(scoreDomain([80.25, 95.5])).toEqual({ min: 75, max: 100 });
    expect(scoreDomain([])).toEqual({ min: 0, max: 100 });
  });
});
