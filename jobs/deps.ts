// What the workers' stages are given: types only, so the send job (send.ts) and the stages it hands
// to (reach, web chat delivery, offer slices, series, staff channel) need not import each other.
import type { Database } from '../infra/db.ts';
import type { Messenger } from '../infra/connector.ts';
import type { Logger } from '../infra/log.ts';
import type { RedisClient } from '../infra/redis.ts';
import type { SmsGateway } from '../infra/sms/gateway.ts';
import type { PushSender } from '../infra/web-push.ts';
import type { Queues } from './queues.ts';
import type { JobSettings } from './settings.ts';
import type { RateGate, SendPermits } from './send-gate.ts';

export interface DispatchDeps {
  db: Database;
  queues: Queues;
  settings: JobSettings;
  now: () => Date;
}

export interface SendDeps {
  db: Database;
  messenger: Messenger;
  queues: Queues;
  log: Logger;
  now: () => Date;
  /** For per-conversation pacing across all workers. */
  redis?: RedisClient;
  prefix?: string;
  paceMs?: number;
  /** Web Push for the web chat; absent = no push (not configured). */
  push?: PushDeps;
  /** SMS and the settings around it (jobs/reach.ts); without it, SMS is off. */
  channels?: ChannelDeps;
  /** What a slice of offers (jobs/offer-slices.ts) shares with the worker; absent: no limits (tests calling processSend directly). */
  slice?: SliceDeps;
}

export interface SliceDeps {
  /** The connector without the per-send rate gate: a slice reserves its sends' slots at once. */
  messenger: Messenger;
  permits: SendPermits;
  rate: RateGate | null;
  /** Pause the send queue (a 429's Retry-After, when there is no rate gate). */
  pause(ms: number): Promise<void>;
}

/** What sending by push needs; absent when push is not configured (no VAPID keys in production). */
export interface PushDeps {
  sender: PushSender;
  /** Quiet hours (Europe/Oslo): a push that is not urgent makes no sound then. */
  quiet: { quietStart: string; quietEnd: string; timeZone: string };
}

/** What sending needs beyond the Bot Connector: the SMS gateway and the settings around it. */
export interface ChannelDeps {
  sms: SmsGateway | null;
  smsProvider: string;
  publicBaseUrl: string;
  linkMinutes: number;
  smsPaceMs: number;
  quietStart: string;
  quietEnd: string;
}
