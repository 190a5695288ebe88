// Issue 13, lifecycle and retention gaps, over real HTTP with real workers, Redis and a database, the
// clock injected: a held request expires at its start and retention then erases it; a task nobody
// reported ends as not reported and no longer keeps its person; withdrawing consent and erasing the
// person treat a visit under way alike; the schedule rebuild leaves a series offered whole alone; the
// confirm question rides on the first reminder before the deadline and staff hear only of someone who
// was asked; a follow-up answer before the end is refused; a 401 from the Bot Connector is retried and
// alerted, and nobody is marked unreachable for it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, addHours, addMinutes, subDays, subHours } from 'date-fns';
import { startTestApp, VirtualClock, type TestApp } from '../support/app.ts';
import { startFakeConnector, visibleText, type Captured, type FakeConnector } from '../support/fake-connector.ts';
import { chatDriver, hasAction, type ChatDriver } from '../support/chat.ts';
import { demoVolunteerId } from '../../infra/seed-demo.ts';
import { t } from '../../adaptive-cards/texts.ts';
import { rebuildSchedule } from '../../jobs/recovery.ts';
import { jobSettings } from '../../jobs/settings.ts';
import { timerFromJob } from '../../jobs/queues.ts';
import { createLogger } from '../../infra/log.ts';
import { TIME_ZONE, osloDate, osloWallClock } from '../../domain/time-zone.ts';

const clock = new VirtualClock();
let app: TestApp;
let connector: FakeConnector;
let chat: ChatDriver;
const logs: string[] = [];
const STAFF = 'demo-ansatt-2';
const conv = (u: string) => `conv-${u}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const since = (n: number) => connector.captured.slice(n);
const textTo = (cs: Captured[], user: string) => cs.filter((c) => c.conversationId === conv(user)).map((c) => visibleText(c.activity)).join('\n');
let seq = 0;

async function waitUntil<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await sleep(50);
  }
}
const timer = (prefix: string) => waitUntil(`timer ${prefix}`, async () => (await app.queues.timers.getJobs(['delayed', 'waiting'])).find((j) => j.id?.startsWith(prefix)));
/** The timer a job stands for, read as the worker reads it (Redis holds it in short keys, jobs/queues.ts). */
const timerOf = (job: { name: string; data: unknown }) => timerFromJob(job.name, job.data);
const one = async <T extends Record<string, unknown>>(sql: string, params: unknown[]) => (await app.db.query<T>(sql, params))[0]!;

/** A person registered by staff over the form, with their own consent. */
async function newPerson(name: string): Promise<string> {
  await chat.submit(STAFF, { action: 'staff.person.submit', name, address: `${name}vegen 1, 2317 Hamar`, phone: `6251${String(++seq).padStart(4, '0')}`, district: 'Sentrum', consentBasis: 'self', consentDate: osloDate(clock.now()) });
  return (await one<{ id: string }>('SELECT id FROM persons WHERE name = $1', [name])).id;
}

async function postRequest(personId: string, startsAt: Date, over: Record<string, string> = {}): Promise<string> {
  const summary = over.summary ?? `Livsløp ${++seq}`;
  await chat.submit(STAFF, {
    action: 'staff.request.submit', personId, group: 'besoksvenn', date: osloDate(startsAt), time: new Intl.DateTimeFormat('en-GB', { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit' }).format(startsAt),
    durationMinutes: '60', district: 'Sentrum', summary, handoverNote: 'Nøkkel under matta', ...over,
  });
  return (await one<{ id: string }>('SELECT id FROM help_requests WHERE summary = $1', [summary])).id;
}

/** The first offered volunteer accepts; returns the assignment and who has it. */
async function accept(requestId: string, skip: string[] = []): Promise<{ assignmentId: string; user: string }> {
  const offer = await waitUntil('an offer', async () => (await app.db.query<{ id: string; user_id: string }>(
    `SELECT o.id, c.user_id FROM offers o JOIN chat_identities c ON c.member_id = o.volunteer_id AND c.channel_id = 'webchat'
      WHERE o.request_id = $1 AND o.status = 'pending' AND NOT c.user_id = ANY($2::text[]) ORDER BY c.user_id LIMIT 1`,
    [requestId, skip],
  ))[0]);
  await chat.submit(offer.user_id, { action: 'offer.accept', offerId: offer.id });
  const a = await one<{ id: string }>(`SELECT id FROM assignments WHERE request_id = $1 AND status = 'active'`, [requestId]);
  return { assignmentId: a.id, user: offer.user_id };
}

async function dailyUpkeep(): Promise<void> {
  const job = await app.queues.upkeep.add('daily', {}, { jobId: `daily-${Date.now()}-${++seq}` });
  // Upkeep jobs are removed once completed.
  await waitUntil('the daily upkeep', async () => ['completed', 'unknown'].includes(await job.getState()));
}

beforeAll(async () => {
  connector = await startFakeConnector();
  app = await startTestApp({
    env: { WAVE_SIZE: '3', REMINDER_OFFSETS_MINUTES: '600,120', CONFIRM_DEADLINE_MINUTES: '360', FOLLOW_UP_ANSWER_DAYS: '7', RETENTION_DAYS: '30' },
    now: clock.now,
    log: { level: 'info', destination: { write: (line: string) => void logs.push(line) } },
  });
  chat = chatDriver(app, connector);
  // Every demo volunteer has chatted, so each offer reaches someone (none is undeliverable).
  for (let i = 0; i < 60; i++) await chat.say(demoVolunteerId(i), 'hei');
  await chat.say(STAFF, 'hei');
}, 120_000);
afterAll(async () => {
  await app?.close();
  await connector?.close();
});

describe('a request held for consent', () => {
  it('expires at its start like an open one, staff hear it never went out, and retention then erases it', async () => {
    clock.offsetMs = 0;
    const personId = await newPerson('Holdt Hansen');
    await app.db.query('UPDATE consents SET valid_until = $2 WHERE person_id = $1', [personId, subDays(new Date(), 1)]);
    const startsAt = osloWallClock(osloDate(addDays(new Date(), 2)), '11:00');
    const requestId = await postRequest(personId, startsAt, { summary: 'Holdt-test' });
    expect((await one<{ status: string }>('SELECT status FROM help_requests WHERE id = $1', [requestId])).status).toBe('waiting_consent');

    const start = await timer(`start-${requestId}-${startsAt.getTime()}`);
    expect(start.timestamp + start.delay).toBeGreaterThan(startsAt.getTime() - 60_000);
    clock.set(addMinutes(startsAt, 1));
    const before = connector.captured.length;
    await start.promote();
    await waitUntil('expired', async () => (await one<{ status: string }>('SELECT status FROM help_requests WHERE id = $1', [requestId])).status === 'expired');
    await connector.waitFor(() => textTo(since(before), STAFF).includes('ble aldri sendt til frivillige'));

    // Still within the retention period: the details stay; past it they go, and the person with them.
    clock.set(addDays(startsAt, 20));
    await dailyUpkeep();
    expect((await one<{ handover_note: string | null }>('SELECT handover_note FROM help_requests WHERE id = $1', [requestId])).handover_note).not.toBeNull();
    clock.set(addDays(startsAt, 31));
    await dailyUpkeep();
    expect(await one('SELECT handover_note, details_erased_at IS NOT NULL AS erased FROM help_requests WHERE id = $1', [requestId])).toEqual({ handover_note: null, erased: true });
    expect(await one('SELECT name, address, phone FROM persons WHERE id = $1', [personId])).toEqual({ name: null, address: null, phone: null });
    clock.offsetMs = 0;
  });
});

describe('a task nobody reported', () => {
  it('ends as not reported after the follow-up window, its volunteer\'s typed reasons go, and retention erases its person', async () => {
    clock.offsetMs = 0;
    const personId = await newPerson('Stuck Stølen');
    const startsAt = osloWallClock(osloDate(addDays(new Date(), 3)), '12:00');
    const requestId = await postRequest(personId, startsAt, { summary: 'Stuck-test' });
    // The first volunteer gives it back with a reason that describes the person; the next one never reports.
    const first = await accept(requestId);
    await chat.submit(first.user, { action: 'assignment.cancel.submit', assignmentId: first.assignmentId, reason: 'Stuck virket forvirret i telefonen' });
    const second = await accept(requestId, [first.user]);
    // The consent ran out meanwhile: only the stuck task keeps the person's details.
    await app.db.query('UPDATE consents SET valid_until = $2 WHERE person_id = $1', [personId, addDays(startsAt, 1)]);

    // Inside the answer window nothing ends.
    clock.set(addDays(startsAt, 5));
    await dailyUpkeep();
    expect(await one('SELECT status, outcome FROM assignments WHERE id = $1', [second.assignmentId])).toEqual({ status: 'active', outcome: null });
    expect((await one<{ name: string | null }>('SELECT name FROM persons WHERE id = $1', [personId])).name).toBe('Stuck Stølen');

    clock.set(addDays(startsAt, 9));
    await dailyUpkeep();
    expect(await one('SELECT status, outcome FROM assignments WHERE id = $1', [second.assignmentId])).toEqual({ status: 'done', outcome: 'not_reported' });
    expect((await one<{ status: string }>('SELECT status FROM help_requests WHERE id = $1', [requestId])).status).toBe('done');
    // Answered that late, the follow-up says it is closed and records nothing.
    const late = await chat.submit(second.user, { action: 'assignment.done', assignmentId: second.assignmentId, hours: '1' });
    expect(late.map((r) => visibleText(r.activity)).join('\n')).toContain(t('nb', 'followUp.alreadyAnswered'));
    expect((await one<{ hours: string | null }>('SELECT hours FROM assignments WHERE id = $1', [second.assignmentId])).hours).toBeNull();

    clock.set(addDays(startsAt, 31));
    await dailyUpkeep();
    expect(await one('SELECT name, address, phone FROM persons WHERE id = $1', [personId])).toEqual({ name: null, address: null, phone: null });
    expect(await one('SELECT cancel_reason FROM assignments WHERE id = $1', [first.assignmentId])).toEqual({ cancel_reason: null });
    expect((await one<{ handover_note: string | null }>('SELECT handover_note FROM help_requests WHERE id = $1', [requestId])).handover_note).toBeNull();
    // What Dugnad wrote itself stays for the report.
    const codes = await app.db.query<{ cancel_reason: string }>(`SELECT DISTINCT cancel_reason FROM assignments WHERE cancel_reason IS NOT NULL`);
    for (const c of codes) expect(['request_cancelled', 'volunteer_left', 'series_left']).toContain(c.cancel_reason);
    clock.offsetMs = 0;
  });
});

describe('a visit under way when the person leaves', () => {
  it('is kept with its hours, whether consent is withdrawn or the person erased; only what has not started is cancelled', async () => {
    clock.offsetMs = 0;
    const startsAt = osloWallClock(osloDate(addDays(new Date(), 4)), '13:00');
    const outcomes: Record<string, unknown> = {};
    for (const [how, name] of [['withdraw', 'Trekk Tveit'], ['erase', 'Slett Sletten']] as const) {
      clock.offsetMs = 0;
      const personId = await newPerson(name);
      const underWay = await postRequest(personId, startsAt, { summary: `Underveis ${how}` });
      const later = await postRequest(personId, addDays(startsAt, 7), { summary: `Senere ${how}` });
      const a = await accept(underWay);
      const b = await accept(later);
      clock.set(addMinutes(startsAt, 20));
      if (how === 'withdraw') await chat.submit(STAFF, { action: 'staff.consent.withdraw', personId });
      else await chat.submit(STAFF, { action: 'staff.person.erase.confirm', personId });
      const state = async (requestId: string, assignmentId: string) => ({
        ...(await one('SELECT status FROM help_requests WHERE id = $1', [requestId])),
        assignment: (await one<{ status: string }>('SELECT status FROM assignments WHERE id = $1', [assignmentId])).status,
      });
      outcomes[how] = { underWay: await state(underWay, a.assignmentId), later: await state(later, b.assignmentId) };
      // The volunteer who is there reports it afterwards, and the hours count.
      clock.set(addHours(startsAt, 2));
      const done = await chat.submit(a.user, { action: 'assignment.done', assignmentId: a.assignmentId, hours: '1.5' });
      expect(done.map((r) => visibleText(r.activity)).join('\n')).not.toContain(t('nb', 'followUp.alreadyAnswered'));
      expect(Number((await one<{ hours: string }>('SELECT hours FROM assignments WHERE id = $1', [a.assignmentId])).hours)).toBe(1.5);
      expect((await one<{ name: string | null }>('SELECT name FROM persons WHERE id = $1', [personId])).name).toBeNull();
    }
    const expected = { underWay: { status: 'taken', assignment: 'active' }, later: { status: 'cancelled', assignment: 'cancelled' } };
    expect(outcomes).toEqual({ withdraw: expected, erase: expected });
    clock.offsetMs = 0;
  });
});

describe('the schedule rebuilt after Redis lost its data', () => {
  it('gives no visit of a series still offered whole a single-visit wave', async () => {
    clock.offsetMs = 0;
    const personId = await newPerson('Serie Sørli');
    await chat.submit(STAFF, {
      action: 'staff.request.submit', personId, group: 'besoksvenn', date: osloDate(addDays(new Date(), 5)), time: '14:00', durationMinutes: '60',
      district: 'Sentrum', summary: 'Serie-test', repeat: '1', visitCount: '4',
    });
    const series = await one<{ id: string; status: string }>('SELECT id, status FROM series WHERE person_id = $1', [personId]);
    expect(series.status).toBe('open');
    const visits = (await app.db.query<{ id: string }>('SELECT id FROM help_requests WHERE series_id = $1', [series.id])).map((v) => v.id);
    await timer(`series-release-${series.id}`);

    // Redis comes back empty: every timer is gone.
    await app.queues.timers.obliterate({ force: true });
    await rebuildSchedule({ db: app.db, queues: app.queues, settings: jobSettings(app.config), log: createLogger('silent'), now: clock.now });
    const rebuilt = (await app.queues.timers.getJobs(['delayed', 'waiting'])).map((j) => j.id ?? '');
    expect(rebuilt).toContain(`series-release-${series.id}`);
    for (const v of visits) expect(rebuilt.filter((id) => id.includes(v))).toEqual([]);
    // …and the release, when it comes, is what sends the visits out one by one.
    await (await app.queues.timers.getJob(`series-release-${series.id}`))!.promote();
    await waitUntil('released', async () => (await one<{ status: string }>('SELECT status FROM series WHERE id = $1', [series.id])).status === 'released');
    expect((await app.db.query('SELECT 1 FROM offers WHERE request_id = ANY($1::uuid[])', [visits])).length).toBeGreaterThan(0);
  });
});

describe('confirmation', () => {
  it('asks with the first reminder before the deadline, even under 12 hours, and tells staff when nobody answered', async () => {
    clock.offsetMs = 0;
    const personId = await newPerson('Bekreft Berg');
    const startsAt = osloWallClock(osloDate(addDays(new Date(), 2)), '15:00');
    const requestId = await postRequest(personId, startsAt, { summary: 'Bekreft-test' });
    const { assignmentId, user } = await accept(requestId);
    const first = await timer(`remind-${assignmentId}-600-`);
    expect(timerOf(first)).toMatchObject({ confirm: true });
    expect(timerOf(await timer(`remind-${assignmentId}-120-`))).not.toHaveProperty('confirm');
    const before = connector.captured.length;
    clock.set(subHours(startsAt, 10));
    await first.promote();
    await connector.waitFor(() => since(before).some((c) => c.conversationId === conv(user) && hasAction(c.activity, 'assignment.confirm')));
    clock.set(subHours(startsAt, 6));
    await (await timer(`confirm-${assignmentId}-`)).promote();
    await connector.waitFor(() => textTo(since(before), STAFF).includes('har ikke bekreftet'));
    clock.offsetMs = 0;
  });

  it('does not ask when no reminder comes before the deadline, and then staff are not told', async () => {
    const personId = await newPerson('Sen Sandvik');
    const startsAt = osloWallClock(osloDate(addDays(new Date(), 2)), '16:00');
    const requestId = await postRequest(personId, startsAt, { summary: 'Sen-test' });
    // Taken seven hours before: the 10-hour reminder has passed, the 2-hour one comes after the 6-hour deadline.
    clock.set(subHours(startsAt, 7));
    const { assignmentId, user } = await accept(requestId);
    const check = await timer(`confirm-${assignmentId}-`);
    const reminder = await timer(`remind-${assignmentId}-120-`);
    expect(timerOf(reminder)).not.toHaveProperty('confirm');
    const before = connector.captured.length;
    await check.promote();
    await waitUntil('the check ran', async () => (await check.getState()) === 'completed');
    expect(check.returnvalue ?? (await app.queues.timers.getJob(check.id!))?.returnvalue).toBe('not asked');
    clock.set(subHours(startsAt, 2));
    await reminder.promote();
    await connector.waitFor(() => since(before).some((c) => c.conversationId === conv(user) && /Påminnelse/.test(visibleText(c.activity))));
    expect(since(before).some((c) => c.conversationId === conv(user) && hasAction(c.activity, 'assignment.confirm'))).toBe(false);
    await sleep(500);
    expect(textTo(since(before), STAFF)).not.toContain('har ikke bekreftet');
    clock.offsetMs = 0;
  });
});

describe('the follow-up', () => {
  it('is not taken before the task has ended: a clear word, nothing recorded; afterwards it counts', async () => {
    clock.offsetMs = 0;
    const personId = await newPerson('Tidlig Tangen');
    const startsAt = osloWallClock(osloDate(addDays(new Date(), 1)), '17:00');
    const requestId = await postRequest(personId, startsAt, { summary: 'Tidlig-test' });
    const { assignmentId, user } = await accept(requestId);
    clock.set(subHours(startsAt, 12));
    const early = await chat.submit(user, { action: 'assignment.done', assignmentId, hours: '2.5' });
    expect(early.map((r) => visibleText(r.activity)).join('\n')).toContain(t('nb', 'followUp.tooEarly'));
    expect(await one('SELECT status, outcome, hours FROM assignments WHERE id = $1', [assignmentId])).toEqual({ status: 'active', outcome: null, hours: null });
    clock.set(addMinutes(startsAt, 30));
    const notYet = await chat.submit(user, { action: 'assignment.notDone', assignmentId, reason: 'x' });
    expect(notYet.map((r) => visibleText(r.activity)).join('\n')).toContain(t('nb', 'followUp.tooEarly'));
    clock.set(addMinutes(startsAt, 61));
    await chat.submit(user, { action: 'assignment.done', assignmentId, hours: '2.5' });
    expect(await one('SELECT status, outcome FROM assignments WHERE id = $1', [assignmentId])).toEqual({ status: 'done', outcome: 'done' });
    clock.offsetMs = 0;
  });
});

describe('a 401 from the Bot Connector', () => {
  it('is our credentials, not the person: the send is retried after a pause, an error is logged with ids only, nobody is marked unreachable', async () => {
    clock.offsetMs = 0;
    const personId = await newPerson('Nøkkel Næss');
    connector.failFirst((a) => JSON.stringify(a).includes('offer.accept') && JSON.stringify(a).includes('Auth-test'), { status: 401 });
    const before = connector.captured.length;
    const failedBefore = connector.failedAt.length;
    const requestId = await postRequest(personId, osloWallClock(osloDate(addDays(new Date(), 3)), '18:00'), { summary: 'Auth-test' });
    await connector.waitFor(() => connector.failedAt.length > failedBefore, 15_000);
    const refused = connector.failedAt.at(-1)!.conversationId;
    // The same card arrives after the pause.
    await connector.waitFor(() => since(before).some((c) => c.conversationId === refused && visibleText(c.activity).includes('Auth-test')), 30_000);
    expect(await app.db.query('SELECT 1 FROM offers WHERE request_id = $1 AND undeliverable', [requestId])).toHaveLength(0);
    expect(await app.db.query(`SELECT 1 FROM chat_identities WHERE unreachable_at IS NOT NULL`)).toHaveLength(0);
    const alert = logs.map((l) => JSON.parse(l) as { level: number; msg: string; status?: number }).find((l) => l.status === 401);
    expect(alert).toMatchObject({ level: 50 });
    expect(alert!.msg).toContain('401');
    const line = logs.find((l) => l.includes('"status":401'))!;
    for (const secret of ['Nøkkel', 'Næss', 'Auth-test', 'Nøkkel under matta']) expect(line).not.toContain(secret);
    // Staff were not told anyone was unreachable.
    await sleep(500);
    expect(textTo(since(before), STAFF)).not.toContain('kunne ikke nås');
  });
});
