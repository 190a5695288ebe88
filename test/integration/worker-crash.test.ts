// A worker is killed (SIGKILL) in the middle of a 500-volunteer broadcast and another one starts:
// every eligible volunteer ends with exactly one offer, and its card arrives. The Bot Connector has
// no idempotency key, so a send the dead worker had made but not yet recorded may arrive twice — the
// test holds the system to exactly that bound. Needs PostgreSQL (two processes share the database),
// as CI has.
import type { ChildProcess } from 'node:child_process';
import { spawnEntry } from '../support/processes.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from 'date-fns';
import { createPostgresDatabase, type TestDatabase } from '../support/db.ts';
import { startTestApp, userActivity, type TestApp } from '../support/app.ts';
import { redisEnv } from '../support/redis.ts';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector.ts';
import { hasAction } from '../support/chat.ts';
import { migrate } from '../../infra/migrate.ts';
import { insertReachableVolunteers } from '../support/volunteers.ts';
import { osloDate } from '../../domain/time-zone.ts';

const N = 500;
/** The send worker's concurrency (jobs/workers.ts): how many sends can be in progress at the kill. */
const SEND_CONCURRENCY = 50;
const dbUrl = process.env.DATABASE_URL;

describe.runIf(dbUrl)('a worker killed mid-broadcast', () => {
  let tdb: TestDatabase;
  let app: TestApp;
  let connector: FakeConnector;
  const workers: ChildProcess[] = [];

  function startWorker(): ChildProcess {
    const child = spawnEntry('jobs/main.ts', {
      ...process.env, NODE_ENV: 'development', DATABASE_URL: tdb.url, ...redisEnv(), QUEUE_PREFIX: app.prefix, LOG_LEVEL: 'silent',
      SEND_RATE_PER_SECOND: '0', PACE_PER_CONVERSATION_MS: '0', OUTBOX_POLL_MS: '500', QUIET_HOURS_START: '00:00', QUIET_HOURS_END: '00:00',
      WAVE_SIZE: '1000', WAVE_TIMEOUT_MINUTES: '60',
    });
    workers.push(child);
    return child;
  }

  beforeAll(async () => {
    connector = await startFakeConnector({ responseDelayMs: 15 });
    tdb = await createPostgresDatabase(dbUrl!);
    await migrate(tdb.db);
    app = await startTestApp({ database: tdb, workers: false, env: { WAVE_SIZE: '1000' } });
    // 500 volunteers who fit the request and can be reached at the fake connector.
    await insertReachableVolunteers(tdb.db, N, connector.url, 'crash');
  });
  afterAll(async () => {
    for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
    await app?.close();
    await tdb?.close();
    await connector?.close();
  });

  // The dead worker's jobs stay locked until BullMQ's stalled-job check hands them on (lock 30 s).
  it('ends with exactly one offer per volunteer, and a card for each', { timeout: 240_000 }, async () => {
    const first = startWorker();
    const [person] = await tdb.db.query<{ id: string }>(`SELECT id FROM persons WHERE name = 'Gerd Solberg'`);
    const res = await app.post(userActivity({
      userId: 'demo-ansatt-1', serviceUrl: connector.url,
      value: { action: 'staff.request.submit', personId: person!.id, group: 'besoksvenn', date: osloDate(addDays(new Date(), 3)), time: '14:00', durationMinutes: '60', district: 'Sentrum', summary: 'Kaffebesøk' },
    }));
    expect(res.status).toBeLessThan(300);
    const cards = () => connector.captured.filter((c) => c.conversationId.startsWith('crash-') && hasAction(c.activity, 'offer.accept'));
    await connector.waitFor(() => cards().length >= 100, 60_000);
    const killedAt = Date.now();
    first.kill('SIGKILL');
    await new Promise((ok) => first.once('exit', ok));
    const atKill = cards().length;
    expect(atKill).toBeLessThan(N); // it really died mid-broadcast

    startWorker();
    const restartedAt = Date.now();
    await connector.waitFor(() => new Set(cards().map((c) => c.conversationId)).size >= N, 180_000);
    const recoveryS = ((Date.now() - restartedAt) / 1000).toFixed(1);

    const offers = await tdb.db.query<{ volunteer_id: string; n: number }>(
      `SELECT o.volunteer_id, count(*)::int AS n FROM offers o JOIN chat_identities c ON c.member_id = o.volunteer_id AND c.user_id LIKE 'crash-%' GROUP BY o.volunteer_id`,
    );
    expect(offers).toHaveLength(N);
    expect(offers.every((o) => o.n === 1)).toBe(true);
    // Each delivery is recorded once its answer comes back; give the last few a moment.
    const recorded = async () =>
      (await tdb.db.query(`SELECT 1 FROM offers o JOIN chat_identities c ON c.member_id = o.volunteer_id AND c.user_id LIKE 'crash-%' JOIN offer_deliveries od ON od.offer_id = o.id WHERE od.activity_id IS NOT NULL`)).length;
    for (let i = 0; i < 100 && (await recorded()) < N; i++) await new Promise((ok) => setTimeout(ok, 100));
    expect(await recorded()).toBe(N);
    await new Promise((ok) => setTimeout(ok, 500)); // a duplicate would arrive now

    const perConversation = new Map<string, number>();
    for (const c of cards()) perConversation.set(c.conversationId, (perConversation.get(c.conversationId) ?? 0) + 1);
    const doubled = [...perConversation].filter(([, n]) => n > 1).map(([id]) => id);
    const inFlight = new Set(connector.unacknowledged.map((c) => c.conversationId));
    // A card may go out twice only if the dead worker had sent it and not yet recorded the delivery:
    // its first copy arrived before the kill, and at most one per send the worker had in progress.
    const firstAt = (id: string) => Math.min(...cards().filter((c) => c.conversationId === id).map((c) => c.at));
    for (const id of doubled) expect(firstAt(id), `${id} doubled though its first copy came after the kill`).toBeLessThanOrEqual(killedAt + 50);
    expect(doubled.length).toBeLessThanOrEqual(SEND_CONCURRENCY);
    expect([...perConversation.values()].every((n) => n <= 2)).toBe(true);
    console.log(`worker-crash: ${atKill} cards before the kill, ${inFlight.size} in flight, ${doubled.length} sent twice, all ${N} delivered ${recoveryS} s after the restart`);
  });
});
