// How text is coloured: plain by default; the CLI swaps in chalk when colour is wanted.

export interface Paint {
  bold: (text: string) => string;
  red: (text: string) => string;
  dim: (text: string) => string;
  /** The black list is shown in inverse: black-on-terminal would be invisible. */
  black: (text: string) => string;
}

export const NO_PAINT: Paint = { bold: (t) => t, red: (t) => t, dim: (t) => t, black: (t) => t };
