// What matching needs to know about the candidates for one request, read in one round-trip.
import { plannedOnEachRunSql, type Queryable } from './db.ts';
import { toVolunteer, type VolunteerRow } from './volunteer-row.ts';
import { CENTRE_STANDING } from './centre-standing.ts';
import type { Volunteer } from '../domain/types.ts';

/**
 * Planned on each run (infra/db.ts plannedOnEachRunSql): it runs once per wave, and a plan kept from
 * when `offers` was small counted each candidate's offers by reading the whole table — a wave to
 * 10 000 took 15–28 s instead of 0.3 s once offers held a few tens of thousands of rows.
 */
const MATCHING_POOL = plannedOnEachRunSql(
  `SELECT v.member_id, ${CENTRE_STANDING} AS status, v.district, v.postcode, v.lat, v.lon, v.groups, v.languages, v.availability, v.weekly_cap,
          v.comfort, v.police_certificate_checked_on, v.paused_until, NULL AS name, NULL AS phone, NULL AS email,
          ARRAY[$1::text] AS centres,
          (SELECT c.police_certificate_validity_months FROM centres c WHERE c.id = $1) AS police_validity,
          (SELECT max(version) FROM declaration_signatures s WHERE s.member_id = v.member_id) AS signed_version,
          (SELECT count(*)::int FROM assignments a JOIN help_requests r ON r.id = a.request_id
            WHERE a.volunteer_id = v.member_id AND a.status <> 'cancelled' AND r.starts_at >= $4 AND r.starts_at < $5) AS week_load,
          (SELECT count(*)::int FROM offers o WHERE o.volunteer_id = v.member_id AND o.created_at >= $6) AS recent_offers,
          (SELECT count(*)::int FROM assignments a WHERE a.volunteer_id = v.member_id AND a.assigned_at >= $6) AS recent_tasks,
          ($7::uuid IS NOT NULL AND EXISTS (SELECT 1 FROM assignments a JOIN help_requests r ON r.id = a.request_id
            WHERE a.volunteer_id = v.member_id AND r.person_id = $7 AND a.status <> 'cancelled')) AS helped,
          (EXISTS (SELECT 1 FROM offers o WHERE o.request_id = $3 AND o.volunteer_id = v.member_id)
            OR EXISTS (SELECT 1 FROM assignments a WHERE a.request_id = $3 AND a.volunteer_id = v.member_id)) AS excluded
     FROM volunteers v
     JOIN volunteer_centres vc ON vc.member_id = v.member_id AND vc.centre_id = $1
    WHERE ${CENTRE_STANDING} = 'approved' AND $2 = ANY(v.groups)`,
);

/** Everything matching needs about the candidates for one request, in one round-trip each. */
export async function loadMatchingPool(
  db: Queryable,
  q: { centreId: string; group: string; requestId: string; personId: string | null; weekStart: Date; weekEnd: Date; since: Date },
): Promise<{
  volunteers: Volunteer[];
  weeklyLoad: Map<string, number>;
  recentOffers: Map<string, number>;
  recentTasks: Map<string, number>;
  helpedBefore: Set<string>;
  excluded: Set<string>;
  /** How long a politiattest counts at this centre (undefined when nobody is in the pool). */
  policeCertificateValidityMonths: number | undefined;
}> {
  const rows = await db.query<VolunteerRow & { week_load: number; recent_offers: number; recent_tasks: number; helped: boolean; excluded: boolean; police_validity: number }>(
    MATCHING_POOL,
    [q.centreId, q.group, q.requestId, q.weekStart, q.weekEnd, q.since, q.personId],
  );
  const pool = {
    volunteers: [] as Volunteer[],
    weeklyLoad: new Map<string, number>(),
    recentOffers: new Map<string, number>(),
    recentTasks: new Map<string, number>(),
    helpedBefore: new Set<string>(),
    excluded: new Set<string>(),
    policeCertificateValidityMonths: rows[0]?.police_validity,
  };
  for (const r of rows) {
    pool.volunteers.push(toVolunteer(r));
    pool.weeklyLoad.set(r.member_id, r.week_load);
    pool.recentOffers.set(r.member_id, r.recent_offers);
    pool.recentTasks.set(r.member_id, r.recent_tasks);
    if (r.helped) pool.helpedBefore.add(r.member_id);
    if (r.excluded) pool.excluded.add(r.member_id);
  }
  return pool;
}
