// Locale-independent comparisons: output order must not depend on the machine's locale.

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const isDigit = (code: number): boolean => code >= 48 && code <= 57;

/**
 * Natural order ("a.csv:9" before "a.csv:10", "R2" before "R10"), ties broken by plain text order. The
 * strings are compared run by run (digits, other characters): two digit runs by their value, anything else as
 * text; when every run so far is equal, the string with fewer runs comes first, then plain text order decides.
 * Written without a regular expression or a number per run: a month with record ids sorts a million of them
 * for the ledger.
 */
export function compareNatural(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const aDigits = isDigit(a.charCodeAt(i));
    const bDigits = isDigit(b.charCodeAt(j));
    let aEnd = i + 1;
    while (aEnd < a.length && isDigit(a.charCodeAt(aEnd)) === aDigits) aEnd++;
    let bEnd = j + 1;
    while (bEnd < b.length && isDigit(b.charCodeAt(bEnd)) === bDigits) bEnd++;
    if (aDigits && bDigits) {
      // By value: leading zeros dropped, more digits is more, then digit by digit.
      let p = i;
      while (p < aEnd && a.charCodeAt(p) === 48) p++;
      let q = j;
      while (q < bEnd && b.charCodeAt(q) === 48) q++;
      if (aEnd - p !== bEnd - q) return aEnd - p < bEnd - q ? -1 : 1;
      for (; p < aEnd; p++, q++) {
        if (a.charCodeAt(p) !== b.charCodeAt(q)) return a.charCodeAt(p) < b.charCodeAt(q) ? -1 : 1;
      }
    } else {
      // As text, by UTF-16 code units (as compareText), a run that is a prefix of the other first.
      const common = Math.min(aEnd - i, bEnd - j);
      for (let k = 0; k < common; k++) {
        const x = a.charCodeAt(i + k);
        const y = b.charCodeAt(j + k);
        if (x !== y) return x < y ? -1 : 1;
      }
      if (aEnd - i !== bEnd - j) return aEnd - i < bEnd - j ? -1 : 1;
    }
    i = aEnd;
    j = bEnd;
  }
  if (i < a.length) return 1;
  if (j < b.length) return -1;
  return compareText(a, b);
}

/**
 * compareNatural() of two ASCII strings given as bytes [a, aEnd) and [b, bEnd) of `bytes` (each byte its
 * character's code): the ledger sorts record ids this way without making a string of each.
 */
export function compareNaturalBytes(bytes: Uint8Array, a: number, aEnd: number, b: number, bEnd: number): number {
  const aFrom = a;
  const bFrom = b;
  let i = a;
  let j = b;
  while (i < aEnd && j < bEnd) {
    const aDigits = isDigit(bytes[i]!);
    const bDigits = isDigit(bytes[j]!);
    let aRun = i + 1;
    while (aRun < aEnd && isDigit(bytes[aRun]!) === aDigits) aRun++;
    let bRun = j + 1;
    while (bRun < bEnd && isDigit(bytes[bRun]!) === bDigits) bRun++;
    if (aDigits && bDigits) {
      let p = i;
      while (p < aRun && bytes[p] === 48) p++;
      let q = j;
      while (q < bRun && bytes[q] === 48) q++;
      if (aRun - p !== bRun - q) return aRun - p < bRun - q ? -1 : 1;
      for (; p < aRun; p++, q++) if (bytes[p] !== bytes[q]) return bytes[p]! < bytes[q]! ? -1 : 1;
    } else {
      const common = Math.min(aRun - i, bRun - j);
      for (let k = 0; k < common; k++) {
        const x = bytes[i + k]!;
        const y = bytes[j + k]!;
        if (x !== y) return x < y ? -1 : 1;
      }
      if (aRun - i !== bRun - j) return aRun - i < bRun - j ? -1 : 1;
    }
    i = aRun;
    j = bRun;
  }
  if (i < aEnd) return 1;
  if (j < bEnd) return -1;
  // Plain text order (compareText): byte by byte, a prefix first.
  const length = Math.min(aEnd - aFrom, bEnd - bFrom);
  for (let k = 0; k < length; k++) {
    if (bytes[aFrom + k] !== bytes[bFrom + k]) return bytes[aFrom + k]! < bytes[bFrom + k]! ? -1 : 1;
  }
  return aEnd - aFrom === bEnd - bFrom ? 0 : aEnd - aFrom < bEnd - bFrom ? -1 : 1;
}

/** Levenshtein distance, for "did you mean …?" suggestions. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}
