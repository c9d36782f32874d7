// What every command gets from the edge: streams, language, colour, and how problems are printed.

import { compareDiagnostics, diagnostic, formatDiagnostic, MAX_PRINTED_ERRORS, type Diagnostic, type Language } from '../core/diagnostics.js';
import { NO_PAINT, type Paint } from '../report/paint.js';

/** A mistake in how the command was called: exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly messageZh: string = message,
  ) {
    super(message);
  }
}

/** The input was invalid and has been reported: exit code 1. */
export class InvalidInputError extends Error {}

export interface Writer {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface Context {
  stdout: Writer;
  stderr: Writer;
  env: NodeJS.ProcessEnv;
  language: Language;
  /** Colour for stdout. */
  paint: Paint;
  /** Colour for stderr. */
  paintErr: Paint;
}

export function languageFrom(env: NodeJS.ProcessEnv, requested?: string): Language {
  const choice = requested ?? env.CIVSCORE_LANG ?? env.LC_ALL ?? env.LC_MESSAGES ?? env.LANG ?? '';
  return /^zh/i.test(choice) ? 'zh' : 'en';
}

/** Colour only on a TTY, never with NO_COLOR or --no-color; FORCE_COLOR forces it (0 turns it off). */
export function colourWanted(stream: Writer, env: NodeJS.ProcessEnv, flag: boolean | undefined): boolean {
  if (flag === false) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  if (flag === true) return true;
  return stream.isTTY === true;
}

export async function paintFor(enabled: boolean): Promise<Paint> {
  if (!enabled) return NO_PAINT;
  const { Chalk } = await import('chalk');
  const chalk = new Chalk({ level: 1 });
  return { bold: chalk.bold, red: chalk.red, dim: chalk.dim, black: chalk.inverse };
}

/** Prints problems, errors first in file/line order, at most 50 errors with a count of the rest. */
export function printDiagnostics(context: Context, diagnostics: readonly Diagnostic[], uncounted = 0): void {
  const errors = diagnostics.filter((d) => d.severity === 'error').sort(compareDiagnostics);
  const total = errors.length + uncounted;
  const warnings = diagnostics.filter((d) => d.severity === 'warning');
  const paint = context.paintErr;
  for (const d of warnings) context.stderr.write(`${paint.dim(formatDiagnostic(d, context.language))}\n`);
  for (const d of errors.slice(0, MAX_PRINTED_ERRORS)) context.stderr.write(`${paint.red(formatDiagnostic(d, context.language))}\n`);
  if (total > MAX_PRINTED_ERRORS) {
    const more = diagnostic('MORE_ERRORS', {}, { count: total - Math.min(errors.length, MAX_PRINTED_ERRORS) });
    context.stderr.write(`${formatDiagnostic(more, context.language)}\n`);
  }
  if (total > 0) {
    context.stderr.write(
      context.language === 'zh'
        ? `共 ${total} 个错误，未写出任何文件。\n`
        : `${total} error${total === 1 ? '' : 's'}; nothing was written.\n`,
    );
  }
}

export function say(context: Context, en: string, zh: string): string {
  return context.language === 'zh' ? zh : en;
}
