// The state of an SMS conversation in which a person helped signs up or asks (domain/sms-ask.ts),
// kept per number between messages. For a number that never finishes signing up this is all we hold
// about it; it lasts a day after their last message and is then gone (read as gone at once, deleted
// by the daily upkeep). Finishing — or saying no to the consent — deletes it at once.
import type { Queryable } from './db.ts';
import type { SmsAskState } from '../domain/sms-ask.ts';

/** How long an unfinished SMS conversation is kept after its last message. */
export const SMS_CONVERSATION_HOURS = 24;

export async function smsConversationOf(db: Queryable, msisdn: string, now: Date): Promise<SmsAskState | null> {
  const rows = await db.query<{ state: SmsAskState }>('SELECT state FROM sms_conversations WHERE msisdn = $1 AND expires_at > $2', [msisdn, now]);
  return rows[0]?.state ?? null;
}

export async function saveSmsConversation(db: Queryable, input: { msisdn: string; memberId: string | null; state: SmsAskState; now: Date }): Promise<void> {
  await db.query(
    `INSERT INTO sms_conversations (msisdn, member_id, state, updated_at, expires_at) VALUES ($1, $2, $3, $4, $4::timestamptz + $5 * interval '1 hour')
     ON CONFLICT (msisdn) DO UPDATE SET member_id = EXCLUDED.member_id, state = EXCLUDED.state, updated_at = EXCLUDED.updated_at, expires_at = EXCLUDED.expires_at`,
    [input.msisdn, input.memberId, JSON.stringify(input.state), input.now, SMS_CONVERSATION_HOURS],
  );
}

export async function endSmsConversation(db: Queryable, msisdn: string): Promise<void> {
  await db.query('DELETE FROM sms_conversations WHERE msisdn = $1', [msisdn]);
}

/**
 * The daily upkeep: unfinished conversations past their time, and the chat account an unknown number
 * got by writing to us (its number and where to answer it) once a day has passed without a sign-up.
 * A STOPP from such a number stays in sms_stops: it is what keeps us from writing to it again.
 */
export async function purgeSmsConversations(db: Queryable, now: Date): Promise<void> {
  await db.query('DELETE FROM sms_conversations WHERE expires_at <= $1', [now]);
  await db.query(
    `DELETE FROM chat_identities WHERE channel_id = 'sms' AND member_id IS NULL AND COALESCE(last_seen_at, '-infinity') <= $1::timestamptz - $2 * interval '1 hour'`,
    [now, SMS_CONVERSATION_HOURS],
  );
}
