// Periodic upkeep: re-queue outbox rows a crash left behind; once a day, consent renewal notices,
// ending tasks nobody reported, and retention.
import type { Database } from '../infra/db.ts';
import { purgeTextAnswers } from '../infra/text-answers.ts';
import { purgeSmsConversations } from '../infra/sms-conversations.ts';
import type { Logger } from '../infra/log.ts';
import { pendingOutbox } from '../infra/outbox.ts';
import { applyRetention, closeUnreportedTasks, consentsToRenew, type RetentionResult } from '../infra/upkeep.ts';
import { purgeSubscriptions } from '../infra/push-subscriptions.ts';
import { coordinatorsOf } from '../infra/digest.ts';
import { policeCertificatesToRenew, volunteerManagers } from '../infra/police-certificates.ts';
import { getISOWeek, getISOWeekYear } from 'date-fns';
import { kickOutbox, sendJobId, type Queues, type SendJob } from './queues.ts';
import { noticeJobs, noticeTo, queueJobs, type TimedJob } from './recipients.ts';
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

export async function dailyUpkeep(deps: UpkeepDeps): Promise<{ renewals: number; unreported: number; erased: RetentionResult }> {
  const now = deps.now();
  const renewals = await consentsToRenew(deps.db, now, deps.settings.consentRenewNoticeDays);
  const at = releaseTime(now, false, deps.settings);
  // To the staff member who recorded the consent; one a caregiver gave as proxy, or a case system
  // recorded, to the centre's coordinators and channel: renewing it is staff's to do (domain/audiences.ts).
  const jobs: TimedJob[] = [];
  for (const r of renewals) jobs.push(...(await noticeJobs(deps.db, 'staff.consentRenewal', r.consentId, { at, variant: r.expired ? 'expired' : 'expiring' })));
  await queueJobs(deps.queues, jobs, now);
  const police = await policeRenewalNotices(deps, now, at);
  // Tasks nobody reported end first, so retention sees them as over.
  const unreported = await closeUnreportedTasks(deps.db, now, { followUpDelayMinutes: deps.settings.followUpDelayMinutes, answerDays: deps.settings.followUpAnswerDays });
  const erased = await applyRetention(deps.db, now, deps.settings.retentionDays);
  const pushDevicesForgotten = await purgeSubscriptions(deps.db, now, deps.settings.pushUnusedDays);
  // SMS answer codes and one-time links past their time hold phone numbers and nothing else of use.
  await purgeTextAnswers(deps.db, now);
  // A number that began signing up by SMS and never finished: what it told us goes after a day.
  await purgeSmsConversations(deps.db, now);
  deps.log.info({ renewals: renewals.length, police, unreported, erased, pushDevicesForgotten }, 'daily upkeep');
  return { renewals: renewals.length, unreported, erased };
}

/** Politiattest running out within the notice period: the volunteer and the centre's coordinators are told how to renew. */
async function policeRenewalNotices(deps: UpkeepDeps, now: Date, at: Date): Promise<number> {
  const due = await policeCertificatesToRenew(deps.db, now);
  const jobs: TimedJob[] = [];
  for (const d of due) {
    jobs.push(noticeTo(d.memberId, 'volunteer.policeExpiring', d.memberId, { at, variant: d.checkedOn }));
    const managers = new Set<string>();
    for (const centreId of d.centreIds) for (const id of await volunteerManagers(deps.db, centreId)) managers.add(id);
    for (const staffId of managers) jobs.push(noticeTo(staffId, 'staff.policeExpiring', d.memberId, { at, variant: d.checkedOn }));
  }
  await queueJobs(deps.queues, jobs, now);
  return due.length;
}
