// Periodic upkeep: re-queue outbox rows a crash left behind; once a day, consent renewal notices
// and retention.
import type { Database } from '../infra/db.ts';
import { purgeTextAnswers } from '../infra/text-answers.ts';
import type { Logger } from '../infra/log.ts';
import { pendingOutbox } from '../infra/outbox.ts';
import { applyRetention, consentsToRenew } from '../infra/upkeep.ts';
import { coordinatorsOf } from '../infra/digest.ts';
import { getISOWeek, getISOWeekYear } from 'date-fns';
import { kickOutbox, sendJobId, type Queues, type SendJob } from './queues.ts';
import { releaseTime } from './schedule.ts';
import type { JobSettings } from './settings.ts';

export interface UpkeepDeps {
  db: Database;
  queues: Queues;
  settings: JobSettings;
  log: Logger;
  now: () => Date;
  outboxPollMs: number;
}

export async function pollOutbox(deps: UpkeepDeps): Promise<number> {
  // Young rows are still being kicked by the process that wrote them.
  const rows = await pendingOutbox(deps.db, 500, Math.min(deps.outboxPollMs, 1000));
  await kickOutbox(deps.queues, rows.map((r) => r.id));
  return rows.length;
}

/** Monday morning: each coordinator gets last week's figures and what needs action. */
export async function weeklyDigests(deps: UpkeepDeps): Promise<number> {
  const now = deps.now();
  const week = `${getISOWeekYear(now)}-W${String(getISOWeek(now)).padStart(2, '0')}`;
  const coordinators = await coordinatorsOf(deps.db);
  await deps.queues.send.addBulk(
    coordinators.map((c) => {
      const job: SendJob = { kind: 'notify', memberId: c.memberId, message: 'staff.digest', refId: c.centreId, variant: week };
      return { name: job.kind, data: job, opts: { jobId: sendJobId(job) } };
    }),
  );
  return coordinators.length;
}

export async function dailyUpkeep(deps: UpkeepDeps): Promise<{ renewals: number; erased: { requests: number; persons: number; concerns: number } }> {
  const now = deps.now();
  const renewals = await consentsToRenew(deps.db, now, deps.settings.consentRenewNoticeDays);
  const at = releaseTime(now, false, deps.settings);
  if (renewals.length) {
    await deps.queues.send.addBulk(
      renewals.map((r) => {
        const job: SendJob = { kind: 'notify', memberId: r.staffId, message: 'staff.consentRenewal', refId: r.consentId, variant: r.expired ? 'expired' : 'expiring' };
        return { name: job.kind, data: job, opts: { jobId: sendJobId(job), delay: Math.max(0, at.getTime() - now.getTime()) } };
      }),
    );
  }
  const erased = await applyRetention(deps.db, now, deps.settings.retentionDays);
  // SMS answer codes and one-time links past their time hold phone numbers and nothing else of use.
  await purgeTextAnswers(deps.db, now);
  deps.log.info({ renewals: renewals.length, erased }, 'daily upkeep');
  return { renewals: renewals.length, erased };
}
