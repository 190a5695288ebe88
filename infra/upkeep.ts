// The daily look after the data: consents that run out, and erasing personal details that are no
// longer needed (data minimisation). Statistics and the audit log keep ids and counts only.
import { addDays, subDays } from 'date-fns';
import type { Database, Queryable } from './db.ts';
import { audit } from './audit.ts';
import { CANCEL_REASON_CODES, followUpClosesAt } from '../domain/lifecycle.ts';
import { taskEndSql as ends } from './request-row.ts';
import { endOwnAccounts } from './persons.ts';

/** Latest consent per person, expiring within `days` or already expired, not yet brought to staff. */
export async function consentsToRenew(db: Database, now: Date, days: number): Promise<Array<{ consentId: string; staffId: string; expired: boolean }>> {
  return db.transaction(async (tx) => {
    const rows = await tx.query<{ id: string; recorded_by: string; expired: boolean }>(
      `WITH latest AS (
         SELECT DISTINCT ON (c.person_id) c.* FROM consents c JOIN persons p ON p.id = c.person_id
          WHERE p.erased_at IS NULL ORDER BY c.person_id, c.given_at DESC)
       UPDATE consents c SET
              renewal_requested_at = CASE WHEN l.valid_until > $1 THEN $1 ELSE c.renewal_requested_at END,
              expiry_notified_at = CASE WHEN l.valid_until <= $1 THEN $1 ELSE c.expiry_notified_at END
         FROM latest l
        WHERE c.id = l.id AND l.withdrawn_at IS NULL AND l.recorded_by IS NOT NULL
          AND ((l.valid_until > $1 AND l.valid_until <= $2 AND l.renewal_requested_at IS NULL)
            OR (l.valid_until <= $1 AND l.expiry_notified_at IS NULL))
        RETURNING c.id, c.recorded_by, (l.valid_until <= $1) AS expired`,
      [now, addDays(now, days)],
    );
    return rows.map((r) => ({ consentId: r.id, staffId: r.recorded_by, expired: r.expired }));
  });
}

export interface RetentionResult {
  requests: number;
  persons: number;
  concerns: number;
  feedbackComments: number;
  /** Assignments whose outcome or cancellation reason (what a volunteer typed) was cleared. */
  reasons: number;
}

/**
 * Data minimisation, once a day. Whatever a request's status — done, cancelled, expired, or left open,
 * held or taken by a timer that never came — a task that ended more than `retentionDays` ago is over:
 * its private details go, and so does what volunteers typed about it. People go when they have no
 * valid consent and nothing that ends later than that. Ids, statuses, times and hours stay.
 */
export async function applyRetention(db: Database, now: Date, retentionDays: number): Promise<RetentionResult> {
  const cutoff = subDays(now, retentionDays);
  return db.transaction(async (tx) => {
    const requests = await tx.query<{ id: string }>(
      `UPDATE help_requests SET meeting_place = NULL, handover_note = NULL, contact_name = NULL, contact_phone = NULL, details_erased_at = $1
        WHERE details_erased_at IS NULL AND ${ends('help_requests')} < $2
        RETURNING id`,
      [now, cutoff],
    );
    const persons = await erasePersons(tx, now, cutoff);
    const concerns = await tx.query<{ id: string }>(
      `UPDATE concerns SET text = NULL, erased_at = $1 WHERE erased_at IS NULL AND created_at < $2 RETURNING id`,
      [now, cutoff],
    );
    // A caregiver's comment on a visit goes like a concern's text; the good / not good stays for the report.
    const feedbackComments = await tx.query<{ id: string }>(
      `UPDATE visit_feedback SET comment = NULL, comment_erased_at = $1 WHERE comment IS NOT NULL AND created_at < $2 RETURNING id`,
      [now, cutoff],
    );
    // «Personen var ikke hjemme», «Syk»: typed by a volunteer and may describe the person. Dugnad's own codes stay for the report.
    const reasons = await tx.query<{ id: string }>(
      `UPDATE assignments a SET outcome_reason = NULL, cancel_reason = CASE WHEN a.cancel_reason = ANY($2::text[]) THEN a.cancel_reason END
         FROM help_requests r
        WHERE r.id = a.request_id AND ${ends('r')} < $1
          AND (a.outcome_reason IS NOT NULL OR (a.cancel_reason IS NOT NULL AND NOT a.cancel_reason = ANY($2::text[])))
        RETURNING a.id`,
      [cutoff, [...CANCEL_REASON_CODES]],
    );
    return { requests: requests.length, persons: persons.length, concerns: concerns.length, feedbackComments: feedbackComments.length, reasons: reasons.length };
  });
}


/** People with no active consent and no task ending within the retention period lose their details; ids stay for statistics. */
async function erasePersons(tx: Queryable, now: Date, cutoff: Date): Promise<string[]> {
  const rows = await tx.query<{ id: string }>(
    `UPDATE persons p SET name = NULL, address = NULL, phone = NULL, notes = NULL, erased_at = $1
      WHERE p.erased_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM consents c WHERE c.person_id = p.id AND c.withdrawn_at IS NULL AND c.valid_until > $1)
        -- Registered without a consent yet (an import: «venter på samtykke»): staff have the retention
        -- period from registration to record it.
        AND (EXISTS (SELECT 1 FROM consents c WHERE c.person_id = p.id) OR p.created_at < $2)
        AND NOT EXISTS (SELECT 1 FROM help_requests r WHERE r.person_id = p.id AND ${ends('r')} >= $2)
      RETURNING p.id`,
    [now, cutoff],
  );
  for (const r of rows) await audit(tx, { actorId: null, action: 'person.erase', personId: r.id, at: now });
  await endOwnAccounts(tx, rows.map((r) => r.id), now);
  return rows.map((r) => r.id);
}

/**
 * The volunteer never answered «Ble oppdraget gjennomført?»: once the follow-up window has closed
 * (domain/lifecycle.ts followUpClosesAt) the task ends as not reported, and the request with it, so
 * nothing keeps treating it as going on. Answered later, the follow-up is refused as already closed.
 */
export async function closeUnreportedTasks(db: Database, now: Date, window: { followUpDelayMinutes: number; answerDays: number }): Promise<number> {
  return db.transaction(async (tx) => {
    // Every task still marked going on that has started; the domain decides which of them are past answering.
    const started = await tx.query<{ id: string; request_id: string; starts_at: Date; duration_minutes: number; flexible_until: Date | null }>(
      `SELECT a.id, a.request_id, r.starts_at, r.duration_minutes, r.flexible_until FROM assignments a JOIN help_requests r ON r.id = a.request_id
        WHERE a.status = 'active' AND r.status = 'taken' AND r.starts_at < $1 FOR UPDATE OF a, r`,
      [now],
    );
    const closed = started.filter((a) => followUpClosesAt({ startsAt: a.starts_at, durationMinutes: a.duration_minutes, flexibleUntil: a.flexible_until }, window.followUpDelayMinutes, window.answerDays) <= now);
    if (closed.length === 0) return 0;
    await tx.query(`UPDATE assignments SET status = 'done', outcome = 'not_reported', outcome_at = $2 WHERE id = ANY($1::uuid[]) AND status = 'active'`, [closed.map((a) => a.id), now]);
    await tx.query(`UPDATE help_requests SET status = 'done', updated_at = $2 WHERE id = ANY($1::uuid[]) AND status = 'taken'`, [closed.map((a) => a.request_id), now]);
    return closed.length;
  });
}
