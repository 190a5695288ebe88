// The web chat as one step of each person's channel order (issue 15, sections 1 and 4 together), over
// real HTTP: four volunteers whose web chat pages have been closed for three days, with and without
// «Varsle meg», with and without SMS, and one whose first channel is SMS. A request goes out: a push
// reaches the person, so no SMS follows; a closed page without push keeps the offer for the next visit
// and SMS tells them now; SMS first means SMS only, no push; web chat alone is kept, never «unreachable».
// The same offer then shows in the web chat and answers once, by tap or by code. A notice outside its
// audience is refused before it is rendered for any channel (no SMS, no push).
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
import { enableSms } from '../../infra/channels.ts';
import { normalizeMsisdn } from '../../domain/sms.ts';
import type { FakeSveve } from '../../infra/sms/fake-sveve.ts';
import { osloDate } from '../../domain/time-zone.ts';

const STAFF = 'demo-ansatt-1';
/** Web chat with push; SMS on as a fallback; «der jeg sist var». */
const PUSHED = demoVolunteerId(0);
/** Web chat without push; SMS on as a fallback. */
const KEPT = demoVolunteerId(1);
/** Web chat with push, but SMS first. */
const SMS_FIRST = demoVolunteerId(2);
/** Web chat only, no push. */
const WEB_ONLY = demoVolunteerId(3);
const SUMMARY = 'Kanalrekkefølge: melk og brød';

describe('the web chat in each person\'s channel order', { timeout: 180_000 }, () => {
  const vapid = webpush.generateVAPIDKeys();
  const clock = new VirtualClock();
  let app: TestApp;
  let connector: FakeConnector;
  let chat: ChatDriver;
  let pushService: PushService;
  let fake: FakeSveve;
  const devices: Record<string, TestDevice> = {};
  const conversations: Record<string, DlConversation> = {};
  const member: Record<string, { id: string; number: string }> = {};
  let requestId: string;

  type OfferRow = { id: string; sent_at: Date | null; pushed_at: Date | null; channel_id: string | null; activity_id: string | null; undeliverable: boolean; status: string };
  const offerOf = async (userId: string) =>
    (await app.db.query<OfferRow>('SELECT o.id, od.sent_at, od.pushed_at, od.channel_id, od.activity_id, o.undeliverable, o.status FROM offers o LEFT JOIN offer_deliveries od ON od.offer_id = o.id WHERE o.request_id = $1 AND o.volunteer_id = $2', [requestId, member[userId]!.id]))[0]!;
  const smsAbout = (userId: string, match: RegExp) => fake.thread(member[userId]!.number).filter((m) => m.direction === 'out' && match.test(m.text));
  const pushesTo = (device: string, title: string) => pushService.received.filter((p) => p.deviceId === devices[device]!.id && p.json.title === title);
  const textOf = (activities: DlActivity[]) => activities.map((a) => visibleText(a as unknown as Record<string, unknown>)).join('\n');

  beforeAll(async () => {
    connector = await startFakeConnector();
    pushService = await startPushService();
    app = await startTestApp({
      env: { VAPID_PUBLIC_KEY: vapid.publicKey, VAPID_PRIVATE_KEY: vapid.privateKey, WAVE_SIZE: '100', SMS_PACE_PER_NUMBER_MS: '0' },
      now: clock.now,
      directLine: { now: () => clock.now().getTime() },
    });
    chat = chatDriver(app, connector);
    fake = app.app.devSms!;
    await chat.say(STAFF, 'hei');
    for (const who of [PUSHED, KEPT, SMS_FIRST, WEB_ONLY]) {
      const [m] = await app.db.query<{ id: string; phone: string }>(
        `SELECT m.id, m.phone FROM chat_identities c JOIN members m ON m.id = c.member_id WHERE c.channel_id = 'dev' AND c.user_id = $1`,
        [who],
      );
      member[who] = { id: m!.id, number: normalizeMsisdn(m!.phone)!.slice(1) };
      conversations[who] = await startConversation(app.url, who);
      await until(async () => textOf(await history(app.url, conversations[who]!)).includes('Mine oppdrag'), `${who}'s menu`);
    }
    for (const who of [PUSHED, SMS_FIRST]) {
      devices[who] = pushService.device();
      const res = await call(app.url, 'POST', '/webchat/push/subscriptions', { token: conversations[who]!.token, body: { subscription: devices[who]!.subscription } });
      expect(res.status, res.text).toBe(201);
    }
    expect(await enableSms(app.db, member[PUSHED]!.id, { prefer: false })).toMatchObject({ ok: true });
    expect(await enableSms(app.db, member[KEPT]!.id, { prefer: false })).toMatchObject({ ok: true });
    expect(await enableSms(app.db, member[SMS_FIRST]!.id, { prefer: true })).toMatchObject({ ok: true });
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await connector?.close();
    await pushService?.close();
  });

  it('pushes, or keeps and texts, or texts only, as each person\'s channels say; nobody is «unreachable»', async () => {
    // Three days pass; the pages were closed, so their conversations have ended.
    clock.set(addDays(clock.now(), 3));
    const [person] = await app.db.query<{ id: string }>(`SELECT id FROM persons WHERE name = 'Gerd Solberg'`);
    const before = connector.captured.length;
    await chat.submit(STAFF, {
      action: 'staff.request.submit', personId: person!.id, group: 'handlehjelp', date: osloDate(addDays(clock.now(), 2)), time: '11:00',
      durationMinutes: '60', district: 'Sentrum', summary: SUMMARY,
    });
    requestId = (await app.db.query<{ id: string }>('SELECT id FROM help_requests WHERE summary = $1', [SUMMARY]))[0]!.id;
    await until(async () => {
      const offers = await Promise.all([PUSHED, KEPT, SMS_FIRST, WEB_ONLY].map(offerOf));
      return offers.every((o) => o.sent_at !== null);
    }, 'all four offers recorded as delivered', 60_000);

    // Pushed: the web chat reached them; SMS, their fallback, is not used.
    expect(pushesTo(PUSHED, 'Nytt oppdrag')).toHaveLength(1);
    expect(await offerOf(PUSHED)).toMatchObject({ channel_id: 'webchat', activity_id: null, undeliverable: false });
    expect((await offerOf(PUSHED)).pushed_at).not.toBeNull();
    expect(smsAbout(PUSHED, /Kanalrekkefølge/)).toEqual([]);

    // Page closed and no push: kept for the next visit (no failure recorded against the web chat), and told now by SMS.
    await until(() => smsAbout(KEPT, /Kanalrekkefølge/).length === 1, 'the SMS to the volunteer without push');
    const kept = await offerOf(KEPT);
    expect(kept).toMatchObject({ channel_id: 'sms', undeliverable: false });
    expect(await app.db.query('SELECT channel FROM delivery_failures WHERE message_key = $1', [`offer:${kept.id}`])).toEqual([]);

    // SMS first: the SMS only — the web chat is not tried, nothing is pushed.
    await until(() => smsAbout(SMS_FIRST, /Kanalrekkefølge/).length === 1, 'the SMS to the SMS-first volunteer');
    expect(await offerOf(SMS_FIRST)).toMatchObject({ channel_id: 'sms', pushed_at: null });
    expect(pushesTo(SMS_FIRST, 'Nytt oppdrag')).toEqual([]);

    // Web chat only, no push: kept, delivered, not unreachable.
    expect(await offerOf(WEB_ONLY)).toMatchObject({ channel_id: 'webchat', activity_id: null, pushed_at: null, undeliverable: false });
    expect(smsAbout(WEB_ONLY, /./)).toEqual([]);

    // Staff's «kunne ikke nås» (others of the centre never started a chat) names none of them.
    await connector.waitFor((cs) => cs.slice(before).some((c) => c.conversationId === `conv-${STAFF}` && /kunne ikke nås/.test(visibleText(c.activity))), 20_000);
    const told = connector.captured.slice(before).filter((c) => /kunne ikke nås/.test(visibleText(c.activity))).map((c) => visibleText(c.activity)).join('\n');
    for (const i of [0, 1, 2, 3]) expect(told).not.toContain(demoVolunteerName(i));
    expect(await app.db.query(`SELECT 1 FROM chat_identities WHERE member_id = ANY($1::uuid[]) AND unreachable_at IS NOT NULL`, [Object.values(member).map((m) => m.id)])).toEqual([]);
  });

  it('shows the offer told by SMS in the web chat too, and it is answered once, by tap or by code', async () => {
    const offer = await offerOf(KEPT);
    const code = /Svar JA (\d{4}) for å ta det\./.exec(smsAbout(KEPT, /Kanalrekkefølge/)[0]!.text)![1];
    // Back in the web chat: what is open for them now, this offer with live buttons.
    const c = await startConversation(app.url, KEPT);
    let card: DlActivity | undefined;
    await until(async () => {
      card = (await history(app.url, c)).filter((a) => JSON.stringify(a.attachments ?? []).includes(`"offerId":"${offer.id}"`)).at(-1);
      return card !== undefined;
    }, 'the offer in «Dette venter på deg»');
    expect(textOf(await history(app.url, c))).toContain('Dette venter på deg');
    expect(JSON.stringify(card!.attachments)).toContain('offer.accept');
    const accepted = await call(app.url, 'POST', `/v3/directline/conversations/${c.conversationId}/activities`, {
      token: c.token,
      body: { type: 'message', value: { action: 'offer.accept', offerId: offer.id }, replyToId: card!.id },
    });
    expect(accepted.status).toBe(200);
    await until(async () => textOf(await history(app.url, c)).includes('Gerd Solberg'), 'the task details in the web chat');

    // The code in their SMS now finds the task already theirs; the SMS-first volunteer is too late.
    const sentBefore = smsAbout(KEPT, /./).length;
    await fake.reply(member[KEPT]!.number, `JA ${code}`);
    await until(() => smsAbout(KEPT, /./).length > sentBefore, 'the answer to «JA» by SMS');
    const late = /Svar JA (\d{4}) for å ta det\./.exec(smsAbout(SMS_FIRST, /Kanalrekkefølge/)[0]!.text)![1];
    await fake.reply(member[SMS_FIRST]!.number, `JA ${late}`);
    await until(() => smsAbout(SMS_FIRST, /Noen andre rakk det før deg/).length === 1, 'the SMS-first volunteer told it is taken');
    const assignments = await app.db.query<{ volunteer_id: string }>(`SELECT volunteer_id FROM assignments WHERE request_id = $1 AND status = 'active'`, [requestId]);
    expect(assignments).toEqual([{ volunteer_id: member[KEPT]!.id }]);
    // The kept offer was never a second, live copy for anyone: the web chat no longer lists it.
    const again = await startConversation(app.url, WEB_ONLY);
    await until(async () => textOf(await history(app.url, again)).includes('Mine oppdrag'), 'the menu');
    expect(JSON.stringify(await history(app.url, again))).not.toContain(`"action":"offer.accept"`);
  });

  it('refuses a notice outside its audience before it is rendered for any channel: no SMS, no push', async () => {
    const sms = fake.thread(member[SMS_FIRST]!.number).length;
    const pushes = pushService.received.length;
    const job = { kind: 'notify' as const, memberId: member[SMS_FIRST]!.id, message: 'staff.requestTaken' as const, refId: requestId, event: 'test' };
    await app.queues.send.add('notify', job, { jobId: 'test-audience-guard' });
    await until(async () => (await app.queues.send.getJob('test-audience-guard'))?.finishedOn !== undefined, 'the job to finish');
    expect((await app.queues.send.getJob('test-audience-guard'))!.returnvalue).toBe('skipped');
    await fake.settled();
    expect(fake.thread(member[SMS_FIRST]!.number)).toHaveLength(sms);
    expect(pushService.received).toHaveLength(pushes);
  });
});
