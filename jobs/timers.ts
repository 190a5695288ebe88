// What happens when a timer fires. Each one re-reads the database first: a request that was taken,
// cancelled or moved, or an assignment that was cancelled, makes its timers do nothing.
import type { Database } from '../infra/db.ts';
import type { Logger } from '../infra/log.ts';
import { expireRequest, getRequest, markEscalated, sendNextWave } from '../infra/requests.ts';
import { getAssignment } from '../infra/assignments.ts';
import { releaseSeries } from '../use-cases/release-series.ts';
import { kickPendingOutbox, type Queues, type TimerJob } from './queues.ts';
import { noticeTo, queueJobs, tell } from './recipients.ts';
import type { JobSettings } from './settings.ts';
import { isFirstReminder, releaseTime } from './schedule.ts';
import { addHours } from 'date-fns';

/** Hours after the volunteer's follow-up question that a caregiver is asked for feedback if the volunteer has not answered. */
export const FEEDBACK_ASK_AFTER_FOLLOW_UP_HOURS = 24;

export interface TimerDeps {
  db: Database;
  queues: Queues;
  settings: JobSettings;
  log: Logger;
  now: () => Date;
}

/**
 * Tell staff nobody has taken it yet (once), with the choices: widen, relax, call list, cancel. The
 * staff member who posted it, and the staff channel so a colleague can step in; a caregiver's or a
 * case system's request: the centre's coordinators and channel (domain/audiences.ts).
 */
async function escalate(deps: TimerDeps, requestId: string): Promise<void> {
  const request = await getRequest(deps.db, requestId);
  if (!request || request.status !== 'open') return;
  const now = deps.now();
  // The escalation is the event: a request that opens again and is escalated again is told again.
  if (await markEscalated(deps.db, requestId, now)) await tell(deps, ['staff.escalation'], requestId, { at: now, now, event: `x${now.getTime()}` });
}

export async function processTimer(deps: TimerDeps, job: TimerJob): Promise<string> {
  const now = deps.now();
  switch (job.kind) {
    case 'wave': {
      const request = await getRequest(deps.db, job.requestId);
      if (!request || request.status !== 'open' || request.wave !== job.wave) return 'stale';
      const { offered } = await deps.db.transaction((tx) => sendNextWave(tx, job.requestId, now, deps.settings.matching));
      if (offered === 0) {
        // Nobody left to ask: staff hear about it now rather than at the escalation point.
        await escalate(deps, job.requestId);
        return 'exhausted';
      }
      await kickPendingOutbox(deps);
      return `wave ${job.wave + 1}: ${offered}`;
    }
    case 'escalate': {
      // Moved since this timer was set: the timer for the new start speaks instead.
      if (job.startsAtMs !== undefined && (await getRequest(deps.db, job.requestId))?.startsAt.getTime() !== job.startsAtMs) return 'stale';
      await escalate(deps, job.requestId);
      return 'escalated';
    }
    case 'series.release':
      // Nobody took the whole series in time: each visit goes out as an ordinary request.
      if (!(await releaseSeries(deps.db, job.seriesId, now, deps.settings.matching))) return 'stale';
      await kickPendingOutbox(deps);
      return 'released';
    case 'start':
      if (await expireRequest(deps.db, job.requestId, job.startsAtMs, now)) {
        await kickPendingOutbox(deps);
        return 'expired';
      }
      return 'stale';
    case 'remind':
    case 'confirm-check':
    case 'follow-up': {
      const a = await getAssignment(deps.db, job.assignmentId);
      // Cancelled, reassigned or moved since the timer was set: say nothing.
      if (!a || a.status !== 'active' || a.request.startsAt.getTime() !== job.startsAtMs || a.request.status !== 'taken') return 'stale';
      // The timer's own start names the event: after a move, the new timers tell again.
      const event = job.startsAtMs;
      if (job.kind === 'remind') {
        await queueJobs(deps.queues, [noticeTo(a.volunteerId, 'volunteer.reminder', a.id, { at: now, variant: job.confirm ? `${job.offsetMinutes}-confirm` : String(job.offsetMinutes), event })], now);
        // The caregiver who asked hears the day before who is coming (staff follow their own list).
        if (isFirstReminder(job.offsetMinutes, deps.settings)) await tell(deps, ['caregiver.reminder'], a.id, { at: now, now, event });
      }
      else if (job.kind === 'follow-up') {
        await queueJobs(deps.queues, [noticeTo(a.volunteerId, 'volunteer.followUp', a.id, { at: now, event })], now);
        // If the volunteer never reports the visit done, the caregiver who asked is still asked how it
        // went, a day later; whichever path comes first asks (infra/feedback.ts, claimFeedbackAsk).
        const at = releaseTime(addHours(now, FEEDBACK_ASK_AFTER_FOLLOW_UP_HOURS), false, deps.settings);
        await tell(deps, ['caregiver.feedback'], a.id, { at, now, variant: 'late' });
      }
      else if (a.confirmedAt) return 'confirmed';
      // Only a volunteer who was asked «Jeg kommer» can be late with the answer.
      else if (!a.confirmAskedAt) return 'not asked';
      else await tell(deps, ['staff.notConfirmed'], a.id, { at: now, now, event });
      return 'sent';
    }
  }
}
