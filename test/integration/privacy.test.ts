// Privacy over real HTTP: staff give innsyn (a readable card and the complete JSON as a file) and
// erase a person helped, with a confirm step. After erasure nothing that names or describes the person
// is left in any table or in any job in Redis; the audit log keeps every entry and still answers who
// saw the person's details. Only staff of the person's centre can do either.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from 'date-fns';
import { Redis } from 'ioredis';
import { startTestApp, userActivity, REDIS_URL, type TestApp } from '../support/app.ts';
import { startFakeConnector, visibleText, type Captured, type FakeConnector } from '../support/fake-connector.ts';
import { cardActions, chatDriver, hasAction, type ChatDriver } from '../support/chat.ts';
import { demoVolunteerId } from '../../infra/seed-demo.ts';
import { ensureCentre } from '../../infra/centres.ts';
import { t } from '../../adaptive-cards/texts.ts';
import type { PersonExport } from '../../infra/privacy.ts';
import { cardAction } from '../../adaptive-cards/actions.ts';
import { osloDate } from '../../domain/time-zone.ts';

let app: TestApp;
let connector: FakeConnector;
let chat: ChatDriver;
const STAFF = 'demo-ansatt-2';
const VOLUNTEER = demoVolunteerId(0);
const PERSON = {
  name: 'Solveig Innsynsdatter',
  address: 'Personvernveien 17, 2317 Hamar',
  phone: '62517799',
  district: 'Sentrum',
  notes: 'Bruker rullator, hører dårlig på venstre øre',
};
const HANDOVER = 'Nøkkelboks ved garasjen, kode 4711';
const CONTACT = { name: 'Håkon Innsynsdatter', phone: '90917799' };
const CONCERN = 'Hun virket forvirret og hadde ikke spist på to dager';
const SECRETS = [PERSON.name, 'Personvernveien', PERSON.phone, PERSON.notes, HANDOVER, CONTACT.name, CONTACT.phone, CONCERN, 'Innsynsdatter'];
let personId: string;
let takenRequestId: string;
let openRequestId: string;
let volunteerMemberId: string;
const logLines: string[] = [];

const requestForm = (over: Record<string, string>) => ({
  action: 'staff.request.submit', personId, group: 'besoksvenn', date: osloDate(addDays(new Date(), 2)), time: '11:00', durationMinutes: '60',
  district: 'Sentrum', meetingPlace: 'Hjemme', summary: 'Besøk og en prat', handoverNote: HANDOVER, contactName: CONTACT.name, contactPhone: CONTACT.phone,
  language: '', policeCertificate: 'false', firstTimeFriendly: 'false', staffAlong: 'false', urgent: 'false', ...over,
});

/** What the cards tests ask of every card: placeholders filled, no empty text, buttons the bot accepts. */
function expectWellFormed(activity: Record<string, any>): void {
  for (const a of activity.attachments ?? []) {
    if (a.contentType !== 'application/vnd.microsoft.card.adaptive') continue;
    const json = JSON.stringify(a.content);
    expect(json).not.toMatch(/\{[a-zA-Z]+\}/);
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) return v.forEach(walk);
      if (!v || typeof v !== 'object') return;
      const o = v as Record<string, unknown>;
      if (o.type === 'TextBlock') expect(String(o.text).trim()).not.toBe('');
      Object.values(o).forEach(walk);
    };
    walk(a.content);
  }
  for (const data of cardActions(activity)) expect(cardAction.safeParse(data).success, JSON.stringify(data)).toBe(true);
}

/** Every row of every table (as text) that contains one of the secrets. */
async function rowsMentioning(secrets: string[]): Promise<string[]> {
  const tables = (await app.db.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`)).map((r) => r.table_name);
  const found: string[] = [];
  for (const table of tables) {
    const rows = await app.db.query<{ row: string }>(`SELECT t::text AS row FROM "${table}" t`);
    for (const r of rows) for (const s of secrets) if (r.row.includes(s)) found.push(`${table}: ${s}`);
  }
  return found;
}

/** Every job field stored under the app's queue prefix in Redis, as text. */
async function redisJobText(): Promise<string> {
  const r = new Redis(REDIS_URL);
  try {
    const parts: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${app.prefix}:*`, 'COUNT', 1000);
      cursor = next;
      for (const key of keys) if ((await r.type(key)) === 'hash') parts.push(JSON.stringify(await r.hgetall(key)));
    } while (cursor !== '0');
    return parts.join('\n');
  } finally {
    r.disconnect();
  }
}

function exportOf(replies: Captured[]): { card: Record<string, any>; file: { contentType: string; name: string; contentUrl: string } | undefined; data: PersonExport | null } {
  // The staff member's conversation also gets the workers' notices (request taken, concern) at any time.
  const activity = replies.find((r) => visibleText(r.activity).includes(t('nb', 'privacy.exportTitle', { name: '' })))!.activity;
  const file = (activity.attachments as Array<{ contentType: string; name: string; contentUrl: string }>).find((a) => a.contentType === 'application/json');
  const data = file ? (JSON.parse(Buffer.from(file.contentUrl.replace(/^data:application\/json;base64,/, ''), 'base64').toString('utf8')) as PersonExport) : null;
  expectWellFormed(activity);
  return { card: activity, file, data };
}

beforeAll(async () => {
  connector = await startFakeConnector();
  // Everything the bot and the workers log during the scenario, at the most talkative level.
  app = await startTestApp({ env: { WAVE_SIZE: '1000' }, log: { level: 'trace', destination: { write: (line) => void logLines.push(line) } } });
  chat = chatDriver(app, connector);
  await chat.say(STAFF, 'hei');
  await chat.say(VOLUNTEER, 'hei');
  volunteerMemberId = (await app.db.query<{ member_id: string }>(`SELECT member_id FROM chat_identities WHERE channel_id = 'dev' AND user_id = $1`, [VOLUNTEER]))[0]!.member_id;

  await chat.submit(STAFF, { action: 'staff.person.submit', ...PERSON, consentBasis: 'proxy', consentRelation: 'sønn', consentDate: osloDate(new Date()) });
  personId = (await app.db.query<{ id: string }>('SELECT id FROM persons WHERE name = $1', [PERSON.name]))[0]!.id;

  await chat.submit(STAFF, requestForm({}));
  takenRequestId = (await app.db.query<{ id: string }>(`SELECT id FROM help_requests WHERE person_id = $1 ORDER BY created_at LIMIT 1`, [personId]))[0]!.id;
  const [offer] = await app.db.query<{ id: string }>('SELECT id FROM offers WHERE request_id = $1 AND volunteer_id = $2', [takenRequestId, volunteerMemberId]);
  expect(offer, 'the volunteer got the offer').toBeDefined();
  const accepted = await chat.submit(VOLUNTEER, { action: 'offer.accept', offerId: offer!.id });
  expect(accepted.map((r) => visibleText(r.activity)).join('\n')).toContain(PERSON.address);
  const [assignment] = await app.db.query<{ id: string }>(`SELECT id FROM assignments WHERE request_id = $1`, [takenRequestId]);
  await chat.submit(VOLUNTEER, { action: 'concern.report', assignmentId: assignment!.id, concern: CONCERN });

  await chat.submit(STAFF, requestForm({ time: '15:00', date: osloDate(addDays(new Date(), 5)) }));
  openRequestId = (await app.db.query<{ id: string }>(`SELECT id FROM help_requests WHERE person_id = $1 AND id <> $2`, [personId, takenRequestId]))[0]!.id;
});

afterAll(async () => {
  await app?.close();
  await connector?.close();
});

describe('innsyn (staff.person.export)', () => {
  it('answers with a readable card and the complete JSON as a file Web Chat can download', async () => {
    const auditBefore = await app.db.query('SELECT 1 FROM audit_log');
    const { card, file, data } = exportOf(await chat.submit(STAFF, { action: 'staff.person.export', personId }));
    expect(file).toMatchObject({ contentType: 'application/json', name: `innsyn-${personId}.json` });
    expect(file!.contentUrl).toMatch(/^data:application\/json;base64,/);

    const shown = visibleText(card);
    expect(shown).toContain(`Innsyn: ${PERSON.name}`);
    expect(shown).toContain(PERSON.notes);
    expect(shown).toContain('Hvem har sett eller endret opplysningene');
    expect(shown).toContain('så navn, adresse og beskjed for et oppdrag');
    expect(shown).toContain('(frivillig)');
    expect(shown).toContain('tok ut innsyn');
    expect(shown).toContain(`innsyn-${personId}.json`);

    expect(data!.format).toBe('dugnad-innsyn/1');
    expect(data!.person).toMatchObject({ id: personId, name: PERSON.name, address: PERSON.address, phone: PERSON.phone, notes: PERSON.notes, erasedAt: null });
    expect(data!.consents).toHaveLength(1);
    expect(data!.consents[0]).toMatchObject({ basis: 'proxy', relation: 'sønn', withdrawnAt: null });
    const taken = data!.requests.find((r) => r.id === takenRequestId)!;
    expect(taken).toMatchObject({ status: 'taken', handoverNote: HANDOVER, contactName: CONTACT.name, contactPhone: CONTACT.phone });
    expect(taken.assignments[0]!.volunteer).toMatchObject({ id: volunteerMemberId, role: 'volunteer' });
    expect(taken.concerns[0]!.text).toBe(CONCERN);
    expect(data!.requests.find((r) => r.id === openRequestId)!.status).toBe('open');

    // Who has seen the details: the volunteer's reveal, and this innsyn itself.
    const reveals = data!.accessLog.filter((e) => e.action === 'reveal');
    expect(reveals.some((e) => e.actor.id === volunteerMemberId && e.fields.includes('address'))).toBe(true);
    expect(reveals.some((e) => e.actor.role === 'staff' && e.fields.includes('export'))).toBe(true);
    expect(data!.accessLog.map((e) => e.action)).toEqual(expect.arrayContaining(['person.create', 'consent.record', 'request.create', 'reveal']));
    expect((await app.db.query('SELECT 1 FROM audit_log')).length).toBe(auditBefore.length + 1);
  });

  it('in Teams sends the card without a file, and says how to get it', async () => {
    const before = connector.captured.length;
    const res = await app.post(userActivity({ userId: STAFF, serviceUrl: connector.url, channelId: 'msteams', conversationId: 'teams-staff', value: { action: 'staff.person.export', personId } }));
    expect(res.status).toBe(200);
    const replies = connector.captured.slice(before).filter((c) => c.conversationId === 'teams-staff');
    const { card, file } = exportOf(replies);
    expect(file).toBeUndefined();
    expect(visibleText(card)).toContain(t('nb', 'privacy.fileNotInTeams'));
    expect(cardActions(card).every((d) => typeof d.action === 'string')).toBe(true);
  });

  it('is found from the privacy list, typed or pressed', async () => {
    const replies = await chat.say(STAFF, 'personvern');
    const list = replies.find((r) => hasAction(r.activity, 'staff.person.export'))!;
    expectWellFormed(list.activity);
    expect(cardActions(list.activity)).toEqual(expect.arrayContaining([{ action: 'staff.person.export', personId }, { action: 'staff.person.erase', personId }]));
  });

  it("is refused for another centre's staff and for volunteers, and leaves no trace", async () => {
    await ensureCentre(app.db, { id: 'elverum', name: 'Elverum frivilligsentral', requireApproval: true });
    const [m] = await app.db.query<{ id: string }>(`INSERT INTO members (role, centre_id, name) VALUES ('staff', 'elverum', 'Eli Elverum') RETURNING id`);
    await app.db.query(`INSERT INTO chat_identities (channel_id, user_id, member_id) VALUES ('webchat', 'privacy-staff-b', $1)`, [m!.id]);
    const audit = (await app.db.query('SELECT 1 FROM audit_log')).length;
    for (const action of ['staff.person.export', 'staff.person.erase', 'staff.person.erase.confirm']) {
      const other = (await chat.submit('privacy-staff-b', { action, personId })).map((r) => visibleText(r.activity)).join('\n');
      expect(other).toContain(t('nb', 'error.invalidAction'));
      for (const s of SECRETS) expect(other).not.toContain(s);
      const volunteer = (await chat.submit(VOLUNTEER, { action, personId })).map((r) => visibleText(r.activity)).join('\n');
      expect(volunteer).toContain(t('nb', 'error.notAllowed'));
    }
    expect((await app.db.query('SELECT 1 FROM audit_log')).length).toBe(audit);
    expect((await app.db.query<{ name: string }>('SELECT name FROM persons WHERE id = $1', [personId]))[0]!.name).toBe(PERSON.name);
  });
});

describe('erasure (staff.person.erase → confirm)', () => {
  it('asks first and changes nothing until confirmed', async () => {
    const replies = await chat.submit(STAFF, { action: 'staff.person.erase', personId });
    const confirm = replies.find((r) => hasAction(r.activity, 'staff.person.erase.confirm'))!;
    expectWellFormed(confirm.activity);
    expect(visibleText(confirm.activity)).toContain(PERSON.name);
    expect(visibleText(confirm.activity)).toContain('Det kan ikke angres');
    expect((await app.db.query<{ erased_at: Date | null }>('SELECT erased_at FROM persons WHERE id = $1', [personId]))[0]!.erased_at).toBeNull();
  });

  it('erases the person everywhere, cancels what lies ahead, and keeps the audit log whole', async () => {
    const auditBefore = await app.db.query<{ id: number }>('SELECT id FROM audit_log ORDER BY id');
    const otherPerson = (await app.db.query<{ name: string }>(`SELECT name FROM persons WHERE name = 'Gerd Solberg'`))[0];
    const volunteerConversation = connector.conversation(`conv-${VOLUNTEER}`).length;

    const done = await chat.submit(STAFF, { action: 'staff.person.erase.confirm', personId });
    expect(done.map((r) => visibleText(r.activity)).join('\n')).toContain(t('nb', 'privacy.erasedTitle'));

    const [p] = await app.db.query<Record<string, unknown>>('SELECT name, address, phone, notes, lat, lon, erased_at, district FROM persons WHERE id = $1', [personId]);
    expect(p).toMatchObject({ name: null, address: null, phone: null, notes: null, lat: null, lon: null, district: 'Sentrum' });
    expect(p!.erased_at).not.toBeNull();
    const requests = await app.db.query<Record<string, unknown>>(
      'SELECT id, status, summary, meeting_place, handover_note, contact_name, contact_phone, details_erased_at FROM help_requests WHERE person_id = $1',
      [personId],
    );
    expect(requests).toHaveLength(2);
    for (const r of requests) {
      expect(r).toMatchObject({ status: 'cancelled', summary: '—', meeting_place: null, handover_note: null, contact_name: null, contact_phone: null });
      expect(r.details_erased_at).not.toBeNull();
    }
    expect((await app.db.query<{ status: string }>('SELECT status FROM assignments WHERE request_id = $1', [takenRequestId]))[0]!.status).toBe('cancelled');
    expect(await app.db.query('SELECT 1 FROM consents WHERE person_id = $1 AND withdrawn_at IS NULL', [personId])).toHaveLength(0);
    expect((await app.db.query<{ text: string | null }>('SELECT text FROM concerns WHERE request_id = $1', [takenRequestId]))[0]!.text).toBeNull();

    // Nothing anywhere in the database names or describes the person any more.
    expect(await rowsMentioning(SECRETS)).toEqual([]);
    // The audit log lost nothing and recorded the erasure.
    const auditAfter = await app.db.query<{ id: number; action: string }>('SELECT id, action FROM audit_log ORDER BY id');
    expect(auditAfter.slice(0, auditBefore.length).map((r) => r.id)).toEqual(auditBefore.map((r) => r.id));
    expect(auditAfter.at(-1)!.action).toBe('person.erase');
    await expect(app.db.query('DELETE FROM audit_log WHERE person_id = $1', [personId])).rejects.toThrow(/append-only/);
    await expect(app.db.query(`UPDATE audit_log SET actor_id = NULL WHERE person_id = $1`, [personId])).rejects.toThrow(/append-only/);
    // Other people are untouched.
    expect((await app.db.query(`SELECT 1 FROM persons WHERE name = $1`, [otherPerson!.name]))).toHaveLength(1);

    // The volunteer is told the task is off — without a word about the person.
    await connector.waitFor(() => connector.conversation(`conv-${VOLUNTEER}`).slice(volunteerConversation).some((c) => visibleText(c.activity).includes(t('nb', 'notify.requestCancelledTitle'))));
    for (const c of connector.conversation(`conv-${VOLUNTEER}`).slice(volunteerConversation)) {
      for (const s of SECRETS) expect(visibleText(c.activity)).not.toContain(s);
    }
    // Job payloads in Redis carry ids only.
    const jobs = await redisJobText();
    expect(jobs.length).toBeGreaterThan(0);
    for (const s of SECRETS) expect(jobs).not.toContain(s);
  });

  it('still answers who has seen the person, after erasure', async () => {
    const { card, data } = exportOf(await chat.submit(STAFF, { action: 'staff.person.export', personId }));
    expect(data!.person).toMatchObject({ name: null, address: null, phone: null, notes: null });
    expect(data!.person.erasedAt).not.toBeNull();
    expect(data!.accessLog.some((e) => e.action === 'reveal' && e.actor.id === volunteerMemberId)).toBe(true);
    expect(data!.accessLog.some((e) => e.action === 'person.erase' && e.actor.role === 'staff')).toBe(true);
    expect(visibleText(card)).toContain('Innsyn: (slettet)');
    expect(visibleText(card)).toContain('slettet opplysningene');
    expect(JSON.stringify(data)).not.toContain(HANDOVER);
  });

  it('is safe to repeat', async () => {
    const again = await chat.submit(STAFF, { action: 'staff.person.erase.confirm', personId });
    expect(again.map((r) => visibleText(r.activity)).join('\n')).toContain(t('nb', 'privacy.alreadyErased'));
    expect(await rowsMentioning(SECRETS)).toEqual([]);
  });
});

describe('the log of the whole scenario', () => {
  it('holds no personal data: not of this person, nor of any demo person, volunteer or staff member', async () => {
    // Names, phones and addresses the demo seed put in (read back before erasure left only this person's gone).
    const demo = await app.db.query<{ v: string }>(
      `SELECT name AS v FROM members WHERE name IS NOT NULL UNION SELECT phone FROM members WHERE phone IS NOT NULL
       UNION SELECT name FROM persons WHERE name IS NOT NULL UNION SELECT address FROM persons WHERE address IS NOT NULL
       UNION SELECT phone FROM persons WHERE phone IS NOT NULL`,
    );
    const secrets = [...SECRETS, ...demo.map((r) => r.v)].filter((s) => s.length >= 5);
    expect(logLines.length).toBeGreaterThan(20); // the scenario did log
    const text = logLines.join('');
    expect(secrets.filter((s) => text.includes(s))).toEqual([]);
  });
});
