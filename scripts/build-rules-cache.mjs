// Build step: parses and validates the bundled rule set once and stores the merged document with the
// hash of its files (dist/bundled-rules.json), so `civscore` skips YAML parsing and schema compilation
// while rules/ is unchanged. An invalid rules/ folder gets no cache: the CLI then reports its errors.
import { rmSync, writeFileSync } from 'node:fs';
import { bundledCachePath, bundledRulesPath, loadRules } from '../dist/io/rules.js';

const target = bundledCachePath();
rmSync(target, { force: true });
const loaded = loadRules(bundledRulesPath(), { keepDocument: true });
if (loaded.ruleSet && loaded.document) {
  writeFileSync(target, JSON.stringify({ sha256: loaded.sha256, document: loaded.document }));
} else {
  process.stderr.write(`build-rules-cache: rules/ has ${loaded.diagnostics.length} problem(s); no cache written\n`);
}
