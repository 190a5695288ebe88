// Messages a committed change must lead to are written as outbox rows in the same transaction;
// jobs/ turns them into queued sends. Rows hold a kind and an id, nothing personal.
import type { Queryable } from './db.ts';

export type OutboxKind =
  | 'offers.send' // ref: request id — send the offers of the current wave that are not sent yet
  | 'request.taken' // ref: request id — close other offers, tell staff
  | 'request.cancelled' // ref: request id — close offers, tell the assigned volunteer
  | 'assignment.cancelled' // ref: assignment id — tell staff; the request was reopened
  | 'volunteer.approved' // ref: member@centre (approval is per centre; older rows: member id) — tell the volunteer
  | 'concern.reported' // ref: concern id — tell the staff who posted the request
  | 'request.expired' // ref: request id — started unfilled: close offers, tell staff
  | 'request.held' // ref: request id — saved but held (no consent, caregiver link not confirmed): it still expires at its start
  | 'declaration.published' // ref: version — ask every volunteer to sign again
  | 'series.offers' // ref: series id — send the unsent "be the regular volunteer" offers, set the release timer
  | 'series.taken' // ref: series id — close other series offers, schedule every visit's reminders, tell the caregiver
  | 'series.released' // ref: series id — nobody took it whole: close the series offers (the visits went out one by one)
  | 'series.cancelled' // ref: series id — close offers, tell the volunteers who had visits
  | 'series.left' // ref: series id — the regular volunteer stepped back: tell the caregiver
  | 'series.moved' // ref: series id — the rule's time changed: new reminders for the visits to come, tell their volunteers
  | 'visit.done' // ref: assignment id — the volunteer reported it done: ask the caregiver who asked for feedback
  | 'feedback.given' // ref: feedback id — tell the centre's staff when it was not good or has a comment
  | 'link.pending' // ref: person id — ask the centre's staff to verify a caregiver's link
  | 'staffChannel.unreachable' // ref: centre id — Teams refused the staff channel: tell the centre's staff in person
  | 'link.decided'; // ref: person id — tell the caregiver whether staff confirmed or rejected it

export interface OutboxRow {
  id: number;
  kind: OutboxKind;
  refId: string;
}

/** SQL: the start of an outbox INSERT (then VALUES or a SELECT of kind and ref id), for a statement that writes it with something else. */
export const OUTBOX_INSERT = 'INSERT INTO outbox (kind, ref_id)';

export async function addOutbox(tx: Queryable, kind: OutboxKind, refId: string): Promise<number> {
  const rows = await tx.query<{ id: number }>(`${OUTBOX_INSERT} VALUES ($1, $2) RETURNING id`, [kind, refId]);
  return rows[0]!.id;
}

export async function pendingOutbox(db: Queryable, limit: number, olderThanMs = 0): Promise<OutboxRow[]> {
  const rows = await db.query<{ id: number; kind: OutboxKind; ref_id: string }>(
    `SELECT id, kind, ref_id FROM outbox
      WHERE dispatched_at IS NULL AND created_at <= now() - ($2::int * interval '1 millisecond')
      ORDER BY id LIMIT $1`,
    [limit, olderThanMs],
  );
  return rows.map((r) => ({ id: r.id, kind: r.kind, refId: r.ref_id }));
}

export async function getOutbox(db: Queryable, id: number): Promise<(OutboxRow & { dispatched: boolean }) | null> {
  const rows = await db.query<{ id: number; kind: OutboxKind; ref_id: string; dispatched_at: Date | null }>(
    'SELECT id, kind, ref_id, dispatched_at FROM outbox WHERE id = $1',
    [id],
  );
  const r = rows[0];
  return r ? { id: r.id, kind: r.kind, refId: r.ref_id, dispatched: r.dispatched_at !== null } : null;
}

export async function markDispatched(db: Queryable, id: number): Promise<void> {
  await db.query('UPDATE outbox SET dispatched_at = now() WHERE id = $1 AND dispatched_at IS NULL', [id]);
}
