// A worker is killed (SIGKILL) in the middle of a 500-volunteer broadcast and another one starts:
// every eligible volunteer ends with exactly one offer, and its card arrives. The Bot Connector has
// no idempotency key, so a send that was on the wire when the worker died may arrive twice — the
// test holds the system to exactly that bound: duplicates only where the dead worker never got the
// connector's answer. Needs PostgreSQL (two processes share the database), as CI has.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from 'date-fns';
import { createPostgresDatabase, type TestDatabase } from '../support/db.ts';
import { REDIS_URL, startTestApp, userActivity, type TestApp } from '../support/app.ts';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector.ts';
import { hasAction } from '../support/chat.ts';
import { migrate } from '../../infra/migrate.ts';
import { CURRENT_DECLARATION_VERSION } from '../../domain/declaration.ts';
import { todayInOslo } from '../../bot/forms.ts';

const N = 500;
const dbUrl = process.env.DATABASE_URL;

describe.runIf(dbUrl)('a worker killed mid-broadcast', () => {
  let tdb: TestDatabase;
  let app: TestApp;
  let connector: FakeConnector;
  const workers: ChildProcess[] = [];

  function startWorker(): ChildProcess {
    const child = spawn(join(process.cwd(), 'node_modules/.bin/tsx'), ['jobs/main.ts'], {
      env: {
        ...process.env, NODE_ENV: 'development', DATABASE_URL: tdb.url, REDIS_URL, QUEUE_PREFIX: app.prefix, LOG_LEVEL: 'silent',
        SEND_RATE_PER_SECOND: '0', PACE_PER_CONVERSATION_MS: '0', OUTBOX_POLL_MS: '500', QUIET_HOURS_START: '00:00', QUIET_HOURS_END: '00:00',
        WAVE_SIZE: '1000', WAVE_TIMEOUT_MINUTES: '60',
      },
      stdio: 'ignore',
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
    await tdb.db.query(
      `WITH m AS (
         INSERT INTO members (role, name, phone) SELECT 'volunteer', 'Frivillig ' || g, '9' || lpad(g::text, 7, '0') FROM generate_series(1, $1) g RETURNING id, name)
       , v AS (INSERT INTO volunteers (member_id, status, district, groups, languages, availability, weekly_cap, comfort, approved_at)
         SELECT id, 'approved', 'Sentrum', ARRAY['besoksvenn'], ARRAY['nb'],
                '[{"weekday":1,"fromMinute":480,"toMinute":1260},{"weekday":2,"fromMinute":480,"toMinute":1260},{"weekday":3,"fromMinute":480,"toMinute":1260},{"weekday":4,"fromMinute":480,"toMinute":1260},{"weekday":5,"fromMinute":480,"toMinute":1260},{"weekday":6,"fromMinute":480,"toMinute":1260},{"weekday":7,"fromMinute":480,"toMinute":1260}]'::jsonb,
                7, 'any', now() FROM m RETURNING member_id)
       , c AS (INSERT INTO volunteer_centres (member_id, centre_id) SELECT member_id, 'hamar' FROM v RETURNING member_id)
       , s AS (INSERT INTO declaration_signatures (member_id, version, signed_at, channel_id, user_id) SELECT member_id, $2, now(), 'dev', 'x' FROM c RETURNING member_id)
       INSERT INTO chat_identities (channel_id, user_id, member_id, conversation_ref, last_seen_at)
       SELECT 'webchat', 'crash-' || member_id, member_id,
              jsonb_build_object('serviceUrl', $3::text, 'channelId', 'webchat', 'conversation', jsonb_build_object('id', 'crash-' || member_id),
                                 'bot', jsonb_build_object('id', 'dugnad-bot'), 'user', jsonb_build_object('id', 'crash-' || member_id)), now()
         FROM s`,
      [N, CURRENT_DECLARATION_VERSION, connector.url],
    );
  });
  afterAll(async () => {
    for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
    await app?.close();
    await tdb?.close();
    await connector?.close();
  });

  it('ends with exactly one offer per volunteer, and a card for each', async () => {
    const first = startWorker();
    const [person] = await tdb.db.query<{ id: string }>(`SELECT id FROM persons WHERE name = 'Gerd Solberg'`);
    const res = await app.post(userActivity({
      userId: 'demo-ansatt-1', serviceUrl: connector.url,
      value: { action: 'staff.request.submit', personId: person!.id, group: 'besoksvenn', date: todayInOslo(addDays(new Date(), 3)), time: '14:00', durationMinutes: '60', district: 'Sentrum', summary: 'Kaffebesøk' },
    }));
    expect(res.status).toBeLessThan(300);
    const cards = () => connector.captured.filter((c) => c.conversationId.startsWith('crash-') && hasAction(c.activity, 'offer.accept'));
    await connector.waitFor(() => cards().length >= 100, 60_000);
    first.kill('SIGKILL');
    await new Promise((ok) => first.once('exit', ok));
    const atKill = cards().length;
    expect(atKill).toBeLessThan(N); // it really died mid-broadcast

    startWorker();
    await connector.waitFor(() => new Set(cards().map((c) => c.conversationId)).size >= N, 90_000);

    const offers = await tdb.db.query<{ volunteer_id: string; n: number }>(
      `SELECT o.volunteer_id, count(*)::int AS n FROM offers o JOIN chat_identities c ON c.member_id = o.volunteer_id AND c.user_id LIKE 'crash-%' GROUP BY o.volunteer_id`,
    );
    expect(offers).toHaveLength(N);
    expect(offers.every((o) => o.n === 1)).toBe(true);
    // Each delivery is recorded once its answer comes back; give the last few a moment.
    const recorded = async () =>
      (await tdb.db.query(`SELECT 1 FROM offers o JOIN chat_identities c ON c.member_id = o.volunteer_id AND c.user_id LIKE 'crash-%' WHERE o.activity_id IS NOT NULL`)).length;
    for (let i = 0; i < 100 && (await recorded()) < N; i++) await new Promise((ok) => setTimeout(ok, 100));
    expect(await recorded()).toBe(N);
    await new Promise((ok) => setTimeout(ok, 500)); // a duplicate would arrive now

    const perConversation = new Map<string, number>();
    for (const c of cards()) perConversation.set(c.conversationId, (perConversation.get(c.conversationId) ?? 0) + 1);
    const doubled = [...perConversation].filter(([, n]) => n > 1).map(([id]) => id);
    const inFlight = new Set(connector.unacknowledged.map((c) => c.conversationId));
    // Only a send the dead worker never heard back from may have gone out twice, and never more.
    for (const id of doubled) expect(inFlight.has(id), `${id} doubled without being in flight`).toBe(true);
    expect([...perConversation.values()].every((n) => n <= 2)).toBe(true);
    console.log(`worker-crash: ${atKill} cards before the kill, ${inFlight.size} in flight, ${doubled.length} sent twice`);
  });
});
