// Staff verification of a caregiver–person link (centre setting `verify_caregiver_links`), and of a
// person who signed up themselves (`verify_self_registrations`, issue 19): the same wait on the
// person's link_status. While it waits, requests about the person are stored but never offered: the
// one broadcast gate (requests.ts sendNextWave, use-cases/post-request.ts and use-cases/create-series.ts) asks `broadcastHoldOf`
// (broadcast-hold.ts). Deciding a link is use-cases/decide-caregiver-link.ts.
import type { Queryable } from './db.ts';
import type { LinkStatus } from './broadcast-hold.ts';

export interface LinkForStaff {
  personId: string;
  centreId: string;
  status: LinkStatus | null;
  personName: string;
  district: string;
  relation: string | null;
  caregiverId: string | null;
  caregiverName: string;
  caregiverPhone: string;
  /** The person signed up themselves: «caregiver» above is then the person's own account. */
  selfRegistered: boolean;
}

/** What staff need to judge a link (and phone the caregiver): for the centre's staff only. */
export async function linkForStaff(db: Queryable, personId: string): Promise<LinkForStaff | null> {
  const rows = await db.query<{
    id: string; centre_id: string; link_status: LinkStatus | null; name: string | null; district: string; relation: string | null;
    created_by: string | null; cg_name: string | null; cg_phone: string | null; self_registered: boolean;
  }>(
    `SELECT p.id, p.centre_id, p.link_status, p.name, p.district, p.created_by, m.name AS cg_name, m.phone AS cg_phone,
            (m.role = 'person' AND m.person_id = p.id) IS TRUE AS self_registered,
            (SELECT c.relation FROM consents c WHERE c.person_id = p.id ORDER BY c.given_at DESC LIMIT 1) AS relation
       FROM persons p LEFT JOIN members m ON m.id = p.created_by WHERE p.id = $1 AND p.erased_at IS NULL`,
    [personId],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    personId: r.id, centreId: r.centre_id, status: r.link_status, personName: r.name ?? '', district: r.district, relation: r.relation,
    caregiverId: r.created_by, caregiverName: r.cg_name ?? '', caregiverPhone: r.cg_phone ?? '', selfRegistered: r.self_registered,
  };
}

/**
 * Staff's decision on a waiting link, once (the first decision stands); nobody decides on a link they
 * made themselves. 'not_found' for no such link at the centre, 'decided' when it was decided before.
 * The requests that waited and the caregiver's notice: use-cases/decide-caregiver-link.ts.
 */
export async function recordLinkDecision(
  tx: Queryable,
  input: { personId: string; centreId: string; staffId: string; confirm: boolean; now: Date },
): Promise<'recorded' | 'not_found' | 'decided'> {
  const decided = await tx.query<{ id: string }>(
    `UPDATE persons SET link_status = $4, link_decided_by = $3, link_decided_at = $5
      WHERE id = $1 AND centre_id = $2 AND link_status = 'pending' AND created_by IS DISTINCT FROM $3 AND erased_at IS NULL RETURNING id`,
    [input.personId, input.centreId, input.staffId, input.confirm ? 'confirmed' : 'rejected', input.now],
  );
  if (decided.length > 0) return 'recorded';
  const exists = await tx.query('SELECT 1 FROM persons WHERE id = $1 AND centre_id = $2 AND link_status IS NOT NULL', [input.personId, input.centreId]);
  return exists.length ? 'decided' : 'not_found';
}
