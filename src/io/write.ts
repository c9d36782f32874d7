// Atomic output: every file is written under a temporary name in its folder, then renamed into place, so an
// interrupted run leaves either the previous complete file or the new one, never a partial one.

import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';

export interface OutputFile {
  name: string;
  content: string | Uint8Array;
}

export class OutputError extends Error {}

/** Checks that `dir` can be an output folder and that no input lives at an output path. */
export function checkOutputDir(dir: string, outputs: readonly string[], inputs: readonly string[]): void {
  try {
    const stat = statSync(dir);
    if (!stat.isDirectory()) throw new OutputError(`--out ${dir} exists and is not a folder`);
  } catch (error) {
    if (error instanceof OutputError) throw error;
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new OutputError(`cannot use ${dir}: ${(error as Error).message}`);
  }
  const inputSet = new Set(inputs.map((file) => path.resolve(file)));
  for (const name of outputs) {
    const target = path.resolve(dir, name);
    if (inputSet.has(target)) throw new OutputError(`output ${path.join(dir, name)} would overwrite an input file`);
  }
  for (const input of inputSet) {
    if (path.resolve(dir) === input) throw new OutputError(`--out ${dir} is an input file`);
  }
}

export function writeFilesAtomically(dir: string, files: readonly OutputFile[]): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new OutputError(`cannot create output folder ${dir}: ${(error as Error).message}`);
  }
  const suffix = `.civscore-tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const staged: [string, string][] = [];
  try {
    for (const file of files) {
      const target = path.join(dir, file.name);
      const temporary = path.join(dir, `.${file.name}${suffix}`);
      const fd = openSync(temporary, 'wx');
      staged.push([temporary, target]);
      try {
        const bytes = typeof file.content === 'string' ? Buffer.from(file.content, 'utf8') : file.content;
        let offset = 0;
        while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
    for (const [temporary, target] of staged) renameSync(temporary, target);
  } catch (error) {
    for (const [temporary] of staged) rmSync(temporary, { force: true });
    throw new OutputError(`cannot write to ${dir}: ${(error as Error).message}`);
  }
}

/** Writes one file atomically (for commands with a single output). */
export function writeFileAtomically(file: string, content: string | Uint8Array): void {
  writeFilesAtomically(path.dirname(file) || '.', [{ name: path.basename(file), content }]);
}
