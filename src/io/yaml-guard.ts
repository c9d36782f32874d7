// Bounds on what reading a rule-set YAML file may cost (issue 7: hostile input). A rule set is hand-edited
// text of a few hundred kilobytes; these limits keep a wrong or malicious file from exhausting memory, the
// stack or the clock, and turn each into a clear error at a file, line and column:
// - size: at most MAX_RULES_BYTES over all the files of a rule set (checked before reading them);
// - nesting: at most MAX_YAML_DEPTH levels, checked on the parser's token tree before the composer (which
//   recurses) sees it — 100,000 `[` would otherwise overflow the stack. The parser recurses too, once per open
//   level when it closes several at once, and some mistakes make it open a level per line (a list indented
//   under a key that already has a value: 2,500 such lines overflowed the stack), so its stack of open
//   tokens is bounded as well (MAX_PARSER_STACK), checked after each token of the lexer;
// - entries: at most MAX_YAML_ENTRIES list items and mapping pairs (schema validation keeps every error,
//   and `sites: [{}, {}, …]` gives four per entry: 600,000 entries ran a 256 MB heap out of memory). The
//   parser's token tree costs ~700 bytes an entry, so the indicators that make entries (`-` `:` `,` `?`
//   `[` `{`) are first counted by the lexer, which keeps nothing, and a file with more than twice
//   MAX_YAML_ENTRIES of them is refused before the tree is built;
// - duplicate keys: found with one Set per mapping (the yaml package's own `uniqueKeys` check compares every
//   key with every earlier one, so 40,000 keys took 25 s);
// - aliases: MAX_ALIAS_COUNT bounds alias expansion ("billion laughs") in toJS.
// The yaml module is passed in, so callers can keep loading it lazily.

import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { CST, Document, LineCounter, Node as YamlNode } from 'yaml';

type YamlModule = typeof import('yaml');

/** Most bytes a rule set (all its files together) may have: ~100 MB of memory per MB of YAML is needed to
 * read it with positions; the bundled rule set (632 sites) is 115 KB, so this allows ~20,000 sites. */
export const MAX_RULES_BYTES = 2 * 1024 * 1024;
/** Deepest nesting of mappings and lists; a rule set uses 5. */
export const MAX_YAML_DEPTH = 64;
/**
 * Most tokens the parser may hold open at once (collections, their items' keys and values, scalars being
 * read): a few per level of nesting, so a file within MAX_YAML_DEPTH stays well under it (the bundled rule
 * set needs 7).
 */
export const MAX_PARSER_STACK = 4 * MAX_YAML_DEPTH;
/** Most list items plus mapping pairs in a rule set; the bundled one has ~6,000, a site takes 6. */
export const MAX_YAML_ENTRIES = 100_000;
/** Most entry indicators (see above): a site written `- { id: …, name: …, … }` has 11. */
export const MAX_YAML_INDICATORS = 2 * MAX_YAML_ENTRIES;
/** Passed to yaml's toJS: alias expansions beyond it are an error. */
export const MAX_ALIAS_COUNT = 1000;

export interface YamlProblem {
  code: 'RULES_TOO_DEEP' | 'RULES_TOO_MANY_ENTRIES' | 'RULES_DUPLICATE_KEY';
  /** Character offset in the text. */
  offset: number;
  args: Record<string, string | number>;
}

export interface BoundedParse {
  /** Absent when the text was refused before composing. */
  doc?: Document.Parsed;
  problems: YamlProblem[];
}

/**
 * parseDocument(text, { lineCounter, uniqueKeys: true }) with the bounds above: the text is tokenised once,
 * its depth checked, then composed without yaml's quadratic duplicate-key check, which is done here instead.
 */
/** What the files of one rule set have used so far of the limits shared among them. */
export interface YamlBudget {
  entries: number;
  indicators: number;
}

export function newYamlBudget(): YamlBudget {
  return { entries: 0, indicators: 0 };
}

export function parseYamlBounded(yaml: YamlModule, text: string, lineCounter: LineCounter, budget: YamlBudget = newYamlBudget()): BoundedParse {
  const crowded = countIndicators(yaml, text, budget);
  if (crowded !== undefined) {
    // The line counter is only fed by the parser: count this text's lines so the offset can be placed.
    lineCounter.addNewLine(0);
    countLinesFrom(text, 0, lineCounter);
    return { problems: [{ code: 'RULES_TOO_MANY_ENTRIES', offset: crowded, args: { limit: MAX_YAML_ENTRIES } }] };
  }
  const tokens = parseTokens(yaml, text, lineCounter);
  if (!Array.isArray(tokens)) return { problems: [tokens] };
  const shape = checkShape(tokens, MAX_YAML_DEPTH, MAX_YAML_ENTRIES - budget.entries);
  budget.entries += shape.entries;
  if (shape.problem) return { problems: [shape.problem] };
  const composer = new yaml.Composer({ uniqueKeys: false, prettyErrors: false });
  let doc: Document.Parsed | undefined;
  for (const next of composer.compose(tokens, true, text.length)) {
    if (!doc) {
      doc = next;
    } else {
      doc.errors.push(
        new yaml.YAMLParseError([next.range[0], next.range[1]], 'MULTIPLE_DOCS', 'Source contains multiple documents; a rule-set file holds one'),
      );
      break;
    }
  }
  const problems: YamlProblem[] = [];
  if (doc && doc.errors.length === 0 && doc.contents) duplicateKeys(yaml, doc.contents as YamlNode, lineCounter, problems);
  return { ...(doc ? { doc } : {}), problems };
}

/**
 * What yaml's Parser.parse(text) yields, made a lexer token at a time (as its documentation shows) so that
 * the parser's stack is seen to grow: a RULES_TOO_DEEP problem where it passes MAX_PARSER_STACK, instead of a
 * stack overflow when it later closes all those levels. The line counter is fed the whole text either way.
 */
function parseTokens(yaml: YamlModule, text: string, lineCounter: LineCounter): CST.Token[] | YamlProblem {
  const parser = new yaml.Parser(lineCounter.addNewLine);
  lineCounter.addNewLine(0);
  const tokens: CST.Token[] = [];
  for (const lexeme of new yaml.Lexer().lex(text)) {
    for (const token of parser.next(lexeme)) tokens.push(token);
    if (parser.stack.length > MAX_PARSER_STACK) {
      // The parser has counted the lines up to here (each line start once, as it passed its line break).
      countLinesFrom(text, parser.offset, lineCounter);
      // Where the tree check would point: the first collection nested deeper than the limit, if one is open.
      let offset = Math.min(parser.offset, text.length);
      let collections = 0;
      for (const token of parser.stack) {
        if ((token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection') && ++collections > MAX_YAML_DEPTH) {
          offset = token.offset;
          break;
        }
      }
      return { code: 'RULES_TOO_DEEP', offset, args: { limit: MAX_YAML_DEPTH } };
    }
  }
  for (const token of parser.end()) tokens.push(token);
  return tokens;
}

/** Gives the line counter the start of every line that begins after `from`. */
function countLinesFrom(text: string, from: number, lineCounter: LineCounter): void {
  for (let i = text.indexOf('\n', from); i >= 0; i = text.indexOf('\n', i + 1)) lineCounter.addNewLine(i + 1);
}

const INDICATORS = new Set(['-', ':', ',', '?', '[', '{']);
/** Zero-width markers the lexer inserts (document, flow end, scalar): not part of the source. */
const MARKERS = new Set(['\x02', '\x18', '\x1f']);

/** Counts entry indicators with the lexer; the offset of the one past the budget, if any. */
function countIndicators(yaml: YamlModule, text: string, budget: YamlBudget): number | undefined {
  let offset = 0;
  for (const token of new yaml.Lexer().lex(text)) {
    if (token.length === 1) {
      if (MARKERS.has(token)) continue;
      if (INDICATORS.has(token) && ++budget.indicators > MAX_YAML_INDICATORS) return offset;
    }
    offset += token.length;
  }
  return undefined;
}

/**
 * Walks the token tree without recursion: the first collection nested deeper than `maxDepth`, or the
 * first entry past `maxEntries`, is a problem at its offset.
 */
function checkShape(tokens: readonly CST.Token[], maxDepth: number, maxEntries: number): { problem?: YamlProblem; entries: number } {
  const stack: [CST.Token, number][] = [];
  for (const token of tokens) if (token.type === 'document' && token.value) stack.push([token.value, 0]);
  let entries = 0;
  while (stack.length > 0) {
    const [token, depth] = stack.pop()!;
    if (!('items' in token) || !Array.isArray(token.items)) continue;
    if (depth + 1 > maxDepth) return { problem: { code: 'RULES_TOO_DEEP', offset: token.offset, args: { limit: maxDepth } }, entries };
    const items = token.items as { start?: CST.SourceToken[]; key?: CST.Token | null; value?: CST.Token }[];
    if (entries + items.length > maxEntries) {
      const item = items[Math.max(0, maxEntries - entries)];
      const offset = item?.key?.offset ?? item?.value?.offset ?? item?.start?.[0]?.offset ?? token.offset;
      return { problem: { code: 'RULES_TOO_MANY_ENTRIES', offset, args: { limit: MAX_YAML_ENTRIES } }, entries: entries + items.length };
    }
    entries += items.length;
    for (const item of items) {
      if (item.key) stack.push([item.key, depth + 1]);
      if (item.value) stack.push([item.value, depth + 1]);
    }
  }
  return { entries };
}

/** Keys repeated within one mapping (compared as the text toJS would make of them: `1` and `"1"` collide). */
function duplicateKeys(yaml: YamlModule, root: YamlNode, lineCounter: LineCounter, problems: YamlProblem[]): void {
  const stack: YamlNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (yaml.isMap(node)) {
      const seen = new Map<string, number>();
      for (const pair of node.items) {
        const key = pair.key as YamlNode | null;
        if (yaml.isScalar(key) && key.range) {
          const name = String(key.value);
          const first = seen.get(name);
          if (first === undefined) seen.set(name, key.range[0]);
          else if (name !== '<<') problems.push({ code: 'RULES_DUPLICATE_KEY', offset: key.range[0], args: { key: name, first: position(lineCounter, first) } });
        } else if (key && yaml.isNode(key)) {
          stack.push(key);
        }
        if (pair.value && yaml.isNode(pair.value)) stack.push(pair.value as YamlNode);
      }
    } else if (yaml.isSeq(node)) {
      for (const item of node.items) if (item && yaml.isNode(item)) stack.push(item as YamlNode);
    }
  }
}

export class RulesFileTooLarge extends Error {
  constructor(readonly size: number) {
    super(`larger than ${MAX_RULES_BYTES} bytes`);
  }
}

/**
 * Reads a rule-set file, read-only and at most `limit` bytes: a device or a file that grows while it is read
 * (`--rules /dev/zero` used to read until memory ran out) is refused rather than read without end.
 */
export function readRulesFile(file: string, limit = MAX_RULES_BYTES): Buffer {
  if (!statSync(file).isFile()) throw new Error('not a regular file');
  const fd = openSync(file, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(64 * 1024);
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      total += read;
      if (total > limit) throw new RulesFileTooLarge(total);
      chunks.push(chunk.subarray(0, read));
    }
    return Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}

function position(lineCounter: LineCounter, offset: number): string {
  const { line, col } = lineCounter.linePos(offset);
  return `${line}:${col}`;
}

/** Line and column (1-based, column in characters) of the first byte that is not valid UTF-8, if any. */
export function invalidUtf8Position(bytes: Uint8Array): { line: number; col: number } | undefined {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return undefined;
  } catch {
    // Find the longest valid prefix by bisection (the decoder does not report where it failed).
  }
  let low = 0;
  let high = bytes.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, mid), { stream: true });
      low = mid;
    } catch {
      high = mid - 1;
    }
  }
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < low; i++) {
    if (bytes[i] === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  const col = new TextDecoder('utf-8').decode(bytes.subarray(lineStart, low)).length + 1;
  return { line, col };
}
