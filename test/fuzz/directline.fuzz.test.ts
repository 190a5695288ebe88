// Hostile input at the local Direct Line endpoint and its Bot Connector half, against the real app:
// no 5xx, no internals in a body, forged or tampered tokens refused everywhere, one user's token never
// opens another's conversation, and no request can break a conversation for later polls.
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../../adaptive-cards/texts.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { visibleText } from '../support/fake-connector.ts';
import { check, chatText, INJECTION, INTERNAL_IN_REPLY, leaksIn, pollutingObject, PROTOTYPE_WORDS, prototypeKeys, snapshot, anyCodeUnit, setPath, type Snapshot } from './support.ts';

const SECRET = 'fuzz-directline-secret-0123456789abcdef';
const DL = '/v3/directline';

let app: TestApp;
let baseline: Snapshot;
let prototypeBaseline: string[];
/** The conversation an attacker wants into. */
let victim: { userId: string; conversationId: string; token: string };
/** A conversation of the attacker's own, with a genuine token. */
let own: { userId: string; conversationId: string; token: string };
/** Every token the server issued: a "forgery" equal to one of them is not a forgery. */
const issued = new Set<string>();

interface Reply {
  status: number;
  text: string;
}

async function call(method: string, path: string, o: { token?: string; authorization?: string; body?: string; contentType?: string | null } = {}): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (o.body !== undefined && o.contentType !== null) headers['content-type'] = o.contentType ?? 'application/json';
  if (o.token !== undefined) headers.authorization = `Bearer ${o.token}`;
  if (o.authorization !== undefined) headers.authorization = o.authorization;
  const res = await fetch(`${app.url}${path}`, { method, headers, ...(o.body !== undefined ? { body: o.body } : {}) });
  const text = await res.text();
  for (const token of text.matchAll(/"token":"([^"]+)"/g)) issued.add(token[1]!);
  return { status: res.status, text };
}

async function startConversation(userId: string) {
  const generated = await call('POST', `${DL}/tokens/generate`, { body: JSON.stringify({ user: { id: userId, name: userId } }) });
  expect(generated.status).toBe(200);
  const started = await call('POST', `${DL}/conversations`, { token: (JSON.parse(generated.text) as { token: string }).token, body: '{"locale":"nb-NO"}' });
  expect(started.status).toBe(201);
  const body = JSON.parse(started.text) as { conversationId: string; token: string };
  return { userId, conversationId: body.conversationId, token: body.token };
}

/** Mirrors bot/directline.ts's token format, to sign tokens with the right or a wrong secret. */
function signToken(claims: unknown, secret: string): string {
  const payload = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url');
  const mac = createHmac('sha256', secret).update(`dl1.${payload}`).digest('base64url');
  return `dl1.${payload}.${mac}`;
}

type Activity = Record<string, unknown> & { id: string; from?: { role?: string }; replyToId?: string };

async function history(c: { conversationId: string; token: string }): Promise<Activity[]> {
  const all: Activity[] = [];
  let watermark = '';
  for (;;) {
    const page = await call('GET', `${DL}/conversations/${c.conversationId}/activities?watermark=${watermark}`, { token: c.token });
    expect(page.status, page.text).toBe(200);
    const body = JSON.parse(page.text) as { activities: Activity[]; watermark: string };
    all.push(...body.activities);
    if (body.activities.length === 0 || body.watermark === watermark) return all;
    watermark = body.watermark;
  }
}

function expectNoLeak(reply: Reply, sent = ''): void {
  expect(reply.status, reply.text).toBeLessThan(500);
  if (reply.status >= 300) expect(leaksIn(reply.text, sent), reply.text).toEqual([]);
}

async function expectNothingChanged(): Promise<void> {
  expect(await snapshot(app.db)).toEqual(baseline);
  expect(prototypeKeys()).toEqual(prototypeBaseline);
}

/** The victim's conversation still answers polls: nothing anyone posted broke its serialisation. */
async function expectConversationsHealthy(): Promise<void> {
  await history(victim);
  await history(own);
}

beforeAll(async () => {
  app = await startTestApp({ workers: false, env: { DIRECTLINE_TOKEN_SECRET: SECRET } });
  baseline = await snapshot(app.db);
  prototypeBaseline = prototypeKeys();
  victim = await startConversation('demo-frivillig-07');
  own = await startConversation('demo-frivillig-08');
});
afterAll(async () => {
  await app?.close();
});

const RUNS = 60;

const junk = fc.oneof(
  fc.anything({ maxDepth: 3 }),
  fc.constantFrom(...INJECTION, ...PROTOTYPE_WORDS, '\u0000', 'a\u0000b', '\ud800', 'x'.repeat(300), -1, 1e308, [], {}),
  pollutingObject,
  fc.constant(undefined),
);

const contentType = fc.constantFrom<string | null>('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=X', 'application/octet-stream', null);

/** A body as bytes on the wire: JSON of anything, a JSON object with junk fields, or not JSON at all. */
function bodyOf(object: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<string> {
  return fc.oneof(
    fc.anything({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? ''),
    fc.tuple(object.map((o) => JSON.parse(JSON.stringify(o)) as Record<string, unknown>), fc.constantFrom('', 'user', 'user.id', 'user.name', 'conversationId', 'locale', 'type', 'text', 'value', 'channelData', 'from', 'members', 'activity'), junk).map(([o, key, value]) => {
      if (key) setPath(o, key, value);
      return JSON.stringify(o);
    }),
    fc.string({ unit: anyCodeUnit, maxLength: 100 }),
    fc.constantFrom('', '{', '[]', 'null', '{"a":'.repeat(5000) + '1' + '}'.repeat(5000)),
    // Valid but for its nesting: stored, it would make every later poll fail to serialise.
    fc.tuple(fc.constantFrom('value', 'channelData', 'activity', 'x'), fc.integer({ min: 65, max: 50_000 }), fc.constantFrom('[', '{"a":')).map(([key, depth, open]) => {
      const close = open === '[' ? ']' : '}';
      return `{"type":"message","members":[{"id":"m"}],"${key}":${open.repeat(depth)}${open === '[' ? '' : '1'}${close.repeat(depth)}}`;
    }),
  );
}

describe('Direct Line: tokens', () => {
  it('answers any token request without a 5xx, and rejoins a conversation only for its own user', async () => {
    const generate = fc.record({ user: fc.record({ id: fc.oneof(chatText, fc.constantFrom(victim.userId, ` ${victim.userId} `, 'demo-ansatt-1', 'a\u0000b', '\ud800', 'x'.repeat(129))), name: fc.option(chatText, { nil: undefined }) }), conversationId: fc.constant(victim.conversationId) });
    await check('token generate', fc.tuple(bodyOf(generate), contentType), async ([body, type]) => {
      const reply = await call('POST', `${DL}/tokens/generate`, { body, contentType: type });
      expectNoLeak(reply, body);
      if (reply.status === 200) {
        const answer = JSON.parse(reply.text) as { token: string; conversationId?: string };
        const claims = JSON.parse(Buffer.from(answer.token.split('.')[1]!, 'base64url').toString('utf8')) as { sub: string; conv?: string };
        expect(answer.token).toBe(signToken(claims, SECRET));
        if (answer.conversationId !== undefined || claims.conv !== undefined) {
          expect(claims.sub, 'handed someone else\'s conversation').toBe(victim.userId);
          return;
        }
        // Whoever the token endpoint accepts, the bot must be able to serve: no 502, an answer.
        const started = await call('POST', `${DL}/conversations`, { token: answer.token, body: '{}' });
        expect(started.status, started.text).toBe(201);
        const conversation = JSON.parse(started.text) as { conversationId: string; token: string };
        const said = await call('POST', `${DL}/conversations/${conversation.conversationId}/activities`, { token: conversation.token, body: '{"type":"message","text":"hei"}' });
        expect(said.status, said.text).toBe(200);
        const { id } = JSON.parse(said.text) as { id: string };
        const answers = (await history(conversation)).filter((a) => a.from?.role === 'bot' && a.replyToId === id);
        expect(answers.length, 'the bot answered').toBeGreaterThan(0);
        for (const a of answers) expect(visibleText(a)).not.toContain(t('nb', 'error.unexpected'));
        await expectNothingChanged();
      }
    }, RUNS, [
      [JSON.stringify({ user: { id: 'a\u0000b' } }), 'application/json'],
      [JSON.stringify({ user: { id: 'zz', name: '\ud800' } }), 'application/json'],
    ]);
  });

  it('refuses forged, tampered, foreign and expired tokens at every endpoint', async () => {
    const now = Math.floor(Date.now() / 1000);
    const victimClaims = { sub: victim.userId, name: victim.userId, conv: victim.conversationId, exp: now + 3600 };
    const [, victimPayload = '', victimMac = ''] = victim.token.split('.');
    const [, , ownMac = ''] = own.token.split('.');
    const b64 = '-_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

    const macStart = victim.token.lastIndexOf('.') + 1;
    // Anywhere in the token, and (as often) inside the MAC, where a lenient base64 decoder would skip or ignore characters.
    const position = fc.oneof(fc.integer({ min: 0, max: victim.token.length - 1 }), fc.integer({ min: macStart, max: victim.token.length - 1 }));
    const mutated = fc.tuple(position, fc.constantFrom(...b64, '=', '.', ' ', '!', '%', '\u00e6')).map(([i, ch]) => victim.token.slice(0, i) + ch + victim.token.slice(i + 1));
    const inserted = fc.tuple(fc.oneof(position, fc.constant(victim.token.length)), fc.constantFrom('=', '!', '*', '~', '%20', 'A')).map(([i, ch]) => victim.token.slice(0, i) + ch + victim.token.slice(i));
    // 32 bytes take 43 base64 characters, leaving 2 spare bits in the last: this spelling decodes to the same MAC.
    const last = victim.token.at(-1)!;
    const sameBytes = `${victim.token.slice(0, -1)}${b64[b64.indexOf(last) ^ 1]}`;
    const forged = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.string({ unit: fc.constantFrom(...b64, '.'), maxLength: 120 }),
      fc.tuple(fc.anything({ maxDepth: 2 }), fc.uint8Array({ minLength: 0, maxLength: 40 })).map(([claims, mac]) => `dl1.${Buffer.from(JSON.stringify(claims) ?? '').toString('base64url')}.${Buffer.from(mac).toString('base64url')}`),
      fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s !== SECRET).map((secret) => signToken(victimClaims, secret)),
      mutated,
      inserted,
      fc.constantFrom(
        sameBytes,
        `dl1.${victimPayload}.`,
        `dl1.${victimPayload}`,
        `dl1.${victimPayload}.${ownMac}`,
        `dl1.${victimPayload}.${victimMac}=`,
        `dl1.${victimPayload}.${victimMac}==`,
        `DL1.${victimPayload}.${victimMac}`,
        `dl2.${victimPayload}.${victimMac}`,
        `dl1.${victimPayload}.${victimMac}.x`,
        `dl1.${Buffer.from(JSON.stringify({ ...victimClaims, exp: now + 86_400 })).toString('base64url')}.${victimMac}`,
        `dl1.${Buffer.from(JSON.stringify({ ...victimClaims, sub: own.userId })).toString('base64url')}.${victimMac}`,
        'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
        'null',
        'undefined',
      ),
      // Signed with our secret but not valid: expired, or claims of the wrong shape.
      fc.constantFrom(
        signToken({ ...victimClaims, exp: now - 1 }, SECRET),
        signToken({ ...victimClaims, exp: String(now + 3600) }, SECRET),
        signToken({ ...victimClaims, exp: now + 0.5 }, SECRET),
        signToken({ ...victimClaims, sub: '' }, SECRET),
        signToken({ ...victimClaims, sub: 5 }, SECRET),
        signToken({ name: 'x', exp: now + 3600 }, SECRET),
        signToken(null, SECRET),
        signToken([victimClaims], SECRET),
      ),
    ).filter((token) => !issued.has(token));
    const header = fc.oneof(
      forged.map((token) => `Bearer ${token}`),
      forged.map((token) => `bearer ${token}`),
      fc.string({ maxLength: 60 }).filter((h) => /^[\x20-\x7e]*$/.test(h)),
      fc.constantFrom('Bearer', 'Bearer ', `Basic ${Buffer.from('a:b').toString('base64')}`, `Bearer ${victim.token} ${victim.token}`, `${victim.token}`),
    );
    const endpoint = fc.constantFrom(
      ['POST', `${DL}/conversations`, '{}'],
      ['POST', `${DL}/tokens/refresh`, undefined],
      ['GET', `${DL}/conversations/${victim.conversationId}`, undefined],
      ['GET', `${DL}/conversations/${victim.conversationId}/activities`, undefined],
      ['POST', `${DL}/conversations/${victim.conversationId}/activities`, '{"type":"message","text":"hei"}'],
    ) as fc.Arbitrary<[string, string, string | undefined]>;

    await check('forged tokens', fc.tuple(header, endpoint), async ([authorization, [method, path, body]]) => {
      const before = (await history(victim)).length;
      const reply = await call(method, path, { authorization, ...(body !== undefined ? { body } : {}) });
      expect(reply.status, `${authorization} was accepted at ${method} ${path}: ${reply.text}`).toBe(401);
      expect(leaksIn(reply.text, authorization)).toEqual([]);
      expect(reply.text).not.toContain(victim.conversationId);
      expect((await history(victim)).length, 'a refused request added to the conversation').toBe(before);
    }, 150);
  });

  it('never lets a valid token for one user into another user\'s conversation', async () => {
    const now = Math.floor(Date.now() / 1000);
    const sub = fc.oneof(fc.constantFrom(own.userId, 'demo-ansatt-1', ` ${victim.userId}`, victim.userId.toUpperCase()), chatText.filter((s) => s.length > 0 && s.length <= 128 && s !== victim.userId));
    const token = fc.oneof(
      fc.constant(own.token),
      sub.map((s) => signToken({ sub: s, name: s, conv: victim.conversationId, exp: now + 3600 }, SECRET)),
      sub.map((s) => signToken({ sub: s, name: s, exp: now + 3600 }, SECRET)),
    );
    const endpoint = fc.constantFrom(
      ['GET', `/conversations/${victim.conversationId}`],
      ['GET', `/conversations/${victim.conversationId}/activities`],
      ['POST', `/conversations/${victim.conversationId}/activities`],
    );
    await check('cross-user tokens', fc.tuple(token, endpoint), async ([tok, [method, path]]) => {
      const before = (await history(victim)).length;
      const reply = await call(method!, `${DL}${path}`, { token: tok, ...(method === 'POST' ? { body: '{"type":"message","text":"mine oppdrag"}' } : {}) });
      expect(reply.status, reply.text).toBe(403);
      expect(reply.text).not.toContain('"activities"');
      expect((await history(victim)).length).toBe(before);
    }, RUNS);
  });
});

describe('Direct Line: conversations and activities', () => {
  it('answers random watermarks, query strings and conversation ids without a 5xx', async () => {
    const segment = fc.oneof(fc.constant(own.conversationId), fc.constant(victim.conversationId), fc.string({ unit: anyCodeUnit, minLength: 1, maxLength: 40 }).map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, 'x'))), fc.constantFrom('..', '%2e%2e', '%2F', 'null', '__proto__', 'constructor'));
    const query = fc.oneof(
      fc.string({ maxLength: 40 }).map((w) => `?watermark=${encodeURIComponent(w)}`),
      fc.constantFrom('?watermark=-1', '?watermark=1e3', '?watermark=99999999999999999999', '?watermark=0x10', '?watermark= 1', '?watermark=1&watermark=2', '?watermark[]=1', '?watermark[a]=1', '?%zz', '?=&&=', '?__proto__[x]=1', ''),
      fc.string({ maxLength: 30 }).filter((q) => /^[\x21-\x7e]*$/.test(q)).map((q) => `?${q}`),
    );
    await check('polling', fc.tuple(segment, query, fc.constantFrom('/activities', '')), async ([id, q, tail]) => {
      const path = `${DL}/conversations/${id}${tail}${q}`;
      const reply = await call('GET', path, { token: own.token });
      expectNoLeak(reply, path + safeDecode(path));
      if (id !== own.conversationId) expect(reply.status).toBeGreaterThanOrEqual(400);
      await expectConversationsHealthy();
    }, RUNS);
  });

  it('accepts or refuses any activity a client posts, answers every message, and never breaks the conversation', async () => {
    const clientActivity = fc.record({
      type: fc.constantFrom('message', 'message', 'event', 'typing'),
      text: fc.option(chatText, { nil: undefined }),
      value: fc.option(fc.oneof(fc.object({ maxDepth: 2 }), pollutingObject, fc.record({ action: fc.constantFrom('menu.show', 'tasks.mine', 'offer.accept', 'offer.decline'), offerId: fc.oneof(fc.uuid(), fc.constantFrom(...INJECTION)) })), { nil: undefined }),
      locale: fc.option(fc.oneof(fc.constantFrom('nb-NO', 'en-US', 'en', 'zh-Hant-TW', 'nb_NO', 'en-', '-', 'nb\u0000', '\ud800'), chatText), { nil: undefined }),
      channelData: fc.option(fc.oneof(fc.object({ maxDepth: 2 }), fc.record({ tenant: fc.record({ id: chatText }) }), pollutingObject), { nil: undefined }),
      replyToId: fc.option(chatText, { nil: undefined }),
    }).map((o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Record<string, unknown>);
    await check('client activities', fc.tuple(bodyOf(clientActivity), contentType), async ([body, type]) => {
      const reply = await call('POST', `${DL}/conversations/${own.conversationId}/activities`, { token: own.token, body, contentType: type });
      expectNoLeak(reply, body);
      if (reply.status === 200) {
        const { id } = JSON.parse(reply.text) as { id: string };
        const log = await history(own);
        const sent = log.find((a) => a.id === id);
        expect(sent, 'the accepted activity is in the history').toBeDefined();
        if (sent!.type === 'message') {
          const answers = log.filter((a) => a.from?.role === 'bot' && a.replyToId === id);
          expect(answers.length, 'the bot answered the message').toBeGreaterThan(0);
          for (const answer of answers) {
            const text = visibleText(answer);
            const match = INTERNAL_IN_REPLY.exec(text);
            if (match && !body.includes(match[0])) expect.fail(`reply shows internal text "${match[0]}"`);
            expect(text).not.toContain(t('nb', 'error.unexpected'));
            expect(text).not.toContain(t('en', 'error.unexpected'));
          }
        }
      }
      await expectConversationsHealthy();
      await expectNothingChanged();
    }, RUNS);
  });

  it('answers anything at the Bot Connector side without a 5xx or a broken conversation', async () => {
    const botActivity = fc.record({ type: fc.constantFrom('message', 'typing', 'event'), text: chatText, replyToId: fc.option(fc.string({ maxLength: 10 }), { nil: undefined }) }).map((o) => ({ ...o }) as Record<string, unknown>);
    const conversation = fc.oneof(fc.constant(victim.conversationId), fc.string({ minLength: 1, maxLength: 30 }).map((s) => encodeURIComponent(s)), fc.constantFrom('..', '%2F', '__proto__'));
    const activityId = fc.oneof(fc.constant(`${victim.conversationId}|1`), fc.string({ minLength: 1, maxLength: 30 }).map((s) => encodeURIComponent(s)), fc.constantFrom('__proto__', 'constructor', '-1'));
    const request = fc.oneof(
      fc.tuple(fc.constant('POST'), fc.constant('/v3/conversations'), bodyOf(fc.record({ members: fc.constant([{ id: 'someone-new' }]), activity: botActivity }))),
      fc.tuple(fc.constant('POST'), conversation.map((c) => `/v3/conversations/${c}/activities`), bodyOf(botActivity)),
      fc.tuple(fc.constant('POST'), fc.tuple(conversation, activityId).map(([c, a]) => `/v3/conversations/${c}/activities/${a}`), bodyOf(botActivity)),
      fc.tuple(fc.constant('PUT'), fc.tuple(conversation, activityId).map(([c, a]) => `/v3/conversations/${c}/activities/${a}`), bodyOf(botActivity)),
      fc.tuple(fc.constant('DELETE'), fc.tuple(conversation, activityId).map(([c, a]) => `/v3/conversations/${c}/activities/${a}`), fc.constant('')),
    );
    await check('connector side', request, async ([method, path, body]) => {
      const reply = await call(method, path, body === '' ? {} : { body });
      expectNoLeak(reply, body + path + safeDecode(path));
      await expectConversationsHealthy();
    }, RUNS);
    await expectNothingChanged();
  });

  it('answers unknown methods and paths with a 4xx and no internals', async () => {
    const method = fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS');
    const path = fc.oneof(
      fc.string({ maxLength: 30 }).map((s) => `${DL}/${encodeURIComponent(s)}`),
      fc.string({ maxLength: 30 }).map((s) => `/v3/conversations/${encodeURIComponent(s)}/members`),
      fc.constantFrom(`${DL}/tokens`, `${DL}/conversations/${own.conversationId}/upload`, '/v3/attachments/x', '/api/messages/x', '/.env', '/../../etc/passwd'),
    );
    await check('unknown routes', fc.tuple(method, path), async ([m, p]) => {
      const reply = await call(m, p, { token: own.token, ...(m === 'GET' || m === 'OPTIONS' ? {} : { body: '{}' }) });
      expectNoLeak(reply, p + safeDecode(p));
    }, RUNS);
  });
});

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
