// 4. Matching: eligibleVolunteers (domain/matching.ts) over 100 000 volunteers with a realistic
// spread, built the way the store builds them (toVolunteer on row objects, availability parsed from
// JSON, ids as uuid strings made by concatenation like strings read off the wire — not
// crypto.randomUUID(), whose strings V8 hashes differently, which changes Map lookup cost). Plus the
// worst case, where every volunteer is eligible and all 100 000 are ranked.
import { performance } from 'node:perf_hooks';
import { addDays } from 'date-fns';
import { eligibleVolunteers, type MatchContext } from '../domain/matching.ts';
import { DEFAULT_INTEREST_GROUPS } from '../domain/interest-groups.ts';
import { CURRENT_DECLARATION_VERSION } from '../domain/declaration.ts';
import { toVolunteer, type VolunteerRow } from '../infra/volunteer-row.ts';
import type { AvailabilityWindow, HelpRequest, Volunteer } from '../domain/types.ts';
import { figure, fmt, fmtFigure, latencies, log, type Figure } from './stats.ts';
import type { Options } from './options.ts';
import { TIME_ZONE, osloDate, osloWallClock } from '../domain/time-zone.ts';

export interface MatchingCase {
  pool: number;
  eligible: number;
  calls: number;
  p50: Figure;
  p99: Figure;
}

export interface MatchingResult {
  realistic: MatchingCase;
  /** The same population as loadMatchingPool hands it over: SQL already keeps only approved volunteers in the request's group. */
  prefiltered: MatchingCase | null;
  worst: MatchingCase;
  goal: { text: string; met: boolean };
}

/** Deterministic PRNG (mulberry32), so every run ranks the same population. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DISTRICTS = ['Sentrum', 'Ingeberg', 'Ridabu', 'Vang', 'Ottestad', 'Midtstranda'];
const GROUPS = DEFAULT_INTEREST_GROUPS.map((g) => g.key);
const LANGS = ['en', 'ar', 'pl', 'so', 'uk', 'ti'];

/** A fresh, non-internalised copy, as pg hands over every text value it reads off the socket. */
const wire = (s: string): string => Buffer.from(s, 'utf8').toString('utf8');

function hex(rand: () => number, len: number): string {
  let s = '';
  for (let i = 0; i < len; i++) s += '0123456789abcdef'[Math.floor(rand() * 16)]!;
  return s;
}

function uuidLike(rand: () => number): string {
  return hex(rand, 8) + '-' + hex(rand, 4) + '-4' + hex(rand, 3) + '-' + '89ab'[Math.floor(rand() * 4)]! + hex(rand, 3) + '-' + hex(rand, 12);
}

function availability(rand: () => number): AvailabilityWindow[] {
  const pick = rand();
  const days = ([1, 2, 3, 4, 5, 6, 7] as const).filter(() => rand() < 0.6);
  if (pick < 0.2) return ([1, 2, 3, 4, 5, 6, 7] as const).map((weekday) => ({ weekday, fromMinute: 480, toMinute: 1260 }));
  if (pick < 0.5) return days.map((weekday) => ({ weekday, fromMinute: 480, toMinute: 1020 }));
  if (pick < 0.8) return days.map((weekday) => ({ weekday, fromMinute: 720, toMinute: 1260 }));
  if (pick < 0.9) return ([6, 7] as const).map((weekday) => ({ weekday, fromMinute: 600, toMinute: 1080 }));
  // Two windows a day with a gap: covering a span needs both.
  return days.flatMap((weekday) => [
    { weekday, fromMinute: 540, toMinute: 720 },
    { weekday, fromMinute: 780, toMinute: 1200 },
  ]);
}

export interface Population {
  volunteers: Volunteer[];
  ctx: MatchContext;
  request: HelpRequest;
}

export function population(n: number, opts: { allEligible: boolean; seed?: number }): Population {
  const rand = prng(opts.seed ?? 42);
  const now = new Date();
  const volunteers: Volunteer[] = new Array(n);
  const weeklyLoad = new Map<string, number>();
  const recentOffers = new Map<string, number>();
  const recentTasks = new Map<string, number>();
  const helpedBefore = new Set<string>();
  const excluded = new Set<string>();
  const all = opts.allEligible;
  for (let i = 0; i < n; i++) {
    const id = uuidLike(rand);
    const r = rand();
    const groups = (all ? ['besoksvenn', GROUPS[i % GROUPS.length]!] : [...new Set(Array.from({ length: 1 + Math.floor(rand() * 3) }, () => GROUPS[Math.floor(rand() * GROUPS.length)]!))]).map(wire);
    let district = DISTRICTS[Math.floor(rand() * DISTRICTS.length)]!;
    if (!all && rand() < 0.02) district = ` ${district.toLowerCase()}`; // typed by hand
    const row: VolunteerRow = {
      member_id: id,
      status: wire(all || r < 0.92 ? 'approved' : r < 0.96 ? 'paused' : 'pending') as VolunteerRow['status'],
      district: wire(all ? 'Sentrum' : district),
      postcode: rand() < 0.5 ? String(2300 + Math.floor(rand() * 30)) : null,
      lat: rand() < 0.5 ? 60.79 + (rand() - 0.5) * 0.2 : null,
      lon: null,
      groups,
      languages: (rand() < 0.2 ? ['nb', LANGS[Math.floor(rand() * LANGS.length)]!] : ['nb']).map(wire),
      // As pg hands jsonb over: parsed per row.
      availability: JSON.parse(JSON.stringify(all ? ([1, 2, 3, 4, 5, 6, 7] as const).map((weekday) => ({ weekday, fromMinute: 0, toMinute: 1440 })) : availability(rand))),
      weekly_cap: all ? 1000 : 1 + Math.floor(rand() * 7),
      comfort: wire(all || rand() < 0.9 ? 'any' : rand() < 0.5 ? 'first_time_friendly_only' : 'staff_along_only') as VolunteerRow['comfort'],
      police_certificate_checked_on: rand() < 0.2 ? '2026-01-15' : null,
      paused_until: !all && r >= 0.92 && r < 0.94 ? addDays(now, 7) : null,
      centres: [wire('hamar')],
      signed_version: all || rand() < 0.95 ? CURRENT_DECLARATION_VERSION : null,
      name: null,
      phone: null,
      email: null,
    };
    row.lon = row.lat === null ? null : 11.07 + (rand() - 0.5) * 0.3;
    volunteers[i] = toVolunteer(row);
    if (rand() < 0.2) weeklyLoad.set(id, Math.floor(rand() * 3));
    if (rand() < 0.5) recentOffers.set(id, Math.floor(rand() * 10));
    if (rand() < 0.1) recentTasks.set(id, 1 + Math.floor(rand() * 3));
    if (!all && rand() < 0.005) helpedBefore.add(id);
    if (!all && rand() < 0.01) excluded.add(id);
  }
  const startsAt = osloWallClock(osloDate(addDays(now, 1)), '14:00');
  const request: HelpRequest = {
    id: 'req-1',
    centreId: 'hamar',
    group: 'besoksvenn',
    district: 'Sentrum',
    startsAt,
    durationMinutes: 90,
    flexibleUntil: null,
    summary: 'Besøk og en kopp kaffe',
    requirements: { language: null, policeCertificate: false, firstTimeFriendly: false, staffAlong: false },
    urgent: false,
    status: 'open',
    personId: 'p-1',
    createdBy: 's-1',
    // Requests posted from chat carry no coordinates (the form has none), as here.
    location: null,
    wave: 0,
  };
  const ctx: MatchContext = {
    now,
    currentDeclarationVersion: CURRENT_DECLARATION_VERSION,
    maxDistanceKm: 10,
    weeklyLoad,
    recentOffers,
    recentTasks,
    helpedBefore,
    excluded,
    timeZone: TIME_ZONE,
  };
  return { volunteers, ctx, request };
}

function timeCalls(p: Population, calls: number): { samples: number[]; eligible: number } {
  const samples: number[] = [];
  let eligible = 0;
  for (let i = 0; i < calls; i++) {
    const t0 = performance.now();
    eligible = eligibleVolunteers(p.request, p.volunteers, p.ctx).length;
    samples.push(performance.now() - t0);
  }
  return { samples, eligible };
}

async function measureCase(name: string, p: Population, o: Options, calls: number): Promise<MatchingCase> {
  timeCalls(p, Math.max(3, Math.ceil(calls / 10))); // warm-up: JIT
  const p50: number[] = [];
  const p99: number[] = [];
  let eligible = 0;
  for (let i = 0; i < o.runs; i++) {
    const r = timeCalls(p, calls);
    eligible = r.eligible;
    const l = latencies(r.samples);
    p50.push(l.p50);
    p99.push(l.p99);
    log(`  ${name} run ${i + 1}: ${calls} calls, ${r.eligible} of ${p.volunteers.length} eligible: p50 ${fmt(l.p50)} ms, p99 ${fmt(l.p99)} ms, max ${fmt(l.max)} ms`);
    await new Promise((ok) => setImmediate(ok));
  }
  return { pool: p.volunteers.length, eligible, calls, p50: figure(p50, 'ms'), p99: figure(p99, 'ms') };
}

export async function benchMatching(o: Options): Promise<MatchingResult> {
  log(`\n== 4. Matching: eligibleVolunteers among ${o.matchingPool} volunteers`);
  const pop = population(o.matchingPool, { allEligible: false });
  const realistic = await measureCase('realistic', pop, o, o.matchingCalls);
  const sqlFiltered = { ...pop, volunteers: pop.volunteers.filter((v) => v.status === 'approved' && v.groups.includes(pop.request.group)) };
  const prefiltered = o.matchingPrefiltered ? await measureCase('as loadMatchingPool returns it (approved, in group)', sqlFiltered, o, o.matchingCalls) : null;
  const worst = await measureCase('worst case (all eligible)', population(o.matchingPool, { allEligible: true }), o, o.matchingWorstCalls);
  const goal = { text: `matching among ${o.matchingPool}: p99 < 50 ms`, met: realistic.p99.median < 50 };
  log(`  realistic p99 ${fmtFigure(realistic.p99)} — goal < 50 ms ${goal.met ? 'met' : 'NOT met'}; worst case p99 ${fmtFigure(worst.p99)}`);
  return { realistic, prefiltered, worst, goal };
}
