// The WebAssembly modules built from wasm/ (AssemblyScript) into dist/ by `npm run build`.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const compiled = new Map<string, WebAssembly.Module | null>();

/**
 * The compiled module dist/NAME, or null when it is missing (each has a JavaScript path that does the same
 * work). Compiled once per thread.
 */
export function builtModule(name: string): WebAssembly.Module | null {
  const known = compiled.get(name);
  if (known !== undefined) return known;
  let module: WebAssembly.Module | null = null;
  const here = path.dirname(fileURLToPath(import.meta.url));
  // From dist/io or dist/bundle: dist/NAME; from src/io (tests): the built one in dist.
  for (const candidate of [path.join(here, '..', name), path.join(here, '..', '..', 'dist', name)]) {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(candidate);
    } catch {
      continue;
    }
    module = new WebAssembly.Module(new Uint8Array(bytes));
    break;
  }
  compiled.set(name, module);
  return module;
}
