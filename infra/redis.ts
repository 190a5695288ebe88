// Redis for BullMQ, rate limits and the web chat: REDIS_URL (one server) or REDIS_CLUSTER_NODES (a
// Redis Cluster, Valkey or Redis) when set; in development without either, a private redis-server
// child process with its data (AOF on) under DATA_DIR, stopped with the app.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { Cluster, Redis, type ClusterOptions } from 'ioredis';

/** Where Redis is: one server, or the start-up nodes of a Redis Cluster (the client finds the rest). */
export type RedisTarget = { kind: 'server'; url: string } | { kind: 'cluster'; nodes: string[] };

export type RedisEndpoint = RedisTarget & {
  /** Stops the private redis-server, if this process started one. */
  stop(): Promise<void>;
};

/** A connection to either: both speak the same commands; on a cluster each goes to the node of its key. */
export type RedisClient = Redis | Cluster;

export function isCluster(client: RedisClient): client is Cluster {
  return client.isCluster;
}

/**
 * The settings Dugnad starts its own redis-server with; README asks the same of a production Redis.
 * Job hashes hold fields over Redis's default 64-byte compact limit; 512 keeps them compact (bench/).
 */
export const REDIS_SERVER_SETTINGS = {
  appendonly: 'yes',
  'maxmemory-policy': 'noeviction',
  'hash-max-listpack-value': '512',
} as const;

export class RedisUnavailableError extends Error {}

export const INSTALL_REDIS_HINT =
  'redis-server was not found on PATH. Install it (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis) or set REDIS_URL.';

/** The Redis the configuration names (REDIS_CLUSTER_NODES or REDIS_URL; config.ts allows one), if any. */
export function configuredRedis(c: { REDIS_URL?: string | undefined; REDIS_CLUSTER_NODES?: string[] | undefined }): RedisTarget | undefined {
  if (c.REDIS_CLUSTER_NODES?.length) return { kind: 'cluster', nodes: c.REDIS_CLUSTER_NODES };
  if (c.REDIS_URL) return { kind: 'server', url: c.REDIS_URL };
  return undefined;
}

export async function provideRedis(opts: { target?: RedisTarget | undefined; dataDir: string }): Promise<RedisEndpoint> {
  if (opts.target) return { ...opts.target, stop: async () => undefined };
  const port = await freePort();
  const dir = resolve(opts.dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--loglevel', 'warning',
      ...Object.entries(REDIS_SERVER_SETTINGS).flatMap(([name, value]) => [`--${name}`, value])],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  await new Promise<void>((ok, fail) => {
    child.once('error', (err: NodeJS.ErrnoException) =>
      fail(err.code === 'ENOENT' ? new RedisUnavailableError(INSTALL_REDIS_HINT) : err),
    );
    child.once('spawn', () => ok());
  });
  const url = `redis://127.0.0.1:${port}`;
  await waitForPing(url, child);
  return {
    kind: 'server',
    url,
    stop: () => stopChild(child),
  };
}

/**
 * Where a Redis differs from REDIS_SERVER_SETTINGS, as "name value (advised value)". Empty when it
 * matches, or when the server does not let us look (managed services often disable CONFIG).
 */
export async function settingsAgainstAdvice(client: RedisClient): Promise<string[]> {
  const differing: string[] = [];
  try {
    for (const [name, advised] of Object.entries(REDIS_SERVER_SETTINGS)) {
      const [, value] = (await client.config('GET', name)) as [string, string];
      const enough = name === 'hash-max-listpack-value' ? Number(value) >= Number(advised) : value === advised;
      if (!enough) differing.push(`${name} ${value} (advised ${advised})`);
    }
  } catch {
    return [];
  }
  return differing;
}

/** Options for a connection BullMQ workers block on: they must wait for Redis, not give up. */
export function workerConnection(target: RedisTarget): RedisClient {
  return connect(target, { maxRetriesPerRequest: null, offlineQueue: true });
}

/** For producers and health checks: fail fast while Redis is down instead of queueing forever. */
export function producerConnection(target: RedisTarget): RedisClient {
  return connect(target, { maxRetriesPerRequest: 1, offlineQueue: false });
}

const backoff = (times: number) => Math.min(times * 200, 2000);

function connect(target: RedisTarget, o: { maxRetriesPerRequest: number | null; offlineQueue: boolean }): RedisClient {
  if (target.kind === 'server') {
    return new Redis(target.url, { maxRetriesPerRequest: o.maxRetriesPerRequest, enableOfflineQueue: o.offlineQueue, retryStrategy: backoff, lazyConnect: false });
  }
  const urls = target.nodes.map((n) => new URL(n));
  const first = urls[0]!;
  const tls = first.protocol === 'rediss:';
  const options: ClusterOptions = {
    clusterRetryStrategy: backoff,
    enableOfflineQueue: o.offlineQueue,
    redisOptions: {
      maxRetriesPerRequest: o.maxRetriesPerRequest,
      ...(first.username ? { username: decodeURIComponent(first.username) } : {}),
      ...(first.password ? { password: decodeURIComponent(first.password) } : {}),
      ...(tls ? { tls: {} } : {}),
    },
    // Managed TLS clusters announce their nodes by address while the certificate names the host:
    // resolving is left to the TLS connection (ioredis README, "Special note: AWS ElastiCache Clusters with TLS").
    ...(tls ? { dnsLookup: (address, done) => done(null, address) } : {}),
  };
  return new Cluster(urls.map((u) => ({ host: u.hostname, port: Number(u.port || 6379) })), options);
}

async function waitForPing(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new RedisUnavailableError(`redis-server exited with code ${child.exitCode}`);
    const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    r.on('error', () => undefined);
    try {
      await r.connect();
      await r.ping();
      r.disconnect();
      return;
    } catch {
      r.disconnect();
      await new Promise((ok) => setTimeout(ok, 50));
    }
  }
  throw new RedisUnavailableError('redis-server did not answer within 10 s');
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((ok) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      ok();
    });
    child.kill('SIGTERM');
  });
}

/** A port free on 127.0.0.1 right now (for a private redis-server; tests and benchmarks use it too). */
export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? ok(addr.port) : fail(new Error('no port'))));
    });
  });
}
