// Every SMS in and out, for three reasons: a reply waits here (with its text) until the send queue
// takes it; a delivery report finds the send that chose SMS, to try the person's next channel; and
// SMS costs money, so each centre sees how many it sent (infra/reports.ts). Numbers and texts are
// cleared as soon as the message is sent; ids, parts and times stay.
import type { Queryable } from './db.ts';

export type SmsStatus = 'queued' | 'sent' | 'delivered' | 'failed' | 'dropped' | 'received';

/** SQL: the centre an SMS counts for — its task's, else the member's own (staff) or first (volunteer). */
const CENTRE_OF = `COALESCE($2::text, (SELECT m.centre_id FROM members m WHERE m.id = $1::uuid),
                            (SELECT min(vc.centre_id) FROM volunteer_centres vc WHERE vc.member_id = $1::uuid))`;

/** A reply to send later (by the send queue): keeps the number and the text until then. */
export async function queueSms(db: Queryable, m: { memberId: string | null; centreId: string | null; msisdn: string; body: string; provider: string; at: Date }): Promise<string> {
  const rows = await db.query<{ id: string }>(
    `INSERT INTO sms_messages (direction, member_id, centre_id, msisdn, body, provider, status, created_at)
     VALUES ('out', $1, ${CENTRE_OF}, $3, $4, $5, 'queued', $6) RETURNING id::text AS id`,
    [m.memberId, m.centreId, m.msisdn, m.body, m.provider, m.at],
  );
  return rows[0]!.id;
}

export async function queuedSms(db: Queryable, id: string): Promise<{ memberId: string | null; msisdn: string; body: string; status: SmsStatus } | null> {
  const rows = await db.query<{ member_id: string | null; msisdn: string | null; body: string | null; status: SmsStatus }>(
    'SELECT member_id, msisdn, body, status FROM sms_messages WHERE id = $1',
    [id],
  );
  const r = rows[0];
  return r && r.msisdn && r.body !== null ? { memberId: r.member_id, msisdn: r.msisdn, body: r.body, status: r.status } : null;
}

/** A message about to be sent now (not queued): its row, so the delivery report finds its origin. */
export async function startSms(db: Queryable, m: { memberId: string | null; centreId: string | null; origin: unknown; provider: string; at: Date }): Promise<string> {
  const rows = await db.query<{ id: string }>(
    `INSERT INTO sms_messages (direction, member_id, centre_id, origin, provider, status, created_at)
     VALUES ('out', $1, ${CENTRE_OF}, $3, $4, 'queued', $5) RETURNING id::text AS id`,
    [m.memberId, m.centreId, m.origin === null ? null : JSON.stringify(m.origin), m.provider, m.at],
  );
  return rows[0]!.id;
}

/** Sent: the gateway's id and the parts it cost; the number and text are no longer needed. */
export async function markSmsSent(db: Queryable, id: string, s: { providerId: string; parts: number; at: Date }): Promise<void> {
  await db.query(
    `UPDATE sms_messages SET status = 'sent', provider_id = $2, parts = $3, sent_at = $4, status_at = $4, msisdn = NULL, body = NULL WHERE id = $1 AND status = 'queued'`,
    [id, s.providerId, s.parts, s.at],
  );
}

/** Not sent (refused for this number, or dropped as no longer wanted). */
export async function markSmsNotSent(db: Queryable, id: string, s: { status: 'failed' | 'dropped'; error: string; at: Date }): Promise<void> {
  await db.query(`UPDATE sms_messages SET status = $2, error = $3, status_at = $4, msisdn = NULL, body = NULL WHERE id = $1`, [id, s.status, s.error, s.at]);
}

/**
 * A delivery report, found by the gateway's id or by our reference. 'early' when the send that made it
 * is not yet recorded (the gateway is asked to try again); the failed message's origin and member the
 * first time it turns to failed (a repeated report, or one after success, gives null): that is when the
 * next channel is tried.
 */
export async function recordSmsReport(
  db: Queryable,
  r: { provider: string; providerId: string; ref: string | null; delivered: boolean; error: string | null; at: Date },
): Promise<{ origin: unknown; memberId: string | null; id: string } | 'early' | null> {
  const ref = r.ref && /^\d{1,18}$/.test(r.ref) ? r.ref : null;
  const rows = await db.query<{ id: string; origin: unknown; member_id: string | null; status: SmsStatus; was: SmsStatus }>(
    `WITH m AS (SELECT id, status FROM sms_messages WHERE direction = 'out' AND provider = $1 AND (provider_id = $2 OR ($3::bigint IS NOT NULL AND id = $3::bigint AND provider_id IS NULL)) LIMIT 1 FOR UPDATE)
     UPDATE sms_messages s SET status = CASE WHEN m.status = 'sent' THEN $4 ELSE s.status END,
                               error = CASE WHEN m.status = 'sent' THEN $5 ELSE s.error END,
                               status_at = CASE WHEN m.status = 'sent' THEN $6::timestamptz ELSE s.status_at END
       FROM m WHERE s.id = m.id
      RETURNING s.id::text AS id, s.origin, s.member_id, s.status, m.status AS was`,
    [r.provider, r.providerId, ref, r.delivered ? 'delivered' : 'failed', r.error, r.at],
  );
  const row = rows[0];
  if (row?.was === 'queued') return 'early';
  return row && row.was === 'sent' && !r.delivered ? { id: row.id, origin: row.origin, memberId: row.member_id } : null;
}

export async function recordSmsIn(db: Queryable, m: { memberId: string | null; provider: string; at: Date }): Promise<void> {
  await db.query(
    `INSERT INTO sms_messages (direction, member_id, centre_id, provider, status, created_at) VALUES ('in', $1, ${CENTRE_OF}, $3, 'received', $4)`,
    [m.memberId, null, m.provider, m.at],
  );
}

/** The gateway's id of the last message to this member, so a new one joins the same thread on their phone. */
export async function lastSmsTo(db: Queryable, memberId: string | null): Promise<string | null> {
  if (!memberId) return null;
  const rows = await db.query<{ provider_id: string }>(
    `SELECT provider_id FROM sms_messages WHERE member_id = $1 AND direction = 'out' AND provider_id IS NOT NULL ORDER BY sent_at DESC NULLS LAST, id DESC LIMIT 1`,
    [memberId],
  );
  return rows[0]?.provider_id ?? null;
}
