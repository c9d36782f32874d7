import type { Rational } from './rational.js';

export interface Unit {
  id: string;
  name: string;
  group: string;
  parent?: string;
}

export interface Item {
  code: string;
  text: string;
  category: string;
  points: Rational;
  cap?: Rational;
  veto: boolean;
}

export interface Category {
  id: string;
  name: string;
  weight: Rational;
  lead?: string;
  quota?: number;
  items: Item[];
}

export interface Site {
  id: string;
  name: string;
  category: string;
  unit: string;
  address?: string;
  lead?: string;
}

export interface Grade {
  name: string;
  min: Rational;
}

export interface Component {
  id: string;
  weight: Rational;
}

export interface ScoringOptions {
  unitScore: 'weighted_mean' | 'deduction_total';
  coverage: 'inspected' | 'all';
  repeatMultiplier: Rational;
  redList: number;
  blackList: number;
  /** Highest `min` first. */
  grades: Grade[];
  /** Including `field`; undefined when the rule set does not weigh components. */
  components?: Component[];
  stars?: { min: Rational };
}

export interface RuleSet {
  name: string;
  version: string;
  fullScore: Rational;
  scoring: ScoringOptions;
  units: Unit[];
  categories: Category[];
  sites: Site[];
  unitById: Map<string, Unit>;
  categoryById: Map<string, Category>;
  itemByCode: Map<string, Item>;
  siteById: Map<string, Site>;
}

/** Where a record came from: the file as the user named it and the physical line where the row starts. */
export interface Source {
  file: string;
  line: number;
  recordId?: string;
}

/** One accepted record, already checked against the rule set. */
export interface AcceptedRecord {
  site: string;
  /** undefined = the site was visited and nothing was found. */
  item?: string;
  count: number;
  source: Source;
  inspector?: string;
  note?: string;
  photo?: string;
}

/**
 * Record ids by number: a collector keeps a number per source, not a string, and makes the text only when
 * the ledger lists it (a month of a million ids held a million strings). The records reader gives its
 * collector the numbers its duplicate check already keeps (see RecordChecker.names).
 */
export interface RecordIdNames {
  /** The number of an id given as text. */
  numberOf(id: string): number;
  /** The text of a numbered id. */
  textOf(number: number): string;
  /** The most UTF-8 bytes writeSorted() writes for one id. */
  readonly longestBytes: number;
  /**
   * Writes the ids `numbers` in natural order (as compareNatural sorts their texts) joined by `separator`,
   * as UTF-8 bytes into `out` from `at`, and returns where they end: a ledger cell of a million ids without
   * a string each. −1, writing nothing, unless every one is printable ASCII that a CSV cell need not quote.
   * May reorder `numbers`.
   */
  writeSorted(numbers: Int32Array, out: Uint8Array, at: number, separator: Uint8Array): number;
}
