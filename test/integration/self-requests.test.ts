// Issue 19 over real HTTP and the fake connector: a person who needs a hand asks for themselves. A new
// user chooses «Jeg trenger hjelp», signs up with their own consent in plain words, and asks for
// shopping help on Friday with a note for the volunteer; with the centre's confirmation on, staff get
// «Bekreft» / «Avvis» and the person is told the centre will call; staff confirm; the offer goes out
// redacted; a volunteer takes it; the person sees «‹fornavn› kommer fredag …», gets the reminder the day
// before (confirms), and says how it went (to staff only). A scan of everything the person and the
// other volunteers received finds nothing they should not see. The person asks for no one else, sees
// only their own requests, and is one of the centre's people: staff's list («Bestilt selv»), innsyn,
// their own data, the report's «Bestilt selv», erasure; «når som helst denne uka» lasts its window.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, addMinutes } from 'date-fns';
import { startTestApp, VirtualClock, type TestApp } from '../support/app.ts';
import { scheduledJob } from '../support/jobs.ts';
import { nextWednesdayMorning } from '../support/week.ts';
import { startFakeConnector, visibleText, type Captured, type FakeConnector } from '../support/fake-connector.ts';
import { cardActions, chatDriver, directActions, hasAction, showCardNamed, type ChatDriver } from '../support/chat.ts';
import { demoVolunteerId } from '../../infra/seed-demo.ts';
import { privateDetails } from '../../infra/request-row.ts';
import { centreReport, rowLabelNb } from '../../infra/reports.ts';
import { findPersonalData } from '../../domain/confidentiality.ts';
import { latestStart } from '../../domain/lifecycle.ts';
import { addDaysToDate } from '../../domain/series.ts';
import { selfRequestDays, weekWindow } from '../../domain/self-request.ts';
import { t } from '../../adaptive-cards/texts.ts';
import { osloWallClock } from '../../domain/time-zone.ts';

let app: TestApp;
let connector: FakeConnector;
let chat: ChatDriver;
const clock = new VirtualClock();
const COORDINATOR = 'demo-ansatt-1';
const STAFF = [COORDINATOR, 'demo-ansatt-2', 'demo-ansatt-3'];
const VOLUNTEERS = Array.from({ length: 6 }, (_, i) => demoVolunteerId(i));
const SIGRUN = 'sr-sigrun';
const TORSTEIN = 'sr-torstein';
const PERSON = { name: 'Sigrun Fossheim', phone: '934 12 345', address: 'Kirkegata 7, 2317 Hamar', district: 'Sentrum' };
const NOTE = 'Jeg bruker rullator. Ring på to ganger, dørklokka er svak.';
const COMMENT = 'Hun hadde det travelt og glemte melken';

const conv = (userId: string) => `conv-${userId}`;
const since = (n: number) => connector.captured.slice(n);
const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));
const textIn = (cs: Captured[], userId: string) => cs.filter((c) => c.conversationId === conv(userId)).map((c) => visibleText(c.activity)).join('\n');
const allText = (replies: Captured[]) => replies.map((r) => visibleText(r.activity)).join('\n');
const memberOf = async (userId: string) =>
  (await app.db.query<{ member_id: string }>(`SELECT member_id FROM chat_identities WHERE user_id = $1 AND member_id IS NOT NULL LIMIT 1`, [userId]))[0]?.member_id;

const timer = (prefix: string) => scheduledJob(app, 'timers', prefix);

/** The Friday the person picks: two days after the (virtual) Wednesday the test runs on. */
let friday: string;
let requestId: string;
let assignmentId: string;
let personId: string;
let winner: { userId: string; memberId: string; name: string; phone: string; offerId: string };

beforeAll(async () => {
  const week = nextWednesdayMorning();
  clock.set(week.at);
  friday = week.friday;
  connector = await startFakeConnector();
  app = await startTestApp({ env: { WAVE_SIZE: '1000' }, now: clock.now });
  chat = chatDriver(app, connector);
  for (const v of VOLUNTEERS) await chat.say(v, 'hei');
  for (const s of STAFF) await chat.say(s, 'hei');
});
afterAll(async () => {
  await app?.close();
  await connector?.close();
});

describe('a person who needs a hand asks for themselves', () => {
  it('a new user finds «Jeg trenger hjelp» at the start, and the sign-up says what is stored, who sees it and for how long', async () => {
    const [menu] = await chat.say(SIGRUN, 'hei');
    expect(hasAction(menu!.activity, 'self.signup.start')).toBe(true);
    const text = allText(await chat.submit(SIGRUN, { action: 'self.signup.start' }));
    for (const words of ['Dette lagrer vi', 'ser de ansatte på frivilligsentralen', 'aldri hvem du er', '12 måneder', '30 dager', 'Ja, jeg samtykker']) expect(text).toContain(words);
  });

  it('the coordinator has the centre confirm people who sign up themselves (off by default)', async () => {
    expect((await app.db.query<{ v: boolean }>(`SELECT verify_self_registrations AS v FROM centres WHERE id = 'hamar'`))[0]!.v).toBe(false);
    const [card] = await chat.say(COORDINATOR, 'bekreft brukere');
    expect(hasAction(card!.activity, 'staff.self.setting')).toBe(true);
    // Only the coordinator decides.
    expect(allText(await chat.submit('demo-ansatt-2', { action: 'staff.self.setting', on: 'true' }))).toContain(t('nb', 'error.notAllowed'));
    const replies = await chat.submit(COORDINATOR, { action: 'staff.self.setting', on: 'true' });
    expect(allText(replies)).toContain(t('nb', 'self.settingOn'));
    expect((await app.db.query<{ v: boolean }>(`SELECT verify_self_registrations AS v FROM centres WHERE id = 'hamar'`))[0]!.v).toBe(true);
  });

  it('signs up once with their own consent (basis self); told plainly the centre will call; staff get «Bekreft» / «Avvis»', async () => {
    const members = async () => (await app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM members'))[0]!.n;
    const before = await members();
    const bad = allText(await chat.submit(SIGRUN, { action: 'self.signup.submit', name: PERSON.name, phone: '12', address: '', district: PERSON.district }));
    expect(bad).toContain(t('nb', 'error.phone'));
    expect(await members()).toBe(before);

    const staffBefore = connector.captured.length;
    const replies = await chat.submit(SIGRUN, { action: 'self.signup.submit', ...PERSON });
    const said = allText(replies);
    expect(said).toContain('Frivilligsentralen ringer deg på 93412345');
    // The short form follows at once.
    expect(replies.some((r) => hasAction(r.activity, 'self.request.submit'))).toBe(true);

    const me = await memberOf(SIGRUN);
    const [m] = await app.db.query<{ role: string; person_id: string; centre_id: string }>('SELECT role, person_id, centre_id FROM members WHERE id = $1', [me]);
    expect(m).toMatchObject({ role: 'person', centre_id: 'hamar' });
    personId = m!.person_id;
    const [p] = await app.db.query<{ name: string; address: string; phone: string; created_by: string; link_status: string }>('SELECT name, address, phone, created_by, link_status FROM persons WHERE id = $1', [personId]);
    expect(p).toEqual({ name: PERSON.name, address: PERSON.address, phone: '93412345', created_by: me, link_status: 'pending' });
    const consents = await app.db.query<{ basis: string; recorded_by: string }>('SELECT basis, recorded_by FROM consents WHERE person_id = $1', [personId]);
    expect(consents).toEqual([{ basis: 'self', recorded_by: me }]);

    // Every staff member of the centre may make the call.
    for (const s of STAFF) {
      await connector.waitFor(() => since(staffBefore).some((c) => c.conversationId === conv(s) && cardActions(c.activity).some((d) => d.action === 'staff.link.confirm' && d.personId === personId)));
    }
    const card = since(staffBefore).find((c) => c.conversationId === conv(COORDINATOR) && hasAction(c.activity, 'staff.link.confirm'))!;
    expect(visibleText(card.activity)).toContain(t('nb', 'self.staffTitle'));
    expect(visibleText(card.activity)).toContain(PERSON.name);
    expect(visibleText(card.activity)).toContain('93412345');
    expect(hasAction(card.activity, 'staff.link.reject')).toBe(true);
  });

  it('asks for shopping help on Friday with a word for the volunteer; it waits for the call, and nothing goes out', async () => {
    expect(selfRequestDays(clock.now())).toContain(friday);
    const replies = await chat.submit(SIGRUN, { action: 'self.request.submit', what: 'shopping', day: friday, part: 'afternoon', note: NOTE });
    expect(allText(replies)).toContain(t('nb', 'self.sentPending'));
    const rows = await app.db.query<{ id: string; status: string; group_key: string; handover_note: string; created_by: string; starts_at: Date; summary: string; district: string }>(
      'SELECT id, status, group_key, handover_note, created_by, starts_at, summary, district FROM help_requests WHERE person_id = $1',
      [personId],
    );
    expect(rows).toHaveLength(1);
    requestId = rows[0]!.id;
    expect(rows[0]).toMatchObject({ status: 'waiting_consent', group_key: 'handlehjelp', handover_note: NOTE, created_by: await memberOf(SIGRUN), district: 'Sentrum' });
    expect(rows[0]!.starts_at).toEqual(osloWallClock(friday, '13:00'));
    expect(rows[0]!.summary).not.toContain('Sigrun');
    expect(await app.db.query('SELECT 1 FROM offers WHERE request_id = $1', [requestId])).toHaveLength(0);
    // Their list says it in plain words.
    expect(allText(await chat.submit(SIGRUN, { action: 'caregiver.requests.list' }))).toContain(t('nb', 'caregiver.status.awaiting_verification'));
  });

  it('asks for nobody else: other askers\' forms are refused, and a person named in the short form is ignored', async () => {
    const [gerd] = await app.db.query<{ id: string }>(`SELECT id FROM persons WHERE name = 'Gerd Solberg'`);
    const before = (await app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM help_requests'))[0]!.n;
    const form = { personId: gerd!.id, group: 'handlehjelp', date: friday, time: '10:00', durationMinutes: '60', district: 'Sentrum', summary: 'Handle' };
    for (const action of ['staff.request.submit', 'caregiver.request.submit', 'caregiver.person.submit', 'staff.person.submit']) {
      expect(allText(await chat.submit(SIGRUN, { action, ...form, name: 'Ola', address: 'X', phone: '91234567', consentBasis: 'self', consentDate: friday }))).toContain(t('nb', 'error.notAllowed'));
    }
    expect((await app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM help_requests'))[0]!.n).toBe(before);
    await chat.submit(SIGRUN, { action: 'self.request.submit', what: 'walk', day: friday, part: 'morning', personId: gerd!.id });
    const mine = await app.db.query<{ person_id: string; id: string }>('SELECT person_id, id FROM help_requests WHERE created_by = $1 ORDER BY created_at', [await memberOf(SIGRUN)]);
    expect(mine.map((r) => r.person_id)).toEqual([personId, personId]);
    expect(await app.db.query('SELECT 1 FROM help_requests WHERE person_id = $1', [gerd!.id])).toHaveLength(0);
    // Not wanted after all: cancelled from their own list.
    const cancelled = await chat.submit(SIGRUN, { action: 'caregiver.request.cancel', requestId: mine[1]!.id });
    // Nobody had taken it, so nobody is said to be told (issue 14).
    expect(allText(cancelled)).toContain(t('nb', 'caregiver.cancelledNoOne'));
  });

  it('staff confirm after the call; the person is told; the offer goes out redacted', async () => {
    const before = connector.captured.length;
    const replies = await chat.submit(COORDINATOR, { action: 'staff.link.confirm', personId });
    expect(allText(replies)).toContain('Bekreftet');
    await connector.waitFor(() => textIn(since(before), SIGRUN).includes(t('nb', 'self.linkConfirmed')));
    expect((await app.db.query<{ status: string }>('SELECT status FROM help_requests WHERE id = $1', [requestId]))[0]!.status).toBe('open');
    await connector.waitFor(() => VOLUNTEERS.filter((v) => since(before).some((c) => c.conversationId === conv(v) && hasAction(c.activity, 'offer.accept'))).length >= 3);
    const details = (await privateDetails(app.db, requestId))!;
    expect(details).toMatchObject({ personName: PERSON.name, handoverNote: NOTE });
    for (const v of VOLUNTEERS) {
      const offer = since(before).find((c) => c.conversationId === conv(v) && hasAction(c.activity, 'offer.accept'));
      if (!offer) continue;
      expect(findPersonalData(visibleText(offer.activity), details), v).toEqual([]);
      expect(visibleText(offer.activity)).toContain('Handlehjelp');
    }
  });

  it('a volunteer takes it; the person sees «‹fornavn› kommer fredag …»; the coordinator, not the person, gets the staff notice', async () => {
    const [o] = await app.db.query<{ id: string; user_id: string; volunteer_id: string; name: string; phone: string }>(
      `SELECT o.id, c.user_id, o.volunteer_id, m.name, m.phone FROM offers o JOIN chat_identities c ON c.member_id = o.volunteer_id AND c.channel_id = 'webchat'
         JOIN members m ON m.id = o.volunteer_id WHERE o.request_id = $1 AND o.status = 'pending' ORDER BY c.user_id LIMIT 1`,
      [requestId],
    );
    winner = { userId: o!.user_id, memberId: o!.volunteer_id, name: o!.name, phone: o!.phone, offerId: o!.id };
    const first = winner.name.split(' ')[0]!;
    const before = connector.captured.length;
    const accepted = allText(await chat.submit(winner.userId, { action: 'offer.accept', offerId: winner.offerId }));
    // The volunteer who has it gets the details and the person's own note.
    expect(accepted).toContain(PERSON.name);
    expect(accepted).toContain(NOTE);
    await connector.waitFor(() => textIn(since(before), SIGRUN).includes(`${first} kommer fredag`));
    await connector.waitFor(() => textIn(since(before), COORDINATOR).includes(`${first} har tatt oppdraget`));
    assignmentId = (await app.db.query<{ id: string }>(`SELECT id FROM assignments WHERE request_id = $1 AND status = 'active'`, [requestId]))[0]!.id;
    await sleep(300);
    expect(textIn(since(before), SIGRUN)).not.toContain('har tatt oppdraget');
    // Their list says it too, with the first name only.
    const list = allText(await chat.submit(SIGRUN, { action: 'caregiver.requests.list' }));
    expect(list).toContain(`${first} kommer fredag`);
    expect(list).not.toContain(winner.name);
  });

  it('staff see it with the others, marked «Bestilt selv»', async () => {
    const list = allText(await chat.submit(COORDINATOR, { action: 'staff.requests.list' }));
    expect(list).toContain(t('nb', 'staffRequests.selfOrdered'));
    expect(list).toContain(`Tatt av ${winner.name.split(' ')[0]}`);
  });

  it('the day before, the person is reminded and confirms that it suits them', async () => {
    const remind = await timer(`remind-${assignmentId}-1440-`);
    expect(remind, 'the day-before reminder is scheduled').toBeDefined();
    const before = connector.captured.length;
    await remind!.promote();
    await connector.waitFor(() => since(before).some((c) => c.conversationId === conv(SIGRUN) && hasAction(c.activity, 'caregiver.visit.confirm')));
    const reminder = since(before).find((c) => c.conversationId === conv(SIGRUN) && hasAction(c.activity, 'caregiver.visit.confirm'))!;
    expect(visibleText(reminder.activity)).toContain(`${winner.name.split(' ')[0]} kommer fredag`);
    expect(hasAction(reminder.activity, 'caregiver.request.cancel')).toBe(true);
    // Their «Avlys» asks first too, naming the volunteer who will be told.
    expect(directActions(reminder.activity).some((d) => d.action === 'caregiver.request.cancel')).toBe(false);
    expect(showCardNamed(reminder.activity, t('nb', 'caregiver.cancel'))?.text).toMatch(new RegExp(`Avlyse besøket fredag .*\\? ${winner.name.split(' ')[0]} får beskjed`));
    expect(allText(await chat.submit(SIGRUN, { action: 'caregiver.visit.confirm', assignmentId }))).toContain(t('nb', 'caregiver.visitConfirmed'));
    expect((await app.db.query<{ at: Date | null }>('SELECT caregiver_confirmed_at AS at FROM assignments WHERE id = $1', [assignmentId]))[0]!.at).not.toBeNull();
  });

  it('after the visit the person says how it went; «ikke bra» and the comment reach staff only', async () => {
    clock.set(addMinutes(osloWallClock(friday, '13:00'), 150));
    const before = connector.captured.length;
    await chat.submit(winner.userId, { action: 'assignment.done', assignmentId, hours: '1.5' });
    await connector.waitFor(() => since(before).some((c) => c.conversationId === conv(SIGRUN) && cardActions(c.activity).some((d) => d.action === 'caregiver.feedback' && d.assignmentId === assignmentId)));
    const staffBefore = connector.captured.length;
    expect(allText(await chat.submit(SIGRUN, { action: 'caregiver.feedback', assignmentId, rating: 'not_good', comment: COMMENT }))).toContain(t('nb', 'feedback.thanksNotGood'));
    await connector.waitFor(() => textIn(since(staffBefore), COORDINATOR).includes(COMMENT));
    expect(textIn(since(staffBefore), COORDINATOR)).toContain(t('nb', 'feedback.staffTitleSelf'));
    await sleep(300);
    expect(textIn(connector.captured, winner.userId)).not.toContain(COMMENT);
    expect(await app.db.query<{ rating: string }>('SELECT rating FROM visit_feedback WHERE assignment_id = $1', [assignmentId])).toEqual([{ rating: 'not_good' }]);
  });

  it('a scan of everything the person and the other volunteers received finds nothing they should not see', async () => {
    const details = (await privateDetails(app.db, requestId))!;
    const [surname] = winner.name.split(' ').slice(-1);
    const offered = await app.db.query<{ name: string; phone: string; user_id: string }>(
      `SELECT m.name, m.phone, c.user_id FROM offers o JOIN members m ON m.id = o.volunteer_id LEFT JOIN chat_identities c ON c.member_id = o.volunteer_id AND c.channel_id = 'webchat' WHERE o.request_id = $1`,
      [requestId],
    );
    const others = await app.db.query<{ name: string; address: string; phone: string }>(`SELECT name, address, phone FROM persons WHERE id <> $1 AND name IS NOT NULL`, [personId]);
    const person = textIn(connector.captured, SIGRUN);
    expect(person.length).toBeGreaterThan(500);
    const never = [
      surname!, winner.phone, 'Bare ansatte', 'har tatt oppdraget', 'kunne ikke nås', 'Ingen har tatt oppdraget', 'Tilbakemelding fra bruker',
      ...offered.filter((o) => o.name !== winner.name).map((o) => o.name),
      ...others.flatMap((o) => [o.name, o.address, o.phone]),
    ];
    for (const secret of never) expect(person, `the person received «${secret}»`).not.toContain(secret);

    // Every other volunteer, and the winner's own offer before the accept: no name, address, phone or note.
    for (const v of VOLUNTEERS) {
      const received = connector.captured.filter((c) => c.conversationId === conv(v));
      const scanned = v === winner.userId ? received.filter((c) => hasAction(c.activity, 'offer.accept') && c.method === 'POST') : received;
      for (const c of scanned) expect(findPersonalData(visibleText(c.activity), details), `${v} received ${visibleText(c.activity).slice(0, 200)}`).toEqual([]);
      if (v !== winner.userId) expect(textIn(connector.captured, v)).not.toContain(COMMENT);
    }
  });
});

describe('a person helped among the centre\'s people', () => {
  it('«når som helst denne uka» goes out at once with the centre\'s confirmation off, and lasts its window', async () => {
    clock.set(osloWallClock(addDaysToDate(friday, -2), '09:30'));
    await chat.submit(COORDINATOR, { action: 'staff.self.setting', on: 'false' });
    await chat.say(TORSTEIN, 'jeg trenger hjelp');
    const signed = allText(await chat.submit(TORSTEIN, { action: 'self.signup.submit', name: 'Torstein Vik', phone: '93456789', address: 'Vangsvegen 2, 2317 Hamar', district: 'Sentrum' }));
    expect(signed).toContain(t('nb', 'self.welcome', { name: 'Torstein' }));
    const sent = allText(await chat.submit(TORSTEIN, { action: 'self.request.submit', what: 'visit', day: 'week', part: '' }));
    expect(sent).toContain('Vi leter etter en frivillig');
    const window = weekWindow(clock.now());
    const [r] = await app.db.query<{ id: string; status: string; starts_at: Date; flexible_until: Date; duration_minutes: number }>(
      `SELECT r.id, r.status, r.starts_at, r.flexible_until, r.duration_minutes FROM help_requests r JOIN members m ON m.id = r.created_by WHERE m.name = 'Torstein Vik'`,
    );
    expect(r).toMatchObject({ status: 'open', starts_at: window.from, flexible_until: window.until });
    // It expires at its last start, not when the window opens.
    const expiry = await timer(`start-${r!.id}-`);
    const firesAt = expiry!.timestamp + (expiry!.opts.delay ?? 0) + clock.offsetMs;
    const last = latestStart({ startsAt: r!.starts_at, durationMinutes: r!.duration_minutes, flexibleUntil: r!.flexible_until }).getTime();
    expect(Math.abs(firesAt - last)).toBeLessThan(60_000);
    expect(last).toBeGreaterThan(window.from.getTime() + 24 * 3_600_000);
  });

  it('staff get the escalation and the call list for it, as for any request; the person never does', async () => {
    const [r] = await app.db.query<{ id: string }>(`SELECT r.id FROM help_requests r JOIN members m ON m.id = r.created_by WHERE m.name = 'Torstein Vik'`);
    const escalation = await timer(`escalate-${r!.id}-`);
    const before = connector.captured.length;
    await escalation!.promote();
    await connector.waitFor(() => since(before).some((c) => c.conversationId === conv(COORDINATOR) && hasAction(c.activity, 'staff.request.callList')));
    const list = allText(await chat.submit(COORDINATOR, { action: 'staff.request.callList', requestId: r!.id }));
    // The list shows the best-placed of those offered (at most CALL_LIST_MAX), not any one in particular.
    const offered = await app.db.query<{ phone: string }>(`SELECT m.phone FROM offers o JOIN members m ON m.id = o.volunteer_id WHERE o.request_id = $1`, [r!.id]);
    expect(offered.length).toBeGreaterThan(0);
    expect(offered.some((o) => list.includes(o.phone))).toBe(true);
    await sleep(300);
    expect(since(before).some((c) => c.conversationId === conv(TORSTEIN))).toBe(false);
  });

  it('a typed question about a short stay or a vedtak gets the municipality\'s answer, as a caregiver\'s does', async () => {
    expect(allText(await chat.say(SIGRUN, 'kan jeg få korttidsopphold?'))).toContain(t('nb', 'caregiver.formalRespite'));
  });

  it('sees only their own requests and cannot act on anyone else\'s', async () => {
    const list = allText(await chat.submit(TORSTEIN, { action: 'caregiver.requests.list' }));
    expect(list).toContain('Besøksvenn');
    expect(list).not.toContain('Handlehjelp');
    const before = await app.db.query('SELECT a.status, a.caregiver_confirmed_at, r.status AS request_status FROM assignments a JOIN help_requests r ON r.id = a.request_id WHERE r.id = $1', [requestId]);
    expect(allText(await chat.submit(TORSTEIN, { action: 'caregiver.request.cancel', requestId }))).toContain(t('nb', 'error.invalidAction'));
    expect(allText(await chat.submit(TORSTEIN, { action: 'caregiver.visit.confirm', assignmentId }))).toContain(t('nb', 'error.invalidAction'));
    expect(allText(await chat.submit(TORSTEIN, { action: 'caregiver.feedback', assignmentId, rating: 'good' }))).toContain(t('nb', 'feedback.notFound'));
    expect(await app.db.query('SELECT a.status, a.caregiver_confirmed_at, r.status AS request_status FROM assignments a JOIN help_requests r ON r.id = a.request_id WHERE r.id = $1', [requestId])).toEqual(before);
  });

  it('gets their own data: their record as a person helped, their consent and their note, nobody else\'s', async () => {
    const [reply] = await chat.submit(SIGRUN, { action: 'privacy.mine' });
    const card = visibleText(reply!.activity);
    for (const words of [PERSON.address, t('nb', 'ownData.consent'), t('nb', 'privacy.role.person')]) expect(card).toContain(words);
    const file = (reply!.activity.attachments as Array<{ contentType: string; contentUrl?: string }>).find((a) => a.contentType === 'application/json')!;
    const json = Buffer.from(file.contentUrl!.split(',')[1]!, 'base64').toString('utf8');
    const data = JSON.parse(json) as { personsRegistered: number; personHelped: { notesToVolunteers: Array<{ note: string }>; consents: Array<{ basis: string }> } };
    expect(data.personsRegistered).toBe(0);
    expect(data.personHelped.notesToVolunteers.map((n) => n.note)).toContain(NOTE);
    expect(data.personHelped.consents.map((c) => c.basis)).toEqual(['self']);
    expect(json).not.toContain(winner.phone);
    expect(json).not.toContain(winner.name);
  });

  it('staff have their innsyn, and the report counts them as «Bestilt selv»', async () => {
    const [exported] = await chat.submit(COORDINATOR, { action: 'staff.person.export', personId });
    expect(visibleText(exported!.activity)).toContain(PERSON.name);
    const report = await centreReport(app.db, { centreId: 'hamar', from: addDays(clock.now(), -5), to: addDays(clock.now(), 30), groupBy: ['poster'] });
    const self = report.rows.find((r) => r.dimension === 'poster' && r.key === 'person')!;
    expect(rowLabelNb(self)).toBe('Bestilt selv');
    expect(self.figures.requestsPosted).toBe(3);
    expect(self.figures.feedbackNotGood).toBe(1);
    expect(self.figures.peopleReached).toBe(1);
  });

  it('erasure takes their details and their account with them; chatting again, they are a new user', async () => {
    const [torstein] = await app.db.query<{ person_id: string; id: string }>(`SELECT person_id, id FROM members WHERE name = 'Torstein Vik'`);
    const replies = await chat.submit(COORDINATOR, { action: 'staff.person.erase.confirm', personId: torstein!.person_id });
    expect(allText(replies)).not.toContain(t('nb', 'error.invalidAction'));
    const [m] = await app.db.query<{ name: string | null; phone: string | null; left_at: Date | null }>('SELECT name, phone, left_at FROM members WHERE id = $1', [torstein!.id]);
    expect(m).toMatchObject({ name: null, phone: null });
    expect(m!.left_at).not.toBeNull();
    expect(await app.db.query('SELECT 1 FROM chat_identities WHERE member_id = $1', [torstein!.id])).toHaveLength(0);
    expect((await app.db.query<{ status: string }>(`SELECT status FROM help_requests WHERE created_by = $1`, [torstein!.id]))[0]!.status).toBe('cancelled');
    const [menu] = await chat.say(TORSTEIN, 'hei');
    expect(hasAction(menu!.activity, 'self.signup.start')).toBe(true);
  });
});
