// What happens when a timer fires. Each one re-reads the database first: a request that was taken,
// cancelled or moved, or an assignment that was cancelled, makes its timers do nothing.
import type { Database } from '../infra/db.ts';
import type { Logger } from '../infra/log.ts';
import { expireRequest, getRequest, markEscalated, sendNextWave } from '../infra/requests.ts';
import { getAssignment } from '../infra/assignments.ts';
import { kickPendingOutbox, sendJobId, type NotifyMessage, type Queues, type SendJob, type TimerJob } from './queues.ts';
import type { JobSettings } from './settings.ts';
import { asksConfirmation } from './schedule.ts';
import { getMember } from '../infra/identities.ts';
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
  if (await markEscalated(deps.db, requestId, deps.now())) await send(deps, request.createdBy, 'staff.escalation', requestId);
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
    case 'escalate':
      await escalate(deps, job.requestId);
      return 'escalated';
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
        await send(deps, a.volunteerId, 'volunteer.reminder', a.id, String(job.offsetMinutes));
        // The caregiver who asked hears the day before who is coming (staff follow their own list).
        if (asksConfirmation(job.offsetMinutes, deps.settings) && (await isCaregiver(deps.db, a.request.createdBy))) {
          await send(deps, a.request.createdBy, 'caregiver.reminder', a.id);
        }
      }
      else if (job.kind === 'follow-up') await send(deps, a.volunteerId, 'volunteer.followUp', a.id);
      else if (!a.confirmedAt) await send(deps, a.request.createdBy, 'staff.notConfirmed', a.id);
      else return 'confirmed';
      return 'sent';
    }
  }
}
