// Outbox event → the sends and timers it leads to. Idempotent: re-running an event queues the same
// deterministic job ids, which BullMQ ignores while the first ones are kept.
import type { Database } from '../infra/db.ts';
import { getOutbox, markDispatched } from '../infra/outbox.ts';
import { offersToClose, unsentOffers, assignmentInfo } from '../infra/offers.ts';
import { getRequest } from '../infra/requests.ts';
import { activeAssignmentOf, getAssignment, getConcern } from '../infra/assignments.ts';
import { getFeedback } from '../infra/feedback.ts';
import { linkForStaff } from '../infra/caregiver-links.ts';
import { staffOfCentre } from '../infra/caregivers.ts';
import { volunteersToResign } from '../infra/volunteers.ts';
import { sendJobId, type NotifyMessage, type Queues, type SendJob } from './queues.ts';
import { dispatchSeries } from './series.ts';
import { releaseTime, scheduleAssignmentTimers, scheduleExpiry, scheduleRequestTimers } from './schedule.ts';
import type { JobSettings } from './settings.ts';

export interface DispatchDeps {
  db: Database;
  queues: Queues;
  settings: JobSettings;
  now: () => Date;
}

export async function dispatchOutbox(deps: DispatchDeps, outboxId: number): Promise<void> {
  const { db, queues, settings } = deps;
  const row = await getOutbox(db, outboxId);
  if (!row || row.dispatched) return;
  const now = deps.now();
  const jobs: Array<{ job: SendJob; at: Date }> = [];
  const notify = (memberId: string | null | undefined, message: NotifyMessage, refId: string, urgent = false) => {
    if (memberId) jobs.push({ job: { kind: 'notify', memberId, message, refId }, at: releaseTime(now, urgent, settings) });
  };
  const closeOffers = async (requestId: string) => {
    for (const offerId of await offersToClose(db, requestId)) jobs.push({ job: { kind: 'offer.close', offerId }, at: now });
  };

  switch (row.kind) {
    case 'offers.send': {
      const request = await getRequest(db, row.refId);
      if (!request || request.status !== 'open') break;
      const release = releaseTime(now, request.urgent, settings);
      for (const offerId of await unsentOffers(db, row.refId)) jobs.push({ job: { kind: 'offer', offerId }, at: release });
      await scheduleRequestTimers(queues, request, release, now, settings);
      break;
    }
    case 'request.taken': {
      await closeOffers(row.refId);
      const request = await getRequest(db, row.refId);
      notify(request?.createdBy, 'staff.requestTaken', row.refId);
      const assignment = await activeAssignmentOf(db, row.refId);
      if (assignment) await scheduleAssignmentTimers(queues, assignment, now, settings);
      break;
    }
    case 'request.cancelled': {
      await closeOffers(row.refId);
      const assigned = await db.query<{ volunteer_id: string }>(
        `SELECT volunteer_id FROM assignments WHERE request_id = $1 AND cancel_reason = 'request_cancelled'`,
        [row.refId],
      );
      for (const a of assigned) notify(a.volunteer_id, 'volunteer.requestCancelled', row.refId);
      break;
    }
    case 'request.held': {
      const request = await getRequest(db, row.refId);
      if (request?.status === 'waiting_consent') await scheduleExpiry(queues, request, now);
      break;
    }
    case 'request.expired': {
      await closeOffers(row.refId);
      notify((await getRequest(db, row.refId))?.createdBy, 'staff.expired', row.refId);
      break;
    }
    case 'assignment.cancelled':
      notify((await assignmentInfo(db, row.refId))?.createdBy, 'staff.assignmentCancelled', row.refId);
      break;
    case 'volunteer.approved':
      notify(row.refId, 'volunteer.approved', row.refId);
      break;
    case 'concern.reported':
      // A worry about a person is not held for quiet hours.
      notify((await getConcern(db, row.refId))?.createdBy, 'staff.concern', row.refId, true);
      break;
    case 'series.offers':
    case 'series.taken':
    case 'series.released':
    case 'series.cancelled':
    case 'series.left':
    case 'series.moved':
      jobs.push(...(await dispatchSeries(deps, row.kind, row.refId, now, row.id)));
      break;
    case 'declaration.published':
      for (const memberId of await volunteersToResign(db, Number(row.refId))) notify(memberId, 'volunteer.declarationUpdate', row.refId);
      break;
    case 'visit.done': {
      // Whether the caregiver is asked at all (a caregiver's request, not asked already) is decided at send time.
      const a = await getAssignment(db, row.refId);
      if (a) jobs.push({ job: { kind: 'notify', memberId: a.request.createdBy, message: 'caregiver.feedback', refId: a.id, variant: 'done' }, at: releaseTime(now, false, settings) });
      break;
    }
    case 'feedback.given': {
      const f = await getFeedback(db, row.refId);
      if (f) for (const staffId of await staffOfCentre(db, f.centreId)) notify(staffId, 'staff.feedback', row.refId);
      break;
    }
    case 'link.pending': {
      const link = await linkForStaff(db, row.refId);
      if (link) for (const staffId of await staffOfCentre(db, link.centreId)) notify(staffId, 'staff.linkVerify', row.refId);
      break;
    }
    case 'link.decided':
      notify((await linkForStaff(db, row.refId))?.caregiverId, 'caregiver.linkDecided', row.refId);
      break;
    case 'staffChannel.unreachable':
      for (const staffId of await staffOfCentre(db, row.refId)) {
        jobs.push({ job: { kind: 'notify', memberId: staffId, message: 'staff.channelUnreachable', refId: row.refId, variant: String(row.id) }, at: releaseTime(now, false, settings) });
      }
      break;
  }
  if (jobs.length) {
    await queues.send.addBulk(
      jobs.map(({ job, at }) => ({ name: job.kind, data: job, opts: { jobId: sendJobId(job), delay: Math.max(0, at.getTime() - now.getTime()) } })),
    );
  }
  await markDispatched(db, outboxId);
}
