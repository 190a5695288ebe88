// `npm run seed:demo`: fills the configured store (DATABASE_URL, else PGlite under DATA_DIR) with the demo centre.
import { configOrExit } from './runtime.ts';
import { openDatabase } from './db.ts';
import { migrate } from './migrate.ts';
import { seedDemo } from './seed-demo.ts';

const config = configOrExit();
const db = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
await migrate(db);
const { created } = await seedDemo(db, new Date(), { neighbour: true });
process.stdout.write(
  created
    ? 'Demo data created: centre "hamar" (60 volunteers, 3 staff, 2 caregivers, 5 people helped) and its neighbour "stange" (10 volunteers, 2 staff, 2 people helped).\n'
    : 'Demo data already present; nothing changed.\n',
);
await db.close();
