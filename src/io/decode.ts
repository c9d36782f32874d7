// Turns the bytes Excel, WPS or a phone wrote into text: BOM → strict UTF-8 → GB18030 (SPEC §3).
// Statistical detectors misread short GBK files, so detection is by validity, not by guessing.

import { isAscii } from 'node:buffer';

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
    /** Offset of the first bad byte within the chunk that failed. */
    readonly offset: number,
    readonly chunk: Uint8Array,
  ) {
    super(`invalid ${encoding} bytes`);
  }
}

function decoderLabel(encoding: EncodingName): string {
  return encoding === 'utf-8-bom' ? 'utf-8' : encoding;
}

/**
 * A streaming decoder. With no forced encoding it stays undecided while the bytes are ASCII (which every
 * candidate encoding reads the same way) and settles on the first non-ASCII chunk: a BOM, else valid
 * UTF-8, else GB18030. Once settled, bytes that are invalid in the chosen encoding raise DecodeError —
 * that is how a file mixing UTF-8 and GBK is caught.
 */
export class StreamDecoder {
  private decoder: TextDecoder | undefined;
  private chosen: EncodingName | undefined;
  private started = false;

  constructor(forced?: EncodingName) {
    if (forced) this.settle(forced);
  }

  /** The encoding settled on; plain ASCII counts as UTF-8. */
  get encoding(): EncodingName {
    return this.chosen ?? 'utf-8';
  }

  decode(chunk: Uint8Array): string {
    if (!this.started) {
      this.started = true;
      if (!this.chosen) {
        if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) this.settle('utf-8-bom');
        else if (chunk[0] === 0xff && chunk[1] === 0xfe) this.settle('utf-16le');
        else if (chunk[0] === 0xfe && chunk[1] === 0xff) this.settle('utf-16be');
      }
    }
    if (!this.chosen) {
      if (isAscii(chunk)) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('latin1');
      this.settle('utf-8');
      try {
        return this.decoder!.decode(chunk, { stream: true });
      } catch {
        // Several valid UTF-8 characters before the first bad byte mean UTF-8 text with foreign bytes in it
        // (a file pasted together from two sources), not GBK that happens to start like UTF-8.
        const offset = firstInvalidOffset(chunk, 'utf-8');
        const validPrefix = new TextDecoder('utf-8').decode(chunk.subarray(0, offset));
        if (countNonAscii(validPrefix) >= MIXED_EVIDENCE) throw new DecodeError('utf-8', offset, chunk);
        this.settle('gb18030');
      }
    }
    try {
      return this.decoder!.decode(chunk, { stream: true });
    } catch {
      throw new DecodeError(this.chosen!, firstInvalidOffset(chunk, this.chosen!), chunk);
    }
  }

  end(): string {
    if (!this.decoder) return '';
    try {
      return this.decoder.decode();
    } catch {
      throw new DecodeError(this.chosen!, 0, new Uint8Array());
    }
  }

  private settle(encoding: EncodingName): void {
    this.chosen = encoding;
    // ignoreBOM false: the decoder drops a leading BOM of its own encoding.
    this.decoder = new TextDecoder(decoderLabel(encoding), { fatal: true, ignoreBOM: false });
  }
}

/** Valid non-ASCII UTF-8 characters needed before a bad byte to call a file mixed rather than GBK. */
const MIXED_EVIDENCE = 4;

function countNonAscii(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) count++;
  return count;
}

/** Where a chunk stops being valid (approximate for encodings other than UTF-8). */
function firstInvalidOffset(chunk: Uint8Array, encoding: EncodingName): number {
  if (encoding !== 'utf-8' && encoding !== 'utf-8-bom') {
    // Bisect with fresh decoders for the longest prefix that decodes.
    let low = 0;
    let high = chunk.length;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      try {
        new TextDecoder(decoderLabel(encoding), { fatal: true }).decode(chunk.subarray(0, mid), { stream: true });
        low = mid;
      } catch {
        high = mid - 1;
      }
    }
    return low;
  }
  let i = 0;
  while (i < chunk.length) {
    const b = chunk[i]!;
    let need = 0;
    if (b < 0x80) need = 0;
    else if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) need = 2;
    else if (b >= 0xf0 && b <= 0xf4) need = 3;
    else return i;
    if (i + need >= chunk.length && need > 0) return i + need >= chunk.length ? i : i;
    for (let k = 1; k <= need; k++) {
      const c = chunk[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
    }
    i += need + 1;
  }
  return i;
}

/** Counts line breaks (LF, or CR not followed by LF) in bytes of an ASCII-compatible encoding. */
export function countLineBreaks(bytes: Uint8Array, end: number): number {
  let lines = 0;
  for (let i = 0; i < end; i++) {
    const b = bytes[i];
    if (b === 10 || (b === 13 && bytes[i + 1] !== 10)) lines++;
  }
  return lines;
}
