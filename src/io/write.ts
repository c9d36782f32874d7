// Atomic output: every file is written under a temporary name in its folder, then renamed into place, so an
// interrupted run leaves either the previous complete file or the new one, never a partial one.
//
// A run killed while writing (SIGKILL, power cut) leaves its temporary files (`.NAME.civscore-tmp-PID-XXXX`,
// and `…-old` for a previous file renamed aside; killed in the instant between renaming the previous file aside
// and the new one into place, the folder lacks that one file until the next run) behind; the next run writing
// to the same folder removes those whose process is gone. Renames never write
// through a link, and an output that is the same file as an input (same path, or a link to it) is refused,
// so inputs are never modified.

import { randomBytes } from 'node:crypto';
// (fs/promises is not loaded: ~2 ms of start-up for the one unlink below.)
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmdirSync, rmSync, statSync, unlink, write, writeSync, type Stats } from 'node:fs';
import path from 'node:path';

export interface OutputFile {
  name: string;
  /**
   * The bytes, or pieces written one after another (a large ledger is never one string). A byte piece must
   * stay unchanged until two more pieces have been taken: it is written while the next one is being made.
   * Or a function making the text when the file's turn comes: if it throws, nothing is written and its error
   * is thrown as it is.
   */
  content: string | Uint8Array | Iterable<string | Uint8Array> | (() => Promise<string>);
}

/** A file's content could not be made (see OutputFile.content): nothing is written; `reason` is thrown. */
class ContentFailed extends Error {
  constructor(readonly reason: unknown) {
    super('content failed');
  }
}

/** Small pieces are gathered into buffers of this size before they are written. */
const FLUSH_BYTES = 1 << 20;
/** Byte pieces this large are written as they are rather than copied into a staging buffer. */
const DIRECT_BYTES = 1 << 16;

function writeAll(fd: number, bytes: Uint8Array): void {
  let offset = 0;
  while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
}

/** Writes all of `bytes` on the thread pool. */
async function writeAllAsync(fd: number, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) {
    offset += await new Promise<number>((resolve, reject) =>
      write(fd, bytes, offset, bytes.length - offset, null, (error, written) => (error ? reject(error) : resolve(written))),
    );
  }
}

async function writeContent(fd: number, given: OutputFile['content']): Promise<void> {
  let content: Exclude<OutputFile['content'], () => Promise<string>>;
  try {
    content = typeof given === 'function' ? await given() : given;
  } catch (error) {
    throw new ContentFailed(error);
  }
  if (typeof content === 'string') return writeAll(fd, Buffer.from(content, 'utf8'));
  if (content instanceof Uint8Array) return writeAll(fd, content);
  // One write is in flight on the thread pool while the next piece is made here. Small pieces are gathered
  // into two staging buffers taken in turn (the one being written is never touched); large byte pieces go
  // as they are, which their producer allows (see OutputFile).
  const staging = [Buffer.allocUnsafe(FLUSH_BYTES), Buffer.allocUnsafe(FLUSH_BYTES)];
  let current = 0;
  let used = 0;
  let inflight: Promise<void> | undefined;
  const send = async (bytes: Uint8Array) => {
    if (inflight) await inflight;
    inflight = writeAllAsync(fd, bytes);
  };
  const flush = async () => {
    if (used === 0) return;
    await send(staging[current]!.subarray(0, used));
    current = 1 - current;
    used = 0;
  };
  for (const piece of content) {
    const size = typeof piece === 'string' ? Buffer.byteLength(piece, 'utf8') : piece.length;
    if (used + size > FLUSH_BYTES) await flush();
    if (typeof piece !== 'string' && size >= DIRECT_BYTES) {
      await flush();
      await send(piece);
    } else if (size > FLUSH_BYTES) {
      await send(typeof piece === 'string' ? Buffer.from(piece, 'utf8') : Uint8Array.prototype.slice.call(piece));
    } else if (typeof piece === 'string') {
      used += staging[current]!.write(piece, used, 'utf8');
    } else {
      staging[current]!.set(piece, used);
      used += size;
    }
  }
  await flush();
  if (inflight) await inflight;
}

/** An output that cannot be written where asked: a usage error. `messageZh` is the message in Chinese. */
export class OutputError extends Error {
  constructor(
    message: string,
    readonly messageZh: string = message,
  ) {
    super(message);
  }
}

/** The nearest ancestor of `dir` that exists but is not a folder, if any (why `--out a.txt/out` fails). */
function fileInTheWay(dir: string): string | undefined {
  for (let current = path.dirname(path.resolve(dir)), child = path.resolve(dir); current !== child; child = current, current = path.dirname(current)) {
    const stat = statOrUndefined(current);
    if (stat) return stat.isDirectory() ? undefined : current;
  }
  return undefined;
}

/** Checks that `dir` can be an output folder and that no input lives at an output path. */
export function checkOutputDir(dir: string, outputs: readonly string[], inputs: readonly string[]): void {
  try {
    const stat = statSync(dir);
    if (!stat.isDirectory()) throw new OutputError(`--out ${dir} exists and is not a folder`, `--out ${dir} 已存在且不是文件夹`);
  } catch (error) {
    if (error instanceof OutputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const blocker = code === 'ENOTDIR' || code === 'ENOENT' ? fileInTheWay(dir) : undefined;
    if (blocker !== undefined) {
      const shown = path.relative(process.cwd(), blocker) || blocker;
      throw new OutputError(`cannot create --out ${dir}: ${shown} is a file, not a folder`, `无法创建 --out ${dir}：${shown} 是文件，不是文件夹`);
    }
    if (code !== 'ENOENT') throw new OutputError(`cannot use ${dir}: ${(error as Error).message}`, `无法使用 ${dir}：${(error as Error).message}`);
  }
  const inputSet = new Set(inputs.map((file) => path.resolve(file)));
  const inputIds = new Set<string | undefined>(inputs.map((file) => fileId(statOrUndefined(file))));
  inputIds.delete(undefined);
  for (const name of outputs) {
    const target = path.resolve(dir, name);
    // Same path, or the same file under another name (a symbolic or hard link): replacing it would lose the input.
    if (inputSet.has(target) || inputIds.has(fileId(statOrUndefined(target)))) {
      throw new OutputError(`output ${path.join(dir, name)} would overwrite an input file`, `输出文件 ${path.join(dir, name)} 会覆盖输入文件`);
    }
  }
  for (const input of inputSet) {
    if (path.resolve(dir) === input) throw new OutputError(`--out ${dir} is an input file`, `--out ${dir} 是输入文件`);
  }
}

function statOrUndefined(file: string): Stats | undefined {
  try {
    return statSync(file);
  } catch {
    return undefined;
  }
}

function fileId(stat: Stats | undefined): string | undefined {
  return stat && stat.isFile() ? `${stat.dev}:${stat.ino}` : undefined;
}

const TEMPORARY = /^\..+\.civscore-tmp-(\d+)-[0-9a-f]{8}(-old)?$/;

/** Whether a process with this id exists (EPERM: it does, under another user). */
function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes temporary files left in `dir` by civscore runs that were killed; best effort. */
export function removeStaleTemporaries(dir: string): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const match = TEMPORARY.exec(name);
    if (!match || processAlive(Number(match[1]))) continue;
    try {
      rmSync(path.join(dir, name), { force: true });
      removed.push(name);
    } catch {
      // not ours to fight over: leave it
    }
  }
  return removed;
}

export async function writeFilesAtomically(dir: string, files: readonly OutputFile[]): Promise<void> {
  // A folder made here for outputs that then fail is removed again: nothing is written.
  const made = !existsSync(dir);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new OutputError(`cannot create output folder ${dir}: ${(error as Error).message}`, `无法创建输出文件夹 ${dir}：${(error as Error).message}`);
  }
  removeStaleTemporaries(dir);
  const suffix = `.civscore-tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const staged: [string, string][] = [];
  try {
    for (const file of files) {
      const target = path.join(dir, file.name);
      const temporary = path.join(dir, `.${file.name}${suffix}`);
      const fd = openSync(temporary, 'wx');
      staged.push([temporary, target]);
      try {
        // No fsync per file: the rename is what makes a killed run harmless, and syncing every file
        // cost more than scoring a city month. The folder is synced once after the renames.
        await writeContent(fd, file.content);
      } finally {
        closeSync(fd);
      }
    }
    // An existing output is first renamed aside, then the new one renamed to its name. Renaming straight
    // over it would be one step, but on ext4 replacing a file makes the kernel write the new file's data
    // out there and then (auto_da_alloc): seconds for a province's ledger. The old files are removed last.
    const aside: string[] = [];
    for (const [temporary, target] of staged) {
      const old = `${temporary}-old`;
      let moved = false;
      try {
        renameSync(target, old);
        moved = true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
      try {
        renameSync(temporary, target);
      } catch (error) {
        if (moved) renameSync(old, target); // put the previous file back
        throw error;
      }
      if (moved) aside.push(old);
    }
    syncFolder(dir);
    for (const old of aside) unlinkOld(old);
  } catch (error) {
    for (const [temporary] of staged) rmSync(temporary, { force: true });
    if (made) {
      try {
        rmdirSync(dir); // only if empty
      } catch {
        // left as it is
      }
    }
    if (error instanceof ContentFailed) throw error.reason;
    throw new OutputError(`cannot write to ${dir}: ${(error as Error).message}`, `无法写入 ${dir}：${(error as Error).message}`);
  }
}

/** Previous outputs being removed on the thread pool (see unlinkOld). */
const removals = new Set<Promise<void>>();

/**
 * Removes a previous output renamed aside, on the thread pool: unlinking a large file whose pages are still
 * cached takes a while (~25 ms for a 43 MB ledger), and the run need not wait for it — on process.exit()
 * Node finishes the thread pool's queued work before the process ends, so the file goes all the same, while
 * Node winds down. A failure leaves a stale temporary that the next run removes.
 */
function unlinkOld(file: string): void {
  const removal: Promise<void> = new Promise<void>((resolve) =>
    // Best effort: a file left behind is removed by the next run (see removeStaleTemporaries).
    unlink(file, () => resolve()),
  ).finally(() => removals.delete(removal));
  removals.add(removal);
}

/** Resolves once every previous output being removed is gone: for callers that look at the folder next. */
export async function previousOutputsRemoved(): Promise<void> {
  await Promise.all([...removals]);
}

/** Makes the renames durable (a power cut after the run must not bring back the old files); best effort. */
function syncFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // some systems cannot open or sync a folder
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Writes one file atomically (for commands with a single output). */
export function writeFileAtomically(file: string, content: string | Uint8Array): Promise<void> {
  return writeFilesAtomically(path.dirname(file) || '.', [{ name: path.basename(file), content }]);
}
