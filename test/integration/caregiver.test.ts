// A family caregiver signs up, registers the person they care for with consent as proxy, asks for
// respite, follows it in plain words, sees who is coming (first name only), and cancels.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from 'date-fns';
import { startTestApp, type TestApp } from '../support/app.ts';
import { startFakeConnector, visibleText, type FakeConnector } from '../support/fake-connector.ts';
import { cardActions, chatDriver, directActions, hasAction, showCardNamed, type ChatDriver } from '../support/chat.ts';
import { formatWhen } from '../../adaptive-cards/format.ts';
import { t } from '../../adaptive-cards/texts.ts';
import { demoVolunteerId } from '../../infra/seed-demo.ts';
import { osloDate } from '../../domain/time-zone.ts';

let app: TestApp;
let connector: FakeConnector;
let chat: ChatDriver;
const CG = 'ny-parorende-1';
let requestId: string;
let personId: string;
const count = async (table: string) => Number((await app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]!.n);

beforeAll(async () => {
  connector = await startFakeConnector();
  app = await startTestApp({ env: { WAVE_SIZE: '1000', ALLOCATION_OFFICE_CONTACT: 'Tildelingskontoret, tlf. 62 56 30 00' } });
  chat = chatDriver(app, connector);
  for (let i = 0; i < 8; i++) await chat.say(demoVolunteerId(i), 'hei');
});
afterAll(async () => {
  await app?.close();
  await connector?.close();
});

describe('a family caregiver', () => {
  it('signs up and registers the person they care for, with consent as proxy', async () => {
    const [menu] = await chat.say(CG, 'hei');
    expect(hasAction(menu!.activity, 'caregiver.signup.start')).toBe(true);
    const signup = await chat.submit(CG, { action: 'caregiver.signup.submit', name: 'Hilde Berg', phone: '934 56 789' });
    const form = signup.find((r) => hasAction(r.activity, 'caregiver.person.submit'))!;
    expect(form).toBeDefined();
    // Consent is the person's own or the caregiver's as proxy; "recorded by staff" is not offered.
    expect(JSON.stringify(form.activity)).not.toContain('staff_recorded');

    const before = await count('persons');
    const bad = await chat.submit(CG, { action: 'caregiver.person.submit', name: 'Olav Berg', address: 'Parkgata 3, 2317 Hamar', phone: '62511111', district: 'Sentrum', consentBasis: 'staff_recorded', consentDate: osloDate(new Date()) });
    expect(hasAction(bad.at(-1)!.activity, 'caregiver.person.submit')).toBe(true);
    expect(await count('persons')).toBe(before);

    const ok = await chat.submit(CG, {
      action: 'caregiver.person.submit', name: 'Olav Berg', address: 'Parkgata 3, 2317 Hamar', phone: '62511111', district: 'Sentrum',
      notes: 'Liker å snakke om fotball. Demens, kan bli urolig.', consentBasis: 'proxy', consentRelation: 'datter', consentDate: osloDate(new Date()),
    });
    const requestFormReply = ok.find((r) => hasAction(r.activity, 'caregiver.request.submit'))!;
    expect(requestFormReply).toBeDefined();
    // What the caregiver wrote for volunteers starts the note to the volunteer (they can change it there).
    expect(JSON.stringify(requestFormReply.activity)).toContain('Liker å snakke om fotball');
    const [p] = await app.db.query<{ id: string }>(`SELECT id FROM persons WHERE name = 'Olav Berg'`);
    personId = p!.id;
    const [c] = await app.db.query<{ basis: string; relation: string }>('SELECT basis, relation FROM consents WHERE person_id = $1', [personId]);
    expect(c).toEqual({ basis: 'proxy', relation: 'datter' });
  });

  it('asks for respite; volunteers get a redacted offer; the status says "Vi leter etter en frivillig"', async () => {
    const before = connector.captured.length;
    const replies = await chat.submit(CG, {
      action: 'caregiver.request.submit', personId, group: 'avlastning', date: osloDate(addDays(new Date(), 4)), time: '10:00', durationMinutes: '180',
      district: 'Sentrum', summary: 'Selskap hjemme mens jeg er på trening', handoverNote: 'Nøkkel i lyktestolpen',
    });
    expect(visibleText(replies.at(-1)!.activity)).toContain('Vi leter etter en frivillig');
    const [r] = await app.db.query<{ id: string; status: string; contact_phone: string }>(`SELECT id, status, contact_phone FROM help_requests WHERE person_id = $1`, [personId]);
    expect(r!.status).toBe('open');
    expect(r!.contact_phone).toBe('93456789'); // the volunteer can reach the caregiver during the visit
    requestId = r!.id;
    await connector.waitFor(() => connector.captured.slice(before).some((c) => hasAction(c.activity, 'offer.accept')));
    for (const c of connector.captured.slice(before).filter((c) => c.conversationId !== `conv-${CG}`)) {
      for (const secret of ['Olav', 'Parkgata', '62511111', 'lyktestolpen', 'Hilde', '93456789']) expect(visibleText(c.activity)).not.toContain(secret);
    }
    const list = await chat.say(CG, 'mine forespørsler');
    expect(visibleText(list[0]!.activity)).toContain('Vi leter etter en frivillig');
  });

  it('is told who is coming by first name, and sees it in the list', async () => {
    const [o] = await app.db.query<{ id: string; user_id: string; name: string }>(
      `SELECT o.id, c.user_id, m.name FROM offers o JOIN chat_identities c ON c.member_id = o.volunteer_id AND c.channel_id = 'webchat'
         JOIN members m ON m.id = o.volunteer_id WHERE o.request_id = $1 LIMIT 1`,
      [requestId],
    );
    const before = connector.captured.length;
    await chat.submit(o!.user_id, { action: 'offer.accept', offerId: o!.id });
    const first = o!.name.split(' ')[0]!;
    await connector.waitFor(() => connector.captured.slice(before).some((c) => c.conversationId === `conv-${CG}` && visibleText(c.activity).includes(first)));
    const list = await chat.submit(CG, { action: 'caregiver.requests.list' });
    const text = visibleText(list[0]!.activity);
    expect(text).toContain(`${first} kommer`);
    expect(text).not.toContain(o!.name.split(' ')[1]!); // first name only
  });

  it('gets a reminder the day before saying who is coming, with a way to cancel', async () => {
    const [a] = await app.db.query<{ id: string }>(`SELECT id FROM assignments WHERE request_id = $1 AND status = 'active'`, [requestId]);
    const deadline = Date.now() + 10_000;
    let job;
    while (!(job = (await app.queues.timers.getJobs(['delayed'])).find((j) => j.id?.startsWith(`remind-${a!.id}-1440-`))) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(job, 'the 24-hour reminder is scheduled').toBeDefined();
    const before = connector.captured.length;
    await job!.promote();
    await connector.waitFor(() => connector.captured.slice(before).some((c) => c.conversationId === `conv-${CG}` && /Påminnelse/.test(visibleText(c.activity))));
    const reminder = connector.captured.slice(before).find((c) => c.conversationId === `conv-${CG}` && /Påminnelse/.test(visibleText(c.activity)))!;
    expect(visibleText(reminder.activity)).toMatch(/\S+ kommer /);
    expect(cardActions(reminder.activity).some((d) => d.action === 'caregiver.request.cancel' && d.requestId === requestId)).toBe(true);
    // «Avlys» asks first, as on their list: it names the visit's date and the volunteer who will be told.
    // Nothing on the reminder cancels at one tap.
    expect(directActions(reminder.activity).some((d) => d.action === 'caregiver.request.cancel')).toBe(false);
    const [visit] = await app.db.query<{ starts_at: Date; flexible_until: Date | null; name: string }>(
      'SELECT r.starts_at, r.flexible_until, m.name FROM assignments a JOIN help_requests r ON r.id = a.request_id JOIN members m ON m.id = a.volunteer_id WHERE a.id = $1',
      [a!.id],
    );
    const ask = showCardNamed(reminder.activity, t('nb', 'caregiver.cancel'));
    expect(ask?.text).toContain(t('nb', 'caregiver.cancelQuestionTold', { when: formatWhen('nb', visit!.starts_at, visit!.flexible_until), name: visit!.name.split(' ')[0]! }));
    expect(ask?.actions).toEqual([{ action: 'caregiver.request.cancel', requestId }]);
    // The list asks the same question with the same button.
    const list = await chat.submit(CG, { action: 'caregiver.requests.list' });
    const listAsk = list.map((c) => showCardNamed(c.activity, t('nb', 'caregiver.cancel'))).find((x) => x?.actions.some((d) => d.requestId === requestId));
    expect(listAsk?.text).toContain(ask!.text.split('\n').find((l) => l.startsWith('Avlyse'))!);
    // …or to confirm that the visit suits them.
    expect(cardActions(reminder.activity).some((d) => d.action === 'caregiver.visit.confirm' && d.assignmentId === a!.id)).toBe(true);
    const confirmed = await chat.submit(CG, { action: 'caregiver.visit.confirm', assignmentId: a!.id });
    expect(visibleText(confirmed.at(-1)!.activity)).toContain('besøket passer');
    const [row] = await app.db.query<{ caregiver_confirmed_at: Date | null }>('SELECT caregiver_confirmed_at FROM assignments WHERE id = $1', [a!.id]);
    expect(row!.caregiver_confirmed_at).not.toBeNull();
  });

  it('cancels; the volunteer is told', async () => {
    const [a] = await app.db.query<{ user_id: string }>(
      `SELECT c.user_id FROM assignments a JOIN chat_identities c ON c.member_id = a.volunteer_id AND c.channel_id = 'webchat' WHERE a.request_id = $1`,
      [requestId],
    );
    const before = connector.captured.length;
    const replies = await chat.submit(CG, { action: 'caregiver.request.cancel', requestId });
    expect(visibleText(replies[0]!.activity)).toContain('avlyst');
    await connector.waitFor(() => connector.captured.slice(before).some((c) => c.conversationId === `conv-${a!.user_id}` && /avlyst/i.test(visibleText(c.activity))));
  });

  it('cannot ask for, or cancel, someone else\'s', async () => {
    const [staffPerson] = await app.db.query<{ id: string }>(`SELECT id FROM persons WHERE name = 'Gerd Solberg'`);
    const before = await count('help_requests');
    await chat.submit(CG, { action: 'caregiver.request.submit', personId: staffPerson!.id, group: 'avlastning', date: osloDate(addDays(new Date(), 4)), time: '10:00', durationMinutes: '60', district: 'Sentrum', summary: 'x' });
    expect(await count('help_requests')).toBe(before);
    const [other] = await app.db.query<{ id: string }>(`SELECT id FROM help_requests WHERE person_id <> $1 AND status = 'open' LIMIT 1`, [personId]);
    if (other) {
      await chat.submit(CG, { action: 'caregiver.request.cancel', requestId: other.id });
      expect((await app.db.query<{ status: string }>('SELECT status FROM help_requests WHERE id = $1', [other.id]))[0]!.status).toBe('open');
    }
  });

  it('learns that formal respite is the municipality\'s decision, with the allocation office\'s contact', async () => {
    const [reply] = await chat.submit(CG, { action: 'caregiver.formalRespite' });
    const text = visibleText(reply!.activity);
    expect(text).toContain('Tildelingskontoret, tlf. 62 56 30 00');
    expect(cardActions(reply!.activity).every((d) => !String(d.action).startsWith('offer'))).toBe(true);
  });
});
