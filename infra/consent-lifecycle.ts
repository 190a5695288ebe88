// Consent over time: renewal brings waiting requests back; withdrawal stops open requests for the
// person and erases their details.
import type { Database } from './db.ts';
import { audit } from './audit.ts';
import { addOutbox } from './outbox.ts';
import { cancelSeriesOfVisits } from './series.ts';
import { consentsOf, recordConsent } from './persons.ts';
import { sendNextWave, type MatchingSettings } from './requests.ts';

/** Staff confirm the consent is renewed: a new record from today; requests that waited go out. */
export async function renewConsent(
  db: Database,
  input: { personId: string; centreId: string; staffId: string; at: Date; validityMonths: number; matching: MatchingSettings },
): Promise<{ ok: boolean; released: number }> {
  return db.transaction(async (tx) => {
    const person = await tx.query('SELECT 1 FROM persons WHERE id = $1 AND centre_id = $2 AND erased_at IS NULL', [input.personId, input.centreId]);
    if (person.length === 0) return { ok: false, released: 0 };
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
    const waiting = await tx.query<{ id: string }>(
      `UPDATE help_requests SET status = 'open', updated_at = $2 WHERE person_id = $1 AND status = 'waiting_consent' AND starts_at > $2 RETURNING id`,
      [input.personId, input.at],
    );
    let released = 0;
    for (const r of waiting) released += await sendNextWave(tx, r.id, input.at, input.matching);
    return { ok: true, released };
  });
}

/**
 * Consent withdrawn: open requests for the person stop (volunteers are told without details) and the
 * person's details are erased, on the person and on every request about them.
 */
export async function withdrawConsent(db: Database, input: { personId: string; centreId: string; staffId: string; at: Date }): Promise<{ ok: boolean; cancelled: number }> {
  return db.transaction(async (tx) => {
    const person = await tx.query('SELECT 1 FROM persons WHERE id = $1 AND centre_id = $2 AND erased_at IS NULL', [input.personId, input.centreId]);
    if (person.length === 0) return { ok: false, cancelled: 0 };
    await tx.query('UPDATE consents SET withdrawn_at = $2 WHERE person_id = $1 AND withdrawn_at IS NULL', [input.personId, input.at]);
    const cancelled = await tx.query<{ id: string }>(
      `UPDATE help_requests SET status = 'cancelled', cancelled_at = $2, cancelled_by = $3, updated_at = $2
        WHERE person_id = $1 AND status IN ('waiting_consent', 'open', 'taken') RETURNING id`,
      [input.personId, input.at, input.staffId],
    );
    for (const r of cancelled) {
      await tx.query(
        `UPDATE assignments SET status = 'cancelled', cancelled_at = $2, cancel_reason = 'request_cancelled' WHERE request_id = $1 AND status = 'active'`,
        [r.id, input.at],
      );
      await tx.query(`UPDATE offers SET status = 'withdrawn' WHERE request_id = $1 AND status = 'pending'`, [r.id]);
    }
    // A series' volunteer hears once for the series, not once per visit.
    const bySeries = await cancelSeriesOfVisits(tx, cancelled.map((r) => r.id), input.at);
    for (const r of cancelled) if (!bySeries.has(r.id)) await addOutbox(tx, 'request.cancelled', r.id);
    await tx.query(
      `UPDATE help_requests SET meeting_place = NULL, handover_note = NULL, contact_name = NULL, contact_phone = NULL, details_erased_at = $2
        WHERE person_id = $1 AND details_erased_at IS NULL`,
      [input.personId, input.at],
    );
    await tx.query('UPDATE persons SET name = NULL, address = NULL, phone = NULL, notes = NULL, erased_at = $2 WHERE id = $1', [input.personId, input.at]);
    await audit(tx, { actorId: input.staffId, action: 'person.erase', personId: input.personId, at: input.at });
    return { ok: true, cancelled: cancelled.length };
  });
}
