// Recurring visits, the gaps of the first round, over real HTTP and the fake connector: in Teams a
// taken series offer stays a public card and only the regular volunteer's own view refreshes to the
// details (a recorded reveal, after the bot checks they hold the series); staff of the centre cancel
// what remains of a series from their request list — the volunteer is told once and the cancelled
// visits' reminders never fire; consent withdrawn after someone took a series tells them once for
// the series, not once per visit; a regular volunteer who leaves Dugnad gives the series back whole
// and the caregiver is told once.
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
const CG = 'serie-oppfolging-parorende';
const STAFF = 'demo-ansatt-1';
const TENANT = '11111111-2222-3333-4444-555555555555';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const SECRETS = ['Olav', 'Berg', 'Parkgata', '62511111', 'lyktestolpen'];
let personId: string;

// Demo volunteers 2–4 help with everything in Sentrum; here they use Teams.
const racers = [2, 3, 4].map((i) => ({ demo: demoVolunteerId(i), aad: `aad-serie-${i}`, mri: `29:mri-serie-${i}`, conv: `a:teams-serie-${i}` }));
type Racer = (typeof racers)[number];
function asRacer(r: Racer, extra: Record<string, unknown>): Record<string, unknown> {
  return {
    id: `teams-${Math.random()}`, channelId: 'msteams', serviceUrl: connector.url,
    from: { id: r.mri, name: r.demo, aadObjectId: r.aad }, recipient: { id: '28:dugnad-bot', name: 'Dugnad' },
    conversation: { id: r.conv, conversationType: 'personal', tenantId: TENANT }, channelData: { tenant: { id: TENANT } }, locale: 'nb-NO',
    ...extra,
  };
}
const invoke = async (r: Racer, action: Record<string, unknown>, replyToId?: string) => {
  const res = await app.post(asRacer(r, { type: 'invoke', name: 'adaptiveCard/action', ...(replyToId ? { replyToId } : {}), value: { action } }));
  expect(res.status).toBe(200);
  return (await res.json()) as { statusCode: number; type: string; value: Record<string, unknown> };
};
const reveals = async () => (await app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'reveal'`))[0]!.n;
const posts = (cs: Captured[], conv: string, text: string) => cs.filter((c) => c.method === 'POST' && c.conversationId === conv && visibleText(c.activity).includes(text));
/** Pending timers by id prefix; dispatch schedules them just after a commit, so wait for them. */
async function timers(idPrefix: string, atLeast: number) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const jobs = (await app.queues.timers.getJobs(['delayed', 'waiting'])).filter((j) => j.id?.startsWith(idPrefix));
    if (jobs.length >= atLeast || Date.now() > deadline) return jobs;
    await sleep(50);
  }
}
async function askSeries(summary: string, days: number, visitCount: number): Promise<string> {
  await chat.submit(CG, {
    action: 'caregiver.request.submit', personId, group: 'avlastning', date: osloDate(addDays(new Date(), days)), time: '10:00', durationMinutes: '120',
    district: 'Sentrum', summary, handoverNote: 'Nøkkel i lyktestolpen', repeat: '1', visitCount: String(visitCount),
  });
  const rows = await app.db.query<{ id: string }>(
    `SELECT s.id FROM series s JOIN help_requests r ON r.series_id = s.id WHERE r.summary = $1 LIMIT 1`,
    [summary],
  );
  return rows[0]!.id;
}

beforeAll(async () => {
  connector = await startFakeConnector();
  app = await startTestApp({ env: { WAVE_SIZE: '1000' }, now: clock.now });
  chat = chatDriver(app, connector);
  for (const r of racers) {
    const [m] = await app.db.query<{ member_id: string }>(`SELECT member_id FROM chat_identities WHERE user_id = $1`, [r.demo]);
    await app.db.query(`INSERT INTO chat_identities (channel_id, user_id, tenant_id, member_id) VALUES ('msteams', $1, $2, $3)`, [r.aad, TENANT, m!.member_id]);
    expect((await app.post(asRacer(r, { type: 'message', text: 'hei' }))).status).toBeLessThan(300);
  }
  for (let i = 6; i < 10; i++) await chat.say(demoVolunteerId(i), 'hei');
  await chat.submit(CG, { action: 'caregiver.signup.submit', name: 'Hilde Berg', phone: '934 56 789' });
  await chat.submit(CG, {
    action: 'caregiver.person.submit', name: 'Olav Berg', address: 'Parkgata 3, 2317 Hamar', phone: '62511111', district: 'Sentrum',
    consentBasis: 'proxy', consentRelation: 'datter', consentDate: osloDate(new Date()),
  });
  personId = (await app.db.query<{ id: string }>(`SELECT id FROM persons WHERE name = 'Olav Berg'`))[0]!.id;
});
afterAll(async () => {
  await app?.close();
  await connector?.close();
});

describe('a series offer taken in Teams, then cancelled by staff', () => {
  let seriesId: string;
  let winner: Racer;
  const cards = new Map<string, { activityId: string; data: Record<string, unknown> }>();
  let refresh: { action: Record<string, unknown>; userIds: string[] };

  it('goes to one of the Teams volunteers tapping at once; every card becomes public, only the winner\'s refreshes, for them alone', async () => {
    const start = connector.captured.length;
    seriesId = await askSeries('Selskap i Teams-serien', 3, 4);
    await connector.waitFor((cs) => racers.every((r) => cs.slice(start).some((c) => c.conversationId === r.conv && hasAction(c.activity, 'series.accept'))));
    for (const r of racers) {
      const card = connector.captured.slice(start).find((c) => c.conversationId === r.conv && hasAction(c.activity, 'series.accept'))!;
      expect(JSON.stringify(card.activity)).toContain('"verb":"series.accept"');
      cards.set(r.aad, { activityId: card.activityId, data: cardActions(card.activity).find((d) => d.action === 'series.accept')! });
    }
    const answers = await Promise.all(racers.map(async (r) => ({ r, body: await invoke(r, { type: 'Action.Execute', verb: 'series.accept', data: cards.get(r.aad)!.data }, cards.get(r.aad)!.activityId) })));
    const withDetails = answers.filter((a) => JSON.stringify(a.body.value).includes('Olav Berg'));
    expect(withDetails).toHaveLength(1);
    winner = withDetails[0]!.r;

    await connector.waitFor((cs) => racers.every((r) => cs.some((c) => c.method === 'PUT' && c.activityId === cards.get(r.aad)!.activityId)));
    for (const r of racers) {
      const update = connector.captured.find((c) => c.method === 'PUT' && c.activityId === cards.get(r.aad)!.activityId)!;
      const text = visibleText(update.activity);
      for (const s of SECRETS) expect(text, `${r.conv} showed «${s}»`).not.toContain(s);
      expect(hasAction(update.activity, 'series.accept')).toBe(false);
      const card = update.activity.attachments[0].content;
      if (r === winner) {
        expect(text).toContain('Du er fast avlaster');
        expect(card.refresh.userIds).toEqual([winner.mri]);
        expect(card.refresh.action).toMatchObject({ type: 'Action.Execute', verb: 'series.details' });
        refresh = card.refresh;
      } else {
        expect(text).toContain('En annen frivillig har tatt besøkene');
        expect(card.refresh).toBeUndefined();
      }
    }
  });

  it('answers the winner\'s refresh with the series and its details, recording the reveal of each visit', async () => {
    const before = await reveals();
    const body = await invoke(winner, { ...refresh.action, trigger: 'automatic' } as Record<string, unknown>, cards.get(winner.aad)!.activityId);
    expect(body.type).toBe('application/vnd.microsoft.card.adaptive');
    const shown = JSON.stringify(body.value);
    for (const s of ['Olav Berg', 'Parkgata 3', 'lyktestolpen']) expect(shown).toContain(s);
    expect(cardActions({ attachments: [{ content: body.value }] }).filter((d) => d.action === 'assignment.cancel.start')).toHaveLength(4);
    expect(await reveals()).toBe(before + 4);
  });

  it('answers anyone else\'s refresh of that card with the public card, and reveals nothing', async () => {
    const other = racers.find((r) => r !== winner)!;
    const before = await reveals();
    const body = await invoke(other, { ...refresh.action, trigger: 'automatic' } as Record<string, unknown>);
    expect(body.type).toBe('application/vnd.microsoft.card.adaptive');
    const text = visibleText({ attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: body.value }] });
    expect(text).toContain('En annen frivillig har tatt besøkene');
    for (const s of SECRETS) expect(text).not.toContain(s);
    expect(await reveals()).toBe(before);
  });

  it('staff give the rest of a series a new time for a caregiver who phones in; a wrong time comes back on the form and changes nothing', async () => {
    const startsAt = async () => (await app.db.query<{ starts_at: Date }>(`SELECT starts_at FROM help_requests WHERE series_id = $1 ORDER BY occurrence`, [seriesId])).map((r) => r.starts_at);
    const before = await startsAt();
    const list = await chat.submit(STAFF, { action: 'staff.requests.list' });
    const seriesCard = list.find((c) => cardActions(c.activity).some((d) => d.action === 'staff.series.edit.start' && d.seriesId === seriesId));
    expect(seriesCard, 'the staff request list offers «Endre tid» for the series').toBeDefined();
    // Staff's verb is refused to the caregiver, whatever it carries.
    const refused = await chat.submit(CG, { action: 'staff.series.edit.submit', seriesId, time: '08:00', durationMinutes: '60' });
    expect(refused.map((c) => visibleText(c.activity)).join('\n')).toContain('ikke tilgang');

    const form = await chat.submit(STAFF, { action: 'staff.series.edit.start', seriesId });
    expect(hasAction(form.at(-1)!.activity, 'staff.series.edit.submit')).toBe(true);
    const wrong = await chat.submit(STAFF, { action: 'staff.series.edit.submit', seriesId, time: '25:99', durationMinutes: '120' });
    expect(hasAction(wrong.at(-1)!.activity, 'staff.series.edit.submit'), 'the form comes back').toBe(true);
    expect(visibleText(wrong.at(-1)!.activity)).toContain('Velg et gyldig klokkeslett.');
    expect(await startsAt()).toEqual(before);

    const start = connector.captured.length;
    const saved = await chat.submit(STAFF, { action: 'staff.series.edit.submit', seriesId, time: '12:15', durationMinutes: '90' });
    expect(saved.map((c) => visibleText(c.activity)).join('\n')).toContain(`Ny tid er lagret for ${before.length} besøk`);
    const after = await startsAt();
    const oslo = new Intl.DateTimeFormat('nb-NO', { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit' });
    for (let i = 0; i < before.length; i++) {
      expect(osloDate(after[i]!)).toBe(osloDate(before[i]!));
      expect(oslo.format(after[i]!)).toBe('12:15');
    }
    const durations = await app.db.query<{ d: number }>(`SELECT DISTINCT duration_minutes AS d FROM help_requests WHERE series_id = $1`, [seriesId]);
    expect(durations.map((r) => r.d)).toEqual([90]);
    await connector.waitFor((cs) => posts(cs.slice(start), winner.conv, 'Ny tid for besøkene').length > 0);
  });

  it('staff cancel what remains from their request list: the volunteer is told once, no reminder of a cancelled visit fires', async () => {
    const visits = await app.db.query<{ id: string; starts_at: Date }>(`SELECT id, starts_at FROM help_requests WHERE series_id = $1 ORDER BY occurrence`, [seriesId]);
    const assignments = await app.db.query<{ id: string }>(
      `SELECT a.id FROM assignments a JOIN help_requests r ON r.id = a.request_id WHERE r.series_id = $1 AND a.status = 'active' ORDER BY r.starts_at`,
      [seriesId],
    );
    expect(assignments).toHaveLength(4);
    const reminders = await timers(`remind-${assignments[1]!.id}-`, 2);
    expect(reminders.length, 'week 2 had its reminders').toBeGreaterThanOrEqual(2);
    clock.set(addHours(visits[0]!.starts_at, 1)); // week 1 has taken place

    const list = await chat.submit(STAFF, { action: 'staff.requests.list' });
    const seriesCard = list.find((c) => cardActions(c.activity).some((d) => d.action === 'staff.series.cancel' && d.seriesId === seriesId));
    expect(seriesCard, 'the staff request list shows the series with «Avlys alle besøkene»').toBeDefined();
    expect(visibleText(seriesCard!.activity)).toContain('er fast frivillig');
    // A caregiver's verb is not staff's, and staff's is not the caregiver's.
    expect(cardActions(seriesCard!.activity).some((d) => d.action === 'caregiver.series.cancel' || d.action === 'caregiver.series.edit.start')).toBe(false);
    // The caregiver has their own verb; staff's is refused to them.
    const refused = await chat.submit(CG, { action: 'staff.series.cancel.confirm', seriesId });
    expect(refused.map((c) => visibleText(c.activity)).join('\n')).toContain('ikke tilgang');
    expect((await app.db.query<{ status: string }>('SELECT status FROM series WHERE id = $1', [seriesId]))[0]!.status).toBe('taken');

    const start = connector.captured.length;
    const asked = await chat.submit(STAFF, { action: 'staff.series.cancel', seriesId });
    expect(asked.some((c) => hasAction(c.activity, 'staff.series.cancel.confirm'))).toBe(true);
    const done = await chat.submit(STAFF, { action: 'staff.series.cancel.confirm', seriesId });
    expect(visibleText(done.at(-1)!.activity)).toContain('er avlyst');
    const statuses = (await app.db.query<{ status: string }>(`SELECT status FROM help_requests WHERE series_id = $1 ORDER BY occurrence`, [seriesId])).map((r) => r.status);
    expect(statuses).toEqual(['taken', 'cancelled', 'cancelled', 'cancelled']);
    await connector.waitFor((cs) => posts(cs.slice(start), winner.conv, 'Besøkene er avlyst').length > 0);

    // Week 2 comes due: its reminders stay silent.
    clock.set(addHours(visits[1]!.starts_at, 1));
    for (const job of reminders) await job.promote();
    await sleep(1500);
    expect(posts(connector.captured.slice(start), winner.conv, 'Besøkene er avlyst')).toHaveLength(1);
    expect(posts(connector.captured.slice(start), winner.conv, 'Oppdraget er avlyst')).toHaveLength(0);
    expect(connector.captured.slice(start).filter((c) => /Påminnelse/.test(visibleText(c.activity)))).toHaveLength(0);
    clock.offsetMs = 0;
  });
});

/** A weekly series for `summary`, taken by the first web chat volunteer it was offered to. */
async function takenSeries(summary: string, days: number, visits: number): Promise<{ seriesId: string; userId: string }> {
  const start = connector.captured.length;
  const seriesId = await askSeries(summary, days, visits);
  const [o] = await app.db.query<{ id: string; user_id: string }>(
    `SELECT o.id, c.user_id FROM series_offers o JOIN chat_identities c ON c.member_id = o.volunteer_id AND c.channel_id = 'webchat'
      WHERE o.series_id = $1 ORDER BY c.user_id LIMIT 1`,
    [seriesId],
  );
  await connector.waitFor((cs) => cs.slice(start).some((c) => c.conversationId === `conv-${o!.user_id}` && hasAction(c.activity, 'series.accept')));
  await chat.submit(o!.user_id, { action: 'series.accept', seriesOfferId: o!.id });
  expect((await app.db.query<{ status: string }>('SELECT status FROM series WHERE id = $1', [seriesId]))[0]!.status).toBe('taken');
  return { seriesId, userId: o!.user_id };
}

describe('the regular volunteer leaves Dugnad', () => {
  it('gives the series back whole: the visits go out again, and the caregiver is told once, not once per visit', async () => {
    const { seriesId, userId } = await takenSeries('Kaffe hver uke', 4, 3);
    const before = connector.captured.length;
    await chat.submit(userId, { action: 'volunteer.leave.confirm' });
    await connector.waitFor((cs) => posts(cs.slice(before), `conv-${CG}`, 'Den faste frivillige har trukket seg').length > 0);
    await sleep(1000);
    expect(posts(connector.captured.slice(before), `conv-${CG}`, 'Den faste frivillige har trukket seg')).toHaveLength(1);
    expect(posts(connector.captured.slice(before), `conv-${CG}`, 'En frivillig har avlyst')).toHaveLength(0);
    expect(visibleText(posts(connector.captured.slice(before), `conv-${CG}`, 'Den faste frivillige har trukket seg')[0]!.activity)).toContain('kan ikke lenger komme');
    expect((await app.db.query<{ status: string }>('SELECT status FROM series WHERE id = $1', [seriesId]))[0]!.status).toBe('released');
    expect((await app.db.query<{ status: string }>(`SELECT status FROM help_requests WHERE series_id = $1`, [seriesId])).map((r) => r.status)).toEqual(['open', 'open', 'open']);
  });
});

describe('consent withdrawn after someone took the series', () => {
  it('tells the regular volunteer once for the series, not once per visit, and the series ends cancelled', async () => {
    const { seriesId, userId } = await takenSeries('Frokost hver uke', 5, 3);
    const before = connector.captured.length;
    await chat.submit(STAFF, { action: 'staff.consent.withdraw', personId });
    const conv = `conv-${userId}`;
    await connector.waitFor((cs) => posts(cs.slice(before), conv, 'Besøkene er avlyst').length > 0);
    await sleep(1000);
    expect(posts(connector.captured.slice(before), conv, 'Besøkene er avlyst')).toHaveLength(1);
    expect(posts(connector.captured.slice(before), conv, 'Oppdraget er avlyst')).toHaveLength(0);
    expect((await app.db.query<{ status: string }>('SELECT status FROM series WHERE id = $1', [seriesId]))[0]!.status).toBe('cancelled');
    expect((await app.db.query<{ status: string }>(`SELECT status FROM help_requests WHERE series_id = $1`, [seriesId])).every((r) => r.status === 'cancelled')).toBe(true);
  });
});
