// Issue 15 sections 2 and 4 over the wire: SMS volunteers get redacted offers with an answer code from
// the fake Sveve (driven over HTTP exactly as Sveve calls our webhook: form-encoded, to the secret URL),
// 20 simultaneous «JA» answers give one winner, the winner gets a one-time link instead of the details,
// reminders, confirmations and follow-up hours work by SMS, STOPP/START/HJELP, a centre's choice to
// send name and address, quiet hours, and a failed channel (SMS reported undelivered, a chat that
// answers 403) moves the message to the person's next channel. Bot Framework's own sms and email
// channels get every card as text through the same renderer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, addHours } from 'date-fns';
import { startTestApp, userActivity, VirtualClock, type TestApp } from '../support/app.ts';
import { startFakeConnector, visibleText, type FakeConnector } from '../support/fake-connector.ts';
import { cardActions, chatDriver, type ChatDriver } from '../support/chat.ts';
import { demoVolunteerId } from '../../infra/seed-demo.ts';
import { enableSms, setPreferredChannel } from '../../infra/channels.ts';
import { privateDetails } from '../../infra/request-row.ts';
import { centreReport } from '../../infra/reports.ts';
import { normalizeMsisdn } from '../../domain/sms.ts';
import { findPersonalData, type PrivateField } from '../../domain/confidentiality.ts';
import { processSend } from '../../jobs/send.ts';
import { PaceError } from '../../jobs/conversation.ts';
import { channelDeps } from '../../jobs/reach.ts';
import { createLogger } from '../../infra/log.ts';
import { createMessenger, anonymousTokens } from '../../infra/connector.ts';
import type { FakeSveve } from '../../infra/sms/fake-sveve.ts';
import { osloDate } from '../../domain/time-zone.ts';

let app: TestApp;
let connector: FakeConnector;
let chat: ChatDriver;
let fake: FakeSveve;
/** Real time, moved only to answer a follow-up after its task has ended. */
const clock = new VirtualClock();
const STAFF = 'demo-ansatt-1';
/** Twenty volunteers of Sentrum, free every day, get offers by SMS only (5 and 16 take first-time-friendly tasks only). */
const SMS_VOLUNTEERS = Array.from({ length: 22 }, (_, i) => i).filter((i) => i !== 5 && i !== 16);
const volunteer = new Map<number, { memberId: string; number: string }>();
let personId: string;

const numberOf = (i: number) => volunteer.get(i)!.number;
const thread = (i: number) => fake.thread(numberOf(i));
const lastOut = (i: number, match: RegExp) => [...thread(i)].reverse().find((m) => m.direction === 'out' && match.test(m.text));
async function waitFor(pred: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await pred())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((ok) => setTimeout(ok, 50));
  }
}
/** Every SMS any volunteer got, for the leak scan. */
const allOut = () => [...volunteer.keys()].flatMap((i) => thread(i).filter((m) => m.direction === 'out'));

async function postRequest(summary: string, opts: { time?: string; urgent?: boolean } = {}): Promise<string> {
  const tomorrow = osloDate(addDays(new Date(), 1));
  await chat.submit(STAFF, {
    action: 'staff.request.submit', personId, group: 'handlehjelp', date: tomorrow, time: opts.time ?? '14:00', durationMinutes: '60', district: 'Sentrum',
    meetingPlace: 'Ved Rema 1000', summary, handoverNote: 'Nøkkelen ligger under den blå potten', contactName: 'Kari Nordmann', contactPhone: '47900100',
    language: '', policeCertificate: 'false', firstTimeFriendly: 'false', staffAlong: 'false', urgent: opts.urgent ? 'true' : 'false',
  });
  const rows = await app.db.query<{ id: string }>('SELECT id FROM help_requests WHERE summary = $1', [summary]);
  return rows[0]!.id;
}

beforeAll(async () => {
  connector = await startFakeConnector();
  app = await startTestApp({ env: { SMS_PACE_PER_NUMBER_MS: '0' }, now: clock.now });
  chat = chatDriver(app, connector);
  fake = app.app.devSms!;
  await chat.say(STAFF, 'hei');
  for (const i of [...SMS_VOLUNTEERS, 22, 23]) {
    const [m] = await app.db.query<{ id: string; phone: string }>(
      `SELECT m.id, m.phone FROM chat_identities c JOIN members m ON m.id = c.member_id WHERE c.channel_id = 'dev' AND c.user_id = $1`,
      [demoVolunteerId(i)],
    );
    volunteer.set(i, { memberId: m!.id, number: normalizeMsisdn(m!.phone)!.slice(1) });
    if (SMS_VOLUNTEERS.includes(i)) expect(await enableSms(app.db, m!.id, { prefer: true })).toMatchObject({ ok: true });
  }
  personId = (await app.db.query<{ id: string }>(`SELECT id FROM persons WHERE name = 'Gerd Solberg'`))[0]!.id;
});
afterAll(async () => {
  await app?.close();
  await connector?.close();
});

/** No SMS carries the person's details (only name and address where the centre chose so, never the rest). */
async function leakScan(requestId: string, allowed: readonly PrivateField[] = []) {
  const details = (await privateDetails(app.db, requestId))!;
  for (const m of allOut()) {
    const leaked = findPersonalData(m.text, details).filter((f) => !allowed.includes(f));
    expect(leaked, `${m.number}: ${m.text}`).toEqual([]);
  }
}

describe('SMS offers and answers', () => {
  let requestId: string;
  const codes = new Map<number, string>();

  it('sends every SMS volunteer a redacted offer with a short answer code', async () => {
    requestId = await postRequest('SMS-løp: handle til helgen');
    await waitFor(() => SMS_VOLUNTEERS.every((i) => lastOut(i, /SMS-løp/)), 'the offers by SMS');
    for (const i of SMS_VOLUNTEERS) {
      const text = lastOut(i, /SMS-løp/)!.text;
      expect(text).toMatch(/Handlehjelp, Sentrum, .* kl\. 14:00, 1 time/);
      const code = /Svar JA (\d{4}) for å ta det\./.exec(text)?.[1];
      expect(code, text).toBeDefined();
      codes.set(i, code!);
    }
    // Delivered: the fake reported it to the webhook, and each offer records where it went (just
    // after the gateway took it: wait for the records, not only the phones).
    const offers = () => app.db.query<{ channel_id: string | null; activity_id: string | null }>(
      `SELECT od.channel_id, od.activity_id FROM offers o LEFT JOIN offer_deliveries od ON od.offer_id = o.id WHERE o.request_id = $1 AND o.volunteer_id = ANY($2::uuid[])`,
      [requestId, SMS_VOLUNTEERS.map((i) => volunteer.get(i)!.memberId)],
    );
    await waitFor(async () => (await offers()).every((o) => o.channel_id !== null), 'the offers recorded as sent');
    expect(await offers()).toHaveLength(20);
    expect((await offers()).every((o) => o.channel_id === 'sms' && o.activity_id!.startsWith('sms-'))).toBe(true);
    await waitFor(async () => (await app.db.query(`SELECT 1 FROM sms_messages WHERE status = 'delivered'`)).length >= 20, 'the delivery reports');
    await leakScan(requestId);
  });

  it('lets exactly one of 20 simultaneous «JA» answers win; the others are told kindly', async () => {
    const statuses = await Promise.all(SMS_VOLUNTEERS.map((i) => fake.reply(numberOf(i), `JA ${codes.get(i)}`)));
    expect(statuses.every((s) => s === 200)).toBe(true);
    const assignments = await app.db.query<{ volunteer_id: string }>(`SELECT volunteer_id FROM assignments WHERE request_id = $1`, [requestId]);
    expect(assignments).toHaveLength(1);
    expect((await app.db.query<{ status: string }>('SELECT status FROM help_requests WHERE id = $1', [requestId]))[0]!.status).toBe('taken');
    const winner = SMS_VOLUNTEERS.find((i) => volunteer.get(i)!.memberId === assignments[0]!.volunteer_id)!;
    await waitFor(() => SMS_VOLUNTEERS.every((i) => lastOut(i, i === winner ? /Oppdraget er ditt/ : /Noen andre rakk det før deg/)), 'the answers to every JA');
    const won = lastOut(winner, /Oppdraget er ditt/)!.text;
    expect(won).toMatch(/\/t\/[A-Za-z0-9_-]{20,}/);
    expect(won).toContain(`AVLYS ${codes.get(winner)}`);
    // A second JA from the winner changes nothing.
    await fake.reply(numberOf(winner), `JA ${codes.get(winner)}`);
    expect(await app.db.query('SELECT 1 FROM assignments WHERE request_id = $1', [requestId])).toHaveLength(1);
    await leakScan(requestId);
  });

  it('opens the task from the one-time link: once, showing nothing before the press, then in the web chat', async () => {
    const [a] = await app.db.query<{ volunteer_id: string; id: string }>(`SELECT id, volunteer_id FROM assignments WHERE request_id = $1`, [requestId]);
    const winner = [...volunteer.entries()].find(([, v]) => v.memberId === a!.volunteer_id)![0];
    const link = /(http:\/\/\S+\/t\/[A-Za-z0-9_-]+)/.exec(lastOut(winner, /Oppdraget er ditt/)!.text)![1]!;
    const details = (await privateDetails(app.db, requestId))!;
    const page = await (await fetch(link)).text();
    expect(findPersonalData(page, details)).toEqual([]);
    const used = await fetch(link, { method: 'POST', redirect: 'manual' });
    expect(used.status).toBe(303);
    const again = await fetch(link, { method: 'POST', redirect: 'manual' });
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('Lenken er brukt');
    // The web chat that opens next shows the task first: a recorded reveal on the web chat.
    const before = connector.captured.length;
    await app.post({ type: 'conversationUpdate', id: 'cu-link', channelId: 'webchat', serviceUrl: connector.url, from: { id: demoVolunteerId(winner) }, recipient: { id: 'dugnad-bot' }, conversation: { id: `conv-link-${winner}` }, membersAdded: [{ id: demoVolunteerId(winner) }], locale: 'nb-NO' });
    const shown = connector.captured.slice(before).map((c) => visibleText(c.activity)).join('\n');
    expect(shown).toContain(details.personName);
    expect(shown).toContain(details.handoverNote!);
    expect(await app.db.query(`SELECT 1 FROM audit_log WHERE action = 'reveal' AND request_id = $1 AND channel_id = 'webchat'`, [requestId])).toHaveLength(1);
  });

  it('reminds, asks «Svar JA hvis du kommer» and takes follow-up hours by SMS, on the same code', async () => {
    const [a] = await app.db.query<{ volunteer_id: string; id: string }>(`SELECT id, volunteer_id FROM assignments WHERE request_id = $1`, [requestId]);
    const winner = [...volunteer.entries()].find(([, v]) => v.memberId === a!.volunteer_id)![0];
    const code = codes.get(winner)!;
    // The reminder that asks «Jeg kommer» (issue 13: the first one before the confirmation deadline, variant «<offset>-confirm»).
    await app.queues.send.add('notify', { kind: 'notify', memberId: a!.volunteer_id, message: 'volunteer.reminder', refId: a!.id, variant: '1440-confirm' }, { jobId: `test-reminder-${a!.id}` });
    await waitFor(() => Boolean(lastOut(winner, /Påminnelse/)), 'the reminder');
    const reminder = lastOut(winner, /Påminnelse/)!.text;
    expect(reminder).toContain(`Svar JA ${code} hvis du kommer.`);
    expect(reminder).toMatch(/\/t\//);
    await fake.reply(numberOf(winner), `ja ${code}`);
    expect((await app.db.query<{ confirmed_at: Date | null }>('SELECT confirmed_at FROM assignments WHERE id = $1', [a!.id]))[0]!.confirmed_at).not.toBeNull();
    await waitFor(() => Boolean(lastOut(winner, /bekreftet/)), 'the thanks for confirming');

    await app.queues.send.add('notify', { kind: 'notify', memberId: a!.volunteer_id, message: 'volunteer.followUp', refId: a!.id }, { jobId: `test-followup-${a!.id}` });
    await waitFor(() => Boolean(lastOut(winner, /TIMER \d{4}/)), 'the follow-up');
    expect(lastOut(winner, /TIMER \d{4}/)!.text).toContain(`TIMER ${code}`);
    // Answered once the task is over (issue 13: an answer before its end is refused).
    const [task] = await app.db.query<{ starts_at: Date }>('SELECT starts_at FROM help_requests WHERE id = $1', [requestId]);
    clock.set(addHours(task!.starts_at, 2));
    try {
      await fake.reply(numberOf(winner), `TIMER ${code} 2,5`);
      const done = (await app.db.query<{ outcome: string; hours: string }>('SELECT outcome, hours FROM assignments WHERE id = $1', [a!.id]))[0]!;
      expect(done).toEqual({ outcome: 'done', hours: '2.5' });
      await waitFor(() => Boolean(lastOut(winner, /registrert 2,5 timer/)), 'the thanks for the hours');
    } finally {
      clock.offsetMs = 0;
    }
    await leakScan(requestId);
  });

  it('counts the SMS per centre in the report', async () => {
    const report = await centreReport(app.db, { centreId: 'hamar', from: addDays(new Date(), -1), to: addDays(new Date(), 1), groupBy: ['month'] });
    const total = report.rows.find((r) => r.dimension === 'total')!.figures;
    expect(total.smsSent).toBeGreaterThanOrEqual(40);
    expect(total.smsParts).toBeGreaterThanOrEqual(total.smsSent!);
    expect(report.rows.find((r) => r.dimension === 'month')!.figures.smsSent).toBe(total.smsSent);
  });
});

describe('choosing SMS', () => {
  it('at sign-up, in «Min status», or by staff for someone who phones in; staff see where each volunteer can be reached', async () => {
    // Sign-up: a new volunteer chooses SMS on the form.
    await chat.submit('sms-signup-1', {
      action: 'volunteer.signup.submit', name: 'Sigrid SMS', phone: '934 56 789', district: 'Vang', groups: 'turvenn', languages: 'nb',
      availability: '1:morning', weeklyCap: '2', comfort: 'any', channel: 'sms',
    });
    const [signed] = await app.db.query<{ preferred_channel: string; user_id: string }>(
      `SELECT m.preferred_channel, c.user_id FROM members m JOIN chat_identities c ON c.member_id = m.id AND c.channel_id = 'sms' WHERE m.name = 'Sigrid SMS'`,
    );
    expect(signed).toEqual({ preferred_channel: 'sms', user_id: '+4793456789' });

    // «Min status»: a web chat volunteer sees SMS among the choices, chooses it, and back again.
    const user = demoVolunteerId(30);
    const status = await chat.say(user, 'min status');
    expect(cardActions(status.at(-1)!.activity).filter((d) => d.action === 'volunteer.channel').map((d) => d.preferredChannel)).toContain('sms');
    const chosen = await chat.submit(user, { action: 'volunteer.channel', preferredChannel: 'sms' });
    expect(visibleText(chosen.at(-1)!.activity)).toContain('Nye oppdrag kommer her: SMS');
    const [m30] = await app.db.query<{ id: string; preferred_channel: string }>(`SELECT m.id, m.preferred_channel FROM chat_identities c JOIN members m ON m.id = c.member_id WHERE c.channel_id = 'dev' AND c.user_id = $1`, [user]);
    expect(m30!.preferred_channel).toBe('sms');
    await chat.submit(user, { action: 'volunteer.sms', on: false });
    expect(await app.db.query(`SELECT 1 FROM chat_identities WHERE member_id = $1 AND channel_id = 'sms'`, [m30!.id])).toHaveLength(0);

    // Staff, for someone who phones in: SMS on from the volunteer list, which shows the channels.
    const [m31] = await app.db.query<{ id: string; name: string }>(`SELECT m.id, m.name FROM chat_identities c JOIN members m ON m.id = c.member_id WHERE c.channel_id = 'dev' AND c.user_id = $1`, [demoVolunteerId(31)]);
    const set = await chat.submit(STAFF, { action: 'staff.volunteer.sms', volunteerId: m31!.id, on: true });
    expect(visibleText(set.at(-1)!.activity)).toContain(`${m31!.name} får nå oppdrag på SMS`);
    const list = visibleText((await chat.submit(STAFF, { action: 'staff.volunteers.list' })).at(-1)!.activity);
    // SMS volunteers show SMS; those who never started a chat show none (staff may ring them).
    expect(list).toMatch(/Kan nås på\nSMS\n/);
    expect(list).toMatch(/Kan nås på\nIngen kanal ennå: ring\n/);
    await chat.submit(STAFF, { action: 'staff.volunteer.sms', volunteerId: m31!.id, on: false });
  });
});

describe('the webhook', () => {
  it('takes nothing without the gateway\'s secret, and refuses what is not a gateway callback', async () => {
    const inBefore = (await app.db.query(`SELECT 1 FROM sms_messages WHERE direction = 'in'`)).length;
    const body = new URLSearchParams({ number: numberOf(3), msg: 'STOPP' }).toString();
    const wrong = await fetch(`${app.url}/sms/sveve/${'x'.repeat(41)}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    expect(wrong.status).toBe(404);
    expect((await app.db.query(`SELECT 1 FROM sms_messages WHERE direction = 'in'`)).length).toBe(inBefore);
    expect(await app.db.query('SELECT 1 FROM sms_stops')).toHaveLength(0);
    const secret = app.config.sms!.webhookSecret;
    const junk = await fetch(`${app.url}/sms/sveve/${secret}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'hello=world' });
    expect(junk.status).toBe(400);
  });
});

describe('STOPP, START and HJELP', () => {
  it('explains on HJELP, stops on STOPP (nothing more goes out), starts again on START', async () => {
    await fake.reply(numberOf(19), 'hjelp');
    await waitFor(() => Boolean(lastOut(19, /STOPP: ingen flere SMS/)), 'the help text');
    await fake.reply(numberOf(19), 'STOPP');
    await waitFor(() => Boolean(lastOut(19, /Du får ikke flere SMS/)), 'the stop confirmation');
    const sentBefore = thread(19).filter((m) => m.direction === 'out').length;

    const requestId = await postRequest('Etter STOPP');
    await waitFor(() => Boolean(lastOut(18, /Etter STOPP/)), 'the offer to the others');
    // The volunteer who said STOPP had no other channel: staff hear of it, with no channel tried.
    const [v19] = await app.db.query<{ name: string }>('SELECT name FROM members WHERE id = $1', [volunteer.get(19)!.memberId]);
    await connector.waitFor((cs) => cs.some((c) => c.conversationId === `conv-${STAFF}` && visibleText(c.activity).includes(`${v19!.name} (`) && /Etter STOPP|ingen kanal/.test(visibleText(c.activity))), 20_000);
    expect(thread(19).filter((m) => m.direction === 'out')).toHaveLength(sentBefore);
    expect(await app.db.query('SELECT 1 FROM offers WHERE request_id = $1 AND volunteer_id = $2 AND undeliverable', [requestId, volunteer.get(19)!.memberId])).toHaveLength(1);

    await fake.reply(numberOf(19), 'START');
    await waitFor(() => Boolean(lastOut(19, /Velkommen tilbake/)), 'the start confirmation');
    expect(await app.db.query('SELECT 1 FROM sms_stops')).toHaveLength(0);
    await leakScan(requestId);
  });

  it('answers a code it does not know, and a number it does not know, without acting', async () => {
    await fake.reply(numberOf(4), 'JA 0000');
    await waitFor(() => Boolean(lastOut(4, /ingen melding med koden 0000/)), 'the unknown-code answer');
    const stranger = '4798765432';
    await fake.reply(stranger, 'JA 1234');
    await waitFor(() => fake.thread(stranger).some((m) => m.direction === 'out' && /ikke registrert i Dugnad/.test(m.text)), 'the stranger answer');
  });
});

describe('a centre that sends name and address by SMS', () => {
  it('records the coordinator\'s choice, then gives the winner name and address by SMS, never phone or note', async () => {
    const card = await chat.say(STAFF, 'sms-detaljer');
    expect(cardActions(card[0]!.activity).some((d) => d.action === 'staff.smsDetails.set' && d.on === true)).toBe(true);
    await chat.submit(STAFF, { action: 'staff.smsDetails.set', on: true });
    const [audit] = await app.db.query<{ fields: string[]; actor_id: string }>(`SELECT fields, actor_id FROM audit_log WHERE action = 'centre.smsDetails'`);
    expect(audit!.fields).toEqual(['personName', 'address']);
    try {
      const requestId = await postRequest('Med navn på SMS');
      await waitFor(() => Boolean(lastOut(7, /Med navn på SMS/)), 'the offer');
      const code = /JA (\d{4})/.exec(lastOut(7, /Med navn på SMS/)!.text)![1];
      // Volunteer 7 may have won the race above: read only what this JA brings.
      const before = thread(7).length;
      await fake.reply(numberOf(7), `JA ${code}`);
      const won = () => thread(7).slice(before).find((m) => m.direction === 'out' && /Oppdraget er ditt/.test(m.text));
      await waitFor(() => Boolean(won()), 'the task by SMS');
      const text = won()!.text;
      const details = (await privateDetails(app.db, requestId))!;
      expect(text).toContain(details.personName);
      expect(text).toContain(details.address);
      expect(text).toMatch(/\/t\//);
      await leakScan(requestId, ['personName', 'address']);

      // «AVLYS 4821» asks why; «AVLYS 4821 <grunn>» cancels, and the request goes out again.
      await fake.reply(numberOf(7), `avlys ${code}`);
      await waitFor(() => Boolean(lastOut(7, new RegExp(`AVLYS ${code} og grunnen`))), 'the question why');
      await fake.reply(numberOf(7), `AVLYS ${code} jeg er syk`);
      await waitFor(() => Boolean(lastOut(7, /Oppdraget er avlyst/)), 'the cancel confirmation');
      const [a] = await app.db.query<{ status: string; cancel_reason: string }>(`SELECT status, cancel_reason FROM assignments WHERE request_id = $1`, [requestId]);
      expect(a).toEqual({ status: 'cancelled', cancel_reason: 'jeg er syk' });
      expect((await app.db.query<{ status: string }>('SELECT status FROM help_requests WHERE id = $1', [requestId]))[0]!.status).toBe('open');
    } finally {
      await chat.submit(STAFF, { action: 'staff.smsDetails.set', on: false });
    }
    expect(await app.db.query(`SELECT 1 FROM audit_log WHERE action = 'centre.smsDetails'`)).toHaveLength(2);
  });
});

describe('fallback to the next channel', () => {
  it('sends the offer to the web chat when the SMS is reported undelivered', async () => {
    // Volunteer 0 prefers SMS but also uses the web chat; their phone is off.
    await chat.say(demoVolunteerId(0), 'hei');
    await setPreferredChannel(app.db, volunteer.get(0)!.memberId, 'sms');
    // One with SMS and nothing else: not the winner of a task above, whose one-time link gave them a web chat.
    const [lonely] = await app.db.query<{ member_id: string }>(
      `SELECT c.member_id FROM chat_identities c WHERE c.channel_id = 'sms' AND c.member_id = ANY($1::uuid[])
          AND NOT EXISTS (SELECT 1 FROM chat_identities o WHERE o.member_id = c.member_id AND o.channel_id <> 'sms' AND o.conversation_ref IS NOT NULL)
        ORDER BY c.user_id LIMIT 1`,
      [SMS_VOLUNTEERS.filter((i) => i !== 0).map((i) => volunteer.get(i)!.memberId)],
    );
    const v1 = [...volunteer.entries()].find(([, v]) => v.memberId === lonely!.member_id)![0];
    fake.setUnreachable(numberOf(0), true);
    fake.setUnreachable(numberOf(v1), true);
    try {
      const requestId = await postRequest('Fallback etter SMS');
      await connector.waitFor((cs) => cs.some((c) => c.conversationId === `conv-${demoVolunteerId(0)}` && visibleText(c.activity).includes('Fallback etter SMS')), 20_000);
      expect(lastOut(0, /Fallback etter SMS/)!.delivered).toBe(false);
      const offerOf0 = async () => (await app.db.query<{ id: string; channel_id: string }>('SELECT o.id, od.channel_id FROM offers o LEFT JOIN offer_deliveries od ON od.offer_id = o.id WHERE o.request_id = $1 AND o.volunteer_id = $2', [requestId, volunteer.get(0)!.memberId]))[0]!;
      // Recorded just after the card went: wait for the record, not only the card.
      await waitFor(async () => (await offerOf0()).channel_id === 'webchat', 'the offer recorded on the web chat');
      const offer = await offerOf0();
      expect(await app.db.query(`SELECT channel FROM delivery_failures WHERE message_key = $1`, [`offer:${offer!.id}`])).toEqual([{ channel: 'sms' }]);
      // That volunteer has nothing after SMS: staff are told, with the channel tried.
      const [missed] = await app.db.query<{ name: string }>('SELECT name FROM members WHERE id = $1', [volunteer.get(v1)!.memberId]);
      await connector.waitFor((cs) => cs.some((c) => c.conversationId === `conv-${STAFF}` && visibleText(c.activity).includes(`prøvde SMS`) && visibleText(c.activity).includes(missed!.name)), 20_000);
      // The card went to the chat once, and the SMS is not tried again for this offer.
      expect(connector.captured.filter((c) => c.conversationId === `conv-${demoVolunteerId(0)}` && c.method === 'POST' && visibleText(c.activity).includes('Fallback etter SMS'))).toHaveLength(1);
      expect(thread(0).filter((m) => m.direction === 'out' && /Fallback etter SMS/.test(m.text))).toHaveLength(1);
    } finally {
      fake.setUnreachable(numberOf(0), false);
      fake.setUnreachable(numberOf(v1), false);
    }
  });

  it('tells staff of a volunteer whose SMS is reported undelivered after the wave\'s notice went out', async () => {
    // An SMS volunteer with no other channel; their offer goes out and is delivered as far as anyone knows.
    const [lonely] = await app.db.query<{ member_id: string; name: string }>(
      `SELECT c.member_id, m.name FROM chat_identities c JOIN members m ON m.id = c.member_id
        WHERE c.channel_id = 'sms' AND c.member_id = ANY($1::uuid[])
          AND NOT EXISTS (SELECT 1 FROM chat_identities o WHERE o.member_id = c.member_id AND o.channel_id <> 'sms' AND o.conversation_ref IS NOT NULL)
        ORDER BY c.user_id DESC LIMIT 1`,
      [SMS_VOLUNTEERS.map((i) => volunteer.get(i)!.memberId)],
    );
    const who = [...volunteer.entries()].find(([, v]) => v.memberId === lonely!.member_id)![0];
    const before = connector.captured.length;
    const requestId = await postRequest('Sen leveringsrapport');
    await waitFor(() => Boolean(lastOut(who, /Sen leveringsrapport/)), 'the SMS offer');
    // The wave's notice about those with no channel at all comes first, without them.
    const staffNotices = () => connector.captured.slice(before).filter((c) => c.conversationId === `conv-${STAFF}` && /kunne ikke nås/.test(visibleText(c.activity)));
    await connector.waitFor(() => staffNotices().length > 0 && /Sen leveringsrapport|Handlehjelp/.test(visibleText(staffNotices()[0]!.activity)), 20_000);
    expect(visibleText(staffNotices()[0]!.activity)).not.toContain(lonely!.name);
    // Minutes later the operator reports the SMS undelivered (the report the fake sent at once is undone first).
    const [sms] = await app.db.query<{ id: string; provider_id: string }>(
      `SELECT s.id::text, s.provider_id FROM sms_messages s WHERE s.member_id = $1 AND s.direction = 'out' AND s.origin->>'kind' = 'offer' ORDER BY s.id DESC LIMIT 1`,
      [lonely!.member_id],
    );
    await app.db.query(`UPDATE sms_messages SET status = 'sent', status_at = NULL WHERE id = $1`, [sms!.id]);
    const secret = app.config.sms!.webhookSecret;
    const report = new URLSearchParams({ number: numberOf(who), status: 'false', id: sms!.provider_id, ref: sms!.id, errorCode: '3', errorDesc: 'Mottaker ikke tilgjengelig' });
    expect((await fetch(`${app.url}/sms/sveve/${secret}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: report.toString() })).status).toBeLessThan(300);
    // Nothing else reaches them: staff hear of them now, with the channel tried.
    await connector.waitFor(() => staffNotices().some((c) => visibleText(c.activity).includes(`${lonely!.name} (`) && visibleText(c.activity).includes('prøvde SMS')), 20_000);
    expect((await app.db.query<{ undeliverable: boolean }>('SELECT undeliverable FROM offers WHERE request_id = $1 AND volunteer_id = $2', [requestId, lonely!.member_id]))[0]!.undeliverable).toBe(true);
  });

  it('sends the offer by SMS when the chat answers 403', async () => {
    await chat.say(demoVolunteerId(2), 'hei');
    await setPreferredChannel(app.db, volunteer.get(2)!.memberId, 'webchat');
    connector.failFirst((a) => JSON.stringify(a).includes('Fallback etter 403') && a.conversation?.id === `conv-${demoVolunteerId(2)}`, { status: 403 });
    await postRequest('Fallback etter 403');
    await waitFor(() => Boolean(lastOut(2, /Fallback etter 403/)), 'the SMS after the chat refused');
    expect(connector.failedAt.some((f) => f.conversationId === `conv-${demoVolunteerId(2)}`)).toBe(true);
  });
});

describe('Bot Framework\'s own text channels', () => {
  it('an sms-channel volunteer gets the offer as text with a code, and takes it with «JA»', async () => {
    const user = demoVolunteerId(22);
    const say = async (text: string) => {
      const before = connector.captured.length;
      const res = await app.post(userActivity({ userId: user, serviceUrl: connector.url, channelId: 'sms', conversationId: `sms-${user}`, text }));
      expect(res.status).toBeLessThan(300);
      return connector.captured.slice(before).filter((c) => c.conversationId === `sms-${user}`);
    };
    const menu = await say('hei');
    expect(menu.every((c) => !c.activity.attachments)).toBe(true);
    const requestId = await postRequest('Tekstkanal');
    await connector.waitFor((cs) => cs.some((c) => c.conversationId === `sms-${user}` && /Tekstkanal/.test(c.activity.text ?? '')), 20_000);
    const offer = connector.captured.find((c) => c.conversationId === `sms-${user}` && /Tekstkanal/.test(c.activity.text ?? ''))!;
    expect(offer.activity.attachments).toBeUndefined();
    const code = /Svar JA (\d{4})/.exec(offer.activity.text)![1];
    const answer = await say(`JA ${code}`);
    const text = answer.map((c) => c.activity.text ?? '').join('\n');
    expect(text).toContain('Oppdraget er ditt');
    expect(findPersonalData(text, (await privateDetails(app.db, requestId))!)).toEqual([]);
  });

  it('an email-channel user gets numbered answers, and a number runs the command', async () => {
    const user = demoVolunteerId(23);
    const send = async (text: string) => {
      const before = connector.captured.length;
      await app.post(userActivity({ userId: user, serviceUrl: connector.url, channelId: 'email', conversationId: `mail-${user}`, text }));
      return connector.captured.slice(before).filter((c) => c.conversationId === `mail-${user}`).map((c) => c.activity.text as string).join('\n');
    };
    const menu = await send('hei');
    expect(menu).toContain('Svar med tallet.');
    const status = /^(\d+): Min status$/m.exec(menu)?.[1];
    expect(status, menu).toBeDefined();
    expect(await send(status!)).toContain('Min status');
    expect(await send('99')).toContain('Jeg fant ikke det svaret');
  });
});

describe('quiet hours', () => {
  it('holds an SMS offer until 08:00 Oslo; a reply to someone who just wrote goes at once', async () => {
    const night = new Date('2026-12-09T22:30:00Z'); // 23:30 in Oslo
    const quiet = await startTestApp({ env: { QUIET_HOURS_START: '21:00', QUIET_HOURS_END: '08:00', SMS_PACE_PER_NUMBER_MS: '0' }, now: () => night, workers: false });
    try {
      const [m] = await quiet.db.query<{ id: string; phone: string }>(`SELECT m.id, m.phone FROM chat_identities c JOIN members m ON m.id = c.member_id WHERE c.channel_id = 'dev' AND c.user_id = $1`, [demoVolunteerId(3)]);
      await enableSms(quiet.db, m!.id, { prefer: true });
      const [p] = await quiet.db.query<{ id: string }>(`SELECT id FROM persons WHERE name = 'Gerd Solberg'`);
      const qchat = chatDriver(quiet, connector);
      await qchat.submit(STAFF, { action: 'staff.request.submit', personId: p!.id, group: 'handlehjelp', date: '2026-12-11', time: '14:00', durationMinutes: '60', district: 'Sentrum', summary: 'Natt-SMS', urgent: 'true' });
      const [offer] = await quiet.db.query<{ id: string }>(`SELECT o.id FROM offers o JOIN help_requests r ON r.id = o.request_id WHERE r.summary = 'Natt-SMS' AND o.volunteer_id = $1`, [m!.id]);
      const deps = {
        db: quiet.db, queues: quiet.queues, log: createLogger('silent'), now: () => night,
        messenger: createMessenger({ tokens: anonymousTokens, allowedHosts: null }), channels: channelDeps(quiet.config),
      };
      // Urgent or not, a phone does not beep at night: the send waits until 08:00 in Oslo.
      const held = await processSend(deps, { kind: 'offer', offerId: offer!.id }).catch((e: unknown) => e);
      expect(held).toBeInstanceOf(PaceError);
      expect(night.getTime() + (held as PaceError).waitMs).toBe(new Date('2026-12-10T07:00:00Z').getTime());
      expect(quiet.app.devSms!.thread(normalizeMsisdn(m!.phone)!.slice(1))).toHaveLength(0);
      // Someone who writes at night is answered at once.
      await quiet.app.devSms!.reply(normalizeMsisdn(m!.phone)!, 'HJELP');
      const [reply] = await quiet.db.query<{ id: string }>(`SELECT id::text AS id FROM sms_messages WHERE direction = 'out' AND status = 'queued'`);
      expect(await processSend(deps, { kind: 'sms', smsId: reply!.id })).toBe('sent');
      expect(quiet.app.devSms!.thread(normalizeMsisdn(m!.phone)!.slice(1)).some((x) => x.direction === 'out' && /STOPP/.test(x.text))).toBe(true);
    } finally {
      await quiet.close();
    }
  });
});

describe('forgetting', () => {
  it('forgets answer codes and one-time links once their time is past, in the daily upkeep', async () => {
    expect((await app.db.query('SELECT 1 FROM text_answers')).length).toBeGreaterThan(0);
    expect((await app.db.query('SELECT 1 FROM task_links')).length).toBeGreaterThan(0);
    clock.set(addDays(new Date(), 40));
    try {
      const job = await app.queues.upkeep.add('daily', {}, { jobId: `daily-sms-${Date.now()}` });
      // Upkeep jobs are removed once completed.
      await waitFor(async () => ['completed', 'unknown', 'failed'].includes(await job.getState()), 'the daily upkeep', 60_000);
      expect(await job.getState(), (await app.queues.upkeep.getJob(job.id!))?.failedReason).not.toBe('failed');
      expect(await app.db.query('SELECT 1 FROM text_answers')).toEqual([]);
      expect(await app.db.query('SELECT 1 FROM task_links')).toEqual([]);
    } finally {
      clock.offsetMs = 0;
    }
  });
});
