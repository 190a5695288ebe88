// Volunteers: sign-up, declaration, status, pause, approval, leaving — and the pool matching reads.
import type { Database, Queryable } from './db.ts';
import { forgetChannelsOf } from './channels.ts';
import type { ChatAccount } from './identities.ts';
import { linkAccount } from './identities.ts';
import { audit } from './audit.ts';
import { addOutbox } from './outbox.ts';
import { reopenRequest, type MatchingSettings } from './requests.ts';
import { leaveSeriesIn, seriesHeldBy } from './series.ts';
import { windowsFromKeys } from '../domain/availability.ts';
import type { VolunteerSignupFields } from '../adaptive-cards/actions.ts';
import type { AvailabilityWindow, TaskComfort, Volunteer, VolunteerStatus } from '../domain/types.ts';

export interface VolunteerProfile extends Volunteer {
  name: string;
  phone: string;
  email: string | null;
  /** Caregivers who asked for a task this volunteer took may see their phone. */
  sharePhone: boolean;
}

export interface VolunteerRow {
  member_id: string;
  status: VolunteerStatus;
  district: string;
  postcode: string | null;
  lat: number | null;
  lon: number | null;
  groups: string[];
  languages: string[];
  availability: AvailabilityWindow[];
  weekly_cap: number;
  comfort: TaskComfort;
  police_certificate_checked_on: string | null;
  paused_until: Date | null;
  centres: string[] | null;
  signed_version: number | null;
  name: string | null;
  phone: string | null;
  email: string | null;
  share_phone?: boolean;
}

const SELECT_VOLUNTEER = `
  SELECT v.*, m.name, m.phone, m.email,
         (SELECT array_agg(centre_id ORDER BY centre_id) FROM volunteer_centres vc WHERE vc.member_id = v.member_id) AS centres,
         (SELECT max(version) FROM declaration_signatures s WHERE s.member_id = v.member_id) AS signed_version
    FROM volunteers v JOIN members m ON m.id = v.member_id`;

export function toVolunteer(r: VolunteerRow): VolunteerProfile {
  return {
    id: r.member_id,
    centreIds: r.centres ?? [],
    status: r.status,
    district: r.district,
    postcode: r.postcode,
    location: r.lat !== null && r.lon !== null ? { lat: r.lat, lon: r.lon } : null,
    groups: r.groups,
    languages: r.languages,
    availability: r.availability,
    weeklyCap: r.weekly_cap,
    comfort: r.comfort,
    signedDeclarationVersion: r.signed_version,
    policeCertificateCheckedAt: r.police_certificate_checked_on ? new Date(`${r.police_certificate_checked_on}T00:00:00Z`) : null,
    pausedUntil: r.paused_until,
    name: r.name ?? '',
    phone: r.phone ?? '',
    email: r.email,
    sharePhone: r.share_phone === true,
  };
}

export async function setSharePhone(db: Queryable, memberId: string, on: boolean): Promise<void> {
  await db.query('UPDATE volunteers SET share_phone = $2 WHERE member_id = $1', [memberId, on]);
}

export async function getVolunteer(db: Queryable, memberId: string): Promise<VolunteerProfile | null> {
  const rows = await db.query<VolunteerRow>(`${SELECT_VOLUNTEER} WHERE v.member_id = $1 AND m.left_at IS NULL`, [memberId]);
  return rows[0] ? toVolunteer(rows[0]) : null;
}

/** Creates the volunteer (pending approval unless the centre approves automatically) or updates the profile. */
export async function saveVolunteerProfile(
  db: Database,
  input: { memberId: string | null; account: ChatAccount; fields: VolunteerSignupFields; centreIds: string[]; requireApproval: boolean; locale: string },
): Promise<{ memberId: string; created: boolean }> {
  const f = input.fields;
  return db.transaction(async (tx) => {
    let memberId = input.memberId;
    const created = memberId === null;
    if (memberId === null) {
      const m = await tx.query<{ id: string }>(
        `INSERT INTO members (role, name, phone, email, locale) VALUES ('volunteer', $1, $2, $3, $4) RETURNING id`,
        [f.name, f.phone, f.email, input.locale],
      );
      memberId = m[0]!.id;
      await tx.query(
        `INSERT INTO volunteers (member_id, status, district, postcode, groups, languages, availability, weekly_cap, comfort, approved_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [memberId, input.requireApproval ? 'pending' : 'approved', f.district, f.postcode, f.groups, f.languages,
          JSON.stringify(windowsFromKeys(f.availability)), f.weeklyCap, f.comfort, input.requireApproval ? null : new Date()],
      );
      for (const centreId of input.centreIds) {
        await tx.query('INSERT INTO volunteer_centres (member_id, centre_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [memberId, centreId]);
      }
      await linkAccount(tx, input.account, memberId);
    } else {
      await tx.query('UPDATE members SET name = $2, phone = $3, email = $4 WHERE id = $1', [memberId, f.name, f.phone, f.email]);
      await tx.query(
        `UPDATE volunteers SET district = $2, postcode = $3, groups = $4, languages = $5, availability = $6, weekly_cap = $7, comfort = $8
          WHERE member_id = $1`,
        [memberId, f.district, f.postcode, f.groups, f.languages, JSON.stringify(windowsFromKeys(f.availability)), f.weeklyCap, f.comfort],
      );
      await tx.query('DELETE FROM volunteer_centres WHERE member_id = $1 AND NOT (centre_id = ANY($2::text[]))', [memberId, input.centreIds]);
      for (const centreId of input.centreIds) {
        await tx.query('INSERT INTO volunteer_centres (member_id, centre_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [memberId, centreId]);
      }
    }
    return { memberId, created };
  });
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

/** Staff approve, pause or remove a volunteer; a first approval is announced to the volunteer. */
export async function setVolunteerStatus(db: Database, memberId: string, status: VolunteerStatus, by: string, at: Date): Promise<boolean> {
  return db.transaction(async (tx) => {
    const rows = await tx.query<{ previous: VolunteerStatus }>(
      `UPDATE volunteers v SET status = $2,
              approved_at = CASE WHEN $2 = 'approved' THEN $4::timestamptz ELSE v.approved_at END,
              approved_by = CASE WHEN $2 = 'approved' THEN $3::uuid ELSE v.approved_by END
         FROM volunteers old
        WHERE v.member_id = $1 AND old.member_id = v.member_id
        RETURNING old.status AS previous`,
      [memberId, status, by, at],
    );
    const previous = rows[0]?.previous;
    if (!previous) return false;
    if (status === 'approved' && previous === 'pending') await addOutbox(tx, 'volunteer.approved', memberId);
    if (status !== 'approved') await tx.query(`UPDATE offers SET status = 'withdrawn' WHERE volunteer_id = $1 AND status = 'pending'`, [memberId]);
    return true;
  });
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
    `SELECT v.member_id AS id, m.name, v.district, v.status, v.police_certificate_checked_on AS police,
            EXISTS (SELECT 1 FROM declaration_signatures s WHERE s.member_id = v.member_id AND s.version = $2) AS signed
       FROM volunteers v JOIN members m ON m.id = v.member_id
       JOIN volunteer_centres vc ON vc.member_id = v.member_id AND vc.centre_id = $1
      WHERE m.left_at IS NULL AND v.status <> 'removed'
      ORDER BY (v.status = 'pending') DESC, m.name`,
    [centreId, currentVersion],
  );
  return rows.map((r) => ({ id: r.id, name: r.name ?? '', district: r.district, status: r.status, signed: r.signed, policeCertificateCheckedOn: r.police }));
}

/**
 * A volunteer leaves: their profile and personal data are deleted; offers and assignments stay as
 * anonymous history (they reference the member id only). Open offers are withdrawn and upcoming
 * assignments cancelled so requests go out again.
 */
export async function leave(db: Database, memberId: string, at: Date, matching: MatchingSettings): Promise<{ reopenedRequestIds: string[] }> {
  return db.transaction(async (tx) => {
    await tx.query(`UPDATE offers SET status = 'withdrawn' WHERE volunteer_id = $1 AND status = 'pending'`, [memberId]);
    // A series they hold is given back whole: its caregiver hears once, not once per visit.
    for (const seriesId of await seriesHeldBy(tx, memberId)) await leaveSeriesIn(tx, { seriesId, volunteerId: memberId, now: at, matching });
    const reopened = await tx.query<{ id: string; request_id: string }>(
      `UPDATE assignments a SET status = 'cancelled', cancelled_at = $2, cancel_reason = 'volunteer_left'
         FROM help_requests r
        WHERE a.request_id = r.id AND a.volunteer_id = $1 AND a.status = 'active' AND r.starts_at > $2
        RETURNING a.id, a.request_id`,
      [memberId, at],
    );
    for (const a of reopened) await reopenRequest(tx, a.request_id, a.id, at, matching);
    await tx.query('DELETE FROM volunteers WHERE member_id = $1', [memberId]);
    await tx.query('DELETE FROM volunteer_centres WHERE member_id = $1', [memberId]);
    await forgetChannelsOf(tx, memberId);
    await tx.query('DELETE FROM chat_identities WHERE member_id = $1', [memberId]);
    await tx.query('UPDATE members SET name = NULL, phone = NULL, email = NULL, left_at = $2 WHERE id = $1', [memberId, at]);
    await audit(tx, { actorId: memberId, action: 'volunteer.leave', at });
    return { reopenedRequestIds: reopened.map((r) => r.request_id) };
  });
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
