// The BullMQ workers: outbox dispatch, timers, sends (rate-limited, paced per conversation, honouring
// Retry-After) and upkeep. Run inside the bot process in development, or alone with `npm run worker`
// (N servers + M workers against one Redis and one database).
import { DelayedError, UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { RedisClient } from '../infra/redis.ts';
import type { Database } from '../infra/db.ts';
import type { Logger } from '../infra/log.ts';
import type { Messenger } from '../infra/connector.ts';
import { SendError } from '../infra/connector.ts';
import { QUEUE, queuePrefix, timerFromJob, timerWorkerOptions, type DispatchJob, type Queues, type SendJob, type TimerData } from './queues.ts';
import { dispatchOutbox } from './dispatch.ts';
import { processSend } from './send.ts';
import { PaceError } from './conversation.ts';
import { rateGate, SendPermits, type RateGate } from './send-gate.ts';
import { processTimer } from './timers.ts';
import { dailyUpkeep, pollOutbox, weeklyDigests } from './upkeep.ts';
import { staffChannelDigests } from './staff-channel.ts';
import type { JobSettings } from './settings.ts';
import { guardSchedule } from './recovery.ts';
import type { ChannelDeps, PushDeps, SliceDeps } from './deps.ts';
import { TIME_ZONE } from '../domain/time-zone.ts';

export interface WorkerDeps {
  db: Database;
  queues: Queues;
  connection: RedisClient;
  /** QUEUE_PREFIX: queues derive theirs from it (queuePrefix), the other keys sit under it. */
  prefix: string;
  messenger: Messenger;
  log: Logger;
  now: () => Date;
  settings: JobSettings;
  outboxPollMs: number;
  /** Global cap on sends per second across all workers (Teams allows ~50 per tenant); 0 = off. */
  sendRatePerSecond: number;
  /** Gap between two messages to one conversation (Teams: ~1 per second); 0 = off. */
  pacePerConversationMs?: number;
  concurrency?: number;
  /** How often to look whether Redis still holds the schedule (besides every reconnect). */
  scheduleCheckMs?: number;
  /** Web Push for the web chat (absent: not configured). */
  push?: PushDeps;
  /** SMS and the settings around it; without it, nobody is reached by SMS. */
  channels?: ChannelDeps;
  /** First pause of the send queue after a 401 from the Bot Connector; doubles up to AUTH_RETRY_MAX_MS. */
  authRetryMs?: number;
}

const AUTH_RETRY_MS = 5_000;
const AUTH_RETRY_MAX_MS = 10 * 60_000;

/**
 * A wait that doubles with each round of failures until reset (a send went through). Sends failing
 * together during one wait are one round: they share it, and only the first says so (`fresh`).
 */
function backoff(firstMs: number): { next(nowMs: number): { waitMs: number; fresh: boolean }; reset(): void } {
  let rounds = 0;
  let until = 0;
  return {
    next(nowMs) {
      if (nowMs < until) return { waitMs: until - nowMs, fresh: false };
      const waitMs = Math.min(AUTH_RETRY_MAX_MS, firstMs * 2 ** rounds++);
      until = nowMs + waitMs;
      return { waitMs, fresh: true };
    },
    reset() {
      rounds = 0;
      until = 0;
    },
  };
}

/** Sends one send worker may have out and not yet recorded (jobs/send-gate.ts SendPermits). */
export const SEND_CONCURRENCY = 50;

function gatedMessenger(messenger: Messenger, rate: RateGate | null): Messenger {
  if (!rate) return messenger;
  return {
    send: async (ref, activity) => (await rate.reserve(1), messenger.send(ref, activity)),
    update: async (ref, id, activity) => (await rate.reserve(1), messenger.update(ref, id, activity)),
    close: () => messenger.close(),
  };
}

export interface RunningWorkers {
  close(): Promise<void>;
}

export async function startWorkers(deps: WorkerDeps): Promise<RunningWorkers> {
  const { connection, prefix, log, settings } = deps;
  const common = { db: deps.db, queues: deps.queues, settings, log, now: deps.now };
  const at = (queue: string) => ({ connection: connection as ConnectionOptions, prefix: queuePrefix(prefix, queue, connection) });
  const authBackoff = backoff(deps.authRetryMs ?? AUTH_RETRY_MS);

  const dispatch = new Worker<DispatchJob>(QUEUE.dispatch, async (job) => dispatchOutbox(common, job.data.outboxId, { sliced: job.data.sliced === true }), { ...at(QUEUE.dispatch), concurrency: 10 });
  const timers = new Worker<TimerData>(
    QUEUE.timers,
    async (job) => {
      const timer = timerFromJob(job.name, job.data);
      // Retrying cannot make it readable: straight to the failed set, where `npm run jobs -- failed` shows it.
      if (!timer) throw new UnrecoverableError('unreadable timer data');
      return processTimer(common, timer);
    },
    { ...at(QUEUE.timers), ...timerWorkerOptions },
  );
  const concurrency = deps.concurrency ?? SEND_CONCURRENCY;
  const permits = new SendPermits(concurrency);
  const rate = rateGate(connection, `${prefix}:send-budget`, deps.sendRatePerSecond);
  const slice: SliceDeps = { messenger: deps.messenger, permits, rate, pause: (ms) => send.rateLimit(ms) };
  // Every request to the Bot Connector takes its slot in the tenant's budget (a slice reserves its own at once).
  const messenger = gatedMessenger(deps.messenger, rate);
  const send: Worker<SendJob> = new Worker<SendJob>(
    QUEUE.send,
    async (job: Job<SendJob>, token?: string) => {
      // A one-message job counts as one send out and not yet recorded; a slice takes its own.
      const release = job.data.kind === 'offers' ? () => undefined : await permits.take(1);
      try {
        const result = await processSend(
          {
            db: deps.db,
            messenger,
            slice,
            queues: deps.queues,
            log,
            now: deps.now,
            redis: connection,
            prefix,
            paceMs: deps.pacePerConversationMs ?? 1000,
            ...(deps.push ? { push: deps.push } : {}),
            ...(deps.channels ? { channels: deps.channels } : {}),
          },
          job.data,
        );
        authBackoff.reset();
        return result;
      } catch (err) {
        if (err instanceof PaceError) {
          // Another message to this conversation went out just now: try again when it is our turn.
          await job.moveToDelayed(Date.now() + err.waitMs, token);
          throw new DelayedError();
        }
        if (err instanceof SendError && err.rateLimited) {
          const waitMs = err.retryAfterMs ?? 1000;
          if (rate) {
            // This message waits as long as the channel asked; the other sends keep their slots in the
            // budget unless the connector's 429s come thick enough that the gate makes them all wait
            // (jobs/send-gate.ts). The SMS gateway's «busy» is not the tenant's budget.
            if (err.from === 'connector') await rate.refused(waitMs).catch(() => 0);
            await job.moveToDelayed(Date.now() + waitMs, token);
            throw new DelayedError();
          }
          // No budget gate (SEND_RATE_PER_SECOND=0): pause the whole queue for as long as the channel asked.
          await send.rateLimit(waitMs);
          throw Worker.RateLimitError();
        }
        if (err instanceof SendError && err.authFailed) {
          // Our credentials were refused: every send would fail alike, and nobody is unreachable. Pause
          // the queue with a growing wait (the job keeps its attempts) and alert whoever reads the log.
          const pause = authBackoff.next(Date.now());
          if (pause.fresh) log.error({ status: err.status, queue: QUEUE.send, jobId: job.id, kind: job.data.kind, retryInMs: pause.waitMs }, 'Bot Connector refused our credentials (401): check MicrosoftAppPassword; sends paused and retried');
          await send.rateLimit(pause.waitMs);
          throw Worker.RateLimitError();
        }
        throw err;
      } finally {
        release();
      }
    },
    {
      ...at(QUEUE.send),
      concurrency,
      // The rate itself is the gate's (a slice is one job but many sends). BullMQ honours a manual
      // rateLimit() (a 429's Retry-After) only on a worker that has a limiter: a very high one.
      limiter: { max: 1_000_000, duration: 1000 },
      // A send takes well under a second and its lock is renewed while it runs; a short lock lets the
      // sends a dead worker held go to another worker in ~15 s instead of ~60 s (worker-crash.test.ts).
      lockDuration: 10_000,
      stalledInterval: 5_000,
    },
  );
  const upkeepDeps = { ...common, outboxPollMs: deps.outboxPollMs };
  const upkeep = new Worker(
    QUEUE.upkeep,
    async (job) => {
      if (job.name === 'outbox-poll') return pollOutbox(upkeepDeps);
      if (job.name === 'daily') return dailyUpkeep(upkeepDeps);
      if (job.name === 'weekly-digest') return weeklyDigests(upkeepDeps);
      if (job.name === 'channel-digest') return staffChannelDigests(upkeepDeps);
      return null;
    },
    { ...at(QUEUE.upkeep), concurrency: 1 },
  );
  const upkeepSchedulers = async () => {
    await deps.queues.upkeep.upsertJobScheduler('outbox-poll', { every: deps.outboxPollMs }, { name: 'outbox-poll' });
    const [hh, mm] = settings.dailyUpkeepAt.split(':').map(Number);
    await deps.queues.upkeep.upsertJobScheduler('daily', { pattern: `${mm} ${hh} * * *`, tz: TIME_ZONE }, { name: 'daily' });
    await deps.queues.upkeep.upsertJobScheduler('weekly-digest', { pattern: '0 8 * * 1', tz: TIME_ZONE }, { name: 'weekly-digest' });
    const [dh, dm] = settings.staffChannelDigestAt.split(':').map(Number);
    await deps.queues.upkeep.upsertJobScheduler('channel-digest', { pattern: `${dm} ${dh} * * *`, tz: TIME_ZONE }, { name: 'channel-digest' });
  };
  await upkeepSchedulers();
  // If Redis loses its data, the schedule still ahead is rebuilt from the database (recovery.ts).
  const guard = guardSchedule(connection, prefix, common, upkeepSchedulers, deps.scheduleCheckMs);

  const all = [dispatch, timers, send, upkeep];
  for (const w of all) {
    w.on('failed', (job, err) => log.warn({ queue: w.name, jobId: job?.id, attempts: job?.attemptsMade, err: err.message }, 'job failed'));
    w.on('error', (err) => log.error({ queue: w.name, err: err.message }, 'worker error'));
  }
  return {
    async close() {
      guard.stop();
      await guard.settled();
      await Promise.all(all.map((w) => w.close()));
    },
  };
}
