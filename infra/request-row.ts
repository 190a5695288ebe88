// A request as its row reads, for every store that reads help_requests: the row's shape and its
// HelpRequest, the SQL for when its task is over or may last start, and its private details. Reads
// only, so the stores that need them do not import the request store (infra/requests.ts) and its
// workflows (.dependency-cruiser.cjs, stores-do-not-run-other-stores-workflows).
import type { Queryable } from './db.ts';
import type { HelpRequest, PrivateRequestDetails, RequestStatus } from '../domain/types.ts';

export interface RequestRow {
  id: string;
  centre_id: string;
  group_key: string;
  district: string;
  lat: number | null;
  lon: number | null;
  starts_at: Date;
  duration_minutes: number;
  flexible_until: Date | null;
  summary: string;
  language: string | null;
  police_certificate: boolean;
  first_time_friendly: boolean;
  staff_along: boolean;
  urgent: boolean;
  person_id: string | null;
  created_by: string;
  status: RequestStatus;
  wave: number;
  area_relaxed?: boolean;
}

/** SQL over a help_requests alias: the columns toHelpRequest reads, none of the private details. */
export const requestRowColumns = (r: string) =>
  `${r}.id, ${r}.centre_id, ${r}.group_key, ${r}.district, ${r}.lat, ${r}.lon, ${r}.starts_at, ${r}.duration_minutes, ${r}.flexible_until, ${r}.summary, ` +
  `${r}.language, ${r}.police_certificate, ${r}.first_time_friendly, ${r}.staff_along, ${r}.urgent, ${r}.person_id, ${r}.created_by, ${r}.status, ${r}.wave`;

export function toHelpRequest(r: RequestRow): HelpRequest {
  return {
    id: r.id,
    centreId: r.centre_id,
    group: r.group_key,
    district: r.district,
    startsAt: r.starts_at,
    durationMinutes: r.duration_minutes,
    flexibleUntil: r.flexible_until,
    summary: r.summary,
    requirements: {
      language: r.language,
      policeCertificate: r.police_certificate,
      firstTimeFriendly: r.first_time_friendly,
      staffAlong: r.staff_along,
    },
    urgent: r.urgent,
    status: r.status,
    personId: r.person_id,
    createdBy: r.created_by,
    location: r.lat !== null && r.lon !== null ? { lat: r.lat, lon: r.lon } : null,
    wave: r.wave,
  };
}

/**
 * SQL over a help_requests alias: when its task is over — start plus duration, or the end of a flexible
 * window (domain/lifecycle.ts taskEnd, the same rule).
 */
export const taskEndSql = (r: string) =>
  `GREATEST(${r}.starts_at + ${r}.duration_minutes * interval '1 minute', COALESCE(${r}.flexible_until, ${r}.starts_at))`;

/**
 * SQL over a help_requests alias: the last moment a volunteer can still start — the start, or for a
 * flexible window its end less the duration (domain/lifecycle.ts latestStart, the same rule). Until
 * then a held request may still be released and an open one still taken.
 */
export const latestStartSql = (r: string) =>
  `GREATEST(${r}.starts_at, COALESCE(${r}.flexible_until - ${r}.duration_minutes * interval '1 minute', ${r}.starts_at))`;

/** Private details of a request, for the assigned volunteer and staff only (see domain/confidentiality). */
export async function privateDetails(db: Queryable, requestId: string): Promise<PrivateRequestDetails | null> {
  const rows = await db.query<{ name: string | null; address: string | null; phone: string | null; meeting_place: string | null; handover_note: string | null; contact_name: string | null; contact_phone: string | null }>(
    `SELECT p.name, p.address, p.phone, r.meeting_place, r.handover_note, r.contact_name, r.contact_phone
       FROM help_requests r LEFT JOIN persons p ON p.id = r.person_id WHERE r.id = $1`,
    [requestId],
  );
  const r = rows[0];
  return r ? detailsFromRow(r, r) : null;
}

/** The private details from a help_requests row and its person's columns (erased ones read as empty). */
export function detailsFromRow(
  r: { meeting_place: string | null; handover_note: string | null; contact_name: string | null; contact_phone: string | null },
  person: { name: string | null; address: string | null; phone: string | null },
): PrivateRequestDetails {
  return {
    personName: person.name ?? '',
    address: person.address ?? '',
    phone: person.phone ?? '',
    meetingPlace: r.meeting_place,
    handoverNote: r.handover_note,
    contactName: r.contact_name,
    contactPhone: r.contact_phone,
  };
}

/**
 * SQL over `help_requests r`: ended without the visit happening — the volunteer cancelled once it had
 * started, or reported it not done. (A done request whose volunteer reported it done reads as done.)
 */
export const NOT_DONE = `(r.status = 'done' AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.request_id = r.id AND a.outcome = 'done'))`;

/**
 * SQL over `help_requests r`, the order every request list reads in: what is still to come, soonest
 * first, then what has ended, latest first.
 */
export const SOONEST_FIRST = `(r.status IN ('open', 'waiting_consent', 'taken')) DESC,
  CASE WHEN r.status IN ('open', 'waiting_consent', 'taken') THEN r.starts_at END ASC, r.starts_at DESC`;
