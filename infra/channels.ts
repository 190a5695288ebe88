// Where a member can be reached: their chat accounts (Teams, web chat, Bot Framework's SMS channel),
// their number on our SMS gateway, which of these they prefer, and which failed for a message. The
// order of trying is domain/channels.ts'; sending is jobs/reach.ts'.
import type { Database, Queryable } from './db.ts';
import { MEMBER_LANGUAGES, type ConversationRef } from './identities.ts';
import { channelKindOf, type ChannelAddress, type ChannelKind, type PreferredChannel } from '../domain/channels.ts';
import { displayMsisdn, normalizeMsisdn } from '../domain/sms.ts';
import type { Locale } from '../domain/types.ts';

/**
 * The serviceUrl our SMS gateway's conversations carry. `.invalid` never resolves: a reference with it
 * can only be served by the gateway (jobs/reach.ts), never posted to as a Bot Framework connector.
 */
export const SMS_SERVICE_URL = 'https://sms.dugnad.invalid/';

export function smsConversationRef(msisdn: string): ConversationRef {
  return { serviceUrl: SMS_SERVICE_URL, channelId: 'sms', conversation: { id: `sms:${msisdn}` }, bot: { id: 'dugnad', name: 'Dugnad' }, user: { id: msisdn } };
}

/** A reference our own SMS gateway serves (rather than Bot Framework's SMS channel). */
export function isGatewaySms(ref: Pick<ConversationRef, 'channelId' | 'serviceUrl'>): boolean {
  return ref.channelId === 'sms' && ref.serviceUrl === SMS_SERVICE_URL;
}

export interface Address extends ChannelAddress {
  channelId: string;
  userId: string;
  ref: ConversationRef;
}

export interface Reach {
  memberId: string;
  locale: Locale;
  preferred: PreferredChannel;
  addresses: Address[];
}

/** SQL over `chat_identities c`: an account we may send to now (SMS: its number has not said STOPP). */
export const SENDABLE_ACCOUNT = `c.conversation_ref IS NOT NULL AND c.unreachable_at IS NULL
  AND NOT (c.channel_id = 'sms' AND EXISTS (SELECT 1 FROM sms_stops s WHERE s.msisdn = c.user_id))`;

/** A member's preferred channel and every address we may send to; null when they have left. */
export async function reachOf(db: Queryable, memberId: string): Promise<Reach | null> {
  const rows = await db.query<{ locale: Locale; preferred_channel: PreferredChannel; channel_id: string | null; user_id: string | null; conversation_ref: ConversationRef | null; last_seen_at: Date | null }>(
    `SELECT ml.locale, m.preferred_channel, c.channel_id, c.user_id, c.conversation_ref, c.last_seen_at
       FROM members m ${MEMBER_LANGUAGES} LEFT JOIN chat_identities c ON c.member_id = m.id AND ${SENDABLE_ACCOUNT}
      WHERE m.id = $1 AND m.left_at IS NULL`,
    [memberId],
  );
  if (!rows[0]) return null;
  return { memberId, locale: rows[0].locale, preferred: rows[0].preferred_channel, addresses: addressesOf(rows) };
}

/** Accounts as rows (a LEFT JOIN's empty row included) → the addresses we may send to. */
export function addressesOf(rows: ReadonlyArray<{ channel_id: string | null; user_id: string | null; conversation_ref: ConversationRef | null; last_seen_at: Date | string | null }>): Address[] {
  return rows
    .filter((r) => r.channel_id && r.user_id && r.conversation_ref)
    .map((r) => ({ kind: channelKindOf(r.channel_id!), channelId: r.channel_id!, userId: r.user_id!, ref: r.conversation_ref!, lastSeenAt: r.last_seen_at === null ? null : new Date(r.last_seen_at) }));
}

/** The keys channel failures are recorded under, for messages someone else reads them back for. */
export const offerMessageKey = (offerId: string) => `offer:${offerId}`;
export const seriesOfferMessageKey = (seriesOfferId: string) => `series-offer:${seriesOfferId}`;

/** The channels tried, in order, for each offer of a request that reached no one. */
export async function channelsTriedForOffers(db: Queryable, offerIds: readonly string[]): Promise<Map<string, ChannelKind[]>> {
  const rows = await db.query<{ message_key: string; channel: ChannelKind }>(
    'SELECT message_key, channel FROM delivery_failures WHERE message_key = ANY($1::text[]) ORDER BY failed_at',
    [offerIds.map(offerMessageKey)],
  );
  const out = new Map<string, ChannelKind[]>();
  for (const id of offerIds) out.set(id, rows.filter((r) => r.message_key === offerMessageKey(id)).map((r) => r.channel));
  return out;
}

/** The channels a message (by its key) has already failed on, so it moves on and never comes back. */
export async function failedChannels(db: Queryable, messageKey: string): Promise<Set<ChannelKind>> {
  const rows = await db.query<{ channel: ChannelKind }>('SELECT channel FROM delivery_failures WHERE message_key = $1', [messageKey]);
  return new Set(rows.map((r) => r.channel));
}

export async function recordDeliveryFailure(db: Queryable, f: { messageKey: string; channel: ChannelKind; memberId: string; at: Date }): Promise<void> {
  await db.query(
    `INSERT INTO delivery_failures (message_key, channel, member_id, failed_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
    [f.messageKey, f.channel, f.memberId, f.at],
  );
}

/** For staff: the channels each member can be reached on now (in the fixed order), and their SMS. */
export async function channelsOverview(db: Queryable, memberIds: readonly string[]): Promise<Map<string, { kinds: ChannelKind[]; sms: SmsState }>> {
  const out = new Map<string, { kinds: ChannelKind[]; sms: SmsState }>();
  if (memberIds.length === 0) return out;
  const rows = await db.query<{ id: string; phone: string | null; channels: string[] | null; sms_on: boolean; stopped: boolean }>(
    `SELECT m.id, m.phone,
            (SELECT array_agg(DISTINCT c.channel_id) FROM chat_identities c WHERE c.member_id = m.id AND ${SENDABLE_ACCOUNT}) AS channels,
            EXISTS (SELECT 1 FROM chat_identities c WHERE c.member_id = m.id AND c.channel_id = 'sms' AND c.conversation_ref IS NOT NULL) AS sms_on,
            EXISTS (SELECT 1 FROM chat_identities c JOIN sms_stops s ON s.msisdn = c.user_id WHERE c.member_id = m.id AND c.channel_id = 'sms') AS stopped
       FROM members m WHERE m.id = ANY($1::uuid[])`,
    [memberIds],
  );
  for (const r of rows) {
    const kinds = [...new Set((r.channels ?? []).map(channelKindOf))].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b));
    out.set(r.id, { kinds, sms: r.stopped ? 'stopped' : r.sms_on ? 'on' : r.phone && normalizeMsisdn(r.phone) ? 'off' : 'noPhone' });
  }
  return out;
}
const ORDER: ChannelKind[] = ['teams', 'webchat', 'sms'];

// ---- a member's SMS ---------------------------------------------------------------------------

export type SmsState = 'on' | 'off' | 'stopped' | 'noPhone';

export interface ChannelSettings {
  preferred: PreferredChannel;
  /** Chat channels they have used (Teams, web chat); SMS is described by `sms`. */
  chats: ChannelKind[];
  sms: SmsState;
  /** Their mobile number as E.164, when they have one. */
  msisdn: string | null;
}

export async function channelSettingsOf(db: Queryable, memberId: string): Promise<ChannelSettings | null> {
  const rows = await db.query<{ preferred_channel: PreferredChannel; phone: string | null; chats: string[] | null; sms_on: boolean; stopped: boolean }>(
    `SELECT m.preferred_channel, m.phone,
            (SELECT array_agg(DISTINCT c.channel_id) FROM chat_identities c WHERE c.member_id = m.id AND c.channel_id <> 'sms' AND ${SENDABLE_ACCOUNT}) AS chats,
            EXISTS (SELECT 1 FROM chat_identities c WHERE c.member_id = m.id AND c.channel_id = 'sms' AND c.conversation_ref IS NOT NULL) AS sms_on,
            EXISTS (SELECT 1 FROM chat_identities c JOIN sms_stops s ON s.msisdn = c.user_id WHERE c.member_id = m.id AND c.channel_id = 'sms') AS stopped
       FROM members m WHERE m.id = $1 AND m.left_at IS NULL`,
    [memberId],
  );
  const r = rows[0];
  if (!r) return null;
  const msisdn = r.phone ? normalizeMsisdn(r.phone) : null;
  const chats = [...new Set((r.chats ?? []).map(channelKindOf))].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b));
  const sms: SmsState = r.stopped ? 'stopped' : r.sms_on ? 'on' : msisdn ? 'off' : 'noPhone';
  return { preferred: r.preferred_channel, chats, sms, msisdn };
}

/** A member's settings as the status card shows them (null: SMS is off on this server, so it is not offered). */
export function channelChoiceOf(settings: ChannelSettings, smsEnabled: boolean): { current: ChannelKind | 'last'; chats: ChannelKind[]; sms: SmsState | null; phone: string | null } {
  return { current: settings.preferred ?? 'last', chats: settings.chats, sms: smsEnabled ? settings.sms : null, phone: settings.msisdn ? displayMsisdn(settings.msisdn) : null };
}

export type EnableSmsResult = { ok: true; msisdn: string } | { ok: false; reason: 'noPhone' | 'taken' };

/**
 * SMS on for a member, to the mobile number in their profile: an `sms` account on our gateway that the
 * sender may use (first, when `prefer`). Choosing SMS again also lifts an earlier STOPP. A number that
 * another member's SMS already uses is refused: a reply from it could not tell who answers.
 */
export async function enableSms(db: Database, memberId: string, opts: { prefer: boolean }): Promise<EnableSmsResult> {
  return db.transaction(async (tx) => {
    const m = (await tx.query<{ phone: string | null }>('SELECT phone FROM members WHERE id = $1 AND left_at IS NULL FOR UPDATE', [memberId]))[0];
    const msisdn = m?.phone ? normalizeMsisdn(m.phone) : null;
    if (!msisdn) return { ok: false, reason: 'noPhone' } as const;
    const other = await tx.query(
      `SELECT 1 FROM chat_identities c JOIN members o ON o.id = c.member_id AND o.left_at IS NULL WHERE c.channel_id = 'sms' AND c.user_id = $1 AND c.member_id <> $2`,
      [msisdn, memberId],
    );
    if (other.length > 0) return { ok: false, reason: 'taken' } as const;
    // One number per member: a changed phone number leaves the old one behind.
    await tx.query(`DELETE FROM chat_identities WHERE member_id = $1 AND channel_id = 'sms' AND user_id <> $2`, [memberId, msisdn]);
    await tx.query(
      `INSERT INTO chat_identities (channel_id, user_id, member_id, conversation_ref)
       VALUES ('sms', $1, $2, $3)
       ON CONFLICT (channel_id, user_id) DO UPDATE SET member_id = EXCLUDED.member_id, unreachable_at = NULL,
         conversation_ref = COALESCE(chat_identities.conversation_ref, EXCLUDED.conversation_ref)`,
      [msisdn, memberId, JSON.stringify(smsConversationRef(msisdn))],
    );
    await tx.query('DELETE FROM sms_stops WHERE msisdn = $1', [msisdn]);
    if (opts.prefer) await tx.query(`UPDATE members SET preferred_channel = 'sms' WHERE id = $1`, [memberId]);
    return { ok: true, msisdn } as const;
  });
}

/** SMS off for a member: their SMS account goes, and SMS is no longer their first choice. */
export async function disableSms(db: Database, memberId: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query(`DELETE FROM chat_identities WHERE member_id = $1 AND channel_id = 'sms'`, [memberId]);
    await tx.query(`UPDATE members SET preferred_channel = NULL WHERE id = $1 AND preferred_channel = 'sms'`, [memberId]);
  });
}

export async function setPreferredChannel(db: Queryable, memberId: string, preferred: PreferredChannel): Promise<void> {
  await db.query('UPDATE members SET preferred_channel = $2 WHERE id = $1', [memberId, preferred]);
}

/** STOPP: nothing more to this number until START (or its owner chooses SMS again). */
export async function stopSms(db: Queryable, msisdn: string, at: Date): Promise<void> {
  await db.query('INSERT INTO sms_stops (msisdn, stopped_at) VALUES ($1, $2) ON CONFLICT (msisdn) DO NOTHING', [msisdn, at]);
}

export async function startSms(db: Queryable, msisdn: string): Promise<void> {
  await db.query('DELETE FROM sms_stops WHERE msisdn = $1', [msisdn]);
}

/** When a member leaves: the answers their numbers could still give, and their numbers in the SMS log. */
export async function forgetChannelsOf(tx: Queryable, memberId: string): Promise<void> {
  await tx.query(
    `DELETE FROM text_answers t USING chat_identities c WHERE c.member_id = $1 AND t.channel_id = c.channel_id AND t.user_id = c.user_id`,
    [memberId],
  );
  await tx.query('UPDATE sms_messages SET msisdn = NULL, body = NULL WHERE member_id = $1', [memberId]);
}

/**
 * A signed-in web chat account becomes the member's, when it belongs to no one yet (a volunteer who
 * knew us by SMS only opens their first one-time link). False when it is someone else's.
 */
export async function claimWebChatAccount(db: Queryable, userId: string, memberId: string): Promise<boolean> {
  const rows = await db.query<{ member_id: string | null }>(
    `INSERT INTO chat_identities (channel_id, user_id, member_id, last_seen_at) VALUES ('webchat', $1, $2, now())
     ON CONFLICT (channel_id, user_id) DO UPDATE SET member_id = COALESCE(chat_identities.member_id, EXCLUDED.member_id)
     RETURNING member_id`,
    [userId, memberId],
  );
  return rows[0]?.member_id === memberId;
}
