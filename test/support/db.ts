// Real databases for tests: an in-memory PGlite always, and a fresh PostgreSQL database per call
// when DATABASE_URL is set (CI sets it), dropped again on close.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openPglite, openPostgres, type Database } from '../../infra/db.ts';
import { migrate } from '../../infra/migrate.ts';

export interface TestDatabase {
  db: Database;
  /** Connection string, for other processes (PostgreSQL only). */
  url?: string;
  close(): Promise<void>;
}

export async function createPostgresDatabase(adminUrl: string): Promise<TestDatabase> {
  const name = `dugnad_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = openPostgres(url.toString(), 20);
  return {
    db,
    url: url.toString(),
    async close() {
      await db.close();
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}

export async function createPgliteDatabase(): Promise<TestDatabase> {
  const db = await openPglite(null);
  return { db, close: () => db.close() };
}

/** The database kinds a store test should run against here. */
export function databaseKinds(): Array<{ kind: 'pglite' | 'postgres'; create: () => Promise<TestDatabase> }> {
  const kinds: Array<{ kind: 'pglite' | 'postgres'; create: () => Promise<TestDatabase> }> = [
    { kind: 'pglite', create: createPgliteDatabase },
  ];
  const url = process.env.DATABASE_URL;
  if (url) kinds.push({ kind: 'postgres', create: () => createPostgresDatabase(url) });
  return kinds;
}

/** The database an app-level test should use: PostgreSQL when configured, else PGlite. */
export async function createMigratedDatabase(): Promise<TestDatabase> {
  const url = process.env.DATABASE_URL;
  const t = url ? await createPostgresDatabase(url) : await createPgliteDatabase();
  await migrate(t.db);
  return t;
}
