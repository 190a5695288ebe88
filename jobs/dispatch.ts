// Outbox event → the sends and timers it leads to. Idempotent: re-running an event queues the same
// deterministic job ids, which BullMQ ignores while the first ones are kept.
import { getOutbox, markDispatched } from '../infra/outbox.ts';
import { unsentOffers } from '../infra/offers.ts';
import { closingJobs } from './closing.ts';
import { getRequest } from '../infra/requests.ts';
import { activeAssignmentOf, getAssignment } from '../infra/assignments.ts';
import { volunteersToResign } from '../infra/volunteers.ts';
import type { NoticeKind } from '../domain/audiences.ts';
import { noticeJobs, noticeTo, queueJobs, type NoticeOptions, type TimedJob } from './recipients.ts';
import { dispatchSeries } from './series.ts';
import { releaseTime, scheduleAssignmentTimers, scheduleExpiry, scheduleRequestTimers } from './schedule.ts';
import { sliceJobs } from './offer-slices.ts';
import type { DispatchDeps } from './deps.ts';

/** `sliced`: an `offers.send` row whose offers are queued already (DispatchJob). */
export async function dispatchOutbox(deps: DispatchDeps, outboxId: number, opts: { sliced?: boolean } = {}): Promise<void> {
  const { db, queues, settings } = deps;
  const row = await getOutbox(db, outboxId);
  if (!row || row.dispatched) return;
  const now = deps.now();
  const jobs: TimedJob[] = [];
  // Each notice names this outbox row: a second event of the same kind (A takes, A cancels, B takes)
  // is told again, while a retried dispatch of this row queues the same job ids (no-ops).
  const when = (urgent = false) => ({ at: releaseTime(now, urgent, settings), event: row.id });
  /** Addressed to one volunteer: their own offer, task or account. */
  const notify = (memberId: string | null | undefined, message: NoticeKind, refId: string) => {
    if (memberId) jobs.push(noticeTo(memberId, message, refId, when()));
  };
  /** To whoever the rule names for this subject (domain/audiences.ts). */
  const tell = async (kinds: readonly NoticeKind[], refId: string, opts: Partial<NoticeOptions> & { urgent?: boolean } = {}) => {
    for (const kind of kinds) jobs.push(...(await noticeJobs(db, kind, refId, { ...when(opts.urgent), ...opts })));
  };
  // The open offers, and the escalation cards staff still see as waiting (jobs/closing.ts).
  const closeCards = async (requestId: string) => {
    jobs.push(...(await closingJobs(db, requestId, now, row.id)));
  };

  switch (row.kind) {
    case 'offers.send': {
      // Read side by side: the first offers wait on this event's reads (docs/benchmarks.md).
      const [request, unsent] = await Promise.all([getRequest(db, row.refId), opts.sliced ? [] : unsentOffers(db, row.refId)]);
      if (!request || request.status !== 'open') break;
      const release = releaseTime(now, request.urgent, settings);
      // In slices (jobs/offer-slices.ts); all of an event's slices are queued in one addBulk, so a retry
      // of this event either finds them all queued (same ids) or none. Should the poller's job for this
      // row have come before the turn's (queueWave), these same ids are no-ops.
      jobs.push(...sliceJobs(row.refId, row.id, unsent, release));
      // The slices beside the request's timers rather than after them: the first offers are on their
      // way while the timers are added (this row is marked dispatched only once both are in).
      await Promise.all([queueJobs(queues, jobs.splice(0), now), scheduleRequestTimers(queues, request, release, now, settings)]);
      break;
    }
    case 'request.taken': {
      await closeCards(row.refId);
      const assignment = await activeAssignmentOf(db, row.refId);
      if (assignment) {
        await tell(['staff.requestTaken', 'caregiver.taken'], assignment.id);
        await scheduleAssignmentTimers(queues, assignment, now, settings);
      }
      break;
    }
    case 'request.cancelled': {
      await closeCards(row.refId);
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
    case 'request.expired':
      await closeCards(row.refId);
      await tell(['staff.expired', 'caregiver.expired'], row.refId);
      break;
    case 'assignment.cancelled':
      await tell(['staff.assignmentCancelled', 'caregiver.volunteerCancelled'], row.refId);
      break;
    case 'volunteer.approved': {
      // ref: the member, or member@centre since approval is per centre.
      const [memberId = row.refId, centreId] = row.refId.split('@');
      notify(memberId, 'volunteer.approved', centreId ?? memberId);
      break;
    }
    case 'concern.reported':
      // A worry about a person is not held for quiet hours.
      await tell(['staff.concern'], row.refId, { urgent: true });
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
      // Whether the caregiver is asked at all (not asked already) is decided at send time. One ask
      // per visit, whichever path comes first: keyed by the visit and the path, not this event.
      const a = await getAssignment(db, row.refId);
      if (a) await tell(['caregiver.feedback'], a.id, { variant: 'done', event: undefined });
      break;
    }
    case 'feedback.given':
      await tell(['staff.feedback'], row.refId);
      break;
    case 'link.pending':
      await tell(['staff.linkVerify'], row.refId);
      break;
    case 'link.decided':
      await tell(['caregiver.linkDecided'], row.refId);
      break;
    case 'staffChannel.unreachable':
      // Each time the channel is lost is told (the event is this row).
      await tell(['staff.channelUnreachable'], row.refId);
      break;
  }
  await queueJobs(queues, jobs, now);
  await markDispatched(db, outboxId);
}
