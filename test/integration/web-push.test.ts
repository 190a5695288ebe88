// Reaching web chat volunteers whose page is closed, over real HTTP with a real push service on
// loopback: they turn «Varsle meg» on for their devices; three days later (test clock) their chat
// conversation has long ended, staff post a request, and the offer arrives as an encrypted push (VAPID
// checked, payload decrypted with the device's own keys, scanned for personal details) on every device
// — devices the push service has forgotten (404/410) are removed — and is kept for their next visit.
// The volunteer opens the chat from the notification and takes the offer; the others' notifications
// turn into «Oppdraget er tatt», and staff are told the same way.
import { addDays } from 'date-fns';
import webpush from 'web-push';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, VirtualClock, type TestApp } from '../support/app.ts';
import { startFakeConnector, visibleText, type FakeConnector } from '../support/fake-connector.ts';
import { chatDriver, type ChatDriver } from '../support/chat.ts';
import { call, history, startConversation, type DlActivity, type DlConversation } from '../support/directline-client.ts';
import { until } from '../support/wait.ts';
import { startPushService, type PushService, type TestDevice } from '../support/push-service.ts';
import { demoVolunteerId, demoVolunteerName } from '../../infra/seed-demo.ts';
import { findPersonalData } from '../../domain/confidentiality.ts';
import { privateDetails } from '../../infra/request-row.ts';
import { osloDate } from '../../domain/time-zone.ts';

const STAFF = 'demo-ansatt-1';
const AWAY = demoVolunteerId(0);
const OTHER = demoVolunteerId(1);
const NO_PUSH = demoVolunteerId(2);
const SUMMARY = 'Handleliste: melk, brød og kaffe';
const NOTE = 'Nøkkelen ligger under matta';

describe('a web chat volunteer whose page has been closed for three days', { timeout: 120_000 }, () => {
  const vapid = webpush.generateVAPIDKeys();
  const clock = new VirtualClock();
  let app: TestApp;
  let connector: FakeConnector;
  let chat: ChatDriver;
  let pushService: PushService;
  const devices: Record<string, TestDevice> = {};
  const conversations: Record<string, DlConversation> = {};
  let requestId: string;
  let offerOf: (userId: string) => Promise<{ id: string; sent_at: Date | null; pushed_at: Date | null; activity_id: string | null; undeliverable: boolean; status: string }>;

  const subscribe = async (c: { token: string }, device: TestDevice) => {
    const res = await call(app.url, 'POST', '/webchat/push/subscriptions', { token: c.token, body: { subscription: device.subscription } });
    expect(res.status, res.text).toBe(201);
  };
  const cardsIn = (activities: DlActivity[]) => activities.filter((a) => (a.attachments ?? []).length > 0);
  const textOf = (activities: DlActivity[]) => activities.map((a) => visibleText(a as unknown as Record<string, unknown>)).join('\n');

  beforeAll(async () => {
    connector = await startFakeConnector();
    pushService = await startPushService();
    app = await startTestApp({
      env: { VAPID_PUBLIC_KEY: vapid.publicKey, VAPID_PRIVATE_KEY: vapid.privateKey, VAPID_SUBJECT: 'mailto:personvern@dugnad.invalid', WAVE_SIZE: '100' },
      now: clock.now,
      directLine: { now: () => clock.now().getTime() },
    });
    chat = chatDriver(app, connector);
    offerOf = async (userId) =>
      (await app.db.query<{ id: string; sent_at: Date | null; pushed_at: Date | null; activity_id: string | null; undeliverable: boolean; status: string }>(
        `SELECT o.id, od.sent_at, od.pushed_at, od.activity_id, o.undeliverable, o.status FROM offers o LEFT JOIN offer_deliveries od ON od.offer_id = o.id
           JOIN chat_identities c ON c.member_id = o.volunteer_id AND c.channel_id = 'dev' AND c.user_id = $2
          WHERE o.request_id = $1`,
        [requestId, userId],
      ))[0]!;
  }, 90_000);

  afterAll(async () => {
    await app?.close();
    await connector?.close();
    await pushService?.close();
  });

  it('turns «Varsle meg» on for several devices', async () => {
    await chat.say(STAFF, 'hei');
    for (const who of [AWAY, OTHER, NO_PUSH]) {
      conversations[who] = await startConversation(app.url, who);
      await until(async () => textOf(await history(app.url, conversations[who]!)).includes('Mine oppdrag'), `${who}'s menu`);
    }
    devices.phone = pushService.device();
    devices.tablet = pushService.device();
    devices.revoked = pushService.device();
    devices.expired = pushService.device();
    devices.other = pushService.device();
    devices.staff = pushService.device();
    for (const d of ['phone', 'tablet', 'revoked', 'expired'] as const) await subscribe(conversations[AWAY]!, devices[d]!);
    await subscribe(conversations[OTHER]!, devices.other!);
    const staffToken = await call(app.url, 'POST', '/v3/directline/tokens/generate', { body: { user: { id: STAFF, name: STAFF } } });
    await subscribe({ token: staffToken.body.token as string }, devices.staff!);

    // The page lets the tap through with what came of it; the bot answers in the person's words.
    const posted = await call(app.url, 'POST', `/v3/directline/conversations/${conversations[AWAY]!.conversationId}/activities`, {
      token: conversations[AWAY]!.token,
      body: { type: 'message', value: { action: 'push.enable', result: 'on' } },
    });
    expect(posted.status).toBe(200);
    await until(async () => textOf(await history(app.url, conversations[AWAY]!)).includes('Varsler er slått på for denne enheten'), 'the «on» answer');
    expect(textOf(await history(app.url, conversations[AWAY]!))).toContain('4 enhet');

    // Nobody else's token adds a device to this person, and no token adds nothing.
    expect((await call(app.url, 'POST', '/webchat/push/subscriptions', { body: { subscription: pushService.device().subscription } })).status).toBe(401);
    const forged = await call(app.url, 'POST', '/webchat/push/subscriptions', { token: 'dl1.e30.AAAA', body: { subscription: pushService.device().subscription } });
    expect(forged.status).toBe(401);
    expect((await app.db.query('SELECT 1 FROM push_subscriptions')).length).toBe(6);
  });

  it('delivers the offer by push to every device, redacted, and keeps it: not «unreachable»', async () => {
    // Three days pass; the pages were closed, so their conversations have ended.
    clock.set(addDays(clock.now(), 3));
    const rejoin = await call(app.url, 'POST', '/v3/directline/tokens/generate', { body: { user: { id: AWAY, name: AWAY }, conversationId: conversations[AWAY]!.conversationId } });
    expect(rejoin.body.conversationId).toBeUndefined();
    pushService.answer(devices.revoked!.id, 410);
    pushService.answer(devices.expired!.id, 404);

    const [person] = await app.db.query<{ id: string }>(`SELECT id FROM persons WHERE name = 'Gerd Solberg'`);
    const before = connector.captured.length;
    await chat.submit(STAFF, {
      action: 'staff.request.submit', personId: person!.id, group: 'handlehjelp', date: osloDate(addDays(clock.now(), 2)), time: '11:00',
      durationMinutes: '60', district: 'Sentrum', summary: SUMMARY, handoverNote: NOTE,
    });
    requestId = (await app.db.query<{ id: string }>('SELECT id FROM help_requests WHERE summary = $1', [SUMMARY]))[0]!.id;
    const details = (await privateDetails(app.db, requestId))!;

    await pushService.waitFor((r) => ['phone', 'tablet', 'other'].every((d) => r.some((p) => p.deviceId === devices[d]!.id && p.json.title === 'Nytt oppdrag')));
    const offers = pushService.received.filter((p) => p.json.title === 'Nytt oppdrag');
    expect(offers).toHaveLength(3);
    // The worker records the delivery once the pushes are out: the push service hears of it first.
    await until(async () => (await offerOf(AWAY)).pushed_at !== null, 'the offer recorded as pushed');
    const away = await offerOf(AWAY);
    for (const push of offers) {
      expect(push.vapidKey).toBe(vapid.publicKey);
      expect(push.claims.aud).toBe(pushService.url);
      expect(push.claims.sub).toBe('mailto:personvern@dugnad.invalid');
      expect(push.headers.urgency).toBe('normal');
      expect(Number(push.headers.ttl)).toBeGreaterThan(0);
      // What, where (area) and when — nothing about who, where exactly, or the notes.
      expect(push.json.body).toMatch(/^Handlehjelp i Sentrum, /);
      expect(findPersonalData(push.text, details)).toEqual([]);
      expect(push.text).not.toContain(SUMMARY);
      expect(push.text).not.toContain(NOTE);
      expect(push.json.lang).toBe('nb');
    }
    const phone = offers.find((p) => p.deviceId === devices.phone!.id)!;
    expect(phone.json).toMatchObject({ tag: `offer-${away.id}`, url: `/?open=offer.${away.id}`, silent: false });

    // Devices the push service no longer knows are forgotten; the others stay.
    await until(async () => (await app.db.query('SELECT 1 FROM push_subscriptions WHERE endpoint = ANY($1)', [[devices.revoked!.subscription.endpoint, devices.expired!.subscription.endpoint]])).length === 0, 'gone devices removed');
    expect((await app.db.query('SELECT 1 FROM push_subscriptions WHERE endpoint = ANY($1)', [[devices.phone!.subscription.endpoint, devices.tablet!.subscription.endpoint]])).length).toBe(2);

    // Kept for the next visit, not marked unreachable, and not in staff's «could not reach» list.
    expect(away).toMatchObject({ undeliverable: false, activity_id: null, status: 'pending' });
    expect(away.sent_at).not.toBeNull();
    expect(away.pushed_at).not.toBeNull();
    await until(async () => (await offerOf(NO_PUSH)).sent_at !== null, 'the offer kept for the volunteer without push');
    expect(await offerOf(NO_PUSH)).toMatchObject({ undeliverable: false, pushed_at: null, activity_id: null });
    const marked = await app.db.query(`SELECT user_id FROM chat_identities WHERE channel_id = 'webchat' AND user_id = ANY($1) AND unreachable_at IS NOT NULL`, [[AWAY, OTHER, NO_PUSH]]);
    expect(marked).toEqual([]);
    await connector.waitFor((cs) => cs.slice(before).some((c) => /blokkert|nådd/i.test(visibleText(c.activity))), 20_000);
    const unreachable = connector.captured.slice(before).filter((c) => /blokkert|nådd/i.test(visibleText(c.activity))).map((c) => visibleText(c.activity)).join('\n');
    for (const i of [0, 1, 2]) expect(unreachable).not.toContain(demoVolunteerName(i));
  });

  it('opens the chat at the offer from the notification, and the first to answer gets it', async () => {
    const away = await offerOf(AWAY);
    const c = await startConversation(app.url, AWAY, { open: `offer.${away.id}` });
    let offerCard: DlActivity | undefined;
    await until(async () => {
      const all = await history(app.url, c);
      offerCard = cardsIn(all).filter((a) => JSON.stringify(a.attachments).includes(`"offerId":"${away.id}"`)).at(-1);
      return offerCard !== undefined;
    }, 'the offer card in the new conversation');
    const all = await history(app.url, c);
    expect(textOf(all)).toContain('Dette venter på deg');
    // The offer a notification was for is the last card: where the chat scrolls to.
    expect(cardsIn(all).at(-1)!.id).toBe(offerCard!.id);
    expect(JSON.stringify(offerCard!.attachments)).toContain('offer.accept');
    expect(textOf([offerCard!])).not.toContain('Gerd');

    const accepted = await call(app.url, 'POST', `/v3/directline/conversations/${c.conversationId}/activities`, {
      token: c.token,
      body: { type: 'message', value: { action: 'offer.accept', offerId: away.id }, replyToId: offerCard!.id },
    });
    expect(accepted.status).toBe(200);
    await until(async () => textOf(await history(app.url, c)).includes('Gerd Solberg'), 'the task details');
    const [request] = await app.db.query<{ status: string; assigned: string }>(
      `SELECT r.status, c.user_id AS assigned FROM help_requests r JOIN chat_identities c ON c.member_id = r.assigned_volunteer_id AND c.channel_id = 'dev' WHERE r.id = $1`,
      [requestId],
    );
    expect(request).toEqual({ status: 'taken', assigned: AWAY });

    // The other volunteer's notification now says it is taken (same tag, no sound) …
    const other = await offerOf(OTHER);
    await pushService.waitFor((r) => r.some((p) => p.deviceId === devices.other!.id && p.json.tag === `offer-${other.id}` && p.json.title === 'Oppdraget er tatt — takk!'));
    expect(pushService.received.find((p) => p.deviceId === devices.other!.id && p.json.title === 'Oppdraget er tatt — takk!')!.json.silent).toBe(true);
    // … and staff hear «Oppdraget er tatt» by push too: what and when, not who.
    await pushService.waitFor((r) => r.some((p) => p.deviceId === devices.staff!.id && p.json.title === 'Oppdraget er tatt'));
    const staffPush = pushService.received.find((p) => p.deviceId === devices.staff!.id && p.json.title === 'Oppdraget er tatt')!;
    expect(staffPush.json.body).toMatch(/^Handlehjelp .*en frivillig kommer\.$/);
    expect(staffPush.text).not.toContain(demoVolunteerName(0).split(' ')[0]!);
    expect(findPersonalData(staffPush.text, (await privateDetails(app.db, requestId))!)).toEqual([]);
    // The winner's own devices got no «taken» notice about their own task.
    expect(pushService.received.filter((p) => [devices.phone!.id, devices.tablet!.id].includes(p.deviceId) && p.json.title === 'Oppdraget er tatt — takk!')).toEqual([]);
    expect(pushService.rejected).toEqual([]);

    // The day-before reminder carries the details in the chat, but its push says only what and when.
    const [assignment] = await app.db.query<{ id: string; volunteer_id: string }>(`SELECT id, volunteer_id FROM assignments WHERE request_id = $1 AND status = 'active'`, [requestId]);
    const reminder = { kind: 'notify' as const, memberId: assignment!.volunteer_id, message: 'volunteer.reminder' as const, refId: assignment!.id, variant: '1440' };
    await app.queues.send.add('notify', reminder, { jobId: `test-reminder-${assignment!.id}` });
    await pushService.waitFor((r) => r.filter((p) => [devices.phone!.id, devices.tablet!.id].includes(p.deviceId) && p.json.title === 'Påminnelse').length === 2);
    for (const push of pushService.received.filter((p) => p.json.title === 'Påminnelse')) {
      expect(push.json.body).toMatch(/^Handlehjelp i Sentrum, /);
      expect(findPersonalData(push.text, (await privateDetails(app.db, requestId))!)).toEqual([]);
      expect(push.text).not.toContain(NOTE);
    }
  });

  it('offers a caregiver «Varsler» in the menu', async () => {
    const c = await startConversation(app.url, 'demo-parorende-1');
    await until(async () => textOf(await history(app.url, c)).includes('Varsler'), 'the caregiver menu');
    await call(app.url, 'POST', `/v3/directline/conversations/${c.conversationId}/activities`, { token: c.token, body: { type: 'message', value: { action: 'push.status' } } });
    await until(async () => textOf(await history(app.url, c)).includes('Varsler på telefonen'), 'the notification settings');
    expect(JSON.stringify(cardsIn(await history(app.url, c)).at(-1)!.attachments)).toContain('"action":"push.enable"');
  });

  it('«Slå av varsler» forgets every device of the person', async () => {
    const c = await startConversation(app.url, OTHER);
    await call(app.url, 'POST', `/v3/directline/conversations/${c.conversationId}/activities`, { token: c.token, body: { type: 'message', value: { action: 'push.disable' } } });
    await until(async () => textOf(await history(app.url, c)).includes('Varsler er slått av på alle enhetene dine'), 'the «off» answer');
    expect(await app.db.query('SELECT 1 FROM push_subscriptions WHERE endpoint = $1', [devices.other!.subscription.endpoint])).toEqual([]);
  });
});
