// Family caregivers: who they are, the people they care for, and their requests.
import type { Database, Queryable } from './db.ts';
import type { ChatAccount } from './identities.ts';
import { linkAccount } from './identities.ts';
import { NOT_DONE, SOONEST_FIRST, toHelpRequest } from './request-row.ts';
import type { HelpRequest, Role } from '../domain/types.ts';

export async function registerCaregiver(db: Database, input: { account: ChatAccount; name: string; phone: string; centreId: string; locale: string }): Promise<string> {
  return db.transaction(async (tx) => {
    const rows = await tx.query<{ id: string }>(
      `INSERT INTO members (role, centre_id, name, phone, locale) VALUES ('caregiver', $1, $2, $3, $4) RETURNING id`,
      [input.centreId, input.name, input.phone, input.locale],
    );
    await linkAccount(tx, input.account, rows[0]!.id);
    return rows[0]!.id;
  });
}

/** Who asked (a caregiver, or a person helped for themselves): name and phone, for staff to call, and the role. */
export async function caregiverContact(db: Queryable, memberId: string): Promise<{ name: string; phone: string; role: Role } | null> {
  const rows = await db.query<{ name: string | null; phone: string | null; role: Role }>('SELECT name, phone, role FROM members WHERE id = $1', [memberId]);
  return rows[0] ? { name: rows[0].name ?? '', phone: rows[0].phone ?? '', role: rows[0].role } : null;
}

/** The people this caregiver registered: the only ones they may ask for. */
export async function personsOfCaregiver(db: Queryable, memberId: string): Promise<Array<{ id: string; name: string; district: string }>> {
  return db.query<{ id: string; name: string; district: string }>(
    // A link staff rejected is no longer the caregiver's to ask for.
    `SELECT id, name, district FROM persons WHERE created_by = $1 AND erased_at IS NULL AND link_status IS DISTINCT FROM 'rejected' ORDER BY name`,
    [memberId],
  );
}

/**
 * What the caregiver wrote about the person for volunteers (persons.notes of a person they
 * registered): the starting text of the note to the volunteer when they ask for help.
 */
export async function caregiverNoteFor(db: Queryable, memberId: string, personId: string): Promise<string | null> {
  const rows = await db.query<{ notes: string | null }>(
    `SELECT notes FROM persons WHERE id = $1 AND created_by = $2 AND erased_at IS NULL`,
    [personId, memberId],
  );
  return rows[0]?.notes ?? null;
}

/** The caregiver who asked confirms a visit still suits them (once; again changes nothing). */
export async function confirmVisitByCaregiver(db: Queryable, input: { assignmentId: string; caregiverId: string; at: Date }): Promise<boolean> {
  const rows = await db.query(
    `UPDATE assignments a SET caregiver_confirmed_at = COALESCE(a.caregiver_confirmed_at, $3)
       FROM help_requests r
      WHERE a.id = $1 AND r.id = a.request_id AND r.created_by = $2 AND a.status = 'active' RETURNING a.id`,
    [input.assignmentId, input.caregiverId, input.at],
  );
  return rows.length > 0;
}

export interface CaregiverRequest {
  request: HelpRequest;
  personFirstName: string;
  volunteerFirstName: string | null;
  /** Only when the volunteer chose to share it with caregivers. */
  volunteerPhone: string | null;
  /** Held until staff confirm the caregiver's link to the person. */
  awaitingVerification: boolean;
  /** Ended without the visit happening (the volunteer cancelled after the start, or reported it not done). */
  notDone: boolean;
  /** When it was saved: its first offers wait from then through quiet hours. */
  createdAt: Date;
}

/** SQL over `members m` and `volunteers v`: what a caregiver may know of a volunteer — first name, and the phone only if shared. */
const AS_SEEN_BY_CAREGIVER = `split_part(m.name, ' ', 1) AS volunteer_first_name, CASE WHEN v.share_phone THEN m.phone END AS volunteer_phone`;

/** A volunteer as the caregiver who asked sees them: first name, and the phone only if they chose to share it. */
export async function volunteerForCaregiver(db: Queryable, volunteerId: string): Promise<{ firstName: string; phone: string | null }> {
  const rows = await db.query<{ volunteer_first_name: string | null; volunteer_phone: string | null }>(
    `SELECT ${AS_SEEN_BY_CAREGIVER} FROM members m LEFT JOIN volunteers v ON v.member_id = m.id WHERE m.id = $1`,
    [volunteerId],
  );
  return { firstName: rows[0]?.volunteer_first_name ?? '', phone: rows[0]?.volunteer_phone ?? null };
}

export async function requestsOfCaregiver(db: Queryable, memberId: string, limit = 20): Promise<CaregiverRequest[]> {
  const rows = await db.query<Parameters<typeof toHelpRequest>[0] & { person_name: string | null; volunteer_first_name: string | null; volunteer_phone: string | null; link_status: string | null; not_done: boolean; created_at: Date }>(
    `SELECT r.*, p.name AS person_name, p.link_status, ${AS_SEEN_BY_CAREGIVER}, ${NOT_DONE} AS not_done
       FROM help_requests r LEFT JOIN persons p ON p.id = r.person_id LEFT JOIN members m ON m.id = r.assigned_volunteer_id
       LEFT JOIN volunteers v ON v.member_id = r.assigned_volunteer_id
      WHERE r.created_by = $1
      ORDER BY ${SOONEST_FIRST} LIMIT $2`,
    [memberId, limit],
  );
  const first = (s: string | null) => (s ?? '').split(/\s+/)[0] ?? '';
  return rows.map((r) => ({
    request: toHelpRequest(r),
    personFirstName: first(r.person_name),
    volunteerFirstName: r.volunteer_first_name || null,
    volunteerPhone: r.volunteer_phone,
    awaitingVerification: r.status === 'waiting_consent' && r.link_status === 'pending',
    notDone: r.not_done,
    createdAt: r.created_at,
  }));
}
