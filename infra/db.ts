// The system of record: PostgreSQL through `pg`, or PGlite (Postgres in WASM) when no DATABASE_URL
// is set. Both speak the same SQL, so everything above this file is written once.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';

export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<R[]>;
}

export interface Transaction extends Queryable {
  /** Runs a script of several statements. */
  exec(sql: string): Promise<void>;
}

export interface Database extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** Runs fn in one transaction; rolls back if it throws. */
  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T>;
  /** Runs a script of several statements (migrations). */
  exec(sql: string): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A transaction seen as a database: an act that opens its own transaction (`db.transaction`) runs in
 * this one instead, so several acts commit or roll back together.
 */
export function joinedTransaction(tx: Transaction, kind: Database['kind']): Database {
  return {
    kind,
    query: (sql, params) => tx.query(sql, params),
    transaction: (fn) => fn(tx),
    exec: (sql) => tx.exec(sql),
    ping: async () => {
      await tx.query('SELECT 1');
    },
    close: async () => {
      throw new Error('a shared transaction is closed by its owner');
    },
  };
}

// timestamptz, date and int8 come back the same way from both drivers.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

export function openPostgres(connectionString: string, poolSize = 10): Database {
  // keepAlive: after a failover a connection to the old primary can go silent instead of closing;
  // TCP keepalives let the pool notice and open a new one to the writer endpoint.
  const pool = new pg.Pool({ connectionString, max: poolSize, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 5_000, keepAlive: true });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  return {
    kind: 'postgres',
    async query<R>(sql: string, params?: readonly unknown[]) {
      const res = await pool.query(sql, params as unknown[] | undefined);
      return res.rows as R[];
    },
    async transaction<T>(fn: (tx: Transaction) => Promise<T>) {
      const client = await pool.connect();
      // A checked-out client whose server goes away emits 'error' on itself, not on the pool; unheard,
      // that would crash the process. The failing query rejects anyway, so the listener only notes it.
      let broken: Error | undefined;
      const onError = (err: Error) => {
        broken = err;
      };
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        const result = await fn({
          async query<R>(sql: string, params?: readonly unknown[]) {
            return (await client.query(sql, params as unknown[] | undefined)).rows as R[];
          },
          async exec(sql: string) {
            await client.query(sql);
          },
        });
        await client.query('COMMIT');
        return result;
      } catch (err) {
        if (!broken) await client.query('ROLLBACK').catch((e: Error) => (broken = e));
        throw err;
      } finally {
        client.off('error', onError);
        // A client that lost its connection is destroyed rather than handed to the next caller.
        client.release(broken);
      }
    },
    async exec(sql: string) {
      await pool.query(sql);
    },
    async ping() {
      await pool.query('SELECT 1');
    },
    async close() {
      await pool.end();
    },
  };
}

/** dataDir null → in memory (tests). */
export async function openPglite(dataDir: string | null): Promise<Database> {
  let db: PGlite;
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    db = await PGlite.create(join(dataDir, 'pglite'));
  } else {
    db = await PGlite.create();
  }
  const parse = { [1082]: (v: string) => v }; // DATE as 'YYYY-MM-DD' like pg
  return {
    kind: 'pglite',
    async query<R>(sql: string, params?: readonly unknown[]) {
      return (await db.query<R>(sql, params as unknown[] | undefined, { parsers: parse })).rows;
    },
    async transaction<T>(fn: (tx: Transaction) => Promise<T>) {
      return db.transaction(async (tx) =>
        fn({
          async query<R>(sql: string, params?: readonly unknown[]) {
            return (await tx.query<R>(sql, params as unknown[] | undefined, { parsers: parse })).rows;
          },
          async exec(sql: string) {
            await tx.exec(sql);
          },
        }),
      );
    },
    async exec(sql: string) {
      await db.exec(sql);
    },
    async ping() {
      await db.query('SELECT 1');
    },
    async close() {
      await db.close();
    },
  };
}

export async function openDatabase(opts: { databaseUrl?: string | undefined; dataDir: string; poolSize?: number }): Promise<Database> {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl, opts.poolSize) : openPglite(opts.dataDir);
}
