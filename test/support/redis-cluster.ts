// A throw-away Redis Cluster of three masters on loopback, as `npm run test:cluster` runs the core loop,
// the worker crash and the web chat on: three `redis-server --cluster-enabled yes` on free ports in a
// temporary directory, joined by `redis-cli --cluster create … --cluster-replicas 0`, removed again
// by stop().
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, REDIS_SERVER_SETTINGS } from '../../infra/redis.ts';

export interface LocalCluster {
  /** redis:// URLs of the masters (what REDIS_CLUSTER_NODES takes). */
  nodes: string[];
  stop(): Promise<void>;
}

function cli(args: string[]): string {
  const r = spawnSync('redis-cli', args, { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`redis-cli ${args.join(' ')} failed: ${r.stderr || r.stdout}`);
  return r.stdout;
}

async function until(what: string, ok: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`local Redis Cluster: ${what} did not happen within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startLocalCluster(masters = 3): Promise<LocalCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'dugnad-redis-cluster-'));
  const children: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((done) => {
            if (c.exitCode !== null || c.signalCode !== null) return done();
            const force = setTimeout(() => c.kill('SIGKILL'), 5000);
            c.once('exit', () => {
              clearTimeout(force);
              done();
            });
            c.kill('SIGTERM');
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const ports: number[] = [];
    for (let i = 0; i < masters; i++) {
      const port = await freePort();
      const bus = await freePort();
      const nodeDir = join(dir, String(port));
      mkdirSync(nodeDir);
      const settings = { ...REDIS_SERVER_SETTINGS, appendonly: 'no' }; // as production, minus the disk
      const child = spawn(
        'redis-server',
        ['--port', String(port), '--cluster-port', String(bus), '--bind', '127.0.0.1', '--dir', nodeDir, '--save', '',
          '--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '5000', '--loglevel', 'warning',
          ...Object.entries(settings).flatMap(([name, value]) => [`--${name}`, value])],
        { stdio: 'ignore' },
      );
      children.push(child);
      ports.push(port);
    }
    for (const port of ports) await until(`redis-server on ${port} answering`, () => spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout?.trim() === 'PONG');
    cli(['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes']);
    // Every node must agree the slots are covered before a client can use them.
    for (const port of ports) await until(`node ${port} seeing the cluster ok`, () => /cluster_state:ok/.test(cli(['-p', String(port), 'cluster', 'info'])));
    return { nodes: ports.map((p) => `redis://127.0.0.1:${p}`), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
