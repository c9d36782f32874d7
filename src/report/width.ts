// Display width of table text in a terminal: CJK characters take two columns.
//
// string-width segments graphemes with Intl.Segmenter, which costs ~0.1 s on first use; table cells here are
// names, numbers, arrows and ★, for which summing each code point's east-asian width gives the same answer.

import { eastAsianWidth } from 'get-east-asian-width';

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const ZERO_WIDTH = /[\u0300-\u036f\u200b-\u200f\ufe00-\ufe0f]/;

export function displayWidth(text: string): number {
  if (PRINTABLE_ASCII.test(text)) return text.length;
  let width = 0;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code < 0x20 || (code >= 0x7f && code < 0xa0) || ZERO_WIDTH.test(char)) continue;
    width += eastAsianWidth(code);
  }
  return width;
}
