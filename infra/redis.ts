// Redis for BullMQ: REDIS_URL when set; in development without it, a private redis-server child
// process with its data (AOF on) under DATA_DIR, stopped with the app.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { Redis, type RedisOptions } from 'ioredis';

export interface RedisEndpoint {
  url: string;
  /** Stops the private redis-server, if this process started one. */
  stop(): Promise<void>;
}

export class RedisUnavailableError extends Error {}

export const INSTALL_REDIS_HINT =
  'redis-server was not found on PATH. Install it (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis) or set REDIS_URL.';

export async function provideRedis(opts: { redisUrl?: string | undefined; dataDir: string }): Promise<RedisEndpoint> {
  if (opts.redisUrl) return { url: opts.redisUrl, stop: async () => undefined };
  const port = await freePort();
  const dir = resolve(opts.dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const child = spawn(
    'redis-server',
    // Job hashes hold fields over Redis's default 64-byte compact limit; 512 keeps them compact (bench/).
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', '', '--maxmemory-policy', 'noeviction',
      '--hash-max-listpack-value', '512', '--loglevel', 'warning'],
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
    url,
    stop: () => stopChild(child),
  };
}

/** Options for a connection BullMQ workers block on: they must wait for Redis, not give up. */
export function workerConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, ...retry });
}

/** For producers and health checks: fail fast while Redis is down instead of queueing forever. */
export function producerConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, ...retry });
}

const retry: RedisOptions = { retryStrategy: (times) => Math.min(times * 200, 2000), lazyConnect: false };

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
