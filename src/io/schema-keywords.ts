// The rule-set schema's own keyword, `decimals: N` (a number written with at most N decimals), defined once
// for both ways the schema is compiled: by ajv when the CLI runs from its sources, and ahead of time into a
// standalone validator (scripts/build-schema-validator.mjs) that the built CLI loads instead of ajv — whose
// loading and compilation cost ~0.13 s of a run that reads a city's own rule set.

/**
 * Whether a finite number is written with at most `places` decimals, read from its shortest decimal text as
 * Rational.fromNumber reads it ("0.125": 3, "1e-7": 7, "1.5e+21": 0). Self-contained: its source is copied
 * into the standalone validator.
 */
export function decimalsOk(places: number, value: number): boolean {
  const match = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(Math.abs(value)));
  if (match === null) return false;
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  const decimals = Math.max(0, fraction.length - Number(match[3] ?? 0));
  return decimals <= places;
}

/** What the keyword definition needs of ajv's code generator (passed in: ajv is loaded only when needed). */
export interface AjvCodegen {
  _: (strings: TemplateStringsArray, ...values: unknown[]) => unknown;
  _Code: new (code: string) => unknown;
}

interface KeywordContext {
  gen: { scopeValue(prefix: string, value: { ref: unknown; code: unknown }): unknown };
  data: unknown;
  schema: unknown;
  fail(condition: unknown): void;
}

/** The ajv keyword definition of `decimals`, as generated code (so that it can be compiled ahead of time). */
export function decimalsKeyword(codegen: AjvCodegen) {
  return {
    keyword: 'decimals',
    type: 'number',
    schemaType: 'number',
    code(cxt: KeywordContext) {
      const ok = cxt.gen.scopeValue('func', { ref: decimalsOk, code: new codegen._Code(`(${decimalsOk.toString()})`) });
      cxt.fail(codegen._`!${ok}(${cxt.schema}, ${cxt.data})`);
    },
  };
}

/** The options both ways compile the schema with (verbose: errors carry the schema and the value). */
export const AJV_OPTIONS = { allErrors: true, verbose: true, strict: true, allowUnionTypes: true } as const;
