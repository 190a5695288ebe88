// The centre's figures for the annual report (årsmelding). Every figure is computed in SQL from ids,
// statuses, timestamps and hours only, never from a column that retention or erasure clears, so the
// same report can be produced years later and gives the same answer. Definitions: docs/reporting.md.
import { addDays, format, startOfDay } from 'date-fns';
import { TZDate } from '@date-fns/tz';
import type { Queryable } from './db.ts';
import { policeCertificateCountsOf } from './police-certificates.ts';
import { TIME_ZONE } from '../domain/time-zone.ts';
import { isMessageKey, t, type MessageKey, type MessageParams } from '../adaptive-cards/texts.ts';
import { SUPPRESSION_RULE, smallCount, suppressSmallCounts, type Cell } from '../domain/small-counts.ts';

export const REPORT_DIMENSIONS = ['month', 'week', 'group', 'district', 'poster'] as const;
export type ReportDimension = (typeof REPORT_DIMENSIONS)[number];

/** Raw figures for one slice (the whole period, or one month, week, group, district or poster). */
export interface ReportFigures {
  // Requests, counted in the period they were posted (help_requests.created_at).
  requestsPosted: number;
  requestsFilled: number;
  /** The denominator of shareFilled: posted, minus still open and withdrawn before any offer. */
  requestsConsidered: number;
  shareFilled: number | null;
  /** Requests someone took at least once: what the median and p90 are over. */
  requestsTaken: number;
  minutesToTakeMedian: number | null;
  minutesToTakeP90: number | null;
  requestsExpiredUnfilled: number;
  requestsCancelled: number;
  requestsCancelledWhileTaken: number;
  requestsStillOpen: number;
  // Tasks (assignments), counted in the period the request was to happen (help_requests.starts_at).
  tasksDone: number;
  tasksNotDone: number;
  tasksOutcomeNotReported: number;
  volunteerCancellations: number;
  volunteerCancellationsLeaving: number;
  hoursGiven: number;
  respiteHours: number;
  peopleReached: number;
  // Volunteers.
  activeVolunteers: number;
  /** Null where the slice has no meaning for it (group, district, poster: a leaver's profile is gone). */
  newVolunteers: number | null;
  volunteersLeft: number | null;
  // Concerns, counted when raised.
  concernsRaised: number;
  // Caregivers' feedback after a visit, counted when given (visit_feedback.created_at).
  feedbackGood: number;
  feedbackNotGood: number;
  // SMS the centre sent, counted when sent (they cost money); null outside totals, months and weeks.
  smsSent: number | null;
  /** What the gateway bills: a long text or one with characters outside the GSM alphabet is several parts. */
  smsParts: number | null;
}

export type FigureKey = keyof ReportFigures;

export interface ReportRow {
  dimension: 'total' | ReportDimension;
  key: string;
  /** Interest group name for groups; the key otherwise (the presentation layer words the rest). */
  label: string;
  figures: ReportFigures;
}

export interface CentreReport {
  centre: { id: string; name: string };
  /** Inclusive. */
  from: Date;
  /** Exclusive. */
  to: Date;
  timeZone: string;
  dimensions: ReportDimension[];
  rows: ReportRow[];
  notAvailable: Array<{ figure: string; reason: string }>;
  /**
   * The centre's volunteers by the state of their politiattest on `at` (the period's last day, or
   * today if it ends later). A snapshot of today's volunteers, not a figure of the period: those who
   * left took their dates with them.
   */
  policeCertificates?: { at: string; valid: number; expiring: number; expired: number };
}

export class ReportError extends Error {}

/** The group whose hours are respite given to caregivers. Keys stay when coordinators rename groups. */
export const RESPITE_GROUP = 'avlastning';

/**
 * A volunteer's assignment cancelled because staff cancelled the whole request (or consent was
 * withdrawn) carries this reason; every other cancel reason is the volunteer's own free text or
 * 'volunteer_left'. Free text may later be erased to NULL, which still reads as the volunteer's.
 */
const STAFF_CANCEL_REASON = 'request_cancelled';
const LEFT_CANCEL_REASON = 'volunteer_left';

function emptyFigures(dimension: 'total' | ReportDimension): ReportFigures {
  const volunteerSlice = dimension === 'total' || dimension === 'month' || dimension === 'week';
  return {
    requestsPosted: 0, requestsFilled: 0, requestsConsidered: 0, shareFilled: null, requestsTaken: 0,
    minutesToTakeMedian: null, minutesToTakeP90: null, requestsExpiredUnfilled: 0, requestsCancelled: 0,
    requestsCancelledWhileTaken: 0, requestsStillOpen: 0,
    tasksDone: 0, tasksNotDone: 0, tasksOutcomeNotReported: 0, volunteerCancellations: 0, volunteerCancellationsLeaving: 0,
    hoursGiven: 0, respiteHours: 0, peopleReached: 0,
    activeVolunteers: 0, newVolunteers: volunteerSlice ? 0 : null, volunteersLeft: volunteerSlice ? 0 : null,
    concernsRaised: 0,
    feedbackGood: 0, feedbackNotGood: 0,
    smsSent: volunteerSlice ? 0 : null, smsParts: volunteerSlice ? 0 : null,
  };
}

// Each event gets one row per requested slice; grouping by (dim, key) then gives the total and every
// breakdown from one scan, with count(DISTINCT) and percentiles correct per slice.
const SLICES = `CROSS JOIN LATERAL (VALUES
    ('total', ''),
    ('month', to_char(e.t AT TIME ZONE $5, 'YYYY-MM')),
    ('week', to_char(e.t AT TIME ZONE $5, 'IYYY-"W"IW')),
    ('group', e.group_key),
    ('district', e.district),
    ('poster', e.poster)) AS d(dim, key)
  WHERE d.dim = ANY($4::text[])`;

// The centre's requests with who posted them. An API system acts through a member whose chat
// identity on channel 'api' names the system; members of another centre keep their centre visible.
const REQ = `req AS (
  SELECT r.id, r.group_key, r.district, r.person_id, r.status, r.created_at, r.starts_at,
         CASE WHEN r.source = 'api' THEN coalesce('api:' || (SELECT ci.user_id FROM chat_identities ci
                                                              WHERE ci.channel_id = 'api' AND ci.member_id = r.created_by LIMIT 1), 'api')
              WHEN m.id IS NULL THEN 'unknown'
              WHEN m.centre_id IS DISTINCT FROM r.centre_id THEN m.role || '@' || coalesce(m.centre_id, '-')
              ELSE m.role END AS poster
    FROM help_requests r LEFT JOIN members m ON m.id = r.created_by
   WHERE r.centre_id = $1)`;

const REQUESTS_SQL = `WITH ${REQ},
firsts AS (
  SELECT a.request_id, min(a.assigned_at) AS first_taken_at, bool_or(a.cancel_reason = '${STAFF_CANCEL_REASON}') AS cancelled_while_taken
    FROM assignments a JOIN req ON req.id = a.request_id GROUP BY a.request_id),
e AS (
  SELECT req.*, req.created_at AS t,
         coalesce(f.cancelled_while_taken, false) AS cancelled_while_taken,
         extract(epoch FROM f.first_taken_at - req.created_at)::float8 / 60 AS wait_minutes,
         NOT EXISTS (SELECT 1 FROM offers o WHERE o.request_id = req.id) AS never_offered
    FROM req LEFT JOIN firsts f ON f.request_id = req.id
   WHERE req.created_at >= $2 AND req.created_at < $3)
SELECT d.dim, d.key,
  count(*)::int AS "requestsPosted",
  count(*) FILTER (WHERE e.status IN ('taken', 'done') OR (e.status = 'cancelled' AND e.cancelled_while_taken))::int AS "requestsFilled",
  count(*) FILTER (WHERE e.status NOT IN ('open', 'waiting_consent')
                     AND NOT (e.status = 'cancelled' AND NOT e.cancelled_while_taken AND e.never_offered))::int AS "requestsConsidered",
  count(e.wait_minutes)::int AS "requestsTaken",
  percentile_cont(0.5) WITHIN GROUP (ORDER BY e.wait_minutes) AS "minutesToTakeMedian",
  percentile_cont(0.9) WITHIN GROUP (ORDER BY e.wait_minutes) AS "minutesToTakeP90",
  count(*) FILTER (WHERE e.status = 'expired')::int AS "requestsExpiredUnfilled",
  count(*) FILTER (WHERE e.status = 'cancelled')::int AS "requestsCancelled",
  count(*) FILTER (WHERE e.status = 'cancelled' AND e.cancelled_while_taken)::int AS "requestsCancelledWhileTaken",
  count(*) FILTER (WHERE e.status IN ('open', 'waiting_consent'))::int AS "requestsStillOpen"
FROM e ${SLICES}
GROUP BY d.dim, d.key`;

const TASKS_SQL = `WITH ${REQ},
e AS (
  SELECT req.*, req.starts_at AS t, a.volunteer_id, a.status AS a_status, a.outcome, a.hours, a.cancel_reason
    FROM assignments a JOIN req ON req.id = a.request_id
   WHERE req.starts_at >= $2 AND req.starts_at < $3)
SELECT d.dim, d.key,
  count(*) FILTER (WHERE e.outcome = 'done')::int AS "tasksDone",
  count(*) FILTER (WHERE e.outcome = 'not_done')::int AS "tasksNotDone",
  count(*) FILTER (WHERE e.a_status = 'active' OR e.outcome = 'not_reported')::int AS "tasksOutcomeNotReported",
  count(*) FILTER (WHERE e.a_status = 'cancelled' AND e.cancel_reason IS DISTINCT FROM '${STAFF_CANCEL_REASON}')::int AS "volunteerCancellations",
  count(*) FILTER (WHERE e.a_status = 'cancelled' AND e.cancel_reason = '${LEFT_CANCEL_REASON}')::int AS "volunteerCancellationsLeaving",
  coalesce(sum(e.hours) FILTER (WHERE e.outcome = 'done'), 0)::float8 AS "hoursGiven",
  coalesce(sum(e.hours) FILTER (WHERE e.outcome = 'done' AND e.group_key = '${RESPITE_GROUP}'), 0)::float8 AS "respiteHours",
  count(DISTINCT e.person_id) FILTER (WHERE e.outcome = 'done')::int AS "peopleReached"
FROM e ${SLICES}
GROUP BY d.dim, d.key`;

// Active: answered an offer (accepted, declined, or tapped accept too late) in the period, or had a task in the period whose
// outcome was reported. Both are tied to a request, so group, district and poster apply.
const ACTIVE_SQL = `WITH ${REQ},
acts AS (
  SELECT o.volunteer_id, o.request_id, o.responded_at AS t FROM offers o
   WHERE o.responded_at >= $2 AND o.responded_at < $3
  UNION ALL
  SELECT a.volunteer_id, a.request_id, r.starts_at FROM assignments a JOIN help_requests r ON r.id = a.request_id
   WHERE a.outcome IN ('done', 'not_done') AND r.starts_at >= $2 AND r.starts_at < $3),
e AS (SELECT req.*, acts.volunteer_id, acts.t FROM acts JOIN req ON req.id = acts.request_id)
SELECT d.dim, d.key, count(DISTINCT e.volunteer_id)::int AS "activeVolunteers"
FROM e ${SLICES}
GROUP BY d.dim, d.key`;

const CONCERNS_SQL = `WITH ${REQ},
e AS (SELECT req.*, c.created_at AS t FROM concerns c JOIN req ON req.id = c.request_id
       WHERE c.created_at >= $2 AND c.created_at < $3)
SELECT d.dim, d.key, count(*)::int AS "concernsRaised"
FROM e ${SLICES}
GROUP BY d.dim, d.key`;

// Ratings only: the comment is personal data that retention and erasure clear, the rating never is.
const FEEDBACK_SQL = `WITH ${REQ},
e AS (SELECT req.*, f.rating, f.created_at AS t FROM visit_feedback f JOIN req ON req.id = f.request_id
       WHERE f.created_at >= $2 AND f.created_at < $3)
SELECT d.dim, d.key,
  count(*) FILTER (WHERE e.rating = 'good')::int AS "feedbackGood",
  count(*) FILTER (WHERE e.rating = 'not_good')::int AS "feedbackNotGood"
FROM e ${SLICES}
GROUP BY d.dim, d.key`;

// A volunteer who leaves loses their volunteers row (approved_at, district) and their
// volunteer_centres link; the member row keeps role, created_at and left_at. Offers are only ever
// made to approved volunteers, so an offer from the centre both ties a leaver to it and shows they
// were approved. approved_at is overwritten on re-approval after a pause, hence the offer check.
const NEW_VOLUNTEERS_SQL = `WITH joined AS (
  SELECT v.member_id, v.approved_at AS t FROM volunteers v
    JOIN volunteer_centres vc ON vc.member_id = v.member_id AND vc.centre_id = $1
   WHERE v.approved_at >= $2 AND v.approved_at < $3
     AND NOT EXISTS (SELECT 1 FROM offers o WHERE o.volunteer_id = v.member_id AND o.created_at < v.approved_at)
  UNION ALL
  SELECT m.id, m.created_at FROM members m
   WHERE m.role = 'volunteer' AND m.left_at IS NOT NULL AND m.created_at >= $2 AND m.created_at < $3
     AND NOT EXISTS (SELECT 1 FROM volunteers v WHERE v.member_id = m.id)
     AND EXISTS (SELECT 1 FROM offers o JOIN help_requests r ON r.id = o.request_id WHERE o.volunteer_id = m.id AND r.centre_id = $1)),
e AS (SELECT joined.*, NULL::text AS group_key, NULL::text AS district, NULL::text AS poster FROM joined)
SELECT d.dim, d.key, count(DISTINCT e.member_id)::int AS "newVolunteers"
FROM e ${SLICES}
GROUP BY d.dim, d.key`;

const LEFT_SQL = `WITH e AS (
  SELECT m.id, m.left_at AS t, NULL::text AS group_key, NULL::text AS district, NULL::text AS poster FROM members m
   WHERE m.role = 'volunteer' AND m.left_at >= $2 AND m.left_at < $3
     AND (EXISTS (SELECT 1 FROM volunteer_centres vc WHERE vc.member_id = m.id AND vc.centre_id = $1)
       OR EXISTS (SELECT 1 FROM offers o JOIN help_requests r ON r.id = o.request_id WHERE o.volunteer_id = m.id AND r.centre_id = $1)))
SELECT d.dim, d.key, count(*)::int AS "volunteersLeft"
FROM e ${SLICES}
GROUP BY d.dim, d.key`;

// SMS sent for the centre (sms_messages: the task's centre, else the member's), counted when sent.
const SMS_SQL = `WITH e AS (
  SELECT s.parts, s.sent_at AS t, NULL::text AS group_key, NULL::text AS district, NULL::text AS poster FROM sms_messages s
   WHERE s.direction = 'out' AND s.centre_id = $1 AND s.sent_at >= $2 AND s.sent_at < $3)
SELECT d.dim, d.key, count(*)::int AS "smsSent", coalesce(sum(e.parts), 0)::int AS "smsParts"
FROM e ${SLICES}
GROUP BY d.dim, d.key`;

export interface CentreReportInput {
  centreId: string;
  /** Start of the period, inclusive. */
  from: Date;
  /** End of the period, exclusive. */
  to: Date;
  /** Breakdowns besides the total; all of them when left out. */
  groupBy?: readonly ReportDimension[];
  /** Today, for the politiattest snapshot (default: the clock). */
  now?: Date;
}

export async function centreReport(db: Queryable, input: CentreReportInput): Promise<CentreReport> {
  if (!(input.from.getTime() < input.to.getTime())) throw new ReportError('the period must end after it starts');
  const centre = (await db.query<{ id: string; name: string }>('SELECT id, name FROM centres WHERE id = $1', [input.centreId]))[0];
  if (!centre) throw new ReportError(`unknown centre "${input.centreId}"`);
  const dimensions = REPORT_DIMENSIONS.filter((d) => (input.groupBy ?? REPORT_DIMENSIONS).includes(d));
  const periodDims = ['total', ...dimensions.filter((d) => d === 'month' || d === 'week')];
  const allDims = ['total', ...dimensions];

  const rows = new Map<string, ReportRow>();
  const rowFor = (dim: 'total' | ReportDimension, key: string): ReportRow => {
    const id = `${dim}\u0000${key}`;
    let row = rows.get(id);
    if (!row) rows.set(id, (row = { dimension: dim, key, label: key, figures: emptyFigures(dim) }));
    return row;
  };

  // Every month and week of the period and every interest group are listed, even when nothing
  // happened in them: an empty month is a figure too.
  if (dimensions.includes('month') || dimensions.includes('week')) {
    for (let day = startOfDay(new TZDate(input.from.getTime(), TIME_ZONE)); day.getTime() < input.to.getTime(); day = addDays(day, 1)) {
      if (dimensions.includes('month')) rowFor('month', format(day, 'yyyy-MM'));
      if (dimensions.includes('week')) rowFor('week', format(day, "RRRR-'W'II"));
    }
  }
  const groupNames = new Map<string, string>();
  const groups = await db.query<{ key: string; name_nb: string }>('SELECT key, name_nb FROM interest_groups WHERE centre_id = $1 ORDER BY sort_order, key', [centre.id]);
  for (const g of groups) groupNames.set(g.key, g.name_nb);
  if (dimensions.includes('group')) for (const g of groups) rowFor('group', g.key);
  rowFor('total', '');

  const run = async (sql: string, dims: string[]) => {
    const result = await db.query<Record<string, unknown> & { dim: ReportRow['dimension']; key: string | null }>(sql, [centre.id, input.from, input.to, dims, TIME_ZONE]);
    for (const r of result) {
      const row = rowFor(r.dim, r.key ?? '');
      for (const [k, v] of Object.entries(r)) {
        if (k === 'dim' || k === 'key') continue;
        (row.figures as unknown as Record<string, unknown>)[k] = v === null ? null : Number(v);
      }
    }
  };
  await run(REQUESTS_SQL, allDims);
  await run(TASKS_SQL, allDims);
  await run(ACTIVE_SQL, allDims);
  await run(CONCERNS_SQL, allDims);
  await run(FEEDBACK_SQL, allDims);
  await run(NEW_VOLUNTEERS_SQL, periodDims);
  await run(LEFT_SQL, periodDims);
  await run(SMS_SQL, periodDims);

  for (const row of rows.values()) {
    const f = row.figures;
    f.shareFilled = f.requestsConsidered > 0 ? f.requestsFilled / f.requestsConsidered : null;
    if (row.dimension === 'group') row.label = groupNames.get(row.key) ?? row.key;
  }

  const order = ['total', ...REPORT_DIMENSIONS];
  const groupOrder = [...groupNames.keys()];
  const sorted = [...rows.values()].sort((a, b) => {
    const byDim = order.indexOf(a.dimension) - order.indexOf(b.dimension);
    if (byDim !== 0) return byDim;
    if (a.dimension === 'group') {
      const ia = groupOrder.indexOf(a.key);
      const ib = groupOrder.indexOf(b.key);
      if (ia !== ib) return (ia < 0 ? Infinity : ia) - (ib < 0 ? Infinity : ib);
    }
    return a.key.localeCompare(b.key, 'nb');
  });

  const snapshotAt = new Date(Math.min(input.to.getTime() - 1, (input.now ?? new Date()).getTime()));
  const police = await policeCertificateCountsOf(db, centre.id, snapshotAt);
  return {
    centre,
    from: input.from,
    to: input.to,
    timeZone: TIME_ZONE,
    dimensions,
    rows: sorted,
    policeCertificates: { at: format(new TZDate(snapshotAt.getTime(), TIME_ZONE), 'yyyy-MM-dd'), ...police },
    notAvailable: [{ figure: 'feedback', reason: 'Dugnad asks whoever asked for a visit — a caregiver, or the person helped who asked themselves (poster «Bestilt selv») — how it went (feedbackGood, feedbackNotGood), but not the person helped when staff or a case system asked for them.' }],
  };
}

// ---------------------------------------------------------------------------------------------
// Presentation: what leaves the system. Small counts about people are hidden here, not above, so
// tests and internal checks keep the raw numbers.

export { ADDITIVE_PEOPLE_FIGURES, HIDDEN, PEOPLE_FIGURES, SMALL, SUPPRESSION_RULE, smallCount, type Cell } from '../domain/small-counts.ts';

export interface PresentedRow {
  dimension: ReportRow['dimension'];
  key: string;
  label: string;
  figures: Record<FigureKey, Cell>;
}

export interface PresentedReport {
  centre: { id: string; name: string };
  period: { from: string; to: string; timeZone: string };
  suppression: string;
  notAvailable: CentreReport['notAvailable'];
  rows: PresentedRow[];
  /** Counts of volunteers, so small ones are shown as "<5" like the other people figures. */
  policeCertificates?: { at: string; valid: Cell; expiring: Cell; expired: Cell };
}

function round(v: number | null, digits: number): number | null {
  if (v === null) return null;
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

export function presentReport(report: CentreReport): PresentedReport {
  const rows: PresentedRow[] = report.rows.map((r) => {
    const f = r.figures;
    const figures = { ...f } as Record<FigureKey, Cell>;
    figures.shareFilled = round(f.shareFilled, 4);
    figures.minutesToTakeMedian = round(f.minutesToTakeMedian, 0);
    figures.minutesToTakeP90 = round(f.minutesToTakeP90, 0);
    figures.hoursGiven = round(f.hoursGiven, 2);
    figures.respiteHours = round(f.respiteHours, 2);
    return { dimension: r.dimension, key: r.key, label: r.label, figures };
  });
  suppressSmallCounts(rows.map((row, i) => ({ dimension: row.dimension, raw: report.rows[i]!.figures, shown: row.figures })), report.dimensions);

  const lastDay = new TZDate(report.to.getTime() - 1, report.timeZone);
  const small = smallCount;
  const pc = report.policeCertificates;
  return {
    ...(pc ? { policeCertificates: { at: pc.at, valid: small(pc.valid), expiring: small(pc.expiring), expired: small(pc.expired) } } : {}),
    centre: report.centre,
    period: { from: format(new TZDate(report.from.getTime(), report.timeZone), 'yyyy-MM-dd'), to: format(lastDay, 'yyyy-MM-dd'), timeZone: report.timeZone },
    suppression: SUPPRESSION_RULE,
    notAvailable: report.notAvailable,
    rows,
  };
}

// Column order and headings of the export (the message catalog's report.* keys, in bokmål: the file is
// the centre's, written in its default language); JSON uses the keys.
export type FigureUnit = 'count' | 'fraction' | 'minutes' | 'hours';

/** The export's words, in bokmål. */
const nb = (key: MessageKey, params?: MessageParams) => t('nb', key, params);

const FIGURE_UNITS: ReadonlyArray<{ key: FigureKey; unit: FigureUnit }> = [
  { key: 'requestsPosted', unit: 'count' },
  { key: 'requestsFilled', unit: 'count' },
  { key: 'requestsConsidered', unit: 'count' },
  { key: 'shareFilled', unit: 'fraction' },
  { key: 'requestsTaken', unit: 'count' },
  { key: 'minutesToTakeMedian', unit: 'minutes' },
  { key: 'minutesToTakeP90', unit: 'minutes' },
  { key: 'requestsExpiredUnfilled', unit: 'count' },
  { key: 'requestsCancelled', unit: 'count' },
  { key: 'requestsCancelledWhileTaken', unit: 'count' },
  { key: 'requestsStillOpen', unit: 'count' },
  { key: 'tasksDone', unit: 'count' },
  { key: 'tasksNotDone', unit: 'count' },
  { key: 'tasksOutcomeNotReported', unit: 'count' },
  { key: 'volunteerCancellations', unit: 'count' },
  { key: 'volunteerCancellationsLeaving', unit: 'count' },
  { key: 'hoursGiven', unit: 'hours' },
  { key: 'respiteHours', unit: 'hours' },
  { key: 'peopleReached', unit: 'count' },
  { key: 'activeVolunteers', unit: 'count' },
  { key: 'newVolunteers', unit: 'count' },
  { key: 'volunteersLeft', unit: 'count' },
  { key: 'concernsRaised', unit: 'count' },
  { key: 'feedbackGood', unit: 'count' },
  { key: 'feedbackNotGood', unit: 'count' },
  { key: 'smsSent', unit: 'count' },
  { key: 'smsParts', unit: 'count' },
];

/** JSON carries shares as fractions (0–1); the CSV shows them as percent with one decimal. */
export const FIGURE_COLUMNS: ReadonlyArray<{ key: FigureKey; heading: string; unit: FigureUnit }> = FIGURE_UNITS.map(({ key, unit }) => ({
  key,
  heading: nb(`report.column.${key}`),
  unit,
}));

/** A row's value as the export words it: the month, the week, who posted; the group's name or the key otherwise. */
export function rowLabelNb(row: Pick<PresentedRow, 'dimension' | 'key' | 'label'>): string {
  switch (row.dimension) {
    case 'total':
      return nb('report.row.total');
    case 'month': {
      const [y, m] = row.key.split('-');
      const month = `report.month.${m}`;
      return nb('report.row.month', { month: isMessageKey(month) ? nb(month) : String(m), year: String(y) });
    }
    case 'week': {
      const [y, w] = row.key.split('-W');
      return nb('report.row.week', { week: String(Number(w)), year: String(y) });
    }
    case 'poster': {
      if (row.key === 'api') return nb('report.poster.api');
      if (row.key.startsWith('api:')) return nb('report.poster.apiSystem', { system: row.key.slice(4) });
      const [role, centre] = row.key.split('@');
      const roleKey = `report.poster.role.${role}`;
      const label = isMessageKey(roleKey) ? nb(roleKey) : role!;
      return centre ? nb('report.poster.otherCentre', { role: label, centre }) : label;
    }
    default:
      return row.label;
  }
}

function csvField(v: string): string {
  return /[";\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

function csvCell(key: FigureKey, v: Cell): string {
  if (v === null) return '';
  if (typeof v === 'string') return v;
  // Norwegian Excel reads a comma as the decimal separator (and so expects ';' between fields).
  const n = key === 'shareFilled' ? Math.round(v * 1000) / 10 : v;
  return String(n).replace('.', ',');
}

/** Semicolon-separated, decimal comma, CRLF: what Excel with Norwegian settings opens as columns. */
export function reportCsv(p: PresentedReport): string {
  const head = [nb('report.column.dimension'), nb('report.column.key'), nb('report.column.label'), ...FIGURE_COLUMNS.map((c) => c.heading), nb('report.column.feedback')];
  const lines = [head.map(csvField).join(';')];
  for (const row of p.rows) {
    const cells = [nb(`report.dimension.${row.dimension}`), row.key, rowLabelNb(row), ...FIGURE_COLUMNS.map((c) => csvCell(c.key, row.figures[c.key])), nb('report.notAvailable')];
    lines.push(cells.map(csvField).join(';'));
  }
  return lines.join('\r\n') + '\r\n';
}

export function reportJson(p: PresentedReport): string {
  return JSON.stringify(
    {
      centre: p.centre,
      period: p.period,
      suppression: p.suppression,
      definitions: 'docs/reporting.md',
      notAvailable: p.notAvailable,
      policeCertificates: p.policeCertificates,
      columns: FIGURE_COLUMNS,
      rows: p.rows.map((r) => ({ dimension: r.dimension, key: r.key, label: rowLabelNb(r), figures: { ...r.figures, feedback: null } })),
    },
    null,
    2,
  ) + '\n';
}

// ---------------------------------------------------------------------------------------------
// Periods named by calendar days, and the report as a file: one path for `npm run report` and the
// download in the Teams tab, so both give the same bytes.

/** Midnight starting a calendar day (YYYY-MM-DD) in Oslo; null for 2026-02-30 and the like. */
export function osloMidnight(date: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return null;
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const t = new TZDate(y, m - 1, d, 0, 0, 0, TIME_ZONE);
  return t.getFullYear() === y && t.getMonth() === m - 1 && t.getDate() === d ? new Date(t.getTime()) : null;
}

export interface ReportDaysInput {
  centreId: string;
  /** First day, YYYY-MM-DD in Oslo, included. */
  from: string;
  /** Last day, YYYY-MM-DD in Oslo, included. */
  to: string;
  groupBy?: readonly ReportDimension[];
}

/** The report for whole calendar days, both included: the period ends at the midnight after `to`. */
export async function reportForDays(db: Queryable, input: ReportDaysInput): Promise<{ report: CentreReport; presented: PresentedReport }> {
  const from = osloMidnight(input.from);
  const last = osloMidnight(input.to);
  if (!from || !last) throw new ReportError('the period must be two calendar dates');
  const report = await centreReport(db, {
    centreId: input.centreId,
    from,
    to: new Date(addDays(new TZDate(last.getTime(), TIME_ZONE), 1).getTime()),
    ...(input.groupBy ? { groupBy: input.groupBy } : {}),
  });
  return { report, presented: presentReport(report) };
}

export type ReportFormat = 'csv' | 'json';

/**
 * The report as a file. A CSV file starts with a byte-order mark so that Excel reads it as UTF-8
 * (æ, ø, å); the text on its own (reportCsv) has none, so it can be piped.
 */
export function reportFile(p: PresentedReport, format: ReportFormat): { name: string; contentType: string; text: string } {
  return {
    name: `arsmelding-${p.centre.id}-${p.period.from}-${p.period.to}.${format}`,
    contentType: format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
    text: format === 'csv' ? '\uFEFF' + reportCsv(p) : reportJson(p),
  };
}
