// The coordinator's weekly digest: last week in figures, and what needs action now.
import { addDays, subDays } from 'date-fns';
import { TZDate } from '@date-fns/tz';
import type { Queryable } from './db.ts';
import { centreReport } from './reports.ts';
import { CENTRE_STANDING } from './centre-standing.ts';
import { TIME_ZONE } from '../domain/time-zone.ts';

export interface Digest {
  lastWeek: { posted: number; filled: number; done: number; hours: number };
  /** Open requests starting within 48 hours that nobody has taken. */
  unfilledSoon: number;
  /** Persons whose consent runs out within 30 days. */
  consentsExpiring: number;
  /** Approved volunteers with no task and no answered offer for 90 days. */
  inactiveVolunteers: number;
}

/** SQL: persons of centre `c` whose consent runs out between `from` and `until` with none after it. */
function consentsExpiring(c: string, from: string, until: string): string {
  return `(SELECT count(DISTINCT c.person_id)::int FROM consents c JOIN persons p ON p.id = c.person_id
         WHERE p.centre_id = ${c} AND p.erased_at IS NULL AND c.withdrawn_at IS NULL AND c.valid_until BETWEEN ${from} AND ${until}
           AND NOT EXISTS (SELECT 1 FROM consents later WHERE later.person_id = c.person_id AND later.valid_until > ${until}))`;
}

export async function weeklyDigest(db: Queryable, centreId: string, now: Date): Promise<Digest> {
  const report = await centreReport(db, { centreId, from: subDays(now, 7), to: now, groupBy: [] });
  const f = report.rows.find((r) => r.dimension === 'total')!.figures;
  const [counts] = await db.query<{ unfilled: number; consents: number; inactive: number }>(
    `SELECT
       (SELECT count(*)::int FROM help_requests WHERE centre_id = $1 AND status = 'open' AND starts_at BETWEEN $2 AND $3) AS unfilled,
       ${consentsExpiring('$1', '$2', '$4')} AS consents,
       (SELECT count(*)::int FROM volunteers v JOIN volunteer_centres vc ON vc.member_id = v.member_id AND vc.centre_id = $1
         WHERE ${CENTRE_STANDING} = 'approved' AND coalesce(vc.approved_at, v.approved_at, $5) < $5
           AND NOT EXISTS (SELECT 1 FROM offers o WHERE o.volunteer_id = v.member_id AND o.responded_at >= $5)
           AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.volunteer_id = v.member_id AND a.assigned_at >= $5)) AS inactive`,
    [centreId, now, addDays(now, 2), addDays(now, 30), subDays(now, 90)],
  );
  return {
    lastWeek: { posted: f.requestsPosted, filled: f.requestsFilled, done: f.tasksDone, hours: f.hoursGiven },
    unfilledSoon: counts!.unfilled,
    consentsExpiring: counts!.consents,
    inactiveVolunteers: counts!.inactive,
  };
}

export async function coordinatorsOf(db: Queryable): Promise<Array<{ memberId: string; centreId: string }>> {
  const rows = await db.query<{ id: string; centre_id: string }>(`SELECT id, centre_id FROM members WHERE role = 'coordinator' AND left_at IS NULL AND centre_id IS NOT NULL`);
  return rows.map((r) => ({ memberId: r.id, centreId: r.centre_id }));
}

/** The staff channel's morning overview: what still needs a volunteer today and tomorrow, and what waits on staff. */
export interface DailyDigest {
  /** Open requests later today (Europe/Oslo) that nobody has taken. */
  unfilledToday: number;
  /** Open requests tomorrow that nobody has taken: «3 oppdrag uten frivillig i morgen». */
  unfilledTomorrow: number;
  consentsExpiring: number;
  /** Volunteers of the centre waiting for approval. */
  pendingVolunteers: number;
}

export async function dailyDigest(db: Queryable, centreId: string, now: Date): Promise<DailyDigest> {
  const today = new TZDate(now.getTime(), TIME_ZONE);
  const day = (offset: number) => new Date(new TZDate(today.getFullYear(), today.getMonth(), today.getDate() + offset, 0, 0, 0, TIME_ZONE).getTime());
  const [r] = await db.query<{ today: number; tomorrow: number; consents: number; pending: number }>(
    `SELECT
       (SELECT count(*)::int FROM help_requests WHERE centre_id = $1 AND status = 'open' AND starts_at >= $2 AND starts_at < $3) AS today,
       (SELECT count(*)::int FROM help_requests WHERE centre_id = $1 AND status = 'open' AND starts_at >= $3 AND starts_at < $4) AS tomorrow,
       ${consentsExpiring('$1', '$2', '$5')} AS consents,
       (SELECT count(*)::int FROM volunteers v JOIN volunteer_centres vc ON vc.member_id = v.member_id AND vc.centre_id = $1 WHERE ${CENTRE_STANDING} = 'pending') AS pending`,
    [centreId, now, day(1), day(2), addDays(now, 30)],
  );
  return { unfilledToday: r!.today, unfilledTomorrow: r!.tomorrow, consentsExpiring: r!.consents, pendingVolunteers: r!.pending };
}
