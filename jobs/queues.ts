// Queue names, job shapes and job ids. Job data holds ids only — never names, addresses or notes —
// because Redis stores it in clear text. Ids are deterministic so a repeated add is a no-op.
import { Queue, type ConnectionOptions } from 'bullmq';

export const QUEUE = {
  /** Outbox events: one committed change → the sends it leads to. */
  dispatch: 'dispatch',
  /** One message to one conversation. */
  send: 'send',
  /** Periodic upkeep: the outbox poller. */
  upkeep: 'upkeep',
} as const;

export interface DispatchJob {
  outboxId: number;
}

export type NotifyMessage = 'staff.requestTaken' | 'staff.assignmentCancelled' | 'volunteer.requestCancelled' | 'volunteer.approved';

export type SendJob =
  | { kind: 'offer'; offerId: string }
  | { kind: 'offer.close'; offerId: string }
  | { kind: 'notify'; memberId: string; message: NotifyMessage; refId: string };

export function sendJobId(job: SendJob): string {
  switch (job.kind) {
    case 'offer':
      return `offer-${job.offerId}`;
    case 'offer.close':
      return `close-${job.offerId}`;
    case 'notify':
      return `notify-${job.message}-${job.refId}-${job.memberId}`;
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
  upkeep: Queue;
  close(): Promise<void>;
}

export function createQueues(connection: ConnectionOptions, prefix: string): Queues {
  const dispatch = new Queue<DispatchJob>(QUEUE.dispatch, { connection, prefix, defaultJobOptions });
  const send = new Queue<SendJob>(QUEUE.send, { connection, prefix, defaultJobOptions });
  const upkeep = new Queue(QUEUE.upkeep, { connection, prefix, defaultJobOptions: { removeOnComplete: true, removeOnFail: 100 } });
  for (const q of [dispatch, send, upkeep]) q.on('error', () => undefined);
  return {
    dispatch,
    send,
    upkeep,
    async close() {
      await Promise.all([dispatch.close(), send.close(), upkeep.close()]);
    },
  };
}

/** Queue the outbox rows a transaction just wrote. Failure is fine: the poller picks them up. */
export async function kickOutbox(queues: Queues, outboxIds: number[]): Promise<void> {
  if (outboxIds.length === 0) return;
  await queues.dispatch.addBulk(outboxIds.map((id) => ({ name: 'outbox', data: { outboxId: id }, opts: { jobId: dispatchJobId(id) } })));
}
