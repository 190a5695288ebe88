// A demo centre with realistic data (the brief's numbers): interest groups, 60 approved volunteers
// with signed declarations spread over groups and districts, 3 staff, 2 caregivers, 5 people helped
// with consent, one person helped who asks for themselves in chat — and, for trying several centres,
// the neighbouring municipality's centre with its own
// staff, volunteers and people. Idempotent: running it again changes nothing.
import type { Database, Queryable } from './db.ts';
import { ensureCentre } from './centres.ts';
import { DEV_CHANNEL } from './identities.ts';
import { enableSms } from './channels.ts';
import { CURRENT_DECLARATION_VERSION } from '../domain/declaration.ts';
import { DEFAULT_INTEREST_GROUPS } from '../domain/interest-groups.ts';
import type { AvailabilityWindow } from '../domain/types.ts';

export const DEMO_CENTRE = { id: 'hamar', name: 'Hamar frivilligsentral', requireApproval: true };

export interface DemoIdentity {
  id: string;
  name: string;
  role: 'volunteer' | 'staff' | 'caregiver' | 'person' | 'new';
}

const FIRST = ['Astrid', 'Bjørn', 'Solveig', 'Arne', 'Ingrid', 'Knut', 'Randi', 'Per', 'Liv', 'Odd', 'Berit', 'Svein', 'Turid', 'Jan', 'Gunn', 'Terje', 'Anne', 'Rolf', 'Marit', 'Nils'];
const LAST = ['Hansen', 'Johansen', 'Olsen', 'Larsen', 'Andersen', 'Pedersen', 'Nilsen', 'Kristiansen', 'Jensen', 'Karlsen', 'Haugen', 'Bakken'];
const DISTRICTS = ['Sentrum', 'Ingeberg', 'Ridabu', 'Vang', 'Ottestad', 'Midtstranda'];
const EXTRA_LANGS = ['en', 'ar', 'pl', 'so', 'uk'];

export const DEMO_STAFF: DemoIdentity[] = [
  { id: 'demo-ansatt-1', name: 'Kari Nordmann (frivilligsentralen)', role: 'staff' },
  { id: 'demo-ansatt-2', name: 'Ola Hansen (hjemmetjenesten)', role: 'staff' },
  { id: 'demo-ansatt-3', name: 'Siri Berg (psykisk helse og rus)', role: 'staff' },
];
/** The neighbouring municipality's centre: approval, staff and people of its own (issue 13). */
export const NEIGHBOUR_CENTRE = { id: 'stange', name: 'Stange frivilligsentral', requireApproval: true };
export const NEIGHBOUR_STAFF: DemoIdentity[] = [
  { id: 'demo-stange-ansatt-1', name: 'Mona Rud (Stange frivilligsentral)', role: 'staff' },
  { id: 'demo-stange-ansatt-2', name: 'Geir Sveen (Stange frivilligsentral)', role: 'staff' },
];
const NEIGHBOUR_VOLUNTEERS = 10;
const NEIGHBOUR_DISTRICTS = ['Stangebyen', 'Romedal', 'Tangen', 'Espa'];

export function neighbourVolunteerId(i: number): string {
  return `demo-stange-frivillig-${String(i + 1).padStart(2, '0')}`;
}

export const DEMO_CAREGIVERS: DemoIdentity[] = [
  { id: 'demo-parorende-1', name: 'Eva Lund', role: 'caregiver' },
  { id: 'demo-parorende-2', name: 'Tor Moen', role: 'caregiver' },
];

/** A person helped who signed up themselves and asks for help in chat (issue 19). */
export const DEMO_PERSONS_HELPED: Array<DemoIdentity & { address: string; phone: string; district: string }> = [
  { id: 'demo-bruker-1', name: 'Marit Bakke', role: 'person', address: 'Torggata 5, 2317 Hamar', phone: '62510010', district: 'Sentrum' },
];
/** The demo volunteers who get offers by SMS (development with the fake gateway): their phones are on /dev/sms. */
const DEMO_SMS_INDEXES = [6, 7, 8];

export function demoVolunteerName(i: number): string {
  return `${FIRST[i % FIRST.length]} ${LAST[(i * 7) % LAST.length]}`;
}

export function demoVolunteerId(i: number): string {
  return `demo-frivillig-${String(i + 1).padStart(2, '0')}`;
}

/**
 * The identities the local web chat offers (a selection; every seeded demo id works). With `sms`, also
 * the SMS volunteers, so a one-time link from /dev/sms can be opened as them.
 */
export function demoIdentities(sms = false): DemoIdentity[] {
  const volunteers = Array.from({ length: 5 }, (_, i) => ({ id: demoVolunteerId(i), name: demoVolunteerName(i), role: 'volunteer' as const }));
  const helped = DEMO_PERSONS_HELPED.map(({ id, name, role }) => ({ id, name, role }));
  if (sms) volunteers.push(...DEMO_SMS_INDEXES.map((i) => ({ id: demoVolunteerId(i), name: `${demoVolunteerName(i)} (SMS)`, role: 'volunteer' as const })));
  return [...volunteers, ...DEMO_STAFF, ...DEMO_CAREGIVERS, ...helped, ...NEIGHBOUR_STAFF, { id: 'demo-ny-1', name: 'Ny bruker', role: 'new' }];
}

function everyDay(): AvailabilityWindow[] {
  return ([1, 2, 3, 4, 5, 6, 7] as const).map((weekday) => ({ weekday, fromMinute: 8 * 60, toMinute: 21 * 60 }));
}

function spreadAvailability(i: number): AvailabilityWindow[] {
  const days = ([1, 2, 3, 4, 5, 6, 7] as const).filter((d) => (d + i) % 3 !== 0);
  return days.map((weekday) => (i % 2 === 0 ? { weekday, fromMinute: 8 * 60, toMinute: 17 * 60 } : { weekday, fromMinute: 12 * 60, toMinute: 21 * 60 }));
}

/** `neighbour`: also the neighbouring centre (npm start and seed:demo do; tests ask for it when they need two). */
export async function seedDemo(db: Database, now: Date = new Date(), opts: { neighbour?: boolean } = {}): Promise<{ created: boolean }> {
  const neighbour = opts.neighbour ? await seedNeighbour(db, now) : false;
  const home = await seedHome(db, now);
  return { created: home || neighbour };
}

async function addDemoMember(tx: Queryable, role: string, name: string, phone: string, userId: string, centreId: string | null): Promise<string> {
  const m = await tx.query<{ id: string }>('INSERT INTO members (role, centre_id, name, phone) VALUES ($1, $2, $3, $4) RETURNING id', [role, centreId, name, phone]);
  const id = m[0]!.id;
  await tx.query('INSERT INTO chat_identities (channel_id, user_id, member_id) VALUES ($1, $2, $3)', [DEV_CHANNEL, userId, id]);
  return id;
}

/** An approved volunteer of one centre, declaration signed. */
async function addDemoVolunteer(
  tx: Queryable,
  v: { userId: string; name: string; phone: string; centreId: string; district: string; groups: string[]; languages: string[]; availability: AvailabilityWindow[]; weeklyCap: number; comfort: string; police: string | null; now: Date },
): Promise<void> {
  const id = await addDemoMember(tx, 'volunteer', v.name, v.phone, v.userId, null);
  await tx.query(
    `INSERT INTO volunteers (member_id, status, district, groups, languages, availability, weekly_cap, comfort, approved_at, police_certificate_checked_on)
     VALUES ($1, 'approved', $2, $3, $4, $5, $6, $7, $8, $9)`,
    [id, v.district, [...new Set(v.groups)], v.languages, JSON.stringify(v.availability), v.weeklyCap, v.comfort, v.now, v.police],
  );
  await tx.query(`INSERT INTO volunteer_centres (member_id, centre_id, status, approved_at) VALUES ($1, $2, 'approved', $3)`, [id, v.centreId, v.now]);
  await tx.query(
    'INSERT INTO declaration_signatures (member_id, version, signed_at, channel_id, user_id) VALUES ($1, $2, $3, $4, $5)',
    [id, CURRENT_DECLARATION_VERSION, v.now, DEV_CHANNEL, v.userId],
  );
}

/** A person helped, with consent recorded by the staff member who brought them. */
async function addDemoPerson(
  tx: Queryable,
  p: { centreId: string; name: string; address: string; phone: string; district: string; basis: string; relation: string | null; staffId: string; now: Date },
): Promise<string> {
  const rows = await tx.query<{ id: string }>(
    'INSERT INTO persons (centre_id, name, address, phone, district, notes, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id',
    [p.centreId, p.name, p.address, p.phone, p.district, 'Liker kaffe og en god prat.', p.staffId],
  );
  await tx.query(
    `INSERT INTO consents (person_id, basis, relation, recorded_by, given_at, valid_until) VALUES ($1, $2, $3, $4, $5, $5::timestamptz + interval '12 months')`,
    [rows[0]!.id, p.basis, p.relation, p.staffId, p.now],
  );
  return rows[0]!.id;
}

async function seedNeighbour(db: Database, now: Date): Promise<boolean> {
  await ensureCentre(db, NEIGHBOUR_CENTRE);
  const exists = await db.query('SELECT 1 FROM chat_identities WHERE channel_id = $1 AND user_id = $2', [DEV_CHANNEL, NEIGHBOUR_STAFF[0]!.id]);
  if (exists.length) return false;
  await db.query('INSERT INTO declarations (version) VALUES ($1) ON CONFLICT DO NOTHING', [CURRENT_DECLARATION_VERSION]);
  return db.transaction(async (tx) => {
    const staffIds: string[] = [];
    for (const [i, s] of NEIGHBOUR_STAFF.entries()) {
      staffIds.push(await addDemoMember(tx, i === 0 ? 'coordinator' : 'staff', s.name.replace(/ \(.*\)$/, ''), `4790000${300 + i}`, s.id, NEIGHBOUR_CENTRE.id));
    }
    const groups = DEFAULT_INTEREST_GROUPS.map((g) => g.key);
    for (let i = 0; i < NEIGHBOUR_VOLUNTEERS; i++) {
      await addDemoVolunteer(tx, {
        userId: neighbourVolunteerId(i), name: demoVolunteerName(i + 7), phone: `9${String(2000000 + i * 211).padStart(7, '0')}`, centreId: NEIGHBOUR_CENTRE.id,
        district: NEIGHBOUR_DISTRICTS[i % NEIGHBOUR_DISTRICTS.length]!, groups, languages: ['nb'], availability: everyDay(), weeklyCap: 5, comfort: 'any', police: null, now,
      });
    }
    const persons = [
      { name: 'Aud Kolstad', address: 'Tangenvegen 4, 2337 Tangen', phone: '62570001', district: 'Tangen', basis: 'self', relation: null },
      { name: 'Reidar Holm', address: 'Romedalsvegen 18, 2330 Vallset', phone: '62570002', district: 'Romedal', basis: 'proxy', relation: 'sønn' },
    ];
    for (const [i, p] of persons.entries()) await addDemoPerson(tx, { ...p, centreId: NEIGHBOUR_CENTRE.id, staffId: staffIds[i % staffIds.length]!, now });
    return true;
  });
}

async function seedHome(db: Database, now: Date): Promise<boolean> {
  await ensureCentre(db, DEMO_CENTRE);
  const exists = await db.query('SELECT 1 FROM chat_identities WHERE channel_id = $1 AND user_id = $2', [DEV_CHANNEL, 'demo-ansatt-1']);
  if (exists.length) return false;
  await db.query('INSERT INTO declarations (version) VALUES ($1) ON CONFLICT DO NOTHING', [CURRENT_DECLARATION_VERSION]);
  return db.transaction(async (tx) => {
    const addMember = (role: string, name: string, phone: string, userId: string, centreId: string | null) => addDemoMember(tx, role, name, phone, userId, centreId);
    const staffIds: string[] = [];
    for (const [i, s] of DEMO_STAFF.entries()) {
      staffIds.push(await addMember(i === 0 ? 'coordinator' : 'staff', s.name.replace(/ \(.*\)$/, ''), `4790000${100 + i}`, s.id, DEMO_CENTRE.id));
    }
    for (const [i, c] of DEMO_CAREGIVERS.entries()) {
      await addMember('caregiver', c.name.replace(/ \(.*\)$/, ''), `4790000${200 + i}`, c.id, DEMO_CENTRE.id);
    }
    const groups = DEFAULT_INTEREST_GROUPS.map((g) => g.key);
    for (let i = 0; i < 60; i++) {
      // The first 24 are broad and central, so a demo request always finds a crowd to race for it.
      const broad = i < 24;
      const myGroups = broad ? groups : [groups[i % groups.length]!, groups[(i * 3 + 1) % groups.length]!, 'besoksvenn'];
      const languages = ['nb', ...(i % 4 === 0 ? [EXTRA_LANGS[(i / 4) % EXTRA_LANGS.length]!] : [])];
      await addDemoVolunteer(tx, {
        userId: demoVolunteerId(i), name: demoVolunteerName(i), phone: `9${String(1000000 + i * 137).padStart(7, '0')}`, centreId: DEMO_CENTRE.id,
        district: broad ? 'Sentrum' : DISTRICTS[i % DISTRICTS.length]!, groups: myGroups, languages, availability: broad ? everyDay() : spreadAvailability(i),
        weeklyCap: broad ? 7 : 1 + (i % 3), comfort: i % 11 === 5 ? 'first_time_friendly_only' : 'any', police: i % 5 === 0 ? '2026-01-15' : null, now,
      });
    }
    const persons = [
      { name: 'Gerd Solberg', address: 'Storgata 12, 2317 Hamar', phone: '62510001', district: 'Sentrum', basis: 'self', relation: null },
      { name: 'Harald Viken', address: 'Vangsvegen 40, 2318 Hamar', phone: '62510002', district: 'Vang', basis: 'proxy', relation: 'datter' },
      { name: 'Inger Lie', address: 'Ridabuvegen 5, 2322 Ridabu', phone: '62510003', district: 'Ridabu', basis: 'staff_recorded', relation: null },
      { name: 'Jon Aas', address: 'Ingebergvegen 9, 2320 Furnes', phone: '62510004', district: 'Ingeberg', basis: 'self', relation: null },
      { name: 'Kirsten Dahl', address: 'Strandvegen 101, 2316 Hamar', phone: '62510005', district: 'Sentrum', basis: 'proxy', relation: 'sønn' },
    ];
    for (const [i, p] of persons.entries()) await addDemoPerson(tx, { ...p, centreId: DEMO_CENTRE.id, staffId: staffIds[i % staffIds.length]!, now });
    // Someone who asks for themselves: their own member (role 'person'), their own person row, their own consent.
    for (const p of DEMO_PERSONS_HELPED) {
      const memberId = await addMember('person', p.name, p.phone, p.id, DEMO_CENTRE.id);
      const personId = await addDemoPerson(tx, { centreId: DEMO_CENTRE.id, name: p.name, address: p.address, phone: p.phone, district: p.district, basis: 'self', relation: null, staffId: memberId, now });
      await tx.query('UPDATE members SET person_id = $2 WHERE id = $1', [memberId, personId]);
    }
    return true;
  });
}

export const DEMO_SMS_VOLUNTEERS = DEMO_SMS_INDEXES.map(demoVolunteerId);

/** SMS first for the demo SMS volunteers; idempotent, and leaves alone someone whose SMS is already set up. */
export async function seedDemoSms(db: Database): Promise<void> {
  for (const userId of DEMO_SMS_VOLUNTEERS) {
    const rows = await db.query<{ member_id: string; has_sms: boolean }>(
      `SELECT d.member_id, EXISTS (SELECT 1 FROM chat_identities s WHERE s.member_id = d.member_id AND s.channel_id = 'sms') AS has_sms
         FROM chat_identities d WHERE d.channel_id = $1 AND d.user_id = $2 AND d.member_id IS NOT NULL`,
      [DEV_CHANNEL, userId],
    );
    if (rows[0] && !rows[0].has_sms) await enableSms(db, rows[0].member_id, { prefer: true });
  }
}
