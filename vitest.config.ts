import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // No rules cache between tests (test/io/rules-cache.test.ts turns it on where it is tested).
    env: { FORCE_COLOR: '0', NO_COLOR: '1', CIVSCORE_LANG: 'en', CIVSCORE_CACHE_DIR: 'off' },
  },
});
