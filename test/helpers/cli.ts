// Runs the CLI in-process with captured streams, as a user would run `civscore …`.

import { main } from '../../src/cli/main.js';
import { previousOutputsRemoved } from '../../src/io/write.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const previousExitCode = process.exitCode;
  const code = await main(['node', 'civscore', ...args], {
    stdout: { write: (text: string) => (stdout += text), isTTY: false },
    stderr: { write: (text: string) => (stderr += text), isTTY: false },
    env: { CIVSCORE_LANG: 'en', ...env },
  });
  // As when civscore exits: the previous outputs it renamed aside are gone.
  await previousOutputsRemoved();
  process.exitCode = previousExitCode;
  return { code, stdout, stderr };
}
