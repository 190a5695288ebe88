// The Teams tab's read models, plain data out: who a signed-in account is, a volunteer's history with
// hours, a centre's overview for its staff, and the centre's figures over a period for its charts. The overview carries no personal data of the people
// helped — kind of help, district, time and status only — so it can be listed without a recorded
// reveal; a volunteer's upcoming task details go through myTasks (infra/offers.ts), which records one.
import { TZDate } from '@date-fns/tz';
import { format, startOfISOWeek, startOfYear, subWeeks } from 'date-fns';
import type { Queryable } from './db.ts';
import { reportForDays, type Cell, type PresentedRow } from './reports.ts';
import type { RequestStatus } from '../domain/types.ts';
import { TIME_ZONE } from '../domain/time-zone.ts';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/** "Unfilled": open and starting within this long (or escalated) — the ones that may still go wrong. */
export const UNFILLED_WITHIN_HOURS = 48;
/** "Needs action": open with nobody, starting within this long. */
export const STARTING_SOON_HOURS = 24;
/** Window for the median time until a request is taken. */
export const MEDIAN_WINDOW_DAYS = 30;

// ---- who is signed in ---------------------------------------------------------------------------

/**
 * The member behind a Teams account: the bot stores Teams users under their Entra object id
 * (aadObjectId = the token's oid). The tenant must match when the bot recorded one; object ids are
 * assigned by Entra and unique, so this is defence in depth, not the only check.
 */
export async function memberIdForTeamsUser(db: Queryable, input: { objectId: string; tenantId: string }): Promise<string | null> {
  const rows = await db.query<{ member_id: string }>(
    `SELECT member_id FROM chat_identities
      WHERE channel_id = 'msteams' AND user_id = $1 AND member_id IS NOT NULL
        AND (tenant_id IS NULL OR lower(tenant_id) = lower($2))
      ORDER BY last_seen_at DESC NULLS LAST LIMIT 1`,
    [input.objectId, input.tenantId],
  );
  return rows[0]?.member_id ?? null;
}

/** The member behind a user id on the given channels, the first channel that knows it winning. */
export async function memberIdForChannelUser(db: Queryable, input: { userId: string; channelIds: readonly string[] }): Promise<string | null> {
  const rows = await db.query<{ member_id: string }>(
    `SELECT member_id FROM chat_identities
      WHERE user_id = $1 AND channel_id = ANY($2::text[]) AND member_id IS NOT NULL
      ORDER BY array_position($2::text[], channel_id) LIMIT 1`,
    [input.userId, [...input.channelIds]],
  );
  return rows[0]?.member_id ?? null;
}

export async function centreName(db: Queryable, centreId: string): Promise<string | null> {
  const rows = await db.query<{ name: string }>('SELECT name FROM centres WHERE id = $1', [centreId]);
  return rows[0]?.name ?? null;
}

// ---- a volunteer's history ----------------------------------------------------------------------

export interface HistoryItem {
  assignmentId: string;
  centreId: string;
  group: string;
  district: string;
  startsAt: Date;
  durationMinutes: number;
  /** As the volunteer reported them; null when they did not say. */
  hours: number | null;
}

export interface VolunteerHistory {
  /** Most recent first, at most `limit`. Totals come from contributionOf (infra/contribution.ts). */
  items: HistoryItem[];
}

function osloMonthBounds(now: Date): { start: Date; end: Date } {
  const local = new TZDate(now.getTime(), TIME_ZONE);
  const y = local.getFullYear();
  const m = local.getMonth();
  return {
    start: new Date(new TZDate(y, m, 1, 0, 0, 0, TIME_ZONE).getTime()),
    end: new Date(new TZDate(y, m + 1, 1, 0, 0, 0, TIME_ZONE).getTime()),
  };
}

/**
 * Tasks the volunteer did (outcome 'done'), with hours. Kind of help, district and time only: the
 * person's details may already be erased by retention, and a history needs none.
 */
export async function volunteerHistory(db: Queryable, input: { volunteerId: string; limit?: number }): Promise<VolunteerHistory> {
  const limit = Math.max(1, Math.min(input.limit ?? 50, 500));
  const items = await db.query<{ id: string; centre_id: string; group_key: string; district: string; starts_at: Date; duration_minutes: number; hours: string | number | null }>(
    `SELECT a.id, r.centre_id, r.group_key, r.district, r.starts_at, r.duration_minutes, a.hours
       FROM assignments a JOIN help_requests r ON r.id = a.request_id
      WHERE a.volunteer_id = $1 AND a.outcome = 'done'
      ORDER BY r.starts_at DESC, a.id LIMIT $2`,
    [input.volunteerId, limit],
  );
  return {
    items: items.map((r) => ({
      assignmentId: r.id,
      centreId: r.centre_id,
      group: r.group_key,
      district: r.district,
      startsAt: new Date(r.starts_at),
      durationMinutes: r.duration_minutes,
      hours: r.hours === null ? null : Number(r.hours),
    })),
  };
}

// ---- a centre's overview ------------------------------------------------------------------------

export type ActionReason = 'escalated' | 'waiting_consent' | 'starting_soon';

export interface NeedsActionItem {
  requestId: string;
  group: string;
  district: string;
  startsAt: Date;
  durationMinutes: number;
  status: RequestStatus;
  urgent: boolean;
  reasons: ActionReason[];
}

export interface CentreOverview {
  centreId: string;
  counts: {
    open: number;
    /** Open and starting within UNFILLED_WITHIN_HOURS, or escalated. */
    unfilled: number;
    taken: number;
    /** Tasks carried out (outcome 'done') that started this calendar month, Europe/Oslo. */
    doneThisMonth: number;
  };
  /** Median of taken_at − created_at over requests taken in the last MEDIAN_WINDOW_DAYS; null if none. */
  medianMinutesToTaken: number | null;
  takenInWindow: number;
  /** Soonest first, at most `limit`. */
  needsAction: NeedsActionItem[];
  needsActionTotal: number;
}

export async function centreOverview(db: Queryable, input: { centreId: string; now: Date; limit?: number }): Promise<CentreOverview> {
  const now = input.now;
  const month = osloMonthBounds(now);
  const unfilledBy = new Date(now.getTime() + UNFILLED_WITHIN_HOURS * HOUR_MS);
  const soonBy = new Date(now.getTime() + STARTING_SOON_HOURS * HOUR_MS);
  const windowStart = new Date(now.getTime() - MEDIAN_WINDOW_DAYS * DAY_MS);
  const limit = Math.max(1, Math.min(input.limit ?? 50, 500));

  const [countRows, actionRows] = await Promise.all([
    db.query<{ open: number; unfilled: number; taken: number; done_month: number; median_seconds: number | string | null; taken_in_window: number }>(
      `SELECT count(*) FILTER (WHERE r.status = 'open')::int AS open,
              count(*) FILTER (WHERE r.status = 'open' AND (r.starts_at <= $2 OR r.escalated_at IS NOT NULL))::int AS unfilled,
              count(*) FILTER (WHERE r.status = 'taken')::int AS taken,
              (SELECT count(*)::int FROM assignments a JOIN help_requests d ON d.id = a.request_id
                WHERE d.centre_id = $1 AND a.outcome = 'done' AND d.starts_at >= $3 AND d.starts_at < $4) AS done_month,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM r.taken_at - r.created_at))
                FILTER (WHERE r.taken_at >= $5 AND r.taken_at <= $6) AS median_seconds,
              count(*) FILTER (WHERE r.taken_at >= $5 AND r.taken_at <= $6)::int AS taken_in_window
         FROM help_requests r
        WHERE r.centre_id = $1`,
      [input.centreId, unfilledBy, month.start, month.end, windowStart, now],
    ),
    db.query<{
      id: string; group_key: string; district: string; starts_at: Date; duration_minutes: number; status: RequestStatus; urgent: boolean;
      escalated: boolean; total: number;
    }>(
      `SELECT r.id, r.group_key, r.district, r.starts_at, r.duration_minutes, r.status, r.urgent,
              (r.escalated_at IS NOT NULL) AS escalated, count(*) OVER ()::int AS total
         FROM help_requests r
        WHERE r.centre_id = $1 AND r.starts_at > $2
          AND (r.status = 'waiting_consent' OR (r.status = 'open' AND (r.escalated_at IS NOT NULL OR r.starts_at <= $3)))
        ORDER BY r.starts_at, r.id LIMIT $4`,
      [input.centreId, now, soonBy, limit],
    ),
  ]);

  const c = countRows[0];
  const median = c?.median_seconds === null || c?.median_seconds === undefined ? null : Number(c.median_seconds);
  return {
    centreId: input.centreId,
    counts: { open: c?.open ?? 0, unfilled: c?.unfilled ?? 0, taken: c?.taken ?? 0, doneThisMonth: c?.done_month ?? 0 },
    medianMinutesToTaken: median === null ? null : Math.round(median / 60),
    takenInWindow: c?.taken_in_window ?? 0,
    needsAction: actionRows.map((r) => {
      const startsAt = new Date(r.starts_at);
      const reasons: ActionReason[] = [];
      if (r.status === 'open' && r.escalated) reasons.push('escalated');
      if (r.status === 'waiting_consent') reasons.push('waiting_consent');
      if (r.status === 'open' && startsAt.getTime() <= soonBy.getTime()) reasons.push('starting_soon');
      return {
        requestId: r.id,
        group: r.group_key,
        district: r.district,
        startsAt,
        durationMinutes: r.duration_minutes,
        status: r.status,
        urgent: r.urgent,
        reasons,
      };
    }),
    needsActionTotal: actionRows[0]?.total ?? 0,
  };
}

// ---- a centre's figures over a period (the tab's charts and tables) -----------------------------

export type PeriodChoice = 'year' | '12w';

/** Calendar days in Oslo, both included. */
export interface DayPeriod {
  from: string;
  to: string;
}

/** This year so far, or the last 12 ISO weeks (this one included), up to and including today. */
export function periodOf(choice: PeriodChoice, now: Date): DayPeriod {
  const today = new TZDate(now.getTime(), TIME_ZONE);
  const start = choice === 'year' ? startOfYear(today) : subWeeks(startOfISOWeek(today), 11);
  return { from: format(start, 'yyyy-MM-dd'), to: format(today, 'yyyy-MM-dd') };
}

export interface WeekFigures {
  /** ISO week in Oslo, as the report keys it: 2026-W10. */
  week: string;
  requestsPosted: number;
  requestsFilled: number;
  requestsExpiredUnfilled: number;
  requestsStillOpen: number;
  requestsTaken: number;
  minutesToTakeMedian: number | null;
  minutesToTakeP90: number | null;
}

export interface GroupFigures {
  /** Interest group key; the caller names it in the reader's language. */
  group: string;
  requestsPosted: number;
  tasksDone: number;
  hoursGiven: number;
}

export interface CentreFigures {
  period: DayPeriod;
  weeks: WeekFigures[];
  groups: GroupFigures[];
  /** The whole period as the export shows it: counts about people under 5 already read "<5". */
  total: PresentedRow['figures'];
}

/** Request and task counts, hours and times: not about people, so the export shows them as they are. */
function count(cell: Cell): number {
  return typeof cell === 'number' ? cell : 0;
}

function minutes(cell: Cell): number | null {
  return typeof cell === 'number' ? cell : null;
}

/**
 * The annual report's own figures (infra/reports.ts, computed in SQL from ids, statuses, times and
 * hours) by week and interest group, through the same small-number rule as the export.
 */
export async function centreFigures(db: Queryable, input: { centreId: string } & DayPeriod): Promise<CentreFigures> {
  const { presented } = await reportForDays(db, { centreId: input.centreId, from: input.from, to: input.to, groupBy: ['week', 'group'] });
  const weeks: WeekFigures[] = [];
  const groups: GroupFigures[] = [];
  let total: PresentedRow['figures'] | null = null;
  for (const row of presented.rows) {
    const f = row.figures;
    if (row.dimension === 'total') total = f;
    else if (row.dimension === 'week') {
      weeks.push({
        week: row.key,
        requestsPosted: count(f.requestsPosted),
        requestsFilled: count(f.requestsFilled),
        requestsExpiredUnfilled: count(f.requestsExpiredUnfilled),
        requestsStillOpen: count(f.requestsStillOpen),
        requestsTaken: count(f.requestsTaken),
        minutesToTakeMedian: minutes(f.minutesToTakeMedian),
        minutesToTakeP90: minutes(f.minutesToTakeP90),
      });
    } else if (row.dimension === 'group') {
      groups.push({ group: row.key, requestsPosted: count(f.requestsPosted), tasksDone: count(f.tasksDone), hoursGiven: count(f.hoursGiven) });
    }
  }
  return { period: { from: presented.period.from, to: presented.period.to }, weeks, groups, total: total! };
}
