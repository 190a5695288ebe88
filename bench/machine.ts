// The machine and its own limits, measured in the same run as everything else: redis-benchmark
// SET/GET and a restify hello-world under the same load generator the bots get.
import os from 'node:os';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { closeAll, closedLoop, openConnections, rawRequest } from './load.ts';
import { startChild } from './proc.ts';
import { figure, fmt, fmtFigure, latencies, log, median, type Figure } from './stats.ts';
import { createBenchDatabase, REDIS_URL } from './db.ts';
import { openPostgres } from '../infra/db.ts';
import { performance } from 'node:perf_hooks';
import type { Options } from './options.ts';

const run = promisify(execFile);

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  os: string;
  date: string;
  postgres: string;
  redis: string;
}

export interface MachineResult {
  info: MachineInfo;
  redisSet: Figure;
  redisGet: Figure;
  /** PostgreSQL over 10 connections (the product's pool size): SELECT 1 round trips, and autocommitted single-row UPDATEs (each a WAL flush). */
  pgSelects: Figure;
  pgCommits: Figure;
  helloWorld: Figure;
  helloWorldP99: Figure;
  concurrency: number;
}

export async function machineInfo(postgresVersion: string): Promise<MachineInfo> {
  const r = new Redis(REDIS_URL);
  const server = await r.info('server');
  r.disconnect();
  return {
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    date: new Date().toISOString(),
    postgres: postgresVersion,
    redis: /redis_version:(\S+)/.exec(server)?.[1] ?? 'unknown',
  };
}

/** A Redis database number nobody uses, so redis-benchmark's key lands away from everyone's data. */
async function emptyDb(r: Redis): Promise<number> {
  for (let db = 15; db >= 1; db--) {
    await r.select(db);
    if ((await r.dbsize()) === 0) return db;
  }
  throw new Error('no empty Redis database for redis-benchmark');
}

export async function redisBenchmark(runs: number): Promise<{ set: Figure; get: Figure }> {
  const u = new URL(REDIS_URL);
  const r = new Redis(REDIS_URL);
  const set: number[] = [];
  const get: number[] = [];
  try {
    const dbnum = await emptyDb(r);
    for (let i = 0; i < runs; i++) {
      const { stdout } = await run('redis-benchmark', ['-h', u.hostname, '-p', u.port || '6379', '--dbnum', String(dbnum), '-q', '-t', 'set,get', '-n', '100000'], { timeout: 120_000 });
      const rate = (name: string) => {
        const all = [...stdout.matchAll(new RegExp(`${name}: ([0-9.]+) requests per second`, 'g'))];
        return Number(all.at(-1)?.[1] ?? Number.NaN);
      };
      set.push(rate('SET'));
      get.push(rate('GET'));
      log(`  redis-benchmark run ${i + 1}: SET ${fmt(set.at(-1)!)} ops/s, GET ${fmt(get.at(-1)!)} ops/s`);
    }
    await r.select(dbnum);
    await r.del('key:__rand_int__');
  } finally {
    r.disconnect();
  }
  return { set: figure(set, 'ops/s'), get: figure(get, 'ops/s') };
}

export async function helloWorld(o: Options): Promise<{ rps: Figure; p99: Figure }> {
  const child = await startChild('hello', {});
  const url = child.url!;
  const req = rawRequest('GET', url, '/hello');
  const rps: number[] = [];
  const p99: number[] = [];
  try {
    for (let i = 0; i < o.runs + 1; i++) {
      const conns = await openConnections(url, o.concurrency, req);
      const res = await closedLoop({ conns, durationMs: i === 0 ? o.warmupMs : o.turnRunMs, request: () => req });
      closeAll(conns);
      if (res.errors) throw new Error(`hello world: ${res.errors} errors (${res.firstError})`);
      if (i === 0) continue; // warm-up
      rps.push(res.perSecond);
      p99.push(latencies(res.latencies).p99);
      log(`  restify hello world run ${i}: ${fmt(res.perSecond)} req/s, p99 ${fmt(p99.at(-1)!)} ms`);
    }
  } finally {
    await child.close();
  }
  return { rps: figure(rps, 'req/s'), p99: figure(p99, 'ms') };
}

/** Round trips and durable commits per second over a pool of 10, as the product's pool. */
export async function postgresLimits(o: Options): Promise<{ selects: Figure; commits: Figure }> {
  const bdb = await createBenchDatabase('machine');
  const pool = openPostgres(bdb.url, 10);
  const selects: number[] = [];
  const commits: number[] = [];
  const durationMs = Math.min(o.turnRunMs, 2000);
  const loop = async (sql: string, params: (i: number) => unknown[]) => {
    let count = 0;
    const stopAt = performance.now() + durationMs;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        while (performance.now() < stopAt) {
          await pool.query(sql, params(i));
          count++;
        }
      }),
    );
    return (count / (performance.now() - t0)) * 1000;
  };
  try {
    await pool.query('CREATE TABLE bench_commit (id int PRIMARY KEY, n int NOT NULL)');
    await pool.query('INSERT INTO bench_commit SELECT g, 0 FROM generate_series(0, 9) g');
    await loop('SELECT 1', () => []);
    for (let i = 0; i < o.runs; i++) {
      selects.push(await loop('SELECT 1', () => []));
      commits.push(await loop('UPDATE bench_commit SET n = n + 1 WHERE id = $1', (k) => [k]));
      log(`  PostgreSQL run ${i + 1}: ${fmt(selects.at(-1)!)} SELECT 1/s, ${fmt(commits.at(-1)!)} autocommit UPDATEs/s (10 connections)`);
    }
  } finally {
    await pool.close();
    await bdb.close();
  }
  return { selects: figure(selects, 'queries/s'), commits: figure(commits, 'commits/s') };
}

export async function benchMachine(o: Options, postgresVersion: string): Promise<MachineResult> {
  log('\n== Machine');
  const info = await machineInfo(postgresVersion);
  log(`  ${info.cpuModel}, ${info.cores} cores, ${info.memoryGiB} GiB, Node ${info.node}, PostgreSQL ${info.postgres}, Redis ${info.redis}`);
  const redis = await redisBenchmark(o.runs);
  const hello = await helloWorld(o);
  const pgl = await postgresLimits(o);
  log(`  redis-benchmark SET ${fmtFigure(redis.set)}, GET ${fmtFigure(redis.get)}`);
  log(`  PostgreSQL ${fmtFigure(pgl.selects)}, ${fmtFigure(pgl.commits)}`);
  log(`  restify hello world ${fmtFigure(hello.rps)} at concurrency ${o.concurrency} (median p99 ${fmt(median(hello.p99.runs))} ms)`);
  return { info, redisSet: redis.set, redisGet: redis.get, pgSelects: pgl.selects, pgCommits: pgl.commits, helloWorld: hello.rps, helloWorldP99: hello.p99, concurrency: o.concurrency };
}
