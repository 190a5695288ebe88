// The daily look after the data: consents that run out, and erasing personal details that are no
// longer needed (data minimisation). Statistics and the audit log keep ids and counts only.
import { addDays, subDays } from 'date-fns';
import type { Database, Queryable } from './db.ts';
import { audit } from './audit.ts';

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
}

export async function applyRetention(db: Database, now: Date, retentionDays: number): Promise<RetentionResult> {
  const cutoff = subDays(now, retentionDays);
  return db.transaction(async (tx) => {
    const requests = await tx.query<{ id: string }>(
      `UPDATE help_requests SET meeting_place = NULL, handover_note = NULL, contact_name = NULL, contact_phone = NULL, details_erased_at = $1
        WHERE details_erased_at IS NULL AND status IN ('done', 'cancelled', 'expired', 'taken')
          AND starts_at + duration_minutes * interval '1 minute' < $2
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
    return { requests: requests.length, persons: persons.length, concerns: concerns.length, feedbackComments: feedbackComments.length };
  });
}

/** People with no active consent and nothing ahead of them lose their details; ids stay for statistics. */
async function erasePersons(tx: Queryable, now: Date, cutoff: Date): Promise<string[]> {
  const rows = await tx.query<{ id: string }>(
    `UPDATE persons p SET name = NULL, address = NULL, phone = NULL, notes = NULL, erased_at = $1
      WHERE p.erased_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM consents c WHERE c.person_id = p.id AND c.withdrawn_at IS NULL AND c.valid_until > $1)
        -- Registered without a consent yet (an import: «venter på samtykke»): staff have the retention
        -- period from registration to record it.
        AND (EXISTS (SELECT 1 FROM consents c WHERE c.person_id = p.id) OR p.created_at < $2)
        AND NOT EXISTS (SELECT 1 FROM help_requests r WHERE r.person_id = p.id
                         AND (r.status IN ('waiting_consent', 'open', 'taken') OR r.starts_at + r.duration_minutes * interval '1 minute' >= $2))
      RETURNING p.id`,
    [now, cutoff],
  );
  for (const r of rows) await audit(tx, { actorId: null, action: 'person.erase', personId: r.id, at: now });
  return rows.map((r) => r.id);
}
