// The command line: wiring, exit codes (SPEC §6: 0 ok, 1 invalid input, 2 usage, 3 internal) and streams.

import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { colourWanted, InvalidInputError, languageFrom, paintFor, say, UsageError, type Context } from './context.js';
import { FdWriter, standardStream } from '../io/fd-writer.js';
import { trace } from '../io/trace.js';
import { worthTwoThreads } from '../io/two-threads.js';

type Register = (program: Command, context: Context) => void;

/**
 * Commands in help order. Only the command being run is loaded (each pulls in its own renderers and
 * libraries); help and unknown commands load them all.
 */
const COMMANDS: [name: string, load: () => Promise<Register>][] = [
  ['score', async () => (await import('./commands/score.js')).registerScore],
  ['check', async () => (await import('./commands/check.js')).registerCheck],
  ['report', async () => (await import('./commands/report.js')).registerReport],
  ['diff', async () => (await import('./commands/diff.js')).registerDiff],
  ['trend', async () => (await import('./commands/trend.js')).registerTrend],
  ['rollup', async () => (await import('./commands/rollup.js')).registerRollup],
  ['explain', async () => (await import('./commands/explain.js')).registerExplain],
  ['sample', async () => (await import('./commands/sample.js')).registerSample],
];

/** The command word: the first argument that is neither an option nor the value of --lang. */
function commandWord(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--lang') {
      i++;
      continue;
    }
    if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}

/** The values given after `option` on a command line (up to the next option). */
function optionValues(args: readonly string[], option: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] !== option) continue;
    for (let j = i + 1; j < args.length && !args[j]!.startsWith('--'); j++) values.push(args[j]!);
  }
  return values;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export interface MainIo {
  stdout?: Context['stdout'];
  stderr?: Context['stderr'];
  env?: NodeJS.ProcessEnv;
}

/**
 * Runs the CLI and sets process.exitCode (never process.exit, which would cut piped output short). It resolves
 * when everything the command does is done but removing previous outputs renamed aside, which goes on on the
 * thread pool (see write.ts: previousOutputsRemoved): bin/civscore.js then exits at once if stdout and stderr
 * hold nothing unwritten, and Node finishes that removal while it winds down.
 */
export async function main(argv: readonly string[], io: MainIo = {}): Promise<number> {
  trace('main started');
  const env = io.env ?? process.env;
  const stdout = io.stdout ?? standardStream(1);
  const stderr = io.stderr ?? standardStream(2);
  const args = argv.slice(2);
  const langIndex = args.findIndex((a) => a === '--lang' || a.startsWith('--lang='));
  const requested = langIndex < 0 ? undefined : args[langIndex]!.includes('=') ? args[langIndex]!.split('=')[1] : args[langIndex + 1];
  const colourFlag = args.includes('--no-color') ? false : args.includes('--color') ? true : undefined;
  const context: Context = {
    stdout,
    stderr,
    env,
    language: languageFrom(env, requested),
    paint: await paintFor(colourWanted(stdout, env, colourFlag)),
    paintErr: await paintFor(colourWanted(stderr, env, colourFlag)),
  };

  const program = new Command('civscore')
    .description('civscore — scoring engine for simulated civility-index assessments (文明城市模拟测评)')
    .version(version(), '-V, --version')
    .option('--lang <zh|en>', 'language of messages (default: from LANG)')
    .option('--color', 'force colour')
    .option('--no-color', 'no colour (also NO_COLOR=1)')
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .configureOutput({
      writeOut: (text) => stdout.write(text),
      writeErr: (text) => stderr.write(text),
    })
    .exitOverride()
    .showHelpAfterError(false);
  if (args.length === 0 || args.some((a) => a === '--help' || a === '-h' || a === 'help')) {
    // Help lines up Chinese text by display width; string-width is loaded only when help is shown.
    const { default: stringWidth } = await import('string-width');
    program.configureHelp({ ...program.configureHelp(), displayWidth: (text: string) => stringWidth(text) } as never);
  }

  const word = commandWord(args);
  if ((word === 'score' || word === 'check') && !args.includes('--no-parallel')) {
    // A large records file is read on two threads; the second one boots while this one loads its modules.
    if (worthTwoThreads(optionValues(args, '--records'), args.includes('--parallel'))) {
      const { startRecordsWorkerEarly } = await import('../io/records-workers.js');
      startRecordsWorkerEarly({ rulesPath: optionValues(args, '--rules')[0] ?? null });
    }
  }
  const help = args.length === 0 || args.includes('--help') || args.includes('-h') || word === 'help';
  const known = COMMANDS.filter(([name]) => name === word);
  // `--version` needs no command; help and an unknown word (for commander's message) need them all.
  const wanted = help ? COMMANDS : known.length > 0 ? known : word === undefined ? [] : COMMANDS;
  for (const [, load] of wanted) (await load())(program, context);
  trace('command loaded');
  for (const command of program.commands) {
    command.exitOverride();
    command.configureOutput(program.configureOutput());
  }

  let code = 0;
  try {
    await program.parseAsync(argv as string[]);
  } catch (error) {
    code = exitCodeFor(error, context);
  }
  // Output the user asked for and did not get (a full disk): said on stderr if it can be, and exit code 2.
  for (const [name, writer] of [['stdout', stdout], ['stderr', stderr]] as const) {
    if (!(writer instanceof FdWriter) || writer.failure === undefined) continue;
    const { code: reason = 'EIO', message } = writer.failure;
    stderr.write(`civscore: ${say(context, `could not write to ${name}`, `无法写入 ${name}`)}: ${reason === 'ENOSPC' ? say(context, 'no space left on the device', '设备空间不足') : message} (${reason})\n`);
    if (code === 0) code = 2;
  }
  process.exitCode = code;
  return code;
}

function exitCodeFor(error: unknown, context: Context): number {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0;
    return 2;
  }
  if (error instanceof InvalidInputError) return 1;
  if (error instanceof UsageError) {
    context.stderr.write(`civscore: ${context.language === 'zh' ? error.messageZh : error.message}\n`);
    return 2;
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  context.stderr.write(`civscore: internal error (a bug — please report it with the command you ran):\n${detail}\n`);
  return 3;
}
