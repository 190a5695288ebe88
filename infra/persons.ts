// People helped (brukere) and their consent records.
import type { Database, Queryable } from './db.ts';
import { audit } from './audit.ts';
import { holdNewLink } from './broadcast-hold.ts';
import type { ConsentBasis } from '../domain/types.ts';
import type { PersonFields } from '../adaptive-cards/actions.ts';
import { addMonths } from 'date-fns';
import { osloWallClock } from '../domain/time-zone.ts';

export interface PersonSummary {
  id: string;
  /** Shown to staff of the person's centre only. */
  name: string;
  district: string;
}

export async function registerPerson(
  db: Database,
  input: {
    centreId: string; staffId: string; fields: PersonFields; at: Date; consentValidityMonths: number;
    /** Registered by a caregiver: where the centre verifies such links, the person waits for staff. */
    caregiverLink?: boolean;
  },
): Promise<{ personId: string; held: boolean }> {
  return db.transaction(async (tx) => {
    const personId = await insertPerson(tx, input);
    const held = input.caregiverLink === true && (await holdNewLink(tx, personId, input.centreId, 'caregiver'));
    return { personId, held };
  });
}

/**
 * A person helped with their consent on file, and the audit entry: one way in, whoever registers them
 * — staff, a caregiver, or the person themselves (infra/self-requests.ts, `staffId` = their own member).
 */
export async function insertPerson(
  tx: Queryable,
  input: { centreId: string; staffId: string; fields: PersonFields; at: Date; consentValidityMonths: number },
): Promise<string> {
  const f = input.fields;
  const rows = await tx.query<{ id: string }>(
    `INSERT INTO persons (centre_id, name, address, phone, district, notes, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [input.centreId, f.name, f.address, f.phone, f.district, f.notes, input.staffId],
  );
  const personId = rows[0]!.id;
  await recordConsent(tx, {
    personId,
    basis: f.consentBasis,
    relation: f.consentRelation,
    recordedBy: input.staffId,
    // A consent dated today counts from now, not from some hour later in the day.
    givenAt: new Date(Math.min(input.at.getTime(), osloWallClock(f.consentDate, '00:00').getTime())),
    validityMonths: input.consentValidityMonths,
    at: input.at,
  });
  await audit(tx, { actorId: input.staffId, action: 'person.create', personId, at: input.at });
  return personId;
}

/**
 * People helped whose details were just erased (on request, consent withdrawn, or by retention): the
 * chat account of any of them who signed up themselves (issue 19) goes with them — its name and phone,
 * the chat identities it is reached at and its push devices — so nothing of theirs stays behind and
 * the account can no longer ask. Someone who chats again afterwards is a new user. Returns the ids.
 */
export async function endOwnAccounts(tx: Queryable, personIds: readonly string[], at: Date): Promise<string[]> {
  if (personIds.length === 0) return [];
  const ended = await tx.query<{ id: string }>(
    `UPDATE members SET name = NULL, phone = NULL, email = NULL, left_at = COALESCE(left_at, $2)
      WHERE role = 'person' AND person_id = ANY($1::uuid[]) RETURNING id`,
    [personIds, at],
  );
  const ids = ended.map((m) => m.id);
  if (ids.length === 0) return [];
  await tx.query('DELETE FROM chat_identities WHERE member_id = ANY($1::uuid[])', [ids]);
  await tx.query('DELETE FROM push_subscriptions WHERE member_id = ANY($1::uuid[])', [ids]);
  return ids;
}

export async function recordConsent(
  tx: Queryable,
  c: { personId: string; basis: ConsentBasis; relation: string | null; recordedBy: string; givenAt: Date; validityMonths: number; at: Date },
): Promise<void> {
  await tx.query(
    `INSERT INTO consents (person_id, basis, relation, recorded_by, given_at, valid_until) VALUES ($1, $2, $3, $4, $5, $6)`,
    [c.personId, c.basis, c.relation, c.recordedBy, c.givenAt, addMonths(c.givenAt, c.validityMonths)],
  );
  await audit(tx, { actorId: c.recordedBy, action: 'consent.record', personId: c.personId, at: c.at });
}

export async function personsOfCentre(db: Queryable, centreId: string): Promise<PersonSummary[]> {
  const rows = await db.query<{ id: string; name: string; district: string }>(
    'SELECT id, name, district FROM persons WHERE centre_id = $1 AND erased_at IS NULL ORDER BY name',
    [centreId],
  );
  return rows;
}

export async function getPersonCentre(db: Queryable, personId: string): Promise<{ centreId: string; erased: boolean } | null> {
  const rows = await db.query<{ centre_id: string; erased_at: Date | null }>('SELECT centre_id, erased_at FROM persons WHERE id = $1', [personId]);
  return rows[0] ? { centreId: rows[0].centre_id, erased: rows[0].erased_at !== null } : null;
}

export async function consentInfo(db: Queryable, consentId: string): Promise<{ personId: string; personLabel: string; validUntil: Date } | null> {
  const rows = await db.query<{ person_id: string; name: string | null; district: string; valid_until: Date }>(
    'SELECT c.person_id, p.name, p.district, c.valid_until FROM consents c JOIN persons p ON p.id = c.person_id WHERE c.id = $1',
    [consentId],
  );
  const r = rows[0];
  return r ? { personId: r.person_id, personLabel: `${r.name ?? '—'}, ${r.district}`, validUntil: r.valid_until } : null;
}

