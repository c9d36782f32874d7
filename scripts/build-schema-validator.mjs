// Build step: compiles schema/ruleset.schema.json with ajv once, into a standalone validator
// (dist/schema-validator.cjs), so that reading a city's own rule set neither loads ajv nor compiles the schema
// (~0.13 s of such a run). It carries the SHA-256 of the schema it was made from; src/io/rules.ts uses it only
// for that schema and compiles with ajv otherwise.
//
//   node scripts/build-schema-validator.mjs      (run by `npm run build`, after tsc)
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { compileSchema, prebuiltValidatorPath, schemaSha256 } from '../dist/io/rules.js';

const require = createRequire(import.meta.url);
const standaloneCode = require('ajv/dist/standalone').default;

const schemaText = readFileSync(new URL('../schema/ruleset.schema.json', import.meta.url), 'utf8');
const { ajv, validate } = compileSchema(schemaText, { source: true });
const code = `${standaloneCode(ajv, validate)}\nmodule.exports.schemaSha256 = ${JSON.stringify(schemaSha256(schemaText))};\n`;
const target = prebuiltValidatorPath();
writeFileSync(`${target}.tmp`, code);
renameSync(`${target}.tmp`, target);
console.log(`schema validator: ${target.slice(target.lastIndexOf('dist'))} (${code.length} bytes)`);
