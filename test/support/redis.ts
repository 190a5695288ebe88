// The Redis the tests use: the shared server (REDIS_URL, default 127.0.0.1:6379), or a Redis Cluster
// when REDIS_CLUSTER_NODES is set, as `npm run test:cluster` does for the files it runs against the
// cluster it starts (test/cluster/). Helpers that work on either.
import { Redis } from 'ioredis';
import { isCluster, producerConnection, type RedisClient, type RedisTarget } from '../../infra/redis.ts';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const clusterNodes = (process.env.REDIS_CLUSTER_NODES ?? '').split(',').map((s) => s.trim()).filter(Boolean);

export const TEST_REDIS: RedisTarget = clusterNodes.length ? { kind: 'cluster', nodes: clusterNodes } : { kind: 'server', url: REDIS_URL };

export const targetOf = (urlOrTarget: string | RedisTarget = TEST_REDIS): RedisTarget =>
  typeof urlOrTarget === 'string' ? { kind: 'server', url: urlOrTarget } : urlOrTarget;

/** The variables that point a Dugnad process (config.ts) at this Redis; an empty value unsets the other. */
export function redisEnv(target: RedisTarget = TEST_REDIS): { REDIS_URL: string; REDIS_CLUSTER_NODES: string } {
  return target.kind === 'cluster' ? { REDIS_URL: '', REDIS_CLUSTER_NODES: target.nodes.join(',') } : { REDIS_URL: target.url, REDIS_CLUSTER_NODES: '' };
}

/** A connection that is ready for commands. */
export async function testRedisClient(target: RedisTarget = TEST_REDIS): Promise<RedisClient> {
  const client = producerConnection(target);
  client.on('error', () => undefined);
  await new Promise<void>((ok) => (client.status === 'ready' ? ok() : client.once('ready', () => ok())));
  return client;
}

/** Every key matching the pattern: on a cluster, from every master. */
export async function scanKeys(client: RedisClient, pattern: string): Promise<string[]> {
  const servers: Redis[] = isCluster(client) ? client.nodes('master') : [client];
  const keys: string[] = [];
  for (const server of servers) {
    let cursor = '0';
    do {
      const [next, found] = await server.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      keys.push(...found);
    } while (cursor !== '0');
  }
  return keys;
}

/**
 * Removes every key of a test's QUEUE_PREFIX: the keys under `<prefix>:` and, on a cluster, the
 * queues' hash-tagged ones (`{<prefix>-<queue>}`, jobs/queues.ts queuePrefix).
 */
export async function obliterate(prefix: string, where: string | RedisTarget = TEST_REDIS): Promise<void> {
  const client = await testRedisClient(targetOf(where));
  try {
    for (const pattern of [`${prefix}:*`, `{${prefix}-*`]) {
      // One key per DEL: on a cluster the keys of one call must share a slot.
      for (const key of await scanKeys(client, pattern)) await client.del(key);
    }
  } finally {
    client.disconnect();
  }
}
