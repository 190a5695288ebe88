// Queue names, job shapes and job ids. Job data holds ids only — never names, addresses or notes —
// because Redis stores it in clear text. Ids are deterministic so a repeated add is a no-op.
import { Queue, type ConnectionOptions } from 'bullmq';
import { z } from 'zod';
import { pendingOutbox } from '../infra/outbox.ts';
import type { Queryable } from '../infra/db.ts';
import type { NoticeKind, StaffNoticeKind } from '../domain/audiences.ts';
import { isCluster, type RedisClient } from '../infra/redis.ts';

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
  /**
   * The row's offers are queued in slices already, by the turn that posted the request (jobs/offer-slices.ts
   * queueWave, which adds this job only once they are): the dispatch adds the rest (the timers).
   */
  sliced?: boolean;
}

/** A notice to one person; its audience and what its ref id names are in domain/audiences.ts. */
export type NotifyMessage = NoticeKind;

/** `attempt`: run again after its SMS was reported undelivered, to try the person's next channel (jobs/reach.ts). */
export type SendJob =
  | { kind: 'offer'; offerId: string; attempt?: number }
  // A slice of one request's offers sent together (jobs/offer-slices.ts); `part`: the outbox event and
  // the slice's place in it, so a retried dispatch of that event adds the same ids (no-ops).
  | { kind: 'offers'; requestId: string; offerIds: string[]; part: string }
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
  // An escalation card (notice_cards row) drawn again in place once its request is taken, cancelled or
  // expired, or a newer card supersedes it. `event`: what closes it (the outbox row 'o123' of a take, a
  // newer card 's45'): a card left live by one close (its request open again by then) is closed by the
  // next event, not swallowed by the first close kept under its id.
  | { kind: 'notice.close'; cardId: string; event?: string }
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
    case 'offers':
      return `offers-${job.requestId}-${job.part}`;
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
    case 'notice.close':
      return `notice-close-${job.cardId}${job.event ? `-e${job.event}` : ''}`;
  }
}

const entityId = z.string().min(1).max(200);
const epochMs = z.number().int();

/**
 * Timers carry the start time they were computed for: a moved task's old timers recognise themselves.
 * The schema also reads timers back from Redis (timerFromJob), so a field is added here, once.
 */
const TimerJobSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('wave'), requestId: entityId, wave: z.number().int().min(0) }),
  // startsAtMs: absent on timers queued before requests could move; those escalate as before.
  z.object({ kind: z.literal('escalate'), requestId: entityId, startsAtMs: epochMs.optional() }),
  z.object({ kind: z.literal('series.release'), seriesId: entityId }),
  z.object({ kind: z.literal('start'), requestId: entityId, startsAtMs: epochMs }),
  // confirm: this reminder asks «Jeg kommer» (the first before the confirmation deadline, domain/waves.ts).
  z.object({ kind: z.literal('remind'), assignmentId: entityId, offsetMinutes: z.number().positive(), startsAtMs: epochMs, confirm: z.boolean().optional() }),
  z.object({ kind: z.literal('confirm-check'), assignmentId: entityId, startsAtMs: epochMs }),
  z.object({ kind: z.literal('follow-up'), assignmentId: entityId, startsAtMs: epochMs }),
]);

export type TimerJob = z.infer<typeof TimerJobSchema>;

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

/**
 * A timer as Redis stores it: the job's name is its kind; the data holds the id the kind is about and,
 * where the timer has them, the start (s), the wave (w), the reminder's offset in minutes (o) and
 * whether it asks «Jeg kommer» (c). One-letter keys keep each delayed job's hash small
 * (bench/reminders.ts); the long names live in code.
 */
export interface TimerData {
  id: string;
  s?: number;
  w?: number;
  o?: number;
  c?: boolean;
}

type FieldsOf<K extends TimerJob['kind']> = Exclude<keyof Extract<TimerJob, { kind: K }>, 'kind'>;

// Every field of every timer has its short key: a field added to TimerJob without one does not compile.
const SHORT_KEYS: { [K in TimerJob['kind']]: Record<FieldsOf<K>, keyof TimerData> } = {
  wave: { requestId: 'id', wave: 'w' },
  escalate: { requestId: 'id', startsAtMs: 's' },
  'series.release': { seriesId: 'id' },
  start: { requestId: 'id', startsAtMs: 's' },
  remind: { assignmentId: 'id', offsetMinutes: 'o', startsAtMs: 's', confirm: 'c' },
  'confirm-check': { assignmentId: 'id', startsAtMs: 's' },
  'follow-up': { assignmentId: 'id', startsAtMs: 's' },
};

const isKind = (name: string): name is TimerJob['kind'] => Object.hasOwn(SHORT_KEYS, name);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function timerData(job: TimerJob): TimerData {
  const data: Record<string, unknown> = {};
  for (const [long, short] of Object.entries(SHORT_KEYS[job.kind])) {
    const value = (job as Record<string, unknown>)[long];
    if (value !== undefined) data[short] = value;
  }
  return data as unknown as TimerData;
}

/**
 * The timer a stored job stands for; null when the data is not a timer (it can never run). Timers
 * queued before the data was shortened carry their kind and long names, and a running Redis holds them
 * until they fire (reminders weeks ahead): they are read as they were written.
 */
export function timerFromJob(name: string, data: unknown): TimerJob | null {
  if (!isRecord(data)) return null;
  let long: Record<string, unknown> = data;
  if (!('kind' in data)) {
    if (!isKind(name)) return null;
    long = { kind: name };
    for (const [field, short] of Object.entries(SHORT_KEYS[name])) if (data[short] !== undefined) long[field] = data[short];
  }
  const parsed = TimerJobSchema.safeParse(long);
  return parsed.success ? parsed.data : null;
}

/** Finished jobs are kept long enough that a re-add of the same id (poller, retry) is recognised as a duplicate. */
export const keepFinished = {
  removeOnComplete: { age: 24 * 3600, count: 100_000 },
  removeOnFail: { age: 14 * 24 * 3600 },
};

const retries = { attempts: 8, backoff: { type: 'exponential' as const, delay: 1000, jitter: 0.5 } };

export const defaultJobOptions = { ...retries, ...keepFinished };

/**
 * Timers wait in Redis for days, so every byte of a delayed job counts: the same retries as sends, while
 * how long finished ones are kept is set once on the timer worker (timerWorkerOptions), not in each job.
 */
export const timerJobOptions = retries;

export const timerWorkerOptions = { concurrency: 10, ...keepFinished };

/**
 * BullMQ logs every job's events in a stream per queue (10 000 entries by default) for QueueEvents
 * listeners. Nothing listens to the timers', so a short one saves ~1 MB.
 */
const TIMER_EVENTS_KEPT = 1000;

export interface Queues {
  dispatch: Queue<DispatchJob>;
  send: Queue<SendJob>;
  timers: Queue<TimerData>;
  upkeep: Queue;
  close(): Promise<void>;
}

/**
 * The BullMQ prefix of one queue. On a Redis Cluster every key a BullMQ script touches must be in one
 * slot: a hash tag per queue (`{dugnad-send}`) does that and spreads the queues over the nodes. On a
 * single Redis the names stay as they always were, so an upgrade finds the jobs already waiting.
 */
export function queuePrefix(prefix: string, queue: string, connection: RedisClient): string {
  return isCluster(connection) ? `{${prefix}-${queue}}` : prefix;
}

export function createQueues(client: RedisClient, prefix: string): Queues {
  const connection = client as ConnectionOptions;
  const at = (queue: string) => ({ connection, prefix: queuePrefix(prefix, queue, client) });
  const dispatch = new Queue<DispatchJob>(QUEUE.dispatch, { ...at(QUEUE.dispatch), defaultJobOptions });
  const send = new Queue<SendJob>(QUEUE.send, { ...at(QUEUE.send), defaultJobOptions });
  const timers = new Queue<TimerData>(QUEUE.timers, { ...at(QUEUE.timers), defaultJobOptions: timerJobOptions, streams: { events: { maxLen: TIMER_EVENTS_KEPT } } });
  const upkeep = new Queue(QUEUE.upkeep, { ...at(QUEUE.upkeep), defaultJobOptions: { removeOnComplete: true, removeOnFail: 100 } });
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
export async function kickOutbox(queues: Queues, outboxIds: number[], also: Omit<DispatchJob, 'outboxId'> = {}): Promise<void> {
  if (outboxIds.length === 0) return;
  await queues.dispatch.addBulk(outboxIds.map((id) => ({ name: 'outbox', data: { outboxId: id, ...also }, opts: { jobId: dispatchJobId(id) } })));
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
