// The real Dugnad processes, as production runs them: a bot server (restify + botbuilder + the
// store) and, separately, the BullMQ workers — each with its own PostgreSQL pool and Redis
// connections, configured through the same env schema as `npm start` / `npm run worker`.
import { loadConfig, type Config } from '../infra/config.ts';
import { openDatabase, type Database, type Transaction } from '../infra/db.ts';
import { createLogger } from '../infra/log.ts';
import { producerConnection } from '../infra/redis.ts';
import { createQueues } from '../jobs/queues.ts';
import { runWorkers } from '../jobs/run.ts';
import { createApp } from '../bot/app.ts';
import { freePort } from './proc.ts';
import type { BenchServer } from './echo-bot.ts';

export interface DugnadOptions {
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  /** Extra env (WAVE_SIZE, LOG_LEVEL …). */
  env?: Record<string, string>;
}

function benchConfig(o: DugnadOptions, port: number): Config {
  return loadConfig({
    NODE_ENV: 'development',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: o.databaseUrl,
    REDIS_URL: o.redisUrl,
    QUEUE_PREFIX: o.prefix,
    LOG_LEVEL: 'info',
    SEED_DEMO: 'false',
    RUN_WORKERS: 'false',
    SEND_RATE_PER_SECOND: '0',
    PACE_PER_CONVERSATION_MS: '0',
    // Benchmarks may run at night: quiet hours off, or offers would wait for the morning.
    QUIET_HOURS_START: '00:00',
    QUIET_HOURS_END: '00:00',
    // 32 users at a dozen or more turns a second each would hit the per-user message limit within a run;
    // the benchmark measures the turn, not the limiter.
    RATE_LIMIT_MESSAGES_PER_MINUTE: '0',
    ...o.env,
  });
}

/** Database round trips so far: statements, plus BEGIN and COMMIT of every transaction. */
export interface DbStats {
  statements: number;
  transactions: number;
  roundTrips: number;
  /** Count per statement (first line-ish of its SQL, whitespace folded), with BEGIN/COMMIT as "transaction". */
  byStatement: Record<string, number>;
}

const label = (sql: string) => sql.replace(/\s+/g, ' ').trim().slice(0, 72);

/** The product's Database with a count of what it sends to PostgreSQL (nothing else changes). */
function counting(db: Database): { db: Database; stats(): DbStats } {
  let statements = 0;
  let transactions = 0;
  const bySql = new Map<string, number>();
  const count = (sql: string) => {
    statements++;
    bySql.set(sql, (bySql.get(sql) ?? 0) + 1);
  };
  const wrapped: Database = {
    kind: db.kind,
    autocommit: db.autocommit,
    query<R>(sql: string, params?: readonly unknown[]) {
      count(sql);
      return db.query<R>(sql, params);
    },
    transaction<T>(fn: (tx: Transaction) => Promise<T>) {
      transactions++;
      return db.transaction((tx) =>
        fn({
          query<R>(sql: string, params?: readonly unknown[]) {
            count(sql);
            return tx.query<R>(sql, params);
          },
          exec: (sql: string) => tx.exec(sql),
        }),
      );
    },
    exec: (sql) => db.exec(sql),
    ping: () => db.ping(),
    close: () => db.close(),
  };
  const stats = (): DbStats => {
    const byStatement: Record<string, number> = { 'BEGIN … COMMIT (transaction)': transactions };
    for (const [sql, n] of bySql) byStatement[label(sql)] = (byStatement[label(sql)] ?? 0) + n;
    return { statements, transactions, roundTrips: statements + 2 * transactions, byStatement };
  };
  return { db: wrapped, stats };
}

export async function startDugnadBot(o: DugnadOptions): Promise<BenchServer & { stats(): DbStats }> {
  const port = await freePort();
  const config = benchConfig(o, port);
  const log = createLogger(config.LOG_LEVEL, 'dugnad-bot');
  const { db, stats } = counting(await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR }));
  const redis = producerConnection({ kind: 'server', url: o.redisUrl });
  redis.on('error', () => undefined);
  await new Promise<void>((ok) => (redis.status === 'ready' ? ok() : redis.once('ready', () => ok())));
  const queues = createQueues(redis, config.QUEUE_PREFIX);
  const app = createApp({ config, db, redis, queues, log, now: () => new Date(), demoIdentities: [] });
  const url = await app.listen(port, '127.0.0.1');
  return {
    url,
    stats,
    async close() {
      app.server.server.closeAllConnections();
      await app.close();
      await queues.close();
      redis.disconnect();
      await db.close();
    },
  };
}

export async function startDugnadWorkers(o: DugnadOptions): Promise<{ stats(): DbStats; close(): Promise<void> }> {
  const config = benchConfig(o, 0);
  const log = createLogger(config.LOG_LEVEL, 'dugnad-worker');
  const { db, stats } = counting(await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR }));
  const workers = await runWorkers({ config, log, db, redis: { kind: 'server', url: o.redisUrl, stop: async () => undefined } });
  return {
    stats,
    async close() {
      await workers.close();
      await db.close();
    },
  };
}
