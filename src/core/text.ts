// Locale-independent comparisons: output order must not depend on the machine's locale.

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const CHUNK = /(\d+|\D+)/g;

/** Natural order ("a.csv:9" before "a.csv:10", "R2" before "R10"), ties broken by plain text order. */
export function compareNatural(a: string, b: string): number {
  const left = a.match(CHUNK) ?? [];
  const right = b.match(CHUNK) ?? [];
  const length = Math.min(left.length, right.length);
  for (let i = 0; i < length; i++) {
    const x = left[i]!;
    const y = right[i]!;
    if (x === y) continue;
    const xDigit = x.charCodeAt(0) >= 48 && x.charCodeAt(0) <= 57;
    const yDigit = y.charCodeAt(0) >= 48 && y.charCodeAt(0) <= 57;
    if (xDigit && yDigit) {
      const diff = BigInt(x) - BigInt(y);
      if (diff !== 0n) return diff < 0n ? -1 : 1;
      continue;
    }
    return compareText(x, y);
  }
  return left.length - right.length || compareText(a, b);
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
