import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores here: files run in parallel up to that, each with its own database and queue prefix.
    maxWorkers: 2,
    pool: 'forks',
  },
});
