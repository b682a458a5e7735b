import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Each test file gets its own data dir, CT_HOME (see test/helpers/setup.ts); files run in parallel.
    setupFiles: ['test/helpers/setup.ts'],
  },
});
