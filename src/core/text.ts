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
