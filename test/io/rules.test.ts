import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/core/diagnostics.js';
import { loadRules } from '../../src/io/rules.js';
import { tempDir } from '../helpers/tmp.js';

function load(files: Record<string, string>) {
  const dir = tempDir();
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  const target = Object.keys(files).length === 1 ? path.join(dir, Object.keys(files)[0]!) : dir;
  const loaded = loadRules(target);
  const messages = loaded.diagnostics.map((d) => formatDiagnostic(d, 'en').replaceAll(`${dir}/`, ''));
  return { loaded, messages };
}

const HEAD = 'ruleset: { name: 测试, version: "1" }\n';
const UNITS = 'units:\n  - { id: D01, name: 北湖区, group: 城区 }\n';
const CATEGORIES = 'categories:\n  - id: C01\n    name: 主次干道\n    weight: 1\n    items:\n      - { code: C01-01, text: 路面, points: 1 }\n';
const SITES = 'sites:\n  - { id: S01, name: 人民路, category: C01, unit: D01 }\n';

describe('loadRules', () => {
  it('reports a version YAML reads as an infinite number instead of failing on it', () => {
    for (const version of ['.inf', '-.inf', '.nan', '1e400']) {
      const { loaded, messages } = load({ 'r.yaml': HEAD.replace('version: "1"', `version: ${version}`) + UNITS + CATEGORIES + SITES });
      expect(loaded.ruleSet, version).toBeUndefined();
      expect(messages, version).toEqual(['r.yaml:1:31: error: ruleset.version must be string or number [RULES_TYPE]']);
    }
  });

  it('loads a valid file', () => {
    const { loaded, messages } = load({ 'r.yaml': HEAD + UNITS + CATEGORIES + SITES });
    expect(messages).toEqual([]);
    expect(loaded.ruleSet!.sites).toHaveLength(1);
    expect(loaded.ruleSet!.fullScore.toExactString()).toBe('100');
    expect(loaded.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('points at the exact line and column of each schema problem', () => {
    const text = `${HEAD}scoring:\n  unit_score: weighted_sum\n  red_list: -1\n${UNITS}${CATEGORIES.replace('points: 1', 'pionts: 1').replace('weight: 1', 'weight: 0.12345')}${SITES.replace('id: S01', 'id: 101')}`;
    const { messages } = load({ 'r.yaml': text });
    expect(messages).toEqual([
      'r.yaml:3:15: error: scoring.unit_score must be one of weighted_mean | deduction_total [RULES_ENUM]',
      'r.yaml:4:13: error: scoring.red_list must be >= 0 [RULES_RANGE]',
      'r.yaml:10:13: error: categories[0].weight has more than 4 decimal places (0.12345) [RULES_DECIMALS]',
      'r.yaml:12:35: error: unknown key "pionts" (did you mean "points"?); allowed: code, text, points, cap, veto [RULES_UNKNOWN_KEY]',
      'r.yaml:14:11: error: sites[0].id must be text (quote numeric ids) [RULES_TYPE]',
      'r.yaml:12:9: error: item C01-01 needs "points" or "veto: true" [RULES_ITEM_NO_POINTS]',
    ]);
  });

  it('checks references, duplicates, cycles and caps after the schema', () => {
    const text = `${HEAD}scoring:\n  grades: [ { name: A, min: 90 }, { name: B, min: 90 } ]\nunits:\n  - { id: D01, name: 北湖区, group: 城区, parent: J01 }\n  - { id: J01, name: 街道, group: 街道, parent: D01 }\n  - { id: J01, name: 重复, group: 街道 }\ncategories:\n  - id: C01\n    name: 主次干道\n    weight: 1\n    lead: B99\n    items:\n      - { code: C01-01, text: 路面, points: 2, cap: 1 }\n      - { code: C01-01, text: 重复, points: 1 }\n${SITES.replace('category: C01', 'category: C09')}`;
    const { messages } = load({ 'r.yaml': text });
    expect(messages).toEqual([
      'r.yaml:7:11: error: duplicate unit "J01" (first defined at r.yaml:6:11) [RULES_DUPLICATE_ID]',
      'r.yaml:5:46: error: unit parents form a cycle: D01 → J01 → D01 [RULES_PARENT_CYCLE]',
      'r.yaml:12:11: error: lead "B99" is not a defined unit [RULES_UNKNOWN_REF]',
      'r.yaml:14:51: error: item C01-01: cap 1 is below points 2 [RULES_CAP_BELOW_POINTS]',
      'r.yaml:15:17: error: duplicate item code "C01-01" (first defined at r.yaml:14:17) [RULES_DUPLICATE_ID]',
      'r.yaml:17:37: error: category "C09" is not a defined category [RULES_UNKNOWN_REF]',
      'r.yaml:3:51: error: two grades have min 90 [RULES_GRADE_DUPLICATE_MIN]',
    ]);
  });

  it('reports YAML syntax errors and duplicate keys with positions', () => {
    const { messages } = load({ 'r.yaml': `${HEAD}units: []\nunits: []\n` });
    expect(messages[0]).toBe('r.yaml:3:1: error: key "units" appears twice in the same mapping (first at 2:1) [RULES_DUPLICATE_KEY]');
  });

  it('bounds alias expansion (billion laughs)', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    const { messages } = load({ 'r.yaml': `${lines.join('\n')}\n` });
    expect(messages[0]).toMatch(/RULES_ALIAS_LIMIT|RULES_YAML_SYNTAX/);
  });

  it('merges a folder in name order: lists concatenate, positions follow each file', () => {
    const { loaded, messages } = load({
      'a-framework.yaml': HEAD + CATEGORIES,
      'b-units.yaml': UNITS,
      'c-sites.yaml': SITES,
      'd-more-sites.yaml': 'sites:\n  - { id: S02, name: 湖滨路, category: C01, unit: D99 }\n',
      'notes.txt': 'ignored',
    });
    expect(messages).toEqual(['d-more-sites.yaml:2:48: error: unit "D99" is not a defined unit [RULES_UNKNOWN_REF]']);
    expect(loaded.files.map((f) => path.basename(f))).toEqual(['a-framework.yaml', 'b-units.yaml', 'c-sites.yaml', 'd-more-sites.yaml']);
  });

  it('refuses a scalar set in two files', () => {
    const { messages } = load({ 'a.yaml': HEAD + UNITS + CATEGORIES + SITES, 'b.yaml': 'ruleset: { name: 另一个 }\n' });
    expect(messages).toEqual(['b.yaml:1:12: error: "ruleset.name" is already set in a.yaml [RULES_MERGE_CONFLICT]']);
  });
});
