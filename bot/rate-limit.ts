// Request rate limits: per chat user on /api/messages and the web chat's posts, per client address on
// the sign-in and Direct Line endpoints. Counters live in Redis so every bot process shares them; when
// Redis is down each process falls back to its own in-memory counter, so a Redis outage loosens the
// limit a little instead of refusing every request.
import type { RedisClient } from '../infra/redis.ts';
import type { Request, Response } from 'restify';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

export type LimitVerdict = { ok: true } | { ok: false; retryAfterSeconds: number };

export interface Limiter {
  consume(key: string): Promise<LimitVerdict>;
}

const OPEN: Limiter = { consume: async () => ({ ok: true }) };

/** `perMinute` 0 switches the limit off; `perDay` counts a day instead of a minute. */
export function createLimiter(opts: { redis: RedisClient; keyPrefix: string; name: string; perMinute: number } | { redis: RedisClient; keyPrefix: string; name: string; perDay: number }): Limiter {
  const [points, duration] = 'perDay' in opts ? [opts.perDay, 86_400] : [opts.perMinute, 60];
  if (points <= 0) return OPEN;
  const shape = { points, duration };
  const limiter = new RateLimiterRedis({
    ...shape,
    storeClient: opts.redis,
    keyPrefix: `${opts.keyPrefix}:ratelimit:${opts.name}`,
    // Not ready → straight to the in-memory counter rather than queueing behind a dead connection.
    rejectIfRedisNotReady: true,
    insuranceLimiter: new RateLimiterMemory(shape),
  });
  return {
    async consume(key) {
      try {
        await limiter.consume(key);
        return { ok: true };
      } catch (err) {
        if (err instanceof RateLimiterRes) return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(err.msBeforeNext / 1000)) };
        // Neither store answered: letting the request through keeps the bot up; the limit is a guard, not the gate.
        return { ok: true };
      }
    },
  };
}

/** The 429 every limited route answers with. */
export function sendTooManyRequests(res: Response, retryAfterSeconds: number): void {
  res.setHeader('Retry-After', String(retryAfterSeconds));
  res.setHeader('Cache-Control', 'no-store');
  res.send(429, { error: { code: 'TooManyRequests', message: `Too many requests; try again in ${retryAfterSeconds} s` } });
}

/**
 * The client's address. Behind a reverse proxy (TRUST_PROXY) it is the last X-Forwarded-For entry,
 * the one our own proxy appended; earlier entries are whatever the client chose to send.
 */
export function clientAddress(req: Request, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = req.header('x-forwarded-for', '');
    const last = forwarded.split(',').map((s) => s.trim()).filter(Boolean).at(-1);
    if (last) return last;
  }
  return req.socket?.remoteAddress ?? 'unknown';
}
