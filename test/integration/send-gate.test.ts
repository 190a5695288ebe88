// The limits a send worker puts on the Bot Connector (jobs/send-gate.ts), on the real Redis: the
// claim that keeps a slice and a one-offer job from sending one offer side by side, the bound on
// sends out and not recorded, and the rate gate's slots. No timing is asserted: only who may go.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimOffers, passClaims, rateGate, refusalStorm, SendPermits } from '../../jobs/send-gate.ts';
import type { RedisClient } from '../../infra/redis.ts';
import { testRedisClient } from '../support/redis.ts';

let redis: RedisClient;
const prefix = `dugnad-test-gate-${process.pid}`;

beforeAll(async () => {
  redis = await testRedisClient();
});
afterAll(async () => {
  redis?.disconnect();
});

describe('offer claims', () => {
  it('lets one job send an offer; the same job again takes its claim back, another waits', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    expect(await claimOffers(redis, prefix, [a, b], 'offers-r-o1.0')).toEqual([0, 0]);
    // A crash re-runs the same job: its own claims.
    expect(await claimOffers(redis, prefix, [a, b], 'offers-r-o1.0')).toEqual([0, 0]);
    // A one-offer job for the same offer is told how long to wait.
    const [held] = await claimOffers(redis, prefix, [a], `offer-${a}`);
    expect(held).toBeGreaterThan(0);
  });

  it('hands a claim to the offer\'s own job', async () => {
    const a = randomUUID();
    expect(await claimOffers(redis, prefix, [a], 'offers-r-o2.0')).toEqual([0]);
    await passClaims(redis, prefix, [a], (id) => `offer-${id}`);
    expect(await claimOffers(redis, prefix, [a], `offer-${a}`)).toEqual([0]);
    expect((await claimOffers(redis, prefix, [a], 'offers-r-o2.0'))[0]).toBeGreaterThan(0);
  });
});

describe('sends out and not recorded', () => {
  it('never hands out more than its size, first come first served', async () => {
    const permits = new SendPermits(50);
    const first = await permits.take(25);
    const second = await permits.take(25);
    const order: string[] = [];
    const third = permits.take(25).then((release) => (order.push('third'), release));
    const one = permits.take(1).then((release) => (order.push('one'), release));
    await new Promise((ok) => setImmediate(ok));
    expect(order).toEqual([]);
    first();
    (await third)();
    second();
    (await one)();
    expect(order).toEqual(['third', 'one']);
  });
});

describe('the rate gate', () => {
  it('is off at 0, and spaces slots at the rate it is given', async () => {
    expect(rateGate(redis, `${prefix}:rate-off`, 0)).toBeNull();
    const gate = rateGate(redis, `${prefix}:rate-${randomUUID()}`, 50)!;
    expect((await gate.reserve(1)).intervalMs).toBe(20);
  });

  it('hands out slots one after another, shared by every gate on the key', async () => {
    const key = `${prefix}:rate-${randomUUID()}`;
    const [a, b] = [rateGate(redis, key, 1000)!, rateGate(redis, key, 1000)!];
    await Promise.all([a.reserve(2), b.reserve(2)]);
    // All four went through the one key (a hash: the next free slot, and this second's 429s).
    expect(Number(await redis.hget(key, 'tat'))).toBeGreaterThan(0);
  });

  it('counts the 429s all workers met; a storm is a quarter of the rate in a second, at least 3', async () => {
    const gate = rateGate(redis, `${prefix}:rate-${randomUUID()}`, 48)!;
    expect(await gate.refused(1000)).toBeGreaterThanOrEqual(1);
    expect(refusalStorm(48)).toBe(12);
    expect(refusalStorm(10)).toBe(3);
  });
});
