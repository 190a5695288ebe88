// Who is talking: a chat account (channel + user id) maps to a member with a role.
import type { Queryable } from './db.ts';
import type { Locale, Role } from '../domain/types.ts';

export interface Member {
  id: string;
  role: Role;
  /** Staff's own centre; for volunteers, the centres they belong to. */
  centreIds: string[];
  firstName: string;
  locale: Locale;
}

export interface ChatAccount {
  channelId: string;
  userId: string;
  tenantId: string | null;
}

/** Channel id under which demo identities are seeded; in development any channel may use them. */
export const DEV_CHANNEL = 'dev';

/**
 * Records the conversation reference of this turn (so we can reach the person later) and returns
 * the member behind the account, if any. One round-trip in the common case.
 */
export async function touchAccount(
  db: Queryable,
  account: ChatAccount,
  conversationRef: unknown,
  opts: { allowDevIdentities: boolean },
): Promise<Member | null> {
  const rows = await db.query<{ member_id: string | null }>(
    `INSERT INTO chat_identities (channel_id, user_id, tenant_id, conversation_ref, last_seen_at, unreachable_at)
     VALUES ($1, $2, $3, $4, now(), NULL)
     ON CONFLICT (channel_id, user_id) DO UPDATE
       SET conversation_ref = EXCLUDED.conversation_ref, last_seen_at = now(), unreachable_at = NULL,
           tenant_id = COALESCE(EXCLUDED.tenant_id, chat_identities.tenant_id)
     RETURNING member_id`,
    [account.channelId, account.userId, account.tenantId, JSON.stringify(conversationRef)],
  );
  let memberId = rows[0]?.member_id ?? null;
  if (!memberId && opts.allowDevIdentities && account.channelId !== DEV_CHANNEL) {
    const dev = await db.query<{ member_id: string }>(
      `UPDATE chat_identities c SET member_id = d.member_id
         FROM chat_identities d
        WHERE c.channel_id = $1 AND c.user_id = $2 AND d.channel_id = $3 AND d.user_id = $2 AND d.member_id IS NOT NULL
        RETURNING c.member_id`,
      [account.channelId, account.userId, DEV_CHANNEL],
    );
    memberId = dev[0]?.member_id ?? null;
  }
  return memberId ? getMember(db, memberId) : null;
}

export async function getMember(db: Queryable, memberId: string): Promise<Member | null> {
  const rows = await db.query<{ id: string; role: Role; centre_id: string | null; name: string | null; locale: Locale; centres: string[] | null }>(
    `SELECT m.id, m.role, m.centre_id, m.name, m.locale,
            (SELECT array_agg(centre_id ORDER BY centre_id) FROM volunteer_centres vc WHERE vc.member_id = m.id) AS centres
       FROM members m WHERE m.id = $1 AND m.left_at IS NULL`,
    [memberId],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    id: r.id,
    role: r.role,
    centreIds: r.centre_id ? [r.centre_id] : (r.centres ?? []),
    firstName: (r.name ?? '').split(/\s+/)[0] ?? '',
    locale: r.locale,
  };
}

export async function linkAccount(db: Queryable, account: ChatAccount, memberId: string): Promise<void> {
  await db.query(
    `INSERT INTO chat_identities (channel_id, user_id, tenant_id, member_id, last_seen_at)
     VALUES ($1, $2, $3, $4, now())
     ON CONFLICT (channel_id, user_id) DO UPDATE SET member_id = EXCLUDED.member_id`,
    [account.channelId, account.userId, account.tenantId, memberId],
  );
}

export interface Reachable {
  memberId: string;
  channelId: string;
  conversationRef: ConversationRef;
}

/** The minimum of a Bot Framework ConversationReference we need to send proactively. */
export interface ConversationRef {
  serviceUrl: string;
  channelId: string;
  conversation: { id: string; tenantId?: string; conversationType?: string };
  bot: { id: string; name?: string };
  user: { id: string; name?: string; aadObjectId?: string };
  locale?: string;
}

/** Where to reach a member: the channel they used last. */
export async function reachableAt(db: Queryable, memberIds: string[]): Promise<Map<string, Reachable>> {
  if (memberIds.length === 0) return new Map();
  const rows = await db.query<{ member_id: string; channel_id: string; conversation_ref: ConversationRef }>(
    `SELECT DISTINCT ON (member_id) member_id, channel_id, conversation_ref
       FROM chat_identities
      WHERE member_id = ANY($1::uuid[]) AND conversation_ref IS NOT NULL AND unreachable_at IS NULL
      ORDER BY member_id, last_seen_at DESC NULLS LAST`,
    [memberIds],
  );
  return new Map(rows.map((r) => [r.member_id, { memberId: r.member_id, channelId: r.channel_id, conversationRef: r.conversation_ref }]));
}

export async function markUnreachable(db: Queryable, channelId: string, userId: string): Promise<void> {
  await db.query('UPDATE chat_identities SET unreachable_at = now() WHERE channel_id = $1 AND user_id = $2', [channelId, userId]);
}
