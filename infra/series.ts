// Recurring requests: the rule (a series row) and its visits (help_requests rows with series_id and
// occurrence). The series is first offered as a whole ("be the regular volunteer"); the first accept
// takes every future visit; if nobody takes it within the wave time, the visits go out one by one as
// ordinary requests. Cancelling and stepping back work per visit (the existing request and
// assignment paths) or for the whole series. This file is the series' SQL; creating, releasing and
// cancelling a series are use-cases/create-series.ts, release-series.ts and cancel-series.ts.
import type { Database, Queryable } from './db.ts';
import { addOutbox } from './outbox.ts';
import { revealDetails } from './reveal.ts';
import { toHelpRequest, type RequestRow } from './request-row.ts';
import { volunteerMayAccept } from './volunteer-standing.ts';
import { CURRENT_DECLARATION_VERSION } from '../domain/declaration.ts';
import { expandSeries, lastVisitDate, type SeriesRule } from '../domain/series.ts';
import type { HelpRequest, OfferStatus, PrivateRequestDetails } from '../domain/types.ts';

export type SeriesStatus = 'open' | 'taken' | 'released' | 'cancelled';

export interface SeriesView {
  id: string;
  centreId: string;
  createdBy: string;
  personId: string | null;
  status: SeriesStatus;
  regularVolunteerId: string | null;
  rule: SeriesRule;
  /** The last visit's date (YYYY-MM-DD), however the rule was given. */
  lastDate: string;
  visitCount: number;
  durationMinutes: number;
  /** The first visit still to come (or the last one): what the offer card describes. */
  anchor: HelpRequest;
}

interface SeriesRow {
  id: string;
  centre_id: string;
  created_by: string;
  person_id: string | null;
  status: SeriesStatus;
  regular_volunteer_id: string | null;
  first_date: string | Date;
  start_time: string;
  interval_weeks: 1 | 2;
  until_date: string | Date | null;
  visit_count: number | null;
  duration_minutes: number;
}

/** PostgreSQL gives a date column as text or as a Date at local midnight, depending on the driver. */
function dateText(v: string | Date): string {
  if (typeof v === 'string') return v.slice(0, 10);
  return `${v.getFullYear()}-${String(v.getMonth() + 1).padStart(2, '0')}-${String(v.getDate()).padStart(2, '0')}`;
}

const SERIES_COLUMNS = `s.id, s.centre_id, s.created_by, s.person_id, s.status, s.regular_volunteer_id, s.first_date::text AS first_date, s.start_time,
  s.interval_weeks, s.until_date::text AS until_date, s.visit_count, s.duration_minutes`;

export async function getSeries(db: Queryable, seriesId: string, now: Date): Promise<SeriesView | null> {
  const rows = await db.query<SeriesRow>(`SELECT ${SERIES_COLUMNS} FROM series s WHERE s.id = $1`, [seriesId]);
  const s = rows[0];
  if (!s) return null;
  const visits = await db.query<RequestRow>(
    `SELECT * FROM help_requests WHERE series_id = $1 ORDER BY (starts_at > $2) DESC, CASE WHEN starts_at > $2 THEN starts_at END, starts_at DESC LIMIT 1`,
    [seriesId, now],
  );
  if (!visits[0]) return null;
  // Cancelled visits are no longer part of what is offered or promised.
  const count = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM help_requests WHERE series_id = $1 AND status <> 'cancelled'`, [seriesId]);
  const rule: SeriesRule = {
    firstDate: dateText(s.first_date),
    time: s.start_time,
    intervalWeeks: s.interval_weeks,
    untilDate: s.until_date === null ? null : dateText(s.until_date),
    visitCount: s.visit_count,
  };
  return {
    id: s.id,
    centreId: s.centre_id,
    createdBy: s.created_by,
    personId: s.person_id,
    status: s.status,
    regularVolunteerId: s.regular_volunteer_id,
    rule,
    lastDate: lastVisitDate(rule),
    visitCount: count[0]?.n ?? 0,
    durationMinutes: s.duration_minutes,
    anchor: toHelpRequest(visits[0]),
  };
}

/** The series row for a rule, with its person and the form's fields; offered whole only when it can start now (`open`). */
export async function insertSeriesRow(
  tx: Queryable,
  input: { centreId: string; createdBy: string; fields: { personId: string; group: string; district: string; durationMinutes: number }; now: Date },
  rule: SeriesRule,
  status: 'open' | 'waiting_consent',
): Promise<string> {
  const f = input.fields;
  const rows = await tx.query<{ id: string }>(
    `INSERT INTO series (centre_id, person_id, created_by, group_key, district, first_date, start_time, interval_weeks, until_date, visit_count,
       duration_minutes, status, released_at, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id`,
    [input.centreId, f.personId, input.createdBy, f.group, f.district, rule.firstDate, rule.time, rule.intervalWeeks, rule.untilDate,
      rule.visitCount, f.durationMinutes, status === 'open' ? 'open' : 'released', status === 'open' ? null : input.now, input.now],
  );
  return rows[0]!.id;
}

/** The series' first open visit: what its offer describes and whom it is ranked for. */
export async function seriesAnchor(tx: Queryable, seriesId: string): Promise<HelpRequest | null> {
  const anchor = (await tx.query<RequestRow>(`SELECT * FROM help_requests WHERE series_id = $1 AND status = 'open' ORDER BY starts_at LIMIT 1`, [seriesId]))[0];
  return anchor ? toHelpRequest(anchor) : null;
}

/** The series offered whole to these volunteers (the outbox row `series.offers` sends them); returns how many are new. */
export async function insertSeriesOffers(tx: Queryable, seriesId: string, volunteerIds: readonly string[], now: Date): Promise<number> {
  const inserted = await tx.query(
    `INSERT INTO series_offers (series_id, volunteer_id, created_at) SELECT $1, v, $2 FROM unnest($3::uuid[]) AS v
     ON CONFLICT (series_id, volunteer_id) DO NOTHING RETURNING id`,
    [seriesId, now, volunteerIds],
  );
  await addOutbox(tx, 'series.offers', seriesId);
  return inserted.length;
}

/**
 * A series still offered whole stops being so: released, or cancelled if every visit was cancelled
 * under it (e.g. consent withdrawn), and its pending series offers withdrawn. Returns the visits
 * still open and to come, soonest first — each to go out as an ordinary request — or null if the
 * series was no longer offered. The waves and the notice: use-cases/release-series.ts.
 */
export async function markSeriesReleased(tx: Queryable, seriesId: string, now: Date): Promise<string[] | null> {
  const visits = await tx.query<{ id: string }>(`SELECT id FROM help_requests WHERE series_id = $1 AND status = 'open' AND starts_at > $2 ORDER BY starts_at`, [seriesId, now]);
  // Every visit was cancelled under it (e.g. consent withdrawn): nothing goes out, and the series offers say cancelled.
  const rows = await tx.query(
    `UPDATE series SET status = $3, released_at = $2, cancelled_at = CASE WHEN $3 = 'cancelled' THEN $2::timestamptz END, updated_at = $2
      WHERE id = $1 AND status = 'open' RETURNING id`,
    [seriesId, now, visits.length > 0 ? 'released' : 'cancelled'],
  );
  if (rows.length === 0) return null;
  await withdrawSeriesOffers(tx, [seriesId]);
  return visits.map((v) => v.id);
}

/** The pending offers of these series close. */
export async function withdrawSeriesOffers(tx: Queryable, seriesIds: readonly string[]): Promise<void> {
  await tx.query(`UPDATE series_offers SET status = 'withdrawn' WHERE series_id = ANY($1::uuid[]) AND status = 'pending'`, [seriesIds]);
}

export interface SeriesVisitTask {
  assignmentId: string;
  request: HelpRequest;
}

export type AcceptSeriesResult =
  | { outcome: 'won' | 'already_yours'; series: SeriesView; visits: SeriesVisitTask[]; details: PrivateRequestDetails }
  | { outcome: 'taken' | 'closed' | 'not_eligible' | 'not_found' };

/**
 * First accept wins, exactly once: one conditional UPDATE of the series decides; the winner is then
 * assigned every visit still open and to come, in the same transaction (the unique active-assignment
 * index guards each visit as well). The details are revealed, and each reveal is recorded.
 */
export async function acceptSeriesOffer(
  db: Database,
  input: { seriesOfferId: string; volunteerId: string; channelId: string; now: Date },
): Promise<AcceptSeriesResult> {
  return db.transaction(async (tx): Promise<AcceptSeriesResult> => {
    const offers = await tx.query<{ series_id: string; status: OfferStatus }>(
      'SELECT series_id, status FROM series_offers WHERE id = $1 AND volunteer_id = $2',
      [input.seriesOfferId, input.volunteerId],
    );
    const offer = offers[0];
    if (!offer) return { outcome: 'not_found' };
    if (offer.status !== 'accepted') {
      const won = await tx.query(
        `UPDATE series SET status = 'taken', regular_volunteer_id = $2, taken_at = $3, updated_at = $3
          WHERE id = $1 AND status = 'open' AND ${volunteerMayAccept('series.centre_id')}
            AND EXISTS (SELECT 1 FROM help_requests r WHERE r.series_id = $1 AND r.status = 'open' AND r.starts_at > $3)
          RETURNING id`,
        [offer.series_id, input.volunteerId, input.now, CURRENT_DECLARATION_VERSION],
      );
      if (won.length === 0) {
        const s = await tx.query<{ status: SeriesStatus; open_visits: boolean }>(
          `SELECT status, EXISTS (SELECT 1 FROM help_requests r WHERE r.series_id = s.id AND r.status = 'open' AND r.starts_at > $2) AS open_visits FROM series s WHERE id = $1`,
          [offer.series_id, input.now],
        );
        const status = s[0]?.status;
        // Still offered, with visits to take: it is this volunteer who may not take work now.
        if (status === 'open' && s[0]?.open_visits) return { outcome: 'not_eligible' };
        await tx.query(`UPDATE series_offers SET status = $2 WHERE id = $1 AND status = 'pending'`, [input.seriesOfferId, status === 'taken' ? 'taken' : 'withdrawn']);
        return { outcome: status === 'taken' ? 'taken' : 'closed' };
      }
      const taken = await tx.query<{ id: string }>(
        `UPDATE help_requests SET status = 'taken', assigned_volunteer_id = $2, taken_at = $3, updated_at = $3
          WHERE series_id = $1 AND status = 'open' AND starts_at > $3 RETURNING id`,
        [offer.series_id, input.volunteerId, input.now],
      );
      await tx.query(
        `INSERT INTO assignments (request_id, volunteer_id, assigned_at) SELECT r, $2, $3 FROM unnest($1::uuid[]) AS r`,
        [taken.map((t) => t.id), input.volunteerId, input.now],
      );
      await tx.query(`UPDATE series_offers SET status = 'accepted', responded_at = $2 WHERE id = $1`, [input.seriesOfferId, input.now]);
      await tx.query(`UPDATE series_offers SET status = 'taken' WHERE series_id = $1 AND id <> $2 AND status = 'pending'`, [offer.series_id, input.seriesOfferId]);
      await addOutbox(tx, 'series.taken', offer.series_id);
    }
    const shown = await revealSeriesIn(tx, offer.series_id, input);
    return shown ? { outcome: offer.status === 'accepted' ? 'already_yours' : 'won', ...shown } : { outcome: 'closed' };
  });
}

/**
 * The series this volunteer is the regular volunteer of, with their visits to come and the details
 * (shown to them again: each visit's reveal is recorded).
 */
export async function seriesOfVolunteer(
  db: Database,
  input: { volunteerId: string; channelId: string; now: Date },
): Promise<Array<{ series: SeriesView; visits: SeriesVisitTask[]; details: PrivateRequestDetails }>> {
  return db.transaction(async (tx) => {
    const rows = await tx.query<{ id: string }>(`SELECT id FROM series WHERE regular_volunteer_id = $1 AND status = 'taken' ORDER BY first_date`, [input.volunteerId]);
    const out = [];
    for (const r of rows) {
      const item = await revealSeriesIn(tx, r.id, input);
      if (item) out.push(item);
    }
    return out;
  });
}

/**
 * The series behind an accepted series offer, with the details — only while this volunteer is still
 * its regular volunteer with visits to come (Teams asks this for the winner's own view of the card).
 */
export async function revealSeriesOffer(
  db: Database,
  input: { seriesOfferId: string; volunteerId: string; channelId: string; now: Date },
): Promise<{ series: SeriesView; visits: SeriesVisitTask[]; details: PrivateRequestDetails } | null> {
  return db.transaction(async (tx) => {
    const rows = await tx.query<{ series_id: string }>(
      `SELECT series_id FROM series_offers WHERE id = $1 AND volunteer_id = $2 AND status = 'accepted'`,
      [input.seriesOfferId, input.volunteerId],
    );
    return rows[0] ? revealSeriesIn(tx, rows[0].series_id, input) : null;
  });
}

/**
 * A series its regular volunteer holds, with their visits to come and the details, while the rule lets
 * them see those (domain/confidentiality.ts); each visit's reveal is recorded.
 */
async function revealSeriesIn(tx: Queryable, seriesId: string, input: { volunteerId: string; channelId: string; now: Date }) {
  const series = await getSeries(tx, seriesId, input.now);
  if (!series || series.status !== 'taken' || series.regularVolunteerId !== input.volunteerId) return null;
  const visits = await seriesTasksOf(tx, seriesId, input.volunteerId, input.now);
  const details = await revealDetails(tx, {
    volunteerId: input.volunteerId, channelId: input.channelId, at: input.now,
    subject: { centreId: series.centreId, assignedVolunteerId: input.volunteerId, createdBy: series.createdBy },
    requests: visits.map((v) => ({ id: v.request.id, personId: v.request.personId })),
  });
  return details ? { series, visits, details } : null;
}

/** The volunteer's active visits of a series still to come, soonest first. */
export async function seriesTasksOf(db: Queryable, seriesId: string, volunteerId: string, now: Date): Promise<SeriesVisitTask[]> {
  const rows = await db.query<RequestRow & { assignment_id: string }>(
    `SELECT r.*, a.id AS assignment_id FROM assignments a JOIN help_requests r ON r.id = a.request_id
      WHERE r.series_id = $1 AND a.volunteer_id = $2 AND a.status = 'active' AND r.starts_at > $3 ORDER BY r.starts_at`,
    [seriesId, volunteerId, now],
  );
  return rows.map((r) => ({ assignmentId: r.assignment_id, request: toHelpRequest(r) }));
}

export async function declineSeriesOffer(db: Queryable, input: { seriesOfferId: string; volunteerId: string; now: Date }): Promise<boolean> {
  const rows = await db.query(
    `UPDATE series_offers SET status = 'declined', responded_at = $3 WHERE id = $1 AND volunteer_id = $2 AND status = 'pending' RETURNING id`,
    [input.seriesOfferId, input.volunteerId, input.now],
  );
  return rows.length > 0;
}

/**
 * The series ends cancelled (by staff of its centre, or — `onlyOwn` — by whoever asked for it) with
 * every visit still to come; past ones stay as they were. Returns the visits cancelled, or null if
 * there was no such series to cancel. Their assignments, the offers and the notice:
 * use-cases/cancel-series.ts.
 */
export async function markSeriesCancelled(
  tx: Queryable,
  input: { seriesId: string; centreId: string; by: string; now: Date; onlyOwn: boolean },
): Promise<string[] | null> {
  const rows = await tx.query(
    `UPDATE series SET status = 'cancelled', cancelled_at = $3, updated_at = $3
      WHERE id = $1 AND centre_id = $2 AND status <> 'cancelled' AND (NOT $5 OR created_by = $4) RETURNING id`,
    [input.seriesId, input.centreId, input.now, input.by, input.onlyOwn],
  );
  if (rows.length === 0) return null;
  const visits = await tx.query<{ id: string }>(
    `UPDATE help_requests SET status = 'cancelled', cancelled_at = $2, cancelled_by = $3, updated_at = $2
      WHERE series_id = $1 AND status IN ('waiting_consent', 'open', 'taken') AND starts_at > $2 RETURNING id`,
    [input.seriesId, input.now, input.by],
  );
  return visits.map((v) => v.id);
}

/**
 * Visits were cancelled for a reason that reaches their whole series (consent withdrawn, the person
 * erased): each series they belong to ends cancelled too, so its volunteers are told once for the
 * series (the `series.cancelled` outbox) rather than once per visit. Returns the visits those notices
 * cover; the caller tells the volunteers of any other visit per request. Call it with the visits'
 * assignments already cancelled at `now`.
 */
export async function cancelSeriesOfVisits(tx: Queryable, requestIds: readonly string[], now: Date): Promise<Set<string>> {
  if (requestIds.length === 0) return new Set();
  const series = await tx.query<{ id: string }>(
    `UPDATE series SET status = 'cancelled', cancelled_at = $2, updated_at = $2
      WHERE status <> 'cancelled' AND id IN (SELECT series_id FROM help_requests WHERE id = ANY($1::uuid[]) AND series_id IS NOT NULL) RETURNING id`,
    [requestIds, now],
  );
  if (series.length === 0) return new Set();
  const ids = series.map((r) => r.id);
  await withdrawSeriesOffers(tx, ids);
  for (const id of ids) await addOutbox(tx, 'series.cancelled', id);
  const covered = await tx.query<{ id: string }>(`SELECT id FROM help_requests WHERE id = ANY($1::uuid[]) AND series_id = ANY($2::uuid[])`, [requestIds, ids]);
  return new Set(covered.map((r) => r.id));
}

/** The series a volunteer holds as their regular volunteer (at one centre, or at any). */
export async function seriesHeldBy(tx: Queryable, volunteerId: string, centreId: string | null = null): Promise<string[]> {
  const rows = await tx.query<{ id: string }>(
    `SELECT id FROM series WHERE regular_volunteer_id = $1 AND status = 'taken' AND ($2::text IS NULL OR centre_id = $2)`,
    [volunteerId, centreId],
  );
  return rows.map((r) => r.id);
}

/**
 * The regular volunteer steps back from a series they hold: it is released, and their assignments
 * to visits still to come end; returns those (assignment, request), or null if the series is not
 * theirs. Reopening the visits and the caregiver's notice: use-cases/leave-series.ts.
 */
export async function giveUpSeries(tx: Queryable, input: { seriesId: string; volunteerId: string; now: Date }): Promise<Array<{ id: string; requestId: string }> | null> {
  const rows = await tx.query(
    `UPDATE series SET status = 'released', regular_volunteer_id = NULL, released_at = $3, updated_at = $3
      WHERE id = $1 AND regular_volunteer_id = $2 AND status = 'taken' RETURNING id`,
    [input.seriesId, input.volunteerId, input.now],
  );
  if (rows.length === 0) return null;
  const freed = await tx.query<{ id: string; request_id: string }>(
    `UPDATE assignments a SET status = 'cancelled', cancelled_at = $3, cancel_reason = 'series_left'
       FROM help_requests r
      WHERE r.id = a.request_id AND r.series_id = $1 AND a.volunteer_id = $2 AND a.status = 'active' AND r.starts_at > $3
      RETURNING a.id, a.request_id`,
    [input.seriesId, input.volunteerId, input.now],
  );
  return freed.map((a) => ({ id: a.id, requestId: a.request_id }));
}

export type MoveSeriesResult = { ok: true; moved: number } | { ok: false; reason: 'not_found' | 'nothing_ahead' };

/**
 * Changing the rule: a new start time (same weekday) and duration for every visit still to come,
 * whoever has it or whether anyone does; visits that have begun or passed keep theirs. The outbox
 * event tells each volunteer with a moved visit, moves their reminders, and draws the offer cards
 * still open on screens again with the new time. Old timers find the start moved and stay silent.
 */
export async function moveSeries(
  db: Database,
  input: { seriesId: string; centreId: string; by: string; onlyOwn: boolean; time: string; durationMinutes: number; now: Date },
): Promise<MoveSeriesResult> {
  return db.transaction(async (tx): Promise<MoveSeriesResult> => {
    const rows = await tx.query<{ id: string }>(
      `SELECT id FROM series WHERE id = $1 AND centre_id = $2 AND (NOT $4 OR created_by = $3) AND status <> 'cancelled' FOR UPDATE`,
      [input.seriesId, input.centreId, input.by, input.onlyOwn],
    );
    const series = rows[0] ? await getSeries(tx, input.seriesId, input.now) : null;
    if (!series) return { ok: false, reason: 'not_found' };
    // The visits are locked too: an accept of one of them waits for the move, then sees the new time.
    const future = await tx.query<{ id: string; occurrence: number }>(
      `SELECT id, occurrence FROM help_requests
        WHERE series_id = $1 AND starts_at > $2 AND status IN ('waiting_consent', 'open', 'taken') ORDER BY occurrence FOR UPDATE`,
      [input.seriesId, input.now],
    );
    if (future.length === 0) return { ok: false, reason: 'nothing_ahead' };
    const rule: SeriesRule = { ...series.rule, time: input.time };
    const byOccurrence = new Map(expandSeries(rule).map((v) => [v.occurrence, v.startsAt]));
    let moved = 0;
    for (const v of future) {
      const startsAt = byOccurrence.get(v.occurrence);
      // A visit moved to a time already past today would be a visit nobody can make: it keeps its time.
      if (!startsAt || startsAt.getTime() <= input.now.getTime()) continue;
      await tx.query(
        `UPDATE help_requests SET starts_at = $2, duration_minutes = $3, flexible_until = NULL, updated_at = $4 WHERE id = $1`,
        [v.id, startsAt, input.durationMinutes, input.now],
      );
      moved++;
    }
    await tx.query(`UPDATE series SET start_time = $2, duration_minutes = $3, updated_at = $4 WHERE id = $1`, [input.seriesId, input.time, input.durationMinutes, input.now]);
    await addOutbox(tx, 'series.moved', input.seriesId);
    return { ok: true, moved };
  });
}

/** Which series a request is a visit of, and which visit (1 = the first); null for a one-off request. */
export async function seriesVisitOf(db: Queryable, requestId: string): Promise<{ seriesId: string; occurrence: number } | null> {
  const rows = await db.query<{ series_id: string | null; occurrence: number | null }>('SELECT series_id, occurrence FROM help_requests WHERE id = $1', [requestId]);
  const r = rows[0];
  return r?.series_id && r.occurrence !== null ? { seriesId: r.series_id, occurrence: r.occurrence } : null;
}

/** The series that still have visits to come: a caregiver's own, or every one of a centre (for its staff). */
export async function runningSeries(db: Queryable, scope: { createdBy: string } | { centreId: string }, now: Date): Promise<SeriesView[]> {
  const rows = await db.query<{ id: string }>(
    `SELECT s.id FROM series s WHERE ${'createdBy' in scope ? 's.created_by' : 's.centre_id'} = $1 AND s.status <> 'cancelled'
        AND EXISTS (SELECT 1 FROM help_requests r WHERE r.series_id = s.id AND r.starts_at > $2 AND r.status IN ('open', 'taken', 'waiting_consent'))
      ORDER BY (SELECT min(r.starts_at) FROM help_requests r WHERE r.series_id = s.id AND r.starts_at > $2 AND r.status IN ('open', 'taken', 'waiting_consent'))`,
    ['createdBy' in scope ? scope.createdBy : scope.centreId, now],
  );
  const out: SeriesView[] = [];
  for (const r of rows) {
    const s = await getSeries(db, r.id, now);
    if (s) out.push(s);
  }
  return out;
}

/**
 * The visits of a series still to come (not cancelled, not yet started), soonest first, and whether
 * a volunteer holds each: what a cancel would call off, and the series' true last visit.
 */
export async function upcomingVisits(db: Queryable, seriesId: string, now: Date): Promise<Array<{ startsAt: Date; taken: boolean }>> {
  const rows = await db.query<{ starts_at: Date; status: string }>(
    `SELECT starts_at, status FROM help_requests WHERE series_id = $1 AND starts_at > $2 AND status IN ('open', 'taken', 'waiting_consent') ORDER BY starts_at`,
    [seriesId, now],
  );
  return rows.map((r) => ({ startsAt: r.starts_at, taken: r.status === 'taken' }));
}

// ---- delivery bookkeeping of series offers (jobs/) --------------------------------------------------

export interface SeriesOfferForSend {
  seriesOfferId: string;
  volunteerId: string;
  status: OfferStatus;
  activityId: string | null;
  conversationId: string | null;
  /** Where the card was sent (null until it was). */
  channelId: string | null;
  series: SeriesView;
}

export async function seriesOfferForSend(db: Queryable, seriesOfferId: string, now: Date): Promise<SeriesOfferForSend | null> {
  const rows = await db.query<{ series_id: string; volunteer_id: string; status: OfferStatus; activity_id: string | null; conversation_id: string | null; channel_id: string | null }>(
    'SELECT series_id, volunteer_id, status, activity_id, conversation_id, channel_id FROM series_offers WHERE id = $1',
    [seriesOfferId],
  );
  const r = rows[0];
  const series = r ? await getSeries(db, r.series_id, now) : null;
  if (!r || !series) return null;
  return { seriesOfferId, volunteerId: r.volunteer_id, status: r.status, activityId: r.activity_id, conversationId: r.conversation_id, channelId: r.channel_id, series };
}

export async function unsentSeriesOffers(db: Queryable, seriesId: string): Promise<string[]> {
  const rows = await db.query<{ id: string }>(
    `SELECT id FROM series_offers WHERE series_id = $1 AND sent_at IS NULL AND NOT undeliverable AND status = 'pending' ORDER BY created_at, id`,
    [seriesId],
  );
  return rows.map((r) => r.id);
}

/** Series offers still open whose card is on the volunteer's screen: drawn again when the series moves. */
export async function openSeriesOfferCards(db: Queryable, seriesId: string): Promise<string[]> {
  const rows = await db.query<{ id: string }>(
    `SELECT id FROM series_offers WHERE series_id = $1 AND status = 'pending' AND activity_id IS NOT NULL AND closed_card_sent_at IS NULL ORDER BY id`,
    [seriesId],
  );
  return rows.map((r) => r.id);
}

/** The series' visits still to come that nobody has yet. */
export async function openVisitsAhead(db: Queryable, seriesId: string, now: Date): Promise<HelpRequest[]> {
  const rows = await db.query<Parameters<typeof toHelpRequest>[0]>(
    `SELECT * FROM help_requests WHERE series_id = $1 AND status = 'open' AND starts_at > $2 ORDER BY occurrence`,
    [seriesId, now],
  );
  return rows.map(toHelpRequest);
}

export async function seriesOffersToClose(db: Queryable, seriesId: string): Promise<string[]> {
  const rows = await db.query<{ id: string }>(
    // The winner's card in Teams closes too, to the public card their own view refreshes from.
    `SELECT id FROM series_offers WHERE series_id = $1 AND activity_id IS NOT NULL AND (status <> 'accepted' OR channel_id = 'msteams') AND closed_card_sent_at IS NULL`,
    [seriesId],
  );
  return rows.map((r) => r.id);
}

export async function recordSeriesOfferDelivery(
  db: Queryable,
  seriesOfferId: string,
  /** conversationId/activityId null: no web chat was open — kept for the volunteer's next visit (bot/open-items.ts). */
  d: { channelId: string; conversationId: string | null; activityId: string | null; at: Date } | 'undeliverable' | { closedAt: Date },
): Promise<void> {
  if (d === 'undeliverable') await db.query('UPDATE series_offers SET undeliverable = true WHERE id = $1', [seriesOfferId]);
  else if ('closedAt' in d) await db.query('UPDATE series_offers SET closed_card_sent_at = $2 WHERE id = $1', [seriesOfferId, d.closedAt]);
  else {
    await db.query('UPDATE series_offers SET sent_at = COALESCE(sent_at, $2), channel_id = $3, conversation_id = $4, activity_id = $5 WHERE id = $1', [
      seriesOfferId, d.at, d.channelId, d.conversationId, d.activityId,
    ]);
  }
}

/** Who had visits when the series was cancelled: told once, not once per visit. */
export async function volunteersCancelledWithSeries(db: Queryable, seriesId: string): Promise<string[]> {
  const rows = await db.query<{ volunteer_id: string }>(
    `SELECT DISTINCT a.volunteer_id FROM assignments a JOIN help_requests r ON r.id = a.request_id JOIN series s ON s.id = r.series_id
      WHERE s.id = $1 AND a.cancel_reason = 'request_cancelled' AND a.cancelled_at = s.cancelled_at`,
    [seriesId],
  );
  return rows.map((r) => r.volunteer_id);
}

/** Every assignment of a series' visits (to schedule the active ones' reminders). */
export async function seriesAssignments(db: Queryable, seriesId: string): Promise<Array<{ id: string; volunteerId: string; status: string; reason: string | null }>> {
  const rows = await db.query<{ id: string; volunteer_id: string; status: string; cancel_reason: string | null }>(
    `SELECT a.id, a.volunteer_id, a.status, a.cancel_reason FROM assignments a JOIN help_requests r ON r.id = a.request_id WHERE r.series_id = $1`,
    [seriesId],
  );
  return rows.map((r) => ({ id: r.id, volunteerId: r.volunteer_id, status: r.status, reason: r.cancel_reason }));
}
