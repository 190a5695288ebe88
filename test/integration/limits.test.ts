// Issue 13, limits, over real HTTP. The web chat's Direct Line endpoint: one user starting
// conversations in a loop evicts only their own (per-user cap), a posted activity over the size limit
// is 413 with nothing stored, and over the message limit the default (anonymous) mode answers 429 with
// Retry-After instead of 502. Lists that grow with the centre stay bounded: with 5 000 persons and
// 2 000 volunteers the call list, the unreachable notice and the weekly digest are cards well under
// Teams' ~28 KB message limit, and say how many more there are and where to see them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from 'date-fns';
import { startTestApp, userActivity, type TestApp } from '../support/app.ts';
import { startFakeConnector, visibleText, type FakeConnector } from '../support/fake-connector.ts';
import { chatDriver, hasAction, type ChatDriver } from '../support/chat.ts';
import { insertReachableVolunteers } from '../support/volunteers.ts';
import { until } from '../support/wait.ts';
import { CALL_LIST_MAX } from '../../adaptive-cards/escalation.ts';
import { CURRENT_DECLARATION_VERSION } from '../../domain/declaration.ts';
import { osloDate } from '../../domain/time-zone.ts';

const DL = '/v3/directline';
/** Teams refuses messages over about 28 KB; «well under» leaves room for what Teams adds. */
const WELL_UNDER_TEAMS_LIMIT = 20 * 1024;

async function call(base: string, method: string, path: string, o: { token?: string; body?: unknown } = {}) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(o.token ? { authorization: `Bearer ${o.token}` } : {}) },
    ...(o.body !== undefined ? { body: JSON.stringify(o.body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: (text ? JSON.parse(text) : {}) as Record<string, any> };
}

async function startConversation(base: string, userId: string): Promise<{ conversationId: string; token: string }> {
  const generated = await call(base, 'POST', `${DL}/tokens/generate`, { body: { user: { id: userId, name: userId } } });
  expect(generated.status).toBe(200);
  const started = await call(base, 'POST', `${DL}/conversations`, { token: generated.body.token, body: { locale: 'nb-NO' } });
  expect(started.status).toBe(201);
  return { conversationId: started.body.conversationId, token: started.body.token };
}

async function history(base: string, c: { conversationId: string; token: string }): Promise<Array<{ id: string; text?: string; type: string; from: { role?: string } }>> {
  const res = await call(base, 'GET', `${DL}/conversations/${c.conversationId}/activities`, { token: c.token });
  expect(res.status, res.text).toBe(200);
  return res.body.activities;
}

describe('the web chat\'s Direct Line endpoint', () => {
  let app: TestApp;
  const PER_USER = 3;

  beforeAll(async () => {
    app = await startTestApp({
      workers: false,
      // Two messages a minute per user: the default mode's limit, on the web chat as on /api/messages.
      env: { RATE_LIMIT_MESSAGES_PER_MINUTE: '2' },
      directLine: { limits: { maxConversationsPerUser: PER_USER, maxConversations: 50, maxActivityBytes: 8 * 1024 } },
    });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
  });

  it('lets one user hold a few conversations; starting more evicts only their own oldest, never anyone else\'s', async () => {
    const victim = await startConversation(app.url, 'demo-frivillig-05');
    const mine: Array<{ conversationId: string; token: string }> = [];
    for (let i = 0; i < 12; i++) {
      const c = await startConversation(app.url, 'demo-frivillig-06');
      // The bot's greeting uses the conversation too: wait for it, so their last use is the order they were started in.
      await until(async () => (await history(app.url, c)).some((a) => a.type === 'message'), 'the greeting');
      mine.push(c);
    }
    const alive = async (c: { conversationId: string; token: string }) => (await call(app.url, 'GET', `${DL}/conversations/${c.conversationId}/activities`, { token: c.token })).status;
    expect(await alive(victim)).toBe(200);
    const statuses = await Promise.all(mine.map(alive));
    expect(statuses.slice(-PER_USER)).toEqual(Array(PER_USER).fill(200));
    expect(statuses.slice(0, -PER_USER).every((s) => s === 404)).toBe(true);
    // The bot's proactive side counts too: a new conversation it opens for the user replaces their oldest.
    const proactive = await call(app.url, 'POST', '/v3/conversations', { body: { members: [{ id: 'demo-frivillig-07' }] } });
    expect(proactive.status).toBe(201);
  });

  it('refuses an activity over the size limit with 413 and stores nothing; a full form goes through', async () => {
    const c = await startConversation(app.url, 'demo-frivillig-08');
    const big = await call(app.url, 'POST', `${DL}/conversations/${c.conversationId}/activities`, {
      token: c.token,
      body: { type: 'message', value: { action: 'staff.request.submit', summary: 'x', handoverNote: 'ø'.repeat(6 * 1024) } },
    });
    expect(big.status).toBe(413);
    expect(big.body).toMatchObject({ error: { code: 'PayloadTooLarge' } });
    expect(big.text).not.toMatch(/at \w+ \(|node_modules/);
    const long = await call(app.url, 'POST', `${DL}/conversations/${c.conversationId}/activities`, { token: c.token, body: { type: 'message', text: 'a'.repeat(9 * 1024) } });
    expect(long.status).toBe(413);
    // Nothing the person sent is in the conversation (only the bot's greeting may be).
    expect((await history(app.url, c)).filter((a) => a.from.role === 'user')).toEqual([]);
    // The largest form a person fills in (every text field at its maximum) fits.
    const form = { action: 'staff.request.submit', summary: 'å'.repeat(300), handoverNote: 'æ'.repeat(1000), meetingPlace: 'ø'.repeat(200), contactName: 'x'.repeat(100) };
    const ok = await call(app.url, 'POST', `${DL}/conversations/${c.conversationId}/activities`, { token: c.token, body: { type: 'message', value: form } });
    expect(ok.status, ok.text).toBe(200);
  });

  it('answers 429 with Retry-After over the message limit in the default mode (not 502), and keeps nothing of the refused message', async () => {
    const c = await startConversation(app.url, 'demo-frivillig-09');
    const say = (text: string) => call(app.url, 'POST', `${DL}/conversations/${c.conversationId}/activities`, { token: c.token, body: { type: 'message', text } });
    expect((await say('hei')).status).toBe(200);
    expect((await say('meny')).status).toBe(200);
    const refused = await say('mine oppdrag');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await history(app.url, c)).some((a) => a.text === 'mine oppdrag')).toBe(false);

    // One count for the person, whichever way the messages came: spent on /api/messages, the web chat refuses too.
    const d = await startConversation(app.url, 'demo-frivillig-10');
    for (let i = 0; i < 2; i++) {
      const res = await app.post(userActivity({ userId: 'demo-frivillig-10', serviceUrl: 'http://127.0.0.1:9', text: 'hei', conversationId: 'elsewhere' }));
      expect(res.status).toBe(200);
    }
    const passedOn = await call(app.url, 'POST', `${DL}/conversations/${d.conversationId}/activities`, { token: d.token, body: { type: 'message', text: 'nå da' } });
    expect(passedOn.status, passedOn.text).toBe(429);
    expect(Number(passedOn.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await history(app.url, d)).some((a) => a.text === 'nå da')).toBe(false);
  });
});

describe('lists that grow with the centre', () => {
  let app: TestApp;
  let connector: FakeConnector;
  let chat: ChatDriver;
  const STAFF = 'demo-ansatt-1';
  let requestId: string;

  beforeAll(async () => {
    connector = await startFakeConnector();
    app = await startTestApp({ env: { WAVE_SIZE: '50', PACE_PER_CONVERSATION_MS: '0' } });
    chat = chatDriver(app, connector);
    await chat.say(STAFF, 'hei');
    // 5 000 persons with consent, 2 000 volunteers who fit a Sentrum visit, and 40 in Ytterkant who never opened the chat.
    await app.db.query(
      `WITH p AS (INSERT INTO persons (centre_id, name, address, phone, district)
                  SELECT 'hamar', 'Person ' || g, 'Gate ' || g, '6' || lpad(g::text, 7, '0'), 'Sentrum' FROM generate_series(1, 5000) g RETURNING id)
       INSERT INTO consents (person_id, basis, given_at, valid_until) SELECT id, 'self', now(), now() + interval '20 days' FROM p`,
    );
    await insertReachableVolunteers(app.db, 2000, connector.url, 'big');
    await app.db.query(
      `WITH m AS (INSERT INTO members (role, name, phone) SELECT 'volunteer', 'Fjern ' || lpad(g::text, 2, '0'), '4' || lpad(g::text, 7, '0') FROM generate_series(1, 40) g RETURNING id)
       , v AS (INSERT INTO volunteers (member_id, status, district, groups, languages, availability, weekly_cap, comfort, approved_at)
         SELECT id, 'approved', 'Ytterkant', ARRAY['besoksvenn'], ARRAY['nb'], $2::jsonb, 7, 'any', now() FROM m RETURNING member_id)
       , c AS (INSERT INTO volunteer_centres (member_id, centre_id) SELECT member_id, 'hamar' FROM v RETURNING member_id)
       INSERT INTO declaration_signatures (member_id, version, signed_at, channel_id, user_id) SELECT member_id, $1, now(), 'dev', 'x' FROM c`,
      [CURRENT_DECLARATION_VERSION, JSON.stringify([1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, fromMinute: 480, toMinute: 1260 })))],
    );
    const [person] = await app.db.query<{ id: string }>(`SELECT id FROM persons WHERE name = 'Gerd Solberg'`);
    await chat.submit(STAFF, {
      action: 'staff.request.submit', personId: person!.id, group: 'besoksvenn', date: osloDate(addDays(new Date(), 3)), time: '12:00', durationMinutes: '60',
      district: 'Sentrum', summary: 'Stor sentral',
    });
    requestId = (await app.db.query<{ id: string }>(`SELECT id FROM help_requests WHERE summary = 'Stor sentral'`))[0]!.id;
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await connector?.close();
  });

  it('the call list shows the first volunteers to ring and says how many more and where to see them', async () => {
    const [reply] = await chat.submit(STAFF, { action: 'staff.request.callList', requestId });
    const text = visibleText(reply!.activity);
    expect(Buffer.byteLength(JSON.stringify(reply!.activity))).toBeLessThan(WELL_UNDER_TEAMS_LIMIT);
    const total = Number(/Viser \d+ av (\d+)/.exec(text)?.[1]);
    expect(total).toBeGreaterThanOrEqual(2000);
    expect(text).toContain(`… og ${total - CALL_LIST_MAX} til som passer`);
    expect(text).toContain('«Frivillige» i menyen');
    expect((text.match(/Tlf\. \d/g) ?? []).length).toBe(CALL_LIST_MAX);
  });

  it('the notice about volunteers who could not be reached names the first ones and counts the rest', async () => {
    const before = connector.captured.length;
    const [person] = await app.db.query<{ id: string }>(`SELECT id FROM persons WHERE name = 'Jon Aas'`);
    await chat.submit(STAFF, {
      action: 'staff.request.submit', personId: person!.id, group: 'besoksvenn', date: osloDate(addDays(new Date(), 3)), time: '13:00', durationMinutes: '60',
      district: 'Ytterkant', summary: 'Ytterkant-besøk',
    });
    // The notice about this request (the one above may still be telling of its own few, later on a loaded machine).
    const aboutThis = (c: (typeof connector.captured)[number]) => c.conversationId === `conv-${STAFF}` && /kunne ikke nås/.test(visibleText(c.activity)) && visibleText(c.activity).includes('Fjern 01');
    await connector.waitFor((cs) => cs.slice(before).some(aboutThis), 30_000);
    const notice = connector.captured.slice(before).find(aboutThis)!;
    const text = visibleText(notice.activity);
    expect(Buffer.byteLength(JSON.stringify(notice.activity))).toBeLessThan(WELL_UNDER_TEAMS_LIMIT);
    expect(text).toContain('40 frivillige fikk ikke tilbudet');
    expect((text.match(/Fjern \d\d/g) ?? []).length).toBe(CALL_LIST_MAX);
    expect(text).toContain(`og ${40 - CALL_LIST_MAX} til`);
  });

  it('the weekly digest is counts, whatever the size of the centre', async () => {
    const before = connector.captured.length;
    await app.queues.upkeep.add('weekly-digest', {}, { jobId: `digest-${Date.now()}` });
    await connector.waitFor((cs) => cs.slice(before).some((c) => c.conversationId === `conv-${STAFF}` && visibleText(c.activity).includes('Ukens oversikt')), 30_000);
    const digest = connector.captured.slice(before).find((c) => c.conversationId === `conv-${STAFF}` && visibleText(c.activity).includes('Ukens oversikt'))!;
    expect(Buffer.byteLength(JSON.stringify(digest.activity))).toBeLessThan(4 * 1024);
    expect(visibleText(digest.activity)).toMatch(/Samtykker som går ut innen 30 dager: 50\d\d\./);
    expect(hasAction(digest.activity, 'menu.show')).toBe(true);
  });
});
