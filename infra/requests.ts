// Help requests: the request's row (posting itself, with the consent gate: use-cases/post-request.ts),
// waves of offers, cancelling, and the lists staff see.
import { startOfISOWeek, addWeeks, subDays } from 'date-fns';
import { TZDate } from '@date-fns/tz';
import type { Database, Queryable } from './db.ts';
import { addOutbox, OUTBOX_INSERT, type OutboxKind } from './outbox.ts';
import type { Config } from './config.ts';
import { loadMatchingPool } from './matching-pool.ts';
import { broadcastHoldOf } from './broadcast-hold.ts';
import { eligibleVolunteers, takeWave } from '../domain/matching.ts';
import { CURRENT_DECLARATION_VERSION } from '../domain/declaration.ts';
import { requiresPoliceCertificate } from '../domain/police-certificate.ts';
import { groupPoliceRequirement } from './centres.ts';
import type { HelpRequestFields } from '../adaptive-cards/actions.ts';
import type { HelpRequest, RequestStatus } from '../domain/types.ts';
import { TIME_ZONE } from '../domain/time-zone.ts';
import { latestStartSql, NOT_DONE, SOONEST_FIRST, toHelpRequest, type RequestRow } from './request-row.ts';


/** The request a case system posted under its own reference, if it did. */
export async function apiRequestWithRef(db: Queryable, externalRef: string): Promise<string | null> {
  const rows = await db.query<{ id: string }>(`SELECT id FROM help_requests WHERE source = 'api' AND external_ref = $1`, [externalRef]);
  return rows[0]?.id ?? null;
}

/** The matching settings from the configuration: one reading for the bot, the API and the workers. */
export function matchingSettings(c: Pick<Config, 'WAVE_SIZE' | 'MATCH_MAX_DISTANCE_KM'>): MatchingSettings {
  return { waveSize: c.WAVE_SIZE, maxDistanceKm: c.MATCH_MAX_DISTANCE_KM };
}

export interface MatchingSettings {
  waveSize: number;
  maxDistanceKm: number;
}

export async function getRequest(db: Queryable, requestId: string): Promise<HelpRequest | null> {
  const rows = await db.query<RequestRow>('SELECT * FROM help_requests WHERE id = $1', [requestId]);
  return rows[0] ? toHelpRequest(rows[0]) : null;
}

/** One help_requests row from the form's fields; a visit of a series names its series and occurrence. */
export async function insertRequestRow(
  tx: Queryable,
  input: { centreId: string; createdBy: string; fields: HelpRequestFields; source: 'chat' | 'api'; externalRef?: string | null; now: Date },
  row: { startsAt: Date; flexibleUntil: Date | null; status: 'open' | 'waiting_consent'; seriesId?: string; occurrence?: number },
): Promise<string> {
  const f = input.fields;
  const police = requiresPoliceCertificate(f, await groupPoliceRequirement(tx, input.centreId, f.group));
  const rows = await tx.query<{ id: string }>(
    `INSERT INTO help_requests (centre_id, group_key, district, starts_at, duration_minutes, flexible_until, summary, meeting_place,
       handover_note, contact_name, contact_phone, language, police_certificate, first_time_friendly, staff_along, urgent,
       person_id, created_by, source, external_ref, status, created_at, updated_at, series_id, occurrence)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $22, $23, $24)
     RETURNING id`,
    [input.centreId, f.group, f.district, row.startsAt, f.durationMinutes, row.flexibleUntil, f.summary, f.meetingPlace, f.handoverNote,
      f.contactName, f.contactPhone, f.language, police, f.firstTimeFriendly, f.staffAlong, f.urgent, f.personId,
      input.createdBy, input.source, input.externalRef ?? null, row.status, input.now, row.seriesId ?? null, row.occurrence ?? null],
  );
  const requestId = rows[0]!.id;
  // Held until consent (or staff's word on a caregiver's link) comes: it still ends at its start.
  if (row.status === 'waiting_consent') await addOutbox(tx, 'request.held', requestId);
  return requestId;
}

/**
 * Eligible volunteers for a request, best first (continuity first: who helped this person before),
 * and who is excluded because they already had it. `includeExcluded` ranks those too (the call list).
 */
export async function rankCandidates(
  db: Queryable,
  request: HelpRequest,
  now: Date,
  matching: MatchingSettings,
  opts: { anyArea: boolean; includeExcluded?: boolean },
): Promise<{ ranked: ReturnType<typeof eligibleVolunteers>; excluded: Set<string> }> {
  const weekStart = startOfISOWeek(new TZDate(request.startsAt.getTime(), TIME_ZONE));
  const pool = await loadMatchingPool(db, {
    centreId: request.centreId, group: request.group, requestId: request.id, personId: request.personId,
    weekStart: new Date(weekStart.getTime()), weekEnd: new Date(addWeeks(weekStart, 1).getTime()), since: subDays(now, 30),
  });
  const ranked = eligibleVolunteers(request, pool.volunteers, {
    now, currentDeclarationVersion: CURRENT_DECLARATION_VERSION, maxDistanceKm: matching.maxDistanceKm,
    weeklyLoad: pool.weeklyLoad, recentOffers: pool.recentOffers, recentTasks: pool.recentTasks, helpedBefore: pool.helpedBefore,
    excluded: opts.includeExcluded ? new Set() : pool.excluded, timeZone: TIME_ZONE, anyArea: opts.anyArea,
    ...(pool.policeCertificateValidityMonths !== undefined ? { policeCertificateValidityMonths: pool.policeCertificateValidityMonths } : {}),
  });
  return { ranked, excluded: pool.excluded };
}

/** A wave just offered: how many offers, and its `offers.send` outbox row (null when none was written). */
export interface OfferedWave {
  offered: number;
  outboxId: number | null;
  /** Its offers in the order they are sent (by id), when asked for and no more than `idsUpTo`; else null. */
  offerIds: string[] | null;
}

const NO_WAVE: OfferedWave = { offered: 0, outboxId: null, offerIds: null };

/**
 * Offers the request to the next ranked eligible volunteers who have not had it yet, and leaves an
 * outbox row so the offers are sent after commit. `waveSize: Infinity` widens to everyone eligible.
 * `idsUpTo`: the offers' ids are returned for a wave of at most this many, for a caller that queues the
 * sends itself right after commit (bot/request-submit.ts) rather than leaving them to the outbox's dispatch.
 */
export async function sendNextWave(tx: Queryable, requestId: string, now: Date, matching: MatchingSettings, opts: { reopened?: boolean; idsUpTo?: number } = {}): Promise<OfferedWave> {
  // Row lock: two workers widening the same request at once must not both pick the same wave.
  const rows = await tx.query<RequestRow>(`SELECT * FROM help_requests WHERE id = $1 FOR UPDATE`, [requestId]);
  const row = rows[0];
  if (!row || row.status !== 'open') return NO_WAVE;
  const request = toHelpRequest(row);
  // Consent can run out or be withdrawn between waves: then nothing more goes out.
  if (request.personId && (await broadcastHoldOf(tx, request.personId, now)) !== null) {
    await tx.query(`UPDATE help_requests SET status = 'waiting_consent', updated_at = $2 WHERE id = $1`, [requestId, now]);
    await tx.query(`UPDATE offers SET status = 'withdrawn' WHERE request_id = $1 AND status = 'pending'`, [requestId]);
    await addOutbox(tx, 'request.cancelled', requestId);
    await addOutbox(tx, 'request.held', requestId);
    return NO_WAVE;
  }
  const { ranked, excluded } = await rankCandidates(tx, request, now, matching, { anyArea: row.area_relaxed === true });
  const wave = takeWave(ranked, excluded, Number.isFinite(matching.waveSize) ? matching.waveSize : ranked.length);
  if (wave.length === 0) {
    // Nobody fits even the first wave, or nobody new once a volunteer dropped out (`reopened`): the
    // outbox row still schedules the request's timers, so staff hear of it at the escalation point.
    const outboxId = request.wave === 0 || opts.reopened ? await addOutbox(tx, 'offers.send', requestId) : null;
    return { ...NO_WAVE, outboxId };
  }
  const waveNo = request.wave + 1;
  // The wave's offers, the request's wave number and the outbox row, in one statement (one round trip
  // of the posting turn instead of three; the transaction makes them atomic either way).
  const inserted = await tx.query<{ n: number; outbox_id: string; ids: string[] | null }>(
    `WITH offered AS (
       INSERT INTO offers (request_id, volunteer_id, wave, created_at)
       SELECT $1, v, $2, $3 FROM unnest($4::uuid[]) AS v
       ON CONFLICT (request_id, volunteer_id) DO NOTHING RETURNING id
     ), waved AS (
       UPDATE help_requests SET wave = $2, updated_at = $3 WHERE id = $1
     ), queued AS (
       ${OUTBOX_INSERT} VALUES ($5, $1) RETURNING id
     )
     SELECT count(*)::int AS n, (SELECT id FROM queued) AS outbox_id,
            -- Aggregated only when asked for and small enough (an aggregate in a CASE is computed anyway).
            (SELECT array_agg(id::text ORDER BY id) FROM offered WHERE (SELECT count(*) FROM offered) <= $6::int) AS ids
       FROM offered`,
    [requestId, waveNo, now, wave.map((c) => c.volunteerId), 'offers.send' satisfies OutboxKind, opts.idsUpTo ?? 0],
  );
  const r = inserted[0];
  return { offered: r?.n ?? 0, outboxId: r ? Number(r.outbox_id) : null, offerIds: r?.ids ?? null };
}

/** `volunteerTold`: a volunteer had the visit, and is told it is off (the answer says so only then). */
export type CancelRequestResult = { ok: true; volunteerTold: boolean } | { ok: false; reason: 'not_found' | 'closed' };

/** Staff cancel any request of their centre; `onlyOwn` limits a caregiver to the requests they made. */
export async function cancelRequest(
  db: Database,
  input: { requestId: string; centreId: string; by: string; now: Date; onlyOwn?: boolean },
): Promise<CancelRequestResult> {
  return db.transaction(async (tx) => {
    const own = input.onlyOwn === true;
    const rows = await tx.query<{ id: string }>(
      `UPDATE help_requests SET status = 'cancelled', cancelled_at = $3, cancelled_by = $4, updated_at = $3
        WHERE id = $1 AND centre_id = $2 AND status IN ('waiting_consent', 'open', 'taken') AND (NOT $5 OR created_by = $4) RETURNING id`,
      [input.requestId, input.centreId, input.now, input.by, own],
    );
    if (rows.length === 0) {
      const exists = await tx.query('SELECT 1 FROM help_requests WHERE id = $1 AND centre_id = $2 AND (NOT $3 OR created_by = $4)', [input.requestId, input.centreId, own, input.by]);
      return { ok: false as const, reason: exists.length ? ('closed' as const) : ('not_found' as const) };
    }
    const ended = await closeCancelledRequests(tx, [input.requestId], input.now);
    await addOutbox(tx, 'request.cancelled', input.requestId);
    return { ok: true as const, volunteerTold: ended > 0 };
  });
}

/** Requests just cancelled: their assignments end (the volunteer is told) and pending offers close. Returns how many assignments ended. */
export async function closeCancelledRequests(tx: Queryable, requestIds: readonly string[], now: Date): Promise<number> {
  const ended = await tx.query(
    `UPDATE assignments SET status = 'cancelled', cancelled_at = $2, cancel_reason = 'request_cancelled' WHERE request_id = ANY($1::uuid[]) AND status = 'active' RETURNING id`,
    [requestIds, now],
  );
  await tx.query(`UPDATE offers SET status = 'withdrawn' WHERE request_id = ANY($1::uuid[]) AND status = 'pending'`, [requestIds]);
  return ended.length;
}

/**
 * A person's held requests ('waiting_consent', not offered) whose time has not passed open again;
 * returns their ids. The caller sends each one's wave, where the consent gate is asked again
 * (use-cases/release-held-requests.ts).
 */
export async function openHeldRequests(tx: Queryable, personId: string, at: Date): Promise<string[]> {
  const rows = await tx.query<{ id: string }>(
    `UPDATE help_requests SET status = 'open', updated_at = $2 WHERE person_id = $1 AND status = 'waiting_consent' AND ${latestStartSql('help_requests')} > $2 RETURNING id`,
    [personId, at],
  );
  return rows.map((r) => r.id);
}

/** A person's held requests end cancelled before anything went out (a rejected link). */
export async function cancelHeldRequests(tx: Queryable, input: { personId: string; by: string; at: Date }): Promise<void> {
  await tx.query(
    `UPDATE help_requests SET status = 'cancelled', cancelled_at = $2, cancelled_by = $3, updated_at = $2
      WHERE person_id = $1 AND status = 'waiting_consent'`,
    [input.personId, input.at, input.by],
  );
}

/** A person's requests that are not over, locked for the caller's transaction (what stops when the person leaves). */
export async function liveRequestsOfPerson(tx: Queryable, personId: string): Promise<Array<{ id: string; status: RequestStatus; startsAt: Date }>> {
  const rows = await tx.query<{ id: string; status: RequestStatus; starts_at: Date }>(
    `SELECT id, status, starts_at FROM help_requests WHERE person_id = $1 AND status IN ('waiting_consent', 'open', 'taken') FOR UPDATE`,
    [personId],
  );
  return rows.map((r) => ({ id: r.id, status: r.status, startsAt: r.starts_at }));
}

/** Requests marked cancelled by `by` (their assignments and offers: closeCancelledRequests). */
export async function markRequestsCancelled(tx: Queryable, requestIds: readonly string[], input: { by: string; at: Date }): Promise<void> {
  await tx.query(
    `UPDATE help_requests SET status = 'cancelled', cancelled_at = $2, cancelled_by = $3, updated_at = $2 WHERE id = ANY($1::uuid[])`,
    [requestIds, input.at, input.by],
  );
}

export interface StaffRequestItem {
  request: HelpRequest;
  offered: number;
  takenByFirstName: string | null;
  /** Ended without the visit happening, with the reason when one was given (staff may read it). */
  notDone: { reason: string | null } | null;
  /** Asked for by the person helped themselves (issue 19): «bestilt selv». */
  selfOrdered: boolean;
  /** When it was saved: its first offers wait from then through quiet hours. */
  createdAt: Date;
  /** Who it is for, as staff know the person (null for one without a registered person). */
  personName: string | null;
}

/** One page of the centre's requests (staff's list, «Vis flere» for the next) and how many there are in all. */
export async function requestsForStaff(db: Queryable, centreId: string, page: { offset: number; limit: number }): Promise<{ items: StaffRequestItem[]; total: number }> {
  const items = await staffRequestItems(db, centreId, null, page.limit, page.offset);
  const total = items.length > 0 ? items[0]!.total : (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM help_requests WHERE centre_id = $1', [centreId]))[0]?.n ?? 0;
  return { items, total };
}

/** One of the centre's requests as staff see it in their list: what it is and where it stands now. */
export async function staffRequestItem(db: Queryable, centreId: string, requestId: string): Promise<StaffRequestItem | null> {
  return (await staffRequestItems(db, centreId, requestId, 1))[0] ?? null;
}

async function staffRequestItems(db: Queryable, centreId: string, requestId: string | null, limit: number, offset = 0): Promise<Array<StaffRequestItem & { total: number }>> {
  const rows = await db.query<RequestRow & { total: number; offered: number; taken_by: string | null; not_done: boolean; not_done_reason: string | null; self_ordered: boolean; created_at: Date; person_name: string | null }>(
    `SELECT r.*, count(*) OVER ()::int AS total, (SELECT count(*)::int FROM offers o WHERE o.request_id = r.id) AS offered, m.name AS taken_by, ${NOT_DONE} AS not_done,
            (SELECT p.name FROM persons p WHERE p.id = r.person_id) AS person_name,
            EXISTS (SELECT 1 FROM members asker WHERE asker.id = r.created_by AND asker.role = 'person') AS self_ordered,
            (SELECT a.outcome_reason FROM assignments a WHERE a.request_id = r.id AND a.outcome = 'not_done' ORDER BY a.outcome_at DESC NULLS LAST LIMIT 1) AS not_done_reason
       FROM help_requests r LEFT JOIN members m ON m.id = r.assigned_volunteer_id
      WHERE r.centre_id = $1 AND ($3::uuid IS NULL OR r.id = $3)
      ORDER BY ${SOONEST_FIRST} LIMIT $2 OFFSET $4`,
    [centreId, limit, requestId, offset],
  );
  return rows.map((r) => ({
    total: r.total,
    request: toHelpRequest(r),
    offered: r.offered,
    takenByFirstName: r.taken_by ? (r.taken_by.split(/\s+/)[0] ?? null) : null,
    notDone: r.not_done ? { reason: r.not_done_reason } : null,
    selfOrdered: r.self_ordered,
    createdAt: r.created_at,
    personName: r.person_name,
  }));
}

/**
 * A volunteer dropped out of a taken request (their assignment already cancelled): it opens again if
 * it has not started, and true is returned. Open again, it is not escalated: if nobody takes it this
 * time, staff are told again (jobs/timers.ts). One already under way cannot go out again: it ends as
 * not done, with the assignment's cancel reason, and nobody's list says the volunteer is coming any
 * more. The notice and the next wave: use-cases/reopen-request.ts.
 */
export async function reopenAfterDropOut(tx: Queryable, requestId: string, assignmentId: string, now: Date): Promise<boolean> {
  const reopened = await tx.query(
    `UPDATE help_requests SET status = 'open', assigned_volunteer_id = NULL, taken_at = NULL, escalated_at = NULL, updated_at = $2
      WHERE id = $1 AND status = 'taken' AND starts_at > $2 RETURNING id`,
    [requestId, now],
  );
  if (reopened.length === 0) {
    await tx.query(
      `UPDATE assignments SET outcome = 'not_done', outcome_reason = cancel_reason, outcome_at = $2 WHERE id = $1 AND status = 'cancelled' AND outcome IS NULL`,
      [assignmentId, now],
    );
    await tx.query(
      `UPDATE help_requests SET status = 'done', assigned_volunteer_id = NULL, updated_at = $2 WHERE id = $1 AND status = 'taken' AND starts_at <= $2`,
      [requestId, now],
    );
  }
  return reopened.length > 0;
}

/** Marks a still-open request as escalated; true only the first time, so staff are told once. */
export async function markEscalated(db: Queryable, requestId: string, at: Date): Promise<boolean> {
  const rows = await db.query(`UPDATE help_requests SET escalated_at = $2 WHERE id = $1 AND status = 'open' AND escalated_at IS NULL RETURNING id`, [requestId, at]);
  return rows.length > 0;
}

/** The start time passed with nobody assigned: the request expires and its offers close. */
export async function expireRequest(db: Database, requestId: string, startsAtMs: number, at: Date): Promise<boolean> {
  return db.transaction(async (tx) => {
    const rows = await tx.query(
      `UPDATE help_requests SET status = 'expired', expired_at = $2, updated_at = $2
        WHERE id = $1 AND status IN ('open', 'waiting_consent') AND starts_at = $3 RETURNING id`,
      [requestId, at, new Date(startsAtMs)],
    );
    if (rows.length === 0) return false;
    await tx.query(`UPDATE offers SET status = 'withdrawn' WHERE request_id = $1 AND status = 'pending'`, [requestId]);
    await addOutbox(tx, 'request.expired', requestId);
    return true;
  });
}

/**
 * Staff widen (everyone eligible, now) or relax (any district, no language requirement) a request
 * nobody has taken. Police certificate requirements are never relaxed.
 */
export async function widenRequest(
  db: Database,
  input: { requestId: string; centreId: string; relax: boolean; now: Date; matching: MatchingSettings },
): Promise<{ ok: boolean; offered: number }> {
  return db.transaction(async (tx) => {
    const rows = await tx.query(
      `UPDATE help_requests SET area_relaxed = area_relaxed OR $3, language = CASE WHEN $3 THEN NULL ELSE language END, updated_at = $4
        WHERE id = $1 AND centre_id = $2 AND status = 'open' RETURNING id`,
      [input.requestId, input.centreId, input.relax, input.now],
    );
    if (rows.length === 0) return { ok: false, offered: 0 };
    const { offered } = await sendNextWave(tx, input.requestId, input.now, { ...input.matching, waveSize: Number.POSITIVE_INFINITY });
    return { ok: true, offered };
  });
}

/**
 * The manual fallback: eligible volunteers with their phones, for staff of the request's centre — the
 * first `limit` in the order to call them (names and phones are read for those only), and how many
 * fit in all.
 */
export async function callList(
  db: Queryable,
  input: { requestId: string; centreId: string; now: Date; matching: MatchingSettings; limit: number },
): Promise<{ request: HelpRequest; volunteers: Array<{ name: string; phone: string; district: string }>; total: number } | null> {
  const rows = await db.query<RequestRow>('SELECT * FROM help_requests WHERE id = $1 AND centre_id = $2', [input.requestId, input.centreId]);
  const row = rows[0];
  if (!row) return null;
  const request = toHelpRequest(row);
  // Everyone who fits, including those already offered: staff phone whoever may say yes.
  const { ranked } = await rankCandidates(db, request, input.now, input.matching, { anyArea: row.area_relaxed === true, includeExcluded: true });
  const first = ranked.slice(0, Math.max(0, input.limit));
  if (first.length === 0) return { request, volunteers: [], total: ranked.length };
  const people = await db.query<{ id: string; name: string | null; phone: string | null }>('SELECT id, name, phone FROM members WHERE id = ANY($1::uuid[])', [first.map((c) => c.volunteerId)]);
  const byId = new Map(people.map((p) => [p.id, p]));
  return {
    request,
    volunteers: first.map((c) => ({ name: byId.get(c.volunteerId)?.name ?? '', phone: byId.get(c.volunteerId)?.phone ?? '', district: c.volunteer.district })),
    total: ranked.length,
  };
}
