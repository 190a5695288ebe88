// Wires the workers to a runtime: used by `npm run worker` and, in development, by the bot process.
import type { Runtime } from '../infra/runtime.ts';
import { workerConnection } from '../infra/redis.ts';
import { anonymousTokens, appTokenProvider, createMessenger, type Messenger } from '../infra/connector.ts';
import { createQueues, type Queues } from './queues.ts';
import { startWorkers, type RunningWorkers } from './workers.ts';
import { jobSettings } from './settings.ts';

export async function createMessengerFor(rt: Runtime): Promise<Messenger> {
  const c = rt.config;
  const tokens = c.anonymous
    ? anonymousTokens
    : await appTokenProvider({ appId: c.MicrosoftAppId, password: c.MicrosoftAppPassword, tenantId: c.MicrosoftAppTenantId, appType: c.MicrosoftAppType });
  return createMessenger({ tokens, allowedHosts: c.dev ? null : c.SERVICE_URL_HOSTS });
}

export async function runWorkers(rt: Runtime, opts: { now?: () => Date; messenger?: Messenger } = {}): Promise<RunningWorkers & { queues: Queues }> {
  const connection = workerConnection(rt.redis.url);
  connection.on('error', () => undefined);
  const queues = createQueues(connection, rt.config.QUEUE_PREFIX);
  const messenger = opts.messenger ?? (await createMessengerFor(rt));
  const workers = await startWorkers({
    db: rt.db,
    queues,
    connection,
    prefix: rt.config.QUEUE_PREFIX,
    messenger,
    log: rt.log,
    now: opts.now ?? (() => new Date()),
    outboxPollMs: rt.config.OUTBOX_POLL_MS,
    sendRatePerSecond: rt.config.SEND_RATE_PER_SECOND,
    pacePerConversationMs: rt.config.PACE_PER_CONVERSATION_MS,
    settings: jobSettings(rt.config),
  });
  return {
    queues,
    async close() {
      await workers.close();
      await queues.close();
      messenger.close();
      connection.disconnect();
    },
  };
}
