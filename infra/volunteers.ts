// Volunteers: sign-up, declaration, status, pause, approval, leaving (their row's mapping: volunteer-row.ts;
// their standing to take or see work: volunteer-standing.ts).
import type { Queryable } from './db.ts';
import { forgetChannelsOf } from './channels.ts';
import type { ChatAccount } from './identities.ts';
import { linkAccount } from './identities.ts';
import { removeSubscriptionsOf } from './push-subscriptions.ts';
import { audit } from './audit.ts';
import { CENTRE_STANDING } from './centre-standing.ts';
import { addOutbox } from './outbox.ts';
import { SELECT_VOLUNTEER, toVolunteer, type VolunteerProfile, type VolunteerRow } from './volunteer-row.ts';
import { taskEndSql } from './request-row.ts';
import { windowsFromKeys } from '../domain/availability.ts';
import type { CancelReasonCode } from '../domain/confidentiality.ts';
import type { VolunteerSignupFields } from '../adaptive-cards/actions.ts';
import type { VolunteerStatus } from '../domain/types.ts';

export async function setSharePhone(db: Queryable, memberId: string, on: boolean): Promise<void> {
  await db.query('UPDATE volunteers SET share_phone = $2 WHERE member_id = $1', [memberId, on]);
}

export async function getVolunteer(db: Queryable, memberId: string): Promise<VolunteerProfile | null> {
  const rows = await db.query<VolunteerRow>(`${SELECT_VOLUNTEER} WHERE v.member_id = $1 AND m.left_at IS NULL`, [memberId]);
  return rows[0] ? toVolunteer(rows[0]) : null;
}

/**
 * The volunteer's own rows from the sign-up or profile form: a new member and volunteer (linked to
 * their chat account), or the changed profile and the centres they no longer chose (returned as `left`;
 * a centre that removed them keeps the record). The act: use-cases/save-volunteer-profile.ts.
 */
export async function saveProfileRows(
  tx: Queryable,
  input: { memberId: string | null; account: ChatAccount; fields: VolunteerSignupFields; centres: ReadonlyArray<{ id: string; requireApproval: boolean }>; locale: string; at: Date },
): Promise<{ memberId: string; created: boolean; left: string[] }> {
  const f = input.fields;
  const centreIds = input.centres.map((c) => c.id);
  let memberId = input.memberId;
  if (memberId === null) {
    const m = await tx.query<{ id: string }>(
      `INSERT INTO members (role, name, phone, email, locale) VALUES ('volunteer', $1, $2, $3, $4) RETURNING id`,
      [f.name, f.phone, f.email, input.locale],
    );
    memberId = m[0]!.id;
    const pending = input.centres.every((c) => c.requireApproval);
    await tx.query(
      `INSERT INTO volunteers (member_id, status, district, postcode, groups, languages, availability, weekly_cap, comfort, approved_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [memberId, pending ? 'pending' : 'approved', f.district, f.postcode, f.groups, f.languages,
        JSON.stringify(windowsFromKeys(f.availability)), f.weeklyCap, f.comfort, pending ? null : input.at],
    );
    await linkAccount(tx, input.account, memberId);
    return { memberId, created: true, left: [] };
  }
  await tx.query('UPDATE members SET name = $2, phone = $3, email = $4 WHERE id = $1', [memberId, f.name, f.phone, f.email]);
  await tx.query(
    `UPDATE volunteers SET district = $2, postcode = $3, groups = $4, languages = $5, availability = $6, weekly_cap = $7, comfort = $8
      WHERE member_id = $1`,
    [memberId, f.district, f.postcode, f.groups, f.languages, JSON.stringify(windowsFromKeys(f.availability)), f.weeklyCap, f.comfort],
  );
  const left = await tx.query<{ centre_id: string }>(
    `DELETE FROM volunteer_centres WHERE member_id = $1 AND NOT (centre_id = ANY($2::text[])) AND status IS DISTINCT FROM 'removed' RETURNING centre_id`,
    [memberId, centreIds],
  );
  return { memberId, created: false, left: left.map((c) => c.centre_id) };
}

/** The volunteer joins the centres they chose (each waits for its staff unless it approves automatically); returns the ones new to them. */
export async function joinCentres(tx: Queryable, memberId: string, centres: ReadonlyArray<{ id: string; requireApproval: boolean }>, at: Date): Promise<string[]> {
  const joined: string[] = [];
  for (const c of centres) {
    const rows = await tx.query(
      `INSERT INTO volunteer_centres (member_id, centre_id, status, approved_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING centre_id`,
      [memberId, c.id, c.requireApproval ? 'pending' : 'approved', c.requireApproval ? null : at],
    );
    if (rows.length > 0) joined.push(c.id);
  }
  await syncOverallStatus(tx, memberId);
  return joined;
}

/** volunteers.status follows the per-centre standing (for readers that know only the one status). */
export async function syncOverallStatus(tx: Queryable, memberId: string): Promise<void> {
  await tx.query(
    `UPDATE volunteers v SET status = COALESCE((
        SELECT CASE WHEN bool_or(s = 'approved') THEN 'approved' WHEN bool_or(s = 'pending') THEN 'pending'
                    WHEN bool_or(s = 'paused') THEN 'paused' ELSE 'removed' END
          FROM (SELECT ${CENTRE_STANDING} AS s FROM volunteer_centres vc WHERE vc.member_id = v.member_id) x), v.status)
      WHERE v.member_id = $1`,
    [memberId],
  );
}

export async function signDeclaration(
  db: Queryable,
  s: { memberId: string; version: number; account: ChatAccount; at: Date },
): Promise<void> {
  await db.query(
    `INSERT INTO declaration_signatures (member_id, version, signed_at, channel_id, user_id) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (member_id, version) DO NOTHING`,
    [s.memberId, s.version, s.at, s.account.channelId, s.account.userId],
  );
}

export async function pauseVolunteer(db: Queryable, memberId: string, until: Date | null): Promise<void> {
  await db.query('UPDATE volunteers SET paused_until = $2 WHERE member_id = $1', [memberId, until]);
}

/**
 * Staff set a volunteer's standing at their centre; a first approval there is announced to the
 * volunteer; any other standing withdraws their open offers there. Returns the standing before, or
 * null when the volunteer is not at the centre. Releasing their work: use-cases/set-volunteer-status.ts.
 */
export async function setCentreStanding(
  tx: Queryable,
  input: { memberId: string; centreId: string; status: VolunteerStatus; by: string; at: Date },
): Promise<VolunteerStatus | null> {
  const { memberId, centreId, status, at } = input;
  const rows = await tx.query<{ previous: VolunteerStatus }>(
    `SELECT ${CENTRE_STANDING} AS previous FROM volunteer_centres vc JOIN volunteers v ON v.member_id = vc.member_id
      WHERE vc.member_id = $1 AND vc.centre_id = $2 FOR UPDATE OF vc`,
    [memberId, centreId],
  );
  const previous = rows[0]?.previous;
  if (!previous) return null;
  await tx.query(
    `UPDATE volunteer_centres SET status = $3,
            approved_at = CASE WHEN $3 = 'approved' THEN $5::timestamptz ELSE approved_at END,
            approved_by = CASE WHEN $3 = 'approved' THEN $4::uuid ELSE approved_by END
      WHERE member_id = $1 AND centre_id = $2`,
    [memberId, centreId, status, input.by, at],
  );
  if (status === 'approved') {
    await tx.query(`UPDATE volunteers SET approved_at = $2, approved_by = $3 WHERE member_id = $1`, [memberId, at, input.by]);
    if (previous === 'pending') await addOutbox(tx, 'volunteer.approved', `${memberId}@${centreId}`);
  } else {
    await withdrawOffersAt(tx, memberId, centreId);
  }
  return previous;
}

/** Pending offers (single and series) of one centre's requests, or of every centre's. */
export async function withdrawOffersAt(tx: Queryable, memberId: string, centreId: string | null): Promise<void> {
  await tx.query(
    `UPDATE offers o SET status = 'withdrawn' FROM help_requests r
      WHERE o.request_id = r.id AND o.volunteer_id = $1 AND o.status = 'pending' AND ($2::text IS NULL OR r.centre_id = $2)`,
    [memberId, centreId],
  );
  await tx.query(
    `UPDATE series_offers o SET status = 'withdrawn' FROM series s
      WHERE o.series_id = s.id AND o.volunteer_id = $1 AND o.status = 'pending' AND ($2::text IS NULL OR s.centre_id = $2)`,
    [memberId, centreId],
  );
}

/**
 * A volunteer lost their standing at a centre (`centreId`; null: everywhere): every task of theirs
 * there that is not over ends with `reason`; returns those (assignment, request). What follows —
 * their offers and series there, the tasks going out again — is use-cases/release-volunteer-work.ts.
 */
export async function endAssignmentsAt(
  tx: Queryable,
  input: { memberId: string; centreId: string | null; reason: CancelReasonCode; at: Date },
): Promise<Array<{ id: string; requestId: string }>> {
  const released = await tx.query<{ id: string; request_id: string }>(
    `UPDATE assignments a SET status = 'cancelled', cancelled_at = $3, cancel_reason = $4
       FROM help_requests r
      WHERE a.request_id = r.id AND a.volunteer_id = $1 AND a.status = 'active' AND ($2::text IS NULL OR r.centre_id = $2)
        AND ${taskEndSql('r')} > $3
      RETURNING a.id, a.request_id`,
    [input.memberId, input.centreId, input.at, input.reason],
  );
  return released.map((a) => ({ id: a.id, requestId: a.request_id }));
}

export async function recordPoliceCertificate(db: Queryable, memberId: string, checkedOn: string): Promise<boolean> {
  const rows = await db.query('UPDATE volunteers SET police_certificate_checked_on = $2 WHERE member_id = $1 RETURNING member_id', [memberId, checkedOn]);
  return rows.length > 0;
}

export interface VolunteerListItem {
  id: string;
  name: string;
  district: string;
  status: VolunteerStatus;
  signed: boolean;
  policeCertificateCheckedOn: string | null;
}

export async function listVolunteers(db: Queryable, centreId: string, currentVersion: number): Promise<VolunteerListItem[]> {
  const rows = await db.query<{ id: string; name: string | null; district: string; status: VolunteerStatus; signed: boolean; police: string | null }>(
    `SELECT v.member_id AS id, m.name, v.district, ${CENTRE_STANDING} AS status, v.police_certificate_checked_on AS police,
            EXISTS (SELECT 1 FROM declaration_signatures s WHERE s.member_id = v.member_id AND s.version = $2) AS signed
       FROM volunteers v JOIN members m ON m.id = v.member_id
       JOIN volunteer_centres vc ON vc.member_id = v.member_id AND vc.centre_id = $1
      WHERE m.left_at IS NULL AND ${CENTRE_STANDING} <> 'removed'
      ORDER BY (${CENTRE_STANDING} = 'pending') DESC, m.name`,
    [centreId, currentVersion],
  );
  return rows.map((r) => ({ id: r.id, name: r.name ?? '', district: r.district, status: r.status, signed: r.signed, policeCertificateCheckedOn: r.police }));
}

/**
 * A volunteer leaves: their profile and personal data are deleted; offers and assignments stay as
 * anonymous history (they reference the member id only). Their work goes back first:
 * use-cases/leave-dugnad.ts.
 */
export async function forgetVolunteer(tx: Queryable, memberId: string, at: Date): Promise<void> {
  await tx.query('DELETE FROM volunteers WHERE member_id = $1', [memberId]);
  await tx.query('DELETE FROM volunteer_centres WHERE member_id = $1', [memberId]);
  await forgetChannelsOf(tx, memberId);
  await tx.query('DELETE FROM chat_identities WHERE member_id = $1', [memberId]);
  await removeSubscriptionsOf(tx, memberId);
  // Their calendar feed stops, and an invitation not yet used can no longer be.
  await tx.query('DELETE FROM calendar_feeds WHERE member_id = $1', [memberId]);
  await tx.query('UPDATE invitations SET replaced_at = $2 WHERE member_id = $1 AND accepted_at IS NULL AND replaced_at IS NULL', [memberId, at]);
  await tx.query('UPDATE members SET name = NULL, phone = NULL, email = NULL, left_at = $2 WHERE id = $1', [memberId, at]);
  await audit(tx, { actorId: memberId, action: 'volunteer.leave', at });
}

/** Volunteers who have signed an older declaration than `version` and must sign again. */
export async function volunteersToResign(db: Queryable, version: number): Promise<string[]> {
  const rows = await db.query<{ member_id: string }>(
    `SELECT v.member_id FROM volunteers v JOIN members m ON m.id = v.member_id
      WHERE m.left_at IS NULL AND v.status <> 'removed'
        AND EXISTS (SELECT 1 FROM declaration_signatures s WHERE s.member_id = v.member_id)
        AND NOT EXISTS (SELECT 1 FROM declaration_signatures s WHERE s.member_id = v.member_id AND s.version >= $1)`,
    [version],
  );
  return rows.map((r) => r.member_id);
}
