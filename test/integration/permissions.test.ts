// The authorisation matrix over real HTTP: every role × every verb in domain/verbs.ts. A verb
// the role may not use is refused with «Det har du ikke tilgang til» and changes nothing. A verb the
// role may use, pointed at someone else's data (another centre's request, person or volunteer;
// another volunteer's offer or assignment), is refused too and changes nothing. Reads never show
// another centre's (or another volunteer's) private details. "Changes nothing" is a checksum of every
// table but chat_identities (which records that someone spoke) before and after each turn.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from 'date-fns';
import { startTestApp, type TestApp } from '../support/app.ts';
import { startFakeConnector, visibleText, type FakeConnector } from '../support/fake-connector.ts';
import { chatDriver, type ChatDriver } from '../support/chat.ts';
import { mayPerform, type Actor, type Command } from '../../domain/permissions.ts';
import { VERBS } from '../../domain/verbs.ts';
import { cardAction } from '../../adaptive-cards/actions.ts';
import { catalog, t } from '../../adaptive-cards/texts.ts';
import { ensureCentre } from '../../infra/centres.ts';
import { CURRENT_DECLARATION_VERSION } from '../../domain/declaration.ts';
import { demoVolunteerId } from '../../infra/seed-demo.ts';
import { osloDate } from '../../domain/time-zone.ts';

let app: TestApp;
let connector: FakeConnector;
let chat: ChatDriver;

const ID_FIELDS = ['offerId', 'assignmentId', 'requestId', 'volunteerId', 'personId', 'seriesId', 'seriesOfferId'] as const;
type IdField = (typeof ID_FIELDS)[number];
type Ids = Record<IdField, string>;

/** Verbs that only show something; everything else writes. */
const READ_VERB = /^(menu\.show|tasks\.mine|volunteer\.status|volunteer\.leave|declaration\.show|staff\.link\.settings)$|\.(list|new|start|persons)$|formalRespite$/;

interface Person { id: string; name: string; address: string; phone: string }
const fixtures = {} as {
  centreB: string;
  personA: Person; hiddenA: Person; personB: Person;
  requestA1: string; requestA2: string; requestB1: string; requestB2: string;
  offerA1: string; offerA2: string; offerB1: string;
  assignmentA2: string; assignmentB2: string;
  volunteerA1: string; volunteerA2: string; volunteerB: string;
  volunteerBName: string; volunteerBPhone: string;
  handoverA2: string; handoverB: string; summaryB: string;
};

interface TestActor {
  label: string;
  userId: string;
  role: Actor;
  /** Ids of data this actor may refer to (for verbs they may not use at all, any ids will do). */
  own: Ids;
  /** Someone else's data: each set must be refused by every verb that takes ids. */
  others: Ids[];
  /** Text that must never appear in anything this actor is shown. */
  secrets: string[];
}
let actors: TestActor[] = [];

async function member(role: string, centreId: string | null, name: string, phone: string, userId: string): Promise<string> {
  const [m] = await app.db.query<{ id: string }>('INSERT INTO members (role, centre_id, name, phone) VALUES ($1, $2, $3, $4) RETURNING id', [role, centreId, name, phone]);
  await app.db.query(`INSERT INTO chat_identities (channel_id, user_id, member_id) VALUES ('webchat', $1, $2)`, [userId, m!.id]);
  return m!.id;
}

async function volunteer(centreId: string, name: string, phone: string, userId: string): Promise<string> {
  const id = await member('volunteer', null, name, phone, userId);
  await app.db.query(
    `INSERT INTO volunteers (member_id, status, district, groups, languages, availability, weekly_cap, comfort, approved_at)
     VALUES ($1, 'approved', 'Sentrum', ARRAY['besoksvenn'], ARRAY['nb'], '[]', 3, 'any', now())`,
    [id],
  );
  await app.db.query('INSERT INTO volunteer_centres (member_id, centre_id) VALUES ($1, $2)', [id, centreId]);
  await app.db.query(`INSERT INTO declaration_signatures (member_id, version, signed_at, channel_id, user_id) VALUES ($1, $2, now(), 'webchat', $3)`, [id, CURRENT_DECLARATION_VERSION, userId]);
  return id;
}

async function person(centreId: string, name: string, address: string, phone: string, createdBy: string): Promise<Person> {
  const [p] = await app.db.query<{ id: string }>(
    `INSERT INTO persons (centre_id, name, address, phone, district, notes, created_by) VALUES ($1, $2, $3, $4, 'Sentrum', 'Hemmelig notat', $5) RETURNING id`,
    [centreId, name, address, phone, createdBy],
  );
  await app.db.query(`INSERT INTO consents (person_id, basis, recorded_by, given_at, valid_until) VALUES ($1, 'self', $2, now(), now() + interval '12 months')`, [p!.id, createdBy]);
  return { id: p!.id, name, address, phone };
}

async function request(centreId: string, personId: string, createdBy: string, o: { status: 'open' | 'taken'; summary: string; handover: string; assignee?: string }): Promise<string> {
  const [r] = await app.db.query<{ id: string }>(
    `INSERT INTO help_requests (centre_id, group_key, district, starts_at, duration_minutes, summary, handover_note, person_id, created_by, status, assigned_volunteer_id, taken_at, wave)
     VALUES ($1, 'besoksvenn', 'Sentrum', $2, 60, $3, $4, $5, $6, $7, $8, CASE WHEN $8::uuid IS NULL THEN NULL ELSE now() END, 1) RETURNING id`,
    [centreId, addDays(new Date(), 3), o.summary, o.handover, personId, createdBy, o.status, o.assignee ?? null],
  );
  return r!.id;
}

async function offer(requestId: string, volunteerId: string, status = 'pending'): Promise<string> {
  const [o] = await app.db.query<{ id: string }>(`INSERT INTO offers (request_id, volunteer_id, wave, status) VALUES ($1, $2, 1, $3) RETURNING id`, [requestId, volunteerId, status]);
  await app.db.query(`INSERT INTO offer_deliveries (offer_id, sent_at) VALUES ($1, now())`, [o!.id]);
  return o!.id;
}

/** A weekly series around an existing visit (the request), with a series offer to `offeredTo`. */
async function series(requestId: string, regular: string | null, offeredTo: string): Promise<{ seriesId: string; seriesOfferId: string }> {
  const [s] = await app.db.query<{ id: string }>(
    `INSERT INTO series (centre_id, person_id, created_by, group_key, district, first_date, start_time, interval_weeks, visit_count, duration_minutes, status,
       regular_volunteer_id, created_at, updated_at)
     SELECT centre_id, person_id, created_by, group_key, district, (starts_at AT TIME ZONE 'Europe/Oslo')::date, '10:00', 1, 2, 60, $2, $3, now(), now()
       FROM help_requests WHERE id = $1 RETURNING id`,
    [requestId, regular ? 'taken' : 'open', regular],
  );
  await app.db.query('UPDATE help_requests SET series_id = $2, occurrence = 1 WHERE id = $1', [requestId, s!.id]);
  const [o] = await app.db.query<{ id: string }>(`INSERT INTO series_offers (series_id, volunteer_id, created_at, sent_at) VALUES ($1, $2, now(), now()) RETURNING id`, [s!.id, offeredTo]);
  return { seriesId: s!.id, seriesOfferId: o!.id };
}

async function assignment(requestId: string, volunteerId: string): Promise<string> {
  const [a] = await app.db.query<{ id: string }>(`INSERT INTO assignments (request_id, volunteer_id, assigned_at) VALUES ($1, $2, now()) RETURNING id`, [requestId, volunteerId]);
  return a!.id;
}

const memberOf = async (demoUserId: string) =>
  (await app.db.query<{ member_id: string }>(`SELECT member_id FROM chat_identities WHERE channel_id = 'dev' AND user_id = $1`, [demoUserId]))[0]!.member_id;

beforeAll(async () => {
  connector = await startFakeConnector();
  // No workers: nothing may change the tables between the snapshots but the turn itself.
  app = await startTestApp({ workers: false });
  chat = chatDriver(app, connector);

  const f = fixtures;
  f.centreB = 'elverum';
  await ensureCentre(app.db, { id: f.centreB, name: 'Elverum frivilligsentral', requireApproval: true });
  const staffA = await memberOf('demo-ansatt-2');
  f.volunteerA1 = await memberOf(demoVolunteerId(0));
  f.volunteerA2 = await memberOf(demoVolunteerId(1));
  const staffB = await member('staff', f.centreB, 'Berit Elverum', '47990001', 'perm-staff-b');
  await member('admin', null, 'Adam Admin', '47990002', 'perm-admin');
  f.volunteerBName = 'Vilde Skogvoll';
  f.volunteerBPhone = '47990003';
  f.volunteerB = await volunteer(f.centreB, f.volunteerBName, f.volunteerBPhone, 'perm-volunteer-b');

  f.personA = (await app.db.query<Person>(`SELECT id, name, address, phone FROM persons WHERE name = 'Gerd Solberg'`))[0]!;
  f.hiddenA = await person('hamar', 'Torleif Skjulstad', 'Skjulveien 3, 2317 Hamar', '62999002', staffA);
  f.personB = await person(f.centreB, 'Birger Glommen', 'Glommaveien 7, 2406 Elverum', '62999001', staffB);
  f.summaryB = 'Tur langs Glomma med Birgers hund';
  f.handoverB = 'Nøkkelen henger i fuglekassa';
  f.handoverA2 = 'Ring på bakdøra, hunden er snill';

  f.requestA1 = await request('hamar', f.personA.id, staffA, { status: 'open', summary: 'Handlehjelp til butikken', handover: 'Handleliste på kjøleskapet' });
  f.offerA1 = await offer(f.requestA1, f.volunteerA1);
  f.offerA2 = await offer(f.requestA1, f.volunteerA2);
  f.requestA2 = await request('hamar', f.hiddenA.id, staffA, { status: 'taken', summary: 'Besøk og kaffe', handover: f.handoverA2, assignee: f.volunteerA2 });
  await offer(f.requestA2, f.volunteerA2, 'accepted');
  f.assignmentA2 = await assignment(f.requestA2, f.volunteerA2);
  f.requestB1 = await request(f.centreB, f.personB.id, staffB, { status: 'open', summary: f.summaryB, handover: f.handoverB });
  f.offerB1 = await offer(f.requestB1, f.volunteerB);
  f.requestB2 = await request(f.centreB, f.personB.id, staffB, { status: 'taken', summary: f.summaryB, handover: f.handoverB, assignee: f.volunteerB });
  f.assignmentB2 = await assignment(f.requestB2, f.volunteerB);

  const seriesA1 = await series(f.requestA1, null, f.volunteerA1);
  const seriesA2 = await series(f.requestA2, f.volunteerA2, f.volunteerA2);
  const seriesB = await series(f.requestB2, f.volunteerB, f.volunteerB);
  const ownA: Ids = { offerId: f.offerA1, assignmentId: f.assignmentA2, requestId: f.requestA1, volunteerId: f.volunteerA1, personId: f.personA.id, ...seriesA1 };
  const centreB: Ids = { offerId: f.offerB1, assignmentId: f.assignmentB2, requestId: f.requestB1, volunteerId: f.volunteerB, personId: f.personB.id, ...seriesB };
  const centreBTaken: Ids = { ...centreB, requestId: f.requestB2 };
  const otherVolunteerA: Ids = { offerId: f.offerA2, assignmentId: f.assignmentA2, requestId: f.requestA2, volunteerId: f.volunteerA2, personId: f.hiddenA.id, ...seriesA2 };
  const centreA: Ids = { offerId: f.offerA1, assignmentId: f.assignmentA2, requestId: f.requestA1, volunteerId: f.volunteerA1, personId: f.personA.id, ...seriesA1 };
  const secretsB = [f.personB.name, 'Glommaveien', f.personB.phone, f.volunteerBName, f.volunteerBPhone, f.summaryB, f.handoverB];
  const secretsHiddenA = [f.hiddenA.name, 'Skjulveien', f.hiddenA.phone, f.handoverA2];
  const secretsA = [f.personA.name, 'Storgata 12', f.personA.phone, ...secretsHiddenA];

  actors = [
    { label: 'unknown', userId: 'perm-stranger', role: null, own: ownA, others: [otherVolunteerA, centreB], secrets: [...secretsB, ...secretsA] },
    { label: 'volunteer (A)', userId: demoVolunteerId(0), role: 'volunteer', own: { ...ownA, offerId: f.offerA1 }, others: [otherVolunteerA, centreB, centreBTaken], secrets: [...secretsB, ...secretsHiddenA] },
    { label: 'staff (A)', userId: 'demo-ansatt-2', role: 'staff', own: ownA, others: [centreB, centreBTaken], secrets: secretsB },
    { label: 'coordinator (A)', userId: 'demo-ansatt-1', role: 'coordinator', own: ownA, others: [centreB, centreBTaken], secrets: secretsB },
    { label: 'caregiver (A)', userId: 'demo-parorende-1', role: 'caregiver', own: ownA, others: [otherVolunteerA, centreB], secrets: [...secretsB, ...secretsHiddenA] },
    // A person helped who asks for themselves (issue 19): their own requests only, and no one else's details.
    { label: 'person helped (A)', userId: 'demo-bruker-1', role: 'person', own: ownA, others: [otherVolunteerA, centreB], secrets: [...secretsB, ...secretsA] },
    { label: 'admin (no centre)', userId: 'perm-admin', role: 'admin', own: ownA, others: [centreA, centreB], secrets: [...secretsB, ...secretsA] },
    { label: 'staff (B)', userId: 'perm-staff-b', role: 'staff', own: centreB, others: [centreA, otherVolunteerA], secrets: secretsA },
  ];
});

afterAll(async () => {
  await app?.close();
  await connector?.close();
});

// ---- the state that must not change ------------------------------------------------------------

let tables: string[] = [];
async function snapshot(): Promise<Record<string, string>> {
  if (tables.length === 0) {
    tables = (await app.db.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'chat_identities' ORDER BY table_name`,
    )).map((r) => r.table_name);
  }
  const out: Record<string, string> = {};
  for (const table of tables) {
    const [row] = await app.db.query<{ n: number; h: string }>(`SELECT count(*)::int AS n, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS h FROM "${table}" t`);
    out[table] = `${row!.n}:${row!.h}`;
  }
  return out;
}

// ---- payloads ------------------------------------------------------------------------------------

function schemaOf(verb: string) {
  const option = cardAction.options.find((o) => (o.shape.action as unknown as { value: string }).value === verb);
  if (!option) throw new Error(`no card action schema for ${verb}`);
  return option.shape as Record<string, { safeParse(v: unknown): { success: boolean } }>;
}

const idFieldsOf = (verb: string) => Object.keys(schemaOf(verb)).filter((k): k is IdField => (ID_FIELDS as readonly string[]).includes(k));

/** A payload the card schema accepts, with the given ids in its id fields. */
function payload(verb: string, ids: Ids): Record<string, unknown> {
  const out: Record<string, unknown> = { action: verb };
  for (const field of Object.keys(schemaOf(verb))) {
    if (field === 'action') continue;
    if ((ID_FIELDS as readonly string[]).includes(field)) out[field] = ids[field as IdField];
    else if (field === 'version') out[field] = CURRENT_DECLARATION_VERSION;
    else if (field === 'days') out[field] = 7;
    else if (field === 'hours') out[field] = 2;
    else if (field === 'checkedOn') out[field] = '2026-01-15';
    else if (field === 'phone') out[field] = '91234567';
    else if (field === 'groupKey') out[field] = 'besoksvenn';
    else if (field === 'time') out[field] = '10:00';
    else if (field === 'durationMinutes') out[field] = 60;
    else if (field === 'preferredChannel') out[field] = 'last';
    else if (field === 'rating') out[field] = 'not_good';
    else if (field === 'locale') out[field] = 'nn';
    else {
      // Fields of verbs added later: the first plausible value the field's own schema accepts.
      const schema = schemaOf(verb)[field]!;
      out[field] = ['Test Testesen', 'true', true, 2, '2026-01-15', '91234567', 'besoksvenn', 'on'].find((v) => schema.safeParse(v).success) ?? 'Test Testesen';
    }
  }
  const parsed = cardAction.safeParse(out);
  if (!parsed.success) throw new Error(`the test cannot build a valid ${verb}: ${JSON.stringify(parsed.error.issues)}`);
  return out;
}

const nb = catalog('nb');
/** «Not found» and «not allowed» answers: every error.* message, and a task that is not yours. */
const REFUSALS = [...Object.entries(nb).filter(([k]) => k.startsWith('error.')).map(([, v]) => v), nb['cancel.notFound'], nb['feedback.notFound'], nb['link.notFound']];

async function turn(actor: TestActor, value: Record<string, unknown>): Promise<string> {
  const replies = await chat.submit(actor.userId, value);
  const shown = replies.map((r) => visibleText(r.activity)).join('\n');
  for (const secret of actor.secrets) expect(shown, `${actor.label} ${String(value.action)} showed «${secret}»`).not.toContain(secret);
  return shown;
}

const verbs = Object.keys(VERBS) as Command[];

describe('the permission table', () => {
  it('covers every card action, and every card action is in it', () => {
    const actionVerbs = cardAction.options.map((o) => (o.shape.action as unknown as { value: string }).value).sort();
    expect([...verbs].sort()).toEqual(actionVerbs);
  });
});

// Some 300 turns one after another, each with a snapshot of the data: beside the rest of the suite on
// two cores that can take longer than the default minute.
describe('every role × every verb over HTTP', { timeout: 240_000 }, () => {
  it('refuses every verb a role may not use, clearly, and changes nothing', async () => {
    let probes = 0;
    let state = await snapshot();
    for (const actor of actors) {
      for (const verb of verbs) {
        if (mayPerform(actor.role, verb)) continue;
        const shown = await turn(actor, payload(verb, actor.own));
        expect(shown, `${actor.label} ${verb}`).toContain(t('nb', 'error.notAllowed'));
        const after = await snapshot();
        expect(after, `${actor.label} ${verb} changed data`).toEqual(state);
        state = after;
        probes++;
      }
    }
    expect(probes).toBeGreaterThan(150);
  });

  it("refuses every allowed verb pointed at someone else's data, and changes nothing", async () => {
    const probed: string[] = [];
    let state = await snapshot();
    for (const actor of actors) {
      for (const verb of verbs) {
        if (!mayPerform(actor.role, verb) || idFieldsOf(verb).length === 0) continue;
        for (const others of actor.others) {
          const shown = await turn(actor, payload(verb, others));
          if (!READ_VERB.test(verb)) {
            expect(REFUSALS.some((r) => shown.includes(r)), `${actor.label} ${verb} on ${JSON.stringify(others)} was not refused: ${shown.slice(0, 300)}`).toBe(true);
          }
          const after = await snapshot();
          expect(after, `${actor.label} ${verb} on someone else's data changed data`).toEqual(state);
          state = after;
          probed.push(`${actor.label} ${verb}`);
        }
      }
    }
    // The data-scoping cases the brief names.
    for (const must of ['volunteer (A) offer.accept', 'volunteer (A) assignment.cancel.submit', 'volunteer (A) series.accept', 'volunteer (A) series.leave.confirm', 'caregiver (A) caregiver.series.cancel.confirm', 'caregiver (A) caregiver.series.edit.submit',
      'person helped (A) caregiver.request.cancel', 'person helped (A) caregiver.visit.confirm', 'person helped (A) caregiver.feedback', 'staff (A) staff.request.cancel', 'staff (A) staff.volunteer.approve', 'staff (B) staff.request.cancel', 'staff (A) staff.person.erase.confirm']) {
      expect(probed).toContain(must);
    }
  });

  it("shows no one else's private details in any read, and reads change nothing", async () => {
    let state = await snapshot();
    for (const actor of actors) {
      for (const verb of verbs) {
        if (!mayPerform(actor.role, verb) || !READ_VERB.test(verb)) continue;
        for (const ids of [actor.own, ...actor.others]) {
          await turn(actor, payload(verb, ids));
          const after = await snapshot();
          expect(after, `${actor.label} ${verb} changed data`).toEqual(state);
          state = after;
          if (idFieldsOf(verb).length === 0) break;
        }
      }
    }
  });

  it("refuses a request form naming another centre's person", async () => {
    const form = (personId: string) => ({
      action: 'staff.request.submit', personId, group: 'besoksvenn', date: osloDate(addDays(new Date(), 4)), time: '12:00', durationMinutes: '60',
      district: 'Sentrum', summary: 'Besøk', policeCertificate: 'false', firstTimeFriendly: 'false', staffAlong: 'false', urgent: 'false',
    });
    const before = await snapshot();
    const staffA = actors.find((a) => a.label === 'staff (A)')!;
    const staffB = actors.find((a) => a.label === 'staff (B)')!;
    expect(await turn(staffA, form(fixtures.personB.id))).toContain(t('nb', 'error.unknownPerson'));
    expect(await turn(staffB, form(fixtures.personA.id))).toContain(t('nb', 'error.unknownPerson'));
    expect(await snapshot()).toEqual(before);
  });

  it('gives an admin without a centre no staff work: a complete person form is refused, not half-stored', async () => {
    const before = await snapshot();
    const admin = actors.find((a) => a.role === 'admin')!;
    const shown = await turn(admin, {
      action: 'staff.person.submit', name: 'Ada Adminsen', address: 'Adminveien 1', phone: '91234567', district: 'Sentrum',
      consentBasis: 'self', consentDate: osloDate(new Date()),
    });
    expect(shown).toContain(t('nb', 'error.notAllowed'));
    expect(shown).not.toContain(t('nb', 'error.unexpected'));
    expect(await snapshot()).toEqual(before);
  });

  it('typed commands obey the same table', async () => {
    const before = await snapshot();
    const volunteer = actors.find((a) => a.role === 'volunteer')!;
    expect(await turn(volunteer, { action: 'staff.request.new' })).toContain(t('nb', 'error.notAllowed'));
    const admin = actors.find((a) => a.role === 'admin')!;
    const adminReplies = await chat.say(admin.userId, 'ny forespørsel');
    expect(adminReplies.map((r) => visibleText(r.activity)).join('\n')).toContain(t('nb', 'error.notAllowed'));
    expect(await snapshot()).toEqual(before);
    // «personvern» typed by a volunteer is their own data (issue 13), never the staff's list of people.
    const replies = (await chat.say(volunteer.userId, 'personvern')).map((r) => visibleText(r.activity)).join('\n');
    expect(replies).toContain(t('nb', 'ownData.title'));
    expect(replies).not.toContain(t('nb', 'privacy.intro'));
    for (const secret of volunteer.secrets) expect(replies).not.toContain(secret);
  });
});
