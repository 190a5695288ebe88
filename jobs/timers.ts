// What happens when a timer fires. Each one re-reads the database first: a request that was taken,
// cancelled or moved, or an assignment that was cancelled, makes its timers do nothing.
import type { Database } from '../infra/db.ts';
import type { Logger } from '../infra/log.ts';
import { expireRequest, getRequest, markEscalated, sendNextWave } from '../infra/requests.ts';
import { getAssignment } from '../infra/assignments.ts';
import { releaseSeries } from '../infra/series.ts';
import { kickPendingOutbox, sendJobId, type NotifyMessage, type Queues, type SendJob, type TimerJob } from './queues.ts';
import { queueForStaffChannel } from './staff-channel.ts';
import type { JobSettings } from './settings.ts';
import { isFirstReminder, releaseTime } from './schedule.ts';
import { addHours } from 'date-fns';

/** Hours after the volunteer's follow-up question that a caregiver is asked for feedback if the volunteer has not answered. */
export const FEEDBACK_ASK_AFTER_FOLLOW_UP_HOURS = 24;
import { getMember } from '../infra/identities.ts';
import { staffOfCentre } from '../infra/caregivers.ts';
import type { Queryable } from '../infra/db.ts';

async function isCaregiver(db: Queryable, memberId: string): Promise<boolean> {
  return (await getMember(db, memberId))?.role === 'caregiver';
}

export interface TimerDeps {
  db: Database;
  queues: Queues;
  settings: JobSettings;
  log: Logger;
  now: () => Date;
}

async function send(deps: TimerDeps, memberId: string, message: NotifyMessage, refId: string, variant?: string): Promise<void> {
  const job: SendJob = { kind: 'notify', memberId, message, refId, ...(variant ? { variant } : {}) };
  await deps.queues.send.add(job.kind, job, { jobId: sendJobId(job) });
}

/** Tell the poster nobody has taken it yet (once), with the choices: widen, relax, call list, cancel. */
async function escalate(deps: TimerDeps, requestId: string): Promise<void> {
  const request = await getRequest(deps.db, requestId);
  if (!request || request.status !== 'open') return;
  if (await markEscalated(deps.db, requestId, deps.now())) {
    // A caregiver's request escalates to the centre's staff: the choices (widen, call list, …) are theirs.
    const posters = (await isCaregiver(deps.db, request.createdBy)) ? await staffOfCentre(deps.db, request.centreId) : [request.createdBy];
    for (const memberId of posters) await send(deps, memberId, 'staff.escalation', requestId);
    // The centre's staff channel too, so a colleague can step in; the poster still owns the request.
    await queueForStaffChannel(deps.queues, request.centreId, 'staff.escalation', requestId);
  }
}

export async function processTimer(deps: TimerDeps, job: TimerJob): Promise<string> {
  const now = deps.now();
  switch (job.kind) {
    case 'wave': {
      const request = await getRequest(deps.db, job.requestId);
      if (!request || request.status !== 'open' || request.wave !== job.wave) return 'stale';
      const offered = await deps.db.transaction((tx) => sendNextWave(tx, job.requestId, now, deps.settings.matching));
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
      if (job.kind === 'remind') {
        await send(deps, a.volunteerId, 'volunteer.reminder', a.id, job.confirm ? `${job.offsetMinutes}-confirm` : String(job.offsetMinutes));
        // The caregiver who asked hears the day before who is coming (staff follow their own list).
        if (isFirstReminder(job.offsetMinutes, deps.settings) && (await isCaregiver(deps.db, a.request.createdBy))) {
          await send(deps, a.request.createdBy, 'caregiver.reminder', a.id);
        }
      }
      else if (job.kind === 'follow-up') {
        await send(deps, a.volunteerId, 'volunteer.followUp', a.id);
        // If the volunteer never reports the visit done, the caregiver who asked is still asked how it
        // went, a day later; whichever path comes first asks (infra/feedback.ts, claimFeedbackAsk).
        if (await isCaregiver(deps.db, a.request.createdBy)) {
          const at = releaseTime(addHours(now, FEEDBACK_ASK_AFTER_FOLLOW_UP_HOURS), false, deps.settings);
          const late: SendJob = { kind: 'notify', memberId: a.request.createdBy, message: 'caregiver.feedback', refId: a.id, variant: 'late' };
          await deps.queues.send.add(late.kind, late, { jobId: sendJobId(late), delay: Math.max(0, at.getTime() - now.getTime()) });
        }
      }
      else if (a.confirmedAt) return 'confirmed';
      // Only a volunteer who was asked «Jeg kommer» can be late with the answer.
      else if (!a.confirmAskedAt) return 'not asked';
      else await send(deps, a.request.createdBy, 'staff.notConfirmed', a.id);
      return 'sent';
    }
  }
}
