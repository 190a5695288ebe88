// Issue 4 with real Redis, real workers and a real database, timings shortened and the clock
// injected: waves and escalation, reminders at their offsets and never after a cancel, confirmation,
// follow-up and concerns, consent renewal and withdrawal, declaration re-signing, retention, quiet
// hours across a DST change, and a 429 with Retry-After.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, addHours, subHours } from 'date-fns';
import { startTestApp, VirtualClock, type TestApp } from '../support/app.ts';
import { startFakeConnector, visibleText, type Captured, type FakeConnector } from '../support/fake-connector.ts';
import { cardActions, chatDriver, hasAction, type ChatDriver } from '../support/chat.ts';
import { demoVolunteerId } from '../../infra/seed-demo.ts';
import { ensureDeclaration } from '../../infra/centres.ts';
import type { TimerData } from '../../jobs/queues.ts';
import { osloDate, osloWallClock } from '../../domain/time-zone.ts';

const clock = new VirtualClock();
let app: TestApp;
let connector: FakeConnector;
let chat: ChatDriver;
const STAFF = 'demo-ansatt-1';
const conv = (u: string) => `conv-${u}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const offerCards = (cs: Captured[]) => cs.filter((c) => c.method === 'POST' && hasAction(c.activity, 'offer.accept'));
const since = (n: number) => connector.captured.slice(n);
let seq = 0;

async function postRequest(over: Record<string, string> = {}): Promise<string> {
  const [person] = await app.db.query<{ id: string }>(`SELECT id FROM persons WHERE name = $1`, [over.person ?? 'Gerd Solberg']);
  const { person: _p, ...fields } = over;
  const summary = fields.summary ?? `Oppdrag ${++seq}`;
  await chat.submit(STAFF, {
    action: 'staff.request.submit', personId: person!.id, group: 'besoksvenn', date: osloDate(addDays(clock.now(), 3)), time: '14:00',
    durationMinutes: '60', district: 'Sentrum', summary, handoverNote: 'Ring på to ganger', ...fields,
  });
  const [r] = await app.db.query<{ id: string }>('SELECT id FROM help_requests WHERE summary = $1', [summary]);
  expect(r, `request "${summary}" was not created`).toBeDefined();
  return r!.id;
}
const offersOf = async (requestId: string) => app.db.query<{ id: string; volunteer_id: string; wave: number; user_id: string }>(
  `SELECT o.id, o.volunteer_id, o.wave, c.user_id FROM offers o JOIN chat_identities c ON c.member_id = o.volunteer_id AND c.channel_id = 'webchat'
    WHERE o.request_id = $1 ORDER BY o.wave`,
  [requestId],
);
async function accept(requestId: string): Promise<{ assignmentId: string; user: string }> {
  // The first wave is made with the request; on a loaded machine give its rows a moment to be visible.
  let offers = await offersOf(requestId);
  for (let i = 0; i < 100 && offers.length === 0; i++) {
    await sleep(100);
    offers = await offersOf(requestId);
  }
  const [r0] = await app.db.query<{ status: string; wave: number }>(`SELECT status, wave FROM help_requests WHERE id = $1`, [requestId]);
  expect(offers.length, `no offer for the request (status ${r0?.status}, wave ${r0?.wave})`).toBeGreaterThan(0);
  const o = offers[0]!;
  const replies = await chat.submit(o.user_id, { action: 'offer.accept', offerId: o.id });
  const [a] = await app.db.query<{ id: string }>(`SELECT id FROM assignments WHERE request_id = $1 AND status = 'active'`, [requestId]);
  const [r] = await app.db.query<{ status: string }>(`SELECT status FROM help_requests WHERE id = $1`, [requestId]);
  expect(a, `accept by ${o.user_id} (wave ${o.wave}) of a request now ${r?.status}: ${replies.map((c) => visibleText(c.activity).replace(/\s+/g, " ").slice(0, 900)).join(' | ')}`).toBeDefined();
  return { assignmentId: a!.id, user: o.user_id };
}
/** A pending timer by id prefix; dispatch schedules timers just after a commit, so wait for it. */
async function timer(idPrefix: string) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const jobs = await app.queues.timers.getJobs(['delayed', 'waiting']);
    const job = jobs.find((j) => j.id?.startsWith(idPrefix));
    if (job || Date.now() > deadline) return job;
    await sleep(50);
  }
}

beforeAll(async () => {
  connector = await startFakeConnector();
  app = await startTestApp({ env: { WAVE_SIZE: '5', WAVE_TIMEOUT_MINUTES: '0.025', REMINDER_OFFSETS_MINUTES: '1440,120', CONFIRM_DEADLINE_MINUTES: '360' }, now: clock.now });
  chat = chatDriver(app, connector);
  for (let i = 0; i < 30; i++) await chat.say(demoVolunteerId(i), 'hei');
  await chat.say(STAFF, 'hei');
});
afterAll(async () => {
  await app?.close();
  await connector?.close();
});

describe('waves and escalation', () => {
  it('sends the next wave after the timeout until everyone eligible has had it, then asks staff what to do', async () => {
    const start = connector.captured.length;
    const requestId = await postRequest();
    // Every offer of the first wave, also to the demo volunteers who never chatted here (who is
    // ranked first depends on the weekday the request falls on).
    expect((await app.db.query('SELECT id FROM offers WHERE request_id = $1', [requestId])).length).toBe(5);
    await connector.waitFor(() => since(start).some((c) => c.conversationId === conv(STAFF) && hasAction(c.activity, 'staff.request.widen')), 30_000);
    const offers = await offersOf(requestId);
    const waves = new Set(offers.map((o) => o.wave));
    expect(waves.size).toBeGreaterThanOrEqual(3);
    for (const w of waves) expect(offers.filter((o) => o.wave === w).length).toBeLessThanOrEqual(5);
    // Each volunteer had it once, whatever the number of waves.
    expect(new Set(offers.map((o) => o.volunteer_id)).size).toBe(offers.length);
    const cards = offerCards(since(start));
    expect(new Set(cards.map((c) => c.conversationId)).size).toBe(cards.length);
    // Escalated once, with no private data in it.
    const escalations = since(start).filter((c) => c.conversationId === conv(STAFF) && hasAction(c.activity, 'staff.request.widen'));
    expect(escalations).toHaveLength(1);
    expect(visibleText(escalations[0]!.activity)).not.toContain('Gerd Solberg');

    // The manual fallback: a call list with names and phones, for staff.
    const list = await chat.submit(STAFF, { action: 'staff.request.callList', requestId });
    expect(visibleText(list[0]!.activity)).toMatch(/Tlf\. \+?\d/);
    // Nobody left: widening says so.
    const widened = await chat.submit(STAFF, { action: 'staff.request.widen', requestId });
    expect(visibleText(widened[0]!.activity)).toContain('ingen flere');
  });

  it('escalates an urgent request at once', async () => {
    const start = connector.captured.length;
    await postRequest({ urgent: 'true', district: 'Ridabu', group: 'digital', time: '09:00' });
    await connector.waitFor(() => since(start).some((c) => c.conversationId === conv(STAFF) && hasAction(c.activity, 'staff.request.widen')), 15_000);
  });
});

describe('reminders, confirmation and follow-up', () => {
  it('reminds the assigned volunteer at the offsets, once, and never after a cancel', async () => {
    const startsAt = osloWallClock(osloDate(addDays(new Date(), 2)), '14:00');
    // The day before, two seconds before the 24-hour reminder is due.
    clock.set(new Date(subHours(startsAt, 24).getTime() - 2000));
    const requestId = await postRequest({ date: osloDate(startsAt), time: '14:00', summary: 'Påminnelse-test' });
    const before = connector.captured.length;
    const { assignmentId, user } = await accept(requestId);
    const two = await timer(`remind-${assignmentId}-120-`);
    expect(two, 'the 2-hour reminder is scheduled').toBeDefined();
    expect(Math.abs(two!.timestamp + two!.delay + clock.offsetMs - subHours(startsAt, 2).getTime())).toBeLessThan(5000);

    await connector.waitFor(() => since(before).some((c) => c.conversationId === conv(user) && hasAction(c.activity, 'assignment.confirm')), 15_000);
    const reminders = since(before).filter((c) => c.conversationId === conv(user) && hasAction(c.activity, 'assignment.confirm'));
    expect(reminders).toHaveLength(1);
    expect(visibleText(reminders[0]!.activity)).toContain('Gerd Solberg');
    await chat.submit(user, { action: 'assignment.confirm', assignmentId });
    const [a] = await app.db.query<{ confirmed_at: Date | null }>('SELECT confirmed_at FROM assignments WHERE id = $1', [assignmentId]);
    expect(a!.confirmed_at).not.toBeNull();

    // Can't come after all: the task goes out again, and the 2-hour reminder stays silent.
    await chat.submit(user, { action: 'assignment.cancel.submit', assignmentId, reason: 'Syk' });
    const afterCancel = connector.captured.length;
    await two!.promote();
    await sleep(1500);
    expect(since(afterCancel).filter((c) => c.conversationId === conv(user) && /Påminnelse/.test(visibleText(c.activity)))).toHaveLength(0);
    const [r] = await app.db.query<{ status: string }>('SELECT status FROM help_requests WHERE id = $1', [requestId]);
    expect(r!.status).toBe('open');
    await connector.waitFor(() => since(afterCancel).some((c) => c.conversationId === conv(STAFF) && /avlyst/.test(visibleText(c.activity))));
    clock.offsetMs = 0;
  });

  it('still reminds from a timer queued before its data was shortened (the long form a running Redis holds)', async () => {
    const startsAt = osloWallClock(osloDate(addDays(new Date(), 2)), '14:00');
    const requestId = await postRequest({ date: osloDate(startsAt), time: '14:00', summary: 'Gammel påminnelse' });
    const { assignmentId, user } = await accept(requestId);
    const before = connector.captured.length;
    const longForm = { kind: 'remind', assignmentId, offsetMinutes: 1440, startsAtMs: startsAt.getTime(), confirm: true };
    await app.queues.timers.add('remind', longForm as unknown as TimerData, { jobId: `longform-${assignmentId}` });
    await connector.waitFor(() => since(before).some((c) => c.conversationId === conv(user) && hasAction(c.activity, 'assignment.confirm')), 15_000);
    const reminder = since(before).find((c) => c.conversationId === conv(user) && hasAction(c.activity, 'assignment.confirm'))!;
    expect(visibleText(reminder.activity)).toContain('Gerd Solberg');
  });

  it('tells staff when a volunteer has not confirmed, and asks the volunteer afterwards what happened', async () => {
    const requestId = await postRequest({ summary: 'Oppfølging-test', time: '11:00' });
    const { assignmentId, user } = await accept(requestId);
    const before = connector.captured.length;
    // Staff hear only about a volunteer who was asked: the day-before reminder asks «Jeg kommer».
    await (await timer(`remind-${assignmentId}-1440-`))!.promote();
    await connector.waitFor(() => since(before).some((c) => c.conversationId === conv(user) && hasAction(c.activity, 'assignment.confirm')));
    await (await timer(`confirm-${assignmentId}-`))!.promote();
    await connector.waitFor(() => since(before).some((c) => c.conversationId === conv(STAFF) && /ikke bekreftet/.test(visibleText(c.activity))));

    await (await timer(`followup-${assignmentId}-`))!.promote();
    await connector.waitFor(() => since(before).some((c) => c.conversationId === conv(user) && hasAction(c.activity, 'assignment.done')));
    const card = since(before).find((c) => c.conversationId === conv(user) && hasAction(c.activity, 'assignment.done'))!;
    expect(visibleText(card.activity)).not.toContain('Gerd Solberg');
    // Answered once the task is over (an answer before its end is refused: lifecycle.test.ts).
    const [task] = await app.db.query<{ starts_at: Date }>('SELECT starts_at FROM help_requests WHERE id = $1', [requestId]);
    clock.set(addHours(task!.starts_at, 2));
    const thanks = await chat.submit(user, { action: 'assignment.done', assignmentId, hours: '1.5' });
    // Their first task: a thank-you; and «Min innsats» counts it.
    expect(thanks.some((r) => visibleText(r.activity).includes('første oppdrag'))).toBe(true);
    const mine = await chat.submit(user, { action: 'volunteer.contribution' });
    expect(visibleText(mine[0]!.activity)).toContain('1 oppdrag, 1,5 timer');
    const [a] = await app.db.query<{ status: string; outcome: string; hours: string }>('SELECT status, outcome, hours FROM assignments WHERE id = $1', [assignmentId]);
    expect(a).toMatchObject({ status: 'done', outcome: 'done' });
    expect(Number(a!.hours)).toBe(1.5);
    const [r] = await app.db.query<{ status: string }>('SELECT status FROM help_requests WHERE id = $1', [requestId]);
    expect(r!.status).toBe('done');
    // Answering twice changes nothing.
    await chat.submit(user, { action: 'assignment.notDone', assignmentId, reason: 'x' });
    expect((await app.db.query<{ outcome: string }>('SELECT outcome FROM assignments WHERE id = $1', [assignmentId]))[0]!.outcome).toBe('done');
    clock.offsetMs = 0;
  });

  it('sends a concern to staff only', async () => {
    const requestId = await postRequest({ summary: 'Bekymring-test', time: '12:00' });
    const { assignmentId, user } = await accept(requestId);
    const before = connector.captured.length;
    await chat.submit(user, { action: 'concern.report', assignmentId, concern: 'Hun virket veldig forvirret i dag' });
    await connector.waitFor(() => since(before).some((c) => c.conversationId === conv(STAFF) && visibleText(c.activity).includes('veldig forvirret')));
    const elsewhere = since(before).filter((c) => c.conversationId !== conv(STAFF) && visibleText(c.activity).includes('veldig forvirret'));
    expect(elsewhere).toHaveLength(0);
  });
});

describe('consent and declaration lifecycle', () => {
  it('asks staff to renew a consent that runs out; renewing releases a waiting request', async () => {
    const [p] = await app.db.query<{ id: string }>(`SELECT id FROM persons WHERE name = 'Jon Aas'`);
    // Jon's consent ran out yesterday; a request for him waits.
    await app.db.query(`UPDATE consents SET valid_until = $2 WHERE person_id = $1`, [p!.id, subHours(new Date(), 24)]);
    const requestId = await postRequest({ person: 'Jon Aas', summary: 'Samtykke-test', time: '13:00' });
    expect((await app.db.query<{ status: string }>('SELECT status FROM help_requests WHERE id = $1', [requestId]))[0]!.status).toBe('waiting_consent');

    const before = connector.captured.length;
    await app.queues.upkeep.add('daily', {}, { jobId: `daily-test-${Date.now()}` });
    await connector.waitFor(() => since(before).some((c) => cardActions(c.activity).some((d) => d.action === 'staff.consent.renew' && d.personId === p!.id)));
    await chat.submit(STAFF, { action: 'staff.consent.renew', personId: p!.id });
    expect((await app.db.query<{ status: string }>('SELECT status FROM help_requests WHERE id = $1', [requestId]))[0]!.status).toBe('open');
    expect((await offersOf(requestId)).length).toBeGreaterThan(0);
  });

  it('stops open requests and erases the person when consent is withdrawn', async () => {
    const requestId = await postRequest({ person: 'Kirsten Dahl', summary: 'Trekk-test', time: '15:00' });
    const offers = await offersOf(requestId);
    await connector.waitFor((cs) => offerCards(cs).length > 0 && offers.every((o) => offerCards(cs).some((c) => c.conversationId === conv(o.user_id) && visibleText(c.activity).includes('Trekk-test'))));
    const [p] = await app.db.query<{ id: string }>(`SELECT id FROM persons WHERE name = 'Kirsten Dahl'`);
    await chat.submit(STAFF, { action: 'staff.consent.withdraw', personId: p!.id });
    const [r] = await app.db.query<{ status: string; handover_note: string | null }>('SELECT status, handover_note FROM help_requests WHERE id = $1', [requestId]);
    expect(r).toEqual({ status: 'cancelled', handover_note: null });
    const [person] = await app.db.query<{ name: string | null; erased_at: Date | null }>('SELECT name, erased_at FROM persons WHERE id = $1', [p!.id]);
    expect(person!.name).toBeNull();
    expect(person!.erased_at).not.toBeNull();
    // Every offered volunteer's card changes to cancelled, without details.
    await connector.waitFor((cs) => offers.every((o) => cs.some((c) => c.method === 'PUT' && c.conversationId === conv(o.user_id) && /avlyst/i.test(visibleText(c.activity)))));
  });

  it('asks every volunteer to sign a new declaration version', async () => {
    const before = connector.captured.length;
    expect((await ensureDeclaration(app.db, 2)).published).toBe(true);
    expect((await ensureDeclaration(app.db, 2)).published).toBe(false);
    // The card is the declaration itself (its sign button appears once the code ships the new text).
    await connector.waitFor(() => new Set(since(before).filter((c) => /Taushetserklæring/i.test(visibleText(c.activity))).map((c) => c.conversationId)).size >= 30, 20_000);
  });
});

describe('weekly digest', () => {
  it('gives the coordinator last week in figures and what needs action', async () => {
    const before = connector.captured.length;
    await app.queues.upkeep.add('weekly-digest', {}, { jobId: `digest-test-${Date.now()}` });
    await connector.waitFor(() => since(before).some((c) => c.conversationId === conv(STAFF) && visibleText(c.activity).includes('Ukens oversikt')));
    const text = visibleText(since(before).find((c) => c.conversationId === conv(STAFF) && visibleText(c.activity).includes('Ukens oversikt'))!.activity);
    expect(text).toMatch(/Siste uke: \d+ forespørsler, \d+ tatt/);
    expect(text).toMatch(/Uten frivillig de neste to døgnene: \d+/);
  });
});

describe('retention', () => {
  it('erases private details a while after the task, and keeps the counts', async () => {
    const count = async () => (await app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM help_requests'))[0]!.n;
    const n = await count();
    clock.set(addDays(new Date(), 40));
    await app.queues.upkeep.add('daily', {}, { jobId: `daily-test-${Date.now()}` });
    await new Promise((r) => setTimeout(r, 1500));
    clock.offsetMs = 0;
    const left = await app.db.query(`SELECT 1 FROM help_requests WHERE details_erased_at IS NULL AND status IN ('done', 'cancelled', 'expired')`);
    expect(left).toHaveLength(0);
    expect(await app.db.query(`SELECT 1 FROM help_requests WHERE handover_note IS NOT NULL AND status = 'done'`)).toHaveLength(0);
    expect(await count()).toBe(n);
    expect((await app.db.query(`SELECT 1 FROM concerns WHERE text IS NOT NULL`)).length).toBe(0);
  });
});

describe('sending', () => {
  it('retries after a 429, honouring Retry-After', async () => {
    connector.failFirst((a) => JSON.stringify(a).includes('offer.accept') && JSON.stringify(a).includes('Retry-test'), { status: 429, headers: { 'retry-after': '2' } });
    const before = connector.captured.length;
    await postRequest({ summary: 'Retry-test', time: '16:00' });
    const mine = () => offerCards(since(before)).filter((c) => visibleText(c.activity).includes('Retry-test'));
    await connector.waitFor(() => mine().length >= 4, 20_000);
    expect(connector.failedAt).toHaveLength(1);
    const failed = connector.failedAt[0]!;
    await connector.waitFor(() => mine().some((c) => c.conversationId === failed.conversationId), 20_000);
    const retried = mine().find((c) => c.conversationId === failed.conversationId)!;
    expect(retried.at - failed.at).toBeGreaterThanOrEqual(1900);
  });
});

describe('a volunteer who blocked the bot', () => {
  it('is marked unreachable after a 403, gets no retries, and staff are told', async () => {
    connector.failFirst((a) => JSON.stringify(a).includes('offer.accept') && JSON.stringify(a).includes('Blokk-test'), { status: 403 });
    const before = connector.captured.length;
    const requestId = await postRequest({ summary: 'Blokk-test', time: '17:00' });
    await connector.waitFor(() => connector.failedAt.some((f) => f.at >= connector.captured[before - 1]!.at), 15_000);
    const blocked = connector.failedAt.at(-1)!.conversationId;
    const [who] = await app.db.query<{ name: string }>(`SELECT m.name FROM chat_identities c JOIN members m ON m.id = c.member_id WHERE c.channel_id = 'webchat' AND c.user_id = $1`, [blocked.replace(/^conv-/, '')]);
    // Staff get one notice for the wave, naming who was missed (with a phone to ring).
    await connector.waitFor(() => since(before).some((c) => c.conversationId === conv(STAFF) && /blokkert/.test(visibleText(c.activity)) && visibleText(c.activity).includes(who!.name)), 20_000);
    const [identity] = await app.db.query<{ unreachable_at: Date | null }>(`SELECT unreachable_at FROM chat_identities WHERE channel_id = 'webchat' AND user_id = $1`, [blocked.replace(/^conv-/, '')]);
    expect(identity!.unreachable_at).not.toBeNull();
    expect(offerCards(since(before)).filter((c) => c.conversationId === blocked && visibleText(c.activity).includes('Blokk-test'))).toHaveLength(0);
    const undeliverable = await app.db.query(`SELECT 1 FROM offers WHERE request_id = $1 AND undeliverable`, [requestId]);
    expect(undeliverable).toHaveLength(1);
  });
});

describe('quiet hours', () => {
  it('holds non-urgent offers at night until 08:00 Oslo, across the switch to summer time; urgent ones go at once', async () => {
    const quiet = await startTestApp({ env: { QUIET_HOURS_START: '21:00', QUIET_HOURS_END: '08:00', WAVE_SIZE: '3' }, now: () => new Date('2026-03-28T22:30:00Z'), workers: false });
    try {
      const qchat = chatDriver(quiet, connector);
      const [person] = await quiet.db.query<{ id: string }>(`SELECT id FROM persons WHERE name = 'Gerd Solberg'`);
      // This app lives in March 2026: consent was given before then.
      await quiet.db.query(`UPDATE consents SET given_at = '2026-01-05T12:00:00Z', valid_until = '2027-01-05T12:00:00Z' WHERE person_id = $1`, [person!.id]);
      for (let i = 0; i < 5; i++) await qchat.say(demoVolunteerId(i), 'hei');
      const base = { action: 'staff.request.submit', personId: person!.id, group: 'besoksvenn', date: '2026-03-30', time: '14:00', durationMinutes: '60', district: 'Sentrum' };
      await qchat.submit(STAFF, { ...base, summary: 'Natt vanlig' });
      await qchat.submit(STAFF, { ...base, summary: 'Natt haster', urgent: 'true', time: '15:00' });
      // Dispatch with the same fixed clock as the app: 23:30 CET on the night the clocks go forward.
      const { dispatchOutbox } = await import('../../jobs/dispatch.ts');
      const { jobSettings } = await import('../../jobs/settings.ts');
      const rows = await quiet.db.query<{ id: number }>(`SELECT id FROM outbox WHERE kind = 'offers.send' ORDER BY id`);
      for (const r of rows) await dispatchOutbox({ db: quiet.db, queues: quiet.queues, settings: jobSettings(quiet.config), now: () => new Date('2026-03-28T22:30:00Z') }, r.id);
      const jobs = await quiet.queues.send.getJobs(['delayed', 'waiting']);
      const offers = await quiet.db.query<{ id: string; summary: string }>('SELECT o.id, r.summary FROM offers o JOIN help_requests r ON r.id = o.request_id');
      const delayOf = (summary: string) => offers.filter((o) => o.summary === summary).map((o) => jobs.find((j) => j.data.kind === 'offers' && j.data.offerIds.includes(o.id))!.opts.delay);
      // 08:00 on 29 March is CEST (UTC+2): 06:00Z, seven and a half hours after 22:30Z.
      expect(delayOf('Natt vanlig')).toEqual([7.5 * 3600_000, 7.5 * 3600_000, 7.5 * 3600_000]);
      expect(delayOf('Natt haster')).toEqual([0, 0, 0]);
    } finally {
      await quiet.close();
    }
  });
});
