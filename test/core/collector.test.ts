// The finding collector's bookkeeping against a plain model: per (site, item) the summed count, every source
// in ledger order, and the first 20 distinct inspectors / notes / photos in text order, however many values
// arrive, in whatever order, and whether a part was collected elsewhere and imported.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FindingCollector, MAX_CARRIED_VALUES } from '../../src/core/score.js';
import { loadRules } from '../../src/io/rules.js';

const ruleSet = loadRules('fixtures/small/rules.yaml').ruleSet!;
const PAIRS: [string, string][] = [['S01', 'C01-01'], ['S01', 'C01-03'], ['S04', 'C02-02'], ['S06', 'C03-01']];

interface Finding {
  pair: number;
  count: number;
  inspector: string;
  note: string;
}

// Enough distinct texts that ids pass 64 (the bit sets' reach) and lists pass 64 pending values.
const texts = Array.from({ length: 150 }, (_, i) => `${String.fromCharCode(0x4e00 + ((i * 37) % 150))}${i % 7}`);
const finding = fc.record({
  pair: fc.nat(PAIRS.length - 1),
  count: fc.integer({ min: 1, max: 5 }),
  inspector: fc.constantFrom('', ...texts.slice(0, 90)),
  note: fc.constantFrom('', '', ...texts),
});

function collect(findings: Finding[], into: FindingCollector, file: number, firstLine: number): void {
  findings.forEach((f, i) => {
    const [site, item] = PAIRS[f.pair]!;
    const id = (text: string) => (text === '' ? -1 : into.textId(text));
    into.addFinding(into.siteIndex.get(site)!, into.itemIndex.get(item)!, f.count, file, firstLine + i, -1, id(f.inspector), id(f.note), -1);
  });
}

function model(findings: Finding[], firstLine: number) {
  return PAIRS.map(([site, item], pair) => {
    const mine = findings.map((f, i) => ({ ...f, line: firstLine + i })).filter((f) => f.pair === pair);
    const first = (values: string[]) => [...new Set(values.filter((v) => v !== ''))].sort().slice(0, MAX_CARRIED_VALUES);
    return {
      site, item, n: mine.reduce((sum, f) => sum + f.count, 0),
      sources: mine.map((f) => `m.csv:${f.line}`),
      inspectors: first(mine.map((f) => f.inspector)), notes: first(mine.map((f) => f.note)), photos: [],
    };
  }).filter((entry) => entry.n > 0);
}

function view(collector: FindingCollector) {
  return collector.aggregates
    .map((a) => ({ site: a.site, item: a.item, n: a.n, sources: collector.sourceLabels(a), inspectors: a.inspectors, notes: a.notes, photos: a.photos }))
    .sort((a, b) => PAIRS.findIndex(([s, i]) => s === a.site && i === a.item) - PAIRS.findIndex(([s, i]) => s === b.site && i === b.item));
}

// At most 64 distinct texts: the collector then orders them from its bit sets alone.
const fewTexts = texts.slice(0, 40);
const findingFewTexts = fc.record({
  pair: fc.nat(PAIRS.length - 1),
  count: fc.integer({ min: 1, max: 5 }),
  inspector: fc.constantFrom('', ...fewTexts.slice(0, 30)),
  note: fc.constantFrom('', '', ...fewTexts),
});

describe('FindingCollector', () => {
  for (const [name, arbitrary] of [['more than 64 distinct texts', finding], ['at most 64 distinct texts', findingFewTexts]] as const) {
    it(`keeps counts, sources and the first distinct texts in text order (${name})`, () => {
      fc.assert(
        fc.property(fc.array(arbitrary, { minLength: 200, maxLength: 1500, size: 'max' }), (findings) => {
          const collector = new FindingCollector(ruleSet);
          collect(findings, collector, collector.fileIndex('m.csv'), 2);
          expect(view(collector)).toEqual(model(findings, 2));
        }),
        { numRuns: 60, seed: 11 },
      );
    });
  }

  it('writes sources as bytes exactly as it labels them (lines across digit counts, several files, imported parts)', () => {
    // With just the room it asks for, and with more: a short last block is copied whole when there is room.
    const written = (collector: FindingCollector, more: number) => {
      const separator = Buffer.from('; ', 'utf8');
      return collector.aggregates.map((a) => {
        const out = new Uint8Array(8 + collector.sourceBytesBound(a, separator.length) + more);
        const end = collector.writeSources(a, out, 8, separator);
        return Buffer.from(out.subarray(8, end)).toString('utf8');
      });
    };
    fc.assert(
      fc.property(
        fc.array(finding, { minLength: 100, maxLength: 2000, size: 'max' }),
        // First lines just below a power of ten, so blocks of 16 sources cross a digit count.
        fc.constantFrom(2, 90, 9985, 99_990, 999_999_950),
        fc.nat(2000),
        fc.nat(2000),
        (findings, firstLine, fileCut, partCut) => {
          const main = new FindingCollector(ruleSet);
          const a = main.fileIndex('a.csv');
          const b = main.fileIndex('月报/b.csv');
          const cut = Math.min(fileCut, findings.length);
          const split = Math.min(cut + partCut, findings.length);
          collect(findings.slice(0, cut), main, a, firstLine);
          collect(findings.slice(cut, split), main, b, firstLine);
          const other = new FindingCollector(ruleSet);
          collect(findings.slice(split), other, other.fileIndex('月报/b.csv'), 2);
          main.importPart(other.exportPart(), b, firstLine + split - cut - 2);
          const labels = main.aggregates.map((agg) => main.sourceLabels(agg).join('; '));
          expect(written(main, 0)).toEqual(labels);
          expect(written(main, 4096)).toEqual(labels);
        },
      ),
      // A failure is reported as found: shrinking arrays this long would take minutes.
      { numRuns: 60, seed: 14, endOnFailure: true },
    );
  });

  // Texts carried elsewhere come over as bit sets (ids below 64) and lists (the others): both sides with
  // more than 64 texts, both with fewer, and a part with few texts imported by a collector that numbers
  // some of them past 64.
  for (const [name, first, second] of [
    ['more than 64 distinct texts', finding, finding],
    ['at most 64 distinct texts', findingFewTexts, findingFewTexts],
    ['few texts imported where they are numbered past 64', finding, findingFewTexts],
  ] as const) {
    it(`gives the same after a second part is collected elsewhere and imported (${name})`, () => {
      fc.assert(
        fc.property(
          fc.array(first, { minLength: 200, maxLength: 1500, size: 'max' }),
          fc.array(second, { minLength: 0, maxLength: 800, size: 'max' }),
          (before, after) => {
            const findings = [...before, ...after];
            const main = new FindingCollector(ruleSet);
            const file = main.fileIndex('m.csv');
            collect(before, main, file, 2);
            // The other collector numbers its lines from 2 and has seen texts in another order.
            const other = new FindingCollector(ruleSet);
            other.textId('只在另一部分');
            collect(after, other, other.fileIndex('m.csv'), 2);
            main.importPart(other.exportPart(), file, before.length);
            expect(view(main)).toEqual(model(findings, 2));
          },
        ),
        { numRuns: 60, seed: 12 },
      );
    });
  }
});
