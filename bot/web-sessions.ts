// Web sign-in sessions that were ended before their time (logout). The session cookie and the chat
// tokens issued under it are signed, stateless values; what ends them early is this record, shared by
// every bot server through Redis and kept only as long as the session would have lasted.
import type { RedisClient } from '../infra/redis.ts';
import { StoreUnavailableError } from './directline-store.ts';

export interface SessionEnds {
  /** Ends the session now (and every chat token issued under it). `untilSeconds`: when it would have ended anyway. */
  end(sessionId: string, untilSeconds: number): Promise<void>;
  isEnded(sessionId: string): Promise<boolean>;
}

export function redisSessionEnds(redis: RedisClient, keyPrefix: string, now: () => number): SessionEnds {
  const key = (sessionId: string) => `${keyPrefix}:web-session-ended:${sessionId}`;
  const unavailable = (cause: unknown) => new StoreUnavailableError('web sessions: redis failed', { cause });
  return {
    async end(sessionId, untilSeconds) {
      const ms = Math.max(1000, untilSeconds * 1000 - now());
      await redis.set(key(sessionId), '1', 'PX', ms).catch((err: unknown) => {
        throw unavailable(err);
      });
    },
    async isEnded(sessionId) {
      const n = await redis.exists(key(sessionId)).catch((err: unknown) => {
        throw unavailable(err);
      });
      return n > 0;
    },
  };
}
