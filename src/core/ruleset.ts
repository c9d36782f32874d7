// SPEC §2: turns a schema-checked rule-set document into the typed model, checking every cross-reference.
// Pure: positions come in through `locate`.

import { diagnostic, type Diagnostic, type DiagnosticCode } from './diagnostics.js';
import { Rational } from './rational.js';
import { compareText } from './text.js';
import type { Category, Component, Grade, Item, RuleSet, ScoringOptions, Site, Unit } from './types.js';

export type PathSegment = string | number;
export interface Where {
  file?: string;
  line?: number;
  col?: number;
}
/** Finds where a value (or, with `key`, the key naming it) was written. */
export type Locator = (path: readonly PathSegment[], key?: boolean) => Where;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

const KIND_ZH: Record<string, string> = { unit: '单位', category: '测评项目', item: '测评标准', site: '点位' };

export function buildRuleSet(raw: unknown, locate: Locator): { ruleSet?: RuleSet; diagnostics: Diagnostic[] } {
  // The rule set's numbers, one Rational per distinct value: hundreds of items share a handful of points and
  // caps, and scoring works out each (points, cap, count) once (see score's deductionOf).
  const numbers = new Map<number, Rational>();
  const num = (v: unknown): Rational | undefined => {
    if (typeof v !== 'number' || !Number.isFinite(v)) return undefined;
    let value = numbers.get(v);
    if (value === undefined) {
      value = Rational.fromNumber(v);
      numbers.set(v, value);
    }
    return value;
  };
  const diagnostics: Diagnostic[] = [];
  const report = (code: DiagnosticCode, path: PathSegment[], args: Record<string, string | number> = {}, key = false) =>
    diagnostics.push(diagnostic(code, locate(path, key), args));
  const describe = (path: PathSegment[]) => {
    const w = locate(path);
    return w.file ? `${w.file}:${w.line}:${w.col}` : path.join('.');
  };
  const doc = isObj(raw) ? raw : {};
  const head = isObj(doc.ruleset) ? doc.ruleset : {};
  const fullScore = num(head.full_score) ?? Rational.of(100);
  const scoringRaw = isObj(doc.scoring) ? doc.scoring : {};

  // Units, with unique ids.
  const units: Unit[] = [];
  const unitById = new Map<string, Unit>();
  const unitPath = new Map<string, PathSegment[]>();
  list(doc.units).forEach((entry, index) => {
    if (!isObj(entry)) return;
    const id = str(entry.id);
    if (id === undefined) return;
    const path = ['units', index];
    const first = unitPath.get(id);
    if (first) {
      report('RULES_DUPLICATE_ID', [...path, 'id'], { kind: 'unit', kindZh: KIND_ZH.unit!, id, first: describe([...first, 'id']) });
      return;
    }
    // Every unit (site, category, item) has all its fields, absent ones undefined: objects of one shape keep
    // the code that reads them monomorphic.
    const unit: Unit = { id, name: str(entry.name) ?? id, group: str(entry.group) ?? '', parent: str(entry.parent) };
    units.push(unit);
    unitById.set(id, unit);
    unitPath.set(id, path);
  });
  const checkUnitRef = (id: string | undefined, path: PathSegment[], field: string) => {
    if (id !== undefined && !unitById.has(id)) {
      report('RULES_UNKNOWN_REF', path, { field, id, kind: 'unit', kindZh: KIND_ZH.unit! });
    }
  };
  for (const unit of units) checkUnitRef(unit.parent, [...unitPath.get(unit.id)!, 'parent'], 'parent');
  // Parent cycles: report each cycle once, at its first unit in file order. Each unit is walked once
  // (done / on the current path), so a long chain costs linear time.
  const state = new Map<string, 'path' | 'done'>();
  const cycles: string[][] = [];
  for (const unit of units) {
    const path: Unit[] = [];
    let current: Unit | undefined = unit;
    while (current && !state.has(current.id)) {
      state.set(current.id, 'path');
      path.push(current);
      current = current.parent !== undefined ? unitById.get(current.parent) : undefined;
    }
    if (current && state.get(current.id) === 'path') {
      const start = path.findIndex((u) => u.id === current!.id);
      cycles.push(path.slice(start).map((u) => u.id));
    }
    for (const u of path) state.set(u.id, 'done');
  }
  const order = new Map(units.map((u, i) => [u.id, i]));
  for (const cycle of cycles) {
    // Start the chain at the cycle's first unit in file order, as a reader would look for it.
    const first = cycle.reduce((a, b) => (order.get(a)! <= order.get(b)! ? a : b));
    const at = cycle.indexOf(first);
    const chain = [...cycle.slice(at), ...cycle.slice(0, at), first];
    report('RULES_PARENT_CYCLE', [...unitPath.get(first)!, 'parent'], { chain: chain.join(' → ') });
  }

  // Categories and their items.
  const categories: Category[] = [];
  const categoryById = new Map<string, Category>();
  const categoryPath = new Map<string, PathSegment[]>();
  const itemByCode = new Map<string, Item>();
  const itemPath = new Map<string, PathSegment[]>();
  list(doc.categories).forEach((entry, index) => {
    if (!isObj(entry)) return;
    const id = str(entry.id);
    if (id === undefined) return;
    const path = ['categories', index];
    const first = categoryPath.get(id);
    if (first) {
      report('RULES_DUPLICATE_ID', [...path, 'id'], {
        kind: 'category', kindZh: KIND_ZH.category!, id, first: describe([...first, 'id']),
      });
      return;
    }
    const category: Category = {
      id,
      name: str(entry.name) ?? id,
      weight: num(entry.weight) ?? Rational.ONE,
      items: [],
      lead: str(entry.lead),
      quota: typeof entry.quota === 'number' ? entry.quota : undefined,
    };
    if (category.lead !== undefined) checkUnitRef(category.lead, [...path, 'lead'], 'lead');
    list(entry.items).forEach((itemEntry, itemIndex) => {
      if (!isObj(itemEntry)) return;
      const code = str(itemEntry.code);
      if (code === undefined) return;
      const ipath = [...path, 'items', itemIndex];
      const firstItem = itemPath.get(code);
      if (firstItem) {
        report('RULES_DUPLICATE_ID', [...ipath, 'code'], {
          kind: 'item code', kindZh: KIND_ZH.item!, id: code, first: describe([...firstItem, 'code']),
        });
        return;
      }
      const points = num(itemEntry.points);
      const cap = num(itemEntry.cap);
      const veto = itemEntry.veto === true;
      if (points === undefined && !veto && itemEntry.points === undefined) {
        report('RULES_ITEM_NO_POINTS', ipath, { code });
      }
      if (points !== undefined && cap !== undefined && cap.cmp(points) < 0) {
        report('RULES_CAP_BELOW_POINTS', [...ipath, 'cap'], { code, cap: cap.toExactString(), points: points.toExactString() });
      }
      const item: Item = { code, text: str(itemEntry.text) ?? '', category: id, points: points ?? Rational.ZERO, veto, cap };
      category.items.push(item);
      itemByCode.set(code, item);
      itemPath.set(code, ipath);
    });
    categories.push(category);
    categoryById.set(id, category);
    categoryPath.set(id, path);
  });

  // Sites.
  const sites: Site[] = [];
  const siteById = new Map<string, Site>();
  const sitePath = new Map<string, PathSegment[]>();
  list(doc.sites).forEach((entry, index) => {
    if (!isObj(entry)) return;
    const id = str(entry.id);
    if (id === undefined) return;
    const path = ['sites', index];
    const first = sitePath.get(id);
    if (first) {
      report('RULES_DUPLICATE_ID', [...path, 'id'], { kind: 'site', kindZh: KIND_ZH.site!, id, first: describe([...first, 'id']) });
      return;
    }
    const site: Site = {
      id, name: str(entry.name) ?? id, category: str(entry.category) ?? '', unit: str(entry.unit) ?? '',
      address: str(entry.address), lead: str(entry.lead),
    };
    if (!categoryById.has(site.category)) {
      report('RULES_UNKNOWN_REF', [...path, 'category'], {
        field: 'category', id: site.category, kind: 'category', kindZh: KIND_ZH.category!,
      });
    }
    checkUnitRef(site.unit, [...path, 'unit'], 'unit');
    if (site.lead !== undefined) checkUnitRef(site.lead, [...path, 'lead'], 'lead');
    sites.push(site);
    siteById.set(id, site);
    sitePath.set(id, path);
  });

  // Scoring options.
  const grades: Grade[] = [];
  const seenMin = new Map<string, number>();
  list(scoringRaw.grades).forEach((entry, index) => {
    if (!isObj(entry)) return;
    const min = num(entry.min);
    const name = str(entry.name);
    if (min === undefined || name === undefined) return;
    const key = min.toExactString();
    if (seenMin.has(key)) report('RULES_GRADE_DUPLICATE_MIN', ['scoring', 'grades', index, 'min'], { min: key });
    seenMin.set(key, index);
    if (min.cmp(fullScore) > 0) {
      report('RULES_ABOVE_FULL_SCORE', ['scoring', 'grades', index, 'min'], {
        path: `scoring.grades[${index}].min`, value: key, full: fullScore.toExactString(),
      });
    }
    grades.push({ name, min });
  });
  grades.sort((a, b) => b.min.cmp(a.min));

  let components: Component[] | undefined;
  if (isObj(scoringRaw.components)) {
    components = Object.entries(scoringRaw.components)
      .map(([id, weight]) => ({ id, weight: num(weight) ?? Rational.ONE }));
    if (!components.some((c) => c.id === 'field')) report('RULES_COMPONENTS_NO_FIELD', ['scoring', 'components']);
  }
  const scoring: ScoringOptions = {
    unitScore: scoringRaw.unit_score === 'deduction_total' ? 'deduction_total' : 'weighted_mean',
    coverage: scoringRaw.coverage === 'all' ? 'all' : 'inspected',
    repeatMultiplier: num(scoringRaw.repeat_multiplier) ?? Rational.ONE,
    redList: typeof scoringRaw.red_list === 'number' ? scoringRaw.red_list : 3,
    blackList: typeof scoringRaw.black_list === 'number' ? scoringRaw.black_list : 3,
    grades,
  };
  if (components) scoring.components = components;
  if (isObj(scoringRaw.stars)) {
    const min = num(scoringRaw.stars.min);
    if (min !== undefined) {
      if (min.cmp(fullScore) > 0) {
        report('RULES_ABOVE_FULL_SCORE', ['scoring', 'stars', 'min'], {
          path: 'scoring.stars.min', value: min.toExactString(), full: fullScore.toExactString(),
        });
      }
      scoring.stars = { min };
    }
  }

  if (diagnostics.length > 0) return { diagnostics };
  const version = head.version;
  return {
    ruleSet: {
      name: str(head.name) ?? '',
      // (YAML's .inf and .nan are numbers too: the schema reports them; this only must not fail.)
      version: typeof version === 'number' && Number.isFinite(version) ? Rational.fromNumber(version).toExactString() : (str(version) ?? String(version ?? '')),
      fullScore,
      scoring,
      units,
      categories,
      sites,
      unitById,
      categoryById,
      itemByCode,
      siteById,
    },
    diagnostics,
  };
}

/** Sorted ids, for messages. */
export function idsOf(values: Iterable<{ id: string }>): string[] {
  return [...values].map((v) => v.id).sort(compareText);
}
