// Who may be offered a help request, and in which order. One set of predicates serves both the
// ranking (short-circuiting, for 100 000 volunteers) and the explanation a volunteer can ask for.

import { localSpans, windowsCover, windowsOverlap } from './availability.ts';
import { DEFAULT_POLICE_CERTIFICATE_VALIDITY_MONTHS, policeCertificateCounts, policeCertificateStatus } from './police-certificate.ts';
import type { AvailabilityWindow, HelpRequest, Volunteer } from './types.ts';

export interface MatchContext {
  now: Date;
  currentDeclarationVersion: number;
  maxDistanceKm: number;
  /** Tasks this ISO week, per volunteer id; absent means none. */
  weeklyLoad: ReadonlyMap<string, number>;
  recentOffers: ReadonlyMap<string, number>;
  recentTasks: ReadonlyMap<string, number>;
  /** Volunteers who have helped this request's person before. */
  helpedBefore: ReadonlySet<string>;
  /** Excluded by the person helped, or already offered/declined/cancelled this request. */
  excluded: ReadonlySet<string>;
  timeZone: string;
  /** Staff relaxed the request's area: any district of the centre will do. */
  anyArea?: boolean;
  /** How long a politiattest counts at the request's centre (default three years). */
  policeCertificateValidityMonths?: number;
}

export interface RankedCandidate {
  volunteerId: string;
  volunteer: Volunteer;
  helpedBefore: boolean;
  /** recentOffers + recentTasks: the fairness measure. */
  recentLoad: number;
  distanceKm: number | null;
}

export const INELIGIBILITY_REASONS = [
  'not_approved',
  'paused',
  'declaration_not_signed',
  'other_centre',
  'wrong_group',
  'comfort',
  'police_certificate',
  'language',
  'weekly_cap',
  'area',
  'unavailable',
  'excluded',
] as const;
export type IneligibilityReason = (typeof INELIGIBILITY_REASONS)[number];

/** The request and context reduced once to what the per-volunteer checks compare against. */
interface Probe {
  centreId: string;
  group: string;
  district: string;
  districtLower: string;
  lat: number;
  lon: number;
  hasLocation: boolean;
  language: string | null;
  policeCertificate: boolean;
  policeValidityMonths: number;
  firstTimeFriendly: boolean;
  staffAlong: boolean;
  /** Fixed requests need every span covered; flexible ones need any overlap. */
  spans: AvailabilityWindow[];
  flexible: boolean;
  now: Date;
  nowMs: number;
  declarationVersion: number;
  maxDistanceKm: number;
  anyArea: boolean;
  weeklyLoad: ReadonlyMap<string, number>;
  excluded: ReadonlySet<string>;
}

function prepare(request: HelpRequest, ctx: MatchContext): Probe {
  const start = request.startsAt;
  const until = request.flexibleUntil;
  const flexible = until !== null && until.getTime() > start.getTime();
  const end = flexible ? until : new Date(start.getTime() + Math.max(0, request.durationMinutes) * 60_000);
  return {
    centreId: request.centreId,
    group: request.group,
    district: request.district,
    districtLower: request.district.trim().toLowerCase(),
    lat: request.location?.lat ?? 0,
    lon: request.location?.lon ?? 0,
    hasLocation: request.location !== null,
    language: request.requirements.language?.toLowerCase() ?? null,
    policeCertificate: request.requirements.policeCertificate,
    policeValidityMonths: ctx.policeCertificateValidityMonths ?? DEFAULT_POLICE_CERTIFICATE_VALIDITY_MONTHS,
    firstTimeFriendly: request.requirements.firstTimeFriendly,
    staffAlong: request.requirements.staffAlong,
    spans: localSpans(start, end, ctx.timeZone),
    flexible,
    now: ctx.now,
    nowMs: ctx.now.getTime(),
    declarationVersion: ctx.currentDeclarationVersion,
    maxDistanceKm: ctx.maxDistanceKm,
    anyArea: ctx.anyArea === true,
    weeklyLoad: ctx.weeklyLoad,
    excluded: ctx.excluded,
  };
}

// ---- the predicates (true = passes) -------------------------------------------------------------

function isApproved(v: Volunteer): boolean {
  return v.status === 'approved';
}

/** Status 'paused' is reported as a pause, not as "not approved": the volunteer did it themselves. */
function isNotPaused(v: Volunteer, nowMs: number): boolean {
  return v.status !== 'paused' && (v.pausedUntil === null || v.pausedUntil.getTime() <= nowMs);
}

function hasSignedCurrentDeclaration(v: Volunteer, version: number): boolean {
  return v.signedDeclarationVersion === version;
}

function belongsToCentre(v: Volunteer, p: Probe): boolean {
  return v.centreIds.includes(p.centreId);
}

function inGroup(v: Volunteer, p: Probe): boolean {
  return v.groups.includes(p.group);
}

function comfortRespected(v: Volunteer, p: Probe): boolean {
  switch (v.comfort) {
    case 'any':
      return true;
    case 'first_time_friendly_only':
      return p.firstTimeFriendly;
    case 'staff_along_only':
      return p.staffAlong;
  }
}

function policeCertificateOk(v: Volunteer, p: Probe): boolean {
  if (!p.policeCertificate) return true;
  return policeCertificateCounts(policeCertificateStatus(v.policeCertificateCheckedAt, p.policeValidityMonths, p.now));
}

function speaksLanguage(v: Volunteer, p: Probe): boolean {
  if (p.language === null) return true;
  const langs = v.languages;
  for (let i = 0; i < langs.length; i++) {
    const l = langs[i]!;
    if (l === p.language || l.toLowerCase() === p.language) return true;
  }
  return false;
}

function underWeeklyCap(v: Volunteer, p: Probe): boolean {
  return (p.weeklyLoad.get(v.id) ?? 0) < v.weeklyCap;
}

function sameDistrict(v: Volunteer, p: Probe): boolean {
  const d = v.district;
  // Exact equality first: within a centre districts are mostly spelled alike, and it allocates nothing.
  if (d === p.district) return p.districtLower !== '';
  return d.trim().toLowerCase() === p.districtLower && p.districtLower !== '';
}

/** NaN when either location is unknown. */
function distanceToRequest(v: Volunteer, p: Probe): number {
  const loc = v.location;
  if (loc === null || !p.hasLocation) return Number.NaN;
  return haversineKm(loc.lat, loc.lon, p.lat, p.lon);
}

function areaMatches(v: Volunteer, p: Probe, distance: number): boolean {
  return p.anyArea || sameDistrict(v, p) || distance <= p.maxDistanceKm; // NaN <= x is false
}

function isAvailable(v: Volunteer, p: Probe): boolean {
  const spans = p.spans;
  const windows = v.availability;
  if (p.flexible) {
    for (let i = 0; i < spans.length; i++) {
      const s = spans[i]!;
      if (windowsOverlap(windows, s.weekday, s.fromMinute, s.toMinute)) return true;
    }
    return false;
  }
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i]!;
    if (!windowsCover(windows, s.weekday, s.fromMinute, s.toMinute)) return false;
  }
  return true;
}

function notExcluded(v: Volunteer, p: Probe): boolean {
  return !p.excluded.has(v.id);
}

// ---- public API ---------------------------------------------------------------------------------

/**
 * Reasons that hold regardless of any particular request — what the bot tells a volunteer who asks
 * why they get no offers at all.
 */
export function accountIneligibilityReasons(
  volunteer: Volunteer,
  ctx: Pick<MatchContext, 'now' | 'currentDeclarationVersion'>,
): IneligibilityReason[] {
  const reasons: IneligibilityReason[] = [];
  if (!isApproved(volunteer) && volunteer.status !== 'paused') reasons.push('not_approved');
  if (!isNotPaused(volunteer, ctx.now.getTime())) reasons.push('paused');
  if (!hasSignedCurrentDeclaration(volunteer, ctx.currentDeclarationVersion)) reasons.push('declaration_not_signed');
  return reasons;
}

/** Every reason this volunteer would not be offered this request, in INELIGIBILITY_REASONS order; empty = eligible. */
export function ineligibilityReasons(
  request: HelpRequest,
  volunteer: Volunteer,
  ctx: MatchContext,
): IneligibilityReason[] {
  const p = prepare(request, ctx);
  const v = volunteer;
  const reasons = accountIneligibilityReasons(v, ctx);
  if (!belongsToCentre(v, p)) reasons.push('other_centre');
  if (!inGroup(v, p)) reasons.push('wrong_group');
  if (!comfortRespected(v, p)) reasons.push('comfort');
  if (!policeCertificateOk(v, p)) reasons.push('police_certificate');
  if (!speaksLanguage(v, p)) reasons.push('language');
  if (!underWeeklyCap(v, p)) reasons.push('weekly_cap');
  if (!areaMatches(v, p, distanceToRequest(v, p))) reasons.push('area');
  if (!isAvailable(v, p)) reasons.push('unavailable');
  if (!notExcluded(v, p)) reasons.push('excluded');
  return reasons;
}

/**
 * Eligible volunteers, best first: those who helped this person before (continuity), then the
 * fewest recent offers + tasks (so the same eager few do not get everything), then the nearest
 * (unknown distance last), then by id so equal candidates always come out in the same order.
 */
export function eligibleVolunteers(
  request: HelpRequest,
  volunteers: readonly Volunteer[],
  ctx: MatchContext,
): RankedCandidate[] {
  const p = prepare(request, ctx);
  const { recentOffers, recentTasks, helpedBefore } = ctx;
  const out: RankedCandidate[] = [];
  for (let i = 0; i < volunteers.length; i++) {
    const v = volunteers[i]!;
    // Field tests first; map and set lookups (cache misses on large pools) last.
    if (
      !isApproved(v) ||
      !isNotPaused(v, p.nowMs) ||
      !hasSignedCurrentDeclaration(v, p.declarationVersion) ||
      !belongsToCentre(v, p) ||
      !inGroup(v, p) ||
      !comfortRespected(v, p) ||
      !policeCertificateOk(v, p) ||
      !speaksLanguage(v, p) ||
      !isAvailable(v, p)
    ) {
      continue;
    }
    const distance = distanceToRequest(v, p);
    if (!areaMatches(v, p, distance) || !underWeeklyCap(v, p) || !notExcluded(v, p)) continue;
    const id = v.id;
    out.push({
      volunteerId: id,
      volunteer: v,
      helpedBefore: helpedBefore.has(id),
      recentLoad: (recentOffers.get(id) ?? 0) + (recentTasks.get(id) ?? 0),
      distanceKm: Number.isNaN(distance) ? null : distance,
    });
  }
  return rank(out);
}

// Ranking is defined on whole metres and on a load capped at 65 535 so that it packs into a
// 64-bit key: a native BigUint64Array sort of 100 000 keys is several times faster than Array#sort
// with a comparator, which alone would use up the latency budget. The id tie-break is packed too,
// as the candidate's position in id order (see idOrder).
const MAX_RANK_LOAD = 0xffff;
const UNKNOWN_DISTANCE_M = 2 ** 27 - 1; // more than half the Earth's circumference
const INDEX_BITS = 20;
const MAX_PACKED = 2 ** INDEX_BITS;
const INDEX_MASK = MAX_PACKED - 1;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const LO = LITTLE_ENDIAN ? 0 : 1;
const HI = 1 - LO;

function rankLoad(load: number): number {
  if (!(load > 0)) return 0; // also NaN
  return load >= MAX_RANK_LOAD ? MAX_RANK_LOAD : Math.floor(load);
}

function rankDistance(distanceKm: number | null): number {
  if (distanceKm === null || !Number.isFinite(distanceKm)) return UNKNOWN_DISTANCE_M;
  return Math.min(UNKNOWN_DISTANCE_M - 1, Math.max(0, Math.round(distanceKm * 1000)));
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The ranking order as a comparator; eligibleVolunteers returns exactly this order. */
export function compareCandidates(a: RankedCandidate, b: RankedCandidate): number {
  if (a.helpedBefore !== b.helpedBefore) return a.helpedBefore ? -1 : 1;
  const la = rankLoad(a.recentLoad);
  const lb = rankLoad(b.recentLoad);
  if (la !== lb) return la - lb;
  const da = rankDistance(a.distanceKm);
  const db = rankDistance(b.distanceKm);
  if (da !== db) return da - db;
  return compareIds(a.volunteerId, b.volunteerId);
}

/**
 * Key, high to low bit: not-helped-before (1) | load (16) | distance in metres (27) | position in
 * id order (20). The position is unique, so the sorted keys are the final order.
 */
function rank(candidates: RankedCandidate[]): RankedCandidate[] {
  const n = candidates.length;
  if (n < 2) return candidates;
  if (n > MAX_PACKED) return candidates.sort(compareCandidates);
  const byIdPosition = idOrder(candidates);
  const idPosition = new Uint32Array(n);
  for (let pos = 0; pos < n; pos++) idPosition[byIdPosition[pos]!] = pos;
  const keys = new BigUint64Array(n);
  const halves = new Uint32Array(keys.buffer);
  for (let i = 0; i < n; i++) {
    const c = candidates[i]!;
    const d = rankDistance(c.distanceKm);
    halves[2 * i + HI] = ((c.helpedBefore ? 0 : 2 ** 31) + rankLoad(c.recentLoad) * 2 ** 15 + Math.floor(d / 2 ** 12)) >>> 0;
    halves[2 * i + LO] = (((d & 0xfff) << INDEX_BITS) | idPosition[i]!) >>> 0;
  }
  keys.sort();
  const ranked = new Array<RankedCandidate>(n);
  for (let j = 0; j < n; j++) ranked[j] = candidates[byIdPosition[halves[2 * j + LO]! & INDEX_MASK]!]!;
  return ranked;
}

const PREFIX_CHARS = 5;

/**
 * Candidate indices in id order. The first five UTF-16 code units of each id, one byte each, plus
 * the index make a 64-bit key for a native sort; only ids sharing that prefix are then compared as
 * strings. Byte per unit: 0 = end of id, unit + 1 below 254, 255 = "254 or above" — after which the
 * rest of the prefix is left 0 so that the byte order never contradicts the string order.
 */
function idOrder(candidates: readonly RankedCandidate[]): Uint32Array {
  const n = candidates.length;
  const keys = new BigUint64Array(n);
  const halves = new Uint32Array(keys.buffer);
  for (let i = 0; i < n; i++) {
    const id = candidates[i]!.volunteerId;
    let prefix = 0; // 40 bits, safe in a double
    let truncated = false;
    for (let k = 0; k < PREFIX_CHARS; k++) {
      let byte = 0;
      if (!truncated && k < id.length) {
        const unit = id.charCodeAt(k);
        if (unit >= 254) {
          byte = 255;
          truncated = true;
        } else {
          byte = unit + 1;
        }
      } else {
        truncated = true;
      }
      prefix = prefix * 256 + byte;
    }
    halves[2 * i + HI] = Math.floor(prefix / 256) >>> 0;
    halves[2 * i + LO] = (((prefix & 0xff) << INDEX_BITS) | i) >>> 0;
  }
  keys.sort();
  const order = new Uint32Array(n);
  for (let j = 0; j < n; j++) order[j] = halves[2 * j + LO]! & INDEX_MASK;
  let groupStart = 0;
  for (let j = 1; j <= n; j++) {
    const samePrefix =
      j < n &&
      halves[2 * j + HI] === halves[2 * groupStart + HI] &&
      halves[2 * j + LO]! >>> INDEX_BITS === halves[2 * groupStart + LO]! >>> INDEX_BITS;
    if (samePrefix) continue;
    if (j - groupStart > 1) {
      order
        .subarray(groupStart, j)
        .sort((a, b) => compareIds(candidates[a]!.volunteerId, candidates[b]!.volunteerId) || a - b);
    }
    groupStart = j;
  }
  return order;
}

/** The next `waveSize` candidates in rank order who have not yet been offered the request. */
export function takeWave(
  ranked: readonly RankedCandidate[],
  alreadyOffered: ReadonlySet<string>,
  waveSize: number,
): RankedCandidate[] {
  if (!Number.isInteger(waveSize) || waveSize < 0) {
    throw new RangeError(`waveSize must be a non-negative integer, got ${waveSize}`);
  }
  const wave: RankedCandidate[] = [];
  for (let i = 0; i < ranked.length && wave.length < waveSize; i++) {
    const c = ranked[i]!;
    if (!alreadyOffered.has(c.volunteerId)) wave.push(c);
  }
  return wave;
}

const EARTH_RADIUS_KM = 6371.0088;
const RAD = Math.PI / 180;

/** Great-circle distance; plenty precise for "within 10 km of home". */
export function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const dLat = (lat2 - lat1) * RAD;
  const dLon = (lon2 - lon1) * RAD;
  const s1 = Math.sin(dLat / 2);
  const s2 = Math.sin(dLon / 2);
  const h = s1 * s1 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * s2 * s2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}
