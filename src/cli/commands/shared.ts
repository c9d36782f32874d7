import type { Command } from 'commander';
import { ENCODING_CHOICES, parseEncodingName, type EncodingName } from '../../io/decode.js';
import { UsageError } from '../context.js';

export interface RecordsCliOptions {
  rules?: string;
  records?: string[];
  period?: string;
  encoding?: string;
  delimiter?: string;
  previous?: string;
  components?: string;
  skipInvalid?: boolean;
  parallel?: boolean;
}

export function recordsOptions(command: Command, recordsRequired: boolean): Command {
  return command
    .option('--rules <path>', 'rule set: a YAML file or a folder of them (default: the bundled rules/)')
    .option(`--records <file...>`, `inspection records CSV file(s)${recordsRequired ? '' : ' (optional)'}`)
    .option('--period <YYYY-MM>', 'the month scored; records dated outside it are errors')
    .option('--encoding <name>', `force the records' encoding: ${ENCODING_CHOICES} (default: detect)`)
    .option('--delimiter <char>', "field delimiter, e.g. '\\t' (default: tab for .tsv files, else comma)")
    .option('--parallel', 'read files over 16 MB on two threads (and hash those over 8 MB on another) even on a one-core machine (default: when there are two cores)')
    .option('--no-parallel', 'read and hash every file on this thread alone');
}

export function parseDelimiter(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const value = text === '\\t' || text.toLowerCase() === 'tab' ? '\t' : text;
  if (value.length !== 1 || value === '"' || value === '\n' || value === '\r') {
    throw new UsageError(`--delimiter must be one character (or '\\t'), got "${text}"`, `--delimiter 必须是单个字符（或 '\\t'），收到 "${text}"`);
  }
  return value;
}

export function parseEncoding(text: string | undefined): EncodingName | undefined {
  if (text === undefined) return undefined;
  const encoding = parseEncodingName(text);
  if (!encoding) throw new UsageError(`unknown --encoding "${text}"; use one of ${ENCODING_CHOICES}`, `未知的编码 "${text}"，可用：${ENCODING_CHOICES}`);
  return encoding;
}

export function csvReadOptions(options: RecordsCliOptions): {
  rules?: string; period?: string; encoding?: EncodingName; delimiter?: string;
} {
  const out: { rules?: string; period?: string; encoding?: EncodingName; delimiter?: string } = {};
  if (options.rules !== undefined) out.rules = options.rules;
  if (options.period !== undefined) out.period = options.period;
  const encoding = parseEncoding(options.encoding);
  if (encoding) out.encoding = encoding;
  const delimiter = parseDelimiter(options.delimiter);
  if (delimiter) out.delimiter = delimiter;
  return out;
}
