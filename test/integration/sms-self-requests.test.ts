// Issue 19 by SMS, over the wire: a phone the centre has never heard of writes «Jeg trenger
// handlehjelp på fredag» to the fake Sveve, which posts it to our webhook exactly as Sveve does; the
// answers come back through the fake gateway's outbox. A few short questions (name, address, area,
// consent in plain words), then the part of the day the first message did not say; the result is the
// same person (consent basis self) and the same request the chat's form makes. With the centre's
// confirmation on, the person is told the centre will call; staff confirm; the offer goes out redacted
// to the volunteers; one takes it; the person gets «‹fornavn› kommer fredag …», the reminder the day
// before (confirms with «JA ‹kode›»), and says how it went (the comment reaches staff only). A leak
// scan of everything the person and the other volunteers received. Then: English on request, a
// person helped who asks again in one message, an unknown number capped at a few replies a day, a
// «NEI» to the consent keeping nothing, and an unfinished sign-up forgotten by the daily upkeep.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, addMinutes } from 'date-fns';
import { startTestApp, VirtualClock, type TestApp } from '../support/app.ts';
import { scheduledJob } from '../support/jobs.ts';
import { startFakeConnector, visibleText, type Captured, type FakeConnector } from '../support/fake-connector.ts';
import { chatDriver, hasAction, type ChatDriver } from '../support/chat.ts';
import { until } from '../support/wait.ts';
import { nextWednesdayMorning } from '../support/week.ts';
import { demoVolunteerId } from '../../infra/seed-demo.ts';
import { privateDetails } from '../../infra/request-row.ts';
import { findPersonalData } from '../../domain/confidentiality.ts';
import { addDaysToDate } from '../../domain/series.ts';
import { processSend } from '../../jobs/send.ts';
import { PaceError } from '../../jobs/conversation.ts';
import { channelDeps } from '../../jobs/reach.ts';
import { createLogger } from '../../infra/log.ts';
import { createMessenger, anonymousTokens } from '../../infra/connector.ts';
import { t as message } from '../../adaptive-cards/texts.ts';
import type { FakeSveve } from '../../infra/sms/fake-sveve.ts';
import { toGsmFriendly } from '../../domain/sms.ts';
import { osloDate, osloWallClock } from '../../domain/time-zone.ts';

let app: TestApp;
let connector: FakeConnector;
let chat: ChatDriver;
let fake: FakeSveve;
const clock = new VirtualClock();
const COORDINATOR = 'demo-ansatt-1';
const VOLUNTEERS = Array.from({ length: 6 }, (_, i) => demoVolunteerId(i));
/** Sigrid's phone, as Sveve writes numbers. */
const SIGRID = '4791112233';
const ADDRESS = 'Fjellvegen 31, 2322 Ridabu';
const COMMENT = 'Hun kom for sent og glemte melken';
const UNKNOWN_PER_DAY = 8;
/** A message as it arrives by SMS (quotes and dashes made GSM-friendly on the way). */
const t = (...args: Parameters<typeof message>) => toGsmFriendly(message(...args));

const conv = (userId: string) => `conv-${userId}`;
const since = (n: number) => connector.captured.slice(n);
const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));
const textIn = (cs: Captured[], userId: string) => cs.filter((c) => c.conversationId === conv(userId)).map((c) => visibleText(c.activity)).join('\n');
const outTo = (number: string) => fake.thread(number).filter((m) => m.direction === 'out').map((m) => m.text);

/** Sends an SMS from `number` and waits for the `n`th answer to it (counted from the start of its thread). */
async function text(number: string, body: string): Promise<string> {
  const before = outTo(number).length;
  expect(await fake.reply(number, body)).toBe(200);
  await until(() => outTo(number).length > before, `an answer to «${body}»`);
  return outTo(number).slice(before).join('\n');
}

let friday: string;
let requestId: string;
let personId: string;
let assignmentId: string;
let winner: { userId: string; name: string; phone: string };

beforeAll(async () => {
  const week = nextWednesdayMorning();
  clock.set(week.at);
  friday = week.friday;
  connector = await startFakeConnector();
  app = await startTestApp({ env: { WAVE_SIZE: '1000', SMS_PACE_PER_NUMBER_MS: '0', SMS_UNKNOWN_REPLIES_PER_DAY: String(UNKNOWN_PER_DAY) }, now: clock.now });
  chat = chatDriver(app, connector);
  fake = app.app.devSms!;
  for (const v of VOLUNTEERS) await chat.say(v, 'hei');
  await chat.say(COORDINATOR, 'hei');
  await chat.submit(COORDINATOR, { action: 'staff.self.setting', on: 'true' });
});
afterAll(async () => {
  await app?.close();
  await connector?.close();
});

describe('a person who needs a hand asks by SMS', () => {
  it('an unknown number that asks is answered with short questions; nothing is a person until they consent', async () => {
    const first = await text(SIGRID, 'Jeg trenger handlehjelp på fredag');
    expect(first).toContain(t('nb', 'smsAsk.welcome'));
    expect(first).toContain(t('nb', 'smsAsk.ask.name'));
    expect(await text(SIGRID, 'Sigrid Holm')).toContain('Takk, Sigrid. Hvilken adresse');
    expect(await text(SIGRID, ADDRESS)).toContain(t('nb', 'smsAsk.ask.district'));
    const consent = await text(SIGRID, 'Sentrum');
    // In plain words: what is stored, who sees it, for how long.
    expect(consent).toMatch(/Vi lagrer navnet, nummeret, adressen/);
    expect(consent).toMatch(/Den frivillige som kommer, ser navn, adresse og nummer/);
    expect(consent).toMatch(/Samtykket gjelder i 12 måneder/);
    expect(consent).toContain('Svar JA');
    // Until then: only the unfinished conversation, no person, no member.
    expect(await app.db.query(`SELECT 1 FROM persons WHERE address = $1`, [ADDRESS])).toEqual([]);
    expect(await app.db.query(`SELECT 1 FROM sms_conversations WHERE msisdn = '+${SIGRID}'`)).toHaveLength(1);
  });

  it('after «JA» asks only what the first message did not say (the part of the day), then makes the same request as the chat', async () => {
    expect(await text(SIGRID, 'ja')).toContain(t('nb', 'smsAsk.ask.part'));
    const done = await text(SIGRID, '2');
    // With the centre's confirmation on, told plainly that the centre will call.
    expect(done).toMatch(/Takk, Sigrid! Det du ba om \(Handle, fredag .*kl\. 13.*\) er lagret\. Frivilligsentralen ringer deg snart/);
    const [p] = await app.db.query<{ id: string; name: string; phone: string; district: string; consent_basis: string }>(
      `SELECT p.id, p.name, p.phone, p.district, c.basis AS consent_basis FROM persons p JOIN consents c ON c.person_id = p.id WHERE p.address = $1`,
      [ADDRESS],
    );
    expect(p).toMatchObject({ name: 'Sigrid Holm', phone: `+${SIGRID}`, district: 'Sentrum', consent_basis: 'self' });
    personId = p!.id;
    const [m] = await app.db.query<{ id: string; role: string; preferred_channel: string }>('SELECT id, role, preferred_channel FROM members WHERE person_id = $1', [personId]);
    expect(m).toMatchObject({ role: 'person', preferred_channel: 'sms' });
    const [r] = await app.db.query<{ id: string; status: string; created_by: string; group_key: string; starts_at: Date; handover_note: string | null }>(
      `SELECT id, status, created_by, group_key, starts_at, handover_note FROM help_requests WHERE person_id = $1`,
      [personId],
    );
    // What the chat's form makes of «handle», fredag, ettermiddag; held until the centre has called.
    expect(r).toMatchObject({ status: 'waiting_consent', created_by: m!.id, group_key: 'handlehjelp', handover_note: null });
    expect(r!.starts_at).toEqual(osloWallClock(friday, '13:00'));
    expect(await app.db.query('SELECT 1 FROM offers WHERE request_id = $1', [r!.id])).toHaveLength(0);
    requestId = r!.id;
    // The conversation is over: nothing is kept of it.
    expect(await app.db.query(`SELECT 1 FROM sms_conversations`)).toEqual([]);
  });

  it('staff confirm after the call; the person is told by SMS; the offer goes out redacted', async () => {
    const staffCard = await until(() => textIn(connector.captured, COORDINATOR).includes(t('nb', 'self.staffTitle')), 'the staff card');
    void staffCard;
    const before = connector.captured.length;
    await chat.submit(COORDINATOR, { action: 'staff.link.confirm', personId });
    await until(() => outTo(SIGRID).some((m) => m.includes(t('nb', 'self.linkConfirmed'))), 'the confirmation by SMS');
    await until(() => VOLUNTEERS.filter((v) => since(before).some((c) => c.conversationId === conv(v) && hasAction(c.activity, 'offer.accept'))).length >= 3, 'the offers');
    const details = (await privateDetails(app.db, requestId))!;
    for (const c of since(before).filter((x) => VOLUNTEERS.some((v) => x.conversationId === conv(v)) && hasAction(x.activity, 'offer.accept'))) {
      expect(findPersonalData(visibleText(c.activity), details)).toEqual([]);
      expect(visibleText(c.activity)).toContain('Handlehjelp');
    }
  });

  it('a volunteer takes it; the person gets «‹fornavn› kommer fredag …» by SMS', async () => {
    const [o] = await app.db.query<{ id: string; user_id: string; name: string; phone: string }>(
      `SELECT o.id, c.user_id, m.name, m.phone FROM offers o JOIN chat_identities c ON c.member_id = o.volunteer_id AND c.channel_id = 'webchat'
         JOIN members m ON m.id = o.volunteer_id WHERE o.request_id = $1 AND o.status = 'pending' ORDER BY c.user_id LIMIT 1`,
      [requestId],
    );
    winner = { userId: o!.user_id, name: o!.name, phone: o!.phone };
    const accepted = (await chat.submit(winner.userId, { action: 'offer.accept', offerId: o!.id })).map((c) => visibleText(c.activity)).join('\n');
    expect(accepted).toContain('Sigrid Holm');
    const first = winner.name.split(' ')[0]!;
    await until(() => outTo(SIGRID).some((m) => m.includes(`${first} kommer fredag`)), 'the «kommer» SMS');
    assignmentId = (await app.db.query<{ id: string }>(`SELECT id FROM assignments WHERE request_id = $1 AND status = 'active'`, [requestId]))[0]!.id;
  });

  it('the day before, the person is reminded by SMS and confirms with «JA ‹kode›»', async () => {
    const remind = await scheduledJob(app, 'timers', `remind-${assignmentId}-1440-`);
    expect(remind, 'the day-before reminder is scheduled').toBeDefined();
    await remind!.promote();
    await until(() => outTo(SIGRID).some((m) => /kommer fredag/.test(m) && /JA \d{4}/.test(m)), 'the reminder by SMS');
    const reminder = outTo(SIGRID).find((m) => /JA \d{4}/.test(m))!;
    expect(reminder).toMatch(/AVLYS \d{4}/);
    const code = /JA (\d{4})/.exec(reminder)![1]!;
    expect(await text(SIGRID, `JA ${code}`)).toContain(t('nb', 'caregiver.visitConfirmed'));
    expect((await app.db.query<{ at: Date | null }>('SELECT caregiver_confirmed_at AS at FROM assignments WHERE id = $1', [assignmentId]))[0]!.at).not.toBeNull();
  });

  it('after the visit the person says by SMS how it went; the comment reaches staff only', async () => {
    clock.set(addMinutes(osloWallClock(friday, '13:00'), 150));
    await chat.submit(winner.userId, { action: 'assignment.done', assignmentId, hours: '1.5' });
    await until(() => outTo(SIGRID).some((m) => m.includes(t('nb', 'feedback.notGood'))), 'the feedback question by SMS');
    const question = [...outTo(SIGRID)].reverse().find((m) => m.includes(t('nb', 'feedback.notGood')))!;
    // «Ikke bra» is the second answer; what follows the code is the comment.
    const answer = new RegExp(`Svar (\\d \\d{4})[^\\n]*${t('nb', 'feedback.notGood')}`).exec(question)?.[1];
    expect(answer, question).toBeDefined();
    const staffBefore = connector.captured.length;
    expect(await text(SIGRID, `${answer} ${COMMENT}`)).toContain(t('nb', 'feedback.thanksNotGood'));
    await until(() => textIn(since(staffBefore), COORDINATOR).includes(COMMENT), 'the comment to staff');
    expect(await app.db.query<{ rating: string }>('SELECT rating FROM visit_feedback WHERE assignment_id = $1', [assignmentId])).toEqual([{ rating: 'not_good' }]);
  });

  it('a scan of everything the person and the other volunteers received finds nothing they should not see', async () => {
    await sleep(300);
    const details = (await privateDetails(app.db, requestId))!;
    const person = outTo(SIGRID).join('\n');
    const [surname] = winner.name.split(' ').slice(-1);
    const offered = await app.db.query<{ name: string }>(`SELECT m.name FROM offers o JOIN members m ON m.id = o.volunteer_id WHERE o.request_id = $1`, [requestId]);
    const others = await app.db.query<{ name: string; address: string }>(`SELECT name, address FROM persons WHERE id <> $1 AND name IS NOT NULL`, [personId]);
    const never = [
      surname!, winner.phone, 'Bare ansatte', 'har tatt oppdraget', 'kunne ikke nås', 'Ingen har tatt oppdraget', 'Tilbakemelding fra bruker', t('nb', 'self.staffTitle'),
      ...offered.filter((o) => o.name !== winner.name).map((o) => o.name),
      ...others.flatMap((o) => [o.name, o.address]),
    ];
    for (const secret of never) expect(person, `the person received «${secret}»`).not.toContain(secret);
    for (const v of VOLUNTEERS) {
      const received = connector.captured.filter((c) => c.conversationId === conv(v));
      const scanned = v === winner.userId ? received.filter((c) => hasAction(c.activity, 'offer.accept') && c.method === 'POST') : received;
      for (const c of scanned) expect(findPersonalData(visibleText(c.activity), details), `${v}: ${visibleText(c.activity).slice(0, 200)}`).toEqual([]);
      expect(textIn(connector.captured, v)).not.toContain(COMMENT);
    }
  });

  it('a notice to the person at night waits for the morning; a staff-only notice never reaches them', async () => {
    const [m] = await app.db.query<{ id: string }>('SELECT id FROM members WHERE person_id = $1', [personId]);
    const night = osloWallClock(friday, '23:30');
    const deps = {
      db: app.db, queues: app.queues, log: createLogger('silent'), now: () => night,
      messenger: createMessenger({ tokens: anonymousTokens, allowedHosts: null }),
      // The centre's quiet hours (the test app runs without them, so its other sends are not held).
      channels: { ...channelDeps(app.config), quietStart: '21:00', quietEnd: '08:00' },
    };
    const before = outTo(SIGRID).length;
    const held = await processSend(deps, { kind: 'notify', memberId: m!.id, message: 'caregiver.linkDecided', refId: personId, event: 'night' }).catch((e: unknown) => e);
    expect(held).toBeInstanceOf(PaceError);
    expect(night.getTime() + (held as PaceError).waitMs).toBe(osloWallClock(addDaysToDate(friday, 1), '08:00').getTime());
    // Addressed to her by mistake, a staff notice is refused before any channel renders it.
    expect(await processSend({ ...deps, now: () => osloWallClock(friday, '16:00') }, { kind: 'notify', memberId: m!.id, message: 'staff.feedback', refId: assignmentId })).toBe('skipped');
    await sleep(300);
    expect(outTo(SIGRID)).toHaveLength(before);
  });

  it('a person helped asks again in one message: what and when understood, no questions', async () => {
    const again = await text(SIGRID, 'Kan noen gå en tur med meg i morgen formiddag?');
    expect(again).toMatch(/Takk, Sigrid! Vi leter etter en frivillig: En tur, /);
    expect(await app.db.query(`SELECT 1 FROM help_requests WHERE person_id = $1`, [personId])).toHaveLength(2);
    // «takk» after a notice is not a new request.
    expect(await text(SIGRID, 'Takk skal du ha')).toContain(t('nb', 'smsAsk.help'));
  });
});

describe('numbers we do not know', () => {
  it('answers in English when asked to', async () => {
    const number = '4791112244';
    expect(await text(number, 'I need someone to visit me')).toContain('Reply ENGLISH for English');
    const english = await text(number, 'ENGLISH');
    expect(english).toContain(t('en', 'smsAsk.welcome'));
    expect(english).toContain(t('en', 'smsAsk.ask.name'));
    expect(await text(number, 'Per Hansen')).toContain('Thank you, Per. Which address');
  });

  it('a «NEI» to the consent keeps nothing', async () => {
    const number = '4791112255';
    await text(number, 'Trenger hjelp med PC-en');
    await text(number, 'Ola Berg');
    await text(number, 'Vangsvegen 9');
    await text(number, 'Vang');
    expect(await text(number, 'nei')).toContain(t('nb', 'smsAsk.declined'));
    expect(await app.db.query(`SELECT 1 FROM sms_conversations WHERE msisdn = '+${number}'`)).toEqual([]);
    expect(await app.db.query(`SELECT 1 FROM persons WHERE address = 'Vangsvegen 9'`)).toEqual([]);
  });

  it('answers an unknown number a few times a day at most, so the SMS budget cannot be drained', async () => {
    const number = '4791112266';
    for (let i = 0; i < UNKNOWN_PER_DAY + 4; i++) expect(await fake.reply(number, `hei ${i}`)).toBe(200);
    await until(() => outTo(number).length >= UNKNOWN_PER_DAY, 'the answers within the cap');
    await sleep(500);
    expect(outTo(number)).toHaveLength(UNKNOWN_PER_DAY);
  });

  it('forgets an unfinished sign-up and the unknown number\'s account a day later, in the daily upkeep', async () => {
    const number = '4791112277';
    await text(number, 'Jeg trenger handlehjelp');
    await text(number, 'Kari Lie');
    expect(await app.db.query(`SELECT 1 FROM sms_conversations WHERE msisdn = '+${number}'`)).toHaveLength(1);
    clock.set(addDays(clock.now(), 2));
    const job = await app.queues.upkeep.add('daily', {}, { jobId: `daily-sms-ask-${Date.now()}` });
    await until(async () => ['completed', 'unknown', 'failed'].includes(await job.getState()), 'the daily upkeep', 60_000);
    expect(await job.getState()).not.toBe('failed');
    expect(await app.db.query(`SELECT 1 FROM sms_conversations WHERE msisdn = '+${number}'`)).toEqual([]);
    expect(await app.db.query(`SELECT 1 FROM chat_identities WHERE channel_id = 'sms' AND user_id = '+${number}'`)).toEqual([]);
    // Sigrid, who finished, keeps hers.
    expect(await app.db.query(`SELECT 1 FROM chat_identities WHERE channel_id = 'sms' AND user_id = '+${SIGRID}'`)).toHaveLength(1);
  });
});

describe('caregivers choose SMS', () => {
  const CG = 'sms-caregiver-1';
  /** Hilde's phone, as Sveve writes it. */
  const HILDE = '4793456700';

  it('at sign-up: their notices then come by SMS, with the volunteer\'s first name only', async () => {
    clock.set(osloWallClock(osloDate(new Date()), '10:00'));
    const form = await chat.submit(CG, { action: 'caregiver.signup.start' });
    expect(JSON.stringify(form.at(-1)!.activity)).toContain(message('nb', 'signup.channelSms'));
    await chat.submit(CG, { action: 'caregiver.signup.submit', name: 'Hilde Dahl', phone: '934 56 700', channel: 'sms' });
    const [m] = await app.db.query<{ id: string; preferred_channel: string }>(`SELECT m.id, m.preferred_channel FROM chat_identities c JOIN members m ON m.id = c.member_id WHERE c.user_id = $1`, [CG]);
    expect(m!.preferred_channel).toBe('sms');
    expect(await app.db.query(`SELECT 1 FROM chat_identities WHERE channel_id = 'sms' AND user_id = $1 AND member_id = $2`, [`+${HILDE}`, m!.id])).toHaveLength(1);

    await chat.submit(CG, {
      action: 'caregiver.person.submit', name: 'Olav Dahl', address: 'Parkgata 30, 2317 Hamar', phone: '62511199', district: 'Sentrum',
      consentBasis: 'proxy', consentRelation: 'datter', consentDate: osloDate(clock.now()),
    });
    const [p] = await app.db.query<{ id: string }>(`SELECT id FROM persons WHERE name = 'Olav Dahl'`);
    const date = osloDate(addDays(clock.now(), 4));
    await chat.submit(CG, { action: 'caregiver.request.submit', personId: p!.id, group: 'avlastning', date, time: '10:00', durationMinutes: '180', district: 'Sentrum', summary: 'Selskap mens jeg trener', handoverNote: 'Nøkkel i postkassen' });
    const [o] = await app.db.query<{ id: string; user_id: string; name: string; phone: string }>(
      `SELECT o.id, c.user_id, v.name, v.phone FROM offers o JOIN help_requests r ON r.id = o.request_id JOIN chat_identities c ON c.member_id = o.volunteer_id AND c.channel_id = 'webchat'
         JOIN members v ON v.id = o.volunteer_id WHERE r.person_id = $1 AND o.status = 'pending' ORDER BY c.user_id LIMIT 1`,
      [p!.id],
    );
    await until(async () => (await app.db.query(`SELECT 1 FROM offer_deliveries WHERE offer_id = $1 AND (activity_id IS NOT NULL OR pushed_at IS NOT NULL)`, [o!.id])).length > 0, 'the offer delivered');
    await chat.submit(o!.user_id, { action: 'offer.accept', offerId: o!.id });
    const first = o!.name.split(' ')[0]!;
    await until(() => outTo(HILDE).some((x) => x.includes(`${first} kommer`)), 'the caregiver\'s «kommer» SMS');
    const all = outTo(HILDE).join('\n');
    for (const secret of [o!.name.split(' ').slice(-1)[0]!, o!.phone, 'har tatt oppdraget', 'Bare ansatte']) expect(all, `the caregiver received «${secret}»`).not.toContain(secret);
  });

  it('in their menu: «SMS og varsler» shows where notices go, and SMS can be turned off and on again', async () => {
    const menu = await chat.say(CG, 'meny');
    expect(JSON.stringify(menu.at(-1)!.activity)).toContain('asker.channels');
    const card = visibleText((await chat.submit(CG, { action: 'asker.channels' })).at(-1)!.activity);
    expect(card).toContain(message('nb', 'channelChoice.askerHeading'));
    expect(card).toContain('Du får beskjeder på SMS til 934 56 700');
    expect(visibleText((await chat.submit(CG, { action: 'volunteer.channel', preferredChannel: 'webchat' })).at(-1)!.activity)).toContain('Beskjeder fra Dugnad kommer her: Nettchat');
    expect(visibleText((await chat.submit(CG, { action: 'volunteer.sms', on: false })).at(-1)!.activity)).toContain(message('nb', 'channelChoice.smsRemoved'));
    expect(await app.db.query(`SELECT 1 FROM chat_identities WHERE channel_id = 'sms' AND user_id = $1`, [`+${HILDE}`])).toEqual([]);
    await chat.submit(CG, { action: 'volunteer.channel', preferredChannel: 'sms' });
    expect((await app.db.query<{ preferred_channel: string }>(`SELECT m.preferred_channel FROM chat_identities c JOIN members m ON m.id = c.member_id WHERE c.user_id = $1`, [CG]))[0]!.preferred_channel).toBe('sms');
  });
});
