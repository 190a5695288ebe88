// What the job schedule in Redis should hold, read from the record in PostgreSQL: used to rebuild the
// schedule when Redis comes back without its data (jobs/recovery.ts). Ids only.
import type { Queryable } from './db.ts';
import { latestStartSql, toHelpRequest } from './request-row.ts';
import { OFFER_CARD_TO_CLOSE, OFFER_NOT_DELIVERED } from './offers.ts';
import type { HelpRequest } from '../domain/types.ts';

/**
 * Requests still looking for a volunteer, whose start is ahead. Not the visits of a series that is
 * still offered whole: they wait for the series' release timer (seriesToRebuild), which sends them out
 * one by one only if nobody takes the series.
 */
export async function openRequestsAhead(db: Queryable, now: Date): Promise<HelpRequest[]> {
  const rows = await db.query<Parameters<typeof toHelpRequest>[0]>(
    `SELECT r.* FROM help_requests r LEFT JOIN series s ON s.id = r.series_id
      WHERE r.status = 'open' AND ${latestStartSql('r')} > $1 AND (s.id IS NULL OR s.status <> 'open') ORDER BY r.starts_at`,
    [now],
  );
  return rows.map(toHelpRequest);
}

/** Requests held (no consent, a caregiver link not confirmed) whose start is ahead: they still expire at it. */
export async function heldRequestsAhead(db: Queryable, now: Date): Promise<HelpRequest[]> {
  const rows = await db.query<Parameters<typeof toHelpRequest>[0]>(`SELECT * FROM help_requests WHERE status = 'waiting_consent' AND ${latestStartSql('help_requests')} > $1 ORDER BY starts_at`, [now]);
  return rows.map(toHelpRequest);
}

/** Active assignments whose task, or the follow-up question after it, is still ahead. */
export async function activeAssignmentsAhead(db: Queryable, now: Date, followUpDelayMinutes: number): Promise<string[]> {
  const rows = await db.query<{ id: string }>(
    `SELECT a.id FROM assignments a JOIN help_requests r ON r.id = a.request_id
      WHERE a.status = 'active' AND r.status = 'taken'
        AND r.starts_at + (r.duration_minutes + $2::int) * interval '1 minute' > $1
      ORDER BY r.starts_at`,
    [now, followUpDelayMinutes],
  );
  return rows.map((r) => r.id);
}

/** Offers of open requests that were made but never reached the volunteer. */
export async function unsentOffersOfOpenRequests(db: Queryable): Promise<Array<{ offerId: string; urgent: boolean }>> {
  const rows = await db.query<{ id: string; urgent: boolean }>(
    `SELECT o.id, r.urgent FROM offers o JOIN help_requests r ON r.id = o.request_id
      WHERE r.status = 'open' AND o.status = 'pending' AND ${OFFER_NOT_DELIVERED} AND NOT o.undeliverable
      ORDER BY o.created_at, o.id`,
  );
  return rows.map((r) => ({ offerId: r.id, urgent: r.urgent }));
}

/**
 * Offer cards on someone's screen that still say "available" though the request is no longer open
 * (the same rule as offersToClose: in Teams the winner's card too, to the public card).
 */
export async function offerCardsToClose(db: Queryable): Promise<string[]> {
  const rows = await db.query<{ id: string }>(
    `SELECT o.id FROM offers o JOIN help_requests r ON r.id = o.request_id WHERE r.status <> 'open' AND ${OFFER_CARD_TO_CLOSE}`,
  );
  return rows.map((r) => r.id);
}

/** Series on offer whose first visit is still ahead, and series no longer on offer with cards to close. */
export async function seriesToRebuild(db: Queryable, now: Date): Promise<{ open: string[]; closing: string[] }> {
  const open = await db.query<{ id: string }>(
    `SELECT s.id FROM series s WHERE s.status = 'open'
        AND EXISTS (SELECT 1 FROM help_requests r WHERE r.series_id = s.id AND r.starts_at > $1)`,
    [now],
  );
  const closing = await db.query<{ id: string }>(
    `SELECT DISTINCT so.series_id AS id FROM series_offers so JOIN series s ON s.id = so.series_id
      WHERE s.status <> 'open' AND so.activity_id IS NOT NULL AND so.closed_card_sent_at IS NULL`,
  );
  return { open: open.map((r) => r.id), closing: closing.map((r) => r.id) };
}
