// Periodic upkeep: re-queue outbox rows a crash left behind; once a day, consent renewal notices
// and retention.
import type { Database } from '../infra/db.ts';
import type { Logger } from '../infra/log.ts';
import { pendingOutbox } from '../infra/outbox.ts';
import { applyRetention, consentsToRenew } from '../infra/upkeep.ts';
import { coordinatorsOf } from '../infra/digest.ts';
import { policeCertificatesToRenew, volunteerManagers } from '../infra/police-certificates.ts';
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
  const police = await policeRenewalNotices(deps, now, at);
  const erased = await applyRetention(deps.db, now, deps.settings.retentionDays);
  deps.log.info({ renewals: renewals.length, police, erased }, 'daily upkeep');
  return { renewals: renewals.length, erased };
}

/** Politiattest running out within the notice period: the volunteer and the centre's coordinators are told how to renew. */
async function policeRenewalNotices(deps: UpkeepDeps, now: Date, at: Date): Promise<number> {
  const due = await policeCertificatesToRenew(deps.db, now);
  const jobs: SendJob[] = [];
  for (const d of due) {
    jobs.push({ kind: 'notify', memberId: d.memberId, message: 'volunteer.policeExpiring', refId: d.memberId, variant: d.checkedOn });
    const managers = new Set<string>();
    for (const centreId of d.centreIds) for (const id of await volunteerManagers(deps.db, centreId)) managers.add(id);
    for (const staffId of managers) jobs.push({ kind: 'notify', memberId: staffId, message: 'staff.policeExpiring', refId: d.memberId, variant: d.checkedOn });
  }
  if (jobs.length) {
    await deps.queues.send.addBulk(jobs.map((job) => ({ name: job.kind, data: job, opts: { jobId: sendJobId(job), delay: Math.max(0, at.getTime() - now.getTime()) } })));
  }
  return due.length;
}
