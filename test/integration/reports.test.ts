// The annual-report figures against a year of generated activity, on every database kind. The
// expected figures are worked out here in TypeScript from the generated model, following
// docs/reporting.md, not with the report's SQL. Then retention and erasure run, and nothing changes.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, addMinutes, format } from 'date-fns';
import { TZDate } from '@date-fns/tz';
import { databaseKinds, type TestDatabase } from '../support/db.ts';
import { migrate } from '../../infra/migrate.ts';
import { openPglite, type Database, type Queryable } from '../../infra/db.ts';
import { ensureCentre } from '../../infra/centres.ts';
import { seedDemo, DEMO_CENTRE } from '../../infra/seed-demo.ts';
import { systemMember } from '../../infra/api-clients.ts';
import { leave } from '../../use-cases/leave-dugnad.ts';
import { applyRetention } from '../../infra/upkeep.ts';
import { CURRENT_DECLARATION_VERSION } from '../../domain/declaration.ts';
import {
  ADDITIVE_PEOPLE_FIGURES, centreReport, HIDDEN, PEOPLE_FIGURES, presentReport, reportCsv, reportJson, SMALL,
  type CentreReport, type FigureKey, type ReportFigures, type ReportRow,
} from '../../infra/reports.ts';
import { TIME_ZONE, osloWallClock } from '../../domain/time-zone.ts';

const TZ = TIME_ZONE;
const FROM = osloWallClock('2026-01-01', '00:00');
const TO = osloWallClock('2027-01-01', '00:00');
const MIN = 60_000;
const DAY = 24 * 60 * MIN;

// ---------------------------------------------------------------------------------------------
// A deterministic year of activity.

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Vol { id: string; centres: string[]; approvedAt: Date | null; signupAt: Date; leftAt: Date | null; isNew: boolean }
interface Offer { id: string; volunteerId: string; createdAt: Date; respondedAt: Date | null; status: 'pending' | 'accepted' | 'declined' | 'taken' | 'withdrawn' }
interface Assignment {
  id: string; volunteerId: string; assignedAt: Date; status: 'active' | 'cancelled' | 'done'; cancelledAt: Date | null; cancelReason: string | null;
  outcome: 'done' | 'not_done' | null; hours: number | null; outcomeAt: Date | null; outcomeReason: string | null; concernAt: Date | null; concernId: string | null;
}
interface Req {
  id: string; centre: string; group: string; district: string; personId: string; posterId: string; poster: string; source: 'chat' | 'api';
  createdAt: Date; startsAt: Date; durationMinutes: number;
  status: 'waiting_consent' | 'open' | 'taken' | 'cancelled' | 'expired' | 'done';
  cancelledAt: Date | null; cancelledWhileTaken: boolean; offers: Offer[]; assignments: Assignment[];
}
interface Person { id: string; centre: string; district: string; consentGivenAt: Date }

const GROUPS: Array<[string, number]> = [
  ['besoksvenn', 20], ['folgehjelp', 18], ['handlehjelp', 15], ['avlastning', 14], ['turvenn', 10], ['praktisk', 8], ['digital', 7], ['aktiviteter', 5], ['annet', 3],
];
const DISTRICTS = ['Sentrum', 'Ingeberg', 'Ridabu', 'Vang', 'Ottestad', 'Midtstranda'];

class World {
  readonly rnd: () => number;
  readonly vols: Vol[] = [];
  readonly persons: Person[] = [];
  readonly requests: Req[] = [];
  posters: Array<{ id: string; key: string; weight: number; centre: string }> = [];
  constructor(seed: number) {
    this.rnd = mulberry32(seed);
  }
  uuid(): string {
    let h = '';
    for (let i = 0; i < 32; i++) h += Math.floor(this.rnd() * 16).toString(16);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.rnd() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.rnd() * xs.length)]!;
  }
  weighted<T>(xs: ReadonlyArray<readonly [T, number]>): T {
    let r = this.rnd() * xs.reduce((s, [, w]) => s + w, 0);
    for (const [x, w] of xs) if ((r -= w) < 0) return x;
    return xs[xs.length - 1]![0];
  }
  shuffle<T>(xs: T[]): T[] {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = Math.floor(this.rnd() * (i + 1));
      [xs[i], xs[j]] = [xs[j]!, xs[i]!];
    }
    return xs;
  }
  /** Whole minutes, so the time until taken is exact on both sides. */
  minuteBetween(a: Date, b: Date): Date {
    return new Date(Math.floor((a.getTime() + this.rnd() * (b.getTime() - a.getTime())) / MIN) * MIN);
  }

  /** Volunteers who could get an offer at `at` and would answer it while still a volunteer. */
  eligible(centre: string, at: Date, exclude: Set<string>): Vol[] {
    return this.vols.filter((v) => v.centres.includes(centre) && v.approvedAt !== null && v.approvedAt <= at && (!v.leftAt || v.leftAt.getTime() > at.getTime() + 3 * DAY) && !exclude.has(v.id));
  }

  /** One wave; answers come within two days. Returns who took it and when, if anyone did. */
  wave(r: Req, at: Date, wantTaker: boolean): { volunteerId: string; at: Date } | null {
    const offered = new Set(r.offers.map((o) => o.volunteerId));
    const candidates = this.shuffle(this.eligible(r.centre, at, offered)).slice(0, this.int(4, 10));
    const created = addMinutes(at, 1);
    const latest = new Date(Math.min(created.getTime() + 2 * DAY, r.startsAt.getTime() - 60 * MIN));
    let taker: { volunteerId: string; at: Date } | null = null;
    if (wantTaker && candidates.length > 0 && latest > addMinutes(created, 2)) {
      // Most take within the hour or two; a long tail waits for evening or the next day.
      const wait = 1 + Math.floor(-Math.log(1 - this.rnd()) * 90);
      const takenAt = new Date(Math.min(created.getTime() + wait * MIN, latest.getTime()));
      taker = { volunteerId: candidates[0]!.id, at: takenAt };
    }
    for (const v of candidates) {
      const o: Offer = { id: this.uuid(), volunteerId: v.id, createdAt: created, respondedAt: null, status: 'pending' };
      if (taker && v.id === taker.volunteerId) Object.assign(o, { status: 'accepted', respondedAt: taker.at });
      else if (this.rnd() < 0.3 && (taker?.at ?? latest) > addMinutes(created, 2)) {
        // A «takk nei» only counts while the offer is still open.
        Object.assign(o, { status: 'declined', respondedAt: this.minuteBetween(addMinutes(created, 1), taker?.at ?? latest) });
      }
      r.offers.push(o);
    }
    return taker;
  }

  closeOffers(r: Req, to: 'taken' | 'withdrawn'): void {
    for (const o of r.offers) if (o.status === 'pending') o.status = to;
  }

  assign(r: Req, taker: { volunteerId: string; at: Date }): Assignment {
    const a: Assignment = {
      id: this.uuid(), volunteerId: taker.volunteerId, assignedAt: taker.at, status: 'active', cancelledAt: null, cancelReason: null,
      outcome: null, hours: null, outcomeAt: null, outcomeReason: null, concernAt: null, concernId: null,
    };
    r.assignments.push(a);
    r.status = 'taken';
    this.closeOffers(r, 'taken');
    return a;
  }

  request(centre: string, persons: Person[], openEnd: Date): Req {
    const createdAt = this.minuteBetween(osloWallClock('2025-12-12', '08:00'), osloWallClock('2026-12-31', '20:00'));
    const startDay = format(addDays(new TZDate(createdAt.getTime(), TZ), this.int(1, 14)), 'yyyy-MM-dd');
    const startsAt = osloWallClock(startDay, `${String(this.int(9, 18)).padStart(2, '0')}:${this.pick(['00', '30'])}`);
    const person = this.pick(persons);
    const poster = this.weighted(this.posters.filter((p) => p.centre === centre).map((p) => [p, p.weight] as const));
    const r: Req = {
      id: this.uuid(), centre, group: this.weighted(GROUPS), district: person.district, personId: person.id, posterId: poster.id, poster: poster.key,
      source: poster.key.startsWith('api:') ? 'api' : 'chat', createdAt, startsAt, durationMinutes: this.pick([60, 90, 120, 180, 240]),
      status: 'open', cancelledAt: null, cancelledWhileTaken: false, offers: [], assignments: [],
    };
    this.requests.push(r);

    // Not yet played out when the data ends: still waiting for consent, or out with nobody yet.
    if (startsAt > openEnd && this.rnd() < 0.6) {
      if (this.rnd() < 0.3) r.status = 'waiting_consent';
      else this.wave(r, createdAt, false);
      return r;
    }
    const u = this.rnd();
    if (u < 0.06) {
      // Waiting for consent, then withdrawn by the poster before any offer went out.
      r.status = 'cancelled';
      r.cancelledAt = addMinutes(createdAt, this.int(10, 600));
      return r;
    }
    if (u < 0.09) {
      r.status = 'expired';
      return r;
    }
    const u2 = this.rnd();
    let taker = this.wave(r, createdAt, u2 >= 0.15);
    if (!taker) {
      if (u2 < 0.1 || r.offers.length === 0 || u2 >= 0.15) r.status = 'expired';
      else {
        r.status = 'cancelled';
        r.cancelledAt = this.minuteBetween(addMinutes(createdAt, 5), addMinutes(r.startsAt, -60));
      }
      this.closeOffers(r, 'withdrawn');
      return r;
    }
    for (let round = 1; ; round++) {
      const a = this.assign(r, taker);
      const holder = this.vols.find((v) => v.id === a.volunteerId)!;
      let reopenAt: Date | null = null;
      const v = this.rnd();
      if (holder.leftAt && holder.leftAt < r.startsAt) {
        // They leave before the task: leave() cancels it and it goes out again.
        Object.assign(a, { status: 'cancelled', cancelledAt: holder.leftAt, cancelReason: 'volunteer_left' });
        reopenAt = holder.leftAt;
      } else if (v < 0.05 && round === 1) {
        r.status = 'cancelled';
        r.cancelledWhileTaken = true;
        r.cancelledAt = this.minuteBetween(a.assignedAt, addMinutes(r.startsAt, -30));
        Object.assign(a, { status: 'cancelled', cancelledAt: r.cancelledAt, cancelReason: 'request_cancelled' });
        return r;
      } else if (v < 0.13 && r.startsAt.getTime() - a.assignedAt.getTime() > 3 * 60 * MIN) {
        const at = this.minuteBetween(addMinutes(a.assignedAt, 10), addMinutes(r.startsAt, -120));
        Object.assign(a, { status: 'cancelled', cancelledAt: at, cancelReason: this.pick(['Ble syk, beklager', 'Må passe barnebarn', 'Bilen er på verksted']) });
        reopenAt = at;
      }
      if (reopenAt) {
        r.status = 'open';
        const next = this.wave(r, reopenAt, this.rnd() < 0.6);
        if (!next) {
          r.status = 'expired';
          this.closeOffers(r, 'withdrawn');
          return r;
        }
        taker = next;
        continue;
      }
      const w = this.rnd();
      const end = addMinutes(r.startsAt, r.durationMinutes);
      if (w < 0.78) Object.assign(a, { status: 'done', outcome: 'done', hours: 0.25 * this.int(2, 16), outcomeAt: addMinutes(end, 30) });
      else if (w < 0.86) Object.assign(a, { status: 'done', outcome: 'not_done', outcomeReason: 'Ingen hjemme', outcomeAt: addMinutes(end, 30) });
      if (a.outcome) r.status = 'done';
      if (a.outcomeAt && this.rnd() < 0.07) Object.assign(a, { concernAt: addMinutes(a.outcomeAt, 5), concernId: this.uuid() });
      return r;
    }
  }
}

interface Fixture {
  world: World;
  coordinatorId: string;
}

async function insertRows(db: Queryable, table: string, columns: string, rows: object[]): Promise<void> {
  if (rows.length === 0) return;
  const names = columns.split(',').map((c) => c.trim().split(/\s+/)[0]).join(', ');
  await db.query(`INSERT INTO ${table} (${names}) SELECT ${names} FROM jsonb_to_recordset($1::jsonb) AS x(${columns})`, [JSON.stringify(rows)]);
}

async function buildYear(db: Database): Promise<Fixture> {
  await migrate(db);
  await seedDemo(db, new Date('2025-11-01T10:00:00Z'));
  await ensureCentre(db, { id: 'stange', name: 'Stange frivilligsentral', requireApproval: true });
  // The demo's members joined before the year; seedDemo leaves created_at at the clock's now.
  await db.query(`UPDATE members SET created_at = '2025-10-15T10:00:00Z'`);
  const idOf = async (userId: string) => (await db.query<{ member_id: string }>(`SELECT member_id FROM chat_identities WHERE user_id = $1`, [userId]))[0]!.member_id;

  const w = new World(20260101);
  const coordinatorId = await idOf('demo-ansatt-1');
  const apiId = await systemMember(db, 'gerica', DEMO_CENTRE.id);
  const stangeStaff = (await db.query<{ id: string }>(`INSERT INTO members (role, centre_id, name, created_at) VALUES ('staff', 'stange', 'Lise Stange', '2025-10-15') RETURNING id`))[0]!.id;
  w.posters = [
    { id: coordinatorId, key: 'coordinator', weight: 30, centre: 'hamar' },
    { id: await idOf('demo-ansatt-2'), key: 'staff', weight: 25, centre: 'hamar' },
    { id: await idOf('demo-ansatt-3'), key: 'staff', weight: 20, centre: 'hamar' },
    { id: apiId, key: 'api:gerica', weight: 15, centre: 'hamar' },
    { id: await idOf('demo-parorende-1'), key: 'caregiver', weight: 5, centre: 'hamar' },
    { id: await idOf('demo-parorende-2'), key: 'caregiver', weight: 4, centre: 'hamar' },
    { id: stangeStaff, key: 'staff@stange', weight: 1, centre: 'hamar' },
    { id: stangeStaff, key: 'staff', weight: 1, centre: 'stange' },
  ];

  // The 60 demo volunteers (approved before the year); the last ten also help in Stange.
  const seeded = await db.query<{ member_id: string }>(`SELECT member_id FROM chat_identities WHERE user_id LIKE 'demo-frivillig-%' ORDER BY user_id`);
  for (const [i, s] of seeded.entries()) {
    w.vols.push({ id: s.member_id, centres: i >= 50 ? ['hamar', 'stange'] : ['hamar'], approvedAt: new Date('2025-11-01T10:00:00Z'), signupAt: new Date('2025-10-15T10:00:00Z'), leftAt: null, isNew: false });
  }
  w.vols[40]!.leftAt = osloWallClock('2026-05-20', '12:00');
  w.vols[41]!.leftAt = osloWallClock('2026-09-02', '18:00');
  w.vols[42]!.leftAt = osloWallClock('2027-01-10', '09:00');
  // New volunteers through the year; some leave again.
  for (let i = 0; i < 14; i++) {
    const signupAt = w.minuteBetween(osloWallClock('2026-01-05', '08:00'), osloWallClock('2026-10-01', '08:00'));
    const approvedAt = addMinutes(signupAt, w.int(1, 10) * 24 * 60 + w.int(0, 300));
    const leftAt = i < 3 ? w.minuteBetween(addDays(approvedAt, 60), osloWallClock('2026-12-01', '08:00')) : null;
    w.vols.push({ id: w.uuid(), centres: ['hamar'], approvedAt, signupAt, leftAt, isNew: true });
  }
  // Signed up in December, approved in January: one stays, one leaves (and is then counted by sign-up).
  w.vols.push({ id: w.uuid(), centres: ['hamar'], approvedAt: osloWallClock('2026-01-08', '10:00'), signupAt: osloWallClock('2025-12-10', '10:00'), leftAt: null, isNew: true });
  w.vols.push({ id: w.uuid(), centres: ['hamar'], approvedAt: osloWallClock('2026-01-09', '10:00'), signupAt: osloWallClock('2025-12-12', '10:00'), leftAt: osloWallClock('2026-06-15', '10:00'), isNew: true });
  // Never approved; and one who only helps Stange.
  w.vols.push({ id: w.uuid(), centres: ['hamar'], approvedAt: null, signupAt: osloWallClock('2026-03-01', '10:00'), leftAt: null, isNew: true });
  w.vols.push({ id: w.uuid(), centres: ['stange'], approvedAt: osloWallClock('2026-04-01', '10:00'), signupAt: osloWallClock('2026-03-20', '10:00'), leftAt: osloWallClock('2026-11-01', '10:00'), isNew: true });

  // People helped: the demo's five, and more.
  const demoPersons = await db.query<{ id: string; district: string }>(`SELECT id, district FROM persons ORDER BY name`);
  for (const p of demoPersons) w.persons.push({ id: p.id, centre: 'hamar', district: p.district, consentGivenAt: new Date('2025-11-01T10:00:00Z') });
  for (let i = 0; i < 90; i++) w.persons.push({ id: w.uuid(), centre: 'hamar', district: w.pick(DISTRICTS), consentGivenAt: w.minuteBetween(osloWallClock('2025-11-01', '08:00'), osloWallClock('2026-08-01', '08:00')) });
  for (let i = 0; i < 10; i++) w.persons.push({ id: w.uuid(), centre: 'stange', district: w.pick(['Stange sentrum', 'Ottestad']), consentGivenAt: osloWallClock('2025-12-01', '08:00') });

  const hamarPersons = w.persons.filter((p) => p.centre === 'hamar');
  const stangePersons = w.persons.filter((p) => p.centre === 'stange');
  const openEnd = osloWallClock('2027-01-03', '00:00');
  for (let i = 0; i < 380; i++) w.request('hamar', hamarPersons, openEnd);
  for (let i = 0; i < 40; i++) w.request('stange', stangePersons, openEnd);

  // A pause and re-approval moves approved_at: pick a demo volunteer with an offer before it.
  const reapproveAt = osloWallClock('2026-05-01', '10:00');
  const reapproved = w.vols.find((v) => !v.isNew && !v.leftAt && w.requests.some((r) => r.offers.some((o) => o.volunteerId === v.id && o.createdAt < reapproveAt)))!;
  reapproved.approvedAt = reapproveAt;

  const newVols = w.vols.filter((v) => v.isNew);
  await db.transaction(async (tx) => {
    const q = tx;
    await insertRows(q, 'members', 'id uuid, role text, name text, phone text, created_at timestamptz',
      newVols.map((v, i) => ({ id: v.id, role: 'volunteer', name: `Ny Frivillig ${i}`, phone: `4791${String(i).padStart(6, '0')}`, created_at: v.signupAt })));
    await insertRows(q, 'volunteers', 'member_id uuid, status text, district text, groups text[], languages text[], availability jsonb, weekly_cap int, comfort text, approved_at timestamptz',
      newVols.map((v) => ({ member_id: v.id, status: v.approvedAt ? 'approved' : 'pending', district: 'Sentrum', groups: GROUPS.map(([g]) => g), languages: ['nb'], availability: [], weekly_cap: 3, comfort: 'any', approved_at: v.approvedAt })));
    await insertRows(q, 'volunteer_centres', 'member_id uuid, centre_id text',
      w.vols.flatMap((v) => v.centres.filter((c) => v.isNew || c === 'stange').map((c) => ({ member_id: v.id, centre_id: c }))));
    await insertRows(q, 'declaration_signatures', 'member_id uuid, version int, signed_at timestamptz, channel_id text, user_id text',
      newVols.map((v) => ({ member_id: v.id, version: CURRENT_DECLARATION_VERSION, signed_at: v.signupAt, channel_id: 'test', user_id: v.id })));
    await tx.query(`UPDATE volunteers SET approved_at = $2 WHERE member_id = $1`, [reapproved.id, reapproveAt]);

    const newPersons = w.persons.slice(demoPersons.length);
    await insertRows(q, 'persons', 'id uuid, centre_id text, name text, address text, phone text, district text, notes text, created_by uuid, created_at timestamptz',
      newPersons.map((p, i) => ({ id: p.id, centre_id: p.centre, name: `Bruker ${i}`, address: `Gate ${i}`, phone: `6250${String(i).padStart(4, '0')}`, district: p.district, notes: 'Hører dårlig', created_by: coordinatorId, created_at: p.consentGivenAt })));
    await insertRows(q, 'consents', 'person_id uuid, basis text, recorded_by uuid, given_at timestamptz, valid_until timestamptz',
      newPersons.map((p) => ({ person_id: p.id, basis: 'self', recorded_by: coordinatorId, given_at: p.consentGivenAt, valid_until: new Date(p.consentGivenAt.getTime() + 365 * DAY) })));

    await insertRows(q, 'help_requests',
      'id uuid, centre_id text, group_key text, district text, starts_at timestamptz, duration_minutes int, summary text, meeting_place text, handover_note text, contact_name text, contact_phone text, person_id uuid, created_by uuid, source text, status text, wave int, assigned_volunteer_id uuid, taken_at timestamptz, cancelled_at timestamptz, cancelled_by uuid, created_at timestamptz, updated_at timestamptz',
      w.requests.map((r) => {
        const holder = r.status === 'taken' || r.status === 'done' || r.cancelledWhileTaken ? r.assignments.at(-1) : undefined;
        return {
          id: r.id, centre_id: r.centre, group_key: r.group, district: r.district, starts_at: r.startsAt, duration_minutes: r.durationMinutes,
          summary: 'Trenger litt hjelp', meeting_place: 'Inngang B', handover_note: 'Ring på to ganger', contact_name: 'Datter Hilde', contact_phone: '90000000',
          person_id: r.personId, created_by: r.posterId, source: r.source, status: r.status, wave: new Set(r.offers.map((o) => o.createdAt.getTime())).size,
          assigned_volunteer_id: holder?.volunteerId ?? null, taken_at: holder?.assignedAt ?? null, cancelled_at: r.cancelledAt,
          cancelled_by: r.status === 'cancelled' ? r.posterId : null, created_at: r.createdAt, updated_at: r.createdAt,
        };
      }));
    await insertRows(q, 'offers', 'id uuid, request_id uuid, volunteer_id uuid, wave int, status text, created_at timestamptz, responded_at timestamptz',
      w.requests.flatMap((r) => r.offers.map((o) => ({ id: o.id, request_id: r.id, volunteer_id: o.volunteerId, wave: 1, status: o.status, created_at: o.createdAt, responded_at: o.respondedAt }))));
    await insertRows(q, 'offer_deliveries', 'offer_id uuid, sent_at timestamptz', w.requests.flatMap((r) => r.offers.map((o) => ({ offer_id: o.id, sent_at: o.createdAt }))));
    await insertRows(q, 'assignments', 'id uuid, request_id uuid, volunteer_id uuid, assigned_at timestamptz, status text, cancelled_at timestamptz, cancel_reason text, hours numeric, outcome text, outcome_reason text, outcome_at timestamptz',
      w.requests.flatMap((r) => r.assignments.map((a) => ({ id: a.id, request_id: r.id, volunteer_id: a.volunteerId, assigned_at: a.assignedAt, status: a.status, cancelled_at: a.cancelledAt, cancel_reason: a.cancelReason, hours: a.hours, outcome: a.outcome, outcome_reason: a.outcomeReason, outcome_at: a.outcomeAt }))));
    await insertRows(q, 'concerns', 'id uuid, assignment_id uuid, request_id uuid, reported_by uuid, text text, created_at timestamptz',
      w.requests.flatMap((r) => r.assignments.filter((a) => a.concernAt).map((a) => ({ id: a.concernId, assignment_id: a.id, request_id: r.id, reported_by: a.volunteerId, text: 'Virket forvirret og hadde ikke mat i kjøleskapet', created_at: a.concernAt }))));
  });

  // Leaving goes through the real code: it deletes the volunteer's profile and centre links.
  for (const v of w.vols.filter((x) => x.leftAt)) {
    await leave(db, v.id, v.leftAt!, { waveSize: 50, maxDistanceKm: 10 });
  }
  return { world: w, coordinatorId };
}

// ---------------------------------------------------------------------------------------------
// The expected figures, from the model.

function percentile(xs: number[], p: number): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  return s[lo]! + (h - lo) * (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!);
}

type Slice = [ReportRow['dimension'], string];

function slicesOf(t: Date, r: Req | null): Slice[] {
  const local = new TZDate(t.getTime(), TZ);
  const out: Slice[] = [['total', ''], ['month', format(local, 'yyyy-MM')], ['week', format(local, "RRRR-'W'II")]];
  if (r) out.push(['group', r.group], ['district', r.district], ['poster', r.poster]);
  return out;
}

const inPeriod = (t: Date | null): t is Date => t !== null && t >= FROM && t < TO;

function expectedFigures(w: World, centre: string): Map<string, ReportFigures> {
  interface Acc { f: ReportFigures; waits: number[]; people: Set<string>; active: Set<string> }
  const acc = new Map<string, Acc>();
  const at = ([dim, key]: Slice): Acc => {
    const id = `${dim}|${key}`;
    let a = acc.get(id);
    if (!a) {
      const periodic = dim === 'total' || dim === 'month' || dim === 'week';
      a = {
        f: {
          requestsPosted: 0, requestsFilled: 0, requestsConsidered: 0, shareFilled: null, requestsTaken: 0, minutesToTakeMedian: null, minutesToTakeP90: null,
          requestsExpiredUnfilled: 0, requestsCancelled: 0, requestsCancelledWhileTaken: 0, requestsStillOpen: 0, tasksDone: 0, tasksNotDone: 0,
          tasksOutcomeNotReported: 0, volunteerCancellations: 0, volunteerCancellationsLeaving: 0, hoursGiven: 0, respiteHours: 0, peopleReached: 0,
          activeVolunteers: 0, newVolunteers: periodic ? 0 : null, volunteersLeft: periodic ? 0 : null, concernsRaised: 0,
          feedbackGood: 0, feedbackNotGood: 0, smsSent: periodic ? 0 : null, smsParts: periodic ? 0 : null,
        },
        waits: [], people: new Set(), active: new Set(),
      };
      acc.set(id, a);
    }
    return a;
  };
  const requests = w.requests.filter((r) => r.centre === centre);
  for (const r of requests) {
    if (inPeriod(r.createdAt)) {
      const filled = r.status === 'taken' || r.status === 'done' || r.cancelledWhileTaken;
      const pending = r.status === 'open' || r.status === 'waiting_consent';
      const withdrawnUnoffered = r.status === 'cancelled' && !r.cancelledWhileTaken && r.offers.length === 0;
      const first = r.assignments[0];
      for (const s of slicesOf(r.createdAt, r)) {
        const a = at(s);
        a.f.requestsPosted++;
        if (filled) a.f.requestsFilled++;
        if (!pending && !withdrawnUnoffered) a.f.requestsConsidered++;
        if (first) a.waits.push((first.assignedAt.getTime() - r.createdAt.getTime()) / MIN);
        if (r.status === 'expired') a.f.requestsExpiredUnfilled++;
        if (r.status === 'cancelled') a.f.requestsCancelled++;
        if (r.cancelledWhileTaken) a.f.requestsCancelledWhileTaken++;
        if (pending) a.f.requestsStillOpen++;
      }
    }
    if (inPeriod(r.startsAt)) {
      for (const x of r.assignments) {
        for (const s of slicesOf(r.startsAt, r)) {
          const a = at(s);
          if (x.outcome === 'done') {
            a.f.tasksDone++;
            a.f.hoursGiven += x.hours ?? 0;
            if (r.group === 'avlastning') a.f.respiteHours += x.hours ?? 0;
            a.people.add(r.personId);
          }
          if (x.outcome === 'not_done') a.f.tasksNotDone++;
          if (x.status === 'active') a.f.tasksOutcomeNotReported++;
          if (x.status === 'cancelled' && x.cancelReason !== 'request_cancelled') a.f.volunteerCancellations++;
          if (x.cancelReason === 'volunteer_left') a.f.volunteerCancellationsLeaving++;
          if (x.outcome) a.active.add(x.volunteerId);
        }
      }
    }
    for (const o of r.offers) if (inPeriod(o.respondedAt)) for (const s of slicesOf(o.respondedAt, r)) at(s).active.add(o.volunteerId);
    for (const x of r.assignments) if (inPeriod(x.concernAt)) for (const s of slicesOf(x.concernAt, r)) at(s).f.concernsRaised++;
  }
  const offeredBy = (v: Vol, pred: (r: Req, o: Offer) => boolean) => w.requests.some((r) => r.offers.some((o) => o.volunteerId === v.id && pred(r, o)));
  for (const v of w.vols) {
    const left = v.leftAt !== null; // everyone with a leaving date has left by the time of the report
    const joined = left
      ? offeredBy(v, (r) => r.centre === centre) ? v.signupAt : null
      : v.centres.includes(centre) && v.approvedAt && !offeredBy(v, (_, o) => o.createdAt < v.approvedAt!) ? v.approvedAt : null;
    if (inPeriod(joined)) for (const s of slicesOf(joined, null)) at(s).f.newVolunteers!++;
    if (inPeriod(v.leftAt) && offeredBy(v, (r) => r.centre === centre)) for (const s of slicesOf(v.leftAt, null)) at(s).f.volunteersLeft!++;
  }
  const out = new Map<string, ReportFigures>();
  for (const [id, a] of acc) {
    a.f.minutesToTakeMedian = percentile(a.waits, 0.5);
    a.f.minutesToTakeP90 = percentile(a.waits, 0.9);
    a.f.requestsTaken = a.waits.length;
    a.f.peopleReached = a.people.size;
    a.f.activeVolunteers = a.active.size;
    a.f.shareFilled = a.f.requestsConsidered > 0 ? a.f.requestsFilled / a.f.requestsConsidered : null;
    out.set(id, a.f);
  }
  return out;
}

function rounded(f: ReportFigures): Record<string, number | null> {
  return Object.fromEntries(Object.entries(f).map(([k, v]) => [k, v === null ? null : Math.round((v as number) * 1e6) / 1e6]));
}

function byId(report: CentreReport): Map<string, Record<string, number | null>> {
  return new Map(report.rows.map((r) => [`${r.dimension}|${r.key}`, rounded(r.figures)]));
}

/** Each small hidden cell must keep at least two possible values given the total and the cells shown. */
function workedOutCells(report: CentreReport): string[] {
  const presented = presentReport(report);
  const total = report.rows.find((r) => r.dimension === 'total')!;
  const problems: string[] = [];
  for (const dim of report.dimensions) {
    for (const k of ADDITIVE_PEOPLE_FIGURES) {
      const t = total.figures[k];
      if (t === null || t < 5) continue;
      const cells = presented.rows.filter((r) => r.dimension === dim).map((r) => r.figures[k]);
      if (!cells.includes(SMALL)) continue;
      const rest = t - cells.reduce<number>((s, c) => s + (typeof c === 'number' ? c : 0), 0);
      cells.forEach((c, i) => {
        if (c !== SMALL) return;
        const others = cells.filter((_, j) => j !== i);
        const minOthers = others.reduce<number>((s, o) => s + (o === SMALL ? 1 : o === HIDDEN ? 5 : 0), 0);
        const maxOthers = others.some((o) => o === HIDDEN) ? Infinity : others.reduce<number>((s, o) => s + (o === SMALL ? 4 : 0), 0);
        const possible = [1, 2, 3, 4].filter((v) => rest - v >= minOthers && rest - v <= maxOthers);
        if (possible.length < 2) problems.push(`${dim} ${k} cell ${i}: ${possible.join(',')}`);
      });
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------

for (const kind of databaseKinds()) {
  describe(`annual report figures on ${kind.kind}`, () => {
    let t: TestDatabase;
    let fx: Fixture;
    let beforeRetention: CentreReport;

    beforeAll(async () => {
      t = await kind.create();
      fx = await buildYear(t.db);
      beforeRetention = await centreReport(t.db, { centreId: 'hamar', from: FROM, to: TO });
    }, 120_000);
    afterAll(async () => t?.close());

    it('generates a realistic year', () => {
      const hamar = fx.world.requests.filter((r) => r.centre === 'hamar' && inPeriod(r.createdAt));
      const statuses = new Set(hamar.map((r) => r.status));
      expect(hamar.length).toBeGreaterThan(300);
      expect([...statuses].sort()).toEqual(['cancelled', 'done', 'expired', 'open', 'taken', 'waiting_consent']);
      const total = beforeRetention.rows[0]!;
      expect(total.dimension).toBe('total');
      expect(total.figures.tasksDone).toBeGreaterThan(150);
      expect(total.figures.respiteHours).toBeGreaterThan(0);
      expect(total.figures.concernsRaised).toBeGreaterThan(5);
      expect(total.figures.volunteerCancellationsLeaving).toBeGreaterThan(0);
      expect(total.figures.newVolunteers).toBeGreaterThan(5);
      expect(total.figures.volunteersLeft).toBeGreaterThan(0);
    });

    it('matches the figures worked out from the generated data, for every slice', () => {
      const expected = expectedFigures(fx.world, 'hamar');
      const actual = byId(beforeRetention);
      for (const id of expected.keys()) expect(actual.has(id), `slice ${id} missing`).toBe(true);
      for (const [id, figures] of actual) {
        const want = expected.get(id);
        if (want) expect({ id, ...figures }).toEqual({ id, ...rounded(want) });
        else for (const [k, v] of Object.entries(figures)) expect(v === null || v === 0, `${id} ${k} = ${v}`).toBe(true);
      }
      // Every month and week of the year and every interest group has a row, busy or not.
      const count = (d: string) => beforeRetention.rows.filter((r) => r.dimension === d).length;
      expect(count('month')).toBe(12);
      expect(count('week')).toBe(53);
      expect(count('group')).toBe(9);
      expect(beforeRetention.rows.find((r) => r.dimension === 'group' && r.key === 'avlastning')!.label).toBe('Avlastning (pusterom)');
    });

    it('keeps another centre\'s activity out', async () => {
      const stange = await centreReport(t.db, { centreId: 'stange', from: FROM, to: TO });
      const expected = expectedFigures(fx.world, 'stange');
      expect(rounded(stange.rows[0]!.figures)).toEqual(rounded(expected.get('total|')!));
      expect(beforeRetention.rows.some((r) => r.dimension === 'district' && r.key === 'Stange sentrum')).toBe(false);
      expect(beforeRetention.rows.find((r) => r.dimension === 'poster' && r.key === 'staff@stange')?.figures.requestsPosted).toBeGreaterThan(0);
    });

    it('groups only by what was asked', async () => {
      const r = await centreReport(t.db, { centreId: 'hamar', from: FROM, to: TO, groupBy: ['district'] });
      expect(new Set(r.rows.map((x) => x.dimension))).toEqual(new Set(['total', 'district']));
      expect(rounded(r.rows[0]!.figures)).toEqual(rounded(beforeRetention.rows[0]!.figures));
    });

    it('hides small counts about people in the export, and keeps them from being worked out', () => {
      const presented = presentReport(beforeRetention);
      let small = 0;
      presented.rows.forEach((row, i) => {
        const raw = beforeRetention.rows[i]!.figures;
        for (const k of PEOPLE_FIGURES) {
          const v = raw[k];
          const shown = row.figures[k];
          if (v === null) expect(shown).toBeNull();
          else if (v >= 1 && v <= 4) {
            expect([SMALL, HIDDEN], `${row.dimension} ${row.key} ${k}`).toContain(shown);
            if (shown === SMALL) small++;
            // ':' on a small count only when that figure's whole breakdown is withheld.
            else expect(presented.rows.filter((r) => r.dimension === row.dimension).every((r) => r.figures[k] === HIDDEN)).toBe(true);
          } else expect([v, HIDDEN]).toContain(shown);
        }
        // Figures about requests and hours are not about identifiable people and stay as they are.
        expect(row.figures.requestsPosted).toBe(raw.requestsPosted);
        expect(row.figures.tasksDone).toBe(raw.tasksDone);
      });
      expect(small).toBeGreaterThan(10);
      expect(workedOutCells(beforeRetention)).toEqual([]);

      const csv = reportCsv(presented).split('\r\n').filter(Boolean).map((l) => l.split(';'));
      const head = csv[0]!;
      const peopleColumns = ['Aktive frivillige', 'Nye frivillige', 'Frivillige som sluttet', 'Personer som fikk hjelp', 'Bekymringsmeldinger', 'Oppdrag ikke gjennomført', 'Avlyst av frivillig', 'Avlyst fordi frivillig sluttet'].map((h) => head.indexOf(h));
      expect(peopleColumns.every((i) => i >= 0)).toBe(true);
      expect(csv.length).toBe(presented.rows.length + 1);
      for (const line of csv.slice(1)) {
        expect(line.length).toBe(head.length);
        for (const i of peopleColumns) expect(line[i]).not.toMatch(/^[1-4]$/);
      }
      const json = JSON.parse(reportJson(presented)) as { rows: Array<{ figures: Record<string, unknown> }>; notAvailable: Array<{ figure: string }> };
      expect(json.notAvailable.map((n) => n.figure)).toEqual(['feedback']);
      for (const row of json.rows) for (const k of PEOPLE_FIGURES) expect([1, 2, 3, 4]).not.toContain(row.figures[k]);
    });

    it('gives the same figures after retention and after erasing every personal detail', async () => {
      const result = await applyRetention(t.db, osloWallClock('2027-03-01', '03:00'), 60);
      expect(result.requests).toBeGreaterThan(300);
      expect(result.persons).toBeGreaterThan(0);
      expect(result.concerns).toBeGreaterThan(0);
      const afterRetention = await centreReport(t.db, { centreId: 'hamar', from: FROM, to: TO });
      expect(afterRetention.rows).toEqual(beforeRetention.rows);

      // Everything erasure clears or may clear, for everyone at once; ids, statuses and times stay.
      const at = osloWallClock('2027-03-02', '03:00');
      await t.db.query(`UPDATE persons SET name = NULL, address = NULL, phone = NULL, notes = NULL, lat = NULL, lon = NULL, erased_at = coalesce(erased_at, $1)`, [at]);
      await t.db.query(
        `UPDATE help_requests SET meeting_place = NULL, handover_note = NULL, contact_name = NULL, contact_phone = NULL, lat = NULL, lon = NULL,
                external_ref = NULL, summary = '—', details_erased_at = coalesce(details_erased_at, $1)`,
        [at],
      );
      await t.db.query(`UPDATE concerns SET text = NULL, erased_at = coalesce(erased_at, $1)`, [at]);
      await t.db.query(`UPDATE members SET name = NULL, phone = NULL, email = NULL`);
      await t.db.query(`UPDATE assignments SET outcome_reason = NULL`);
      await t.db.query(`UPDATE assignments SET cancel_reason = NULL WHERE cancel_reason NOT IN ('request_cancelled', 'volunteer_left')`);
      const erased = await centreReport(t.db, { centreId: 'hamar', from: FROM, to: TO });
      expect(erased.rows).toEqual(beforeRetention.rows);
      expect((await t.db.query(`SELECT count(*)::int AS n FROM persons WHERE name IS NOT NULL`))[0]).toEqual({ n: 0 });
    });
  });
}

describe('small-count suppression', () => {
  const figures = (over: Partial<ReportFigures>): ReportFigures => ({
    requestsPosted: 0, requestsFilled: 0, requestsConsidered: 0, shareFilled: null, requestsTaken: 0, minutesToTakeMedian: null, minutesToTakeP90: null,
    requestsExpiredUnfilled: 0, requestsCancelled: 0, requestsCancelledWhileTaken: 0, requestsStillOpen: 0, tasksDone: 0, tasksNotDone: 0,
    tasksOutcomeNotReported: 0, volunteerCancellations: 0, volunteerCancellationsLeaving: 0, hoursGiven: 0, respiteHours: 0, peopleReached: 0,
    activeVolunteers: 0, newVolunteers: null, volunteersLeft: null, concernsRaised: 0, feedbackGood: 0, feedbackNotGood: 0, smsSent: null, smsParts: null, ...over,
  });
  const report = (total: number, cells: number[], k: FigureKey = 'concernsRaised'): CentreReport => ({
    centre: { id: 'x', name: 'X' }, from: FROM, to: TO, timeZone: TZ, dimensions: ['district'], notAvailable: [],
    rows: [
      { dimension: 'total', key: '', label: '', figures: figures({ [k]: total }) },
      ...cells.map((v, i) => ({ dimension: 'district' as const, key: `d${i}`, label: `d${i}`, figures: figures({ [k]: v }) })),
    ],
  });
  const shown = (r: CentreReport, k: FigureKey = 'concernsRaised') => presentReport(r).rows.map((x) => x.figures[k]);

  it('shows 0 and 5 and up, hides 1 to 4', () => {
    expect(shown(report(30, [0, 1, 4, 5, 20]))).toEqual([30, 0, SMALL, SMALL, 5, 20]);
  });

  it('hides the smallest other cell when one small cell could be worked out from the total', () => {
    expect(shown(report(19, [3, 7, 9]))).toEqual([19, SMALL, HIDDEN, 9]);
  });

  it('hides more until no small cell can be pinned down', () => {
    // 1 and 5 hidden would leave 6 = 1 + 5 with the "at least 5" cell: the 1 would show.
    expect(shown(report(15, [1, 5, 9]))).toEqual([15, SMALL, HIDDEN, HIDDEN]);
  });

  it('hides the whole breakdown when nothing else will do', () => {
    expect(shown(report(6, [1, 5]))).toEqual([6, HIDDEN, HIDDEN]);
  });

  it('leaves breakdowns of a small total alone: the total is hidden already', () => {
    expect(shown(report(3, [3, 0]))).toEqual([SMALL, SMALL, 0]);
  });

  it('only hides small distinct counts, which do not add up across cells', () => {
    expect(shown(report(9, [2, 7, 8], 'activeVolunteers'), 'activeVolunteers')).toEqual([9, SMALL, 7, 8]);
  });
});

describe('npm run report', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dugnad-report-'));
    const db = await openPglite(dir);
    await migrate(db);
    await seedDemo(db, osloWallClock('2026-03-10', '12:00'));
    await db.close();
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = (args: readonly string[]) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'infra/report-cli.ts', ...args], {
        env: { ...process.env, DATA_DIR: dir, DATABASE_URL: '', NODE_ENV: 'development' },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.on('error', reject);
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });

  it('writes the figures from the embedded store as JSON and as CSV for Excel', async () => {
    const json = await run(['--from', '2026-01-01', '--to', '2026-12-31', '--format', 'json']);
    expect(json.stderr).toBe('');
    expect(json.status).toBe(0);
    const parsed = JSON.parse(json.stdout) as { centre: { id: string }; period: { from: string; to: string }; rows: Array<{ dimension: string; key: string; figures: Record<string, unknown> }> };
    expect(parsed.centre.id).toBe('hamar');
    expect(parsed.period).toEqual({ from: '2026-01-01', to: '2026-12-31', timeZone: TZ });
    expect(parsed.rows.find((r) => r.dimension === 'total')!.figures.newVolunteers).toBe(60);
    expect(parsed.rows.find((r) => r.key === '2026-03')!.figures.newVolunteers).toBe(60);

    const out = join(dir, 'årsmelding.csv');
    const csv = await run(['--from', '2026-01-01', '--to', '2026-12-31', '--centre', 'hamar', '--out', out]);
    expect(csv.status).toBe(0);
    expect(csv.stderr).toMatch(/^Wrote CSV for Hamar frivilligsentral, 2026-01-01 to 2026-12-31, to /);
    const text = readFileSync(out, 'utf8');
    expect(text.startsWith('\uFEFFInndeling;Nøkkel;Verdi;Forespørsler lagt inn;')).toBe(true);
    expect(text).toContain('\r\nMåned;2026-03;mars 2026;');
  });

  it('refuses bad arguments with one line', async () => {
    const cases = [
      [['--from', '2026-02-30', '--to', '2026-12-31'], 'report: --from is not a calendar date\n'],
      [['--from', '2026-01-01', '--to', '2025-12-31'], 'report: --to must not be before --from\n'],
      [['--from', '2026-01-01', '--to', '2026-12-31', '--format', 'xlsx'], 'report: --format must be csv or json\n'],
      [['--to', '2026-12-31'], 'report: --from is required (a date like 2026-01-01)\n'],
    ] as const;
    const results = await Promise.all(cases.map(([args]) => run(args)));
    results.forEach((r, i) => expect({ stderr: r.stderr, status: r.status }).toEqual({ stderr: cases[i]![1], status: 2 }));
    const unknown = await run(['--from', '2026-01-01', '--to', '2026-12-31', '--centre', 'oslo']);
    expect({ stderr: unknown.stderr, status: unknown.status }).toEqual({ stderr: 'report: unknown centre "oslo"\n', status: 1 });
  });
});
