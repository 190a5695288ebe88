// A Redis and a PostgreSQL of the test's own, on free ports, that the test may stop and start again
// (the shared services on 6379/5432 must stay up for the other test files).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './app.ts';

async function waitUntil(pred: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await pred().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what} did not come up`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function exitOf(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((ok) => child.once('exit', () => ok()));
}

export interface PrivateRedis {
  url: string;
  /** SIGKILL: what a crash or an OOM kill does. Without persistence the data is gone. */
  kill(): Promise<void>;
  start(): Promise<void>;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  const r: PrivateRedis = {
    url: `redis://127.0.0.1:${port}`,
    async start() {
      child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
      await waitUntil(async () => spawnSync('redis-cli', ['-p', String(port), 'ping']).stdout?.toString().trim() === 'PONG', 10_000, 'redis-server');
    },
    async kill() {
      if (!child) return;
      const c = child;
      child = null;
      c.kill('SIGKILL');
      await exitOf(c);
    },
  };
  await r.start();
  return r;
}

export interface PrivatePostgres {
  /** The superuser's database on this server. */
  url: string;
  /** `pg_ctl stop -m immediate`: the server goes away without a clean shutdown, like a crash. */
  stopImmediately(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

function postgresBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const version = readdirSync(root).sort((a, b) => Number(a) - Number(b)).at(-1);
  return version ? join(root, version, 'bin') : null;
}

/** initdb refuses to run as root: as root we run the server as the `postgres` user Debian creates. */
function asServerUser(cmd: string, args: string[]): string[] {
  return process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--', cmd, ...args] : [cmd, ...args];
}

export function canRunPrivatePostgres(): boolean {
  const bin = postgresBin();
  if (!bin || !existsSync(join(bin, 'initdb'))) return false;
  if (process.getuid?.() === 0) return spawnSync('id', ['postgres']).status === 0;
  return true;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = postgresBin()!;
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'dugnad-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const run = (cmd: string, args: string[]) => {
    const [c, ...a] = asServerUser(join(bin, cmd), args);
    const res = spawnSync(c!, a, { stdio: 'pipe' });
    if (res.status !== 0) throw new Error(`${cmd} failed: ${res.stderr?.toString().slice(0, 500)}`);
  };
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const ready = async () => {
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    await c.connect();
    await c.end();
    return true;
  };
  const p: PrivatePostgres = {
    url,
    async start() {
      run('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`, '-w', 'start']);
      await waitUntil(ready, 20_000, 'postgres');
    },
    async stopImmediately() {
      run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    },
    async destroy() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // not running
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await p.start();
  return p;
}
