// How changes between periods are printed: 2 decimals from exact values, with ↑/↓ for people and a plain
// sign for spreadsheets.

import type { Rational } from '../core/rational.js';

/** `↑1.41`, `↓0.41`, `0.00`; empty when unknown. */
export function arrowScore(change: Rational | null): string {
  if (change === null) return '';
  const text = change.toFixed(2);
  if (/^-?0\.00$/.test(text)) return '0.00';
  return text.startsWith('-') ? `↓${text.slice(1)}` : `↑${text}`;
}

/** `↑3`, `↓2`, `0`; empty when unknown. */
export function arrowRank(change: number | null): string {
  if (change === null) return '';
  return change > 0 ? `↑${change}` : change < 0 ? `↓${-change}` : '0';
}

/** `+1.41`, `-0.41`, `0.00` (for CSV). */
export function signedScore(change: Rational | null): string {
  if (change === null) return '';
  const text = change.toFixed(2);
  if (/^-?0\.00$/.test(text)) return '0.00';
  return text.startsWith('-') ? text : `+${text}`;
}

export function signedRank(change: number | null): string {
  if (change === null) return '';
  return change > 0 ? `+${change}` : String(change);
}

export const fixed2 = (value: Rational | null): string => (value === null ? '' : value.toFixed(2));
