// The BullMQ workers: outbox dispatch, sends (rate-limited, honouring Retry-After) and upkeep.
// Run inside the bot process in development, or alone with `npm run worker` (N servers + M workers).
import { Worker, type ConnectionOptions } from 'bullmq';
import type { Database } from '../infra/db.ts';
import type { Logger } from '../infra/log.ts';
import type { Messenger } from '../infra/connector.ts';
import { SendError } from '../infra/connector.ts';
import { pendingOutbox } from '../infra/outbox.ts';
import { QUEUE, kickOutbox, type DispatchJob, type Queues, type SendJob } from './queues.ts';
import { dispatchOutbox } from './dispatch.ts';
import { processSend } from './send.ts';

export interface WorkerDeps {
  db: Database;
  queues: Queues;
  connection: ConnectionOptions;
  prefix: string;
  messenger: Messenger;
  log: Logger;
  now: () => Date;
  outboxPollMs: number;
  /** Global cap on sends per second across all workers (Teams allows ~50 per tenant); 0 = off. */
  sendRatePerSecond: number;
  concurrency?: number;
}

export interface RunningWorkers {
  close(): Promise<void>;
}

export async function startWorkers(deps: WorkerDeps): Promise<RunningWorkers> {
  const { connection, prefix, log } = deps;
  const dispatch = new Worker<DispatchJob>(QUEUE.dispatch, async (job) => dispatchOutbox(deps.db, deps.queues, job.data.outboxId), {
    connection,
    prefix,
    concurrency: 10,
  });
  const send: Worker<SendJob> = new Worker<SendJob>(
    QUEUE.send,
    async (job) => {
      try {
        return await processSend({ db: deps.db, messenger: deps.messenger, queues: deps.queues, log, now: deps.now }, job.data);
      } catch (err) {
        if (err instanceof SendError && err.rateLimited) {
          // Pause the whole queue for as long as the channel asked, then try this job again.
          await send.rateLimit(err.retryAfterMs ?? 1000);
          throw Worker.RateLimitError();
        }
        throw err;
      }
    },
    {
      connection,
      prefix,
      concurrency: deps.concurrency ?? 50,
      ...(deps.sendRatePerSecond > 0 ? { limiter: { max: deps.sendRatePerSecond, duration: 1000 } } : {}),
    },
  );
  const upkeep = new Worker(
    QUEUE.upkeep,
    async (job) => {
      if (job.name === 'outbox-poll') {
        // Rows a crash left between commit and enqueue; young rows are still being kicked by their writer.
        const rows = await pendingOutbox(deps.db, 500, Math.min(deps.outboxPollMs, 1000));
        await kickOutbox(deps.queues, rows.map((r) => r.id));
        return rows.length;
      }
      return 0;
    },
    { connection, prefix, concurrency: 1 },
  );
  await deps.queues.upkeep.upsertJobScheduler('outbox-poll', { every: deps.outboxPollMs }, { name: 'outbox-poll' });

  for (const w of [dispatch, send, upkeep]) {
    w.on('failed', (job, err) => log.warn({ queue: w.name, jobId: job?.id, attempts: job?.attemptsMade, err: err.message }, 'job failed'));
    w.on('error', (err) => log.error({ queue: w.name, err: err.message }, 'worker error'));
  }
  return {
    async close() {
      await Promise.all([dispatch.close(), send.close(), upkeep.close()]);
    },
  };
}
