// The CLI's stdout and stderr on Linux and macOS: text written straight to the file descriptor. Node's
// process.stdout and process.stderr are streams, and the first use of either loads Node's stream modules
// (and, for a pipe, its network ones): ~4.5 ms of a ~0.16 s city month, for a few lines of text. Windows
// keeps Node's streams, which write to its console in UTF-16.

import { writeSync } from 'node:fs';
import { createRequire } from 'node:module';

/** Waits `ms` milliseconds without giving up the thread (a full non-blocking pipe, see write). */
function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export class FdWriter {
  /**
   * Set once a write found the reader gone (EPIPE: what follows is dropped, as `civscore … | head` wants) or
   * failed otherwise (see failure).
   */
  private closed = false;
  /** Why a write failed other than for EPIPE (a full disk, say): the command goes on, and main reports it. */
  failure: NodeJS.ErrnoException | undefined;
  private tty: boolean | undefined;

  constructor(
    readonly fd: number,
    /** fs.writeSync; tests give one that fails as a real descriptor can. */
    private readonly writeBytes: (fd: number, bytes: Uint8Array, offset: number, length: number) => number = writeSync,
  ) {}

  /**
   * Writes all of `text` before returning, like Node's stdout on Linux. A descriptor left non-blocking by
   * whoever opened it may take part of it or none (EAGAIN) while its reader catches up: the rest is written
   * after a short wait.
   */
  write(text: string): boolean {
    if (this.closed || text.length === 0) return true;
    const bytes = Buffer.from(text, 'utf8');
    let offset = 0;
    while (offset < bytes.length) {
      try {
        offset += this.writeBytes(this.fd, bytes, offset, bytes.length - offset);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        // Anything but the system's refusal (a bug here, say) is not the descriptor's doing.
        if (typeof code !== 'string') throw error;
        if (code === 'EAGAIN') {
          sleep(1);
          continue;
        }
        this.closed = true;
        if (code !== 'EPIPE') this.failure = error as NodeJS.ErrnoException;
        return true;
      }
    }
    return true;
  }

  /** Whether the descriptor is a terminal; Node's tty module (which loads its streams) only when asked. */
  get isTTY(): boolean {
    if (this.tty === undefined) {
      const { isatty } = createRequire(import.meta.url)('node:tty') as typeof import('node:tty');
      this.tty = isatty(this.fd);
    }
    return this.tty;
  }
}

/** stdout (1) or stderr (2) for the CLI: a FdWriter, or Node's stream on Windows. */
export function standardStream(fd: 1 | 2): FdWriter | NodeJS.WriteStream {
  if (process.platform === 'win32') return fd === 1 ? process.stdout : process.stderr;
  return new FdWriter(fd);
}
