// A person's consent records as they are stored: the one read the broadcast gate, the consent
// lifecycle and the person's own data ask.
import type { Queryable } from './db.ts';
import type { ConsentBasis, ConsentRecord } from '../domain/types.ts';

export async function consentsOf(db: Queryable, personId: string): Promise<ConsentRecord[]> {
  const rows = await db.query<{ id: string; person_id: string; basis: ConsentBasis; relation: string | null; recorded_by: string; given_at: Date; valid_until: Date; withdrawn_at: Date | null }>(
    'SELECT id, person_id, basis, relation, recorded_by, given_at, valid_until, withdrawn_at FROM consents WHERE person_id = $1 ORDER BY given_at',
    [personId],
  );
  return rows.map((r) => ({
    id: r.id,
    personId: r.person_id,
    basis: r.basis,
    relation: r.relation,
    recordedBy: r.recorded_by,
    givenAt: r.given_at,
    validUntil: r.valid_until,
    withdrawnAt: r.withdrawn_at,
  }));
}
