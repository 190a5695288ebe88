import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Needs the Redis Cluster that `npm run test:cluster` starts (vitest.cluster.config.ts).
    exclude: [...configDefaults.exclude, 'test/cluster/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores here: files run in parallel up to that, each with its own database and queue prefix.
    maxWorkers: 2,
    pool: 'forks',
  },
});
