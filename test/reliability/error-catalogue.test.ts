// Issue 7: docs/errors.md explains every diagnostic code with a real example and a fix. A new code in
// src/core/diagnostics.ts fails this test until it is documented (scripts/error-examples.mjs makes examples).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MESSAGES } from '../../src/core/diagnostics.js';

describe('error catalogue (docs/errors.md)', () => {
  const doc = readFileSync('docs/errors.md', 'utf8');
  const sections = new Map<string, string>();
  for (const part of doc.split(/^### /m).slice(1)) sections.set(part.slice(0, part.indexOf('\n')).trim(), part);

  it('has a section for every diagnostic code, with an example and a fix', () => {
    const missing = Object.keys(MESSAGES).filter((code) => !sections.has(code));
    expect(missing, 'codes without a section in docs/errors.md').toEqual([]);
    for (const code of Object.keys(MESSAGES)) {
      const section = sections.get(code)!;
      expect(section, code).toMatch(/\*\*Fix:\*\*/);
      expect(section, `${code} example`).toContain(`[${code}]`);
    }
  });

  it('documents no code that does not exist', () => {
    const unknown = [...sections.keys()].filter((code) => !(code in MESSAGES));
    expect(unknown).toEqual([]);
  });
});
