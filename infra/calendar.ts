// Calendar feeds (.ics): a volunteer's own tasks, or the centre's requests for its staff, for any
// calendar app to subscribe to. Calendar services are third parties, so a feed carries what an offer
// shows minus the free text: kind of help, area, start and end, status, and a link back to the chat —
// never the person's name, address, phone or any note (the request's summary is free text too, so it
// stays out). A task keeps its UID for good; a moved or cancelled one comes with a higher SEQUENCE
// (and STATUS:CANCELLED), so calendars update the event instead of adding a second one.
//
// A feed URL is a secret: it names the feed and carries a random secret, of which only a hash is
// stored and which is compared in constant time. Resetting makes a new feed and revokes the old.
import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import type { Queryable, Database } from './db.ts';
import { interestGroups } from './centres.ts';
import { newUrlSecret, secretMatches, sha256Hex } from './secret-tokens.ts';
import { MEMBER_LANGUAGES } from './identities.ts';
import { localeFromTag, t } from '../adaptive-cards/texts.ts';
import type { Locale, RequestStatus } from '../domain/types.ts';
import { groupName } from '../domain/interest-groups.ts';

export type FeedKind = 'volunteer' | 'centre';

/** Tasks this far back stay in the feed (a calendar shows last month too); older ones drop out. */
const PAST_DAYS = 90;
const FUTURE_DAYS = 400;
/** Calendar apps poll; this is how often we suggest (REFRESH-INTERVAL / X-PUBLISHED-TTL). */
const REFRESH_MINUTES = 60;

function hashFeedSecret(secret: string): string {
  return sha256Hex(`dugnad-calendar:${secret}`);
}

export function feedUrl(publicBaseUrl: string, feedId: string, secret: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/kalender/${feedId}/${secret}.ics`;
}

/** The same address for calendar apps that open webcal:// links (Apple, Outlook). */
export function webcalUrl(httpUrl: string): string {
  return httpUrl.replace(/^https?:/, 'webcal:');
}

/** A new feed for the member (revoking the one they had): the only moment the secret is known. */
export async function createFeed(db: Database, input: { memberId: string; kind: FeedKind; centreId: string | null; now: Date; publicBaseUrl: string }): Promise<{ feedId: string; url: string }> {
  const secret = newUrlSecret(32);
  return db.transaction(async (tx) => {
    await tx.query(
      `UPDATE calendar_feeds SET revoked_at = $4 WHERE member_id = $1 AND kind = $2 AND coalesce(centre_id, '') = coalesce($3, '') AND revoked_at IS NULL`,
      [input.memberId, input.kind, input.centreId, input.now],
    );
    const rows = await tx.query<{ id: string }>(
      `INSERT INTO calendar_feeds (kind, member_id, centre_id, secret_hash, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [input.kind, input.memberId, input.centreId, hashFeedSecret(secret), input.now],
    );
    const feedId = rows[0]!.id;
    return { feedId, url: feedUrl(input.publicBaseUrl, feedId, secret) };
  });
}

/** When the member's live feed was made, or null when they have none. */
export async function liveFeed(db: Queryable, memberId: string, kind: FeedKind, centreId: string | null): Promise<{ createdAt: Date } | null> {
  const rows = await db.query<{ created_at: Date }>(
    `SELECT created_at FROM calendar_feeds WHERE member_id = $1 AND kind = $2 AND coalesce(centre_id, '') = coalesce($3, '') AND revoked_at IS NULL`,
    [memberId, kind, centreId],
  );
  return rows[0] ? { createdAt: rows[0].created_at } : null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SECRET = /^[A-Za-z0-9_-]{20,100}$/;

export interface OpenedFeed {
  kind: FeedKind;
  memberId: string;
  centreId: string | null;
  locale: Locale;
}

/**
 * The feed behind a URL, when its secret is right and its owner may still see it: a volunteer who
 * has not left, or staff still of the feed's centre. Null otherwise, whatever the reason (the caller
 * answers 404 to all of them alike).
 */
export async function openFeed(db: Queryable, feedId: string, secret: string, now: Date): Promise<OpenedFeed | null> {
  if (!UUID.test(feedId) || !SECRET.test(secret)) return null;
  const rows = await db.query<{ kind: FeedKind; member_id: string; centre_id: string | null; secret_hash: string; locale: Locale; ok: boolean }>(
    `SELECT f.kind, f.member_id, f.centre_id, f.secret_hash, ml.locale,
            CASE f.kind
              WHEN 'volunteer' THEN EXISTS (SELECT 1 FROM volunteers v WHERE v.member_id = m.id AND v.status <> 'removed')
              ELSE m.role IN ('staff', 'coordinator') AND m.centre_id = f.centre_id END AS ok
       FROM calendar_feeds f JOIN members m ON m.id = f.member_id ${MEMBER_LANGUAGES}
      WHERE f.id = $1 AND f.revoked_at IS NULL AND m.left_at IS NULL`,
    [feedId],
  );
  const row = rows[0];
  // The hash is compared even when the owner may no longer read, so both take the same time.
  const matches = secretMatches(`dugnad-calendar:${secret}`, row?.secret_hash ?? '0'.repeat(64));
  if (!row || !matches || !row.ok) return null;
  await db.query(`UPDATE calendar_feeds SET last_read_at = $2 WHERE id = $1 AND (last_read_at IS NULL OR last_read_at < $2::timestamptz - interval '5 minutes')`, [feedId, now]);
  return { kind: row.kind, memberId: row.member_id, centreId: row.centre_id, locale: localeFromTag(row.locale) };
}

interface FeedRow {
  request_id: string;
  centre_id: string;
  group_key: string;
  district: string;
  starts_at: Date;
  duration_minutes: number;
  flexible_until: Date | null;
  status: RequestStatus;
  created_at: Date;
  changed_at: Date;
  /** Volunteer feed: the task is no longer theirs (they gave it back, or it was cancelled). */
  gone: boolean;
}

/** The events of a feed: ids, kinds of help, areas, times and statuses only. */
async function feedRows(db: Queryable, feed: OpenedFeed, now: Date): Promise<FeedRow[]> {
  const from = new Date(now.getTime() - PAST_DAYS * 86_400_000);
  const to = new Date(now.getTime() + FUTURE_DAYS * 86_400_000);
  if (feed.kind === 'volunteer') {
    return db.query<FeedRow>(
      `SELECT DISTINCT ON (r.id) r.id AS request_id, r.centre_id, r.group_key, r.district, r.starts_at, r.duration_minutes, r.flexible_until,
              r.status, r.created_at, greatest(r.updated_at, coalesce(a.cancelled_at, r.updated_at)) AS changed_at,
              (a.status = 'cancelled') AS gone
         FROM assignments a JOIN help_requests r ON r.id = a.request_id
        WHERE a.volunteer_id = $1 AND r.starts_at >= $2 AND r.starts_at < $3
        ORDER BY r.id, a.assigned_at DESC`,
      [feed.memberId, from, to],
    );
  }
  return db.query<FeedRow>(
    `SELECT r.id AS request_id, r.centre_id, r.group_key, r.district, r.starts_at, r.duration_minutes, r.flexible_until,
            r.status, r.created_at, r.updated_at AS changed_at, false AS gone
       FROM help_requests r
      WHERE r.centre_id = $1 AND r.starts_at >= $2 AND r.starts_at < $3
      ORDER BY r.starts_at`,
    [feed.centreId, from, to],
  );
}

/** Where a calendar event leads: the web chat, which shows «Mine oppdrag» or the staff's requests. */
export function taskLink(publicBaseUrl: string, kind: FeedKind): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/#vis=${kind === 'volunteer' ? 'oppdrag' : 'foresporsler'}`;
}

/** The feed as iCalendar text. */
export async function feedIcs(db: Queryable, feed: OpenedFeed, input: { now: Date; publicBaseUrl: string; centreName: string | null }): Promise<string> {
  const locale = feed.locale;
  const rows = await feedRows(db, feed, input.now);
  const groups = await interestGroups(db, [...new Set(rows.map((r) => r.centre_id))]);
  const label = (key: string) => {
    const g = groups.find((x) => x.key === key);
    return g ? groupName(g, locale) : key;
  };
  const host = new URL(input.publicBaseUrl).hostname;
  const link = taskLink(input.publicBaseUrl, feed.kind);
  const calendar = ical({
    name: feed.kind === 'volunteer' ? t(locale, 'calendar.nameVolunteer') : t(locale, 'calendar.nameCentre', { centre: input.centreName ?? '' }),
    prodId: { company: 'Dugnad', product: 'Dugnad', language: locale === 'en' ? 'EN' : 'NO' },
    method: ICalCalendarMethod.PUBLISH,
    ttl: REFRESH_MINUTES * 60,
  });
  for (const r of rows) {
    const cancelled = r.gone || r.status === 'cancelled' || r.status === 'expired';
    const what = label(r.group_key);
    const end = r.flexible_until && r.flexible_until > r.starts_at ? r.flexible_until : new Date(r.starts_at.getTime() + r.duration_minutes * 60_000);
    calendar.createEvent({
      id: `oppdrag-${r.request_id}@${host}`,
      start: r.starts_at,
      end,
      summary: feed.kind === 'volunteer' ? t(locale, 'calendar.event', { what }) : t(locale, 'calendar.eventStatus', { what, status: t(locale, `calendar.status.${r.status}`) }),
      location: r.district,
      description: t(locale, 'calendar.eventLink', { link }),
      url: link,
      status: cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
      // Seconds from the request's creation to its last change: grows with every change, never shrinks.
      sequence: Math.max(0, Math.floor((r.changed_at.getTime() - r.created_at.getTime()) / 1000)),
      stamp: r.changed_at,
      lastModified: r.changed_at,
      created: r.created_at,
    });
  }
  return calendar.toString();
}
