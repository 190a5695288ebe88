/**
 * The Direct Line endpoint over plain HTTP: what DirectLineJS and botbuilder's ConnectorClient see.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CARD_TEXT, GREETING, UPDATED_TEXT, echoOf } from '../support/fake-bot.ts';
import { startTestServer, type TestServer } from './server.ts';

type Activity = Record<string, unknown> & { id: string; type: string; text?: string; timestamp: string };
interface ActivitySet {
  activities: Activity[];
  watermark: string;
}

const json = { 'Content-Type': 'application/json' };

function bearer(token: string) {
  return { Authorization: `Bearer ${token}` };
}

async function call(baseUrl: string, method: string, path: string, init: { token?: string; body?: unknown } = {}) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { ...(init.body !== undefined ? json : {}), ...(init.token ? bearer(init.token) : {}) },
    ...(init.body !== undefined ? { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, text };
}

async function startConversation(baseUrl: string, user: { id: string; name: string }) {
  const generated = await call(baseUrl, 'POST', '/v3/directline/tokens/generate', { body: { user } });
  expect(generated.status).toBe(200);
  const started = await call(baseUrl, 'POST', '/v3/directline/conversations', {
    token: generated.body.token as string,
    body: { user: { id: user.id } },
  });
  expect(started.status).toBe(201);
  return { conversationId: started.body.conversationId as string, token: started.body.token as string };
}

async function poll(baseUrl: string, conversationId: string, token: string, watermark = ''): Promise<ActivitySet> {
  const result = await call(baseUrl, 'GET', `/v3/directline/conversations/${conversationId}/activities?watermark=${watermark}`, {
    token,
  });
  expect(result.status).toBe(200);
  return result.body as unknown as ActivitySet;
}

async function waitFor<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('Direct Line endpoint with the fake bot', { timeout: 30_000 }, () => {
  let server: TestServer;
  let baseUrl: string;

  beforeAll(async () => {
    server = await startTestServer();
    baseUrl = server.baseUrl;
  });
  afterAll(async () => {
    await server?.close();
  });

  it('greets, echoes with ids and watermarks, and updates a card in place', async () => {
    const { conversationId, token } = await startConversation(baseUrl, { id: 'kari', name: 'Kari' });

    const greeted = await waitFor(
      () => poll(baseUrl, conversationId, token),
      (set) => set.activities.some((a) => a.text === GREETING),
      'greeting',
    );
    const afterGreeting = greeted.watermark;

    const posted = await call(baseUrl, 'POST', `/v3/directline/conversations/${conversationId}/activities`, {
      token,
      body: { type: 'message', text: 'hei', locale: 'nb-NO', channelData: { clientActivityID: 'c1' } },
    });
    expect(posted.status).toBe(200);
    expect(posted.body.id).toMatch(new RegExp(`^${conversationId}\\|\\d+$`));

    const set = await poll(baseUrl, conversationId, token, afterGreeting);
    expect(set.activities.map((a) => a.text)).toEqual(['hei', echoOf('hei')]);
    const [echo, reply] = set.activities;
    expect(echo).toMatchObject({
      id: posted.body.id,
      type: 'message',
      locale: 'nb-NO',
      channelId: 'webchat',
      serviceUrl: baseUrl,
      conversation: { id: conversationId },
      from: { id: 'kari', name: 'Kari', role: 'user' },
      recipient: { id: 'dugnad-bot' },
      channelData: { clientActivityID: 'c1' },
    });
    expect(reply).toMatchObject({ replyToId: posted.body.id, from: { role: 'bot' } });

    // Nothing new past the latest watermark.
    const quiet = await poll(baseUrl, conversationId, token, set.watermark);
    expect(quiet).toEqual({ activities: [], watermark: set.watermark });

    await call(baseUrl, 'POST', `/v3/directline/conversations/${conversationId}/activities`, {
      token,
      body: { type: 'message', text: 'kort' },
    });
    const withCard = await poll(baseUrl, conversationId, token, set.watermark);
    const cardActivity = withCard.activities.find((a) => Array.isArray(a.attachments));
    expect(JSON.stringify(cardActivity)).toContain(CARD_TEXT);

    // The submit names the card in replyToId, as Teams does and as our page makes Web Chat do.
    const submit = await call(baseUrl, 'POST', `/v3/directline/conversations/${conversationId}/activities`, {
      token,
      body: { type: 'message', value: { action: 'oppdater' }, replyToId: cardActivity!.id, channelData: { postBack: true } },
    });
    expect(submit.status).toBe(200);

    const updated = await poll(baseUrl, conversationId, token, withCard.watermark);
    const newVersion = updated.activities.find((a) => a.id === cardActivity!.id);
    expect(newVersion, 'the updated card comes again after the watermark').toBeDefined();
    expect(JSON.stringify(newVersion)).toContain(UPDATED_TEXT);
    expect(JSON.stringify(newVersion)).not.toContain(CARD_TEXT);
    // Same timestamp: Web Chat orders by it, so the new version takes the old one's place.
    expect(newVersion!.timestamp).toBe(cardActivity!.timestamp);

    // A client reading from the start sees the card once, in its latest version.
    const all = await poll(baseUrl, conversationId, token);
    const versions = all.activities.filter((a) => a.id === cardActivity!.id);
    expect(versions).toHaveLength(1);
    expect(JSON.stringify(versions[0])).toContain(UPDATED_TEXT);
  });

  it('takes the user from the token, never from the body', async () => {
    const received: Record<string, unknown>[] = [];
    const recording = await startTestServer({
      deliverToBot: async (activity) => {
        received.push(activity);
      },
    });
    try {
      const a = await startConversation(recording.baseUrl, { id: 'user-a', name: 'A' });
      const posted = await call(recording.baseUrl, 'POST', `/v3/directline/conversations/${a.conversationId}/activities`, {
        token: a.token,
        body: { type: 'message', text: 'jeg er B', from: { id: 'user-b', name: 'B', role: 'bot' } },
      });
      expect(posted.status).toBe(200);
      const message = received.find((activity) => activity.type === 'message');
      expect(message?.from).toEqual({ id: 'user-a', name: 'A', role: 'user' });
      expect(received.find((activity) => activity.type === 'conversationUpdate')).toMatchObject({
        membersAdded: [{ id: 'user-a', name: 'A' }],
        serviceUrl: recording.baseUrl,
      });

      const echoed = await poll(recording.baseUrl, a.conversationId, a.token);
      expect(echoed.activities[0]?.from).toEqual({ id: 'user-a', name: 'A', role: 'user' });
    } finally {
      await recording.close();
    }
  });

  it("refuses another conversation's token, a forged token and a missing token", async () => {
    const a = await startConversation(baseUrl, { id: 'user-a', name: 'A' });
    const b = await startConversation(baseUrl, { id: 'user-b', name: 'B' });

    const crossPost = await call(baseUrl, 'POST', `/v3/directline/conversations/${b.conversationId}/activities`, {
      token: a.token,
      body: { type: 'message', text: 'hei' },
    });
    expect(crossPost.status).toBe(403);
    const crossRead = await call(baseUrl, 'GET', `/v3/directline/conversations/${b.conversationId}/activities`, {
      token: a.token,
    });
    expect(crossRead.status).toBe(403);

    const [prefix, payload, mac] = a.token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    const forgedPayload = Buffer.from(JSON.stringify({ ...claims, sub: 'user-b', conv: b.conversationId })).toString('base64url');
    const forged = await call(baseUrl, 'GET', `/v3/directline/conversations/${b.conversationId}/activities`, {
      token: `${prefix}.${forgedPayload}.${mac}`,
    });
    expect(forged.status).toBe(401);
    expect(forged.body).toEqual({ error: { code: 'BadToken', message: expect.any(String) } });

    const missing = await call(baseUrl, 'GET', `/v3/directline/conversations/${a.conversationId}/activities`);
    expect(missing.status).toBe(401);
  });

  it('answers 404 for unknown conversations on the bot side', async () => {
    const a = await startConversation(baseUrl, { id: 'user-a', name: 'A' });
    const unknownBot = await call(baseUrl, 'POST', '/v3/conversations/does-not-exist/activities', {
      body: { type: 'message', text: 'hei' },
    });
    expect(unknownBot.status).toBe(404);
    expect(unknownBot.body).toEqual({ error: { code: 'ConversationNotFound', message: expect.any(String) } });

    const unknownActivity = await call(baseUrl, 'PUT', `/v3/conversations/${a.conversationId}/activities/nope`, {
      body: { type: 'message', text: 'x' },
    });
    expect(unknownActivity.status).toBe(404);
  });

  it('rejects malformed bodies with 400 and no stack trace', async () => {
    const a = await startConversation(baseUrl, { id: 'user-a', name: 'A' });
    const path = `/v3/directline/conversations/${a.conversationId}/activities`;

    const notJson = await call(baseUrl, 'POST', path, { token: a.token, body: '{"type": "message", ' });
    expect(notJson.status).toBe(400);
    expect(notJson.text).not.toMatch(/\bat .+:\d+:\d+/);

    const wrongType = await call(baseUrl, 'POST', path, { token: a.token, body: { type: 'conversationUpdate' } });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body).toMatchObject({ error: { code: 'BadArgument' } });

    const noType = await call(baseUrl, 'POST', path, { token: a.token, body: { text: 'hei' } });
    expect(noType.status).toBe(400);

    const badWatermark = await call(baseUrl, 'GET', `${path}?watermark=abc`, { token: a.token });
    expect(badWatermark.status).toBe(400);

    const noUser = await call(baseUrl, 'POST', '/v3/directline/tokens/generate', { body: { user: {} } });
    expect(noUser.status).toBe(400);

    const botNoType = await call(baseUrl, 'POST', `/v3/conversations/${a.conversationId}/activities`, { body: { text: 'x' } });
    expect(botNoType.status).toBe(400);
  });

  it('creates or reuses a conversation for the bot (proactive)', async () => {
    const a = await startConversation(baseUrl, { id: 'proactive-user', name: 'P' });
    const created = await call(baseUrl, 'POST', '/v3/conversations', {
      body: { bot: { id: 'dugnad-bot' }, members: [{ id: 'proactive-user' }], isGroup: false },
    });
    expect(created.status).toBe(200);
    expect(created.body.id).toBe(a.conversationId);

    const fresh = await call(baseUrl, 'POST', '/v3/conversations', {
      body: { members: [{ id: 'someone-new', name: 'Ny' }], activity: { type: 'message', text: 'Hei fra boten' } },
    });
    expect(fresh.status).toBe(201);
    expect(fresh.body.id).not.toBe(a.conversationId);
    expect(fresh.body.activityId).toEqual(expect.stringContaining(`${fresh.body.id as string}|`));
  });
});

describe('Direct Line tokens, paging and deletes', { timeout: 30_000 }, () => {
  let server: TestServer;
  let baseUrl: string;
  let clock = Date.now();

  beforeAll(async () => {
    server = await startTestServer({
      now: () => clock,
      limits: { pageSize: 3, historyPerConversation: 10, tokenLifetimeSeconds: 60, idleMs: 90_000 },
      deliverToBot: async () => {},
    });
    baseUrl = server.baseUrl;
  });
  afterAll(async () => {
    await server?.close();
  });

  it('expires tokens (401) and refreshes valid ones', async () => {
    const a = await startConversation(baseUrl, { id: 'user-a', name: 'A' });
    clock += 30_000;
    const refreshed = await call(baseUrl, 'POST', '/v3/directline/tokens/refresh', { token: a.token });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body).toMatchObject({ conversationId: a.conversationId, expires_in: 60 });

    clock += 45_000;
    const expired = await call(baseUrl, 'GET', `/v3/directline/conversations/${a.conversationId}/activities`, {
      token: a.token,
    });
    expect(expired.status).toBe(401);
    expect(expired.body).toMatchObject({ error: { code: 'TokenExpired' } });
    const expiredRefresh = await call(baseUrl, 'POST', '/v3/directline/tokens/refresh', { token: a.token });
    expect(expiredRefresh.status).toBe(401);

    const stillValid = await call(baseUrl, 'GET', `/v3/directline/conversations/${a.conversationId}/activities`, {
      token: refreshed.body.token as string,
    });
    expect(stillValid.status).toBe(200);
  });

  it('answers 404 once an idle conversation was dropped', async () => {
    const a = await startConversation(baseUrl, { id: 'idler', name: 'I' });
    clock += 50_000;
    const refreshed = await call(baseUrl, 'POST', '/v3/directline/tokens/refresh', { token: a.token });
    clock += 45_000;
    const gone = await call(baseUrl, 'GET', `/v3/directline/conversations/${a.conversationId}/activities`, {
      token: refreshed.body.token as string,
    });
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ error: { code: 'ConversationNotFound' } });
  });

  it('pages with the watermark and keeps a bounded history', async () => {
    const a = await startConversation(baseUrl, { id: 'pager', name: 'P' });
    for (let i = 1; i <= 12; i++) {
      const sent = await call(baseUrl, 'POST', `/v3/conversations/${a.conversationId}/activities`, {
        body: { type: 'message', text: `m${i}` },
      });
      expect(sent.status).toBe(200);
    }
    const texts: string[] = [];
    let watermark = '';
    for (let page = 0; page < 10; page++) {
      const set = await poll(baseUrl, a.conversationId, a.token, watermark);
      expect(set.activities.length).toBeLessThanOrEqual(3);
      if (set.activities.length === 0) break;
      texts.push(...set.activities.map((activity) => activity.text ?? ''));
      watermark = set.watermark;
    }
    // history bound of 10: the two oldest fell off
    expect(texts).toEqual(['m3', 'm4', 'm5', 'm6', 'm7', 'm8', 'm9', 'm10', 'm11', 'm12']);
  });

  it('resumes a conversation for the same user only', async () => {
    const a = await startConversation(baseUrl, { id: 'resumer', name: 'R' });
    const again = await call(baseUrl, 'POST', '/v3/directline/tokens/generate', {
      body: { user: { id: 'resumer', name: 'R' }, conversationId: a.conversationId },
    });
    expect(again.body.conversationId).toBe(a.conversationId);
    const resumed = await call(baseUrl, 'GET', `/v3/directline/conversations/${a.conversationId}?watermark=`, {
      token: again.body.token as string,
    });
    expect(resumed.status).toBe(200);

    const intruder = await call(baseUrl, 'POST', '/v3/directline/tokens/generate', {
      body: { user: { id: 'someone-else' }, conversationId: a.conversationId },
    });
    expect(intruder.body.conversationId).toBeUndefined();
  });

  it('hides a deleted activity in place', async () => {
    const a = await startConversation(baseUrl, { id: 'deleter', name: 'D' });
    const sent = await call(baseUrl, 'POST', `/v3/conversations/${a.conversationId}/activities`, {
      body: { type: 'message', text: 'slett meg' },
    });
    const before = await poll(baseUrl, a.conversationId, a.token);
    const removed = await fetch(`${baseUrl}/v3/conversations/${a.conversationId}/activities/${encodeURIComponent(sent.body.id as string)}`, {
      method: 'DELETE',
    });
    expect(removed.status).toBe(200);
    const after = await poll(baseUrl, a.conversationId, a.token, before.watermark);
    expect(after.activities).toHaveLength(1);
    expect(after.activities[0]).toMatchObject({ id: sent.body.id, type: 'message' });
    expect(after.activities[0]?.text).toBeUndefined();
  });
});
