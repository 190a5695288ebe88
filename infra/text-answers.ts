// Text answers and what they stand for. A message rendered as text (adaptive-cards/text.ts) lists its
// answers; here they are kept per chat account, so «JA 4821» or «2» runs the button's own command:
// - SMS: one four-digit code per person and task, reused by every message about that task (the offer,
//   the reminder, the follow-up), pointing at the answers of the latest of them. Random, and tied to
//   the sender's number: someone else's code from another phone finds nothing.
// - a text-only chat: code '' holds the numbered answers of the latest message.
// And the one-time links that replace a task's details in an SMS.
import { createHash, randomBytes, randomInt } from 'node:crypto';
import type { Database, Queryable } from './db.ts';
import type { TextOption } from '../adaptive-cards/text.ts';

export interface TextAccount {
  channelId: string;
  userId: string;
}

/** How long a code lives when its task gives no end: a week of replies. */
const DEFAULT_LIFETIME_MS = 7 * 24 * 3_600_000;
/** After a task ends its code still takes the follow-up («TIMER 4821 2»). */
const AFTER_TASK_MS = 3 * 24 * 3_600_000;

const ID_FIELDS = ['offerId', 'assignmentId', 'seriesOfferId', 'seriesId', 'requestId', 'personId', 'volunteerId'] as const;

/**
 * What a message's answers are about — the same task whichever message asks (an offer's, a reminder's,
 * a follow-up's buttons all name the request) — and when that task ends.
 */
export async function subjectOf(db: Queryable, options: readonly TextOption[]): Promise<{ subject: string; endsAt: Date | null }> {
  for (const field of ID_FIELDS) {
    const id = options.map((o) => o.data[field]).find((v): v is string => typeof v === 'string' && /^[0-9a-f-]{36}$/i.test(v));
    if (!id) continue;
    const rows = await db.query<{ subject: string | null; ends_at: Date | null }>(
      field === 'offerId'
        ? `SELECT 'request:' || r.id AS subject, r.starts_at + r.duration_minutes * interval '1 minute' AS ends_at FROM offers o JOIN help_requests r ON r.id = o.request_id WHERE o.id = $1`
        : field === 'assignmentId'
          ? `SELECT 'request:' || r.id AS subject, r.starts_at + r.duration_minutes * interval '1 minute' AS ends_at FROM assignments a JOIN help_requests r ON r.id = a.request_id WHERE a.id = $1`
          : field === 'requestId'
            ? `SELECT 'request:' || r.id AS subject, r.starts_at + r.duration_minutes * interval '1 minute' AS ends_at FROM help_requests r WHERE r.id = $1`
            : field === 'seriesOfferId'
              ? `SELECT 'series:' || so.series_id AS subject, NULL::timestamptz AS ends_at FROM series_offers so WHERE so.id = $1`
              : `SELECT '${field === 'seriesId' ? 'series' : field === 'personId' ? 'person' : 'member'}:' || $1::text AS subject, NULL::timestamptz AS ends_at`,
      [id],
    );
    if (rows[0]?.subject) return { subject: rows[0].subject, endsAt: rows[0].ends_at };
  }
  return { subject: 'general', endsAt: null };
}

/**
 * Keeps a message's answers for its reader and returns the code to print (SMS) — the task's existing
 * one if it has one — or '' for a chat's numbered answers.
 */
export async function saveAnswers(
  db: Database,
  account: TextAccount,
  input: { coded: boolean; subject: string; endsAt: Date | null; options: readonly TextOption[]; now: Date },
): Promise<string> {
  const expiresAt = input.endsAt
    ? new Date(Math.max(input.endsAt.getTime() + AFTER_TASK_MS, input.now.getTime() + 24 * 3_600_000))
    : new Date(input.now.getTime() + DEFAULT_LIFETIME_MS);
  const options = JSON.stringify(input.options);
  if (!input.coded) {
    await db.query(
      `INSERT INTO text_answers (channel_id, user_id, code, subject, options, created_at, expires_at) VALUES ($1, $2, '', $3, $4, $5, $6)
       ON CONFLICT (channel_id, user_id, code) DO UPDATE SET subject = EXCLUDED.subject, options = EXCLUDED.options, created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at`,
      [account.channelId, account.userId, input.subject, options, input.now, expiresAt],
    );
    return '';
  }
  return db.transaction(async (tx) => {
    // Codes that ran out are free again.
    await tx.query(`DELETE FROM text_answers WHERE channel_id = $1 AND user_id = $2 AND expires_at <= $3`, [account.channelId, account.userId, input.now]);
    const kept = await tx.query<{ code: string }>(
      `UPDATE text_answers SET options = $4, created_at = $5, expires_at = GREATEST(expires_at, $6)
        WHERE channel_id = $1 AND user_id = $2 AND subject = $3 AND code <> '' RETURNING code`,
      [account.channelId, account.userId, input.subject, options, input.now, expiresAt],
    );
    if (kept[0]) return kept[0].code;
    for (;;) {
      const code = String(randomInt(1000, 10_000));
      const rows = await tx.query<{ code: string }>(
        `INSERT INTO text_answers (channel_id, user_id, code, subject, options, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT DO NOTHING RETURNING code`,
        [account.channelId, account.userId, code, input.subject, options, input.now, expiresAt],
      );
      if (rows[0]) return rows[0].code;
    }
  });
}

export type FoundAnswers = { options: TextOption[]; code: string } | { expired: true } | null;

/** The answers a code (or '' for numbered answers) stands for, for this account. */
export async function answersFor(db: Queryable, account: TextAccount, code: string, now: Date): Promise<FoundAnswers> {
  const rows = await db.query<{ options: TextOption[]; expires_at: Date }>(
    'SELECT options, expires_at FROM text_answers WHERE channel_id = $1 AND user_id = $2 AND code = $3',
    [account.channelId, account.userId, code],
  );
  const r = rows[0];
  if (!r) return null;
  if (r.expires_at.getTime() <= now.getTime()) return { expired: true };
  return { options: r.options, code };
}

/** The live SMS codes of an account that take `keys` (e.g. JA or YES): an answer without its code is clear when only one does. */
export async function codesTaking(db: Queryable, account: TextAccount, keys: readonly string[], now: Date): Promise<Array<{ code: string; options: TextOption[] }>> {
  const rows = await db.query<{ code: string; options: TextOption[] }>(
    `SELECT code, options FROM text_answers WHERE channel_id = $1 AND user_id = $2 AND code <> '' AND expires_at > $3 ORDER BY created_at DESC`,
    [account.channelId, account.userId, now],
  );
  return rows.filter((r) => r.options.some((o) => keys.includes(o.key)));
}

/** Codes and numbered answers past their time, and used or old task links: nothing to keep them for. */
export async function purgeTextAnswers(db: Queryable, now: Date): Promise<void> {
  await db.query('DELETE FROM text_answers WHERE expires_at <= $1', [now]);
  await db.query(`DELETE FROM task_links WHERE expires_at <= $1::timestamptz - interval '1 day'`, [now]);
}

// ---- one-time links to a task ---------------------------------------------------------------

const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');

/** A link token for the assigned volunteer's task; only its hash is stored. Null when the task is not theirs. */
export async function createTaskLink(db: Queryable, input: { memberId: string; assignmentId: string; now: Date; minutes: number }): Promise<string | null> {
  const token = randomBytes(18).toString('base64url');
  const rows = await db.query(
    `INSERT INTO task_links (token_hash, member_id, assignment_id, created_at, expires_at)
     SELECT $1, $2, a.id, $4, $4::timestamptz + $5 * interval '1 minute' FROM assignments a WHERE a.id = $3 AND a.volunteer_id = $2 AND a.status = 'active'
     RETURNING token_hash`,
    [hashToken(token), input.memberId, input.assignmentId, input.now, input.minutes],
  );
  return rows.length ? token : null;
}

/** Whether a token still opens something (the page before the click shows nothing else). */
export async function taskLinkUsable(db: Queryable, token: string, now: Date): Promise<{ memberId: string } | null> {
  const rows = await db.query<{ member_id: string }>('SELECT member_id FROM task_links WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2', [hashToken(token), now]);
  return rows[0] ? { memberId: rows[0].member_id } : null;
}

/** Uses a link, once: the one conditional UPDATE decides, so two clicks never both get through. */
export async function useTaskLink(db: Queryable, token: string, now: Date): Promise<{ memberId: string; assignmentId: string } | null> {
  const rows = await db.query<{ member_id: string; assignment_id: string }>(
    `UPDATE task_links SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING member_id, assignment_id`,
    [hashToken(token), now],
  );
  return rows[0] ? { memberId: rows[0].member_id, assignmentId: rows[0].assignment_id } : null;
}

/** How long after using a link the web chat opened next shows that task. */
const OPEN_WITHIN_MS = 30 * 60_000;

/** The task a member just opened a link to and has not yet been shown in the web chat; marks it shown. */
export async function takeOpenedTask(db: Queryable, memberId: string, now: Date): Promise<string | null> {
  const rows = await db.query<{ assignment_id: string }>(
    `UPDATE task_links SET opened_at = $2
      WHERE token_hash = (SELECT token_hash FROM task_links WHERE member_id = $1 AND used_at IS NOT NULL AND opened_at IS NULL AND used_at > $3
                           ORDER BY used_at DESC LIMIT 1)
      RETURNING assignment_id`,
    [memberId, now, new Date(now.getTime() - OPEN_WITHIN_MS)],
  );
  return rows[0]?.assignment_id ?? null;
}
