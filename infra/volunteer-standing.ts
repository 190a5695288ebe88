// Whether a volunteer is in good standing to take work or see a task's details: the reads the accept,
// the reveal and the series ask. Rules only read here, so the offer, series and volunteer stores can
// all ask without importing each other.
import type { Queryable } from './db.ts';
import { CENTRE_STANDING } from './centre-standing.ts';
import { mayReveal, type RevealSubject, type Viewer } from '../domain/confidentiality.ts';

/**
 * SQL: volunteer $2 may take work at $3 for the centre `centre` (an SQL expression) — approved there,
 * not paused, still a member (the same standing `volunteerMaySee` asks, so a won accept is never one that
 * may not see what it won), current declaration ($4) signed.
 */
export const volunteerMayAccept = (centre: string) => `EXISTS (SELECT 1 FROM volunteers v JOIN volunteer_centres vc ON vc.member_id = v.member_id AND vc.centre_id = ${centre}
            JOIN members m ON m.id = v.member_id AND m.left_at IS NULL
            WHERE v.member_id = $2 AND ${CENTRE_STANDING} = 'approved' AND (v.paused_until IS NULL OR v.paused_until <= $3))
          AND EXISTS (SELECT 1 FROM declaration_signatures s WHERE s.member_id = $2 AND s.version = $4)`;

/** Whether the confidentiality rule lets this volunteer see the person's details of `subject` now (domain/confidentiality.ts). */
export async function volunteerMaySee(db: Queryable, volunteerId: string, subject: RevealSubject): Promise<boolean> {
  const viewer = await volunteerViewer(db, volunteerId);
  return viewer !== null && mayReveal(viewer, subject);
}

/** Who a volunteer is to the confidentiality rule: the centres where they are approved (domain/confidentiality.ts, Viewer). */
export async function volunteerViewer(db: Queryable, memberId: string): Promise<Viewer | null> {
  const rows = await db.query<{ centres: string[] | null }>(viewerCentresSql('$1'), [memberId]);
  return viewerOf(memberId, rows[0]?.centres);
}

/**
 * SQL: one row with `centres`, the centres where volunteer `member` (a parameter) is approved, or no
 * row when they are no (current) volunteer — for a statement that reads the viewer with something else.
 */
export const viewerCentresSql = (member: string) => `SELECT array_agg(vc.centre_id ORDER BY vc.centre_id) FILTER (WHERE ${CENTRE_STANDING} = 'approved') AS centres
       FROM members m JOIN volunteers v ON v.member_id = m.id LEFT JOIN volunteer_centres vc ON vc.member_id = v.member_id
      WHERE m.id = ${member} AND m.left_at IS NULL AND m.role = 'volunteer' GROUP BY m.id`;

/** The Viewer from a `viewerCentresSql` read: `undefined` when it found no row (no volunteer), `null` centres for none approved. */
export function viewerOf(memberId: string, centres: string[] | null | undefined): Viewer | null {
  return centres === undefined ? null : { memberId, role: 'volunteer', centreIds: centres ?? [] };
}
