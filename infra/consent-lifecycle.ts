// Consent over time: renewal brings waiting requests back; withdrawal stops what has not started for
// the person and erases their details.
import type { Database, Queryable } from './db.ts';
import { audit } from './audit.ts';
import { addOutbox } from './outbox.ts';
import { cancelSeriesOfVisits } from './series.ts';
import { endOwnAccounts, recordConsent } from './persons.ts';
import { consentsOf } from './consents.ts';
import { closeCancelledRequests, latestStartSql, sendNextWave, type MatchingSettings } from './requests.ts';
import { stopsWhenPersonLeaves } from '../domain/lifecycle.ts';
import type { RequestStatus } from '../domain/types.ts';

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
      `UPDATE help_requests SET status = 'open', updated_at = $2 WHERE person_id = $1 AND status = 'waiting_consent' AND ${latestStartSql('help_requests')} > $2 RETURNING id`,
      [input.personId, input.at],
    );
    let released = 0;
    for (const r of waiting) released += await sendNextWave(tx, r.id, input.at, input.matching);
    return { ok: true, released };
  });
}

/**
 * Consent withdrawn or the person erased (infra/privacy.ts): every consent on file ends, and what has
 * not started stops — one rule for both (domain/lifecycle.ts). A visit already under way stays as it
 * is, with its volunteer and its hours. The volunteers of what stopped are told without details,
 * through the outbox; a series' volunteer once for the series. Returns the requests cancelled.
 */
export async function stopRequestsOfPerson(tx: Queryable, input: { personId: string; by: string; at: Date }): Promise<string[]> {
  await tx.query('UPDATE consents SET withdrawn_at = $2 WHERE person_id = $1 AND withdrawn_at IS NULL', [input.personId, input.at]);
  const candidates = await tx.query<{ id: string; status: RequestStatus; starts_at: Date }>(
    `SELECT id, status, starts_at FROM help_requests WHERE person_id = $1 AND status IN ('waiting_consent', 'open', 'taken') FOR UPDATE`,
    [input.personId],
  );
  const ids = candidates.filter((r) => stopsWhenPersonLeaves({ status: r.status, startsAt: r.starts_at }, input.at)).map((r) => r.id);
  if (ids.length === 0) return [];
  await tx.query(
    `UPDATE help_requests SET status = 'cancelled', cancelled_at = $2, cancelled_by = $3, updated_at = $2 WHERE id = ANY($1::uuid[])`,
    [ids, input.at, input.by],
  );
  await closeCancelledRequests(tx, ids, input.at);
  // A series' volunteer hears once for the series, not once per visit.
  const bySeries = await cancelSeriesOfVisits(tx, ids, input.at);
  for (const id of ids) if (!bySeries.has(id)) await addOutbox(tx, 'request.cancelled', id);
  return ids;
}

/**
 * Consent withdrawn: what has not started stops (stopRequestsOfPerson) and the person's details are
 * erased, on the person and on every request about them.
 */
export async function withdrawConsent(db: Database, input: { personId: string; centreId: string; staffId: string; at: Date }): Promise<{ ok: boolean; cancelled: number }> {
  return db.transaction(async (tx) => {
    const person = await tx.query('SELECT 1 FROM persons WHERE id = $1 AND centre_id = $2 AND erased_at IS NULL', [input.personId, input.centreId]);
    if (person.length === 0) return { ok: false, cancelled: 0 };
    const cancelled = await stopRequestsOfPerson(tx, { personId: input.personId, by: input.staffId, at: input.at });
    await tx.query(
      `UPDATE help_requests SET meeting_place = NULL, handover_note = NULL, contact_name = NULL, contact_phone = NULL, details_erased_at = $2
        WHERE person_id = $1 AND details_erased_at IS NULL`,
      [input.personId, input.at],
    );
    await tx.query('UPDATE persons SET name = NULL, address = NULL, phone = NULL, notes = NULL, erased_at = $2 WHERE id = $1', [input.personId, input.at]);
    await endOwnAccounts(tx, [input.personId], input.at);
    await audit(tx, { actorId: input.staffId, action: 'person.erase', personId: input.personId, at: input.at });
    return { ok: true, cancelled: cancelled.length };
  });
}
