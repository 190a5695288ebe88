// What the bot's modules are given and the shape of a command: types only, so a command file and the
// bot that dispatches to it (dugnad-bot.ts), or a route and the server that mounts it (app.ts), need
// not import each other.
import type { RedisClient } from '../infra/redis.ts';
import type { Config } from '../infra/config.ts';
import type { Database } from '../infra/db.ts';
import type { Logger } from '../infra/log.ts';
import type { Queues } from '../jobs/queues.ts';
import type { CardAction } from '../adaptive-cards/actions.ts';
import type { OutboundCredentials } from './auth.ts';
import type { DemoIdentity, DirectLineLimits } from './directline.ts';
import type { OwnDataLinks } from './own-data-download.ts';
import type { Turn } from './turn.ts';

export interface AppDeps {
  config: Config;
  db: Database;
  /** Producer connection: fails fast while Redis is down. */
  redis: RedisClient;
  queues: Queues;
  log: Logger;
  now: () => Date;
  demoIdentities: DemoIdentity[];
  /**
   * Tests only: signs the bot's replies instead of an app token from Entra ID. Inbound tokens are
   * validated for real either way (auth.ts).
   */
  outboundCredentials?: OutboundCredentials;
  /** Tests only: the web chat's limits and clock, to reach its caps and idle expiry without waiting. */
  directLine?: { limits?: Partial<DirectLineLimits>; now?: () => number };
}

export interface BotDeps extends AppDeps {
  isRedisReady(): boolean;
  /** The VAPID public key when the web chat can send push notifications; null when it cannot. */
  pushPublicKey: string | null;
  /** Links to one's own data file, where a file cannot be attached (Teams). */
  ownDataLinks?: OwnDataLinks;
}

export type CommandHandler<A extends CardAction = CardAction> = (turn: Turn, action: A, raw: Record<string, unknown>) => Promise<void>;
export type CommandTable = { [V in CardAction['action']]?: CommandHandler<Extract<CardAction, { action: V }>> };
