// Where an escalation card went (a staff member's chat or the centre's staff channel), so that it can be
// drawn again in place once the request no longer waits for anyone (taken, cancelled, expired).
import type { Queryable } from './db.ts';
import type { NoticeKind } from '../domain/audiences.ts';

export interface NoticeCard {
  id: string;
  requestId: string;
  message: NoticeKind;
  /** The staff member's own chat; null for the centre's shared staff channel. */
  memberId: string | null;
  centreId: string | null;
  channelId: string;
  conversationId: string;
  activityId: string;
  closedAt: Date | null;
  /**
   * A newer card about the same request went to the same conversation (it escalated again after a
   * volunteer who had taken it dropped out): this one no longer needs anyone to act on it.
   */
  superseded: boolean;
}

type Row = {
  id: string; request_id: string; message: NoticeKind; member_id: string | null; centre_id: string | null; channel_id: string; conversation_id: string; activity_id: string;
  closed_at: Date | null; superseded: boolean;
};
/** SQL on notice_cards `c`: a newer card about its request is in its conversation (domain/lifecycle.ts escalationOutcome's `superseded`). */
const SUPERSEDED = 'EXISTS (SELECT 1 FROM notice_cards n WHERE n.request_id = c.request_id AND n.conversation_id = c.conversation_id AND n.id > c.id)';
const COLUMNS = `c.id::text AS id, c.request_id, c.message, c.member_id, c.centre_id, c.channel_id, c.conversation_id, c.activity_id, c.closed_at, ${SUPERSEDED} AS superseded`;
const toCard = (r: Row): NoticeCard => ({
  id: r.id, requestId: r.request_id, message: r.message, memberId: r.member_id, centreId: r.centre_id,
  channelId: r.channel_id, conversationId: r.conversation_id, activityId: r.activity_id, closedAt: r.closed_at, superseded: r.superseded,
});

/**
 * Records where a card went, and answers whether its request was already settled when it was recorded:
 * then the request's own closing (jobs/closing.ts) may have looked for its cards before this one was
 * here, and the caller closes it itself. The request is read FOR SHARE, as a delivery record reads it:
 * a take or cancel in flight is waited for and seen, and one that begins after waits for this commit,
 * so its closing finds this card. `older`: the cards about the same request in the same conversation
 * still drawn as open, which this one supersedes.
 */
export async function recordNoticeCard(
  db: Queryable,
  card: { requestId: string; message: NoticeKind; to: { memberId: string } | { centreId: string }; channelId: string; conversationId: string; activityId: string; at: Date },
): Promise<{ id: string; settled: boolean; older: string[] }> {
  const rows = await db.query<{ id: string; settled: boolean; older: string[] | null }>(
    `WITH r AS MATERIALIZED (SELECT r.status FROM help_requests r WHERE r.id = $1 FOR SHARE)
     INSERT INTO notice_cards (request_id, message, member_id, centre_id, channel_id, conversation_id, activity_id, sent_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     RETURNING id::text AS id, COALESCE((SELECT r.status NOT IN ('open', 'waiting_consent') FROM r), true) AS settled,
       (SELECT array_agg(o.id::text ORDER BY o.id) FROM notice_cards o WHERE o.request_id = $1 AND o.conversation_id = $6 AND o.closed_at IS NULL) AS older`, // settled: not awaitsVolunteer (domain/lifecycle.ts)
    [card.requestId, card.message, 'memberId' in card.to ? card.to.memberId : null, 'centreId' in card.to ? card.to.centreId : null, card.channelId, card.conversationId, card.activityId, card.at],
  );
  const row = rows[0]!;
  return { id: row.id, settled: row.settled, older: row.older ?? [] };
}

/** The cards of a request still drawn as open. */
export async function openNoticeCards(db: Queryable, requestId: string): Promise<string[]> {
  const rows = await db.query<{ id: string }>('SELECT id::text AS id FROM notice_cards WHERE request_id = $1 AND closed_at IS NULL ORDER BY id', [requestId]);
  return rows.map((r) => r.id);
}

/**
 * Cards still asking for help about a request already settled (taken, cancelled, expired), or with a
 * newer card after them: after Redis lost the close jobs.
 */
export async function noticeCardsToClose(db: Queryable): Promise<string[]> {
  const rows = await db.query<{ id: string }>(
    `SELECT c.id::text AS id FROM notice_cards c JOIN help_requests r ON r.id = c.request_id
      WHERE c.closed_at IS NULL AND (r.status NOT IN ('open', 'waiting_consent') OR ${SUPERSEDED}) ORDER BY c.id`,
  );
  return rows.map((r) => r.id);
}

export async function getNoticeCard(db: Queryable, id: string): Promise<NoticeCard | null> {
  const rows = await db.query<Row>(`SELECT ${COLUMNS} FROM notice_cards c WHERE c.id = $1`, [id]);
  return rows[0] ? toCard(rows[0]) : null;
}

export async function markNoticeCardClosed(db: Queryable, id: string, at: Date): Promise<void> {
  await db.query('UPDATE notice_cards SET closed_at = $2 WHERE id = $1 AND closed_at IS NULL', [id, at]);
}
