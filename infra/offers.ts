// Offers and assignments: accept (first wins, enforced by the database), decline, delivery
// bookkeeping, "Mine oppdrag", and a volunteer cancelling a task.
import { plannedOnEachRunSql, type Database, type Queryable } from './db.ts';
import { OUTBOX_INSERT, type OutboxKind } from './outbox.ts';
import type { ConversationRef } from './identities.ts';
import { addressesOf, SENDABLE_ACCOUNT, type Reach } from './channels.ts';
import type { PreferredChannel } from '../domain/channels.ts';
import { revealDetails, revealListed, revealRead } from './reveal.ts';
import { detailsFromRow, requestRowColumns, taskEndSql, toHelpRequest, type RequestRow as StoredRequestRow } from './request-row.ts';
import { CURRENT_DECLARATION_VERSION } from '../domain/declaration.ts';
import { volunteerMayAccept, viewerCentresSql, viewerOf } from './volunteer-standing.ts';
import type { HelpRequest, Locale, OfferStatus, PrivateRequestDetails, RequestStatus } from '../domain/types.ts';

export type AcceptResult =
  | { outcome: 'won' | 'already_yours'; request: HelpRequest; details: PrivateRequestDetails; assignmentId: string }
  /** `request` as this accept read it: what the pressed card needs to show it closed, without another read. */
  | { outcome: 'taken' | 'cancelled' | 'closed'; request: HelpRequest }
  | { outcome: 'not_eligible' | 'not_found' };

export async function acceptOffer(
  db: Database,
  input: {
    offerId: string; volunteerId: string; channelId: string; now: Date;
    /** The activity id of the card this turn draws again in the chat (Turn.cardRedrawnInPlace), if any. */
    pressedCard?: string | null;
  },
): Promise<AcceptResult> {
  const settled = await settleAccept(db, input);
  if (!settled) return { outcome: 'not_found' };
  if (settled.won) return revealWon(db, input, settled.row);
  const row = settled.row;
  if (row.offer_status === 'accepted') {
    return db.transaction(async (tx): Promise<AcceptResult> => {
      const a = await tx.query<{ id: string }>(`SELECT id FROM assignments WHERE request_id = $1 AND volunteer_id = $2 AND status = 'active'`, [row.id, input.volunteerId]);
      if (a[0]) return reveal(tx, row.id, a[0].id, input, 'already_yours');
      return { outcome: 'closed', request: toHelpRequest(row) };
    });
  }
  // Still open after the deciding UPDATE: they may not take it.
  if (row.status === 'open') return { outcome: 'not_eligible' };
  const status = row.status as RequestStatus;
  return { outcome: status === 'taken' || status === 'done' ? 'taken' : status === 'cancelled' ? 'cancelled' : 'closed', request: toHelpRequest(row) };
}

type RequestRow = StoredRequestRow & { assigned_volunteer_id: string | null };
type WonRow = RequestRow & Parameters<typeof detailsFromRow>[0] & { assignment_id: string; viewer_centres: string[] | null; is_viewer: boolean; p_name: string | null; p_address: string | null; p_phone: string | null };
type SettledRow = WonRow & { won: boolean; offer_status: OfferStatus | null };

/**
 * One statement per accept, winner or not. Its UPDATE of the request is the only thing that decides
 * the race — only one accept finds status 'open' — and when it wins, the same statement writes the
 * rest (so atomically, without a transaction's extra round trips while the request's row lock is held
 * and every accept behind it waits): the assignment, its offer accepted and the other pending ones
 * taken, the outbox row; and it reads what the reveal needs (who the volunteer is to the rule, the
 * private details).
 *
 * When it does not win, the same statement reads the request as it stands now: `FOR SHARE` waits for
 * an accept or cancel still in flight and returns the newest committed version, where a plain read
 * would see the statement's snapshot (still 'open'). It then records the press on a pending, taken or
 * withdrawn offer of a request no longer open: responded_at, so the card the workers close afterwards thanks
 * them for answering (the same words as the card this turn draws), and a pending offer marked taken
 * or withdrawn. When the card pressed is the only place the offer shows and this turn draws that very
 * message again (`pressedCard`: Web Chat; a Teams invoke's answer is not the chat's stored card, and
 * a push notification would still say «new»), it is marked closed too: this turn draws it closed
 * («Noen andre rakk det før deg»), so the workers closing the request's other cards skip it instead of
 * drawing it a second time — in a burst of late presses, one Bot Connector call fewer per press. Should
 * the turn die before its answer, or the channel refuse to update the message (Turn.replace then
 * sends the closed card as a new one), the pressed card keeps its buttons, and a press on them is
 * answered the same way. A loser's commit does not wait for the WAL flush (NO_FLUSH_WAIT, as the delivery
 * record does): a burst's hundred late presses no longer each wait for one. Only a crash of PostgreSQL
 * itself within a fraction of a second may lose such a record, and what is lost is the wording of the
 * card closed later; a pending offer's «taken» or «withdrawn» is also written durably by the winning
 * accept or the cancel itself. A winner's statement sets nothing of the kind, so the decision, the
 * assignment and the outbox row commit durably.
 *
 * Undefined when the offer is not this volunteer's.
 */
async function settleAccept(db: Queryable, input: { offerId: string; volunteerId: string; channelId: string; now: Date; pressedCard?: string | null }): Promise<{ won: boolean; row: SettledRow } | undefined> {
  const rows = await db.query<SettledRow>(SETTLE_ACCEPT, [input.offerId, input.volunteerId, input.now, CURRENT_DECLARATION_VERSION, 'request.taken' satisfies OutboxKind, input.pressedCard ?? null]);
  const row = rows[0];
  return row ? { won: row.won, row } : undefined;
}

/**
 * settleAccept's statement, built once. Only the winner's row carries the private details; a loser's
 * has the columns its closed card shows, so nothing of the person's reaches a turn that may not show it.
 */
const SETTLE_ACCEPT = `WITH mine AS (
       SELECT request_id FROM offers WHERE id = $1 AND volunteer_id = $2
     ), won AS (
       UPDATE help_requests SET status = 'taken', assigned_volunteer_id = $2, taken_at = $3, updated_at = $3
        WHERE id = (SELECT request_id FROM mine) AND status = 'open' AND ${volunteerMayAccept('help_requests.centre_id')}
        RETURNING *
     ), assignment AS (
       INSERT INTO assignments (request_id, volunteer_id, assigned_at) SELECT id, $2, $3 FROM won RETURNING id
     ), accepted AS (
       UPDATE offers SET status = 'accepted', responded_at = $3 WHERE id = $1 AND EXISTS (SELECT 1 FROM won)
     ), others AS (
       UPDATE offers SET status = 'taken' WHERE request_id = (SELECT id FROM won) AND id <> $1 AND status = 'pending'
     ), outbox AS (
       ${OUTBOX_INSERT} SELECT $5, id FROM won
     ), viewer AS (${viewerCentresSql('$2')}
     ), lost AS (
       SELECT r.*, o.status AS offer_status FROM offers o JOIN help_requests r ON r.id = o.request_id
        WHERE o.id = $1 AND o.volunteer_id = $2 AND NOT EXISTS (SELECT 1 FROM won)
        FOR SHARE OF r
     ), late AS (
       UPDATE offers SET status = CASE WHEN offers.status <> 'pending' THEN offers.status WHEN lost.status = 'cancelled' THEN 'withdrawn' ELSE 'taken' END,
                         responded_at = COALESCE(offers.responded_at, $3),
                         closed_card_sent_at = CASE WHEN EXISTS (SELECT 1 FROM offer_deliveries od WHERE od.offer_id = $1 AND od.activity_id = $6 AND od.pushed_at IS NULL)
                                                THEN COALESCE(offers.closed_card_sent_at, $3) ELSE offers.closed_card_sent_at END
         FROM lost, (SELECT set_config('synchronous_commit', 'off', true) WHERE NOT EXISTS (SELECT 1 FROM won)) AS no_flush_wait -- NO_FLUSH_WAIT, for losers only
        WHERE offers.id = $1 AND offers.status IN ('pending', 'taken', 'withdrawn') AND lost.status <> 'open'
     )
     SELECT ${requestRowColumns('won')}, won.assigned_volunteer_id, won.meeting_place, won.handover_note, won.contact_name, won.contact_phone,
            true AS won, NULL::text AS offer_status, (SELECT id FROM assignment) AS assignment_id, (SELECT centres FROM viewer) AS viewer_centres,
            EXISTS (SELECT 1 FROM viewer) AS is_viewer, p.name AS p_name, p.address AS p_address, p.phone AS p_phone
       FROM won LEFT JOIN persons p ON p.id = won.person_id
     UNION ALL
     SELECT ${requestRowColumns('lost')}, lost.assigned_volunteer_id, NULL, NULL, NULL, NULL, false, lost.offer_status, NULL, NULL, false, NULL, NULL, NULL FROM lost`;

/** The winner's details: the rule decides, not the path that got here (the row as the deciding UPDATE left it). */
async function revealWon(db: Queryable, input: { offerId: string; volunteerId: string; channelId: string; now: Date }, row: WonRow): Promise<AcceptResult> {
  const request = toHelpRequest(row);
  // No longer in good standing at the centre, and they see nothing.
  const details = await revealRead(db, {
    volunteerId: input.volunteerId, channelId: input.channelId, at: input.now,
    viewer: viewerOf(input.volunteerId, row.is_viewer ? row.viewer_centres : undefined),
    subject: { centreId: request.centreId, assignedVolunteerId: row.assigned_volunteer_id, createdBy: request.createdBy },
    request: { id: row.id, personId: request.personId },
    details: detailsFromRow(row, { name: row.p_name, address: row.p_address, phone: row.p_phone }),
  });
  if (!details) return { outcome: 'closed', request };
  return { outcome: 'won', request, details, assignmentId: row.assignment_id };
}


async function reveal(
  tx: Queryable,
  requestId: string,
  assignmentId: string,
  input: { volunteerId: string; channelId: string; now: Date },
  outcome: 'won' | 'already_yours',
): Promise<AcceptResult> {
  const row = (await tx.query<RequestRow>('SELECT * FROM help_requests WHERE id = $1', [requestId]))[0]!;
  const request = toHelpRequest(row);
  // The rule decides, not the path that got here: no longer theirs, or no longer in good standing at the centre, sees nothing.
  const details = await revealDetails(tx, {
    volunteerId: input.volunteerId, channelId: input.channelId, at: input.now,
    subject: { centreId: request.centreId, assignedVolunteerId: row.assigned_volunteer_id, createdBy: request.createdBy },
    requests: [{ id: requestId, personId: request.personId }],
  });
  if (!details) return { outcome: 'closed', request };
  return { outcome, request, details, assignmentId };
}

/**
 * The task behind an offer its volunteer accepted, shown to them again (a Teams card refresh): a
 * recorded reveal. Null once it is no longer theirs (cancelled, reassigned) or its details are erased.
 */
export async function revealAssignedTask(
  db: Database,
  input: { offerId: string; volunteerId: string; channelId: string; now: Date },
): Promise<{ request: HelpRequest; details: PrivateRequestDetails; assignmentId: string } | null> {
  const rows = await db.query<{ assignment_id: string }>(
    `SELECT a.id AS assignment_id
       FROM offers o JOIN assignments a ON a.request_id = o.request_id AND a.volunteer_id = o.volunteer_id AND a.status = 'active'
      WHERE o.id = $1 AND o.volunteer_id = $2 AND o.status = 'accepted'`,
    [input.offerId, input.volunteerId],
  );
  return rows[0] ? revealOwnAssignment(db, { ...input, assignmentId: rows[0].assignment_id }) : null;
}

/** An assignment of the volunteer's own shown to them again (opened from a one-time link): a recorded reveal. */
export async function revealOwnAssignment(
  db: Database,
  input: { assignmentId: string; volunteerId: string; channelId: string; now: Date },
): Promise<{ request: HelpRequest; details: PrivateRequestDetails; assignmentId: string } | null> {
  return db.transaction(async (tx) => {
    const rows = await tx.query<{ request_id: string }>(
      `SELECT a.request_id FROM assignments a
         JOIN help_requests r ON r.id = a.request_id AND r.details_erased_at IS NULL
         JOIN persons p ON p.id = r.person_id AND p.erased_at IS NULL
        WHERE a.id = $1 AND a.volunteer_id = $2 AND a.status = 'active'`,
      [input.assignmentId, input.volunteerId],
    );
    if (!rows[0]) return null;
    const shown = await reveal(tx, rows[0].request_id, input.assignmentId, input, 'already_yours');
    return shown.outcome === 'already_yours' ? shown : null;
  });
}

export async function declineOffer(db: Queryable, input: { offerId: string; volunteerId: string; now: Date }): Promise<boolean> {
  const rows = await db.query(
    `UPDATE offers SET status = 'declined', responded_at = $3 WHERE id = $1 AND volunteer_id = $2 AND status = 'pending' RETURNING id`,
    [input.offerId, input.volunteerId, input.now],
  );
  return rows.length > 0;
}

export interface OfferForSend {
  offerId: string;
  volunteerId: string;
  status: OfferStatus;
  activityId: string | null;
  conversationId: string | null;
  channelId: string | null;
  /** When it was announced by push (web chat, no chat open): a take or cancel then replaces that notification. */
  pushedAt: Date | null;
  /** They answered it (accepted, declined, or tapped «Ta oppdraget» too late). */
  responded: boolean;
  /** Its card already shows it closed (drawn by the workers, or by the turn of a press that came too late). */
  closedCardSent: boolean;
  request: HelpRequest;
}

/** The offer `o` and where it went `od`. */
const OFFER_COLUMNS = 'o.id AS offer_id, o.volunteer_id, o.status AS offer_status, od.activity_id, od.conversation_id, od.channel_id, od.pushed_at, o.responded_at, o.closed_card_sent_at';
const OFFER_FOR_SEND_COLUMNS = `r.*, ${OFFER_COLUMNS}`;
/** The offer `o`, its request `r` and where it went `od` (not yet: nulls). */
const OFFER_FOR_SEND_FROM = 'offers o JOIN help_requests r ON r.id = o.request_id LEFT JOIN offer_deliveries od ON od.offer_id = o.id';
type OfferRow = { offer_id: string; volunteer_id: string; offer_status: OfferStatus; activity_id: string | null; conversation_id: string | null; channel_id: string | null; pushed_at: Date | null; responded_at: Date | null; closed_card_sent_at: Date | null };
type OfferForSendRow = Parameters<typeof toHelpRequest>[0] & OfferRow;

function toOfferForSend(r: OfferForSendRow): OfferForSend {
  return { ...toOffer(r), request: toHelpRequest(r) };
}

function toOffer(r: OfferRow): Omit<OfferForSend, 'request'> {
  return {
    offerId: r.offer_id,
    volunteerId: r.volunteer_id,
    status: r.offer_status,
    activityId: r.activity_id,
    conversationId: r.conversation_id,
    channelId: r.channel_id,
    pushedAt: r.pushed_at,
    responded: r.responded_at !== null,
    closedCardSent: r.closed_card_sent_at !== null,
  };
}

export async function offerForSend(db: Queryable, offerId: string): Promise<OfferForSend | null> {
  const rows = await db.query<OfferForSendRow>(`SELECT ${OFFER_FOR_SEND_COLUMNS} FROM ${OFFER_FOR_SEND_FROM} WHERE o.id = $1`, [offerId]);
  return rows[0] ? toOfferForSend(rows[0]) : null;
}

/** Offers still open whose card is on the volunteer's screen (sent, not closed): drawn again when the visit moves. */
export async function openOfferCards(db: Queryable, requestId: string): Promise<string[]> {
  const rows = await db.query<{ id: string }>(
    `SELECT o.id FROM offers o JOIN offer_deliveries od ON od.offer_id = o.id
      WHERE o.request_id = $1 AND o.status = 'pending' AND od.activity_id IS NOT NULL AND o.closed_card_sent_at IS NULL ORDER BY o.id`,
    [requestId],
  );
  return rows.map((r) => r.id);
}

/** Planned on each run, like the other statements of a wave (infra/db.ts plannedOnEachRunSql). */
export async function unsentOffers(db: Queryable, requestId: string): Promise<string[]> {
  const rows = await db.query<{ id: string }>(UNSENT_OFFERS, [requestId]);
  return rows.map((r) => r.id);
}

/** SQL on offers `o`: delivered nowhere yet (not even kept for the volunteer's next web chat visit). */
export const OFFER_NOT_DELIVERED = 'NOT EXISTS (SELECT 1 FROM offer_deliveries od WHERE od.offer_id = o.id)';

const UNSENT_OFFERS = plannedOnEachRunSql(
  `SELECT o.id FROM offers o WHERE o.request_id = $1 AND ${OFFER_NOT_DELIVERED} AND NOT o.undeliverable AND o.status = 'pending' ORDER BY o.created_at, o.id`,
);

/**
 * SQL on offers `o`: its card is on someone's screen, or its push notification on their phone, and
 * not yet closed (the rule below).
 */
export const OFFER_CARD_TO_CLOSE = `o.closed_card_sent_at IS NULL AND EXISTS (
          SELECT 1 FROM offer_deliveries od WHERE od.offer_id = o.id AND (od.activity_id IS NOT NULL OR od.pushed_at IS NOT NULL)
             AND (o.status IN ('taken', 'withdrawn', 'pending') OR (o.status = 'accepted' AND od.channel_id = 'msteams')))`;

/**
 * Offers whose card is on someone's screen and should now show "taken" / "cancelled". In Teams that
 * includes the winner's own card: the details they got in the invoke answer are theirs alone, and
 * the card kept in the chat becomes the public one that refreshes to the details for them only.
 */
export async function offersToClose(db: Queryable, requestId: string): Promise<string[]> {
  const rows = await db.query<{ id: string }>(
    `SELECT o.id FROM offers o WHERE o.request_id = $1 AND ${OFFER_CARD_TO_CLOSE}`,
    [requestId],
  );
  return rows.map((r) => r.id);
}

/**
 * SQL for an UPDATE's FROM list: this statement's own (implicit) transaction commits without waiting
 * for the WAL flush. set_config(…, true) lasts until that transaction ends; the session keeps its setting.
 */
const NO_FLUSH_WAIT = `(SELECT set_config('synchronous_commit', 'off', true)) AS no_flush_wait`;

/**
 * Records where the card went, and answers whether it is still live: the offer's and its request's
 * status as they stand at this commit, so a take or cancel during the send is seen without a re-read.
 *
 * The request row is read FOR SHARE: a status change either committed before (and is returned here)
 * or waits for this commit, after which its outbox dispatch finds this card's activity id and closes
 * it. Either way no live button is left behind.
 *
 * Commits without waiting for the WAL flush (synchronous_commit off for this one statement's
 * implicit transaction; set_config(…, true) ends with it). Once COMMIT returns the row is visible
 * to every session exactly as with a durable commit, so a worker crash changes nothing: the
 * worker-crash bound (a card sent twice only if its sender died before recording it) still holds.
 * Only a crash of PostgreSQL itself within a fraction of a second (3 × wal_writer_delay) may lose
 * the record, and only if no durable commit has flushed the WAL since (any later durable commit
 * flushes this one too). The offer then reads as sent-never: a later re-send of the request's
 * unsent offers (next wave's dispatch, a schedule rebuild) may deliver the card once more — the
 * same one-extra-copy bound as a worker crash — and the first copy's button is not closed when the
 * task is taken; a click on it still goes through acceptOffer's conditional UPDATE, so first accept
 * wins exactly once and nothing is assigned twice. That trade removes a WAL flush per offer, the
 * statement PostgreSQL spent most of a fan-out waiting on (docs/benchmarks.md).
 */
export async function recordOfferDelivered(
  db: Queryable,
  /**
   * conversationId/activityId null: the web chat had no open conversation — the offer is kept for the
   * person's next visit (bot/open-items.ts shows it then). `pushed`: announced by push as well.
   * A card shown again on that visit is recorded here too; sent_at keeps the first delivery.
   */
  d: Delivery & { requestId: string; at: Date },
): Promise<{ offerStatus: OfferStatus; requestStatus: RequestStatus } | null> {
  const [r] = await recordOffersDelivered(db, d.requestId, [d], d.at);
  return r ? { offerStatus: r.offerStatus, requestStatus: r.requestStatus } : null;
}

/** Where one offer's card went (see recordOfferDelivered). */
interface Delivery {
  offerId: string;
  channelId: string;
  conversationId: string | null;
  activityId: string | null;
  pushed?: boolean;
}

/**
 * One offer of a slice as the batched sender reads it: the offer, its request's id and status (the
 * request itself is read once per slice, not once per offer), and where its volunteer can be reached.
 */
export interface SliceOffer extends Omit<OfferForSend, 'request'> {
  requestId: string;
  requestStatus: RequestStatus;
  /** Null when the volunteer has left. */
  reach: Reach | null;
  /** Some channel already failed for this offer (it then goes through the one-offer path). */
  failedBefore: boolean;
  /** The volunteer has a live push subscription (the web chat then pushes too: the one-offer path). */
  hasPush: boolean;
}

const SLICE_READ = plannedOnEachRunSql(
  `SELECT o.request_id, r.status AS request_status, ${OFFER_COLUMNS}, m.locale AS m_locale, m.preferred_channel AS m_preferred,
          (SELECT json_agg(json_build_object('channel_id', c.channel_id, 'user_id', c.user_id, 'conversation_ref', c.conversation_ref, 'last_seen_at', c.last_seen_at))
             FROM chat_identities c WHERE c.member_id = m.id AND ${SENDABLE_ACCOUNT}) AS accounts,
          EXISTS (SELECT 1 FROM delivery_failures f WHERE f.message_key = 'offer:' || o.id::text) AS failed_before,
          EXISTS (SELECT 1 FROM push_subscriptions s WHERE s.member_id = m.id AND (s.expires_at IS NULL OR s.expires_at > $2)) AS has_push
     FROM ${OFFER_FOR_SEND_FROM} LEFT JOIN members m ON m.id = o.volunteer_id AND m.left_at IS NULL
    WHERE o.id = ANY($1::uuid[])`,
);

/**
 * A slice of offers with their request and their volunteers' reach, in one read (jobs/offer-slices.ts):
 * what sendOffer reads in four statements per offer. Planned on each run (infra/db.ts
 * plannedOnEachRunSql): a kept generic plan, made while `offers` was small, read all of it per slice.
 */
export async function offersForSlice(db: Queryable, offerIds: readonly string[], now: Date): Promise<SliceOffer[]> {
  type Row = OfferRow & {
    request_id: string;
    request_status: RequestStatus;
    m_locale: Locale | null;
    m_preferred: PreferredChannel;
    accounts: Array<{ channel_id: string; user_id: string; conversation_ref: ConversationRef; last_seen_at: string | null }> | null;
    failed_before: boolean;
    has_push: boolean;
  };
  const rows = await db.query<Row>(SLICE_READ, [offerIds, now]);
  return rows.map((r) => ({
    ...toOffer(r),
    requestId: r.request_id,
    requestStatus: r.request_status,
    reach: r.m_locale === null ? null : { memberId: r.volunteer_id, locale: r.m_locale, preferred: r.m_preferred, addresses: addressesOf(r.accounts ?? []) },
    failedBefore: r.failed_before,
    hasPush: r.has_push,
  }));
}

const RECORD_DELIVERED = plannedOnEachRunSql(
  `WITH r AS MATERIALIZED (SELECT r.status FROM help_requests r WHERE r.id = $1 FOR SHARE),
        o AS MATERIALIZED (
          SELECT o.id, o.status, d.channel_id, d.conversation_id, d.activity_id, d.pushed
            FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $7::boolean[]) AS d(offer_id, channel_id, conversation_id, activity_id, pushed)
            JOIN offers o ON o.id = d.offer_id
           WHERE (SELECT true FROM r) AND o.request_id IS NOT DISTINCT FROM $1
             FOR SHARE OF o),
        recorded AS (
          INSERT INTO offer_deliveries (offer_id, sent_at, channel_id, conversation_id, activity_id, pushed_at)
          SELECT o.id, $6, o.channel_id, o.conversation_id, o.activity_id, CASE WHEN o.pushed THEN $6::timestamptz END FROM o
          ON CONFLICT (offer_id) DO UPDATE SET channel_id = EXCLUDED.channel_id, conversation_id = EXCLUDED.conversation_id, activity_id = EXCLUDED.activity_id,
                 pushed_at = COALESCE(EXCLUDED.pushed_at, offer_deliveries.pushed_at))
   SELECT o.id, o.status AS offer_status, r.status AS request_status FROM o, r, ${NO_FLUSH_WAIT}`,
);

/**
 * recordOfferDelivered for several offers of one request in one statement (a slice's). The request is
 * locked FOR SHARE before any offer is read (the one-time filter on `r`), the order an accept or a
 * cancel takes them in — locking an offer first deadlocked with a concurrent accept — and then each
 * offer FOR SHARE, which waits for a status change in flight (a withdrawal touches no request row)
 * and returns the offer as it stands at this commit, so the ones taken during the send are closed. The offers are found by their ids alone: the request
 * check is written `IS NOT DISTINCT FROM`, which no index serves, because with statistics from before
 * the wave was inserted PostgreSQL took (request_id, volunteer_id) for selective and read all of a
 * large request's offers for each slice of 50. Planned on each run, like the slice's read (infra/db.ts
 * plannedOnEachRunSql), so a plan from when `offers` was small is not kept either.
 */
export async function recordOffersDelivered(
  db: Queryable,
  requestId: string,
  sent: readonly Delivery[],
  at: Date,
): Promise<Array<{ offerId: string; offerStatus: OfferStatus; requestStatus: RequestStatus }>> {
  if (sent.length === 0) return [];
  const rows = await db.query<{ id: string; offer_status: OfferStatus; request_status: RequestStatus }>(
    RECORD_DELIVERED,
    [requestId, sent.map((x) => x.offerId), sent.map((x) => x.channelId), sent.map((x) => x.conversationId), sent.map((x) => x.activityId), at, sent.map((x) => x.pushed === true)],
  );
  return rows.map((r) => ({ offerId: r.id, offerStatus: r.offer_status, requestStatus: r.request_status }));
}

export async function recordOfferUndeliverable(db: Queryable, offerId: string): Promise<void> {
  await db.query('UPDATE offers SET undeliverable = true WHERE id = $1', [offerId]);
}

/**
 * Commits without waiting for the WAL flush, like recordOfferDelivered: the card was updated before
 * this runs, so a record lost to a PostgreSQL crash only means a later schedule rebuild
 * (offerCardsToClose) may update it once more to the state it already shows — nothing a person sees.
 */
export async function recordOfferClosedCard(db: Queryable, offerId: string, at: Date): Promise<void> {
  await db.query(`UPDATE offers SET closed_card_sent_at = $2 FROM ${NO_FLUSH_WAIT} WHERE id = $1`, [offerId, at]);
}

export interface MyTask {
  assignmentId: string;
  request: HelpRequest;
  details: PrivateRequestDetails;
}

/** Upcoming tasks with their details: each listing is a reveal and is recorded. */
export async function myTasks(db: Database, input: { volunteerId: string; channelId: string; now: Date }): Promise<MyTask[]> {
  // One read for the tasks with their details and who the volunteer is to the rule, one write for the
  // reveals: not a round trip per task, and no transaction — the read is one statement (one snapshot)
  // and the write one statement, done before any detail is returned.
  type Row = Parameters<typeof toHelpRequest>[0] & Parameters<typeof detailsFromRow>[0] & { assignment_id: string; assigned_volunteer_id?: string | null; p_name: string | null; p_address: string | null; p_phone: string | null; viewer_centres: string[] | null; is_viewer: boolean };
  const rows = await db.query<Row>(
    `WITH viewer AS (${viewerCentresSql('$1')})
     SELECT r.*, a.id AS assignment_id, p.name AS p_name, p.address AS p_address, p.phone AS p_phone,
            (SELECT centres FROM viewer) AS viewer_centres, EXISTS (SELECT 1 FROM viewer) AS is_viewer
       FROM assignments a JOIN help_requests r ON r.id = a.request_id LEFT JOIN persons p ON p.id = r.person_id
      WHERE a.volunteer_id = $1 AND a.status = 'active' AND ${taskEndSql('r')} > $2
      ORDER BY r.starts_at`,
    [input.volunteerId, input.now],
  );
  // Only the tasks the rule lets them see now: a centre that removed or paused them takes its tasks' details with it.
  const shown = await revealListed(db, {
    volunteerId: input.volunteerId, channelId: input.channelId, at: input.now, items: rows,
    viewer: rows[0] ? viewerOf(input.volunteerId, rows[0].is_viewer ? rows[0].viewer_centres : undefined) : null,
    subjectOf: (r) => ({ centreId: r.centre_id, assignedVolunteerId: r.assigned_volunteer_id ?? null, createdBy: r.created_by }),
    requestOf: (r) => ({ id: r.id, personId: r.person_id }),
  });
  return shown.map((r) => ({
    assignmentId: r.assignment_id,
    request: toHelpRequest(r),
    details: detailsFromRow(r, { name: r.p_name, address: r.p_address, phone: r.p_phone }),
  }));
}

/** The volunteer can't make it: their active assignment ends with their reason; returns its request (null if not theirs or not active). */
export async function dropAssignment(tx: Queryable, input: { assignmentId: string; volunteerId: string; reason: string; now: Date }): Promise<string | null> {
  const rows = await tx.query<{ request_id: string }>(
    `UPDATE assignments SET status = 'cancelled', cancelled_at = $3, cancel_reason = $4
      WHERE id = $1 AND volunteer_id = $2 AND status = 'active' RETURNING request_id`,
    [input.assignmentId, input.volunteerId, input.now, input.reason],
  );
  return rows[0]?.request_id ?? null;
}

export async function assignmentInfo(db: Queryable, assignmentId: string): Promise<{ requestId: string; volunteerId: string; createdBy: string; reason: string | null } | null> {
  const rows = await db.query<{ request_id: string; volunteer_id: string; created_by: string; cancel_reason: string | null }>(
    `SELECT a.request_id, a.volunteer_id, r.created_by, a.cancel_reason FROM assignments a JOIN help_requests r ON r.id = a.request_id WHERE a.id = $1`,
    [assignmentId],
  );
  const r = rows[0];
  return r ? { requestId: r.request_id, volunteerId: r.volunteer_id, createdBy: r.created_by, reason: r.cancel_reason } : null;
}
