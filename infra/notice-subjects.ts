// What a notice is about, read for the recipient rule (domain/audiences.ts): the centre, and the party
// the subject belongs to (who posted the request, recorded the consent, made the caregiver link).
import type { Queryable } from './db.ts';
import { SENDABLE_ACCOUNT } from './channels.ts';
import type { CentreStaff, NoticeRef, Party } from '../domain/audiences.ts';
import type { Role } from '../domain/types.ts';

export interface NoticeSubject {
  centreId: string;
  /** The member the subject belongs to; null for a centre-wide subject or one that is gone. */
  partyId: string | null;
}

const SUBJECT_SQL: Partial<Record<NoticeRef, string>> = {
  request: 'SELECT centre_id, created_by AS party_id FROM help_requests WHERE id = $1',
  assignment: 'SELECT r.centre_id, r.created_by AS party_id FROM assignments a JOIN help_requests r ON r.id = a.request_id WHERE a.id = $1',
  concern: 'SELECT r.centre_id, r.created_by AS party_id FROM concerns c JOIN help_requests r ON r.id = c.request_id WHERE c.id = $1',
  consent: 'SELECT p.centre_id, c.recorded_by AS party_id FROM consents c JOIN persons p ON p.id = c.person_id WHERE c.id = $1',
  feedback: 'SELECT r.centre_id, NULL::uuid AS party_id FROM visit_feedback f JOIN assignments a ON a.id = f.assignment_id JOIN help_requests r ON r.id = a.request_id WHERE f.id = $1',
  // A person's party is the caregiver who registered them (the link a caregiver made).
  person: 'SELECT centre_id, created_by AS party_id FROM persons WHERE id = $1',
  series: 'SELECT centre_id, created_by AS party_id FROM series WHERE id = $1',
  centre: 'SELECT id AS centre_id, NULL::uuid AS party_id FROM centres WHERE id = $1',
};

/** Null when the subject is gone, or is not one a party is found for (a member, a declaration: those notices are addressed). */
export async function noticeSubject(db: Queryable, ref: NoticeRef, refId: string): Promise<NoticeSubject | null> {
  const sql = SUBJECT_SQL[ref];
  if (!sql) return null;
  // A malformed id (not a uuid) is no subject: nothing to tell, rather than a failing job retried for ever.
  if (ref !== 'centre' && !/^[0-9a-f-]{36}$/i.test(refId)) return null;
  const rows = await db.query<{ centre_id: string; party_id: string | null }>(sql, [refId]);
  const r = rows[0];
  return r ? { centreId: r.centre_id, partyId: r.party_id } : null;
}

/** The member as the recipient rule sees them; null once they have left. */
export async function partyOf(db: Queryable, memberId: string): Promise<Party | null> {
  const rows = await db.query<{ id: string; role: Role; centre_id: string | null; centres: string[] | null; reachable: boolean }>(
    `SELECT m.id, m.role, m.centre_id,
            (SELECT array_agg(vc.centre_id ORDER BY vc.centre_id) FROM volunteer_centres vc WHERE vc.member_id = m.id) AS centres,
            -- Any channel the sender (jobs/reach.ts) may use counts, SMS among them.
            EXISTS (SELECT 1 FROM chat_identities c WHERE c.member_id = m.id AND ${SENDABLE_ACCOUNT}) AS reachable
       FROM members m WHERE m.id = $1 AND m.left_at IS NULL`,
    [memberId],
  );
  const r = rows[0];
  return r ? { memberId: r.id, role: r.role, centreIds: r.centre_id ? [r.centre_id] : (r.centres ?? []), reachable: r.reachable } : null;
}

/** A centre's coordinators and all its staff (coordinators included), who have not left. */
export async function centreStaff(db: Queryable, centreId: string): Promise<CentreStaff> {
  const rows = await db.query<{ id: string; role: Role }>(
    `SELECT id, role FROM members WHERE role IN ('staff', 'coordinator') AND centre_id = $1 AND left_at IS NULL ORDER BY id`,
    [centreId],
  );
  return { coordinators: rows.filter((r) => r.role === 'coordinator').map((r) => r.id), staff: rows.map((r) => r.id) };
}
