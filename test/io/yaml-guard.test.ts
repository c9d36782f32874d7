// Bounds on reading rule-set YAML (src/io/yaml-guard.ts): the parser's own recursion.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as yaml from 'yaml';
import { describe, expect, it } from 'vitest';
import { MAX_YAML_DEPTH, parseYamlBounded } from '../../src/io/yaml-guard.js';

/** A category whose weight is followed by its items indented beneath it: a mistake a hand-edited file makes. */
function misindented(items: number): string {
  const lines = ['ruleset: { name: 测试, version: "1", full_score: 100 }', 'categories:', '  - id: C01', '    name: 主干道', '    weight: 2'];
  for (let i = 0; i < items; i++) lines.push(`      - { code: C01-${String(i).padStart(4, '0')}, text: 路面整洁, points: 1, cap: 3 }`);
  // The next category closes every level the list opened.
  lines.push('  - id: C02', '    name: 背街小巷', '    weight: 1');
  return `${lines.join('\n')}\n`;
}

function parse(text: string) {
  const lineCounter = new yaml.LineCounter();
  const result = parseYamlBounded(yaml, text, lineCounter);
  return { ...result, lineCounter };
}

describe('parseYamlBounded', () => {
  it('reports a list indented under a key that has a value, thousands of lines long, as too deep where it gets so', () => {
    // yaml's parser opens a level per such line and closes them recursively: this overflowed the stack.
    const text = misindented(5000);
    expect(() => [...new yaml.Parser().parse(text)]).toThrow(RangeError);
    const { doc, problems, lineCounter } = parse(text);
    expect(doc).toBeUndefined();
    expect(problems).toHaveLength(1);
    expect(problems[0]!.code).toBe('RULES_TOO_DEEP');
    expect(problems[0]!.args).toEqual({ limit: MAX_YAML_DEPTH });
    const { line, col } = lineCounter.linePos(problems[0]!.offset);
    // Inside the misindented list, where it passes 64 levels (each line opens a few), not further on where the
    // parser's stack passed its own bound; the line counter knows every line of the file.
    expect(line).toBeGreaterThan(6);
    expect(line).toBeLessThan(6 + 40);
    expect(text.split('\n')[line - 1]).toMatch(/^ {6}- \{ code: C01-\d{4}/);
    expect(col).toBeGreaterThanOrEqual(1);
    expect(lineCounter.linePos(text.length - 1).line).toBe(5 + 5000 + 3);
  });

  it('leaves a short misindented list to yaml, which names its first bad line', () => {
    const { doc, problems } = parse(misindented(3));
    expect(problems).toEqual([]);
    expect(doc!.errors.length).toBeGreaterThan(0);
  });

  it('reads the bundled rule set with no problem', () => {
    for (const file of ['framework.yaml', 'units.yaml', 'sites.yaml']) {
      const { doc, problems } = parse(readFileSync(path.join(__dirname, '../../rules', file), 'utf8'));
      expect(problems, file).toEqual([]);
      expect(doc!.errors, file).toEqual([]);
    }
  });
});
