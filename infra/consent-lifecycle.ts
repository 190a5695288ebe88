// Consent over time, as stored: a renewal's new record, every consent of a person ending, and the
// erasure of a person's details when their consent is withdrawn. The acts around these — requests that
// waited going out, what stops when consent is withdrawn — are use cases (use-cases/renew-consent.ts,
// use-cases/withdraw-consent.ts).
import type { Queryable } from './db.ts';
import { audit } from './audit.ts';
import { endOwnAccounts, recordConsent } from './persons.ts';
import { consentsOf } from './consents.ts';

/** The person is of this centre and not erased. */
export async function isActivePersonOf(tx: Queryable, personId: string, centreId: string): Promise<boolean> {
  const person = await tx.query('SELECT 1 FROM persons WHERE id = $1 AND centre_id = $2 AND erased_at IS NULL', [personId, centreId]);
  return person.length > 0;
}

/** Staff confirm the consent is renewed: a new record from `at`, on the basis and relation of the latest one. */
export async function recordRenewedConsent(
  tx: Queryable,
  input: { personId: string; staffId: string; at: Date; validityMonths: number },
): Promise<void> {
  const latest = (await consentsOf(tx, input.personId)).at(-1);
  await recordConsent(tx, {
    personId: input.personId,
    basis: latest?.basis ?? 'staff_recorded',
    relation: latest?.relation ?? null,
    recordedBy: input.staffId,
    givenAt: input.at,
    validityMonths: input.validityMonths,
    at: input.at,
  });
}

/** Every consent on file for the person ends at `at` (consent withdrawn, or the person erased). */
export async function endConsentsOf(tx: Queryable, personId: string, at: Date): Promise<void> {
  await tx.query('UPDATE consents SET withdrawn_at = $2 WHERE person_id = $1 AND withdrawn_at IS NULL', [personId, at]);
}

/**
 * Consent withdrawn: the person's details are erased, on the person and on every request about them;
 * their own chat account ends; the erasure is audited.
 */
export async function eraseDetailsOnWithdrawal(tx: Queryable, input: { personId: string; staffId: string; at: Date }): Promise<void> {
  await tx.query(
    `UPDATE help_requests SET meeting_place = NULL, handover_note = NULL, contact_name = NULL, contact_phone = NULL, details_erased_at = $2
      WHERE person_id = $1 AND details_erased_at IS NULL`,
    [input.personId, input.at],
  );
  await tx.query('UPDATE persons SET name = NULL, address = NULL, phone = NULL, notes = NULL, erased_at = $2 WHERE id = $1', [input.personId, input.at]);
  await endOwnAccounts(tx, [input.personId], input.at);
  await audit(tx, { actorId: input.staffId, action: 'person.erase', personId: input.personId, at: input.at });
}
