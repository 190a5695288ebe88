// The web chat behind a plain load balancer: two bot servers share one Redis and one database, and any
// request of a Direct Line conversation (a browser's poll or post, the bot's reply, a worker's
// proactive send or update) may land on either of them. Also: caps and idle expiry hold across both,
// and a poll while Redis is down is a plain 503, not a crash.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { obliterate, scanKeys, testRedisClient } from '../support/redis.ts';
import { createMigratedDatabase, type TestDatabase } from '../support/db.ts';
import { startPrivateRedis, type PrivateRedis } from '../support/private-services.ts';
import { issueDirectLineToken } from '../../bot/directline.ts';
import { anonymousTokens, createMessenger, type Messenger } from '../../infra/connector.ts';
import type { ConversationRef } from '../../infra/identities.ts';
import { call, history, poll, read, startConversation, type DlActivity } from '../support/directline-client.ts';

const SECRET = 'cluster-test-secret-0123456789abcdef01';
const IDLE_MS = 10 * 60 * 1000;
const HISTORY = 8;
const MAX_CONVERSATIONS = 6;

type Activity = DlActivity;

function refTo(serverUrl: string, c: { conversationId: string; userId: string }): ConversationRef {
  return { serviceUrl: serverUrl, channelId: 'webchat', conversation: { id: c.conversationId }, bot: { id: 'dugnad-bot', name: 'Dugnad' }, user: { id: c.userId } };
}

describe('two bot servers share the web chat', () => {
  const prefix = `dugnad-cluster-${randomBytes(4).toString('hex')}`;
  let offsetMs = 0;
  const directLine = { now: () => Date.now() + offsetMs, limits: { historyPerConversation: HISTORY, maxConversations: MAX_CONVERSATIONS, idleMs: IDLE_MS } };
  let database: TestDatabase;
  let a: TestApp;
  let b: TestApp;
  let messenger: Messenger;

  beforeAll(async () => {
    database = await createMigratedDatabase();
    const env = { QUEUE_PREFIX: prefix, DIRECTLINE_TOKEN_SECRET: SECRET };
    a = await startTestApp({ database, workers: false, env, directLine });
    b = await startTestApp({ database, workers: false, seed: false, env, directLine });
    messenger = createMessenger({ tokens: anonymousTokens, allowedHosts: null });
  }, 60_000);

  afterAll(async () => {
    messenger?.close();
    await a?.close();
    await b?.close();
    await database?.close();
    await obliterate(prefix);
  });

  it('starts a conversation on A, posts through B, and both servers show the message and the bot’s reply', async () => {
    const c = await startConversation(a.url, 'demo-frivillig-01');
    // The greeting, answered by A's bot turn, is readable on B.
    await expect.poll(async () => (await history(b.url, c)).some((x) => x.from.role === 'bot'), { timeout: 15_000 }).toBe(true);

    const posted = await call(b.url, 'POST', `/v3/directline/conversations/${c.conversationId}/activities`, { token: c.token, body: { type: 'message', text: 'hei' } });
    expect(posted.status, posted.text).toBe(200);
    const id = posted.body.id as string;
    await expect.poll(async () => (await history(a.url, c)).some((x) => x.replyToId === id && x.from.role === 'bot'), { timeout: 15_000 }).toBe(true);

    // Both servers hand out the same log: same ids in the same order, numbered once across both.
    const onA = await history(a.url, c);
    const onB = await history(b.url, c);
    expect(onB.map((x) => x.id)).toEqual(onA.map((x) => x.id));
    expect(onA.find((x) => x.id === id)).toMatchObject({ text: 'hei', from: { id: 'demo-frivillig-01', role: 'user' } });
    const seqs = onA.map((x) => Number(x.id.split('|')[1]));
    expect(new Set(seqs).size).toBe(seqs.length);
  }, 30_000);

  it('a proactive send and an update in place through B reach the browser polling A', async () => {
    const c = await startConversation(a.url, 'demo-frivillig-02');
    await expect.poll(async () => (await history(a.url, c)).length, { timeout: 15_000 }).toBeGreaterThan(0);
    const before = await read(a.url, c);
    let watermark = before.watermark;
    while ((await read(a.url, c, watermark)).activities.length > 0) watermark = (await read(a.url, c, watermark)).watermark;

    const sent = await messenger.send(refTo(b.url, c), { text: 'Nytt oppdrag: handlehjelp torsdag' });
    expect(sent.id).toMatch(new RegExp(`^${c.conversationId}\\|\\d+$`));
    const arrived = await read(a.url, c, watermark);
    const card = arrived.activities.find((x) => x.id === sent.id);
    expect(card).toMatchObject({ text: 'Nytt oppdrag: handlehjelp torsdag', from: { role: 'bot' } });

    await messenger.update(refTo(b.url, c), sent.id, { text: 'Oppdraget er tatt' });
    const updated = await read(a.url, c, arrived.watermark);
    expect(updated.activities).toHaveLength(1);
    expect(updated.activities[0]).toMatchObject({ id: sent.id, text: 'Oppdraget er tatt', timestamp: card!.timestamp });
    // From the start, the card is there once, in its latest version.
    const versions = (await history(a.url, c)).filter((x) => x.id === sent.id);
    expect(versions.map((x) => x.text)).toEqual(['Oppdraget er tatt']);
  }, 30_000);

  it('keeps at most the history cap per conversation, whichever server appends', async () => {
    const created = await call(a.url, 'POST', '/v3/conversations', { body: { members: [{ id: 'capped-user', name: 'C' }] } });
    expect(created.status).toBe(201);
    const conversationId = created.body.id as string;
    for (let i = 1; i <= HISTORY + 3; i++) {
      const res = await call(i % 2 ? a.url : b.url, 'POST', `/v3/conversations/${conversationId}/activities`, { body: { type: 'message', text: `m${i}` } });
      expect(res.status).toBe(200);
    }
    const token = issueDirectLineToken({ sub: 'capped-user', name: 'C', conv: conversationId, exp: Math.floor(directLine.now() / 1000) + 600 }, SECRET);
    const texts = (await history(b.url, { conversationId, token })).map((x) => x.text);
    expect(texts).toEqual(Array.from({ length: HISTORY }, (_, i) => `m${i + 4}`));
    // The bot's createConversation on the other server finds the member's conversation, not a new one.
    const again = await call(b.url, 'POST', '/v3/conversations', { body: { members: [{ id: 'capped-user' }] } });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(conversationId);
  }, 30_000);

  it('holds at most the global cap of conversations across both servers, dropping the least recently used', async () => {
    const ids: string[] = [];
    for (let i = 0; i <= MAX_CONVERSATIONS; i++) {
      const res = await call(i % 2 ? b.url : a.url, 'POST', '/v3/conversations', { body: { members: [{ id: `many-${i}` }] } });
      expect(res.status).toBe(201);
      ids.push(res.body.id as string);
    }
    const send = (id: string, server: string) => call(server, 'POST', `/v3/conversations/${id}/activities`, { body: { type: 'message', text: 'x' } });
    expect((await send(ids[0]!, b.url)).status).toBe(404);
    for (const id of ids.slice(1)) expect((await send(id, a.url)).status).toBe(200);
  }, 30_000);

  it('every key it keeps expires with the idle time, and an idle conversation is gone on both servers', async () => {
    const redis = await testRedisClient();
    try {
      const keys = await scanKeys(redis, `${prefix}:dl:*`);
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) {
        const ttl = await redis.pttl(key);
        expect(ttl, key).toBeGreaterThan(0);
        expect(ttl, key).toBeLessThanOrEqual(IDLE_MS);
      }
    } finally {
      redis.disconnect();
    }

    const c = await startConversation(b.url, 'demo-frivillig-03');
    expect((await poll(a.url, c)).status).toBe(200);
    offsetMs += IDLE_MS + 1000;
    try {
      const gone = await poll(a.url, c);
      expect(gone.status).toBe(404);
      expect(gone.body).toMatchObject({ error: { code: 'ConversationNotFound' } });
      expect((await poll(b.url, c)).status).toBe(404);
      await expect(messenger.send(refTo(b.url, c), { text: 'for sent' })).rejects.toMatchObject({ status: 404 });
    } finally {
      offsetMs = 0;
    }
  }, 30_000);
});

describe('the web chat while Redis is down', () => {
  let redis: PrivateRedis;
  let app: TestApp;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    app = await startTestApp({ redisUrl: redis.url, workers: false });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await redis?.kill();
  });

  it('answers a poll, a post and a proactive send 503 without crashing, and serves again once Redis is back', async () => {
    const c = await startConversation(app.url, 'demo-frivillig-04');
    expect((await poll(app.url, c)).status).toBe(200);

    await redis.kill();
    const polled = await poll(app.url, c);
    expect(polled.status).toBe(503);
    expect(polled.body).toEqual({ error: { code: 'ServiceUnavailable', message: expect.any(String) } });
    expect(polled.headers.get('retry-after')).toBe('5');
    expect(polled.text).not.toMatch(/redis|stream|\bat .+:\d+:\d+/i);
    const posted = await call(app.url, 'POST', `/v3/directline/conversations/${c.conversationId}/activities`, { token: c.token, body: { type: 'message', text: 'hei' } });
    expect(posted.status).toBe(503);
    // A worker's send gets a status it retries (503), not the 404 that would mark the person unreachable.
    const messenger = createMessenger({ tokens: anonymousTokens, allowedHosts: null });
    try {
      await expect(messenger.send(refTo(app.url, c), { text: 'x' })).rejects.toMatchObject({ status: 503 });
    } finally {
      messenger.close();
    }
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);

    // This Redis comes back empty (no AOF): the conversation is gone, and the endpoint says so plainly.
    await redis.start();
    await expect.poll(async () => (await poll(app.url, c)).status, { timeout: 15_000 }).toBe(404);
    const fresh = await startConversation(app.url, 'demo-frivillig-04');
    expect((await poll(app.url, fresh)).status).toBe(200);
  }, 60_000);
});
