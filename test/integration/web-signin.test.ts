// Web sign-in in production mode against a local OpenID Connect provider (oidc-provider on
// 127.0.0.1, no network): the full flow from the sign-in button's URL to a bot reply over Direct
// Line as the signed-in identity, and every way around it refused.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock, type TestApp } from '../support/app.ts';
import { browse, CookieJar, signInThrough, startSignedInApp, TEST_TENANT, type TestOidcProvider } from '../support/oidc-provider.ts';
import { webUserId } from '../../bot/web-signin.ts';
import { issueDirectLineToken } from '../../bot/directline.ts';
import { createMessenger, type TokenProvider } from '../../infra/connector.ts';
import type { ConversationRef } from '../../infra/identities.ts';
import { messengerRouting } from '../../jobs/run.ts';
import { createTaskLink, taskLinkUsable } from '../../infra/text-answers.ts';
import { escapeHtml } from '../../bot/page-assets.ts';
import { t } from '../../adaptive-cards/texts.ts';

const APP_ID = '00000000-0000-4000-8000-0000000000a7';
const SECRET = 'web-signin-test-secret-0123456789abcdef';
const SESSION = '__Host-dugnad-session';

let app: TestApp;
let idp: TestOidcProvider;
const clock = new VirtualClock();

beforeAll(async () => {
  ({ app, idp } = await startSignedInApp({ secret: SECRET, appId: APP_ID, now: clock.now }));
}, 60_000);

afterAll(async () => {
  await app?.close();
  await idp?.close();
});

async function signedIn(login: string, provider: 'idporten' | 'entra' = 'idporten'): Promise<CookieJar> {
  const jar = new CookieJar();
  const callback = await signInThrough(jar, app.url, provider, login);
  expect(callback.status).toBe(302);
  expect(callback.headers.get('location')).toBe('/');
  const setCookie = callback.headers.getSetCookie().find((c) => c.startsWith(`${SESSION}=`))!;
  expect(setCookie).toMatch(/HttpOnly/);
  expect(setCookie).toMatch(/Secure/);
  expect(setCookie).toMatch(/SameSite=Lax/);
  return jar;
}

function chatToken(jar: CookieJar | null, body: unknown = {}): Promise<Response> {
  return fetch(`${app.url}/v3/directline/tokens/generate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(jar ? { cookie: jar.header(app.url) } : {}) },
    body: JSON.stringify(body),
  });
}

/** Starts a conversation as the page does: the token, and the session cookie the browser sends along (issue 13: the session must still vouch for it). */
function startConversation(jar: CookieJar | null, token: string, body = '{}'): Promise<Response> {
  return fetch(`${app.url}/v3/directline/conversations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(jar ? { cookie: jar.header(app.url) } : {}) },
    body,
  });
}

function claimsOf(token: string): { sub: string; exp: number; sid?: string } {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
}

type Activity = { id: string; type: string; text?: string; from: { id: string; role?: string }; attachments?: unknown[] };

async function activities(conversationId: string, token: string): Promise<Activity[]> {
  const res = await fetch(`${app.url}/v3/directline/conversations/${conversationId}/activities`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { activities: Activity[] }).activities;
}

describe('web sign-in (production mode)', () => {
  it('signs in, gets a chat token bound to the identity, and chats with the bot as that person', async () => {
    const jar = await signedIn('citizen-1');
    const res = await chatToken(jar);
    expect(res.status).toBe(200);
    const { token } = (await res.json()) as { token: string };
    const userId = webUserId(idp.issuer, 'citizen-1');
    expect(claimsOf(token).sub).toBe(userId);

    const started = await startConversation(jar, token, '{"locale":"nb-NO"}');
    expect(started.status).toBe(201);
    const { conversationId, token: convToken } = (await started.json()) as { conversationId: string; token: string };

    // The greeting (from the conversationUpdate) comes back over Direct Line…
    await expect.poll(async () => (await activities(conversationId, convToken)).filter((a) => a.from.role === 'bot').length, { timeout: 15_000 }).toBeGreaterThan(0);
    const before = (await activities(conversationId, convToken)).length;
    // …and so does the answer to a message.
    const posted = await fetch(`${app.url}/v3/directline/conversations/${conversationId}/activities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${convToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', text: 'hei', from: { id: 'someone-else' } }),
    });
    expect(posted.status).toBe(200);
    await expect.poll(async () => (await activities(conversationId, convToken)).slice(before).filter((a) => a.from.role === 'bot').length, { timeout: 15_000 }).toBeGreaterThan(0);
    const mine = (await activities(conversationId, convToken)).filter((a) => a.from.role === 'user');
    expect(mine.map((a) => a.from.id)).toEqual([userId]);

    // The bot knows the person by the id the sign-in gave, and can reach them there later.
    const rows = await app.db.query<{ user_id: string; conversation_ref: { serviceUrl: string; user: { id: string } } }>(
      `SELECT user_id, conversation_ref FROM chat_identities WHERE channel_id = 'webchat'`,
    );
    expect(rows.map((r) => r.user_id)).toEqual([userId]);
    expect(rows[0]!.conversation_ref.user.id).toBe(userId);
    expect(rows[0]!.conversation_ref.serviceUrl).toBe(app.url);
  }, 60_000);

  it('reaches a signed-in person later, from the workers: offers and reminders arrive in their web chat', async () => {
    const jar = await signedIn('citizen-proactive');
    const { token } = (await (await chatToken(jar)).json()) as { token: string };
    const started = await startConversation(jar, token);
    const { conversationId, token: convToken } = (await started.json()) as { conversationId: string; token: string };
    const userId = webUserId(idp.issuer, 'citizen-proactive');
    let ref: ConversationRef | undefined;
    await expect.poll(async () => {
      ref = (await app.db.query<{ conversation_ref: ConversationRef }>(`SELECT conversation_ref FROM chat_identities WHERE user_id = $1`, [userId]))[0]?.conversation_ref;
      return Boolean(ref);
    }, { timeout: 15_000 }).toBe(true);

    // The workers sign with the app's Entra token; our own endpoint must not take that…
    const entra: TokenProvider = { token: async () => 'an-entra-token-for-the-bot-connector' };
    const withoutRouting = createMessenger({ tokens: entra, allowedHosts: [new URL(app.url).hostname] });
    await expect(withoutRouting.send(ref!, { text: 'x' })).rejects.toMatchObject({ status: 401 });
    withoutRouting.close();
    // …so sends to it go with the endpoint's own key, as the production workers are configured.
    const messenger = createMessenger({ tokens: entra, ...messengerRouting(app.config) });
    await messenger.send(ref!, { text: 'Påminnelse: besøk i morgen kl. 14' });
    messenger.close();
    await expect.poll(async () => (await activities(conversationId, convToken)).some((a) => a.text === 'Påminnelse: besøk i morgen kl. 14'), { timeout: 15_000 }).toBe(true);
  }, 60_000);

  it('knows a staff member who signs in with Entra ID as the member Teams knows, in chat and in the tab', async () => {
    // Kari (demo-ansatt-1) has used Dugnad in Teams as object id oid-kari in the test tenant.
    await app.db.query(
      `INSERT INTO chat_identities (channel_id, user_id, tenant_id, member_id, last_seen_at)
       SELECT 'msteams', 'oid-kari', $1, member_id, now() FROM chat_identities WHERE channel_id = 'dev' AND user_id = 'demo-ansatt-1'`,
      [TEST_TENANT],
    );
    const jar = await signedIn('kari', 'entra');
    const [row] = await app.db.query<{ linked: boolean }>(
      `SELECT w.member_id = d.member_id AS linked FROM chat_identities w, chat_identities d
        WHERE w.channel_id = 'webchat' AND w.user_id = $1 AND d.channel_id = 'dev' AND d.user_id = 'demo-ansatt-1'`,
      [webUserId(idp.issuer, 'kari')],
    );
    expect(row?.linked).toBe(true);
    // The tab outside Teams takes the same session.
    const me = await fetch(`${app.url}/api/tab/me`, { headers: { cookie: jar.header(app.url) } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ view: 'staff' });
    // A citizen nobody knows yet is identified, but is no member.
    const citizen = await signedIn('citizen-9');
    expect((await fetch(`${app.url}/api/tab/me`, { headers: { cookie: citizen.header(app.url) } })).status).toBe(403);
    expect((await fetch(`${app.url}/api/tab/me`)).status).toBe(401);
  }, 30_000);

  it('refuses a client-chosen user id, with or without a session', async () => {
    expect((await chatToken(null, { user: { id: 'demo-frivillig-01', name: 'Astrid' } })).status).toBe(403);
    expect((await chatToken(null)).status).toBe(401);
    const jar = await signedIn('citizen-2');
    expect((await chatToken(jar, { user: { id: 'demo-frivillig-01' } })).status).toBe(403);
    // Its own id, sent back, is fine.
    expect((await chatToken(jar, { user: { id: webUserId(idp.issuer, 'citizen-2') } })).status).toBe(200);
  }, 30_000);

  it('has no development identities: no picker, no dev token, no anonymous turn', async () => {
    const html = await (await fetch(`${app.url}/`)).text();
    expect(html).toContain('"mode":"signin"');
    expect(html).not.toContain('name="identity"');
    expect(html).toContain('/auth/login/idporten');
    // A chat token forged with a different secret, or refreshed without a session, is refused.
    const forged = issueDirectLineToken({ sub: 'demo-frivillig-01', name: 'x', exp: Math.floor(Date.now() / 1000) + 600 }, 'another-secret-0123456789abcdef0123');
    expect((await fetch(`${app.url}/v3/directline/conversations`, { method: 'POST', headers: { authorization: `Bearer ${forged}` } })).status).toBe(401);
    const genuine = issueDirectLineToken({ sub: 'demo-frivillig-01', name: 'x', exp: Math.floor(Date.now() / 1000) + 600 }, SECRET);
    expect((await fetch(`${app.url}/v3/directline/tokens/refresh`, { method: 'POST', headers: { authorization: `Bearer ${genuine}` } })).status).toBe(401);
    // The web chat's activity posted straight to /api/messages has no channel token: refused, nothing stored.
    const count = async () => (await app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM chat_identities WHERE user_id = 'demo-frivillig-01' AND channel_id = 'webchat'`))[0]!.n;
    const res = await fetch(`${app.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', id: 'x1', channelId: 'webchat', serviceUrl: app.url, from: { id: 'demo-frivillig-01' }, recipient: { id: 'dugnad-bot' }, conversation: { id: 'c1' }, text: 'hei' }),
    });
    expect(res.status).toBe(401);
    expect(await count()).toBe(0);
    // Nor can anyone but the bot write into a conversation through the connector side.
    expect((await fetch(`${app.url}/v3/conversations/any/activities`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"message","text":"x"}' })).status).toBe(401);
  });

  it('refuses a callback whose state does not match', async () => {
    const jar = new CookieJar();
    const res = await signInThrough(jar, app.url, 'idporten', 'citizen-3', (authorize) => authorize.searchParams.set('state', 'forged-state'));
    expect(res.status).toBe(400);
    expect(jar.get(app.url, SESSION)).toBeUndefined();
    expect((await chatToken(jar)).status).toBe(401);
  }, 30_000);

  it('refuses an ID token whose nonce does not match', async () => {
    const jar = new CookieJar();
    const res = await signInThrough(jar, app.url, 'idporten', 'citizen-4', (authorize) => authorize.searchParams.set('nonce', 'forged-nonce'));
    expect(res.status).toBe(400);
    expect(jar.get(app.url, SESSION)).toBeUndefined();
  }, 30_000);

  it('refuses a callback without the login cookie (no PKCE verifier, no state)', async () => {
    const jar = new CookieJar();
    const start = await browse(jar, `${app.url}/auth/login/idporten`);
    expect(start.status).toBe(302);
    const authorize = new URL(start.headers.get('location')!);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('nonce')).toBeTruthy();
    const other = new CookieJar();
    const res = await browse(other, `${app.url}/auth/callback?code=abc&state=${authorize.searchParams.get('state')}`);
    expect(res.status).toBe(400);
  });

  it('refuses a tampered or expired session, and logs out', async () => {
    const jar = await signedIn('citizen-5');
    const session = jar.get(app.url, SESSION)!;
    const [prefix, payload, mac] = session.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8'));
    const tampered = new CookieJar();
    tampered.set(app.url, SESSION, `${prefix}.${Buffer.from(JSON.stringify({ ...claims, uid: 'web-somebody-else' })).toString('base64url')}.${mac}`);
    expect((await chatToken(tampered)).status).toBe(401);

    // A chat token never outlives the session it was issued for.
    const res = await chatToken(jar);
    expect(res.status).toBe(200);
    expect(claimsOf(((await res.json()) as { token: string }).token).exp).toBeLessThanOrEqual(claims.exp);

    clock.offsetMs += 61 * 60 * 1000;
    try {
      expect((await chatToken(jar)).status).toBe(401);
    } finally {
      clock.offsetMs = 0;
    }
    expect((await chatToken(jar)).status).toBe(200);
    const out = await browse(jar, `${app.url}/auth/logout`, { method: 'POST' });
    expect(out.status).toBe(303);
    expect((await chatToken(jar)).status).toBe(401);
  }, 30_000);
});

describe('chat tokens and the sign-in session (issue 13)', () => {
  const poll = (conversationId: string, token: string) =>
    fetch(`${app.url}/v3/directline/conversations/${conversationId}/activities`, { headers: { authorization: `Bearer ${token}` } });

  it('starts a conversation with an existing token only while its session lasts, for the same person, and never past the session', async () => {
    const jar = await signedIn('citizen-session-1');
    const session = jar.get(app.url, SESSION)!;
    const sessionExp = JSON.parse(Buffer.from(session.split('.')[1]!, 'base64url').toString('utf8')).exp as number;
    const { token } = (await (await chatToken(jar)).json()) as { token: string };
    expect(claimsOf(token).sid).toBeTruthy();

    // Without the session (a token lifted from the page and replayed elsewhere): refused.
    const alone = await startConversation(null, token);
    expect(alone.status).toBe(401);
    expect(((await alone.json()) as { error: { code: string } }).error.code).toBe('NotSignedIn');
    // Someone else's session does not vouch for it either.
    expect((await startConversation(await signedIn('citizen-session-2'), token)).status).toBe(401);

    const started = await startConversation(jar, token);
    expect(started.status).toBe(201);
    const { token: convToken } = (await started.json()) as { token: string };
    expect(claimsOf(convToken).exp).toBeLessThanOrEqual(sessionExp);
    expect(claimsOf(convToken).sid).toBe(claimsOf(token).sid);

    // The session has run out (the token, issued at its start, would not have yet by its own clock).
    clock.offsetMs += 61 * 60 * 1000;
    try {
      expect((await startConversation(jar, token)).status).toBe(401);
    } finally {
      clock.offsetMs = 0;
    }
  }, 30_000);

  it('ends every chat token of a session at logout, and a copy of the session cookie kept afterwards is worth nothing', async () => {
    const jar = await signedIn('citizen-session-3');
    const cookie = jar.get(app.url, SESSION)!;
    const { token } = (await (await chatToken(jar)).json()) as { token: string };
    const started = await startConversation(jar, token);
    const { conversationId, token: convToken } = (await started.json()) as { conversationId: string; token: string };
    expect((await poll(conversationId, convToken)).status).toBe(200);
    // A second tab of the same session.
    const { token: second } = (await (await chatToken(jar)).json()) as { token: string };

    const out = await browse(jar, `${app.url}/auth/logout`, { method: 'POST' });
    expect(out.status).toBe(303);

    const polled = await poll(conversationId, convToken);
    expect(polled.status).toBe(401);
    const posted = await fetch(`${app.url}/v3/directline/conversations/${conversationId}/activities`, {
      method: 'POST', headers: { authorization: `Bearer ${convToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ type: 'message', text: 'hei' }),
    });
    expect(posted.status).toBe(401);
    const kept = new CookieJar();
    kept.set(app.url, SESSION, cookie);
    for (const t of [token, second, convToken]) {
      expect((await fetch(`${app.url}/v3/directline/tokens/refresh`, { method: 'POST', headers: { authorization: `Bearer ${t}`, cookie: kept.header(app.url) } })).status).toBe(401);
      expect((await startConversation(kept, t)).status).toBe(401);
    }
    expect((await chatToken(kept)).status).toBe(401);
    expect((await fetch(`${app.url}/api/tab/me`, { headers: { cookie: kept.header(app.url) } })).status).toBe(401);

    // Signing in again gives a new session that works.
    const again = await signedIn('citizen-session-3');
    expect((await chatToken(again)).status).toBe(200);
  }, 30_000);
});

describe('the one-time link an SMS carries (issue 15)', () => {
  /** A task of a demo volunteer's (an active assignment), and a link to it. */
  async function linkToTask(volunteer: string): Promise<{ memberId: string; token: string }> {
    const [m] = await app.db.query<{ member_id: string }>(`SELECT member_id FROM chat_identities WHERE channel_id = 'dev' AND user_id = $1`, [volunteer]);
    const [r] = await app.db.query<{ id: string }>(
      `INSERT INTO help_requests (centre_id, group_key, district, starts_at, duration_minutes, summary, person_id, created_by, status, assigned_volunteer_id, taken_at, wave)
       SELECT p.centre_id, 'handlehjelp', 'Sentrum', now() + interval '2 days', 60, 'Lenketest', p.id, p.created_by, 'taken', $1, now(), 1 FROM persons p WHERE p.name = 'Gerd Solberg'
       RETURNING id`,
      [m!.member_id],
    );
    const [a] = await app.db.query<{ id: string }>(`INSERT INTO assignments (request_id, volunteer_id, assigned_at) VALUES ($1, $2, now()) RETURNING id`, [r!.id, m!.member_id]);
    const token = await createTaskLink(app.db, { memberId: m!.member_id, assignmentId: a!.id, now: clock.now(), minutes: 60 });
    return { memberId: m!.member_id, token: token! };
  }
  const page = async (jar: CookieJar | null, token: string, method: 'GET' | 'POST' = 'GET') =>
    fetch(`${app.url}/t/${token}`, { method, redirect: 'manual', headers: jar ? { cookie: jar.header(app.url) } : {} });

  it('asks for a sign-in first, then makes the signed-in web chat account the volunteer\'s, and refuses someone else\'s', async () => {
    const { memberId, token } = await linkToTask('demo-frivillig-07');
    // Not signed in: only the sign-in, which returns to the link; pressing anyway uses nothing.
    const anonymous = await (await page(null, token)).text();
    expect(anonymous).toContain(`/auth/login/idporten?return=${encodeURIComponent(`/t/${token}`)}`);
    expect(anonymous).not.toContain('method="post"');
    expect(await (await page(null, token, 'POST')).text()).toContain(escapeHtml(t('nb', 'taskLink.signIn')));
    expect(await taskLinkUsable(app.db, token, clock.now())).not.toBeNull();

    // Signed in: the page offers the button, and the press uses the link and opens the web chat.
    const jar = new CookieJar();
    expect((await signInThrough(jar, app.url, 'idporten', 'sms-volunteer-7')).status).toBe(302);
    expect(await (await page(jar, token)).text()).toContain('method="post"');
    const used = await page(jar, token, 'POST');
    expect(used.status).toBe(303);
    expect(used.headers.get('location')).toBe('/');
    const [account] = await app.db.query<{ member_id: string }>(`SELECT member_id FROM chat_identities WHERE channel_id = 'webchat' AND user_id = $1`, [webUserId(idp.issuer, 'sms-volunteer-7')]);
    expect(account!.member_id).toBe(memberId);

    // That account is now that volunteer's: a link of another volunteer's is refused, and stays unused.
    const other = await linkToTask('demo-frivillig-08');
    expect(await (await page(jar, other.token, 'POST')).text()).toContain(escapeHtml(t('nb', 'taskLink.notYours')));
    expect(await taskLinkUsable(app.db, other.token, clock.now())).not.toBeNull();
  });
});

describe('a production start', () => {
  it('refuses, in one line, to run the web chat without sign-in settings', async () => {
    const { DATABASE_URL: _d, REDIS_URL: _r, ...rest } = process.env;
    const env = {
      ...rest,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      MicrosoftAppId: APP_ID,
      MicrosoftAppPassword: 'x',
      REDIS_URL: 'redis://127.0.0.1:6379',
      DATABASE_URL: 'postgres://x@127.0.0.1/x',
      PUBLIC_BASE_URL: 'https://dugnad.example',
      ALLOWED_TENANT_IDS: 'tenant-a',
    };
    const child = spawn(join(process.cwd(), 'node_modules/.bin/tsx'), ['bot/main.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((ok) => child.once('exit', ok));
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^Configuration error: OIDC_IDPORTEN_ISSUER or OIDC_ENTRA_ISSUER .*WEB_CHAT_ENABLED/);
  }, 30_000);
});
