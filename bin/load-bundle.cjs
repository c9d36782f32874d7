'use strict';
// Loads the CLI's CommonJS bundle (dist/bundle/, made by scripts/bundle.mjs) with V8's code cache: the
// bytecode of the functions a run uses, written at build time (scripts/code-cache.mjs), instead of
// parsing and compiling some 300 KB of JavaScript at every start, in the main thread and again in a records
// worker (measured: a city month 0.30 → 0.28 s). A cache is used only for the exact bytes it was made from
// (its name carries their SHA-1) and only when its own bytes are intact (it starts with their SHA-1: V8
// checks a cache's length and origin, not its contents, and damaged bytecode would crash the process); V8
// itself rejects one made by another Node or with other V8 flags. Then the script is compiled as usual.

const { createHash } = require('node:crypto');
const { readFileSync, writeFileSync, mkdirSync } = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const vm = require('node:vm');

const CACHE_DIR = 'code-cache';

/** Loaded bundle files by absolute path: { module, script, source }. */
const loaded = new Map();
const stats = { scripts: 0, cached: 0, rejected: 0, damaged: 0 };

let compilingSynchronously = false;

function cacheFile(file, bytes) {
  const digest = createHash('sha1').update(bytes).digest('hex').slice(0, 16);
  return path.join(path.dirname(file), CACHE_DIR, `${path.basename(file)}.${digest}.bin`);
}

/**
 * Makes V8 isolates created from now on (the records worker) compile optimised code on their own thread
 * rather than hand it to V8's background threads. With both cores reading a large file, those threads get
 * little time: the worker ran its first megabyte in slow code for ~100 ms waiting for its reader to be
 * optimised, against ~60 ms when it compiles it itself. This thread, created before, keeps compiling in the
 * background (V8 decides that when an isolate is made), and code caches are still taken (V8 leaves this
 * flag out of the flag hash it checks them against). Called before the records worker is started.
 */
function compileSynchronously() {
  if (compilingSynchronously) return;
  require('node:v8').setFlagsFromString('--no-concurrent-recompilation');
  compilingSynchronously = true;
}

const DIGEST_BYTES = 20;

/** The cache's data when the file is there and its bytes are what was written (else undefined). */
function readCache(file) {
  let bytes;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  const data = bytes.subarray(DIGEST_BYTES);
  if (bytes.length <= DIGEST_BYTES || !createHash('sha1').update(data).digest().equals(bytes.subarray(0, DIGEST_BYTES))) {
    stats.damaged++;
    return undefined;
  }
  return data;
}

/** The `require` a bundle file sees: bundle files through this loader, anything else as usual. */
function requireFor(file) {
  const plain = Module.createRequire(file);
  const dir = path.dirname(file);
  const bundleRequire = (specifier) => {
    if (specifier.startsWith('./') && specifier.endsWith('.js')) return load(path.join(dir, specifier));
    return plain(specifier);
  };
  bundleRequire.resolve = plain.resolve;
  bundleRequire.cache = plain.cache;
  bundleRequire.main = plain.main;
  return bundleRequire;
}

/** Runs a bundle file once (like require) and returns its exports. */
function load(file) {
  const known = loaded.get(file);
  if (known) return known.module.exports;
  const bytes = readFileSync(file);
  const cached = readCache(cacheFile(file, bytes));
  const script = new vm.Script(Module.wrap(bytes.toString('utf8')), {
    filename: file,
    // No importModuleDynamically: the bundle has no import() (packages outside it are required), and Node 20
    // would not find the callback in code that came from a cache anyway.
    ...(cached ? { cachedData: cached } : {}),
  });
  stats.scripts++;
  if (cached) {
    if (script.cachedDataRejected) stats.rejected++;
    else stats.cached++;
  }
  const record = { exports: {}, filename: file, id: file, loaded: false };
  loaded.set(file, { module: record, script, bytes });
  try {
    // As Node runs a CommonJS module: `this` is its exports.
    script.runInThisContext().call(record.exports, record.exports, requireFor(file), record, file, path.dirname(file));
  } catch (error) {
    // As Node does: a module that failed to load is not kept half made.
    loaded.delete(file);
    throw error;
  }
  record.loaded = true;
  return record.exports;
}

/**
 * How many bundle files were loaded, how many of them from a cache V8 accepted or rejected, and how many
 * cache files were damaged (and not used).
 */
function codeCacheStats() {
  return { ...stats };
}

/**
 * Writes a cache for each of `files` (for scripts/code-cache.mjs, after a representative run): of a file
 * loaded in this process, with the bytecode of every function compiled so far; of any other, its top level.
 * Returns the caches written.
 */
function writeCodeCaches(files) {
  const written = [];
  for (const file of files) {
    const known = loaded.get(file);
    const bytes = known ? known.bytes : readFileSync(file);
    const script = known ? known.script : new vm.Script(Module.wrap(bytes.toString('utf8')), { filename: file });
    const target = cacheFile(file, bytes);
    mkdirSync(path.dirname(target), { recursive: true });
    const data = script.createCachedData();
    writeFileSync(target, Buffer.concat([createHash('sha1').update(data).digest(), data]));
    written.push(target);
  }
  return written;
}

module.exports = { load, codeCacheStats, writeCodeCaches, compileSynchronously };
