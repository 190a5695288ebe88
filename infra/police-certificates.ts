// Politiattest over time: whose check runs out soon (told once per check date), and how many of a
// centre's volunteers have one that counts, is about to run out, or has (for the report).
import type { Database, Queryable } from './db.ts';
import { policeCertificateStatus, type PoliceCertificateState } from '../domain/police-certificate.ts';
import { DEFAULT_POLICE_CERTIFICATE_VALIDITY_MONTHS } from '../domain/police-certificate.ts';

interface CheckRow {
  member_id: string;
  checked_on: string;
  centres: string[] | null;
  months: number | null;
}

/** Active volunteers with a check on record, and how long it counts (the strictest of their centres). */
const CHECKS = `
  SELECT v.member_id, v.police_certificate_checked_on AS checked_on,
         array_agg(vc.centre_id ORDER BY vc.centre_id) AS centres, min(c.police_certificate_validity_months) AS months
    FROM volunteers v JOIN members m ON m.id = v.member_id
    JOIN volunteer_centres vc ON vc.member_id = v.member_id JOIN centres c ON c.id = vc.centre_id
   WHERE m.left_at IS NULL AND v.status <> 'removed' AND v.police_certificate_checked_on IS NOT NULL`;

/**
 * Volunteers whose politiattest runs out within the notice period and who have not been told about
 * this check yet. Claims them in the same transaction (police_renewal_notified_for), so a re-run of
 * the daily job tells nobody twice; a new check date starts afresh. Already run out when first seen
 * (an old date from an import, say): recorded, not announced — the status and the lists show it.
 */
export async function policeCertificatesToRenew(db: Database, now: Date): Promise<Array<{ memberId: string; centreIds: string[]; checkedOn: string; expiresAt: Date }>> {
  return db.transaction(async (tx) => {
    const rows = await tx.query<CheckRow>(`${CHECKS} AND v.police_renewal_notified_for IS DISTINCT FROM v.police_certificate_checked_on GROUP BY v.member_id, v.police_certificate_checked_on`);
    const due: Array<{ memberId: string; centreIds: string[]; checkedOn: string; expiresAt: Date; announce: boolean }> = [];
    for (const r of rows) {
      const status = policeCertificateStatus(r.checked_on, r.months ?? DEFAULT_POLICE_CERTIFICATE_VALIDITY_MONTHS, now);
      if ((status.state === 'expiring' || status.state === 'expired') && status.expiresAt) {
        due.push({ memberId: r.member_id, centreIds: r.centres ?? [], checkedOn: r.checked_on, expiresAt: status.expiresAt, announce: status.state === 'expiring' });
      }
    }
    if (due.length === 0) return [];
    const claimed = await tx.query<{ member_id: string }>(
      `UPDATE volunteers v SET police_renewal_notified_for = t.checked_on
         FROM unnest($1::uuid[], $2::date[]) AS t(member_id, checked_on)
        WHERE v.member_id = t.member_id AND v.police_certificate_checked_on = t.checked_on
          AND v.police_renewal_notified_for IS DISTINCT FROM t.checked_on
        RETURNING v.member_id`,
      [due.map((d) => d.memberId), due.map((d) => d.checkedOn)],
    );
    const ok = new Set(claimed.map((c) => c.member_id));
    return due.filter((d) => d.announce && ok.has(d.memberId)).map(({ announce: _, ...d }) => d);
  });
}

/** Who at a centre looks after its volunteers: its coordinators, or all its staff when it has none. */
export async function volunteerManagers(db: Queryable, centreId: string): Promise<string[]> {
  const rows = await db.query<{ id: string; role: string }>(
    `SELECT id, role FROM members WHERE role IN ('staff', 'coordinator') AND centre_id = $1 AND left_at IS NULL ORDER BY id`,
    [centreId],
  );
  const coordinators = rows.filter((r) => r.role === 'coordinator');
  return (coordinators.length ? coordinators : rows).map((r) => r.id);
}

/** The volunteer's check date and when it stops counting, for a notice (null when they left or it changed). */
export async function policeCertificateOf(db: Queryable, memberId: string): Promise<{ name: string; checkedOn: string | null; centreIds: string[]; months: number } | null> {
  const rows = await db.query<{ name: string | null; checked_on: string | null; centres: string[] | null; months: number | null }>(
    `SELECT m.name, v.police_certificate_checked_on AS checked_on,
            (SELECT array_agg(vc.centre_id ORDER BY vc.centre_id) FROM volunteer_centres vc WHERE vc.member_id = v.member_id) AS centres,
            (SELECT min(c.police_certificate_validity_months) FROM volunteer_centres vc JOIN centres c ON c.id = vc.centre_id WHERE vc.member_id = v.member_id) AS months
       FROM volunteers v JOIN members m ON m.id = v.member_id WHERE v.member_id = $1 AND m.left_at IS NULL`,
    [memberId],
  );
  const r = rows[0];
  return r ? { name: r.name ?? '', checkedOn: r.checked_on, centreIds: r.centres ?? [], months: r.months ?? DEFAULT_POLICE_CERTIFICATE_VALIDITY_MONTHS } : null;
}

/**
 * A centre's volunteers (approved or paused, not left) by the state of their politiattest at `at`,
 * counted by the centre's own validity. A snapshot of who is a volunteer now: those who left are gone
 * with their dates, so for a past period it tells about today's volunteers.
 */
export async function policeCertificateCountsOf(db: Queryable, centreId: string, at: Date): Promise<Record<Exclude<PoliceCertificateState, 'missing'>, number>> {
  const rows = await db.query<{ checked_on: string; months: number }>(
    `SELECT v.police_certificate_checked_on AS checked_on, c.police_certificate_validity_months AS months
       FROM volunteers v JOIN members m ON m.id = v.member_id
       JOIN volunteer_centres vc ON vc.member_id = v.member_id AND vc.centre_id = $1 JOIN centres c ON c.id = vc.centre_id
      WHERE m.left_at IS NULL AND v.status IN ('approved', 'paused') AND v.police_certificate_checked_on IS NOT NULL`,
    [centreId],
  );
  const counts = { valid: 0, expiring: 0, expired: 0 };
  for (const r of rows) {
    const s = policeCertificateStatus(r.checked_on, r.months, at).state;
    if (s !== 'missing') counts[s]++;
  }
  return counts;
}
