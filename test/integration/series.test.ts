// Recurring respite over real HTTP and the fake connector: a caregiver asks for weekly respite for
// six weeks; the series goes out redacted as "be the regular volunteer"; of several volunteers
// tapping at once exactly one gets all six visits, with the details; the caregiver sees who is coming
// per visit; cancelling week 3 tells the volunteer and silences its reminders; stepping back from week
// 5 sends that visit out again and another volunteer takes it. A series nobody takes within the wave
// time goes out visit by visit; the caregiver can cancel the rest of a series.
import { rebuildSchedule } from '../../jobs/recovery.ts';
import { jobSettings } from '../../jobs/settings.ts';
import { createLogger } from '../../infra/log.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, addHours } from 'date-fns';
import { startTestApp, VirtualClock, type TestApp } from '../support/app.ts';
import { startFakeConnector, visibleText, type Captured, type FakeConnector } from '../support/fake-connector.ts';
import { cardActions, chatDriver, hasAction, type ChatDriver } from '../support/chat.ts';
import { demoVolunteerId } from '../../infra/seed-demo.ts';
import { TIME_ZONE, osloDate } from '../../domain/time-zone.ts';

const clock = new VirtualClock();
let app: TestApp;
let connector: FakeConnector;
let chat: ChatDriver;
const CG = 'serie-parorende-1';
const conv = (u: string) => `conv-${u}`;
const since = (n: number) => connector.captured.slice(n);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const SECRETS = ['Olav', 'Berg', 'Parkgata', '62511111', 'fotball', 'lyktestolpen', 'Hilde', '93456789'];
let personId: string;
let seriesId: string;
let visits: Array<{ id: string; occurrence: number; starts_at: Date }>;
let winner: { userId: string; memberId: string; firstName: string };
let second: { userId: string; memberId: string };

const seriesOffers = async (id: string) => app.db.query<{ id: string; volunteer_id: string; user_id: string; status: string }>(
  `SELECT o.id, o.volunteer_id, c.user_id, o.status FROM series_offers o JOIN chat_identities c ON c.member_id = o.volunteer_id AND c.channel_id = 'webchat'
    WHERE o.series_id = $1 ORDER BY c.user_id`,
  [id],
);
const assignmentOf = async (requestId: string) =>
  (await app.db.query<{ id: string; volunteer_id: string }>(`SELECT id, volunteer_id FROM assignments WHERE request_id = $1 AND status = 'active'`, [requestId]))[0];
/** Pending timers by id prefix; dispatch schedules them just after a commit, so wait for them. */
async function timers(idPrefix: string, atLeast = 1, on: TestApp = app) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const jobs = (await on.queues.timers.getJobs(['delayed', 'waiting'])).filter((j) => j.id?.startsWith(idPrefix));
    if (jobs.length >= atLeast || Date.now() > deadline) return jobs;
    await sleep(50);
  }
}
/** Nothing private in anything sent to anyone but the caregiver and (`assigned`) the volunteers who have the visit. */
function expectRedacted(cs: Captured[], assigned: string[] = []) {
  for (const c of cs.filter((c) => c.conversationId !== conv(CG) && !assigned.some((u) => c.conversationId === conv(u)))) {
    for (const secret of SECRETS) expect(visibleText(c.activity), `an activity to ${c.conversationId} showed «${secret}»`).not.toContain(secret);
  }
}

beforeAll(async () => {
  connector = await startFakeConnector();
  app = await startTestApp({ env: { WAVE_SIZE: '1000' }, now: clock.now });
  chat = chatDriver(app, connector);
  for (let i = 0; i < 10; i++) await chat.say(demoVolunteerId(i), 'hei');
  await chat.submit(CG, { action: 'caregiver.signup.submit', name: 'Hilde Berg', phone: '934 56 789' });
  await chat.submit(CG, {
    action: 'caregiver.person.submit', name: 'Olav Berg', address: 'Parkgata 3, 2317 Hamar', phone: '62511111', district: 'Sentrum',
    notes: 'Liker å snakke om fotball.', consentBasis: 'proxy', consentRelation: 'datter', consentDate: osloDate(new Date()),
  });
  const [p] = await app.db.query<{ id: string }>(`SELECT id FROM persons WHERE name = 'Olav Berg'`);
  personId = p!.id;
});
afterAll(async () => {
  await app?.close();
  await connector?.close();
});

describe('weekly respite for six weeks', () => {
  it('is asked for by the caregiver and offered whole, redacted, as «be the regular volunteer»', async () => {
    const start = connector.captured.length;
    // A repeat without an end is sent back with the reason, and nothing is stored.
    const noEnd = await chat.submit(CG, {
      action: 'caregiver.request.submit', personId, group: 'avlastning', date: osloDate(addDays(new Date(), 3)), time: '10:00', durationMinutes: '180',
      district: 'Sentrum', summary: 'Selskap', repeat: '1',
    });
    expect(hasAction(noEnd.at(-1)!.activity, 'caregiver.request.submit')).toBe(true);
    expect(visibleText(noEnd.at(-1)!.activity)).toContain('Velg en dato for siste besøk, eller hvor mange besøk');
    expect(await app.db.query('SELECT id FROM series')).toHaveLength(0);
    const replies = await chat.submit(CG, {
      action: 'caregiver.request.submit', personId, group: 'avlastning', date: osloDate(addDays(new Date(), 3)), time: '10:00', durationMinutes: '180',
      district: 'Sentrum', summary: 'Selskap hjemme mens jeg er på kor', handoverNote: 'Nøkkel i lyktestolpen', repeat: '1', visitCount: '6',
    });
    expect(visibleText(replies.at(-1)!.activity)).toContain('alle 6 besøkene');
    const [s] = await app.db.query<{ id: string; status: string }>(`SELECT id, status FROM series WHERE person_id = $1`, [personId]);
    expect(s!.status).toBe('open');
    seriesId = s!.id;
    visits = await app.db.query(`SELECT id, occurrence, starts_at FROM help_requests WHERE series_id = $1 ORDER BY occurrence`, [seriesId]);
    expect(visits.map((v) => v.occurrence)).toEqual([1, 2, 3, 4, 5, 6]);
    // Six weeks apart by the calendar: same local time each week.
    for (let i = 1; i < 6; i++) expect(osloDate(visits[i]!.starts_at)).toBe(osloDate(addDays(visits[0]!.starts_at, 7 * i)));
    // While the series is offered whole, no visit goes out on its own.
    expect(Number((await app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM offers WHERE request_id = ANY($1::uuid[])`, [visits.map((v) => v.id)]))[0]!.n)).toBe(0);

    const offers = await seriesOffers(seriesId);
    expect(offers.length).toBeGreaterThanOrEqual(4);
    await connector.waitFor(() => offers.every((o) => since(start).some((c) => c.conversationId === conv(o.user_id) && hasAction(c.activity, 'series.accept'))));
    const card = since(start).find((c) => hasAction(c.activity, 'series.accept'))!;
    const text = visibleText(card.activity);
    expect(text).toContain('fast avlaster');
    expect(text).toContain('hver');
    expect(text).toContain('6 besøk');
    expect(text).toContain('Sentrum');
    expectRedacted(since(start));

    // Should Redis lose its data now, the series' release timer is rebuilt from the database.
    const release = async () => app.queues.timers.getJob(`series-release-${seriesId}`);
    for (let i = 0; i < 100 && !(await release()); i++) await new Promise((r) => setTimeout(r, 50));
    await (await release())!.remove();
    const rebuilt = await rebuildSchedule({ db: app.db, queues: app.queues, settings: jobSettings(app.config), log: createLogger('silent'), now: () => new Date() });
    expect(rebuilt.series).toBeGreaterThanOrEqual(1);
    expect(await release()).toBeTruthy();
  });

  it('goes to exactly one of several volunteers tapping at once, who gets all six visits with the details', async () => {
    const offers = (await seriesOffers(seriesId)).slice(0, 4);
    const start = connector.captured.length;
    const replies = await Promise.all(offers.map((o) => chat.submit(o.user_id, { action: 'series.accept', seriesOfferId: o.id })));
    const [s] = await app.db.query<{ status: string; regular_volunteer_id: string }>('SELECT status, regular_volunteer_id FROM series WHERE id = $1', [seriesId]);
    expect(s!.status).toBe('taken');
    const won = offers.findIndex((o) => o.volunteer_id === s!.regular_volunteer_id);
    expect(won).toBeGreaterThanOrEqual(0);
    const [m] = await app.db.query<{ name: string }>('SELECT name FROM members WHERE id = $1', [s!.regular_volunteer_id]);
    winner = { userId: offers[won]!.user_id, memberId: s!.regular_volunteer_id, firstName: m!.name.split(' ')[0]! };

    const assignments = await app.db.query<{ volunteer_id: string }>(
      `SELECT a.volunteer_id FROM assignments a JOIN help_requests r ON r.id = a.request_id WHERE r.series_id = $1 AND a.status = 'active'`,
      [seriesId],
    );
    expect(assignments).toHaveLength(6);
    expect(new Set(assignments.map((a) => a.volunteer_id))).toEqual(new Set([winner.memberId]));
    const mine = visibleText(replies[won]!.at(-1)!.activity);
    for (const detail of ['Olav Berg', 'Parkgata 3', '62511111', 'lyktestolpen']) expect(mine).toContain(detail);
    expect(cardActions(replies[won]!.at(-1)!.activity).filter((d) => d.action === 'assignment.cancel.start')).toHaveLength(6);
    // Each visit's reveal is recorded.
    const reveals = await app.db.query<{ n: number }>(`SELECT count(DISTINCT request_id)::int AS n FROM audit_log WHERE action = 'reveal' AND actor_id = $1 AND person_id = $2`, [winner.memberId, personId]);
    expect(reveals[0]!.n).toBe(6);
    for (const [i, r] of replies.entries()) {
      if (i === won) continue;
      const text = r.map((c) => visibleText(c.activity)).join('\n');
      expect(text).toContain('En annen frivillig har tatt besøkene');
      for (const secret of SECRETS) expect(text).not.toContain(secret);
    }
    // The caregiver hears once who the regular volunteer is; every other series offer card closes.
    await connector.waitFor(() => since(start).some((c) => c.conversationId === conv(CG) && visibleText(c.activity).includes(`${winner.firstName} kommer hver`)));
    const others = (await seriesOffers(seriesId)).filter((o) => o.volunteer_id !== winner.memberId);
    await connector.waitFor(() => others.every((o) => connector.conversation(conv(o.user_id)).some((c) => visibleText(c.activity).includes('En annen frivillig har tatt besøkene'))));
    expectRedacted(since(start), [winner.userId]);
  });

  it('shows the caregiver «‹fornavn› kommer …» for each visit', async () => {
    const list = await chat.say(CG, 'mine forespørsler');
    const text = list.map((c) => visibleText(c.activity)).join('\n');
    expect(text.split(`${winner.firstName} kommer`).length - 1).toBeGreaterThanOrEqual(6);
    expect(text).toContain(`${winner.firstName} er fast frivillig`);
    expect(hasAction(list.at(-1)!.activity, 'caregiver.series.cancel')).toBe(true);
  });

  it('a new time for the rest of the series moves the visits still to come and their reminders, never past ones', async () => {
    const before = visits;
    clock.set(addHours(before[0]!.starts_at, 1)); // the first visit has taken place
    const a2 = (await assignmentOf(before[1]!.id))!;
    const [oldDayBefore] = await timers(`remind-${a2.id}-1440-${before[1]!.starts_at.getTime()}`);
    expect(oldDayBefore, 'week 2 had its day-before reminder').toBeDefined();
    const start = connector.captured.length;
    const form = await chat.submit(CG, { action: 'caregiver.series.edit.start', seriesId });
    expect(hasAction(form.at(-1)!.activity, 'caregiver.series.edit.submit')).toBe(true);
    const saved = await chat.submit(CG, { action: 'caregiver.series.edit.submit', seriesId, time: '11:30', durationMinutes: '120' });
    expect(saved.map((c) => visibleText(c.activity)).join('\n')).toContain('Ny tid er lagret for 5 besøk');
    visits = await app.db.query(`SELECT id, occurrence, starts_at FROM help_requests WHERE series_id = $1 ORDER BY occurrence`, [seriesId]);
    expect(visits[0]!.starts_at.getTime()).toBe(before[0]!.starts_at.getTime());
    for (let i = 1; i < 6; i++) {
      expect(osloDate(visits[i]!.starts_at)).toBe(osloDate(before[i]!.starts_at)); // same day
      expect(visits[i]!.starts_at.getTime() - before[i]!.starts_at.getTime()).toBe(90 * 60_000); // 10:00 → 11:30
    }
    await connector.waitFor(() => since(start).some((c) => c.conversationId === conv(winner.userId) && visibleText(c.activity).includes('Ny tid for besøkene')));
    expect(visibleText(since(start).find((c) => c.conversationId === conv(winner.userId) && visibleText(c.activity).includes('Ny tid'))!.activity)).toContain('11:30');

    // The old reminder stays silent; the new one comes, with the new time.
    const afterMove = connector.captured.length;
    await oldDayBefore!.promote();
    await sleep(1000);
    expect(since(afterMove).filter((c) => /Påminnelse/.test(visibleText(c.activity)))).toHaveLength(0);
    const [newDayBefore] = await timers(`remind-${a2.id}-1440-${visits[1]!.starts_at.getTime()}`);
    expect(newDayBefore, 'week 2 has a reminder at its new time').toBeDefined();
    await newDayBefore!.promote();
    await connector.waitFor(() => since(afterMove).some((c) => c.conversationId === conv(winner.userId) && /Påminnelse/.test(visibleText(c.activity)) && visibleText(c.activity).includes('11:30')));
  });

  it('cancelling week 3 tells the volunteer, and none of its reminders fire', async () => {
    const week3 = visits[2]!;
    const a3 = (await assignmentOf(week3.id))!;
    const a4 = (await assignmentOf(visits[3]!.id))!;
    const reminders3 = await timers(`remind-${a3.id}-`, 4);
    expect(reminders3.length, 'week 3 had its reminders (before and after the move)').toBe(4);
    const start = connector.captured.length;
    await chat.submit(CG, { action: 'caregiver.request.cancel', requestId: week3.id });
    await connector.waitFor(() => since(start).some((c) => c.conversationId === conv(winner.userId) && /avlyst/i.test(visibleText(c.activity))));

    // The clock passes week 3: its reminders come due and stay silent.
    clock.set(addHours(week3.starts_at, 1));
    const afterCancel = connector.captured.length;
    for (const job of reminders3) await job.promote();
    await sleep(1500);
    expect(since(afterCancel).filter((c) => /Påminnelse/.test(visibleText(c.activity)))).toHaveLength(0);
    // Week 4's day-before reminder still comes (the mechanism works; only week 3 is silent).
    const [day4] = await timers(`remind-${a4.id}-1440-${visits[3]!.starts_at.getTime()}`);
    await day4!.promote();
    await connector.waitFor(() => since(afterCancel).some((c) => c.conversationId === conv(winner.userId) && /Påminnelse/.test(visibleText(c.activity))));
    expect(since(afterCancel).filter((c) => c.conversationId === conv(winner.userId) && /Påminnelse/.test(visibleText(c.activity)))).toHaveLength(1);
  });

  it('stepping back from week 5 sends it out again; another volunteer takes it; the caregiver is told', async () => {
    const week5 = visits[4]!;
    const a5 = (await assignmentOf(week5.id))!;
    const start = connector.captured.length;
    await chat.submit(winner.userId, { action: 'assignment.cancel.submit', assignmentId: a5.id, reason: 'Bortreist den uka' });
    expect((await app.db.query<{ status: string }>('SELECT status FROM help_requests WHERE id = $1', [week5.id]))[0]!.status).toBe('open');
    await connector.waitFor(() => since(start).some((c) => c.conversationId === conv(CG) && visibleText(c.activity).includes(winner.firstName)));
    const [o] = await app.db.query<{ id: string; user_id: string; volunteer_id: string }>(
      `SELECT o.id, c.user_id, o.volunteer_id FROM offers o JOIN chat_identities c ON c.member_id = o.volunteer_id AND c.channel_id = 'webchat'
        WHERE o.request_id = $1 ORDER BY c.user_id LIMIT 1`,
      [week5.id],
    );
    expect(o, 'week 5 went out again as an ordinary offer').toBeDefined();
    expect(o!.volunteer_id).not.toBe(winner.memberId);
    await connector.waitFor(() => since(start).some((c) => c.conversationId === conv(o!.user_id) && hasAction(c.activity, 'offer.accept')));
    expectRedacted(since(start), [winner.userId]);
    await chat.submit(o!.user_id, { action: 'offer.accept', offerId: o!.id });
    expect((await assignmentOf(week5.id))!.volunteer_id).toBe(o!.volunteer_id);
    // The rest of the series stays with the regular volunteer.
    for (const v of [visits[3]!, visits[5]!]) expect((await assignmentOf(v.id))!.volunteer_id).toBe(winner.memberId);
    const [m] = await app.db.query<{ name: string }>('SELECT name FROM members WHERE id = $1', [o!.volunteer_id]);
    const list = await chat.say(CG, 'mine forespørsler');
    expect(list.map((c) => visibleText(c.activity)).join('\n')).toContain(`${m!.name.split(' ')[0]} kommer`);
    second = { userId: o!.user_id, memberId: o!.volunteer_id };
  });

  it('the regular volunteer finds the series again («faste besøk») and steps back from every visit: they go out again, the caregiver is told once', async () => {
    const mine = await chat.say(winner.userId, 'faste besøk');
    const card = mine.find((c) => hasAction(c.activity, 'series.leave.start'))!;
    expect(visibleText(card.activity)).toContain('Olav Berg');
    // Weeks 4 and 6 are still theirs (3 was cancelled, 5 went to someone else).
    expect(cardActions(card.activity).filter((d) => d.action === 'assignment.cancel.start')).toHaveLength(2);
    const start = connector.captured.length;
    const confirm = await chat.submit(winner.userId, { action: 'series.leave.start', seriesId });
    expect(hasAction(confirm.at(-1)!.activity, 'series.leave.confirm')).toBe(true);
    await chat.submit(winner.userId, { action: 'series.leave.confirm', seriesId });
    const [s] = await app.db.query<{ status: string; regular_volunteer_id: string | null }>('SELECT status, regular_volunteer_id FROM series WHERE id = $1', [seriesId]);
    expect(s).toEqual({ status: 'released', regular_volunteer_id: null });
    for (const v of [visits[3]!, visits[5]!]) {
      expect((await app.db.query<{ status: string }>('SELECT status FROM help_requests WHERE id = $1', [v.id]))[0]!.status).toBe('open');
      const offered = await app.db.query<{ volunteer_id: string }>('SELECT volunteer_id FROM offers WHERE request_id = $1', [v.id]);
      expect(offered.length).toBeGreaterThan(0);
      expect(offered.map((o) => o.volunteer_id)).not.toContain(winner.memberId);
    }
    expect((await assignmentOf(visits[4]!.id))!.volunteer_id).toBe(second.memberId); // week 5 stays with whoever took it
    await connector.waitFor(() => since(start).some((c) => c.conversationId === conv(CG) && visibleText(c.activity).includes('har trukket seg')));
    await sleep(500);
    expect(since(start).filter((c) => c.conversationId === conv(CG) && visibleText(c.activity).includes('har trukket seg'))).toHaveLength(1);
  });

  it('the caregiver cancels the rest of the series; the volunteer who still had a visit is told once', async () => {
    const start = connector.captured.length;
    // The button asks first; nothing is cancelled until the caregiver confirms.
    const asked = await chat.submit(CG, { action: 'caregiver.series.cancel', seriesId });
    expect(asked.some((c) => hasAction(c.activity, 'caregiver.series.cancel.confirm'))).toBe(true);
    expect((await app.db.query(`SELECT 1 FROM help_requests WHERE series_id = $1 AND status = 'cancelled' AND occurrence >= 4`, [seriesId]))).toHaveLength(0);
    const replies = await chat.submit(CG, { action: 'caregiver.series.cancel.confirm', seriesId });
    expect(replies.map((c) => visibleText(c.activity)).join('\n'), 'cancel reply').toContain('avlyst');
    const rest = await app.db.query<{ status: string }>(`SELECT status FROM help_requests WHERE series_id = $1 AND occurrence >= 4`, [seriesId]);
    expect(rest.map((r) => r.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    // Visits already past stay as they were.
    expect((await app.db.query<{ status: string }>(`SELECT status FROM help_requests WHERE id = $1`, [visits[0]!.id]))[0]!.status).toBe('taken');
    await connector.waitFor(() => since(start).some((c) => c.conversationId === conv(second.userId) && visibleText(c.activity).includes('Besøkene er avlyst')));
    await sleep(500);
    expect(since(start).filter((c) => c.conversationId === conv(second.userId) && visibleText(c.activity).includes('Besøkene er avlyst'))).toHaveLength(1);
    expect(since(start).filter((c) => c.conversationId === conv(winner.userId) && visibleText(c.activity).includes('Besøkene er avlyst'))).toHaveLength(0);
    clock.offsetMs = 0;
  });
});

describe('a series nobody takes within the wave time', () => {
  it('goes out visit by visit as ordinary requests, and the series offers close', async () => {
    const start = connector.captured.length;
    await chat.submit(CG, {
      action: 'caregiver.request.submit', personId, group: 'avlastning', date: osloDate(addDays(new Date(), 5)), time: '14:00', durationMinutes: '120',
      district: 'Sentrum', summary: 'Tur i parken annenhver uke', repeat: '2', untilDate: osloDate(addDays(new Date(), 5 + 28)),
    });
    const [s] = await app.db.query<{ id: string }>(`SELECT id FROM series WHERE person_id = $1 AND status = 'open'`, [personId]);
    const offers = await seriesOffers(s!.id);
    await connector.waitFor(() => offers.every((o) => since(start).some((c) => c.conversationId === conv(o.user_id) && hasAction(c.activity, 'series.accept'))));
    const [release] = await timers(`series-release-${s!.id}`);
    expect(release, 'the release timer is set').toBeDefined();
    await release!.promote();

    const ids = (await app.db.query<{ id: string }>(`SELECT id FROM help_requests WHERE series_id = $1 ORDER BY occurrence`, [s!.id])).map((r) => r.id);
    expect(ids).toHaveLength(3);
    const deadline = Date.now() + 10_000;
    const sentPerVisit = async () => (await app.db.query<{ n: number }>(
      `SELECT count(DISTINCT o.request_id)::int AS n FROM offers o JOIN offer_deliveries od ON od.offer_id = o.id WHERE o.request_id = ANY($1::uuid[])`, [ids]))[0]!.n;
    while ((await sentPerVisit()) < 3 && Date.now() < deadline) await sleep(50);
    expect(await sentPerVisit(), 'every visit\'s own offers were sent').toBe(3);
    const perVisit = await app.db.query<{ request_id: string; n: number }>(
      `SELECT request_id, count(*)::int AS n FROM offers WHERE request_id = ANY($1::uuid[]) GROUP BY request_id`,
      [ids],
    );
    expect(perVisit).toHaveLength(3);
    expect((await app.db.query<{ status: string }>('SELECT status FROM series WHERE id = $1', [s!.id]))[0]!.status).toBe('released');
    await connector.waitFor(() => offers.every((o) => connector.conversation(conv(o.user_id)).some((c) => visibleText(c.activity).includes('sendes nå ut ett og ett'))));
    // A late tap on the series offer takes nothing.
    const late = await chat.submit(offers[0]!.user_id, { action: 'series.accept', seriesOfferId: offers[0]!.id });
    // (Other cards may reach this chat during the turn: the visits' own offers.)
    expect(late.map((c) => visibleText(c.activity)).join('\n')).toContain('ett og ett');
    expect(Number((await app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM assignments WHERE request_id = ANY($1::uuid[])`, [ids]))[0]!.n)).toBe(0);
    expectRedacted(since(start));
  });
});

describe('a new time before anyone has the visits', () => {
  const oslo = new Intl.DateTimeFormat('nb-NO', { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit' });
  const putsTo = (start: number, activityId: string) => since(start).filter((c) => c.method === 'PUT' && c.activityId === activityId);

  it('moves the visits of a series still on offer, draws the open cards again with the new time, and tells whoever has taken a visit since', async () => {
    const start = connector.captured.length;
    await chat.submit(CG, {
      action: 'caregiver.request.submit', personId, group: 'avlastning', date: osloDate(addDays(new Date(), 10)), time: '14:00', durationMinutes: '120',
      district: 'Sentrum', summary: 'Kaffe og kryssord', repeat: '1', visitCount: '3',
    });
    const [s] = await app.db.query<{ id: string }>(
      `SELECT DISTINCT s.id FROM series s JOIN help_requests r ON r.series_id = s.id WHERE r.summary = 'Kaffe og kryssord'`,
    );
    const id = s!.id;
    const offers = await seriesOffers(id);
    await connector.waitFor(() => offers.every((o) => since(start).some((c) => c.conversationId === conv(o.user_id) && hasAction(c.activity, 'series.accept'))));
    const cardOf = (userId: string) => since(start).find((c) => c.method === 'POST' && c.conversationId === conv(userId) && hasAction(c.activity, 'series.accept'))!;

    // Offered whole, nobody has it: the caregiver's list offers «Endre tid» all the same.
    const list = await chat.say(CG, 'mine forespørsler');
    expect(list.some((c) => cardActions(c.activity).some((d) => d.action === 'caregiver.series.edit.start' && d.seriesId === id))).toBe(true);
    const moved = connector.captured.length;
    const saved = await chat.submit(CG, { action: 'caregiver.series.edit.submit', seriesId: id, time: '16:30', durationMinutes: '90' });
    expect(saved.map((c) => visibleText(c.activity)).join('\n')).toContain('Ny tid er lagret for 3 besøk');
    let visitRows = await app.db.query<{ id: string; starts_at: Date; duration_minutes: number }>(
      `SELECT id, starts_at, duration_minutes FROM help_requests WHERE series_id = $1 ORDER BY occurrence`, [id],
    );
    expect(visitRows.map((v) => oslo.format(v.starts_at))).toEqual(['16:30', '16:30', '16:30']);
    // Every series offer card on a screen is drawn again in place: the new time, the same buttons.
    await connector.waitFor(() => offers.every((o) => putsTo(moved, cardOf(o.user_id).activityId).length > 0));
    for (const o of offers) {
      const redrawn = putsTo(moved, cardOf(o.user_id).activityId).at(-1)!;
      expect(visibleText(redrawn.activity)).toContain('16:30');
      expect(hasAction(redrawn.activity, 'series.accept')).toBe(true);
    }
    expectRedacted(since(start));

    // Nobody takes the whole series: the visits go out one by one, at the new time.
    const [release] = await timers(`series-release-${id}`);
    await release!.promote();
    const ids = visitRows.map((v) => v.id);
    const visitOffers = async () => app.db.query<{ id: string; request_id: string; user_id: string; activity_id: string | null }>(
      `SELECT o.id, o.request_id, c.user_id, od.activity_id FROM offers o LEFT JOIN offer_deliveries od ON od.offer_id = o.id JOIN chat_identities c ON c.member_id = o.volunteer_id AND c.channel_id = 'webchat'
        WHERE o.request_id = ANY($1::uuid[]) ORDER BY c.user_id, o.request_id`,
      [ids],
    );
    const deadline = Date.now() + 10_000;
    const allSent = (rows: Array<{ request_id: string; activity_id: string | null }>) => new Set(rows.map((o) => o.request_id)).size === 3 && rows.every((o) => o.activity_id);
    while (!allSent(await visitOffers()) && Date.now() < deadline) await sleep(50);
    const sent = await visitOffers();
    expect(new Set(sent.map((o) => o.request_id)).size).toBe(3);
    expect(sent.every((o) => o.activity_id)).toBe(true);

    // Someone takes the first visit; then the caregiver moves the visits again.
    const taker = sent.find((o) => o.request_id === ids[0])!;
    await chat.submit(taker.user_id, { action: 'offer.accept', offerId: taker.id });
    expect((await assignmentOf(ids[0]!))).toBeDefined();
    const oldStart2 = visitRows[1]!.starts_at.getTime();
    const [oldStartTimer] = await timers(`start-${ids[1]}-${oldStart2}`);
    expect(oldStartTimer, 'visit 2 expires at its start').toBeDefined();

    const again = connector.captured.length;
    const saved2 = await chat.submit(CG, { action: 'caregiver.series.edit.submit', seriesId: id, time: '11:00', durationMinutes: '90' });
    expect(saved2.map((c) => visibleText(c.activity)).join('\n')).toContain('Ny tid er lagret for 3 besøk');
    visitRows = await app.db.query(`SELECT id, starts_at, duration_minutes FROM help_requests WHERE series_id = $1 ORDER BY occurrence`, [id]);
    expect(visitRows.map((v) => oslo.format(v.starts_at))).toEqual(['11:00', '11:00', '11:00']);
    // The volunteer who has visit 1 is told; the open cards of visits 2 and 3 show 11:00 and can still be taken.
    await connector.waitFor(() => since(again).some((c) => c.conversationId === conv(taker.user_id) && visibleText(c.activity).includes('Ny tid for besøkene')));
    const stillOpen = sent.filter((o) => o.request_id !== ids[0]);
    await connector.waitFor(() => stillOpen.every((o) => putsTo(again, o.activity_id!).length > 0));
    for (const o of stillOpen) {
      const redrawn = putsTo(again, o.activity_id!).at(-1)!;
      expect(visibleText(redrawn.activity)).toContain('11:00');
      expect(hasAction(redrawn.activity, 'offer.accept')).toBe(true);
    }
    // Visit 1's cards closed as taken; none of them is drawn open again.
    for (const o of sent.filter((o) => o.request_id === ids[0])) expect(putsTo(again, o.activity_id!).filter((c) => hasAction(c.activity, 'offer.accept'))).toHaveLength(0);
    expectRedacted(since(start), [taker.user_id]);

    // The timers follow the visit: new start and escalation timers; the old start timer stays silent.
    const newStart2 = visitRows[1]!.starts_at.getTime();
    expect(await timers(`start-${ids[1]}-${newStart2}`)).toHaveLength(1);
    expect(await timers(`escalate-${ids[1]}-${newStart2}`)).toHaveLength(1);
    clock.set(new Date(oldStart2 + 60_000));
    await oldStartTimer!.promote();
    await sleep(1000);
    expect((await app.db.query<{ status: string }>('SELECT status FROM help_requests WHERE id = $1', [ids[1]]))[0]!.status).toBe('open');
    clock.offsetMs = 0;
    // Someone can still take visit 2, at its new time.
    const late = stillOpen.find((o) => o.request_id === ids[1])!;
    const won = await chat.submit(late.user_id, { action: 'offer.accept', offerId: late.id });
    expect(won.map((c) => visibleText(c.activity)).join('\n')).toContain('11:00');
  });
});

describe('consent withdrawn while a series is offered', () => {
  it('cancels its visits; when the wave time is up the series is cancelled too, and its offers say so', async () => {
    const start = connector.captured.length;
    await chat.submit(CG, {
      action: 'caregiver.request.submit', personId, group: 'avlastning', date: osloDate(addDays(new Date(), 8)), time: '09:00', durationMinutes: '60',
      district: 'Sentrum', summary: 'Frokost sammen', repeat: '1', visitCount: '2',
    });
    const [s] = await app.db.query<{ id: string }>(`SELECT id FROM series WHERE person_id = $1 AND status = 'open'`, [personId]);
    const offers = await seriesOffers(s!.id);
    await connector.waitFor(() => offers.every((o) => since(start).some((c) => c.conversationId === conv(o.user_id) && hasAction(c.activity, 'series.accept'))));
    await chat.submit('demo-ansatt-1', { action: 'staff.consent.withdraw', personId });
    const [release] = await timers(`series-release-${s!.id}`);
    await release!.promote();
    await connector.waitFor(() => offers.every((o) => connector.conversation(conv(o.user_id)).some((c) => visibleText(c.activity).includes('Besøkene er avlyst'))));
    expect((await app.db.query<{ status: string }>('SELECT status FROM series WHERE id = $1', [s!.id]))[0]!.status).toBe('cancelled');
    expect(Number((await app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM offers o JOIN help_requests r ON r.id = o.request_id WHERE r.series_id = $1`, [s!.id]))[0]!.n)).toBe(0);
  });
});

describe('continuity first', () => {
  // Its own app with a wave of two, so who is asked first shows.
  let small: TestApp;
  let smallChat: ChatDriver;
  const CG2 = 'serie-parorende-2';
  beforeAll(async () => {
    small = await startTestApp({ env: { WAVE_SIZE: '2' } });
    smallChat = chatDriver(small, connector);
  });
  afterAll(async () => {
    await small?.close();
  });

  it('offers the series, and each visit when nobody took it, first to the volunteer who has helped the person before', async () => {
    await smallChat.submit(CG2, { action: 'caregiver.signup.submit', name: 'Randi Moe', phone: '934 56 000' });
    await smallChat.submit(CG2, {
      action: 'caregiver.person.submit', name: 'Per Moe', address: 'Torggata 1, 2317 Hamar', phone: '62519999', district: 'Sentrum',
      consentBasis: 'proxy', consentRelation: 'kone', consentDate: osloDate(new Date()),
    });
    const [p] = await small.db.query<{ id: string; created_by: string }>(`SELECT id, created_by FROM persons WHERE name = 'Per Moe'`);
    // Volunteer 20 visited Per last month.
    const [known] = await small.db.query<{ member_id: string }>(`SELECT member_id FROM chat_identities WHERE channel_id = 'dev' AND user_id = $1`, [demoVolunteerId(19)]);
    const [past] = await small.db.query<{ id: string }>(
      `INSERT INTO help_requests (centre_id, group_key, district, starts_at, duration_minutes, summary, person_id, created_by, status, assigned_volunteer_id, taken_at)
       VALUES ('hamar', 'avlastning', 'Sentrum', $1, 60, 'Tidligere besøk', $2, $3, 'done', $4, $1) RETURNING id`,
      [addDays(new Date(), -30), p!.id, p!.created_by, known!.member_id],
    );
    await small.db.query(`INSERT INTO assignments (request_id, volunteer_id, assigned_at, status, outcome) VALUES ($1, $2, $3, 'done', 'done')`, [past!.id, known!.member_id, addDays(new Date(), -31)]);

    await smallChat.submit(CG2, {
      action: 'caregiver.request.submit', personId: p!.id, group: 'avlastning', date: osloDate(addDays(new Date(), 6)), time: '12:00', durationMinutes: '60',
      district: 'Sentrum', summary: 'Selskap til kaffen', repeat: '1', visitCount: '3',
    });
    const [s] = await small.db.query<{ id: string }>(`SELECT id FROM series WHERE person_id = $1`, [p!.id]);
    const offered = await small.db.query<{ volunteer_id: string }>('SELECT volunteer_id FROM series_offers WHERE series_id = $1', [s!.id]);
    expect(offered).toHaveLength(2);
    expect(offered.map((o) => o.volunteer_id)).toContain(known!.member_id);

    // Nobody takes it: each visit's first wave also starts with them.
    const [release] = await timers(`series-release-${s!.id}`, 1, small);
    await release!.promote();
    const deadline = Date.now() + 10_000;
    let first: Array<{ request_id: string; volunteer_id: string }> = [];
    while (Date.now() < deadline) {
      first = await small.db.query(`SELECT o.request_id, o.volunteer_id FROM offers o JOIN help_requests r ON r.id = o.request_id WHERE r.series_id = $1 AND o.wave = 1`, [s!.id]);
      if (new Set(first.map((o) => o.request_id)).size === 3) break;
      await sleep(50);
    }
    expect(new Set(first.map((o) => o.request_id)).size).toBe(3);
    for (const requestId of new Set(first.map((o) => o.request_id))) {
      expect(first.filter((o) => o.request_id === requestId).map((o) => o.volunteer_id)).toContain(known!.member_id);
    }
  });
});
