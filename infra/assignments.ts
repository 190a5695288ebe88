// An assignment after the accept: confirmation the day before, what happened afterwards, and
// concerns the volunteer raises (they go to staff only).
import type { Database, Queryable } from './db.ts';
import { addOutbox } from './outbox.ts';
import { toHelpRequest } from './request-row.ts';
import type { HelpRequest } from '../domain/types.ts';
import { mayReportOutcome } from '../domain/lifecycle.ts';

export interface AssignmentView {
  id: string;
  volunteerId: string;
  status: 'active' | 'cancelled' | 'done';
  confirmedAt: Date | null;
  /** When the reminder asking «Jeg kommer» went to the volunteer; null if none has. */
  confirmAskedAt: Date | null;
  outcome: 'done' | 'not_done' | 'not_reported' | null;
  request: HelpRequest;
}

export async function getAssignment(db: Queryable, assignmentId: string): Promise<AssignmentView | null> {
  const rows = await db.query<Parameters<typeof toHelpRequest>[0] & { a_id: string; a_volunteer: string; a_status: AssignmentView['status']; confirmed_at: Date | null; confirm_asked_at: Date | null; outcome: AssignmentView['outcome'] }>(
    `SELECT r.*, a.id AS a_id, a.volunteer_id AS a_volunteer, a.status AS a_status, a.confirmed_at, a.confirm_asked_at, a.outcome
       FROM assignments a JOIN help_requests r ON r.id = a.request_id WHERE a.id = $1`,
    [assignmentId],
  );
  const r = rows[0];
  if (!r) return null;
  return { id: r.a_id, volunteerId: r.a_volunteer, status: r.a_status, confirmedAt: r.confirmed_at, confirmAskedAt: r.confirm_asked_at, outcome: r.outcome, request: toHelpRequest(r) };
}

export async function activeAssignmentOf(db: Queryable, requestId: string): Promise<AssignmentView | null> {
  const rows = await db.query<{ id: string }>(`SELECT id FROM assignments WHERE request_id = $1 AND status = 'active'`, [requestId]);
  return rows[0] ? getAssignment(db, rows[0].id) : null;
}

/** The reminder asking «Jeg kommer» is going to the volunteer: from now on a missing answer is worth telling staff. */
export async function markConfirmAsked(db: Queryable, assignmentId: string, at: Date): Promise<void> {
  await db.query(`UPDATE assignments SET confirm_asked_at = COALESCE(confirm_asked_at, $2) WHERE id = $1`, [assignmentId, at]);
}

export async function confirmAssignment(db: Queryable, input: { assignmentId: string; volunteerId: string; at: Date }): Promise<boolean> {
  const rows = await db.query(
    `UPDATE assignments SET confirmed_at = COALESCE(confirmed_at, $3) WHERE id = $1 AND volunteer_id = $2 AND status = 'active' RETURNING id`,
    [input.assignmentId, input.volunteerId, input.at],
  );
  return rows.length > 0;
}

/**
 * "Ble oppdraget gjennomført?" — answered once the task is over (domain/lifecycle.ts), and once:
 * later answers change nothing. 'too_early': the task has not ended yet; 'closed': answered already,
 * no longer theirs, or the answer window has closed.
 */
export async function recordOutcome(
  db: Database,
  input: { assignmentId: string; volunteerId: string; outcome: 'done' | 'not_done'; hours: number | null; reason: string | null; at: Date },
): Promise<'recorded' | 'too_early' | 'closed'> {
  return db.transaction(async (tx) => {
    const found = await tx.query<{ request_id: string; starts_at: Date; duration_minutes: number; flexible_until: Date | null }>(
      `SELECT a.request_id, r.starts_at, r.duration_minutes, r.flexible_until FROM assignments a JOIN help_requests r ON r.id = a.request_id
        WHERE a.id = $1 AND a.volunteer_id = $2 AND a.status = 'active' FOR UPDATE OF a`,
      [input.assignmentId, input.volunteerId],
    );
    const a = found[0];
    if (!a) return 'closed';
    if (!mayReportOutcome({ startsAt: a.starts_at, durationMinutes: a.duration_minutes, flexibleUntil: a.flexible_until }, input.at)) return 'too_early';
    await tx.query(
      `UPDATE assignments SET status = 'done', outcome = $2, hours = $3, outcome_reason = $4, outcome_at = $5 WHERE id = $1`,
      [input.assignmentId, input.outcome, input.hours, input.reason, input.at],
    );
    await tx.query(`UPDATE help_requests SET status = 'done', updated_at = $2 WHERE id = $1 AND status = 'taken'`, [a.request_id, input.at]);
    // A caregiver who asked for the visit is asked how it went (jobs/dispatch.ts decides whether).
    if (input.outcome === 'done') await addOutbox(tx, 'visit.done', input.assignmentId);
    return 'recorded';
  });
}

export async function reportConcern(db: Database, input: { assignmentId: string; volunteerId: string; text: string; at: Date }): Promise<boolean> {
  return db.transaction(async (tx) => {
    const a = await tx.query<{ request_id: string }>(`SELECT request_id FROM assignments WHERE id = $1 AND volunteer_id = $2`, [input.assignmentId, input.volunteerId]);
    if (!a[0]) return false;
    const rows = await tx.query<{ id: string }>(
      'INSERT INTO concerns (assignment_id, request_id, reported_by, text, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id',
      [input.assignmentId, a[0].request_id, input.volunteerId, input.text, input.at],
    );
    await addOutbox(tx, 'concern.reported', rows[0]!.id);
    return true;
  });
}

export async function getConcern(db: Queryable, concernId: string): Promise<{ requestId: string; reportedBy: string; text: string | null; createdBy: string } | null> {
  const rows = await db.query<{ request_id: string; reported_by: string; text: string | null; created_by: string }>(
    `SELECT c.request_id, c.reported_by, c.text, r.created_by FROM concerns c JOIN help_requests r ON r.id = c.request_id WHERE c.id = $1`,
    [concernId],
  );
  const r = rows[0];
  return r ? { requestId: r.request_id, reportedBy: r.reported_by, text: r.text, createdBy: r.created_by } : null;
}
