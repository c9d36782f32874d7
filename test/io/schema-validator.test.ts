// The schema compiled ahead of time (dist/schema-validator.cjs, scripts/build-schema-validator.mjs) must judge
// every document exactly as ajv compiling the schema at run time does, error for error, and `decimals` must
// read numbers as the exact arithmetic does.

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rational } from '../../src/core/rational.js';
import { bundledRulesPath, compileSchema, loadRules, schemaSha256 } from '../../src/io/rules.js';
import { decimalsOk } from '../../src/io/schema-keywords.js';

const PREBUILT = path.resolve('dist/schema-validator.cjs');
const schemaText = readFileSync('schema/ruleset.schema.json', 'utf8');

type Validate = ((data: unknown) => boolean) & { errors?: unknown[] | null; schemaSha256?: string };

/** The bundled rule set's document with one change made by `edit`. */
function mutated(edit: (doc: any) => void): unknown {
  const { document } = loadRules(bundledRulesPath(), { keepDocument: true });
  const copy = structuredClone(document) as any;
  edit(copy);
  return copy;
}

const CASES: [string, (doc: any) => void][] = [
  ['valid as bundled', () => {}],
  ['points with three decimals', (d) => (d.categories[0].items[0].points = 0.125)],
  ['points 1e-7', (d) => (d.categories[0].items[0].points = 1e-7)],
  ['points that binary floats print long', (d) => (d.categories[0].items[1].points = 0.1 + 0.2)],
  ['a huge cap (allowed)', (d) => (d.categories[0].items[0].cap = 1.5e21)],
  ['a negative weight', (d) => (d.categories[1].weight = -0.5)],
  ['a weight of four decimals (allowed)', (d) => (d.categories[1].weight = 0.1234)],
  ['a weight of five decimals', (d) => (d.categories[1].weight = 0.12345)],
  ['a string for a number', (d) => (d.categories[0].items[0].points = '1')],
  ['a number for an id', (d) => (d.sites[0].id = 7)],
  ['an unknown key', (d) => (d.sites[3].colour = 'red')],
  ['a missing required key', (d) => delete d.units[0].name],
  ['a list where an object belongs', (d) => (d.ruleset = [])],
  ['an unknown enum value', (d) => (d.scoring.unit_score = 'median')],
  ['many problems at once', (d) => {
    d.units[1].group = 3;
    d.categories[2].items[0].points = 0.001;
    d.sites[5].extra = true;
    delete d.sites[6].category;
  }],
];

describe('the schema compiled ahead of time', () => {
  it('exists in a built tree, made from the schema as it is now', () => {
    expect(existsSync(PREBUILT), 'run `npm run build` first').toBe(true);
    const prebuilt = createRequire(import.meta.url)(PREBUILT) as Validate;
    expect(prebuilt.schemaSha256).toBe(schemaSha256(schemaText));
  });

  it.each(CASES)('judges a document like ajv at run time: %s', (_name, edit) => {
    const prebuilt = createRequire(import.meta.url)(PREBUILT) as Validate;
    const runtime = compileSchema(schemaText).validate as Validate;
    const document = mutated(edit);
    const ok = prebuilt(document);
    expect(ok).toBe(runtime(document));
    expect(JSON.parse(JSON.stringify(prebuilt.errors ?? null))).toEqual(JSON.parse(JSON.stringify(runtime.errors ?? null)));
    expect(ok).toBe(_name === 'valid as bundled' || _name.endsWith('(allowed)'));
  });

  it('reads decimals as the exact arithmetic does', () => {
    const exactly = (places: number, value: number) => {
      const exact = Rational.fromNumber(value).decimalPlaces();
      return exact !== undefined && exact <= places;
    };
    for (const value of [0, -0, 1, 0.5, 0.125, 0.1 + 0.2, 1e-7, 1.25e-7, 1.5e21, 123.456, 2.675, 1e-21, 5e-324, Number.MAX_VALUE]) {
      for (let places = 0; places <= 6; places++) expect(decimalsOk(places, value), `${places} ${value}`).toBe(exactly(places, value));
    }
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 8 }), fc.double({ noNaN: true, noDefaultInfinity: true }), (places, value) => {
        expect(decimalsOk(places, value)).toBe(exactly(places, value));
      }),
      { numRuns: 2000 },
    );
  });
});
