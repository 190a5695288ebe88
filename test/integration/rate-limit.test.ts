// Rate limits: per chat user on /api/messages, per client address on the sign-in and Direct Line
// endpoints (429 with Retry-After), counters in real Redis, and an in-memory fallback that keeps the
// bot answering while Redis is down.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startTestApp, userActivity, type TestApp } from '../support/app.ts';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector.ts';
import { createLimiter } from '../../bot/rate-limit.ts';

let app: TestApp;
let connector: FakeConnector;

beforeAll(async () => {
  connector = await startFakeConnector();
  app = await startTestApp({
    workers: false,
    env: {
      RATE_LIMIT_MESSAGES_PER_MINUTE: '3',
      RATE_LIMIT_DIRECTLINE_PER_MINUTE: '4',
      RATE_LIMIT_SIGNIN_PER_MINUTE: '2',
      // A provider nobody answers for: the limit is counted before any provider is asked.
      OIDC_IDPORTEN_ISSUER: 'http://127.0.0.1:1',
      OIDC_IDPORTEN_CLIENT_ID: 'client',
      OIDC_IDPORTEN_CLIENT_SECRET: 'secret',
    },
  });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await connector?.close();
});

function expectTooMany(res: Response): void {
  expect(res.status).toBe(429);
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(60);
}

describe('rate limits', () => {
  it('limits each chat user on /api/messages, not the others', async () => {
    const say = (userId: string) => app.post(userActivity({ userId, serviceUrl: connector.url, text: 'hei' }));
    for (let i = 0; i < 3; i++) expect((await say('rl-user-a')).status).toBe(200);
    const refused = await say('rl-user-a');
    expectTooMany(refused);
    expect(await refused.json()).toMatchObject({ error: { code: 'TooManyRequests' } });
    expect((await say('rl-user-b')).status).toBe(200);
  });

  it('limits each address on the sign-in endpoints', async () => {
    const login = () => fetch(`${app.url}/auth/login/nobody`, { redirect: 'manual' });
    for (let i = 0; i < 2; i++) expect((await login()).status).toBe(404);
    expectTooMany(await login());
    expectTooMany(await fetch(`${app.url}/auth/callback?code=x&state=y`));
  });

  it('limits each address on the Direct Line endpoint', async () => {
    const generate = () => fetch(`${app.url}/v3/directline/tokens/generate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"user":{"id":"rl-dl"}}' });
    for (let i = 0; i < 4; i++) expect((await generate()).status).toBe(200);
    expectTooMany(await generate());
  });

  it('falls back to a per-process count when Redis is down, and never throws', async () => {
    const dead = new Redis('redis://127.0.0.1:1', { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    dead.on('error', () => undefined);
    try {
      const limiter = createLimiter({ redis: dead, keyPrefix: app.prefix, name: 'offline', perMinute: 2 });
      expect(await limiter.consume('k')).toEqual({ ok: true });
      expect(await limiter.consume('k')).toEqual({ ok: true });
      expect(await limiter.consume('k')).toMatchObject({ ok: false });
      expect(await limiter.consume('other')).toEqual({ ok: true });
    } finally {
      dead.disconnect();
    }
  });
});
