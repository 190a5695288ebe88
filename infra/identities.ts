// Who is talking: a chat account (channel + user id) maps to a member with a role.
import type { Queryable } from './db.ts';
import type { Locale, Role } from '../domain/types.ts';

export interface Member {
  id: string;
  role: Role;
  /** Staff's own centre; for volunteers, the centres they belong to. */
  centreIds: string[];
  firstName: string;
  /** What Dugnad writes to them in when no chat says otherwise (member_locale in 0085_languages.sql). */
  locale: Locale;
  /** They chose it themselves («Språk»): it wins over what their chat client says. */
  localeChosen?: boolean;
  /** Their centre's written standard, for a Norwegian-speaking client. */
  centreLocale?: Locale;
}

export interface ChatAccount {
  channelId: string;
  userId: string;
  tenantId: string | null;
}

/** Channel id under which demo identities are seeded; in development any channel may use them. */
export const DEV_CHANNEL = 'dev';

/** Refreshing last_seen_at at most this often keeps a turn from writing (and waiting on a WAL flush) when nothing changed. */
const LAST_SEEN_GRANULARITY = "interval '15 minutes'";

/** SQL after `members m` in a FROM: the member's languages (0100_member_languages.sql), which MEMBER_COLUMNS reads. */
export const MEMBER_LANGUAGES = 'LEFT JOIN LATERAL member_languages(m.id) ml ON true';
/** SQL over `members m` joined with MEMBER_LANGUAGES: the columns toMember reads. */
const MEMBER_COLUMNS = `m.id, m.role, m.centre_id, m.name, ml.locale, m.locale_chosen, ml.centre_locale,
       (SELECT array_agg(centre_id ORDER BY centre_id) FROM volunteer_centres vc WHERE vc.member_id = m.id) AS centres`;

/**
 * Records the conversation reference of this turn (so we can reach the person later) and returns
 * the member behind the account, if any. One round-trip in the common case. A null reference (a
 * turn in a Teams channel or group chat) keeps the personal one we have: a message meant for one
 * person must never go to a conversation others read.
 *
 * The row is written only when something changed: a new reference (the activity id in it aside —
 * it differs every turn and nothing reads it), a tenant, an unreachable mark to clear, last_seen_at
 * older than LAST_SEEN_GRANULARITY, or another account of the member seen since (so "the channel
 * used last", which a person's channel order falls back to, stays exact). Otherwise the turn only reads.
 */
export async function touchAccount(
  db: Queryable,
  account: ChatAccount,
  conversationRef: unknown,
  opts: { allowDevIdentities: boolean },
): Promise<Member | null> {
  // Decided by a read first: ON CONFLICT DO UPDATE … WHERE would lock the row (a transaction id and a
  // WAL flush at commit) even when it updates nothing; an INSERT … SELECT of no rows writes nothing.
  const rows = await db.query<{ member_id: string | null } & Partial<MemberRow>>(
    TOUCH_ACCOUNT,
    [account.channelId, account.userId, account.tenantId, conversationRef == null ? null : JSON.stringify(conversationRef)],
  );
  const row = rows[0];
  if (row?.id) return toMember(row as MemberRow);
  if (row?.member_id) return null; // the member has left
  let memberId: string | null = null;
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

/** touchAccount's statement, built once. */
const TOUCH_ACCOUNT = `WITH seen AS (
   SELECT c.member_id,
          ($3::text IS NOT NULL AND c.tenant_id IS DISTINCT FROM $3::text)
          OR ($4::jsonb IS NOT NULL AND (
                (c.conversation_ref - 'activityId') IS DISTINCT FROM ($4::jsonb - 'activityId')
             OR c.unreachable_at IS NOT NULL
             OR c.last_seen_at IS NULL OR c.last_seen_at < now() - ${LAST_SEEN_GRANULARITY}
             OR EXISTS (SELECT 1 FROM chat_identities o WHERE o.member_id = c.member_id AND o.last_seen_at > c.last_seen_at))) AS stale
     FROM chat_identities c WHERE c.channel_id = $1::text AND c.user_id = $2::text),
 touched AS (
   INSERT INTO chat_identities AS c (channel_id, user_id, tenant_id, conversation_ref, last_seen_at, unreachable_at)
   SELECT $1::text, $2::text, $3::text, $4::jsonb, CASE WHEN $4::jsonb IS NULL THEN NULL ELSE now() END, NULL
    WHERE NOT EXISTS (SELECT 1 FROM seen WHERE NOT seen.stale)
   ON CONFLICT (channel_id, user_id) DO UPDATE
     SET conversation_ref = COALESCE(EXCLUDED.conversation_ref, c.conversation_ref),
         last_seen_at = CASE WHEN EXCLUDED.conversation_ref IS NULL THEN c.last_seen_at ELSE now() END,
         unreachable_at = CASE WHEN EXCLUDED.conversation_ref IS NULL THEN c.unreachable_at ELSE NULL END,
         tenant_id = COALESCE(EXCLUDED.tenant_id, c.tenant_id)
   RETURNING member_id),
 account AS (
   SELECT member_id FROM touched
   UNION ALL
   SELECT member_id FROM seen WHERE NOT EXISTS (SELECT 1 FROM touched))
 SELECT account.member_id, ${MEMBER_COLUMNS}
   FROM account LEFT JOIN members m ON m.id = account.member_id AND m.left_at IS NULL ${MEMBER_LANGUAGES}`;

interface MemberRow { id: string; role: Role; centre_id: string | null; name: string | null; locale: Locale; locale_chosen: boolean; centre_locale: Locale; centres: string[] | null }

function toMember(r: MemberRow): Member {
  return {
    id: r.id,
    role: r.role,
    centreIds: r.centre_id ? [r.centre_id] : (r.centres ?? []),
    firstName: (r.name ?? '').split(/\s+/)[0] ?? '',
    locale: r.locale,
    localeChosen: r.locale_chosen,
    centreLocale: r.centre_locale,
  };
}

export async function getMember(db: Queryable, memberId: string): Promise<Member | null> {
  const rows = await db.query<MemberRow>(`SELECT ${MEMBER_COLUMNS} FROM members m ${MEMBER_LANGUAGES} WHERE m.id = $1 AND m.left_at IS NULL`, [memberId]);
  return rows[0] ? toMember(rows[0]) : null;
}

/** The member behind a chat account, if any (and still with us). */
export async function memberIdOfAccount(db: Queryable, channelId: string, userId: string): Promise<string | null> {
  const rows = await db.query<{ member_id: string }>(
    `SELECT c.member_id FROM chat_identities c JOIN members m ON m.id = c.member_id AND m.left_at IS NULL WHERE c.channel_id = $1 AND c.user_id = $2`,
    [channelId, userId],
  );
  return rows[0]?.member_id ?? null;
}

export async function linkAccount(db: Queryable, account: ChatAccount, memberId: string): Promise<void> {
  await db.query(
    `INSERT INTO chat_identities (channel_id, user_id, tenant_id, member_id, last_seen_at)
     VALUES ($1, $2, $3, $4, now())
     ON CONFLICT (channel_id, user_id) DO UPDATE SET member_id = EXCLUDED.member_id`,
    [account.channelId, account.userId, account.tenantId, memberId],
  );
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

/** The conversation a member has with us in one channel (where an offer card of theirs lives). */
export async function conversationIn(db: Queryable, memberId: string, channelId: string): Promise<ConversationRef | null> {
  const rows = await db.query<{ conversation_ref: ConversationRef }>(
    `SELECT conversation_ref FROM chat_identities WHERE member_id = $1 AND channel_id = $2 AND conversation_ref IS NOT NULL ORDER BY last_seen_at DESC NULLS LAST LIMIT 1`,
    [memberId, channelId],
  );
  return rows[0]?.conversation_ref ?? null;
}

export async function markUnreachable(db: Queryable, channelId: string, userId: string): Promise<void> {
  await db.query('UPDATE chat_identities SET unreachable_at = now() WHERE channel_id = $1 AND user_id = $2', [channelId, userId]);
}

/**
 * A staff member who signs in to the web chat with Entra ID is the member Teams already knows by the
 * same object id and tenant. Links the web chat account to that member unless it has one already.
 */
export async function linkEntraSignIn(db: Queryable, input: { userId: string; objectId: string; tenantId: string }): Promise<void> {
  await db.query(
    `INSERT INTO chat_identities (channel_id, user_id, tenant_id, member_id, last_seen_at)
     SELECT 'webchat', $1, $3, t.member_id, now()
       FROM chat_identities t
      WHERE t.channel_id = 'msteams' AND t.user_id = $2 AND t.member_id IS NOT NULL
        AND (t.tenant_id IS NULL OR lower(t.tenant_id) = lower($3))
      ORDER BY t.last_seen_at DESC NULLS LAST
      LIMIT 1
     ON CONFLICT (channel_id, user_id) DO UPDATE SET member_id = COALESCE(chat_identities.member_id, EXCLUDED.member_id)`,
    [input.userId, input.objectId, input.tenantId],
  );
}

/** «Språk»: the person's own choice, which from now on wins over their chat client and their centre. */
export async function chooseLocale(db: Queryable, memberId: string, locale: Locale): Promise<void> {
  await db.query('UPDATE members SET locale = $2, locale_chosen = true WHERE id = $1', [memberId, locale]);
}
