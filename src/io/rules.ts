// Loads a rule set (one YAML file or a folder of them), keeping the source position of every value,
// validates it against schema/ruleset.schema.json and hands it to the core for cross-reference checks.

import { editDistance } from '../core/text.js';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Node as YamlNode } from 'yaml';
import { diagnostic, type Diagnostic } from '../core/diagnostics.js';
import { buildRuleSet, type PathSegment, type Where } from '../core/ruleset.js';
import type { RuleSet } from '../core/types.js';
import { displayPath } from './paths.js';
import { AJV_OPTIONS, decimalsKeyword, type AjvCodegen } from './schema-keywords.js';
import {
  invalidUtf8Position, MAX_ALIAS_COUNT, MAX_RULES_BYTES, newYamlBudget, parseYamlBounded, readRulesFile, RulesFileTooLarge, type YamlBudget,
} from './yaml-guard.js';

export interface LoadedRules {
  ruleSet?: RuleSet;
  diagnostics: Diagnostic[];
  /** sha256 over the files read, in name order, each as its name and bytes. */
  sha256: string;
  files: string[];
  /** Where a valid rule set came from: its files, or a cache of them (built in, or kept from an earlier run). */
  source?: 'files' | 'bundled cache' | 'rules cache';
}

/** Most bytes a rule set may have (all its files together; see yaml-guard.ts for why). */
export const MAX_RULES_FILE_BYTES = MAX_RULES_BYTES;

const pointer = (segments: readonly PathSegment[]): string => segments.map((s) => `/${s}`).join('');

class PositionIndex {
  readonly values = new Map<string, Where>();
  readonly keys = new Map<string, Where>();

  locate(segments: readonly PathSegment[], key = false): Where {
    const own = (key ? this.keys : this.values).get(pointer(segments));
    if (own) return own;
    for (let length = segments.length; length >= 0; length--) {
      const found = this.values.get(pointer(segments.slice(0, length)));
      if (found) return found;
    }
    return {};
  }
}

export function bundledRulesPath(): string {
  return path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'rules');
}

/**
 * The bundled rule set, parsed and validated at build time (scripts/build-rules-cache.mjs): YAML parsing
 * and schema compilation cost ~0.3 s, more than scoring a city month. Used only while the files still
 * hash to what was cached, so an edited rules/ folder is always read afresh.
 */
export function bundledCachePath(): string {
  return path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', 'bundled-rules.json');
}

function cachedDocument(rulesPath: string, sha256: string): unknown {
  if (path.resolve(rulesPath) !== bundledRulesPath()) return undefined;
  try {
    const cache = JSON.parse(readFileSync(bundledCachePath(), 'utf8')) as { sha256: string; document: unknown };
    return cache.sha256 === sha256 ? cache.document : undefined;
  } catch {
    return undefined;
  }
}

// ---- The rules cache: a city's own rule set, validated once, read as JSON on later runs ----
//
// Reading a rule set of the bundled one's size costs ~0.5 s (YAML parsing with positions, loading ajv and
// compiling the schema), more than scoring a city month; the same files are read again every run. A rule
// set that loaded without a single diagnostic is kept as its merged document, named by a key over its
// files' hash, civscore's version, the schema, this code file and the parser's and validator's versions,
// in CIVSCORE_CACHE_DIR (default $XDG_CACHE_HOME/civscore or ~/.cache/civscore; "off" keeps nothing), a
// folder only its owner may write to. A rule set with problems is never kept, so its diagnostics always
// carry FILE:LINE:COL. Any failure to read or write the cache only means the files are read as usual.

/** Cache files kept at most; the oldest go first. */
const RULES_CACHE_FILES = 32;

export function rulesCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const configured = env.CIVSCORE_CACHE_DIR;
  if (configured === 'off') return undefined;
  if (configured) return path.resolve(configured);
  // A relative XDG_CACHE_HOME is to be ignored (XDG Base Directory specification).
  const xdg = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : undefined;
  let base = xdg || (process.platform === 'win32' ? env.LOCALAPPDATA : undefined);
  if (!base) {
    let home = '';
    try {
      home = os.homedir();
    } catch {
      // no home directory: no cache
    }
    base = home ? path.join(home, '.cache') : undefined;
  }
  // Never a folder relative to wherever civscore happens to run.
  return base && path.isAbsolute(base) ? path.join(base, 'civscore') : undefined;
}

function rulesCacheKey(sha256: string): string | undefined {
  try {
    const here = fileURLToPath(import.meta.url);
    const root = path.resolve(path.dirname(here), '..', '..');
    const require = createRequire(import.meta.url);
    // Whatever decides how the files read: civscore's version, the schema, this code (by its bytes: an
    // installed package's files all carry one date), and the YAML parser's and the validator's versions.
    const versions = ['yaml', 'ajv'].map((name) => `${name}@${(require(`${name}/package.json`) as { version: string }).version}`);
    return createHash('sha256')
      .update(`civscore rules cache 1\0${sha256}\0${versions.join('\0')}\0`)
      .update(readFileSync(path.join(root, 'package.json')))
      .update('\0')
      .update(readFileSync(path.join(root, 'schema', 'ruleset.schema.json')))
      .update('\0')
      .update(readFileSync(here))
      .digest('hex');
  } catch {
    return undefined;
  }
}

/**
 * Whether a cache folder may be trusted: a rule set read from it is not validated again, so a folder others
 * can write to is not used (on systems with POSIX permissions).
 */
function privateDir(dir: string): boolean {
  if (process.platform === 'win32') return true;
  try {
    const stat = statSync(dir);
    return stat.isDirectory() && (stat.mode & 0o022) === 0 && (typeof process.getuid !== 'function' || stat.uid === process.getuid());
  } catch {
    return false;
  }
}

function readRulesCache(dir: string, key: string): unknown {
  if (!privateDir(dir)) return undefined;
  try {
    const cache = JSON.parse(readFileSync(path.join(dir, `rules-${key}.json`), 'utf8')) as { key?: unknown; document?: unknown };
    return cache.key === key ? cache.document : undefined;
  } catch {
    return undefined;
  }
}

function writeRulesCache(dir: string, key: string, documentJson: string): void {
  const target = path.join(dir, `rules-${key}.json`);
  // The main thread and a records worker may both write it: a name of their own for each.
  const temporary = `${target}.${process.pid}-${Math.random().toString(36).slice(2)}.tmp`;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!privateDir(dir)) return;
    writeFileSync(temporary, `{"key":${JSON.stringify(key)},"document":${documentJson}}`, { mode: 0o600 });
    renameSync(temporary, target);
    const now = Date.now();
    const entries = readdirSync(dir).map((name) => ({ name, time: statSync(path.join(dir, name)).mtimeMs }));
    const kept = entries.filter((e) => /^rules-[0-9a-f]{64}\.json$/.test(e.name)).sort((a, b) => b.time - a.time || (a.name < b.name ? -1 : 1));
    // Temporary files a killed run left behind (an hour is far longer than any write takes).
    const stale = entries.filter((e) => /^rules-[0-9a-f]{64}\.json\..*\.tmp$/.test(e.name) && now - e.time > 3_600_000);
    for (const old of [...kept.slice(RULES_CACHE_FILES), ...stale]) rmSync(path.join(dir, old.name), { force: true });
  } catch {
    rmSync(temporary, { force: true });
  }
}

/** The rule set of a cached document (built in or kept), when it builds without a diagnostic (else the files are read). */
function ruleSetOf(document: unknown): RuleSet | undefined {
  try {
    const built = buildRuleSet(document as never, () => ({}));
    return built.diagnostics.length === 0 ? built.ruleSet : undefined;
  } catch {
    return undefined;
  }
}

export function loadRules(rulesPath: string, options: { keepDocument?: boolean } = {}): LoadedRules & { document?: unknown } {
  const diagnostics: Diagnostic[] = [];
  const display = displayPath(rulesPath);
  let files: string[];
  try {
    const stat = statSync(rulesPath);
    if (stat.isDirectory()) {
      files = readdirSync(rulesPath)
        .filter((name) => /\.ya?ml$/i.test(name) && !name.startsWith('.'))
        .sort()
        .map((name) => path.join(rulesPath, name));
      if (files.length === 0) {
        return { diagnostics: [diagnostic('RULES_NO_YAML', { file: display }, { path: display })], sha256: '', files: [] };
      }
    } else {
      files = [rulesPath];
    }
  } catch {
    return { diagnostics: [diagnostic('RULES_NOT_FOUND', { file: display }, { path: display })], sha256: '', files: [] };
  }

  // Sizes are checked before anything is read, so a wrong multi-gigabyte file costs nothing.
  let total = 0;
  for (const file of files) {
    try {
      total += statSync(file).size;
    } catch {
      // reported when it is read below
    }
  }
  if (total > MAX_RULES_BYTES) {
    return { diagnostics: [diagnostic('RULES_TOO_LARGE', { file: display }, { size: total, limit: MAX_RULES_BYTES })], sha256: '', files };
  }

  const hash = createHash('sha256');
  const contents: (Buffer | undefined)[] = files.map((file) => {
    try {
      const bytes = readRulesFile(file);
      hash.update(path.basename(file)).update('\0').update(bytes).update('\0');
      return bytes;
    } catch (error) {
      if (error instanceof RulesFileTooLarge) {
        diagnostics.push(diagnostic('RULES_TOO_LARGE', { file: displayPath(file) }, { size: `${error.size}+`, limit: MAX_RULES_BYTES }));
      } else {
        diagnostics.push(diagnostic('FILE_UNREADABLE', { file: displayPath(file) }, { message: (error as Error).message }));
      }
      return undefined;
    }
  });
  const sha256 = hash.digest('hex');
  if (diagnostics.length > 0) return { diagnostics, sha256, files };

  const cached = cachedDocument(rulesPath, sha256);
  const bundled = cached === undefined ? undefined : ruleSetOf(cached);
  if (bundled) return { ruleSet: bundled, diagnostics: [], sha256, files, source: 'bundled cache' };
  const cacheDir = options.keepDocument ? undefined : rulesCacheDir();
  const cacheKey = cacheDir !== undefined ? rulesCacheKey(sha256) : undefined;
  if (cacheDir !== undefined && cacheKey !== undefined) {
    const document = readRulesCache(cacheDir, cacheKey);
    const ruleSet = document === undefined ? undefined : ruleSetOf(document);
    if (ruleSet) return { ruleSet, diagnostics: [], sha256, files, source: 'rules cache' };
  }

  const positions = new PositionIndex();
  const merged: Record<string, unknown> = {};
  const owner = new Map<string, string>();
  const budget = newYamlBudget();
  for (const [index, file] of files.entries()) {
    const name = displayPath(file);
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(contents[index]!);
    } catch {
      const where = invalidUtf8Position(contents[index]!) ?? { line: 1, col: 1 };
      diagnostics.push(diagnostic('RULES_ENCODING', { file: name, ...where }));
      continue;
    }
    const parsed = parseYamlFile(text, name, diagnostics, budget);
    if (parsed === undefined) continue;
    const shifts = new Map<string, number>();
    mergeInto(merged, parsed.value, [], name, parsed.positions, owner, shifts, diagnostics);
    copyPositions(parsed.positions, positions, shifts);
  }
  if (diagnostics.length > 0) return { diagnostics, sha256, files };

  const document = options.keepDocument ? structuredClone(merged) : undefined;
  // As read, before validation and building look at it (a YAML alias can make it circular: then not kept).
  let documentJson: string | undefined;
  if (cacheKey !== undefined) {
    try {
      documentJson = JSON.stringify(merged);
    } catch {
      documentJson = undefined;
    }
  }
  // Loops, not push(...list): a list of 150,000 problems overflows the stack.
  for (const d of validateSchema(merged, positions)) diagnostics.push(d);
  const built = buildRuleSet(merged, (segments, key) => positions.locate(segments, key));
  for (const d of built.diagnostics) diagnostics.push(d);
  if (diagnostics.length > 0 || !built.ruleSet) return { diagnostics, sha256, files };
  if (cacheDir !== undefined && cacheKey !== undefined && documentJson !== undefined) writeRulesCache(cacheDir, cacheKey, documentJson);
  return { ruleSet: built.ruleSet, diagnostics, sha256, files, source: 'files', ...(document ? { document } : {}) };
}

interface ParsedFile {
  value: Record<string, unknown>;
  positions: PositionIndex;
}

type YamlModule = typeof import('yaml');
let yamlModule: YamlModule | undefined;
/** yaml is loaded on first use: a cached rule set never needs it. */
function yaml(): YamlModule {
  yamlModule ??= createRequire(import.meta.url)('yaml') as YamlModule;
  return yamlModule;
}

function parseYamlFile(text: string, file: string, diagnostics: Diagnostic[], budget: YamlBudget): ParsedFile | undefined {
  const lineCounter = new (yaml().LineCounter)();
  const at = (offset: number): Where => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, col };
  };
  // Bounded parse: nesting depth and duplicate keys are checked without recursion or quadratic time.
  const bounded = parseYamlBounded(yaml(), text, lineCounter, budget);
  for (const problem of bounded.problems) diagnostics.push(diagnostic(problem.code, at(problem.offset), problem.args));
  const doc = bounded.doc;
  if (!doc) return undefined;
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      diagnostics.push(diagnostic('RULES_YAML_SYNTAX', at(error.pos[0]), { message: firstLine(error.message) }));
    }
    return undefined;
  }
  if (bounded.problems.length > 0) return undefined;
  let value: unknown;
  try {
    // maxAliasCount bounds alias expansion ("billion laughs").
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const code = /alias/i.test((error as Error).message) ? 'RULES_ALIAS_LIMIT' : 'RULES_YAML_SYNTAX';
    diagnostics.push(diagnostic(code, { file, line: 1, col: 1 }, { message: firstLine((error as Error).message) }));
    return undefined;
  }
  if (value === null || value === undefined) value = {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    diagnostics.push(diagnostic('RULES_NOT_MAPPING', { file, line: 1, col: 1 }));
    return undefined;
  }
  const positions = new PositionIndex();
  if (doc.contents) recordPositions(doc.contents as YamlNode, [], positions, at, 0);
  else positions.values.set(pointer([]), { file, line: 1, col: 1 }); // an empty file: its problems are at 1:1
  return { value: value as Record<string, unknown>, positions };
}

const MAX_DEPTH = 64;

function recordPositions(
  node: YamlNode,
  segments: PathSegment[],
  positions: PositionIndex,
  at: (offset: number) => Where,
  depth: number,
): void {
  const { isAlias, isMap, isPair, isScalar, isSeq } = yaml();
  if (node.range) positions.values.set(pointer(segments), at(node.range[0]));
  if (depth > MAX_DEPTH || isAlias(node)) return;
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair) || !isScalar(pair.key)) continue;
      const child = [...segments, String(pair.key.value)];
      if (pair.key.range) positions.keys.set(pointer(child), at(pair.key.range[0]));
      if (pair.value) recordPositions(pair.value as YamlNode, child, positions, at, depth + 1);
      else if (pair.key.range) positions.values.set(pointer(child), at(pair.key.range[0]));
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => {
      if (item) recordPositions(item as YamlNode, [...segments, index], positions, at, depth + 1);
    });
  }
}

/**
 * Merges one file's document into the rule set: lists concatenate, maps merge, scalars may be set once.
 * Records, for every list that grew, how far the file's entries were shifted, so positions can follow.
 */
function mergeInto(
  target: Record<string, unknown>,
  source: Record<string, unknown>,
  segments: PathSegment[],
  file: string,
  sourcePositions: PositionIndex,
  owner: Map<string, string>,
  shifts: Map<string, number>,
  diagnostics: Diagnostic[],
): void {
  for (const [key, value] of Object.entries(source)) {
    const child = [...segments, key];
    // Own properties only, set as data: a key named `__proto__` or `constructor` must stay a key (and be
    // reported as unknown), never reach Object.prototype — `__proto__: {x: 1}` used to pollute it.
    const existing = Object.hasOwn(target, key) ? target[key] : undefined;
    if (existing === undefined) {
      Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
      owner.set(pointer(child), file);
    } else if (Array.isArray(existing) && Array.isArray(value)) {
      shifts.set(pointer(child), existing.length);
      for (const item of value) existing.push(item); // not push(...value): a long list overflows the stack
    } else if (isPlainObject(existing) && isPlainObject(value)) {
      mergeInto(existing, value, child, file, sourcePositions, owner, shifts, diagnostics);
    } else {
      diagnostics.push(
        diagnostic('RULES_MERGE_CONFLICT', sourcePositions.locate(child, true), {
          key: child.join('.'),
          other: ownerOf(owner, child),
        }),
      );
    }
  }
}

/** The file that first set a key, or the nearest enclosing key it set. */
function ownerOf(owner: ReadonlyMap<string, string>, segments: readonly PathSegment[]): string {
  for (let length = segments.length; length > 0; length--) {
    const file = owner.get(pointer(segments.slice(0, length)));
    if (file !== undefined) return file;
  }
  return '?';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Copies one file's positions into the merged index, shifting list indices the merge moved. */
function copyPositions(from: PositionIndex, to: PositionIndex, shifts: ReadonlyMap<string, number>): void {
  const translate = (ptr: string): string => {
    if (shifts.size === 0) return ptr;
    const parts = ptr.split('/').slice(1);
    let prefix = '';
    let out = '';
    for (const part of parts) {
      const shift = shifts.get(prefix);
      const translated = shift !== undefined && /^\d+$/.test(part) ? String(Number(part) + shift) : part;
      prefix += `/${part}`;
      out += `/${translated}`;
    }
    return out;
  };
  for (const [ptr, where] of from.values) to.values.set(translate(ptr), where);
  for (const [ptr, where] of from.keys) to.keys.set(translate(ptr), where);
}

// ---- JSON Schema validation (ajv), loaded lazily so commands that do not read rules stay fast ----

interface AjvError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
  parentSchema?: { properties?: Record<string, unknown> };
}

type Validate = ((data: unknown) => boolean) & { errors?: AjvError[] | null };
let compiled: Validate | undefined;

function schemaPath(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'schema', 'ruleset.schema.json');
}

/** Where scripts/build-schema-validator.mjs puts the schema compiled ahead of time (dist/ and dist/bundle/ alike). */
export function prebuiltValidatorPath(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'schema-validator.cjs');
}

/** The schema compiled by ajv (`source`: keeping the code, for the standalone validator). */
export function compileSchema(schemaText: string, options: { source?: boolean } = {}) {
  const require = createRequire(import.meta.url);
  const AjvModule = require('ajv');
  const Ajv = AjvModule.default ?? AjvModule;
  const ajv = new Ajv({ ...AJV_OPTIONS, ...(options.source ? { code: { source: true } } : {}) });
  ajv.addKeyword(decimalsKeyword(require('ajv/dist/compile/codegen/code.js') as AjvCodegen));
  return { ajv, validate: ajv.compile(JSON.parse(schemaText)) as Validate };
}

export function schemaSha256(schemaText: string): string {
  return createHash('sha256').update(schemaText).digest('hex');
}

function validator(): Validate {
  if (compiled) return compiled;
  const schemaText = readFileSync(schemaPath(), 'utf8');
  // The built CLI has the schema compiled ahead of time: no ajv to load, nothing to compile (~0.13 s), as
  // long as it was compiled from this very schema.
  try {
    const prebuilt = createRequire(import.meta.url)(prebuiltValidatorPath()) as Validate & { schemaSha256?: string };
    if (typeof prebuilt === 'function' && prebuilt.schemaSha256 === schemaSha256(schemaText)) return (compiled = prebuilt);
  } catch {
    // not built (running from the sources): compiled below
  }
  return (compiled = compileSchema(schemaText).validate);
}

const TYPE_ZH: Record<string, string> = {
  string: '文本（字符串，数字编号请加引号）', number: '数字', integer: '整数', boolean: 'true 或 false',
  object: '键值映射', array: '列表', 'string,number': '文本或数字',
};

function validateSchema(document: unknown, positions: PositionIndex): Diagnostic[] {
  const validate = validator();
  if (validate(document)) return [];
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const error of validate.errors ?? []) {
    const segments: PathSegment[] = error.instancePath
      .split('/')
      .slice(1)
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
      .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    const label = humanPath(segments);
    let d: Diagnostic;
    switch (error.keyword) {
      case 'additionalProperties': {
        const key = String(error.params.additionalProperty);
        const allowed = Object.keys(error.parentSchema?.properties ?? {});
        const suggestion = closest(key, allowed);
        d = diagnostic('RULES_UNKNOWN_KEY', positions.locate([...segments, key], true), {
          key, allowed: allowed.join(', '), ...(suggestion ? { suggestion } : {}),
        });
        break;
      }
      case 'required':
        d = diagnostic('RULES_MISSING_KEY', positions.locate(segments), {
          key: label ? `${label}.${String(error.params.missingProperty)}` : String(error.params.missingProperty),
        });
        break;
      case 'type': {
        const expected = String(error.params.type);
        d = diagnostic('RULES_TYPE', positions.locate(segments), {
          path: label, expected: expected === 'string' ? 'text (quote numeric ids)' : expected.replace(',', ' or '),
          expectedZh: TYPE_ZH[expected] ?? expected,
        });
        break;
      }
      case 'enum':
        d = diagnostic('RULES_ENUM', positions.locate(segments), {
          path: label, allowed: ((error.params.allowedValues as unknown[]) ?? []).join(' | '),
        });
        break;
      case 'minimum':
      case 'maximum':
      case 'exclusiveMinimum':
      case 'exclusiveMaximum': {
        const comparison = String(error.params.comparison);
        const zh: Record<string, string> = { '>=': '大于等于', '>': '大于', '<=': '小于等于', '<': '小于' };
        d = diagnostic('RULES_RANGE', positions.locate(segments), {
          path: label, comparison, comparisonZh: zh[comparison] ?? comparison, limit: String(error.params.limit),
        });
        break;
      }
      case 'decimals':
        d = diagnostic('RULES_DECIMALS', positions.locate(segments), {
          path: label, places: String((error as unknown as { schema: number }).schema ?? ''),
          value: String((error as unknown as { data: unknown }).data),
        });
        break;
      default:
        d = diagnostic('RULES_SCHEMA', positions.locate(segments), { path: label || '(top)', message: error.message ?? error.keyword });
    }
    const fingerprint = `${d.code}|${d.file}|${d.line}|${d.col}|${JSON.stringify(d.args)}`;
    if (!seen.has(fingerprint)) {
      seen.add(fingerprint);
      out.push(d);
    }
  }
  return out;
}

function humanPath(segments: readonly PathSegment[]): string {
  return segments.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

/** The allowed key closest to a typo (edit distance ≤ 2), if any. */
function closest(key: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of allowed) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.trim();
}
