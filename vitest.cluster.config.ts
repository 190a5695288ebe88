// `npm run test:cluster`: the core loop, a worker killed mid-broadcast, the web chat on two servers and
// the rate limits, run against a Redis Cluster of three masters that the run starts and removes
// (test/cluster/global-setup.ts), plus the checks that only make sense there (test/cluster/).
import { configDefaults, defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

export default defineConfig({
  test: {
    ...base.test,
    include: [
      'test/cluster/**/*.test.ts',
      'test/integration/core-loop.test.ts',
      'test/integration/worker-crash.test.ts',
      'test/integration/directline-cluster.test.ts',
      'test/integration/rate-limit.test.ts',
    ],
    exclude: configDefaults.exclude,
    globalSetup: ['test/cluster/global-setup.ts'],
  },
});
