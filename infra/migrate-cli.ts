// `npm run migrate`: applies pending migrations to the configured store.
import { configOrExit } from './runtime.ts';
import { openDatabase } from './db.ts';
import { migrate } from './migrate.ts';

const config = configOrExit();
const db = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
const applied = await migrate(db);
process.stdout.write(applied.length ? `Applied: ${applied.join(', ')}\n` : 'Database is up to date.\n');
await db.close();
