// On a Redis Cluster (npm run test:cluster): Dugnad connects with a cluster client, each BullMQ queue's
// keys share one slot while the queues take different slots, each web chat conversation's keys share
// one slot while conversations spread over the masters, and the web chat's index keys share one slot.
// That every script then touches one slot is what the core loop, the worker crash and the web chat
// tests prove by running here at all (a script across slots fails with CROSSSLOT). And one master
// coming back empty while the others keep their data still gets the schedule rebuilt.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { addDays } from 'date-fns';
import { startTestApp, type TestApp } from '../support/app.ts';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector.ts';
import { chatDriver } from '../support/chat.ts';
import { demoVolunteerId } from '../../infra/seed-demo.ts';
import { scanKeys, testRedisClient, TEST_REDIS } from '../support/redis.ts';
import { startConversation } from '../support/directline-client.ts';
import { isCluster, type RedisClient } from '../../infra/redis.ts';
import { QUEUE } from '../../jobs/queues.ts';
import { osloDate } from '../../domain/time-zone.ts';

const SECRET = 'cluster-keys-test-secret-0123456789abcdef';
let app: TestApp;
let redis: RedisClient;
let connector: FakeConnector;

async function slotOf(key: string): Promise<number> {
  return Number(await redis.call('CLUSTER', 'KEYSLOT', key));
}

async function slotsOf(keys: string[]): Promise<Set<number>> {
  return new Set(await Promise.all(keys.map(slotOf)));
}

/** The master each key lives on, by asking every master which of the keys it holds. */
async function mastersHolding(keys: string[]): Promise<Set<string>> {
  if (!isCluster(redis)) throw new Error('not a cluster');
  const holders = new Set<string>();
  for (const master of redis.nodes('master') as Redis[]) {
    const found = await scanKeys(master, '*');
    if (keys.some((k) => found.includes(k))) holders.add(`${master.options.host}:${master.options.port}`);
  }
  return holders;
}

beforeAll(async () => {
  expect(TEST_REDIS.kind, 'npm run test:cluster sets REDIS_CLUSTER_NODES').toBe('cluster');
  redis = await testRedisClient();
  connector = await startFakeConnector();
  app = await startTestApp({ env: { DIRECTLINE_TOKEN_SECRET: SECRET, WAVE_SIZE: '1000' } });
});

afterAll(async () => {
  await app?.close();
  await connector?.close();
  redis?.disconnect();
});

describe('Dugnad on a Redis Cluster', () => {
  it('is ready, over a cluster client', async () => {
    expect(isCluster(redis)).toBe(true);
    expect((await fetch(`${app.url}/readyz`)).status).toBe(200);
  });

  it('keeps each queue in one slot of its own', async () => {
    await app.queues.upkeep.waitUntilReady();
    const slots = new Map<string, Set<number>>();
    for (const queue of Object.values(QUEUE)) {
      const keys = await scanKeys(redis, `{${app.prefix}-${queue}}:*`);
      expect(keys.length, `${queue} has keys`).toBeGreaterThan(0);
      slots.set(queue, await slotsOf(keys));
      expect(slots.get(queue)!.size, `${queue}: ${keys.join(', ')}`).toBe(1);
    }
    const distinct = new Set([...slots.values()].map((s) => [...s][0]));
    expect(distinct.size).toBe(Object.values(QUEUE).length);
    // Nothing of BullMQ's outside the tagged prefixes.
    expect(await scanKeys(redis, `${app.prefix}:dispatch:*`)).toEqual([]);
    expect(await scanKeys(redis, `${app.prefix}:send:*`)).toEqual([]);
  });

  it('keeps each web chat conversation in one slot, and spreads the conversations over the masters', async () => {
    const conversations = [];
    for (let i = 0; i < 12; i++) conversations.push(await startConversation(app.url, `cluster-user-${i}`));
    const keysOf = (conversationId: string) => scanKeys(redis, `${app.prefix}:dl:conv:{${conversationId}}*`);
    // The hash, and once the bot's greeting is in, the log and the activities.
    for (const c of conversations) await expect.poll(async () => (await keysOf(c.conversationId)).length, { timeout: 15_000 }).toBe(3);
    const keysByConversation = await Promise.all(conversations.map((c) => keysOf(c.conversationId)));
    for (const keys of keysByConversation) expect((await slotsOf(keys)).size).toBe(1);
    expect((await mastersHolding(keysByConversation.flat())).size).toBeGreaterThan(1);

    const index = await scanKeys(redis, `${app.prefix}:dl:{${app.prefix}-dl}:*`);
    expect(index.some((k) => k.endsWith(':all'))).toBe(true);
    expect(index.filter((k) => k.includes(':user:cluster-user-'))).toHaveLength(12);
    expect((await slotsOf(index)).size).toBe(1);
  });

  it('rebuilds the timers when only the master holding them comes back empty', { timeout: 90_000 }, async () => {
    const chat = chatDriver(app, connector);
    for (let i = 0; i < 3; i++) await chat.say(demoVolunteerId(i), 'hei');
    await chat.say('demo-ansatt-1', 'hei');
    const [person] = await app.db.query<{ id: string }>(`SELECT id FROM persons WHERE name = 'Gerd Solberg'`);
    await chat.submit('demo-ansatt-1', {
      action: 'staff.request.submit', personId: person!.id, group: 'besoksvenn', date: osloDate(addDays(new Date(), 3)), time: '14:00',
      durationMinutes: '60', district: 'Sentrum', summary: 'Klyngebesøk',
    });
    const [request] = await app.db.query<{ id: string; starts_at: Date }>(`SELECT id, starts_at FROM help_requests WHERE summary = 'Klyngebesøk'`);
    const expiry = `start-${request!.id}-${request!.starts_at.getTime()}`;
    await expect.poll(async () => Boolean(await app.queues.timers.getJob(expiry)), { timeout: 15_000 }).toBe(true);

    // The timers queue's slot, as a master without a replica that restarted without its data would hold it.
    const timerKeys = await scanKeys(redis, `{${app.prefix}-${QUEUE.timers}}:*`);
    expect(timerKeys.some((k) => k.endsWith(':dugnad:schedule-intact'))).toBe(true);
    for (const key of timerKeys) await redis.del(key);
    expect(await app.queues.timers.getJob(expiry)).toBeUndefined();
    // The other queues' markers are still there: one marker for the whole schedule would not have noticed.
    expect(await scanKeys(redis, `{${app.prefix}-${QUEUE.send}}:dugnad:schedule-intact`)).toHaveLength(1);

    // The workers look every 10 s.
    await expect.poll(async () => Boolean(await app.queues.timers.getJob(expiry)), { timeout: 40_000, interval: 500 }).toBe(true);
  });
});
