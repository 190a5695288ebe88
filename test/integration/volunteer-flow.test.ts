// A new volunteer signs up in chat, is approved, and only gets offers after signing the
// declaration; staff register a person, and without valid consent a request does not go out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, subMonths } from 'date-fns';
import { startTestApp, type TestApp } from '../support/app.ts';
import { startFakeConnector, visibleText, type FakeConnector } from '../support/fake-connector.ts';
import { cardActions, chatDriver, hasAction, type ChatDriver } from '../support/chat.ts';
import { osloDate } from '../../domain/time-zone.ts';

let app: TestApp;
let connector: FakeConnector;
let chat: ChatDriver;
const NEW = 'ny-frivillig-1';
const STAFF = 'demo-ansatt-2';
let volunteerId: string;

const count = async (table: string) => Number((await app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]!.n);
const signup = (over: Record<string, string> = {}) => ({
  action: 'volunteer.signup.submit', name: 'Oddvar Ny', phone: '912 34 567', email: '', district: 'Ottestad', postcode: '2312',
  groups: 'digital', languages: 'nb,en', availability: '1:morning,2:morning,3:morning,4:morning,5:morning,6:morning,7:morning',
  weeklyCap: '3', comfort: 'any', ...over,
});
const request = (personId: string, over: Record<string, string> = {}) => ({
  action: 'staff.request.submit', personId, group: 'digital', date: osloDate(addDays(new Date(), 2)), time: '10:00', durationMinutes: '60',
  district: 'Ottestad', summary: 'Hjelp med BankID på mobilen', ...over,
});
const offersTo = async (memberId: string) => app.db.query(`SELECT 1 FROM offers WHERE volunteer_id = $1`, [memberId]);

beforeAll(async () => {
  connector = await startFakeConnector();
  app = await startTestApp({ env: { WAVE_SIZE: '1000' } });
  chat = chatDriver(app, connector);
});
afterAll(async () => {
  await app?.close();
  await connector?.close();
});

describe('a new volunteer', () => {
  it('gets the form back with errors in Norwegian, and nothing is stored', async () => {
    const before = await count('volunteers');
    const replies = await chat.submit(NEW, signup({ phone: '12', groups: '' }));
    const text = visibleText(replies.at(-1)!.activity);
    expect(text).toContain('Skriv et telefonnummer med minst 8 siffer');
    expect(text).toContain('12'); // what they typed is kept
    expect(hasAction(replies.at(-1)!.activity, 'volunteer.signup.submit')).toBe(true);
    expect(await count('volunteers')).toBe(before);
  });

  it('signs up, is asked to sign the declaration, and waits for approval', async () => {
    const replies = await chat.submit(NEW, signup());
    // Issue 14: the thanks comes after the declaration, the sign-up's last step; here it says what is left.
    expect(replies.some((r) => visibleText(r.activity).includes('Siste steg: les taushetserklæringen'))).toBe(true);
    expect(replies.some((r) => visibleText(r.activity).includes('Takk for at du vil være frivillig'))).toBe(false);
    expect(replies.some((r) => hasAction(r.activity, 'declaration.sign'))).toBe(true);
    const rows = await app.db.query<{ member_id: string; status: string }>(
      `SELECT v.member_id, v.status FROM volunteers v JOIN chat_identities c ON c.member_id = v.member_id WHERE c.user_id = $1`,
      [NEW],
    );
    expect(rows[0]!.status).toBe('pending');
    volunteerId = rows[0]!.member_id;
    const status = await chat.say(NEW, 'status');
    expect(visibleText(status[0]!.activity)).toContain('venter på godkjenning');
    expect(visibleText(status[0]!.activity)).toContain('ikke signert taushetserklæringen');
  });

  it('is approved by staff and told so', async () => {
    await chat.say(STAFF, 'hei');
    const list = await chat.submit(STAFF, { action: 'staff.volunteers.list' });
    expect(cardActions(list[0]!.activity).some((d) => d.action === 'staff.volunteer.approve' && d.volunteerId === volunteerId)).toBe(true);
    await chat.submit(STAFF, { action: 'staff.volunteer.approve', volunteerId });
    const [v] = await app.db.query<{ status: string }>('SELECT status FROM volunteers WHERE member_id = $1', [volunteerId]);
    expect(v!.status).toBe('approved');
    await connector.waitFor((cs) => cs.some((c) => c.conversationId === `conv-${NEW}` && visibleText(c.activity).includes('Frivilligsentralen har godkjent deg')));
  });

  it('gets no offer until the declaration is signed, then does', async () => {
    const [person] = await app.db.query<{ id: string }>(`SELECT id FROM persons WHERE name = 'Inger Lie'`);
    await chat.submit(STAFF, request(person!.id));
    expect(await offersTo(volunteerId)).toHaveLength(0);

    const signed = await chat.submit(NEW, { action: 'declaration.sign', version: 1 });
    expect(signed.length).toBeGreaterThan(0);
    // Approved already, so the thanks says they can now get offers (not that the centre will be in touch).
    expect(signed.map((r) => visibleText(r.activity)).join('\n')).toContain('Takk for at du vil være frivillig! Nå kan du få tilbud om oppdrag.');
    const sig = await app.db.query<{ channel_id: string; user_id: string }>('SELECT channel_id, user_id FROM declaration_signatures WHERE member_id = $1', [volunteerId]);
    expect(sig[0]).toEqual({ channel_id: 'webchat', user_id: NEW });

    await chat.submit(STAFF, request(person!.id, { time: '09:00' }));
    expect(await offersTo(volunteerId)).toHaveLength(1);
    await connector.waitFor((cs) => cs.some((c) => c.conversationId === `conv-${NEW}` && hasAction(c.activity, 'offer.accept')));
  });
});

describe('consent first', () => {
  it('registers a person with consent and rejects a proxy consent without a relation', async () => {
    const base = { action: 'staff.person.submit', name: 'Solveig Test', address: 'Testveien 1, 2312 Ottestad', phone: '62000000', district: 'Ottestad' };
    const bad = await chat.submit(STAFF, { ...base, consentBasis: 'proxy', consentRelation: '', consentDate: osloDate(new Date()) });
    expect(hasAction(bad.at(-1)!.activity, 'staff.person.submit')).toBe(true);
    expect(await app.db.query(`SELECT 1 FROM persons WHERE name = 'Solveig Test'`)).toHaveLength(0);
  });

  it('holds a request whose person has no valid consent, and sends it to no one', async () => {
    const expired = osloDate(subMonths(new Date(), 13));
    await chat.submit(STAFF, {
      action: 'staff.person.submit', name: 'Utløpt Samtykke', address: 'Gamleveien 2, 2312 Ottestad', phone: '62000001', district: 'Ottestad',
      consentBasis: 'self', consentDate: expired,
    });
    const [person] = await app.db.query<{ id: string }>(`SELECT id FROM persons WHERE name = 'Utløpt Samtykke'`);
    expect(person).toBeDefined();
    const replies = await chat.submit(STAFF, request(person!.id, { time: '15:00' }));
    expect(visibleText(replies.at(-1)!.activity)).toContain('venter på samtykke');
    const [r] = await app.db.query<{ id: string; status: string }>(`SELECT id, status FROM help_requests WHERE person_id = $1`, [person!.id]);
    expect(r!.status).toBe('waiting_consent');
    expect(await app.db.query('SELECT 1 FROM offers WHERE request_id = $1', [r!.id])).toHaveLength(0);
  });
});

describe('interest groups', () => {
  it('lets the coordinator rename a group and add one; volunteers can then choose it', async () => {
    const list = await chat.submit('demo-ansatt-1', { action: 'staff.groups.list' });
    expect(hasAction(list[0]!.activity, 'staff.group.save')).toBe(true);
    await chat.submit('demo-ansatt-1', { action: 'staff.group.save', groupKey: 'digital', nameNb: 'Digital hjelp og BankID', nameEn: 'Digital help and BankID' });
    await chat.submit('demo-ansatt-1', { action: 'staff.group.save', groupKey: 'new', nameNb: 'Strikkekafé', nameEn: 'Knitting café' });
    const groups = await app.db.query<{ key: string; name_nb: string }>(`SELECT key, name_nb FROM interest_groups WHERE centre_id = 'hamar' AND key IN ('digital', 'strikkekafe')`);
    expect(Object.fromEntries(groups.map((g) => [g.key, g.name_nb]))).toEqual({ digital: 'Digital hjelp og BankID', strikkekafe: 'Strikkekafé' });
    const form = await chat.submit('ny-frivillig-2', { action: 'volunteer.signup.start' });
    expect(visibleText(form[0]!.activity)).toContain('Strikkekafé');
  });

  it('takes a nynorsk name too: nynorsk readers see it, and a group without one shows its bokmål name', async () => {
    await chat.submit('demo-ansatt-1', { action: 'staff.group.save', groupKey: 'strikkekafe', nameNb: 'Strikkekafé', nameNn: 'Strikkekafé på nynorsk', nameEn: 'Knitting café' });
    const [g] = await app.db.query<{ name_nn: string | null }>(`SELECT name_nn FROM interest_groups WHERE centre_id = 'hamar' AND key = 'strikkekafe'`);
    expect(g!.name_nn).toBe('Strikkekafé på nynorsk');
    // Someone new whose phone speaks nynorsk.
    const form = visibleText((await chat.submit('ny-frivillig-2', { action: 'volunteer.signup.start' }, { locale: 'nn-NO' }))[0]!.activity);
    expect(form).toContain('Strikkekafé på nynorsk');
    // Renamed in bokmål without a nynorsk name: nynorsk readers get the bokmål name, not a stale one.
    expect(form).toContain('Digital hjelp og BankID');
    // An empty nynorsk field keeps none.
    await chat.submit('demo-ansatt-1', { action: 'staff.group.save', groupKey: 'strikkekafe', nameNb: 'Strikkekafé', nameNn: '', nameEn: 'Knitting café' });
    const [after] = await app.db.query<{ name_nn: string | null }>(`SELECT name_nn FROM interest_groups WHERE centre_id = 'hamar' AND key = 'strikkekafe'`);
    expect(after!.name_nn).toBeNull();
  });

  it('is the coordinator\'s call, not other staff\'s', async () => {
    const before = await app.db.query('SELECT 1 FROM interest_groups');
    await chat.submit(STAFF, { action: 'staff.group.save', groupKey: 'new', nameNb: 'Uautorisert', nameEn: 'Unauthorised' });
    expect(await app.db.query('SELECT 1 FROM interest_groups')).toHaveLength(before.length);
  });
});

describe('several centres', () => {
  it('lets a new volunteer choose which centre to join, and asks when they did not', async () => {
    await app.db.query(`INSERT INTO centres (id, name, require_approval) VALUES ('stange', 'Stange frivilligsentral', false)`);
    await app.db.query(`INSERT INTO interest_groups (centre_id, key, name_nb, name_en) VALUES ('stange', 'handlehjelp', 'Handlehjelp', 'Shopping help')`);
    const form = await chat.submit('ny-frivillig-3', { action: 'volunteer.signup.start' });
    expect(visibleText(form[0]!.activity)).toContain('Stange frivilligsentral');
    const before = await count('volunteers');
    const missing = await chat.submit('ny-frivillig-3', signup({ name: 'Stine Stange', groups: 'handlehjelp' }));
    expect(visibleText(missing.at(-1)!.activity)).toContain('Velg minst én frivilligsentral');
    expect(await count('volunteers')).toBe(before);
    await chat.submit('ny-frivillig-3', signup({ name: 'Stine Stange', groups: 'handlehjelp', centres: 'stange' }));
    const rows = await app.db.query<{ centre_id: string; status: string }>(
      `SELECT vc.centre_id, v.status FROM volunteer_centres vc JOIN volunteers v ON v.member_id = vc.member_id
         JOIN chat_identities c ON c.member_id = vc.member_id WHERE c.user_id = 'ny-frivillig-3'`,
    );
    // Stange approves automatically; Hamar would have made her wait.
    expect(rows).toEqual([{ centre_id: 'stange', status: 'approved' }]);
  });
});
