// The devices a person turned «Varsle meg» on for (Web Push subscriptions). A device belongs to one
// member at a time: subscribing again from the same browser as someone else moves it, so a shared
// phone never buzzes with the previous person's offers. Personal data: see docs/privacy.md.
import { z } from 'zod';
import type { Queryable } from './db.ts';

/** What a browser's PushSubscription.toJSON() gives; the keys are base64url without padding. */
export const PushSubscriptionJson = z.object({
  endpoint: z.string().max(2048).refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), { message: 'must be an http(s) URL' }),
  expirationTime: z.number().int().positive().nullish(),
  keys: z.object({
    // An uncompressed P-256 point (65 bytes → 87 characters) and a 16-byte secret (22 characters).
    p256dh: z.string().regex(/^[A-Za-z0-9_-]{87}$/, { message: 'must be a P-256 public key' }),
    auth: z.string().regex(/^[A-Za-z0-9_-]{22}$/, { message: 'must be a 16-byte secret' }),
  }),
});
export type PushSubscriptionJson = z.infer<typeof PushSubscriptionJson>;

export interface StoredSubscription {
  id: string;
  memberId: string;
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

/** More devices than this per person is no one's phone and tablet: the oldest make room. */
export const MAX_DEVICES_PER_MEMBER = 10;

export async function saveSubscription(db: Queryable, memberId: string, sub: PushSubscriptionJson, at: Date): Promise<void> {
  await db.query(
    `INSERT INTO push_subscriptions (member_id, endpoint, p256dh, auth, expires_at, created_at)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (endpoint) DO UPDATE
       SET member_id = EXCLUDED.member_id, p256dh = EXCLUDED.p256dh, auth = EXCLUDED.auth, expires_at = EXCLUDED.expires_at, created_at = EXCLUDED.created_at`,
    [memberId, sub.endpoint, sub.keys.p256dh, sub.keys.auth, sub.expirationTime ? new Date(sub.expirationTime) : null, at],
  );
  await db.query(
    `DELETE FROM push_subscriptions WHERE member_id = $1 AND id NOT IN (
       SELECT id FROM push_subscriptions WHERE member_id = $1 ORDER BY created_at DESC, id LIMIT ${MAX_DEVICES_PER_MEMBER})`,
    [memberId],
  );
}

/** One device, by its endpoint (the browser unsubscribed, or the push service said it is gone). */
export async function removeSubscription(db: Queryable, endpoint: string, memberId?: string): Promise<boolean> {
  const rows = await db.query(
    `DELETE FROM push_subscriptions WHERE endpoint = $1 ${memberId ? 'AND member_id = $2' : ''} RETURNING id`,
    memberId ? [endpoint, memberId] : [endpoint],
  );
  return rows.length > 0;
}

/** «Slå av varsler», leaving Dugnad: every device of the person. */
export async function removeSubscriptionsOf(db: Queryable, memberId: string): Promise<number> {
  return (await db.query('DELETE FROM push_subscriptions WHERE member_id = $1 RETURNING id', [memberId])).length;
}

/** A browser renewed its subscription (pushsubscriptionchange): the same device under a new endpoint. */
export async function renewSubscription(db: Queryable, oldEndpoint: string, sub: PushSubscriptionJson, at: Date): Promise<boolean> {
  const rows = await db.query<{ member_id: string }>('DELETE FROM push_subscriptions WHERE endpoint = $1 RETURNING member_id', [oldEndpoint]);
  const memberId = rows[0]?.member_id;
  if (!memberId) return false;
  await saveSubscription(db, memberId, sub, at);
  return true;
}

/** The devices a member gets notifications on; none once they have left. */
export async function subscriptionsOf(db: Queryable, memberId: string, now: Date): Promise<StoredSubscription[]> {
  const rows = await db.query<{ id: string; member_id: string; endpoint: string; p256dh: string; auth: string }>(
    `SELECT s.id, s.member_id, s.endpoint, s.p256dh, s.auth
       FROM push_subscriptions s JOIN members m ON m.id = s.member_id AND m.left_at IS NULL
      WHERE s.member_id = $1 AND (s.expires_at IS NULL OR s.expires_at > $2)
      ORDER BY s.created_at`,
    [memberId, now],
  );
  return rows.map((r) => ({ id: r.id, memberId: r.member_id, endpoint: r.endpoint, keys: { p256dh: r.p256dh, auth: r.auth } }));
}

export async function deviceCount(db: Queryable, memberId: string, now: Date): Promise<number> {
  const rows = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM push_subscriptions WHERE member_id = $1 AND (expires_at IS NULL OR expires_at > $2)',
    [memberId, now],
  );
  return rows[0]?.n ?? 0;
}

export async function recordPushed(db: Queryable, subscriptionIds: string[], at: Date): Promise<void> {
  if (subscriptionIds.length === 0) return;
  await db.query('UPDATE push_subscriptions SET last_pushed_at = $2 WHERE id = ANY($1::uuid[])', [subscriptionIds, at]);
}

/**
 * Daily upkeep: subscriptions whose push service end has passed, those of members who have left (leave
 * deletes them too; this catches any other way out), and those nothing reached for `unusedDays`.
 */
export async function purgeSubscriptions(db: Queryable, now: Date, unusedDays: number): Promise<number> {
  const rows = await db.query(
    `DELETE FROM push_subscriptions s USING members m
      WHERE m.id = s.member_id
        AND (m.left_at IS NOT NULL OR s.expires_at <= $1
             OR COALESCE(s.last_pushed_at, s.created_at) < $1 - make_interval(days => $2))
      RETURNING s.id`,
    [now, unusedDays],
  );
  return rows.length;
}
