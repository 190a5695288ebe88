// The system of record: PostgreSQL through `pg`, or PGlite (Postgres in WASM) when no DATABASE_URL
// is set. Both speak the same SQL, so everything above this file is written once.
import { createHash } from 'node:crypto';
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
  /**
   * Each `query` commits on its own (false for a transaction seen as a database, `joinedTransaction`):
   * what is written through it is visible and durable once the call returns.
   */
  readonly autocommit: boolean;
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
    autocommit: false,
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

/**
 * A statement with parameters is prepared once per connection (a protocol-level named statement, as
 * `pg` does for a query given a name): PostgreSQL parses, analyses and plans its text on its first
 * use on that connection only, and from then on binds and runs it. That halved PostgreSQL's CPU per
 * «mine oppdrag» turn and per accept on the benchmark machine (docs/benchmarks.md). The names come
 * from the text, which the code fixes, so a few hundred exist; past MAX_NAMED, text runs unnamed.
 * Behind PgBouncer in transaction mode this needs its `max_prepared_statements` (1.21 and later);
 * DATABASE_PREPARED_STATEMENTS=false sends every statement unnamed instead.
 */
const MAX_NAMED = 2_000;
const statementNames = new Map<string, string>();
let statementGeneration = 0;
const plannedOnEachRun = new Set<string>();

/**
 * Marks a statement to be planned on each run (sent unnamed, so PostgreSQL plans it for the values
 * given and the tables as they are then) rather than prepared once. A prepared statement's plan is
 * kept once PostgreSQL settles on a generic one, made from the statistics of that moment: a fan-out's
 * statements first planned while `offers` and `offer_deliveries` were nearly empty kept reading them
 * whole for every slice as they grew to thousands of rows, until autovacuum's ANALYZE replanned
 * them — 2.7 instead of 0.5 ms a slice (docs/benchmarks.md). Worth it where a statement runs per
 * slice of offers on tables that grow by thousands in seconds; the planning costs a fraction of that.
 */
export function plannedOnEachRunSql(sql: string): string {
  plannedOnEachRun.add(sql);
  return sql;
}

function preparedStatement(sql: string, params: readonly unknown[] | undefined): pg.QueryConfig {
  if (!params || params.length === 0) return { text: sql };
  if (plannedOnEachRun.has(sql)) return { text: sql, values: params as unknown[] };
  let name = statementNames.get(sql);
  if (name === undefined && statementNames.size < MAX_NAMED) {
    name = `d${statementGeneration}_${createHash('sha1').update(sql).digest('base64url').slice(0, 24)}`;
    statementNames.set(sql, name);
  }
  return name === undefined ? { text: sql, values: params as unknown[] } : { name, text: sql, values: params as unknown[] };
}

/**
 * A prepared `SELECT r.*` or `RETURNING *` whose table gained a column since (a migration run by a
 * newer version while this one still serves) is refused by PostgreSQL on that connection for good.
 * New names make every connection prepare afresh; the caller retries a statement that ran alone.
 */
function isStalePlan(err: unknown): boolean {
  return (err as { code?: string }).code === '0A000' && /cached plan must not change result type/.test((err as Error).message);
}

function forgetPreparedStatements(): void {
  statementGeneration++;
  statementNames.clear();
}

export function openPostgres(connectionString: string, poolSize = 10, opts: { preparedStatements?: boolean } = {}): Database {
  const prepared = opts.preparedStatements !== false;
  const statement = (sql: string, params: readonly unknown[] | undefined): pg.QueryConfig => (prepared ? preparedStatement(sql, params) : { text: sql, values: params as unknown[] | undefined });
  // keepAlive: after a failover a connection to the old primary can go silent instead of closing;
  // TCP keepalives let the pool notice and open a new one to the writer endpoint.
  const pool = new pg.Pool({ connectionString, max: poolSize, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 5_000, keepAlive: true });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  return {
    kind: 'postgres',
    autocommit: true,
    async query<R>(sql: string, params?: readonly unknown[]) {
      try {
        return (await pool.query(statement(sql, params))).rows as R[];
      } catch (err) {
        if (!isStalePlan(err)) throw err;
        // It ran alone and was refused before doing anything, so running it again is safe.
        forgetPreparedStatements();
        return (await pool.query(statement(sql, params))).rows as R[];
      }
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
            try {
              return (await client.query(statement(sql, params))).rows as R[];
            } catch (err) {
              // The transaction is aborted; the next one prepares afresh.
              if (isStalePlan(err)) forgetPreparedStatements();
              throw err;
            }
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
    autocommit: true,
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

export async function openDatabase(opts: { databaseUrl?: string | undefined; dataDir: string; poolSize?: number; preparedStatements?: boolean }): Promise<Database> {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl, opts.poolSize, { preparedStatements: opts.preparedStatements }) : openPglite(opts.dataDir);
}
