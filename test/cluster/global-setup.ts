// `npm run test:cluster` (vitest.cluster.config.ts): one local Redis Cluster for the run. The test files
// find it through REDIS_CLUSTER_NODES, as Dugnad itself does (test/support/redis.ts).
import { startLocalCluster } from '../support/redis-cluster.ts';

export default async function setup(): Promise<() => Promise<void>> {
  const cluster = await startLocalCluster(3);
  process.env.REDIS_CLUSTER_NODES = cluster.nodes.join(',');
  return () => cluster.stop();
}
