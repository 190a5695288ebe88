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
}

type Row = { id: string; request_id: string; message: NoticeKind; member_id: string | null; centre_id: string | null; channel_id: string; conversation_id: string; activity_id: string; closed_at: Date | null };
const COLUMNS = 'id::text AS id, request_id, message, member_id, centre_id, channel_id, conversation_id, activity_id, closed_at';
const toCard = (r: Row): NoticeCard => ({
  id: r.id, requestId: r.request_id, message: r.message, memberId: r.member_id, centreId: r.centre_id,
  channelId: r.channel_id, conversationId: r.conversation_id, activityId: r.activity_id, closedAt: r.closed_at,
});

/**
 * Records where a card went, and answers whether its request was already settled when it was recorded:
 * then the request's own closing (jobs/closing.ts) may have looked for its cards before this one was
 * here, and the caller closes it itself. The request is read FOR SHARE, as a delivery record reads it:
 * a take or cancel in flight is waited for and seen, and one that begins after waits for this commit,
 * so its closing finds this card.
 */
export async function recordNoticeCard(
  db: Queryable,
  card: { requestId: string; message: NoticeKind; to: { memberId: string } | { centreId: string }; channelId: string; conversationId: string; activityId: string; at: Date },
): Promise<{ id: string; settled: boolean }> {
  const rows = await db.query<{ id: string; settled: boolean }>(
    `WITH r AS MATERIALIZED (SELECT r.status FROM help_requests r WHERE r.id = $1 FOR SHARE)
     INSERT INTO notice_cards (request_id, message, member_id, centre_id, channel_id, conversation_id, activity_id, sent_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     RETURNING id::text AS id, COALESCE((SELECT r.status NOT IN ('open', 'waiting_consent') FROM r), true) AS settled`, // settled: not awaitsVolunteer (domain/lifecycle.ts)
    [card.requestId, card.message, 'memberId' in card.to ? card.to.memberId : null, 'centreId' in card.to ? card.to.centreId : null, card.channelId, card.conversationId, card.activityId, card.at],
  );
  return rows[0]!;
}

/** The cards of a request still drawn as open. */
export async function openNoticeCards(db: Queryable, requestId: string): Promise<string[]> {
  const rows = await db.query<{ id: string }>('SELECT id::text AS id FROM notice_cards WHERE request_id = $1 AND closed_at IS NULL ORDER BY id', [requestId]);
  return rows.map((r) => r.id);
}

/** Cards still asking for help about a request already settled (taken, cancelled, expired): after Redis lost the close jobs. */
export async function noticeCardsToClose(db: Queryable): Promise<string[]> {
  const rows = await db.query<{ id: string }>(
    `SELECT n.id::text AS id FROM notice_cards n JOIN help_requests r ON r.id = n.request_id
      WHERE n.closed_at IS NULL AND r.status NOT IN ('open', 'waiting_consent') ORDER BY n.id`,
  );
  return rows.map((r) => r.id);
}

export async function getNoticeCard(db: Queryable, id: string): Promise<NoticeCard | null> {
  const rows = await db.query<Row>(`SELECT ${COLUMNS} FROM notice_cards WHERE id = $1`, [id]);
  return rows[0] ? toCard(rows[0]) : null;
}

export async function markNoticeCardClosed(db: Queryable, id: string, at: Date): Promise<void> {
  await db.query('UPDATE notice_cards SET closed_at = $2 WHERE id = $1 AND closed_at IS NULL', [id, at]);
}
