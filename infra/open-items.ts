// What is open for a person right now, read from the database: what the web chat shows when they come
// back to it after their conversation has ended (bot/open-items.ts). Public facts only — nothing here
// reveals a person's details; the tasks' details stay behind «Mine oppdrag», which records the reveal.
import type { Queryable } from './db.ts';
import { volunteerMayAccept } from './volunteer-standing.ts';
import { taskEndSql, toHelpRequest } from './request-row.ts';
import { CURRENT_DECLARATION_VERSION } from '../domain/declaration.ts';
import type { HelpRequest } from '../domain/types.ts';

export interface OpenForVolunteer {
  /** Offers still pending on an open request that has not started, which they may take now. */
  offers: Array<{ offerId: string; request: HelpRequest }>;
  /** «Be the regular volunteer» offers of series still open. */
  seriesOfferIds: string[];
  /** Their tasks still to come. */
  tasks: Array<{ assignmentId: string; request: HelpRequest }>;
  /** Tasks that ended and that they have not said anything about yet. */
  followUps: string[];
}

/** How many of each to show: a returning volunteer needs what is current, not a backlog. */
const LIMIT = { offers: 10, series: 5, tasks: 10, followUps: 5 } as const;
/** An unanswered follow-up older than this is staff's to chase, not a card to show again. */
const FOLLOW_UP_WINDOW_DAYS = 14;

export async function openForVolunteer(db: Queryable, volunteerId: string, now: Date, followUpDelayMinutes: number): Promise<OpenForVolunteer> {
  type Row = Parameters<typeof toHelpRequest>[0] & { ref_id: string };
  const offers = await db.query<Row>(
    `SELECT r.*, o.id AS ref_id FROM offers o JOIN help_requests r ON r.id = o.request_id
      WHERE o.volunteer_id = $2 AND o.status = 'pending' AND r.status = 'open'
        AND COALESCE(r.flexible_until, r.starts_at) > $3 AND ${volunteerMayAccept('r.centre_id')}
      ORDER BY r.starts_at, o.id LIMIT $1`,
    // volunteerMayAccept reads $2–$4 (volunteer, now, declaration version).
    [LIMIT.offers, volunteerId, now, CURRENT_DECLARATION_VERSION],
  );
  const series = await db.query<{ id: string }>(
    `SELECT so.id FROM series_offers so JOIN series s ON s.id = so.series_id
      WHERE so.volunteer_id = $1 AND so.status = 'pending' AND s.status = 'open'
      ORDER BY so.created_at, so.id LIMIT ${LIMIT.series}`,
    [volunteerId],
  );
  const tasks = await db.query<Row>(
    `SELECT r.*, a.id AS ref_id FROM assignments a JOIN help_requests r ON r.id = a.request_id
      WHERE a.volunteer_id = $1 AND a.status = 'active' AND ${taskEndSql('r')} > $2
      ORDER BY r.starts_at LIMIT ${LIMIT.tasks}`,
    [volunteerId, now],
  );
  const followUps = await db.query<{ id: string }>(
    `SELECT a.id FROM assignments a JOIN help_requests r ON r.id = a.request_id
      WHERE a.volunteer_id = $1 AND a.status = 'active' AND a.outcome IS NULL
        AND ${taskEndSql('r')} + $3::int * interval '1 minute' <= $2
        AND r.starts_at > $2 - interval '${FOLLOW_UP_WINDOW_DAYS} days'
      ORDER BY r.starts_at DESC LIMIT ${LIMIT.followUps}`,
    [volunteerId, now, followUpDelayMinutes],
  );
  return {
    offers: offers.map((r) => ({ offerId: r.ref_id, request: toHelpRequest(r) })),
    seriesOfferIds: series.map((r) => r.id),
    tasks: tasks.map((r) => ({ assignmentId: r.ref_id, request: toHelpRequest(r) })),
    followUps: followUps.map((r) => r.id),
  };
}
