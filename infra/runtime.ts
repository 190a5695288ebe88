// Start-up shared by the bot server and the worker process: config errors as one line, the
// database (migrated), Redis (given or private), and orderly shutdown.
import { loadConfig, ConfigError, type Config } from './config.ts';
import { openDatabase, type Database } from './db.ts';
import { migrate } from './migrate.ts';
import { configuredRedis, provideRedis, RedisUnavailableError, type RedisEndpoint } from './redis.ts';
import { ensureDeclaration } from './centres.ts';
import { createLogger, type Logger } from './log.ts';

export function configOrExit(): Config {
  try {
    return loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(err.message + '\n');
      process.exit(1);
    }
    throw err;
  }
}

export interface Runtime {
  config: Config;
  log: Logger;
  db: Database;
  redis: RedisEndpoint;
}

export async function openRuntime(config: Config, name: string): Promise<Runtime> {
  const log = createLogger(config.LOG_LEVEL, name);
  let redis: RedisEndpoint;
  try {
    redis = await provideRedis({ target: configuredRedis(config), dataDir: config.DATA_DIR });
  } catch (err) {
    if (err instanceof RedisUnavailableError) {
      process.stderr.write(err.message + '\n');
      process.exit(1);
    }
    throw err;
  }
  const db = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, poolSize: config.DATABASE_POOL_SIZE, preparedStatements: config.DATABASE_PREPARED_STATEMENTS });
  const applied = await migrate(db);
  await ensureDeclaration(db);
  log.info({ database: db.kind, migrations: applied, redis: redis.kind === 'cluster' ? 'cluster' : config.REDIS_URL ? 'external' : 'private' }, 'runtime ready');
  return { config, log, db, redis };
}

/** Runs `stop` once on SIGTERM/SIGINT, then exits 0. */
export function onShutdown(log: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    stop()
      .then(() => process.exit(0))
      .catch((err: Error) => {
        log.error({ err: err.message }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => handler('SIGTERM'));
  process.on('SIGINT', () => handler('SIGINT'));
}
