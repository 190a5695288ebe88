// Queue names, job shapes and job ids. Job data holds ids only — never names, addresses or notes —
// because Redis stores it in clear text. Ids are deterministic so a repeated add is a no-op.
import { Queue, type ConnectionOptions } from 'bullmq';
import { pendingOutbox } from '../infra/outbox.ts';
import type { Queryable } from '../infra/db.ts';
import type { NoticeKind, StaffNoticeKind } from '../domain/audiences.ts';

export const QUEUE = {
  /** Outbox events: one committed change → the sends it leads to. */
  dispatch: 'dispatch',
  /** One message to one conversation. */
  send: 'send',
  /** Delayed domain events: next wave, escalation, start, reminders, confirmation check, follow-up. */
  timers: 'timers',
  /** Periodic upkeep: the outbox poller, daily consent and retention. */
  upkeep: 'upkeep',
} as const;

export interface DispatchJob {
  outboxId: number;
}

/** A notice to one person; its audience and what its ref id names are in domain/audiences.ts. */
export type NotifyMessage = NoticeKind;

/** `attempt`: run again after its SMS was reported undelivered, to try the person's next channel (jobs/reach.ts). */
export type SendJob =
  | { kind: 'offer'; offerId: string; attempt?: number }
  | { kind: 'offer.close'; offerId: string }
  | { kind: 'series.offer'; seriesOfferId: string; attempt?: number }
  | { kind: 'series.close'; seriesOfferId: string }
  // A card still on someone's screen, drawn again after its visit(s) moved (`move`: the outbox event) to
  // start at `startsAtMs` (for a series, its next visit's start). A later move finds another start and skips.
  | { kind: 'offer.refresh'; offerId: string; startsAtMs: number; move: number }
  | { kind: 'series.refresh'; seriesOfferId: string; startsAtMs: number; move: number }
  // `event`: what happened (an outbox row 'o123', a timer's start): a notice told again for a new
  // event is a new job, while a retried dispatch of the same event adds the same id (a no-op).
  | { kind: 'notify'; memberId: string; message: NotifyMessage; refId: string; variant?: string; event?: string; attempt?: number }
  // An SMS reply written during a turn (sms_messages row), sent by the queue.
  | { kind: 'sms'; smsId: string }
  // To a centre's Teams staff channel: a staff notice (domain/audiences.ts) or the morning overview (ref: centre, variant: date).
  | { kind: 'channel'; centreId: string; message: StaffNoticeKind | 'channel.digest'; refId: string; variant?: string; event?: string };

export function sendJobId(job: SendJob): string {
  const again = 'attempt' in job && job.attempt ? `-a${job.attempt}` : '';
  return sendJobIdOnce(job) + again;
}

function sendJobIdOnce(job: SendJob): string {
  switch (job.kind) {
    case 'offer':
      return `offer-${job.offerId}`;
    case 'offer.close':
      return `close-${job.offerId}`;
    case 'series.offer':
      return `series-offer-${job.seriesOfferId}`;
    case 'series.close':
      return `series-close-${job.seriesOfferId}`;
    case 'offer.refresh':
      return `refresh-${job.offerId}-${job.move}`;
    case 'series.refresh':
      return `series-refresh-${job.seriesOfferId}-${job.move}`;
    case 'notify':
      return `notify-${job.message}-${job.refId}-${job.memberId}${job.variant ? `-${job.variant}` : ''}${job.event ? `-e${job.event}` : ''}`;
    case 'channel':
      return `channel-${job.message}-${job.refId}-${job.centreId}${job.variant ? `-${job.variant}` : ''}${job.event ? `-e${job.event}` : ''}`;
    case 'sms':
      return `sms-${job.smsId}`;
  }
}

/** Timers carry the start time they were computed for: a moved task's old timers recognise themselves. */
export type TimerJob =
  | { kind: 'wave'; requestId: string; wave: number }
  // startsAtMs: absent on timers queued before requests could move; those escalate as before.
  | { kind: 'escalate'; requestId: string; startsAtMs?: number }
  | { kind: 'series.release'; seriesId: string }
  | { kind: 'start'; requestId: string; startsAtMs: number }
  // confirm: this reminder asks «Jeg kommer» (the first before the confirmation deadline, domain/waves.ts).
  | { kind: 'remind'; assignmentId: string; offsetMinutes: number; startsAtMs: number; confirm?: boolean }
  | { kind: 'confirm-check'; assignmentId: string; startsAtMs: number }
  | { kind: 'follow-up'; assignmentId: string; startsAtMs: number };

export function timerJobId(job: TimerJob): string {
  switch (job.kind) {
    case 'wave':
      return `wave-${job.requestId}-${job.wave}`;
    case 'escalate':
      return `escalate-${job.requestId}${job.startsAtMs === undefined ? '' : `-${job.startsAtMs}`}`;
    case 'series.release':
      return `series-release-${job.seriesId}`;
    case 'start':
      return `start-${job.requestId}-${job.startsAtMs}`;
    case 'remind':
      return `remind-${job.assignmentId}-${job.offsetMinutes}-${job.startsAtMs}`;
    case 'confirm-check':
      return `confirm-${job.assignmentId}-${job.startsAtMs}`;
    case 'follow-up':
      return `followup-${job.assignmentId}-${job.startsAtMs}`;
  }
}

export const dispatchJobId = (outboxId: number) => `outbox-${outboxId}`;

/** Kept long enough that a re-add of the same id (poller, retry) is recognised as a duplicate. */
export const defaultJobOptions = {
  attempts: 8,
  backoff: { type: 'exponential' as const, delay: 1000, jitter: 0.5 },
  removeOnComplete: { age: 24 * 3600, count: 100_000 },
  removeOnFail: { age: 14 * 24 * 3600 },
};

export interface Queues {
  dispatch: Queue<DispatchJob>;
  send: Queue<SendJob>;
  timers: Queue<TimerJob>;
  upkeep: Queue;
  close(): Promise<void>;
}

export function createQueues(connection: ConnectionOptions, prefix: string): Queues {
  const dispatch = new Queue<DispatchJob>(QUEUE.dispatch, { connection, prefix, defaultJobOptions });
  const send = new Queue<SendJob>(QUEUE.send, { connection, prefix, defaultJobOptions });
  const timers = new Queue<TimerJob>(QUEUE.timers, { connection, prefix, defaultJobOptions });
  const upkeep = new Queue(QUEUE.upkeep, { connection, prefix, defaultJobOptions: { removeOnComplete: true, removeOnFail: 100 } });
  for (const q of [dispatch, send, timers, upkeep]) q.on('error', () => undefined);
  return {
    dispatch,
    send,
    timers,
    upkeep,
    async close() {
      await Promise.all([dispatch.close(), send.close(), timers.close(), upkeep.close()]);
    },
  };
}

/** Queue the outbox rows a transaction just wrote. Failure is fine: the poller picks them up. */
export async function kickOutbox(queues: Queues, outboxIds: number[]): Promise<void> {
  if (outboxIds.length === 0) return;
  await queues.dispatch.addBulk(outboxIds.map((id) => ({ name: 'outbox', data: { outboxId: id }, opts: { jobId: dispatchJobId(id) } })));
}

/**
 * After a change commits, queue its outbox rows right away instead of waiting for the poller.
 * If Redis is down this is skipped silently: the rows stay in the database and the poller sends them.
 */
export async function kickPendingOutbox(deps: { db: Queryable; queues: Queues }): Promise<void> {
  try {
    const rows = await pendingOutbox(deps.db, 200);
    await kickOutbox(deps.queues, rows.map((r) => r.id));
  } catch {
    // the poller will pick them up
  }
}
