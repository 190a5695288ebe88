// Wires the workers to a runtime: used by `npm run worker` and, in development, by the bot process.
import type { Runtime } from '../infra/runtime.ts';
import { settingsAgainstAdvice, workerConnection } from '../infra/redis.ts';
import { anonymousTokens, appTokenProvider, createMessenger, directLineConnectorKey, type Messenger, type MessengerOptions } from '../infra/connector.ts';
import type { Config } from '../infra/config.ts';
import { createQueues, type Queues } from './queues.ts';
import { startWorkers, type RunningWorkers } from './workers.ts';
import { jobSettings } from './settings.ts';
import { createPushSender, resolveVapidKeys } from '../infra/web-push.ts';
import type { PushDeps } from './deps.ts';
import { channelDeps } from './reach.ts';
import type { SmsGateway } from '../infra/sms/gateway.ts';
import { TIME_ZONE } from '../domain/time-zone.ts';

export async function createMessengerFor(rt: Runtime): Promise<Messenger> {
  const c = rt.config;
  const tokens = c.anonymous
    ? anonymousTokens
    : await appTokenProvider({ appId: c.MicrosoftAppId, password: c.MicrosoftAppPassword, tenantId: c.MicrosoftAppTenantId, appType: c.MicrosoftAppType });
  return createMessenger({ tokens, ...messengerRouting(c) });
}

/**
 * Where proactive sends may go and how they sign: Teams and Azure channels with the app's Entra token to
 * allow-listed hosts; the signed-in web chat on our own Direct Line endpoint with its derived key
 * (anonymous development needs neither).
 */
export function messengerRouting(c: Config): Pick<MessengerOptions, 'allowedHosts' | 'ownConnector'> {
  const ownConnector =
    !c.anonymous && c.WEB_CHAT_ENABLED && c.DIRECTLINE_TOKEN_SECRET && c.PUBLIC_BASE_URL
      ? { origin: new URL(c.PUBLIC_BASE_URL).origin, key: directLineConnectorKey(c.DIRECTLINE_TOKEN_SECRET) }
      : undefined;
  return { allowedHosts: c.dev ? null : c.SERVICE_URL_HOSTS, ownConnector };
}

/** Web Push for the workers: the VAPID keys (configured, or development's generated pair) and quiet hours. */
export function pushFor(c: Config, opts: { allowAnyHost?: boolean } = {}): PushDeps | undefined {
  const vapid = c.WEB_CHAT_ENABLED ? resolveVapidKeys(c) : null;
  if (!vapid) return undefined;
  return {
    sender: createPushSender({ vapid, allowedHosts: c.dev || opts.allowAnyHost ? null : c.PUSH_SERVICE_HOSTS }),
    quiet: { quietStart: c.QUIET_HOURS_START, quietEnd: c.QUIET_HOURS_END, timeZone: TIME_ZONE },
  };
}

export async function runWorkers(
  rt: Runtime,
  opts: { now?: () => Date; messenger?: Messenger; push?: PushDeps | null; smsGateway?: SmsGateway | null } = {},
): Promise<RunningWorkers & { queues: Queues }> {
  const connection = workerConnection(rt.redis);
  connection.on('error', () => undefined);
  const queues = createQueues(connection, rt.config.QUEUE_PREFIX);
  const messenger = opts.messenger ?? (await createMessengerFor(rt));
  const push = opts.push === null ? undefined : (opts.push ?? pushFor(rt.config));
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
    ...(push ? { push } : {}),
    channels: channelDeps(rt.config, opts.smsGateway),
  });
  // The memory and durability the schedule counts on (README, «Running in production»); said once, not enforced.
  void settingsAgainstAdvice(connection).then((differing) => {
    if (differing.length) rt.log.warn({ redis: differing }, 'Redis settings differ from what Dugnad advises (README, Running in production)');
  });
  return {
    queues,
    async close() {
      await workers.close();
      await queues.close();
      messenger.close();
      push?.sender.close();
      connection.disconnect();
    },
  };
}
