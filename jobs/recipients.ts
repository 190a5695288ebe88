// A notice about a subject → the send jobs that tell whoever the rule (domain/audiences.ts) says:
// the responsible staff member or the centre's coordinators and staff channel, the caregiver who
// asked, every staff member of the centre. Every sender of a staff or caregiver notice goes through
// here; volunteer notices are addressed to the volunteer concerned (noticeTo), and jobs/send.ts
// checks every one of them against the rule again before it is rendered.
import type { Queryable } from '../infra/db.ts';
import { centreStaff, noticeSubject, partyOf } from '../infra/notice-subjects.ts';
import { NOTICES, recipientsOf, type NoticeKind, type StaffNoticeKind } from '../domain/audiences.ts';
import { sendJobId, type Queues, type SendJob } from './queues.ts';

export interface NoticeOptions {
  /** When it may go out (quiet hours already applied). */
  at: Date;
  /** The event it tells of (an outbox row id, a timer's start): the same event is never told twice, a new one is. */
  event?: string | number;
  variant?: string;
  /**
   * Events gathered into one notice: while it waits, each new event moves it to `at` again (it then
   * tells all of them), and once it has gone a new event makes another. The notice reads what to say
   * when it goes (e.g. everyone a wave missed), so nothing gathered is lost.
   */
  gather?: boolean;
}

export interface TimedJob {
  job: SendJob;
  at: Date;
  /** See NoticeOptions.gather. */
  gather?: boolean;
}

/** One addressed notice (a volunteer's own task or offer, a coordinator's figures). */
export function noticeTo(memberId: string, kind: NoticeKind, refId: string, opts: NoticeOptions): TimedJob {
  return {
    job: { kind: 'notify', memberId, message: kind, refId, ...(opts.variant ? { variant: opts.variant } : {}), ...(opts.event !== undefined ? { event: String(opts.event) } : {}) },
    at: opts.at,
    ...(opts.gather ? { gather: true } : {}),
  };
}

/** The jobs that tell `kind` about `refId` to everyone the rule names, and nobody else. */
export async function noticeJobs(db: Queryable, kind: NoticeKind, refId: string, opts: NoticeOptions): Promise<TimedJob[]> {
  const subject = await noticeSubject(db, NOTICES[kind].ref, refId);
  if (!subject) return [];
  const [party, staff] = await Promise.all([subject.partyId ? partyOf(db, subject.partyId) : null, centreStaff(db, subject.centreId)]);
  const to = recipientsOf(kind, { centreId: subject.centreId, party }, staff);
  const jobs = to.members.map((memberId) => noticeTo(memberId, kind, refId, opts));
  if (to.staffChannel) {
    jobs.push({
      job: { kind: 'channel', centreId: subject.centreId, message: kind as StaffNoticeKind, refId, ...(opts.variant ? { variant: opts.variant } : {}), ...(opts.event !== undefined ? { event: String(opts.event) } : {}) },
      at: opts.at,
      ...(opts.gather ? { gather: true } : {}),
    });
  }
  return jobs;
}

/** Queues timed jobs (deterministic ids: adding the same again is a no-op). */
export async function queueJobs(queues: Queues, jobs: readonly TimedJob[], now: Date): Promise<void> {
  if (jobs.length === 0) return;
  await queues.send.addBulk(
    jobs.map(({ job, at, gather }) => ({
      name: job.kind,
      data: job,
      opts: {
        jobId: sendJobId(job),
        delay: Math.max(0, at.getTime() - now.getTime()),
        // The notice without its event names the gathering; BullMQ moves the waiting one to the new delay.
        ...(gather && 'event' in job ? { deduplication: { id: sendJobId({ ...job, event: undefined }), reschedule: true } } : {}),
      },
    })),
  );
}

/** noticeJobs for several notices of one event, queued. */
export async function tell(deps: { db: Queryable; queues: Queues }, kinds: readonly NoticeKind[], refId: string, opts: NoticeOptions & { now: Date }): Promise<void> {
  const jobs: TimedJob[] = [];
  for (const kind of kinds) jobs.push(...(await noticeJobs(deps.db, kind, refId, opts)));
  await queueJobs(deps.queues, jobs, opts.now);
}
