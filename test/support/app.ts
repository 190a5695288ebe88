// Runs the real Dugnad server and workers for a test: real HTTP, real Redis (unique queue prefix per
// app), a fresh real database (PostgreSQL when DATABASE_URL is set, else PGlite).
import { randomBytes } from 'node:crypto';
import { loadConfig, type Config } from '../../infra/config.ts';
import { createLogger } from '../../infra/log.ts';
import { createMessenger, anonymousTokens } from '../../infra/connector.ts';
import { TEST_REDIS, obliterate, redisEnv, targetOf, testRedisClient } from './redis.ts';
import { seedDemo, demoIdentities } from '../../infra/seed-demo.ts';
import { ensureDeclaration } from '../../infra/centres.ts';
import { createQueues, type Queues } from '../../jobs/queues.ts';
import { runWorkers } from '../../jobs/run.ts';
import { createApp, type App } from '../../bot/app.ts';
import type { AppDeps } from '../../bot/deps.ts';
import { createMigratedDatabase, type TestDatabase } from './db.ts';
import type { Database } from '../../infra/db.ts';

export { REDIS_URL, obliterate } from './redis.ts';

export interface TestApp {
  url: string;
  config: Config;
  db: Database;
  app: App;
  prefix: string;
  queues: Queues;
  /** POSTs an activity to /api/messages like a channel would. */
  post(activity: Record<string, unknown>): Promise<Response>;
  close(): Promise<void>;
}

import { freePort } from '../../infra/redis.ts';
export { freePort };

export async function startTestApp(
  opts: {
    env?: Record<string, string>; seed?: boolean; workers?: boolean;
    /** Seed the neighbouring demo centre (Stange) too, as npm start does. */
    neighbourCentre?: boolean; now?: () => Date; database?: TestDatabase;
    /** A Redis of the test's own (default: the tests' Redis, test/support/redis.ts). */
    redisUrl?: string;
    /** Signs the bot's in-turn replies when app credentials are set (no token from Entra ID in tests). */
    outboundCredentials?: AppDeps['outboundCredentials'];
    /** The web chat's limits and clock (AppDeps.directLine). */
    directLine?: AppDeps['directLine'];
    /** Where the app's and workers' JSON log lines go (default stdout, at TEST_LOG_LEVEL or silent). */
    log?: { level: string; destination: { write(line: string): void } };
  } = {},
): Promise<TestApp> {
  const redisTarget = opts.redisUrl ? targetOf(opts.redisUrl) : TEST_REDIS;
  // A test that must know the URL before the app exists (an OIDC redirect URI) passes PORT itself.
  const port = opts.env?.PORT ? Number(opts.env.PORT) : await freePort();
  const prefix = `dugnad-test-${randomBytes(4).toString('hex')}`;
  const config = loadConfig({
    NODE_ENV: 'development',
    PORT: String(port),
    ...redisEnv(redisTarget),
    QUEUE_PREFIX: prefix,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    OUTBOX_POLL_MS: '500',
    SEND_RATE_PER_SECOND: '0',
    PACE_PER_CONVERSATION_MS: '50',
    // Tests may run at night: quiet hours off unless a test is about them.
    QUIET_HOURS_START: '00:00',
    QUIET_HOURS_END: '00:00',
    // Tests post faster than any person (fuzzing: hundreds a second); rate limits off unless a test is about them.
    RATE_LIMIT_MESSAGES_PER_MINUTE: '0',
    RATE_LIMIT_SIGNIN_PER_MINUTE: '0',
    RATE_LIMIT_DIRECTLINE_PER_MINUTE: '0',
    ...opts.env,
  });
  const tdb = opts.database ?? (await createMigratedDatabase());
  await ensureDeclaration(tdb.db);
  if (opts.seed !== false) await seedDemo(tdb.db, new Date(), { neighbour: opts.neighbourCentre === true });
  const log = opts.log ? createLogger(opts.log.level, 'dugnad', opts.log.destination) : createLogger(config.LOG_LEVEL);
  const now = opts.now ?? (() => new Date());
  const redis = await testRedisClient(redisTarget);
  const queues = createQueues(redis, prefix);
  const rt = { config, log, db: tdb.db, redis: { ...redisTarget, stop: async () => undefined } };
  const workers = opts.workers === false ? null : await runWorkers(rt, { now, messenger: createMessenger({ tokens: anonymousTokens, allowedHosts: null }) });
  const app = createApp({ config, db: tdb.db, redis, queues, log, now, demoIdentities: demoIdentities(), outboundCredentials: opts.outboundCredentials, ...(opts.directLine ? { directLine: opts.directLine } : {}) });
  const url = await app.listen(port, '127.0.0.1');
  return {
    url,
    config,
    db: tdb.db,
    app,
    prefix,
    queues,
    post: (activity) =>
      fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) }),
    async close() {
      await app.close();
      await workers?.close();
      await queues.close();
      redis.disconnect();
      await obliterate(prefix, redisTarget).catch(() => undefined);
      if (!opts.database) await tdb.close();
    },
  };
}

let seq = 0;
/** A message activity as a channel would post it. */
export function userActivity(o: {
  userId: string;
  serviceUrl: string;
  conversationId?: string;
  text?: string;
  value?: Record<string, unknown>;
  replyToId?: string;
  locale?: string;
  channelId?: string;
  type?: string;
}): Record<string, unknown> {
  return {
    type: o.type ?? 'message',
    id: `in-${++seq}`,
    timestamp: new Date().toISOString(),
    channelId: o.channelId ?? 'webchat',
    serviceUrl: o.serviceUrl,
    from: { id: o.userId, name: o.userId, role: 'user' },
    recipient: { id: 'dugnad-bot', name: 'Dugnad' },
    conversation: { id: o.conversationId ?? `conv-${o.userId}` },
    locale: o.locale ?? 'nb-NO',
    ...(o.text !== undefined ? { text: o.text } : {}),
    ...(o.value ? { value: o.value } : {}),
    ...(o.replyToId ? { replyToId: o.replyToId } : {}),
  };
}

/** A clock that runs with real time but can be moved: lets timers set for "tomorrow" fire now. */
export class VirtualClock {
  offsetMs = 0;
  readonly now = (): Date => new Date(Date.now() + this.offsetMs);
  /** Make the virtual now equal `at` (and keep running from there). */
  set(at: Date): void {
    this.offsetMs = at.getTime() - Date.now();
  }
}
