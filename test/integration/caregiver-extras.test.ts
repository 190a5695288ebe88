// Issue 5's caregiver extras over real HTTP and the fake connector: the volunteer's phone shown to the
// caregiver only after the volunteer opts in; «Hvordan gikk besøket?» after the visit (when the
// volunteer reports it done, or a day after the follow-up with no word), "not good" and comments to
// the centre's staff only, never the volunteer; one answer per visit; the comment in innsyn, cleared
// by erasure and retention; the figures in the report; and staff verification of a caregiver's link.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, addHours } from 'date-fns';
import { startTestApp, VirtualClock, type TestApp } from '../support/app.ts';
import { startFakeConnector, visibleText, type Captured, type FakeConnector } from '../support/fake-connector.ts';
import { cardActions, chatDriver, hasAction, type ChatDriver } from '../support/chat.ts';
import { demoVolunteerId } from '../../infra/seed-demo.ts';
import { centreReport, presentReport, reportCsv, SMALL } from '../../infra/reports.ts';
import { exportPerson } from '../../infra/privacy.ts';
import { erasePerson } from '../../use-cases/erase-person.ts';
import { applyRetention } from '../../infra/upkeep.ts';
import { sendJobId } from '../../jobs/queues.ts';
import { osloDate, osloWallClock } from '../../domain/time-zone.ts';

let app: TestApp;
let connector: FakeConnector;
let chat: ChatDriver;
const clock = new VirtualClock();
const STAFF = ['demo-ansatt-1', 'demo-ansatt-2', 'demo-ansatt-3'];
const conv = (userId: string) => `conv-${userId}`;
const since = (n: number) => connector.captured.slice(n);
const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));
/** Everything the bot sent in answer to one turn (a proactive notice may arrive in the same moment). */
const allText = (replies: Captured[]) => replies.map((r) => visibleText(r.activity)).join('\n');
/** The caregiver's «Mine forespørsler» card. */
const requestList = async (userId: string) =>
  visibleText((await chat.submit(userId, { action: 'caregiver.requests.list' })).find((r) => visibleText(r.activity).includes('Mine forespørsler'))!.activity);
const textIn = (cs: Captured[], userId: string) => cs.filter((c) => c.conversationId === conv(userId)).map((c) => visibleText(c.activity)).join('\n');

const memberOf = async (userId: string) =>
  (await app.db.query<{ member_id: string }>(`SELECT member_id FROM chat_identities WHERE user_id = $1 AND member_id IS NOT NULL LIMIT 1`, [userId]))[0]!.member_id;

async function signUp(userId: string, name: string): Promise<void> {
  await chat.submit(userId, { action: 'caregiver.signup.submit', name, phone: '934 56 789' });
}

async function registerPerson(userId: string, name: string): Promise<{ personId: string; replies: Captured[] }> {
  const replies = await chat.submit(userId, {
    action: 'caregiver.person.submit', name, address: 'Parkgata 3, 2317 Hamar', phone: '62511111', district: 'Sentrum',
    consentBasis: 'proxy', consentRelation: 'datter', consentDate: osloDate(clock.now()),
  });
  const [p] = await app.db.query<{ id: string }>('SELECT id FROM persons WHERE name = $1', [name]);
  return { personId: p!.id, replies };
}

async function ask(userId: string, personId: string, daysAhead: number): Promise<{ requestId: string; startsAt: Date; replies: Captured[] }> {
  const date = osloDate(addDays(clock.now(), daysAhead));
  const replies = await chat.submit(userId, {
    action: 'caregiver.request.submit', personId, group: 'avlastning', date, time: '10:00', durationMinutes: '120', district: 'Sentrum', summary: 'Selskap hjemme',
  });
  const [r] = await app.db.query<{ id: string }>('SELECT id FROM help_requests WHERE person_id = $1 ORDER BY created_at DESC LIMIT 1', [personId]);
  return { requestId: r!.id, startsAt: osloWallClock(date, '10:00'), replies };
}

/** The first volunteer offered the request takes it. */
async function accept(requestId: string): Promise<{ assignmentId: string; user: string; volunteerId: string }> {
  const [o] = await app.db.query<{ id: string; user_id: string; volunteer_id: string }>(
    `SELECT o.id, c.user_id, o.volunteer_id FROM offers o JOIN chat_identities c ON c.member_id = o.volunteer_id AND c.channel_id = 'webchat'
      WHERE o.request_id = $1 ORDER BY o.created_at LIMIT 1`,
    [requestId],
  );
  await chat.submit(o!.user_id, { action: 'offer.accept', offerId: o!.id });
  const [a] = await app.db.query<{ id: string }>(`SELECT id FROM assignments WHERE request_id = $1 AND status = 'active'`, [requestId]);
  return { assignmentId: a!.id, user: o!.user_id, volunteerId: o!.volunteer_id };
}

async function delayedJob(queue: 'timers' | 'send', id: (jobId: string) => boolean) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const job = (await app.queues[queue].getJobs(['delayed', 'waiting'])).find((j) => j.id !== undefined && id(j.id));
    if (job || Date.now() > deadline) return job;
    await sleep(50);
  }
}

const feedbackCardFor = (cs: Captured[], userId: string, assignmentId: string) =>
  cs.find((c) => c.conversationId === conv(userId) && cardActions(c.activity).some((d) => d.action === 'caregiver.feedback' && d.assignmentId === assignmentId));

beforeAll(async () => {
  connector = await startFakeConnector();
  app = await startTestApp({ env: { WAVE_SIZE: '1000' }, now: clock.now });
  chat = chatDriver(app, connector);
  for (let i = 0; i < 8; i++) await chat.say(demoVolunteerId(i), 'hei');
  for (const s of STAFF) await chat.say(s, 'hei');
});
afterAll(async () => {
  await app?.close();
  await connector?.close();
});

describe('after a visit a caregiver asked for', () => {
  const CG = 'cx-parorende-1';
  const COMMENT = 'Hun kom en time for sent og virket stresset';
  let olav: string;
  let kari: string;
  let visit: { requestId: string; startsAt: Date; assignmentId: string; user: string; volunteerId: string };

  it('the caregiver sees the volunteer\'s first name, and the phone only once the volunteer has agreed to share it', async () => {
    await signUp(CG, 'Hilde Berg');
    olav = (await registerPerson(CG, 'Olav Berg')).personId;
    kari = (await registerPerson(CG, 'Kari Berg')).personId;
    const asked = await ask(CG, olav, 2);
    visit = { ...asked, ...(await accept(asked.requestId)) };
    const [v] = await app.db.query<{ name: string; phone: string }>('SELECT name, phone FROM members WHERE id = $1', [visit.volunteerId]);
    const first = v!.name.split(' ')[0]!;

    const before = await requestList(CG);
    expect(before).toContain(`${first} kommer`);
    expect(before).not.toContain(v!.phone);

    const status = await chat.submit(visit.user, { action: 'volunteer.status' });
    // (The volunteer's offer card may still be arriving from the worker: look for the status card.)
    expect(status.some((r) => hasAction(r.activity, 'volunteer.sharePhone'))).toBe(true);
    const toggled = await chat.submit(visit.user, { action: 'volunteer.sharePhone', on: 'true' });
    expect(allText(toggled)).toContain('Ikke del telefonnummeret');

    const after = await requestList(CG);
    expect(after).toContain(`${first} kommer`);
    expect(after).toContain(v!.phone);
    expect(after).not.toContain(v!.name.split(' ')[1]!); // still the first name only
  });

  it('when the volunteer reports it done, the caregiver gets «Hvordan gikk besøket?»', async () => {
    clock.set(addHours(visit.startsAt, 3));
    const before = connector.captured.length;
    await chat.submit(visit.user, { action: 'assignment.done', assignmentId: visit.assignmentId, hours: '2' });
    await connector.waitFor(() => feedbackCardFor(since(before), CG, visit.assignmentId) !== undefined);
    const card = feedbackCardFor(since(before), CG, visit.assignmentId)!;
    expect(visibleText(card.activity)).toContain('Hvordan gikk besøket?');
    expect(visibleText(card.activity)).toContain('ikke til den frivillige');
  });

  it('"not good" with a comment reaches the centre\'s staff, and never the volunteer', async () => {
    const before = connector.captured.length;
    const replies = await chat.submit(CG, { action: 'caregiver.feedback', assignmentId: visit.assignmentId, rating: 'not_good', comment: COMMENT });
    expect(allText(replies)).toContain('Frivilligsentralen får beskjed');
    await connector.waitFor(() => STAFF.every((s) => textIn(since(before), s).includes(COMMENT)));
    expect(textIn(since(before), 'demo-ansatt-2')).toContain('ikke');
    // Give any stray send time to arrive before asserting the volunteer heard nothing.
    await sleep(1000);
    expect(textIn(since(before), visit.user)).not.toContain(COMMENT);
    expect(textIn(since(before), visit.user)).not.toContain('Tilbakemelding');
  });

  it('a second answer changes nothing, and says so', async () => {
    const replies = await chat.submit(CG, { action: 'caregiver.feedback', assignmentId: visit.assignmentId, rating: 'good', comment: 'Alt var fint' });
    expect(allText(replies)).toContain('allerede svart');
    const rows = await app.db.query<{ rating: string; comment: string }>('SELECT rating, comment FROM visit_feedback WHERE assignment_id = $1', [visit.assignmentId]);
    expect(rows).toEqual([{ rating: 'not_good', comment: COMMENT }]);
  });

  it('with no word from the volunteer, the caregiver is asked a day after the follow-up; a later "done" does not ask again', async () => {
    clock.offsetMs = 0;
    const asked = await ask(CG, kari, 3);
    const v = await accept(asked.requestId);
    // Scheduled (by the worker, just after the accept) before the clock moves past the visit.
    const followUp = await delayedJob('timers', (id) => id.startsWith(`followup-${v.assignmentId}-`));
    clock.set(addHours(asked.startsAt, 4));
    const before = connector.captured.length;
    await followUp!.promote();
    const cg = await memberOf(CG);
    const lateId = sendJobId({ kind: 'notify', memberId: cg, message: 'caregiver.feedback', refId: v.assignmentId, variant: 'late' });
    const late = await delayedJob('send', (id) => id === lateId);
    expect(late, 'the late feedback question is scheduled').toBeDefined();
    expect(feedbackCardFor(since(before), CG, v.assignmentId)).toBeUndefined();
    await late!.promote();
    await connector.waitFor(() => feedbackCardFor(since(before), CG, v.assignmentId) !== undefined);

    // A good answer with a comment: staff hear of the comment.
    const staffBefore = connector.captured.length;
    await chat.submit(CG, { action: 'caregiver.feedback', assignmentId: v.assignmentId, rating: 'good', comment: 'Kari koste seg' });
    await connector.waitFor(() => textIn(since(staffBefore), 'demo-ansatt-1').includes('Kari koste seg'));

    // The volunteer reports it done afterwards: the caregiver is not asked a second time.
    const afterDone = connector.captured.length;
    await chat.submit(v.user, { action: 'assignment.done', assignmentId: v.assignmentId, hours: '2' });
    const doneId = sendJobId({ kind: 'notify', memberId: cg, message: 'caregiver.feedback', refId: v.assignmentId, variant: 'done' });
    const deadline = Date.now() + 10_000;
    let state = '';
    while (state !== 'completed' && Date.now() < deadline) {
      state = (await (await app.queues.send.getJob(doneId))?.getState()) ?? '';
      await sleep(50);
    }
    expect(state).toBe('completed');
    expect((await app.queues.send.getJob(doneId))!.returnvalue).toBe('skipped');
    expect(feedbackCardFor(since(afterDone), CG, v.assignmentId)).toBeUndefined();
  });

  it('counts good / not good in the report, with small counts shown as «<5»', async () => {
    const report = await centreReport(app.db, { centreId: 'hamar', from: addDays(new Date(), -1), to: addDays(new Date(), 30) });
    const total = report.rows.find((r) => r.dimension === 'total')!;
    expect(total.figures.feedbackNotGood).toBe(1);
    expect(total.figures.feedbackGood).toBe(1);
    const presented = presentReport(report);
    expect(presented.rows.find((r) => r.dimension === 'total')!.figures.feedbackNotGood).toBe(SMALL);
    expect(reportCsv(presented)).toContain('Tilbakemeldinger fra pårørende og brukere: ikke bra');
  });

  it('innsyn shows the comment; erasure and retention clear it; the ratings and the report stay', async () => {
    const staffId = await memberOf('demo-ansatt-1');
    const at = clock.now();
    const exported = await exportPerson(app.db, { personId: olav, centreId: 'hamar', staffId, channelId: 'webchat', at });
    const feedback = exported!.requests.flatMap((r) => r.feedback);
    expect(feedback).toHaveLength(1);
    expect(feedback[0]).toMatchObject({ rating: 'not_good', comment: COMMENT, commentErasedAt: null });
    expect(feedback[0]!.givenBy?.id).toBe(await memberOf(CG));

    const erased = await erasePerson(app.db, { personId: olav, centreId: 'hamar', staffId, channelId: 'webchat', at });
    expect(erased).toMatchObject({ ok: true, erasedFeedback: 1 });
    const afterErase = await app.db.query<{ rating: string; comment: string | null }>(
      'SELECT f.rating, f.comment FROM visit_feedback f JOIN help_requests r ON r.id = f.request_id WHERE r.person_id = $1', [olav],
    );
    expect(afterErase).toEqual([{ rating: 'not_good', comment: null }]);
    // Kari's comment is not hers to erase; retention takes it once its time is up.
    expect((await app.db.query<{ comment: string | null }>('SELECT f.comment FROM visit_feedback f JOIN help_requests r ON r.id = f.request_id WHERE r.person_id = $1', [kari]))[0]!.comment).toBe('Kari koste seg');
    const kept = await applyRetention(app.db, addDays(at, 20), 30);
    expect(kept.feedbackComments).toBe(0);
    const retention = await applyRetention(app.db, addDays(at, 31), 30);
    expect(retention.feedbackComments).toBe(1);
    expect(await app.db.query('SELECT 1 FROM visit_feedback WHERE comment IS NOT NULL')).toHaveLength(0);

    const report = await centreReport(app.db, { centreId: 'hamar', from: addDays(new Date(), -1), to: addDays(new Date(), 30) });
    expect(report.rows.find((r) => r.dimension === 'total')!.figures).toMatchObject({ feedbackGood: 1, feedbackNotGood: 1 });
    clock.offsetMs = 0;
  });
});

describe('staff verification of a caregiver\'s link, when the centre asks for it', () => {
  const CG2 = 'cx-parorende-2';
  const CG3 = 'cx-parorende-3';
  let ragnhild: string;
  let held: string;

  it('is switched on by the coordinator', async () => {
    // The coordinator finds it in the menu…
    const [menu] = await chat.say('demo-ansatt-1', 'meny');
    expect(hasAction(menu!.activity, 'staff.link.settings')).toBe(true);
    const [card] = await chat.say('demo-ansatt-1', 'bekreft pårørende');
    expect(hasAction(card!.activity, 'staff.link.setting')).toBe(true);
    await chat.submit('demo-ansatt-1', { action: 'staff.link.setting', on: 'true' });
    const [c] = await app.db.query<{ verify_caregiver_links: boolean }>(`SELECT verify_caregiver_links FROM centres WHERE id = 'hamar'`);
    expect(c!.verify_caregiver_links).toBe(true);
  });

  it('holds a new person\'s requests, tells the caregiver plainly, and asks the centre\'s staff', async () => {
    await signUp(CG2, 'Siv Lie');
    const before = connector.captured.length;
    const reg = await registerPerson(CG2, 'Ragnhild Lie');
    ragnhild = reg.personId;
    expect(allText(reg.replies)).toContain('bekrefter først');
    await connector.waitFor(() => since(before).some((c) => c.conversationId === conv('demo-ansatt-2') && cardActions(c.activity).some((d) => d.action === 'staff.link.confirm' && d.personId === ragnhild)));
    const verify = since(before).find((c) => c.conversationId === conv('demo-ansatt-2') && hasAction(c.activity, 'staff.link.confirm'))!;
    expect(visibleText(verify.activity)).toContain('Siv Lie');
    expect(visibleText(verify.activity)).toContain('datter');

    const asked = await ask(CG2, ragnhild, 3);
    held = asked.requestId;
    expect(allText(asked.replies)).toContain('går ikke ut ennå');
    const [r] = await app.db.query<{ status: string }>('SELECT status FROM help_requests WHERE id = $1', [held]);
    expect(r!.status).toBe('waiting_consent');
    await sleep(500);
    expect(await app.db.query('SELECT 1 FROM offers WHERE request_id = $1', [held])).toHaveLength(0);
    const list = await requestList(CG2);
    expect(list).toContain('Venter på at frivilligsentralen bekrefter');

    // Staff posting for the person meanwhile are told why it waits (not «samtykke»).
    const staffPost = await chat.submit('demo-ansatt-2', {
      action: 'staff.request.submit', personId: ragnhild, group: 'besoksvenn', date: osloDate(addDays(clock.now(), 4)), time: '12:00', durationMinutes: '60',
      district: 'Sentrum', summary: 'Tur i nabolaget',
    });
    expect(allText(staffPost)).toContain('før dere har bekreftet pårørendes tilknytning');
  });

  it('is never confirmed by the caregiver themselves', async () => {
    const replies = await chat.submit(CG2, { action: 'staff.link.confirm', personId: ragnhild });
    expect(allText(replies)).toContain('ikke tilgang');
    const [p] = await app.db.query<{ link_status: string }>('SELECT link_status FROM persons WHERE id = $1', [ragnhild]);
    expect(p!.link_status).toBe('pending');
  });

  it('on «Bekreft» the waiting request goes out through the normal path and the caregiver is told', async () => {
    const before = connector.captured.length;
    const replies = await chat.submit('demo-ansatt-2', { action: 'staff.link.confirm', personId: ragnhild });
    expect(allText(replies)).toContain('Bekreftet');
    // Who vouched for the link is in the person's access history.
    const audited = await app.db.query<{ actor_id: string }>(`SELECT actor_id FROM audit_log WHERE person_id = $1 AND action = 'link.confirm'`, [ragnhild]);
    expect(audited.map((a) => a.actor_id)).toEqual([await memberOf('demo-ansatt-2')]);
    const [r] = await app.db.query<{ status: string }>('SELECT status FROM help_requests WHERE id = $1', [held]);
    expect(r!.status).toBe('open');
    await connector.waitFor(() => since(before).some((c) => hasAction(c.activity, 'offer.accept')));
    await connector.waitFor(() => textIn(since(before), CG2).includes('har bekreftet'));
    // A second staff member's press finds it decided.
    const again = await chat.submit('demo-ansatt-3', { action: 'staff.link.confirm', personId: ragnhild });
    expect(allText(again)).toContain('allerede avgjort');
  });

  // Issue 13: a caregiver's request escalates to the centre's coordinator(s) (and its staff channel),
  // as every staff notice of a request no staff member posted does — no longer to every staff member.
  it('escalates an unfilled caregiver request to the centre\'s coordinator, not to the caregiver', async () => {
    const escalation = await delayedJob('timers', (id) => id.startsWith(`escalate-${held}-`));
    const before = connector.captured.length;
    await escalation!.promote();
    await connector.waitFor(() => since(before).some((c) => c.conversationId === conv('demo-ansatt-1') && hasAction(c.activity, 'staff.request.widen')));
    await sleep(500);
    expect(since(before).some((c) => c.conversationId === conv(CG2) && hasAction(c.activity, 'staff.request.widen'))).toBe(false);
  });

  it('on «Avvis» nothing goes out and the caregiver is told', async () => {
    await signUp(CG3, 'Per Dahl');
    const person = (await registerPerson(CG3, 'Åse Dahl')).personId;
    const asked = await ask(CG3, person, 3);
    const before = connector.captured.length;
    const replies = await chat.submit('demo-ansatt-3', { action: 'staff.link.reject', personId: person });
    expect(allText(replies)).toContain('Avvist');
    await connector.waitFor(() => textIn(since(before), CG3).includes('kunne ikke bekrefte'));
    const [r] = await app.db.query<{ status: string }>('SELECT status FROM help_requests WHERE id = $1', [asked.requestId]);
    expect(r!.status).toBe('cancelled');
    expect(await app.db.query('SELECT 1 FROM offers WHERE request_id = $1', [asked.requestId])).toHaveLength(0);
    // The rejected person is no longer offered in the caregiver's form.
    const form = await chat.submit(CG3, { action: 'caregiver.request.new' });
    expect(allText(form)).not.toContain('Åse Dahl');
  });
});
