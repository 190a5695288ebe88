// 5. Reminders: the product's timer jobs at volume, on the Redis a user actually gets. Scheduling N
// reminders through addTimer (the `timers` queue from createQueues, jobId from timerJobId()), Redis
// memory per reminder, and how late they fire when 10 000 fall due within a minute, processed by a
// worker with the product's timer worker options (concurrency 10). The Redis is the one Dugnad starts itself when
// REDIS_URL is unset (infra/redis.ts: AOF on, noeviction, hash-max-listpack-value 512), which is also
// the configuration README documents for production; a redis-server left at its defaults is measured
// beside it for reference.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Worker } from 'bullmq';
import { spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort } from './proc.ts';
import { provideRedis } from '../infra/redis.ts';
import { createQueues, QUEUE, timerJobId, timerWorkerOptions, type TimerJob } from '../jobs/queues.ts';
import { addTimer } from '../jobs/schedule.ts';
import { dropRedisPrefix } from './db.ts';
import { figure, fmt, fmtFigure, latencies, log, type Figure } from './stats.ts';
import type { Options } from './options.ts';

type JobHash = { encoding: string; fields: Record<string, number> };

export interface RemindersResult {
  reminders: number;
  /** The redis-server settings Dugnad starts its own Redis with (and README asks of a production Redis). */
  redisSettings: Record<string, string>;
  scheduleMs: Figure;
  schedulePerSecond: Figure;
  /** INFO memory used_memory after − before, ÷ N, on Dugnad's Redis. */
  usedMemoryPerReminder: Figure;
  /** Σ MEMORY USAGE over this run's keys ÷ N (only our keys). */
  keyMemoryPerReminder: Figure;
  jobHash: JobHash;
  /** The same jobs on a redis-server left at its defaults (hash-max-listpack-value 64). */
  atDefaults: { reminders: number; usedMemoryPerReminder: Figure; keyMemoryPerReminder: Figure; jobHash: JobHash };
  lateness: { jobs: number; windowMs: [number, number]; p50: Figure; p99: Figure; max: Figure };
  goals: Array<{ text: string; met: boolean }>;
}

const CONCURRENCY = 50;

function uuid(i: number, salt: string): string {
  const h = (i.toString(16) + salt).padStart(12, '0').slice(-12);
  return '6f1c2a4e-' + '9b1d' + '-4' + salt.slice(0, 3) + '-a' + salt.slice(3, 6) + '-' + h;
}

/** Calls addTimer for every job with CONCURRENCY calls in flight, as many dispatch jobs scheduling at once would. */
async function scheduleAll(queues: ReturnType<typeof createQueues>, jobs: Array<{ job: TimerJob; at: Date }>, now: Date): Promise<number> {
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < jobs.length) {
        const j = jobs[next++]!;
        await addTimer(queues, j.job, j.at, now);
      }
    }),
  );
  return performance.now() - t0;
}

async function usedMemory(r: Redis): Promise<number> {
  const info = await r.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1]);
}

async function keyMemory(r: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let total = 0;
  do {
    const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 5000);
    cursor = next;
    if (keys.length) {
      const p = r.pipeline();
      for (const k of keys) p.memory('USAGE', k, 'SAMPLES', '0');
      const res = (await p.exec()) ?? [];
      for (const [, v] of res) total += Number(v ?? 0);
    }
  } while (cursor !== '0');
  return total;
}

/** Schedules n reminders per run on the Redis at url; time and memory per reminder for each run. */
async function scheduleRuns(url: string, n: number, runs: number, label: string): Promise<{ scheduleMs: number[]; usedPer: number[]; keyPer: number[]; jobHash: JobHash }> {
  const r = new Redis(url, { maxRetriesPerRequest: null });
  const scheduleMs: number[] = [];
  const usedPer: number[] = [];
  const keyPer: number[] = [];
  let jobHash: JobHash = { encoding: '', fields: {} };
  try {
    for (let run = 0; run < runs; run++) {
      const prefix = `bench-remind-${randomBytes(4).toString('hex')}`;
      const conn = new Redis(url, { maxRetriesPerRequest: null });
      const queues = createQueues(conn, prefix);
      try {
        const now = new Date();
        const base = now.getTime() + 3 * 24 * 3600_000;
        const salt = randomBytes(3).toString('hex');
        // n/2 assignments × the default offsets (24 h and 2 h before the start).
        const jobs = Array.from({ length: n }, (_, i) => {
          const a = i >> 1;
          const offsetMinutes = i % 2 === 0 ? 1440 : 120;
          const startsAtMs = base + a * 60_000;
          return { job: { kind: 'remind', assignmentId: uuid(a, salt), offsetMinutes, startsAtMs } as TimerJob, at: new Date(startsAtMs - offsetMinutes * 60_000) };
        });
        // The queue's own keys (meta, id counter) exist before we count.
        await addTimer(queues, { kind: 'remind', assignmentId: uuid(0, 'ffffff'), offsetMinutes: 1, startsAtMs: base }, new Date(base), now);
        const before = await usedMemory(r);
        const keysBefore = await keyMemory(r, prefix);
        const ms = await scheduleAll(queues, jobs, now);
        const after = await usedMemory(r);
        const keysAfter = await keyMemory(r, prefix);
        const delayed = await queues.timers.getDelayedCount();
        if (delayed !== n + 1) throw new Error(`expected ${n + 1} delayed jobs, found ${delayed}`);
        scheduleMs.push(ms);
        usedPer.push((after - before) / n);
        keyPer.push((keysAfter - keysBefore) / n);
        if (run === 0) {
          const key = `${prefix}:${QUEUE.timers}:${timerJobId(jobs[0]!.job)}`;
          const hash = await r.hgetall(key);
          jobHash = { encoding: String(await r.object('ENCODING', key)), fields: Object.fromEntries(Object.entries(hash).map(([k, v]) => [k, Buffer.byteLength(v)])) };
          log(`  ${label}: a job hash is ${jobHash.encoding}-encoded, field sizes ${JSON.stringify(jobHash.fields)}`);
        }
        log(`  ${label} run ${run + 1}: scheduled ${n} in ${fmt(ms)} ms (${fmt((n / ms) * 1000)}/s); used_memory Δ ${fmt(usedPer.at(-1)!)} B/reminder, Σ MEMORY USAGE ${fmt(keyPer.at(-1)!)} B/reminder`);
      } finally {
        await queues.close();
        await dropRedisPrefix(r, prefix);
        conn.disconnect();
      }
    }
  } finally {
    r.disconnect();
  }
  return { scheduleMs, usedPer, keyPer, jobHash };
}

/** A private, throw-away redis-server (loopback, no persistence) at its default settings. */
async function defaultRedis(): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    const ok = await probe.connect().then(() => probe.ping()).then(() => true, () => false);
    probe.disconnect();
    if (ok) break;
    if (Date.now() > deadline || child.exitCode !== null) throw new Error('private redis-server did not start');
    await new Promise((res) => setTimeout(res, 100));
  }
  return {
    url,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}

async function configOf(url: string, names: string[]): Promise<Record<string, string>> {
  const r = new Redis(url);
  try {
    const out: Record<string, string> = {};
    for (const name of names) {
      const [, value] = (await r.config('GET', name)) as [string, string];
      out[name] = value;
    }
    return out;
  } finally {
    r.disconnect();
  }
}

async function lateness(url: string, o: Options): Promise<{ p50: number; p99: number; max: number }> {
  const prefix = `bench-late-${randomBytes(4).toString('hex')}`;
  const r = new Redis(url, { maxRetriesPerRequest: null });
  const conn = new Redis(url, { maxRetriesPerRequest: null });
  const workerConn = new Redis(url, { maxRetriesPerRequest: null });
  const queues = createQueues(conn, prefix);
  const late: number[] = [];
  let done!: () => void;
  const allDone = new Promise<void>((ok) => (done = ok));
  const worker = new Worker(
    QUEUE.timers,
    async (job) => {
      // BullMQ 6 zeroes job.delay when it promotes a delayed job; the delay asked for stays in opts.
      late.push(Date.now() - (job.timestamp + (job.opts.delay ?? job.delay ?? 0)));
      if (late.length === o.latenessJobs) done();
    },
    { connection: workerConn, prefix, ...timerWorkerOptions },
  );
  worker.on('error', () => undefined);
  try {
    await worker.waitUntilReady();
    const now = new Date();
    const [lo, hi] = o.latenessWindowMs;
    const salt = randomBytes(3).toString('hex');
    const jobs = Array.from({ length: o.latenessJobs }, (_, i) => {
      const at = new Date(now.getTime() + lo + ((hi - lo) * i) / o.latenessJobs);
      return { job: { kind: 'remind', assignmentId: uuid(i, salt), offsetMinutes: 120, startsAtMs: at.getTime() + 120 * 60_000 } as TimerJob, at };
    });
    const ms = await scheduleAll(queues, jobs, now);
    if (ms > lo) log(`  warning: scheduling took ${fmt(ms)} ms, longer than the first due time`);
    const timeout = new Promise<never>((_, fail) => setTimeout(() => fail(new Error(`lateness: ${late.length} of ${o.latenessJobs} processed in time`)), hi + 60_000).unref());
    await Promise.race([allDone, timeout]);
    return latencies(late);
  } finally {
    await worker.close();
    await queues.close();
    await dropRedisPrefix(r, prefix);
    r.disconnect();
    conn.disconnect();
    workerConn.disconnect();
  }
}

export async function benchReminders(o: Options): Promise<RemindersResult> {
  const n = o.reminders;
  log(`\n== 5. Reminders: ${n} scheduled; ${o.latenessJobs} due within ${o.latenessWindowMs[0] / 1000}–${o.latenessWindowMs[1] / 1000} s`);
  const dataDir = mkdtempSync(join(tmpdir(), 'dugnad-bench-redis-'));
  const own = await provideRedis({ dataDir });
  try {
    if (own.kind !== 'server') throw new Error('provideRedis without a target starts one server');
    const settings = await configOf(own.url, ['appendonly', 'maxmemory-policy', 'hash-max-listpack-value', 'hash-max-listpack-entries']);
    log(`  Dugnad's own redis-server: ${Object.entries(settings).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    const { scheduleMs, usedPer, keyPer, jobHash } = await scheduleRuns(own.url, n, o.runs, "Dugnad's Redis");

    const defaultsN = Math.min(n, o.remindersAtDefaults);
    const plain = await defaultRedis();
    let atDefaults: Awaited<ReturnType<typeof scheduleRuns>>;
    try {
      atDefaults = await scheduleRuns(plain.url, defaultsN, o.runs, 'redis-server at its defaults');
    } finally {
      await plain.stop();
    }

    const late50: number[] = [];
    const late99: number[] = [];
    const lateMax: number[] = [];
    for (let run = 0; run < o.runs; run++) {
      const l = await lateness(own.url, o);
      late50.push(l.p50);
      late99.push(l.p99);
      lateMax.push(l.max);
      log(`  lateness run ${run + 1}: ${o.latenessJobs} jobs: p50 ${fmt(l.p50)} ms, p99 ${fmt(l.p99)} ms, max ${fmt(l.max)} ms`);
    }

    const result: RemindersResult = {
      reminders: n,
      redisSettings: settings,
      scheduleMs: figure(scheduleMs, 'ms'),
      schedulePerSecond: figure(scheduleMs.map((ms) => (n / ms) * 1000), 'jobs/s'),
      usedMemoryPerReminder: figure(usedPer, 'B'),
      keyMemoryPerReminder: figure(keyPer, 'B'),
      jobHash,
      atDefaults: { reminders: defaultsN, usedMemoryPerReminder: figure(atDefaults.usedPer, 'B'), keyMemoryPerReminder: figure(atDefaults.keyPer, 'B'), jobHash: atDefaults.jobHash },
      lateness: { jobs: o.latenessJobs, windowMs: o.latenessWindowMs, p50: figure(late50, 'ms'), p99: figure(late99, 'ms'), max: figure(lateMax, 'ms') },
      goals: [],
    };
    result.goals = [
      { text: 'Redis memory ≤ 1 KB per reminder', met: Math.max(result.usedMemoryPerReminder.median, result.keyMemoryPerReminder.median) <= 1024 },
      { text: `lateness p99 < 2 s (${o.latenessJobs} due within ${(o.latenessWindowMs[1] - o.latenessWindowMs[0]) / 1000} s)`, met: result.lateness.p99.median < 2000 },
    ];
    log(`  schedule ${fmtFigure(result.schedulePerSecond)}; memory ${fmtFigure(result.usedMemoryPerReminder)} (used_memory), ${fmtFigure(result.keyMemoryPerReminder)} (keys); at Redis defaults: ${fmtFigure(result.atDefaults.usedMemoryPerReminder)}; lateness p99 ${fmtFigure(result.lateness.p99)}`);
    for (const g of result.goals) log(`  goal ${g.text}: ${g.met ? 'met' : 'NOT met'}`);
    return result;
  } finally {
    await own.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
