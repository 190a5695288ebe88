// Issue 13, over HTTP and the fake connector: a volunteer who loses their standing loses the details.
// Staff «Fjern» (and «Sett på pause») release the volunteer's tasks and series visits, which go out
// again (staff told, the caregiver told plainly), and «Mine oppdrag», «faste besøk», reminders and the
// Teams refresh stop showing the person. Joining another centre from the profile waits for that
// centre's staff. A volunteer who cancels after the start leaves the request ended as not done.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, addMinutes } from 'date-fns';
import { startTestApp, VirtualClock, type TestApp } from '../support/app.ts';
import { startFakeConnector, visibleText, type Captured, type FakeConnector } from '../support/fake-connector.ts';
import { cardActions, chatDriver, hasAction, type ChatDriver } from '../support/chat.ts';
import { demoVolunteerId, neighbourVolunteerId } from '../../infra/seed-demo.ts';
import { formatDateTime } from '../../adaptive-cards/format.ts';
import { osloDate, osloWallClock } from '../../domain/time-zone.ts';
import { until } from '../support/wait.ts';

let app: TestApp;
let connector: FakeConnector;
let chat: ChatDriver;
const clock = new VirtualClock();
const CG = 'la-parorende-1';
const COORDINATOR = 'demo-ansatt-1';
const STAFF = 'demo-ansatt-2';
const STANGE = 'demo-stange-ansatt-1';
const NOTE = 'Nøkkel i lyktestolpen';
const PERSON = 'Olav Berg';
/** Paused while the first requests go out, back before the removal: whom a released task goes out to. */
const LATE = demoVolunteerId(4);

const conv = (userId: string) => `conv-${userId}`;
const since = (n: number) => connector.captured.slice(n);
const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));
const text = (cs: Captured[]) => cs.map((c) => visibleText(c.activity)).join('\n');
const textIn = (cs: Captured[], userId: string) => text(cs.filter((c) => c.conversationId === conv(userId)));
let personId: string;

const memberOf = async (userId: string) =>
  (await app.db.query<{ member_id: string }>(`SELECT member_id FROM chat_identities WHERE user_id = $1 AND member_id IS NOT NULL LIMIT 1`, [userId]))[0]!.member_id;
const firstName = async (memberId: string) => (await app.db.query<{ name: string }>('SELECT name FROM members WHERE id = $1', [memberId]))[0]!.name.split(' ')[0]!;

async function ask(extra: Record<string, string>): Promise<string> {
  const summary = `Besøk ${Math.random().toString(36).slice(2, 8)}`;
  await chat.submit(CG, {
    action: 'caregiver.request.submit', personId, group: 'avlastning', time: '10:00', durationMinutes: '120', district: 'Sentrum', summary, handoverNote: NOTE,
    date: osloDate(addDays(clock.now(), 4)), ...extra,
  });
  return (await app.db.query<{ id: string }>(`SELECT id FROM help_requests WHERE summary = $1 ORDER BY starts_at LIMIT 1`, [summary]))[0]!.id;
}

/** A reachable volunteer with a pending offer of the request (not one of `except`). */
async function offerOf(requestId: string, except: string[] = []) {
  const [o] = await app.db.query<{ id: string; user_id: string; volunteer_id: string }>(
    `SELECT o.id, c.user_id, o.volunteer_id FROM offers o JOIN chat_identities c ON c.member_id = o.volunteer_id AND c.channel_id = 'webchat'
      WHERE o.request_id = $1 AND o.status = 'pending' AND NOT (c.user_id = ANY($2::text[])) ORDER BY c.user_id LIMIT 1`,
    [requestId, except],
  );
  return o!;
}

/** The Teams tab's «Mine oppdrag» (GET /api/tab/tasks), as the tab outside Teams asks in development: with the web chat's token. */
async function tabTasks(userId: string): Promise<string> {
  const { token } = (await (await fetch(`${app.url}/v3/directline/tokens/generate`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: { id: userId } }),
  })).json()) as { token: string };
  const res = await fetch(`${app.url}/api/tab/tasks`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return res.text();
}

async function timer(prefix: string) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const job = (await app.queues.timers.getJobs(['delayed', 'waiting'])).find((j) => j.id?.startsWith(prefix));
    if (job || Date.now() > deadline) return job;
    await sleep(50);
  }
}

beforeAll(async () => {
  connector = await startFakeConnector();
  app = await startTestApp({ neighbourCentre: true, env: { WAVE_SIZE: '1000' }, now: clock.now });
  chat = chatDriver(app, connector);
  for (let i = 0; i < 6; i++) await chat.say(demoVolunteerId(i), 'hei');
  for (let i = 0; i < 3; i++) await chat.say(neighbourVolunteerId(i), 'hei');
  for (const s of [COORDINATOR, STAFF, STANGE]) await chat.say(s, 'hei');
  await chat.submit(CG, { action: 'caregiver.signup.submit', name: 'Hilde Berg', phone: '934 56 789' });
  await chat.submit(CG, {
    action: 'caregiver.person.submit', name: PERSON, address: 'Parkgata 3, 2317 Hamar', phone: '62511111', district: 'Sentrum',
    notes: 'Liker fotball.', consentBasis: 'proxy', consentRelation: 'datter', consentDate: osloDate(new Date()),
  });
  personId = (await app.db.query<{ id: string }>(`SELECT id FROM persons WHERE name = $1`, [PERSON]))[0]!.id;
});
afterAll(async () => {
  await app?.close();
  await connector?.close();
});

describe('a volunteer staff remove («Fjern»)', () => {
  let single: string;
  let seriesId: string;
  let volunteer: { userId: string; memberId: string; offerId: string };

  it('had a task and the regular visits of a series, with the details in «Mine oppdrag»', async () => {
    await chat.submit(LATE, { action: 'volunteer.pause', days: '2' });
    single = await ask({});
    const o = await offerOf(single, [LATE]);
    volunteer = { userId: o.user_id, memberId: o.volunteer_id, offerId: o.id };
    await chat.submit(volunteer.userId, { action: 'offer.accept', offerId: o.id });
    await ask({ time: '14:00', date: osloDate(addDays(clock.now(), 3)), repeat: '1', visitCount: '3' });
    seriesId = (await app.db.query<{ id: string }>(`SELECT id FROM series WHERE person_id = $1`, [personId]))[0]!.id;
    const [so] = await app.db.query<{ id: string }>(`SELECT id FROM series_offers WHERE series_id = $1 AND volunteer_id = $2`, [seriesId, volunteer.memberId]);
    await chat.submit(volunteer.userId, { action: 'series.accept', seriesOfferId: so!.id });
    expect((await app.db.query<{ regular_volunteer_id: string }>('SELECT regular_volunteer_id FROM series WHERE id = $1', [seriesId]))[0]!.regular_volunteer_id).toBe(volunteer.memberId);
    const mine = text(await chat.submit(volunteer.userId, { action: 'tasks.mine' }));
    expect(mine).toContain(PERSON);
    expect(mine).toContain(NOTE);
    expect(await tabTasks(volunteer.userId)).toContain(PERSON);
    await chat.submit(LATE, { action: 'volunteer.resume' });
  });

  it('are released and go out again; staff are told once per request and once for the series, the caregiver plainly', async () => {
    const assignment = (await app.db.query<{ id: string }>(`SELECT id FROM assignments WHERE request_id = $1 AND status = 'active'`, [single]))[0]!.id;
    const reminder = await timer(`remind-${assignment}-`);
    expect(reminder).toBeDefined();
    const first = await firstName(volunteer.memberId);
    const before = connector.captured.length;
    await chat.submit(STAFF, { action: 'staff.volunteer.remove', volunteerId: volunteer.memberId });

    expect(await app.db.query(`SELECT 1 FROM assignments WHERE volunteer_id = $1 AND status = 'active'`, [volunteer.memberId])).toHaveLength(0);
    const [a] = await app.db.query<{ cancel_reason: string }>('SELECT cancel_reason FROM assignments WHERE id = $1', [assignment]);
    expect(a!.cancel_reason).toBe('volunteer_removed');
    expect((await app.db.query<{ status: string }>('SELECT status FROM help_requests WHERE id = $1', [single]))[0]!.status).toBe('open');
    expect((await app.db.query<{ status: string }>('SELECT status FROM series WHERE id = $1', [seriesId]))[0]!.status).toBe('released');
    const visits = await app.db.query<{ status: string }>(`SELECT status FROM help_requests WHERE series_id = $1`, [seriesId]);
    expect(visits.map((v) => v.status)).toEqual(['open', 'open', 'open']);
    // Out again: the single task to the volunteer who had not had it, each visit to everyone who fits.
    await connector.waitFor(() => since(before).some((c) => c.conversationId === conv(LATE) && hasAction(c.activity, 'offer.accept')));

    await connector.waitFor(() => textIn(since(before), COORDINATOR).includes('Den frivillige er fjernet eller satt på pause'));
    await connector.waitFor(() => textIn(since(before), COORDINATOR).includes('Den faste frivillige har trukket seg'));
    await connector.waitFor(() => textIn(since(before), CG).includes(`${first} kan ikke likevel — vi leter etter en ny frivillig`));
    await connector.waitFor(() => textIn(since(before), CG).includes('Den faste frivillige har trukket seg'));
    await sleep(500);
    const coordinator = since(before).filter((c) => c.conversationId === conv(COORDINATOR));
    expect(coordinator.filter((c) => /En frivillig har avlyst/.test(visibleText(c.activity)))).toHaveLength(1);
    expect(coordinator.filter((c) => /trukket seg/.test(visibleText(c.activity)))).toHaveLength(1);
    expect(since(before).filter((c) => c.conversationId === conv(CG) && /trukket seg/.test(visibleText(c.activity)))).toHaveLength(1);
    expect(textIn(since(before), CG)).not.toContain('fjernet');

    // The old reminder finds the task gone and says nothing.
    const quiet = connector.captured.length;
    await reminder!.promote();
    await sleep(800);
    expect(textIn(since(quiet), volunteer.userId)).not.toContain(PERSON);
    expect(since(quiet).filter((c) => c.conversationId === conv(volunteer.userId))).toHaveLength(0);
  });

  it('no longer shows the person anywhere: «Mine oppdrag», «faste besøk», the accepted card, Teams\' refresh', async () => {
    const reads = [
      await chat.submit(volunteer.userId, { action: 'tasks.mine' }),
      await chat.say(volunteer.userId, 'faste besøk'),
      await chat.submit(volunteer.userId, { action: 'offer.accept', offerId: volunteer.offerId }),
      await chat.submit(volunteer.userId, { action: 'offer.details', offerId: volunteer.offerId }),
    ];
    const res = await app.post({
      type: 'invoke', name: 'adaptiveCard/action', id: 'inv-1', channelId: 'msteams', serviceUrl: connector.url,
      from: { id: volunteer.userId, name: 'x' }, recipient: { id: 'dugnad-bot' }, conversation: { id: conv(volunteer.userId) },
      value: { action: { type: 'Action.Execute', verb: 'offer.details', data: { action: 'offer.details', offerId: volunteer.offerId } } },
    });
    const all = reads.map(text).join('\n') + JSON.stringify(await res.json().catch(() => ({}))) + (await tabTasks(volunteer.userId));
    for (const secret of [PERSON, 'Parkgata', '62511111', NOTE]) expect(all).not.toContain(secret);
    expect(text(reads[0]!)).toContain('Du har ingen oppdrag som kommer');
  });

  it('gets no more offers from the centre', async () => {
    const next = await ask({ date: osloDate(addDays(clock.now(), 5)) });
    expect(await app.db.query('SELECT 1 FROM offers WHERE request_id = $1 AND volunteer_id = $2', [next, volunteer.memberId])).toHaveLength(0);
    expect((await app.db.query('SELECT 1 FROM offers WHERE request_id = $1', [next])).length).toBeGreaterThan(0);
  });
});

describe('a volunteer staff pause («Sett på pause»)', () => {
  it('loses the task and its details the same way', async () => {
    const request = await ask({ date: osloDate(addDays(clock.now(), 6)) });
    const o = await offerOf(request);
    await chat.submit(o.user_id, { action: 'offer.accept', offerId: o.id });
    expect(text(await chat.submit(o.user_id, { action: 'tasks.mine' }))).toContain(PERSON);
    await chat.submit(STAFF, { action: 'staff.volunteer.pause', volunteerId: o.volunteer_id });
    expect(await app.db.query(`SELECT 1 FROM assignments WHERE request_id = $1 AND status = 'active'`, [request])).toHaveLength(0);
    expect(text(await chat.submit(o.user_id, { action: 'tasks.mine' }))).not.toContain(PERSON);
  });
});

describe('the confidentiality rule itself (mayReveal), asked by every path that shows a person', () => {
  it('hides a task still assigned to a volunteer no longer approved at its centre: «Mine oppdrag», the tab, the reminder', async () => {
    const request = await ask({ date: osloDate(addDays(clock.now(), 7)) });
    const o = await offerOf(request);
    await chat.submit(o.user_id, { action: 'offer.accept', offerId: o.id });
    const assignment = (await app.db.query<{ id: string }>(`SELECT id FROM assignments WHERE request_id = $1 AND status = 'active'`, [request]))[0]!.id;
    const reminder = await timer(`remind-${assignment}-`);
    const reveals = async () => (await app.db.query(`SELECT 1 FROM audit_log WHERE actor_id = $1 AND request_id = $2 AND action = 'reveal'`, [o.volunteer_id, request])).length;
    const revealed = await reveals();
    // Standing lost by a path that did not release the task (the rule must hold on its own).
    await app.db.query(`UPDATE volunteer_centres SET status = 'paused' WHERE member_id = $1 AND centre_id = 'hamar'`, [o.volunteer_id]);
    expect(text(await chat.submit(o.user_id, { action: 'tasks.mine' }))).not.toContain(PERSON);
    expect(await tabTasks(o.user_id)).not.toContain(PERSON);
    // The take's own sends done first: its offer card, sent by a slice that read it before the take,
    // is drawn closed («Oppdraget er tatt»), which is public and not what this test looks for.
    await until(async () => {
      const [send, dispatch] = await Promise.all([app.queues.send.getJobCounts('waiting', 'active'), app.queues.dispatch.getJobCounts('waiting', 'active')]);
      return send.waiting! + send.active! + dispatch.waiting! + dispatch.active! === 0;
    }, 'the take\'s sends done');
    const before = connector.captured.length;
    await reminder!.promote();
    await sleep(800);
    expect(since(before).filter((c) => c.conversationId === conv(o.user_id))).toHaveLength(0);
    // Nothing shown, so no reveal recorded.
    expect(await reveals()).toBe(revealed);
    await app.db.query(`UPDATE volunteer_centres SET status = 'approved' WHERE member_id = $1 AND centre_id = 'hamar'`, [o.volunteer_id]);
    expect(text(await chat.submit(o.user_id, { action: 'tasks.mine' }))).toContain(PERSON);
  });
});

describe('joining another centre from the profile', () => {
  const J = demoVolunteerId(3);
  const profile = (centres: string) => ({
    action: 'volunteer.signup.submit', name: 'Arne Ny Andersen', phone: '91000411', email: '', district: 'Tangen', postcode: '',
    groups: 'handlehjelp,besoksvenn', languages: 'nb', availability: [1, 2, 3, 4, 5, 6, 7].flatMap((d) => [`${d}:morning`, `${d}:afternoon`, `${d}:evening`]).join(','),
    weeklyCap: '7', comfort: 'any', centres,
  });
  const stangeRequest = async (summary: string) => {
    const [p] = await app.db.query<{ id: string }>(`SELECT id FROM persons WHERE name = 'Aud Kolstad'`);
    await chat.submit(STANGE, {
      action: 'staff.request.submit', personId: p!.id, group: 'handlehjelp', date: osloDate(addDays(clock.now(), 3)), time: '11:00', durationMinutes: '60',
      district: 'Tangen', summary,
    });
    return (await app.db.query<{ id: string }>('SELECT id FROM help_requests WHERE summary = $1', [summary]))[0]!.id;
  };

  it('waits for that centre\'s staff: no offers from it until they approve, then offers', async () => {
    const member = await memberOf(J);
    const saved = await chat.submit(J, profile('hamar,stange'));
    expect(text(saved)).toContain('Du er meldt inn hos Stange frivilligsentral');
    const standing = await app.db.query<{ centre_id: string; status: string }>('SELECT centre_id, status FROM volunteer_centres WHERE member_id = $1 ORDER BY centre_id', [member]);
    expect(standing).toEqual([{ centre_id: 'hamar', status: 'approved' }, { centre_id: 'stange', status: 'pending' }]);
    expect(text(await chat.say(J, 'status'))).toContain('Venter på godkjenning hos Stange frivilligsentral');

    const waiting = await stangeRequest('Handle til helga');
    expect((await app.db.query('SELECT 1 FROM offers WHERE request_id = $1', [waiting])).length).toBeGreaterThan(0);
    expect(await app.db.query('SELECT 1 FROM offers WHERE request_id = $1 AND volunteer_id = $2', [waiting, member])).toHaveLength(0);

    // Stange's staff see them waiting, and approve; Hamar's list is not where Stange decides.
    const list = await chat.submit(STANGE, { action: 'staff.volunteers.list' });
    expect(cardActions(list[0]!.activity).some((d) => d.action === 'staff.volunteer.approve' && d.volunteerId === member)).toBe(true);
    const hamarList = await chat.submit(STAFF, { action: 'staff.volunteers.list' });
    expect(cardActions(hamarList[0]!.activity).some((d) => d.action === 'staff.volunteer.approve' && d.volunteerId === member)).toBe(false);
    const before = connector.captured.length;
    await chat.submit(STANGE, { action: 'staff.volunteer.approve', volunteerId: member });
    await connector.waitFor(() => textIn(since(before), J).includes('godkjent deg som frivillig hos Stange frivilligsentral'));

    const next = await stangeRequest('Handle til jul');
    expect(await app.db.query('SELECT 1 FROM offers WHERE request_id = $1 AND volunteer_id = $2', [next, member])).toHaveLength(1);
  });
});

describe('a volunteer who cancels after the start', () => {
  it('leaves the request ended as not done, with the reason for staff; no list says they are coming', async () => {
    clock.offsetMs = 0;
    const date = osloDate(addDays(clock.now(), 2));
    const request = await ask({ date, time: '10:00', durationMinutes: '120' });
    const o = await offerOf(request);
    await chat.submit(o.user_id, { action: 'offer.accept', offerId: o.id });
    const first = await firstName(o.volunteer_id);
    const assignment = (await app.db.query<{ id: string }>(`SELECT id FROM assignments WHERE request_id = $1 AND status = 'active'`, [request]))[0]!.id;
    const coming = `${first} kommer ${formatDateTime('nb', osloWallClock(date, '10:00'))}`;
    expect(text(await chat.submit(CG, { action: 'caregiver.requests.list' }))).toContain(coming);

    clock.set(addMinutes(osloWallClock(date, '10:00'), 20));
    const before = connector.captured.length;
    await chat.submit(o.user_id, { action: 'assignment.cancel.submit', assignmentId: assignment, reason: 'Ble syk underveis' });
    const [r] = await app.db.query<{ status: string; assigned_volunteer_id: string | null }>('SELECT status, assigned_volunteer_id FROM help_requests WHERE id = $1', [request]);
    expect(r).toEqual({ status: 'done', assigned_volunteer_id: null });
    const [a] = await app.db.query<{ status: string; outcome: string; outcome_reason: string }>('SELECT status, outcome, outcome_reason FROM assignments WHERE id = $1', [assignment]);
    expect(a).toEqual({ status: 'cancelled', outcome: 'not_done', outcome_reason: 'Ble syk underveis' });

    const caregiverList = text(await chat.submit(CG, { action: 'caregiver.requests.list' }));
    expect(caregiverList).not.toContain(coming);
    expect(caregiverList).toContain('Ble ikke noe av');
    const staffList = text(await chat.submit(COORDINATOR, { action: 'staff.requests.list' }));
    expect(staffList).toContain('Ikke gjennomført: Ble syk underveis');

    await connector.waitFor(() => textIn(since(before), COORDINATOR).includes('Ble syk underveis'));
    await connector.waitFor(() => textIn(since(before), CG).includes(`${first} kan ikke komme likevel`));
    expect(textIn(since(before), CG)).not.toContain('Ble syk underveis');
    // Nothing is offered for a visit already under way.
    expect(await app.db.query(`SELECT 1 FROM offers WHERE request_id = $1 AND status = 'pending'`, [request])).toHaveLength(0);
    clock.offsetMs = 0;
  });
});
