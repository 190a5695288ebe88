// A caregiver's (or a person helped's own) feedback after a visit they asked for: good / not good and
// an optional comment, to the centre's staff only (never the volunteer). When the caregiver is asked: see docs/reporting.md
// ("Feedback") and jobs/timers.ts.
import type { Database, Queryable } from './db.ts';
import { addOutbox } from './outbox.ts';
import { getAssignment, type AssignmentView } from './assignments.ts';
import { getMember } from './identities.ts';
import { mayReceive } from '../domain/audiences.ts';

export type FeedbackRating = 'good' | 'not_good';
/** How the caregiver came to be asked: the volunteer reported the visit done, or time passed without a word. */
export type FeedbackAskPath = 'done' | 'late';

/**
 * The visit this caregiver may be asked about now, or null (not a caregiver's request, cancelled,
 * reported as not happened, already answered, or already asked by the other path). Marks it asked by
 * this path, so a retried send still goes and the other path stays quiet.
 */
export async function claimFeedbackAsk(db: Queryable, assignmentId: string, via: FeedbackAskPath, at: Date): Promise<AssignmentView | null> {
  const a = await getAssignment(db, assignmentId);
  if (!a) return null;
  const happened = via === 'done' ? a.outcome === 'done' : (a.status === 'active' && a.request.status === 'taken') || a.outcome === 'done';
  // Asked of whoever asked for the visit and is no staff member: a caregiver, or the person helped themselves.
  const asker = await getMember(db, a.request.createdBy);
  if (!happened || !asker || !mayReceive('caregiver.feedback', asker.role)) return null;
  const rows = await db.query(
    `UPDATE assignments SET feedback_asked_at = COALESCE(feedback_asked_at, $3), feedback_asked_via = $2
      WHERE id = $1 AND (feedback_asked_via IS NULL OR feedback_asked_via = $2)
        AND NOT EXISTS (SELECT 1 FROM visit_feedback f WHERE f.assignment_id = $1) RETURNING id`,
    [assignmentId, via, at],
  );
  return rows.length ? a : null;
}

export type GiveFeedbackResult = { ok: true; feedbackId: string } | { ok: false; reason: 'already' | 'not_found' };

/** The caregiver who asked for the visit answers, once; the first answer stands. */
export async function giveFeedback(
  db: Database,
  input: { assignmentId: string; caregiverId: string; rating: FeedbackRating; comment: string | null; at: Date },
): Promise<GiveFeedbackResult> {
  return db.transaction(async (tx): Promise<GiveFeedbackResult> => {
    const rows = await tx.query<{ id: string }>(
      `INSERT INTO visit_feedback (assignment_id, request_id, given_by, rating, comment, created_at)
       SELECT a.id, a.request_id, $2, $3, $4, $5 FROM assignments a JOIN help_requests r ON r.id = a.request_id
        WHERE a.id = $1 AND r.created_by = $2 AND r.starts_at <= $5
       ON CONFLICT (assignment_id) DO NOTHING RETURNING id`,
      [input.assignmentId, input.caregiverId, input.rating, input.comment, input.at],
    );
    if (!rows[0]) {
      const mine = await tx.query(
        'SELECT 1 FROM visit_feedback f JOIN help_requests r ON r.id = f.request_id WHERE f.assignment_id = $1 AND r.created_by = $2',
        [input.assignmentId, input.caregiverId],
      );
      return { ok: false, reason: mine.length ? 'already' : 'not_found' };
    }
    if (input.rating === 'not_good' || input.comment) await addOutbox(tx, 'feedback.given', rows[0].id);
    return { ok: true, feedbackId: rows[0].id };
  });
}

export interface FeedbackForStaff {
  id: string;
  rating: FeedbackRating;
  comment: string | null;
  caregiverId: string | null;
  volunteerId: string;
  centreId: string;
  assignment: AssignmentView;
}

export async function getFeedback(db: Queryable, feedbackId: string): Promise<FeedbackForStaff | null> {
  const rows = await db.query<{ id: string; rating: FeedbackRating; comment: string | null; given_by: string | null; assignment_id: string }>(
    'SELECT id, rating, comment, given_by, assignment_id FROM visit_feedback WHERE id = $1',
    [feedbackId],
  );
  const r = rows[0];
  const a = r ? await getAssignment(db, r.assignment_id) : null;
  if (!r || !a) return null;
  return { id: r.id, rating: r.rating, comment: r.comment, caregiverId: r.given_by, volunteerId: a.volunteerId, centreId: a.request.centreId, assignment: a };
}
