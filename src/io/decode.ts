// Works out what Excel, WPS or a phone wrote: BOM → strict UTF-8 → GB18030 (SPEC §3). Statistical detectors
// misread short GBK files, so detection is by validity, not by guessing.
//
// The CSV tokenizer reads bytes of an ASCII-compatible encoding, so UTF-8 and GB18030 bytes pass through
// unchanged once they are known to be valid; UTF-16 is transcoded to UTF-8 first.

import { isAscii, isUtf8 } from 'node:buffer';
import type { BytesToText } from './csv.js';

export type EncodingName = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'gb18030';

const ALIASES: Record<string, EncodingName> = {
  'utf8': 'utf-8', 'utf-8': 'utf-8', 'utf-8-bom': 'utf-8-bom', 'utf8bom': 'utf-8-bom', 'utf-8-sig': 'utf-8-bom',
  'gbk': 'gb18030', 'gb2312': 'gb18030', 'gb18030': 'gb18030', 'cp936': 'gb18030', 'ansi': 'gb18030', 'gb': 'gb18030',
  'utf16': 'utf-16le', 'utf-16': 'utf-16le', 'utf16le': 'utf-16le', 'utf-16le': 'utf-16le', 'ucs2': 'utf-16le',
  'ucs-2': 'utf-16le', 'unicode': 'utf-16le', 'utf16be': 'utf-16be', 'utf-16be': 'utf-16be',
};

export function parseEncodingName(name: string): EncodingName | undefined {
  return ALIASES[name.trim().toLowerCase()];
}

export const ENCODING_CHOICES = 'utf-8, gbk (gb18030), utf-16le, utf-16be';

export class DecodeError extends Error {
  constructor(
    readonly encoding: EncodingName,
    /** Valid bytes before the first bad one, already in tokenizer form. */
    readonly validPrefix: Uint8Array,
  ) {
    super(`invalid ${encoding} bytes`);
  }
}

/** Valid non-ASCII UTF-8 characters needed before a bad byte to call a file mixed rather than GBK. */
const MIXED_EVIDENCE = 4;

/**
 * The bytes that decide the encoding: this many from the first non-ASCII byte on (or to the end). Fixed by
 * position, so that the choice is the same however the file is read — in which chunks, from where (a file
 * read in two parts must read as it does in one go).
 */
export const DECIDING_BYTES = 64 * 1024;
const NO_BYTES = new Uint8Array(0);

const utf8Text: BytesToText = (bytes, start, end) =>
  Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('utf8');

function gbText(): BytesToText {
  const decoder = new TextDecoder('gb18030');
  return (bytes, start, end) => decoder.decode(bytes.subarray(start, end));
}

/**
 * Turns a file's chunks into validated bytes for the tokenizer. With no forced encoding it stays undecided
 * while the bytes are ASCII (which every candidate reads the same way); from the first non-ASCII byte on it
 * holds the bytes back until it has DECIDING_BYTES of them (or the input ends), and settles on those: a BOM,
 * else valid UTF-8, else GB18030. Once settled, bytes invalid in the chosen encoding raise DecodeError —
 * that is how a file mixing UTF-8 and GBK is caught.
 */
export class ByteDecoder {
  private chosen: EncodingName | undefined;
  private started = false;
  /** Bytes of an unfinished UTF-8 character at the end of the last chunk. */
  private carry: Uint8Array = new Uint8Array(0);
  private gbValidator: TextDecoder | undefined;
  private utf16: TextDecoder | undefined;
  private textOf: BytesToText = utf8Text;
  /** Undecided: the bytes held back (from the start of the chunk with the first non-ASCII byte), and where that byte is in them. */
  private held: Uint8Array | undefined;
  private firstNonAscii = 0;

  constructor(forced?: EncodingName) {
    if (forced) this.settle(forced);
  }

  /** The encoding settled on; plain ASCII counts as UTF-8. */
  get encoding(): EncodingName {
    return this.chosen ?? 'utf-8';
  }

  /** Whether the bytes so far showed their encoding (a BOM, or a non-ASCII byte), or it was forced. */
  get settled(): boolean {
    return this.chosen !== undefined;
  }

  /** Whether bytes pushed are held back, the encoding not yet decided: they have not been returned. */
  get holding(): boolean {
    return this.held !== undefined;
  }

  /** Turns field bytes into text in the file's encoding (GB18030 fields are decoded as GB18030). */
  readonly text: BytesToText = (bytes, start, end) => this.textOf(bytes, start, end);

  /** Validates one chunk and returns the bytes to tokenize (valid until the next push, like the chunk itself). */
  push(input: Uint8Array): Uint8Array {
    let chunk = input;
    if (!this.started) {
      this.started = true;
      if (!this.chosen || this.chosen === 'utf-8' || this.chosen === 'utf-8-bom') {
        if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) {
          if (!this.chosen) this.settle('utf-8-bom');
          chunk = chunk.subarray(3);
        } else if (!this.chosen && chunk[0] === 0xff && chunk[1] === 0xfe) this.settle('utf-16le');
        else if (!this.chosen && chunk[0] === 0xfe && chunk[1] === 0xff) this.settle('utf-16be');
      }
    }
    if (!this.chosen) {
      if (this.held === undefined) {
        if (isAscii(chunk)) return chunk;
        this.firstNonAscii = chunk.findIndex((b) => b >= 0x80);
        // A copy: the chunk may be a Buffer view that the next read overwrites.
        this.held = Uint8Array.prototype.slice.call(chunk);
      } else {
        this.held = Buffer.concat([this.held, chunk]);
      }
      if (this.held.length - this.firstNonAscii < DECIDING_BYTES) return NO_BYTES;
      return this.decide();
    }
    return this.pushSettled(chunk);
  }

  /** Settles on the held bytes' encoding and returns them validated. */
  private decide(): Uint8Array {
    const held = this.held!;
    this.held = undefined;
    const window = held.subarray(this.firstNonAscii, this.firstNonAscii + DECIDING_BYTES);
    // An unfinished character at the window's end is judged with the bytes after it — or, at the end of the
    // input, found to be an error in the encoding the rest chose (as when the whole file is one chunk).
    const tail = incompleteUtf8Tail(window);
    if (isUtf8(window.subarray(0, window.length - tail))) {
      this.settle('utf-8');
    } else {
      const offset = firstInvalidUtf8(window);
      if (countNonAscii(window.subarray(0, offset)) >= MIXED_EVIDENCE) {
        throw new DecodeError('utf-8', held.subarray(0, this.firstNonAscii + offset));
      }
      this.settle('gb18030');
    }
    return this.pushSettled(held);
  }

  private pushSettled(chunk: Uint8Array): Uint8Array {
    switch (this.chosen!) {
      case 'utf-8':
      case 'utf-8-bom':
        return this.pushUtf8(chunk);
      case 'gb18030':
        try {
          this.gbValidator!.decode(chunk, { stream: true });
        } catch {
          throw new DecodeError('gb18030', chunk.subarray(0, firstInvalidBisect(chunk, 'gb18030')));
        }
        return chunk;
      default:
        try {
          return Buffer.from(this.utf16!.decode(chunk, { stream: true }), 'utf8');
        } catch {
          throw new DecodeError(this.chosen!, new Uint8Array(0));
        }
    }
  }

  /** Ends the input: returns the bytes still held back; an unfinished character at the end is an error. */
  end(): Uint8Array {
    const rest = this.held !== undefined ? this.decide() : NO_BYTES;
    try {
      const last = this.endSettled();
      return rest.length === 0 ? last : Buffer.concat([rest, last]);
    } catch (error) {
      // The bytes held back go to the tokenizer all the same: the error is at the end, after them.
      if (error instanceof DecodeError && rest.length > 0) throw new DecodeError(error.encoding, Buffer.concat([rest, error.validPrefix]));
      throw error;
    }
  }

  private endSettled(): Uint8Array {
    if (this.carry.length > 0) {
      this.carry = new Uint8Array(0);
      throw new DecodeError(this.encoding, new Uint8Array(0));
    }
    try {
      this.gbValidator?.decode();
      if (this.utf16) return Buffer.from(this.utf16.decode(), 'utf8');
    } catch {
      throw new DecodeError(this.encoding, new Uint8Array(0));
    }
    return new Uint8Array(0);
  }

  /**
   * Where a character carried from the last chunk is joined to the next one, reused: a new buffer of the
   * chunk's size every time (most chunks of Chinese text end inside a character) was garbage to collect.
   */
  private joined: Uint8Array = new Uint8Array(0);

  private pushUtf8(input: Uint8Array): Uint8Array {
    let chunk = input;
    if (this.carry.length > 0) {
      const length = this.carry.length + input.length;
      if (this.joined.length < length) this.joined = new Uint8Array(Math.max(length, 2 * this.joined.length));
      this.joined.set(this.carry, 0);
      this.joined.set(input, this.carry.length);
      chunk = this.joined.subarray(0, length);
    }
    const tail = incompleteUtf8Tail(chunk);
    const body = chunk.subarray(0, chunk.length - tail);
    if (!isUtf8(body)) throw new DecodeError(this.chosen!, body.subarray(0, firstInvalidUtf8(body)));
    // A copy: the chunk may be a Buffer view that the next read overwrites (Buffer#slice does not copy).
    this.carry = Uint8Array.prototype.slice.call(chunk, chunk.length - tail);
    return body;
  }

  private settle(encoding: EncodingName): void {
    this.chosen = encoding;
    if (encoding === 'gb18030') {
      this.gbValidator = new TextDecoder('gb18030', { fatal: true });
      this.textOf = gbText();
    } else if (encoding === 'utf-16le' || encoding === 'utf-16be') {
      this.utf16 = new TextDecoder(encoding, { fatal: true, ignoreBOM: false });
      this.textOf = utf8Text;
    } else {
      this.textOf = utf8Text;
    }
  }
}

function countNonAscii(bytes: Uint8Array): number {
  let count = 0;
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! >= 0xc0) count++; // lead bytes: one per character
  return count;
}

/** How many bytes at the end form the start of a UTF-8 character that the next chunk completes. */
function incompleteUtf8Tail(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let back = 1; back <= Math.min(3, n); back++) {
    const b = bytes[n - back]!;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

/** Offset of the first byte that breaks UTF-8. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let need: number;
    if (b < 0x80) need = 0;
    else if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) need = 2;
    else if (b >= 0xf0 && b <= 0xf4) need = 3;
    else return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
    }
    if (need > 0 && !isUtf8(bytes.subarray(i, i + need + 1))) return i; // overlong or surrogate
    i += need + 1;
  }
  return i;
}

/** The longest prefix that decodes, found by bisection (for encodings other than UTF-8). */
function firstInvalidBisect(chunk: Uint8Array, encoding: string): number {
  let low = 0;
  let high = chunk.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    try {
      new TextDecoder(encoding, { fatal: true }).decode(chunk.subarray(0, mid), { stream: true });
      low = mid;
    } catch {
      high = mid - 1;
    }
  }
  return low;
}

/** Counts line breaks (LF, or CR not followed by LF) in bytes of an ASCII-compatible encoding. */
export function countLineBreaks(bytes: Uint8Array): number {
  let lines = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 10 || (b === 13 && bytes[i + 1] !== 10)) lines++;
  }
  return lines;
}
